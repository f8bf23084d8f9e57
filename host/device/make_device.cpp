// SPDX-License-Identifier: MIT
#include "csim_device.hpp"
#include "sendoff/device.hpp"

namespace sendoff {

std::unique_ptr<Device> make_device(const DeviceOptions& opts, std::string* err) {
  if (opts.backend == "csim") return make_csim_device(opts.sink);
  std::string msg;
  if (opts.backend == "verilator" || opts.backend == "xrt") {
    msg = "the " + opts.backend + " back end is not built in this build; use --backend csim";
  } else {
    msg = "unknown backend '" + opts.backend + "': choose csim, verilator or xrt";
  }
  if (err != nullptr) *err = msg;
  return nullptr;
}

}  // namespace sendoff
