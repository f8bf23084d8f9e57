// SPDX-License-Identifier: MIT
#include "eth_tx/eth_tx.hpp"

#include "sendoff/nic_abi.hpp"

namespace sendoff {

void eth_tx(hls::stream<EthTxMeta>& meta_in, hls::stream<axis_t>& ip_in,
            hls::stream<axis_t>& m_axis, ap_uint<64>* frames, ap_uint<64>* bytes) {
  constexpr unsigned B = DATA_BYTES;
  constexpr unsigned HLEN = abi::ETH_HLEN;
  uint64_t n_frames = 0, n_bytes = 0;

packets:
  for (;;) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=64
    const EthTxMeta m = meta_in.read();
    if (m.end) break;

    const unsigned ip_len = m.ip_len;
    const unsigned frame_len = HLEN + ip_len < abi::ETH_ZLEN ? abi::ETH_ZLEN : HLEN + ip_len;
    const unsigned wire_len = frame_len + (m.fcs ? abi::ETH_FCS_LEN : 0);
    const unsigned n_beats = beats_for(wire_len);

    ap_uint<8 * HLEN> hdr = 0;
    hdr(47, 0) = m.dmac & 0xFFFFFFFFFFFFull;
    hdr(95, 48) = m.smac & 0xFFFFFFFFFFFFull;
    put_be16(hdr, 12, abi::ETH_P_IP);

    ByteRealigner<DATA_WIDTH> win;
    unsigned in_left = ip_len;   // packet bytes not yet read from ip_in
    unsigned data_left = ip_len;  // packet bytes not yet emitted
    uint32_t crc = CRC32_INIT;

  beats:
    for (unsigned j = 0; j < n_beats; ++j) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=142
      const unsigned lo = j * B;  // frame offset of this beat
      const unsigned t = min_u(j == 0 ? B - HLEN : B, data_left);
      if (win.count() < t) {
        const axis_t in = ip_in.read();
        const unsigned k = min_u(B, in_left);
        win.push(in.data, k);
        in_left -= k;
      }
      const data_t chunk = win.take(t);
      data_left -= t;
      data_t d = 0;
      if (j == 0) {
        d = chunk << (8 * HLEN);
        d(8 * HLEN - 1, 0) = hdr;
      } else {
        d = chunk;
      }

      // Bytes past the packet are the zero padding; the FCS covers them.
      const unsigned frame_bytes = frame_len > lo ? min_u(B, frame_len - lo) : 0;
      crc = crc32_beat<DATA_WIDTH>(crc, d, frame_bytes);
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

      axis_t out;
      out.data = d;
      out.keep = low_bits<DATA_BYTES>(wire_len - lo);
      out.strb = out.keep;
      out.last = j == n_beats - 1;
      m_axis.write(out);
    }
    n_frames += 1;
    n_bytes += frame_len;
  }
  *frames = n_frames;
  *bytes = n_bytes;
}

}  // namespace sendoff
