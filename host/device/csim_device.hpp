// SPDX-License-Identifier: MIT
// The csim back end: the HLS top (sendoff_tx) compiled as C++ behind the
// register map of nic_abi.hpp, with device memory in this process.
#ifndef SENDOFF_HOST_DEVICE_CSIM_DEVICE_HPP
#define SENDOFF_HOST_DEVICE_CSIM_DEVICE_HPP

#include <memory>

#include "sendoff/device.hpp"
#include "sendoff/read_fault.hpp"

namespace sendoff {

// sink may be null: frames are then counted and dropped. Descriptors whose
// ring entry or payload overlaps `fault` are rejected as descriptor errors,
// as the RTL rejects reads that answer SLVERR there (read_fault.hpp).
// tso: the NIC segments TCP descriptors (CAPS_TSO), as the HLS kernel and the
// RTL do; off, it stands for a NIC without TSO (the Vitis HLS flavour's link).
// noncoherent: DeviceOptions::noncoherent (card memory: the NIC reads what was synced).
std::unique_ptr<Device> make_csim_device(FrameSink* sink, ReadFaultRange fault = {},
                                         bool tso = true, bool noncoherent = false);

}  // namespace sendoff

#endif  // SENDOFF_HOST_DEVICE_CSIM_DEVICE_HPP
