// SPDX-License-Identifier: MIT
#include "tcp_tx/tcp_tx.hpp"

namespace sendoff {

void tcp_tx(hls::stream<TcpTxMeta>& meta_in, hls::stream<axis_t>& payload_in,
            hls::stream<IpTxMeta>& meta_out, hls::stream<axis_t>& l4_out) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=payload_in
#pragma HLS INTERFACE mode=axis port=l4_out
#pragma HLS PIPELINE II=1 style=flp
  static TcpTxState s;
  static TcpTxBuffers buf;
  static TcpTxSums sums;
#pragma HLS BIND_STORAGE variable=buf type=ram_2p impl=uram
  // The drain's two-beat window reads two entries a cycle.
#pragma HLS ARRAY_PARTITION variable=buf type=cyclic factor=2 dim=2
#pragma HLS BIND_STORAGE variable=sums type=ram_2p impl=bram
  // Fill writes one buffer while drain reads the other: never the same entry.
#pragma HLS DEPENDENCE variable=buf type=inter false
#pragma HLS DEPENDENCE variable=buf type=intra false
#pragma HLS DEPENDENCE variable=sums type=inter false
#pragma HLS DEPENDENCE variable=sums type=intra false
  tcp_tx_step<hls_fifo>(s, buf, sums, meta_in, payload_in, meta_out, l4_out);
}

}  // namespace sendoff
