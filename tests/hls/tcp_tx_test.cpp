// SPDX-License-Identifier: MIT
// tcp_tx (TSO) against a byte-wise reference segmenter written here from
// RFC 9293 and Linux's tcp_gso_segment rules, and against the receiver's
// check: each segment's checksum over pseudo-header and segment comes out 0.
#include "tcp_tx/tcp_tx.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "beats.hpp"
#include "cycle_harness.hpp"
#include "stage_run.hpp"
#include "sendoff/inet_csum.hpp"

namespace {

using sendoff_test::Bytes;
using sendoff_test::hex;

// Linux's SYN options (tcp_options_write): MSS 1460, SACK-permitted with
// timestamps, NOP, window scale 7.
const Bytes kSynOpts = hex("020405b4 0402080a 01020304 00000000 01030307");

sendoff::TcpTxMeta tcp_meta(uint32_t len, uint16_t mss, const Bytes& opts = {}) {
  sendoff::TcpTxMeta m = {};
  m.len = len;
  m.mss = mss;
  m.sport = 40000;
  m.dport = 9000;
  m.seq = 0xFFFFF000u;  // wraps within a descriptor
  m.ack = 0x01020304u;
  m.window = 502;
  m.flags = sendoff::TCPHDR_ACK | sendoff::TCPHDR_PSH;
  m.opt_len = static_cast<uint8_t>(opts.size());
  m.opts = 0;
  for (size_t i = 0; i < opts.size(); ++i) m.opts(8 * i + 7, 8 * i) = opts[i];
  m.ip.saddr = 0xC6120001;  // 198.18.0.1
  m.ip.daddr = 0xC6120002;
  m.ip.id = 0xFFFE;  // wraps too
  m.ip.mtu = 9000;
  m.ip.ttl = 64;
  m.ip.tos = 0;
  m.ip.protocol = 99;  // tcp_tx must put 6
  m.ip.df = true;
  return m;
}

void put16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void put32(Bytes& b, size_t at, uint32_t v) {
  put16(b, at, static_cast<uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<uint16_t>(v));
}

uint32_t pseudo_sum(const sendoff::TcpTxMeta& m, size_t l4_len) {
  Bytes ph(12, 0);
  put32(ph, 0, m.ip.saddr);
  put32(ph, 4, m.ip.daddr);
  ph[9] = 6;
  put16(ph, 10, static_cast<uint16_t>(l4_len));
  return sendoff::csum_partial(ph.data(), ph.size(), 0);
}

// The segments Linux's GSO would make of this descriptor, byte by byte.
std::vector<Bytes> reference(const sendoff::TcpTxMeta& m, const Bytes& payload) {
  std::vector<Bytes> out;
  const size_t hlen = 20 + m.opt_len;
  const size_t n = m.len == 0 ? 1 : (m.len + m.mss - 1) / m.mss;
  for (size_t k = 0; k < n; ++k) {
    const size_t start = k * m.mss;
    const size_t seg_len = m.len == 0 ? 0 : std::min<size_t>(m.mss, m.len - start);
    Bytes s(hlen + seg_len, 0);
    put16(s, 0, m.sport);
    put16(s, 2, m.dport);
    put32(s, 4, m.seq + static_cast<uint32_t>(start));
    put32(s, 8, m.ack);
    s[12] = static_cast<uint8_t>((hlen / 4) << 4);
    uint8_t flags = m.flags;
    if (k + 1 < n) flags &= ~(sendoff::TCPHDR_PSH | sendoff::TCPHDR_FIN);
    if (k > 0) flags &= ~sendoff::TCPHDR_CWR;
    s[13] = flags;
    put16(s, 14, m.window);
    for (size_t i = 0; i < m.opt_len; ++i) s[20 + i] = static_cast<uint8_t>(m.opts(8 * i + 7, 8 * i));
    std::copy(payload.begin() + static_cast<long>(start),
              payload.begin() + static_cast<long>(start + seg_len), s.begin() + static_cast<long>(hlen));
    put16(s, 16, sendoff::csum_finish(sendoff::csum_partial(s.data(), s.size(), pseudo_sum(m, s.size()))));
    out.push_back(s);
  }
  return out;
}

using TcpRun = sendoff_test::StageRun<sendoff::IpTxMeta>;

struct Buffers {
  sendoff::TcpTxBuffers b;
  sendoff::TcpTxSums sums;
};

TcpRun run(const std::vector<std::pair<sendoff::TcpTxMeta, Bytes>>& in,
           const sendoff_test::StallProfile& p = {"no stalls", 0, 0}, uint32_t seed = 1) {
  sendoff::TcpTxState s;
  auto buf = std::make_unique<Buffers>();
  return sendoff_test::run_stage<sendoff::IpTxMeta>(
      "tcp_tx", in, p, seed, 50000000,
      [&](auto& mi, auto& di, auto& mo, auto& dout) {
        sendoff::tcp_tx_step<sendoff_test::CycleFifo>(s, buf->b, buf->sums, mi, di, mo, dout);
      },
      [&] { return s.idle(); });
}

bool tcp_checksum_ok(const sendoff::TcpTxMeta& m, const Bytes& seg) {
  return sendoff::csum_finish(sendoff::csum_partial(seg.data(), seg.size(), pseudo_sum(m, seg.size()))) == 0;
}

// Every segment as the reference makes it, each with its IPv4 meta.
void expect_segments(const TcpRun& r, const std::vector<std::pair<sendoff::TcpTxMeta, Bytes>>& in) {
  size_t at = 0;
  for (const auto& d : in) {
    const std::vector<Bytes> want = reference(d.first, d.second);
    for (size_t k = 0; k < want.size(); ++k, ++at) {
      ASSERT_LT(at, r.packets.size()) << "missing segments";
      SCOPED_TRACE("len " + std::to_string(d.first.len) + " mss " + std::to_string(d.first.mss) +
                   " segment " + std::to_string(k));
      ASSERT_EQ(r.packets[at], want[k]);
      EXPECT_TRUE(tcp_checksum_ok(d.first, r.packets[at]));
      const sendoff::IpTxMeta& ip = r.metas[at];
      EXPECT_EQ(ip.l4_len, want[k].size());
      EXPECT_EQ(ip.protocol, 6);
      EXPECT_EQ(ip.id, static_cast<uint16_t>(d.first.ip.id + k));
      EXPECT_EQ(ip.df, d.first.ip.df);
      EXPECT_EQ(ip.saddr, d.first.ip.saddr);
      EXPECT_EQ(ip.daddr, d.first.ip.daddr);
    }
  }
  EXPECT_EQ(r.packets.size(), at) << "extra segments";
  EXPECT_EQ(r.metas.size(), at);
}

TEST(TcpTx, ASynIsOneSegmentWithItsOptions) {
  sendoff::TcpTxMeta m = tcp_meta(0, 1460, kSynOpts);
  m.flags = sendoff::TCPHDR_SYN | sendoff::TCPHDR_ECE | sendoff::TCPHDR_CWR;
  m.seq = 0x12345678;
  m.ack = 0;
  m.window = 64240;
  const TcpRun r = run({{m, {}}});
  ASSERT_EQ(r.packets.size(), 1u);
  // sport 40000, dport 9000, seq, ack 0, data offset 10 words, SYN|ECE|CWR, window 64240,
  // checksum, urgent 0, then the options.
  EXPECT_EQ(Bytes(r.packets[0].begin(), r.packets[0].begin() + 16),
            hex("9c40 2328 12345678 00000000 a0c2 faf0"));
  EXPECT_EQ(Bytes(r.packets[0].begin() + 18, r.packets[0].end()), sendoff_test::cat(hex("0000"), kSynOpts));
  EXPECT_TRUE(tcp_checksum_ok(m, r.packets[0]));
  expect_segments(r, {{m, {}}});
}

TEST(TcpTx, PshAndFinOnlyOnTheLastSegmentCwrOnlyOnTheFirst) {
  sendoff::TcpTxMeta m = tcp_meta(3000, 1000);
  m.flags = sendoff::TCPHDR_ACK | sendoff::TCPHDR_PSH | sendoff::TCPHDR_FIN | sendoff::TCPHDR_CWR |
            sendoff::TCPHDR_ECE;
  m.seq = 0xFFFFFC00u;  // the third segment's number wraps past 2^32
  const Bytes payload = sendoff_test::pattern(3000, 7);
  const TcpRun r = run({{m, payload}});
  ASSERT_EQ(r.packets.size(), 3u);
  EXPECT_EQ(r.packets[0][13], 0xD0);  // CWR ECE ACK
  EXPECT_EQ(r.packets[1][13], 0x50);  // ECE ACK
  EXPECT_EQ(r.packets[2][13], 0x59);  // ECE ACK PSH FIN
  EXPECT_EQ(sendoff_test::be16(r.packets[1], 4), 0xFFFF);  // 0xFFFFFC00 + 1000
  EXPECT_EQ(sendoff_test::be16(r.packets[1], 6), 0xFFE8);
  EXPECT_EQ(sendoff_test::be16(r.packets[2], 4), 0x0000);  // + 2000 = 2^32 + 0x3D0
  EXPECT_EQ(sendoff_test::be16(r.packets[2], 6), 0x03D0);
  EXPECT_EQ(r.metas[0].id, 0xFFFE);
  EXPECT_EQ(r.metas[1].id, 0xFFFF);
  EXPECT_EQ(r.metas[2].id, 0x0000);
  expect_segments(r, {{m, payload}});
}

// Odd MSSs put segment starts at odd offsets (their checksums pair bytes the other way),
// and boundaries at every position within a beat.
TEST(TcpTx, OddMssAndEveryBoundaryPosition) {
  const unsigned B = sendoff::DATA_BYTES;
  for (uint16_t mss : {uint16_t{88}, uint16_t{89}, uint16_t{B + 1}, uint16_t{B + 31}, uint16_t{1447},
                       uint16_t{1448}, uint16_t{8960}}) {
    for (const Bytes& opts : {Bytes{}, hex("0101080a 11223344 55667788")}) {
      const uint32_t len = 7 * mss + 13;
      std::vector<std::pair<sendoff::TcpTxMeta, Bytes>> in = {
          {tcp_meta(len, mss, opts), sendoff_test::pattern(len, mss)}};
      SCOPED_TRACE("mss " + std::to_string(mss) + " options " + std::to_string(opts.size()));
      expect_segments(run(in), in);
    }
  }
}

TEST(TcpTx, PayloadSizesAroundSegmentAndBeatBoundaries) {
  const unsigned B = sendoff::DATA_BYTES;
  std::vector<std::pair<sendoff::TcpTxMeta, Bytes>> in;
  for (uint32_t len : {1u, B - 1, B, B + 1, 1447u, 1448u, 1449u, 2u * 1448u, 65535u}) {
    in.push_back({tcp_meta(len, 1448, hex("0101080a 01020304 05060708")), sendoff_test::pattern(len, len)});
  }
  expect_segments(run(in), in);
}

// Random descriptors (MSS 88..8960, any options, any flags) with random stalls on both
// sides: bit-exact with the reference.
TEST(TcpTx, RandomDescriptorsMatchTheReference) {
  std::mt19937 rng(2026);
  for (const sendoff_test::StallProfile& p : sendoff_test::stall_profiles()) {
    SCOPED_TRACE(p.name);
    std::vector<std::pair<sendoff::TcpTxMeta, Bytes>> in;
    for (int i = 0; i < 60; ++i) {
      const uint16_t mss = static_cast<uint16_t>(88 + rng() % (8960 - 88 + 1));
      uint32_t len = 0;
      switch (rng() % 4) {
        case 0: len = rng() % 200; break;
        case 1: len = rng() % 20000; break;
        case 2: len = mss * (1 + rng() % 8) + (rng() % 3) - 1; break;
        default: len = rng() % 65536; break;
      }
      len = std::min<uint32_t>(len, 65535);
      Bytes opts(4 * (rng() % 11));
      for (uint8_t& b : opts) b = static_cast<uint8_t>(rng());
      sendoff::TcpTxMeta m = tcp_meta(len, mss, opts);
      m.seq = rng();
      m.ack = rng();
      m.window = static_cast<uint16_t>(rng());
      m.flags = static_cast<uint8_t>(rng());
      m.ip.id = static_cast<uint16_t>(rng());
      in.push_back({m, sendoff_test::pattern(len, static_cast<unsigned>(i))});
    }
    expect_segments(run(in, p, 7), in);
  }
}

// Without stalls the output runs a beat per call once the first payload is stored: the
// drain (segments with their headers) is longer than the fill, so the double buffer keeps
// it busy.
TEST(TcpTx, OneBeatPerCallOnceTheFirstPayloadIsStored) {
  for (uint16_t mss : {uint16_t{536}, uint16_t{1448}, uint16_t{8960}}) {
    SCOPED_TRACE(mss);
    std::vector<std::pair<sendoff::TcpTxMeta, Bytes>> in;
    uint64_t out_beats = 0;
    const uint32_t len = 65535;
    for (int k = 0; k < 4; ++k) {
      sendoff::TcpTxMeta m = tcp_meta(len, mss, hex("0101080a 01020304 05060708"));
      in.push_back({m, sendoff_test::pattern(len, static_cast<unsigned>(k))});
      for (const Bytes& s : reference(m, in.back().second)) out_beats += sendoff::beats_for(static_cast<unsigned>(s.size()));
    }
    const TcpRun r = run(in);
    expect_segments(r, in);
    const uint64_t fill_first = sendoff::beats_for(len);
    EXPECT_LE(r.calls, fill_first + out_beats + 8) << "bubbles in the output";
  }
}

}  // namespace
