// SPDX-License-Identifier: MIT
// The register map of nic_abi.hpp kept in host memory, for back ends whose
// NIC has no register file of its own: csim, and the HLS kernel on a card
// (its s_axilite arguments are set per run). One definition of what each
// register does on read and write; the back end adds STATUS_BUSY and what a
// FLOW_COMMIT copies into its flow table.
#ifndef SENDOFF_HOST_REGISTERS_HPP
#define SENDOFF_HOST_REGISTERS_HPP

#include <cstdint>

#include "sendoff/nic_abi.hpp"

namespace sendoff {

struct HostRegisters {
  uint32_t ctrl = 0;
  uint64_t ring_base = 0;
  uint32_t ring_size = 0;
  uint32_t head = 0;
  uint32_t tail = 0;
  uint32_t flow_index = 0;
  uint64_t wb_base = 0;
  uint32_t flow_data[abi::FLOW_WORDS] = {};
  uint64_t frames = 0;
  uint64_t bytes = 0;
  uint32_t drops = 0;
  uint32_t desc_errors = 0;
  uint32_t wb_errors = 0;
  uint32_t tx_flushed = 0;
  uint32_t caps = 0;  // CAPS_*: what the back end's NIC implements
  uint32_t frames_hi_latch = 0;
  uint32_t bytes_hi_latch = 0;

  // What a write did, for the back end to act on.
  enum class Write { ignored, flow_data, flow_commit, applied };

  // Reading a *_LO counter latches its *_HI half.
  uint32_t read(uint32_t off, bool busy) {
    if (off >= abi::REG_FLOW_DATA && off < abi::REG_FLOW_DATA + 4 * abi::FLOW_WORDS)
      return off % 4 == 0 ? flow_data[(off - abi::REG_FLOW_DATA) / 4] : 0;
    switch (off) {
      case abi::REG_ID: return abi::ID_VALUE;
      case abi::REG_VERSION: return abi::VERSION_VALUE;
      case abi::REG_CTRL: return ctrl;
      case abi::REG_STATUS: return busy ? abi::STATUS_BUSY : 0;
      case abi::REG_RING_BASE_LO: return static_cast<uint32_t>(ring_base);
      case abi::REG_RING_BASE_HI: return static_cast<uint32_t>(ring_base >> 32);
      case abi::REG_RING_SIZE: return ring_size;
      case abi::REG_RING_HEAD: return head;
      case abi::REG_RING_TAIL: return tail;
      case abi::REG_FLOW_INDEX: return flow_index;
      case abi::REG_WB_BASE_LO: return static_cast<uint32_t>(wb_base);
      case abi::REG_WB_BASE_HI: return static_cast<uint32_t>(wb_base >> 32);
      case abi::REG_STAT_FRAMES_LO:
        frames_hi_latch = static_cast<uint32_t>(frames >> 32);
        return static_cast<uint32_t>(frames);
      case abi::REG_STAT_FRAMES_HI: return frames_hi_latch;
      case abi::REG_STAT_BYTES_LO:
        bytes_hi_latch = static_cast<uint32_t>(bytes >> 32);
        return static_cast<uint32_t>(bytes);
      case abi::REG_STAT_BYTES_HI: return bytes_hi_latch;
      case abi::REG_STAT_DROPS: return drops;
      case abi::REG_STAT_DESC_ERRORS: return desc_errors;
      case abi::REG_STAT_WB_ERRORS: return wb_errors;
      case abi::REG_STAT_TX_FLUSHED: return tx_flushed;
      case abi::REG_CAPS: return caps;
      default: return 0;  // FLOW_COMMIT is write-only; unmapped offsets read 0
    }
  }

  // CTRL keeps only its defined bits; a FLOW_COMMIT to an index past the
  // table does nothing; read-only and unmapped offsets ignore writes. busy:
  // STATUS_BUSY now (the ring may not move under descriptors in flight).
  // After a write that set CTRL_RESET the back end calls finish_reset() once
  // nothing is in flight.
  Write write(uint32_t off, uint32_t val, bool busy = false) {
    if (off >= abi::REG_FLOW_DATA && off < abi::REG_FLOW_DATA + 4 * abi::FLOW_WORDS) {
      if (off % 4 == 0) flow_data[(off - abi::REG_FLOW_DATA) / 4] = val;
      return Write::flow_data;
    }
    switch (off) {
      case abi::REG_CTRL:
        if (ctrl & abi::CTRL_RESET) return Write::ignored;
        ctrl = (val & abi::CTRL_RESET) ? abi::CTRL_RESET | (val & abi::CTRL_FCS_APPEND)
                                       : val & (abi::CTRL_ENABLE | abi::CTRL_FCS_APPEND);
        break;
      case abi::REG_RING_BASE_LO:
        if (!ring_movable(busy)) return Write::ignored;
        ring_base = (ring_base & ~uint64_t{0xFFFFFFFF}) | val;
        break;
      case abi::REG_RING_BASE_HI:
        if (!ring_movable(busy)) return Write::ignored;
        ring_base = (ring_base & 0xFFFFFFFF) | (uint64_t{val} << 32);
        break;
      case abi::REG_RING_SIZE:
        if (!ring_movable(busy)) return Write::ignored;
        ring_size = val;
        break;
      case abi::REG_RING_HEAD: head = val; break;
      case abi::REG_FLOW_INDEX: flow_index = val; break;
      case abi::REG_WB_BASE_LO: wb_base = (wb_base & ~uint64_t{0xFFFFFFFF}) | val; break;
      case abi::REG_WB_BASE_HI: wb_base = (wb_base & 0xFFFFFFFF) | (uint64_t{val} << 32); break;
      case abi::REG_FLOW_COMMIT:
        return flow_index < abi::FLOW_TABLE_SIZE ? Write::flow_commit : Write::ignored;
      default: return Write::ignored;
    }
    return Write::applied;
  }

  // CTRL_RESET's last step, once the descriptors already read are done: those
  // posted and not read are discarded and counted.
  void finish_reset() {
    if ((ctrl & abi::CTRL_RESET) == 0) return;
    tx_flushed += head - tail;
    head = tail;
    ctrl &= ~abi::CTRL_RESET;
  }

 private:
  bool ring_movable(bool busy) const {
    return (ctrl & (abi::CTRL_ENABLE | abi::CTRL_RESET)) == 0 && !busy;
  }
};

}  // namespace sendoff

#endif  // SENDOFF_HOST_REGISTERS_HPP
