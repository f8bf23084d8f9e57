// SPDX-License-Identifier: MIT
// payload_read against device memory: for random payload addresses (any lane) and lengths
// (0 to 64 KiB, across 4 KiB pages), the bursts read exactly the payload's beats in order,
// the memory answering bursts of different IDs out of order (each test checks it did),
// none longer than the limit or across 4 KiB, with at most the allowed beats in flight; the
// stream carries the memory's bytes on the payload's lanes (tkeep), zeros elsewhere, tlast
// on each payload's last beat; the header channel carries each job unchanged with its first
// lane; tuser on a payload's last beat exactly when one of its beats was answered with an
// error. An AXI4 read slave with random ARREADY, latency and R gaps, random job gaps and
// backpressure on both outputs. Built at 512 and 1024 bits (the widths the module accepts)
// and with small limits that the load reaches.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <vector>

#include "Vpayload_read_w1024.h"
#include "Vpayload_read_w512.h"
#include "Vpayload_read_w512_small.h"
#include "bus_models.hpp"
#include "rtl_test_util.hpp"

namespace {

using rtltest::Job;
using rtltest::Rng;

template <class M, unsigned Bits, unsigned MaxBurst, unsigned MaxOutstanding>
struct Cfg {
  using Model = M;
  static constexpr unsigned kBytes = Bits / 8;
  static constexpr unsigned kMaxBurst = MaxBurst;
  static constexpr unsigned kMaxOutstanding = MaxOutstanding;
};

using W512 = Cfg<Vpayload_read_w512, 512, 64, 512>;
using W1024 = Cfg<Vpayload_read_w1024, 1024, 32, 256>;
using W512Small = Cfg<Vpayload_read_w512_small, 512, 4, 16>;

// Device memory: every address has a byte, a mix of its bits.
uint8_t mem_byte(uint64_t a) {
  uint64_t x = a * 0x9E3779B97F4A7C15ull;
  return uint8_t((x >> 56) ^ (x >> 29) ^ a);
}

struct Req {
  uint64_t addr;
  Job job;
};

Req random_req(Rng& rng, unsigned max_len, bool largest) {
  Req r;
  const unsigned pick = unsigned(rng() % 10);
  if (largest) {
    r.job.len = uint16_t(max_len - rng() % 64);
  } else if (pick < 5) {
    r.job.len = uint16_t(rng() % 300);
  } else if (pick < 8) {
    r.job.len = uint16_t(rng() % 5000);
  } else if (pick < 9) {
    r.job.len = 0;
  } else {
    r.job.len = uint16_t(rng() % (max_len + 1));
  }
  // Any byte address (ABI 3.1, CAPS_TX_UNALIGNED), 64-byte aligned in a third; some just
  // below a 4 KiB boundary, so that the payload crosses it and ends in one more word.
  r.addr = (rng() % (1ull << 40)) & (rng.chance(0.33) ? ~63ull : ~0ull);
  if (rng.chance(0.2)) r.addr = (r.addr | 0xFFF) - rng() % 256;
  r.job.udp = rng() & 1;
  r.job.df = rng() & 1;
  r.job.frag = rng() & 1;
  r.job.fsz = uint16_t(rng() & 0x3FFF);
  r.job.ip_id = uint16_t(rng());
  r.job.ttl = uint8_t(rng());
  r.job.tos = uint8_t(rng());
  r.job.proto = uint8_t(rng());
  r.job.saddr = uint32_t(rng());
  r.job.daddr = uint32_t(rng());
  r.job.sport = uint16_t(rng());
  r.job.dport = uint16_t(rng());
  for (auto& x : r.job.dmac) x = uint8_t(rng());
  for (auto& x : r.job.smac) x = uint8_t(rng());
  return r;
}

struct Load {
  double job, hdr_ready, data_ready;
  rtltest::AxiSlaveConfig axi;
  unsigned jobs, max_len;
  bool largest;  // every length within 64 bytes of max_len
};

// Whether the read of a payload's beats meets a beat the slave answers with an error.
bool payload_faults(const rtltest::AxiSlaveConfig& axi, const Req& r, unsigned bytes) {
  if (!axi.fault || r.job.len == 0) return false;
  for (uint64_t a = r.addr / bytes * bytes; a < r.addr + r.job.len; a += bytes) {
    if (axi.fault(a, bytes)) return true;
  }
  return false;
}

template <class C>
void run_load(const Load& load, uint64_t seed) {
  constexpr unsigned B = C::kBytes;
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);
  Rng rng(seed);
  rtltest::Errors err;
  typename C::Model m(&ctx);
  rtltest::AxiReadSlave slave(B, C::kMaxBurst, load.axi, seed + 1, mem_byte);

  std::vector<Req> reqs;
  std::vector<std::vector<uint32_t>> job_bits;
  for (unsigned i = 0; i < load.jobs; ++i) {
    reqs.push_back(random_req(rng, load.max_len, load.largest));
    rtltest::BitWriter w(9);
    rtltest::put_job(w, reqs.back().job);
    job_bits.push_back(w.words());
  }
  std::deque<size_t> data_jobs;  // jobs with a payload, in order: the stream's and the reads'
  for (size_t i = 0; i < reqs.size(); ++i) {
    if (reqs[i].job.len) data_jobs.push_back(i);
  }
  std::deque<size_t> read_jobs = data_jobs;

  m.s_job_valid = 0;
  m.m_hdr_ready = 0;
  m.m_data_tready = 0;
  m.m_axi_arready = 0;
  m.m_axi_rvalid = 0;
  rtltest::reset(m);

  size_t offered = 0, hdrs = 0;
  bool offering = false;
  unsigned beat = 0;         // beat of the current payload on the stream
  bool reading = false;      // the current job's reads have started
  uint64_t read_cursor = 0;  // next address they must ask for
  size_t bursts_seen = 0;
  rtltest::HoldCheck hold_hdr("header"), hold_data("stream");
  uint64_t cyc = 0;
  for (; cyc < 2000000 && (hdrs < reqs.size() || !data_jobs.empty()); ++cyc) {
    if (!offering && offered < reqs.size() && rng.chance(load.job)) offering = true;
    m.s_job_valid = offering;
    if (offering) {
      m.s_job_addr = reqs[offered].addr;
      std::memcpy(m.s_job.data(), job_bits[offered].data(), 9 * 4);
    }
    m.m_hdr_ready = rng.chance(load.hdr_ready);
    m.m_data_tready = rng.chance(load.data_ready);
    slave.drive(m);
    rtltest::clock_low(m);
    slave.sample(m, err);

    hold_hdr.cycle(cyc, m.m_hdr_valid, m.m_hdr_ready,
                   {rtltest::span_of(m.m_hdr_job), rtltest::span_of(m.m_hdr_off)}, err);
    hold_data.cycle(cyc, m.m_data_tvalid, m.m_data_tready,
                    {rtltest::span_of(m.m_data_tdata), rtltest::span_of(m.m_data_tkeep),
                     rtltest::span_of(m.m_data_tlast), rtltest::span_of(m.m_data_tuser)},
                    err);
    if (slave.outstanding_beats() > C::kMaxOutstanding) {
      err.add(cyc, "more beats in flight than MaxOutstanding");
    }
    // The reads of each payload: its beats, in order, in bursts back to back.
    for (; bursts_seen < slave.bursts().size(); ++bursts_seen) {
      const rtltest::AxiBurst& b = slave.bursts()[bursts_seen];
      if (read_jobs.empty()) {
        err.add(cyc, "a read no payload needs");
        continue;
      }
      const Req& r = reqs[read_jobs.front()];
      const uint64_t first = r.addr / B * B;
      const uint64_t end = (r.addr + r.job.len + B - 1) / B * B;
      if (!reading) read_cursor = first;
      if (b.addr != read_cursor || b.addr + uint64_t(b.beats) * B > end) {
        err.add(cyc, "read of job " + std::to_string(read_jobs.front()) +
                         " is not the next part of its payload");
      }
      read_cursor = b.addr + uint64_t(b.beats) * B;
      reading = read_cursor < end;
      if (!reading) read_jobs.pop_front();
    }
    if (m.m_hdr_valid && m.m_hdr_ready) {
      if (hdrs == reqs.size()) {
        err.add(cyc, "a header no job asked for");
      } else {
        rtltest::BitReader r(m.m_hdr_job.data());
        if (!(rtltest::get_job(r) == reqs[hdrs].job) || m.m_hdr_off != reqs[hdrs].addr % B) {
          err.add(cyc, "header of job " + std::to_string(hdrs) + " is wrong");
        }
        ++hdrs;
      }
    }
    if (m.m_data_tvalid && m.m_data_tready) {
      if (data_jobs.empty()) {
        err.add(cyc, "a beat no payload needs");
      } else {
        const Req& r = reqs[data_jobs.front()];
        const uint64_t off = r.addr % B;
        const uint64_t base = r.addr / B * B + uint64_t(beat) * B;
        const unsigned beats = unsigned((off + r.job.len + B - 1) / B);
        const uint8_t* d = rtltest::bytes_of(m.m_data_tdata);
        bool ok = bool(m.m_data_tlast) == (beat + 1 == beats);
        const bool last = beat + 1 == beats;
        if (bool(m.m_data_tuser) != (last && payload_faults(load.axi, r, B))) {
          err.add(cyc, "tuser of beat " + std::to_string(beat) + " of job " +
                           std::to_string(data_jobs.front()) + " is wrong");
        }
        for (unsigned l = 0; l < B && ok; ++l) {
          const uint64_t pos = uint64_t(beat) * B + l;  // from the payload's aligned start
          const bool in = pos >= off && pos < off + r.job.len;
          ok = rtltest::bit_of(m.m_data_tkeep, l) == in && d[l] == (in ? mem_byte(base + l) : 0);
        }
        if (!ok) {
          err.add(cyc, "beat " + std::to_string(beat) + " of job " +
                           std::to_string(data_jobs.front()) + " is wrong");
        }
        if (++beat == beats) {
          data_jobs.pop_front();
          beat = 0;
        }
      }
    }
    if (m.s_job_valid && m.s_job_ready) {
      ++offered;
      offering = false;
    }
    rtltest::clock_high(m);
  }
  m.final();
  if (hdrs != reqs.size() || !data_jobs.empty()) {
    err.add(cyc, "stopped after " + std::to_string(hdrs) + " headers, " +
                     std::to_string(data_jobs.size()) + " payloads missing");
  }
  if (!read_jobs.empty()) err.add(cyc, "payloads not read");
  if (load.axi.latency_max > load.axi.latency_min + 4 && slave.reordered() == 0) {
    err.add(cyc, "the memory never answered out of order: the reorder buffer was not tested");
  }
  ASSERT_TRUE(err.empty()) << err.str();
}

template <class C>
void random_jobs_gaps_and_backpressure() {
  rtltest::AxiSlaveConfig axi;
  axi.ar_ready = 0.6;
  axi.latency_min = 1;
  axi.latency_max = 40;
  axi.r_valid = 0.7;
  run_load<C>({0.5, 0.5, 0.6, axi, 2000, 9000, false}, 1);
}

// The largest payloads, the stream always ready: bursts as long as allowed, many in flight.
template <class C>
void largest_payloads_memory_bound() {
  rtltest::AxiSlaveConfig axi;
  axi.latency_min = 60;
  axi.latency_max = 100;
  axi.max_bursts = 64;
  run_load<C>({1.0, 1.0, 1.0, axi, 40, 65535, true}, 2);
}

// Outputs stalled most of the time: nothing may be lost while the read data waits.
template <class C>
void slow_consumer() {
  rtltest::AxiSlaveConfig axi;
  axi.ar_ready = 0.9;
  axi.latency_max = 8;
  run_load<C>({1.0, 0.1, 0.15, axi, 600, 3000, false}, 3);
}

// Some 4 KiB pages answer SLVERR: the payloads that touch them, and only those, leave with
// tuser on their last beat, whichever of their beats had the error; the reads go on.
template <class C>
void error_beats_mark_their_job() {
  rtltest::AxiSlaveConfig axi;
  axi.ar_ready = 0.7;
  axi.latency_max = 30;
  axi.r_valid = 0.8;
  axi.fault = [](uint64_t a, unsigned) { return (a >> 12) % 5 == 0; };
  run_load<C>({0.6, 0.6, 0.7, axi, 1500, 9000, false}, 4);
  // Single error beats inside long payloads: one 128-byte block in every 64 KiB; latencies
  // spread wide enough that long bursts overtake each other too.
  axi.fault = [](uint64_t a, unsigned) { return (a & 0xFFFF) < 128; };
  axi.latency_max = 160;
  run_load<C>({1.0, 1.0, 1.0, axi, 60, 65535, true}, 5);
}

// Every test once per parameter set, a suite per set.
#define PAYLOAD_READ_TESTS(Suite, C)                                                     \
  TEST(Suite, RandomJobsGapsAndBackpressure) { random_jobs_gaps_and_backpressure<C>(); } \
  TEST(Suite, LargestPayloadsMemoryBound) { largest_payloads_memory_bound<C>(); }        \
  TEST(Suite, SlowConsumer) { slow_consumer<C>(); } \
  TEST(Suite, ErrorBeatsMarkTheirJob) { error_beats_mark_their_job<C>(); }

PAYLOAD_READ_TESTS(PayloadReadW512, W512)
PAYLOAD_READ_TESTS(PayloadReadW1024, W1024)
PAYLOAD_READ_TESTS(PayloadReadW512Small, W512Small)

}  // namespace
