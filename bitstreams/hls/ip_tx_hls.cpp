// SPDX-License-Identifier: MIT
// ip_tx_hls: hls/ip_tx as a free-running Vitis kernel between its header
// channels (stream_links.hpp). The packet streams are ip_tx's own.
#include "stream_links.hpp"

extern "C" void ip_tx_hls(hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& s_axis_ip_meta,
                          hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_l4_seg,
                          hls::stream<ap_axiu<sendoff::ETH_META_BITS, 0, 0, 0>>& m_axis_eth_meta,
                          hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_ip_pkt) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=s_axis_ip_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=s_axis_l4_seg register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_eth_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_ip_pkt register_mode=both
#pragma HLS DATAFLOW disable_start_propagation
  using namespace sendoff;
  static hls::stream<IpTxMeta> ip_meta("ip_tx_hls.ip_meta");
  static hls::stream<EthTxMeta> eth_meta("ip_tx_hls.eth_meta");
#pragma HLS STREAM variable=ip_meta depth=2
#pragma HLS STREAM variable=eth_meta depth=2
  meta_from_axis(s_axis_ip_meta, ip_meta);
  ip_tx(ip_meta, s_axis_l4_seg, eth_meta, m_axis_ip_pkt);
  meta_to_axis(eth_meta, m_axis_eth_meta);
}
