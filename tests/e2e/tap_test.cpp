// SPDX-License-Identifier: MIT
// sendoff against a real Linux peer through a TAP port: the `sendoff` binary
// runs inside a namespace this test creates, its NIC's MAC port on a TAP
// there, and the kernel on the other side of the TAP (198.18.0.2/15) sends
// to and receives from it with its own UDP sockets. Nothing but 198.18.0.0/15
// is configured, and the namespace goes with the test.
#include <arpa/inet.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "tap_fixture.hpp"

namespace sendoff {
namespace e2e {
namespace {

// The file a test sends: 4 MiB of a pattern.
std::string four_mib() {
  std::string input(4 << 20, '\0');
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<char>((i * 2654435761u) >> 13);
  return input;
}


TEST_F(Tap, KernelSendsAFileToSendoffRecv) {
  const std::string input = four_mib();
  const std::string in_path = dir_.file("in.bin");
  std::ofstream(in_path, std::ios::binary) << input;
  for (size_t dgram : {1472u, 3000u}) {
    SCOPED_TRACE(dgram);
    const size_t n = (input.size() + dgram - 1) / dgram;
    // Files of their own per size: the log of the run before says "receiving" already.
    const std::string tag = std::to_string(dgram);
    const std::string out = dir_.file("out" + tag + ".bin"), log = dir_.file("recv" + tag + ".log");
    Background recv(in_ns({"recv", "--tap", kTap, "--local", "198.18.0.1/15", "--bind", "9000",
                           "--output", out, "--count", std::to_string(n), "--timeout", "10"}),
                    log);
    ASSERT_TRUE(wait_receiving(log)) << slurp(log);
    send_paced(input, dgram);
    ASSERT_EQ(recv.wait(std::chrono::seconds(120)), 0) << slurp(log);
    const std::string summary = slurp(log);
    EXPECT_EQ(field(summary, "datagrams"), static_cast<long long>(n)) << summary;
    EXPECT_EQ(sha256_of(out), sha256_of(in_path))
        << "the received file differs from the sent one\n"
        << summary << sys::run_process({"ip", "-n", ns_->name(), "-s", "link", "show", kTap}).out;
  }
}

#if SENDOFF_E2E_HAVE_RTL
// A file through the RTL's receive path (rtl/rx_parse.sv, rtl/rx_dma.sv). The simulation runs
// at a few hundred thousand cycles a second, slower on a loaded machine: 1 MiB, paced at 8
// datagrams per 10 ms, so that the TAP's queue never overflows while the model catches up.
TEST_F(Tap, KernelSendsAFileToSendoffRecvOnTheRtl) {
  const std::string input = four_mib().substr(0, 1 << 20);
  const std::string in_path = dir_.file("in.bin");
  std::ofstream(in_path, std::ios::binary) << input;
  constexpr size_t kDgram = 1472;
  const size_t n = (input.size() + kDgram - 1) / kDgram;
  const std::string out = dir_.file("out.bin"), log = dir_.file("recv.log");
  Background recv(in_ns({"recv", "--backend", "verilator", "--tap", kTap, "--local",
                         "198.18.0.1/15", "--bind", "9000", "--output", out, "--count",
                         std::to_string(n), "--timeout", "20"}),
                  log);
  ASSERT_TRUE(wait_receiving(log)) << slurp(log);
  send_paced(input, kDgram, 8);
  ASSERT_EQ(recv.wait(std::chrono::seconds(300)), 0) << slurp(log);
  const std::string summary = slurp(log);
  EXPECT_EQ(field(summary, "datagrams"), static_cast<long long>(n)) << summary;
  EXPECT_EQ(sha256_of(out), sha256_of(in_path)) << summary;
}
#endif

// With 1 % of the frames lost on the port: every datagram that arrives is
// whole and intact, in order, and received + lost = sent (one frame each).
TEST_F(Tap, WithLossOnThePortWhatArrivesIsIntactAndTheCountsAddUp) {
  constexpr size_t kDgram = 1472;
  const std::string input = four_mib();
  const size_t n = (input.size() + kDgram - 1) / kDgram;
  // Each datagram starts with its index, so the output names what arrived.
  std::string stamped = input;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t idx = static_cast<uint32_t>(k);
    memcpy(&stamped[k * kDgram], &idx, 4);
  }
  const std::string out = dir_.file("out.bin"), log = dir_.file("recv.log");
  Background recv(in_ns({"recv", "--tap", kTap, "--local", "198.18.0.1/15", "--bind", "9000",
                         "--output", out, "--timeout", "3", "--loss", "0.01", "--seed", "7"}),
                  log);
  ASSERT_TRUE(wait_receiving(log)) << slurp(log);
  send_paced(stamped, kDgram);
  ASSERT_EQ(recv.wait(std::chrono::seconds(120)), 0) << slurp(log);
  const std::string summary = slurp(log);
  const long long got = field(summary, "datagrams"), lost = field(summary, "rx: lost ");
  ASSERT_GE(got, 0) << summary;
  ASSERT_GE(lost, 0) << summary;
  EXPECT_EQ(got + lost, static_cast<long long>(n)) << summary;
  EXPECT_GT(lost, 0) << "1 % of " << n << " frames: some must be lost\n" << summary;
  // Walk the output: each datagram is its index's bytes of the input.
  const std::string o = slurp(out);
  size_t at = 0, seen = 0;
  long long prev = -1;
  while (at < o.size()) {
    uint32_t idx;
    ASSERT_LE(at + 4, o.size());
    memcpy(&idx, &o[at], 4);
    ASSERT_LT(idx, n) << "at byte " << at;
    ASSERT_GT(static_cast<long long>(idx), prev) << "out of order or twice, at byte " << at;
    const size_t len = std::min(kDgram, stamped.size() - idx * kDgram);
    ASSERT_LE(at + len, o.size());
    ASSERT_EQ(o.compare(at, len, stamped, idx * kDgram, len), 0) << "datagram " << idx << " differs";
    prev = idx;
    at += len;
    ++seen;
  }
  EXPECT_EQ(static_cast<long long>(seen), got);
  std::cout << summary;  // the figures, for the log
}

// --trace on receive: each layer a datagram passes, in order, once.
TEST_F(Tap, TraceShowsTheReceiveLayers) {
  const std::string log = dir_.file("recv.log");
  Background recv(in_ns({"recv", "--tap", kTap, "--local", "198.18.0.1/15", "--bind", "9000",
                         "--count", "1", "--timeout", "10", "--trace"}),
                  log);
  ASSERT_TRUE(wait_receiving(log)) << slurp(log);
  int fd = kernel_udp(0);
  ASSERT_TRUE(to_sendoff(fd, "traced", 6)) << strerror(errno);
  close(fd);
  ASSERT_EQ(recv.wait(std::chrono::seconds(30)), 0) << slurp(log);
  const std::string out = slurp(log);
  // Two threads trace: the poll thread's layers (the frame up to the
  // socket) and the receiving call's; each group in order, the groups in
  // whichever order the threads printed them.
  for (auto chain : {std::vector<const char*>{"netif_receive_skb", "ip_rcv", "udp_rcv"},
                     std::vector<const char*>{"sys_recvfrom", "sock_recvmsg", "inet_recvmsg",
                                              "udp_recvmsg"}}) {
    size_t at = 0;
    for (const char* layer : chain) {
      const size_t next = out.find(std::string("  ") + layer + " ", at);
      ASSERT_NE(next, std::string::npos) << layer << " missing or out of order:\n" << out;
      at = next;
    }
  }
  EXPECT_NE(out.find("udp_recvmsg                -> 6"), std::string::npos) << out;
  EXPECT_NE(out.find("datagrams         1\n"), std::string::npos) << out;
}

TEST_F(Tap, SendoffSendsToTheKernelsSocket) {
  int fd = kernel_udp(9001, 5);
  auto r = send_to_kernel({"--size", "3000", "--count", "20"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string buf(65536, '\0');
  for (int i = 0; i < 20; ++i) {
    ssize_t got = recv(fd, buf.data(), buf.size(), 0);
    ASSERT_EQ(got, 3000) << "datagram " << i << ": " << strerror(errno) << "\n" << r.out;
  }
  close(fd);
}

// --duplicate 1 on the port: the kernel gets every frame twice, so (UDP
// keeping no state) every datagram twice, and the summary counts them.
TEST_F(Tap, DuplicatedFramesReachTheKernelTwice) {
  int fd = kernel_udp(9001, 2);
  auto r = send_to_kernel({"--size", "100", "--count", "10", "--duplicate", "1", "--seed", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("impairments    tx: lost 0, reordered 0, duplicated 10, corrupted 0"),
            std::string::npos)
      << r.out;
  std::string buf(65536, '\0');
  int got = 0;
  while (recv(fd, buf.data(), buf.size(), 0) == 100) ++got;
  close(fd);
  EXPECT_EQ(got, 20) << r.out;
}

TEST_F(Tap, AnUnmodifiedProgramReceivesUnderThePreloadLibrary) {
  const std::string conf = dir_.file("sendoff.conf"), log = dir_.file("server.log");
  std::ofstream(conf) << "local 198.18.0.1/15\ntap " << kTap << "\n";
  // In a sanitizer build the sanitizer's runtime must load first.
  const std::string first = SENDOFF_PRELOAD_FIRST;
  const std::string preload = first.empty() ? SENDOFF_PRELOAD_LIB : first + ":" + SENDOFF_PRELOAD_LIB;
  constexpr int kCount = 40;
  // env(1) sets the interposer for the program only, not for ip(8) before it.
  Background server({"ip", "netns", "exec", ns_->name(), "env", "LD_PRELOAD=" + preload,
                     "SENDOFF_CONFIG=" + conf, "SENDOFF_BACKEND=csim", SENDOFF_UDP_SERVER,
                     std::to_string(kCount)},
                    log);
  for (int i = 0; i < 1500 && slurp(log).find("ready") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_NE(slurp(log).find("ready"), std::string::npos) << slurp(log);
  ASSERT_TRUE(tap_attached()) << slurp(log);
  int fd = kernel_udp(0);
  for (int i = 0; i < kCount; ++i) {
    const std::string d = "datagram " + std::to_string(i);
    ASSERT_TRUE(to_sendoff(fd, d.data(), d.size())) << strerror(errno);
  }
  close(fd);
  EXPECT_EQ(server.wait(std::chrono::seconds(30)), 0) << slurp(log);
  EXPECT_NE(slurp(log).find("received " + std::to_string(kCount)), std::string::npos) << slurp(log);
}

// An unmodified program under the preload library sends a file to the kernel's UDP socket
// through copies of its socket's fd (write on a dup, writev on a dup2 copy, epoll_wait
// for EPOLLOUT), each piece having passed a pipe and an AF_UNIX socket pair first: every
// byte arrives, checked by SHA-256 (issue 12: nothing lost, other fds unharmed).
TEST_F(Tap, AnUnmodifiedProgramSendsAFileThroughDupsPipesAndUnixSocketsUnderThePreload) {
  const std::string input = four_mib().substr(0, 1 << 20);
  const std::string in_path = dir_.file("in.bin"), out_path = dir_.file("out.bin");
  std::ofstream(in_path, std::ios::binary) << input;
  const std::string conf = dir_.file("sendoff.conf"), log = dir_.file("sender.log");
  // A static neighbour: while ARP resolves, Linux (and sendoff) keep only unres_qlen_bytes
  // of datagrams for it and drop the rest, which this program would outrun at once.
  std::ofstream(conf) << "local 198.18.0.1/15\ntap " << kTap
                      << "\nneigh 198.18.0.2 02:00:00:00:00:02\n";
  const size_t n = (input.size() + 1023) / 1024;
  int fd = kernel_udp(9001, 10);
  const int big = 64 << 20;  // room for the whole file: the program may outrun this reader
  ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big), 0) << strerror(errno);
  const std::string first = SENDOFF_PRELOAD_FIRST;
  const std::string preload = first.empty() ? SENDOFF_PRELOAD_LIB : first + ":" + SENDOFF_PRELOAD_LIB;
  Background sender({"ip", "netns", "exec", ns_->name(), "env", "LD_PRELOAD=" + preload,
                     "SENDOFF_CONFIG=" + conf, "SENDOFF_BACKEND=csim", SENDOFF_FILE_SENDER,
                     in_path, "198.18.0.2", "9001"},
                    log);
  std::string out(input.size(), '\0');
  std::vector<bool> seen(n, false);
  size_t got_n = 0;
  std::string buf(2048, '\0');
  while (got_n < n) {
    const ssize_t got = recv(fd, buf.data(), buf.size(), 0);
    if (got < 4) break;  // SO_RCVTIMEO ran out: something was lost
    uint32_t seq;
    memcpy(&seq, buf.data(), 4);
    seq = ntohl(seq);
    ASSERT_LT(seq, n);
    ASSERT_EQ(static_cast<size_t>(got - 4), std::min<size_t>(1024, input.size() - seq * 1024u));
    if (!seen[seq]) ++got_n;
    seen[seq] = true;
    memcpy(&out[seq * 1024u], buf.data() + 4, static_cast<size_t>(got - 4));
  }
  close(fd);
  EXPECT_EQ(sender.wait(std::chrono::seconds(60)), 0) << slurp(log);
  EXPECT_NE(slurp(log).find("sent " + std::to_string(n)), std::string::npos) << slurp(log);
  ASSERT_EQ(got_n, n) << slurp(log);
  std::ofstream(out_path, std::ios::binary) << out;
  EXPECT_EQ(sha256_of(out_path), sha256_of(in_path));
}

}  // namespace
}  // namespace e2e
}  // namespace sendoff
