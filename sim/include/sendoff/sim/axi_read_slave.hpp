// SPDX-License-Identifier: MIT
// AXI4 read slave serving a Memory: AR accepted with a programmable probability, first R
// beat a fixed latency after AR, random R gaps, bursts in order. Checks the master's side
// of the protocol (INCR only, no 4 KiB crossing, size <= bus width, AR held until ready).
#ifndef SENDOFF_SIM_AXI_READ_SLAVE_HPP
#define SENDOFF_SIM_AXI_READ_SLAVE_HPP

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "sendoff/sim/memory.hpp"

namespace sendoff::sim {

// The read channels' signals, from the slave's side; copied to and from the model.
struct AxiReadPins {
  // master -> slave
  uint64_t araddr = 0;
  uint8_t arlen = 0;
  uint8_t arsize = 0;
  uint8_t arburst = 0;
  bool arvalid = false;
  bool rready = false;
  // slave -> master
  bool arready = false;
  std::vector<uint32_t> rdata;
  uint8_t rresp = 0;
  bool rlast = false;
  bool rvalid = false;
};

struct AxiReadConfig {
  unsigned latency = 16;         // cycles from AR handshake to the first R beat
  double ar_ready_prob = 1.0;    // chance arready is high in a cycle
  double r_valid_prob = 1.0;     // chance a due R beat is offered in a cycle
  unsigned max_bursts = 64;      // bursts accepted and not finished
  uint64_t seed = 1;
};

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
    uint64_t addr;
    unsigned beats;
    unsigned size_bytes;
    uint64_t due;
    unsigned next = 0;
  };
  void fill_beat(const Burst& b, AxiReadPins& pins);
  void error(const std::string& msg);

  Memory& mem_;
  unsigned bytes_;
  AxiReadConfig cfg_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uni_{0.0, 1.0};
  std::deque<Burst> queue_;
  bool ar_pending_ = false;      // AR offered and not taken: must stay the same
  uint64_t ar_addr_ = 0;
  uint8_t ar_len_ = 0, ar_size_ = 0;
  std::vector<uint8_t> beat_;    // one beat's bytes, reused
  bool r_offered_ = false;
  std::vector<std::string> errors_;
  uint64_t bursts_ = 0, beats_ = 0;
};

}  // namespace sendoff::sim

#endif  // SENDOFF_SIM_AXI_READ_SLAVE_HPP
