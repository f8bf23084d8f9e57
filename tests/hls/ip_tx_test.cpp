// SPDX-License-Identifier: MIT
// ip_tx on hand-built segments. Headers are spelled out byte for byte (from
// an independent packet builder, scapy, including its fragment()).
#include "ip_tx/ip_tx.hpp"

#include <gtest/gtest.h>

#include <string>

#include "beats.hpp"
#include "cycle_harness.hpp"
#include "stage_run.hpp"
#include "sendoff/inet_csum.hpp"

namespace {

using sendoff_test::Bytes;
using sendoff_test::hex;

using IpRun = sendoff_test::StageRun<sendoff::EthTxMeta>;

IpRun run(const std::vector<std::pair<sendoff::IpTxMeta, Bytes>>& in,
          const sendoff_test::StallProfile& p = {"no stalls", 0, 0}, uint32_t seed = 1) {
  sendoff::IpTxState s;
  return sendoff_test::run_stage<sendoff::EthTxMeta>(
      "ip_tx", in, p, seed, 10000000,
      [&](auto& mi, auto& di, auto& mo, auto& dout) {
        sendoff::ip_tx_step<sendoff_test::CycleFifo>(s, mi, di, mo, dout);
      },
      [&] { return s.idle(); });
}

sendoff::IpTxMeta meta(uint32_t l4_len, uint16_t mtu) {
  sendoff::IpTxMeta m = {};
  m.l4_len = l4_len;
  m.saddr = 0xC6120001;
  m.daddr = 0xC6120002;
  m.id = 0xbeef;
  m.mtu = mtu;
  m.ttl = 17;
  m.tos = 0x10;
  m.protocol = 253;
  m.eth.dmac = 0x0A0B0C0D0E0Full;
  m.eth.smac = 0x010203040506ull;
  m.eth.fcs = true;
  return m;
}

TEST(IpTx, SinglePacketWithDf) {
  const Bytes l4 = sendoff_test::pattern(30, 9);
  sendoff::IpTxMeta m = meta(30, 1500);
  m.saddr = 0x0A010203;  // 10.1.2.3
  m.daddr = 0xC0A864C8;  // 192.168.100.200
  m.id = 0xffff;
  m.ttl = 1;
  m.tos = 0xb8;
  m.protocol = 17;
  m.df = true;
  const IpRun r = run({{m, l4}});
  ASSERT_EQ(r.packets.size(), 1u);
  // len 50, DF, ttl 1, UDP, checksum 478f
  EXPECT_EQ(r.packets[0], sendoff_test::cat(hex("45b8 0032 ffff 4000 0111 478f 0a010203 c0a864c8"), l4));
  ASSERT_EQ(r.metas.size(), 1u);
  EXPECT_EQ(r.metas[0].ip_len, 50);
  EXPECT_EQ(r.metas[0].dmac, 0x0A0B0C0D0E0Full);
  EXPECT_EQ(r.metas[0].smac, 0x010203040506ull);
  EXPECT_TRUE(r.metas[0].fcs);
}

// A whole Ethernet frame (TXD_L4_ETH) passes as one packet without a header,
// whatever the MTU says, between two IPv4 packets.
TEST(IpTx, WholeFramePassesWithoutHeader) {
  const Bytes frame = sendoff_test::pattern(9014, 4);
  sendoff::IpTxMeta m = meta(9014, 68);
  m.l2 = true;
  m.eth.l2 = true;
  const Bytes l4 = sendoff_test::pattern(30, 9);
  const IpRun r = run({{meta(30, 1500), l4}, {m, frame}, {meta(30, 1500), l4}});
  ASSERT_EQ(r.packets.size(), 3u);
  EXPECT_EQ(r.packets[1], frame);
  EXPECT_EQ(r.packets[2], r.packets[0]);
  EXPECT_EQ(r.packets[0].size(), 50u);
  ASSERT_EQ(r.metas.size(), 3u);
  EXPECT_EQ(r.metas[1].ip_len, 9014);
  EXPECT_TRUE(r.metas[1].l2);
  EXPECT_FALSE(r.metas[0].l2);
}

TEST(IpTx, FragmentsAtMinimumMtu) {
  // MTU 68: (68 - 20) & ~7 = 48 transport bytes per fragment.
  Bytes l4(100);
  for (size_t i = 0; i < l4.size(); ++i) l4[i] = static_cast<uint8_t>(i * 7 + 3);
  const IpRun r = run({{meta(100, 68), l4}});
  ASSERT_EQ(r.packets.size(), 3u);
  EXPECT_EQ(r.packets[0], sendoff_test::cat(hex("4510 0044 beef 2000 11fd 3d96 c6120001 c6120002"),
                                             Bytes(l4.begin(), l4.begin() + 48)));
  EXPECT_EQ(r.packets[1], sendoff_test::cat(hex("4510 0044 beef 2006 11fd 3d90 c6120001 c6120002"),
                                             Bytes(l4.begin() + 48, l4.begin() + 96)));
  EXPECT_EQ(r.packets[2], sendoff_test::cat(hex("4510 0018 beef 000c 11fd 5db6 c6120001 c6120002"),
                                             Bytes(l4.begin() + 96, l4.end())));
  ASSERT_EQ(r.metas.size(), 3u);
  EXPECT_EQ(r.metas[0].ip_len, 68);
  EXPECT_EQ(r.metas[1].ip_len, 68);
  EXPECT_EQ(r.metas[2].ip_len, 24);
}

TEST(IpTx, DfIsClearOnFragments) {
  Bytes l4(100);
  for (size_t i = 0; i < l4.size(); ++i) l4[i] = static_cast<uint8_t>(i * 7 + 3);
  sendoff::IpTxMeta m = meta(100, 68);
  m.df = true;
  const IpRun r = run({{m, l4}});
  ASSERT_EQ(r.packets.size(), 3u);
  EXPECT_EQ(Bytes(r.packets[0].begin(), r.packets[0].begin() + 20),
            hex("4510 0044 beef 2000 11fd 3d96 c6120001 c6120002"));
}

TEST(IpTx, EmptySegmentAndExactMtu) {
  const IpRun r = run({{meta(0, 1500), {}}, {meta(1480, 1500), sendoff_test::pattern(1480, 4)}});
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[0], hex("4510 0014 beef 0000 11fd 5dc6 c6120001 c6120002"));
  ASSERT_EQ(r.packets[1].size(), 1500u);  // 20 + 1480 = MTU: not fragmented
  EXPECT_EQ(sendoff_test::be16(r.packets[1], 6), 0);
}

TEST(IpTx, JumboSegmentFragmentsAndReassembles) {
  // 9008 transport bytes at MTU 1500: six fragments of 1480 and one of 128.
  const Bytes l4 = sendoff_test::pattern(9008, 11);
  const IpRun r = run({{meta(9008, 1500), l4}, {meta(33, 1500), sendoff_test::pattern(33, 2)}});
  ASSERT_EQ(r.packets.size(), 8u);
  Bytes joined;
  for (size_t k = 0; k < 7; ++k) {
    const Bytes& p = r.packets[k];
    const size_t data = k < 6 ? 1480 : 128;
    ASSERT_EQ(p.size(), 20 + data) << k;
    EXPECT_EQ(sendoff_test::be16(p, 2), 20 + data);
    EXPECT_EQ(sendoff_test::be16(p, 4), 0xbeef);
    const uint16_t frag = sendoff_test::be16(p, 6);
    EXPECT_EQ(frag & 0x1FFF, k * 1480 / 8) << k;
    EXPECT_EQ((frag & 0x2000) != 0, k < 6) << k;
    EXPECT_EQ(frag & 0x4000, 0);
    EXPECT_EQ(sendoff::inet_csum(p.data(), 20), 0) << k;
    joined.insert(joined.end(), p.begin() + 20, p.end());
  }
  EXPECT_EQ(joined, l4);
  EXPECT_EQ(Bytes(r.packets[7].begin() + 20, r.packets[7].end()), sendoff_test::pattern(33, 2));
}

// One call per cycle over whole segments, with and without random stalls on
// both sides: every benchmark frame size unfragmented (transport bytes =
// frame - 38, MTU 9000), then fragmenting ones. Per packet (fragment) the
// beats in are those of the transport bytes it carries.
TEST(IpTx, OneBeatPerCallAtEveryFrameSize) {
  struct Size {
    uint32_t l4_len;
    uint16_t mtu;
  };
  std::vector<Size> sizes;
  for (const unsigned frame : sendoff_test::bench_frame_sizes()) sizes.push_back({frame - 38, 9000});
  for (const Size f : {Size{1481, 1500}, Size{9008, 1500}, Size{65515, 1500}, Size{100, 68},
                       Size{1481, 68}, Size{65515, 9000}})
    sizes.push_back(f);
  for (const Size& z : sizes) {
    // Linux's fragments of one segment (ip_tx.hpp), worked out here.
    const uint32_t per = 20 + z.l4_len > z.mtu ? ((z.mtu - 20u) & ~7u) : z.l4_len;
    std::vector<uint32_t> frags;
    uint32_t off = 0;
    do {
      const uint32_t d = z.l4_len - off < per ? z.l4_len - off : per;
      frags.push_back(d);
      off += d;
    } while (off < z.l4_len);
    std::vector<std::pair<sendoff::IpTxMeta, Bytes>> in;
    std::vector<sendoff_test::PacketBeats> beats;
    for (unsigned k = 0; k < sendoff_test::packets_for(sendoff::beats_for(z.l4_len)); ++k) {
      in.push_back({meta(z.l4_len, z.mtu), sendoff_test::pattern(z.l4_len, z.l4_len + k)});
      for (uint32_t d : frags) beats.push_back({sendoff::beats_for(d), sendoff::beats_for(20 + d)});
    }
    std::vector<Bytes> first;
    for (const sendoff_test::StallProfile& p : sendoff_test::stall_profiles()) {
      SCOPED_TRACE(std::to_string(z.l4_len) + " transport bytes, MTU " + std::to_string(z.mtu) +
                   ", " + p.name);
      const IpRun r = run(in, p, z.l4_len);
      ASSERT_EQ(r.packets.size(), beats.size());
      size_t pk = 0;
      for (const auto& seg : in) {
        Bytes joined;
        for (size_t f = 0; f < frags.size(); ++f, ++pk) {
          const Bytes& pkt = r.packets[pk];
          ASSERT_EQ(pkt.size(), 20u + frags[f]);
          EXPECT_EQ(sendoff::inet_csum(pkt.data(), 20), 0);
          joined.insert(joined.end(), pkt.begin() + 20, pkt.end());
        }
        EXPECT_EQ(joined, seg.second);
      }
      if (first.empty()) {
        first = r.packets;
      } else {
        EXPECT_EQ(r.packets, first) << "stalls changed the output";
      }
      sendoff_test::expect_one_beat_per_call(beats, r.done_at, r.stalls_at, 0);
    }
  }
}

}  // namespace
