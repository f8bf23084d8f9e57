// SPDX-License-Identifier: MIT
// desc_fetch against a descriptor ring in memory, driven as the host driver does: write a
// descriptor into slot (i mod size), then move RING_HEAD past it; reuse a slot only once its
// descriptor came out. Every descriptor must come out exactly once, in ring order, while the
// index wraps the ring many times; reads stay inside the ring, INCR, within the burst limit
// and 4 KiB; nothing is read while disabled or when the ring registers are unusable (size,
// alignment, device-memory window as nic_abi.hpp says); a descriptor leaves marked (m_desc_err)
// exactly when the beat it came in was answered with an error, and the ring goes on. AXI4
// read slave with random ARREADY, R latency and gaps; random doorbells and backpressure on the descriptor output. Built at
// the widths the module accepts (256, 512, 1024) and with a buffer small enough to fill.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "Vdesc_fetch_w1024.h"
#include "Vdesc_fetch_w256.h"
#include "Vdesc_fetch_w512.h"
#include "Vdesc_fetch_w512_small.h"
#include "bus_models.hpp"
#include "sendoff/nic_abi.hpp"

namespace {

namespace abi = sendoff::abi;
using rtltest::Rng;

template <class M, unsigned Bits, unsigned MaxBurst, uint64_t Window>
struct Cfg {
  using Model = M;
  static constexpr unsigned kBytes = Bits / 8;
  static constexpr unsigned kMaxBurst = MaxBurst;
  static constexpr uint64_t kDevMem = Window;  // 0: any address
};

constexpr uint64_t kWindow = 64ull << 20;
using W256 = Cfg<Vdesc_fetch_w256, 256, 16, 0>;
using W512 = Cfg<Vdesc_fetch_w512, 512, 16, kWindow>;
using W1024 = Cfg<Vdesc_fetch_w1024, 1024, 16, 0>;
using W512Small = Cfg<Vdesc_fetch_w512_small, 512, 2, 0>;

// The ABI's rule for a ring the NIC may read.
bool ring_usable(uint64_t base, uint32_t size, uint64_t dev_mem) {
  return size != 0 && (size & (size - 1)) == 0 && size <= abi::RING_SIZE_MAX && base % 32 == 0 &&
         (dev_mem == 0 || (base <= dev_mem && uint64_t(size) * abi::TXD_BYTES <= dev_mem - base));
}

// Bytes outside the ring: a mix of the address bits.
uint8_t junk(uint64_t a) { return uint8_t((a * 0x9E3779B97F4A7C15ull) >> 56); }

struct Load {
  double doorbell, desc_ready;
  rtltest::AxiSlaveConfig axi;
  unsigned descs;
};

template <class C>
void run_ring(uint64_t base, uint32_t size, const Load& load, uint64_t seed) {
  constexpr unsigned B = C::kBytes;
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);
  Rng rng(seed);
  rtltest::Errors err;
  typename C::Model m(&ctx);
  ASSERT_TRUE(ring_usable(base, size, C::kDevMem));

  // Memory around the ring, whole beats: a read may cover lanes before and after it.
  const uint64_t lo = base / B * B;
  const uint64_t hi = (base + uint64_t(size) * abi::TXD_BYTES + B - 1) / B * B;
  std::vector<uint8_t> ring(hi - lo);
  for (uint64_t a = lo; a < hi; ++a) ring[a - lo] = junk(a);
  auto mem = [&](uint64_t a) { return a >= lo && a < hi ? ring[a - lo] : junk(a); };
  rtltest::AxiReadSlave slave(B, C::kMaxBurst, load.axi, seed + 1, mem);

  std::vector<std::array<uint8_t, abi::TXD_BYTES>> descs(load.descs);
  for (auto& d : descs) {
    for (auto& x : d) x = uint8_t(rng());
  }

  m.enable = 0;
  m.unfetch = 0;
  m.ring_base = base;
  m.ring_size = size;
  m.ring_head = 0;
  m.m_desc_ready = 0;
  m.m_axi_arready = 0;
  m.m_axi_rvalid = 0;
  rtltest::reset(m);

  uint32_t written = 0;  // descriptors in the ring's slots; RING_HEAD trails it
  uint32_t head = 0, emitted = 0;
  bool enable = true;
  unsigned disabled_for = 0;
  unsigned reads_disabled = 0;  // reads started in this stretch with CTRL_ENABLE low
  bool ar_was_pending = false;
  size_t bursts_seen = 0;
  rtltest::HoldCheck hold("m_desc");
  uint64_t cyc = 0;
  for (; cyc < 2000000 && emitted < load.descs; ++cyc) {
    // The host: fill free slots (the one emitted last may be reused), ring the doorbell
    // for a batch now and then, and pause the NIC for a while now and then.
    while (written < load.descs && written - emitted < size && rng.chance(0.5)) {
      std::memcpy(&ring[base + uint64_t(written % size) * abi::TXD_BYTES - lo], &descs[written],
                  abi::TXD_BYTES);
      ++written;
    }
    if (head != written && rng.chance(load.doorbell)) {
      head += uint32_t(rng.range(1, written - head));
    }
    if (rng.chance(0.002)) enable = !enable;
    if (!enable && rng.chance(0.02)) enable = true;
    disabled_for = enable ? 0 : disabled_for + 1;
    if (enable) reads_disabled = 0;
    m.enable = enable;
    m.ring_head = head;
    m.m_desc_ready = rng.chance(load.desc_ready);
    slave.drive(m);
    rtltest::clock_low(m);
    slave.sample(m, err);

    hold.cycle(cyc, m.m_desc_valid, m.m_desc_ready,
               {rtltest::span_of(m.m_desc_data), rtltest::span_of(m.m_desc_err)}, err);
    // ring_usable is registered: it follows the ring registers one cycle later.
    if (cyc > 0 && !m.ring_usable) err.add(cyc, "ring_usable low for a usable ring");
    if (m.fetch_idx - emitted > head - emitted) err.add(cyc, "fetch index outside tail..head");
    // A read decided while enabled may start late (it waits for buffer room), as the HLS
    // model finishes the batch it started; no second one.
    if (m.m_axi_arvalid && !ar_was_pending && disabled_for > 4 && ++reads_disabled > 1) {
      err.add(cyc, "reads go on while disabled");
    }
    ar_was_pending = m.m_axi_arvalid && !m.m_axi_arready;
    for (; bursts_seen < slave.bursts().size(); ++bursts_seen) {
      const rtltest::AxiBurst& b = slave.bursts()[bursts_seen];
      if (b.addr < lo || b.addr + uint64_t(b.beats) * B > hi) err.add(cyc, "read outside the ring");
    }
    if (m.m_desc_valid && m.m_desc_ready) {
      if (emitted == head) {
        err.add(cyc, "a descriptor past RING_HEAD");
      } else if (std::memcmp(rtltest::bytes_of(m.m_desc_data), &descs[emitted], abi::TXD_BYTES) !=
                 0) {
        err.add(cyc, "descriptor " + std::to_string(emitted) + " is not the one in its slot");
      }
      const uint64_t slot = base + uint64_t(emitted % size) * abi::TXD_BYTES;
      const bool faulted = load.axi.fault && load.axi.fault(slot / B * B, B);
      if (emitted != head && bool(m.m_desc_err) != faulted) {
        err.add(cyc, "descriptor " + std::to_string(emitted) +
                         (faulted ? " read with an error is not marked" : " marked, read fine"));
      }
      ++emitted;
    }
    rtltest::clock_high(m);
  }
  // With nothing left to read the model stays quiet.
  for (unsigned i = 0; i < 50; ++i, ++cyc) {
    m.m_desc_ready = 1;
    slave.drive(m);
    rtltest::clock_low(m);
    slave.sample(m, err);
    if (m.m_desc_valid || m.m_axi_arvalid) err.add(cyc, "activity after the last descriptor");
    rtltest::clock_high(m);
  }
  m.final();
  if (emitted != load.descs) err.add(cyc, "stopped after " + std::to_string(emitted));
  if (m.fetch_idx != head) err.add(cyc, "fetch index is not RING_HEAD at the end");
  ASSERT_TRUE(err.empty()) << err.str() << " (ring base 0x" << std::hex << base << std::dec << ", "
                           << size << " entries)";
}

// A 32-byte aligned base that is not beat aligned, so that rings start mid-beat.
template <class C>
uint64_t ring_base_for(Rng& rng, uint32_t size) {
  // One page of slack: callers may move the base up to the end of its page.
  const uint64_t span =
      C::kDevMem ? C::kDevMem - uint64_t(size) * abi::TXD_BYTES - 4096 : (1ull << 48);
  return (rng() % span) & ~31ull;
}

template <class C>
void small_rings_wrap_many_times() {
  Rng rng(1);
  rtltest::AxiSlaveConfig axi;
  axi.ar_ready = 0.5;
  axi.latency_max = 30;
  axi.r_valid = 0.6;
  for (uint32_t size : {1u, 2u, 4u, 8u, 16u, 64u}) {
    run_ring<C>(ring_base_for<C>(rng, size), size, {0.3, 0.6, axi, 3000}, size);
  }
}

// Large rings across 4 KiB pages, the last entry of a page split from the next.
template <class C>
void large_rings_across_pages() {
  Rng rng(2);
  rtltest::AxiSlaveConfig axi;
  axi.ar_ready = 0.8;
  axi.latency_min = 10;
  axi.latency_max = 60;
  axi.r_valid = 0.8;
  axi.max_bursts = 8;
  for (uint32_t size : {256u, 4096u}) {
    // Just below a page end, so that bursts must stop there.
    const uint64_t base = (ring_base_for<C>(rng, size) | 0xFFF) - 31 - 32 * (rng() % 4);
    run_ring<C>(base, size, {0.2, 0.9, axi, 20000}, size);
  }
}

// The consumer stalls most of the time: the buffer fills, reads must wait for room.
template <class C>
void slow_consumer() {
  Rng rng(3);
  rtltest::AxiSlaveConfig axi;
  axi.latency_max = 5;
  run_ring<C>(ring_base_for<C>(rng, 512), 512, {1.0, 0.05, axi, 5000}, 3);
}

// Some 128-byte blocks of the ring answer SLVERR: the descriptors read from them leave
// marked, the others not, and fetching goes on past them.
template <class C>
void error_beats_mark_their_descriptors() {
  Rng rng(5);
  rtltest::AxiSlaveConfig axi;
  axi.ar_ready = 0.7;
  axi.latency_max = 20;
  axi.r_valid = 0.8;
  axi.fault = [](uint64_t a, unsigned) { return (a >> 7) % 3 == 0; };
  for (uint32_t size : {4u, 64u, 1024u}) {
    run_ring<C>(ring_base_for<C>(rng, size), size, {0.3, 0.7, axi, 4000}, 10 + size);
  }
}

// Unusable rings (size, alignment, device-memory window) are never read.
template <class C>
void unusable_rings_are_not_read() {
  Rng rng(4);
  VerilatedContext ctx;
  rtltest::seed_context(ctx, 4);
  typename C::Model m(&ctx);
  rtltest::Errors err;
  const uint32_t bad_sizes[] = {0, 3, 6, 4097, 8192, 0x80000000u, 0xFFFFFFFFu};
  uint64_t cyc = 0;
  unsigned usable = 0, unusable = 0;
  for (int n = 0; n < 300; ++n) {
    const unsigned pick = unsigned(rng() % 10);
    const uint32_t size = pick < 5   ? 1u << (rng() % 13)
                          : pick < 8 ? bad_sizes[rng() % 7]
                                     : uint32_t(rng());
    uint64_t base = (C::kDevMem && rng.chance(0.5) ? rng() % C::kDevMem : rng()) & ~31ull;
    if (rng.chance(0.25)) base |= rng.range(1, 31);
    if (C::kDevMem && rng.chance(0.3)) {
      // At the window's end: the ring just fits, or overruns it by one entry or more.
      base = (C::kDevMem - uint64_t(size % 8192) * abi::TXD_BYTES + 32 * (rng() % 3)) & ~31ull;
    }
    const bool ok = ring_usable(base, size, C::kDevMem);
    ok ? ++usable : ++unusable;
    m.enable = 1;
    m.unfetch = 0;
    m.ring_base = base;
    m.ring_size = size;
    m.ring_head = 0;
    m.m_desc_ready = 1;
    // Nothing is returned: only whether a read starts matters.
    m.m_axi_arready = 0;
    m.m_axi_rvalid = 0;
    rtltest::reset(m, 2);
    m.ring_head = 3;  // descriptors to read, if the ring is usable
    bool read = false;
    for (int i = 0; i < 12; ++i, ++cyc) {
      rtltest::clock_low(m);
      if (i > 0 && bool(m.ring_usable) != ok) err.add(cyc, "ring_usable is not the ABI's rule");
      read |= m.m_axi_arvalid;
      rtltest::clock_high(m);
    }
    if (read != ok) err.add(cyc, ok ? "a usable ring was not read" : "an unusable ring was read");
  }
  m.final();
  ASSERT_TRUE(err.empty()) << err.str();
  EXPECT_GT(usable, 20u);
  EXPECT_GT(unusable, 100u);
}

// Every test once per parameter set, a suite per set.
#define DESC_FETCH_TESTS(Suite, C)                                           \
  TEST(Suite, SmallRingsWrapManyTimes) { small_rings_wrap_many_times<C>(); } \
  TEST(Suite, LargeRingsAcrossPages) { large_rings_across_pages<C>(); }      \
  TEST(Suite, SlowConsumer) { slow_consumer<C>(); }                          \
  TEST(Suite, UnusableRingsAreNotRead) { unusable_rings_are_not_read<C>(); } \
  TEST(Suite, ErrorBeatsMarkTheirDescriptors) { error_beats_mark_their_descriptors<C>(); }

DESC_FETCH_TESTS(DescFetchW256, W256)
DESC_FETCH_TESTS(DescFetchW512, W512)
DESC_FETCH_TESTS(DescFetchW1024, W1024)
DESC_FETCH_TESTS(DescFetchW512Small, W512Small)

}  // namespace
