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

// ------------------------------------------------------------------------- write slave

AxiWriteConfig realistic_write_memory(uint64_t seed, bool jitter) {
  AxiWriteConfig c;
  c.latency = 32;
  c.latency_max = 160;
  if (jitter) {
    c.aw_ready_prob = 0.7;
    c.w_ready_prob = 0.7;
  }
  c.seed = seed;
  return c;
}

AxiWriteSlave::AxiWriteSlave(Memory& mem, unsigned data_bits, const AxiWriteConfig& cfg)
    : mem_(mem), bytes_(data_bits / 8), cfg_(cfg), rng_(cfg.seed ^ 0x5752u) {}

void AxiWriteSlave::set_config(const AxiWriteConfig& cfg) {
  cfg_ = cfg;
  rng_.seed(cfg.seed ^ 0x5752u);
}

void AxiWriteSlave::error(const std::string& msg) {
  if (errors_.size() < 32) errors_.push_back(msg);
}

void AxiWriteSlave::drive(AxiWritePins& pins, uint64_t cycle) {
  pins.awready = cfg_.aw_ready_prob >= 1.0 || uni_(rng_) < cfg_.aw_ready_prob;
  pins.wready = cfg_.w_ready_prob >= 1.0 || uni_(rng_) < cfg_.w_ready_prob;
  if (!b_offered_ && !resp_.empty() && resp_.front().due <= cycle) b_offered_ = true;
  pins.bvalid = b_offered_;
  pins.bid = b_offered_ ? resp_.front().id : 0;
  pins.bresp = b_offered_ && resp_.front().error ? 2 : 0;
}

void AxiWriteSlave::take_beat(const AxiWritePins& pins, uint64_t cycle) {
  Open& o = open_.front();
  const uint64_t a = o.next;
  const uint64_t end = (a & ~uint64_t(o.size - 1)) + o.size;  // this beat's last byte + 1
  auto strobed = [&pins](uint64_t lane) { return (pins.wstrb[lane / 32] >> (lane % 32)) & 1u; };
  // Lanes of the transfer: [a, end) mapped onto the bus by address.
  uint64_t first = end, n = 0;
  for (uint64_t x = a; x < end; ++x) {
    if (!strobed(x % bytes_)) continue;
    if (first == end) first = x;
    ++n;
  }
  uint8_t* p = mem_.at(a, end - a);
  const bool bad = p == nullptr || cfg_.fault.overlaps(a, end - a);
  if (!bad) {
    const uint8_t* d = reinterpret_cast<const uint8_t*>(pins.wdata.data());
    // Eight-byte pieces from the beat's last to its first: a receive completion's second half
    // (index, hash) lands before its first (length, flags with the GEN bit), which the driver
    // reads with one 64-bit acquire load, as the csim back end publishes it.
    const uint64_t top = (end - 1) & ~uint64_t(7);
    for (uint64_t c = top + 8; c > (a & ~uint64_t(7));) {
      c -= 8;
      const uint64_t lo = c < a ? a : c, hi = c + 8 < end ? c + 8 : end;
      const uint64_t lane = c % bytes_;
      bool whole = lo == c && hi == c + 8;
      for (unsigned k = 0; whole && k < 8; ++k) whole = strobed(lane + k);
      if (whole) {
        uint64_t v;
        std::memcpy(&v, d + lane, 8);
        __atomic_store_n(reinterpret_cast<uint64_t*>(p + (c - a)), v, __ATOMIC_RELEASE);
        continue;
      }
      for (uint64_t x = lo; x < hi;) {
        const uint64_t l = x % bytes_;
        if (x % 4 == 0 && hi - x >= 4 && strobed(l) && strobed(l + 1) && strobed(l + 2) &&
            strobed(l + 3)) {
          uint32_t v;
          std::memcpy(&v, d + l, 4);
          __atomic_store_n(reinterpret_cast<uint32_t*>(p + (x - a)), v, __ATOMIC_RELEASE);
          x += 4;
        } else {
          if (strobed(l)) __atomic_store_n(p + (x - a), d[l], __ATOMIC_RELEASE);
          x += 1;
        }
      }
    }
  }
  AxiWriteRecord r{first, unsigned(n), 0, bad};
  if (n != 0) {
    const uint8_t* d = reinterpret_cast<const uint8_t*>(pins.wdata.data());
    for (unsigned k = 0; k < 4 && first + k < end; ++k)
      r.first4 |= uint32_t(d[(first + k) % bytes_]) << (8 * k);
  }
  log_.push_back(r);
  if (log_.size() > 65536) log_.pop_front();
  ++beats_;
  o.error = o.error || bad;
  o.next = end;
  ++o.taken;
  const bool last_beat = o.taken == o.beats;
  if (pins.wlast != last_beat) error("WLAST not on the burst's last beat");
  if (last_beat) {
    unsigned latency = cfg_.latency;
    if (cfg_.latency_max > cfg_.latency)
      latency += unsigned(rng_() % (cfg_.latency_max - cfg_.latency + 1));
    resp_.push_back(Resp{o.id, o.error, cycle + latency});
    open_.pop_front();
  }
}

void AxiWriteSlave::sample(const AxiWritePins& pins, uint64_t cycle) {
  if (aw_pending_ && (!pins.awvalid || pins.awaddr != held_.awaddr || pins.awlen != held_.awlen ||
                      pins.awsize != held_.awsize || pins.awid != held_.awid)) {
    error("AW changed or dropped before awready");
  }
  if (w_pending_ && (!pins.wvalid || pins.wdata != held_.wdata || pins.wstrb != held_.wstrb ||
                     pins.wlast != held_.wlast)) {
    error("W changed or dropped before wready");
  }
  aw_pending_ = pins.awvalid && !pins.awready;
  w_pending_ = pins.wvalid && !pins.wready;
  if (aw_pending_ || w_pending_) held_ = pins;
  if (pins.awvalid && pins.awready) {
    const unsigned size = 1u << pins.awsize;
    std::ostringstream w;
    w << "AW addr 0x" << std::hex << pins.awaddr << " len " << std::dec << unsigned(pins.awlen);
    if (pins.awburst != 1) error(w.str() + ": burst type is not INCR");
    if (size > bytes_) error(w.str() + ": size wider than the bus");
    const uint64_t last = (pins.awaddr & ~uint64_t(size - 1)) + uint64_t(pins.awlen) * size + size - 1;
    if ((pins.awaddr >> 12) != (last >> 12)) error(w.str() + ": crosses 4 KiB");
    open_.push_back(Open{pins.awid, pins.awaddr, unsigned(pins.awlen) + 1, 0, size, false});
    ++bursts_;
  }
  // AXI4 lets W come before its AW: such beats wait here for their burst.
  if (pins.wvalid && pins.wready) early_.push_back(pins);
  while (!early_.empty() && !open_.empty()) {
    take_beat(early_.front(), cycle);
    early_.pop_front();
  }
  if (early_.size() > 256) {
    error("W beats with no burst");
    early_.clear();
  }
  if (b_offered_ && pins.bready) {
    b_offered_ = false;
    resp_.pop_front();
  }
}

}  // namespace sendoff::sim
