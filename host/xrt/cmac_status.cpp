// SPDX-License-Identifier: MIT
#include "sendoff/cmac_status.hpp"

#include <cinttypes>
#include <cstdio>

#include "sendoff/cmac_regs.hpp"

namespace sendoff {
namespace cmac {

namespace {

// "3, 7, 12": the lanes whose bit is clear.
std::string missing_lanes(uint32_t bits) {
  std::string out;
  for (unsigned i = 0; i < kPcsLanes; ++i)
    if (!(bits & (1u << i))) out += (out.empty() ? "" : ", ") + std::to_string(i);
  return out;
}

// The first cause that explains the rest, from the present read: no signal
// hides everything after it, and a receiver that is not aligned cannot see
// the peer's remote fault.
std::string why_down(const CmacRegisters& r) {
  const uint32_t rx = r.rx_status;
  const uint32_t lock = r.block_lock & kAllLanes;
  if (lock == 0) return "no signal (no block lock on any lane)";
  if (lock != kAllLanes) return "no block lock on lanes " + missing_lanes(lock);
  if (rx & (STAT_RX_LOCAL_FAULT | STAT_RX_INTERNAL_LOCAL_FAULT | STAT_RX_RECEIVED_LOCAL_FAULT))
    return "local fault (our receiver does not see a valid signal)";
  if (rx & STAT_RX_HI_BER) return "hi BER (too many bit errors on the line)";
  if ((r.lane_sync & kAllLanes) != kAllLanes)
    return "no lane sync on lanes " + missing_lanes(r.lane_sync);
  if (!(rx & STAT_RX_ALIGNED))
    return "not aligned, though every lane has block lock (RS-FEC on one end only?)";
  if (rx & STAT_RX_REMOTE_FAULT) return "remote fault (the peer receives nothing from us)";
  return "no RX status";
}

}  // namespace

uint64_t counter48(uint32_t lsb, uint32_t msb) {
  return (uint64_t{msb & 0xFFFFu} << 32) | lsb;
}

bool decode_cmac_status(const CmacRegisters& r, CmacStatus* s, std::string* err) {
  if (r.krnl_id != KRNL_ID_VALUE) {
    char buf[160];
    snprintf(buf, sizeof buf,
             "cmac_0 reads KRNL_ID 0x%08x, not 0x%08x (\"CMAC\"): not sendoff's CMAC kernel "
             "(bitstreams/cmac)",
             r.krnl_id, KRNL_ID_VALUE);
    *err = buf;
    return false;
  }
  *s = CmacStatus{};
  // A remote fault means the peer does not hear us: no use sending.
  const uint32_t up_bits = STAT_RX_STATUS | STAT_RX_ALIGNED;
  s->up = (r.rx_status & up_bits) == up_bits && !(r.rx_status & STAT_RX_REMOTE_FAULT) &&
          (r.block_lock & kAllLanes) == kAllLanes;
  if (!s->up) s->why_down = why_down(r);
  // STAT_RX_STATUS is latched low: clear in the first read, set in the second.
  s->dropped = s->up && !(r.rx_status_latched & STAT_RX_STATUS);
  s->tx_local_fault = r.tx_status & STAT_TX_LOCAL_FAULT;
  s->rsfec_tx = r.rsfec_enable & CTL_TX_RSFEC_ENABLE;
  s->rsfec_rx = r.rsfec_enable & CTL_RX_RSFEC_ENABLE;
  s->rsfec_built = r.krnl_config & 1u;
  s->rx_dropped = r.krnl_rx_dropped;
  s->counters = r.counters;
  return true;
}

std::string rsfec_phrase(const CmacStatus& s) {
  if (s.rsfec_tx && s.rsfec_rx) return "on";
  if (s.rsfec_tx) return "tx only";
  if (s.rsfec_rx) return "rx only";
  return "off";
}

std::string link_phrase(const CmacStatus& s) {
  std::string out = s.up ? "up" : "down: " + s.why_down;
  if (s.dropped) out += "; dropped since the last read";
  if (s.tx_local_fault) out += "; tx local fault";
  return out;
}

std::string info_lines(const CmacStatus& s) {
  const CmacCounters& c = s.counters;
  char tx[160], rx[176];
  snprintf(tx, sizeof tx,
           "mac tx    packets %" PRIu64 " bytes %" PRIu64 " good packets %" PRIu64
           " good bytes %" PRIu64 "\n",
           c.tx_packets, c.tx_bytes, c.tx_good_packets, c.tx_good_bytes);
  snprintf(rx, sizeof rx,
           "mac rx    packets %" PRIu64 " bytes %" PRIu64 " good packets %" PRIu64
           " good bytes %" PRIu64 " dropped %u\n",
           c.rx_packets, c.rx_bytes, c.rx_good_packets, c.rx_good_bytes, s.rx_dropped);
  return "link      " + link_phrase(s) + "\nrs-fec    " + rsfec_phrase(s) +
         (s.rsfec_built ? " (built in)\n" : " (not built in)\n") + tx + rx;
}

std::string link_refusal(const CmacStatus& s) {
  if (s.up) return "";
  return "cmac_0 link down: " + s.why_down + "; check the cable and the peer's FEC (RS-FEC " +
         rsfec_phrase(s) + " here)";
}

}  // namespace cmac
}  // namespace sendoff
