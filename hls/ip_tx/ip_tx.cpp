// SPDX-License-Identifier: MIT
#include "ip_tx/ip_tx.hpp"

#include "sendoff/inet_csum.hpp"

namespace sendoff {

void ip_tx(hls::stream<IpTxMeta>& meta_in, hls::stream<axis_t>& l4_in,
           hls::stream<EthTxMeta>& meta_out, hls::stream<axis_t>& ip_out) {
  constexpr unsigned B = DATA_BYTES;

segments:
  for (;;) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=64
    const IpTxMeta m = meta_in.read();
    if (m.end) {
      EthTxMeta e = m.eth;
      e.end = true;
      meta_out.write(e);
      break;
    }

    const uint32_t l4_len = m.l4_len;
    const bool fragment = IPV4_HLEN + l4_len > m.mtu;
    // Transport bytes per fragment: a multiple of 8 so offsets are exact.
    const uint32_t frag_max = fragment ? ((m.mtu - IPV4_HLEN) & ~7u) : l4_len;

    ByteRealigner<DATA_WIDTH> win;
    uint32_t in_left = l4_len;  // segment bytes not yet read from l4_in
    uint32_t offset = 0;        // segment bytes already sent

  fragments:
    do {
#pragma HLS LOOP_TRIPCOUNT min=1 max=45
      const uint32_t data_len = l4_len - offset < frag_max ? l4_len - offset : frag_max;
      const bool more = offset + data_len < l4_len;
      const uint16_t ip_len = static_cast<uint16_t>(IPV4_HLEN + data_len);
      const uint16_t frag = static_cast<uint16_t>((m.df && !fragment ? IPV4_F_DF : 0) |
                                                  (more ? IPV4_F_MF : 0) | (offset >> 3));

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

      EthTxMeta e = m.eth;
      e.end = false;
      e.ip_len = ip_len;
      meta_out.write(e);

      const unsigned n_beats = beats_for(ip_len);
      unsigned data_left = data_len;
    beats:
      for (unsigned j = 0; j < n_beats; ++j) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=142
        const unsigned t = min_u(j == 0 ? B - IPV4_HLEN : B, data_left);
        if (win.count() < t) {
          const axis_t in = l4_in.read();
          const unsigned k = min_u(B, in_left);
          win.push(in.data, k);
          in_left -= k;
        }
        const data_t chunk = win.take(t);
        data_left -= t;
        data_t d = 0;
        if (j == 0) {
          d = chunk << (8 * IPV4_HLEN);
          d(8 * IPV4_HLEN - 1, 0) = hdr;
        } else {
          d = chunk;
        }
        axis_t out;
        out.data = d;
        out.keep = low_bits<DATA_BYTES>(ip_len - j * B);
        out.strb = out.keep;
        out.last = j == n_beats - 1;
        ip_out.write(out);
      }
      offset += data_len;
    } while (offset < l4_len);
  }
}

}  // namespace sendoff
