// SPDX-License-Identifier: MIT
// C/RTL co-simulation as a Device (`--cosim`): the device under test (the
// verilator back end) and a reference model (csim) run side by side. Every
// register access and DMA sync goes to both, each with its own memory holding
// the same bytes; their frames are compared in order, and only frames both
// sent identically reach the sink. At the first difference (or a frame one of
// them sent and the other did not) both are printed to stderr and fault()
// stays set: the driver then refuses further sends with EIO. Whenever both
// NICs are idle (and in fault(), which the CLI asks after its last flush) the
// counters must agree too: frames, bytes, drops, desc_errors, wb_errors (zero on both or on
// neither: how many write-backs fail depends on coalescing) and the ring tail; and the tail
// write-back word must be equal. While they run, each side's write-back word must only move
// forward and never pass its RING_TAIL (checked at every wait_progress).
#ifndef SENDOFF_HOST_DEVICE_COSIM_DEVICE_HPP
#define SENDOFF_HOST_DEVICE_COSIM_DEVICE_HPP

#include <functional>
#include <memory>
#include <string>

#include "sendoff/device.hpp"

namespace sendoff {

// Makes a back end that delivers its frames to the given sink.
using DeviceFactory = std::function<std::unique_ptr<Device>(FrameSink*)>;

// On failure returns nullptr and sets *err. sink may be null.
std::unique_ptr<Device> make_cosim_device(const DeviceFactory& dut, const DeviceFactory& model,
                                          FrameSink* sink, std::string* err);

// Both frames in hex, 16 bytes a line, after a line naming the first differing
// byte offset (exposed for tests).
std::string format_frame_diff(const std::string& name_a, const uint8_t* a, size_t a_len,
                              const std::string& name_b, const uint8_t* b, size_t b_len);

}  // namespace sendoff

#endif  // SENDOFF_HOST_DEVICE_COSIM_DEVICE_HPP
