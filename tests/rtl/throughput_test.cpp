// SPDX-License-Identifier: MIT
// Line rate: with the MAC always ready, back-to-back frames leave no idle beat, so a frame
// takes exactly ceil(bytes / 64) cycles of the 512-bit stream. At 322.265625 MHz that is
// 100GbE line rate or more for every size from 64 to 9018 bytes.
#include <gtest/gtest.h>

#include <cstdio>

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

// ABI 3.1 (CAPS_TX_UNALIGNED): payloads at any byte address. A payload whose first byte lies
// at most 42 lanes into its beat (the UDP headers' length) needs no more beats in than its
// frame has out: no cost. Further in, it can need one beat more in than out, or two in for its
// first beat out: at most one cycle more per frame, which at 512 bits still leaves every size
// above 100GbE line rate at 322.27 MHz (the closest: 100 B at offset 63, 3 cycles, 1.03).
class UnalignedThroughput : public ::testing::TestWithParam<std::tuple<unsigned, unsigned>> {};

TEST_P(UnalignedThroughput, AtMostACycleMoreAndLineRate) {
  const auto [size, offset] = GetParam();
  const auto r = sendoff::sim::measure_udp_stream(size, true, 64, 1024, "", false, offset);
  ASSERT_EQ(r.error, "");
  RecordProperty("cycles_per_frame", std::to_string(r.cycles_per_frame));
  if (offset <= 42) {
    EXPECT_NEAR(r.cycles_per_frame, double(r.ideal_beats), 1e-9) << size << " bytes";
  } else {
    EXPECT_LE(r.cycles_per_frame, double(r.ideal_beats) + 1 + 1e-9) << size << " bytes";
  }
  const double wire_bps = 322.265625e6 / r.cycles_per_frame * (size + 20) * 8;
  EXPECT_GE(wire_bps, 100e9) << size << " bytes at offset " << offset;
}

INSTANTIATE_TEST_SUITE_P(SizesAndOffsets, UnalignedThroughput,
                         ::testing::Combine(::testing::Values(64u, 65u, 100u, 1518u, 9018u),
                                            ::testing::Values(1u, 42u, 43u, 63u)));

// TSO from any byte address: tcp_tx stores the payload and cuts segments wherever they fall,
// so an unaligned send queue costs nothing: one segment frame per ceil(bytes / 64) cycles.
TEST(TsoUnalignedThroughput, SegmentsAtAnyOffsetLeaveNoIdleBeat) {
  for (unsigned offset : {0u, 1u, 63u}) {
    const auto r = sendoff::sim::measure_tso_stream(1460, true, 64, 4, false, offset);
    ASSERT_EQ(r.error, "") << "offset " << offset;
    EXPECT_NEAR(r.cycles_per_frame, double(r.ideal_beats), 1e-9) << "offset " << offset;
  }
}

// Fragmenting traffic at several MTUs and back-to-back datagrams up to 65,507 bytes: at
// 322.27 MHz each keeps >= 0.99 of 100GbE, ideal and realistic memory alike. With ideal
// memory, from the first frame's first beat to the last frame's last, every cycle carries a
// beat: fragments whose payload starts past the header end (late) cost nothing, nor does a
// beat shared by two fragments, and udp_tx's 2,048-beat buffer never stalls the output.
class DatagramThroughputTest
    : public ::testing::TestWithParam<std::tuple<uint32_t, uint16_t, bool>> {};

TEST_P(DatagramThroughputTest, FragmentsAtLineRate) {
  const auto [len, mtu, realistic] = GetParam();
  const auto r = sendoff::sim::measure_datagram_stream(len, mtu, 8, true, realistic);
  ASSERT_EQ(r.error, "");
  RecordProperty("line_rate_fraction", std::to_string(r.line_rate_fraction));
  RecordProperty("idle_cycles", std::to_string(r.cycles - r.beats));
  std::printf("payload %u mtu %u %s: %u frames, %llu cycles for %llu beats (%llu late "
              "fragments), %.3f of 100GbE\n",
              len, mtu, realistic ? "realistic" : "ideal", r.frames,
              static_cast<unsigned long long>(r.cycles), static_cast<unsigned long long>(r.beats),
              static_cast<unsigned long long>(r.late_frames), r.line_rate_fraction);
  EXPECT_GE(r.line_rate_fraction, 0.99);
  if (!realistic) {
    EXPECT_EQ(r.cycles, r.beats) << "idle output cycles";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Datagrams, DatagramThroughputTest,
    ::testing::Combine(::testing::Values(65507u, 30001u, 8972u, 1472u, 1000u),
                       ::testing::Values(1500, 9000, 576, 68), ::testing::Bool()));

}  // namespace
