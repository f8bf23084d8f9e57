// SPDX-License-Identifier: MIT
// C++ entry to the process-wide stack behind the so_* API (sendoff.h).
#ifndef SENDOFF_STACK_HPP
#define SENDOFF_STACK_HPP

#include <cstdint>
#include <functional>
#include <string>

#include "sendoff/device.hpp"
#include "sendoff/netconf.hpp"

namespace sendoff {

// Opens the stack on a new device made from opts. Returns true, or false with
// *err set to one line for a human. Fails if a stack is already open.
bool stack_init(const NetConfig& cfg, const DeviceOptions& opts, std::string* err);
// Waits for the NIC to drain, then closes every socket and the device.
void stack_fini();
// Replaces the configuration of the open stack (routes, neighbours, MTU):
// cached routes made under the old one are not used again (rt_genid). The
// MAC address cannot change while the NIC is open. False with *err set.
bool stack_reconfigure(const NetConfig& cfg, std::string* err);
// Waits until the NIC has consumed every posted descriptor.
void stack_flush();

// --trace: called once per layer a send passes, with the layer's Linux name
// and its result (bytes, 0, or -errno) and a short detail.
using TraceFn = std::function<void(const char* layer, long result, const std::string& detail)>;
void stack_set_trace(TraceFn fn);
// The NIC's busy-poll time in microseconds (default 200): while it polls, a
// send rings the doorbell without a wake-up (no syscall).
void stack_set_busy_poll(uint32_t us);

// NIC counters read from the device registers.
struct NicCounters {
  uint64_t frames = 0, bytes = 0;
  uint32_t drops = 0, desc_errors = 0;
};
NicCounters stack_counters();
// The device's fault (Device::fault()): empty while it is healthy.
std::string stack_device_fault();

}  // namespace sendoff

#endif  // SENDOFF_STACK_HPP
