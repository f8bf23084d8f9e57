// SPDX-License-Identifier: MIT
// rx_dma_hls: the receive path's memory-facing Vitis kernel (ap_ctrl_chain). A run takes the
// frames whose verdict (RxMeta, from rx_parse_hls) has arrived, at most `budget`, through
// hls/sendoff_rx's rx_dma unchanged, then rx_dma_idle (the completion line, RX_TAIL's
// write-back). The RX registers come as scalar arguments, as sendoff_tx_hls takes TX's.
//
// Why a state buffer: rx_dma keeps RX_TAIL, the counters and the half-written completion line
// between frames, and xrt::run cannot read outputs back; a run reads the state from
// state[0..1] and writes it back, so the host reads RX_TAIL and the counters there and
// resets the path by zeroing it.
//
// Why a run waits for the verdict first: rx_dma reads the beats before the meta, and a
// sequential run cannot convert the header channel while rx_dma runs; so the data stream's
// FIFO (the link config's depth) holds a whole frame. A full FIFO stalls rx_parse_hls, which
// the CMAC cannot see: the RTL flavour's whole-frame drop has no counterpart here.
#ifndef SENDOFF_BITSTREAMS_RX_DMA_HLS_HPP
#define SENDOFF_BITSTREAMS_RX_DMA_HLS_HPP

#include <stdint.h>

namespace sendoff {
namespace hls_kernel {

// state[0], bytes, little-endian; state[1] is the completion line rx_dma is filling.
constexpr unsigned RX_STATE_TAIL_OFF = 0;          // u32 RX_TAIL
constexpr unsigned RX_STATE_LINE_WRITTEN_OFF = 4;  // u32 completions already in memory
constexpr unsigned RX_STATE_FRAMES_OFF = 8;        // u64 STAT_RX_FRAMES
constexpr unsigned RX_STATE_BYTES_OFF = 16;        // u64 STAT_RX_BYTES
constexpr unsigned RX_STATE_DROP_FCS_OFF = 24;     // u32
constexpr unsigned RX_STATE_DROP_NOBUF_OFF = 28;   // u32
constexpr unsigned RX_STATE_DROP_LEN_OFF = 32;     // u32
constexpr unsigned RX_STATE_SEQ_OFF = 36;          // u32 the run's seq argument
constexpr unsigned RX_STATE_WORDS = 2;

}  // namespace hls_kernel
}  // namespace sendoff

#ifndef SENDOFF_HLS_KERNEL_ABI_ONLY
#include "stream_links.hpp"

extern "C" void rx_dma_hls(ap_uint<512>* mem, ap_uint<512>* state, ap_uint<64> buf_base,
                           ap_uint<64> cpl_base, ap_uint<64> wb_base, ap_uint<32> ring_size,
                           ap_uint<32> buf_size, ap_uint<32> head, ap_uint<32> ctrl,
                           ap_uint<32> budget, ap_uint<32> seq,
                           hls::stream<ap_axiu<sendoff::RX_META_BITS, 0, 0, 0>>& s_axis_rx_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_rx_data);
#endif

#endif  // SENDOFF_BITSTREAMS_RX_DMA_HLS_HPP
