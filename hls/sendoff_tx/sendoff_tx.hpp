// SPDX-License-Identifier: MIT
// sendoff_tx: the NIC's TX pipeline, the HLS top. It consumes the TX
// descriptors tail..head-1 of the ring in device memory and sends each as
// Ethernet frames on m_axis_tx:
//
//   desc_fetch -+-> udp_tx -+-> tx_merge -> ip_tx -> eth_tx -> m_axis_tx
//   (ring,      +-> tcp_tx -+   (ring order)
//    flow table, payload)
//
// desc_fetch validates each descriptor against nic_abi.hpp and its flow:
//  1. the descriptor alone: unknown flag bits, L4 kind TCP without TSO,
//     reserved field non-zero, UDP len > 65507, RAW len > 65515, TCP
//     len > 65535, ETH len outside ETH_HLEN..ETH_FRAME_MAX, payload outside
//     device memory (any byte address is taken: CAPS_TX_UNALIGNED); for TCP also
//     mss outside TSO_MSS_MIN..MAX_MTU, opt_len not a multiple of 4 or above
//     TXD_TCP_OPT_MAX -> desc_errors++;
//  2. the flow: index >= FLOW_TABLE_SIZE, FLOW_F_VALID clear, or MTU outside
//     MIN_MTU..MAX_MTU -> drops++;
//  3. DF set (or TCP) but the packet (a TCP descriptor's first segment)
//     exceeds the flow's MTU -> desc_errors++.
// and, in the C model only, against a poisoned read range (read_fault.hpp):
// a ring entry that overlaps it (checked first; a TCP descriptor whose
// second slot does is an error of both slots) or, for a descriptor that
// passed 1-3, a payload that overlaps it -> desc_errors++.
// Such a descriptor sends nothing. An ETH descriptor (a whole frame) skips 2
// and 3: it has no flow, and udp_tx and ip_tx pass it on without headers.
// A TCP descriptor (with TSO) is two slots; with only its first posted the
// run stops in front of it.
//
// `tso` says whether this NIC segments TCP (CAPS_TSO): the HLS kernel does;
// a model run without it stands for a NIC that does not (the RTL until its
// tcp_tx is wired), where an L4 TCP descriptor is a one-slot error.
//
// Each run returns its own counts; the register block accumulates them.
//
// Tail write-back (nic_abi.hpp): after a run whose tail moved (or, with
// wb_force, the enable edge's write) the new tail goes to WB_BASE + WB_TAIL_OFF
// through the memory port, once per run: a run hands all its frames on before
// it writes, so the written tail covers only frames already sent, and one
// write per run is the coalescing (at most one write in flight). Nothing is
// written unless CTRL_ENABLE is set and WB_BASE is valid (wb_base_valid).
// Only the 4 tail bytes change; in Vitis the part-select is a read-modify-
// write of the 64-byte word (the block is one word and the NIC its only
// writer). In the C model a write that overlaps the poisoned range changes
// nothing and counts as an error, as SLVERR does in the RTL.
#ifndef SENDOFF_SENDOFF_TX_HPP
#define SENDOFF_SENDOFF_TX_HPP

#include <stdint.h>

#include "sendoff/hls_beat.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/read_fault.hpp"
#include "sendoff_tx/tx_merge.hpp"
#include "tcp_tx/tcp_tx.hpp"
#include "udp_tx/udp_tx.hpp"

#ifndef SENDOFF_DEV_MEM_BYTES
#define SENDOFF_DEV_MEM_BYTES (64ull << 20)
#endif

namespace sendoff {

// Device memory the m_axi port reaches, from byte address 0. Descriptors and
// rings that point outside are rejected rather than read.
constexpr uint64_t DEV_MEM_BYTES = SENDOFF_DEV_MEM_BYTES;
constexpr uint64_t DEV_MEM_WORDS = DEV_MEM_BYTES / MEM_WORD_BYTES;
static_assert(DEV_MEM_BYTES % MEM_WORD_BYTES == 0, "device memory is whole words");

constexpr unsigned FLOW_TABLE_WORDS = abi::FLOW_TABLE_SIZE * abi::FLOW_WORDS;

static_assert(abi::WB_BYTES == MEM_WORD_BYTES, "the write-back block is one memory word");

// A write-back address the NIC writes to: non-zero, WB_BYTES aligned, the block inside
// device memory.
inline bool wb_base_valid(uint64_t wb_base) {
  return wb_base != 0 && wb_base % abi::WB_BYTES == 0 && wb_base <= DEV_MEM_BYTES - abi::WB_BYTES;
}

// Reads descriptors tail..head-1 (nothing unless ctrl has CTRL_ENABLE and the
// ring is usable: size a power of two <= RING_SIZE_MAX, base 32-byte aligned,
// ring inside device memory), and for each accepted one writes its route,
// then a UdpTxMeta or TcpTxMeta and the payload beats to that stage's
// streams; *tail becomes the index after the last slot read. Descriptors
// whose reads touch `fault` are rejected as descriptor errors (empty in
// hardware: RRESP tells there).
void desc_fetch(const mem_word_t* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
                ap_uint<32> head, ap_uint<32>* tail, const ap_uint<32>* flow_table,
                ap_uint<32> ctrl, bool tso, hls::stream<TxRoute>& route_out,
                hls::stream<UdpTxMeta>& udp_meta_out, hls::stream<axis_t>& udp_payload_out,
                hls::stream<TcpTxMeta>& tcp_meta_out, hls::stream<axis_t>& tcp_payload_out,
                ap_uint<32>* drops, ap_uint<32>* desc_errors, ReadFaultRange fault);

// Writes `tail` to the write-back block when `write`, ctrl has CTRL_ENABLE and wb_base is
// valid. Returns 1 when it wrote; a write into `fault` writes nothing and adds 1 to
// *wb_errors instead.
ap_uint<32> tail_writeback(ap_uint<512>* mem, ap_uint<64> wb_base, ap_uint<32> ctrl,
                           ap_uint<32> tail, bool write, ap_uint<32>* wb_errors,
                           ReadFaultRange fault);

// The C model of the whole pipeline: sendoff_tx's arguments, and the
// device-memory range whose reads and writes fail (the extern "C" top passes
// none) and whether TCP descriptors are segmented (the top: yes).
// *stat_wb_writes: 1 when the run wrote the tail back.
void sendoff_tx_model(ap_uint<512>* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
                      ap_uint<32> head, ap_uint<32>* tail, const ap_uint<32>* flow_table,
                      ap_uint<32> ctrl, ap_uint<64>* stat_frames, ap_uint<64>* stat_bytes,
                      ap_uint<32>* stat_drops, ap_uint<32>* stat_desc_errors,
                      hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx,
                      ap_uint<64> wb_base, ap_uint<32> wb_force, ap_uint<32>* stat_wb_writes,
                      ap_uint<32>* stat_wb_errors, ReadFaultRange fault, bool tso);

}  // namespace sendoff

// wb_force (non-zero): write the tail back even if it did not move (CTRL_ENABLE's 0 -> 1
// edge, which the register block sees).
extern "C" void sendoff_tx(ap_uint<512>* mem, ap_uint<64> ring_base,
                           ap_uint<32> ring_size, ap_uint<32> head, ap_uint<32>* tail,
                           const ap_uint<32> flow_table[sendoff::FLOW_TABLE_WORDS],
                           ap_uint<32> ctrl, ap_uint<64>* stat_frames, ap_uint<64>* stat_bytes,
                           ap_uint<32>* stat_drops, ap_uint<32>* stat_desc_errors,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx,
                           ap_uint<64> wb_base, ap_uint<32> wb_force);

#endif  // SENDOFF_SENDOFF_TX_HPP
