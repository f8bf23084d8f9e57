// SPDX-License-Identifier: MIT
#include "tcp_peer.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "sendoff/stack.hpp"

namespace tcp_peer {

// <linux/if_ether.h>'s names, which its macros would clash with in sendoff's headers.
constexpr uint16_t kEthPIp = 0x0800, kEthPAll = 0x0003;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}

namespace {

uint16_t rfc1071(const std::vector<uint8_t>& b) {
  uint64_t sum = 0;
  for (size_t i = 0; i < b.size(); i += 2)
    sum += uint32_t{b[i]} << 8 | (i + 1 < b.size() ? b[i + 1] : 0);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

}  // namespace

uint16_t tcp_checksum(uint32_t saddr, uint32_t daddr, const uint8_t* seg, size_t len) {
  std::vector<uint8_t> v(12 + len);
  put32(v.data(), saddr);
  put32(v.data() + 4, daddr);
  v[9] = IPPROTO_TCP;
  put16(v.data() + 10, static_cast<uint16_t>(len));
  std::memcpy(v.data() + 12, seg, len);
  return rfc1071(v);
}

std::vector<Seg> segments(const std::vector<Frame>& frames, uint16_t sport) {
  std::vector<Seg> out;
  for (const Frame& f : frames) {
    if (f.size() < 14 + 20 + 20 || be16(&f[12]) != kEthPIp) continue;
    const uint8_t* ip = &f[14];
    if (ip[9] != IPPROTO_TCP) continue;
    const size_t ihl = size_t(ip[0] & 0xF) * 4, tot = be16(ip + 2);
    const uint8_t* th = ip + ihl;
    const size_t len = tot - ihl, doff = size_t(th[12] >> 4) * 4;
    Seg s;
    s.sport = be16(th);
    s.dport = be16(th + 2);
    if (sport && s.sport != sport) continue;
    s.seq = be32(th + 4);
    s.ack = be32(th + 8);
    s.flags = th[13];
    s.win = be16(th + 14);
    s.urg_ptr = be16(th + 18);
    s.opts.assign(th + 20, th + doff);
    s.data.assign(th + doff, th + len);
    s.csum_ok = tcp_checksum(be32(ip + 12), be32(ip + 16), th, len) == 0;
    s.df = ip[6] & 0x40;
    out.push_back(std::move(s));
  }
  return out;
}

Frame peer_frame(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                 uint16_t win, const std::vector<uint8_t>& opts, const std::vector<uint8_t>& data) {
  const size_t thl = 20 + opts.size(), tl = thl + data.size();
  Frame f(14 + 20 + tl);
  std::memcpy(&f[0], test_env::kLocalMac, 6);
  std::memcpy(&f[6], test_env::kPeerMac, 6);
  put16(&f[12], kEthPIp);
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  put16(ip + 2, static_cast<uint16_t>(20 + tl));
  ip[6] = 0x40;
  ip[8] = 64;
  ip[9] = IPPROTO_TCP;
  put32(ip + 12, test_env::kPeer);
  put32(ip + 16, test_env::kLocal);
  put16(ip + 10, rfc1071(std::vector<uint8_t>(ip, ip + 20)));
  uint8_t* th = ip + 20;
  put16(th, sport);
  put16(th + 2, dport);
  put32(th + 4, seq);
  put32(th + 8, ack);
  th[12] = static_cast<uint8_t>((thl / 4) << 4);
  th[13] = flags;
  put16(th + 14, win);
  std::copy(opts.begin(), opts.end(), th + 20);
  std::copy(data.begin(), data.end(), th + thl);
  put16(th + 16, tcp_checksum(test_env::kPeer, test_env::kLocal, th, tl));
  return f;
}

std::vector<uint8_t> synack_opts(uint32_t tsecr) {
  std::vector<uint8_t> o = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
  put32(&o[12], tsecr);
  return o;
}

std::vector<uint8_t> ts_opts(uint32_t tsval, uint32_t tsecr) {
  std::vector<uint8_t> o = {1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0};
  put32(&o[4], tsval);
  put32(&o[8], tsecr);
  return o;
}

uint32_t tsval_of(const Seg& s) {
  for (size_t i = 0; i + 10 <= s.opts.size();) {
    if (s.opts[i] == 1) {
      ++i;
      continue;
    }
    if (s.opts[i] == 8) return be32(&s.opts[i + 2]);
    i += s.opts[i + 1] ? s.opts[i + 1] : 1;
  }
  return 0;
}

std::vector<Seg> Wire::take_segments(uint16_t sport, int wait_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  std::vector<Seg> out;
  for (;;) {
    for (Seg& s : segments(take(), sport)) out.push_back(std::move(s));
    if (!out.empty() || std::chrono::steady_clock::now() >= end) return out;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

namespace {

class SendoffWire : public Wire {
 public:
  std::vector<Frame> take() override { return test_env::take_frames(); }
  bool put(const Frame& f) override { return sendoff::stack_receive_frame(f.data(), f.size(), false); }
};

// The veth's far end: what so0 transmits arrives here, what is sent here
// arrives at so0.
class KernelWire : public Wire {
 public:
  KernelWire() {
    ifindex_ = static_cast<int>(if_nametoindex("so1"));
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(kEthPAll));
    if (fd_ < 0 || !ifindex_) return;
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(kEthPAll);
    ll.sll_ifindex = ifindex_;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~KernelWire() override {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  std::vector<Frame> take() override {
    std::vector<Frame> out;
    uint8_t buf[65536];
    for (;;) {
      sockaddr_ll from{};
      socklen_t len = sizeof from;
      const ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) return out;
      // Only what arrived from so0, not what this socket itself put on the wire.
      if (from.sll_pkttype != PACKET_OUTGOING) out.emplace_back(buf, buf + n);
    }
  }
  bool put(const Frame& f) override {
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_ifindex = ifindex_;
    ll.sll_halen = 6;
    std::memcpy(ll.sll_addr, f.data(), 6);
    return sendto(fd_, f.data(), f.size(), 0, reinterpret_cast<sockaddr*>(&ll), sizeof ll) ==
           static_cast<ssize_t>(f.size());
  }

 private:
  int fd_ = -1;
  int ifindex_ = 0;
};

}  // namespace

std::unique_ptr<Wire> sendoff_wire() { return std::make_unique<SendoffWire>(); }

std::unique_ptr<Wire> kernel_wire() {
  auto w = std::make_unique<KernelWire>();
  if (!w->ok()) return nullptr;
  return w;
}

}  // namespace tcp_peer
