// SPDX-License-Identifier: MIT
// ip_tx on its own: IPv4 headers (checksum, DF/MF, offsets) and the fragment split (each
// frame's payload lane and length) against a reference written from RFC 791 / Linux's
// ((mtu - 20) & ~7) rule, for payloads starting at any lane, with input gaps and output
// backpressure. The payload stream is each datagram's beats once, as they came in (eth_tx
// cuts it by the headers).
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <random>
#include <vector>

#include "Vip_tx.h"
#include "rtl_test_util.hpp"
#include "verilated.h"

namespace {

using rtltest::Job;

struct Dgram {
  Job job;
  unsigned off;
  uint8_t l4hdr[8];
  std::vector<uint8_t> payload;
};

struct Frame {
  std::vector<uint8_t> dmac, smac, ip, l4hdr;
  bool has_l4 = false, eth = false, desc_last = false;
  unsigned n = 0, off = 0;
};

// One datagram's payload stream as it leaves: bytes under tkeep, the first beat's lowest lane.
struct Stream {
  std::vector<uint8_t> bytes;
  unsigned first_lane = 0;
};

std::vector<Frame> reference(const Dgram& d) {
  std::vector<Frame> out;
  if (d.job.eth) {
    // A whole frame: one frame, marked so, its IPv4 and L4 header fields unused.
    Frame f;
    f.eth = true;
    f.desc_last = true;
    f.n = d.job.len;
    f.off = d.off;
    out.push_back(f);
    return out;
  }
  const unsigned h4 = d.job.udp ? 8 : 0;
  const unsigned l4len = d.job.len + h4;
  const unsigned fsz = d.job.frag ? d.job.fsz : l4len;
  unsigned pos = 0;
  do {
    const unsigned flen = std::min(fsz, l4len - pos);
    const bool last = pos + flen == l4len;
    Frame f;
    f.dmac.assign(d.job.dmac, d.job.dmac + 6);
    f.smac.assign(d.job.smac, d.job.smac + 6);
    const uint16_t tot = uint16_t(20 + flen);
    const uint16_t fw = uint16_t((d.job.df && !d.job.frag ? 0x4000 : 0) |
                                 (d.job.frag && !last ? 0x2000 : 0) | (pos / 8));
    f.ip = {0x45, d.job.tos, uint8_t(tot >> 8), uint8_t(tot), uint8_t(d.job.ip_id >> 8),
            uint8_t(d.job.ip_id), uint8_t(fw >> 8), uint8_t(fw), d.job.ttl, d.job.proto, 0, 0,
            uint8_t(d.job.saddr >> 24), uint8_t(d.job.saddr >> 16), uint8_t(d.job.saddr >> 8),
            uint8_t(d.job.saddr), uint8_t(d.job.daddr >> 24), uint8_t(d.job.daddr >> 16),
            uint8_t(d.job.daddr >> 8), uint8_t(d.job.daddr)};
    const uint16_t c = uint16_t(~rtltest::sum16(f.ip.data(), 20));
    f.ip[10] = uint8_t(c >> 8);
    f.ip[11] = uint8_t(c);
    f.l4hdr.assign(d.l4hdr, d.l4hdr + 8);
    f.has_l4 = d.job.udp && pos == 0;
    const unsigned pstart = pos == 0 ? 0 : pos - h4;
    f.n = f.has_l4 ? flen - 8 : flen;
    f.off = (d.off + pstart) % 64;
    f.desc_last = last;
    out.push_back(f);
    pos += flen;
  } while (pos < l4len);
  return out;
}

// hdr_span, if given: cycles from the first header out to the last.
void run_and_check(const std::vector<Dgram>& in, double in_prob, double out_prob, uint64_t seed,
                   uint64_t* hdr_span = nullptr) {
  VerilatedContext ctx;
  ctx.randReset(2);  // registers without reset start random
  Vip_tx m(&ctx);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::deque<std::vector<uint32_t>> hdrs;
  std::deque<rtltest::StreamBeat> beats;
  std::vector<Frame> expect;
  std::vector<Stream> expect_data;
  for (const auto& d : in) {
    if (!d.payload.empty()) expect_data.push_back({d.payload, d.off});
    rtltest::BitWriter w(11);
    w.put_bytes(d.l4hdr, 8).put(d.off, 7);
    rtltest::put_job(w, d.job);
    hdrs.push_back(w.words());
    for (const auto& b : rtltest::to_beats(d.payload, d.off, 0xC3)) beats.push_back(b);
    for (auto& f : reference(d)) expect.push_back(f);
  }
  const size_t with_data = expect_data.size();
  std::vector<Frame> got;
  std::vector<Stream> data(1);
  bool first_beat = true;
  uint64_t first_hdr = 0, last_hdr = 0;
  m.rst_n = 0;
  for (int i = 0; i < 4; ++i) {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
  }
  m.rst_n = 1;
  for (uint64_t cyc = 0; cyc < 4000000; ++cyc) {
    if (got.size() == expect.size() && data.size() == with_data + 1) break;
    m.s_hdr_valid = !hdrs.empty() && uni(rng) < in_prob;
    if (!hdrs.empty()) std::memcpy(m.s_hdr.data(), hdrs.front().data(), 11 * 4);
    m.s_data_tvalid = !beats.empty() && uni(rng) < in_prob;
    if (!beats.empty()) {
      std::memcpy(m.s_data_tdata.data(), beats.front().data, 64);
      m.s_data_tkeep = beats.front().keep;
      m.s_data_tlast = beats.front().last;
    }
    m.m_hdr_ready = uni(rng) < out_prob;
    m.m_data_tready = uni(rng) < out_prob;
    m.clk = 0;
    m.eval();
    if (m.s_hdr_valid && m.s_hdr_ready) hdrs.pop_front();
    if (m.s_data_tvalid && m.s_data_tready) beats.pop_front();
    if (m.m_hdr_valid && m.m_hdr_ready) {
      rtltest::BitReader r(m.m_hdr.data());
      Frame f;
      f.desc_last = r.get(1);
      f.off = unsigned(r.get(7));
      f.n = unsigned(r.get(16));
      f.eth = r.get(1);
      f.has_l4 = r.get(1);
      f.l4hdr = r.get_bytes(8);
      f.ip = r.get_bytes(20);
      f.smac = r.get_bytes(6);
      f.dmac = r.get_bytes(6);
      if (got.empty()) first_hdr = cyc;
      last_hdr = cyc;
      got.push_back(f);
    }
    if (m.m_data_tvalid && m.m_data_tready) {
      const auto* d = reinterpret_cast<const uint8_t*>(m.m_data_tdata.data());
      const uint64_t keep = m.m_data_tkeep;
      if (first_beat) {
        unsigned l = 0;
        while (l < 64 && !((keep >> l) & 1)) ++l;
        data.back().first_lane = l;
      }
      for (unsigned l = 0; l < 64; ++l)
        if ((keep >> l) & 1) data.back().bytes.push_back(d[l]);
      first_beat = m.m_data_tlast;
      if (m.m_data_tlast) data.emplace_back();
    }
    m.clk = 1;
    m.eval();
  }
  m.final();
  if (hdr_span) *hdr_span = last_hdr - first_hdr;
  ASSERT_EQ(got.size(), expect.size());
  ASSERT_EQ(data.size(), with_data + 1);
  for (size_t k = 0; k < with_data; ++k) {
    EXPECT_EQ(data[k].bytes, expect_data[k].bytes) << "datagram stream " << k;
    EXPECT_EQ(data[k].first_lane, expect_data[k].first_lane) << "datagram stream " << k;
  }
  for (size_t i = 0; i < expect.size(); ++i) {
    const Frame& e = expect[i];
    const Frame& g = got[i];
    EXPECT_EQ(g.eth, e.eth) << "frame " << i;
    if (!e.eth) {
      EXPECT_EQ(g.ip, e.ip) << "frame " << i;
      EXPECT_EQ(g.dmac, e.dmac);
      EXPECT_EQ(g.smac, e.smac);
      EXPECT_EQ(g.l4hdr, e.l4hdr);
    }
    EXPECT_EQ(g.has_l4, e.has_l4) << "frame " << i;
    EXPECT_EQ(g.n, e.n) << "frame " << i;
    EXPECT_EQ(g.off, e.off) << "frame " << i;
    EXPECT_EQ(g.desc_last, e.desc_last) << "frame " << i;
  }
}

Dgram random_dgram(std::mt19937_64& rng, size_t len, bool udp, unsigned mtu, unsigned off) {
  Dgram d;
  Job& j = d.job;
  j.len = uint16_t(len);
  j.udp = udp;
  j.proto = udp ? 17 : uint8_t(rng());
  j.fsz = uint16_t((mtu - 20) & ~7u);
  j.frag = 20 + len + (udp ? 8 : 0) > mtu;
  j.df = !j.frag && (rng() & 1);
  j.ip_id = uint16_t(rng());
  j.ttl = uint8_t(rng());
  j.tos = uint8_t(rng());
  j.saddr = uint32_t(rng());
  j.daddr = uint32_t(rng());
  j.sport = uint16_t(rng());
  j.dport = uint16_t(rng());
  for (auto& x : j.dmac) x = uint8_t(rng());
  for (auto& x : j.smac) x = uint8_t(rng());
  d.off = off;
  for (auto& x : d.l4hdr) x = uint8_t(rng());
  d.payload.resize(len);
  for (auto& x : d.payload) x = uint8_t(rng());
  return d;
}

TEST(IpTx, FragmentsEveryMtuShape) {
  std::mt19937_64 rng(1);
  std::vector<Dgram> in;
  for (unsigned mtu : {68u, 69u, 75u, 76u, 100u, 576u, 1500u, 9000u}) {
    for (size_t len : {0u, 1u, 40u, 47u, 48u, 49u, 100u, 1472u, 1473u, 3000u, 9000u}) {
      in.push_back(random_dgram(rng, len, true, mtu, 0));
      in.push_back(random_dgram(rng, len, false, mtu, 0));
    }
  }
  run_and_check(in, 0.9, 0.7, 2);
}

TEST(IpTx, PayloadAtAnyLane) {
  std::mt19937_64 rng(3);
  std::vector<Dgram> in;
  for (unsigned off = 0; off < 64; ++off) {
    in.push_back(random_dgram(rng, rng() % 3000, rng() & 1, 68 + unsigned(rng() % 1500), off));
  }
  run_and_check(in, 0.8, 0.8, 4);
}

// Whole frames (TXD_L4_ETH: desc_check clears udp, frag and df) pass as one frame each,
// whatever the MTU, between datagrams that are fragmented; one header per cycle still.
Dgram whole_frame(std::mt19937_64& rng, size_t len, unsigned off) {
  Dgram d = random_dgram(rng, len, false, 68, off);
  d.job.eth = true;
  d.job.frag = false;
  d.job.df = false;
  return d;
}

TEST(IpTx, WholeFramesPassAsOneFrame) {
  std::mt19937_64 rng(11);
  std::vector<Dgram> in;
  for (size_t len : {14u, 42u, 60u, 64u, 65u, 1514u, 9014u}) {
    in.push_back(whole_frame(rng, len, unsigned(rng() % 64)));
    in.push_back(random_dgram(rng, len, len & 1, 576, 0));
  }
  run_and_check(in, 0.8, 0.7, 12);
  std::vector<Dgram> small;
  for (int i = 0; i < 64; ++i) {
    small.push_back(i % 2 ? whole_frame(rng, 14 + i, 0) : random_dgram(rng, 0, i & 2, 1500, 0));
  }
  uint64_t span = 0;
  run_and_check(small, 1.0, 1.0, 13, &span);
  EXPECT_EQ(span, small.size() - 1);
}

TEST(IpTx, LargestDatagram) {
  std::mt19937_64 rng(5);
  run_and_check({random_dgram(rng, 65507, true, 68, 0), random_dgram(rng, 65515, false, 1500, 0)},
                1.0, 1.0, 6);
}

// Line rate needs a header per cycle: datagrams of one frame taken back to back, and the
// fragments of one datagram, each leave on consecutive cycles.
TEST(IpTx, OneHeaderPerCycle) {
  std::mt19937_64 rng(7);
  std::vector<Dgram> small;
  for (int i = 0; i < 64; ++i) small.push_back(random_dgram(rng, 0, i & 1, 1500, 0));
  uint64_t span = 0;
  run_and_check(small, 1.0, 1.0, 8, &span);
  EXPECT_EQ(span, small.size() - 1);
  const Dgram big = random_dgram(rng, 9000, true, 68, 0);
  run_and_check({big}, 1.0, 1.0, 9, &span);
  EXPECT_EQ(span, reference(big).size() - 1);
}

}  // namespace
