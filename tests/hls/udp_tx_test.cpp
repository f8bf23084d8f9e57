// SPDX-License-Identifier: MIT
// udp_tx on hand-built inputs. Expected headers are spelled out (from an
// independent packet builder, scapy); checksums of generated sizes are
// verified the way a receiver does (RFC 1071 sum over pseudo-header and
// segment comes out 0).
#include "udp_tx/udp_tx.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "beats.hpp"
#include "cycle_harness.hpp"
#include "stage_run.hpp"
#include "sendoff/inet_csum.hpp"

namespace {

using sendoff_test::Bytes;
using sendoff_test::hex;

sendoff::UdpTxMeta udp_meta(uint32_t len) {
  sendoff::UdpTxMeta m = {};
  m.len = len;
  m.sport = 40000;
  m.dport = 9000;
  m.ip.saddr = 0xC6120001;  // 198.18.0.1
  m.ip.daddr = 0xC6120002;
  m.ip.id = 0x1234;
  m.ip.mtu = 1500;
  m.ip.ttl = 64;
  m.ip.tos = 0x28;
  m.ip.protocol = 99;  // udp_tx must put 17 for UDP
  m.ip.df = true;
  m.ip.eth.dmac = 0x020000000002ull;
  m.ip.eth.smac = 0x010000000002ull;
  return m;
}

using UdpRun = sendoff_test::StageRun<sendoff::IpTxMeta>;

// The buffers are 2 x 64 KiB: on the heap, not on the test's stack.
struct Buffers {
  sendoff::UdpTxBuffers b;
};

UdpRun run(const std::vector<std::pair<sendoff::UdpTxMeta, Bytes>>& in,
           const sendoff_test::StallProfile& p = {"no stalls", 0, 0}, uint32_t seed = 1) {
  sendoff::UdpTxState s;
  auto buf = std::make_unique<Buffers>();
  return sendoff_test::run_stage<sendoff::IpTxMeta>(
      "udp_tx", in, p, seed, 10000000,
      [&](auto& mi, auto& di, auto& mo, auto& dout) {
        sendoff::udp_tx_step<sendoff_test::CycleFifo>(s, buf->b, mi, di, mo, dout);
      },
      [&] { return s.idle(); });
}

// Receiver's check: pseudo-header + segment sums to 0xFFFF.
bool udp_checksum_ok(const Bytes& seg) {
  Bytes ph = hex("c6120001 c6120002 00 11");
  ph.push_back(static_cast<uint8_t>(seg.size() >> 8));
  ph.push_back(static_cast<uint8_t>(seg.size()));
  uint32_t s = sendoff::csum_partial(ph.data(), ph.size(), 0);
  s = sendoff::csum_partial(seg.data(), seg.size(), s);
  return sendoff::csum_finish(s) == 0;
}

TEST(UdpTx, HeaderAndChecksum) {
  const Bytes payload = hex("68656c6c6f2073656e646f6666");  // "hello sendoff"
  const UdpRun r = run({{udp_meta(13), payload}});
  ASSERT_EQ(r.packets.size(), 1u);
  // sport 40000, dport 9000, length 21, checksum b910
  EXPECT_EQ(r.packets[0], sendoff_test::cat(hex("9c40 2328 0015 b910"), payload));
  ASSERT_EQ(r.metas.size(), 1u);
  const sendoff::IpTxMeta& ip = r.metas[0];
  EXPECT_EQ(ip.l4_len, 21u);
  EXPECT_EQ(ip.protocol, 17);
  EXPECT_EQ(ip.saddr, 0xC6120001u);
  EXPECT_EQ(ip.daddr, 0xC6120002u);
  EXPECT_EQ(ip.id, 0x1234);
  EXPECT_EQ(ip.ttl, 64);
  EXPECT_EQ(ip.tos, 0x28);
  EXPECT_TRUE(ip.df);
  EXPECT_EQ(ip.mtu, 1500);
  EXPECT_EQ(ip.eth.dmac, 0x020000000002ull);
}

TEST(UdpTx, ComputedZeroIsSentAsFfff) {
  // With this payload the sum over pseudo-header, header and data is 0xFFFF,
  // so the computed checksum is 0; RFC 768 sends it as all ones.
  const Bytes payload = hex("b449");
  const Bytes zero_csum = sendoff_test::cat(hex("9c40 2328 000a 0000"), payload);
  Bytes ph = hex("c6120001 c6120002 0011 000a");
  EXPECT_EQ(sendoff::csum_finish(sendoff::csum_partial(
                zero_csum.data(), zero_csum.size(),
                sendoff::csum_partial(ph.data(), ph.size(), 0))),
            0);
  const UdpRun r = run({{udp_meta(2), payload}});
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0], sendoff_test::cat(hex("9c40 2328 000a ffff"), payload));
}

TEST(UdpTx, SizesAroundBeatBoundaries) {
  const unsigned B = sendoff::DATA_BYTES;
  for (unsigned len : {0u, 1u, B - 9, B - 8, B - 7, B, 2 * B - 8, 2 * B + 1, 1472u, 1473u,
                       9000u, 65507u}) {
    const Bytes payload = sendoff_test::pattern(len, len);
    const UdpRun r = run({{udp_meta(len), payload}});
    ASSERT_EQ(r.packets.size(), 1u) << len;
    const Bytes& seg = r.packets[0];
    ASSERT_EQ(seg.size(), len + 8u) << len;
    EXPECT_EQ(sendoff_test::be16(seg, 0), 40000);
    EXPECT_EQ(sendoff_test::be16(seg, 2), 9000);
    EXPECT_EQ(sendoff_test::be16(seg, 4), len + 8);
    EXPECT_NE(sendoff_test::be16(seg, 6), 0);
    EXPECT_TRUE(udp_checksum_ok(seg)) << len;
    EXPECT_EQ(Bytes(seg.begin() + 8, seg.end()), payload) << len;
    EXPECT_EQ(r.metas[0].l4_len, len + 8);
  }
}

TEST(UdpTx, RawPassesThrough) {
  sendoff::UdpTxMeta m = udp_meta(70);
  m.raw = true;
  m.ip.protocol = 253;  // RFC 3692 experimental
  const Bytes payload = sendoff_test::pattern(70, 1);
  const UdpRun r = run({{m, payload}});
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0], payload);
  EXPECT_EQ(r.metas[0].l4_len, 70u);
  EXPECT_EQ(r.metas[0].protocol, 253);
}

TEST(UdpTx, BackToBackInOrder) {
  sendoff::UdpTxMeta raw = udp_meta(5);
  raw.raw = true;
  const Bytes a = sendoff_test::pattern(100, 1), b = sendoff_test::pattern(5, 2),
              c = sendoff_test::pattern(64, 3);
  const UdpRun r = run({{udp_meta(100), a}, {raw, b}, {udp_meta(64), c}});
  ASSERT_EQ(r.packets.size(), 3u);
  ASSERT_EQ(r.metas.size(), 3u);
  EXPECT_EQ(Bytes(r.packets[0].begin() + 8, r.packets[0].end()), a);
  EXPECT_EQ(r.packets[1], b);
  EXPECT_EQ(Bytes(r.packets[2].begin() + 8, r.packets[2].end()), c);
  EXPECT_EQ(r.metas[0].l4_len, 108u);
  EXPECT_EQ(r.metas[1].l4_len, 5u);
  EXPECT_EQ(r.metas[2].l4_len, 72u);
}

// One call per cycle over whole datagrams of every benchmark frame size
// (UDP payload = frame - 46 bytes; RAW segment = frame - 38), with and
// without random stalls on both sides. udp_tx stores each datagram before
// sending it, so the first one's fill is latency, once; after that the
// double buffer keeps the output busy: one beat per call.
TEST(UdpTx, OneBeatPerCallAtEveryFrameSize) {
  for (const bool raw : {false, true}) {
    for (const unsigned frame : sendoff_test::bench_frame_sizes()) {
      const uint32_t len = raw ? frame - 38 : frame - 46;
      const unsigned out = sendoff::beats_for(raw ? len : len + 8);
      std::vector<std::pair<sendoff::UdpTxMeta, Bytes>> in;
      std::vector<sendoff_test::PacketBeats> beats;
      for (unsigned k = 0; k < sendoff_test::packets_for(out); ++k) {
        sendoff::UdpTxMeta m = udp_meta(len);
        m.raw = raw;
        in.push_back({m, sendoff_test::pattern(len, frame + k)});
        beats.push_back({sendoff::beats_for(len), out});
      }
      std::vector<Bytes> first;
      for (const sendoff_test::StallProfile& p : sendoff_test::stall_profiles()) {
        SCOPED_TRACE(std::string(raw ? "RAW " : "UDP ") + std::to_string(frame) + " B frames, " +
                     p.name);
        const UdpRun r = run(in, p, frame);
        ASSERT_EQ(r.packets.size(), in.size());
        for (size_t k = 0; k < in.size(); ++k) {
          const Bytes& seg = r.packets[k];
          EXPECT_EQ(Bytes(seg.begin() + (raw ? 0 : 8), seg.end()), in[k].second);
          if (!raw) {
            EXPECT_TRUE(udp_checksum_ok(seg));
          }
        }
        if (first.empty()) {
          first = r.packets;
        } else {
          EXPECT_EQ(r.packets, first) << "stalls changed the output";
        }
        sendoff_test::expect_one_beat_per_call(beats, r.done_at, r.stalls_at, out);
      }
    }
  }
}

// The free-running kernel itself (statics, hls::stream): the same segments
// as the step function, and it ends idle (a second run starts clean).
TEST(UdpTx, FreeRunningKernelEntry) {
  for (int round = 0; round < 2; ++round) {
    hls::stream<sendoff::UdpTxMeta> meta_in("meta_in");
    hls::stream<sendoff::axis_t> payload("payload");
    hls::stream<sendoff::IpTxMeta> meta_out("meta_out");
    hls::stream<sendoff::axis_t> l4("l4");
    const Bytes a = sendoff_test::pattern(200, 1), b = sendoff_test::pattern(3, 2);
    meta_in.write(udp_meta(200));
    sendoff_test::write_packet(payload, a);
    meta_in.write(udp_meta(3));
    sendoff_test::write_packet(payload, b);
    for (int c = 0; c < 64; ++c) sendoff::udp_tx(meta_in, payload, meta_out, l4);
    const std::vector<Bytes> segs = sendoff_test::read_packets(l4);
    ASSERT_EQ(segs.size(), 2u);
    EXPECT_EQ(Bytes(segs[0].begin() + 8, segs[0].end()), a);
    EXPECT_EQ(Bytes(segs[1].begin() + 8, segs[1].end()), b);
    EXPECT_TRUE(udp_checksum_ok(segs[0]));
    EXPECT_EQ(meta_out.size(), 2u);
    while (!meta_out.empty()) meta_out.read();
  }
}

}  // namespace
