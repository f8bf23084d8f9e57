// SPDX-License-Identifier: MIT
#include "sendoff_tx/sendoff_tx.hpp"

#include "eth_tx/eth_tx.hpp"
#include "ip_tx/ip_tx.hpp"
#include "sendoff_tx/tx_merge.hpp"
#include "tcp_tx/tcp_tx.hpp"
#include "udp_tx/udp_tx.hpp"

#ifndef __SYNTHESIS__
#include <cstdio>
#include <cstdlib>
#endif

namespace sendoff {
namespace {

// Cycles a run may take: every stage moves a beat a cycle once its input is
// there, so a run settles within its beats through the slowest stage plus
// the pipeline's latency. This bound (all beats of the largest run, four
// times over) is a safety net: a run that hits it is a kernel bug.
constexpr uint64_t MAX_RUN_CYCLES = 4ull * abi::RING_SIZE_MAX * 4 * UDP_BUF_BEATS;

}  // namespace

void sendoff_tx_model(ap_uint<512>* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
                      ap_uint<32> head, ap_uint<32>* tail, const ap_uint<32>* flow_table,
                      ap_uint<32> ctrl, ap_uint<64>* stat_frames, ap_uint<64>* stat_bytes,
                      ap_uint<32>* stat_drops, ap_uint<32>* stat_desc_errors,
                      hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx,
                      ap_uint<64> wb_base, ap_uint<32> wb_force, ap_uint<32>* stat_wb_writes,
                      ap_uint<32>* stat_wb_errors, ReadFaultRange fault, bool tso) {
  const ap_uint<32> first = *tail;
  hls::stream<TxRoute> route("route");
  hls::stream<UdpTxMeta> udp_meta("udp_meta");
  hls::stream<axis_t> udp_payload("udp_payload");
  hls::stream<TcpTxMeta> tcp_meta("tcp_meta");
  hls::stream<axis_t> tcp_payload("tcp_payload");
  hls::stream<IpTxMeta> udp_ip_meta("udp_ip_meta");
  hls::stream<axis_t> udp_l4("udp_l4");
  hls::stream<IpTxMeta> tcp_ip_meta("tcp_ip_meta");
  hls::stream<axis_t> tcp_l4("tcp_l4");
  hls::stream<IpTxMeta> ip_meta("ip_meta");
  hls::stream<axis_t> l4_seg("l4_seg");
  hls::stream<EthTxMeta> eth_meta("eth_meta");
  hls::stream<axis_t> ip_pkt("ip_pkt");
#pragma HLS STREAM variable=route depth=64
#pragma HLS STREAM variable=udp_meta depth=8
#pragma HLS STREAM variable=udp_payload depth=64
#pragma HLS STREAM variable=tcp_meta depth=8
#pragma HLS STREAM variable=tcp_payload depth=64
#pragma HLS STREAM variable=udp_ip_meta depth=8
#pragma HLS STREAM variable=udp_l4 depth=16
#pragma HLS STREAM variable=tcp_ip_meta depth=8
#pragma HLS STREAM variable=tcp_l4 depth=16
#pragma HLS STREAM variable=ip_meta depth=8
#pragma HLS STREAM variable=l4_seg depth=16
#pragma HLS STREAM variable=eth_meta depth=64
#pragma HLS STREAM variable=ip_pkt depth=16

  // The memory-facing kernel runs to completion (ap_ctrl_chain in hardware)...
  desc_fetch(mem, ring_base, ring_size, head, tail, flow_table, ctrl, tso, route, udp_meta,
             udp_payload, tcp_meta, tcp_payload, stat_drops, stat_desc_errors, fault);

  // ...and the free-running stream kernels get one call per clock cycle,
  // last stage first (a beat written in a cycle is read in the next), until
  // every stream is empty and every kernel idle. Their state lives for one
  // run here (the kernels' own statics would be shared by every device in
  // the process); a run ends idle, as the statics would be.
  UdpTxBuffers udp_buf;
  TcpTxBuffers tcp_buf;
  TcpTxSums tcp_sums;
  UdpTxState udp;
  TcpTxState tcp;
  TxMergeState merge;
  IpTxState ip;
  EthTxState eth;
  uint64_t cycles = 0;
run:
  for (; cycles < MAX_RUN_CYCLES; ++cycles) {
    if (route.empty() && udp_meta.empty() && udp_payload.empty() && tcp_meta.empty() &&
        tcp_payload.empty() && udp_ip_meta.empty() && udp_l4.empty() && tcp_ip_meta.empty() &&
        tcp_l4.empty() && ip_meta.empty() && l4_seg.empty() && eth_meta.empty() &&
        ip_pkt.empty() && udp.idle() && tcp.idle() && merge.idle() && ip.idle() && eth.idle())
      break;
    eth_tx_step<hls_fifo>(eth, eth_meta, ip_pkt, m_axis_tx);
    // Without TSO there is only udp_tx's output, and no route to merge by.
    if (tso) {
      ip_tx_step<hls_fifo>(ip, ip_meta, l4_seg, eth_meta, ip_pkt);
    } else {
      ip_tx_step<hls_fifo>(ip, udp_ip_meta, udp_l4, eth_meta, ip_pkt);
    }
    tx_merge_step<hls_fifo>(merge, route, udp_ip_meta, udp_l4, tcp_ip_meta, tcp_l4, ip_meta,
                            l4_seg);
    tcp_tx_step<hls_fifo>(tcp, tcp_buf, tcp_sums, tcp_meta, tcp_payload, tcp_ip_meta, tcp_l4);
    udp_tx_step<hls_fifo>(udp, udp_buf, udp_meta, udp_payload, udp_ip_meta, udp_l4);
  }
#ifndef __SYNTHESIS__
  if (cycles == MAX_RUN_CYCLES) {
    std::fprintf(stderr, "sendoff_tx_model: the stream kernels did not settle in %llu cycles\n",
                 static_cast<unsigned long long>(cycles));
    std::abort();
  }
#endif
  *stat_frames = eth.frames;
  *stat_bytes = eth.bytes;
  // Every frame of the run has left: the tail may now say so.
  *stat_wb_errors = 0;
  *stat_wb_writes = tail_writeback(mem, wb_base, ctrl, *tail, wb_force != 0 || *tail != first,
                                   stat_wb_errors, fault);
}

}  // namespace sendoff

extern "C" void sendoff_tx(ap_uint<512>* mem, ap_uint<64> ring_base,
                           ap_uint<32> ring_size, ap_uint<32> head, ap_uint<32>* tail,
                           const ap_uint<32> flow_table[sendoff::FLOW_TABLE_WORDS],
                           ap_uint<32> ctrl, ap_uint<64>* stat_frames, ap_uint<64>* stat_bytes,
                           ap_uint<32>* stat_drops, ap_uint<32>* stat_desc_errors,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx,
                           ap_uint<64> wb_base, ap_uint<32> wb_force) {
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
#pragma HLS INTERFACE mode=s_axilite port=wb_base bundle=control
#pragma HLS INTERFACE mode=s_axilite port=wb_force bundle=control
#pragma HLS INTERFACE mode=s_axilite port=return bundle=control

  // m_axi reports no BRESP to the kernel: write errors are the RTL's to count.
  ap_uint<32> wb_writes = 0, wb_errors = 0;
  sendoff::sendoff_tx_model(mem, ring_base, ring_size, head, tail, flow_table, ctrl, stat_frames,
                            stat_bytes, stat_drops, stat_desc_errors, m_axis_tx, wb_base,
                            wb_force, &wb_writes, &wb_errors, sendoff::ReadFaultRange{}, true);
}
