// SPDX-License-Identifier: MIT
// The receive kernels (hls/sendoff_rx): frames built here with checksums and
// an FCS computed independently of the kernels (byte-wise sums, a bit-serial
// CRC), through sendoff_rx_frame into a small device memory; buffers,
// completions, counters and the RX tail write-back checked byte for byte.
// And rx_parse driven one call per cycle with random stalls: no call wasted.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "cycle_harness.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff_rx/sendoff_rx.hpp"

namespace {

namespace abi = sendoff::abi;
using Bytes = std::vector<uint8_t>;

uint32_t crc_bitwise(const Bytes& b) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t x : b) {
    c ^= x;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return ~c;
}

uint16_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i < n; i += 2) acc += uint32_t(p[i] << 8) | (i + 1 < n ? p[i + 1] : 0);
  while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
  return static_cast<uint16_t>(acc);
}

void put16(Bytes& f, size_t at, uint16_t v) {
  f[at] = uint8_t(v >> 8);
  f[at + 1] = uint8_t(v);
}

struct FrameSpec {
  uint16_t ethertype = 0x0800;
  uint8_t proto = 17;
  size_t payload = 100;
  unsigned ihl = 5;
  uint16_t frag = 0;        // flags and offset field
  bool udp_no_check = false;
  uint32_t saddr = 0xC6120002, daddr = 0xC6120001;
  uint16_t sport = 7000, dport = 9000;
};

// An Ethernet frame (no FCS) with a correct IPv4 header and L4 checksum.
Bytes make_frame(const FrameSpec& s) {
  const size_t l4_hdr = s.proto == 6 ? 20 : 8;
  const size_t ip_len = s.ihl * 4 + l4_hdr + s.payload;
  Bytes f(14 + ip_len, 0);
  for (int i = 0; i < 6; ++i) f[i] = i == 5 ? 1 : (i == 0 ? 2 : 0);
  for (int i = 0; i < 6; ++i) f[6 + i] = i == 5 ? 2 : (i == 0 ? 2 : 0);
  put16(f, 12, s.ethertype);
  uint8_t* ip = f.data() + 14;
  ip[0] = uint8_t(0x40 | s.ihl);
  put16(f, 16, uint16_t(ip_len));
  put16(f, 18, 0x1234);
  put16(f, 20, s.frag);
  ip[8] = 64;
  ip[9] = s.proto;
  for (int i = 0; i < 4; ++i) ip[12 + i] = uint8_t(s.saddr >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) ip[16 + i] = uint8_t(s.daddr >> (24 - 8 * i));
  for (unsigned i = 20; i < s.ihl * 4; ++i) ip[i] = 1;  // NOP options
  put16(f, 24, uint16_t(~sum16(ip, s.ihl * 4)));
  uint8_t* l4 = ip + s.ihl * 4;
  put16(f, 14 + s.ihl * 4, s.sport);
  put16(f, 14 + s.ihl * 4 + 2, s.dport);
  for (size_t i = 0; i < s.payload; ++i) l4[l4_hdr + i] = uint8_t(i * 29 + 3);
  const size_t l4_len = l4_hdr + s.payload;
  if (s.proto == 17) put16(f, 14 + s.ihl * 4 + 4, uint16_t(l4_len));
  if (s.proto == 6) l4[12] = 5 << 4;
  uint8_t pseudo[12] = {ip[12], ip[13], ip[14], ip[15], ip[16], ip[17], ip[18], ip[19],
                        0, s.proto, uint8_t(l4_len >> 8), uint8_t(l4_len)};
  const size_t check_at = 14 + s.ihl * 4 + (s.proto == 6 ? 16 : 6);
  if (!(s.proto == 17 && s.udp_no_check)) {
    uint16_t c = uint16_t(~sum16(l4, l4_len, sum16(pseudo, 12)));
    if (s.proto == 17 && c == 0) c = 0xFFFF;
    put16(f, check_at, c);
  }
  if (f.size() < 60) f.resize(60, 0);  // the sender's MAC pads
  return f;
}

Bytes with_fcs(Bytes f) {
  const uint32_t c = crc_bitwise(f);
  for (int i = 0; i < 4; ++i) f.push_back(uint8_t(c >> (8 * i)));
  return f;
}

class RxKernel : public ::testing::Test {
 protected:
  RxKernel() : mem_(kMemBytes / 64) {
    r_.buf_base = 1 << 20;
    r_.cpl_base = 64 << 10;
    r_.wb_base = 4096;
    r_.ring_size = 8;
    r_.buf_size = 2048;
    r_.head = 8;
    r_.ctrl = abi::CTRL_RX_ENABLE;
  }
  bool rx(const Bytes& wire) { return sendoff::sendoff_rx_frame(mem_.data(), r_, &st_, wire.data(), wire.size()); }
  void idle() { sendoff::sendoff_rx_idle(mem_.data(), r_, &st_); }
  uint8_t byte(uint64_t a) const {
    return static_cast<uint8_t>(mem_[a / 64]((a % 64) * 8 + 7, (a % 64) * 8).to_uint());
  }
  Bytes read(uint64_t a, size_t n) const {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = byte(a + i);
    return b;
  }
  abi::RxCpl cpl(uint32_t index) const {
    Bytes b = read(r_.cpl_base + (index % r_.ring_size) * 16, 16);
    abi::RxCpl c;
    std::memcpy(&c, b.data(), 16);
    return c;
  }
  Bytes buffer(uint32_t index, size_t n) const {
    return read(r_.buf_base + uint64_t(index % r_.ring_size) * r_.buf_size, n);
  }
  uint32_t wb_tail() const {
    Bytes b = read(r_.wb_base + abi::WB_RX_TAIL_OFF, 4);
    return b[0] | b[1] << 8 | b[2] << 16 | uint32_t(b[3]) << 24;
  }

  static constexpr size_t kMemBytes = 4u << 20;
  std::vector<sendoff::mem_word_t> mem_;
  sendoff::RxRegs r_;
  sendoff::RxState st_;
};

TEST_F(RxKernel, AGoodUdpFrameLandsAndItsCompletionWaitsForTheLineOrIdle) {
  FrameSpec s;
  Bytes f = make_frame(s);
  ASSERT_TRUE(rx(with_fcs(f)));
  EXPECT_EQ(st_.tail, 1u);
  EXPECT_EQ(buffer(0, f.size()), f);
  EXPECT_EQ(cpl(0).flags & abi::RXC_F_GEN, 0) << "one entry: the line waits";
  idle();
  abi::RxCpl c = cpl(0);
  EXPECT_EQ(c.len, f.size());
  EXPECT_EQ(c.l3, abi::RXC_L3_IPV4);
  EXPECT_EQ(c.l4, abi::RXC_L4_UDP);
  EXPECT_EQ(c.flags, abi::RXC_F_IP_CSUM_OK | abi::RXC_F_L4_CSUM_OK | abi::RXC_F_GEN);
  EXPECT_EQ(c.index, 0u);
  EXPECT_EQ(c.hash, abi::rx_flow_hash(s.saddr, s.daddr, s.sport, s.dport, 17));
  for (uint32_t i = 1; i < 4; ++i) EXPECT_EQ(cpl(i).flags & abi::RXC_F_GEN, 0) << i;
  EXPECT_EQ(wb_tail(), 1u);
  EXPECT_EQ(st_.frames, 1u);
  EXPECT_EQ(st_.bytes, f.size());
}

TEST_F(RxKernel, FourCompletionsGoOutAsOneLineWithoutIdleAndRxTailAtIdle) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(rx(with_fcs(make_frame({}))));
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(cpl(i).flags & abi::RXC_F_GEN, abi::RXC_F_GEN) << i;
  EXPECT_EQ(wb_tail(), 0u) << "RX_TAIL's write-back waits for idle";
  idle();
  EXPECT_EQ(wb_tail(), 4u);
}

// A last beat that holds only FCS bytes is not written; one with a frame byte is.
TEST_F(RxKernel, ALastBeatOfOnlyFcsBytesIsNotWritten) {
  const uint8_t kOld = 0xA5;
  for (uint32_t extra = 0; extra < 6; ++extra) {
    // A frame of DATA_BYTES - 4 + extra bytes without FCS: its FCS ends `extra` bytes into the
    // second beat.
    const uint32_t len = sendoff::DATA_BYTES - abi::ETH_FCS_LEN + extra;
    FrameSpec s;
    s.payload = len - 42;
    Bytes f = make_frame(s);
    ASSERT_EQ(f.size(), len);
    const uint32_t index = st_.tail;
    const uint64_t second = r_.buf_base + uint64_t(index % r_.ring_size) * r_.buf_size +
                            sendoff::DATA_BYTES;
    for (uint64_t a = second; a < second + sendoff::DATA_BYTES; a += 64) {
      sendoff::mem_word_t w = 0;
      for (unsigned b = 0; b < 64; ++b) w(8 * b + 7, 8 * b) = kOld;
      mem_[a / 64] = w;
    }
    ASSERT_TRUE(rx(with_fcs(f)));
    EXPECT_EQ(buffer(index, f.size()), f) << len;
    const bool written = extra > abi::ETH_FCS_LEN;
    EXPECT_EQ(byte(second) != kOld, written) << len;
    r_.head = st_.tail + r_.ring_size;
  }
}

TEST_F(RxKernel, ChecksAndKinds) {
  struct Case {
    const char* name;
    FrameSpec spec;
    int corrupt;  // byte to flip before the FCS, -1: none
    uint8_t l3, l4;
    uint16_t flags;
  };
  FrameSpec tcp;
  tcp.proto = 6;
  FrameSpec opts;
  opts.ihl = 15;  // 60-byte header: the ports lie in the second beat
  FrameSpec frag;
  frag.frag = 0x2000;
  FrameSpec nocheck;
  nocheck.udp_no_check = true;
  FrameSpec icmp;
  icmp.proto = 1;
  FrameSpec arp;
  arp.ethertype = 0x0806;
  FrameSpec v6;
  v6.ethertype = 0x86DD;
  const uint16_t ok = abi::RXC_F_IP_CSUM_OK | abi::RXC_F_L4_CSUM_OK;
  const Case cases[] = {
      {"udp", {}, -1, abi::RXC_L3_IPV4, abi::RXC_L4_UDP, ok},
      {"tcp", tcp, -1, abi::RXC_L3_IPV4, abi::RXC_L4_TCP, ok},
      {"ip options", opts, -1, abi::RXC_L3_IPV4, abi::RXC_L4_UDP, ok},
      {"udp checksum 0", nocheck, -1, abi::RXC_L3_IPV4, abi::RXC_L4_UDP, ok},
      {"fragment", frag, -1, abi::RXC_L3_IPV4, abi::RXC_L4_FRAG, abi::RXC_F_IP_CSUM_OK},
      {"icmp", icmp, -1, abi::RXC_L3_IPV4, abi::RXC_L4_ICMP, abi::RXC_F_IP_CSUM_OK},
      {"bad ip header", {}, 22, abi::RXC_L3_IPV4, abi::RXC_L4_NONE, abi::RXC_F_IP_CSUM_BAD},
      {"bad udp", {}, 60, abi::RXC_L3_IPV4, abi::RXC_L4_UDP,
       abi::RXC_F_IP_CSUM_OK | abi::RXC_F_L4_CSUM_BAD},
      {"bad tcp", tcp, 70, abi::RXC_L3_IPV4, abi::RXC_L4_TCP,
       abi::RXC_F_IP_CSUM_OK | abi::RXC_F_L4_CSUM_BAD},
      {"arp", arp, -1, abi::RXC_L3_ARP, abi::RXC_L4_NONE, 0},
      {"ipv6", v6, -1, abi::RXC_L3_IPV6, abi::RXC_L4_NONE, 0},
  };
  uint32_t index = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes f = make_frame(c.spec);
    if (c.corrupt >= 0) f[c.corrupt] ^= 0x10;
    ASSERT_TRUE(rx(with_fcs(f)));
    idle();
    abi::RxCpl e = cpl(index);
    EXPECT_EQ(e.l3, c.l3);
    EXPECT_EQ(e.l4, c.l4);
    EXPECT_EQ(e.flags & ~abi::RXC_F_GEN, c.flags);
    EXPECT_EQ(e.index, index);
    EXPECT_EQ(buffer(index, f.size()), f);
    ++index;
    r_.head = st_.tail + r_.ring_size;  // every buffer back
  }
}

TEST_F(RxKernel, DropsAreWholeFramesCountedAndNothingMoves) {
  Bytes good = with_fcs(make_frame({}));
  Bytes bad_fcs = good;
  bad_fcs[30] ^= 1;
  EXPECT_FALSE(rx(bad_fcs));
  EXPECT_EQ(st_.drop_fcs, 1u);
  Bytes runt(50, 0xAB);
  EXPECT_FALSE(rx(with_fcs(runt)));
  EXPECT_EQ(st_.drop_len, 1u);
  FrameSpec big;
  big.payload = 9014 - 14 - 28;  // a 9014-byte frame: the longest taken
  EXPECT_FALSE(rx(with_fcs(make_frame(big)))) << "longer than a 2 KiB buffer";
  EXPECT_EQ(st_.drop_len, 2u);
  r_.buf_size = 16384;
  r_.buf_base = 2 << 20;
  EXPECT_TRUE(rx(with_fcs(make_frame(big))));
  big.payload += 1;
  EXPECT_FALSE(rx(with_fcs(make_frame(big)))) << "9015 bytes: above ETH_FRAME_MAX";
  EXPECT_EQ(st_.drop_len, 3u);
  // No buffer left: head == tail.
  r_.head = st_.tail;
  EXPECT_FALSE(rx(good));
  EXPECT_EQ(st_.drop_nobuf, 1u);
  r_.head = st_.tail + 1;
  EXPECT_TRUE(rx(good));
  r_.ctrl = 0;
  r_.head = st_.tail + 4;
  EXPECT_FALSE(rx(good)) << "receive off";
  EXPECT_EQ(st_.drop_nobuf, 2u);
  EXPECT_EQ(st_.tail, 2u);
  EXPECT_EQ(st_.frames, 2u);
}

TEST_F(RxKernel, TheGenerationBitFlipsOnTheSecondLap) {
  r_.ring_size = 4;
  r_.head = 4;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(rx(with_fcs(make_frame({}))));
  for (uint32_t i = 0; i < 4; ++i) EXPECT_TRUE(cpl(i).flags & abi::RXC_F_GEN);
  r_.head = 8;
  ASSERT_TRUE(rx(with_fcs(make_frame({}))));
  idle();
  // Entry 4 is done with GEN 0; 5..7 (slots 1..3) read "not done" for lap 1: GEN 1.
  EXPECT_EQ(cpl(4).flags & abi::RXC_F_GEN, 0);
  EXPECT_EQ(cpl(4).index, 4u);
  for (uint32_t i = 5; i < 8; ++i) EXPECT_EQ(cpl(i).flags & abi::RXC_F_GEN, abi::RXC_F_GEN) << i;
  EXPECT_EQ(wb_tail(), 5u);
}

TEST_F(RxKernel, AnUnusableRingTakesNothing) {
  r_.ring_size = 6;  // not a power of two
  EXPECT_FALSE(rx(with_fcs(make_frame({}))));
  r_.ring_size = 8;
  r_.buf_size = 1024;  // below RX_BUF_SIZE_MIN
  EXPECT_FALSE(rx(with_fcs(make_frame({}))));
  r_.buf_size = 2048;
  r_.buf_base += 64;  // not buffer aligned
  EXPECT_FALSE(rx(with_fcs(make_frame({}))));
  EXPECT_EQ(st_.drop_nobuf, 3u);
  EXPECT_EQ(st_.tail, 0u);
}

// rx_parse one call per cycle, random stalls on both sides: every frame
// completes within its beats + 1 calls plus the stall cycles.
TEST(RxParse, OneBeatPerCall) {
  using sendoff_test::Harness;
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    Harness h(seed, 0.2, 0.2);
    auto& in = h.source<sendoff::axis_t>();
    auto& out = h.sink<sendoff::axis_t>();
    auto& meta = h.sink<sendoff::RxMeta>();
    std::vector<sendoff_test::PacketBeats> beats;
    for (int k = 0; k < 60; ++k) {
      FrameSpec s;
      s.payload = std::uniform_int_distribution<size_t>(0, 4000)(rng);
      Bytes w = with_fcs(make_frame(s));
      const unsigned n = sendoff::beats_for(static_cast<unsigned>(w.size()));
      beats.push_back({n, n});
      for (size_t off = 0; off < w.size(); off += sendoff::DATA_BYTES) {
        sendoff::axis_t b;
        b.data = 0;
        b.keep = 0;
        for (size_t i = 0; i < sendoff::DATA_BYTES && off + i < w.size(); ++i) {
          b.data(8 * i + 7, 8 * i) = w[off + i];
          b.keep[i] = 1;
        }
        b.last = off + sendoff::DATA_BYTES >= w.size();
        in.push(b);
      }
    }
    sendoff::RxParseState st;
    ASSERT_TRUE(h.run([&] { sendoff::rx_parse_step<sendoff_test::CycleFifo>(st, in.fifo, out.fifo, meta.fifo); },
                      [&] { return in.exhausted() && out.drained() && meta.drained() && meta.got.size() == beats.size(); },
                      1000000));
    sendoff_test::expect_one_beat_per_call(beats, out.done_at, out.stalls_at, 0);
    for (const auto& m : meta.got) {
      EXPECT_TRUE(m.fcs_ok);
      EXPECT_EQ(m.flags, abi::RXC_F_IP_CSUM_OK | abi::RXC_F_L4_CSUM_OK);
    }
  }
}

}  // namespace
