// SPDX-License-Identifier: MIT
// sync_fifo against a std::deque: order kept, nothing lost or duplicated, count, empty (no
// m_valid) and full (no s_ready, even while popping) exact every cycle, under random push and
// pop phases that fill and drain it, and resets in between. Widths and depths as the
// design instantiates it: narrow and shallow, wider than 64 bits, 1 bit and 512 deep; each
// also with the head in an output register (OutReg=1), which must behave the same.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "Vsync_fifo_w1_d512.h"
#include "Vsync_fifo_w1_d512_r.h"
#include "Vsync_fifo_w70_d16.h"
#include "Vsync_fifo_w70_d16_r.h"
#include "Vsync_fifo_w8_d2.h"
#include "Vsync_fifo_w8_d2_r.h"
#include "bus_models.hpp"

namespace {

using rtltest::Rng;

template <class M, unsigned W, unsigned D>
struct Cfg {
  using Model = M;
  static constexpr unsigned kWidth = W;
  static constexpr unsigned kDepth = D;
};

using W8D2 = Cfg<Vsync_fifo_w8_d2, 8, 2>;
using W70D16 = Cfg<Vsync_fifo_w70_d16, 70, 16>;
using W1D512 = Cfg<Vsync_fifo_w1_d512, 1, 512>;
using W8D2R = Cfg<Vsync_fifo_w8_d2_r, 8, 2>;
using W70D16R = Cfg<Vsync_fifo_w70_d16_r, 70, 16>;
using W1D512R = Cfg<Vsync_fifo_w1_d512_r, 1, 512>;

constexpr unsigned kBytes(unsigned width) { return (width + 7) / 8; }

// A random entry of `width` bits, as bytes.
std::vector<uint8_t> random_entry(Rng& rng, unsigned width) {
  std::vector<uint8_t> v(kBytes(width));
  for (auto& b : v) b = uint8_t(rng());
  if (width % 8) v.back() &= uint8_t((1u << (width % 8)) - 1);
  return v;
}

struct Phase {
  double push, pop;
  unsigned cycles;
};

template <class C>
void random_push_pop_against_deque() {
  constexpr unsigned n = kBytes(C::kWidth);
  VerilatedContext ctx;
  rtltest::seed_context(ctx, 11);
  typename C::Model m(&ctx);
  Rng rng(C::kWidth * 1000 + C::kDepth);
  rtltest::Errors err;
  m.s_valid = 0;
  m.m_ready = 0;
  rtltest::reset(m);

  std::deque<std::vector<uint8_t>> ref;
  std::vector<uint8_t> offer;  // the entry on s_data, held until taken
  bool offering = false;
  unsigned fulls = 0, empties = 0, pushed = 0;
  uint64_t cyc = 0;
  // Fill, drain, mix, full rate; each round ends with a reset.
  const unsigned d = C::kDepth;
  const std::vector<Phase> phases = {{0.9, 0.1, 12 * d + 200},
                                     {0.1, 0.9, 12 * d + 200},
                                     {0.5, 0.5, 20 * d + 500},
                                     {1.0, 1.0, 4 * d + 100},
                                     {0.7, 0.3, 8 * d + 200}};
  for (int round = 0; round < 6; ++round) {
    for (const Phase& ph : phases) {
      for (unsigned i = 0; i < ph.cycles; ++i, ++cyc) {
        if (!offering && rng.chance(ph.push)) {
          offer = random_entry(rng, C::kWidth);
          offering = true;
        }
        m.s_valid = offering;
        if (offering) std::memcpy(rtltest::bytes_of(m.s_data), offer.data(), n);
        m.m_ready = rng.chance(ph.pop);
        rtltest::clock_low(m);

        if (m.count != ref.size()) {
          err.add(cyc,
                  "count " + std::to_string(m.count) + ", expected " + std::to_string(ref.size()));
        }
        if (bool(m.m_valid) != !ref.empty()) err.add(cyc, "m_valid is not 'not empty'");
        if (bool(m.s_ready) != (ref.size() < C::kDepth)) err.add(cyc, "s_ready is not 'not full'");
        if (m.m_valid && !ref.empty() &&
            std::memcmp(rtltest::bytes_of(m.m_data), ref.front().data(), n) != 0) {
          err.add(cyc, "m_data is not the oldest entry");
        }
        fulls += ref.size() == C::kDepth;
        empties += ref.empty();
        // Both handshakes happen at the same edge: pop the old head, then push.
        if (m.m_valid && m.m_ready && !ref.empty()) ref.pop_front();
        if (m.s_valid && m.s_ready) {
          ref.push_back(offer);
          offering = false;
          ++pushed;
        }
        rtltest::clock_high(m);
      }
    }
    // A reset empties the FIFO whatever it held.
    m.s_valid = 0;
    rtltest::reset(m, 1);
    ref.clear();
    offering = false;
    rtltest::clock_low(m);
    if (m.count != 0 || m.m_valid || !m.s_ready) err.add(cyc, "not empty after reset");
  }
  m.final();
  ASSERT_TRUE(err.empty()) << err.str();
  // The phases must have reached both ends, or the flags were not tested.
  EXPECT_GT(fulls, 4 * C::kDepth);
  EXPECT_GT(empties, 4 * C::kDepth);
  EXPECT_GT(pushed, 20 * C::kDepth);
}

TEST(SyncFifoW8D2, RandomPushPopAgainstDeque) { random_push_pop_against_deque<W8D2>(); }
TEST(SyncFifoW70D16, RandomPushPopAgainstDeque) { random_push_pop_against_deque<W70D16>(); }
TEST(SyncFifoW1D512, RandomPushPopAgainstDeque) { random_push_pop_against_deque<W1D512>(); }
TEST(SyncFifoW8D2R, RandomPushPopAgainstDeque) { random_push_pop_against_deque<W8D2R>(); }
TEST(SyncFifoW70D16R, RandomPushPopAgainstDeque) { random_push_pop_against_deque<W70D16R>(); }
TEST(SyncFifoW1D512R, RandomPushPopAgainstDeque) { random_push_pop_against_deque<W1D512R>(); }

}  // namespace
