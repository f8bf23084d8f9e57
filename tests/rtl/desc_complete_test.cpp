// SPDX-License-Identifier: MIT
// desc_complete against the completion rule of nic_abi.hpp: RING_TAIL passes a descriptor
// only once its last frame has left (at once when it sent nothing), in ring order, never
// ahead and without stalling; `pending` while a record is held; all records accepted and
// retired, none twice. Random gaps on the records and on the frame events, and a full
// buffer (s_cpl_ready low) at the smallest depth.
#include <gtest/gtest.h>

#include <vector>

#include "Vdesc_complete_d4.h"
#include "Vdesc_complete_d512.h"
#include "bus_models.hpp"

namespace {

using rtltest::Rng;

template <class M, unsigned D>
struct Cfg {
  using Model = M;
  static constexpr unsigned kDepth = D;
};

using D4 = Cfg<Vdesc_complete_d4, 4>;
using D512 = Cfg<Vdesc_complete_d512, 512>;

struct Load {
  double sent;     // share of records that sent frames
  double rec;      // chance a record is offered in a cycle
  double frame;    // chance a due last frame leaves in a cycle
  unsigned count;  // records
};

template <class C>
void run_load(const Load& load, uint64_t seed) {
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);
  Rng rng(seed);
  rtltest::Errors err;
  typename C::Model m(&ctx);
  std::vector<bool> sent(load.count);
  for (unsigned i = 0; i < load.count; ++i) sent[i] = rng.chance(load.sent);

  m.s_cpl_valid = 0;
  m.frame_done = 0;
  rtltest::reset(m);

  unsigned accepted = 0;       // records taken by the module, in ring order
  unsigned sent_accepted = 0;  // of them, records that sent frames
  unsigned framed = 0;         // last frames that left, one per sent record in order
  unsigned allowed = 0;        // records the tail may pass: every one before is retired
  unsigned frames_used = 0;    // last frames of the records before `allowed`
  bool offering = false;
  uint32_t last_tail = 0;
  unsigned stuck = 0;
  uint64_t cyc = 0;
  for (; cyc < 1000000; ++cyc) {
    if (!offering && accepted < load.count && rng.chance(load.rec)) offering = true;
    m.s_cpl_valid = offering;
    m.s_cpl_sent = offering && sent[accepted];
    // A last frame can only leave for a sent record that was accepted, in their order.
    m.frame_done = framed < sent_accepted && rng.chance(load.frame);
    rtltest::clock_low(m);

    while (allowed < accepted && (!sent[allowed] || frames_used < framed)) {
      if (sent[allowed]) ++frames_used;
      ++allowed;
    }
    const uint32_t tail = m.ring_tail;
    if (tail < last_tail) err.add(cyc, "RING_TAIL went back");
    if (tail > allowed) {
      err.add(cyc, "RING_TAIL " + std::to_string(tail) + " passed a descriptor still " +
                       "sending (allowed " + std::to_string(allowed) + ")");
    }
    stuck = (tail < allowed && tail == last_tail) ? stuck + 1 : 0;
    if (stuck > 4) err.add(cyc, "RING_TAIL does not advance to a retired descriptor");
    if (bool(m.pending) != (tail != accepted)) err.add(cyc, "pending is not 'records held'");
    if (accepted - tail > C::kDepth) err.add(cyc, "holds more records than its depth");
    if (!m.s_cpl_ready && accepted - tail < C::kDepth) {
      err.add(cyc, "s_cpl_ready low with room for a record");
    }
    last_tail = tail;

    if (m.s_cpl_valid && m.s_cpl_ready) {
      sent_accepted += sent[accepted];
      ++accepted;
      offering = false;
    }
    framed += m.frame_done;
    rtltest::clock_high(m);
    if (tail == load.count) break;
  }
  m.final();
  if (last_tail != load.count) err.add(cyc, "RING_TAIL stopped at " + std::to_string(last_tail));
  ASSERT_TRUE(err.empty()) << err.str();
}

template <class C>
void mixed_records_random_gaps() {
  run_load<C>({0.6, 0.7, 0.5, 15000}, 1);
}

// Frames leave slowly: records pile up, the buffer fills and s_cpl_ready goes low.
template <class C>
void slow_frames_fill_the_buffer() {
  run_load<C>({0.9, 1.0, 0.05, 5000}, 2);
}

// Runs of records that sent nothing retire back to back; frames may arrive at full rate.
template <class C>
void nothing_sent_and_full_rate() {
  run_load<C>({0.0, 1.0, 1.0, 5000}, 3);
  run_load<C>({1.0, 1.0, 1.0, 5000}, 4);
  run_load<C>({0.3, 0.9, 0.9, 10000}, 5);
}

// Every test once per parameter set, a suite per set.
#define DESC_COMPLETE_TESTS(Suite, C)                                        \
  TEST(Suite, MixedRecordsRandomGaps) { mixed_records_random_gaps<C>(); }    \
  TEST(Suite, SlowFramesFillTheBuffer) { slow_frames_fill_the_buffer<C>(); } \
  TEST(Suite, NothingSentAndFullRate) { nothing_sent_and_full_rate<C>(); }

DESC_COMPLETE_TESTS(DescCompleteD4, D4)
DESC_COMPLETE_TESTS(DescCompleteD512, D512)

}  // namespace
