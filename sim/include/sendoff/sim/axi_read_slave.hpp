// SPDX-License-Identifier: MIT
// AXI4 read and write slaves serving a Memory. Read: AR accepted with a programmable probability, first R
// beat a latency after AR drawn per burst, random R gaps, SLVERR for beats that touch a
// poisoned range (read_fault.hpp). As AXI4 allows, bursts of different IDs are answered in
// the order they become due, those of one ID in the order asked; a burst's beats are never
// interleaved with another's. A master with one ID sees every burst in order. Checks the master's side of the protocol
// (INCR only, no 4 KiB crossing, size <= bus width, AR held until ready); every random
// choice comes from the seed, so a run repeats.
#ifndef SENDOFF_SIM_AXI_READ_SLAVE_HPP
#define SENDOFF_SIM_AXI_READ_SLAVE_HPP

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "sendoff/read_fault.hpp"
#include "sendoff/sim/memory.hpp"

namespace sendoff::sim {

// The read channels' signals, from the slave's side; copied to and from the model.
struct AxiReadPins {
  // master -> slave
  uint32_t arid = 0;
  uint64_t araddr = 0;
  uint8_t arlen = 0;
  uint8_t arsize = 0;
  uint8_t arburst = 0;
  bool arvalid = false;
  bool rready = false;
  // slave -> master
  bool arready = false;
  uint32_t rid = 0;
  std::vector<uint32_t> rdata;
  uint8_t rresp = 0;
  bool rlast = false;
  bool rvalid = false;
};

struct AxiReadConfig {
  unsigned latency = 16;         // cycles from AR handshake to the first R beat
  unsigned latency_max = 0;      // > latency: each burst's latency uniform in [latency, this]
  double ar_ready_prob = 1.0;    // chance arready is high in a cycle
  double r_valid_prob = 1.0;     // chance a due R beat is offered in a cycle
  double r_idle_prob = 0.0;      // chance of one idle R cycle after a beat
  unsigned max_bursts = 64;      // bursts accepted and not finished; arready low beyond
  ReadFaultRange fault;          // beats touching it answer SLVERR
  uint64_t seed = 1;
};

// The realistic memory of issue 8, fixed so that it cannot be tuned to pass: device memory
// behind an interconnect, read latency uniform in 32..160 cycles per burst, at most 64 bursts
// outstanding, one idle R cycle after a random 5% of beats. `jitter` adds random ARREADY
// (the co-simulation's --mem-jitter). Bursts never cross 4 KiB: a master that asks is failed.
AxiReadConfig realistic_memory(uint64_t seed, bool jitter = false);

class AxiReadSlave {
 public:
  AxiReadSlave(Memory& mem, unsigned data_bits, const AxiReadConfig& cfg);

  void set_config(const AxiReadConfig& cfg);
  // Before the clock edge: sets this cycle's arready and R channel in pins.
  void drive(AxiReadPins& pins, uint64_t cycle);
  // After the inputs settled: takes this cycle's handshakes.
  void sample(const AxiReadPins& pins, uint64_t cycle);

  const std::vector<std::string>& errors() const { return errors_; }
  uint64_t bursts() const { return bursts_; }
  uint64_t beats() const { return beats_; }
  bool idle() const { return queue_.empty(); }

 private:
  struct Burst {
    uint32_t id;
    uint64_t addr;
    unsigned beats;
    unsigned size_bytes;
    uint64_t due;
    unsigned next = 0;
  };
  void fill_beat(const Burst& b, AxiReadPins& pins);
  // The burst to answer next: the first in queue_ that is due and has no older burst of its
  // ID still queued; queue_.end() when none is.
  std::deque<Burst>::iterator next_due(uint64_t cycle);
  void error(const std::string& msg);

  Memory& mem_;
  unsigned bytes_;
  AxiReadConfig cfg_;
  bool r_idle_ = false;          // the cycle after a beat chosen to leave one idle
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uni_{0.0, 1.0};
  std::deque<Burst> queue_;         // accepted, not finished, in AR order
  std::deque<Burst>::iterator cur_; // the burst being answered, when r_burst_
  bool r_burst_ = false;            // a burst has started and not ended
  bool ar_pending_ = false;      // AR offered and not taken: must stay the same
  uint64_t ar_addr_ = 0;
  uint8_t ar_len_ = 0, ar_size_ = 0;
  uint32_t ar_id_ = 0;
  std::vector<uint8_t> beat_;    // one beat's bytes, reused
  bool r_offered_ = false;
  std::vector<std::string> errors_;
  uint64_t bursts_ = 0, beats_ = 0;
};

// The write channels' signals, from the slave's side.
struct AxiWritePins {
  // master -> slave
  uint32_t awid = 0;
  uint64_t awaddr = 0;
  uint8_t awlen = 0;
  uint8_t awsize = 0;
  uint8_t awburst = 0;
  bool awvalid = false;
  std::vector<uint32_t> wdata;
  std::vector<uint32_t> wstrb;  // one bit a byte lane, 32 lanes a word
  bool wlast = false;
  bool wvalid = false;
  bool bready = false;
  // slave -> master
  bool awready = false;
  bool wready = false;
  uint32_t bid = 0;
  uint8_t bresp = 0;
  bool bvalid = false;
};

struct AxiWriteConfig {
  unsigned latency = 4;        // cycles from a burst's last W beat to its B response
  unsigned latency_max = 0;    // > latency: each burst's latency uniform in [latency, this]
  double aw_ready_prob = 1.0;  // chance awready is high in a cycle
  double w_ready_prob = 1.0;   // chance wready is high in a cycle
  ReadFaultRange fault;        // beats touching it answer SLVERR and write nothing
  uint64_t seed = 1;
};

// The realistic memory's write side: B 32..160 cycles after a burst's last beat; `jitter`
// adds random AWREADY and WREADY.
AxiWriteConfig realistic_write_memory(uint64_t seed, bool jitter = false);

// One write as the memory took it: the first strobed byte's address, how many bytes were
// strobed in the beat, and the (up to) four bytes from there, little-endian.
struct AxiWriteRecord {
  uint64_t addr;
  unsigned bytes;
  uint32_t first4;
  bool error;
};

// AXI4 write slave on a Memory: INCR bursts, W beats in AW order, B in burst order after a
// latency drawn per burst. The host may read the memory from another thread while the model
// writes it, so an aligned 64-bit word strobed whole is stored as one release store, then 32-bit
// words likewise (read them with an acquire load), other bytes one by one; a beat's 64-bit
// pieces are stored from its last to its first (a receive completion's GEN half last). Checks the master's
// side (AW/W held until ready, INCR, size <= bus width, no 4 KiB crossing, WLAST on the last
// beat only); W beats may come before their AW, as AXI4 allows; beats with a byte in the poisoned range or outside the memory answer SLVERR.
class AxiWriteSlave {
 public:
  AxiWriteSlave(Memory& mem, unsigned data_bits, const AxiWriteConfig& cfg);

  void set_config(const AxiWriteConfig& cfg);
  void drive(AxiWritePins& pins, uint64_t cycle);
  void sample(const AxiWritePins& pins, uint64_t cycle);

  const std::vector<std::string>& errors() const { return errors_; }
  // Every beat taken, oldest first (the last 65536).
  const std::deque<AxiWriteRecord>& log() const { return log_; }
  uint64_t bursts() const { return bursts_; }
  uint64_t beats() const { return beats_; }  // W beats taken
  bool idle() const { return open_.empty() && resp_.empty() && early_.empty(); }

 private:
  struct Open {
    uint32_t id;
    uint64_t next;       // the next beat's address (the first may be unaligned)
    unsigned beats, taken, size;
    bool error;
  };
  struct Resp {
    uint32_t id;
    bool error;
    uint64_t due;
  };
  void take_beat(const AxiWritePins& pins, uint64_t cycle);
  void error(const std::string& msg);

  Memory& mem_;
  unsigned bytes_;
  AxiWriteConfig cfg_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uni_{0.0, 1.0};
  std::deque<Open> open_;
  std::deque<Resp> resp_;
  std::deque<AxiWritePins> early_;  // W beats taken before their AW
  bool b_offered_ = false;
  bool aw_pending_ = false, w_pending_ = false;
  AxiWritePins held_;
  std::deque<AxiWriteRecord> log_;
  uint64_t beats_ = 0;
  std::vector<std::string> errors_;
  uint64_t bursts_ = 0;
};

}  // namespace sendoff::sim

#endif  // SENDOFF_SIM_AXI_READ_SLAVE_HPP
