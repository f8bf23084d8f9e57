// SPDX-License-Identifier: MIT
// Drives a free-running kernel's step function one call per clock cycle
// between bounded FIFOs, with random stalls on both sides: a source holds
// its next beat back on some cycles (the kernel finds its input empty), a
// sink leaves its FIFO undrained on some cycles (the kernel finds it full).
// A call is a stall cycle when some input the source still has beats for is
// empty, or some output is full. Each completed packet (the call that wrote
// its tlast beat) is recorded, so a test can bound the calls per packet.
#ifndef SENDOFF_TESTS_HLS_CYCLE_HARNESS_HPP
#define SENDOFF_TESTS_HLS_CYCLE_HARNESS_HPP

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "sendoff/hls_beat.hpp"

namespace sendoff_test {

// A FIFO of fixed capacity that reports full(): what hls::stream cannot do
// in C simulation. Reading it empty or writing it full is a kernel bug.
template <class T>
class CycleFifo {
 public:
  explicit CycleFifo(size_t capacity = ~size_t{0}) : cap_(capacity) {}
  bool empty() const { return q_.empty(); }
  bool full() const { return q_.size() >= cap_; }
  size_t size() const { return q_.size(); }
  T read() {
    if (q_.empty()) fail("read while empty");
    T v = q_.front();
    q_.pop_front();
    return v;
  }
  void write(const T& v) {
    if (full()) fail("write while full");
    q_.push_back(v);
    ++writes_;
    back_ = v;
  }
  uint64_t writes() const { return writes_; }
  const T& back() const { return back_; }

 private:
  [[noreturn]] static void fail(const char* what) {
    std::fprintf(stderr, "CycleFifo: %s\n", what);
    std::abort();
  }
  size_t cap_;
  std::deque<T> q_;
  uint64_t writes_ = 0;
  T back_{};
};

inline bool is_last(const sendoff::axis_t& b) { return b.last != 0; }
template <class T>
bool is_last(const T&) {
  return false;
}

class Harness {
 public:
  // hold_in / hold_out: chance that a source holds back / a sink does not
  // drain on a cycle. FIFOs hold two entries, as a register slice does.
  Harness(uint32_t seed, double hold_in, double hold_out)
      : rng_(seed), hold_in_(hold_in), hold_out_(hold_out) {}

  template <class T>
  class Source;
  template <class T>
  class Sink;

  template <class T>
  Source<T>& source() {
    auto* s = new Source<T>();
    sources_.emplace_back(s);
    return *s;
  }
  template <class T>
  Sink<T>& sink() {
    auto* s = new Sink<T>();
    sinks_.emplace_back(s);
    return *s;
  }

  // Calls call() once per cycle until done() or max_calls; false on the limit.
  template <class Call, class Done>
  bool run(Call call, Done done, uint64_t max_calls) {
    while (!done()) {
      if (calls_ == max_calls) return false;
      for (auto& s : sources_) s->offer(rng_, hold_in_);
      bool stall = false;
      for (auto& s : sources_) stall = stall || s->starving();
      for (auto& s : sinks_) stall = stall || s->blocking();
      ++calls_;
      if (stall) ++stalls_;
      call();
      for (auto& s : sinks_) s->after_call(calls_, stalls_, rng_, hold_out_);
    }
    return true;
  }
  uint64_t calls() const { return calls_; }
  uint64_t stalls() const { return stalls_; }

 private:
  struct SourceBase {
    virtual ~SourceBase() = default;
    virtual void offer(std::mt19937& rng, double hold) = 0;
    virtual bool starving() const = 0;
  };
  struct SinkBase {
    virtual ~SinkBase() = default;
    virtual bool blocking() const = 0;
    virtual void after_call(uint64_t call, uint64_t stalls, std::mt19937& rng, double hold) = 0;
  };

 public:
  template <class T>
  class Source : public SourceBase {
   public:
    CycleFifo<T> fifo{2};
    void push(const T& v) { pending_.push_back(v); }
    void offer(std::mt19937& rng, double hold) override {
      if (pending_.empty() || fifo.full() || chance(rng) < hold) return;
      fifo.write(pending_.front());
      pending_.pop_front();
    }
    bool starving() const override { return fifo.empty() && !pending_.empty(); }
    bool exhausted() const { return fifo.empty() && pending_.empty(); }

   private:
    std::deque<T> pending_;
  };

  template <class T>
  class Sink : public SinkBase {
   public:
    CycleFifo<T> fifo{2};
    std::vector<T> got;
    // Per packet written: the call that wrote its last beat, and the stall
    // cycles up to and including that call.
    std::vector<uint64_t> done_at, stalls_at;
    bool blocking() const override { return fifo.full(); }
    void after_call(uint64_t call, uint64_t stalls, std::mt19937& rng, double hold) override {
      if (fifo.writes() != seen_) {
        seen_ = fifo.writes();
        if (is_last(fifo.back())) {
          done_at.push_back(call);
          stalls_at.push_back(stalls);
        }
      }
      if (!fifo.empty() && chance(rng) >= hold) got.push_back(fifo.read());
    }
    bool drained() const { return fifo.empty(); }

   private:
    uint64_t seen_ = 0;
  };

 private:
  static double chance(std::mt19937& rng) { return std::uniform_real_distribution<double>(0, 1)(rng); }

  std::mt19937 rng_;
  double hold_in_, hold_out_;
  uint64_t calls_ = 0, stalls_ = 0;
  std::vector<std::unique_ptr<SourceBase>> sources_;
  std::vector<std::unique_ptr<SinkBase>> sinks_;
};

// Frame sizes of the benchmark (bytes on the wire with FCS).
inline const std::vector<unsigned>& bench_frame_sizes() {
  static const std::vector<unsigned> sizes = {64, 65, 128, 256, 512, 1024, 1518, 4096, 9018};
  return sizes;
}

// Packets per size in a one-beat-per-call run: enough to reach the steady
// state, few enough to keep the test short.
inline unsigned packets_for(unsigned beats) {
  const unsigned n = 2048 / (beats ? beats : 1);
  return n < 4 ? 4 : (n > 24 ? 24 : n);
}

// The stall profiles each kernel runs under: none (the figures are then
// exact) and random on both sides.
struct StallProfile {
  const char* name;
  double hold_in, hold_out;
};
inline const std::vector<StallProfile>& stall_profiles() {
  static const std::vector<StallProfile> p = {{"no stalls", 0, 0}, {"random stalls", 0.25, 0.3}};
  return p;
}

// What the one-beat-per-call bound allows per packet: the packet's beats in
// and out, in completion order.
struct PacketBeats {
  unsigned in, out;
};

// Asserts the bound for every packet k of a run: the call that completes it
// is no later than `latency` (a store-and-forward stage's first fill, 0 for
// a cut-through one) plus, over packets 0..k, max(beats in, beats out) + 1
// each, plus the stall cycles so far. Cumulative, so that a stage that
// overlaps packets (udp_tx fills one datagram while the previous drains)
// is held to the same bound. While no stall has happened yet, the tighter
// bound holds too: latency + 1 plus max(beats in, beats out) per packet,
// with no call per packet to spare.
inline void expect_one_beat_per_call(const std::vector<PacketBeats>& pkts,
                                     const std::vector<uint64_t>& done_at,
                                     const std::vector<uint64_t>& stalls_at, uint64_t latency) {
  ASSERT_EQ(done_at.size(), pkts.size());
  uint64_t budget = latency, beats = latency + 1;
  for (size_t k = 0; k < pkts.size(); ++k) {
    const unsigned most = pkts[k].in > pkts[k].out ? pkts[k].in : pkts[k].out;
    budget += most + 1;
    beats += most;
    if (stalls_at[k] == 0) {
      EXPECT_LE(done_at[k], beats) << "packet " << k << ": a call wasted without any stall";
    }
    EXPECT_LE(done_at[k], budget + stalls_at[k])
        << "packet " << k << " (" << pkts[k].in << " beats in, " << pkts[k].out
        << " out) completes at call " << done_at[k] << " after " << stalls_at[k] << " stall cycles";
  }
}

}  // namespace sendoff_test

#endif  // SENDOFF_TESTS_HLS_CYCLE_HARNESS_HPP
