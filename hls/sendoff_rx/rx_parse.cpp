// SPDX-License-Identifier: MIT
#include "sendoff_rx/sendoff_rx.hpp"

namespace sendoff {

void rx_parse(hls::stream<axis_t>& mac_in, hls::stream<axis_t>& data_out,
              hls::stream<RxMeta>& meta_out) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=mac_in
#pragma HLS INTERFACE mode=axis port=data_out
#pragma HLS PIPELINE II=1 style=flp
  static RxParseState s;
  rx_parse_step<hls_fifo>(s, mac_in, data_out, meta_out);
}

}  // namespace sendoff
