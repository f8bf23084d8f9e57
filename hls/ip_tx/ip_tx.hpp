// SPDX-License-Identifier: MIT
// ip_tx: puts an IPv4 header (IHL 5) in front of each transport segment, and
// fragments it the way Linux does when the packet would exceed the MTU:
// every fragment but the last carries ((mtu - 20) & ~7) transport bytes, the
// offset counts 8-byte units, MF is set on all but the last, DF is clear on
// every fragment, all share the ID, and they leave in order first..last.
#ifndef SENDOFF_IP_TX_HPP
#define SENDOFF_IP_TX_HPP

#include <stdint.h>

#include "eth_tx/eth_tx.hpp"
#include "sendoff/hls_beat.hpp"

namespace sendoff {

constexpr unsigned IPV4_HLEN = 20;
constexpr uint16_t IPV4_F_DF = 0x4000;  // in the flags/fragment-offset field
constexpr uint16_t IPV4_F_MF = 0x2000;

// One transport segment on ip_tx's input. Addresses in host order.
struct IpTxMeta {
  bool end;         // no more segments in this run: forwarded, ip_tx returns
  uint32_t l4_len;  // transport bytes on the stream (header included)
  uint32_t saddr;
  uint32_t daddr;
  uint16_t id;
  uint16_t mtu;  // largest IP packet, MIN_MTU..MAX_MTU (checked upstream)
  uint8_t ttl;
  uint8_t tos;
  uint8_t protocol;
  bool df;        // DF on an unfragmented packet (never on fragments)
  EthTxMeta eth;  // passed on with each packet (ip_len set per packet)
};

// Per segment: one meta, then beats_for(l4_len) beats on l4_in. Per IP packet
// (fragment): one EthTxMeta and the packet's beats.
void ip_tx(hls::stream<IpTxMeta>& meta_in, hls::stream<axis_t>& l4_in,
           hls::stream<EthTxMeta>& meta_out, hls::stream<axis_t>& ip_out);

}  // namespace sendoff

#endif  // SENDOFF_IP_TX_HPP
