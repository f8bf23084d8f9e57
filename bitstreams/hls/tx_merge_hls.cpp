// SPDX-License-Identifier: MIT
// tx_merge_hls: hls/sendoff_tx's tx_merge as a free-running Vitis kernel. It takes
// sendoff_tx_hls's route records (one per descriptor, in ring order) and forwards that
// descriptor's segments from udp_tx_hls or tcp_tx_hls to ip_tx_hls, so frames leave in ring
// order. The segment streams are tx_merge's own.
#include "stream_links.hpp"

extern "C" void tx_merge_hls(
    hls::stream<ap_axiu<sendoff::ROUTE_BITS, 0, 0, 0>>& s_axis_route,
    hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& s_axis_udp_ip_meta,
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_udp_l4_seg,
    hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& s_axis_tcp_ip_meta,
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_tcp_l4_seg,
    hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& m_axis_ip_meta,
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_l4_seg) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=s_axis_route register_mode=both
#pragma HLS INTERFACE mode=axis port=s_axis_udp_ip_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=s_axis_udp_l4_seg register_mode=both
#pragma HLS INTERFACE mode=axis port=s_axis_tcp_ip_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=s_axis_tcp_l4_seg register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_ip_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_l4_seg register_mode=both
#pragma HLS DATAFLOW disable_start_propagation
  using namespace sendoff;
  static hls::stream<TxRoute> route("tx_merge_hls.route");
  static hls::stream<IpTxMeta> udp_ip_meta("tx_merge_hls.udp_ip_meta");
  static hls::stream<IpTxMeta> tcp_ip_meta("tx_merge_hls.tcp_ip_meta");
  static hls::stream<IpTxMeta> ip_meta("tx_merge_hls.ip_meta");
#pragma HLS STREAM variable=route depth=2
#pragma HLS STREAM variable=udp_ip_meta depth=2
#pragma HLS STREAM variable=tcp_ip_meta depth=2
#pragma HLS STREAM variable=ip_meta depth=2
  meta_from_axis(s_axis_route, route);
  meta_from_axis(s_axis_udp_ip_meta, udp_ip_meta);
  meta_from_axis(s_axis_tcp_ip_meta, tcp_ip_meta);
  tx_merge(route, udp_ip_meta, s_axis_udp_l4_seg, tcp_ip_meta, s_axis_tcp_l4_seg, ip_meta,
           m_axis_l4_seg);
  meta_to_axis(ip_meta, m_axis_ip_meta);
}
