// SPDX-License-Identifier: MIT
// The TAP port's impairments: each kind does what it says to whole frames,
// is counted, repeats with the seed, and nothing is emitted that was not
// offered (or a copy of it, or it with one bit flipped).
#include "sendoff/port_impairment.hpp"

#include <gtest/gtest.h>

#include <bitset>
#include <vector>

namespace sendoff {
namespace {

using Frames = std::vector<std::vector<uint8_t>>;

std::vector<uint8_t> frame_of(uint32_t seq) {
  std::vector<uint8_t> f(64);
  for (size_t i = 0; i < f.size(); ++i) f[i] = static_cast<uint8_t>(seq * 13 + i);
  f[0] = static_cast<uint8_t>(seq);
  f[1] = static_cast<uint8_t>(seq >> 8);
  return f;
}

Frames run(const ImpairmentConfig& cfg, uint32_t n, ImpairmentCounters* c = nullptr) {
  PortImpairment imp(cfg, 0);
  Frames out;
  auto emit = [&](const uint8_t* f, size_t len) { out.emplace_back(f, f + len); };
  for (uint32_t s = 0; s < n; ++s) {
    auto f = frame_of(s);
    imp.pass(f.data(), f.size(), emit);
  }
  imp.flush(emit);
  if (c) *c = imp.counters();
  return out;
}

TEST(PortImpairment, NoneLetsEveryFrameThroughInOrder) {
  ImpairmentCounters c;
  Frames out = run({}, 100, &c);
  ASSERT_EQ(out.size(), 100u);
  for (uint32_t s = 0; s < 100; ++s) EXPECT_EQ(out[s], frame_of(s));
  EXPECT_EQ(c.frames, 100u);
  EXPECT_EQ(c.lost + c.reordered + c.duplicated + c.corrupted, 0u);
}

TEST(PortImpairment, LossDropsWholeFramesAtAboutItsRateAndCountsThem) {
  ImpairmentConfig cfg;
  cfg.loss = 0.1;
  ImpairmentCounters c;
  Frames out = run(cfg, 10000, &c);
  EXPECT_EQ(out.size() + c.lost, 10000u);
  EXPECT_GT(c.lost, 800u);
  EXPECT_LT(c.lost, 1200u);
  uint32_t last = 0;
  for (const auto& f : out) {  // survivors intact and in order
    const uint32_t s = f[0] | f[1] << 8;
    EXPECT_EQ(f, frame_of(s));
    EXPECT_TRUE(s >= last);
    last = s;
  }
}

TEST(PortImpairment, TheSeedRepeatsARunAndAnotherSeedDiffers) {
  ImpairmentConfig cfg;
  cfg.loss = 0.2;
  cfg.reorder = 0.2;
  cfg.duplicate = 0.2;
  cfg.corrupt = 0.2;
  EXPECT_EQ(run(cfg, 500), run(cfg, 500));
  ImpairmentConfig other = cfg;
  other.seed = 2;
  EXPECT_NE(run(cfg, 500), run(other, 500));
  // The two directions draw different sequences from one seed.
  PortImpairment a(cfg, 0), b(cfg, 1);
  Frames fa, fb;
  for (uint32_t s = 0; s < 200; ++s) {
    auto f = frame_of(s);
    a.pass(f.data(), f.size(), [&](const uint8_t* p, size_t n) { fa.emplace_back(p, p + n); });
    b.pass(f.data(), f.size(), [&](const uint8_t* p, size_t n) { fb.emplace_back(p, p + n); });
  }
  EXPECT_NE(fa, fb);
}

TEST(PortImpairment, ReorderSendsAHeldFrameAfterTheNextOne) {
  ImpairmentConfig cfg;
  cfg.reorder = 1.0;  // every frame that can be held is
  ImpairmentCounters c;
  Frames out = run(cfg, 4, &c);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], frame_of(1));
  EXPECT_EQ(out[1], frame_of(0));
  EXPECT_EQ(out[2], frame_of(3));
  EXPECT_EQ(out[3], frame_of(2));
  EXPECT_EQ(c.reordered, 2u);
}

TEST(PortImpairment, FlushReleasesTheHeldFrame) {
  ImpairmentConfig cfg;
  cfg.reorder = 1.0;
  PortImpairment imp(cfg, 0);
  Frames out;
  auto emit = [&](const uint8_t* f, size_t len) { out.emplace_back(f, f + len); };
  auto f = frame_of(7);
  imp.pass(f.data(), f.size(), emit);
  EXPECT_TRUE(out.empty());
  imp.flush(emit);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], f);
}

TEST(PortImpairment, DuplicateSendsTwoCopies) {
  ImpairmentConfig cfg;
  cfg.duplicate = 1.0;
  ImpairmentCounters c;
  Frames out = run(cfg, 3, &c);
  ASSERT_EQ(out.size(), 6u);
  for (uint32_t s = 0; s < 3; ++s) {
    EXPECT_EQ(out[2 * s], frame_of(s));
    EXPECT_EQ(out[2 * s + 1], frame_of(s));
  }
  EXPECT_EQ(c.duplicated, 3u);
}

TEST(PortImpairment, CorruptFlipsExactlyOneBit) {
  ImpairmentConfig cfg;
  cfg.corrupt = 1.0;
  ImpairmentCounters c;
  // A frame's sequence bytes may be the flipped ones: compare by position.
  Frames out = run(cfg, 200, &c);
  ASSERT_EQ(out.size(), 200u);
  for (uint32_t s = 0; s < 200; ++s) {
    const auto want = frame_of(s);
    size_t flipped = 0;
    for (size_t i = 0; i < want.size(); ++i)
      flipped += std::bitset<8>(static_cast<uint8_t>(want[i] ^ out[s][i])).count();
    EXPECT_EQ(flipped, 1u) << "frame " << s;
  }
  EXPECT_EQ(c.corrupted, 200u);
}

TEST(PortImpairment, FormatsTheSummaryWords) {
  ImpairmentCounters c;
  c.lost = 3;
  c.duplicated = 1;
  EXPECT_EQ(format_impairments(c), "lost 3, reordered 0, duplicated 1, corrupted 0");
}

}  // namespace
}  // namespace sendoff
