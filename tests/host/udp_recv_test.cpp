// SPDX-License-Identifier: MIT
// The receive half of the host stack: netif_receive_skb → ip_rcv → udp_rcv
// → the socket → recvfrom/recvmsg. Frames come from sendoff's own NIC model
// (real checksums) mirrored as the peer's answer would be: source and
// destination swapped, which leaves both checksums valid. The errno rows run
// against the kernel's sockets too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <unistd.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "socket_api.hpp"
#include "syscall_matchers.hpp"
#include "mirror_frame.hpp"
#include "signal_in.hpp"
#include "test_env.hpp"

namespace {

using test_env::Frame;

void* const kKernelPtr = reinterpret_cast<void*>(0xffff888000000000ull);

using test_env::mirror;

class UdpRecv : public ::testing::Test {
 protected:
  void SetUp() override {
    test_env::drain_frames();
    fd_ = so_socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_in me = test_env::addr(test_env::kLocal, 7001);
    ASSERT_EQ(so_bind(fd_, reinterpret_cast<sockaddr*>(&me), sizeof me), 0);
    for (size_t i = 0; i < sizeof payload_; ++i) payload_[i] = static_cast<char>(i * 13 + 5);
    for (size_t i = 0; i < sizeof payload_big_; ++i)
      payload_big_[i] = static_cast<char>(i * 7 + i / 251);
  }
  void TearDown() override {
    so_close(fd_);
    test_env::drain_frames();
  }
  // What the peer at 198.18.0.2:from_port sends to our port 7001: the
  // mirror of our datagram to it.
  Frame from_peer(size_t len, uint16_t from_port = 7000) {
    sockaddr_in to = test_env::peer(from_port);
    EXPECT_EQ(so_sendto(fd_, payload_, len, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(len));
    auto frames = test_env::take_frames();
    EXPECT_EQ(frames.size(), 1u);
    return frames.empty() ? Frame{} : mirror(frames[0]);
  }
  void deliver(const Frame& f) { ASSERT_TRUE(sendoff::stack_receive_frame(f.data(), f.size(), false)); }

  int fd_ = -1;
  char payload_[2000] = {};
  static char payload_big_[9000];
  char buf_[4096] = {};
};

char UdpRecv::payload_big_[9000];

TEST_F(UdpRecv, DatagramsArriveWhole) {
  for (size_t len : {0u, 1u, 17u, 1472u}) {
    SCOPED_TRACE(len);
    deliver(from_peer(len));
    sockaddr_in from{};
    socklen_t alen = sizeof from;
    ASSERT_THAT(so_recvfrom(fd_, buf_, sizeof buf_, MSG_DONTWAIT,
                            reinterpret_cast<sockaddr*>(&from), &alen),
                SyscallSucceedsWithValue(static_cast<ssize_t>(len)));
    EXPECT_EQ(0, memcmp(buf_, payload_, len));
    EXPECT_EQ(alen, sizeof from);
    EXPECT_EQ(from.sin_family, AF_INET);
    EXPECT_EQ(ntohl(from.sin_addr.s_addr), test_env::kPeer);
    EXPECT_EQ(ntohs(from.sin_port), 7000);
  }
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
}

TEST_F(UdpRecv, PeekLeavesTheDatagramAndTruncationIsReported) {
  deliver(from_peer(100));
  ASSERT_THAT(so_recv(fd_, buf_, 10, MSG_PEEK | MSG_DONTWAIT), SyscallSucceedsWithValue(10));
  // MSG_TRUNC in flags: the datagram's real length.
  ASSERT_THAT(so_recv(fd_, buf_, 10, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT),
              SyscallSucceedsWithValue(100));
  iovec iov[2] = {{buf_, 30}, {buf_ + 1000, 20}};
  msghdr m{};
  m.msg_iov = iov;
  m.msg_iovlen = 2;
  m.msg_controllen = 99;
  ASSERT_THAT(so_recvmsg(fd_, &m, MSG_DONTWAIT), SyscallSucceedsWithValue(50));
  EXPECT_TRUE(m.msg_flags & MSG_TRUNC);
  EXPECT_EQ(m.msg_controllen, 0u);
  EXPECT_EQ(0, memcmp(buf_, payload_, 30));
  EXPECT_EQ(0, memcmp(buf_ + 1000, payload_ + 30, 20));
  // The rest of a truncated datagram is gone, as Linux's.
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
}

TEST_F(UdpRecv, BadChecksumNoSocketAndOtherHostAreDroppedAndCounted) {
  Frame good = from_peer(64);
  auto before = sendoff::stack_rx_counters();
  Frame bad = good;
  bad[50] ^= 0x40;  // a payload byte: the UDP checksum no longer holds
  deliver(bad);
  Frame noport = from_peer(64, 7000);
  noport[36] = 0x1f;  // another destination port: the checksum fails first
  deliver(noport);
  Frame other = good;
  other[5] ^= 0x10;  // another host's MAC
  deliver(other);
  auto after = sendoff::stack_rx_counters();
  EXPECT_EQ(after.udp_in_csum_errors - before.udp_in_csum_errors, 2u);  // bad, noport
  EXPECT_EQ(after.ip_in_receives - before.ip_in_receives, 2u);          // other host: none
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));

  // With the checksum field zeroed (no checksum, allowed over IPv4) the
  // changed port reaches udp_rcv's lookup: no socket, counted.
  noport[40] = noport[41] = 0;
  deliver(noport);
  EXPECT_EQ(sendoff::stack_rx_counters().udp_no_ports - after.udp_no_ports, 1u);
  // And the good one still arrives.
  deliver(good);
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallSucceedsWithValue(64));
}

TEST_F(UdpRecv, ConnectedSocketTakesOnlyItsPeer) {
  Frame from_7000 = from_peer(20, 7000);
  Frame from_7002 = from_peer(20, 7002);
  sockaddr_in peer = test_env::peer(7000);
  ASSERT_EQ(so_connect(fd_, reinterpret_cast<sockaddr*>(&peer), sizeof peer), 0);
  auto before = sendoff::stack_rx_counters();
  deliver(from_7002);
  deliver(from_7000);
  EXPECT_EQ(sendoff::stack_rx_counters().udp_no_ports - before.udp_no_ports, 1u);
  sockaddr_in from{};
  socklen_t alen = sizeof from;
  ASSERT_THAT(so_recvfrom(fd_, buf_, sizeof buf_, MSG_DONTWAIT,
                          reinterpret_cast<sockaddr*>(&from), &alen),
              SyscallSucceedsWithValue(20));
  EXPECT_EQ(ntohs(from.sin_port), 7000);
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
}

TEST_F(UdpRecv, ReceiveBufferLimitsTheQueue) {
  int rcvbuf = 4096;  // doubled to 8192: about three 2 KiB-buffer datagrams
  ASSERT_EQ(so_setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
  Frame f = from_peer(1000);
  auto before = sendoff::stack_rx_counters();
  constexpr int kSent = 20;
  for (int i = 0; i < kSent; ++i) deliver(f);
  int got = 0;
  while (so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT) == 1000) ++got;
  auto after = sendoff::stack_rx_counters();
  EXPECT_GT(got, 0);
  EXPECT_LT(got, kSent);
  EXPECT_EQ(after.udp_rcvbuf_errors - before.udp_rcvbuf_errors, static_cast<uint64_t>(kSent - got));
  EXPECT_EQ(after.udp_in_datagrams - before.udp_in_datagrams, static_cast<uint64_t>(got));
}

// Our fragments of one datagram from fd to the peer's port 7003, mirrored:
// the peer's fragments to fd.
std::vector<Frame> fragments_from_peer(int fd, const char* payload, size_t len) {
  sockaddr_in to = test_env::peer(7003);
  EXPECT_EQ(so_sendto(fd, payload, len, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
            static_cast<ssize_t>(len));
  std::vector<Frame> out;
  for (const Frame& f : test_env::take_frames()) out.push_back(mirror(f));
  return out;
}

void set_ip_csum(Frame& f) {
  f[24] = f[25] = 0;
  uint32_t s = 0;
  for (int i = 14; i < 34; i += 2) s += uint32_t(f[i] << 8 | f[i + 1]);
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  f[24] = uint8_t(~s >> 8);
  f[25] = uint8_t(~s);
}

TEST_F(UdpRecv, FragmentedDatagramsAreReassembledInAnyOrder) {
  for (size_t len : {1800u, 8000u}) {
    for (bool reverse : {false, true}) {
      SCOPED_TRACE(std::to_string(len) + (reverse ? " reversed" : " in order"));
      std::vector<Frame> frags = fragments_from_peer(fd_, payload_big_, len);
      ASSERT_EQ(frags.size(), (len + 8 + 1479) / 1480);
      if (reverse) std::reverse(frags.begin(), frags.end());
      auto before = sendoff::stack_rx_counters();
      deliver(frags[0]);
      deliver(frags[0]);  // an exact duplicate is dropped, the queue stays
      for (size_t i = 1; i < frags.size(); ++i) deliver(frags[i]);
      auto after = sendoff::stack_rx_counters();
      EXPECT_EQ(after.ip_reasm_oks - before.ip_reasm_oks, 1u);
      EXPECT_EQ(after.ip_reasm_fails - before.ip_reasm_fails, 0u);
      sockaddr_in from{};
      socklen_t alen = sizeof from;
      std::vector<char> got(len + 100);
      ASSERT_THAT(so_recvfrom(fd_, got.data(), got.size(), MSG_DONTWAIT,
                              reinterpret_cast<sockaddr*>(&from), &alen),
                  SyscallSucceedsWithValue(static_cast<ssize_t>(len)));
      EXPECT_EQ(0, memcmp(got.data(), payload_big_, len));
      EXPECT_EQ(ntohs(from.sin_port), 7003);
      EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
    }
  }
}

TEST_F(UdpRecv, OverlappingFragmentsKillTheDatagram) {
  std::vector<Frame> frags = fragments_from_peer(fd_, payload_big_, 4000);
  ASSERT_EQ(frags.size(), 3u);
  // The second fragment moved 8 bytes back: it overlaps the first.
  Frame moved = frags[1];
  unsigned off = unsigned(moved[20] << 8 | moved[21]);
  off -= 1;
  moved[20] = uint8_t(off >> 8);
  moved[21] = uint8_t(off);
  set_ip_csum(moved);
  auto before = sendoff::stack_rx_counters();
  deliver(frags[0]);
  deliver(moved);
  deliver(frags[2]);
  deliver(frags[1]);  // too late: a new queue that never completes
  auto after = sendoff::stack_rx_counters();
  EXPECT_EQ(after.ip_reasm_overlaps - before.ip_reasm_overlaps, 1u);
  EXPECT_EQ(after.ip_reasm_fails - before.ip_reasm_fails, 1u);
  EXPECT_EQ(after.ip_reasm_oks - before.ip_reasm_oks, 0u);
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
}

TEST_F(UdpRecv, BlockingReceiveWaitsForTheDatagram) {
  Frame f = from_peer(33);
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sendoff::stack_receive_frame(f.data(), f.size(), false);
  });
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, 0), SyscallSucceedsWithValue(33));
  t.join();
}

TEST_F(UdpRecv, PollWakesWhenADatagramComes) {
  Frame f = from_peer(21);
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sendoff::stack_receive_frame(f.data(), f.size(), false);
  });
  pollfd p{fd_, POLLIN, 0};
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THAT(so_poll(&p, 1, 10000), SyscallSucceedsWithValue(1));
  // Woken, not found by a later look: well before the poller's 1 s slice.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  EXPECT_EQ(p.revents, POLLIN);
  t.join();
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallSucceedsWithValue(21));
  p.revents = -1;
  EXPECT_THAT(so_poll(&p, 1, 0), SyscallSucceedsWithValue(0));
  EXPECT_EQ(p.revents, 0);
}

// An epoll set on the socket's fd (so_epoll_watch): level-triggered EPOLLIN
// exactly while a datagram is queued, and with EPOLLET one event per arrival.
TEST_F(UdpRecv, EpollSeesTheSocketsReadiness) {
  ASSERT_THAT(so_epoll_watch(fd_), SyscallSucceeds());
  int lt = epoll_create1(EPOLL_CLOEXEC), et = epoll_create1(EPOLL_CLOEXEC);
  ASSERT_GE(lt, 0);
  ASSERT_GE(et, 0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ASSERT_EQ(epoll_ctl(lt, EPOLL_CTL_ADD, fd_, &ev), 0) << strerror(errno);
  ev.events = EPOLLIN | EPOLLET;
  ASSERT_EQ(epoll_ctl(et, EPOLL_CTL_ADD, fd_, &ev), 0) << strerror(errno);
  epoll_event got{};
  EXPECT_EQ(epoll_wait(lt, &got, 1, 0), 0);
  EXPECT_EQ(epoll_wait(et, &got, 1, 0), 0);
  Frame f = from_peer(21);
  deliver(f);
  deliver(f);
  EXPECT_EQ(epoll_wait(lt, &got, 1, 0), 1);
  EXPECT_EQ(got.events, static_cast<uint32_t>(EPOLLIN));
  EXPECT_EQ(epoll_wait(et, &got, 1, 0), 1);
  EXPECT_EQ(epoll_wait(et, &got, 1, 0), 0);  // edge: reported once
  deliver(f);
  EXPECT_EQ(epoll_wait(et, &got, 1, 0), 1);  // a new arrival is a new edge
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(epoll_wait(lt, &got, 1, 0), 1);  // level: while any is queued
    EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallSucceedsWithValue(21));
  }
  EXPECT_EQ(epoll_wait(lt, &got, 1, 0), 0);
  // SHUT_RD makes it readable for good, as Linux's EPOLLIN after shutdown.
  so_shutdown(fd_, SHUT_RD);
  EXPECT_EQ(epoll_wait(lt, &got, 1, 0), 1);
  close(lt);
  close(et);
}

TEST_F(UdpRecv, RecvmmsgTakesWhatIsQueuedWithWaitforone) {
  for (size_t len : {5u, 6u, 7u}) deliver(from_peer(len));
  char bufs[5][64];
  iovec iov[5];
  mmsghdr v[5]{};
  for (int i = 0; i < 5; ++i) {
    iov[i] = {bufs[i], sizeof bufs[i]};
    v[i].msg_hdr.msg_iov = &iov[i];
    v[i].msg_hdr.msg_iovlen = 1;
    v[i].msg_len = 999;
  }
  timespec t{5, 0};
  EXPECT_THAT(so_recvmmsg(fd_, v, 5, MSG_WAITFORONE, &t), SyscallSucceedsWithValue(3));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(v[i].msg_len, 5u + i);
    EXPECT_EQ(memcmp(bufs[i], payload_, 5 + i), 0);
  }
  EXPECT_EQ(v[3].msg_len, 999u) << "untouched past the datagrams taken";
  EXPECT_TRUE(t.tv_sec < 5 || (t.tv_sec == 5 && t.tv_nsec == 0)) << "the time left comes back";
  EXPECT_THAT(so_recvmmsg(fd_, v, 5, MSG_DONTWAIT, nullptr), SyscallFailsWithErrno(EAGAIN));
}

TEST_F(UdpRecv, ShutdownWakesABlockedReceiver) {
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    so_shutdown(fd_, SHUT_RD);
  });
  const auto t0 = std::chrono::steady_clock::now();
  // Linux: a shut-down socket's receive returns 0 at once.
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, 0), SyscallSucceedsWithValue(0));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  t.join();
}

// ---------------------------------------------------------------- errno parity

// One jiffy in µs, as the kernel reports a 1 µs timeout back.
long jiffy_us() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  timeval tv{0, 1};
  socklen_t len = sizeof tv;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
  close(fd);
  return tv.tv_usec;
}

class RecvErrno : public ::testing::TestWithParam<const SocketApi*> {
 protected:
  const SocketApi& api() const { return *GetParam(); }
  int udp_bound() {
    int fd = api().socket(AF_INET, SOCK_DGRAM, 0);
    EXPECT_GE(fd, 0);
    fds_.push_back(fd);
    sockaddr_in any = test_env::addr(0, 0);
    EXPECT_EQ(api().bind(fd, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
    return fd;
  }
  void TearDown() override {
    for (int fd : fds_) api().close(fd);
  }
  std::vector<int> fds_;
  char buf_[256] = {};
};

TEST_P(RecvErrno, BadDescriptors) {
  EXPECT_THAT(api().recv(-1, buf_, 10, MSG_DONTWAIT), SyscallFailsWithErrno(EBADF));
  EXPECT_THAT(api().recvfrom(987654, buf_, 10, MSG_DONTWAIT, nullptr, nullptr),
              SyscallFailsWithErrno(EBADF));
  msghdr m{};
  EXPECT_THAT(api().recvmsg(-1, &m, MSG_DONTWAIT), SyscallFailsWithErrno(EBADF));
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  EXPECT_THAT(api().recv(p[0], buf_, 10, MSG_DONTWAIT), SyscallFailsWithErrno(ENOTSOCK));
  EXPECT_THAT(api().recvmsg(p[0], &m, MSG_DONTWAIT), SyscallFailsWithErrno(ENOTSOCK));
  close(p[0]);
  close(p[1]);
}

TEST_P(RecvErrno, EfaultBeforeEbadfForAKernelBuffer) {
  EXPECT_THAT(api().recv(-1, kKernelPtr, 10, MSG_DONTWAIT), SyscallFailsWithErrno(EFAULT));
}

TEST_P(RecvErrno, EagainWhenEmpty) {
  int fd = udp_bound();
  EXPECT_THAT(api().recv(fd, buf_, 10, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
  EXPECT_THAT(api().recvfrom(fd, buf_, 10, MSG_DONTWAIT | MSG_PEEK, nullptr, nullptr),
              SyscallFailsWithErrno(EAGAIN));
  EXPECT_THAT(api().recv(fd, buf_, 10, MSG_ERRQUEUE), SyscallFailsWithErrno(EAGAIN));
  ASSERT_EQ(api().fcntl(fd, F_SETFL, O_NONBLOCK), 0);
  EXPECT_THAT(api().recv(fd, buf_, 10, 0), SyscallFailsWithErrno(EAGAIN));
}

TEST_P(RecvErrno, RcvtimeoEndsTheWaitWithEagain) {
  int fd = udp_bound();
  timeval tv{0, 50000};
  ASSERT_EQ(api().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  timeval back{};
  socklen_t len = sizeof back;
  ASSERT_EQ(api().getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &back, &len), 0);
  // Kept in jiffies: 50 ms reads back rounded up to a whole one (52 ms at HZ=250).
  EXPECT_EQ(back.tv_sec, 0);
  EXPECT_EQ(back.tv_usec, (50000 + jiffy_us() - 1) / jiffy_us() * jiffy_us());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THAT(api().recv(fd, buf_, 10, 0), SyscallFailsWithErrno(EAGAIN));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(45));
  tv.tv_usec = 1000000;
  EXPECT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv),
              SyscallFailsWithErrno(EDOM));
  EXPECT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, 4), SyscallFailsWithErrno(EINVAL));
}

TEST_P(RecvErrno, PollReportsWhatLinuxReports) {
  int fd = udp_bound();
  const short all = POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLWRNORM | POLLWRBAND | POLLRDHUP;
  pollfd p[3] = {{fd, all, -1}, {-1, POLLIN, -1}, {fd, POLLIN, -1}};
  EXPECT_THAT(api().poll(p, 3, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(p[0].revents, POLLOUT | POLLWRNORM | POLLWRBAND);
  EXPECT_EQ(p[1].revents, 0) << "a negative fd is ignored";
  EXPECT_EQ(p[2].revents, 0);
  // Nothing to read: the timeout runs out.
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THAT(api().poll(&p[2], 1, 30), SyscallSucceedsWithValue(0));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(25));
  // With another kind of fd in the set.
  int pp[2];
  ASSERT_EQ(pipe(pp), 0);
  pollfd mixed[2] = {{pp[1], POLLOUT, 0}, {fd, POLLIN, 0}};
  EXPECT_THAT(api().poll(mixed, 2, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(mixed[0].revents, POLLOUT);
  EXPECT_EQ(mixed[1].revents, 0);
  // No socket in the set: a negative fd's revents is cleared all the same.
  pollfd others[2] = {{pp[1], POLLOUT, -1}, {-1, POLLIN, -1}};
  EXPECT_THAT(api().poll(others, 2, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(others[0].revents, POLLOUT);
  EXPECT_EQ(others[1].revents, 0);
  close(pp[0]);
  close(pp[1]);
  // Shut down: readable at end of file, hung up once both ways.
  api().shutdown(fd, SHUT_RD);
  EXPECT_THAT(api().poll(p, 1, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(p[0].revents, POLLIN | POLLRDNORM | POLLRDHUP | POLLOUT | POLLWRNORM | POLLWRBAND);
  // Readable, yet a receive that may not wait is EAGAIN: Linux looks at the shutdown only
  // where it would wait (found by fuzz_syscalls: sendoff returned 0).
  char b[8];
  EXPECT_THAT(api().recv(fd, b, sizeof b, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
  EXPECT_THAT(api().recv(fd, b, sizeof b, 0), SyscallSucceedsWithValue(0));
  api().shutdown(fd, SHUT_WR);
  EXPECT_THAT(api().poll(p, 1, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(p[0].revents,
            POLLIN | POLLRDNORM | POLLRDHUP | POLLHUP | POLLOUT | POLLWRNORM | POLLWRBAND);
  // POLLHUP is reported even when not asked for.
  pollfd h{fd, 0, 0};
  EXPECT_THAT(api().poll(&h, 1, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(h.revents, POLLHUP);
}

TEST_P(RecvErrno, PollOfAClosedFdAndOfABadArray) {
  int fd = api().socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(api().close(fd), 0);
  pollfd p{fd, POLLIN, 0};
  EXPECT_THAT(api().poll(&p, 1, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(p.revents, POLLNVAL);
  EXPECT_THAT(api().poll(static_cast<pollfd*>(kKernelPtr), 1, 0), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(api().poll(nullptr, 0, 0), SyscallSucceedsWithValue(0));
}

// A signal handler that runs while the call sleeps: Linux ends a receive
// with EINTR unless the handler has SA_RESTART and there is no SO_RCVTIMEO
// (sock_intr_errno), and ends poll with EINTR whatever SA_RESTART says.
using test_env::SignalIn;

TEST_P(RecvErrno, ASignalHandlerEndsABlockedReceiveWithEintr) {
  int fd = udp_bound();
  {
    SignalIn sig(0, std::chrono::milliseconds(50));
    EXPECT_THAT(api().recv(fd, buf_, 10, 0), SyscallFailsWithErrno(EINTR));
  }
  // With SO_RCVTIMEO even an SA_RESTART handler ends it.
  timeval tv{5, 0};
  ASSERT_EQ(api().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  {
    SignalIn sig(SA_RESTART, std::chrono::milliseconds(50));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_THAT(api().recv(fd, buf_, 10, 0), SyscallFailsWithErrno(EINTR));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
  }
}

TEST_P(RecvErrno, ASignalHandlerEndsAPollWithEintr) {
  int fd = udp_bound();
  for (int flags : {0, SA_RESTART}) {
    SCOPED_TRACE(flags);
    SignalIn sig(flags, std::chrono::milliseconds(50));
    pollfd p{fd, POLLIN, 0};
    EXPECT_THAT(api().poll(&p, 1, -1), SyscallFailsWithErrno(EINTR));
  }
}

TEST_P(RecvErrno, RecvmmsgChecksTheTimeoutThenTheFd) {
  mmsghdr v[2]{};
  timespec bad{0, 2000000000}, negative{-1, 0};
  EXPECT_THAT(api().recvmmsg(-1, v, 2, 0, static_cast<timespec*>(kKernelPtr)),
              SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(api().recvmmsg(-1, v, 2, 0, &bad), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().recvmmsg(-1, v, 2, 0, &negative), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().recvmmsg(-1, v, 2, 0, nullptr), SyscallFailsWithErrno(EBADF));
  int fd = udp_bound();
  EXPECT_THAT(api().recvmmsg(fd, v, 2, MSG_DONTWAIT, nullptr), SyscallFailsWithErrno(EAGAIN));
  timespec t{0, 1000};
  EXPECT_THAT(api().recvmmsg(fd, v, 2, MSG_DONTWAIT, &t), SyscallFailsWithErrno(EAGAIN));
  EXPECT_EQ(t.tv_nsec, 1000) << "no datagram: the timeout is not written back";
}

TEST_P(RecvErrno, RcvbufIsDoubled) {
  int fd = udp_bound();
  for (int v : {0, 1, 4096, 100000, 1 << 30}) {
    SCOPED_TRACE(v);
    ASSERT_EQ(api().setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v), 0);
    int got = 0;
    socklen_t len = sizeof got;
    ASSERT_EQ(api().getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len), 0);
    int rmem_max = 0;
    FILE* f = fopen("/proc/sys/net/core/rmem_max", "r");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(fscanf(f, "%d", &rmem_max), 1);
    fclose(f);
    int want = 2 * std::min(v, rmem_max);
    EXPECT_EQ(got, std::max(want, 2304));
  }
}

TEST_P(RecvErrno, RecvmsgChecksItsHeader) {
  int fd = udp_bound();
  iovec iov{buf_, 10};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  EXPECT_THAT(api().recvmsg(fd, &m, MSG_DONTWAIT | 0x80000000), SyscallFailsWithErrno(EINVAL));
  sockaddr_in from{};
  m.msg_name = &from;
  m.msg_namelen = static_cast<socklen_t>(-1);
  EXPECT_THAT(api().recvmsg(fd, &m, MSG_DONTWAIT), SyscallFailsWithErrno(EINVAL));
  m.msg_namelen = sizeof from;
  m.msg_iovlen = 1025;
  EXPECT_THAT(api().recvmsg(fd, &m, MSG_DONTWAIT), SyscallFailsWithErrno(EMSGSIZE));
  m.msg_iovlen = 1;
  EXPECT_THAT(api().recvmsg(fd, reinterpret_cast<msghdr*>(kKernelPtr), MSG_DONTWAIT),
              SyscallFailsWithErrno(EFAULT));
  iov.iov_base = kKernelPtr;
  EXPECT_THAT(api().recvmsg(fd, &m, MSG_DONTWAIT), SyscallFailsWithErrno(EFAULT));
  iov.iov_base = buf_;
  EXPECT_THAT(api().recvmsg(fd, &m, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
}

// ip_mc_output sends a copy of every broadcast datagram back up (dev_loopback_xmit, before
// ip_finish_output fragments it): raw sockets of its protocol and UDP sockets on its port,
// the sender's own included, receive it whole (found by fuzz_syscalls: a raw socket's poll
// after its broadcast was POLLOUT alone here, POLLIN|POLLOUT on Linux).
TEST_P(RecvErrno, ABroadcastComesBackToRawAndUdpSockets) {
  const int one = 1;
  int raw = api().socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
  ASSERT_GE(raw, 0);
  fds_.push_back(raw);
  ASSERT_THAT(api().setsockopt(raw, SOL_SOCKET, SO_BROADCAST, &one, sizeof one),
              SyscallSucceeds());
  sockaddr_in bcast = test_env::subnet_broadcast(9000);
  ASSERT_THAT(api().sendto(raw, buf_, 0, 0, reinterpret_cast<sockaddr*>(&bcast), sizeof bcast),
              SyscallSucceedsWithValue(0));
  pollfd p{raw, POLLIN | POLLPRI | POLLOUT, 0};
  EXPECT_THAT(api().poll(&p, 1, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(p.revents, POLLIN | POLLOUT);
  static uint8_t pkt[4096];
  sockaddr_in from{};
  socklen_t fromlen = sizeof from;
  ASSERT_THAT(api().recvfrom(raw, pkt, sizeof pkt, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from),
                             &fromlen),
              SyscallSucceedsWithValue(20));
  EXPECT_EQ(pkt[0], 0x45);
  EXPECT_EQ(pkt[9], IPPROTO_UDP);
  EXPECT_EQ(ntohl(from.sin_addr.s_addr), test_env::kLocal);
  EXPECT_EQ(std::memcmp(pkt + 16, &bcast.sin_addr, 4), 0);

  // A UDP socket's broadcast to its own port: it gets its datagram, the raw socket the
  // datagram with its UDP header, whose checksum is the pseudo-header's sum alone (the
  // offload device's CHECKSUM_PARTIAL) when it fits the MTU, else the full sum.
  int udp = udp_bound();
  ASSERT_THAT(api().setsockopt(udp, SOL_SOCKET, SO_BROADCAST, &one, sizeof one),
              SyscallSucceeds());
  sockaddr_in me{};
  socklen_t melen = sizeof me;
  ASSERT_THAT(api().getsockname(udp, reinterpret_cast<sockaddr*>(&me), &melen), SyscallSucceeds());
  bcast.sin_port = me.sin_port;
  for (size_t len : {10u, 3000u}) {
    SCOPED_TRACE(len);
    static char data[3000];
    for (size_t i = 0; i < len; ++i) data[i] = static_cast<char>(i * 7 + 1);
    ASSERT_THAT(api().sendto(udp, data, len, 0, reinterpret_cast<sockaddr*>(&bcast), sizeof bcast),
                SyscallSucceedsWithValue(static_cast<ssize_t>(len)));
    static char got[4096];
    fromlen = sizeof from;
    EXPECT_THAT(api().recvfrom(udp, got, sizeof got, MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &fromlen),
                SyscallSucceedsWithValue(static_cast<ssize_t>(len)));
    EXPECT_EQ(std::memcmp(got, data, len), 0);
    EXPECT_EQ(ntohl(from.sin_addr.s_addr), test_env::kLocal);
    EXPECT_EQ(from.sin_port, me.sin_port);
    ASSERT_THAT(api().recv(raw, pkt, sizeof pkt, MSG_DONTWAIT),
                SyscallSucceedsWithValue(static_cast<ssize_t>(28 + len)));
    EXPECT_EQ(pkt[2] << 8 | pkt[3], static_cast<int>(28 + len)) << "whole, not a fragment";
    EXPECT_EQ(pkt[6] & 0x3f, 0);
    EXPECT_EQ(pkt[7], 0);
    EXPECT_EQ(std::memcmp(pkt + 20, &me.sin_port, 2), 0);
    EXPECT_EQ(std::memcmp(pkt + 22, &me.sin_port, 2), 0);
    EXPECT_EQ(pkt[24] << 8 | pkt[25], static_cast<int>(8 + len));
    EXPECT_EQ(std::memcmp(pkt + 28, data, len), 0);
    // The sums, in one's complement over 16-bit words: the pseudo-header (addresses,
    // protocol, UDP length), then the UDP header and payload.
    auto fold = [](uint32_t s) {
      while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
      return s;
    };
    uint32_t pseudo = IPPROTO_UDP + 8 + static_cast<uint32_t>(len);
    for (int i = 12; i < 20; i += 2) pseudo += static_cast<uint32_t>(pkt[i] << 8 | pkt[i + 1]);
    const uint32_t check = static_cast<uint32_t>(pkt[26] << 8 | pkt[27]);
    if (len == 10) {
      EXPECT_EQ(check, fold(pseudo));
    } else {
      uint32_t all = pseudo;
      for (size_t i = 0; i < 8 + len; i += 2)
        all += static_cast<uint32_t>(pkt[20 + i] << 8 | (i + 1 < 8 + len ? pkt[21 + i] : 0));
      EXPECT_EQ(fold(all), 0xFFFFu);
    }
  }
}

// The interface is a member of the all-hosts group (224.0.0.1) alone: a datagram to it
// comes back to the sockets on its port, as a broadcast does, also with IP_MULTICAST_TTL 0
// (which keeps it on the host); one to another group does not.
TEST_P(RecvErrno, AnAllHostsMulticastComesBack) {
  int rx = udp_bound();
  sockaddr_in port{};
  socklen_t portlen = sizeof port;
  ASSERT_THAT(api().getsockname(rx, reinterpret_cast<sockaddr*>(&port), &portlen),
              SyscallSucceeds());
  // A multicast leaves by the device of the source address (there is no default route).
  int tx = api().socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(tx, 0);
  fds_.push_back(tx);
  sockaddr_in me = test_env::addr(test_env::kLocal, 0);
  ASSERT_THAT(api().bind(tx, reinterpret_cast<sockaddr*>(&me), sizeof me), SyscallSucceeds());
  for (int ttl : {1, 0}) {
    SCOPED_TRACE(ttl);
    ASSERT_THAT(api().setsockopt(tx, SOL_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl),
                SyscallSucceeds());
    sockaddr_in all = test_env::addr(0xE0000001, ntohs(port.sin_port));
    EXPECT_THAT(api().sendto(tx, "hello", 5, 0, reinterpret_cast<sockaddr*>(&all), sizeof all),
                SyscallSucceedsWithValue(5));
    EXPECT_THAT(api().recv(rx, buf_, sizeof buf_, MSG_DONTWAIT), SyscallSucceedsWithValue(5));
    sockaddr_in other = test_env::addr(0xE0000002, ntohs(port.sin_port));
    EXPECT_THAT(api().sendto(tx, "hello", 5, 0, reinterpret_cast<sockaddr*>(&other), sizeof other),
                SyscallSucceedsWithValue(5));
    EXPECT_THAT(api().recv(rx, buf_, sizeof buf_, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RecvErrno, ::testing::Values(&kernel_api(), &sendoff_api()),
                         [](const auto& info) { return info.param->name; });

}  // namespace
