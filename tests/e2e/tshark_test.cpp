// SPDX-License-Identifier: MIT
// tshark as the independent judge of sendoff's frames: 1,000 UDP datagrams
// of mixed sizes (IP fragmentation included) go through the public so_* API
// and the csim NIC into a pcap; tshark must find nothing wrong with any frame
// and, after its own IP reassembly, the very payloads that were sent.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "sendoff/sendoff.h"
#include "temp_dir.hpp"
#include "prereq.hpp"
#include "tshark_runner.hpp"

namespace sendoff {
namespace e2e {
namespace {

constexpr unsigned kDatagrams = 1000;
constexpr unsigned kMtu = 1500;
constexpr unsigned kFragPayload = (kMtu - 20) & ~7u;  // RFC 791: multiples of 8
constexpr uint16_t kPort = 9000;

// Edge cases first: empty, one byte, the sizes around a 1500 MTU (1472 fits,
// 1473 fragments), a jumbo-sized datagram, and the IPv4 maximum.
const std::vector<size_t> kEdgeSizes = {0, 1, 18, 1472, 1473, 9000, 65507};

std::vector<std::vector<uint8_t>> make_payloads() {
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> small(0, 2000), any(0, 65507);
  std::bernoulli_distribution pick_large(0.25);
  std::vector<std::vector<uint8_t>> out;
  for (unsigned i = 0; i < kDatagrams; ++i) {
    size_t n = i < kEdgeSizes.size() ? kEdgeSizes[i] : pick_large(rng) ? any(rng) : small(rng);
    std::vector<uint8_t> p(n);
    for (auto& b : p) b = static_cast<uint8_t>(byte(rng));
    out.push_back(std::move(p));
  }
  return out;
}

// Sends through sendoff's C API into `pcap`; returns "" or what failed.
std::string send_all(const std::string& config, const std::string& pcap,
                     const std::vector<std::vector<uint8_t>>& payloads) {
  if (sendoff_init(config.c_str(), "csim", pcap.c_str()) != 0)
    return std::string("sendoff_init: ") + sendoff_strerror();
  std::string err;
  int fd = so_socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) err = "so_socket failed";
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(kPort);
  inet_pton(AF_INET, "198.18.0.2", &dst.sin_addr);
  for (size_t i = 0; err.empty() && i < payloads.size(); ++i) {
    ssize_t n = so_sendto(fd, payloads[i].data(), payloads[i].size(), 0,
                          reinterpret_cast<sockaddr*>(&dst), sizeof dst);
    if (n != static_cast<ssize_t>(payloads[i].size()))
      err = "so_sendto of datagram " + std::to_string(i) + " (" +
            std::to_string(payloads[i].size()) + " B) returned " + std::to_string(n) + ", errno " +
            std::to_string(errno);
  }
  if (fd >= 0) so_close(fd);
  if (sendoff_fini() != 0 && err.empty()) err = "sendoff_fini failed";
  return err;
}

class Tshark : public ::testing::Test {
 protected:
  void SetUp() override {
    SENDOFF_REQUIRE(test::missing_program("tshark"));
    ASSERT_TRUE(dir_.ok());
    std::ofstream(dir_.file("net.conf")) << "local 198.18.0.1/15\n"
                                            "mac 02:00:00:00:00:01\n"
                                            "mtu "
                                         << kMtu
                                         << "\n"
                                            "neigh 198.18.0.2 02:00:00:00:00:02\n";
  }
  test::TempDir dir_;
  TsharkRunner tshark_{kPort};
};

TEST_F(Tshark, ThousandMixedDatagramsDissectCleanAndReassembleToWhatWasSent) {
  const auto payloads = make_payloads();
  const std::string pcap = dir_.file("mixed.pcap");
  ASSERT_EQ(send_all(dir_.file("net.conf"), pcap, payloads), "");

  std::string err;
  EXPECT_EQ(tshark_.problems(pcap, &err), std::vector<std::string>{}) << "frames tshark flags";
  ASSERT_EQ(err, "");

  // Frames on the wire: one per kFragPayload bytes of UDP datagram.
  size_t expected_frames = 0;
  for (const auto& p : payloads)
    expected_frames += (p.size() + 8 + kFragPayload - 1) / kFragPayload;
  auto all = tshark_.fields(pcap, "", {"frame.number"}, &err);
  ASSERT_EQ(err, "");
  EXPECT_EQ(all.size(), expected_frames);

  // One row per datagram: tshark dissects UDP only once reassembly is done.
  auto rows = tshark_.fields(pcap, "udp", {"udp.dstport", "udp.length", "data.data"}, &err);
  ASSERT_EQ(err, "");
  ASSERT_EQ(rows.size(), payloads.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("datagram " + std::to_string(i) + ", " + std::to_string(payloads[i].size()) +
                 " B");
    ASSERT_EQ(rows[i].size(), 3u);
    EXPECT_EQ(rows[i][0], std::to_string(kPort));
    EXPECT_EQ(rows[i][1], std::to_string(payloads[i].size() + 8));
    EXPECT_TRUE(hex_to_bytes(rows[i][2]) == payloads[i]) << "payload differs";
  }
}

// The check above would pass vacuously if the filter matched nothing ever:
// corrupt one UDP checksum in a sendoff capture and tshark must flag it.
TEST_F(Tshark, ProblemFilterCatchesACorruptedChecksum) {
  const std::string pcap = dir_.file("one.pcap");
  ASSERT_EQ(send_all(dir_.file("net.conf"), pcap, {std::vector<uint8_t>(100, 0x5a)}), "");

  std::string err;
  EXPECT_EQ(tshark_.problems(pcap, &err), std::vector<std::string>{});
  ASSERT_EQ(err, "");

  std::ifstream in(pcap, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  // pcap: 24-byte file header, 16-byte record header, then the frame;
  // the UDP checksum sits after Ethernet (14), IPv4 (20) and 6 UDP bytes.
  const size_t csum = 24 + 16 + 14 + 20 + 6;
  ASSERT_GT(bytes.size(), csum + 1);
  bytes[csum] = static_cast<char>(bytes[csum] ^ 0x5a);
  const std::string bad = dir_.file("bad.pcap");
  std::ofstream(bad, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));

  EXPECT_EQ(tshark_.problems(bad, &err), std::vector<std::string>{"1"});
  EXPECT_EQ(err, "");
}

}  // namespace
}  // namespace e2e
}  // namespace sendoff
