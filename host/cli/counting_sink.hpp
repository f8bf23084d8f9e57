// SPDX-License-Identifier: MIT
// CountingSink: counts the frames the NIC delivers, then passes them on to
// another sink, or drops them when there is none (the benchmark's MAC that
// never pushes back).
#ifndef SENDOFF_CLI_COUNTING_SINK_HPP
#define SENDOFF_CLI_COUNTING_SINK_HPP

#include <atomic>
#include <cstdint>

#include "sendoff/frame_sink.hpp"

namespace sendoff {
namespace cli {

class CountingSink : public FrameSink {
 public:
  explicit CountingSink(FrameSink* next = nullptr) : next_(next) {}

  int deliver(const uint8_t* frame, size_t len) override {
    // The device may deliver from its own thread; readers only need totals.
    frames_.fetch_add(1, std::memory_order_relaxed);
    bytes_.fetch_add(len, std::memory_order_relaxed);
    return next_ ? next_->deliver(frame, len) : 0;
  }

  uint64_t frames() const { return frames_.load(std::memory_order_relaxed); }
  uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  FrameSink* next_;
  std::atomic<uint64_t> frames_{0};
  std::atomic<uint64_t> bytes_{0};
};

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_COUNTING_SINK_HPP
