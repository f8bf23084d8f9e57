// SPDX-License-Identifier: MIT
// Every SOL_SOCKET option sendoff answers, against the kernel: each value set
// on a kernel UDP socket and on a sendoff one gives the same result and errno,
// and reading it back gives the same bytes. Run as root and again on a thread
// without CAP_NET_ADMIN and CAP_NET_RAW (capabilities are per thread), where
// SO_PRIORITY above 6, SO_MARK, SO_DEBUG and the *FORCE sizes are refused.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "signal_in.hpp"
#include "socket_api.hpp"
#include "test_env.hpp"

namespace {

struct Opt {
  const char* name;
  int opt;
  enum { Int, Linger, Time } kind;
};

const Opt kOpts[] = {
    {"SO_DEBUG", SO_DEBUG, Opt::Int},           {"SO_REUSEADDR", SO_REUSEADDR, Opt::Int},
    {"SO_TYPE", SO_TYPE, Opt::Int},             {"SO_ERROR", SO_ERROR, Opt::Int},
    {"SO_DONTROUTE", SO_DONTROUTE, Opt::Int},   {"SO_BROADCAST", SO_BROADCAST, Opt::Int},
    {"SO_SNDBUF", SO_SNDBUF, Opt::Int},         {"SO_RCVBUF", SO_RCVBUF, Opt::Int},
    {"SO_SNDBUFFORCE", SO_SNDBUFFORCE, Opt::Int}, {"SO_RCVBUFFORCE", SO_RCVBUFFORCE, Opt::Int},
    {"SO_KEEPALIVE", SO_KEEPALIVE, Opt::Int},   {"SO_OOBINLINE", SO_OOBINLINE, Opt::Int},
    {"SO_NO_CHECK", SO_NO_CHECK, Opt::Int},     {"SO_PRIORITY", SO_PRIORITY, Opt::Int},
    {"SO_LINGER", SO_LINGER, Opt::Linger},      {"SO_REUSEPORT", SO_REUSEPORT, Opt::Int},
    {"SO_PASSCRED", SO_PASSCRED, Opt::Int},     {"SO_RCVLOWAT", SO_RCVLOWAT, Opt::Int},
    {"SO_SNDLOWAT", SO_SNDLOWAT, Opt::Int},     {"SO_RCVTIMEO", SO_RCVTIMEO, Opt::Time},
    {"SO_SNDTIMEO", SO_SNDTIMEO, Opt::Time},    {"SO_MARK", SO_MARK, Opt::Int},
    {"SO_ACCEPTCONN", SO_ACCEPTCONN, Opt::Int}, {"SO_PROTOCOL", SO_PROTOCOL, Opt::Int},
    {"SO_DOMAIN", SO_DOMAIN, Opt::Int},
};

struct Outcome {
  int ret, err;
  std::vector<unsigned char> bytes;
  bool operator==(const Outcome& o) const {
    return ret == o.ret && err == o.err && bytes == o.bytes;
  }
};

std::string show(const Outcome& o) {
  std::string s = "ret " + std::to_string(o.ret) + " errno " + std::to_string(o.err) + " [";
  for (unsigned char b : o.bytes) s += std::to_string(b) + " ";
  return s + "]";
}

// The values each kind is set to, as bytes, with the length passed.
std::vector<std::vector<unsigned char>> values(const Opt& o) {
  std::vector<std::vector<unsigned char>> out;
  auto add = [&](const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    out.emplace_back(b, b + n);
  };
  if (o.kind == Opt::Int) {
    for (int v : {0, 1, 6, 7, -1, 4096, 1 << 20, INT_MAX}) add(&v, sizeof v);
    const short s = 1;
    add(&s, sizeof s);  // too short
  } else if (o.kind == Opt::Linger) {
    for (linger l : {linger{0, 0}, linger{1, 5}, linger{1, -3}, linger{7, 0}}) add(&l, sizeof l);
    const int i = 1;
    add(&i, sizeof i);  // too short
  } else {
    for (timeval t : {timeval{0, 0}, timeval{1, 500}, timeval{0, 1}, timeval{-1, 0},
                      timeval{2, 1000000}, timeval{0, -1}})
      add(&t, sizeof t);
    const int i = 1;
    add(&i, sizeof i);  // too short
  }
  return out;
}

// Sets the value on a fresh socket of the API, then reads the option back.
std::pair<Outcome, Outcome> run(const SocketApi& api, const Opt& o,
                                const std::vector<unsigned char>& v) {
  const int fd = api.socket(AF_INET, SOCK_DGRAM, 0);
  Outcome set{api.setsockopt(fd, SOL_SOCKET, o.opt, v.data(), static_cast<socklen_t>(v.size())),
              0, {}};
  set.err = set.ret < 0 ? errno : 0;
  unsigned char buf[64];
  std::memset(buf, 0xAA, sizeof buf);
  socklen_t len = sizeof buf;
  Outcome get{api.getsockopt(fd, SOL_SOCKET, o.opt, buf, &len), 0, {}};
  get.err = get.ret < 0 ? errno : 0;
  if (get.ret == 0) get.bytes.assign(buf, buf + len);
  api.close(fd);
  return {set, get};
}

// Every difference between the kernel's answers and sendoff's, one line each.
std::vector<std::string> differences() {
  std::vector<std::string> out;
  for (const Opt& o : kOpts) {
    for (const auto& v : values(o)) {
      const auto k = run(kernel_api(), o, v);
      const auto s = run(sendoff_api(), o, v);
      const std::string what = std::string(o.name) + " value bytes " + std::to_string(v.size());
      if (!(k.first == s.first))
        out.push_back(what + ": set kernel " + show(k.first) + ", sendoff " + show(s.first));
      if (!(k.second == s.second))
        out.push_back(what + ": get kernel " + show(k.second) + ", sendoff " + show(s.second));
    }
  }
  return out;
}

TEST(SockOpt, EverySolSocketOptionAnswersAsTheKernels) {
  for (const std::string& d : differences()) ADD_FAILURE() << d;
}

TEST(SockOpt, WithoutCapNetAdminAndCapNetRawTheSameRefusals) {
  std::vector<std::string> diffs;
  bool dropped = false;
  std::thread t([&] {
    // This thread only: capabilities belong to the thread in Linux.
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (syscall(SYS_capget, &hdr, data) != 0) return;
    for (int cap : {CAP_NET_ADMIN, CAP_NET_RAW}) data[cap / 32].effective &= ~(1u << (cap % 32));
    if (syscall(SYS_capset, &hdr, data) != 0) return;
    // The drop took: the kernel itself now refuses a priority above 6.
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    const int seven = 7;
    dropped = setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &seven, sizeof seven) == -1 && errno == EPERM;
    close(fd);
    diffs = differences();
  });
  t.join();
  ASSERT_TRUE(dropped) << "capset failed, or the kernel still grants SO_PRIORITY 7";
  for (const std::string& d : diffs) ADD_FAILURE() << d;
}

// SO_SNDTIMEO bounds a send that waits for send-buffer space (the MAC paused, so the NIC
// holds what was sent): EAGAIN once it runs out, as Linux's sock_alloc_send_pskb.
TEST(SockOpt, SndtimeoEndsAWaitForSendBufferSpaceWithEagain) {
  const SocketApi& api = sendoff_api();
  const int fd = api.socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  const int small = 1;  // the minimum: 4608 bytes
  ASSERT_EQ(api.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  const timeval tv{0, 100000};
  ASSERT_EQ(api.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
  const sockaddr_in to = test_env::peer(9000);
  const auto* sa = reinterpret_cast<const sockaddr*>(&to);
  static char buf[1400];
  test_env::pause_mac(true);
  ssize_t r = 0;
  int sent = 0;
  const auto start = std::chrono::steady_clock::now();
  while (sent < 100 && (r = api.sendto(fd, buf, sizeof buf, 0, sa, sizeof to)) > 0) ++sent;
  const auto waited = std::chrono::steady_clock::now() - start;
  const int err = errno;
  test_env::pause_mac(false);
  api.close(fd);
  test_env::drain_frames();
  EXPECT_EQ(r, -1);
  EXPECT_EQ(err, EAGAIN);
  EXPECT_GE(sent, 1);
  EXPECT_LT(sent, 100);
  EXPECT_GE(waited, std::chrono::milliseconds(90)) << "the send waited for its timeout";
}

// A blocked send and a signal handler (sock_alloc_send_pskb's sock_intr_errno): EINTR,
// unless the handler has SA_RESTART and there is no SO_SNDTIMEO, when the send goes on
// waiting and then succeeds. The MAC is paused so that the NIC holds the send buffer.
class BlockedSend {
 public:
  BlockedSend() : api_(sendoff_api()) {
    fd_ = api_.socket(AF_INET, SOCK_DGRAM, 0);
    const int small = 1;  // the minimum: 4608 bytes
    api_.setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    test_env::pause_mac(true);
    int sent = 0;
    while (sent < 100 && send(MSG_DONTWAIT) > 0) ++sent;
    full_ = errno == EAGAIN && sent >= 1 && sent < 100;
  }
  ~BlockedSend() {
    test_env::pause_mac(false);
    api_.close(fd_);
    test_env::drain_frames();
  }
  bool full() const { return full_; }
  int fd() const { return fd_; }
  ssize_t send(int flags) {
    static char buf[1400];
    const sockaddr_in to = test_env::peer(9000);
    return api_.sendto(fd_, buf, sizeof buf, flags, reinterpret_cast<const sockaddr*>(&to),
                       sizeof to);
  }

 private:
  const SocketApi& api_;
  int fd_ = -1;
  bool full_ = false;
};

TEST(SockOpt, ASignalHandlerEndsABlockedSendWithEintr) {
  BlockedSend b;
  ASSERT_TRUE(b.full());
  const int runs = test_env::usr1_runs.load();
  test_env::SignalIn sig(0, std::chrono::milliseconds(50));
  EXPECT_EQ(b.send(0), -1);
  EXPECT_EQ(errno, EINTR);
  EXPECT_EQ(test_env::usr1_runs.load(), runs + 1) << "the handler ran once";
}

TEST(SockOpt, AnSaRestartHandlerLetsABlockedSendGoOnAndSucceed) {
  BlockedSend b;
  ASSERT_TRUE(b.full());
  const int runs = test_env::usr1_runs.load();
  std::thread resume([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    test_env::pause_mac(false);
  });
  const auto t0 = std::chrono::steady_clock::now();
  ssize_t r;
  {
    test_env::SignalIn sig(SA_RESTART, std::chrono::milliseconds(50));
    r = b.send(0);
  }
  const auto waited = std::chrono::steady_clock::now() - t0;
  resume.join();
  EXPECT_EQ(r, 1400);
  EXPECT_EQ(test_env::usr1_runs.load(), runs + 1);
  EXPECT_GE(waited, std::chrono::milliseconds(190)) << "it waited past the signal for space";
}

TEST(SockOpt, WithSndtimeoEvenAnSaRestartHandlerEndsABlockedSendWithEintr) {
  BlockedSend b;
  ASSERT_TRUE(b.full());
  const timeval tv{5, 0};
  ASSERT_EQ(sendoff_api().setsockopt(b.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
  const auto t0 = std::chrono::steady_clock::now();
  test_env::SignalIn sig(SA_RESTART, std::chrono::milliseconds(50));
  EXPECT_EQ(b.send(0), -1);
  EXPECT_EQ(errno, EINTR);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
}

// A signal whose default action is to be ignored (SIGURG) does not end the wait.
TEST(SockOpt, AnIgnoredSignalLeavesABlockedSendWaiting) {
  BlockedSend b;
  ASSERT_TRUE(b.full());
  const timeval tv{0, 300000};
  ASSERT_EQ(sendoff_api().setsockopt(b.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
  const pthread_t me = pthread_self();
  std::thread t([me] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    pthread_kill(me, SIGURG);
  });
  EXPECT_EQ(b.send(0), -1);
  EXPECT_EQ(errno, EAGAIN) << "SO_SNDTIMEO ran out: SIGURG did not interrupt";
  t.join();
}

}  // namespace
