// SPDX-License-Identifier: MIT
// tcp_tx_hls: hls/tcp_tx (TSO) as a free-running Vitis kernel between its header
// channels (stream_links.hpp). The payload streams are tcp_tx's own; its segments go to
// tx_merge_hls.
#include "stream_links.hpp"

extern "C" void tcp_tx_hls(hls::stream<ap_axiu<sendoff::TCP_META_BITS, 0, 0, 0>>& s_axis_tcp_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_payload,
                           hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& m_axis_ip_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_l4_seg) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=s_axis_tcp_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=s_axis_payload register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_ip_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_l4_seg register_mode=both
#pragma HLS DATAFLOW disable_start_propagation
  using namespace sendoff;
  static hls::stream<TcpTxMeta> tcp_meta("tcp_tx_hls.tcp_meta");
  static hls::stream<IpTxMeta> ip_meta("tcp_tx_hls.ip_meta");
#pragma HLS STREAM variable=tcp_meta depth=2
#pragma HLS STREAM variable=ip_meta depth=2
  meta_from_axis(s_axis_tcp_meta, tcp_meta);
  tcp_tx(tcp_meta, s_axis_payload, ip_meta, m_axis_l4_seg);
  meta_to_axis(ip_meta, m_axis_ip_meta);
}
