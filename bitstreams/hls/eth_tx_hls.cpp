// SPDX-License-Identifier: MIT
// eth_tx_hls: hls/eth_tx as a free-running Vitis kernel after its header
// channel (stream_links.hpp); its frames leave on m_axis_tx for the CMAC.
#include "stream_links.hpp"

namespace sendoff {
namespace {

// eth_tx with its frame and byte counters (ap_none outputs) left open: a
// free-running kernel has no register to show them, and sendoff_tx_hls's
// status word counts the frames each run hands on.
void eth_tx_uncounted(hls::stream<EthTxMeta>& meta_in, hls::stream<axis_t>& ip_in,
                      hls::stream<axis_t>& m_axis) {
#pragma HLS INLINE off
  ap_uint<64> frames, bytes;
  eth_tx(meta_in, ip_in, m_axis, &frames, &bytes);
}

}  // namespace
}  // namespace sendoff

extern "C" void eth_tx_hls(hls::stream<ap_axiu<sendoff::ETH_META_BITS, 0, 0, 0>>& s_axis_eth_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_ip_pkt,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE mode=axis port=s_axis_eth_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=s_axis_ip_pkt register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_tx register_mode=both
#pragma HLS DATAFLOW disable_start_propagation
  using namespace sendoff;
  static hls::stream<EthTxMeta> eth_meta("eth_tx_hls.eth_meta");
#pragma HLS STREAM variable=eth_meta depth=2
  meta_from_axis(s_axis_eth_meta, eth_meta);
  eth_tx_uncounted(eth_meta, s_axis_ip_pkt, m_axis_tx);
}
