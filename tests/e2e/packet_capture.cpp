// SPDX-License-Identifier: MIT
#include "packet_capture.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "netns.hpp"

namespace sendoff {
namespace e2e {

PacketCapture::PacketCapture(const std::string& netns, const std::string& ifname,
                             std::string* err) {
  sys::NetnsScope scope(netns, err);
  if (!scope.ok()) return;
  // ETH_P_ALL: outgoing frames reach only the catch-all taps
  // (dev_queue_xmit_nit walks ptype_all), never a per-protocol socket.
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) {
    *err = std::string("socket(AF_PACKET): ") + strerror(errno);
    return;
  }
  int rcvbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (sll.sll_ifindex == 0 || bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    *err = "bind AF_PACKET to " + ifname + ": " + strerror(errno);
    close(fd);
    return;
  }
  fd_ = fd;
}

PacketCapture::~PacketCapture() {
  if (fd_ >= 0) close(fd_);
}

std::vector<Frame> PacketCapture::take(int wait_ms) {
  std::vector<Frame> frames;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, wait_ms) <= 0) return frames;
  uint8_t buf[70000];
  for (;;) {
    sockaddr_ll from{};
    socklen_t fromlen = sizeof from;
    ssize_t n =
        recvfrom(fd_, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &fromlen);
    if (n < 0) break;
    if (from.sll_pkttype != PACKET_OUTGOING) continue;  // e.g. the peer's ICMP replies
    if (ntohs(from.sll_protocol) != ETH_P_IP) continue;
    frames.emplace_back(buf, buf + n);
  }
  return frames;
}

}  // namespace e2e
}  // namespace sendoff
