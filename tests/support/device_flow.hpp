// SPDX-License-Identifier: MIT
// The flow entry the device-level tests send on, and its write through the
// register map (FLOW_DATA words, FLOW_INDEX, FLOW_COMMIT) as the driver makes it.
#ifndef SENDOFF_TESTS_SUPPORT_DEVICE_FLOW_HPP
#define SENDOFF_TESTS_SUPPORT_DEVICE_FLOW_HPP

#include <cstdint>
#include <cstring>

#include "sendoff/device.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff_test {

// UDP 198.18.0.1:sport -> 198.18.0.2:dport, MTU 1500, valid; MACs zero.
inline sendoff::abi::FlowEntry udp_flow(uint16_t sport, uint16_t dport = 9000) {
  namespace abi = sendoff::abi;
  abi::FlowEntry f{};
  f.saddr = 0xC6120001;
  f.daddr = 0xC6120002;
  f.sport = sport;
  f.dport = dport;
  f.mtu = 1500;
  f.protocol = abi::IPPROTO_UDP_NUM;
  f.flags = abi::FLOW_F_VALID;
  return f;
}

inline void commit_flow(sendoff::Device& dev, uint32_t index, const sendoff::abi::FlowEntry& f) {
  namespace abi = sendoff::abi;
  uint32_t w[abi::FLOW_WORDS];
  std::memcpy(w, &f, sizeof w);
  for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) dev.reg_write(abi::REG_FLOW_DATA + 4 * k, w[k]);
  dev.reg_write(abi::REG_FLOW_INDEX, index);
  dev.reg_write(abi::REG_FLOW_COMMIT, 1);
}

}  // namespace sendoff_test

#endif  // SENDOFF_TESTS_SUPPORT_DEVICE_FLOW_HPP
