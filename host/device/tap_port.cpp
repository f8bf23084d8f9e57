// SPDX-License-Identifier: MIT
#include "sendoff/tap_port.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "sendoff/crc32.hpp"

namespace sendoff {

namespace {
// <linux/if_ether.h> (through if_tun.h) defines ETH_FCS_LEN as a macro.
constexpr size_t kFcsLen = 4;
constexpr ssize_t kEthZlen = 60;  // the shortest frame without FCS
}  // namespace

std::unique_ptr<TapPort> TapPort::open(const std::string& ifname, std::string* err) {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) {
    *err = "TAP interface name '" + ifname + "' is empty or longer than " +
           std::to_string(IFNAMSIZ - 1) + " characters";
    return nullptr;
  }
  int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    *err = std::string("cannot open /dev/net/tun: ") + strerror(errno);
    return nullptr;
  }
  ifreq ifr{};
  // IFF_NO_PI: bare Ethernet frames. An existing persistent TAP of that
  // name is attached to; otherwise the kernel creates one.
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    *err = "cannot attach TAP " + ifname + ": " + strerror(errno) +
           (errno == EPERM ? " (needs CAP_NET_ADMIN)" : errno == EINVAL ? " (not a TAP?)" : "");
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<TapPort>(new TapPort(fd, ifr.ifr_name));
}

TapPort::~TapPort() {
  stop_rx();
  if (fd_ >= 0) ::close(fd_);
}

int TapPort::write_frame(const uint8_t* frame, size_t len) {
  // A TAP write is one frame; the kernel drops it when the link is down.
  ssize_t w = ::write(fd_, frame, len);
  if (w < 0) return -errno;
  tx_frames_.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

int TapPort::deliver(const uint8_t* frame, size_t len) {
  if (!tx_imp_) return write_frame(frame, len);
  // An impaired port is a lossy wire: the NIC's send succeeded either way.
  tx_imp_->pass(frame, len, to_kernel_);
  return 0;
}

void TapPort::set_impairments(const ImpairmentConfig& cfg) {
  if (!cfg.any()) return;
  tx_imp_ = std::make_unique<PortImpairment>(cfg, 0);
  rx_imp_ = std::make_unique<PortImpairment>(cfg, 1);
  to_kernel_ = [this](const uint8_t* f, size_t n) { write_frame(f, n); };
  to_nic_ = [this](const uint8_t* f, size_t n) { dev_->mac_rx(f, n); };
}

void TapPort::start_rx(Device* dev) {
  stop_rx();
  dev_ = dev;
  stop_.store(false);
  rx_ = std::thread([this] { rx_main(); });
}

void TapPort::stop_rx() {
  stop_.store(true);
  if (rx_.joinable()) rx_.join();
  if (tx_imp_) tx_imp_->flush(to_kernel_);
}

void TapPort::rx_main() {
  pthread_setname_np(pthread_self(), "sendoff-tap-rx");  // see csim_device.cpp's worker
  std::vector<uint8_t> buf(65536 + kFcsLen);
  while (!stop_.load(std::memory_order_acquire)) {
    // A frame held back for reordering waits 1 ms at most, in either
    // direction: an impaired port looks every millisecond.
    const bool impaired = tx_imp_ || rx_imp_;
    if (tx_imp_) tx_imp_->flush_stale(to_kernel_);
    if (rx_imp_) rx_imp_->flush_stale(to_nic_);
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, impaired ? 1 : 50) <= 0) {
      // Idle: a frame held back for reordering goes now, either way.
      if (tx_imp_) tx_imp_->flush(to_kernel_);
      if (rx_imp_) rx_imp_->flush(to_nic_);
      continue;
    }
    ssize_t n = ::read(fd_, buf.data(), buf.size() - kFcsLen);
    if (n <= 0) continue;
    // The kernel hands a TAP frames unpadded; on a wire the sender's MAC pads
    // them to the 60-byte minimum first.
    if (n < kEthZlen) {
      std::memset(buf.data() + n, 0, static_cast<size_t>(kEthZlen - n));
      n = kEthZlen;
    }
    // The wire carries the FCS, little-endian, after the frame: the NIC checks and strips it.
    const uint32_t fcs = crc32_ieee(buf.data(), static_cast<size_t>(n));
    for (int i = 0; i < 4; ++i) buf[static_cast<size_t>(n) + i] = static_cast<uint8_t>(fcs >> (8 * i));
    rx_frames_.fetch_add(1, std::memory_order_relaxed);
    // Impairments act on the wire, after the FCS: a corrupted frame fails the NIC's check.
    if (rx_imp_)
      rx_imp_->pass(buf.data(), static_cast<size_t>(n) + kFcsLen, to_nic_);
    else
      dev_->mac_rx(buf.data(), static_cast<size_t>(n) + kFcsLen);
  }
}

}  // namespace sendoff
