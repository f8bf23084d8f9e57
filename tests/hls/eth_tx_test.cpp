// SPDX-License-Identifier: MIT
// eth_tx on hand-built IP packets: header, padding to 60 bytes, FCS.
// Expected frames are spelled out (scapy-built, FCS from zlib's crc32).
#include "eth_tx/eth_tx.hpp"

#include <gtest/gtest.h>

#include <string>

#include "beats.hpp"
#include "cycle_harness.hpp"
#include "sendoff/crc32.hpp"

namespace {

using sendoff_test::Bytes;
using sendoff_test::hex;

struct EthRun {
  std::vector<Bytes> frames;
  uint64_t n_frames = 0, n_bytes = 0;
  std::vector<uint64_t> done_at, stalls_at;  // per frame, from the harness
};

// Drives eth_tx_step a call per cycle until every input is consumed, the
// kernel is idle and the output drained.
// l2: the packets are whole frames (TXD_L4_ETH).
EthRun run(const std::vector<Bytes>& packets, bool fcs,
           const sendoff_test::StallProfile& p = {"no stalls", 0, 0}, uint32_t seed = 1,
           bool l2 = false) {
  sendoff_test::Harness h(seed, p.hold_in, p.hold_out);
  auto& meta_in = h.source<sendoff::EthTxMeta>();
  auto& ip = h.source<sendoff::axis_t>();
  auto& out = h.sink<sendoff::axis_t>();
  for (const Bytes& pkt : packets) {
    sendoff::EthTxMeta m = {};
    m.ip_len = static_cast<uint16_t>(pkt.size());
    m.dmac = 0x020000000002ull;  // 02:00:00:00:00:02, first wire byte lowest
    m.smac = 0x010000000002ull;  // 02:00:00:00:00:01
    m.fcs = fcs;
    m.l2 = l2;
    meta_in.push(m);
    for (const sendoff::axis_t& b : sendoff_test::packet_beats(pkt)) ip.push(b);
  }
  sendoff::EthTxState s;
  const bool settled = h.run(
      [&] { sendoff::eth_tx_step<sendoff_test::CycleFifo>(s, meta_in.fifo, ip.fifo, out.fifo); },
      [&] { return meta_in.exhausted() && ip.exhausted() && s.idle() && out.drained(); },
      10000000);
  EXPECT_TRUE(settled) << "eth_tx did not settle";
  EthRun r;
  r.frames = sendoff_test::read_packets(out.got);
  r.n_frames = s.frames;
  r.n_bytes = s.bytes;
  r.done_at = out.done_at;
  r.stalls_at = out.stalls_at;
  return r;
}

const char* kEthHdr = "020000000002 020000000001 0800";
// IPv4 + UDP of an empty datagram 198.18.0.1:40000 -> 198.18.0.2:9000, ID 7.
const char* kEmptyUdp = "4500001c000700004011eea2c6120001c6120002 9c4023280008b44d";
// "hello sendoff" to the same port, ID 0x1234, DF.
const char* kHelloUdp =
    "450000291234400040119c68c6120001c6120002 9c4023280015b910 68656c6c6f2073656e646f6666";

TEST(EthTx, PadsEmptyUdpDatagramTo60) {
  const EthRun r = run({hex(kEmptyUdp)}, false);
  ASSERT_EQ(r.frames.size(), 1u);
  // 14 + 28 = 42 bytes, then 18 zero bytes of padding.
  EXPECT_EQ(r.frames[0], sendoff_test::cat(hex(kEthHdr), sendoff_test::cat(hex(kEmptyUdp), Bytes(18, 0))));
  EXPECT_EQ(r.n_frames, 1u);
  EXPECT_EQ(r.n_bytes, 60u);
}

TEST(EthTx, AppendsFcsAfterPadding) {
  const EthRun r = run({hex(kEmptyUdp), hex(kHelloUdp)}, true);
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[0], sendoff_test::cat(hex(kEthHdr), sendoff_test::cat(hex(kEmptyUdp),
                                                                        hex("000000000000000000000000000000000000 c62b3a4a"))));
  EXPECT_EQ(r.frames[1], sendoff_test::cat(hex(kEthHdr), sendoff_test::cat(hex(kHelloUdp),
                                                                        hex("00000000 00 bf47f476"))));
  EXPECT_EQ(r.n_frames, 2u);
  EXPECT_EQ(r.n_bytes, 120u);  // the FCS is not counted
}

TEST(EthTx, FcsAcrossBeatBoundaries) {
  const size_t B = sendoff::DATA_BYTES;
  std::vector<Bytes> packets;
  // Frames of 2B-4 .. 2B+1 bytes: the FCS ends a beat, straddles two, or
  // starts a beat of its own.
  for (size_t f = 2 * B - 4; f <= 2 * B + 1; ++f) packets.push_back(sendoff_test::pattern(f - 14, static_cast<unsigned>(f)));
  packets.push_back(sendoff_test::pattern(9000, 5));  // largest at MAX_MTU
  const EthRun r = run(packets, true);
  ASSERT_EQ(r.frames.size(), packets.size());
  uint64_t bytes = 0;
  for (size_t k = 0; k < packets.size(); ++k) {
    const Bytes frame = sendoff_test::cat(hex(kEthHdr), packets[k]);
    const uint32_t crc = sendoff::crc32_ieee(frame.data(), frame.size());
    const Bytes fcs = {static_cast<uint8_t>(crc), static_cast<uint8_t>(crc >> 8),
                       static_cast<uint8_t>(crc >> 16), static_cast<uint8_t>(crc >> 24)};
    EXPECT_EQ(r.frames[k], sendoff_test::cat(frame, fcs)) << "frame " << frame.size();
    EXPECT_EQ(sendoff::crc32_ieee(r.frames[k].data(), r.frames[k].size()), sendoff::CRC32_RESIDUE);
    bytes += frame.size();
  }
  EXPECT_EQ(r.n_bytes, bytes);
}

TEST(EthTx, LongPacketsWithoutFcs) {
  const Bytes p = sendoff_test::pattern(9000, 6);
  const EthRun r = run({p, hex(kHelloUdp)}, false);
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[0], sendoff_test::cat(hex(kEthHdr), p));
  EXPECT_EQ(r.frames[1].size(), 60u);
  EXPECT_EQ(r.n_bytes, 9014u + 60u);
}

// One call per cycle over whole frames of every benchmark size (IP packet =
// frame - 18 bytes), FCS appended or left to the MAC, with and without
// random stalls on both sides.
TEST(EthTx, OneBeatPerCallAtEveryFrameSize) {
  for (const bool fcs : {true, false}) {
    for (const unsigned frame : sendoff_test::bench_frame_sizes()) {
      const size_t ip_len = frame - 18;
      const unsigned out = sendoff::beats_for(frame - (fcs ? 0 : 4));
      std::vector<Bytes> packets;
      std::vector<sendoff_test::PacketBeats> beats;
      for (unsigned k = 0; k < sendoff_test::packets_for(out); ++k) {
        packets.push_back(sendoff_test::pattern(ip_len, frame + k));
        beats.push_back({sendoff::beats_for(static_cast<unsigned>(ip_len)), out});
      }
      std::vector<Bytes> first;
      for (const sendoff_test::StallProfile& p : sendoff_test::stall_profiles()) {
        SCOPED_TRACE(std::to_string(frame) + " B frames, FCS " + (fcs ? "on, " : "off, ") + p.name);
        const EthRun r = run(packets, fcs, p, frame);
        ASSERT_EQ(r.frames.size(), packets.size());
        for (size_t k = 0; k < packets.size(); ++k) {
          const Bytes f = sendoff_test::cat(hex(kEthHdr), packets[k]);
          ASSERT_EQ(r.frames[k].size(), frame - (fcs ? 0u : 4u));
          EXPECT_EQ(Bytes(r.frames[k].begin(), r.frames[k].begin() + static_cast<long>(f.size())), f);
          if (fcs) {
            EXPECT_EQ(sendoff::crc32_ieee(r.frames[k].data(), r.frames[k].size()),
                      sendoff::CRC32_RESIDUE);
          }
        }
        if (first.empty()) {
          first = r.frames;
        } else {
          EXPECT_EQ(r.frames, first) << "stalls changed the output";
        }
        sendoff_test::expect_one_beat_per_call(beats, r.done_at, r.stalls_at, 0);
      }
    }
  }
}

// A whole frame (TXD_L4_ETH) gets no header: an ARP request (scapy-built,
// FCS from zlib's crc32) is padded from 42 to 60 bytes, then the FCS.
const char* kArpRequest =
    "ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 c6120001"
    "000000000000 c6120002";

TEST(EthTx, WholeFrameIsPaddedAndGetsFcsOnly) {
  const EthRun r = run({hex(kArpRequest)}, true, {"no stalls", 0, 0}, 1, true);
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0], sendoff_test::cat(hex(kArpRequest), sendoff_test::cat(Bytes(18, 0),
                                                                            hex("5115adc9"))));
  EXPECT_EQ(r.n_bytes, 60u);
}

// Frame sizes from ETH_HLEN to ETH_FRAME_MAX, around the padding and beat
// edges, under stalls: the bytes as they came, and one beat per call.
TEST(EthTx, WholeFramesOneBeatPerCall) {
  const unsigned B = sendoff::DATA_BYTES;
  const std::vector<unsigned> sizes = {14, 59, 60, 61, B - 4, B, B + 1, 2 * B + 3, 1514, 9014};
  for (const bool fcs : {true, false}) {
    std::vector<Bytes> packets;
    std::vector<sendoff_test::PacketBeats> beats;
    for (const unsigned f : sizes) {
      packets.push_back(sendoff_test::pattern(f, f));
      const unsigned wire = (f < 60 ? 60 : f) + (fcs ? 4 : 0);
      beats.push_back({sendoff::beats_for(f), sendoff::beats_for(wire)});
    }
    for (const sendoff_test::StallProfile& p : sendoff_test::stall_profiles()) {
      SCOPED_TRACE(std::string("FCS ") + (fcs ? "on, " : "off, ") + p.name);
      const EthRun r = run(packets, fcs, p, 3, true);
      ASSERT_EQ(r.frames.size(), packets.size());
      uint64_t bytes = 0;
      for (size_t k = 0; k < packets.size(); ++k) {
        Bytes frame = packets[k];
        if (frame.size() < 60) frame.resize(60, 0);
        bytes += frame.size();
        if (fcs) {
          const uint32_t crc = sendoff::crc32_ieee(frame.data(), frame.size());
          frame = sendoff_test::cat(frame, {static_cast<uint8_t>(crc), static_cast<uint8_t>(crc >> 8),
                                            static_cast<uint8_t>(crc >> 16),
                                            static_cast<uint8_t>(crc >> 24)});
        }
        EXPECT_EQ(r.frames[k], frame) << "frame " << packets[k].size();
      }
      EXPECT_EQ(r.n_bytes, bytes);
      sendoff_test::expect_one_beat_per_call(beats, r.done_at, r.stalls_at, 0);
    }
  }
}

}  // namespace
