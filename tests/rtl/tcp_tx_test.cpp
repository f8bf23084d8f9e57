// SPDX-License-Identifier: MIT
// tcp_tx (TSO) in RTL against hls/tcp_tx's C model (tcp_tx_step), bit for bit: every beat's
// data, tkeep and tlast, and each segment's record for ip_tx, under random input gaps and
// output backpressure, with payloads starting at any lane (the C model takes them from lane
// 0). A job read with an error leaves nothing and the next ones are unchanged. Also the
// output rate without backpressure for 64 KiB payloads at MSS 536, 1448 and 8960.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vtcp_tx.h"
#include "rtl_test_util.hpp"
#include "tcp_tx/tcp_tx.hpp"
#include "verilated.h"

namespace {

constexpr unsigned B = sendoff::DATA_BYTES;
constexpr unsigned kDataWords = B / 4;
constexpr unsigned kHdrWords = 22;    // tcp_job_t, 696 bits
constexpr unsigned kDgramWords = 11;  // dgram_t, 337 bits

struct TcpJob {
  sendoff::TcpTxMeta m;  // what the C model takes
  rtltest::Job job;      // the tx_job_t part of tcp_job_t
  uint8_t opts[40] = {};  // all 40 bytes, junk past opt_len (both sides must mask it)
  unsigned off = 0;       // lane of the first payload byte on the RTL's input
  std::vector<uint8_t> payload;
  bool read_err = false;
};

struct Beat {
  std::array<uint8_t, B> data{};
  std::array<bool, B> keep{};
  bool last = false;
  bool operator==(const Beat& o) const { return data == o.data && keep == o.keep && last == o.last; }
};

// A stream for tcp_tx_step that never fills.
template <class T>
struct Queue {
  std::deque<T> q;
  bool empty() const { return q.empty(); }
  bool full() const { return false; }
  T read() {
    T v = q.front();
    q.pop_front();
    return v;
  }
  void write(const T& v) { q.push_back(v); }
};

struct ModelOut {
  std::vector<sendoff::IpTxMeta> metas;
  std::vector<Beat> beats;
};

// The C model on the jobs that are not dropped, payloads from lane 0.
ModelOut run_model(const std::vector<TcpJob>& jobs) {
  struct Mem {
    sendoff::TcpTxBuffers b;
    sendoff::TcpTxSums sums;
  };
  auto mem = std::make_unique<Mem>();
  sendoff::TcpTxState s;
  Queue<sendoff::TcpTxMeta> mi;
  Queue<sendoff::axis_t> di;
  Queue<sendoff::IpTxMeta> mo;
  Queue<sendoff::axis_t> dout;
  for (const TcpJob& j : jobs) {
    if (j.read_err) continue;
    mi.write(j.m);
    const size_t n = j.payload.size();
    for (size_t base = 0; base < n; base += B) {
      sendoff::axis_t a;
      a.data = 0;
      const unsigned here = unsigned(std::min<size_t>(B, n - base));
      for (unsigned i = 0; i < here; ++i) a.data(8 * i + 7, 8 * i) = j.payload[base + i];
      a.keep = sendoff::low_bits<B>(here);
      a.strb = a.keep;
      a.last = base + B >= n;
      di.write(a);
    }
  }
  for (uint64_t call = 0; !(mi.empty() && di.empty() && s.idle()); ++call) {
    if (call > 50000000) {
      ADD_FAILURE() << "C model did not finish";
      break;
    }
    sendoff::tcp_tx_step(s, mem->b, mem->sums, mi, di, mo, dout);
  }
  ModelOut out;
  out.metas.assign(mo.q.begin(), mo.q.end());
  for (sendoff::axis_t a : dout.q) {
    Beat b;
    for (unsigned i = 0; i < B; ++i) {
      b.data[i] = uint8_t(a.data(8 * i + 7, 8 * i).to_uint());
      b.keep[i] = a.keep.bit(i);
    }
    b.last = a.last.to_uint() != 0;
    out.beats.push_back(b);
  }
  return out;
}

// tkeep is a 64-bit word at 512 bits and a wide vector at 1024.
[[maybe_unused]] void put_keep(uint64_t& dst, const uint32_t* w) {
  dst = uint64_t(w[0]) | uint64_t(w[1]) << 32;
}
template <std::size_t N>
[[maybe_unused]] void put_keep(VlWide<N>& dst, const uint32_t* w) {
  for (std::size_t i = 0; i < N; ++i) dst[i] = w[i];
}
[[maybe_unused]] bool keep_bit(const uint64_t& k, unsigned i) { return (k >> i) & 1u; }
template <std::size_t N>
[[maybe_unused]] bool keep_bit(const VlWide<N>& k, unsigned i) {
  return (k[i / 32] >> (i % 32)) & 1u;
}

struct InBeat {
  uint32_t data[kDataWords];
  uint32_t keep[B / 32];
  bool last, user;
};

struct RtlOut {
  std::vector<std::vector<uint32_t>> hdrs;  // dgram_t words
  std::vector<Beat> beats;
  uint64_t first_beat_cycle = 0, last_beat_cycle = 0, cycles = 0;
};

RtlOut run_rtl(const std::vector<TcpJob>& jobs, double in_prob, double out_prob, uint64_t seed,
               size_t want_segments, size_t want_beats) {
  VerilatedContext ctx;
  ctx.randReset(2);  // registers without reset start random
  Vtcp_tx m(&ctx);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::deque<std::vector<uint32_t>> hdrs;
  std::deque<InBeat> beats;
  for (const TcpJob& j : jobs) {
    rtltest::BitWriter w(kHdrWords);
    w.put_bytes(j.opts, 40).put(j.m.opt_len, 6).put(j.m.flags, 8).put(j.m.window, 16);
    w.put(j.m.ack, 32).put(j.m.seq, 32).put(j.m.mss, 16);
    rtltest::put_job(w, j.job);
    hdrs.push_back(w.words());
    const size_t end = j.off + j.payload.size();
    for (size_t base = 0; !j.payload.empty() && base < end; base += B) {
      InBeat b{};
      uint8_t bytes[B] = {};
      for (unsigned l = 0; l < B; ++l) {
        const size_t pos = base + l;
        if (pos >= j.off && pos < end) {
          bytes[l] = j.payload[pos - j.off];
          b.keep[l / 32] |= 1u << (l % 32);
        }
      }
      std::memcpy(b.data, bytes, B);
      b.last = base + B >= end;
      b.user = b.last && j.read_err;
      beats.push_back(b);
    }
  }
  RtlOut out;
  size_t reports = 0;
  m.rst_n = 0;
  for (int i = 0; i < 4; ++i) {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
  }
  m.rst_n = 1;
  uint64_t cyc = 0;
  for (; cyc < 20000000; ++cyc) {
    if (out.hdrs.size() == want_segments && out.beats.size() == want_beats &&
        reports == jobs.size() && hdrs.empty() && beats.empty()) {
      break;
    }
    m.s_hdr_valid = !hdrs.empty() && uni(rng) < in_prob;
    if (!hdrs.empty()) std::memcpy(m.s_hdr_job.data(), hdrs.front().data(), kHdrWords * 4);
    m.s_hdr_off = hdrs.empty() ? 0 : jobs[jobs.size() - hdrs.size()].off;
    m.s_data_tvalid = !beats.empty() && uni(rng) < in_prob;
    if (!beats.empty()) {
      std::memcpy(m.s_data_tdata.data(), beats.front().data, B);
      put_keep(m.s_data_tkeep, beats.front().keep);
      m.s_data_tlast = beats.front().last;
      m.s_data_tuser = beats.front().user;
    }
    m.m_hdr_ready = uni(rng) < out_prob;
    m.m_data_tready = uni(rng) < out_prob;
    m.clk = 0;
    m.eval();
    if (m.s_hdr_valid && m.s_hdr_ready) hdrs.pop_front();
    if (m.s_data_tvalid && m.s_data_tready) beats.pop_front();
    if (m.job_done) {
      EXPECT_LT(reports, jobs.size()) << "a job reported twice";
      if (reports < jobs.size()) {
        EXPECT_EQ(bool(m.job_dropped), jobs[reports].read_err) << "job " << reports;
      }
      ++reports;
    } else {
      EXPECT_FALSE(m.job_dropped) << "dropped without being reported";
    }
    if (m.m_hdr_valid && m.m_hdr_ready) {
      out.hdrs.emplace_back(m.m_hdr.data(), m.m_hdr.data() + kDgramWords);
    }
    if (m.m_data_tvalid && m.m_data_tready) {
      Beat b;
      std::memcpy(b.data.data(), m.m_data_tdata.data(), B);
      for (unsigned l = 0; l < B; ++l) b.keep[l] = keep_bit(m.m_data_tkeep, l);
      b.last = m.m_data_tlast;
      if (out.beats.empty()) out.first_beat_cycle = cyc;
      out.last_beat_cycle = cyc;
      out.beats.push_back(b);
    }
    m.clk = 1;
    m.eval();
  }
  out.cycles = cyc;
  m.final();
  EXPECT_EQ(reports, jobs.size());
  return out;
}

// RTL against the C model: every beat, and each segment's record.
RtlOut check(const std::vector<TcpJob>& jobs, double in_prob, double out_prob, uint64_t seed) {
  const ModelOut want = run_model(jobs);
  RtlOut got = run_rtl(jobs, in_prob, out_prob, seed, want.metas.size(), want.beats.size());
  EXPECT_EQ(got.hdrs.size(), want.metas.size());
  EXPECT_EQ(got.beats.size(), want.beats.size());
  for (size_t i = 0; i < std::min(got.beats.size(), want.beats.size()); ++i) {
    if (!(got.beats[i] == want.beats[i])) {
      ADD_FAILURE() << "beat " << i << " of " << want.beats.size() << " differs";
      break;
    }
  }
  // Segment records in order, job by job.
  size_t at = 0;
  for (const TcpJob& j : jobs) {
    if (j.read_err) continue;
    const size_t segs = sendoff::tcp_segs(j.m.len, j.m.mss);
    for (size_t k = 0; k < segs && at < std::min(got.hdrs.size(), want.metas.size()); ++k, ++at) {
      rtltest::BitReader r(got.hdrs[at].data());
      const uint64_t l4hdr = r.get(64);
      const unsigned off = unsigned(r.get(7));
      const rtltest::Job g = rtltest::get_job(r);
      const sendoff::IpTxMeta& w = want.metas[at];
      SCOPED_TRACE("segment " + std::to_string(at) + " (len " + std::to_string(j.m.len) +
                   " mss " + std::to_string(j.m.mss) + " k " + std::to_string(k) + ")");
      EXPECT_EQ(l4hdr, 0u);
      EXPECT_EQ(off, 0u);
      EXPECT_EQ(g.len, w.l4_len);
      EXPECT_EQ(g.ip_id, w.id);
      EXPECT_EQ(g.proto, w.protocol);
      EXPECT_EQ(g.saddr, w.saddr);
      EXPECT_EQ(g.daddr, w.daddr);
      EXPECT_EQ(g.ttl, w.ttl);
      EXPECT_EQ(g.tos, w.tos);
      EXPECT_EQ(g.df, w.df);
      EXPECT_FALSE(g.udp);
      EXPECT_FALSE(g.eth);
      EXPECT_FALSE(g.frag);
      EXPECT_EQ(g.fsz, j.job.fsz);
      EXPECT_EQ(g.sport, j.job.sport);
      EXPECT_EQ(g.dport, j.job.dport);
      EXPECT_EQ(0, std::memcmp(g.dmac, j.job.dmac, 6));
      EXPECT_EQ(0, std::memcmp(g.smac, j.job.smac, 6));
    }
  }
  return got;
}

TcpJob make_job(std::mt19937_64& rng, uint32_t len, uint16_t mss, unsigned opt_len) {
  TcpJob t;
  rtltest::Job& j = t.job;
  j.len = uint16_t(len);
  // tcp_tx leaves udp, eth and frag off in its records whatever the job says.
  j.udp = rng() & 1;
  j.eth = rng() & 1;
  j.frag = rng() & 1;
  j.df = rng() & 1;
  j.fsz = uint16_t(rng() & 0x3FF8);
  j.ip_id = uint16_t(rng());
  j.ttl = uint8_t(rng());
  j.tos = uint8_t(rng());
  j.proto = uint8_t(rng());
  j.saddr = uint32_t(rng());
  j.daddr = uint32_t(rng());
  j.sport = uint16_t(rng());
  j.dport = uint16_t(rng());
  for (auto& x : j.dmac) x = uint8_t(rng());
  for (auto& x : j.smac) x = uint8_t(rng());
  for (auto& x : t.opts) x = uint8_t(rng());
  t.off = unsigned(rng() % B);
  t.payload.resize(len);
  for (auto& x : t.payload) x = uint8_t(rng());

  sendoff::TcpTxMeta& m = t.m;
  m = {};
  m.len = len;
  m.mss = mss;
  m.sport = j.sport;
  m.dport = j.dport;
  m.seq = uint32_t(rng());
  m.ack = uint32_t(rng());
  m.window = uint16_t(rng());
  m.flags = uint8_t(rng());
  m.opt_len = uint8_t(opt_len);
  m.opts = 0;
  for (unsigned i = 0; i < 40; ++i) m.opts(8 * i + 7, 8 * i) = t.opts[i];
  m.ip.saddr = j.saddr;
  m.ip.daddr = j.daddr;
  m.ip.id = j.ip_id;
  m.ip.mtu = 9000;
  m.ip.ttl = j.ttl;
  m.ip.tos = j.tos;
  m.ip.protocol = j.proto;
  m.ip.df = j.df;
  return t;
}

uint16_t random_mss(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return uint16_t(88 + rng() % 64);  // several segments a beat at 1024 bits
    case 1: return uint16_t(rng() % 2 ? 1448 : 536);
    default: return uint16_t(88 + rng() % (8960 - 88 + 1));
  }
}

uint32_t random_len(std::mt19937_64& rng, uint16_t mss) {
  int64_t len = 0;
  switch (rng() % 6) {
    case 0: len = rng() % 200; break;
    case 1: len = int64_t(mss) * int64_t(1 + rng() % 6) + int64_t(rng() % 3) - 1; break;
    case 2: len = int64_t(B) * int64_t(1 + rng() % 40) + int64_t(rng() % 3) - 1; break;
    case 3: len = rng() % 20000; break;
    case 4: len = 65535 - int64_t(rng() % 3); break;
    default: len = rng() % 65536; break;
  }
  return uint32_t(std::clamp<int64_t>(len, 0, 65535));
}

TEST(TcpTx, SmallPayloadsAtEveryLane) {
  std::mt19937_64 rng(1);
  std::vector<TcpJob> jobs;
  for (uint32_t len = 0; len < 300; len += 1 + unsigned(rng() % 3)) {
    jobs.push_back(make_job(rng, len, uint16_t(88 + rng() % 3), 4 * unsigned(rng() % 11)));
  }
  check(jobs, 0.9, 0.8, 2);
}

TEST(TcpTx, BoundaryLengths) {
  std::mt19937_64 rng(3);
  std::vector<TcpJob> jobs;
  // Segment ends on beat ends (128, 1024), next to them, and several in a beat at 1024 bits.
  for (uint16_t mss : {uint16_t{88}, uint16_t{89}, uint16_t{127}, uint16_t{128}, uint16_t{129},
                       uint16_t{1024}, uint16_t{1448}, uint16_t{8960}}) {
    for (uint32_t len : {0u, 1u, B - 1, B, B + 1, mss - 1u, uint32_t(mss), mss + 1u,
                         2u * mss, 2u * mss + 1, 65535u}) {
      for (unsigned opt_len : {0u, 40u}) jobs.push_back(make_job(rng, len, mss, opt_len));
    }
  }
  check(jobs, 1.0, 1.0, 4);
  check(jobs, 0.7, 0.5, 5);
}

// Random jobs; with read_errors, about a third of the non-empty ones read with an error.
std::vector<TcpJob> random_jobs(uint64_t seed, int n, bool read_errors) {
  std::mt19937_64 rng(seed);
  std::vector<TcpJob> jobs;
  for (int i = 0; i < n; ++i) {
    const uint16_t mss = random_mss(rng);
    jobs.push_back(make_job(rng, random_len(rng, mss), mss, 4 * unsigned(rng() % 11)));
    jobs.back().read_err = read_errors && !jobs.back().payload.empty() && rng() % 3 == 0;
  }
  return jobs;
}

TEST(TcpTx, RandomJobsUnderBackpressure) {
  const std::vector<TcpJob> jobs = random_jobs(7, 60, false);
  check(jobs, 0.9, 0.7, 8);
  check(jobs, 0.6, 0.95, 9);
}

// Thirty seeds, each with its own input and output rates, half of them with read errors.
TEST(TcpTx, ManySeedsAndRates) {
  for (uint64_t seed = 100; seed < 130; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 r(seed);
    const double in_prob = 0.3 + 0.7 * double(r() % 100) / 100.0;
    const double out_prob = 0.2 + 0.8 * double(r() % 100) / 100.0;
    check(random_jobs(seed, 40, seed % 2 == 0), in_prob, out_prob, seed);
  }
}

// Read errors among small and largest jobs: the dropped ones leave nothing, and the jobs after
// them are bit-exact.
TEST(TcpTx, ReadErrorDropsTheWholeJob) {
  const std::vector<TcpJob> jobs = random_jobs(11, 40, true);
  check(jobs, 0.95, 0.6, 12);
  check(jobs, 1.0, 1.0, 13);
}

// Output beats per cycle with no backpressure, from the first output beat to the last, for
// four back-to-back 64 KiB payloads (the first one's fill is not counted).
TEST(TcpTx, OneBeatPerCycleOut) {
  for (uint16_t mss : {uint16_t{536}, uint16_t{1448}, uint16_t{8960}}) {
    std::mt19937_64 rng(mss);
    std::vector<TcpJob> jobs;
    for (int k = 0; k < 4; ++k) jobs.push_back(make_job(rng, 65535, mss, 12));
    const RtlOut r = check(jobs, 1.0, 1.0, 14);
    const uint64_t span = r.last_beat_cycle - r.first_beat_cycle + 1;
    const double rate = double(r.beats.size()) / double(span);
    std::printf("tcp_tx %u bits, MSS %u: %zu beats out in %llu cycles (%.4f beats/cycle, "
                "%.4f cycles/beat); %llu cycles in all\n",
                B * 8, unsigned(mss), r.beats.size(), static_cast<unsigned long long>(span),
                rate, 1.0 / rate, static_cast<unsigned long long>(r.cycles));
    EXPECT_GE(rate, 0.99) << "MSS " << mss;
  }
}

// Small payloads back to back, from lane 0 (so that the output, with its headers, has at
// least as many beats as the input): a job a cycle through the stepper keeps the output at a
// beat per cycle. Printed, not asserted.
TEST(TcpTx, SmallJobsRate) {
  std::mt19937_64 rng(15);
  std::vector<TcpJob> jobs;
  for (int k = 0; k < 300; ++k) {
    jobs.push_back(make_job(rng, 1 + unsigned(rng() % 300), 1448, 12));
    jobs.back().off = 0;
  }
  const RtlOut r = check(jobs, 1.0, 1.0, 16);
  const uint64_t span = r.last_beat_cycle - r.first_beat_cycle + 1;
  std::printf("tcp_tx %u bits, 300 payloads of 1..300 bytes: %zu beats out in %llu cycles "
              "(%.4f beats/cycle)\n",
              B * 8, r.beats.size(), static_cast<unsigned long long>(span),
              double(r.beats.size()) / double(span));
}

}  // namespace
