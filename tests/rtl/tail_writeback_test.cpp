// SPDX-License-Identifier: MIT
// tail_writeback (with axi_write_master) inside the Verilated top: the write-back block as
// nic_abi.hpp describes it, seen through the memory model's log of every W beat it took
// (jittered AWREADY/WREADY, B 32..160 cycles later) and the memory itself: each write is the
// 4 tail bytes of the block, values only move forward, the last equals RING_TAIL at idle,
// there are fewer writes than descriptors (coalesced), CTRL_ENABLE's 0 -> 1 edge writes the
// current tail once, an invalid block address (0, misaligned, outside device memory) or a
// disabled NIC writes nothing, and writes answered SLVERR count in STAT_WB_ERRORS.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "tx_fixture.hpp"

namespace {

namespace abi = sendoff::abi;
namespace sim = sendoff::sim;
using rtltest::TxFixture;

constexpr uint64_t kWb = 0x3000;  // past the fixture's ring (0x1000 + 16 x 32 bytes)

sim::TxTopSimConfig jittered(uint64_t seed) {
  sim::TxTopSimConfig c;
  c.desc_port = sim::realistic_memory(seed * 3 + 1, true);
  c.data_port = sim::realistic_memory(seed * 3 + 2, true);
  c.wr_port = sim::realistic_write_memory(seed * 3 + 3, true);
  c.sink_ready_prob = 0.7;
  c.seed = seed;
  return c;
}

uint32_t word_at(TxFixture& f, uint64_t a) {
  uint32_t v;
  std::memcpy(&v, f.sim().memory().at(a, 4), 4);
  return v;
}

void set_wb(TxFixture& f, uint64_t base) {
  f.sim().reg_write(abi::REG_WB_BASE_LO, uint32_t(base));
  f.sim().reg_write(abi::REG_WB_BASE_HI, uint32_t(base >> 32));
}

void fill_block(TxFixture& f, uint64_t a) { std::memset(f.sim().memory().at(a, 128), 0xA5, 128); }

// n small UDP descriptors, a doorbell every few.
void send(TxFixture& f, unsigned n, std::mt19937_64& rng) {
  for (unsigned i = 0; i < n; ++i) {
    std::vector<uint8_t> p(1 + rng() % 300, uint8_t(i));
    abi::TxDesc d{};
    d.addr = f.put_payload(p);
    d.len = uint32_t(p.size());
    d.flags = abi::TXD_L4_UDP;
    d.ip_id = uint16_t(i);
    d.ttl = 64;
    f.post(d);
    if (rng() % 4 == 0) f.doorbell();
  }
  f.doorbell();
}

TEST(TailWriteback, CoalescedMonotonicAndFinal) {
  TxFixture f(jittered(1));
  std::mt19937_64 rng(1);
  f.set_flow(0, rtltest::make_flow(1500));
  fill_block(f, kWb);
  set_wb(f, kWb);
  f.setup_ring(16);  // enables: the edge writes the tail (0) once
  ASSERT_TRUE(f.wait_idle());
  ASSERT_EQ(f.sim().wr_port().log().size(), 1u) << "the enable edge writes once";
  EXPECT_EQ(f.sim().wr_port().log()[0].first4, 0u);
  EXPECT_EQ(word_at(f, kWb), 0u);

  constexpr unsigned kDesc = 400;
  send(f, kDesc, rng);
  ASSERT_TRUE(f.wait_idle());
  const uint32_t tail = f.sim().reg_read(abi::REG_RING_TAIL);
  ASSERT_EQ(tail, kDesc);
  const auto& log = f.sim().wr_port().log();
  ASSERT_GE(log.size(), 2u);
  uint32_t last = 0;
  for (const auto& w : log) {
    EXPECT_EQ(w.addr, kWb + abi::WB_TAIL_OFF);
    EXPECT_EQ(w.bytes, 4u) << "a write covers the tail's 4 bytes only";
    EXPECT_FALSE(w.error);
    EXPECT_GE(int32_t(w.first4 - last), 0) << "write-back went backwards";
    EXPECT_LE(w.first4, tail);
    last = w.first4;
  }
  EXPECT_EQ(last, tail) << "the last value written is RING_TAIL at idle";
  EXPECT_EQ(word_at(f, kWb), tail);
  EXPECT_LT(log.size(), kDesc / 2) << "writes are coalesced";
  for (unsigned i = 4; i < 128; ++i)
    EXPECT_EQ(f.sim().memory().at(kWb + i, 1)[0], 0xA5) << "byte " << i << " of the block";
  EXPECT_EQ(f.sim().reg_read(abi::REG_STAT_WB_ERRORS), 0u);
  EXPECT_TRUE(f.sim().errors().empty()) << f.sim().errors().front();
  printf("%u descriptors, %zu write-backs\n", kDesc, log.size());
}

TEST(TailWriteback, EnableEdgeWritesTheCurrentTailOnce) {
  TxFixture f(jittered(2));
  std::mt19937_64 rng(2);
  f.set_flow(0, rtltest::make_flow(1500));
  f.setup_ring(16);  // enabled before the block is set: no write
  send(f, 20, rng);
  ASSERT_TRUE(f.wait_idle());
  set_wb(f, kWb);
  f.sim().step(2000);
  EXPECT_TRUE(f.sim().wr_port().log().empty()) << "a new block alone writes nothing";
  f.sim().reg_write(abi::REG_CTRL, 0);
  f.sim().reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  ASSERT_TRUE(f.wait_idle());
  f.sim().step(2000);
  ASSERT_EQ(f.sim().wr_port().log().size(), 1u);
  EXPECT_EQ(f.sim().wr_port().log()[0].first4, 20u);
  EXPECT_EQ(word_at(f, kWb), 20u);
  // Writing CTRL with ENABLE already set is no edge.
  f.sim().reg_write(abi::REG_CTRL, abi::CTRL_ENABLE | abi::CTRL_FCS_APPEND);
  f.sim().step(2000);
  EXPECT_EQ(f.sim().wr_port().log().size(), 1u);
}

TEST(TailWriteback, NothingWrittenWithoutAValidBlockOrWhenDisabled) {
  struct Case {
    const char* what;
    uint64_t base;
    uint32_t ctrl;
  };
  const Case cases[] = {
      {"base 0", 0, abi::CTRL_ENABLE},
      {"base 4 bytes off", kWb + 4, abi::CTRL_ENABLE},
      {"base 32-byte aligned only", kWb + 32, abi::CTRL_ENABLE},
      {"block ends past device memory", sim::kDevMemBytes - 32, abi::CTRL_ENABLE},
      {"block past device memory", sim::kDevMemBytes, abi::CTRL_ENABLE},
      {"not enabled", kWb, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    TxFixture f(jittered(3));
    std::mt19937_64 rng(3);
    f.set_flow(0, rtltest::make_flow(1500));
    fill_block(f, kWb);
    set_wb(f, c.base);
    f.setup_ring(16, c.ctrl);
    send(f, 10, rng);
    if (c.ctrl != 0) {
      ASSERT_TRUE(f.wait_idle());
    }
    f.sim().step(3000);
    EXPECT_TRUE(f.sim().wr_port().log().empty());
    for (unsigned i = 0; i < 128; ++i) EXPECT_EQ(f.sim().memory().at(kWb + i, 1)[0], 0xA5) << i;
    EXPECT_EQ(f.sim().reg_read(abi::REG_STATUS) & abi::STATUS_BUSY, 0u);
  }
}

TEST(TailWriteback, WritesIntoThePoisonedRangeCountAsErrors) {
  sim::TxTopSimConfig cfg = jittered(4);
  cfg.wr_port.fault = {kWb, kWb + sendoff::READ_FAULT_ALIGN};
  TxFixture f(cfg);
  std::mt19937_64 rng(4);
  f.set_flow(0, rtltest::make_flow(1500));
  fill_block(f, kWb);
  set_wb(f, kWb);
  f.setup_ring(16);
  send(f, 50, rng);
  ASSERT_TRUE(f.wait_idle());
  const auto& log = f.sim().wr_port().log();
  ASSERT_GE(log.size(), 2u);
  for (const auto& w : log) EXPECT_TRUE(w.error);
  EXPECT_EQ(f.sim().reg_read(abi::REG_STAT_WB_ERRORS), log.size());
  EXPECT_EQ(word_at(f, kWb), 0xA5A5A5A5u) << "a failed write writes nothing";
  EXPECT_EQ(f.sim().reg_read(abi::REG_RING_TAIL), 50u) << "the ring goes on";
}

}  // namespace
