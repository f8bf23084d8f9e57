// SPDX-License-Identifier: MIT
// One free-running stream stage (a meta stream and a byte stream in, the
// same out: udp_tx, tcp_tx, ip_tx) driven by the cycle harness over a list
// of (meta, bytes) inputs until everything is consumed, the stage is idle and
// every output drained.
#ifndef SENDOFF_TESTS_HLS_STAGE_RUN_HPP
#define SENDOFF_TESTS_HLS_STAGE_RUN_HPP

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "beats.hpp"
#include "cycle_harness.hpp"

namespace sendoff_test {

template <class MetaOut>
struct StageRun {
  std::vector<MetaOut> metas;
  std::vector<Bytes> packets;
  std::vector<uint64_t> done_at, stalls_at;  // per packet, from the harness
  uint64_t calls = 0;
};

// step(meta_in, data_in, meta_out, data_out) is one call of the stage on
// CycleFifos; idle() its state's.
template <class MetaOut, class MetaIn, class Step, class Idle>
StageRun<MetaOut> run_stage(const char* name, const std::vector<std::pair<MetaIn, Bytes>>& in,
                            const StallProfile& p, uint32_t seed, uint64_t max_calls, Step step,
                            Idle idle) {
  Harness h(seed, p.hold_in, p.hold_out);
  auto& meta_in = h.source<MetaIn>();
  auto& data_in = h.source<sendoff::axis_t>();
  auto& meta_out = h.sink<MetaOut>();
  auto& data_out = h.sink<sendoff::axis_t>();
  for (const auto& d : in) {
    meta_in.push(d.first);
    for (const sendoff::axis_t& b : packet_beats(d.second)) data_in.push(b);
  }
  const bool settled = h.run(
      [&] { step(meta_in.fifo, data_in.fifo, meta_out.fifo, data_out.fifo); },
      [&] {
        return meta_in.exhausted() && data_in.exhausted() && idle() && meta_out.drained() &&
               data_out.drained();
      },
      max_calls);
  EXPECT_TRUE(settled) << name << " did not settle";
  StageRun<MetaOut> r;
  r.metas = meta_out.got;
  r.packets = read_packets(data_out.got);
  r.done_at = data_out.done_at;
  r.stalls_at = data_out.stalls_at;
  r.calls = h.calls();
  return r;
}

}  // namespace sendoff_test

#endif  // SENDOFF_TESTS_HLS_STAGE_RUN_HPP
