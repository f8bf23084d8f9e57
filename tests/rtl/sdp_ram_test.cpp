// SPDX-License-Identifier: MIT
// sdp_ram against an array: a read gives, Latency cycles later, the word as it was before any
// write in the same cycle (old data on a same-address collision), under random writes, reads
// and idle cycles; with Latency 1 the output then holds while re is low (desc_check keeps a
// flow entry that way while it stalls). Built as the flow table (272 x 256, Latency 1) and as
// a udp_tx-style buffer (Latency 2).
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "Vsdp_ram_w272_d256_l1.h"
#include "Vsdp_ram_w72_d64_l2.h"
#include "bus_models.hpp"

namespace {

using rtltest::Rng;

template <class M, unsigned W, unsigned D, unsigned L>
struct Cfg {
  using Model = M;
  static constexpr unsigned kWidth = W, kDepth = D, kLatency = L;
};

using W272D256L1 = Cfg<Vsdp_ram_w272_d256_l1, 272, 256, 1>;
using W72D64L2 = Cfg<Vsdp_ram_w72_d64_l2, 72, 64, 2>;

template <class C>
void reads_give_the_word_before_the_write() {
  constexpr unsigned n = (C::kWidth + 7) / 8;
  VerilatedContext ctx;
  rtltest::seed_context(ctx, 1);
  typename C::Model m(&ctx);
  Rng rng(C::kWidth);
  rtltest::Errors err;

  std::vector<std::vector<uint8_t>> mem(C::kDepth);
  struct Read {
    uint64_t due;
    unsigned addr;
    std::vector<uint8_t> word;
  };
  std::deque<Read> reads;
  std::vector<uint8_t> held;  // Latency 1: the word the output must keep
  bool holding = false;
  auto random_word = [&rng] {
    std::vector<uint8_t> w(n);
    for (auto& b : w) b = uint8_t(rng());
    if (C::kWidth % 8) w.back() &= uint8_t((1u << (C::kWidth % 8)) - 1);
    return w;
  };
  // Every word written first: the memory has no reset.
  m.re = 0;
  m.we = 1;
  for (unsigned a = 0; a < C::kDepth; ++a) {
    mem[a] = random_word();
    m.waddr = a;
    std::memcpy(rtltest::bytes_of(m.wdata), mem[a].data(), n);
    rtltest::clock_low(m);
    rtltest::clock_high(m);
  }
  for (uint64_t cyc = 0; cyc < 200000; ++cyc) {
    // Phases of dense and sparse traffic, and runs on few addresses for collisions.
    const double p = (cyc / 2000) % 2 ? 0.9 : 0.2;
    const unsigned span = (cyc / 5000) % 2 ? 4 : C::kDepth;
    const std::vector<uint8_t> wdata = random_word();
    m.we = rng.chance(p);
    m.waddr = unsigned(rng() % span);
    std::memcpy(rtltest::bytes_of(m.wdata), wdata.data(), n);
    m.re = rng.chance(p);
    m.raddr = unsigned(rng() % span);
    rtltest::clock_low(m);

    const uint8_t* out = rtltest::bytes_of(m.rdata);
    if (!reads.empty() && reads.front().due == cyc) {
      if (std::memcmp(out, reads.front().word.data(), n) != 0) {
        err.add(cyc, "read of word " + std::to_string(reads.front().addr) + " is wrong");
      }
      if (C::kLatency == 1) {
        held = reads.front().word;
        holding = true;
      }
      reads.pop_front();
    } else if (holding && std::memcmp(out, held.data(), n) != 0) {
      err.add(cyc, "output changed with no read");
    }
    if (m.re) reads.push_back({cyc + C::kLatency, unsigned(m.raddr), mem[m.raddr]});
    if (m.we) mem[m.waddr] = wdata;
    rtltest::clock_high(m);
  }
  m.final();
  ASSERT_TRUE(err.empty()) << err.str();
}

TEST(SdpRamW272D256L1, ReadsGiveTheWordBeforeTheWrite) {
  reads_give_the_word_before_the_write<W272D256L1>();
}

TEST(SdpRamW72D64L2, ReadsGiveTheWordBeforeTheWrite) {
  reads_give_the_word_before_the_write<W72D64L2>();
}

}  // namespace
