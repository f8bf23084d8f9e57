// SPDX-License-Identifier: MIT
// cmac_link.hpp on a register file holding PG203 values (cmac_register_file.hpp):
// what it reads, in which order, what it writes to bring the link up, and
// the one line that refuses a send on a link that is down. Offsets and bits
// are PG203's, written here as numbers: STAT_RX_STATUS_REG 0x204 (bit 0
// status, 1 aligned, 5 remote fault), STAT_RX_BLOCK_LOCK_REG 0x20C,
// STAT_RX_LANE_SYNC_REG 0x210, TICK_REG 0x2B0, STAT_TX_TOTAL_PACKETS 0x500,
// CONFIGURATION_TX_REG1 0x0C (bit 0 enable, bit 4 send RFI),
// CONFIGURATION_RX_REG1 0x14, RSFEC_CONFIG_INDICATION_CORRECTION 0x1000,
// RSFEC_CONFIG_ENABLE 0x107C; the wrapper's KRNL_ID 0x8000, KRNL_CONFIG 0x8004.
#include <gtest/gtest.h>

#include <chrono>
#include <utility>
#include <vector>

#include "cmac_register_file.hpp"
#include "sendoff/cmac_link.hpp"

namespace sendoff {
namespace cmac {
namespace {

using test::CmacRegisterFile;
using Writes = std::vector<std::pair<uint32_t, uint32_t>>;

constexpr std::chrono::milliseconds kShortWait{50};

// A card whose peer is up: RX aligned with status, every lane locked.
void link_up(CmacRegisterFile* f) {
  f->set(0x8000, 0x434D4143);
  f->set(0x8004, 0x3);  // RS-FEC built in
  f->set(0x204, 0x3);
  f->set(0x20C, 0xFFFFF);
  f->set(0x210, 0xFFFFF);
}

// The configuration writes, without the counter ticks.
Writes config_writes(const CmacRegisterFile& f) {
  Writes w;
  for (const auto& x : f.writes())
    if (x.first != 0x2B0) w.push_back(x);
  return w;
}

TEST(CmacLink, ReadsStatusTwiceAndCountersAfterATick) {
  CmacRegisterFile f;
  link_up(&f);
  f.set(0x204, std::vector<uint32_t>{0x0, 0x3});  // latched low, up now
  f.set(0x500, 10);
  f.set(0x504, 0x1);
  f.set(0x620, 0xFFFFFFFF);
  f.set(0x624, 0xABCD0002);  // bits above 15 of the MSB word are not the counter's
  f.set(0x107C, 0x3);
  CmacStatus s;
  std::string err;
  ASSERT_TRUE(read_cmac_status(&f, &s, &err)) << err;
  EXPECT_TRUE(s.up);
  EXPECT_TRUE(s.dropped);
  EXPECT_EQ(s.counters.tx_packets, (1ull << 32) + 10);
  EXPECT_EQ(s.counters.rx_good_bytes, 0x2FFFFFFFFull);
  EXPECT_EQ(rsfec_phrase(s), "on");
  EXPECT_EQ(f.reads(0x204), 2u);
  // The tick comes before the first counter read.
  size_t tick = f.log().size(), first_counter = f.log().size();
  for (size_t i = 0; i < f.log().size(); ++i) {
    const auto& a = f.log()[i];
    if (a.write && a.off == 0x2B0 && a.val == 1 && tick == f.log().size()) tick = i;
    if (!a.write && a.off >= 0x500 && a.off < 0x700 && first_counter == f.log().size())
      first_counter = i;
  }
  EXPECT_LT(tick, first_counter);
  // Read again: the latch was cleared by the first read.
  ASSERT_TRUE(read_cmac_status(&f, &s, &err)) << err;
  EXPECT_FALSE(s.dropped);
}

TEST(CmacLink, BringUpWritesPg203SequenceWithRsFec) {
  CmacRegisterFile f;
  link_up(&f);
  CmacStatus s;
  std::string err;
  ASSERT_TRUE(link_ready_for_send("xrt device 0", &f, true, kShortWait, &s, &err)) << err;
  EXPECT_EQ(err, "");
  EXPECT_TRUE(s.up);
  EXPECT_EQ(rsfec_phrase(s), "on");  // read back from RSFEC_CONFIG_ENABLE
  EXPECT_EQ(config_writes(f),
            (Writes{{0x1000, 0x7}, {0x107C, 0x3}, {0x14, 0x1}, {0x0C, 0x10}, {0x0C, 0x1}}));
}

TEST(CmacLink, BringUpWithoutRsFecClearsIt) {
  CmacRegisterFile f;
  link_up(&f);
  f.set(0x8004, 0x2);  // built without RS-FEC: fine when it is not wanted
  CmacStatus s;
  std::string err;
  ASSERT_TRUE(link_ready_for_send("xrt device 0", &f, false, kShortWait, &s, &err)) << err;
  EXPECT_EQ(rsfec_phrase(s), "off");
  EXPECT_EQ(config_writes(f),
            (Writes{{0x1000, 0x0}, {0x107C, 0x0}, {0x14, 0x1}, {0x0C, 0x10}, {0x0C, 0x1}}));
}

TEST(CmacLink, RemoteFaultIsRefusedWithOneLineAfterABoundedWait) {
  CmacRegisterFile f;
  link_up(&f);
  f.set(0x204, 0x23);  // aligned, remote fault: the peer never hears us
  CmacStatus s;
  std::string err;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(link_ready_for_send("xrt device 0", &f, true, kShortWait, &s, &err));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(err,
            "xrt device 0: cmac_0 link down: remote fault (the peer receives nothing from us); "
            "check the cable and the peer's FEC (RS-FEC on here)");
  EXPECT_GE(took, kShortWait);
  EXPECT_LT(took, std::chrono::seconds(2));
  // Aligned, so TX was enabled (the peer is told we receive it).
  EXPECT_EQ(config_writes(f).back(), std::make_pair(0x0Cu, 0x1u));
}

TEST(CmacLink, NoSignalIsRefusedAndTxKeepsSendingRemoteFault) {
  CmacRegisterFile f;
  link_up(&f);
  f.set(0x204, 0x0);
  f.set(0x20C, 0x0);
  f.set(0x210, 0x0);
  CmacStatus s;
  std::string err;
  EXPECT_FALSE(link_ready_for_send("xrt device 0", &f, false, kShortWait, &s, &err));
  EXPECT_EQ(err,
            "xrt device 0: cmac_0 link down: no signal (no block lock on any lane); check the "
            "cable and the peer's FEC (RS-FEC off here)");
  EXPECT_EQ(config_writes(f).back(), std::make_pair(0x0Cu, 0x10u));
}

TEST(CmacLink, RsFecWantedButNotBuiltIsRefusedBeforeAnyWrite) {
  CmacRegisterFile f;
  link_up(&f);
  f.set(0x8004, 0x2);
  CmacStatus s;
  std::string err;
  EXPECT_FALSE(link_ready_for_send("xrt device 0", &f, true, kShortWait, &s, &err));
  EXPECT_EQ(err, "xrt device 0: cmac_0 is built without RS-FEC (KRNL_CONFIG bit 0 clear); use "
                 "--rs-fec off");
  EXPECT_TRUE(config_writes(f).empty());
}

TEST(CmacLink, NotTheCmacKernelIsRefusedBeforeAnyWrite) {
  CmacRegisterFile f;
  link_up(&f);
  f.set(0x8000, 0xFFFFFFFF);  // what a PCIe read of a missing device returns
  CmacStatus s;
  std::string err;
  EXPECT_FALSE(link_ready_for_send("xrt device 0", &f, true, kShortWait, &s, &err));
  EXPECT_EQ(err.rfind("xrt device 0: cmac_0 reads KRNL_ID 0xffffffff", 0), 0u) << err;
  EXPECT_TRUE(config_writes(f).empty());
}

TEST(CmacLink, AFailedReadIsReported) {
  CmacRegisterFile f;
  link_up(&f);
  f.fail(0x204);
  CmacStatus s;
  std::string err;
  EXPECT_FALSE(link_ready_for_send("xrt device 0", &f, true, kShortWait, &s, &err));
  EXPECT_EQ(err, "xrt device 0: register read at 516 failed (test)");
}

}  // namespace
}  // namespace cmac
}  // namespace sendoff
