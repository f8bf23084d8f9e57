// SPDX-License-Identifier: MIT
// The Verilated sendoff_tx_top with its surroundings: one device memory served by two AXI4
// read slaves (descriptor and payload ports) and two AXI4 write slaves (the tail write-back;
// the receive path), an AXI4-Lite master for the registers, an AXI4-Stream sink for the MAC's
// TX side and a frame source for its RX side. One call to step() is one clock cycle.
#ifndef SENDOFF_SIM_TX_TOP_SIM_HPP
#define SENDOFF_SIM_TX_TOP_SIM_HPP

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sendoff/sim/axi_read_slave.hpp"
#include "sendoff/sim/axil_master.hpp"
#include "sendoff/sim/axis_sink.hpp"
#include "sendoff/sim/memory.hpp"

class VerilatedContext;
class Vsendoff_tx_top;
class VerilatedFstC;

namespace sendoff::sim {

// Device memory the model was built for (its DevMemBytes): rings and payloads outside
// [0, kDevMemBytes) are refused, as by the HLS model with the same SENDOFF_DEV_MEM_BYTES.
constexpr uint64_t kDevMemBytes = SENDOFF_SIM_DEV_MEM_BYTES;

struct TxTopSimConfig {
  uint64_t mem_base = 0;
  size_t mem_size = kDevMemBytes;
  AxiReadConfig desc_port;
  AxiReadConfig data_port;
  AxiWriteConfig wr_port;
  AxiWriteConfig rx_port;  // the receive path's write master (m_axi_rx)
  // Idle cycles the MAC leaves after each received frame (preamble and IFG: 20 bytes a frame
  // are 0.3 cycles at 64 bytes a cycle, so 0 is faster than any line rate).
  unsigned rx_gap_cycles = 0;
  double sink_ready_prob = 1.0;
  uint64_t seed = 1;
  // FST trace file (else $SENDOFF_RTL_FST); check it with fst_trace_problem() first.
  std::string fst_path;
};

// Empty when an FST trace can be written to `path`; else one line saying why not (tracing
// not compiled in: SENDOFF_RTL_TRACE=OFF; the file cannot be created).
std::string fst_trace_problem(const std::string& path);

class TxTopSim {
 public:
  // The model's stream and AXI read data width (SENDOFF_DATA_WIDTH: 512 or 1024).
  static constexpr unsigned kDataBits = SENDOFF_SIM_DATA_WIDTH;

  explicit TxTopSim(const TxTopSimConfig& cfg = {});
  ~TxTopSim();
  TxTopSim(const TxTopSim&) = delete;
  TxTopSim& operator=(const TxTopSim&) = delete;

  void reset(unsigned cycles = 8);
  void step(uint64_t n = 1);
  uint64_t cycle() const { return cycle_; }
  // Steps until pred() holds; false when max_cycles passed first. A template, not a
  // std::function: it runs once per simulated cycle.
  template <typename Pred>
  bool run_until(Pred&& pred, uint64_t max_cycles) {
    for (uint64_t i = 0; i < max_cycles; ++i) {
      if (pred()) return true;
      step();
    }
    return pred();
  }

  // Register access through the AXI4-Lite port; each takes a few cycles.
  uint32_t reg_read(uint32_t off);
  void reg_write(uint32_t off, uint32_t val);

  Memory& memory() { return mem_; }
  AxisSink& sink() { return sink_; }
  AxiReadSlave& desc_port() { return desc_; }
  AxiReadSlave& data_port() { return data_; }
  AxiWriteSlave& wr_port() { return wr_; }
  AxiWriteSlave& rx_port() { return rx_wr_; }
  // A frame from the wire (FCS included), driven into s_axis_rx a beat a cycle after the
  // frames queued before it; the MAC never waits.
  void mac_rx(std::vector<uint8_t> frame) { rx_q_.push_back(std::move(frame)); }
  // Frames queued and not yet wholly driven.
  size_t rx_queued() const { return rx_q_.size(); }
  uint64_t rx_beats() const { return rx_beats_; }
  // Protocol errors seen by any bus model.
  std::vector<std::string> errors() const;

 private:
  void copy_in();
  void copy_out();
  void drive_rx();

  TxTopSimConfig cfg_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vsendoff_tx_top> top_;
  std::unique_ptr<VerilatedFstC> fst_;
  Memory mem_;
  AxiReadSlave desc_, data_;
  AxiWriteSlave wr_, rx_wr_;
  AxilMaster axil_;
  AxisSink sink_;
  AxiReadPins desc_pins_, data_pins_;
  AxiWritePins wr_pins_, rx_pins_;
  std::deque<std::vector<uint8_t>> rx_q_;
  size_t rx_off_ = 0;
  unsigned rx_gap_ = 0;
  uint64_t rx_beats_ = 0;
  AxilPins axil_pins_;
  AxisPins axis_pins_;
  bool rst_n_ = false;
  uint64_t cycle_ = 0;
};

}  // namespace sendoff::sim

#endif  // SENDOFF_SIM_TX_TOP_SIM_HPP
