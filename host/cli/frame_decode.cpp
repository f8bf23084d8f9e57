// SPDX-License-Identifier: MIT
#include "frame_decode.hpp"

#include <cstring>

#include "sendoff/nic_abi.hpp"

namespace sendoff {
namespace cli {

namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

constexpr uint16_t kIpFlagDf = 0x4000;
constexpr uint16_t kIpFlagMf = 0x2000;
constexpr uint16_t kIpOffsetMask = 0x1FFF;
constexpr size_t kIpv4MinHeader = 20;
constexpr size_t kUdpHeader = 8;

}  // namespace

bool decode_frame(const uint8_t* f, size_t len, DecodedFrame* out) {
  *out = DecodedFrame{};
  out->len = len;
  if (len < abi::ETH_HLEN) return false;
  memcpy(out->dst, f, 6);
  memcpy(out->src, f + 6, 6);
  out->ethertype = be16(f + 12);
  if (out->ethertype != abi::ETH_P_IP) return true;

  const uint8_t* ip = f + abi::ETH_HLEN;
  size_t avail = len - abi::ETH_HLEN;
  if (avail < kIpv4MinHeader || ip[0] >> 4 != 4) return true;
  size_t ihl = static_cast<size_t>(ip[0] & 0xF) * 4;
  if (ihl < kIpv4MinHeader || avail < ihl) return true;
  out->has_ipv4 = true;
  out->tos = ip[1];
  out->ip_total_len = be16(ip + 2);
  out->ip_id = be16(ip + 4);
  uint16_t frag = be16(ip + 6);
  out->df = frag & kIpFlagDf;
  out->mf = frag & kIpFlagMf;
  out->frag_offset = static_cast<uint32_t>(frag & kIpOffsetMask) * 8;
  out->ttl = ip[8];
  out->protocol = ip[9];
  out->ip_checksum = be16(ip + 10);
  out->saddr = be32(ip + 12);
  out->daddr = be32(ip + 16);
  out->ip_payload_len = out->ip_total_len > ihl ? out->ip_total_len - ihl : 0;

  if (out->protocol != abi::IPPROTO_UDP_NUM || out->frag_offset != 0) return true;
  if (avail < ihl + kUdpHeader) return true;
  const uint8_t* udp = ip + ihl;
  out->has_udp = true;
  out->sport = be16(udp);
  out->dport = be16(udp + 2);
  out->udp_len = be16(udp + 4);
  out->udp_checksum = be16(udp + 6);
  return true;
}

}  // namespace cli
}  // namespace sendoff
