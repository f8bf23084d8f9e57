// SPDX-License-Identifier: MIT
// ip_tx: puts an IPv4 header (IHL 5) in front of each transport segment, and
// fragments it the way Linux does when the packet would exceed the MTU:
// every fragment but the last carries ((mtu - 20) & ~7) transport bytes, the
// offset counts 8-byte units, MF is set on all but the last, DF is clear on
// every fragment, all share the ID, and they leave in order first..last.
//
// Free-running and cut-through: each call is one clock cycle and writes at
// most one beat (the first beat of a packet with its EthTxMeta), reading at
// most one beat: the realigner holds less than the next output beat needs
// only when one input beat completes it. A segment's meta is taken in the
// same call as its first beat, and a fragment's first beat follows the
// previous fragment's last in the next call, so no call goes to headers.
//
// A whole Ethernet frame (TXD_L4_ETH) passes as one packet without a header.
#ifndef SENDOFF_IP_TX_HPP
#define SENDOFF_IP_TX_HPP

#include <stdint.h>

#include "eth_tx/eth_tx.hpp"
#include "sendoff/hls_beat.hpp"
#include "sendoff/inet_csum.hpp"

namespace sendoff {

constexpr unsigned IPV4_HLEN = 20;
constexpr uint16_t IPV4_F_DF = 0x4000;  // in the flags/fragment-offset field
constexpr uint16_t IPV4_F_MF = 0x2000;

// One transport segment on ip_tx's input. Addresses in host order.
struct IpTxMeta {
  uint32_t l4_len;  // transport bytes on the stream (header included)
  uint32_t saddr;
  uint32_t daddr;
  uint16_t id;
  uint16_t mtu;  // largest IP packet, MIN_MTU..MAX_MTU (checked upstream)
  uint8_t ttl;
  uint8_t tos;
  uint8_t protocol;
  bool df;        // DF on an unfragmented packet (never on fragments)
  bool l2;        // the segment is a whole Ethernet frame: no header, one packet
  EthTxMeta eth;  // passed on with each packet (ip_len set per packet)
};

struct IpTxState {
  bool busy = false;  // a segment is in progress
  IpTxMeta m = {};
  uint32_t frag_max = 0;   // transport bytes per fragment
  unsigned in_left = 0;    // segment bytes not yet read from l4_in
  uint32_t offset = 0;     // segment bytes of the fragments already begun
  uint32_t data_left = 0;  // transport bytes of this fragment not yet sent
  uint16_t ip_len = 0;     // this fragment's IP length
  unsigned j = 0;          // beat of this fragment next
  ByteRealigner<DATA_WIDTH> win;

  bool idle() const { return !busy; }
};

// Per segment: one meta, then beats_for(l4_len) beats on l4_in. Per IP packet
// (fragment): one EthTxMeta (with its first beat) and the packet's beats.
template <template <class> class S>
void ip_tx_step(IpTxState& s, S<IpTxMeta>& meta_in, S<axis_t>& l4_in,
                S<EthTxMeta>& meta_out, S<axis_t>& ip_out) {
  constexpr unsigned B = DATA_BYTES;
  if (!s.busy) {
    if (meta_in.empty()) return;
    s.m = meta_in.read();
    const bool fragment = !s.m.l2 && IPV4_HLEN + s.m.l4_len > s.m.mtu;
    // Transport bytes per fragment: a multiple of 8 so offsets are exact.
    s.frag_max = fragment ? ((s.m.mtu - IPV4_HLEN) & ~7u) : s.m.l4_len;
    if (fragment) s.m.df = false;
    s.in_left = s.m.l4_len;
    s.offset = 0;
    s.j = 0;
    s.win.clear();
    s.busy = true;
  }

  const IpTxMeta& m = s.m;
  const unsigned hlen = m.l2 ? 0 : IPV4_HLEN;
  const unsigned j = s.j;
  // The fragment starting at s.offset, for its first beat; later beats go on
  // from what the first one stored.
  const uint32_t seg_left = m.l4_len - s.offset;
  const uint32_t data_len = j == 0 ? (seg_left < s.frag_max ? seg_left : s.frag_max) : 0;
  const uint16_t ip_len = j == 0 ? static_cast<uint16_t>(hlen + data_len) : s.ip_len;
  const uint32_t data_left = j == 0 ? data_len : s.data_left;
  const unsigned t = min_u(j == 0 ? B - hlen : B, data_left);
  const bool need_in = s.win.count() < t;
  if (ip_out.full() || (j == 0 && meta_out.full()) || (need_in && l4_in.empty())) return;

  if (need_in) s.win.push_next(l4_in.read().data, s.in_left);
  const data_t chunk = s.win.take(t);
  data_t d = chunk;
  if (j == 0) {
    const bool more = s.offset + data_len < m.l4_len;
    const uint16_t frag = static_cast<uint16_t>((m.df ? IPV4_F_DF : 0) | (more ? IPV4_F_MF : 0) |
                                                (s.offset >> 3));
    uint32_t sum = 0;
    sum = csum_add(sum, 0x4500u | m.tos);
    sum = csum_add(sum, ip_len);
    sum = csum_add(sum, m.id);
    sum = csum_add(sum, frag);
    sum = csum_add(sum, (static_cast<uint32_t>(m.ttl) << 8) | m.protocol);
    sum = csum_add(sum, m.saddr >> 16);
    sum = csum_add(sum, m.saddr & 0xFFFFu);
    sum = csum_add(sum, m.daddr >> 16);
    sum = csum_add(sum, m.daddr & 0xFFFFu);

    ap_uint<8 * IPV4_HLEN> hdr = 0;
    put_u8(hdr, 0, 0x45);  // version 4, IHL 5
    put_u8(hdr, 1, m.tos);
    put_be16(hdr, 2, ip_len);
    put_be16(hdr, 4, m.id);
    put_be16(hdr, 6, frag);
    put_u8(hdr, 8, m.ttl);
    put_u8(hdr, 9, m.protocol);
    put_be16(hdr, 10, csum_finish(sum));
    put_be32(hdr, 12, m.saddr);
    put_be32(hdr, 16, m.daddr);
    if (!m.l2) {
      d = chunk << (8 * IPV4_HLEN);
      d(8 * IPV4_HLEN - 1, 0) = hdr;
    }

    EthTxMeta e = m.eth;
    e.ip_len = ip_len;
    meta_out.write(e);
    s.ip_len = ip_len;
    s.offset += data_len;
  }
  const unsigned n_beats = beats_for(ip_len);
  ip_out.write(make_beat(d, ip_len - j * B, j == n_beats - 1));
  s.data_left = data_left - t;
  if (j == n_beats - 1) {
    s.j = 0;
    if (s.offset >= m.l4_len) s.busy = false;
  } else {
    s.j = j + 1;
  }
}

// The free-running kernel: state in statics, one call per clock.
void ip_tx(hls::stream<IpTxMeta>& meta_in, hls::stream<axis_t>& l4_in,
           hls::stream<EthTxMeta>& meta_out, hls::stream<axis_t>& ip_out);

}  // namespace sendoff

#endif  // SENDOFF_IP_TX_HPP
