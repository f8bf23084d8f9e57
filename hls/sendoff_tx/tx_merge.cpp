// SPDX-License-Identifier: MIT
#include "sendoff_tx/tx_merge.hpp"

namespace sendoff {

void tx_merge(hls::stream<TxRoute>& route_in, hls::stream<IpTxMeta>& udp_meta,
              hls::stream<axis_t>& udp_l4, hls::stream<IpTxMeta>& tcp_meta,
              hls::stream<axis_t>& tcp_l4, hls::stream<IpTxMeta>& meta_out,
              hls::stream<axis_t>& l4_out) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=udp_l4
#pragma HLS INTERFACE mode=axis port=tcp_l4
#pragma HLS INTERFACE mode=axis port=l4_out
#pragma HLS PIPELINE II=1 style=flp
  static TxMergeState s;
  tx_merge_step<hls_fifo>(s, route_in, udp_meta, udp_l4, tcp_meta, tcp_l4, meta_out, l4_out);
}

}  // namespace sendoff
