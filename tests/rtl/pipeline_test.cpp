// SPDX-License-Identifier: MIT
// sendoff_tx_top end to end: registers, hand-checked frames (hex from scapy 2.5 for the
// packets described next to each), descriptor checks and counters, and random traffic
// under random memory latency gaps and MAC backpressure against ref_frames.hpp.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ref_frames.hpp"
#include "tx_fixture.hpp"

namespace {

using rtltest::TxFixture;
using rtltest::make_flow;
namespace abi = sendoff::abi;

std::vector<uint8_t> from_hex(const std::string& h) {
  std::vector<uint8_t> v;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    v.push_back(uint8_t(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  return v;
}

std::vector<std::vector<uint8_t>> take_frames(TxFixture& fx) {
  std::vector<std::vector<uint8_t>> out;
  for (auto& f : fx.sim().sink().frames()) out.push_back(f.bytes);
  fx.sim().sink().frames().clear();
  return out;
}

abi::TxDesc desc(uint64_t addr, uint32_t len, uint16_t flow, uint16_t flags, uint16_t id,
                 uint8_t ttl, uint8_t tos) {
  abi::TxDesc d{};
  d.addr = addr;
  d.len = len;
  d.flow = flow;
  d.flags = flags;
  d.ip_id = id;
  d.ttl = ttl;
  d.tos = tos;
  return d;
}

void expect_clean(TxFixture& fx) {
  for (const auto& e : fx.sim().errors()) ADD_FAILURE() << e;
}

TEST(Pipeline, Registers) {
  TxFixture fx;
  auto& s = fx.sim();
  EXPECT_EQ(s.reg_read(abi::REG_ID), abi::ID_VALUE);
  EXPECT_EQ(s.reg_read(abi::REG_VERSION), abi::VERSION_VALUE);
  EXPECT_EQ(s.reg_read(abi::REG_STATUS), 0u);
  const uint32_t rw[] = {abi::REG_RING_BASE_LO, abi::REG_RING_BASE_HI, abi::REG_RING_SIZE,
                         abi::REG_RING_HEAD, abi::REG_FLOW_INDEX};
  for (uint32_t off : rw) {
    s.reg_write(off, 0xA5000000u | off);
    EXPECT_EQ(s.reg_read(off), 0xA5000000u | off) << std::hex << off;
  }
  s.reg_write(abi::REG_CTRL, 0xFFFFFFFFu & ~abi::CTRL_RESET);
  EXPECT_EQ(s.reg_read(abi::REG_CTRL),
            abi::CTRL_ENABLE | abi::CTRL_FCS_APPEND | abi::CTRL_RX_ENABLE);
  // With CTRL_RESET: ENABLE cleared, and an idle NIC ends the reset at once.
  s.reg_write(abi::REG_CTRL, 0xFFFFFFFFu);
  EXPECT_EQ(s.reg_read(abi::REG_CTRL), abi::CTRL_FCS_APPEND | abi::CTRL_RX_ENABLE);
  s.reg_write(abi::REG_CTRL, 0);
  for (unsigned i = 0; i < abi::FLOW_WORDS; ++i) {
    s.reg_write(abi::REG_FLOW_DATA + 4 * i, i * 0x01010101u);
  }
  for (unsigned i = 0; i < abi::FLOW_WORDS; ++i) {
    EXPECT_EQ(s.reg_read(abi::REG_FLOW_DATA + 4 * i), i * 0x01010101u);
  }
  s.reg_write(abi::REG_RING_TAIL, 77);  // read-only
  EXPECT_EQ(s.reg_read(abi::REG_RING_TAIL), 0u);
  EXPECT_EQ(s.reg_read(0x1FC), 0u);  // unmapped
  for (uint32_t off : {abi::REG_STAT_FRAMES_LO, abi::REG_STAT_FRAMES_HI, abi::REG_STAT_BYTES_LO,
                       abi::REG_STAT_BYTES_HI, abi::REG_STAT_DROPS, abi::REG_STAT_DESC_ERRORS}) {
    EXPECT_EQ(s.reg_read(off), 0u);
  }
}

// Ether(dst=02:00:00:00:00:02, src=02:00:00:00:00:01) / IP(198.18.0.1 > 198.18.0.2,
// id=0x1234, ttl=64, tos=0x10, DF) / UDP(5000 > 9000) / "hello, sendoff!", padded to 60.
const char* kUdpHex =
    "02000000000202000000000108004510002b1234400040119c56c6120001c6120002138823280017873268"
    "656c6c6f2c2073656e646f666621000000";

TEST(Pipeline, HandCheckedUdp) {
  TxFixture fx;
  fx.set_flow(3, make_flow(1500));
  fx.setup_ring(16);
  const std::string msg = "hello, sendoff!";
  const uint64_t a = fx.put_payload({msg.begin(), msg.end()});
  fx.post(desc(a, uint32_t(msg.size()), 3, abi::TXD_L4_UDP | abi::TXD_F_DF, 0x1234, 64, 0x10));
  fx.doorbell();
  ASSERT_TRUE(fx.wait_idle());
  const auto frames = take_frames(fx);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], from_hex(kUdpHex));
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_FRAMES_LO), 1u);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_BYTES_LO), 60u);
  expect_clean(fx);
}

TEST(Pipeline, HandCheckedUdpWithFcs) {
  TxFixture fx;
  fx.set_flow(0, make_flow(1500));
  fx.setup_ring(16, abi::CTRL_ENABLE | abi::CTRL_FCS_APPEND);
  const std::string msg = "hello, sendoff!";
  const uint64_t a = fx.put_payload({msg.begin(), msg.end()});
  fx.post(desc(a, uint32_t(msg.size()), 0, abi::TXD_L4_UDP | abi::TXD_F_DF, 0x1234, 64, 0x10));
  fx.doorbell();
  ASSERT_TRUE(fx.wait_idle());
  const auto frames = take_frames(fx);
  ASSERT_EQ(frames.size(), 1u);
  auto e = from_hex(kUdpHex);
  const uint32_t c = rtltest::crc32_ref(e.data(), e.size());
  for (int i = 0; i < 4; ++i) e.push_back(uint8_t(c >> (8 * i)));
  EXPECT_EQ(frames[0], e);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_BYTES_LO), 60u);  // FCS not counted
  expect_clean(fx);
}

// IP(198.18.0.1 > 198.18.0.2, id=0xbeef, ttl=17) / UDP(4242 > 9000) / bytes 0..99, then
// scapy fragment(fragsize=48), i.e. MTU 68; each fragment behind the same Ethernet header.
const char* kFragHex[] = {
    "020000000002020000000001080045000044beef200011113e92c6120001c612000210922328006ca36600"
    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627",
    "020000000002020000000001080045000044beef200611113e8cc6120001c612000228292a2b2c2d2e2f30"
    "3132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f5051525354555657",
    "020000000002020000000001080045000020beef000c11115eaac6120001c612000258595a5b5c5d5e5f60"
    "6162630000000000000000000000000000",
};

TEST(Pipeline, HandCheckedFragments) {
  TxFixture fx;
  fx.set_flow(9, make_flow(68, 4242, 9000));
  fx.setup_ring(16);
  std::vector<uint8_t> p(100);
  for (size_t i = 0; i < p.size(); ++i) p[i] = uint8_t(i);
  fx.post(desc(fx.put_payload(p), 100, 9, abi::TXD_L4_UDP, 0xbeef, 17, 0));
  fx.doorbell();
  ASSERT_TRUE(fx.wait_idle());
  const auto frames = take_frames(fx);
  ASSERT_EQ(frames.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(frames[i], from_hex(kFragHex[i])) << "fragment " << i;
  expect_clean(fx);
}

// Ether / IP(198.18.0.1 > 198.18.0.2, id=7, ttl=255, proto=253) / bytes 0..29.
const char* kRawHex =
    "02000000000202000000000108004500003200070000fffd2ea0c6120001c6120002000102030405060708"
    "090a0b0c0d0e0f101112131415161718191a1b1c1d";

TEST(Pipeline, HandCheckedRaw) {
  TxFixture fx;
  auto f = make_flow(1500);
  f.protocol = 253;
  fx.set_flow(255, f);
  fx.setup_ring(16);
  std::vector<uint8_t> p(30);
  for (size_t i = 0; i < p.size(); ++i) p[i] = uint8_t(i);
  fx.post(desc(fx.put_payload(p), 30, 255, abi::TXD_L4_RAW, 7, 255, 0));
  fx.doorbell();
  ASSERT_TRUE(fx.wait_idle());
  const auto frames = take_frames(fx);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], from_hex(kRawHex));
  expect_clean(fx);
}

// Bad descriptors between good ones: no frame from them, counted, tail past them, order kept.
TEST(Pipeline, DropsAndDescriptorErrors) {
  TxFixture fx;
  fx.set_flow(1, make_flow(1500));
  auto invalid = make_flow(1500);
  invalid.flags = 0;
  fx.set_flow(2, invalid);
  fx.set_flow(4, make_flow(576));
  fx.setup_ring(32);
  std::vector<uint8_t> p(2000, 0x5A);
  const uint64_t a = fx.put_payload(p);
  const uint16_t udp = abi::TXD_L4_UDP;
  struct Case {
    abi::TxDesc d;
    const char* what;
    int kind;  // 0 good, 1 drop, 2 error
  };
  std::vector<Case> cases = {
      {desc(a, 100, 1, udp, 1, 64, 0), "good", 0},
      {desc(a, 100, 2, udp, 2, 64, 0), "flow not valid", 1},
      {desc(a, 100, 300, udp, 3, 64, 0), "flow index past the table", 1},
      {desc(a, 100, 1, udp | 0x20, 4, 64, 0), "unknown flag bit", 2},
      {desc(a, 13, 1, abi::TXD_L4_ETH, 6, 64, 0), "whole frame of 13 bytes", 2},
      {desc(a, 9015, 1, abi::TXD_L4_ETH, 6, 64, 0), "whole frame of 9015 bytes", 2},
      {desc(a, 42, 300, abi::TXD_L4_ETH | abi::TXD_F_DF, 6, 64, 0), "whole frame, no flow", 0},
      {desc(a, 1514, 2, abi::TXD_L4_ETH, 6, 64, 0), "whole frame, flow not valid", 0},
      {desc(a + 8, 100, 1, udp, 7, 64, 0), "payload at byte 8 of a word", 0},
      {desc(a, 65508, 1, udp, 8, 64, 0), "UDP length > 65507", 2},
      {desc(a, 65516, 1, abi::TXD_L4_RAW, 9, 64, 0), "raw length > 65515", 2},
      {desc(a, 1000, 4, udp | abi::TXD_F_DF, 10, 64, 0), "DF but needs fragments", 2},
      {desc(a, 548, 4, udp | abi::TXD_F_DF, 11, 64, 0), "DF, fits 576 exactly", 0},
      {desc(a, 1472, 1, udp, 12, 64, 0), "good, full 1500", 0},
  };
  cases.push_back({desc(a, 10, 1, udp, 13, 64, 0), "reserved non-zero", 2});
  cases.back().d.rsvd = 1;
  cases.push_back({desc(a, 0, 1, udp, 14, 64, 0), "good, empty datagram", 0});
  cases.push_back({desc(a, 100, 2, udp | 0x100, 15, 64, 0), "bad flags and flow: error first", 2});
  cases.push_back({desc(sendoff::sim::kDevMemBytes - 64, 100, 1, udp, 16, 64, 0),
                   "payload past device memory", 2});
  cases.push_back({desc(a, 1000, 2, udp | abi::TXD_F_DF, 17, 64, 0), "DF and bad flow: drop", 1});
  auto mtu_flow = make_flow(67);
  fx.set_flow(5, mtu_flow);
  cases.push_back({desc(a, 10, 5, udp, 18, 64, 0), "flow MTU below 68", 1});
  std::vector<std::vector<uint8_t>> expect;
  unsigned drops = 0, errors = 0;
  for (const auto& c : cases) {
    fx.post(c.d);
    const abi::FlowEntry f1 = make_flow(1500), f4 = make_flow(576);
    const abi::FlowEntry* flow = c.d.flow == 1   ? &f1
                                 : c.d.flow == 4 ? &f4
                                 : c.d.flow == 2 ? &invalid
                                 : c.d.flow == 5 ? &mtu_flow
                                                 : nullptr;
    const auto v = rtltest::ref_frames(flow, c.d, p.data(), false, &expect,
                                       sendoff::sim::kDevMemBytes);
    EXPECT_EQ(int(v), c.kind) << c.what;  // the reference agrees with the case table
    drops += c.kind == 1;
    errors += c.kind == 2;
  }
  fx.doorbell();
  ASSERT_TRUE(fx.wait_idle());
  EXPECT_EQ(take_frames(fx), expect);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_DROPS), drops);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_DESC_ERRORS), errors);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_FRAMES_LO), expect.size());
  EXPECT_EQ(fx.sim().reg_read(abi::REG_RING_TAIL), fx.head());
  expect_clean(fx);
}

TEST(Pipeline, LargestDatagrams) {
  TxFixture fx;
  fx.set_flow(0, make_flow(1500));
  fx.set_flow(1, make_flow(9000));
  auto raw = make_flow(68);
  raw.protocol = 254;
  fx.set_flow(2, raw);
  fx.setup_ring(8, abi::CTRL_ENABLE | abi::CTRL_FCS_APPEND);
  std::mt19937_64 rng(99);
  std::vector<uint8_t> p(65536);
  for (auto& x : p) x = uint8_t(rng());
  const uint64_t a = fx.put_payload(p, 4096);
  std::vector<std::vector<uint8_t>> expect;
  const abi::FlowEntry flows[3] = {make_flow(1500), make_flow(9000), raw};
  const abi::TxDesc ds[] = {desc(a, 65507, 0, abi::TXD_L4_UDP, 1, 64, 0),
                            desc(a, 65507, 1, abi::TXD_L4_UDP, 2, 64, 0),
                            desc(a, 65515, 2, abi::TXD_L4_RAW, 3, 64, 0),
                            desc(a, 8972, 1, abi::TXD_L4_UDP | abi::TXD_F_DF, 4, 64, 0)};
  for (const auto& d : ds) {
    fx.post(d);
    ASSERT_EQ(rtltest::ref_frames(&flows[d.flow], d, p.data(), true, &expect),
              rtltest::Verdict::kSend);
  }
  fx.doorbell();
  ASSERT_TRUE(fx.wait_idle());
  const auto frames = take_frames(fx);
  ASSERT_EQ(frames.size(), expect.size());
  for (size_t i = 0; i < frames.size(); ++i) ASSERT_EQ(frames[i], expect[i]) << "frame " << i;
  expect_clean(fx);
}

abi::TxDescTcp tcp_slot(uint32_t ack, uint16_t window, uint8_t flags, uint8_t opt_len) {
  abi::TxDescTcp t{};
  t.ack = ack;
  t.window = window;
  t.tcp_flags = flags;
  t.opt_len = opt_len;
  for (unsigned i = 0; i < abi::TXD_TCP_OPT_MAX; ++i) t.opts[i] = uint8_t(0x11 * (i + 1));
  return t;
}

abi::TxDesc tcp_desc(uint64_t addr, uint32_t len, uint16_t flow, uint16_t mss, uint32_t seq,
                     uint16_t id, uint16_t extra_flags = 0) {
  abi::TxDesc d = desc(addr, len, flow, uint16_t(abi::TXD_L4_TCP | extra_flags), id, 64, 0);
  d.mss = mss;
  d.seq = seq;
  return d;
}

// TSO: segments by MSS at both ends of its range, options, flags by place, a 0-byte payload,
// UDP descriptors between TCP ones (ring order kept across udp_tx and tcp_tx), and each TCP
// rule broken once (two slots consumed: RING_TAIL ends at the head).
TEST(Pipeline, TcpSegmentsAndErrors) {
  TxFixture fx;
  const abi::FlowEntry f1500 = make_flow(1500), f9000 = make_flow(9000, 7, 8);
  auto invalid = make_flow(1500);
  invalid.flags = 0;
  fx.set_flow(1, f1500);
  fx.set_flow(2, f9000);
  fx.set_flow(3, invalid);
  fx.setup_ring(16);
  std::mt19937_64 rng(7);
  std::vector<uint8_t> p(65536 + 64);
  for (auto& x : p) x = uint8_t(rng());
  const uint64_t a = fx.put_payload(p, 4096);
  struct Case {
    abi::TxDesc d;
    abi::TxDescTcp t;
    bool tcp;
    const char* what;
    int kind;  // 0 sent, 1 drop, 2 error
  };
  const uint8_t ack_psh_fin_cwr = 0x10 | 0x08 | 0x01 | 0x80;
  const std::vector<Case> cases = {
      {tcp_desc(a, 4000, 1, 1460, 1000, 1), tcp_slot(7, 512, ack_psh_fin_cwr, 0), true,
       "3 segments of 1460", 0},
      {desc(a, 100, 1, abi::TXD_L4_UDP, 2, 64, 0), {}, false, "UDP between", 0},
      {tcp_desc(a, 65535, 2, 8948, 0xFFFFF000u, 3, abi::TXD_F_DF),
       tcp_slot(9, 65535, 0x18, 12), true, "64 KiB at MSS 8948 + 12 option bytes, DF", 0},
      {tcp_desc(a, 65535, 2, 8960, 0x7FFFF000u, 3), tcp_slot(9, 65535, 0x18, 0), true,
       "64 KiB at MSS 8960", 0},
      {tcp_desc(a, 65535, 2, 8960, 0, 3), tcp_slot(9, 65535, 0x18, 4), true,
       "MSS 8960 and options over MTU 9000", 2},
      {tcp_desc(a, 0, 1, 536, 5, 4), tcp_slot(1, 2, 0x11, 24), true, "0 bytes: one segment", 0},
      {tcp_desc(a, 1000, 1, 88, 77, 5), tcp_slot(3, 4, 0x10, 4), true, "MSS 88", 0},
      {tcp_desc(a, 1000, 1, 87, 0, 6), tcp_slot(0, 0, 0x10, 0), true, "MSS 87", 2},
      {tcp_desc(a, 1000, 2, 9001, 0, 7), tcp_slot(0, 0, 0x10, 0), true, "MSS 9001", 2},
      {tcp_desc(a, 1000, 1, 536, 0, 8), tcp_slot(0, 0, 0x10, 3), true, "options 3", 2},
      {tcp_desc(a, 1000, 1, 536, 0, 9), tcp_slot(0, 0, 0x10, 28), true, "options 28", 2},
      {tcp_desc(a, 65536, 2, 8960, 0, 10), tcp_slot(0, 0, 0x10, 0), true, "65536 bytes", 2},
      {tcp_desc(a, 2000, 1, 1461, 0, 11), tcp_slot(0, 0, 0x10, 0), true, "segment over MTU", 2},
      {tcp_desc(a, 3000, 1, 1460, 0, 12), tcp_slot(0, 0, 0x10, 0), true, "fits 1500 exactly",
       0},
      {tcp_desc(a, 1000, 3, 536, 0, 13), tcp_slot(0, 0, 0x10, 0), true, "flow not valid", 1},
      {tcp_desc(a, 1000, 300, 536, 0, 14), tcp_slot(0, 0, 0x10, 0), true, "flow past table", 1},
      {tcp_desc(a + 8, 1000, 1, 536, 0, 15), tcp_slot(0, 0, 0x10, 0), true, "at byte 8", 0},
      {tcp_desc(a + 4033, 3000, 1, 1460, 0, 16), tcp_slot(0, 0, 0x10, 0), true,
       "at byte 4033: across a word and a 4 KiB page", 0},
      {desc(a + 63, 60, 2, abi::TXD_L4_RAW, 17, 64, 0), {}, false, "raw after, at byte 63", 0},
  };
  std::vector<std::vector<uint8_t>> expect;
  unsigned drops = 0, errors = 0;
  for (const auto& c : cases) {
    const abi::FlowEntry* flow = c.d.flow == 1   ? &f1500
                                 : c.d.flow == 2 ? &f9000
                                 : c.d.flow == 3 ? &invalid
                                                 : nullptr;
    const uint8_t* bytes = p.data() + (c.d.addr - a);  // every case's payload is in p
    const auto v = c.tcp ? rtltest::ref_frames_tcp(flow, c.d, c.t, bytes, false, &expect,
                                                   sendoff::sim::kDevMemBytes)
                         : rtltest::ref_frames(flow, c.d, bytes, false, &expect,
                                               sendoff::sim::kDevMemBytes);
    EXPECT_EQ(int(v), c.kind) << c.what;
    drops += c.kind == 1;
    errors += c.kind == 2;
    if (c.tcp) fx.post_tcp(c.d, c.t);
    else fx.post(c.d);
    fx.doorbell();
  }
  ASSERT_TRUE(fx.wait_idle(4000000));
  const auto frames = take_frames(fx);
  ASSERT_EQ(frames.size(), expect.size());
  for (size_t i = 0; i < frames.size(); ++i) ASSERT_EQ(frames[i], expect[i]) << "frame " << i;
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_DROPS), drops);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_DESC_ERRORS), errors);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_RING_TAIL), fx.head());
  expect_clean(fx);
}

// A TCP descriptor's first slot alone (RING_HEAD one past it) waits without making the NIC
// busy and without moving RING_TAIL; its second slot then sends it. Alone again, a CTRL_RESET
// discards it (STAT_TX_FLUSHED 1), and once re-posted whole it is sent from the start.
TEST(Pipeline, TcpFirstSlotAloneWaits) {
  TxFixture fx;
  const abi::FlowEntry f = make_flow(1500);
  fx.set_flow(1, f);
  fx.setup_ring(8);
  std::vector<uint8_t> p(3000, 0x3C);
  const uint64_t a = fx.put_payload(p);
  const abi::TxDesc d = tcp_desc(a, 3000, 1, 1400, 42, 9);
  const abi::TxDescTcp t = tcp_slot(1, 100, 0x18, 8);
  std::vector<std::vector<uint8_t>> expect;
  ASSERT_EQ(rtltest::ref_frames_tcp(&f, d, t, p.data(), false, &expect), rtltest::Verdict::kSend);
  for (int round = 0; round < 2; ++round) {
    const uint32_t tail = fx.sim().reg_read(abi::REG_RING_TAIL);
    fx.post_slot(&d);
    fx.doorbell();
    fx.sim().step(3000);
    EXPECT_EQ(fx.sim().reg_read(abi::REG_RING_TAIL), tail);
    EXPECT_EQ(fx.sim().reg_read(abi::REG_STATUS) & abi::STATUS_BUSY, 0u);
    EXPECT_TRUE(take_frames(fx).empty());
    if (round == 1) {
      fx.sim().reg_write(abi::REG_CTRL, abi::CTRL_RESET);
      fx.sim().step(200);
      EXPECT_EQ(fx.sim().reg_read(abi::REG_CTRL) & abi::CTRL_RESET, 0u);
      EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_TX_FLUSHED), 1u);
      EXPECT_EQ(fx.sim().reg_read(abi::REG_RING_HEAD), tail);
      fx.resync_head();
      fx.sim().reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
      fx.post_slot(&d);
    }
    fx.post_slot(&t);
    fx.doorbell();
    ASSERT_TRUE(fx.wait_idle());
    EXPECT_EQ(take_frames(fx), expect);
  }
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_DESC_ERRORS), 0u);
  expect_clean(fx);
}

// Random descriptors over several flows, the ring wrapping many times, random AXI latency,
// gaps and MAC backpressure; every frame compared with the reference, counters too.
TEST(Pipeline, RandomTrafficBackpressure) {
  sendoff::sim::TxTopSimConfig cfg;
  cfg.desc_port.latency = 9;
  cfg.desc_port.ar_ready_prob = 0.5;
  cfg.desc_port.r_valid_prob = 0.7;
  cfg.data_port.latency = 23;
  cfg.data_port.ar_ready_prob = 0.8;
  cfg.data_port.r_valid_prob = 0.8;
  cfg.data_port.seed = 5;
  cfg.sink_ready_prob = 0.6;
  TxFixture fx(cfg);
  const abi::FlowEntry flows[4] = {make_flow(1500), make_flow(68, 1, 2), make_flow(9000, 3, 4),
                                   make_flow(576, 5, 6)};
  for (unsigned i = 0; i < 4; ++i) fx.set_flow(i, flows[i]);
  fx.setup_ring(64);
  std::mt19937_64 rng(2024);
  std::vector<uint8_t> p(70000);
  for (auto& x : p) x = uint8_t(rng());
  const uint64_t a = fx.put_payload(p, 4096);
  std::vector<std::vector<uint8_t>> expect;
  unsigned errors = 0, drops = 0;
  for (int round = 0; round < 40; ++round) {
    const int n = 1 + int(rng() % 60);
    for (int i = 0; i < n; ++i) {
      const unsigned fl = unsigned(rng() % 4);
      const unsigned kind = rng() % 10;
      uint32_t len = (kind < 5) ? uint32_t(rng() % 100) : (kind < 9) ? uint32_t(rng() % 3000)
                                                                      : uint32_t(rng() % 20000);
      uint16_t flags = (rng() % 4 == 0) ? abi::TXD_L4_RAW : abi::TXD_L4_UDP;
      if (rng() % 6 == 0) {
        flags = abi::TXD_L4_ETH;  // a whole frame, sometimes of a bad length
        len = (rng() % 10 == 0) ? uint32_t(rng() % 20) : uint32_t(rng() % 9030);
      }
      if (rng() % 8 == 0) flags |= abi::TXD_F_DF;
      if (rng() % 40 == 0) flags |= uint16_t(1u << (5 + rng() % 11));  // unknown flag
      const bool no_flow = rng() % 40 == 0;
      const bool tcp = rng() % 7 == 0;
      if (tcp) {
        flags = uint16_t(abi::TXD_L4_TCP | (flags & ~abi::TXD_F_L4_MASK));
        len = uint32_t(rng() % 30000);
      }
      const uint64_t at = a + (rng() % 2 ? 64 * (rng() % 100) : rng() % 6400);  // any byte
      abi::TxDesc d = desc(at, len, uint16_t(no_flow ? 7 : fl), flags, uint16_t(rng()),
                           uint8_t(rng()), uint8_t(rng()));
      rtltest::Verdict v;
      if (tcp) {
        // MSS mostly within the flow's MTU, sometimes past it or outside 88..9000.
        const uint32_t room = flows[fl].mtu > 140 ? flows[fl].mtu - 64u : 88u;
        d.mss = uint16_t(rng() % 8 == 0 ? rng() % 10000 : 88 + rng() % (room - 87));
        d.seq = uint32_t(rng());
        abi::TxDescTcp t = tcp_slot(uint32_t(rng()), uint16_t(rng()), uint8_t(rng()),
                                    uint8_t(rng() % 12 == 0 ? rng() % 32 : 4 * (rng() % 7)));
        fx.post_tcp(d, t);
        v = rtltest::ref_frames_tcp(no_flow ? nullptr : &flows[fl], d, t,
                                    fx.sim().memory().at(at, len), false, &expect,
                                    sendoff::sim::kDevMemBytes);
      } else {
        fx.post(d);
        v = rtltest::ref_frames(no_flow ? nullptr : &flows[fl], d,
                                fx.sim().memory().at(at, len), false, &expect,
                                sendoff::sim::kDevMemBytes);
      }
      errors += v == rtltest::Verdict::kError;
      drops += v == rtltest::Verdict::kDrop;
    }
    fx.doorbell();
    fx.sim().step(rng() % 500);
  }
  ASSERT_TRUE(fx.wait_idle(20000000));
  const auto frames = take_frames(fx);
  ASSERT_EQ(frames.size(), expect.size());
  uint64_t bytes = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(frames[i], expect[i]) << "frame " << i;
    bytes += frames[i].size();
  }
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_FRAMES_LO), frames.size());
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_BYTES_LO), uint32_t(bytes));
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_DESC_ERRORS), errors);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_STAT_DROPS), drops);
  RecordProperty("frames", int(frames.size()));
  RecordProperty("cycles", std::to_string(fx.sim().cycle()));
  expect_clean(fx);
}

// Rings the NIC must not read: nothing fetched, tail still, not busy.
TEST(Pipeline, UnusableRingsAreNotRead) {
  const uint64_t base = 4096;
  struct Case {
    uint64_t base;
    uint32_t size;
    const char* what;
  } cases[] = {
      {base, 0, "size 0"},
      {base, 6, "size not a power of two"},
      {base, 8192, "size above RING_SIZE_MAX"},
      {base + 16, 8, "base not 32-byte aligned"},
      {sendoff::sim::kDevMemBytes - 64, 4, "ring past device memory"},
  };
  for (const auto& c : cases) {
    TxFixture fx;
    fx.set_flow(0, make_flow(1500));
    fx.setup_ring_at(c.base, c.size);
    fx.sim().reg_write(abi::REG_RING_HEAD, 3);
    fx.sim().step(3000);
    EXPECT_EQ(fx.sim().desc_port().bursts(), 0u) << c.what;
    EXPECT_EQ(fx.sim().reg_read(abi::REG_RING_TAIL), 0u) << c.what;
    EXPECT_EQ(fx.sim().reg_read(abi::REG_STATUS), 0u) << c.what;
    EXPECT_TRUE(fx.sim().sink().frames().empty()) << c.what;
  }
}

// A ring whose base is 32 but not 64-byte aligned (descriptors straddle beat halves), small
// enough to wrap often, rung once per descriptor and then in batches.
TEST(Pipeline, OddRingBaseAndWrap) {
  TxFixture fx;
  fx.set_flow(0, make_flow(1500));
  fx.setup_ring_at(4096 + 32, 8);
  std::mt19937_64 rng(77);
  std::vector<uint8_t> p(3000);
  for (auto& x : p) x = uint8_t(rng());
  const uint64_t a = fx.put_payload(p);
  const abi::FlowEntry flow = make_flow(1500);
  std::vector<std::vector<uint8_t>> expect;
  for (int i = 0; i < 60; ++i) {
    const abi::TxDesc d = desc(a, uint32_t(rng() % 2000), 0, abi::TXD_L4_UDP, uint16_t(i), 64, 0);
    fx.post(d);
    rtltest::ref_frames(&flow, d, p.data(), false, &expect);
    if (i < 20 || i % 7 == 0) fx.doorbell();
  }
  fx.doorbell();
  ASSERT_TRUE(fx.wait_idle());
  EXPECT_EQ(take_frames(fx), expect);
  expect_clean(fx);
}

// Disabled: descriptors wait; enabling processes them.
TEST(Pipeline, EnableGatesTheRing) {
  TxFixture fx;
  fx.set_flow(0, make_flow(1500));
  fx.setup_ring(4, 0);
  std::vector<uint8_t> p(64, 1);
  const uint64_t a = fx.put_payload(p);
  for (int i = 0; i < 3; ++i) fx.post(desc(a, 64, 0, abi::TXD_L4_UDP, uint16_t(i), 64, 0));
  fx.doorbell();
  fx.sim().step(2000);
  EXPECT_EQ(fx.sim().reg_read(abi::REG_RING_TAIL), 0u);
  EXPECT_TRUE(fx.sim().sink().frames().empty());
  fx.sim().reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  ASSERT_TRUE(fx.wait_idle());
  EXPECT_EQ(take_frames(fx).size(), 3u);
  expect_clean(fx);
}

}  // namespace
