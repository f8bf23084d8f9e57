// SPDX-License-Identifier: MIT
// cmac_rx_drop (bitstreams/cmac) on its Verilated model, small: 64-bit beats, a 32-beat FIFO
// modelled here (a deque, its fill level reported a cycle late), frames of up to 8 beats.
// Frames come as the CMAC sends them, never stalled; the FIFO drains at a random rate.
// Every frame must reach the FIFO whole or not at all, drop_count must count the missing
// ones, the FIFO must never be offered a beat it has no room for, and with a fast drain
// nothing may be dropped.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <map>
#include <random>

#include "Vcmac_rx_drop.h"
#include "verilated.h"

namespace {

constexpr unsigned kFifoDepth = 32;     // -GFifoDepth (CMakeLists.txt)
constexpr unsigned kMaxFrameBeats = 8;  // -GMaxFrameBeats

struct Beat {
  uint64_t data;
  bool last;
};

struct Result {
  unsigned sent = 0, whole = 0, partial = 0, refused = 0;
  uint32_t dropped = 0;
};

// `frames` frames with `gap` the chance of an idle cycle between beats, drained with
// probability `drain` per cycle.
Result run(unsigned frames, double gap, double drain, uint64_t seed) {
  VerilatedContext ctx;
  ctx.randReset(2);
  ctx.randSeed(int(seed % 1000 + 1));
  Vcmac_rx_drop m(&ctx);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Result r;
  std::deque<Beat> fifo;
  unsigned count_seen = 0;  // the fill level as the FIFO reports it, a cycle late
  std::map<uint64_t, unsigned> length;  // frame -> beats sent
  uint64_t frame = 0;
  unsigned beat = 0, beats = 0;
  uint64_t got_frame = 0;
  unsigned got_beats = 0;
  bool in_frame = false;

  auto tick = [&] {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
  };
  m.rst_n = 0;
  m.s_axis_rx_tvalid = 0;
  m.m_axis_rx_tready = 1;
  m.fifo_wr_count = 0;
  for (int i = 0; i < 4; ++i) tick();
  m.rst_n = 1;

  for (uint64_t cycle = 0; r.sent < frames || !fifo.empty() || m.m_axis_rx_tvalid || beat;
       ++cycle) {
    if (cycle > 1000000) {
      ADD_FAILURE() << "no progress";
      break;
    }
    // The CMAC's side: the next beat, or idle.
    const bool send = r.sent < frames && u(rng) >= gap;
    if (send) {
      if (beat == 0) beats = 1 + unsigned(rng() % kMaxFrameBeats);
      m.s_axis_rx_tdata = (frame << 16) | beat;
      m.s_axis_rx_tkeep = 0xFF;
      m.s_axis_rx_tlast = beat + 1 == beats;
      if (++beat == beats) {
        length[frame++] = beats;
        beat = 0;
        ++r.sent;
      }
    }
    m.s_axis_rx_tvalid = send;
    // The FIFO's side: takes the registered beat on this edge if it has room.
    const bool room = fifo.size() < kFifoDepth;
    m.m_axis_rx_tready = room;
    m.fifo_wr_count = count_seen;
    if (m.m_axis_rx_tvalid) {
      if (room) {
        fifo.push_back({m.m_axis_rx_tdata, bool(m.m_axis_rx_tlast)});
      } else {
        ++r.refused;
      }
    }
    tick();
    count_seen = unsigned(fifo.size());
    // The consumer: one beat per cycle at most; checks frames come whole and in order.
    if (!fifo.empty() && u(rng) < drain) {
      const Beat b = fifo.front();
      fifo.pop_front();
      const uint64_t f = b.data >> 16;
      const unsigned i = unsigned(b.data & 0xFFFF);
      if (!in_frame) {
        got_frame = f;
        got_beats = 0;
        in_frame = true;
      }
      if (f != got_frame || i != got_beats) ++r.partial;
      ++got_beats;
      if (b.last) {
        if (length.count(got_frame) && length[got_frame] == got_beats) {
          ++r.whole;
        } else {
          ++r.partial;
        }
        in_frame = false;
      }
    }
  }
  for (int i = 0; i < 4; ++i) tick();
  r.dropped = m.drop_count;
  return r;
}

TEST(CmacRxDrop, FastDrainDropsNothing) {
  const Result r = run(2000, 0.0, 1.0, 1);
  EXPECT_EQ(r.sent, 2000u);
  EXPECT_EQ(r.whole, 2000u);
  EXPECT_EQ(r.dropped, 0u);
  EXPECT_EQ(r.partial, 0u);
  EXPECT_EQ(r.refused, 0u);
}

TEST(CmacRxDrop, SlowDrainDropsWholeFramesAndCountsThem) {
  for (uint64_t seed : {2, 3, 4}) {
    for (double drain : {0.2, 0.5, 0.9}) {
      const Result r = run(3000, 0.1, drain, seed);
      EXPECT_EQ(r.partial, 0u) << "drain " << drain << " seed " << seed;
      EXPECT_EQ(r.refused, 0u) << "drain " << drain << " seed " << seed;
      EXPECT_EQ(r.whole + r.dropped, r.sent) << "drain " << drain << " seed " << seed;
      if (drain < 0.5) {
        EXPECT_GT(r.dropped, 0u) << "the test must fill the FIFO";
      }
    }
  }
}

}  // namespace
