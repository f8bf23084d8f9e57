// SPDX-License-Identifier: MIT
#include "udp_tx/udp_tx.hpp"

namespace sendoff {

void udp_tx(hls::stream<UdpTxMeta>& meta_in, hls::stream<axis_t>& payload_in,
            hls::stream<IpTxMeta>& meta_out, hls::stream<axis_t>& l4_out) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=payload_in
#pragma HLS INTERFACE mode=axis port=l4_out
#pragma HLS PIPELINE II=1 style=flp
  static UdpTxState s;
  static UdpTxBuffers buf;
#pragma HLS BIND_STORAGE variable=buf type=ram_2p impl=uram
  // Fill writes one buffer while drain reads the other: never the same entry.
#pragma HLS DEPENDENCE variable=buf type=inter false
#pragma HLS DEPENDENCE variable=buf type=intra false
  udp_tx_step<hls_fifo>(s, buf, meta_in, payload_in, meta_out, l4_out);
}

}  // namespace sendoff
