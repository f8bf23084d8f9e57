// SPDX-License-Identifier: MIT
// The verilator back end of sendoff::Device: the Verilated sendoff_tx_top (see
// tx_top_sim.hpp) behind the driver's interface. The model only runs inside calls: register
// accesses take their AXI4-Lite cycles, wait_progress() runs the clock until RING_TAIL
// moves, the NIC goes idle or the time is up. Frames go to the sink as they leave the port.
#ifndef SENDOFF_SIM_VERILATOR_DEVICE_HPP
#define SENDOFF_SIM_VERILATOR_DEVICE_HPP

#include <memory>

#include "sendoff/device.hpp"
#include "sendoff/frame_sink.hpp"
#include "sendoff/sim/tx_top_sim.hpp"

namespace sendoff {

std::unique_ptr<Device> make_verilator_device(FrameSink* sink);
// The same with the harness configured: bus latencies, MAC backpressure, seed (tests).
std::unique_ptr<Device> make_verilator_device(FrameSink* sink, const sim::TxTopSimConfig& cfg);

}  // namespace sendoff

#endif  // SENDOFF_SIM_VERILATOR_DEVICE_HPP
