// SPDX-License-Identifier: MIT
#include "sendoff/sim/axi_read_slave.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace sendoff::sim {

AxiReadSlave::AxiReadSlave(Memory& mem, unsigned data_bits, const AxiReadConfig& cfg)
    : mem_(mem), bytes_(data_bits / 8), cfg_(cfg), rng_(cfg.seed), beat_(data_bits / 8) {}

AxiReadConfig realistic_memory(uint64_t seed, bool jitter) {
  AxiReadConfig c;
  c.latency = 32;
  c.latency_max = 160;
  c.max_bursts = 64;
  c.r_idle_prob = 0.05;
  if (jitter) c.ar_ready_prob = 0.7;
  c.seed = seed;
  return c;
}

void AxiReadSlave::set_config(const AxiReadConfig& cfg) {
  cfg_ = cfg;
  rng_.seed(cfg.seed);
}

void AxiReadSlave::error(const std::string& msg) {
  if (errors_.size() < 32) errors_.push_back(msg);
}

void AxiReadSlave::fill_beat(const Burst& b, AxiReadPins& pins) {
  // Beat k covers [a, end of its size-aligned chunk); the first may start unaligned.
  const uint64_t size = b.size_bytes;
  const uint64_t first = b.addr;
  const uint64_t aligned = first & ~(size - 1);
  const uint64_t a = b.next == 0 ? first : aligned + uint64_t(b.next) * size;
  const uint64_t end = (a & ~(size - 1)) + size;
  std::fill(beat_.begin(), beat_.end(), uint8_t{0xA5});  // lanes outside the transfer: junk
  bool ok = true;
  if (const uint8_t* p = mem_.at(a, end - a)) {
    std::memcpy(beat_.data() + a % bytes_, p, end - a);
  } else {
    ok = false;
    for (uint64_t x = a; x < end; ++x) beat_[x % bytes_] = 0;
  }
  pins.rdata.resize(bytes_ / 4);
  std::memcpy(pins.rdata.data(), beat_.data(), bytes_);
  // SLVERR outside the memory, and for a beat with a byte in the poisoned range.
  pins.rresp = (ok && !cfg_.fault.overlaps(a, end - a)) ? 0 : 2;
  pins.rlast = (b.next + 1 == b.beats);
}

std::deque<AxiReadSlave::Burst>::iterator AxiReadSlave::next_due(uint64_t cycle) {
  // The queue is at most max_bursts long and is searched only between bursts.
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->due > cycle) continue;
    bool older_same_id = false;
    for (auto o = queue_.begin(); o != it && !older_same_id; ++o) older_same_id = o->id == it->id;
    if (!older_same_id) return it;
  }
  return queue_.end();
}

void AxiReadSlave::drive(AxiReadPins& pins, uint64_t cycle) {
  // No random draw when a probability is 1: the benchmarks run that way every cycle.
  pins.arready = queue_.size() < cfg_.max_bursts &&
                 (cfg_.ar_ready_prob >= 1.0 || uni_(rng_) < cfg_.ar_ready_prob);
  // An offered beat stays offered (and unchanged) until taken.
  if (!r_offered_ && !r_idle_ && !queue_.empty() &&
      (cfg_.r_valid_prob >= 1.0 || uni_(rng_) < cfg_.r_valid_prob)) {
    if (!r_burst_) {
      cur_ = next_due(cycle);
      r_burst_ = cur_ != queue_.end();
    }
    r_offered_ = r_burst_;
  }
  r_idle_ = false;
  pins.rvalid = r_offered_;
  if (r_offered_) {
    pins.rid = cur_->id;
    fill_beat(*cur_, pins);
  } else {
    pins.rlast = false;
  }
}

void AxiReadSlave::sample(const AxiReadPins& pins, uint64_t cycle) {
  if (ar_pending_ && (!pins.arvalid || pins.araddr != ar_addr_ || pins.arlen != ar_len_ ||
                      pins.arsize != ar_size_ || pins.arid != ar_id_)) {
    error("AR changed or dropped before arready");
  }
  if (pins.arvalid && pins.arready) {
    ar_pending_ = false;
    // The message is built only on an error: one AR per cycle is common at 64 bytes.
    auto where = [&pins] {
      std::ostringstream w;
      w << "AR addr 0x" << std::hex << pins.araddr << " len " << std::dec
        << unsigned(pins.arlen) << " size " << unsigned(pins.arsize);
      return w.str();
    };
    const unsigned size = 1u << pins.arsize;
    if (pins.arburst != 1) error(where() + ": burst type is not INCR");
    if (size > bytes_) error(where() + ": size wider than the bus");
    const uint64_t aligned = pins.araddr & ~uint64_t(size - 1);
    const uint64_t last = aligned + uint64_t(pins.arlen) * size + size - 1;
    if ((pins.araddr >> 12) != (last >> 12)) error(where() + ": crosses 4 KiB");
    unsigned latency = cfg_.latency;
    if (cfg_.latency_max > cfg_.latency) {
      latency += unsigned(rng_() % (cfg_.latency_max - cfg_.latency + 1));
    }
    // push_back keeps cur_ valid only at the end of a deque: note its place first.
    const auto at = r_burst_ ? cur_ - queue_.begin() : 0;
    queue_.push_back(Burst{pins.arid, pins.araddr, unsigned(pins.arlen) + 1, size, cycle + latency});
    if (r_burst_) cur_ = queue_.begin() + at;
    ++bursts_;
  } else {
    ar_pending_ = pins.arvalid;
    ar_addr_ = pins.araddr;
    ar_len_ = pins.arlen;
    ar_size_ = pins.arsize;
    ar_id_ = pins.arid;
  }
  if (pins.rvalid && pins.rready) {
    r_offered_ = false;
    r_idle_ = cfg_.r_idle_prob > 0.0 && uni_(rng_) < cfg_.r_idle_prob;
    ++beats_;
    if (++cur_->next == cur_->beats) {
      queue_.erase(cur_);
      r_burst_ = false;
    }
  }
}

}  // namespace sendoff::sim
