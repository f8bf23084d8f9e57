// SPDX-License-Identifier: MIT
// axi_write_master against an AXI4 write slave (bus_models.hpp) with random AWREADY, WREADY
// and B latency: random bursts (1..256 beats, within 4 KiB, random byte enables) offered with
// random gaps on the request and data sides, data beats running ahead of their requests. Memory must end as the reference writes it
// (strobed bytes of every beat not in the poisoned range), every burst must reach the bus as
// asked, every request must get one response in order with its ID and error, and no more
// than MaxOutstanding bursts may be open at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "Vaxi_write_master_w1024.h"
#include "Vaxi_write_master_w512.h"
#include "bus_models.hpp"

namespace {

using rtltest::AxiWriteSlave;
using rtltest::AxiWriteSlaveConfig;
using rtltest::Errors;
using rtltest::Rng;

template <class M, unsigned Bits, unsigned Outstanding, unsigned IdBits>
struct Cfg {
  using Model = M;
  static constexpr unsigned kBytes = Bits / 8;
  static constexpr unsigned kMaxOutstanding = Outstanding;
  static constexpr unsigned kIdBits = IdBits;
};
using W512 = Cfg<Vaxi_write_master_w512, 512, 4, 2>;
using W1024 = Cfg<Vaxi_write_master_w1024, 1024, 1, 1>;

constexpr uint64_t kMemBytes = 1u << 20;
constexpr uint64_t kFaultLo = 0x40000, kFaultHi = 0x41000;  // one poisoned page

struct Req {
  uint64_t addr;
  unsigned beats;
  uint32_t id;
  std::vector<std::vector<uint8_t>> data, strb;  // per beat: bytes, then one byte per 8 lanes
};

struct Timing {
  double req, data, aw_ready, w_ready;
  unsigned lat_min, lat_max;
};

template <class C>
void run(uint64_t seed, unsigned n_req, unsigned max_beats, const Timing& t) {
  constexpr unsigned B = C::kBytes;
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);
  Rng rng(seed);
  typename C::Model m(&ctx);

  std::vector<uint8_t> mem(kMemBytes, 0), ref(kMemBytes, 0);
  AxiWriteSlaveConfig sc;
  sc.aw_ready = t.aw_ready;
  sc.w_ready = t.w_ready;
  sc.latency_min = t.lat_min;
  sc.latency_max = t.lat_max;
  sc.fault = [](uint64_t a, unsigned n) { return a < kFaultHi && a + n > kFaultLo; };
  AxiWriteSlave slave(B, sc, seed + 1, [&mem](uint64_t a, uint8_t v) { mem.at(a) = v; });

  // Requests: a page each time, a start that leaves room for the burst in that page.
  std::vector<Req> reqs;
  for (unsigned i = 0; i < n_req; ++i) {
    Req r;
    // At most 256 beats (AXI4) and 4 KiB: 64 beats at 512 bits, 32 at 1024.
    const unsigned most = std::min(max_beats, 4096 / B);
    r.beats = unsigned(rng.chance(0.1) ? rng.range(1, most) : rng.range(1, 4));
    // Sixteen pages around the poisoned one, so that bursts overlap and some fail.
    const uint64_t page = rng.range(kFaultLo / 4096 - 8, kFaultLo / 4096 + 7) * 4096;
    const unsigned room = 4096 / B - r.beats;
    r.addr = page + rng.range(0, room) * B;
    r.id = uint32_t(rng() & ((1u << C::kIdBits) - 1));
    for (unsigned k = 0; k < r.beats; ++k) {
      std::vector<uint8_t> d(B), s(B / 8);
      for (auto& x : d) x = uint8_t(rng());
      for (auto& x : s) x = rng.chance(0.5) ? 0xFF : uint8_t(rng());
      r.data.push_back(d);
      r.strb.push_back(s);
    }
    for (unsigned k = 0; k < r.beats; ++k) {
      const uint64_t a = r.addr + uint64_t(k) * B;
      if (a < kFaultHi && a + B > kFaultLo) continue;
      for (unsigned j = 0; j < B; ++j)
        if ((r.strb[k][j / 8] >> (j % 8)) & 1) ref[a + j] = r.data[k][j];
    }
    reqs.push_back(std::move(r));
  }

  Errors err;
  rtltest::HoldCheck hold_req("request"), hold_data("data");
  m.s_req_valid = 0;
  m.s_data_valid = 0;
  rtltest::reset(m);
  size_t next_req = 0, next_beat_req = 0, next_beat = 0, next_resp = 0, errors_seen = 0;
  unsigned open = 0;  // bursts the bus took and did not answer
  uint64_t cyc = 0;
  bool req_on = false, data_on = false;
  for (; cyc < 400000 && (next_resp < reqs.size()); ++cyc) {
    if (!req_on && next_req < reqs.size()) req_on = rng.chance(t.req);
    if (!data_on && next_beat_req < reqs.size()) data_on = rng.chance(t.data);
    m.s_req_valid = req_on;
    if (req_on) {
      const Req& r = reqs[next_req];
      m.s_req_addr = r.addr;
      m.s_req_len = r.beats - 1;
      m.s_req_id = r.id;
    }
    m.s_data_valid = data_on;
    if (data_on) {
      const Req& r = reqs[next_beat_req];
      std::memcpy(rtltest::bytes_of(m.s_data), r.data[next_beat].data(), B);
      std::memcpy(rtltest::bytes_of(m.s_data_strb), r.strb[next_beat].data(), B / 8);
      m.s_data_last = next_beat + 1 == r.beats;
    }
    slave.drive(m);
    rtltest::clock_low(m);
    const bool aw_take = m.m_axi_awvalid && m.m_axi_awready;
    const bool b_take = m.m_axi_bvalid && m.m_axi_bready;
    slave.sample(m, err);
    if (aw_take) ++open;
    if (b_take) --open;
    if (open > C::kMaxOutstanding) err.add(cyc, "more bursts open than MaxOutstanding");
    if (m.m_resp_valid) {
      if (next_resp >= reqs.size()) {
        err.add(cyc, "a response with no request");
      } else {
        const Req& r = reqs[next_resp];
        const bool faulty = r.addr < kFaultHi && r.addr + uint64_t(r.beats) * B > kFaultLo;
        if (m.m_resp_id != r.id) err.add(cyc, "response ID differs from the request's");
        if (bool(m.m_resp_err) != faulty) err.add(cyc, "response error differs");
        errors_seen += faulty;
        ++next_resp;
      }
    }
    if (req_on && m.s_req_ready) {
      ++next_req;
      req_on = false;
    }
    if (data_on && m.s_data_ready) {
      if (++next_beat == reqs[next_beat_req].beats) {
        next_beat = 0;
        ++next_beat_req;
      }
      data_on = false;
    }
    rtltest::clock_high(m);
  }
  for (int i = 0; i < 4; ++i) {
    slave.drive(m);
    rtltest::clock_low(m);
    slave.sample(m, err);
    rtltest::clock_high(m);
  }
  m.final();
  EXPECT_EQ(next_resp, reqs.size()) << "responses after " << cyc << " cycles";
  EXPECT_TRUE(m.idle);
  EXPECT_TRUE(slave.idle());
  ASSERT_EQ(slave.bursts().size(), reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(slave.bursts()[i].addr, reqs[i].addr) << "burst " << i;
    EXPECT_EQ(slave.bursts()[i].beats, reqs[i].beats) << "burst " << i;
    EXPECT_EQ(slave.bursts()[i].id, reqs[i].id) << "burst " << i;
  }
  EXPECT_TRUE(mem == ref) << "memory differs from the reference";
  EXPECT_GT(errors_seen, 0u) << "no burst met the poisoned page";
  ASSERT_TRUE(err.empty()) << err.str();
}

template <class C>
void random_handshakes() {
  run<C>(11, 400, 256, {0.6, 0.7, 0.5, 0.5, 1, 30});
}
template <class C>
void always_ready() {
  run<C>(12, 400, 32, {1, 1, 1, 1, 1, 1});
}
template <class C>
void slow_bus() {
  run<C>(13, 200, 16, {1, 1, 0.1, 0.2, 20, 80});
}

#define AXI_WRITE_MASTER_TESTS(Suite, C)                         \
  TEST(Suite, RandomHandshakes) { random_handshakes<C>(); }     \
  TEST(Suite, AlwaysReady) { always_ready<C>(); }               \
  TEST(Suite, SlowBus) { slow_bus<C>(); }

AXI_WRITE_MASTER_TESTS(AxiWriteMasterW512, W512)
AXI_WRITE_MASTER_TESTS(AxiWriteMasterW1024, W1024)

}  // namespace
