// SPDX-License-Identifier: MIT
// Linux as the oracle for TCP: a kernel client and a sendoff client make the
// same socket calls (socket, options, connect to a kernel server at
// 198.18.0.2, one send, urgent or not) and their SYN, handshake ACK and first data segments
// must agree field by field: Ethernet, every IPv4 header field, every TCP
// header field and the option bytes, except kAllowedDifferences.
//
// The kernel's client sits in namespace a (veth0, transmit checksum offload
// off so the kernel fills its checksums and segments in software, captured
// with AF_PACKET as it hands them to the driver); the server in namespace b.
// Then b's address moves from veth1 to a TAP and sendoff, on the csim NIC
// with its MAC port on that TAP, connects to a new kernel server there; its
// frames are recorded as its NIC emits them. Same addresses, MACs, MTU.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "frame_compare.hpp"
#include "netns_fixture.hpp"
#include "packet_capture.hpp"
#include "sendoff/device.hpp"
#include "sendoff/frame_sink.hpp"
#include "sendoff/netconf.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "sendoff/tap_port.hpp"
#include "wire_frame.hpp"

namespace sendoff {
namespace e2e {
namespace {

// The fields allowed to differ, and why; everything else is compared exactly.
// 1. ISN: secure_tcp_seq hashes the 4-tuple with a boot-time secret and adds
//    a clock; required: every later seq/ack agrees relative to the ISNs.
// 2. TSval: secure_tcp_ts_off gives each connection a random offset; TSecr
//    echoes the server's TSval, offset the same way on its side. Required:
//    the timestamp option at the same place with the same kind and length,
//    TSecr 0 in the SYN.
// 3. IPv4 ID: tcp_v4_connect starts inet_id at get_random_u16(); required:
//    it then rises by one per segment on both sides.
// 4. Source port: an ephemeral choice (inet_hash_connect's random offset).
// 5. IPv4 and TCP checksums follow from 1-4: both must verify.
// 6. The window after the SYN: the kernel offers what its receive buffer
//    accounting (tcp_rmem[1], autotuning) allows, sendoff what tcp_rmem[2]
//    leaves free (README's send and receive buffers row): here 63 and 32768
//    (<< 10). Required: nonzero, and the SYN's (unscaled, RFC 7323 2.2) equal.
constexpr const char* kAllowedDifferences[] = {"ISN", "TSval and TSecr", "IPv4 ID",
                                               "source port", "checksums", "window after the SYN"};

constexpr uint16_t kServerPort = 9600;
constexpr size_t kSendBytes = 3000;  // two full segments and a short tail
constexpr const char* kTap = "sndf0";
const char* const kServer = "198.18.0.2";

struct TcpSetup {
  const char* name;
  bool nodelay;
  int tos;         // -1: not set
  int send_flags;  // MSG_OOB: urgent data (URG and the urgent pointer)
  int maxseg;      // TCP_MAXSEG; 0: not set
};

// One TCP segment as the wire shows it.
struct Segment {
  WireFrame f;
  uint16_t sport = 0, dport = 0, urg = 0, win = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t doff = 0, flags = 0, reserved = 0;
  std::vector<uint8_t> opts, data;
  bool csum_ok = false;
};

uint32_t get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// The client's TCP segments to the server port, in order.
std::vector<Segment> client_segments(const std::vector<Frame>& frames) {
  std::vector<Segment> out;
  for (const Frame& fr : frames) {
    Segment s;
    std::string err;
    if (!parse_wire_frame(fr, &s.f, &err) || s.f.protocol != IPPROTO_TCP ||
        s.f.ip_payload.size() < 20)
      continue;
    const uint8_t* t = s.f.ip_payload.data();
    s.sport = static_cast<uint16_t>(t[0] << 8 | t[1]);
    s.dport = static_cast<uint16_t>(t[2] << 8 | t[3]);
    if (s.dport != kServerPort) continue;
    s.seq = get32(t + 4);
    s.ack = get32(t + 8);
    s.doff = t[12] >> 4;
    s.reserved = t[12] & 0xF;
    s.flags = t[13];
    s.win = static_cast<uint16_t>(t[14] << 8 | t[15]);
    s.urg = static_cast<uint16_t>(t[18] << 8 | t[19]);
    const size_t hl = size_t{s.doff} * 4;
    if (hl < 20 || hl > s.f.ip_payload.size()) continue;
    s.opts.assign(t + 20, t + hl);
    s.data.assign(t + hl, t + s.f.ip_payload.size());
    // The pseudo-header (RFC 793) and the segment must sum to 0xffff.
    uint8_t pseudo[12] = {};
    for (int i = 0; i < 4; ++i) {
      pseudo[i] = static_cast<uint8_t>(s.f.saddr >> (24 - 8 * i));
      pseudo[4 + i] = static_cast<uint8_t>(s.f.daddr >> (24 - 8 * i));
    }
    pseudo[9] = IPPROTO_TCP;
    pseudo[10] = static_cast<uint8_t>(s.f.ip_payload.size() >> 8);
    pseudo[11] = static_cast<uint8_t>(s.f.ip_payload.size());
    s.csum_ok = fold(ones_sum(s.f.ip_payload.data(), s.f.ip_payload.size(),
                              ones_sum(pseudo, sizeof pseudo))) == 0xffff;
    out.push_back(std::move(s));
  }
  return out;
}

// Where the timestamp option's TSval and TSecr are in the options (-1: none).
int ts_offset(const std::vector<uint8_t>& o) {
  for (size_t i = 0; i < o.size();) {
    if (o[i] == TCPOPT_NOP) {
      ++i;
      continue;
    }
    if (o[i] == TCPOPT_EOL || i + 1 >= o.size() || o[i + 1] < 2) return -1;
    if (o[i] == TCPOPT_TIMESTAMP && o[i + 1] == TCPOLEN_TIMESTAMP) return static_cast<int>(i);
    i += o[i + 1];
  }
  return -1;
}

std::vector<uint8_t> payload() {
  std::vector<uint8_t> p(kSendBytes);
  for (size_t i = 0; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i * 13 + 1);
  return p;
}

// A kernel server on 198.18.0.2:kServerPort in ns that accepts one
// connection and reads until the client goes.
class KernelServer {
 public:
  KernelServer(const std::string& ns, std::string* err) {
    fd_ = sys::socket_in_netns(ns, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, err);
    if (fd_ < 0) return;
    const int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(kServerPort);
    inet_pton(AF_INET, kServer, &a.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 1) != 0) {
      *err = std::string("server: ") + strerror(errno);
      return;
    }
    reader_ = std::thread([this] {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[65536];
      while (read(c, buf, sizeof buf) > 0) {
      }
      close(c);
    });
  }
  ~KernelServer() {
    if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) close(fd_);
  }

 private:
  int fd_ = -1;
  std::thread reader_;
};

// The socket calls, through the kernel's API or sendoff's.
struct Calls {
  int (*socket)(int, int, int);
  int (*setsockopt)(int, int, int, const void*, socklen_t);
  int (*connect)(int, const sockaddr*, socklen_t);
  ssize_t (*send)(int, const void*, size_t, int);
  int (*close)(int);
};

// The calls under test; the connection is reset (SO_LINGER 0) at the end.
void run_client(const Calls& c, int fd, const TcpSetup& s, std::string* err) {
  const int one = 1;
  if ((s.nodelay && c.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) ||
      (s.tos >= 0 && c.setsockopt(fd, IPPROTO_IP, IP_TOS, &s.tos, sizeof s.tos) != 0) ||
      (s.maxseg && c.setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &s.maxseg, sizeof s.maxseg) != 0)) {
    *err = std::string("setsockopt: ") + strerror(errno);
    return;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(kServerPort);
  inet_pton(AF_INET, kServer, &to.sin_addr);
  if (c.connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    *err = std::string("connect: ") + strerror(errno);
    return;
  }
  const auto p = payload();
  if (c.send(fd, p.data(), p.size(), s.send_flags) != static_cast<ssize_t>(p.size()))
    *err = std::string("send: ") + strerror(errno);
}

void reset_and_close(const Calls& c, int fd) {
  const linger lg{1, 0};
  c.setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  c.close(fd);
}

// sendoff's frames as its NIC emits them, then on to the TAP.
class RecordingSink : public FrameSink {
 public:
  explicit RecordingSink(FrameSink* next) : next_(next) {}
  int deliver(const uint8_t* frame, size_t len) override {
    {
      std::lock_guard<std::mutex> l(mu_);
      frames_.emplace_back(frame, frame + len);
    }
    return next_->deliver(frame, len);
  }
  std::vector<Frame> take() {
    std::lock_guard<std::mutex> l(mu_);
    return std::move(frames_);
  }

 private:
  FrameSink* next_;
  std::mutex mu_;
  std::vector<Frame> frames_;
};

class TcpOracle : public VethNetnsTest, public ::testing::WithParamInterface<TcpSetup> {
 protected:
  std::vector<Frame> kernel_run(std::string* err) {
    const std::string ns_a = veth().ns_a().name(), ns_b = veth().ns_b().name();
    if (!sys::set_tx_checksum_offload(ns_a, kLocalEnd.ifname, false, err)) return {};
    KernelServer server(ns_b, err);
    PacketCapture cap(ns_a, kLocalEnd.ifname, err);
    if (!err->empty() || !cap.ok()) return {};
    const Calls k{::socket, ::setsockopt, ::connect, ::send, ::close};
    const int fd = sys::socket_in_netns(ns_a, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, err);
    if (fd < 0) return {};
    run_client(k, fd, GetParam(), err);
    std::vector<Frame> frames = cap.take();
    reset_and_close(k, fd);
    return frames;
  }

  // b's address and MAC move to a TAP; sendoff's port is that TAP.
  std::vector<Frame> sendoff_run(std::string* err) {
    const sys::Netns& b = veth().ns_b();
    if (!b.ip({"link", "del", kPeerEnd.ifname}, err) ||
        !b.ip({"tuntap", "add", "mode", "tap", "name", kTap}, err) ||
        !b.ip({"link", "set", kTap, "address", kPeerEnd.mac, "up"}, err) ||
        !b.ip({"addr", "add", kPeerEnd.cidr, "dev", kTap}, err) ||
        !b.ip({"neigh", "replace", "198.18.0.1", "lladdr", kLocalEnd.mac, "dev", kTap, "nud",
               "permanent"},
              err))
      return {};
    std::unique_ptr<TapPort> tap;
    {
      sys::NetnsScope scope(b.name(), err);
      if (!scope.ok()) return {};
      tap = TapPort::open(kTap, err);
      if (!tap) return {};
    }
    KernelServer server(b.name(), err);
    if (!err->empty()) return {};
    NetConfig cfg;
    if (!cfg.set_local(kLocalEnd.cidr, err) || !cfg.set_mac(kLocalEnd.mac, err) ||
        !cfg.set_mtu(kLocalEnd.mtu, err) ||
        !cfg.add_neigh(std::string(kServer) + "=" + kPeerEnd.mac, err))
      return {};
    RecordingSink rec(tap.get());
    DeviceOptions dev;
    dev.backend = "csim";
    dev.sink = &rec;
    dev.tap = tap.get();
    if (!stack_init(cfg, dev, err)) return {};
    const Calls s{so_socket, so_setsockopt, so_connect, so_send, so_close};
    const int fd = so_socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      *err = std::string("so_socket: ") + strerror(errno);
    } else {
      run_client(s, fd, GetParam(), err);
    }
    stack_flush();
    std::vector<Frame> frames = rec.take();
    if (fd >= 0) reset_and_close(s, fd);
    stack_fini();
    return frames;
  }
};

void compare(const Segment& a, const Segment& b, const Segment& a_syn, const Segment& b_syn,
             uint32_t a_ack0, uint32_t b_ack0) {
  const WireFrame &x = a.f, &y = b.f;
  expect_same_eth_and_ipv4(x, y);
  EXPECT_TRUE(y.trailer.empty() && x.trailer.empty()) << "no padding at these sizes";
  // Allowed difference 3: the ID, but one more per segment on each side.
  EXPECT_EQ(static_cast<uint16_t>(x.id - a_syn.f.id), static_cast<uint16_t>(y.id - b_syn.f.id))
      << "IPv4 ID, relative to the SYN's";
  EXPECT_EQ(b.sport, b_syn.sport) << "sendoff's source port changed";
  EXPECT_EQ(a.sport, a_syn.sport) << "the kernel's source port changed";
  EXPECT_EQ(b.dport, a.dport) << "TCP destination port";
  EXPECT_EQ(b.seq - b_syn.seq, a.seq - a_syn.seq) << "TCP seq relative to the ISN";
  if (a.flags & TH_ACK) {
    EXPECT_EQ(b.ack - b_ack0, a.ack - a_ack0) << "TCP ack relative to the first";
  } else {
    EXPECT_EQ(b.ack, a.ack) << "TCP ack field without ACK";
  }
  EXPECT_EQ(int{b.doff}, int{a.doff}) << "TCP data offset";
  EXPECT_EQ(int{b.reserved}, int{a.reserved}) << "TCP reserved bits";
  EXPECT_EQ(int{b.flags}, int{a.flags}) << "TCP flags";
  if (a.flags & TH_SYN) {
    EXPECT_EQ(b.win, a.win) << "the SYN's window";
  } else {
    EXPECT_GT(a.win, 0) << "the kernel's window";
    EXPECT_GT(b.win, 0) << "sendoff's window";
  }
  EXPECT_EQ(b.urg, a.urg) << "TCP urgent pointer";
  EXPECT_TRUE(a.csum_ok) << "the kernel's TCP checksum";
  EXPECT_TRUE(b.csum_ok) << "sendoff's TCP checksum";
  // Options byte by byte, the timestamp's values aside (allowed difference 2).
  ASSERT_EQ(b.opts.size(), a.opts.size()) << "TCP options length";
  std::vector<uint8_t> ao = a.opts, bo = b.opts;
  const int at = ts_offset(ao);
  ASSERT_EQ(ts_offset(bo), at) << "where the timestamp option is";
  if (at >= 0) {
    if (a.flags & TH_SYN) {
      EXPECT_EQ(get32(&bo[static_cast<size_t>(at) + 6]), 0u) << "sendoff's SYN TSecr";
      EXPECT_EQ(get32(&ao[static_cast<size_t>(at) + 6]), 0u) << "the kernel's SYN TSecr";
    }
    std::fill(ao.begin() + at + 2, ao.begin() + at + 10, 0);
    std::fill(bo.begin() + at + 2, bo.begin() + at + 10, 0);
  }
  EXPECT_EQ(bo, ao) << "TCP option bytes";
  EXPECT_EQ(b.data.size(), a.data.size()) << "payload length";
  EXPECT_TRUE(b.data == a.data) << "payload bytes";
}

TEST_P(TcpOracle, TheSynAndTheFirstDataSegmentsMatchLinuxFieldByField) {
  static_assert(sizeof kAllowedDifferences / sizeof kAllowedDifferences[0] == 6,
                "update the comment and compare() together");
  std::string err;
  const std::vector<Segment> k = client_segments(kernel_run(&err));
  ASSERT_EQ(err, "");
  const std::vector<Segment> s = client_segments(sendoff_run(&err));
  ASSERT_EQ(err, "");
  // The SYN, the ACK that ends the handshake, the data.
  ASSERT_GE(k.size(), 4u) << "the kernel's segments";
  ASSERT_EQ(s.size(), k.size()) << "segment count";
  ASSERT_EQ(k[0].flags, TH_SYN);
  size_t bytes = 0;
  for (const Segment& g : k) bytes += g.data.size();
  EXPECT_EQ(bytes, kSendBytes) << "the kernel sent all before send() returned";
  for (size_t i = 0; i < k.size(); ++i) {
    SCOPED_TRACE("segment " + std::to_string(i));
    compare(k[i], s[i], k[0], s[0], k[1].ack, s[1].ack);
  }
  if (GetParam().send_flags & MSG_OOB) {
    // Every data segment is urgent, its pointer at the byte after the send's last.
    for (const Segment& g : k)
      if (!g.data.empty()) {
        EXPECT_TRUE(g.flags & TH_URG) << "the kernel's segment at " << g.seq - k[0].seq;
        EXPECT_EQ(g.seq + g.urg, k[0].seq + 1 + kSendBytes);
      }
  }
}

INSTANTIATE_TEST_SUITE_P(SocketOptions, TcpOracle,
                         ::testing::Values(TcpSetup{"defaults", false, -1, 0, 0},
                                           TcpSetup{"nodelay", true, -1, 0, 0},
                                           TcpSetup{"tos_0x10", false, 0x10, 0, 0},
                                           TcpSetup{"msg_oob", false, -1, MSG_OOB, 0},
                                           TcpSetup{"maxseg_1000", false, -1, 0, 1000}),
                         [](const ::testing::TestParamInfo<TcpSetup>& i) {
                           return std::string(i.param.name);
                         });

}  // namespace
}  // namespace e2e
}  // namespace sendoff
