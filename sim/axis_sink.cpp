// SPDX-License-Identifier: MIT
#include "sendoff/sim/axis_sink.hpp"

#include <string>

namespace sendoff::sim {

AxisSink::AxisSink(unsigned data_bits, double ready_prob, uint64_t seed)
    : bytes_(data_bits / 8), ready_prob_(ready_prob), rng_(seed) {}

void AxisSink::error(const std::string& msg) {
  if (errors_.size() < 32) errors_.push_back(msg);
}

void AxisSink::drive(AxisPins& pins) {
  pins.tready = ready_prob_ >= 1.0 || uni_(rng_) < ready_prob_;
}

void AxisSink::sample(const AxisPins& p, uint64_t cycle) {
  // Built only for a message: otherwise a heap-allocated string every cycle.
  auto at = [cycle] { return " at cycle " + std::to_string(cycle); };
  if (held_ && (!p.tvalid || p.tdata != last_.tdata || p.tkeep != last_.tkeep ||
                p.tlast != last_.tlast)) {
    error("beat changed or withdrawn before tready" + at());
  }
  if (in_frame_ && !p.tvalid) error("tvalid low inside a frame" + at());
  held_ = p.tvalid && !p.tready;
  if (held_) last_ = p;
  if (!(p.tvalid && p.tready)) return;

  ++beats_;
  // tkeep: lanes [0, n) set, nothing above; n == bytes on all but the last beat.
  // Word by word: full words, then at most one word of the form 2^k - 1, then zeros.
  unsigned n = 0;
  bool contiguous = true, ended = false;
  for (unsigned i = 0; i < (bytes_ + 31) / 32; ++i) {
    const uint32_t w = p.tkeep[i];
    if (ended) {
      contiguous = contiguous && w == 0;
      continue;
    }
    if (w == 0xFFFFFFFFu && 32 * (i + 1) <= bytes_) {
      n += 32;
      continue;
    }
    if ((w & (w + 1)) != 0) contiguous = false;  // a gap inside the word
    n += unsigned(__builtin_popcount(w));
    ended = true;
  }
  if (!contiguous || n == 0) error("tkeep not contiguous from lane 0" + at());
  if (!p.tlast && n != bytes_) error("partial beat before tlast" + at());
  if (!in_frame_) {
    cur_ = AxisFrame{};
    cur_.first_cycle = cycle;
  }
  const auto* data = reinterpret_cast<const uint8_t*>(p.tdata.data());
  cur_.bytes.insert(cur_.bytes.end(), data, data + n);
  in_frame_ = !p.tlast;
  if (p.tlast) {
    cur_.last_cycle = cycle;
    frames_.push_back(std::move(cur_));
  }
}

}  // namespace sendoff::sim
