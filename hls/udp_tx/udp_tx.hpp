// SPDX-License-Identifier: MIT
// udp_tx: the transport stage. For a UDP descriptor it builds the UDP header
// (ports from the flow, length = payload + 8) and the checksum over the
// IPv4 pseudo-header, header and payload, a computed 0 being sent as 0xFFFF
// (RFC 768). For a RAW descriptor the payload already is the transport
// segment and passes through unchanged.
//
// The checksum sits in front of the payload it covers, and a fragmented
// datagram's checksum covers every fragment, so udp_tx buffers the whole
// datagram (up to 65515 bytes) while summing and emits it afterwards: the
// fragments then leave first..last, as Linux sends them. The price is one
// datagram of latency and, with a single buffer, no overlap of one
// datagram's fill with the previous one's drain.
#ifndef SENDOFF_UDP_TX_HPP
#define SENDOFF_UDP_TX_HPP

#include <stdint.h>

#include "ip_tx/ip_tx.hpp"
#include "sendoff/hls_beat.hpp"

namespace sendoff {

constexpr unsigned UDP_HLEN = 8;
constexpr unsigned UDP_MAX_PAYLOAD = 65535 - IPV4_HLEN - UDP_HLEN;  // 65507
constexpr unsigned RAW_MAX_PAYLOAD = 65535 - IPV4_HLEN;             // 65515
// Beats of the datagram buffer: the largest UDP datagram (65515 bytes).
constexpr unsigned UDP_BUF_BEATS = (UDP_MAX_PAYLOAD + UDP_HLEN + DATA_BYTES - 1) / DATA_BYTES;

// One descriptor's worth of work for udp_tx.
struct UdpTxMeta {
  bool end;        // no more descriptors in this run: forwarded, udp_tx returns
  bool raw;        // TXD_L4_RAW: the payload is the transport segment
  uint32_t len;    // payload bytes on payload_in
  uint16_t sport;  // UDP ports (unused for RAW)
  uint16_t dport;
  IpTxMeta ip;  // for ip_tx; udp_tx sets l4_len, and protocol for UDP
};

// Per descriptor: one meta, then beats_for(len) payload beats. Per segment
// out: one IpTxMeta, then beats_for(l4_len) beats.
void udp_tx(hls::stream<UdpTxMeta>& meta_in, hls::stream<axis_t>& payload_in,
            hls::stream<IpTxMeta>& meta_out, hls::stream<axis_t>& l4_out);

}  // namespace sendoff

#endif  // SENDOFF_UDP_TX_HPP
