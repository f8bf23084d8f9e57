// SPDX-License-Identifier: MIT
// MemorySink: keeps the NIC's frames in memory, in order, for tests. With a
// capacity, deliver() blocks while that many frames are held, until the
// consumer pops one: the MAC backpressure that stalls the NIC (and lets a
// test fill the TX ring).
#ifndef SENDOFF_MEMORY_SINK_HPP
#define SENDOFF_MEMORY_SINK_HPP

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "sendoff/frame_sink.hpp"

namespace sendoff {

class MemorySink final : public FrameSink {
 public:
  // capacity 0: unbounded.
  explicit MemorySink(size_t capacity = 0);

  // Blocks while full. Returns 0, or -EPIPE once close() was called.
  int deliver(const uint8_t* frame, size_t len) override;

  size_t size() const;
  // Frames accepted so far (popped or not).
  uint64_t delivered() const;
  // deliver() calls currently waiting for room.
  size_t blocked() const;

  // Removes the oldest frame into *frame; false when there is none.
  bool pop(std::vector<uint8_t>* frame);
  // Removes and returns every frame held.
  std::vector<std::vector<uint8_t>> take_all();

  // Wait until the condition holds or timeout_us passes; return whether it holds.
  bool wait_size(size_t n, uint32_t timeout_us) const;     // size() >= n
  bool wait_blocked(size_t n, uint32_t timeout_us) const;  // blocked() >= n

  // Fails blocked and later deliver() calls with -EPIPE (e.g. before the
  // device is destroyed while the sink is full).
  void close();

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<std::vector<uint8_t>> frames_;
  uint64_t delivered_ = 0;
  size_t blocked_ = 0;
  bool closed_ = false;
};

}  // namespace sendoff

#endif  // SENDOFF_MEMORY_SINK_HPP
