// SPDX-License-Identifier: MIT
#include "eth_tx/eth_tx.hpp"

namespace sendoff {

void eth_tx(hls::stream<EthTxMeta>& meta_in, hls::stream<axis_t>& ip_in,
            hls::stream<axis_t>& m_axis, ap_uint<64>* frames, ap_uint<64>* bytes) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=ip_in
#pragma HLS INTERFACE mode=axis port=m_axis
#pragma HLS INTERFACE mode=ap_none port=frames
#pragma HLS INTERFACE mode=ap_none port=bytes
#pragma HLS PIPELINE II=1 style=flp
  static EthTxState s;
  eth_tx_step<hls_fifo>(s, meta_in, ip_in, m_axis);
  *frames = s.frames;
  *bytes = s.bytes;
}

}  // namespace sendoff
