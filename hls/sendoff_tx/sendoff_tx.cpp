// SPDX-License-Identifier: MIT
#include "sendoff_tx/sendoff_tx.hpp"

#include "eth_tx/eth_tx.hpp"
#include "ip_tx/ip_tx.hpp"
#include "udp_tx/udp_tx.hpp"

namespace sendoff {

void sendoff_tx_model(const ap_uint<512>* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
                      ap_uint<32> head, ap_uint<32>* tail, const ap_uint<32>* flow_table,
                      ap_uint<32> ctrl, ap_uint<64>* stat_frames, ap_uint<64>* stat_bytes,
                      ap_uint<32>* stat_drops, ap_uint<32>* stat_desc_errors,
                      hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx,
                      ReadFaultRange fault) {
#pragma HLS DATAFLOW

  hls::stream<UdpTxMeta> udp_meta("udp_meta");
  hls::stream<axis_t> payload("payload");
  hls::stream<IpTxMeta> ip_meta("ip_meta");
  hls::stream<axis_t> l4_seg("l4_seg");
  hls::stream<EthTxMeta> eth_meta("eth_meta");
  hls::stream<axis_t> ip_pkt("ip_pkt");
#pragma HLS STREAM variable=udp_meta depth=8
#pragma HLS STREAM variable=payload depth=64
#pragma HLS STREAM variable=ip_meta depth=8
#pragma HLS STREAM variable=l4_seg depth=16
#pragma HLS STREAM variable=eth_meta depth=64
#pragma HLS STREAM variable=ip_pkt depth=16

  desc_fetch(mem, ring_base, ring_size, head, tail, flow_table, ctrl, udp_meta, payload,
             stat_drops, stat_desc_errors, fault);
  udp_tx(udp_meta, payload, ip_meta, l4_seg);
  ip_tx(ip_meta, l4_seg, eth_meta, ip_pkt);
  eth_tx(eth_meta, ip_pkt, m_axis_tx, stat_frames, stat_bytes);
}

}  // namespace sendoff

extern "C" void sendoff_tx(const ap_uint<512>* mem, ap_uint<64> ring_base,
                           ap_uint<32> ring_size, ap_uint<32> head, ap_uint<32>* tail,
                           const ap_uint<32> flow_table[sendoff::FLOW_TABLE_WORDS],
                           ap_uint<32> ctrl, ap_uint<64>* stat_frames, ap_uint<64>* stat_bytes,
                           ap_uint<32>* stat_drops, ap_uint<32>* stat_desc_errors,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx) {
#pragma HLS INTERFACE mode=m_axi port=mem offset=slave bundle=gmem depth=1048576 max_read_burst_length=64
#pragma HLS INTERFACE mode=s_axilite port=mem bundle=control
#pragma HLS INTERFACE mode=s_axilite port=ring_base bundle=control
#pragma HLS INTERFACE mode=s_axilite port=ring_size bundle=control
#pragma HLS INTERFACE mode=s_axilite port=head bundle=control
#pragma HLS INTERFACE mode=s_axilite port=tail bundle=control
#pragma HLS INTERFACE mode=bram port=flow_table storage_type=ram_1p
#pragma HLS INTERFACE mode=s_axilite port=ctrl bundle=control
#pragma HLS INTERFACE mode=s_axilite port=stat_frames bundle=control
#pragma HLS INTERFACE mode=s_axilite port=stat_bytes bundle=control
#pragma HLS INTERFACE mode=s_axilite port=stat_drops bundle=control
#pragma HLS INTERFACE mode=s_axilite port=stat_desc_errors bundle=control
#pragma HLS INTERFACE mode=axis port=m_axis_tx register_mode=both
#pragma HLS INTERFACE mode=s_axilite port=return bundle=control

  sendoff::sendoff_tx_model(mem, ring_base, ring_size, head, tail, flow_table, ctrl, stat_frames,
                            stat_bytes, stat_drops, stat_desc_errors, m_axis_tx,
                            sendoff::ReadFaultRange{});
}
