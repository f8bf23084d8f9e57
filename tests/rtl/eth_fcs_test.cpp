// SPDX-License-Identifier: MIT
// eth_fcs: the FCS appended to frames of every length against published CRC-32 check
// values and a bit-serial reference, under random input gaps and output backpressure.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "Veth_fcs.h"
#include "bus_models.hpp"
#include "rtl_test_util.hpp"
#include "verilated.h"

namespace {

constexpr unsigned kBytes = 64;

struct Result {
  std::vector<std::vector<uint8_t>> frames;
  std::string error;
};

// Streams frames (with a per-frame FCS enable) through the module.
Result run(const std::vector<std::vector<uint8_t>>& frames, const std::vector<bool>& enable,
           double in_prob, double out_prob, uint64_t seed) {
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);  // registers without reset start random, repeatably
  Veth_fcs m(&ctx);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  Result r;
  size_t fi = 0, off = 0;
  std::vector<uint8_t> cur;
  m.clk = 0;
  m.rst_n = 0;
  for (int i = 0; i < 4; ++i) {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
  }
  m.rst_n = 1;
  for (uint64_t cyc = 0; cyc < 200000 && r.frames.size() < frames.size(); ++cyc) {
    const bool have = fi < frames.size();
    m.s_axis_tvalid = have && uni(rng) < in_prob;
    if (have) {
      const auto& f = frames[fi];
      const size_t n = std::min<size_t>(kBytes, f.size() - off);
      uint8_t beat[kBytes] = {};
      std::memcpy(beat, f.data() + off, n);
      std::memcpy(m.s_axis_tdata.data(), beat, kBytes);
      m.s_axis_tkeep = n == 64 ? ~0ull : ((1ull << n) - 1);
      m.s_axis_tcount = uint8_t(n);
      m.s_axis_tlast = off + n == f.size();
      m.s_axis_tuser = 0;
      // fcs_enable is sampled with the first beat only; flip it elsewhere to prove it.
      m.fcs_enable = off == 0 ? enable[fi] : !enable[fi];
    }
    m.m_axis_tready = uni(rng) < out_prob;
    m.clk = 0;
    m.eval();
    if (m.s_axis_tvalid && m.s_axis_tready) {
      off += std::min<size_t>(kBytes, frames[fi].size() - off);
      if (off == frames[fi].size()) {
        ++fi;
        off = 0;
      }
    }
    if (m.m_axis_tvalid && m.m_axis_tready) {
      const uint64_t keep = m.m_axis_tkeep;
      const auto* d = reinterpret_cast<const uint8_t*>(m.m_axis_tdata.data());
      unsigned n = 0;
      while (n < kBytes && ((keep >> n) & 1)) ++n;
      if (n < kBytes && (keep >> n) != 0) r.error = "tkeep not contiguous";
      if (n != kBytes && !m.m_axis_tlast) r.error = "partial beat before tlast";
      cur.insert(cur.end(), d, d + n);
      if (m.m_axis_tlast) {
        r.frames.push_back(cur);
        cur.clear();
      }
    }
    m.clk = 1;
    m.eval();
  }
  m.final();
  return r;
}

std::vector<uint8_t> with_fcs(std::vector<uint8_t> f) {
  const uint32_t c = rtltest::crc32_ref(f.data(), f.size());
  for (int i = 0; i < 4; ++i) f.push_back(uint8_t(c >> (8 * i)));
  return f;
}

TEST(EthFcs, PublishedCheckValues) {
  // CRC-32/ISO-HDLC check values: "123456789" -> 0xCBF43926, and the pangram -> 0x414FA339.
  const std::string a = "123456789";
  const std::string b = "The quick brown fox jumps over the lazy dog";
  std::vector<std::vector<uint8_t>> in = {{a.begin(), a.end()}, {b.begin(), b.end()}};
  Result r = run(in, {true, true}, 1.0, 1.0, 1);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.frames.size(), 2u);
  std::vector<uint8_t> ea(a.begin(), a.end());
  for (uint8_t x : {0x26, 0x39, 0xF4, 0xCB}) ea.push_back(x);
  std::vector<uint8_t> eb(b.begin(), b.end());
  for (uint8_t x : {0x39, 0xA3, 0x4F, 0x41}) eb.push_back(x);
  EXPECT_EQ(r.frames[0], ea);
  EXPECT_EQ(r.frames[1], eb);
}

TEST(EthFcs, EveryLengthWithBackpressure) {
  std::mt19937_64 rng(7);
  std::vector<std::vector<uint8_t>> in;
  std::vector<bool> en;
  for (size_t len = 1; len <= 320; ++len) {
    std::vector<uint8_t> f(len);
    for (auto& x : f) x = uint8_t(rng());
    in.push_back(f);
    en.push_back(len % 5 != 0);  // some frames pass through without FCS
  }
  Result r = run(in, en, 0.7, 0.6, 3);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.frames.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(r.frames[i], en[i] ? with_fcs(in[i]) : in[i]) << "frame length " << in[i].size();
  }
}

TEST(EthFcs, JumboBackToBack) {
  std::mt19937_64 rng(11);
  std::vector<std::vector<uint8_t>> in;
  for (size_t len : {9014u, 60u, 61u, 1514u, 4000u, 63u, 64u}) {
    std::vector<uint8_t> f(len);
    for (auto& x : f) x = uint8_t(rng());
    in.push_back(f);
  }
  Result r = run(in, std::vector<bool>(in.size(), true), 1.0, 1.0, 5);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.frames.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(r.frames[i], with_fcs(in[i]));
}

}  // namespace
