// SPDX-License-Identifier: MIT
// rx_parse's step (sendoff_rx.hpp): one beat per call, all checks as masked
// sums of the beat's bytes, the verdict with the last beat.
#ifndef SENDOFF_RX_PARSE_STEP_HPP
#define SENDOFF_RX_PARSE_STEP_HPP

#include "sendoff/crc32.hpp"
#include "sendoff/crc32_matrix.hpp"
#include "sendoff/inet_csum.hpp"

namespace sendoff {

namespace rx_detail {

inline uint8_t lane(const data_t& d, int i) { return static_cast<uint8_t>(d(8 * i + 7, 8 * i).to_uint()); }
inline uint16_t be16(const data_t& d, int i) {
  return static_cast<uint16_t>(lane(d, i) << 8 | lane(d, i + 1));
}
inline uint32_t be32(const data_t& d, int i) {
  return static_cast<uint32_t>(be16(d, i)) << 16 | be16(d, i + 2);
}

constexpr uint32_t kEthHlen = abi::ETH_HLEN;  // the IPv4 header's offset in the frame
constexpr uint16_t kEthPIp = 0x0800, kEthPArp = 0x0806, kEthPIpv6 = 0x86DD;
constexpr uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17;

}  // namespace rx_detail

template <template <class> class S>
void rx_parse_step(RxParseState& s, S<axis_t>& mac_in, S<axis_t>& data_out, S<RxMeta>& meta_out) {
  using namespace rx_detail;
  if (mac_in.empty() || data_out.full() || meta_out.full()) return;
  const axis_t b = mac_in.read();
  const uint32_t off = s.beat * DATA_BYTES;  // the frame offset of lane 0

  // The first beat holds every fixed header field (lanes 0..37 at most).
  if (s.beat == 0) {
    s.ethertype = be16(b.data, 12);
    const uint8_t vihl = lane(b.data, 14);
    s.ihl_bytes = (s.ethertype == kEthPIp && (vihl >> 4) == 4 && (vihl & 0xF) >= 5)
                      ? static_cast<uint8_t>((vihl & 0xF) * 4)
                      : 0;
    s.tot_len = be16(b.data, 16);
    s.frag = be16(b.data, 20);
    s.proto = lane(b.data, 23);
    s.saddr = be32(b.data, 26);
    s.daddr = be32(b.data, 30);
    s.crc = CRC32_INIT;
    s.ip_sum = 0;
    s.l4_sum = 0;
    s.sport = s.dport = s.l4_check = 0;
  }
  const uint32_t ip_end = kEthHlen + s.ihl_bytes;         // 14 when not IPv4: no range
  const uint32_t l4_end = s.ihl_bytes ? kEthHlen + s.tot_len : 0;
  const uint32_t check_at = ip_end + (s.proto == kProtoTcp ? 16u : 6u);

  // The beat's bytes, once (wires in hardware).
  uint8_t by[DATA_BYTES];
#pragma HLS ARRAY_PARTITION variable=by complete
  for (int k = 0; k < DATA_BYTES / 8; ++k) {
#pragma HLS UNROLL
    const uint64_t v = b.data(64 * k + 63, 64 * k).to_uint64();
    for (int j = 0; j < 8; ++j) by[8 * k + j] = static_cast<uint8_t>(v >> (8 * j));
  }
  unsigned n = 0;
  for (int i = 0; i < DATA_BYTES; ++i) {
#pragma HLS UNROLL
    if (!b.keep[i]) continue;
    ++n;
    const uint32_t o = off + static_cast<uint32_t>(i);
    // Header and L4 both start at even offsets: an even byte is a word's high half.
    const uint32_t w = (o & 1) ? by[i] : static_cast<uint32_t>(by[i]) << 8;
    if (o >= kEthHlen && o < ip_end) s.ip_sum += w;
    if (o >= ip_end && o < l4_end) s.l4_sum += w;
    if (o == ip_end) s.sport = static_cast<uint16_t>(by[i] << 8);
    if (o == ip_end + 1) s.sport |= by[i];
    if (o == ip_end + 2) s.dport = static_cast<uint16_t>(by[i] << 8);
    if (o == ip_end + 3) s.dport |= by[i];
    if (o == check_at) s.l4_check = static_cast<uint16_t>(by[i] << 8);
    if (o == check_at + 1) s.l4_check |= by[i];
  }
  // The CRC recurs on whole beats only; a partial last beat's update only leaves.
  const uint32_t crc = (n == static_cast<unsigned>(DATA_BYTES))
                           ? crc32_full_beat<DATA_WIDTH>(s.crc, b.data)
                           : crc32_part_beat<DATA_WIDTH>(s.crc, b.data, n);
  s.crc = crc;
  data_out.write(b);
  if (!b.last) {
    ++s.beat;
    return;
  }

  RxMeta m;
  const uint32_t total = off + n;
  const uint32_t len = total >= abi::ETH_FCS_LEN ? total - abi::ETH_FCS_LEN : 0;
  m.len = static_cast<uint16_t>(len > 0xFFFF ? 0xFFFF : len);
  m.fcs_ok = total >= abi::ETH_FCS_LEN && static_cast<uint32_t>(~crc) == CRC32_RESIDUE;
  m.len_ok = len >= abi::ETH_ZLEN && len <= abi::ETH_FRAME_MAX;
  m.l3 = s.ethertype == kEthPIp     ? abi::RXC_L3_IPV4
         : s.ethertype == kEthPArp  ? abi::RXC_L3_ARP
         : s.ethertype == kEthPIpv6 ? abi::RXC_L3_IPV6
                                    : abi::RXC_L3_OTHER;
  if (m.l3 == abi::RXC_L3_IPV4) {
    const bool hdr_ok = s.ihl_bytes != 0 && ip_end <= len && csum_fold(s.ip_sum) == 0xFFFF;
    m.flags |= hdr_ok ? abi::RXC_F_IP_CSUM_OK : abi::RXC_F_IP_CSUM_BAD;
    if (hdr_ok) {
      const bool frag = (s.frag & 0x3FFF) != 0;
      m.l4 = frag                     ? abi::RXC_L4_FRAG
             : s.proto == kProtoUdp   ? abi::RXC_L4_UDP
             : s.proto == kProtoTcp   ? abi::RXC_L4_TCP
             : s.proto == kProtoIcmp  ? abi::RXC_L4_ICMP
                                      : abi::RXC_L4_OTHER;
      const uint32_t min_hdr = s.proto == kProtoTcp ? 20u : 8u;
      const bool whole = l4_end <= len && s.tot_len >= s.ihl_bytes + min_hdr;
      if ((m.l4 == abi::RXC_L4_UDP || m.l4 == abi::RXC_L4_TCP) && whole) {
        const uint32_t pseudo =
            csum_pseudo_ipv4(s.saddr, s.daddr, s.proto, static_cast<uint32_t>(s.tot_len - s.ihl_bytes));
        const bool none = m.l4 == abi::RXC_L4_UDP && s.l4_check == 0;
        const bool good = none || csum_fold(csum_add(s.l4_sum, pseudo)) == 0xFFFF;
        m.flags |= good ? abi::RXC_F_L4_CSUM_OK : abi::RXC_F_L4_CSUM_BAD;
        m.hash = abi::rx_flow_hash(s.saddr, s.daddr, s.sport, s.dport, s.proto);
      }
    }
  }
  meta_out.write(m);
  s.beat = 0;
}

}  // namespace sendoff

#endif  // SENDOFF_RX_PARSE_STEP_HPP
