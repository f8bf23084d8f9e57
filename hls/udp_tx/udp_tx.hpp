// SPDX-License-Identifier: MIT
// udp_tx: the transport stage. For a UDP descriptor it builds the UDP header
// (ports from the flow, length = payload + 8) and the checksum over the
// IPv4 pseudo-header, header and payload, a computed 0 being sent as 0xFFFF
// (RFC 768). For a RAW descriptor the payload already is the transport
// segment and passes through unchanged, as does an ETH descriptor's frame.
//
// The checksum sits in front of the payload it covers, and a fragmented
// datagram's checksum covers every fragment, so udp_tx stores the whole
// datagram (up to 65515 bytes) while summing and sends it afterwards: the
// fragments then leave first..last, as Linux sends them. Two buffers
// (ping-pong) let one datagram fill while the previous one drains, so
// store-then-send costs one datagram of latency, not half the throughput.
//
// Free-running: each call is one clock cycle. The fill side (meta_in,
// payload_in) and the drain side (meta_out, l4_out) each move at most one
// beat, non-blocking, and keep their state between calls.
#ifndef SENDOFF_UDP_TX_HPP
#define SENDOFF_UDP_TX_HPP

#include <stdint.h>

#include "ip_tx/ip_tx.hpp"
#include "sendoff/hls_beat.hpp"
#include "sendoff/inet_csum.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

constexpr unsigned UDP_HLEN = 8;
constexpr unsigned UDP_MAX_PAYLOAD = 65535 - IPV4_HLEN - UDP_HLEN;  // 65507
constexpr unsigned RAW_MAX_PAYLOAD = 65535 - IPV4_HLEN;             // 65515
// Beats of one datagram buffer: the largest UDP datagram (65515 bytes).
constexpr unsigned UDP_BUF_BEATS = (UDP_MAX_PAYLOAD + UDP_HLEN + DATA_BYTES - 1) / DATA_BYTES;

// One descriptor's worth of work for udp_tx.
struct UdpTxMeta {
  bool raw;        // TXD_L4_RAW or _ETH: the payload passes unchanged
  uint32_t len;    // payload bytes on payload_in
  uint16_t sport;  // UDP ports (unused for RAW)
  uint16_t dport;
  IpTxMeta ip;  // for ip_tx; udp_tx sets l4_len, and protocol for UDP
};

// The two datagram buffers, a beat per entry, as the segment will leave.
using UdpTxBuffers = data_t[2][UDP_BUF_BEATS];

struct UdpTxState {
  // Per buffer: a datagram is stored and waits to drain.
  bool full[2] = {false, false};
  IpTxMeta ip[2] = {};                   // its meta for ip_tx (l4_len set)
  ap_uint<8 * UDP_HLEN> hdr[2] = {0, 0}; // its UDP header (0 for RAW)
  bool raw[2] = {false, false};
  // Fill side: datagram being stored into buffer fill_buf.
  bool filling = false;
  unsigned fill_buf = 0;
  unsigned fill_j = 0;      // next beat to store
  unsigned fill_beats = 0;  // beats it stores
  unsigned in_beats = 0;    // beats it reads from payload_in
  UdpTxMeta fill_meta = {};
  uint32_t sum = 0;         // checksum so far
  data_t prev = 0;          // the previous input beat (its top 8 bytes move on)
  // Drain side: buffer drain_buf, beat drain_j of it next.
  bool draining = false;
  unsigned drain_buf = 0;
  unsigned drain_j = 0;

  bool idle() const { return !filling && !draining && !full[0] && !full[1]; }
};

// Per descriptor: one meta, then beats_for(len) payload beats. Per segment
// out: one IpTxMeta (with the segment's first beat), then beats_for(l4_len)
// beats.
template <template <class> class S>
void udp_tx_step(UdpTxState& s, UdpTxBuffers& buf, S<UdpTxMeta>& meta_in,
                 S<axis_t>& payload_in, S<IpTxMeta>& meta_out, S<axis_t>& l4_out) {
  constexpr unsigned B = DATA_BYTES;

  // Both sides see the buffer flags as the previous call left them: a
  // finished checksum reaches the header from a register, and a buffer the
  // drain frees now is filled from the next call (never one entry read and
  // written in the same cycle).
  const bool was_full = s.full[s.fill_buf];
  if (!s.draining && s.full[s.drain_buf]) {
    s.draining = true;
    s.drain_j = 0;
  }
  if (s.draining) {
    const unsigned b = s.drain_buf;
    const uint32_t l4_len = s.ip[b].l4_len;
    const unsigned n_beats = beats_for(l4_len);
    const unsigned j = s.drain_j;
    if (n_beats == 0) {  // an empty RAW segment: only its meta
      if (!meta_out.full()) {
        meta_out.write(s.ip[b]);
        s.full[b] = false;
        s.draining = false;
        s.drain_buf = b ^ 1u;
      }
    } else if (!l4_out.full() && (j != 0 || !meta_out.full())) {
      if (j == 0) meta_out.write(s.ip[b]);
      data_t d = buf[b][j];
      if (j == 0 && !s.raw[b]) d(8 * UDP_HLEN - 1, 0) = s.hdr[b];
      l4_out.write(make_beat(d, l4_len - j * B, j == n_beats - 1));
      s.drain_j = j + 1;
      if (j == n_beats - 1) {
        s.full[b] = false;
        s.draining = false;
        s.drain_buf = b ^ 1u;
      }
    }
  }

  // Fill: a new datagram's meta comes with its first beat.
  if (!s.filling && !was_full && !meta_in.empty()) {
    const UdpTxMeta m = meta_in.read();
    const uint32_t l4_len = m.raw ? m.len : m.len + UDP_HLEN;
    s.fill_meta = m;
    s.fill_meta.ip.l4_len = l4_len;
    if (!m.raw) s.fill_meta.ip.protocol = abi::IPPROTO_UDP_NUM;
    s.in_beats = beats_for(m.len);
    s.fill_beats = beats_for(l4_len);
    s.fill_j = 0;
    s.prev = 0;
    // Pseudo-header and the header's words (checksum field 0); the payload
    // words follow beat by beat.
    uint32_t sum = csum_pseudo_ipv4(m.ip.saddr, m.ip.daddr, abi::IPPROTO_UDP_NUM, l4_len);
    sum = csum_add(sum, m.sport);
    sum = csum_add(sum, m.dport);
    s.sum = csum_add(sum, l4_len);
    s.filling = true;
  }
  if (s.filling) {
    const unsigned b = s.fill_buf;
    const unsigned j = s.fill_j;
    const bool need_in = j < s.in_beats;
    if (j < s.fill_beats && (!need_in || !payload_in.empty())) {
      data_t in = 0;
      if (need_in) in = payload_in.read().data;
      if (s.fill_meta.raw) {
        buf[b][j] = in;
      } else {
        // The segment as it will leave: payload moved up by the 8 header
        // bytes, the previous beat's top 8 bytes carried into this one.
        const data_t seg = (in << (8 * UDP_HLEN)) | (s.prev >> (8 * (B - UDP_HLEN)));
        s.sum = csum_add(s.sum, csum_beat<DATA_WIDTH>(seg));
        buf[b][j] = seg;
      }
      s.prev = in;
      s.fill_j = j + 1;
    }
    if (s.fill_j == s.fill_beats) {
      const UdpTxMeta& m = s.fill_meta;
      uint16_t csum = csum_finish(s.sum);
      if (csum == 0) csum = 0xFFFF;  // RFC 768: 0 means "no checksum"
      ap_uint<8 * UDP_HLEN> hdr = 0;
      put_be16(hdr, 0, m.sport);
      put_be16(hdr, 2, m.dport);
      put_be16(hdr, 4, static_cast<uint16_t>(m.ip.l4_len));
      put_be16(hdr, 6, csum);
      s.hdr[b] = hdr;
      s.ip[b] = m.ip;
      s.raw[b] = m.raw;
      s.full[b] = true;
      s.filling = false;
      s.fill_buf = b ^ 1u;
    }
  }
}

// The free-running kernel: state in statics, one call per clock.
void udp_tx(hls::stream<UdpTxMeta>& meta_in, hls::stream<axis_t>& payload_in,
            hls::stream<IpTxMeta>& meta_out, hls::stream<axis_t>& l4_out);

}  // namespace sendoff

#endif  // SENDOFF_UDP_TX_HPP
