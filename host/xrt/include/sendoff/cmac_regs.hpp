// SPDX-License-Identifier: MIT
// The CMAC kernel's AXI4-Lite space (bitstreams/cmac): below 0x8000 the
// register map of Xilinx's CMAC UltraScale+ IP (cmac_usplus, "Include AXI4-Lite
// control and statistics interface"), passed through unchanged; from 0x8000 the
// wrapper's own registers. Names are the IP's register and field names (PG203,
// "Register Space"); offsets and bits are facts from that guide, cross-checked
// against the IP's example design. tests/bitstreams checks every name here
// against the wrapper (bitstreams/cmac/cmac_krnl.sv) and its kernel.xml.
#ifndef SENDOFF_CMAC_REGS_HPP
#define SENDOFF_CMAC_REGS_HPP

#include <cstdint>

namespace sendoff {
namespace cmac {

// --- configuration (PG203 register space) ---
constexpr uint32_t GT_RESET_REG = 0x0000;            // bit 0 gt_reset_all (self-clearing)
constexpr uint32_t RESET_REG = 0x0004;               // bit 30 usr_rx_reset, bit 31 usr_tx_reset
constexpr uint32_t CONFIGURATION_TX_REG1 = 0x000C;
constexpr uint32_t CONFIGURATION_RX_REG1 = 0x0014;
constexpr uint32_t CORE_VERSION_REG = 0x0024;        // [7:0] minor, [15:8] major
constexpr uint32_t GT_LOOPBACK_REG = 0x0090;         // bit 0: near-end PMA loopback
// --- status (latched: a bit that dropped (LL) or rose (LH) since the last read
// reads so once; a second read gives the present state) ---
constexpr uint32_t STAT_TX_STATUS_REG = 0x0200;
constexpr uint32_t STAT_RX_STATUS_REG = 0x0204;
constexpr uint32_t STAT_RX_BLOCK_LOCK_REG = 0x020C;  // [19:0] one bit per PCS lane
constexpr uint32_t STAT_RX_LANE_SYNC_REG = 0x0210;   // [19:0]
constexpr uint32_t TICK_REG = 0x02B0;                // bit 0: copy the counters to the STAT_* pairs
// --- statistics: 48-bit counters, LSB word then MSB word (bits 15:0), as of the last tick ---
constexpr uint32_t STAT_TX_TOTAL_PACKETS_LSB = 0x0500;
constexpr uint32_t STAT_TX_TOTAL_GOOD_PACKETS_LSB = 0x0508;
constexpr uint32_t STAT_TX_TOTAL_BYTES_LSB = 0x0510;
constexpr uint32_t STAT_TX_TOTAL_GOOD_BYTES_LSB = 0x0518;
constexpr uint32_t STAT_RX_TOTAL_PACKETS_LSB = 0x0608;
constexpr uint32_t STAT_RX_TOTAL_GOOD_PACKETS_LSB = 0x0610;
constexpr uint32_t STAT_RX_TOTAL_BYTES_LSB = 0x0618;
constexpr uint32_t STAT_RX_TOTAL_GOOD_BYTES_LSB = 0x0620;
// --- RS-FEC (Clause 91), in the hard block when the IP is built with it ---
constexpr uint32_t RSFEC_CONFIG_INDICATION_CORRECTION = 0x1000;
constexpr uint32_t STAT_RX_RSFEC_CORRECTED_CW_INC_LSB = 0x1008;
constexpr uint32_t STAT_RX_RSFEC_UNCORRECTED_CW_INC_LSB = 0x1010;
constexpr uint32_t RSFEC_CONFIG_ENABLE = 0x107C;

// CONFIGURATION_TX_REG1
constexpr uint32_t CTL_TX_ENABLE = 1u << 0;
constexpr uint32_t CTL_TX_SEND_LFI = 1u << 3;
constexpr uint32_t CTL_TX_SEND_RFI = 1u << 4;
constexpr uint32_t CTL_TX_SEND_IDLE = 1u << 5;
// CONFIGURATION_RX_REG1
constexpr uint32_t CTL_RX_ENABLE = 1u << 0;
constexpr uint32_t CTL_RX_DELETE_FCS = 1u << 1;  // left clear: the NIC checks the FCS
// STAT_TX_STATUS_REG
constexpr uint32_t STAT_TX_LOCAL_FAULT = 1u << 0;  // LH
// STAT_RX_STATUS_REG
constexpr uint32_t STAT_RX_STATUS = 1u << 0;                // LL: all lanes locked and aligned
constexpr uint32_t STAT_RX_ALIGNED = 1u << 1;               // LL
constexpr uint32_t STAT_RX_MISALIGNED = 1u << 2;            // LH
constexpr uint32_t STAT_RX_ALIGNED_ERR = 1u << 3;           // LH
constexpr uint32_t STAT_RX_HI_BER = 1u << 4;                // LH
constexpr uint32_t STAT_RX_REMOTE_FAULT = 1u << 5;          // LH: the peer sees no signal from us
constexpr uint32_t STAT_RX_LOCAL_FAULT = 1u << 6;           // LH
constexpr uint32_t STAT_RX_INTERNAL_LOCAL_FAULT = 1u << 7;  // LH
constexpr uint32_t STAT_RX_RECEIVED_LOCAL_FAULT = 1u << 8;  // LH
// RSFEC_CONFIG_ENABLE
constexpr uint32_t CTL_RX_RSFEC_ENABLE = 1u << 0;
constexpr uint32_t CTL_TX_RSFEC_ENABLE = 1u << 1;
// RSFEC_CONFIG_INDICATION_CORRECTION
constexpr uint32_t CTL_RX_RSFEC_ENABLE_CORRECTION = 1u << 0;
constexpr uint32_t CTL_RX_RSFEC_ENABLE_INDICATION = 1u << 1;
constexpr uint32_t CTL_RSFEC_IEEE_ERROR_INDICATION_MODE = 1u << 2;

// --- the wrapper's own registers (bitstreams/cmac/cmac_krnl.sv), kernel clock domain ---
constexpr uint32_t KRNL_BASE = 0x8000;
constexpr uint32_t KRNL_ID = 0x8000;             // reads KRNL_ID_VALUE
constexpr uint32_t KRNL_CONFIG = 0x8004;         // [0] RS-FEC built in, [3:1] card (1 u250, 2 u280, 3 u55c)
constexpr uint32_t KRNL_RX_DROPPED = 0x8008;     // frames the RX FIFO had no room for (whole frames)
constexpr uint32_t KRNL_TX_UNDERFLOW = 0x800C;   // CMAC tx_ovfout/tx_unfout events (must stay 0)
constexpr uint32_t KRNL_ID_VALUE = 0x434D4143;   // "CMAC"
constexpr uint32_t KRNL_SPACE_BYTES = 0x10000;   // the s_axi_control range in kernel.xml

}  // namespace cmac
}  // namespace sendoff

#endif  // SENDOFF_CMAC_REGS_HPP
