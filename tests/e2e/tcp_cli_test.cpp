// SPDX-License-Identifier: MIT
// `sendoff send --proto tcp` against a real Linux TCP server: the binary runs
// in a namespace this test creates, its NIC's MAC port on a TAP there, and a
// kernel socket on the TAP's far side (198.18.0.2) accepts the connection
// and keeps what arrives. The kernel judges the stream (its bytes, by
// SHA-256, and the FIN); the summary says how TSO and loss recovery carried it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "tap_fixture.hpp"

namespace sendoff {
namespace e2e {
namespace {

std::string sha256_of(const std::string& path) {
  auto r = sys::run_process({"sha256sum", path});
  return r.exit_code == 0 ? r.out.substr(0, 64) : "sha256sum failed: " + r.err;
}

// The number after `label` in a summary, as a double; -1 when absent.
double real_field(const std::string& summary, const std::string& label) {
  const size_t at = summary.find(label);
  if (at == std::string::npos) return -1;
  return std::stod(summary.substr(at + label.size()));
}

// The send queue: in device memory (a NIC with CAPS_TX_UNALIGNED) every byte
// is copied once, by send(), retransmissions included; in host memory the
// driver copies each transmission once more.
void expect_payload_copies(const std::string& summary) {
  const double copies = real_field(summary, "payload copies per byte");
  if (summary.find("send queue               device memory") != std::string::npos)
    EXPECT_DOUBLE_EQ(copies, 1.0) << summary;
  else
    EXPECT_GE(copies, 2.0) << summary;
}

class TcpCli : public Tap {
 protected:
  // A kernel server on 198.18.0.2:port that accepts one connection and
  // writes what it reads, up to EOF, to `out`.
  void serve(uint16_t port, const std::string& out) {
    std::string err;
    listener_ = sys::socket_in_netns(ns_->name(), AF_INET, SOCK_STREAM, 0, &err);
    ASSERT_GE(listener_, 0) << err;
    const int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0xC6120002);
    a.sin_port = htons(port);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << strerror(errno);
    ASSERT_EQ(listen(listener_, 1), 0);
    server_ = std::thread([this, out] {
      const int c = accept(listener_, nullptr, nullptr);
      if (c < 0) return;
      timeval tv{60, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::ofstream f(out, std::ios::binary);
      char buf[65536];
      for (;;) {
        const ssize_t r = read(c, buf, sizeof buf);
        if (r <= 0) {
          eof_ = r == 0;
          break;
        }
        f.write(buf, r);
      }
      close(c);
    });
  }
  void TearDown() override {
    // A server still in accept (the send failed before connecting) is woken.
    if (listener_ >= 0) shutdown(listener_, SHUT_RDWR);
    if (server_.joinable()) server_.join();
    if (listener_ >= 0) close(listener_);
    Tap::TearDown();
  }

  // Sends `path` with `sendoff send --proto tcp` (plus `more`) and checks that
  // the server got exactly its bytes, then EOF. Returns the summary.
  std::string send_file(const std::string& path, uint16_t port,
                        const std::vector<std::string>& more,
                        const std::string& backend = "csim") {
    const std::string out = dir_.file("got" + std::to_string(port) + ".bin");
    serve(port, out);
    std::vector<std::string> argv = {"send", "--proto", "tcp", "--backend", backend, "--tap", kTap,
                                     "--local", "198.18.0.1/15", "--dst",
                                     "198.18.0.2:" + std::to_string(port), "--neigh",
                                     "198.18.0.2=02:00:00:00:00:02", "--input", path, "--size",
                                     "65000"};
    argv.insert(argv.end(), more.begin(), more.end());
    const auto r = sys::run_process(in_ns(argv));
    shutdown(listener_, SHUT_RDWR);
    server_.join();
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(eof_.load()) << "the server saw no FIN\n" << r.out;
    EXPECT_EQ(sha256_of(out), sha256_of(path)) << "the server's bytes differ\n" << r.out;
    std::printf("%s%s", r.out.c_str(), r.err.c_str());
    return r.out;
  }

  std::string random_file(size_t bytes, uint32_t seed) {
    const std::string path = dir_.file("in" + std::to_string(seed) + ".bin");
    std::mt19937 rng(seed);
    std::string data(bytes, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  int listener_ = -1;
  std::thread server_;
  std::atomic<bool> eof_{false};
};

// The stream's size: 16 MiB, SENDOFF_TCP_STREAM_MIB=64 for the full-size run.
size_t stream_bytes() {
  const char* mib = getenv("SENDOFF_TCP_STREAM_MIB");
  return size_t{mib ? std::strtoul(mib, nullptr, 10) : 16} << 20;
}

// The clean run, then the same file with loss, reordering and duplicates on
// sendoff's port in both directions (data and the kernel's ACKs).
TEST_F(TcpCli, SendsAFileToALinuxServerCleanlyThenThroughAnImpairedPort) {
  const size_t bytes = stream_bytes();
  ASSERT_GT(bytes, 0u);
  const std::string path = random_file(bytes, 1);
  const std::string clean = send_file(path, 9200, {});
  EXPECT_EQ(field(clean, "bytes"), static_cast<long long>(bytes)) << clean;
  // TSO carries the stream: many segments per descriptor.
  EXPECT_GT(real_field(clean, "segments per descriptor"), 8.0) << clean;
  EXPECT_EQ(field(clean, "errors"), 0) << clean;
  expect_payload_copies(clean);
  const double clean_goodput = real_field(clean, "goodput");
  ASSERT_GT(clean_goodput, 0) << clean;

  const std::string impaired = send_file(path, 9201, {"--loss", "0.01", "--reorder", "0.01",
                                                      "--duplicate", "0.001", "--seed", "3"});
  EXPECT_GT(field(impaired, "retransmissions"), 0) << impaired;
  // Recovery is not left to timeouts alone.
  EXPECT_GT(field(impaired, "fast retransmits"), 0) << impaired;
  expect_payload_copies(impaired);
  // The goal is half the clean goodput. With RACK and tail loss
  // probes the Release build gave 0.48-0.62 (0-1 RTO) on a loaded machine,
  // near what 1 % loss allows a loss-based sender at this RTT, and timing
  // on shared machines moves it either way: the ratio is reported, not
  // asserted (README's loss-recovery row).
  const double ratio = real_field(impaired, "goodput") / clean_goodput;
  std::printf("[ tcp ] impaired goodput / clean goodput = %.2f\n", ratio);
}

#if SENDOFF_E2E_HAVE_RTL
// The same stream through the RTL (rtl/tcp_tx.sv behind rtl/tx_merge.sv
// segments it; rtl/rx_parse.sv and rtl/rx_dma.sv take the kernel's ACKs in).
TEST_F(TcpCli, SendsAFileToALinuxServerThroughTheRtl) {
  const std::string path = random_file(2u << 20, 4);
  const std::string out = send_file(path, 9202, {}, "verilator");
  EXPECT_GT(real_field(out, "segments per descriptor"), 8.0) << out;
  EXPECT_EQ(field(out, "errors"), 0) << out;
  // And with the port impaired both ways: the RTL's segments and the ACKs
  // that its receive path takes in are lost, reordered and duplicated.
  const std::string impaired = send_file(path, 9203, {"--loss", "0.01", "--reorder", "0.01",
                                                      "--duplicate", "0.001", "--seed", "5"},
                                         "verilator");
  EXPECT_GT(field(impaired, "retransmissions"), 0) << impaired;
  expect_payload_copies(out);
  expect_payload_copies(impaired);
}
#endif

TEST_F(TcpCli, NothingListeningIsConnectionRefusedInOneLine) {
  const std::string path = random_file(1000, 2);
  const auto r = sys::run_process(in_ns({"send", "--proto", "tcp", "--backend", "csim", "--tap",
                                         kTap, "--local", "198.18.0.1/15", "--dst",
                                         "198.18.0.2:9209", "--neigh",
                                         "198.18.0.2=02:00:00:00:00:02", "--input", path}));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("connect to 198.18.0.2:9209: ECONNREFUSED"), std::string::npos) << r.err;
}

TEST_F(TcpCli, TcpNeedsATapPort) {
  const auto r = sys::run_process(in_ns({"send", "--proto", "tcp", "--dst", "198.18.0.2:9"}));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--tap"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace e2e
}  // namespace sendoff
