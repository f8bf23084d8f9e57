// SPDX-License-Identifier: MIT
// eth_tx: puts an Ethernet II header in front of each IPv4 packet, pads the
// frame to ETH_ZLEN (60) bytes with zeros, and appends the IEEE 802.3 FCS
// when asked (CTRL_FCS_APPEND; otherwise the MAC adds it). Counts frames and
// frame bytes (without FCS).
//
// Free-running and cut-through: each call is one clock cycle, writes at most
// one beat and reads at most one (a packet's meta comes with its first beat).
// The CRC register recurs only through the full-beat matrix
// (crc32_matrix.hpp); a partial last beat is folded in on the way out.
//
// A whole frame (TXD_L4_ETH) gets no header, only the padding and FCS.
#ifndef SENDOFF_ETH_TX_HPP
#define SENDOFF_ETH_TX_HPP

#include <stdint.h>

#include "sendoff/crc32_matrix.hpp"
#include "sendoff/hls_beat.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

// One IPv4 packet on eth_tx's input. MAC addresses hold wire byte k in bits
// 8k+7:8k (the first byte on the wire is the low byte).
struct EthTxMeta {
  uint16_t ip_len;  // bytes of the IP packet on the stream (20..65535), or of the frame
  uint64_t dmac;    // next hop's MAC
  uint64_t smac;    // our MAC
  bool fcs;         // append the FCS
  bool l2;          // the stream carries the whole frame: no header
};

struct EthTxState {
  bool busy = false;  // a frame is in progress
  EthTxMeta m = {};
  unsigned j = 0;          // beat of the frame next
  unsigned in_left = 0;    // packet bytes not yet read from ip_in
  unsigned data_left = 0;  // packet bytes not yet sent
  uint32_t crc = CRC32_INIT;  // over the frame's full beats so far
  uint32_t crc_out = 0;       // over every frame byte seen, for an FCS that spills over
  ByteRealigner<DATA_WIDTH> win;
  uint64_t frames = 0;  // frames sent, since the state was made
  uint64_t bytes = 0;   // their bytes without FCS

  bool idle() const { return !busy; }
};

// Per packet: one meta, then beats_for(ip_len) beats of the packet on ip_in.
template <template <class> class S>
void eth_tx_step(EthTxState& s, S<EthTxMeta>& meta_in, S<axis_t>& ip_in, S<axis_t>& m_axis) {
  constexpr unsigned B = DATA_BYTES;
  if (!s.busy) {
    if (meta_in.empty()) return;
    s.m = meta_in.read();
    s.j = 0;
    s.in_left = s.m.ip_len;
    s.data_left = s.m.ip_len;
    s.crc = CRC32_INIT;
    s.win.clear();
    s.busy = true;
  }

  const EthTxMeta& m = s.m;
  const unsigned ip_len = m.ip_len;
  const unsigned hlen = m.l2 ? 0 : abi::ETH_HLEN;
  const unsigned frame_len = hlen + ip_len < abi::ETH_ZLEN ? abi::ETH_ZLEN : hlen + ip_len;
  const unsigned wire_len = frame_len + (m.fcs ? abi::ETH_FCS_LEN : 0);
  const unsigned n_beats = beats_for(wire_len);
  const unsigned j = s.j;
  const unsigned lo = j * B;  // frame offset of this beat
  const unsigned t = min_u(j == 0 ? B - hlen : B, s.data_left);
  const bool need_in = s.win.count() < t;
  if (m_axis.full() || (need_in && ip_in.empty())) return;

  if (need_in) s.win.push_next(ip_in.read().data, s.in_left);
  const data_t chunk = s.win.take(t);
  s.data_left -= t;
  data_t d = chunk;
  if (j == 0 && !m.l2) {
    constexpr unsigned HLEN = abi::ETH_HLEN;
    ap_uint<8 * HLEN> hdr = 0;
    hdr(47, 0) = m.dmac & 0xFFFFFFFFFFFFull;
    hdr(95, 48) = m.smac & 0xFFFFFFFFFFFFull;
    put_be16(hdr, 12, abi::ETH_P_IP);
    d = chunk << (8 * HLEN);
    d(8 * HLEN - 1, 0) = hdr;
  }

  // Bytes past the packet are the zero padding; the FCS covers them.
  const unsigned frame_bytes = frame_len > lo ? min_u(B, frame_len - lo) : 0;
  uint32_t crc = s.crc_out;
  if (frame_bytes == B) {
    crc = crc32_full_beat<DATA_WIDTH>(s.crc, d);
    s.crc = crc;
  } else if (frame_bytes > 0) {
    crc = crc32_part_beat<DATA_WIDTH>(s.crc, d, frame_bytes);
  }
  s.crc_out = crc;
  if (m.fcs) {
    const uint32_t fcs = ~crc;  // least significant byte first on the wire
    if (frame_len >= lo && frame_len < lo + B) {
      const data_t f = fcs;
      d |= f << (8 * (frame_len - lo));
    } else if (frame_len < lo && frame_len + abi::ETH_FCS_LEN > lo) {
      const data_t f = fcs >> (8 * (lo - frame_len));
      d |= f;
    }
  }

  m_axis.write(make_beat(d, wire_len - lo, j == n_beats - 1));
  if (j == n_beats - 1) {
    s.busy = false;
    s.frames += 1;
    s.bytes += frame_len;
  } else {
    s.j = j + 1;
  }
}

// The free-running kernel: state in statics, one call per clock. *frames and
// *bytes count since reset.
void eth_tx(hls::stream<EthTxMeta>& meta_in, hls::stream<axis_t>& ip_in,
            hls::stream<axis_t>& m_axis, ap_uint<64>* frames, ap_uint<64>* bytes);

}  // namespace sendoff

#endif  // SENDOFF_ETH_TX_HPP
