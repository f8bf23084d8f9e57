// SPDX-License-Identifier: MIT
// sendoff_tx_hls: the memory-facing Vitis kernel of the HLS flavour's
// transmit side (stream_links.hpp): it runs hls/'s desc_fetch, with TSO, over
// the descriptors tail..head-1 and hands each accepted one on as a route
// record to tx_merge_hls (m_axis_route) and, to udp_tx_hls, a header record
// (m_axis_udp_meta) and its payload beats (m_axis_payload), or, a TCP
// descriptor (two ring slots), to tcp_tx_hls (m_axis_tcp_meta,
// m_axis_tcp_payload).
//
// Why a wrapper: desc_fetch reads the flow table from a bram, which the
// Vitis kernel flow does not offer at a kernel boundary (m_axi, s_axilite
// and axis only), and returns the new tail and its counts as outputs, which
// xrt::run cannot read back. The wrapper reads the flow table from a buffer
// (FLOW_TABLE_SIZE entries of one 512-bit word each) and writes the run's
// results to a one-word status buffer that the host syncs back. The frame
// and byte counts are those of the frames the run hands on: the stream
// kernels drop nothing, so they are what eth_tx_hls sends.
//
// The host (host/xrt, HLS flavour) keeps the register map of nic_abi.hpp in
// software, as the csim back end does, and starts one run per doorbell. A run
// (ap_ctrl_chain) completes once it has handed its last beat on; the stream
// kernels may still be sending its last frames then. With wb_base set (and
// CTRL_ENABLE in ctrl) a run ends by writing its tail to the write-back block
// through mem (desc_fetch.cpp's tail_writeback): once per run whose tail
// moved, or with wb_force. The tail it writes is the one the status word
// reports, whose frames were handed on to udp_tx_hls and tcp_tx_hls.
#ifndef SENDOFF_BITSTREAMS_SENDOFF_TX_HLS_HPP
#define SENDOFF_BITSTREAMS_SENDOFF_TX_HLS_HPP

#include <stdint.h>

#include "sendoff/nic_abi.hpp"

namespace sendoff {
namespace hls_kernel {

// The status word (bytes, little-endian) a run writes to status[0].
constexpr unsigned STATUS_TAIL_OFF = 0;         // u32 ring index after the last descriptor read
constexpr unsigned STATUS_FRAMES_OFF = 8;       // u64 frames this run sent
constexpr unsigned STATUS_BYTES_OFF = 16;       // u64 frame bytes this run sent
constexpr unsigned STATUS_DROPS_OFF = 24;       // u32
constexpr unsigned STATUS_DESC_ERRORS_OFF = 28; // u32
constexpr unsigned STATUS_SEQ_OFF = 32;         // u32 the run's seq argument, echoed last
constexpr unsigned STATUS_CAPS_OFF = 36;        // u32 nic_abi.hpp's CAPS_* bits this kernel has
constexpr unsigned STATUS_BYTES = 64;
// What this build reports: TCP descriptors are segmented (tcp_tx_hls), payloads at any byte
// address (desc_fetch realigns them, ABI 3.1). CAPS_RX stays clear: no host back end drives
// rx_dma_hls yet. A bitstream from before TSO wrote 0 here, one from before 3.1 CAPS_TSO.
constexpr uint32_t STATUS_CAPS = abi::CAPS_TSO | abi::CAPS_TX_UNALIGNED;

// One flow-table entry per 512-bit word of the flows buffer.
constexpr unsigned FLOW_ENTRY_BYTES = 64;
static_assert(abi::FLOW_BYTES == FLOW_ENTRY_BYTES, "a flow entry is one 512-bit word");

// Kernel argument indices, in the order of the function's parameters.
enum Arg : int {
  ARG_MEM = 0,
  ARG_FLOWS,
  ARG_STATUS,
  ARG_RING_BASE,
  ARG_RING_SIZE,
  ARG_HEAD,
  ARG_TAIL,
  ARG_CTRL,
  ARG_SEQ,
  ARG_WB_BASE,   // the tail write-back block (0: none), nic_abi.hpp
  ARG_WB_FORCE,  // non-zero: write the tail back even if it did not move (enable edge)
  ARG_M_AXIS_UDP_META,
  ARG_M_AXIS_PAYLOAD,
  ARG_M_AXIS_ROUTE,
  ARG_M_AXIS_TCP_META,
  ARG_M_AXIS_TCP_PAYLOAD,
};

}  // namespace hls_kernel
}  // namespace sendoff

#ifndef SENDOFF_HLS_KERNEL_ABI_ONLY
#include "sendoff_tx/sendoff_tx.hpp"
#include "stream_links.hpp"

extern "C" void sendoff_tx_hls(ap_uint<512>* mem, const ap_uint<512>* flows,
                               ap_uint<512>* status, ap_uint<64> ring_base,
                               ap_uint<32> ring_size, ap_uint<32> head, ap_uint<32> tail,
                               ap_uint<32> ctrl, ap_uint<32> seq, ap_uint<64> wb_base,
                               ap_uint<32> wb_force,
                               hls::stream<ap_axiu<sendoff::UDP_META_BITS, 0, 0, 0>>&
                                   m_axis_udp_meta,
                               hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_payload,
                               hls::stream<ap_axiu<sendoff::ROUTE_BITS, 0, 0, 0>>& m_axis_route,
                               hls::stream<ap_axiu<sendoff::TCP_META_BITS, 0, 0, 0>>&
                                   m_axis_tcp_meta,
                               hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>&
                                   m_axis_tcp_payload);
#endif

#endif  // SENDOFF_BITSTREAMS_SENDOFF_TX_HLS_HPP
