// SPDX-License-Identifier: MIT
// udp_tx on its own: UDP header and checksum against an RFC 768/1071 reference for every
// datagram, raw datagrams untouched, payload passed through unchanged, under input gaps and
// output backpressure, including back-to-back 64 KiB datagrams that fill the buffer. A
// datagram whose last beat carries tuser (payload read error) leaves nothing, neither header
// nor payload, and is reported dropped in its place among the others. Payloads start at lane 0
// or, as payload_read hands on one read from any byte address (ABI 3.1), at any lane: odd
// lanes pair the bytes the other way for the checksum.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <random>
#include <vector>

#include "Vudp_tx.h"
#include "rtl_test_util.hpp"
#include "verilated.h"

namespace {

using rtltest::Job;

struct Dgram {
  Job job;
  std::vector<uint8_t> payload;
  bool read_err = false;  // its payload was read with an error: dropped whole
  unsigned off = 0;       // lane of its first payload byte
};

std::vector<uint8_t> ref_udp_header(const Job& j, const std::vector<uint8_t>& p) {
  const uint16_t ulen = uint16_t(p.size() + 8);
  std::vector<uint8_t> h = {uint8_t(j.sport >> 8), uint8_t(j.sport), uint8_t(j.dport >> 8),
                            uint8_t(j.dport), uint8_t(ulen >> 8), uint8_t(ulen), 0, 0};
  const uint8_t ph[12] = {uint8_t(j.saddr >> 24), uint8_t(j.saddr >> 16), uint8_t(j.saddr >> 8),
                          uint8_t(j.saddr), uint8_t(j.daddr >> 24), uint8_t(j.daddr >> 16),
                          uint8_t(j.daddr >> 8), uint8_t(j.daddr), 0, 17, uint8_t(ulen >> 8),
                          uint8_t(ulen)};
  uint32_t s = rtltest::sum16(ph, 12);
  s = rtltest::sum16(h.data(), 8, s);
  s = rtltest::sum16(p.data(), p.size(), s);
  uint16_t c = uint16_t(~s);
  if (c == 0) c = 0xFFFF;
  h[6] = uint8_t(c >> 8);
  h[7] = uint8_t(c);
  return h;
}

struct Out {
  Job job;
  unsigned off;
  std::vector<uint8_t> l4hdr;
};

void run_and_check(const std::vector<Dgram>& in, double in_prob, double out_prob, uint64_t seed) {
  VerilatedContext ctx;
  ctx.randReset(2);  // registers without reset start random
  Vudp_tx m(&ctx);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::deque<std::vector<uint32_t>> hdrs;
  std::deque<unsigned> hdr_offs;
  std::deque<rtltest::StreamBeat> beats;
  std::deque<bool> beat_err;  // tuser with each beat
  std::vector<const Dgram*> kept;
  for (const auto& d : in) {
    rtltest::BitWriter w(9);
    rtltest::put_job(w, d.job);
    hdrs.push_back(w.words());
    hdr_offs.push_back(d.off);
    // Bytes past tkeep are zero, as payload_read sends them: udp_tx sums beats as they are.
    for (const auto& b : rtltest::to_beats(d.payload, d.off, 0x00)) {
      beats.push_back(b);
      beat_err.push_back(b.last && d.read_err);
    }
    if (!d.read_err) kept.push_back(&d);
  }
  size_t reports = 0;  // dgram_done pulses, one per datagram in order
  std::vector<Out> outs;
  std::vector<std::vector<uint8_t>> datas(1);
  m.s_data_tuser = 0;
  m.rst_n = 0;
  for (int i = 0; i < 4; ++i) {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
  }
  m.rst_n = 1;
  size_t nonempty = 0;
  for (const Dgram* d : kept) nonempty += !d->payload.empty();
  for (uint64_t cyc = 0; cyc < 4000000; ++cyc) {
    if (outs.size() == kept.size() && datas.size() == nonempty + 1 && reports == in.size()) {
      break;
    }
    m.s_hdr_valid = !hdrs.empty() && uni(rng) < in_prob;
    if (!hdrs.empty()) std::memcpy(m.s_hdr_job.data(), hdrs.front().data(), 9 * 4);
    m.s_hdr_off = hdr_offs.empty() ? 0 : hdr_offs.front();
    m.s_data_tvalid = !beats.empty() && uni(rng) < in_prob;
    if (!beats.empty()) {
      std::memcpy(m.s_data_tdata.data(), beats.front().data, 64);
      m.s_data_tkeep = beats.front().keep;
      m.s_data_tlast = beats.front().last;
      m.s_data_tuser = beat_err.front();
    }
    m.m_hdr_ready = uni(rng) < out_prob;
    m.m_data_tready = uni(rng) < out_prob;
    m.clk = 0;
    m.eval();
    if (m.s_hdr_valid && m.s_hdr_ready) {
      hdrs.pop_front();
      hdr_offs.pop_front();
    }
    if (m.s_data_tvalid && m.s_data_tready) {
      beats.pop_front();
      beat_err.pop_front();
    }
    if (m.dgram_done) {
      ASSERT_LT(reports, in.size()) << "a datagram reported twice";
      EXPECT_EQ(bool(m.dgram_dropped), in[reports].read_err) << "datagram " << reports;
      ++reports;
    } else {
      EXPECT_FALSE(m.dgram_dropped) << "dropped without being reported";
    }
    if (m.m_hdr_valid && m.m_hdr_ready) {
      rtltest::BitReader r(m.m_hdr.data());
      Out o;
      o.l4hdr = r.get_bytes(8);
      o.off = unsigned(r.get(7));
      o.job = rtltest::get_job(r);
      outs.push_back(o);
    }
    if (m.m_data_tvalid && m.m_data_tready) {
      const auto* d = reinterpret_cast<const uint8_t*>(m.m_data_tdata.data());
      for (unsigned l = 0; l < 64; ++l)
        if ((m.m_data_tkeep >> l) & 1) datas.back().push_back(d[l]);
      if (m.m_data_tlast) datas.emplace_back();
    }
    m.clk = 1;
    m.eval();
  }
  m.final();
  ASSERT_EQ(reports, in.size());
  ASSERT_EQ(outs.size(), kept.size());
  ASSERT_EQ(datas.size(), nonempty + 1);
  size_t k = 0;
  for (size_t i = 0; i < kept.size(); ++i) {
    const Dgram& d = *kept[i];
    EXPECT_TRUE(outs[i].job == d.job) << "datagram " << i;
    EXPECT_EQ(outs[i].off, d.off) << "datagram " << i;
    if (d.job.udp) {
      EXPECT_EQ(outs[i].l4hdr, ref_udp_header(d.job, d.payload)) << "datagram " << i;
    } else {
      EXPECT_EQ(outs[i].l4hdr, std::vector<uint8_t>(8, 0)) << "datagram " << i;
    }
    if (!d.payload.empty()) {
      EXPECT_EQ(datas[k++], d.payload) << "datagram " << i;
    }
  }
}

Dgram random_dgram(std::mt19937_64& rng, size_t len, bool udp) {
  Dgram d;
  d.job.len = uint16_t(len);
  d.job.udp = udp;
  d.job.proto = udp ? 17 : uint8_t(rng());
  d.job.fsz = uint16_t(rng() & 0x3FF8);
  d.job.ip_id = uint16_t(rng());
  d.job.ttl = uint8_t(rng());
  d.job.tos = uint8_t(rng());
  d.job.saddr = uint32_t(rng());
  d.job.daddr = uint32_t(rng());
  d.job.sport = uint16_t(rng());
  d.job.dport = uint16_t(rng());
  for (auto& x : d.job.dmac) x = uint8_t(rng());
  for (auto& x : d.job.smac) x = uint8_t(rng());
  d.payload.resize(len);
  for (auto& x : d.payload) x = uint8_t(rng());
  return d;
}

TEST(UdpTx, SmallAndOddLengths) {
  std::mt19937_64 rng(1);
  std::vector<Dgram> in;
  for (size_t len = 0; len < 200; ++len) in.push_back(random_dgram(rng, len, len % 7 != 3));
  run_and_check(in, 0.8, 0.6, 2);
}

// A datagram whose checksum computes to zero must carry 0xFFFF.
TEST(UdpTx, ZeroChecksumSentAsAllOnes) {
  std::mt19937_64 rng(3);
  Dgram d = random_dgram(rng, 2, true);
  d.payload = {0, 0};
  const auto h = ref_udp_header(d.job, d.payload);
  const uint16_t c = uint16_t(h[6] << 8 | h[7]);
  // Adding the checksum to the payload makes the full sum 0xFFFF: the result is then 0.
  d.payload = {uint8_t(c >> 8), uint8_t(c)};
  ASSERT_EQ(ref_udp_header(d.job, d.payload)[6], 0xFF);
  ASSERT_EQ(ref_udp_header(d.job, d.payload)[7], 0xFF);
  run_and_check({d}, 1.0, 1.0, 4);
}

TEST(UdpTx, LargestDatagramsSlowDrain) {
  std::mt19937_64 rng(5);
  std::vector<Dgram> in;
  for (size_t len : {65507u, 1u, 65507u, 65515u, 8972u, 0u, 65507u}) {
    in.push_back(random_dgram(rng, len, len != 65515));
  }
  run_and_check(in, 1.0, 0.3, 6);
}

TEST(UdpTx, RandomBackToBack) {
  std::mt19937_64 rng(7);
  std::vector<Dgram> in;
  for (int i = 0; i < 400; ++i) {
    const size_t len = (i % 5 == 0) ? rng() % 9000 : rng() % 300;
    in.push_back(random_dgram(rng, len, rng() % 4 != 0));
  }
  run_and_check(in, 0.95, 0.9, 8);
}

// Payloads at every lane, odd and even, small and large, with read errors among them.
TEST(UdpTx, PayloadsAtAnyLane) {
  std::mt19937_64 rng(12);
  std::vector<Dgram> in;
  for (int i = 0; i < 300; ++i) {
    const size_t len = (i % 23 == 0) ? 65507 - rng() % 64 : (i % 5 == 0) ? rng() % 9000
                                                                         : rng() % 300;
    in.push_back(random_dgram(rng, len, rng() % 4 != 0));
    in.back().off = unsigned(i % 64);
    in.back().read_err = len != 0 && rng() % 11 == 0;
  }
  run_and_check(in, 0.95, 0.7, 13);
}

// Read errors among small and largest datagrams, back to back: the dropped ones leave no
// trace in the stream, the buffer takes their beats back, and the others are unchanged.
TEST(UdpTx, ReadErrorsDropWholeDatagrams) {
  std::mt19937_64 rng(9);
  std::vector<Dgram> in;
  for (int i = 0; i < 300; ++i) {
    const size_t len = (i % 17 == 0) ? 65507 - rng() % 64 : (i % 5 == 0) ? rng() % 9000
                                                                         : rng() % 300;
    in.push_back(random_dgram(rng, len, rng() % 4 != 0));
    in.back().read_err = len != 0 && rng() % 3 == 0;
  }
  run_and_check(in, 0.95, 0.5, 10);
  run_and_check(in, 1.0, 1.0, 11);
}

}  // namespace
