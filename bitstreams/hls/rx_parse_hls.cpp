// SPDX-License-Identifier: MIT
// rx_parse_hls: hls/sendoff_rx's rx_parse as a free-running Vitis kernel between the CMAC
// (cmac_0.M_AXIS) and rx_dma_hls: the frame's beats go on unchanged, its verdict (RxMeta)
// leaves on a header channel with the last beat (stream_links.hpp).
#include "stream_links.hpp"

extern "C" void rx_parse_hls(hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_rx,
                             hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_rx_data,
                             hls::stream<ap_axiu<sendoff::RX_META_BITS, 0, 0, 0>>& m_axis_rx_meta) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=s_axis_rx register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_rx_data register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_rx_meta register_mode=both
#pragma HLS DATAFLOW disable_start_propagation
  using namespace sendoff;
  static hls::stream<RxMeta> rx_meta("rx_parse_hls.rx_meta");
#pragma HLS STREAM variable=rx_meta depth=2
  rx_parse(s_axis_rx, m_axis_rx_data, rx_meta);
  meta_to_axis(rx_meta, m_axis_rx_meta);
}
