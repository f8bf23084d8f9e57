// SPDX-License-Identifier: MIT
// rx_parse against the C model's rx_parse_step: random frames of every kind (good UDP/TCP,
// bad FCS, bad IP or L4 checksum, UDP checksum 0, IP options, fragments, ARP, IPv6, runts,
// jumbos, too long, other protocols, truncated IP, bad version) back to back and with random
// idle cycles, at 512 and 1024 bits. Every beat must leave unchanged, one per cycle, and the
// verdict of each frame must equal the model's field by field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "Vrx_parse_w1024.h"
#include "Vrx_parse_w512.h"
#include "bus_models.hpp"
#include "rtl_test_util.hpp"
#include "rx_frames.hpp"
#include "verilated.h"

namespace {

using rxtest::Frame;

struct Meta {
  uint16_t len;
  bool fcs_ok, len_ok;
  uint8_t l3, l4;
  uint16_t flags;
  uint32_t hash;
  bool operator==(const Meta& o) const {
    return len == o.len && fcs_ok == o.fcs_ok && len_ok == o.len_ok && l3 == o.l3 &&
           l4 == o.l4 && flags == o.flags && hash == o.hash;
  }
};

std::ostream& operator<<(std::ostream& os, const Meta& m) {
  return os << "{len " << m.len << " fcs " << m.fcs_ok << " len_ok " << m.len_ok << " l3 "
            << int(m.l3) << " l4 " << int(m.l4) << " flags " << std::hex << m.flags << " hash "
            << m.hash << std::dec << "}";
}

Meta from_model(const sendoff::RxMeta& m) {
  return Meta{m.len, m.fcs_ok, m.len_ok, m.l3, m.l4, m.flags, m.hash};
}

// rx_meta_t read LSB first: its last field first.
Meta from_rtl(const uint32_t* w) {
  rtltest::BitReader r(w);
  Meta m;
  m.hash = uint32_t(r.get(32));
  m.flags = uint16_t(r.get(16));
  m.l4 = uint8_t(r.get(8));
  m.l3 = uint8_t(r.get(8));
  m.len_ok = r.get(1);
  m.fcs_ok = r.get(1);
  m.len = uint16_t(r.get(16));
  return m;
}

template <class V, unsigned Bytes>
std::vector<Meta> run(const std::vector<Frame>& frames, double gap_prob, uint64_t seed) {
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);
  V m(&ctx);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  auto tick = [&] {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
  };
  m.rst_n = 0;
  m.s_axis_tvalid = 0;
  for (int i = 0; i < 4; ++i) tick();
  m.rst_n = 1;

  std::vector<uint8_t> sent, got;  // every beat's lanes in and out, keep-masked
  std::vector<Meta> want, have;
  for (const auto& f : frames) want.push_back(from_model(rxtest::model_meta(f)));
  size_t fi = 0, off = 0;
  Frame cur;
  uint64_t in_beats = 0, out_beats = 0;
  for (uint64_t cyc = 0; cyc < 50'000'000 && have.size() < frames.size(); ++cyc) {
    const bool drive = fi < frames.size() && (off != 0 || uni(rng) >= gap_prob);
    m.s_axis_tvalid = drive;
    if (drive) {
      const Frame& f = frames[fi];
      const size_t n = std::min<size_t>(Bytes, f.size() - off);
      uint8_t beat[Bytes] = {};
      std::memcpy(beat, f.data() + off, n);
      std::memcpy(&m.s_axis_tdata, beat, Bytes);
      uint32_t keep[Bytes / 32] = {};
      for (size_t i = 0; i < n; ++i) keep[i / 32] |= 1u << (i % 32);
      std::memcpy(&m.s_axis_tkeep, keep, Bytes / 8);
      m.s_axis_tlast = off + n == f.size();
      sent.insert(sent.end(), beat, beat + n);
      ++in_beats;
      off += n;
      if (off == f.size()) {
        ++fi;
        off = 0;
      }
    }
    tick();
    if (m.m_axis_tvalid) {
      ++out_beats;
      uint8_t beat[Bytes];
      std::memcpy(beat, &m.m_axis_tdata, Bytes);
      uint32_t keep[Bytes / 32];
      std::memcpy(keep, &m.m_axis_tkeep, Bytes / 8);
      for (unsigned i = 0; i < Bytes; ++i)
        if ((keep[i / 32] >> (i % 32)) & 1) got.push_back(beat[i]);
      if (m.m_axis_tlast) {
        uint32_t w[3];
        std::memcpy(w, &m.m_meta, sizeof w);
        have.push_back(from_rtl(w));
      }
    }
  }
  EXPECT_EQ(have.size(), frames.size());
  EXPECT_EQ(in_beats, out_beats);
  EXPECT_TRUE(sent == got) << "beats changed on the way through";
  for (size_t i = 0; i < std::min(have.size(), frames.size()); ++i)
    EXPECT_EQ(have[i], want[i]) << "frame " << i << " of " << frames[i].size() << " bytes";
  return want;
}

std::vector<Frame> random_frames(uint64_t seed, size_t count) {
  std::mt19937_64 rng(seed);
  std::vector<Frame> v;
  for (size_t i = 0; i < count; ++i) v.push_back(rxtest::make_rx_frame(rng, rxtest::random_kind(rng)));
  return v;
}

TEST(RxParse, EveryKindHasTheModelVerdict512) {
  for (uint64_t seed : {1u, 2u}) run<Vrx_parse_w512, 64>(random_frames(seed, 600), 0.3, seed);
}

TEST(RxParse, BackToBack512) { run<Vrx_parse_w512, 64>(random_frames(7, 600), 0.0, 7); }

TEST(RxParse, EveryKindHasTheModelVerdict1024) {
  run<Vrx_parse_w1024, 128>(random_frames(3, 600), 0.3, 3);
}

TEST(RxParse, BackToBack1024) { run<Vrx_parse_w1024, 128>(random_frames(8, 600), 0.0, 8); }

// Each kind alone, so that a kind no random draw produced still runs.
TEST(RxParse, EachKind) {
  std::mt19937_64 rng(11);
  std::vector<Frame> v;
  for (unsigned k = 0; k < unsigned(rxtest::Kind::kCount); ++k)
    for (int i = 0; i < 8; ++i) v.push_back(rxtest::make_rx_frame(rng, rxtest::Kind(k)));
  const std::vector<Meta> want = run<Vrx_parse_w512, 64>(v, 0.0, 11);
  run<Vrx_parse_w1024, 128>(v, 0.5, 12);
  // The frames reach every verdict the model can give.
  auto count = [&](auto pred) { return std::count_if(want.begin(), want.end(), pred); };
  namespace abi = sendoff::abi;
  EXPECT_GT(count([](const Meta& m) { return !m.fcs_ok; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.fcs_ok && !m.len_ok; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.flags & abi::RXC_F_IP_CSUM_BAD; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.flags & abi::RXC_F_L4_CSUM_BAD; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.l4 == abi::RXC_L4_TCP && (m.flags & abi::RXC_F_L4_CSUM_OK); }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.l4 == abi::RXC_L4_UDP && (m.flags & abi::RXC_F_L4_CSUM_OK); }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.l4 == abi::RXC_L4_FRAG; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.l4 == abi::RXC_L4_ICMP; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.l4 == abi::RXC_L4_OTHER; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.l3 == abi::RXC_L3_ARP; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.l3 == abi::RXC_L3_IPV6; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.l3 == abi::RXC_L3_OTHER; }), 0);
  EXPECT_GT(count([](const Meta& m) { return m.fcs_ok && m.len > 9000 && m.len_ok; }), 0);
}

}  // namespace
