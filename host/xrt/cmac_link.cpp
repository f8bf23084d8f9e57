// SPDX-License-Identifier: MIT
#include "sendoff/cmac_link.hpp"

#include <thread>

#include "sendoff/cmac_regs.hpp"

namespace sendoff {
namespace cmac {

namespace {

// How often the bring-up looks at the status while it waits.
constexpr std::chrono::milliseconds kPoll{10};

bool read48(CmacPort* port, uint32_t lsb_off, uint64_t* v, std::string* err) {
  uint32_t lsb, msb;
  if (!port->read(lsb_off, &lsb, err) || !port->read(lsb_off + 4, &msb, err)) return false;
  *v = counter48(lsb, msb);
  return true;
}

// A latched register's present state: the first read clears what it latched.
bool read_present(CmacPort* port, uint32_t off, uint32_t* v, std::string* err) {
  return port->read(off, v, err) && port->read(off, v, err);
}

}  // namespace

bool read_cmac_registers(CmacPort* port, CmacRegisters* r, std::string* err) {
  *r = CmacRegisters{};
  if (!port->read(KRNL_ID, &r->krnl_id, err) || !port->read(KRNL_CONFIG, &r->krnl_config, err) ||
      !port->read(KRNL_RX_DROPPED, &r->krnl_rx_dropped, err) ||
      !port->read(STAT_RX_STATUS_REG, &r->rx_status_latched, err) ||
      !port->read(STAT_RX_STATUS_REG, &r->rx_status, err) ||
      !read_present(port, STAT_TX_STATUS_REG, &r->tx_status, err) ||
      !read_present(port, STAT_RX_BLOCK_LOCK_REG, &r->block_lock, err) ||
      !read_present(port, STAT_RX_LANE_SYNC_REG, &r->lane_sync, err) ||
      !port->read(RSFEC_CONFIG_ENABLE, &r->rsfec_enable, err) ||
      !port->read(RSFEC_CONFIG_INDICATION_CORRECTION, &r->rsfec_correction, err))
    return false;
  // The tick copies the live counters into the STAT_* pairs (PG203, TICK_REG).
  return port->write(TICK_REG, 1, err) &&
         read48(port, STAT_TX_TOTAL_PACKETS_LSB, &r->counters.tx_packets, err) &&
         read48(port, STAT_TX_TOTAL_GOOD_PACKETS_LSB, &r->counters.tx_good_packets, err) &&
         read48(port, STAT_TX_TOTAL_BYTES_LSB, &r->counters.tx_bytes, err) &&
         read48(port, STAT_TX_TOTAL_GOOD_BYTES_LSB, &r->counters.tx_good_bytes, err) &&
         read48(port, STAT_RX_TOTAL_PACKETS_LSB, &r->counters.rx_packets, err) &&
         read48(port, STAT_RX_TOTAL_GOOD_PACKETS_LSB, &r->counters.rx_good_packets, err) &&
         read48(port, STAT_RX_TOTAL_BYTES_LSB, &r->counters.rx_bytes, err) &&
         read48(port, STAT_RX_TOTAL_GOOD_BYTES_LSB, &r->counters.rx_good_bytes, err);
}

bool read_cmac_status(CmacPort* port, CmacStatus* s, std::string* err) {
  CmacRegisters r;
  return read_cmac_registers(port, &r, err) && decode_cmac_status(r, s, err);
}

bool bring_up_link(CmacPort* port, bool rs_fec, std::chrono::milliseconds wait, CmacStatus* s,
                   std::string* err) {
  // Not sendoff's CMAC, or one without RS-FEC: say so before writing anything.
  if (!read_cmac_status(port, s, err)) return false;
  if (rs_fec && !s->rsfec_built) {
    *err = "cmac_0 is built without RS-FEC (KRNL_CONFIG bit 0 clear); use --rs-fec off";
    return false;
  }
  const uint32_t correction = CTL_RX_RSFEC_ENABLE_CORRECTION | CTL_RX_RSFEC_ENABLE_INDICATION |
                              CTL_RSFEC_IEEE_ERROR_INDICATION_MODE;
  const uint32_t enable = CTL_RX_RSFEC_ENABLE | CTL_TX_RSFEC_ENABLE;
  // Until our receiver is aligned the peer is told so (remote fault), as in
  // PG203's example design; then TX is enabled. RX is enabled with
  // ctl_rx_delete_fcs clear: the NIC's rx_parse checks the FCS itself, so the
  // CMAC must hand it on (and the NIC's CTRL_FCS_APPEND stays off: the CMAC
  // appends the FCS on transmit).
  if (!port->write(RSFEC_CONFIG_INDICATION_CORRECTION, rs_fec ? correction : 0, err) ||
      !port->write(RSFEC_CONFIG_ENABLE, rs_fec ? enable : 0, err) ||
      !port->write(CONFIGURATION_RX_REG1, CTL_RX_ENABLE, err) ||
      !port->write(CONFIGURATION_TX_REG1, CTL_TX_SEND_RFI, err))
    return false;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool aligned = false;
  for (;;) {
    uint32_t rx;
    if (!port->read(STAT_RX_STATUS_REG, &rx, err)) return false;
    aligned = rx & STAT_RX_STATUS;
    if (aligned || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPoll);
  }
  if (aligned && !port->write(CONFIGURATION_TX_REG1, CTL_TX_ENABLE, err)) return false;
  // The peer may take a moment to hear us and stop its remote fault.
  for (;;) {
    if (!read_cmac_status(port, s, err)) return false;
    if (s->up || std::chrono::steady_clock::now() >= deadline) return true;
    std::this_thread::sleep_for(kPoll);
  }
}

bool link_ready_for_send(const std::string& who, CmacPort* port, bool rs_fec,
                         std::chrono::milliseconds wait, CmacStatus* s, std::string* err) {
  std::string why;
  if (!bring_up_link(port, rs_fec, wait, s, &why)) {
    *err = who + ": " + why;
    return false;
  }
  if (!s->up) {
    *err = who + ": " + link_refusal(*s);
    return false;
  }
  return true;
}

}  // namespace cmac
}  // namespace sendoff
