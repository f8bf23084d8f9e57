// SPDX-License-Identifier: MIT
// TSO through the sendoff_tx top (ABI 3.0): two-slot TCP descriptors built by
// hand from nic_abi.hpp, each frame parsed field by field with checksums
// recomputed here (RFC 791, RFC 9293), payload compared with device memory.
// What a segment must carry is what Linux's GSO gives each segment: sequence
// number per segment, ACK/window/options repeated, PSH and FIN on the last,
// CWR on the first, IPv4 ID + k.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "beats.hpp"
#include "tx_nic.hpp"

namespace {

using sendoff_test::Bytes;
using sendoff_test::kPayloadAddr;
using sendoff_test::Nic;
using sendoff_test::default_flow;
using sendoff_test::udp_desc;
namespace abi = sendoff::abi;

constexpr uint8_t FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10, ECE = 0x40, CWR = 0x80;

struct Tcp {
  abi::TxDesc d;
  abi::TxDescTcp t;
};

// A TCP descriptor on flow 1 (TCP, MTU 1500) with a timestamp option.
Tcp tcp_desc(uint32_t len, uint16_t mss, uint8_t flags) {
  Tcp x;
  std::memset(&x, 0, sizeof x);
  x.d.addr = kPayloadAddr;
  x.d.len = len;
  x.d.flow = 1;
  x.d.flags = abi::TXD_L4_TCP | abi::TXD_F_DF;
  x.d.seq = 0xFFFFF000u;  // wraps within a 64 KiB send
  x.d.ip_id = 0xFFF0;     // wraps too
  x.d.ttl = 64;
  x.d.mss = mss;
  x.t.ack = 0x01020304u;
  x.t.window = 502;
  x.t.tcp_flags = flags;
  const uint8_t ts[12] = {1, 1, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78};
  x.t.opt_len = 12;
  std::memcpy(x.t.opts, ts, sizeof ts);
  return x;
}

abi::FlowEntry tcp_flow(uint16_t mtu) {
  abi::FlowEntry f = default_flow();
  f.protocol = 17;  // the NIC puts 6 on a TCP segment whatever the flow says
  f.sport = 43210;
  f.dport = 5001;
  f.mtu = mtu;
  return f;
}

uint32_t be32(const Bytes& b, size_t off) {
  return (uint32_t{b[off]} << 24) | (uint32_t{b[off + 1]} << 16) | (uint32_t{b[off + 2]} << 8) |
         b[off + 3];
}

// One's complement sum of bytes [off, off + n), paired from off.
uint32_t sum_bytes(const Bytes& b, size_t off, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i < n; ++i) s += (i % 2 == 0) ? uint32_t{b[off + i]} << 8 : b[off + i];
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return s;
}

// Checks every frame of one descriptor against what it asks for; returns the
// payload bytes the frames carried, in order.
Bytes check_segments(const std::vector<Bytes>& frames, const Tcp& x, const abi::FlowEntry& f) {
  const unsigned n = x.d.len == 0 ? 1 : (x.d.len + x.d.mss - 1) / x.d.mss;
  EXPECT_EQ(frames.size(), n);
  Bytes payload;
  for (unsigned k = 0; k < frames.size() && k < n; ++k) {
    SCOPED_TRACE("segment " + std::to_string(k));
    const Bytes& fr = frames[k];
    const uint32_t seg_len = x.d.len == 0 ? 0 : std::min<uint32_t>(x.d.mss, x.d.len - k * x.d.mss);
    const unsigned thl = 20 + x.t.opt_len;
    const unsigned ip_len = 20 + thl + seg_len;
    EXPECT_EQ(fr.size(), std::max<size_t>(60, 14 + ip_len));
    if (fr.size() < 14 + ip_len) break;
    EXPECT_EQ(Bytes(fr.begin(), fr.begin() + 6), Bytes(f.dmac, f.dmac + 6));
    EXPECT_EQ(Bytes(fr.begin() + 6, fr.begin() + 12), Bytes(f.smac, f.smac + 6));
    EXPECT_EQ(sendoff_test::be16(fr, 12), 0x0800);
    // IPv4
    const size_t ip = 14;
    EXPECT_EQ(fr[ip], 0x45);
    EXPECT_EQ(fr[ip + 1], x.d.tos);
    EXPECT_EQ(sendoff_test::be16(fr, ip + 2), ip_len);
    EXPECT_EQ(sendoff_test::be16(fr, ip + 4), static_cast<uint16_t>(x.d.ip_id + k));
    EXPECT_EQ(sendoff_test::be16(fr, ip + 6), (x.d.flags & abi::TXD_F_DF) ? 0x4000 : 0);
    EXPECT_EQ(fr[ip + 8], x.d.ttl);
    EXPECT_EQ(fr[ip + 9], 6);
    EXPECT_EQ(sum_bytes(fr, ip, 20), 0xFFFFu) << "IPv4 header checksum";
    EXPECT_EQ(be32(fr, ip + 12), f.saddr);
    EXPECT_EQ(be32(fr, ip + 16), f.daddr);
    // TCP
    const size_t t = ip + 20;
    EXPECT_EQ(sendoff_test::be16(fr, t), f.sport);
    EXPECT_EQ(sendoff_test::be16(fr, t + 2), f.dport);
    EXPECT_EQ(be32(fr, t + 4), x.d.seq + k * x.d.mss);
    EXPECT_EQ(be32(fr, t + 8), x.t.ack);
    EXPECT_EQ(fr[t + 12], (thl / 4) << 4);
    uint8_t want = x.t.tcp_flags;
    if (k + 1 != n) want &= static_cast<uint8_t>(~(PSH | FIN));
    if (k != 0) want &= static_cast<uint8_t>(~CWR);
    EXPECT_EQ(fr[t + 13], want);
    EXPECT_EQ(sendoff_test::be16(fr, t + 14), x.t.window);
    EXPECT_EQ(sendoff_test::be16(fr, t + 18), 0) << "urgent pointer";
    EXPECT_EQ(Bytes(fr.begin() + t + 20, fr.begin() + t + thl),
              Bytes(x.t.opts, x.t.opts + x.t.opt_len));
    uint32_t s = sum_bytes(fr, t, thl + seg_len);
    s += (f.saddr >> 16) + (f.saddr & 0xFFFF) + (f.daddr >> 16) + (f.daddr & 0xFFFF) + 6 +
         thl + seg_len;
    while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
    EXPECT_EQ(s, 0xFFFFu) << "TCP checksum";
    payload.insert(payload.end(), fr.begin() + t + thl, fr.begin() + t + thl + seg_len);
  }
  return payload;
}

struct TsoNic : Nic {
  abi::FlowEntry flow = tcp_flow(1500);
  explicit TsoNic(uint16_t mtu = 1500) {
    flow = tcp_flow(mtu);
    set_flow(1, flow);
    ring_size = 64;
  }
  Bytes payload(uint32_t len, unsigned seed) {
    const Bytes p = sendoff_test::pattern(len, seed);
    put_bytes(kPayloadAddr, p);
    return p;
  }
};

TEST(SendoffTxTso, A64KiBDescriptorBecomesMssSegmentsAsLinuxGsoMakesThem) {
  TsoNic nic;
  const Tcp x = tcp_desc(64000, 1448, ACK | PSH | CWR | ECE);
  const Bytes p = nic.payload(x.d.len, 1);
  nic.post(0, x.d, x.t);
  const std::vector<Bytes> frames = nic.run(2);
  EXPECT_EQ(check_segments(frames, x, nic.flow), p);
  EXPECT_EQ(nic.tail, 2u);
  EXPECT_EQ(nic.frames, 45u);
  EXPECT_EQ(nic.desc_errors, 0u);
  EXPECT_EQ(nic.drops, 0u);
}

// CAPS_TX_UNALIGNED (ABI 3.1): a TSO payload straight out of a send queue, at
// any byte address, makes the segments it makes from an aligned address.
TEST(SendoffTxTso, UnalignedPayloadsMakeTheSameSegments) {
  const uint64_t offsets[] = {0, 1, 13, 63, 64, 97, 4096 - 7};
  const uint32_t lens[] = {0, 1, 1448, 1449, 4000, 20000};
  for (const uint32_t len : lens) {
    for (const uint64_t off : offsets) {
      SCOPED_TRACE("len " + std::to_string(len) + ", offset " + std::to_string(off));
      TsoNic nic;
      Tcp x = tcp_desc(len, 1448, ACK | PSH);
      x.d.addr = kPayloadAddr + off;
      nic.put_bytes(x.d.addr - 64, sendoff_test::pattern(len + 128, 5));  // junk around it
      const Bytes p = sendoff_test::pattern(len, 3);
      nic.put_bytes(x.d.addr, p);
      nic.post(0, x.d, x.t);
      const std::vector<Bytes> frames = nic.run(2);
      EXPECT_EQ(check_segments(frames, x, nic.flow), p);
      EXPECT_EQ(nic.desc_errors, 0u);
    }
  }
}

TEST(SendoffTxTso, SizesAtTheEdges) {
  struct Case {
    uint32_t len;
    uint16_t mss;
    uint8_t opt_len;
    uint16_t mtu;
    uint8_t flags;
  };
  const Case cases[] = {
      {0, 1448, 12, 1500, ACK | FIN},       // a FIN alone: one header-only segment, padded
      {0, 536, 0, 1500, SYN},               // a bare SYN
      {1, 1448, 12, 1500, ACK | PSH},
      {1448, 1448, 12, 1500, ACK | PSH},    // exactly one MSS
      {1449, 1448, 12, 1500, ACK | PSH | FIN},
      {65535, 88, 24, 1500, ACK | CWR},     // the smallest MSS, the longest payload
      {65535, 8960, 0, 9000, ACK | PSH},    // a jumbo segment that fills the MTU exactly
      {65535, 8948, 12, 9000, ACK},
      {3000, 1460, 0, 1500, ACK},
      {777, 97, 4, 1500, ACK | PSH},        // an odd MSS: segments start on odd bytes
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("len " + std::to_string(c.len) + " mss " + std::to_string(c.mss));
    TsoNic nic(c.mtu);
    Tcp x = tcp_desc(c.len, c.mss, c.flags);
    x.t.opt_len = c.opt_len;
    for (unsigned i = 12; i < c.opt_len; ++i) x.t.opts[i] = static_cast<uint8_t>(0xA0 + i);
    const Bytes p = nic.payload(c.len, c.len);
    nic.post(0, x.d, x.t);
    EXPECT_EQ(check_segments(nic.run(2), x, nic.flow), p);
    EXPECT_EQ(nic.tail, 2u);
  }
}

// The NIC takes a TCP descriptor only once both slots are posted.
TEST(SendoffTxTso, WaitsForTheSecondSlot) {
  TsoNic nic;
  const Tcp x = tcp_desc(2000, 1448, ACK);
  const Bytes p = nic.payload(x.d.len, 2);
  nic.post(0, udp_desc(10, 7));
  nic.post(1, x.d, x.t);
  std::vector<Bytes> frames = nic.run(2);  // the UDP one, and the TCP one's first slot
  EXPECT_EQ(frames.size(), 1u);
  EXPECT_EQ(nic.tail, 1u);
  frames = nic.run(3);
  EXPECT_EQ(check_segments(frames, x, nic.flow), p);
  EXPECT_EQ(nic.tail, 3u);
  EXPECT_EQ(nic.desc_errors, 0u);
}

// Frames leave in ring order whichever stage builds them; a TCP descriptor's
// second slot may be the ring's first.
TEST(SendoffTxTso, RingOrderAcrossUdpAndTcpAndTheWrap) {
  TsoNic nic;
  nic.ring_size = 8;
  nic.tail = nic.ring_size * 3 + 6;  // slots 6, 7, 0, 1, 2, 3
  const uint32_t t0 = nic.tail;
  Tcp a = tcp_desc(3000, 1000, ACK | PSH);
  Tcp b = tcp_desc(100, 1000, ACK | FIN);
  b.d.addr = kPayloadAddr + 0x10000;
  b.d.seq = a.d.seq + 3000;
  b.d.ip_id = static_cast<uint16_t>(a.d.ip_id + 3);
  const Bytes pa = nic.payload(3000, 3);
  const Bytes pb = sendoff_test::pattern(100, 4);
  nic.put_bytes(b.d.addr, pb);
  nic.post(t0, udp_desc(20, 1));
  nic.post(t0 + 1, a.d, a.t);  // slots 7 and 0
  nic.post(t0 + 3, udp_desc(30, 2));
  nic.post(t0 + 4, b.d, b.t);  // slots 2 and 3
  const std::vector<Bytes> frames = nic.run(t0 + 6);
  ASSERT_EQ(frames.size(), 1u + 3u + 1u + 1u);
  EXPECT_EQ(sendoff_test::be16(frames[0], 14 + 4), 1);
  EXPECT_EQ(check_segments({frames.begin() + 1, frames.begin() + 4}, a, nic.flow), pa);
  EXPECT_EQ(sendoff_test::be16(frames[4], 14 + 4), 2);
  EXPECT_EQ(check_segments({frames.begin() + 5, frames.end()}, b, nic.flow), pb);
  EXPECT_EQ(nic.tail, t0 + 6);
}

TEST(SendoffTxTso, BadTcpDescriptorsAreOneErrorOfTwoSlots) {
  struct Bad {
    const char* what;
    void (*mutate)(Tcp&);
  };
  const Bad cases[] = {
      {"mss 87", [](Tcp& x) { x.d.mss = 87; }},
      {"mss 9001", [](Tcp& x) { x.d.mss = 9001; }},
      {"opt_len 3", [](Tcp& x) { x.t.opt_len = 3; }},
      {"opt_len 28", [](Tcp& x) { x.t.opt_len = 28; }},
      {"len 65536", [](Tcp& x) { x.d.len = 65536; }},
      {"segment above the MTU", [](Tcp& x) { x.d.mss = 1449; }},  // 20 + 32 + 1449 > 1500
      {"reserved non-zero", [](Tcp& x) { x.d.rsvd = 1; }},
      {"unknown flag bit", [](Tcp& x) { x.d.flags |= 1u << 4; }},
  };
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.what);
    TsoNic nic;
    Tcp x = tcp_desc(3000, 1448, ACK);
    c.mutate(x);
    nic.payload(3000, 5);
    nic.post(0, x.d, x.t);
    nic.post(2, udp_desc(100, 9));  // the next one still goes out
    const std::vector<Bytes> frames = nic.run(3);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(sendoff_test::be16(frames[0], 14 + 4), 9);
    EXPECT_EQ(nic.tail, 3u);
    EXPECT_EQ(nic.desc_errors, 1u);
    EXPECT_EQ(nic.drops, 0u);
  }
  // An invalid flow drops the descriptor, both slots.
  TsoNic nic;
  Tcp x = tcp_desc(3000, 1448, ACK);
  x.d.flow = 7;
  nic.post(0, x.d, x.t);
  EXPECT_TRUE(nic.run(2).empty());
  EXPECT_EQ(nic.tail, 2u);
  EXPECT_EQ(nic.drops, 1u);
}

// A NIC without CAPS_TSO (the model run as the Vitis HLS flavour is): an L4 TCP
// descriptor is a one-slot error, as before ABI 3.0.
TEST(SendoffTxTso, WithoutTsoATcpDescriptorIsAOneSlotError) {
  TsoNic nic;
  nic.tso = false;
  const Tcp x = tcp_desc(3000, 1448, ACK);
  nic.post(0, x.d, x.t);
  nic.post(2, udp_desc(100, 9));
  const std::vector<Bytes> frames = nic.run(3);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(nic.tail, 3u);
  // Slot 0 (TCP) and slot 1 (its ack/window/options read as a descriptor) are errors.
  EXPECT_EQ(nic.desc_errors + nic.drops, 2u);
}

}  // namespace
