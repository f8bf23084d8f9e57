// SPDX-License-Identifier: MIT
// AXI4-Stream sink standing in for the MAC: random backpressure, frame collection and
// protocol checks (tkeep contiguous from lane 0, full on all but the last beat; a beat
// offered stays unchanged until taken; tvalid high from a frame's first to last beat).
#ifndef SENDOFF_SIM_AXIS_SINK_HPP
#define SENDOFF_SIM_AXIS_SINK_HPP

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace sendoff::sim {

struct AxisPins {
  std::vector<uint32_t> tdata;
  std::vector<uint32_t> tkeep;
  bool tlast = false;
  bool tvalid = false;
  bool tready = false;
};

struct AxisFrame {
  std::vector<uint8_t> bytes;
  uint64_t first_cycle = 0;  // cycle of the first beat's handshake
  uint64_t last_cycle = 0;   // cycle of the tlast handshake
};

class AxisSink {
 public:
  AxisSink(unsigned data_bits, double ready_prob, uint64_t seed);

  void set_ready_prob(double p) { ready_prob_ = p; }
  void drive(AxisPins& pins);
  void sample(const AxisPins& pins, uint64_t cycle);

  std::deque<AxisFrame>& frames() { return frames_; }
  const std::vector<std::string>& errors() const { return errors_; }
  uint64_t beats() const { return beats_; }
  bool in_frame() const { return in_frame_; }

 private:
  void error(const std::string& msg);

  unsigned bytes_;
  double ready_prob_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uni_{0.0, 1.0};
  bool in_frame_ = false;
  bool held_ = false;  // last cycle offered a beat that was not taken
  AxisPins last_;
  AxisFrame cur_;
  std::deque<AxisFrame> frames_;
  std::vector<std::string> errors_;
  uint64_t beats_ = 0;
};

}  // namespace sendoff::sim

#endif  // SENDOFF_SIM_AXIS_SINK_HPP
