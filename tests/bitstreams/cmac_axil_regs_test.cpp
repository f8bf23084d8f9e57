// SPDX-License-Identifier: MIT
// cmac_axil_regs (bitstreams/cmac) on its Verilated model: a host issues random reads and
// writes, with random valid and ready timing, across the whole 64 KiB space; a model of the
// CMAC's AXI4-Lite port (a register file with random ready and response latency, SLVERR on
// addresses 0x4000-0x4FFF) sits behind it. Below KRNL_BASE every access must reach the
// CMAC at the same address, with its data and its response; from KRNL_BASE the block must
// answer itself, with the values cmac_regs.hpp names, and the CMAC must see nothing.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>

#include "Vcmac_axil_regs.h"
#include "sendoff/cmac_regs.hpp"
#include "verilated.h"

namespace {

namespace cmac = sendoff::cmac;

constexpr uint32_t kConfig = 0x5, kDropped = 0x1234567, kUnderflow = 0x89;

class Bench {
 public:
  explicit Bench(uint64_t seed) : rng_(seed) {
    ctx_.randReset(2);
    ctx_.randSeed(int(seed % 1000 + 1));
    m_ = std::make_unique<Vcmac_axil_regs>(&ctx_);
    m_->krnl_config = kConfig;
    m_->rx_dropped = kDropped;
    m_->tx_underflow = kUnderflow;
    m_->s_axil_awvalid = m_->s_axil_wvalid = m_->s_axil_bready = 0;
    m_->s_axil_arvalid = m_->s_axil_rready = 0;
    m_->rst_n = 0;
    for (int i = 0; i < 4; ++i) cycle();
    m_->rst_n = 1;
    // What the CMAC model saw before reset took hold (random initial values) never happened.
    aw_seen_ = w_seen_ = b_pending_ = b_done_for_this_ = r_pending_ = false;
    cmac_regs.clear();
    cmac_writes = cmac_reads = 0;
  }

  // One host write; returns BRESP.
  unsigned write(uint32_t addr, uint32_t data) {
    Vcmac_axil_regs& m = *m_;
    bool aw = false, w = false;
    m.s_axil_awaddr = uint16_t(addr);
    m.s_axil_wdata = data;
    m.s_axil_wstrb = 0xF;
    for (int n = 0; !(aw && w); ++n) {
      if (n > 1000) return fail("write address/data never taken");
      m.s_axil_awvalid = !aw && (n > 0 || coin());
      m.s_axil_wvalid = !w && (n > 1 || coin());
      m.s_axil_bready = 0;
      settle();
      const bool aw_hs = m.s_axil_awvalid && m.s_axil_awready;
      const bool w_hs = m.s_axil_wvalid && m.s_axil_wready;
      EXPECT_EQ(aw_hs, w_hs) << "address and data are taken together";
      aw |= aw_hs;
      w |= w_hs;
      cycle();
    }
    m.s_axil_awvalid = 0;
    m.s_axil_wvalid = 0;
    for (int n = 0;; ++n) {
      if (n > 1000) return fail("no write response");
      m.s_axil_bready = coin();
      settle();
      if (m.s_axil_bvalid && m.s_axil_bready) {
        const unsigned resp = m.s_axil_bresp;
        cycle();
        m.s_axil_bready = 0;
        return resp;
      }
      cycle();
    }
  }

  // One host read; returns RDATA, RRESP in *resp.
  uint32_t read(uint32_t addr, unsigned* resp) {
    Vcmac_axil_regs& m = *m_;
    m.s_axil_araddr = uint16_t(addr);
    for (int n = 0;; ++n) {
      if (n > 1000) return fail("read address never taken");
      m.s_axil_arvalid = n > 0 || coin();
      m.s_axil_rready = 0;
      settle();
      const bool hs = m.s_axil_arvalid && m.s_axil_arready;
      cycle();
      if (hs) break;
    }
    m.s_axil_arvalid = 0;
    for (int n = 0;; ++n) {
      if (n > 1000) return fail("no read data");
      m.s_axil_rready = coin();
      settle();
      if (m.s_axil_rvalid && m.s_axil_rready) {
        const uint32_t d = m.s_axil_rdata;
        *resp = m.s_axil_rresp;
        cycle();
        m.s_axil_rready = 0;
        return d;
      }
      cycle();
    }
  }

  std::map<uint32_t, uint32_t> cmac_regs;  // what the CMAC holds, by its address
  unsigned cmac_writes = 0, cmac_reads = 0;

 private:
  bool coin() { return rng_() & 1; }
  unsigned fail(const char* what) {
    ADD_FAILURE() << what;
    return ~0u;
  }
  // Inputs set: combinational outputs follow.
  void settle() {
    drive_cmac();
    m_->clk = 0;
    m_->eval();
  }
  // The CMAC's side, as ready and valid it decides before the edge.
  void drive_cmac() {
    Vcmac_axil_regs& m = *m_;
    m.m_axil_awready = coin();
    m.m_axil_wready = coin();
    m.m_axil_arready = coin();
    m.m_axil_bvalid = b_pending_ && b_delay_ == 0;
    m.m_axil_bresp = b_resp_;
    m.m_axil_rvalid = r_pending_ && r_delay_ == 0;
    m.m_axil_rdata = r_data_;
    m.m_axil_rresp = r_resp_;
  }
  void cycle() {
    Vcmac_axil_regs& m = *m_;
    settle();
    // Handshakes on this edge, on the CMAC's side.
    if (m.m_axil_awvalid && m.m_axil_awready) {
      EXPECT_FALSE(aw_seen_) << "a second write address before the response";
      aw_seen_ = true;
      aw_addr_ = m.m_axil_awaddr;
    }
    if (m.m_axil_wvalid && m.m_axil_wready) {
      EXPECT_FALSE(w_seen_);
      w_seen_ = true;
      w_data_ = m.m_axil_wdata;
    }
    if (m.m_axil_bvalid && m.m_axil_bready) {
      b_pending_ = false;
      aw_seen_ = w_seen_ = false;
    }
    if (m.m_axil_arvalid && m.m_axil_arready) {
      EXPECT_FALSE(r_pending_) << "a second read address before the data, cycle " << cycles_;
      r_pending_ = true;
      r_delay_ = unsigned(rng_() % 4);
      const uint32_t a = m.m_axil_araddr;
      r_data_ = cmac_regs.count(a) ? cmac_regs[a] : 0xDEAD0000u | (a & 0xFFFF);
      r_resp_ = (a & 0x7000) == 0x4000 ? 2 : 0;
      ++cmac_reads;
    }
    if (m.m_axil_rvalid && m.m_axil_rready) r_pending_ = false;
    m.clk = 1;
    m.eval();
    ++cycles_;
    if (aw_seen_ && w_seen_ && !b_pending_ && !b_done_for_this_) {
      cmac_regs[aw_addr_] = w_data_;
      ++cmac_writes;
      b_pending_ = true;
      b_delay_ = unsigned(rng_() % 4);
      b_resp_ = (aw_addr_ & 0x7000) == 0x4000 ? 2 : 0;
      b_done_for_this_ = true;
    }
    if (!aw_seen_) b_done_for_this_ = false;
    if (b_delay_) --b_delay_;
    if (r_delay_) --r_delay_;
  }

  VerilatedContext ctx_;
  std::unique_ptr<Vcmac_axil_regs> m_;
  std::mt19937_64 rng_;
  bool aw_seen_ = false, w_seen_ = false, b_pending_ = false, b_done_for_this_ = false;
  uint32_t aw_addr_ = 0, w_data_ = 0;
  unsigned b_delay_ = 0, b_resp_ = 0;
  bool r_pending_ = false;
  unsigned r_delay_ = 0, r_resp_ = 0;
  uint32_t r_data_ = 0;
  unsigned cycles_ = 0;
};

TEST(CmacAxilRegs, WrapperRegistersReadAsTheHostNamesThem) {
  Bench b(1);
  unsigned resp = 9;
  EXPECT_EQ(b.read(cmac::KRNL_ID, &resp), cmac::KRNL_ID_VALUE);
  EXPECT_EQ(resp, 0u);
  EXPECT_EQ(b.read(cmac::KRNL_CONFIG, &resp), kConfig);
  EXPECT_EQ(b.read(cmac::KRNL_RX_DROPPED, &resp), kDropped);
  EXPECT_EQ(b.read(cmac::KRNL_TX_UNDERFLOW, &resp), kUnderflow);
  EXPECT_EQ(b.read(cmac::KRNL_TX_UNDERFLOW + 2, &resp), kUnderflow) << "word-aligned";
  EXPECT_EQ(b.read(cmac::KRNL_BASE + 0x100, &resp), 0u) << "unmapped reads 0";
  EXPECT_EQ(b.read(cmac::KRNL_SPACE_BYTES - 4, &resp), 0u);
  EXPECT_EQ(b.write(cmac::KRNL_RX_DROPPED, 0), 0u);
  EXPECT_EQ(b.read(cmac::KRNL_RX_DROPPED, &resp), kDropped) << "read only";
  EXPECT_EQ(b.cmac_reads + b.cmac_writes, 0u) << "the CMAC saw a wrapper access";
}

TEST(CmacAxilRegs, IpRegistersPassThroughWithTheirResponses) {
  Bench b(2);
  unsigned resp = 9;
  EXPECT_EQ(b.write(cmac::CONFIGURATION_TX_REG1, cmac::CTL_TX_ENABLE), 0u);
  EXPECT_EQ(b.cmac_regs[cmac::CONFIGURATION_TX_REG1], cmac::CTL_TX_ENABLE);
  EXPECT_EQ(b.read(cmac::CONFIGURATION_TX_REG1, &resp), cmac::CTL_TX_ENABLE);
  EXPECT_EQ(resp, 0u);
  EXPECT_EQ(b.write(cmac::KRNL_BASE - 4, 7), 0u);
  EXPECT_EQ(b.cmac_regs[cmac::KRNL_BASE - 4], 7u) << "the last word of the window";
  b.read(0x4000, &resp);
  EXPECT_EQ(resp, 2u) << "SLVERR passes through";
  EXPECT_EQ(b.write(0x4004, 1), 2u);
}

TEST(CmacAxilRegs, RandomAccessesAgainstAModel) {
  Bench b(3);
  std::mt19937_64 rng(3);
  std::map<uint32_t, uint32_t> want;
  for (int i = 0; i < 3000; ++i) {
    const bool wrapper = rng() % 4 == 0;
    const uint32_t addr = wrapper ? uint32_t(cmac::KRNL_BASE + (rng() % 8) * 4)
                                  : uint32_t((rng() % 64) * 4 + ((rng() & 1) ? 0x4000 : 0));
    const unsigned want_resp = !wrapper && (addr & 0x4000) ? 2 : 0;
    unsigned resp = 9;
    if (rng() & 1) {
      const uint32_t data = uint32_t(rng());
      ASSERT_EQ(b.write(addr, data), want_resp) << std::hex << addr;
      if (!wrapper) want[addr] = data;
    } else {
      const uint32_t got = b.read(addr, &resp);
      ASSERT_EQ(resp, want_resp) << std::hex << addr;
      if (!wrapper) {
        ASSERT_EQ(got, want.count(addr) ? want[addr] : 0xDEAD0000u | addr) << std::hex << addr;
      }
    }
  }
  EXPECT_EQ(b.cmac_regs, want);
  EXPECT_GT(b.cmac_reads, 500u);
  EXPECT_GT(b.cmac_writes, 500u);
}

}  // namespace
