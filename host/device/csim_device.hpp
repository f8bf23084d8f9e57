// SPDX-License-Identifier: MIT
// The csim back end: the HLS top (sendoff_tx) compiled as C++ behind the
// register map of nic_abi.hpp, with device memory in this process.
#ifndef SENDOFF_HOST_DEVICE_CSIM_DEVICE_HPP
#define SENDOFF_HOST_DEVICE_CSIM_DEVICE_HPP

#include <memory>

#include "sendoff/device.hpp"

namespace sendoff {

// sink may be null: frames are then counted and dropped.
std::unique_ptr<Device> make_csim_device(FrameSink* sink);

}  // namespace sendoff

#endif  // SENDOFF_HOST_DEVICE_CSIM_DEVICE_HPP
