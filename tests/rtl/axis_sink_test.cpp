// SPDX-License-Identifier: MIT
// The harness' MAC-side sink: frames from tkeep'd bytes, and the AXI4-Stream rules it
// checks (tkeep contiguous from lane 0, full beats before tlast).
#include <gtest/gtest.h>

#include "sendoff/sim/axis_sink.hpp"

namespace {

using sendoff::sim::AxisPins;
using sendoff::sim::AxisSink;

AxisPins beat(uint64_t keep, bool last) {
  AxisPins p;
  p.tdata.assign(16, 0);
  for (unsigned w = 0; w < 16; ++w) p.tdata[w] = 0x03020100u + 0x04040404u * w;
  p.tkeep = {uint32_t(keep), uint32_t(keep >> 32)};
  p.tlast = last;
  p.tvalid = true;
  p.tready = true;
  return p;
}

TEST(AxisSink, FramesFromContiguousKeep) {
  AxisSink s(512, 1.0, 1);
  s.sample(beat(~0ull, false), 0);
  s.sample(beat((1ull << 33) - 1, true), 1);
  s.sample(beat(1, true), 2);
  ASSERT_TRUE(s.errors().empty());
  ASSERT_EQ(s.frames().size(), 2u);
  EXPECT_EQ(s.frames()[0].bytes.size(), 64u + 33u);
  EXPECT_EQ(s.frames()[0].bytes[64 + 32], 32);
  EXPECT_EQ(s.frames()[1].bytes.size(), 1u);
}

TEST(AxisSink, RejectsGapsAndPartialBeatsBeforeLast) {
  for (const uint64_t keep : {0x5ull, 0xFFFFFFFF00000001ull, 0ull, 0x100000000ull}) {
    AxisSink s(512, 1.0, 1);
    s.sample(beat(keep, true), 0);
    EXPECT_FALSE(s.errors().empty()) << std::hex << keep;
  }
  AxisSink s(512, 1.0, 1);
  s.sample(beat(0xFFFF, false), 0);
  EXPECT_FALSE(s.errors().empty());
}

}  // namespace
