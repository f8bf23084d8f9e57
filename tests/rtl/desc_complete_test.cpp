// SPDX-License-Identifier: MIT
// desc_complete against the completion rule of nic_abi.hpp: RING_TAIL passes a descriptor
// only once its last frame has left (at once when it sent nothing, or once udp_tx reports its
// datagram dropped, even while older descriptors' frames are still on their way), in ring
// order, never ahead and without stalling; `pending` while a record is held; all records accepted and
// retired, none twice. Random gaps on the records and on the frame events, and a full
// buffer (s_cpl_ready low) at the smallest depth. Some records are two slots (a TCP
// descriptor): RING_TAIL counts slots and passes those by two.
#include <gtest/gtest.h>

#include <algorithm>
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
  double frame;    // chance a due last frame leaves, or a datagram is reported, in a cycle
  unsigned count;  // records
  double dropped = 0.0;  // share of sent records whose datagram udp_tx drops
};

template <class C>
void run_load(const Load& load, uint64_t seed) {
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);
  Rng rng(seed);
  rtltest::Errors err;
  typename C::Model m(&ctx);
  std::vector<bool> sent(load.count), dropped(load.count), retired(load.count), two(load.count);
  std::vector<uint32_t> slots_before(load.count + 1);  // RING_TAIL once record i is next
  for (unsigned i = 0; i < load.count; ++i) {
    sent[i] = rng.chance(load.sent);
    dropped[i] = sent[i] && rng.chance(load.dropped);
    two[i] = rng.chance(0.3);
    slots_before[i + 1] = slots_before[i] + (two[i] ? 2 : 1);
  }

  m.s_cpl_valid = 0;
  m.s_cpl_two = 0;
  m.frame_done = 0;
  m.dgram_done = 0;
  m.dgram_dropped = 0;
  rtltest::reset(m);

  unsigned accepted = 0;         // records taken by the module, in ring order
  std::vector<unsigned> sent_q;  // of them, the records that sent frames, in order
  unsigned reported = 0;         // of those, datagrams reported by udp_tx
  std::vector<unsigned> pass_q;  // reported and not dropped: frames due, in order
  unsigned framed = 0;           // last frames that left, one per pass_q entry in order
  unsigned allowed = 0;          // records the tail may pass: every one before is retired
  bool offering = false;
  uint32_t last_tail = 0;
  unsigned stuck = 0;
  uint64_t cyc = 0;
  for (; cyc < 1000000; ++cyc) {
    if (!offering && accepted < load.count && rng.chance(load.rec)) offering = true;
    m.s_cpl_valid = offering;
    m.s_cpl_sent = offering && sent[accepted];
    m.s_cpl_two = offering && two[accepted];
    // udp_tx reports the datagrams of accepted sent records in order; a last frame leaves
    // only for one it passed on, in their order.
    const bool report = reported < sent_q.size() && rng.chance(load.frame);
    m.dgram_done = report;
    m.dgram_dropped = report && dropped[sent_q[reported]];
    m.frame_done = framed < pass_q.size() && rng.chance(load.frame);
    rtltest::clock_low(m);

    while (allowed < accepted && (!sent[allowed] || retired[allowed])) ++allowed;
    const uint32_t tail = m.ring_tail;
    // The record RING_TAIL stands at: it only ever stops on a descriptor's first slot.
    const auto at = std::lower_bound(slots_before.begin(), slots_before.end(), tail);
    if (at == slots_before.end() || *at != tail) {
      err.add(cyc, "RING_TAIL " + std::to_string(tail) + " inside a two-slot descriptor");
      break;
    }
    const unsigned rec = unsigned(at - slots_before.begin());
    if (tail < last_tail) err.add(cyc, "RING_TAIL went back");
    if (rec > allowed) {
      err.add(cyc, "RING_TAIL " + std::to_string(tail) + " passed a descriptor still " +
                       "sending (allowed " + std::to_string(allowed) + ")");
    }
    stuck = (rec < allowed && tail == last_tail) ? stuck + 1 : 0;
    if (stuck > 4) err.add(cyc, "RING_TAIL does not advance to a retired descriptor");
    if (bool(m.pending) != (rec != accepted)) err.add(cyc, "pending is not 'records held'");
    if (accepted - rec > C::kDepth) err.add(cyc, "holds more records than its depth");
    if (!m.s_cpl_ready && accepted - rec < C::kDepth) {
      err.add(cyc, "s_cpl_ready low with room for a record");
    }
    last_tail = tail;

    if (m.s_cpl_valid && m.s_cpl_ready) {
      if (sent[accepted]) sent_q.push_back(accepted);
      ++accepted;
      offering = false;
    }
    if (m.frame_done) retired[pass_q[framed++]] = true;
    if (report) {
      const unsigned r = sent_q[reported++];
      if (dropped[r]) retired[r] = true;
      else pass_q.push_back(r);
    }
    rtltest::clock_high(m);
    if (rec == load.count) break;
  }
  m.final();
  if (last_tail != slots_before[load.count]) {
    err.add(cyc, "RING_TAIL stopped at " + std::to_string(last_tail));
  }
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

// udp_tx drops datagrams (payload read errors) while older frames are still due: each drop
// retires its own descriptor, never an older one.
template <class C>
void dropped_datagrams_retire_in_order() {
  run_load<C>({0.8, 0.9, 0.4, 10000, 0.3}, 6);
  run_load<C>({1.0, 1.0, 0.1, 5000, 0.5}, 7);
  run_load<C>({1.0, 1.0, 1.0, 5000, 1.0}, 8);
}

// Every test once per parameter set, a suite per set.
#define DESC_COMPLETE_TESTS(Suite, C)                                        \
  TEST(Suite, MixedRecordsRandomGaps) { mixed_records_random_gaps<C>(); }    \
  TEST(Suite, SlowFramesFillTheBuffer) { slow_frames_fill_the_buffer<C>(); } \
  TEST(Suite, NothingSentAndFullRate) { nothing_sent_and_full_rate<C>(); } \
  TEST(Suite, DroppedDatagramsRetireInOrder) { dropped_datagrams_retire_in_order<C>(); }

DESC_COMPLETE_TESTS(DescCompleteD4, D4)
DESC_COMPLETE_TESTS(DescCompleteD512, D512)

}  // namespace
