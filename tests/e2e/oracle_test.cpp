// SPDX-License-Identifier: MIT
// Linux as the oracle. A kernel UDP socket in a test namespace and a sendoff
// socket, in the same state (same address, port, MAC, neighbour, MTU and
// socket options), send the same unconnected sendto() calls; the frames the
// kernel hands its veth driver (captured with AF_PACKET, transmit checksum
// offload off so the kernel fills the UDP checksum) and the frames sendoff's
// NIC emits must agree field by field, except for the differences listed in
// kAllowedDifferences, each with its reason.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>

#include "frame_compare.hpp"
#include "netns_fixture.hpp"
#include "packet_capture.hpp"
#include "sendoff/frame_sink.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "wire_frame.hpp"

namespace sendoff {
namespace e2e {
namespace {

// The only fields allowed to differ, and why. Everything else is compared
// exactly; the IPv4 header checksum follows from the other header fields, so
// it is compared exactly whenever the IDs agree and checked for validity on
// both sides when they may not.
//
// 1. IPv4 ID wherever Linux takes it from __ip_select_ident: a per-boot
//    table of counters indexed by a keyed hash of (daddr, saddr, protocol)
//    with a random key, advanced by a random amount after idle time; nobody
//    outside that kernel can predict it. That is every fragment of a
//    fragmented datagram, and also an unfragmented DF datagram of an
//    unconnected socket on kernels that no longer send ID 0 there (older
//    ones set 0 in ip_select_ident_segs; the 6.18 kernel this was written
//    on sends counter values). So: when the kernel's ID of an unfragmented
//    datagram is 0, sendoff's must be 0 too; otherwise the ID may differ.
//    Still required: every fragment of one datagram carries one ID, per side.
// 2. Ethernet padding of frames shorter than 60 bytes. Linux leaves padding
//    to the NIC hardware, and veth never pads, so the kernel's capture ends
//    with the IP packet; sendoff's eth_tx is that hardware and pads to
//    ETH_ZLEN. Required: sendoff's frame is the kernel's frame followed by
//    zero bytes up to exactly 60 bytes, and no trailer when it is longer.
constexpr const char* kAllowedDifferences[] = {"IPv4 ID chosen by __ip_select_ident",
                                               "Ethernet padding to 60 B"};

constexpr uint16_t kSrcPort = 40000;
constexpr uint16_t kDstPort = 9000;
constexpr unsigned kMtu = 1500;
const std::vector<size_t> kSizes = {0, 1, 100, 1472, 1473, 4000};

struct SocketSetup {
  const char* name;
  int tos;  // -1: not set
  int ttl;  // -1: not set
};

sockaddr_in endpoint(const std::string& cidr, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, cidr.substr(0, cidr.find('/')).c_str(), &a.sin_addr);
  a.sin_port = htons(port);
  return a;
}

std::vector<uint8_t> payload(size_t n) {
  std::vector<uint8_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(i * 31 + 7);
  return p;
}

// Collects sendoff's frames; the device may deliver from its own thread.
class CollectSink : public FrameSink {
 public:
  int deliver(const uint8_t* frame, size_t len) override {
    std::lock_guard<std::mutex> lock(mu_);
    frames_.emplace_back(frame, frame + len);
    return 0;
  }
  std::vector<Frame> take() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Frame> out;
    out.swap(frames_);
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<Frame> frames_;
};

using PerSend = std::vector<std::vector<Frame>>;  // frames of each sendto, in order

// The kernel's frames, one list per size.
PerSend kernel_frames(const std::string& ns, const SocketSetup& s, std::string* err) {
  PerSend out;
  PacketCapture cap(ns, kLocalEnd.ifname, err);
  if (!cap.ok()) return out;
  int fd = sys::socket_in_netns(ns, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0, err);
  if (fd < 0) return out;
  sockaddr_in src = endpoint(kLocalEnd.cidr, kSrcPort), dst = endpoint(kPeerEnd.cidr, kDstPort);
  if (bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
      (s.tos >= 0 && setsockopt(fd, IPPROTO_IP, IP_TOS, &s.tos, sizeof s.tos) != 0) ||
      (s.ttl >= 0 && setsockopt(fd, IPPROTO_IP, IP_TTL, &s.ttl, sizeof s.ttl) != 0)) {
    *err = std::string("kernel socket setup: ") + strerror(errno);
    close(fd);
    return out;
  }
  for (size_t n : kSizes) {
    auto p = payload(n);
    if (sendto(fd, p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst) !=
        static_cast<ssize_t>(n)) {
      *err = "kernel sendto(" + std::to_string(n) + " B): " + strerror(errno);
      break;
    }
    out.push_back(cap.take());
  }
  close(fd);
  return out;
}

// sendoff's frames for the same calls, on the csim NIC.
PerSend sendoff_frames(const SocketSetup& s, std::string* err) {
  PerSend out;
  NetConfig cfg;
  if (!cfg.set_local(kLocalEnd.cidr, err) || !cfg.set_mac(kLocalEnd.mac, err) ||
      !cfg.set_mtu(kMtu, err) ||
      !cfg.add_neigh(kPeerEnd.cidr.substr(0, kPeerEnd.cidr.find('/')) + "=" + kPeerEnd.mac, err))
    return out;
  CollectSink sink;
  DeviceOptions dev;
  dev.backend = "csim";
  dev.sink = &sink;
  if (!stack_init(cfg, dev, err)) return out;
  struct Fini {
    ~Fini() { stack_fini(); }
  } fini;

  int fd = so_socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in src = endpoint(kLocalEnd.cidr, kSrcPort), dst = endpoint(kPeerEnd.cidr, kDstPort);
  if (fd < 0 || so_bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
      (s.tos >= 0 && so_setsockopt(fd, IPPROTO_IP, IP_TOS, &s.tos, sizeof s.tos) != 0) ||
      (s.ttl >= 0 && so_setsockopt(fd, IPPROTO_IP, IP_TTL, &s.ttl, sizeof s.ttl) != 0)) {
    *err = std::string("sendoff socket setup: ") + strerror(errno);
    return out;
  }
  for (size_t n : kSizes) {
    auto p = payload(n);
    if (so_sendto(fd, p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst) !=
        static_cast<ssize_t>(n)) {
      *err = "so_sendto(" + std::to_string(n) + " B): " + strerror(errno);
      break;
    }
    stack_flush();
    out.push_back(sink.take());
  }
  so_close(fd);
  return out;
}

// The UDP datagram rebuilt from its fragments (by offset), for its checksum.
std::vector<uint8_t> reassemble(const std::vector<WireFrame>& frags) {
  std::vector<uint8_t> udp;
  for (const auto& f : frags) {
    size_t at = f.frag_offset * 8u;
    if (udp.size() < at + f.ip_payload.size()) udp.resize(at + f.ip_payload.size());
    std::copy(f.ip_payload.begin(), f.ip_payload.end(), udp.begin() + static_cast<long>(at));
  }
  return udp;
}

// Compares the frames of one sendto(); failures name the frame and field.
void compare_datagram(const std::vector<Frame>& k_raw, const std::vector<Frame>& s_raw) {
  ASSERT_FALSE(k_raw.empty()) << "the kernel sent no frame";
  ASSERT_EQ(s_raw.size(), k_raw.size()) << "frame count";
  std::vector<WireFrame> k(k_raw.size()), s(s_raw.size());
  std::string err;
  for (size_t i = 0; i < k_raw.size(); ++i) {
    ASSERT_TRUE(parse_wire_frame(k_raw[i], &k[i], &err)) << "kernel frame " << i << ": " << err;
    ASSERT_TRUE(parse_wire_frame(s_raw[i], &s[i], &err)) << "sendoff frame " << i << ": " << err;
  }
  for (size_t i = 0; i < k.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i));
    const WireFrame &a = k[i], &b = s[i];
    expect_same_eth_and_ipv4(a, b);
    // Allowed difference 2: padding.
    EXPECT_TRUE(a.trailer.empty())
        << "the kernel's capture carries " << a.trailer.size() << " bytes after the IP packet";
    size_t unpadded = 14u + a.total_length;
    size_t want_trailer = unpadded < 60 ? 60 - unpadded : 0;
    EXPECT_EQ(b.trailer.size(), want_trailer) << "sendoff's Ethernet padding";
    EXPECT_TRUE(std::all_of(b.trailer.begin(), b.trailer.end(), [](uint8_t x) { return x == 0; }))
        << "padding bytes must be zero";

    if (a.is_fragment() || a.id != 0) {
      // Allowed difference 1: the ID; one ID per datagram on each side.
      EXPECT_EQ(a.id, k[0].id) << "kernel fragments disagree on the ID";
      EXPECT_EQ(b.id, s[0].id) << "sendoff fragments disagree on the ID";
    } else {
      EXPECT_EQ(b.id, a.id) << "IPv4 ID";
      EXPECT_EQ(b.checksum, a.checksum) << "IPv4 header checksum";
    }
    if (a.frag_offset == 0 && a.ip_payload.size() >= 8 && b.ip_payload.size() >= 8) {
      // Named first, so a mismatch says which UDP field; then every byte.
      for (auto [off, what] : {std::pair<int, const char*>{0, "UDP source port"},
                               {2, "UDP destination port"},
                               {4, "UDP length"},
                               {6, "UDP checksum"}}) {
        EXPECT_EQ(b.ip_payload[off] << 8 | b.ip_payload[off + 1],
                  a.ip_payload[off] << 8 | a.ip_payload[off + 1])
            << what;
      }
    }
    EXPECT_TRUE(b.ip_payload == a.ip_payload) << "IP payload bytes (UDP header and data)";
  }
  // Both checksums must verify over the whole datagram: proof the kernel
  // really filled its UDP checksum (offload off), and that sendoff's is right.
  EXPECT_TRUE(udp_checksum_ok(k[0].saddr, k[0].daddr, reassemble(k))) << "kernel UDP checksum";
  EXPECT_TRUE(udp_checksum_ok(s[0].saddr, s[0].daddr, reassemble(s))) << "sendoff UDP checksum";
}

class Oracle : public VethNetnsTest, public ::testing::WithParamInterface<SocketSetup> {};

TEST_P(Oracle, UnconnectedSendtoFramesMatchLinuxFieldByField) {
  static_assert(sizeof kAllowedDifferences / sizeof kAllowedDifferences[0] == 2,
                "update the comment and compare_datagram together");
  const SocketSetup& setup = GetParam();
  std::string err;
  ASSERT_TRUE(sys::set_tx_checksum_offload(veth().ns_a().name(), kLocalEnd.ifname, false, &err))
      << err;

  PerSend kernel = kernel_frames(veth().ns_a().name(), setup, &err);
  ASSERT_EQ(err, "");
  PerSend ours = sendoff_frames(setup, &err);
  ASSERT_EQ(err, "");
  ASSERT_EQ(kernel.size(), kSizes.size());
  ASSERT_EQ(ours.size(), kSizes.size());
  for (size_t i = 0; i < kSizes.size(); ++i) {
    SCOPED_TRACE("sendto of " + std::to_string(kSizes[i]) + " B");
    compare_datagram(kernel[i], ours[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(SocketOptions, Oracle,
                         ::testing::Values(SocketSetup{"defaults", -1, -1},
                                           SocketSetup{"tos_0xb8_ttl_7", 0xb8, 7},
                                           SocketSetup{"ttl_255", -1, 255}),
                         [](const ::testing::TestParamInfo<SocketSetup>& i) {
                           return std::string(i.param.name);
                         });

}  // namespace
}  // namespace e2e
}  // namespace sendoff
