// SPDX-License-Identifier: MIT
// cmac_0's state from its raw registers (cmac_regs.hpp, PG203 "Register
// Space"): link up or down and why, RS-FEC, the MAC's counters. Pure: the
// registers are read by cmac_link.hpp, through xrt::ip on a card.
#ifndef SENDOFF_CMAC_STATUS_HPP
#define SENDOFF_CMAC_STATUS_HPP

#include <cstdint>
#include <string>

namespace sendoff {
namespace cmac {

// The 100G PCS has 20 lanes (PG203): STAT_RX_BLOCK_LOCK_REG and
// STAT_RX_LANE_SYNC_REG hold a bit for each.
constexpr unsigned kPcsLanes = 20;
constexpr uint32_t kAllLanes = (1u << kPcsLanes) - 1;

// The MAC's statistics as of a TICK_REG write; each a 48-bit counter, LSB
// word | (MSB word [15:0]) << 32.
struct CmacCounters {
  uint64_t tx_packets = 0, tx_good_packets = 0, tx_bytes = 0, tx_good_bytes = 0;
  uint64_t rx_packets = 0, rx_good_packets = 0, rx_bytes = 0, rx_good_bytes = 0;
};

// Raw values as read. STAT_RX_STATUS_REG is read twice: its LL/LH bits
// report a change since the last read once, the second read is the present.
struct CmacRegisters {
  uint32_t krnl_id = 0, krnl_config = 0, krnl_rx_dropped = 0;
  uint32_t rx_status_latched = 0, rx_status = 0;
  uint32_t tx_status = 0;
  uint32_t block_lock = 0, lane_sync = 0;
  uint32_t rsfec_enable = 0, rsfec_correction = 0;
  CmacCounters counters;
};

// A counter from its LSB and MSB words.
uint64_t counter48(uint32_t lsb, uint32_t msb);

struct CmacStatus {
  bool up = false;
  std::string why_down;         // one phrase when !up, "" when up
  bool dropped = false;         // up now, but went down since the last read
  bool tx_local_fault = false;  // STAT_TX_LOCAL_FAULT
  bool rsfec_tx = false, rsfec_rx = false;
  bool rsfec_built = false;     // KRNL_CONFIG[0]
  uint32_t rx_dropped = 0;      // KRNL_RX_DROPPED
  CmacCounters counters;
};

// False with *err when the registers are not sendoff's CMAC wrapper (KRNL_ID).
bool decode_cmac_status(const CmacRegisters& r, CmacStatus* s, std::string* err);

// "on", "off", "tx only" or "rx only".
std::string rsfec_phrase(const CmacStatus& s);

// `sendoff info`'s link line after its label: "up", "down: <why>", with
// "; dropped since the last read" and "; tx local fault" when so.
std::string link_phrase(const CmacStatus& s);

// `sendoff info`'s lines about cmac_0, each ending in a newline:
//   link      up | down: <why> [; dropped since the last read] [; tx local fault]
//   rs-fec    on | off | tx only | rx only (built in | not built in)
//   mac tx    packets N bytes N good packets N good bytes N
//   mac rx    packets N bytes N good packets N good bytes N dropped N
std::string info_lines(const CmacStatus& s);

// Why a send is refused, "" when the link is up: "cmac_0 link down: <why>;
// check the cable and the peer's FEC (RS-FEC <on|off> here)".
std::string link_refusal(const CmacStatus& s);

}  // namespace cmac
}  // namespace sendoff

#endif  // SENDOFF_CMAC_STATUS_HPP
