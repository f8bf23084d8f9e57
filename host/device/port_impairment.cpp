// SPDX-License-Identifier: MIT
#include "sendoff/port_impairment.hpp"

namespace sendoff {

PortImpairment::PortImpairment(const ImpairmentConfig& cfg, unsigned direction)
    : cfg_(cfg), rng_(cfg.seed * 0x9E3779B97F4A7C15ull + direction) {}

bool PortImpairment::chance(double p) {
  if (p <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

void PortImpairment::pass(const uint8_t* frame, size_t len, const Emit& emit) {
  std::lock_guard<std::mutex> g(mu_);
  ++c_.frames;
  if (chance(cfg_.loss)) {
    ++c_.lost;
    return;
  }
  const int copies = chance(cfg_.duplicate) ? 2 : 1;
  if (copies == 2) ++c_.duplicated;
  std::vector<uint8_t> f;
  for (int k = 0; k < copies; ++k) {
    const uint8_t* out = frame;
    if (len > 0 && chance(cfg_.corrupt)) {
      // One bit anywhere in the frame, as netem flips one.
      f.assign(frame, frame + len);
      const uint64_t bit = std::uniform_int_distribution<uint64_t>(0, 8 * len - 1)(rng_);
      f[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      out = f.data();
      ++c_.corrupted;
    }
    if (!holding_ && chance(cfg_.reorder)) {
      held_.assign(out, out + len);
      holding_ = true;
      held_at_ = std::chrono::steady_clock::now();
      ++c_.reordered;
      continue;
    }
    emit(out, len);
    if (holding_ && out != held_.data()) {
      holding_ = false;
      emit(held_.data(), held_.size());
    }
  }
}

void PortImpairment::flush(const Emit& emit) {
  std::lock_guard<std::mutex> g(mu_);
  if (!holding_) return;
  holding_ = false;
  emit(held_.data(), held_.size());
}

void PortImpairment::flush_stale(const Emit& emit) {
  std::lock_guard<std::mutex> g(mu_);
  if (!holding_ || std::chrono::steady_clock::now() - held_at_ < kMaxHold) return;
  holding_ = false;
  emit(held_.data(), held_.size());
}

ImpairmentCounters PortImpairment::counters() const {
  std::lock_guard<std::mutex> g(mu_);
  return c_;
}

std::string format_impairments(const ImpairmentCounters& c) {
  return "lost " + std::to_string(c.lost) + ", reordered " + std::to_string(c.reordered) +
         ", duplicated " + std::to_string(c.duplicated) + ", corrupted " +
         std::to_string(c.corrupted);
}

}  // namespace sendoff
