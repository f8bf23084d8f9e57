// SPDX-License-Identifier: MIT
// A device-memory range whose AXI4 reads answer an error (SLVERR): the simulations' model of
// a memory fault, so that the RTL and the HLS C model agree on which descriptors fail.
//
// The RTL sees the error in RRESP. Vitis gives HLS C code no RRESP, so the C model is told
// the range instead and rejects the same descriptors. Keyed by address, never by time:
//  - a descriptor whose 32-byte ring entry overlaps the range is a descriptor error (its
//    contents are unknown);
//  - otherwise the usual checks run; a descriptor that passes them and whose payload bytes
//    [addr, addr + len) overlap the range is a descriptor error too (len 0 reads nothing).
// Either way: STAT_DESC_ERRORS + 1, no frame of that descriptor leaves, the ring goes on.
// Writes into the range fail too (BRESP SLVERR, nothing written): a tail write-back there
// counts in STAT_WB_ERRORS (nic_abi.hpp); the C model, whose m_axi has no BRESP either, is
// told the range and skips such a write.
// lo and hi are multiples of READ_FAULT_ALIGN, so that "overlaps" is the same whether a
// reader asks for 32-byte entries, 64-byte words or 128-byte (1024-bit) beats.
#ifndef SENDOFF_READ_FAULT_HPP
#define SENDOFF_READ_FAULT_HPP

#include <stdint.h>

namespace sendoff {

constexpr uint64_t READ_FAULT_ALIGN = 128;

struct ReadFaultRange {
  uint64_t lo = 0;  // [lo, hi); empty when lo >= hi
  uint64_t hi = 0;

  bool empty() const { return lo >= hi; }
  // Whether any byte of [addr, addr + n) lies in the range.
  bool overlaps(uint64_t addr, uint64_t n) const {
    return !empty() && n != 0 && addr < hi && addr + n > lo;
  }
};

}  // namespace sendoff

#endif  // SENDOFF_READ_FAULT_HPP
