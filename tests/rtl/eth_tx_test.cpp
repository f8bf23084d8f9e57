// SPDX-License-Identifier: MIT
// eth_tx: header insertion for payloads starting at any lane, padding, back-to-back frames,
// and the fragments of a datagram cut from its one stream of beats (a beat shared by two
// fragments comes once). Expected frames are assembled byte by byte here; the throughput
// cases count idle beats.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "Veth_tx.h"
#include "rtl_test_util.hpp"
#include "verilated.h"

namespace {

constexpr unsigned kBytes = 64;

struct TestFrame {
  uint8_t dmac[6], smac[6], ip[20], l4[8];
  bool has_l4;
  unsigned off;
  std::vector<uint8_t> payload;
  bool desc_last;
  bool eth = false;  // the payload is the whole frame (TXD_L4_ETH): no headers
};

std::vector<uint8_t> expected(const TestFrame& f) {
  if (f.eth) {
    std::vector<uint8_t> e = f.payload;
    if (e.size() < 60) e.resize(60, 0);
    return e;
  }
  std::vector<uint8_t> e(f.dmac, f.dmac + 6);
  e.insert(e.end(), f.smac, f.smac + 6);
  e.push_back(0x08);
  e.push_back(0x00);
  e.insert(e.end(), f.ip, f.ip + 20);
  if (f.has_l4) e.insert(e.end(), f.l4, f.l4 + 8);
  e.insert(e.end(), f.payload.begin(), f.payload.end());
  if (e.size() < 60) e.resize(60, 0);
  return e;
}

// frame_hdr_t, packed LSB first in reverse field order.
std::vector<uint32_t> pack_hdr(const TestFrame& f) {
  rtltest::BitWriter w(11);
  w.put(f.desc_last, 1).put(f.off, 7).put(f.payload.size(), 16).put(f.eth, 1).put(f.has_l4, 1);
  w.put_bytes(f.l4, 8).put_bytes(f.ip, 20).put_bytes(f.smac, 6).put_bytes(f.dmac, 6);
  return w.words();
}

struct Beat {
  uint8_t data[kBytes];
  uint64_t keep;
  bool last;
};

std::vector<Beat> payload_beats(const TestFrame& f, std::mt19937_64& rng) {
  std::vector<Beat> beats;
  if (f.payload.empty()) return beats;  // an empty payload has no beats at all
  const size_t end = f.off + f.payload.size();
  for (size_t base = 0; base < end; base += kBytes) {
    Beat b{};
    b.keep = 0;
    for (unsigned l = 0; l < kBytes; ++l) {
      const size_t pos = base + l;
      if (pos >= f.off && pos < end) {
        b.data[l] = f.payload[pos - f.off];
        b.keep |= 1ull << l;
      } else {
        b.data[l] = uint8_t(rng());  // junk outside tkeep must not leak out
      }
    }
    b.last = base + kBytes >= end;
    beats.push_back(b);
  }
  return beats;
}

struct RunResult {
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint32_t> info_len;
  std::vector<bool> info_last;
  uint64_t idle_inside = 0;  // cycles without an output beat between first and last beat
  std::string error;
};

// beats: the payload stream, or (empty) each frame's own beats.
RunResult run(const std::vector<TestFrame>& frames, double in_prob, double out_prob,
              uint64_t seed, std::deque<Beat> beats = {}) {
  VerilatedContext ctx;
  ctx.randReset(2);  // registers without reset start random
  Veth_tx m(&ctx);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::deque<std::vector<uint32_t>> hdrs;
  const bool own_beats = beats.empty();
  for (const auto& f : frames) {
    hdrs.push_back(pack_hdr(f));
    if (own_beats)
      for (const auto& b : payload_beats(f, rng)) beats.push_back(b);
  }
  RunResult r;
  std::vector<uint8_t> cur;
  m.rst_n = 0;
  for (int i = 0; i < 4; ++i) {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
  }
  m.rst_n = 1;
  uint64_t first_out = 0, last_out = 0, outs = 0;
  for (uint64_t cyc = 0; cyc < 500000 && r.frames.size() < frames.size(); ++cyc) {
    m.s_hdr_valid = !hdrs.empty() && uni(rng) < in_prob;
    if (!hdrs.empty()) std::memcpy(m.s_hdr.data(), hdrs.front().data(), 11 * 4);
    m.s_data_tvalid = !beats.empty() && uni(rng) < in_prob;
    if (!beats.empty()) {
      std::memcpy(m.s_data_tdata.data(), beats.front().data, kBytes);
      m.s_data_tkeep = beats.front().keep;
      m.s_data_tlast = beats.front().last;
    }
    m.m_axis_tready = uni(rng) < out_prob;
    m.clk = 0;
    m.eval();
    if (m.s_hdr_valid && m.s_hdr_ready) hdrs.pop_front();
    if (m.s_data_tvalid && m.s_data_tready) beats.pop_front();
    if (m.m_axis_tvalid && m.m_axis_tready) {
      if (outs++ == 0) first_out = cyc;
      last_out = cyc;
      const uint64_t keep = m.m_axis_tkeep;
      const auto* d = reinterpret_cast<const uint8_t*>(m.m_axis_tdata.data());
      unsigned n = 0;
      while (n < kBytes && ((keep >> n) & 1)) ++n;
      if (n < kBytes && (keep >> n) != 0) r.error = "tkeep not contiguous";
      if (n != kBytes && !m.m_axis_tlast) r.error = "partial beat before tlast";
      // eth_fcs takes the beat as it is: bytes past tkeep must be zero.
      for (unsigned l = n; l < kBytes; ++l)
        if (d[l] != 0) r.error = "byte past tkeep not zero";
      if (m.m_axis_tcount != n) r.error = "tcount is not the bytes in tkeep";
      cur.insert(cur.end(), d, d + n);
      if (m.m_axis_tlast) {
        r.frames.push_back(cur);
        r.info_len.push_back(uint32_t(m.m_axis_tuser & 0xFFFF));
        r.info_last.push_back((m.m_axis_tuser >> 16) & 1);
        cur.clear();
      }
    }
    m.clk = 1;
    m.eval();
  }
  if (outs) r.idle_inside = (last_out - first_out + 1) - outs;
  m.final();
  return r;
}

TestFrame random_frame(std::mt19937_64& rng, size_t n, unsigned off, bool has_l4) {
  TestFrame f{};
  for (auto& x : f.dmac) x = uint8_t(rng());
  for (auto& x : f.smac) x = uint8_t(rng());
  for (auto& x : f.ip) x = uint8_t(rng());
  f.ip[6] &= 0xE0;  // fragment offset 0: the frame starts a beat of its own
  f.ip[7] = 0;
  for (auto& x : f.l4) x = uint8_t(rng());
  f.has_l4 = has_l4;
  f.off = off;
  f.payload.resize(n);
  for (auto& x : f.payload) x = uint8_t(rng());
  f.desc_last = rng() & 1;
  return f;
}

void check(const std::vector<TestFrame>& in, const RunResult& r) {
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.frames.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const auto e = expected(in[i]);
    EXPECT_EQ(r.frames[i], e) << "frame " << i << " n " << in[i].payload.size() << " off "
                              << in[i].off << " udp " << in[i].has_l4;
    EXPECT_EQ(r.info_len[i], e.size());
    EXPECT_EQ(r.info_last[i], in[i].desc_last);
  }
}

TEST(EthTx, EveryOffsetAndSmallSizes) {
  std::mt19937_64 rng(1);
  std::vector<TestFrame> in;
  for (unsigned off = 0; off < kBytes; ++off) {
    for (size_t n : {0u, 1u, 7u, 18u, 25u, 26u, 29u, 30u, 63u, 64u, 65u, 100u, 150u}) {
      if (n == 0 && off != 0) continue;
      in.push_back(random_frame(rng, n, off, (off + n) % 3 == 0));
    }
  }
  check(in, run(in, 0.8, 0.7, 2));
}

TEST(EthTx, RandomLengthsBackpressure) {
  std::mt19937_64 rng(3);
  std::vector<TestFrame> in;
  for (int i = 0; i < 300; ++i) {
    in.push_back(random_frame(rng, rng() % 3000, unsigned(rng() % kBytes), rng() & 1));
    in.back().eth = i % 5 == 0 && in.back().payload.size() >= 14;
  }
  check(in, run(in, 0.9, 0.5, 4));
}

// Whole frames (TXD_L4_ETH) from 14 to 9014 bytes at every offset, among IPv4 ones: passed
// as they are, padded to 60 bytes, with the IPv4 frames around them untouched.
TEST(EthTx, WholeFramesEveryOffset) {
  std::mt19937_64 rng(11);
  std::vector<TestFrame> in;
  for (unsigned off = 0; off < kBytes; off += (off < 4 ? 1 : 9)) {
    for (size_t n : {14u, 15u, 42u, 59u, 60u, 61u, 63u, 64u, 65u, 127u, 128u, 129u, 1514u,
                     9014u}) {
      in.push_back(random_frame(rng, n, off, false));
      in.back().eth = true;
      in.push_back(random_frame(rng, n % 100, 0, n & 1));
    }
  }
  check(in, run(in, 0.8, 0.7, 12));
}

// With input always there and tready high, the only idle output cycles are the one per
// frame whose payload starts past its header (off > H) in a beat of its own: that beat is
// taken before the first output beat (a datagram at lane 64 at 1024 bits).
TEST(EthTx, BackToBackNoIdleBeat) {
  std::mt19937_64 rng(5);
  std::vector<TestFrame> in;
  uint64_t late = 0;
  for (int i = 0; i < 400; ++i) {
    const size_t n = (i % 4 == 0) ? rng() % 2000 : rng() % 40;  // many single-beat frames
    const bool udp = rng() & 1;
    const bool eth = i % 5 == 2;  // a whole frame: H = 0
    const unsigned off = (i % 3 == 0) ? unsigned(rng() % kBytes) : 0;
    in.push_back(random_frame(rng, eth ? 14 + n : n, off, udp));
    in.back().eth = eth;
    const unsigned h = eth ? 0u : (udp ? 42u : 34u);
    if (i > 0 && !in.back().payload.empty() && off > h) ++late;  // frame 0's comes first
  }
  const RunResult r = run(in, 1.0, 1.0, 6);
  check(in, r);
  EXPECT_EQ(r.idle_inside, late);
}

// A datagram's stream (payload from lane off) cut into fragments of fsz L4 bytes as ip_tx
// cuts it: the first carries the UDP header, later ones a non-zero fragment offset and no
// header, each starting at the lane where its predecessor ended.
void add_datagram(std::mt19937_64& rng, size_t len, unsigned fsz, unsigned off,
                  std::vector<TestFrame>& frames, std::deque<Beat>& beats) {
  TestFrame base = random_frame(rng, 0, 0, true);
  std::vector<uint8_t> payload(len);
  for (auto& x : payload) x = uint8_t(rng());
  const size_t l4 = len + 8;
  for (size_t pos = 0; pos < l4; pos += fsz) {
    TestFrame f = base;
    const size_t flen = std::min<size_t>(fsz, l4 - pos);
    const size_t pstart = pos == 0 ? 0 : pos - 8;
    f.has_l4 = pos == 0;
    f.off = unsigned((off + pstart) % kBytes);
    f.payload.assign(payload.begin() + long(pstart),
                     payload.begin() + long(pstart + (f.has_l4 ? flen - 8 : flen)));
    f.ip[6] = uint8_t((pos / 8) >> 8);  // MF and DF left clear: eth_tx reads the offset only
    f.ip[7] = uint8_t(pos / 8);
    f.desc_last = pos + flen == l4;
    frames.push_back(f);
  }
  TestFrame whole = base;
  whole.off = off;
  whole.payload = payload;
  for (const auto& b : payload_beats(whole, rng)) beats.push_back(b);
}

TEST(EthTx, FragmentsFromOneStream) {
  std::mt19937_64 rng(7);
  std::vector<TestFrame> in;
  std::deque<Beat> beats;
  for (unsigned fsz : {48u, 56u, 72u, 480u, 1480u, 8976u}) {
    for (size_t len : {41u, 100u, 777u, 3000u, 9100u}) {
      add_datagram(rng, len, fsz, 0, in, beats);
      add_datagram(rng, len, fsz, unsigned(rng() % kBytes), in, beats);
    }
  }
  check(in, run(in, 0.8, 0.6, 8, beats));
}

// Fragments back to back leave no idle beat: neither a late one (payload past the header
// end) nor a beat shared by two fragments costs a cycle.
TEST(EthTx, FragmentsNoIdleBeat) {
  std::mt19937_64 rng(9);
  std::vector<TestFrame> in;
  std::deque<Beat> beats;
  for (unsigned fsz : {48u, 1480u, 8976u}) {
    for (int i = 0; i < 3; ++i) add_datagram(rng, 65507, fsz, 0, in, beats);
    add_datagram(rng, 1000, fsz, 0, in, beats);
  }
  const RunResult r = run(in, 1.0, 1.0, 10, beats);
  check(in, r);
  EXPECT_EQ(r.idle_inside, 0u);
}

}  // namespace
