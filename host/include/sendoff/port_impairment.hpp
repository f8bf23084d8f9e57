// SPDX-License-Identifier: MIT
// Impairments of one direction of a MAC port, for tests: loss, reordering,
// duplication and corruption of whole frames, each with its own chance, as
// Linux's netem applies them (loss first, then duplicate, corrupt, reorder),
// from a seeded generator so that a run repeats. Counted per kind.
#ifndef SENDOFF_PORT_IMPAIRMENT_HPP
#define SENDOFF_PORT_IMPAIRMENT_HPP

#include <cstdint>
#include <chrono>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace sendoff {

struct ImpairmentConfig {
  double loss = 0, reorder = 0, duplicate = 0, corrupt = 0;  // chances in [0, 1]
  uint64_t seed = 1;
  bool any() const { return loss > 0 || reorder > 0 || duplicate > 0 || corrupt > 0; }
};

struct ImpairmentCounters {
  uint64_t frames = 0;  // offered to the port
  uint64_t lost = 0, reordered = 0, duplicated = 0, corrupted = 0;
};

class PortImpairment {
 public:
  using Emit = std::function<void(const uint8_t* frame, size_t len)>;
  // direction tells the two directions' generators apart (same seed, other sequence).
  PortImpairment(const ImpairmentConfig& cfg, unsigned direction);

  // One frame offered to the port: emit is called zero or more times, now,
  // with this frame (maybe corrupted, maybe twice) and a frame held back
  // earlier; a reordered frame goes out after the next one or at flush().
  void pass(const uint8_t* frame, size_t len, const Emit& emit);
  // Sends a held-back frame, if any (the port went idle).
  void flush(const Emit& emit);
  // Sends a held-back frame that has waited kMaxHold already: reordering
  // delays a frame past its successor, as netem's does, never by a whole
  // idle period (which a sender would see as a loss: a timeout).
  void flush_stale(const Emit& emit);
  static constexpr std::chrono::microseconds kMaxHold{1000};
  ImpairmentCounters counters() const;

 private:
  bool chance(double p);

  ImpairmentConfig cfg_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  std::vector<uint8_t> held_;
  bool holding_ = false;
  std::chrono::steady_clock::time_point held_at_;
  ImpairmentCounters c_;
};

// "lost 3, reordered 0, duplicated 1, corrupted 0": the summary's words.
std::string format_impairments(const ImpairmentCounters& c);

}  // namespace sendoff

#endif  // SENDOFF_PORT_IMPAIRMENT_HPP
