// SPDX-License-Identifier: MIT
// sendoff_tx: the NIC's TX pipeline, the HLS top. It consumes the TX
// descriptors tail..head-1 of the ring in device memory and sends each as
// Ethernet frames on m_axis_tx:
//
//   desc_fetch -> udp_tx -> ip_tx -> eth_tx -> m_axis_tx
//   (ring, flow table, payload)
//
// desc_fetch validates each descriptor against nic_abi.hpp and its flow:
//  1. the descriptor alone: unknown flag bits, L4 kind TCP (not built yet) or
//     3, reserved field non-zero, payload address not 64-byte aligned, UDP
//     len > 65507, RAW len > 65515, payload outside device memory
//     -> desc_errors++;
//  2. the flow: index >= FLOW_TABLE_SIZE, FLOW_F_VALID clear, or MTU outside
//     MIN_MTU..MAX_MTU -> drops++;
//  3. DF set but the packet exceeds the flow's MTU -> desc_errors++.
// and, in the C model only, against a poisoned read range (read_fault.hpp):
// a ring entry that overlaps it (checked first) or, for a descriptor that
// passed 1-3, a payload that overlaps it -> desc_errors++.
// Such a descriptor sends nothing. PSH and FIN are TCP-only and ignored for
// UDP and RAW.
//
// Each run returns its own counts; the register block accumulates them.
#ifndef SENDOFF_SENDOFF_TX_HPP
#define SENDOFF_SENDOFF_TX_HPP

#include <stdint.h>

#include "sendoff/hls_beat.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/read_fault.hpp"
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

// Reads descriptors tail..head-1 (nothing unless ctrl has CTRL_ENABLE and the
// ring is usable: size a power of two <= RING_SIZE_MAX, base 32-byte aligned,
// ring inside device memory), and for each accepted one writes a UdpTxMeta
// and the payload beats. Ends with an end marker; *tail becomes the index
// after the last descriptor read. Descriptors whose reads touch `fault`
// are rejected as descriptor errors (empty in hardware: RRESP tells there).
void desc_fetch(const mem_word_t* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
                ap_uint<32> head, ap_uint<32>* tail, const ap_uint<32>* flow_table,
                ap_uint<32> ctrl, hls::stream<UdpTxMeta>& meta_out,
                hls::stream<axis_t>& payload_out, ap_uint<32>* drops,
                ap_uint<32>* desc_errors, ReadFaultRange fault);

// The C model of the whole pipeline: sendoff_tx's arguments, and the
// device-memory range whose reads fail (the extern "C" top passes none).
void sendoff_tx_model(const ap_uint<512>* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
                      ap_uint<32> head, ap_uint<32>* tail, const ap_uint<32>* flow_table,
                      ap_uint<32> ctrl, ap_uint<64>* stat_frames, ap_uint<64>* stat_bytes,
                      ap_uint<32>* stat_drops, ap_uint<32>* stat_desc_errors,
                      hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx,
                      ReadFaultRange fault);

}  // namespace sendoff

extern "C" void sendoff_tx(const ap_uint<512>* mem, ap_uint<64> ring_base,
                           ap_uint<32> ring_size, ap_uint<32> head, ap_uint<32>* tail,
                           const ap_uint<32> flow_table[sendoff::FLOW_TABLE_WORDS],
                           ap_uint<32> ctrl, ap_uint<64>* stat_frames, ap_uint<64>* stat_bytes,
                           ap_uint<32>* stat_drops, ap_uint<32>* stat_desc_errors,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx);

#endif  // SENDOFF_SENDOFF_TX_HPP
