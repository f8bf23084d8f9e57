// SPDX-License-Identifier: MIT
// sendoff_rx: the NIC's receive path, as HLS kernels and their C model.
//
//   MAC RX stream (FCS on) -> rx_parse -> beats + RxMeta -> rx_dma -> memory
//
// rx_parse (free-running, one beat per call, II=1): CRC-32 over the whole
// frame (FCS included, a full-beat XOR matrix per beat and the residue check
// at the end), the frame's length class, the Ethernet type, the IPv4 header
// checksum (options included: the header may reach into the second beat),
// and the UDP/TCP checksum over the IPv4 total length with the pseudo-header
// (UDP's 0 means none). Every check is a masked sum of the beat's own bytes
// into an accumulator, so nothing waits for a later beat except the verdict,
// which leaves with the last one in an RxMeta.
//
// rx_dma (memory-facing; in Vitis an ap_ctrl_chain kernel that bursts):
// writes a frame's beats into buffer (tail mod ring size) as they come, so
// nothing is stored and forwarded, and at the frame's end, when the meta
// says keep, its completion; a dropped frame advances nothing and its buffer
// is simply reused. Completions go out a 64-byte line (four) at a time: when
// the line is full, or at idle with the entries done so far (the others
// written as "not done"). RX_TAIL's write-back follows at idle. The rules
// are the register map's (nic_abi.hpp).
#ifndef SENDOFF_SENDOFF_RX_HPP
#define SENDOFF_SENDOFF_RX_HPP

#include <stddef.h>
#include <stdint.h>

#include "sendoff/hls_beat.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

// What rx_parse says about a frame, with its last beat.
struct RxMeta {
  uint16_t len = 0;       // bytes without FCS (saturated at 65535)
  bool fcs_ok = false;
  bool len_ok = false;    // ETH_ZLEN <= len <= ETH_FRAME_MAX
  uint8_t l3 = abi::RXC_L3_OTHER;
  uint8_t l4 = abi::RXC_L4_NONE;
  uint16_t flags = 0;     // RXC_F_* without RXC_F_GEN
  uint32_t hash = 0;
};

// rx_parse's state between beats.
struct RxParseState {
  bool in_frame = false;
  uint32_t beat = 0;       // beats of this frame so far
  uint32_t crc = 0;        // CRC register over the full beats so far
  uint32_t ip_sum = 0;     // IPv4 header words so far
  uint32_t l4_sum = 0;     // L4 words so far (pseudo-header added at the end)
  // From the first beat (the header fields all lie in it; options may not).
  uint16_t ethertype = 0;
  uint8_t ihl_bytes = 0;   // IPv4 header bytes (0: not IPv4 or a bad version/IHL)
  uint16_t tot_len = 0;
  uint16_t frag = 0;       // flags and fragment offset
  uint8_t proto = 0;
  uint32_t saddr = 0, daddr = 0;
  uint16_t sport = 0, dport = 0;
  uint16_t l4_check = 0;   // the checksum field as sent (UDP 0: none)
};

// One beat in (at most), one beat out, and with a frame's last beat its RxMeta.
template <template <class> class S>
void rx_parse_step(RxParseState& s, S<axis_t>& mac_in, S<axis_t>& data_out, S<RxMeta>& meta_out);
// The free-running top: static state, ap_ctrl_none, II=1.
void rx_parse(hls::stream<axis_t>& mac_in, hls::stream<axis_t>& data_out,
              hls::stream<RxMeta>& meta_out);

// The register block's RX view.
struct RxRegs {
  uint64_t buf_base = 0, cpl_base = 0, wb_base = 0;
  uint32_t ring_size = 0, buf_size = 0, head = 0;
  uint32_t ctrl = 0;  // CTRL_* (CTRL_RX_ENABLE)
};

// The NIC's RX state between frames.
struct RxState {
  uint32_t tail = 0;  // RX_TAIL
  uint64_t frames = 0, bytes = 0;
  uint32_t drop_fcs = 0, drop_nobuf = 0, drop_len = 0;
  uint32_t line_written = 0;  // completions before this index are in memory
  uint32_t wb_written = 0;    // the RX_TAIL value last written back
  mem_word_t line = 0;        // the current line's completions done so far
};

// The register map's "usable" rule for the RX ring.
bool rx_ring_usable(const RxRegs& r);

// rx_dma for one frame: its beats and meta from rx_parse. True when kept.
bool rx_dma(mem_word_t* mem, const RxRegs& r, RxState* st, hls::stream<axis_t>& data_in,
            hls::stream<RxMeta>& meta_in);
// rx_dma at idle: the line of completions done but not yet written, then
// RX_TAIL's write-back when it moved.
void rx_dma_idle(mem_word_t* mem, const RxRegs& r, RxState* st);

// The C model's entry points (csim device, tests): one frame as the MAC
// delivers it (FCS included) through rx_parse, one call per beat, then
// rx_dma. True when it went to a buffer.
bool sendoff_rx_frame(mem_word_t* mem, const RxRegs& regs, RxState* st, const uint8_t* frame,
                      size_t len);
// No frame follows for now (rx_dma_idle).
void sendoff_rx_idle(mem_word_t* mem, const RxRegs& regs, RxState* st);

}  // namespace sendoff

#include "sendoff_rx/rx_parse_step.hpp"

#endif  // SENDOFF_SENDOFF_RX_HPP
