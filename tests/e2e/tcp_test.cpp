// SPDX-License-Identifier: MIT
// TCP against a real Linux peer: sendoff's SOCK_STREAM socket (through the C
// API, in this process) connects through its TAP port to kernel sockets in
// the test's namespace. Every segment sendoff sends is its own, checksum
// and all; the kernel is the judge of the stream, the handshake and the
// errors (ECONNREFUSED from its RST, ETIMEDOUT when nobody answers, EOF
// and ECONNRESET when it closes). The other way round, a kernel client
// connects to sendoff's listener, in this process and as `sendoff recv
// --proto tcp`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "sendoff/device.hpp"
#include "sendoff/netconf.hpp"
#include "sendoff/port_impairment.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "sendoff/tap_port.hpp"
#include "tap_fixture.hpp"

namespace sendoff {
namespace e2e {
namespace {

constexpr uint32_t kPeer = 0xC6120002;    // 198.18.0.2: the kernel, behind the TAP
constexpr uint32_t kNobody = 0xC6120003;  // 198.18.0.3: a neighbour that never answers

sockaddr_in addr(uint32_t a, uint16_t port) {
  sockaddr_in s{};
  s.sin_family = AF_INET;
  s.sin_addr.s_addr = htonl(a);
  s.sin_port = htons(port);
  return s;
}

class Tcp : public Tap {
 protected:
  void SetUp() override {
    Tap::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    open_stack({});
  }
  // sendoff's stack on the csim NIC, its port the namespace's TAP, with
  // impairments on that port (both ways) when asked for.
  void open_stack(const ImpairmentConfig& impair) {
    std::string err;
    NetConfig cfg;
    ASSERT_TRUE(cfg.set_local("198.18.0.1/15", &err) && cfg.set_mac("02:00:00:00:00:01", &err) &&
                cfg.add_neigh("198.18.0.2=02:00:00:00:00:02", &err) &&
                cfg.add_neigh("198.18.0.3=02:00:00:00:00:03", &err))
        << err;
    {
      // The TAP is opened inside the namespace; the stack's threads keep it.
      sys::NetnsScope scope(ns_->name(), &err);
      ASSERT_TRUE(scope.ok()) << err;
      tap_ = TapPort::open(kTap, &err);
      ASSERT_TRUE(tap_) << err;
    }
    tap_->set_impairments(impair);
    DeviceOptions dev;
    dev.backend = "csim";
    dev.sink = tap_.get();
    dev.tap = tap_.get();
    ASSERT_TRUE(stack_init(cfg, dev, &err)) << err;
    started_ = true;
  }
  void TearDown() override {
    if (started_) stack_fini();
    started_ = false;
    tap_.reset();
  }

  // A kernel TCP socket listening on 198.18.0.2:port.
 public:
  int kernel_listener(uint16_t port) const {
    std::string err;
    const int fd = sys::socket_in_netns(ns_->name(), AF_INET, SOCK_STREAM, 0, &err);
    EXPECT_GE(fd, 0) << err;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const sockaddr_in a = addr(kPeer, port);
    EXPECT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0) << strerror(errno);
    EXPECT_EQ(listen(fd, 4), 0) << strerror(errno);
    return fd;
  }

  static int connect_to(int fd, uint32_t a, uint16_t port) {
    const sockaddr_in s = addr(a, port);
    return so_connect(fd, reinterpret_cast<const sockaddr*>(&s), sizeof s);
  }

  bool started_ = false;
  std::unique_ptr<TapPort> tap_;
};

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// Reads fd to EOF (or a 60 s silence) into out.
void read_to_eof(int fd, std::vector<uint8_t>* out, std::atomic<bool>* eof) {
  timeval tv{60, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  uint8_t buf[65536];
  for (;;) {
    const ssize_t r = read(fd, buf, sizeof buf);
    if (r == 0) {
      eof->store(true);
      return;
    }
    if (r < 0) return;
    out->insert(out->end(), buf, buf + r);
  }
}

// A kernel server on the listener ls: accepts one connection, reads it to EOF.
std::thread serve_to_eof(int ls, std::vector<uint8_t>* got, std::atomic<bool>* eof) {
  return std::thread([ls, got, eof] {
    const int c = accept(ls, nullptr, nullptr);
    if (c < 0) return;
    read_to_eof(c, got, eof);
    close(c);
  });
}

// Sends `bytes` through a sendoff socket to a kernel server on `port`,
// closes, and checks that the server read exactly that, then EOF. Returns
// the seconds from connect to the server's EOF.
double send_stream(Tcp* t, uint16_t port, size_t bytes, TcpStats* stats = nullptr) {
  const std::vector<uint8_t> data = random_bytes(bytes, 20261129);
  const int ls = t->kernel_listener(port);
  EXPECT_GE(ls, 0);
  std::vector<uint8_t> got;
  std::atomic<bool> eof{false};
  std::thread server = serve_to_eof(ls, &got, &eof);
  const int fd = so_socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0) << strerror(errno);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(Tcp::connect_to(fd, kPeer, port), 0) << strerror(errno);
  sockaddr_in me{};
  socklen_t len = sizeof me;
  EXPECT_EQ(so_getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len), 0);
  EXPECT_EQ(ntohl(me.sin_addr.s_addr), 0xC6120001u);
  size_t sent = 0;
  // Sends of uneven sizes, so that segments straddle the calls.
  std::mt19937 rng(7);
  while (sent < data.size()) {
    const size_t want = std::min<size_t>(data.size() - sent, 1 + rng() % 100000);
    const ssize_t r = so_send(fd, data.data() + sent, want, MSG_NOSIGNAL);
    if (r <= 0) {
      ADD_FAILURE() << "so_send after " << sent << " B: " << strerror(errno);
      break;
    }
    sent += static_cast<size_t>(r);
  }
  // Everything acknowledged before close, so the counters cover the stream.
  TcpStats st;
  for (int i = 0; i < 5000; ++i) {
    EXPECT_EQ(stack_tcp_stats(fd, &st), 0);
    if (st.bytes_acked == data.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(st.bytes_acked, data.size());
  std::printf("[ tcp ] %llu descriptors, %llu segments (%.1f per descriptor), %llu retransmitted, "
              "%llu fast retransmits, %llu RTOs, srtt %u us\n",
              static_cast<unsigned long long>(st.data_descs),
              static_cast<unsigned long long>(st.data_segs),
              st.data_descs ? static_cast<double>(st.data_segs) / st.data_descs : 0.0,
              static_cast<unsigned long long>(st.retrans),
              static_cast<unsigned long long>(st.fast_retrans),
              static_cast<unsigned long long>(st.rtos), st.srtt_us);
  const NicCounters nic = stack_counters();
  EXPECT_EQ(nic.desc_errors, 0u);
  EXPECT_EQ(nic.drops, 0u);
  std::printf("[ tcp ] NIC: %llu frames, %u desc errors, %u drops\n",
              static_cast<unsigned long long>(nic.frames), nic.desc_errors, nic.drops);
  if (stats) *stats = st;
  EXPECT_EQ(so_close(fd), 0);
  server.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  close(ls);
  EXPECT_TRUE(eof.load()) << "the server saw no FIN";
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data) << "the stream differs from what was sent";
  std::printf("[ tcp ] %zu B in %.3f s: %.1f Mb/s\n", data.size(), secs,
              static_cast<double>(data.size()) * 8 / secs / 1e6);
  return secs;
}

TEST_F(Tcp, SendoffSendsSeveralMiBToALinuxServerThatSeesEveryByteAndEof) {
  send_stream(this, 9100, 4u << 20);
}

// Loss, reordering and duplicates on sendoff's port, both ways (data and the
// kernel's ACKs): retransmissions repair the stream.
class TcpImpaired : public Tcp {
 protected:
  void SetUp() override {
    Tap::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    ImpairmentConfig c;
    c.loss = 0.01;
    c.reorder = 0.01;
    c.duplicate = 0.001;
    c.seed = 11;
    open_stack(c);
  }
};

TEST_F(TcpImpaired, WithLossOnThePortTheStreamStillArrivesWhole) {
  send_stream(this, 9103, 2u << 20);
  const ImpairmentCounters tx = tap_->tx_impairments(), rx = tap_->rx_impairments();
  EXPECT_GT(tx.lost + rx.lost, 0u);
  std::printf("[ tcp ] lost %llu sent, %llu received frames\n",
              static_cast<unsigned long long>(tx.lost), static_cast<unsigned long long>(rx.lost));
}

TEST_F(Tcp, ReceivesWhatTheServerSendsThenEofWhenItCloses) {
  constexpr uint16_t kPort = 9101;
  const std::vector<uint8_t> data = random_bytes(300000, 99);
  const int ls = kernel_listener(kPort);
  ASSERT_GE(ls, 0);
  std::thread server([&] {
    const int c = accept(ls, nullptr, nullptr);
    if (c < 0) return;
    size_t off = 0;
    while (off < data.size()) {
      const ssize_t r = write(c, data.data() + off, data.size() - off);
      if (r <= 0) break;
      off += static_cast<size_t>(r);
    }
    close(c);
  });
  const int fd = so_socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(connect_to(fd, kPeer, kPort), 0) << strerror(errno);
  std::vector<uint8_t> got;
  uint8_t buf[40000];
  ssize_t r;
  while ((r = so_recv(fd, buf, sizeof buf, 0)) > 0) got.insert(got.end(), buf, buf + r);
  EXPECT_EQ(r, 0) << strerror(errno);
  EXPECT_TRUE(got == data) << got.size() << " B of " << data.size();
  EXPECT_EQ(so_recv(fd, buf, sizeof buf, 0), 0);  // EOF stays EOF
  server.join();
  // After the peer's FIN our side may still send; then close.
  EXPECT_EQ(so_send(fd, "x", 1, MSG_NOSIGNAL), 1);
  EXPECT_EQ(so_close(fd), 0);
  close(ls);
}

TEST_F(Tcp, ConnectToAClosedPortIsRefused) {
  const int fd = so_socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(connect_to(fd, kPeer, 9199), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
  // The socket is unconnected again: a send is EPIPE (no SIGPIPE asked for).
  EXPECT_EQ(so_send(fd, "x", 1, MSG_NOSIGNAL), -1);
  EXPECT_EQ(errno, EPIPE);
  EXPECT_EQ(so_close(fd), 0);
}

TEST_F(Tcp, NonblockingConnectIsInProgressThenAlreadyThenConnected) {
  constexpr uint16_t kPort = 9102;
  const int ls = kernel_listener(kPort);
  ASSERT_GE(ls, 0);
  const int fd = so_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(connect_to(fd, kPeer, kPort), -1);
  EXPECT_EQ(errno, EINPROGRESS);
  const int r = connect_to(fd, kPeer, kPort);
  if (r == -1) {
    EXPECT_EQ(errno, EALREADY);
  }
  pollfd p{fd, POLLOUT, 0};
  ASSERT_EQ(so_poll(&p, 1, 5000), 1);
  EXPECT_TRUE(p.revents & POLLOUT);
  int soerr = -1;
  socklen_t len = sizeof soerr;
  ASSERT_EQ(so_getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len), 0);
  EXPECT_EQ(soerr, 0);
  if (r == -1) {
    EXPECT_EQ(connect_to(fd, kPeer, kPort), 0) << strerror(errno);
  }
  EXPECT_EQ(connect_to(fd, kPeer, kPort), -1);
  EXPECT_EQ(errno, EISCONN);
  const int c = accept(ls, nullptr, nullptr);
  ASSERT_GE(c, 0);
  // Nothing to read yet: EAGAIN.
  char b;
  EXPECT_EQ(so_recv(fd, &b, 1, 0), -1);
  EXPECT_EQ(errno, EAGAIN);
  // The kernel resets the connection (SO_LINGER 0): ECONNRESET, once.
  linger lg{1, 0};
  ASSERT_EQ(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
  close(c);
  p = {fd, POLLIN, 0};
  ASSERT_EQ(so_poll(&p, 1, 5000), 1);
  EXPECT_EQ(so_recv(fd, &b, 1, 0), -1);
  EXPECT_EQ(errno, ECONNRESET);
  EXPECT_EQ(so_recv(fd, &b, 1, 0), 0);
  EXPECT_EQ(so_close(fd), 0);
  close(ls);
}

// epoll through so_epoll_watch_events (the socket's fd is an eventfd that a
// set watches as it is): EPOLLOUT once connected, none while the send queue is
// full and the kernel reads nothing, EPOLLOUT again once it reads; EPOLLIN
// while a byte waits, none after it is read.
TEST_F(Tcp, EpollOnAStreamSocketFollowsItsSendRoomAndData) {
  constexpr uint16_t kPort = 9104;
  const int ls = kernel_listener(kPort);
  ASSERT_GE(ls, 0);
  const int small = 16384;  // the accepted socket's window stays small while it reads nothing
  ASSERT_EQ(setsockopt(ls, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
  const int fd = so_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(fd, 0);
  const int sndbuf = 65536;
  ASSERT_EQ(so_setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
  const int ep = epoll_create1(0);
  ASSERT_GE(ep, 0);
  ASSERT_EQ(so_epoll_watch_events(fd, EPOLLOUT), 0);
  epoll_event ev{};
  ev.events = EPOLLOUT;
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
  auto wait = [ep](int ms) {
    epoll_event got{};
    return epoll_wait(ep, &got, 1, ms) == 1 ? got.events : 0u;
  };
  ASSERT_EQ(connect_to(fd, kPeer, kPort), -1);
  EXPECT_EQ(errno, EINPROGRESS);
  EXPECT_TRUE(wait(10000) & EPOLLOUT);
  const int c = accept(ls, nullptr, nullptr);
  ASSERT_GE(c, 0);
  const std::vector<uint8_t> data = random_bytes(4096, 5);
  size_t queued = 0;
  for (;;) {
    const ssize_t r = so_send(fd, data.data(), data.size(), 0);
    if (r < 0) break;
    queued += static_cast<size_t>(r);
  }
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(wait(300), 0u) << queued << " B queued";
  std::thread reader([c, queued] {
    std::vector<uint8_t> b(65536);
    size_t got = 0;
    while (got < queued) {
      const ssize_t r = read(c, b.data(), b.size());
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
  });
  EXPECT_TRUE(wait(10000) & EPOLLOUT);
  reader.join();
  ASSERT_EQ(so_epoll_watch_events(fd, EPOLLIN), 0);
  ev.events = EPOLLIN;
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev), 0);
  EXPECT_EQ(wait(100), 0u);
  ASSERT_EQ(write(c, "x", 1), 1);
  EXPECT_TRUE(wait(10000) & EPOLLIN);
  char b;
  EXPECT_EQ(so_recv(fd, &b, 1, 0), 1);
  EXPECT_EQ(wait(100), 0u);
  close(c);
  close(ep);
  EXPECT_EQ(so_close(fd), 0);
  close(ls);
}

// What a process's exit does under the preload library: sendoff_linger, then
// the stack closes. A socket left open with 2 MiB queued still delivers all
// of it and its FIN.
TEST_F(Tcp, LingerBeforeTheStackClosesDeliversWhatTheSocketsHold) {
  constexpr uint16_t kPort = 9105;
  const std::vector<uint8_t> data = random_bytes(2u << 20, 3);
  const int ls = kernel_listener(kPort);
  ASSERT_GE(ls, 0);
  std::vector<uint8_t> got;
  std::atomic<bool> eof{false};
  std::thread server = serve_to_eof(ls, &got, &eof);
  const int fd = so_socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(connect_to(fd, kPeer, kPort), 0) << strerror(errno);
  EXPECT_EQ(so_send(fd, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  EXPECT_EQ(sendoff_linger(5000), 0);
  stack_fini();
  started_ = false;
  server.join();
  close(ls);
  EXPECT_TRUE(eof.load()) << "the server saw no FIN";
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
}

TEST_F(Tcp, ASynNobodyAnswersTimesOutAfterTcpSyncntRetries) {
  const int fd = so_socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  const int one = 1;
  ASSERT_EQ(so_setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &one, sizeof one), 0);
  int v = 0;
  socklen_t len = sizeof v;
  ASSERT_EQ(so_getsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &v, &len), 0);
  EXPECT_EQ(v, 1);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(connect_to(fd, kNobody, 9), -1);
  EXPECT_EQ(errno, ETIMEDOUT);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The SYN, one retry after 1 s, the end 2 s later (Linux's figures).
  EXPECT_GT(secs, 2.5);
  EXPECT_LT(secs, 6.0);
  EXPECT_EQ(so_close(fd), 0);
}

// A kernel TCP socket in the test's namespace, connected to sendoff's
// 198.18.0.1:port, writes `data` and closes. Returns 0 or the errno.
int kernel_client_sends(const std::string& ns, uint16_t port, const std::vector<uint8_t>& data) {
  std::string err;
  const int c = sys::socket_in_netns(ns, AF_INET, SOCK_STREAM, 0, &err);
  if (c < 0) return EBADF;
  const timeval tv{60, 0};
  setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const sockaddr_in to = addr(0xC6120001, port);
  int e = 0;
  if (connect(c, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) e = errno;
  for (size_t off = 0; !e && off < data.size();) {
    const ssize_t r = write(c, data.data() + off, data.size() - off);
    if (r <= 0) e = r < 0 ? errno : EIO;
    else off += static_cast<size_t>(r);
  }
  close(c);
  return e;
}

void write_file(const std::string& path, const std::vector<uint8_t>& data) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

// The other way round: sendoff listens (so_listen) on `port`, a kernel
// client connects and sends `bytes`; sendoff's accepted socket reads the
// stream to the kernel's FIN, and it must be what the kernel sent.
void receive_stream(const std::string& ns, const test::TempDir& dir, uint16_t port,
                    size_t bytes) {
  const std::vector<uint8_t> data = random_bytes(bytes, 4242);
  const int ls = so_socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(ls, 0) << strerror(errno);
  const sockaddr_in me = addr(0xC6120001, port);
  ASSERT_EQ(so_bind(ls, reinterpret_cast<const sockaddr*>(&me), sizeof me), 0) << strerror(errno);
  ASSERT_EQ(so_listen(ls, 4), 0) << strerror(errno);
  const timeval tv{60, 0};
  ASSERT_EQ(so_setsockopt(ls, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  int client_err = -1;
  std::thread client([&] { client_err = kernel_client_sends(ns, port, data); });
  sockaddr_in from{};
  socklen_t len = sizeof from;
  const auto t0 = std::chrono::steady_clock::now();
  const int fd = so_accept(ls, reinterpret_cast<sockaddr*>(&from), &len);
  std::vector<uint8_t> got;
  if (fd >= 0) {
    EXPECT_EQ(ntohl(from.sin_addr.s_addr), kPeer);
    EXPECT_NE(ntohs(from.sin_port), 0);
    std::vector<uint8_t> buf(1 << 16);
    ssize_t r;
    while ((r = so_recv(fd, buf.data(), buf.size(), 0)) > 0) got.insert(got.end(), buf.data(), buf.data() + r);
    EXPECT_EQ(r, 0) << strerror(errno);
    EXPECT_EQ(so_close(fd), 0);
  } else {
    ADD_FAILURE() << "so_accept: " << strerror(errno);
  }
  client.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(so_close(ls), 0);
  EXPECT_EQ(client_err, 0) << strerror(client_err);
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data) << "the stream differs from what the kernel sent";
  const std::string sent_path = dir.file("sent" + std::to_string(port) + ".bin"),
                    got_path = dir.file("got" + std::to_string(port) + ".bin");
  write_file(sent_path, data);
  write_file(got_path, got);
  EXPECT_EQ(sha256_of(got_path), sha256_of(sent_path));
  std::printf("[ tcp ] %zu B received in %.3f s: %.1f Mb/s\n", got.size(), secs,
              static_cast<double>(got.size()) * 8 / secs / 1e6);
}

TEST_F(Tcp, ALinuxClientSendsSeveralMiBToSendoffsListenerThatAcceptsIt) {
  receive_stream(ns_->name(), dir_, 9110, 4u << 20);
}

TEST_F(TcpImpaired, WithLossOnThePortALinuxClientsStreamStillArrivesWhole) {
  receive_stream(ns_->name(), dir_, 9112, 2u << 20);
  const ImpairmentCounters tx = tap_->tx_impairments(), rx = tap_->rx_impairments();
  EXPECT_GT(tx.lost + rx.lost, 0u);
}

// `sendoff recv --proto tcp` (the binary on a back end, its NIC's port on the
// TAP) accepts one connection from a kernel client and writes the file it sends.
class TapRecvTcp : public Tap {
 protected:
  void kernel_sends_to_recv(const std::string& backend, uint16_t port, size_t bytes) {
    const std::vector<uint8_t> data = random_bytes(bytes, 777);
    const std::string in_path = dir_.file("in.bin"), out = dir_.file("out.bin"),
                      log = dir_.file("recv.log");
    write_file(in_path, data);
    Background recv(in_ns({"recv", "--proto", "tcp", "--backend", backend, "--tap", kTap,
                           "--local", "198.18.0.1/15", "--bind", std::to_string(port),
                           "--output", out, "--timeout", "60"}),
                    log);
    ASSERT_TRUE(wait_receiving(log, "listening on port")) << slurp(log);
    EXPECT_EQ(kernel_client_sends(ns_->name(), port, data), 0);
    ASSERT_EQ(recv.wait(std::chrono::seconds(120)), 0) << slurp(log);
    const std::string summary = slurp(log);
    EXPECT_NE(summary.find("received " + std::to_string(data.size()) + " bytes from 198.18.0.2:"),
              std::string::npos)
        << summary;
    EXPECT_EQ(sha256_of(out), sha256_of(in_path))
        << "the received file differs from the sent one\n"
        << summary;
  }
};

TEST_F(TapRecvTcp, KernelSendsAFileToSendoffRecvProtoTcp) {
  kernel_sends_to_recv("csim", 9111, 4u << 20);
}

#if SENDOFF_E2E_HAVE_RTL
// The same through the RTL: the kernel's segments come in through rtl/rx_parse.sv and
// rtl/rx_dma.sv, sendoff's ACKs leave through the RTL's transmit path.
TEST_F(TapRecvTcp, KernelSendsAFileToSendoffRecvProtoTcpOnTheRtl) {
  kernel_sends_to_recv("verilator", 9113, 2u << 20);
}
#endif

}  // namespace
}  // namespace e2e
}  // namespace sendoff
