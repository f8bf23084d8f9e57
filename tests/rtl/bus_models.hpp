// SPDX-License-Identifier: MIT
// Bus-side helpers shared by the per-module RTL tests: byte access to Verilated vectors of
// any width, a seeded random source, clocking and reset, a checker for the AXI rule that an
// offered transfer stays offered and unchanged until taken, and an AXI4 read slave (random
// ARREADY, per-burst latency and R gaps, SLVERR on poisoned beats) and an AXI4 write slave
// (random AWREADY/WREADY, per-burst B latency, SLVERR on poisoned beats), both checking the
// master's side of the protocol.
#ifndef SENDOFF_TESTS_RTL_BUS_MODELS_HPP
#define SENDOFF_TESTS_RTL_BUS_MODELS_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <initializer_list>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "verilated.h"

namespace rtltest {

// The bytes of a Verilated vector, bit 0 in byte 0: Verilator stores vectors as
// little-endian words and x86 is little-endian, so the storage bytes are the vector's.
template <typename T>
uint8_t* bytes_of(T& v) {
  static_assert(std::is_integral_v<T>, "a Verilated vector of up to 64 bits");
  return reinterpret_cast<uint8_t*>(&v);
}
template <typename T>
const uint8_t* bytes_of(const T& v) {
  static_assert(std::is_integral_v<T>, "a Verilated vector of up to 64 bits");
  return reinterpret_cast<const uint8_t*>(&v);
}
template <std::size_t N>
uint8_t* bytes_of(VlWide<N>& v) {
  return reinterpret_cast<uint8_t*>(v.data());
}
template <std::size_t N>
const uint8_t* bytes_of(const VlWide<N>& v) {
  return reinterpret_cast<const uint8_t*>(v.data());
}

template <typename T>
bool bit_of(const T& v, unsigned i) {
  return (bytes_of(v)[i / 8] >> (i % 8)) & 1u;
}

// A seeded source of random stimulus; a probability of 1 draws nothing.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t operator()() { return g_(); }
  bool chance(double p) { return p >= 1.0 || (p > 0.0 && uni_(g_) < p); }
  // Uniform in [lo, hi].
  uint64_t range(uint64_t lo, uint64_t hi) { return lo + g_() % (hi - lo + 1); }

 private:
  std::mt19937_64 g_;
  std::uniform_real_distribution<double> uni_{0.0, 1.0};
};

// Registers without reset start random, from a fixed seed so that a run repeats.
inline void seed_context(VerilatedContext& ctx, uint64_t seed) {
  ctx.randReset(2);
  ctx.randSeed(int(seed % 1000000 + 1));
}

// A cycle is: inputs set, clock_low (outputs of this cycle settle, handshakes are read),
// clock_high (the rising edge).
template <class M>
void clock_low(M& m) {
  m.clk = 0;
  m.eval();
}
template <class M>
void clock_high(M& m) {
  m.clk = 1;
  m.eval();
}
template <class M>
void reset(M& m, int cycles = 4) {
  m.rst_n = 0;
  for (int i = 0; i < cycles; ++i) {
    clock_low(m);
    clock_high(m);
  }
  m.rst_n = 1;
}

// Protocol and data errors of a run, each with its cycle; the first ones are kept.
class Errors {
 public:
  void add(uint64_t cycle, const std::string& what) {
    if (n_++ < 20) list_ += "cycle " + std::to_string(cycle) + ": " + what + "\n";
  }
  bool empty() const { return n_ == 0; }
  std::string str() const { return std::to_string(n_) + " error(s)\n" + list_; }

 private:
  size_t n_ = 0;
  std::string list_;
};

struct Span {
  const uint8_t* p;
  size_t n;
};
template <typename T>
Span span_of(const T& v) {
  return {bytes_of(v), sizeof v};
}

// AXI rule for a source (AXI4 and AXI4-Stream alike): once valid is high it stays high,
// with the same payload, up to and including the cycle in which ready is high.
class HoldCheck {
 public:
  explicit HoldCheck(std::string name) : name_(std::move(name)) {}
  void cycle(uint64_t cyc, bool valid, bool ready, std::initializer_list<Span> payload, Errors& e) {
    std::vector<uint8_t> now;
    if (valid) {
      for (const Span& s : payload) now.insert(now.end(), s.p, s.p + s.n);
    }
    if (stalled_ && !valid) e.add(cyc, name_ + ": valid dropped before ready");
    if (stalled_ && valid && now != last_) e.add(cyc, name_ + ": payload changed before ready");
    stalled_ = valid && !ready;
    if (stalled_) last_ = std::move(now);
  }

 private:
  std::string name_;
  bool stalled_ = false;
  std::vector<uint8_t> last_;
};

struct AxiSlaveConfig {
  double ar_ready = 1.0;     // chance ARREADY is high in a cycle
  unsigned latency_min = 1;  // cycles from an AR handshake to the burst's first R beat
  unsigned latency_max = 1;
  double r_valid = 1.0;      // chance that a due R beat is offered in a cycle (R gaps)
  unsigned max_bursts = 16;  // bursts accepted and not finished; ARREADY low beyond
  // Beats [addr, addr + bus bytes) for which this is true answer SLVERR; none when empty.
  std::function<bool(uint64_t addr, unsigned n)> fault;
};

constexpr unsigned kRespSlverr = 2;

struct AxiBurst {
  uint64_t addr;
  unsigned beats;
  uint32_t id = 0;
};

// Whether a Verilated master has read IDs (m_axi_arid / m_axi_rid).
template <class M, class = void>
struct HasReadId : std::false_type {};
template <class M>
struct HasReadId<M, std::void_t<decltype(std::declval<M&>().m_axi_arid)>> : std::true_type {};

// AXI4 read slave for masters named m_axi_*: full-width INCR bursts from aligned addresses
// (what sendoff's masters issue). Bursts of different IDs are answered in the order they
// become due, those of one ID in the order asked (a master without ID ports has one ID, so
// its bursts return in order); a burst's beats are not interleaved with another's. Checks AR
// held until ARREADY, INCR, size = bus width, length <= the master's limit, no 4 KiB
// crossing; records every accepted burst. `mem(addr)` gives the byte at a byte address.
class AxiReadSlave {
 public:
  using MemFn = std::function<uint8_t(uint64_t)>;

  AxiReadSlave(unsigned bus_bytes, unsigned max_burst_beats, const AxiSlaveConfig& cfg,
               uint64_t seed, MemFn mem)
      : bytes_(bus_bytes),
        max_beats_(max_burst_beats),
        cfg_(cfg),
        rng_(seed),
        mem_(std::move(mem)) {}

  // Before clock_low: this cycle's ARREADY and R channel.
  template <class M>
  void drive(M& m) {
    m.m_axi_arready = queue_.size() < cfg_.max_bursts && rng_.chance(cfg_.ar_ready);
    if (!offered_ && !queue_.empty() && rng_.chance(cfg_.r_valid)) {
      if (!in_burst_) {
        cur_ = next_due();
        in_burst_ = cur_ < queue_.size();
        if (in_burst_ && cur_ > 0) ++reordered_;
      }
      offered_ = in_burst_;  // stays offered, unchanged, until RREADY
    }
    m.m_axi_rvalid = offered_;
    m.m_axi_rresp = 0;
    m.m_axi_rlast = 0;
    uint8_t* d = bytes_of(m.m_axi_rdata);
    if (offered_) {
      const Pending& b = queue_[cur_];
      if constexpr (HasReadId<M>::value) m.m_axi_rid = b.id;
      const uint64_t a = b.addr + uint64_t(b.next) * bytes_;
      for (unsigned i = 0; i < bytes_; ++i) d[i] = mem_(a + i);
      m.m_axi_rlast = b.next + 1 == b.beats;
      if (cfg_.fault && cfg_.fault(a, bytes_)) m.m_axi_rresp = kRespSlverr;
    } else {
      std::memset(d, 0xA5, bytes_);  // no beat: junk
    }
  }

  // After clock_low: this cycle's handshakes and the master's side of the protocol.
  template <class M>
  void sample(const M& m, Errors& e) {
    AxiBurst ar{uint64_t(m.m_axi_araddr), unsigned(m.m_axi_arlen) + 1};
    if constexpr (HasReadId<M>::value) ar.id = m.m_axi_arid;
    if (ar_pending_ && (!m.m_axi_arvalid || ar.addr != ar_held_.addr ||
                        ar.beats != ar_held_.beats || ar.id != ar_held_.id)) {
      e.add(cycle_, "AR dropped or changed before ARREADY");
    }
    ar_pending_ = m.m_axi_arvalid && !m.m_axi_arready;
    ar_held_ = ar;
    if (m.m_axi_arvalid && m.m_axi_arready) accept(ar, m.m_axi_arburst, m.m_axi_arsize, e);
    if (offered_ && m.m_axi_rready) {
      offered_ = false;
      --outstanding_;
      if (++queue_[cur_].next == queue_[cur_].beats) {
        queue_.erase(queue_.begin() + std::ptrdiff_t(cur_));
        in_burst_ = false;
      }
    }
    ++cycle_;
  }

  const std::vector<AxiBurst>& bursts() const { return bursts_; }
  uint64_t outstanding_beats() const { return outstanding_; }
  // Bursts answered before an older one: how much the reordering was exercised.
  uint64_t reordered() const { return reordered_; }

 private:
  struct Pending {
    uint64_t addr;
    unsigned beats;
    uint32_t id;
    uint64_t due;
    unsigned next = 0;
  };

  // The first queued burst that is due with no older burst of its ID queued; size() if none.
  size_t next_due() const {
    for (size_t i = 0; i < queue_.size(); ++i) {
      if (queue_[i].due > cycle_) continue;
      bool older = false;
      for (size_t o = 0; o < i && !older; ++o) older = queue_[o].id == queue_[i].id;
      if (!older) return i;
    }
    return queue_.size();
  }

  void accept(const AxiBurst& ar, unsigned burst, unsigned size, Errors& e) {
    std::ostringstream w;
    w << "AR 0x" << std::hex << ar.addr << std::dec << " x" << ar.beats << ": ";
    if (burst != 1) e.add(cycle_, w.str() + "not INCR");
    if ((1u << size) != bytes_) e.add(cycle_, w.str() + "size is not the bus width");
    if (ar.addr % bytes_ != 0) e.add(cycle_, w.str() + "not aligned to the bus width");
    if (ar.beats > max_beats_) e.add(cycle_, w.str() + "longer than the master's limit");
    if ((ar.addr >> 12) != ((ar.addr + uint64_t(ar.beats) * bytes_ - 1) >> 12)) {
      e.add(cycle_, w.str() + "crosses a 4 KiB boundary");
    }
    bursts_.push_back(ar);
    outstanding_ += ar.beats;
    const uint64_t due = cycle_ + rng_.range(cfg_.latency_min, cfg_.latency_max);
    queue_.push_back(Pending{ar.addr, ar.beats, ar.id, due});
  }

  unsigned bytes_, max_beats_;
  AxiSlaveConfig cfg_;
  Rng rng_;
  MemFn mem_;
  uint64_t cycle_ = 0;
  std::deque<Pending> queue_;  // accepted, not finished, in AR order
  size_t cur_ = 0;             // the burst being answered, when in_burst_
  bool in_burst_ = false;
  bool offered_ = false;
  bool ar_pending_ = false;
  AxiBurst ar_held_{0, 0, 0};
  std::vector<AxiBurst> bursts_;
  uint64_t outstanding_ = 0;
  uint64_t reordered_ = 0;
};

struct AxiWriteSlaveConfig {
  double aw_ready = 1.0;     // chance AWREADY is high in a cycle
  double w_ready = 1.0;      // chance WREADY is high in a cycle
  unsigned latency_min = 1;  // cycles from a burst's last W beat to its B response
  unsigned latency_max = 1;
  // Beats [addr, addr + bus bytes) for which this is true answer SLVERR and write nothing.
  std::function<bool(uint64_t addr, unsigned n)> fault;
};

// One W beat as the slave took it: the beat's aligned address, its bytes and strobes.
struct AxiWriteBeat {
  uint64_t addr;
  std::vector<uint8_t> data;
  std::vector<bool> strb;
  bool error;  // answered SLVERR: nothing written
};

// AXI4 write slave for masters named m_axi_aw*/w*/b*: INCR bursts of full-width beats, W
// beats in AW order (AXI4 has no W interleaving; a beat may come before its AW), B in burst
// order after a random latency. Checks AW and W held until ready, INCR, size = bus width,
// WLAST on a burst's last beat only, no 4 KiB crossing; `mem(addr, byte)`
// stores each strobed byte of a beat that is not poisoned.
class AxiWriteSlave {
 public:
  using StoreFn = std::function<void(uint64_t, uint8_t)>;

  AxiWriteSlave(unsigned bus_bytes, const AxiWriteSlaveConfig& cfg, uint64_t seed, StoreFn mem)
      : bytes_(bus_bytes), cfg_(cfg), rng_(seed), mem_(std::move(mem)) {}

  // Before clock_low: this cycle's AWREADY, WREADY and B channel.
  template <class M>
  void drive(M& m) {
    m.m_axi_awready = rng_.chance(cfg_.aw_ready);
    m.m_axi_wready = rng_.chance(cfg_.w_ready);
    if (!b_offered_ && !b_queue_.empty() && b_queue_.front().due <= cycle_) b_offered_ = true;
    m.m_axi_bvalid = b_offered_;
    m.m_axi_bresp = b_offered_ && b_queue_.front().error ? kRespSlverr : 0;
    m.m_axi_bid = b_offered_ ? b_queue_.front().id : 0;
  }

  // After clock_low: this cycle's handshakes and the master's side of the protocol.
  template <class M>
  void sample(const M& m, Errors& e) {
    AxiBurst aw{uint64_t(m.m_axi_awaddr), unsigned(m.m_axi_awlen) + 1, uint32_t(m.m_axi_awid)};
    if (aw_pending_ && (!m.m_axi_awvalid || aw.addr != aw_held_.addr ||
                        aw.beats != aw_held_.beats || aw.id != aw_held_.id)) {
      e.add(cycle_, "AW dropped or changed before AWREADY");
    }
    aw_pending_ = m.m_axi_awvalid && !m.m_axi_awready;
    aw_held_ = aw;
    if (m.m_axi_awvalid && m.m_axi_awready) {
      std::ostringstream w;
      w << "AW 0x" << std::hex << aw.addr << std::dec << " x" << aw.beats << ": ";
      if (m.m_axi_awburst != 1) e.add(cycle_, w.str() + "not INCR");
      if ((1u << m.m_axi_awsize) != bytes_) e.add(cycle_, w.str() + "size is not the bus width");
      const uint64_t first = aw.addr & ~uint64_t(bytes_ - 1);
      if ((aw.addr >> 12) != ((first + uint64_t(aw.beats) * bytes_ - 1) >> 12))
        e.add(cycle_, w.str() + "crosses a 4 KiB boundary");
      bursts_.push_back(aw);
      w_queue_.push_back(Open{aw, first, 0, false});
    }
    const uint8_t* d = bytes_of(m.m_axi_wdata);
    const uint8_t* st = bytes_of(m.m_axi_wstrb);
    std::vector<uint8_t> now;
    if (m.m_axi_wvalid) {
      now.assign(d, d + bytes_);
      now.insert(now.end(), st, st + bytes_ / 8);
      now.push_back(uint8_t(m.m_axi_wlast));
    }
    if (w_stalled_ && !m.m_axi_wvalid) e.add(cycle_, "W dropped before WREADY");
    if (w_stalled_ && m.m_axi_wvalid && now != w_held_) e.add(cycle_, "W changed before WREADY");
    w_stalled_ = m.m_axi_wvalid && !m.m_axi_wready;
    if (w_stalled_) w_held_ = now;
    if (m.m_axi_wvalid && m.m_axi_wready) {
      // AXI4 lets a beat come before its AW: it waits for its burst (idle() is false while
      // one waits, so a beat without a burst shows at the end of a run).
      early_.push_back(now);
    }
    while (!early_.empty() && !w_queue_.empty()) {
      take_beat(early_.front(), e);
      early_.pop_front();
    }
    if (b_offered_ && m.m_axi_bready) {
      b_offered_ = false;
      b_queue_.pop_front();
      ++responses_;
    }
    ++cycle_;
  }

  const std::vector<AxiBurst>& bursts() const { return bursts_; }
  const std::vector<AxiWriteBeat>& beats() const { return beats_; }
  uint64_t responses() const { return responses_; }
  bool idle() const { return w_queue_.empty() && b_queue_.empty() && early_.empty(); }

 private:
  struct Open {
    AxiBurst aw;
    uint64_t next_addr;
    unsigned taken;
    bool error;
  };
  struct Resp {
    uint32_t id;
    bool error;
    uint64_t due;
  };

  void take_beat(const std::vector<uint8_t>& b, Errors& e) {
    Open& o = w_queue_.front();
    const bool last = b[bytes_ + bytes_ / 8] != 0;
    AxiWriteBeat wb{o.next_addr, std::vector<uint8_t>(b.begin(), b.begin() + bytes_),
                    std::vector<bool>(bytes_), false};
    for (unsigned i = 0; i < bytes_; ++i) wb.strb[i] = (b[bytes_ + i / 8] >> (i % 8)) & 1;
    wb.error = cfg_.fault && cfg_.fault(o.next_addr, bytes_);
    if (!wb.error) {
      for (unsigned i = 0; i < bytes_; ++i)
        if (wb.strb[i]) mem_(o.next_addr + i, wb.data[i]);
    }
    o.error = o.error || wb.error;
    beats_.push_back(std::move(wb));
    o.next_addr += bytes_;
    ++o.taken;
    if (last != (o.taken == o.aw.beats)) e.add(cycle_, "WLAST not on the burst's last beat");
    if (last || o.taken == o.aw.beats) {
      b_queue_.push_back(Resp{o.aw.id, o.error, cycle_ + rng_.range(cfg_.latency_min,
                                                                    cfg_.latency_max)});
      w_queue_.pop_front();
    }
  }

  unsigned bytes_;
  AxiWriteSlaveConfig cfg_;
  Rng rng_;
  StoreFn mem_;
  uint64_t cycle_ = 0;
  bool aw_pending_ = false;
  AxiBurst aw_held_{0, 0, 0};
  bool w_stalled_ = false;
  std::vector<uint8_t> w_held_;
  std::deque<Open> w_queue_;                 // bursts whose W beats are not all in
  std::deque<std::vector<uint8_t>> early_;  // W beats that came before their AW
  std::deque<Resp> b_queue_;
  bool b_offered_ = false;
  std::vector<AxiBurst> bursts_;
  std::vector<AxiWriteBeat> beats_;
  uint64_t responses_ = 0;
};

}  // namespace rtltest

#endif  // SENDOFF_TESTS_RTL_BUS_MODELS_HPP
