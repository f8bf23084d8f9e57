// SPDX-License-Identifier: MIT
// The sendoff NIC driver's receive side: the RX ring of buffers in device
// memory, the completion ring the NIC writes, and the NAPI-style poll that
// hands each completed frame to the stack and gives its buffer back.
//
// Completions are polled in memory, never through a register: entry i is
// done when its generation bit says so (nic_abi.hpp), so a poll that finds
// nothing costs one load. Buffers go back to the NIC with one RX_HEAD write
// per poll, not per frame.
#ifndef SENDOFF_DRIVERS_NET_SENDOFF_RX_HPP
#define SENDOFF_DRIVERS_NET_SENDOFF_RX_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "sendoff/device.hpp"

namespace sendoff {

class SendoffRx {
 public:
  static constexpr uint32_t kRingSize = 512;  // buffers (= completions), a power of two

  // A frame the NIC wrote: its bytes (no FCS), and whether the NIC verified
  // its L4 checksum (CHECKSUM_UNNECESSARY). The bytes are valid during the call.
  using Receive = std::function<void(const uint8_t* frame, size_t len, bool csum_verified)>;

  // Sets up the rings and enables receive when the NIC has the receive path
  // (CAPS_RX) and the device's memory is host-coherent; buffers of 2 KiB, or
  // 16 KiB when mtu needs more. 0 when it has none or the memory is card
  // memory (present() is then false, off_reason() says why), -errno with
  // *err set on failure. Card memory would need a DMA read per poll to see a
  // completion, which the in-place poll exists to avoid.
  int open(Device* dev, unsigned mtu, std::string* err);
  void close();
  bool present() const { return dev_ != nullptr; }
  const std::string& off_reason() const { return off_reason_; }
  uint32_t buf_size() const { return buf_size_; }

  // napi_poll: at most budget frames, each handed to rcv in order. Returns
  // how many were taken.
  int poll(int budget, const Receive& rcv);

 private:
  Device* dev_ = nullptr;
  DmaBuffer bufs_, cpl_;
  uint32_t buf_size_ = 0;
  uint32_t next_ = 0;  // the next completion to look at (free-running)
  std::string off_reason_;
};

}  // namespace sendoff

#endif  // SENDOFF_DRIVERS_NET_SENDOFF_RX_HPP
