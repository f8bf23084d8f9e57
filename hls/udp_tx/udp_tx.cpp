// SPDX-License-Identifier: MIT
#include "udp_tx/udp_tx.hpp"

#include "sendoff/inet_csum.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

void udp_tx(hls::stream<UdpTxMeta>& meta_in, hls::stream<axis_t>& payload_in,
            hls::stream<IpTxMeta>& meta_out, hls::stream<axis_t>& l4_out) {
  constexpr unsigned B = DATA_BYTES;
  data_t buf[UDP_BUF_BEATS];
#pragma HLS BIND_STORAGE variable=buf type=ram_2p impl=uram

datagrams:
  for (;;) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=64
    const UdpTxMeta m = meta_in.read();
    IpTxMeta ip = m.ip;
    if (m.end) {
      ip.end = true;
      meta_out.write(ip);
      break;
    }
    const unsigned in_beats = beats_for(m.len);

    if (m.raw) {
      ip.l4_len = m.len;
      meta_out.write(ip);
    raw_beats:
      for (unsigned j = 0; j < in_beats; ++j) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=0 max=1024
        l4_out.write(payload_in.read());
      }
      continue;
    }

    const uint32_t l4_len = m.len + UDP_HLEN;
    const unsigned out_beats = beats_for(l4_len);
    ip.l4_len = l4_len;
    ip.protocol = abi::IPPROTO_UDP_NUM;

    // Pseudo-header and the header's words (checksum field 0); the payload
    // words follow beat by beat.
    uint32_t sum = csum_pseudo_ipv4(ip.saddr, ip.daddr, abi::IPPROTO_UDP_NUM, l4_len);
    sum = csum_add(sum, m.sport);
    sum = csum_add(sum, m.dport);
    sum = csum_add(sum, l4_len);

    // Store the segment as it will leave: payload moved up by the 8 header
    // bytes, the previous beat's top 8 bytes carried into the next beat.
    data_t prev = 0;
  fill:
    for (unsigned j = 0; j < out_beats; ++j) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=1024
      data_t in = 0;
      if (j < in_beats) in = payload_in.read().data;
      const data_t seg = (in << (8 * UDP_HLEN)) | (prev >> (8 * (B - UDP_HLEN)));
      prev = in;
      sum = csum_add(sum, csum_beat<DATA_WIDTH>(seg));
      buf[j] = seg;
    }

    uint16_t csum = csum_finish(sum);
    if (csum == 0) csum = 0xFFFF;  // RFC 768: 0 means "no checksum"
    ap_uint<8 * UDP_HLEN> hdr = 0;
    put_be16(hdr, 0, m.sport);
    put_be16(hdr, 2, m.dport);
    put_be16(hdr, 4, static_cast<uint16_t>(l4_len));
    put_be16(hdr, 6, csum);

    meta_out.write(ip);
  drain:
    for (unsigned j = 0; j < out_beats; ++j) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=1024
      data_t d = buf[j];
      if (j == 0) d(8 * UDP_HLEN - 1, 0) = hdr;
      axis_t out;
      out.data = d;
      out.keep = low_bits<DATA_BYTES>(l4_len - j * B);
      out.strb = out.keep;
      out.last = j == out_beats - 1;
      l4_out.write(out);
    }
  }
}

}  // namespace sendoff
