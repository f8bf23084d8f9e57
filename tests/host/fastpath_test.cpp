// SPDX-License-Identifier: MIT
// The send path without a syscall and with many threads (issue: host send
// path ≥ 10× cheaper than the kernel's): a sending thread under a seccomp
// filter that kills on any syscall, threads sharing and not sharing a socket
// with every datagram checked on the wire, close() while a send is blocked,
// sendoff_fini() with a send in flight, and cached routes following a
// configuration change.
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <ucontext.h>
#include <netinet/in.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "seccomp_kill.h"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "test_env.hpp"

namespace {

using test_env::Frame;
constexpr size_t kPayloadOff = 14 + 20 + 8;  // Ethernet, IPv4, UDP

// A datagram that names its sender and sequence number, then a pattern
// derived from both, so any corruption or mix-up shows.
void fill(uint8_t* p, size_t len, uint32_t who, uint32_t seq) {
  memcpy(p, &who, 4);
  memcpy(p + 4, &seq, 4);
  for (size_t i = 8; i < len; ++i) p[i] = static_cast<uint8_t>(who * 31 + seq * 7 + i);
}

bool intact(const Frame& f, size_t len, uint32_t* who, uint32_t* seq) {
  if (f.size() < kPayloadOff + len) return false;
  const uint8_t* p = f.data() + kPayloadOff;
  memcpy(who, p, 4);
  memcpy(seq, p + 4, 4);
  for (size_t i = 8; i < len; ++i)
    if (p[i] != static_cast<uint8_t>(*who * 31 + *seq * 7 + i)) return false;
  return true;
}

// Every (who, seq) for who < senders, seq < per_sender exactly once, intact.
void expect_each_once(const std::vector<Frame>& frames, size_t len, uint32_t senders,
                      uint32_t per_sender) {
  std::vector<std::vector<uint8_t>> seen(senders, std::vector<uint8_t>(per_sender, 0));
  size_t bad = 0, dup = 0;
  for (const Frame& f : frames) {
    uint32_t who, seq;
    if (!intact(f, len, &who, &seq) || who >= senders || seq >= per_sender) {
      ++bad;
      continue;
    }
    if (seen[who][seq]++) ++dup;
  }
  size_t missing = 0;
  for (const auto& s : seen)
    for (uint8_t v : s) missing += v == 0;
  EXPECT_EQ(bad, 0u) << "corrupted or unknown datagrams";
  EXPECT_EQ(dup, 0u) << "datagrams sent twice";
  EXPECT_EQ(missing, 0u) << "datagrams that never left";
  EXPECT_EQ(frames.size(), size_t{senders} * per_sender);
}

// What the filtered thread did when it made a syscall: recorded by a SIGSYS
// handler (SECCOMP_RET_TRAP), which then ends the thread through exit(2), so
// that the test can name the syscall and its callers instead of dying.
struct TrappedSyscall {
  std::atomic<int> nr{-1};
  void* frames[24];
  int depth = 0;
};
TrappedSyscall trapped;

void on_sigsys(int, siginfo_t* si, void*) {
  trapped.depth = backtrace(trapped.frames, 24);  // warmed up before the filter: no syscall
  trapped.nr.store(si->si_syscall);
  syscall(SYS_exit, 0);
}

std::string describe_trapped() {
  std::string s = "syscall " + std::to_string(trapped.nr.load()) + " from:";
  for (int i = 0; i < trapped.depth; ++i) {
    Dl_info info{};
    char line[256];
    if (dladdr(trapped.frames[i], &info) && info.dli_fname)
      snprintf(line, sizeof line, "\n  %p %s+%#lx (%s)", trapped.frames[i],
               info.dli_sname ? info.dli_sname : "?",
               static_cast<unsigned long>(static_cast<char*>(trapped.frames[i]) -
                                          static_cast<char*>(info.dli_fbase)),
               info.dli_fname);
    else
      snprintf(line, sizeof line, "\n  %p", trapped.frames[i]);
    s += line;
  }
  return s;
}

int udp_socket() {
  int fd = so_socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_GE(fd, 0);
  return fd;
}

TEST(FastPath, TenThousandSendsWithoutASyscall) {
  test_env::drain_frames();
  constexpr uint32_t kSends = 10000;
  constexpr size_t kLen = 64;
  int fd = udp_socket();
  sockaddr_in dst = test_env::peer(9000);
  std::atomic<int> outcome{-1};
  struct sigaction sa {}, old_sa{};
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  ASSERT_EQ(sigaction(SIGSYS, &sa, &old_sa), 0);
  // The NIC polls the ring for the whole burst, however long this thread is
  // preempted, so no doorbell needs a wake-up.
  sendoff::stack_set_busy_poll(60 * 1000 * 1000);
  std::thread t([&] {
    uint8_t buf[kLen];
    // Warm up: the route, the NIC flow and this thread's RCU record. The
    // thread leaves through exit(2) below, so what libc allocated for its
    // thread_local destructors here is never freed: not a leak of ours.
#if defined(__SANITIZE_ADDRESS__)
    __lsan_disable();
#endif
    fill(buf, kLen, 1, 0);
    int warm = 0;
    for (; warm < 16; ++warm)
      if (so_sendto(fd, buf, kLen, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst) < 0) break;
#if defined(__SANITIZE_ADDRESS__)
    __lsan_enable();
#endif
    if (warm < 16) return;
    void* warm_frames[4];
    backtrace(warm_frames, 4);  // loads the unwinder now, not in the handler
    const int allowed[] = {SYS_exit, SYS_exit_group, SYS_rt_sigreturn};
    if (seccomp_list(allowed, 3, SECCOMP_RET_ALLOW, SECCOMP_RET_TRAP) != 0) return;
    // From here a syscall ends this thread (on_sigsys). A full ring or send buffer is
    // EAGAIN (MSG_DONTWAIT: no sleep); the NIC polls the ring, so spinning
    // on it needs no doorbell wake-up.
    for (uint32_t seq = 0; seq < kSends;) {
      fill(buf, kLen, 0, seq);
      ssize_t r = so_sendto(fd, buf, kLen, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&dst),
                            sizeof dst);
      if (r == static_cast<ssize_t>(kLen))
        ++seq;
      else if (!(r < 0 && errno == EAGAIN))
        break;
    }
    outcome.store(0);
    // Thread exit through libc makes syscalls (stack caching, robust lists);
    // leave through exit(2) alone. The kernel still wakes pthread_join.
    syscall(SYS_exit, 0);
  });
  t.join();
  sendoff::stack_set_busy_poll(200);
  sigaction(SIGSYS, &old_sa, nullptr);
  ASSERT_EQ(trapped.nr.load(), -1) << describe_trapped();
  ASSERT_EQ(outcome.load(), 0) << "the burst failed before the seccomp filter or with an error";
  so_close(fd);
  auto frames = test_env::take_frames();
  // The 16 warm-up datagrams came first.
  ASSERT_EQ(frames.size(), kSends + 16u);
  frames.erase(frames.begin(), frames.begin() + 16);
  expect_each_once(frames, kLen, 1, kSends);
}

// Four threads, 50,000 sends each, on four sockets and then on one shared
// socket: each datagram leaves exactly once, intact.
void threads_send(bool shared) {
  test_env::drain_frames();
  constexpr uint32_t kThreads = 4, kEach = 50000;
  constexpr size_t kLen = 64;
  std::vector<int> fds;
  for (uint32_t i = 0; i < (shared ? 1 : kThreads); ++i) fds.push_back(udp_socket());
  sockaddr_in dst = test_env::peer(9001);
  std::atomic<uint32_t> failures{0};
  std::vector<std::thread> ts;
  for (uint32_t who = 0; who < kThreads; ++who)
    ts.emplace_back([&, who] {
      int fd = fds[shared ? 0 : who];
      uint8_t buf[kLen];
      for (uint32_t seq = 0; seq < kEach; ++seq) {
        fill(buf, kLen, who, seq);
        if (so_sendto(fd, buf, kLen, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst) !=
            static_cast<ssize_t>(kLen))
          failures.fetch_add(1);
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(failures.load(), 0u);
  for (int fd : fds) so_close(fd);
  expect_each_once(test_env::take_frames(), kLen, kThreads, kEach);
}

TEST(FastPath, FourThreadsOnFourSockets) { threads_send(false); }
TEST(FastPath, FourThreadsOnOneSocket) { threads_send(true); }

// Fills the ring and send buffer while the MAC holds the NIC, so that the
// next blocking send on fd sleeps. Returns how many were posted.
uint32_t fill_until_blocked(int fd, const sockaddr_in& dst, size_t len) {
  std::vector<uint8_t> buf(len);
  uint32_t seq = 0;
  for (;; ++seq) {
    fill(buf.data(), len, 0, seq);
    if (so_sendto(fd, buf.data(), len, MSG_DONTWAIT,
                  reinterpret_cast<const sockaddr*>(&dst), sizeof dst) < 0)
      break;
  }
  EXPECT_EQ(errno, EAGAIN);
  return seq;
}

TEST(FastPath, CloseWhileASendIsBlockedBehavesAsLinux) {
  test_env::drain_frames();
  constexpr size_t kLen = 1400;
  int fd = udp_socket();
  sockaddr_in dst = test_env::peer(9002);
  test_env::pause_mac(true);
  uint32_t posted = fill_until_blocked(fd, dst, kLen);
  ASSERT_GT(posted, 0u);
  std::atomic<bool> returned{false};
  ssize_t result = 0;
  std::thread t([&] {
    std::vector<uint8_t> buf(kLen);
    fill(buf.data(), kLen, 0, posted);
    result = so_sendto(fd, buf.data(), kLen, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst);
    returned.store(true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(returned.load()) << "the send should sleep while the ring is full";
  EXPECT_EQ(so_close(fd), 0);
  // A new call on the closed fd: EBADF; the one in flight keeps the socket.
  uint8_t one = 0;
  EXPECT_EQ(so_sendto(fd, &one, 1, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst), -1);
  EXPECT_EQ(errno, EBADF);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(returned.load());
  test_env::pause_mac(false);
  t.join();
  EXPECT_EQ(result, static_cast<ssize_t>(kLen)) << "the blocked send completes, as on Linux";
  expect_each_once(test_env::take_frames(), kLen, 1, posted + 1);
}

TEST(FastPath, FiniWithASendInFlightIsSafe) {
  test_env::drain_frames();
  int fd = udp_socket();
  sockaddr_in dst = test_env::peer(9003);
  test_env::pause_mac(true);
  fill_until_blocked(fd, dst, 1400);
  std::atomic<bool> returned{false};
  int err = 0;
  std::thread t([&] {
    std::vector<uint8_t> buf(1400);
    if (so_sendto(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst) < 0)
      err = errno;
    returned.store(true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(returned.load());
  // The NIC must be able to finish for fini to drain it: let the MAC go a
  // little later, while fini waits for the blocked call.
  std::thread mac([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    test_env::pause_mac(false);
  });
  EXPECT_EQ(sendoff_fini(), 0);
  t.join();
  mac.join();
  EXPECT_TRUE(returned.load());
  // The blocked call either completed before fini took the stack down, or
  // gave up with ENETDOWN; nothing else.
  EXPECT_TRUE(err == 0 || err == ENETDOWN) << strerror(err);
  // Open again: the old fd is no socket of the new stack.
  test_env::reopen_stack();
  uint8_t one = 0;
  EXPECT_EQ(so_sendto(fd, &one, 1, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&dst), sizeof dst), -1);
  test_env::drain_frames();
}

TEST(FastPath, CachedRouteFollowsAConfigurationChange) {
  test_env::drain_frames();
  int fd = udp_socket();
  sockaddr_in dst = test_env::peer(9004);
  uint8_t buf[16] = {};
  ASSERT_EQ(so_sendto(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst), 16);
  const uint8_t moved[6] = {0x02, 0, 0, 0, 0, 0x42};
  test_env::set_peer_mac(moved);
  ASSERT_EQ(so_sendto(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst), 16);
  test_env::set_peer_mac(nullptr);
  ASSERT_EQ(so_sendto(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst), 16);
  so_close(fd);
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(memcmp(frames[0].data(), test_env::kPeerMac, 6), 0);
  EXPECT_EQ(memcmp(frames[1].data(), moved, 6), 0) << "the cached route was used after the change";
  EXPECT_EQ(memcmp(frames[2].data(), test_env::kPeerMac, 6), 0);
}

}  // namespace
