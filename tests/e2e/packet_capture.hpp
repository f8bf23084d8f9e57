// SPDX-License-Identifier: MIT
// PacketCapture: an AF_PACKET socket on one interface of a namespace that
// keeps the IPv4 frames the host itself sends (PACKET_OUTGOING), as the
// kernel hands them to the driver.
#ifndef SENDOFF_E2E_PACKET_CAPTURE_HPP
#define SENDOFF_E2E_PACKET_CAPTURE_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace e2e {

using Frame = std::vector<uint8_t>;

class PacketCapture {
 public:
  PacketCapture(const std::string& netns, const std::string& ifname, std::string* err);
  ~PacketCapture();
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;
  bool ok() const { return fd_ >= 0; }

  // The outgoing frames queued so far. Taps see a frame inside the sending
  // call (dev_queue_xmit_nit), so after sendto() returns they are all here;
  // wait_ms only covers a scheduler delay before the first one.
  std::vector<Frame> take(int wait_ms = 200);

 private:
  int fd_ = -1;
};

}  // namespace e2e
}  // namespace sendoff

#endif  // SENDOFF_E2E_PACKET_CAPTURE_HPP
