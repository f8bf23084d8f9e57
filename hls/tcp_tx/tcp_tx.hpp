// SPDX-License-Identifier: MIT
// tcp_tx: TCP segmentation offload (TSO), the transport stage for a TCP
// descriptor. A payload of up to 64 KiB becomes MSS-sized segments, each a
// TCP header and its piece of the payload, handed to ip_tx as its own packet:
//  - segment k carries payload bytes [k*mss, min((k+1)*mss, len)) and the
//    sequence number seq + k*mss; a payload of 0 bytes is one segment (the
//    host's SYN, FIN, RST and pure ACKs go this way too);
//  - ACK, window, options and the other flags are the descriptor's, repeated
//    on every segment; PSH and FIN only on the last; CWR only on the first
//    (Linux's tcp_gso_segment clears it after the first segment);
//  - the IPv4 ID counts up per segment from the descriptor's (the ID Linux's
//    GSO gives each segment), DF as the descriptor says;
//  - the checksum of each segment over the IPv4 pseudo-header, its header
//    and its payload (RFC 9293 3.1).
//
// Store-then-send as udp_tx, for the same reason: a segment's checksum sits
// in front of the payload it covers. While a payload is stored, each
// segment's payload sum is kept (at most three segments touch one beat when
// the MSS is at least TCP_MIN_MSS and a beat at most 128 bytes). Two
// buffers (ping-pong) let one payload fill while the previous one drains.
//
// desc_fetch feeds it a TXD_L4_TCP descriptor's two slots (ABI 3.0, with
// TSO); tx_merge puts its segments in ring order with udp_tx's.
//
// Free-running: each call is one clock cycle. The fill side (meta_in,
// payload_in) and the drain side (meta_out, l4_out) each move at most one
// beat, non-blocking, and keep their state between calls.
#ifndef SENDOFF_TCP_TX_HPP
#define SENDOFF_TCP_TX_HPP

#include <stdint.h>

#include "ip_tx/ip_tx.hpp"
#include "sendoff/hls_beat.hpp"
#include "sendoff/inet_csum.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

constexpr unsigned TCP_HLEN = 20;         // without options
constexpr unsigned TCP_OPT_MAX = 40;      // option bytes (data offset 15)
constexpr unsigned TCP_MIN_MSS = 88;      // Linux's TCP_MIN_MSS
constexpr unsigned TCP_MAX_PAYLOAD = 65535;
// Segments of one payload: at the smallest MSS.
constexpr unsigned TCP_MAX_SEGS = (TCP_MAX_PAYLOAD + TCP_MIN_MSS - 1) / TCP_MIN_MSS;
// Beats of one payload buffer, and one more that the drain's two-beat window
// may read past the end (its bytes are masked off).
constexpr unsigned TCP_BUF_BEATS = (TCP_MAX_PAYLOAD + DATA_BYTES - 1) / DATA_BYTES + 1;

// TCP header flags (RFC 9293, RFC 3168), the byte at header offset 13.
constexpr uint8_t TCPHDR_FIN = 0x01;
constexpr uint8_t TCPHDR_SYN = 0x02;
constexpr uint8_t TCPHDR_RST = 0x04;
constexpr uint8_t TCPHDR_PSH = 0x08;
constexpr uint8_t TCPHDR_ACK = 0x10;
constexpr uint8_t TCPHDR_URG = 0x20;
constexpr uint8_t TCPHDR_ECE = 0x40;
constexpr uint8_t TCPHDR_CWR = 0x80;

using tcp_opts_t = ap_uint<8 * TCP_OPT_MAX>;
using tcp_hdr_t = ap_uint<8 * (TCP_HLEN + TCP_OPT_MAX)>;

// One descriptor's worth of work for tcp_tx. The caller checks it: mss
// TCP_MIN_MSS..MAX_MTU, opt_len a multiple of 4 up to TCP_OPT_MAX, len up to
// TCP_MAX_PAYLOAD.
struct TcpTxMeta {
  uint32_t len;     // payload bytes on payload_in
  uint16_t mss;     // payload bytes per segment
  uint16_t sport;
  uint16_t dport;
  uint32_t seq;     // sequence number of the first payload byte
  uint32_t ack;
  uint16_t window;  // the header's field, already scaled
  uint8_t flags;    // TCPHDR_*; PSH and FIN go on the last segment, CWR on the first
  uint8_t opt_len;  // option bytes
  tcp_opts_t opts;  // option bytes in wire order, byte 0 in bits 7:0
  IpTxMeta ip;      // for ip_tx: id of the first segment; tcp_tx sets l4_len, id, protocol
};

using TcpTxBuffers = data_t[2][TCP_BUF_BEATS];
using TcpTxSums = uint32_t[2][TCP_MAX_SEGS];

struct TcpTxState {
  // Per buffer: a payload is stored and waits to drain.
  bool full[2] = {false, false};
  TcpTxMeta m[2] = {};
  // Fill side: payload being stored into buffer fill_buf.
  bool filling = false;
  unsigned fill_buf = 0;
  unsigned fill_j = 0;      // next beat
  unsigned fill_beats = 0;  // beats it reads
  TcpTxMeta fill_meta = {};
  unsigned seg = 0;         // segment the next payload byte belongs to
  unsigned seg_left = 0;    // its bytes not yet stored
  uint32_t acc = 0;         // its payload sum so far
  // Drain side: buffer drain_buf, segment drain_seg, beat drain_j of it next.
  bool draining = false;
  unsigned drain_buf = 0;
  unsigned drain_seg = 0;
  unsigned drain_j = 0;

  bool idle() const { return !filling && !draining && !full[0] && !full[1]; }
};

// Segments a payload of len bytes makes.
inline unsigned tcp_segs(uint32_t len, uint16_t mss) {
  return len == 0 ? 1u : (len + mss - 1u) / mss;
}

// A 16-bit one's complement sum with its two bytes swapped: the sum of the
// same bytes paired the other way (RFC 1071 2.(B)).
inline uint32_t csum_swap(uint32_t acc) {
  const uint16_t f = csum_fold(acc);
  return static_cast<uint32_t>(((f & 0xFFu) << 8) | (f >> 8));
}

// Segment k's header, checksum filled in. payload_sum: the sum of its payload
// paired from its first byte.
inline tcp_hdr_t tcp_header(const TcpTxMeta& m, unsigned k, unsigned n_segs, uint32_t seg_len,
                            uint32_t payload_sum) {
  uint8_t flags = m.flags;
  if (k + 1 != n_segs) flags &= static_cast<uint8_t>(~(TCPHDR_PSH | TCPHDR_FIN));
  if (k != 0) flags &= static_cast<uint8_t>(~TCPHDR_CWR);
  const unsigned hlen = TCP_HLEN + m.opt_len;
  const uint32_t seq = m.seq + static_cast<uint32_t>(k) * m.mss;
  tcp_hdr_t h = 0;
  put_be16(h, 0, m.sport);
  put_be16(h, 2, m.dport);
  put_be32(h, 4, seq);
  put_be32(h, 8, m.ack);
  put_u8(h, 12, static_cast<uint8_t>((hlen / 4) << 4));
  put_u8(h, 13, flags);
  put_be16(h, 14, m.window);
  // Checksum 0 and urgent pointer 0 at 16..19; the options from 20.
  h(8 * (TCP_HLEN + TCP_OPT_MAX) - 1, 8 * TCP_HLEN) = m.opts & byte_mask<8 * TCP_OPT_MAX>(m.opt_len);
  uint32_t s = csum_pseudo_ipv4(m.ip.saddr, m.ip.daddr, abi::IPPROTO_TCP_NUM, hlen + seg_len);
  s = csum_add(s, csum_beat<8 * (TCP_HLEN + TCP_OPT_MAX)>(h));
  s = csum_add(s, payload_sum);
  put_be16(h, 16, csum_finish(s));
  return h;
}

// Per descriptor: one meta, then beats_for(len) payload beats. Per segment
// out: one IpTxMeta (with the segment's first beat), then beats_for(l4_len)
// beats.
template <template <class> class S>
void tcp_tx_step(TcpTxState& s, TcpTxBuffers& buf, TcpTxSums& sums, S<TcpTxMeta>& meta_in,
                 S<axis_t>& payload_in, S<IpTxMeta>& meta_out, S<axis_t>& l4_out) {
  constexpr unsigned B = DATA_BYTES;
  using window_t = ap_uint<2 * DATA_WIDTH>;

  // Both sides see the buffer flags as the previous call left them.
  const bool was_full = s.full[s.fill_buf];
  if (!s.draining && s.full[s.drain_buf]) {
    s.draining = true;
    s.drain_seg = 0;
    s.drain_j = 0;
  }
  if (s.draining) {
    const unsigned b = s.drain_buf;
    const TcpTxMeta& m = s.m[b];
    const unsigned k = s.drain_seg;
    const unsigned j = s.drain_j;
    const unsigned n_segs = tcp_segs(m.len, m.mss);
    const uint32_t start = static_cast<uint32_t>(k) * m.mss;  // payload offset of segment k
    const uint32_t seg_len = m.len == 0 ? 0 : min_u(m.mss, m.len - start);
    const unsigned hlen = TCP_HLEN + m.opt_len;
    const uint32_t l4_len = hlen + seg_len;
    const unsigned n_beats = beats_for(l4_len);
    if (!l4_out.full() && (j != 0 || !meta_out.full())) {
      if (j == 0) {
        IpTxMeta ip = m.ip;
        ip.l4_len = l4_len;
        ip.id = static_cast<uint16_t>(m.ip.id + k);
        ip.protocol = abi::IPPROTO_TCP_NUM;
        meta_out.write(ip);
      }
      // Payload bytes of this beat from a two-beat window of the buffer:
      // output byte i is payload byte start + j*B + i - hlen.
      const uint32_t first = start + (j * B > hlen ? j * B - hlen : 0);
      const unsigned q = first / B;
      window_t w = buf[b][q + 1];
      w = (w << DATA_WIDTH) | window_t(buf[b][q]);
      w >>= 8 * (first % B);
      data_t d = w(DATA_WIDTH - 1, 0);
      if (j * B < hlen) {
        // Header bytes first: the payload moves up behind them.
        const unsigned h_here = hlen - j * B;  // header bytes in this beat (< B when hlen < B)
        d <<= 8 * h_here;
        const tcp_hdr_t h = tcp_header(m, k, n_segs, seg_len, sums[b][k]);
        const data_t hb = data_t(h >> (8 * j * B)) & byte_mask<DATA_WIDTH>(h_here);
        d = (d & ~byte_mask<DATA_WIDTH>(h_here)) | hb;
      }
      const unsigned left = l4_len - j * B;
      d &= byte_mask<DATA_WIDTH>(left);
      const bool last = j == n_beats - 1;
      l4_out.write(make_beat(d, left, last));
      s.drain_j = j + 1;
      if (last) {
        s.drain_j = 0;
        s.drain_seg = k + 1;
        if (k + 1 == n_segs) {
          s.full[b] = false;
          s.draining = false;
          s.drain_buf = b ^ 1u;
        }
      }
    }
  }

  // Fill: a new payload's meta comes with its first beat.
  if (!s.filling && !was_full && !meta_in.empty()) {
    const TcpTxMeta m = meta_in.read();
    s.fill_meta = m;
    s.fill_beats = beats_for(m.len);
    s.fill_j = 0;
    s.seg = 0;
    s.seg_left = min_u(m.mss, m.len);
    s.acc = 0;
    s.filling = true;
    if (m.len == 0) sums[s.fill_buf][0] = 0;
  }
  if (s.filling) {
    const unsigned b = s.fill_buf;
    const unsigned j = s.fill_j;
    const TcpTxMeta& m = s.fill_meta;
    if (j < s.fill_beats && !payload_in.empty()) {
      const data_t in = payload_in.read().data;
      buf[b][j] = in;
      // The beat's bytes, segment by segment (at most three segments).
      unsigned at = 0;                                    // first byte not yet summed
      const unsigned n = min_u(B, m.len - j * B);         // payload bytes in this beat
      for (int piece = 0; piece < 3; ++piece) {
#pragma HLS UNROLL
        if (at >= n) break;
        const unsigned take = min_u(s.seg_left, n - at);
        const data_t part = (in & byte_mask<DATA_WIDTH>(at + take)) & ~byte_mask<DATA_WIDTH>(at);
        uint32_t ps = csum_beat<DATA_WIDTH>(part);
        // Paired from the beat's even bytes; the segment pairs from its first byte.
        const uint32_t seg_start = static_cast<uint32_t>(s.seg) * m.mss;
        if (seg_start % 2) ps = csum_swap(ps);
        s.acc = csum_add(s.acc, ps);
        s.seg_left -= take;
        at += take;
        if (s.seg_left == 0) {
          sums[b][s.seg] = s.acc;
          s.acc = 0;
          s.seg += 1;
          const uint32_t done = s.seg * static_cast<uint32_t>(m.mss);
          s.seg_left = done < m.len ? min_u(m.mss, m.len - done) : 0;
        }
      }
      s.fill_j = j + 1;
    }
    if (s.fill_j == s.fill_beats) {
      s.m[b] = m;
      s.full[b] = true;
      s.filling = false;
      s.fill_buf = b ^ 1u;
    }
  }
}

// The free-running kernel: state in statics, one call per clock.
void tcp_tx(hls::stream<TcpTxMeta>& meta_in, hls::stream<axis_t>& payload_in,
            hls::stream<IpTxMeta>& meta_out, hls::stream<axis_t>& l4_out);

}  // namespace sendoff

#endif  // SENDOFF_TCP_TX_HPP
