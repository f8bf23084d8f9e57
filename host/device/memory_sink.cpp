// SPDX-License-Identifier: MIT
#include "sendoff/memory_sink.hpp"

#include <cerrno>
#include <chrono>

namespace sendoff {

MemorySink::MemorySink(size_t capacity) : capacity_(capacity) {}

int MemorySink::deliver(const uint8_t* frame, size_t len) {
  std::unique_lock<std::mutex> lk(mu_);
  ++blocked_;
  cv_.notify_all();  // wait_blocked() watchers
  cv_.wait(lk, [this] { return closed_ || capacity_ == 0 || frames_.size() < capacity_; });
  --blocked_;
  if (closed_) return -EPIPE;
  frames_.emplace_back(frame, frame + len);
  ++delivered_;
  cv_.notify_all();
  return 0;
}

size_t MemorySink::size() const {
  std::lock_guard<std::mutex> lk(mu_);
  return frames_.size();
}

uint64_t MemorySink::delivered() const {
  std::lock_guard<std::mutex> lk(mu_);
  return delivered_;
}

size_t MemorySink::blocked() const {
  std::lock_guard<std::mutex> lk(mu_);
  return blocked_;
}

bool MemorySink::pop(std::vector<uint8_t>* frame) {
  std::lock_guard<std::mutex> lk(mu_);
  if (frames_.empty()) return false;
  *frame = std::move(frames_.front());
  frames_.pop_front();
  cv_.notify_all();
  return true;
}

std::vector<std::vector<uint8_t>> MemorySink::take_all() {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<std::vector<uint8_t>> all(std::make_move_iterator(frames_.begin()),
                                        std::make_move_iterator(frames_.end()));
  frames_.clear();
  cv_.notify_all();
  return all;
}

bool MemorySink::wait_size(size_t n, uint32_t timeout_us) const {
  std::unique_lock<std::mutex> lk(mu_);
  return cv_.wait_for(lk, std::chrono::microseconds(timeout_us),
                      [&] { return frames_.size() >= n; });
}

bool MemorySink::wait_blocked(size_t n, uint32_t timeout_us) const {
  std::unique_lock<std::mutex> lk(mu_);
  return cv_.wait_for(lk, std::chrono::microseconds(timeout_us), [&] { return blocked_ >= n; });
}

void MemorySink::close() {
  std::lock_guard<std::mutex> lk(mu_);
  closed_ = true;
  cv_.notify_all();
}

}  // namespace sendoff
