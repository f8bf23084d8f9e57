// SPDX-License-Identifier: MIT
// The Linux-oracle tests' common comparison: the Ethernet and IPv4 header
// fields a kernel frame and sendoff's must share.
#ifndef SENDOFF_E2E_FRAME_COMPARE_HPP
#define SENDOFF_E2E_FRAME_COMPARE_HPP

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "wire_frame.hpp"

namespace sendoff {
namespace e2e {

inline std::string mac_text(const std::vector<uint8_t>& m) {
  char b[18];
  snprintf(b, sizeof b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return b;
}

// Every Ethernet and IPv4 header field but the ID and the header checksum
// (each oracle says when those must agree); both checksums must verify.
inline void expect_same_eth_and_ipv4(const WireFrame& kernel, const WireFrame& ours) {
  const WireFrame &a = kernel, &b = ours;
  EXPECT_EQ(mac_text(b.eth_dst), mac_text(a.eth_dst)) << "Ethernet destination";
  EXPECT_EQ(mac_text(b.eth_src), mac_text(a.eth_src)) << "Ethernet source";
  EXPECT_EQ(b.ethertype, a.ethertype) << "EtherType";
  EXPECT_EQ(int{b.version}, int{a.version}) << "IPv4 version";
  EXPECT_EQ(int{b.ihl}, int{a.ihl}) << "IPv4 IHL";
  EXPECT_EQ(int{b.tos}, int{a.tos}) << "IPv4 TOS";
  EXPECT_EQ(b.total_length, a.total_length) << "IPv4 total length";
  EXPECT_EQ(b.flag_reserved, a.flag_reserved) << "IPv4 reserved flag";
  EXPECT_EQ(b.df, a.df) << "IPv4 DF";
  EXPECT_EQ(b.mf, a.mf) << "IPv4 MF";
  EXPECT_EQ(b.frag_offset, a.frag_offset) << "IPv4 fragment offset";
  EXPECT_EQ(int{b.ttl}, int{a.ttl}) << "IPv4 TTL";
  EXPECT_EQ(int{b.protocol}, int{a.protocol}) << "IPv4 protocol";
  EXPECT_EQ(b.saddr, a.saddr) << "IPv4 source";
  EXPECT_EQ(b.daddr, a.daddr) << "IPv4 destination";
  EXPECT_TRUE(ipv4_header_checksum_ok(a)) << "kernel IPv4 header checksum";
  EXPECT_TRUE(ipv4_header_checksum_ok(b)) << "sendoff IPv4 header checksum";
}

}  // namespace e2e
}  // namespace sendoff

#endif  // SENDOFF_E2E_FRAME_COMPARE_HPP
