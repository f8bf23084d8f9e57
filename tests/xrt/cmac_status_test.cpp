// SPDX-License-Identifier: MIT
// decode_cmac_status() on register values built from PG203's documented bits
// (CMAC UltraScale+ "Register Space"), written here as numbers, not through
// cmac_regs.hpp: STAT_RX_STATUS_REG bit 0 stat_rx_status, 1 aligned, 4 hi_ber,
// 5 remote_fault, 6 local_fault; STAT_TX_STATUS_REG bit 0 local fault;
// RSFEC_CONFIG_ENABLE bit 0 rx, bit 1 tx; 20 PCS lanes of block lock.
#include <gtest/gtest.h>

#include "sendoff/cmac_status.hpp"

namespace sendoff {
namespace cmac {
namespace {

constexpr uint32_t kCmacId = 0x434D4143;  // "CMAC", the wrapper's KRNL_ID
constexpr uint32_t kLanes = 0xFFFFF;      // 20 lanes

// A healthy 100G link with RS-FEC on, as the second read shows it.
CmacRegisters link_up() {
  CmacRegisters r;
  r.krnl_id = kCmacId;
  r.krnl_config = 0x3;  // RS-FEC built in, U250
  r.rx_status_latched = 0x3;
  r.rx_status = 0x3;
  r.block_lock = kLanes;
  r.lane_sync = kLanes;
  r.rsfec_enable = 0x3;
  r.rsfec_correction = 0x7;
  return r;
}

CmacStatus decode(const CmacRegisters& r) {
  CmacStatus s;
  std::string err;
  EXPECT_TRUE(decode_cmac_status(r, &s, &err)) << err;
  return s;
}

TEST(CmacStatus, UpWhenAlignedWithStatus) {
  CmacStatus s = decode(link_up());
  EXPECT_TRUE(s.up);
  EXPECT_EQ(s.why_down, "");
  EXPECT_FALSE(s.dropped);
  EXPECT_FALSE(s.tx_local_fault);
  EXPECT_EQ(link_phrase(s), "up");
  EXPECT_EQ(link_refusal(s), "");
}

TEST(CmacStatus, NoBlockLockAnywhereIsNoSignal) {
  CmacRegisters r = link_up();
  r.rx_status_latched = 0x0;
  r.rx_status = 0x0;
  r.block_lock = 0;
  r.lane_sync = 0;
  CmacStatus s = decode(r);
  EXPECT_FALSE(s.up);
  EXPECT_EQ(s.why_down, "no signal (no block lock on any lane)");
  EXPECT_EQ(link_phrase(s), "down: no signal (no block lock on any lane)");
}

TEST(CmacStatus, NamesTheLanesWithoutBlockLock) {
  CmacRegisters r = link_up();
  r.rx_status = 0x0;
  r.block_lock = kLanes & ~((1u << 3) | (1u << 17));
  EXPECT_EQ(decode(r).why_down, "no block lock on lanes 3, 17");
}

TEST(CmacStatus, LockedButNotAlignedHintsAtRsFec) {
  CmacRegisters r = link_up();
  r.rx_status = 0x0;
  CmacStatus s = decode(r);
  EXPECT_FALSE(s.up);
  EXPECT_EQ(s.why_down, "not aligned, though every lane has block lock (RS-FEC on one end only?)");
}

TEST(CmacStatus, FaultsAndHiBer) {
  CmacRegisters r = link_up();
  r.rx_status = 0x40;  // local fault
  EXPECT_EQ(decode(r).why_down, "local fault (our receiver does not see a valid signal)");
  r.rx_status = 0x10;  // hi BER
  EXPECT_EQ(decode(r).why_down, "hi BER (too many bit errors on the line)");
}

TEST(CmacStatus, RemoteFaultIsDownAndRefusedWithTheFecSetting) {
  CmacRegisters r = link_up();
  r.rx_status = 0x23;  // aligned, but the peer says it receives nothing
  CmacStatus s = decode(r);
  EXPECT_FALSE(s.up);
  EXPECT_EQ(s.why_down, "remote fault (the peer receives nothing from us)");
  EXPECT_EQ(link_refusal(s),
            "cmac_0 link down: remote fault (the peer receives nothing from us); check the cable "
            "and the peer's FEC (RS-FEC on here)");
  r.rsfec_enable = 0x0;
  EXPECT_EQ(link_refusal(decode(r)),
            "cmac_0 link down: remote fault (the peer receives nothing from us); check the cable "
            "and the peer's FEC (RS-FEC off here)");
}

TEST(CmacStatus, RsFecFromItsEnableBits) {
  CmacRegisters r = link_up();
  CmacStatus s = decode(r);
  EXPECT_TRUE(s.rsfec_tx && s.rsfec_rx);
  EXPECT_EQ(rsfec_phrase(s), "on");
  EXPECT_TRUE(s.rsfec_built);
  r.rsfec_enable = 0x0;
  s = decode(r);
  EXPECT_FALSE(s.rsfec_tx || s.rsfec_rx);
  EXPECT_EQ(rsfec_phrase(s), "off");
  r.rsfec_enable = 0x2;
  EXPECT_EQ(rsfec_phrase(decode(r)), "tx only");
  r.rsfec_enable = 0x1;
  EXPECT_EQ(rsfec_phrase(decode(r)), "rx only");
  r.krnl_config = 0x2;  // U250 without RS-FEC
  EXPECT_FALSE(decode(r).rsfec_built);
}

TEST(CmacStatus, TxLocalFault) {
  CmacRegisters r = link_up();
  r.tx_status = 0x1;
  CmacStatus s = decode(r);
  EXPECT_TRUE(s.tx_local_fault);
  EXPECT_TRUE(s.up);
  EXPECT_EQ(link_phrase(s), "up; tx local fault");
}

TEST(CmacStatus, LatchedLowFirstReadIsADropSinceTheLastRead) {
  CmacRegisters r = link_up();
  r.rx_status_latched = 0x0;
  r.rx_status = 0x3;
  CmacStatus s = decode(r);
  EXPECT_TRUE(s.up);
  EXPECT_TRUE(s.dropped);
  EXPECT_EQ(link_phrase(s), "up; dropped since the last read");
  EXPECT_EQ(link_refusal(s), "");
}

TEST(CmacStatus, WrongKrnlIdIsAnError) {
  CmacRegisters r = link_up();
  r.krnl_id = 0x534E4446;  // "SNDF": the sendoff NIC's ID, not the CMAC wrapper's
  CmacStatus s;
  std::string err;
  EXPECT_FALSE(decode_cmac_status(r, &s, &err));
  EXPECT_NE(err.find("KRNL_ID 0x534e4446, not 0x434d4143"), std::string::npos) << err;
}

TEST(CmacStatus, CountersAre48Bits) {
  EXPECT_EQ(counter48(0xFFFFFFFFu, 0x12345u), 0x2345FFFFFFFFull);  // MSB word: bits 15:0
  CmacRegisters r = link_up();
  r.counters.tx_packets = 5;
  r.counters.rx_good_bytes = 1ull << 40;
  r.krnl_rx_dropped = 9;
  CmacStatus s = decode(r);
  EXPECT_EQ(s.counters.tx_packets, 5u);
  EXPECT_EQ(s.counters.rx_good_bytes, 1ull << 40);
  EXPECT_EQ(s.rx_dropped, 9u);
}

TEST(CmacStatus, InfoLines) {
  CmacRegisters r = link_up();
  r.counters = {7, 6, 7 * 1514, 6 * 1514, 3, 3, 3 * 64, 3 * 64};
  r.krnl_rx_dropped = 1;
  EXPECT_EQ(info_lines(decode(r)),
            "link      up\n"
            "rs-fec    on (built in)\n"
            "mac tx    packets 7 bytes 10598 good packets 6 good bytes 9084\n"
            "mac rx    packets 3 bytes 192 good packets 3 good bytes 192 dropped 1\n");
  r.rx_status = 0x23;
  r.rsfec_enable = 0;
  r.krnl_config = 0x2;
  r.tx_status = 0x1;
  r.counters = {};
  r.krnl_rx_dropped = 0;
  EXPECT_EQ(info_lines(decode(r)),
            "link      down: remote fault (the peer receives nothing from us); tx local fault\n"
            "rs-fec    off (not built in)\n"
            "mac tx    packets 0 bytes 0 good packets 0 good bytes 0\n"
            "mac rx    packets 0 bytes 0 good packets 0 good bytes 0 dropped 0\n");
}

}  // namespace
}  // namespace cmac
}  // namespace sendoff
