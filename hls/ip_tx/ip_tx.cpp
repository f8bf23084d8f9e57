// SPDX-License-Identifier: MIT
#include "ip_tx/ip_tx.hpp"

namespace sendoff {

void ip_tx(hls::stream<IpTxMeta>& meta_in, hls::stream<axis_t>& l4_in,
           hls::stream<EthTxMeta>& meta_out, hls::stream<axis_t>& ip_out) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=l4_in
#pragma HLS INTERFACE mode=axis port=ip_out
#pragma HLS PIPELINE II=1 style=flp
  static IpTxState s;
  ip_tx_step<hls_fifo>(s, meta_in, l4_in, meta_out, ip_out);
}

}  // namespace sendoff
