// SPDX-License-Identifier: MIT
// sendoff against a real Linux peer through a TAP port: the `sendoff` binary
// runs inside a namespace this test creates, its NIC's MAC port on a TAP
// there, and the kernel on the other side of the TAP (198.18.0.2/15) sends
// to and receives from it with its own UDP sockets. Nothing but 198.18.0.0/15
// is configured, and the namespace goes with the test.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "netns.hpp"
#include "prereq.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"

namespace sendoff {
namespace e2e {
namespace {

constexpr const char* kPrefix = "sendoff-tap-";
constexpr const char* kTap = "sndf0";

// A child process started in the background; its stdout goes to a file.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& out_path) {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  // Waits up to timeout for the exit status; kills the child after that.
  int wait(std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < end) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  ~Background() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

 private:
  pid_t pid_ = -1;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Tap : public ::testing::Test {
 protected:
  void SetUp() override {
    SENDOFF_REQUIRE(test::missing_root("network namespaces and TAP interfaces"));
    SENDOFF_REQUIRE(access("/dev/net/tun", R_OK | W_OK) == 0 ? "" : "/dev/net/tun");
    ASSERT_TRUE(dir_.ok());
    sys::remove_stale_netns(kPrefix);
    std::string err;
    ns_ = sys::Netns::create(kPrefix + std::to_string(getpid()), &err);
    ASSERT_TRUE(ns_) << err;
    // The kernel's side: a persistent TAP with the peer's address and MAC, a
    // permanent neighbour entry for sendoff (which does not answer ARP yet),
    // and no IPv6 (nothing but the test's traffic on the port).
    ASSERT_TRUE(ns_->ip({"tuntap", "add", "mode", "tap", "name", kTap}, &err)) << err;
    auto r = sys::run_process({"ip", "netns", "exec", ns_->name(), "sysctl", "-qw",
                               std::string("net.ipv6.conf.") + kTap + ".disable_ipv6=1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // A deep queue on the kernel's side: on a loaded machine the port's reader
    // may fall a burst behind, and a frame the kernel drops there is no
    // sendoff loss (the summary would show none).
    ASSERT_TRUE(ns_->ip({"link", "set", kTap, "address", "02:00:00:00:00:02", "txqueuelen",
                         "10000", "up"},
                        &err))
        << err;
    ASSERT_TRUE(ns_->ip({"addr", "add", "198.18.0.2/15", "dev", kTap}, &err)) << err;
    ASSERT_TRUE(ns_->ip({"neigh", "replace", "198.18.0.1", "lladdr", "02:00:00:00:00:01", "dev",
                         kTap, "nud", "permanent"},
                        &err))
        << err;
  }
  std::vector<std::string> in_ns(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns_->name(), SENDOFF_CLI_PATH});
    return argv;
  }
  // True once a process has attached to the TAP (its carrier comes up).
  bool tap_attached() const {
    auto r = sys::run_process({"ip", "-n", ns_->name(), "link", "show", kTap});
    return r.out.find("LOWER_UP") != std::string::npos;
  }
  // `sendoff send` through the TAP to the kernel's 198.18.0.2:9001, with more flags.
  sys::ProcessResult send_to_kernel(const std::vector<std::string>& more) const {
    std::vector<std::string> argv = {"send", "--backend", "csim", "--tap", kTap, "--local",
                                     "198.18.0.1/15", "--dst", "198.18.0.2:9001", "--neigh",
                                     "198.18.0.2=02:00:00:00:00:02"};
    argv.insert(argv.end(), more.begin(), more.end());
    return sys::run_process(in_ns(argv));
  }
  // A kernel UDP socket on 198.18.0.2:port; with rcvtimeo_s, receives wait that long at most.
  int kernel_udp(uint16_t port, int rcvtimeo_s = 0) const {
    std::string err;
    int fd = sys::socket_in_netns(ns_->name(), AF_INET, SOCK_DGRAM, 0, &err);
    EXPECT_GE(fd, 0) << err;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0xC6120002);
    a.sin_port = htons(port);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << strerror(errno);
    timeval tv{rcvtimeo_s, 0};
    if (rcvtimeo_s) {
      EXPECT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    }
    return fd;
  }

  // True once `sendoff recv` (output in log) has its socket bound on the
  // TAP's far side: datagrams sent earlier find no socket and are dropped.
  bool wait_receiving(const std::string& log) const {
    for (int i = 0; i < 250 && slurp(log).find("receiving on port") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return slurp(log).find("receiving on port") != std::string::npos && tap_attached();
  }
  // data in datagrams of dgram bytes (the last shorter) from a kernel socket
  // to sendoff's 198.18.0.1:9000, paced as a real sender would be: `burst`
  // datagrams, then 10 ms.
  void send_paced(const std::string& data, size_t dgram, size_t burst = 64) const {
    int fd = kernel_udp(0);
    const size_t n = (data.size() + dgram - 1) / dgram;
    for (size_t k = 0; k < n; ++k) {
      size_t len = std::min(dgram, data.size() - k * dgram);
      ASSERT_TRUE(to_sendoff(fd, data.data() + k * dgram, len)) << strerror(errno);
      if (k % burst == burst - 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    close(fd);
  }

  // One datagram from the kernel's socket to sendoff's 198.18.0.1:9000.
  static bool to_sendoff(int fd, const char* data, size_t len) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(0xC6120001);
    to.sin_port = htons(9000);
    return sendto(fd, data, len, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
           static_cast<ssize_t>(len);
  }

  TempDir dir_;
  std::unique_ptr<sys::Netns> ns_;
};

// The file a test sends: 4 MiB of a pattern.
std::string four_mib() {
  std::string input(4 << 20, '\0');
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<char>((i * 2654435761u) >> 13);
  return input;
}

std::string sha256_of(const std::string& path) {
  auto r = sys::run_process({"sha256sum", path});
  return r.exit_code == 0 ? r.out.substr(0, 64) : "sha256sum failed: " + r.err;
}

// The number after `label` in a summary (its first occurrence), or -1.
long long field(const std::string& summary, const std::string& label) {
  const size_t at = summary.find(label);
  if (at == std::string::npos) return -1;
  return std::stoll(summary.substr(at + label.size()));
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
  for (int i = 0; i < 250 && slurp(log).find("ready") == std::string::npos; ++i)
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

}  // namespace
}  // namespace e2e
}  // namespace sendoff
