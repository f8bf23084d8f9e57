// SPDX-License-Identifier: MIT
// TapPort: the NIC's MAC port wired to a Linux TAP interface, both ways.
// Frames the NIC transmits are written to the TAP (the kernel receives them
// on that interface); frames the kernel sends on the TAP come back, with an
// FCS computed as the wire would carry it, into the NIC's receive path
// (Device::mac_rx). It attaches to an existing TAP (a persistent one the
// caller configured, `ip tuntap add mode tap`) or creates it.
#ifndef SENDOFF_TAP_PORT_HPP
#define SENDOFF_TAP_PORT_HPP

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "sendoff/device.hpp"
#include "sendoff/frame_sink.hpp"
#include "sendoff/port_impairment.hpp"

namespace sendoff {

class TapPort final : public FrameSink {
 public:
  // Opens ifname as a TAP without packet information. nullptr and one line
  // in *err on failure (no /dev/net/tun, no CAP_NET_ADMIN, not a TAP).
  static std::unique_ptr<TapPort> open(const std::string& ifname, std::string* err);
  ~TapPort() override;
  TapPort(const TapPort&) = delete;
  TapPort& operator=(const TapPort&) = delete;

  // A transmitted frame, to the kernel. 0 or -errno.
  int deliver(const uint8_t* frame, size_t len) override;
  // Starts handing the kernel's frames to dev's receive side; stop() ends it
  // (the destructor too).
  void start_rx(Device* dev);
  void stop_rx();

  // Impairs both directions from now on (tests: --loss, --reorder, ...).
  // Before start_rx and the first frame.
  void set_impairments(const ImpairmentConfig& cfg);
  bool impaired() const { return tx_imp_ != nullptr; }
  ImpairmentCounters tx_impairments() const { return tx_imp_ ? tx_imp_->counters() : ImpairmentCounters{}; }
  ImpairmentCounters rx_impairments() const { return rx_imp_ ? rx_imp_->counters() : ImpairmentCounters{}; }

  const std::string& ifname() const { return ifname_; }
  uint64_t tx_frames() const { return tx_frames_.load(std::memory_order_relaxed); }
  uint64_t rx_frames() const { return rx_frames_.load(std::memory_order_relaxed); }

 private:
  TapPort(int fd, std::string ifname) : fd_(fd), ifname_(std::move(ifname)) {}
  void rx_main();
  int write_frame(const uint8_t* frame, size_t len);

  int fd_ = -1;
  std::string ifname_;
  Device* dev_ = nullptr;
  std::thread rx_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> tx_frames_{0}, rx_frames_{0};
  std::unique_ptr<PortImpairment> tx_imp_, rx_imp_;
  PortImpairment::Emit to_kernel_, to_nic_;  // where each direction's frames go
};

}  // namespace sendoff

#endif  // SENDOFF_TAP_PORT_HPP
