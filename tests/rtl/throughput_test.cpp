// SPDX-License-Identifier: MIT
// Line rate: with the MAC always ready, back-to-back frames leave no idle beat, so a frame
// takes exactly ceil(bytes / 64) cycles of the 512-bit stream. At 322.265625 MHz that is
// 100GbE line rate or more for every size from 64 to 9018 bytes.
#include <gtest/gtest.h>

#include "sendoff/sim/throughput.hpp"

namespace {

class Throughput : public ::testing::TestWithParam<std::tuple<unsigned, bool>> {};

TEST_P(Throughput, NoIdleBeatBetweenFrames) {
  const auto [size, fcs] = GetParam();
  const auto r = sendoff::sim::measure_udp_stream(size, fcs, 64, 1024);
  ASSERT_EQ(r.error, "");
  RecordProperty("cycles_per_frame", std::to_string(r.cycles_per_frame));
  EXPECT_NEAR(r.cycles_per_frame, double(r.ideal_beats), 1e-9) << size << " bytes";
  // Wire rate: frames/s * (size + 20 bytes of preamble and gap) against 100 Gb/s.
  const double wire_bps = 322.265625e6 / r.cycles_per_frame * (size + 20) * 8;
  EXPECT_GE(wire_bps, 100e9);
}

INSTANTIATE_TEST_SUITE_P(Sizes, Throughput,
                         ::testing::Combine(::testing::Values(64u, 65u, 1518u, 9018u),
                                            ::testing::Bool()));

}  // namespace
