// SPDX-License-Identifier: MIT
// desc_check against the rules of nic_abi.hpp and hls/sendoff_tx/sendoff_tx.hpp, written
// here from the ABI: descriptor errors (flags, L4 kind, reserved field, length limits,
// device-memory window; any payload byte address is taken, CAPS_TX_UNALIGNED), then flow
// drops (index, FLOW_F_VALID, MTU range), then DF
// over the MTU, the last two not for a whole frame (TXD_L4_ETH); a descriptor read with an error (s_desc_err) is a descriptor error whatever
// its contents. A TCP descriptor is two slots (ABI 3.0): MSS, option length and payload length
// rules, 40 + options + min(len, MSS) within the MTU whatever DF says; its job carries the
// second slot's fields (m_job_ext), its completion two slots; a second slot read with an
// error makes both one error; a first slot read with an error is one slot. Each descriptor gives one completion record in order (sent or not) and at
// most one counter event with it; each sent one gives one job carrying its flow's fields.
// Random input gaps and independent backpressure on the job and completion outputs, whose
// valid must hold until taken. Built without and with a device-memory window.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <vector>

#include "Vdesc_check_any.h"
#include "Vdesc_check_win.h"
#include "bus_models.hpp"
#include "rtl_test_util.hpp"
#include "sendoff/nic_abi.hpp"

namespace {

namespace abi = sendoff::abi;
using rtltest::Job;
using rtltest::Rng;

template <class M, uint64_t Window>
struct Cfg {
  using Model = M;
  static constexpr uint64_t kDevMem = Window;  // 0: any address
};

constexpr uint64_t kWindow = 64ull << 20;
using AnyAddress = Cfg<Vdesc_check_any, 0>;
using Window = Cfg<Vdesc_check_win, kWindow>;

// Largest payloads: the IPv4 total length (16 bits) less the IPv4 and UDP headers.
constexpr uint32_t kIpHlen = 20, kUdpHlen = 8;
constexpr uint32_t kMaxUdp = 0xFFFF - kIpHlen - kUdpHlen;
constexpr uint32_t kMaxRaw = 0xFFFF - kIpHlen;

enum class Verdict { kSend, kDrop, kError };

struct Expect {
  Verdict verdict;
  Job job;
  uint64_t addr;
  bool two = false;       // a TCP descriptor: two slots
  abi::TxDescTcp t = {};  // its second slot
  uint16_t mss = 0;
  uint32_t seq = 0;
};

// The flow's part of a job, and the descriptor's IPv4 fields.
void fill_job(Job& j, const abi::TxDesc& d, const abi::FlowEntry& f) {
  j.len = uint16_t(d.len);
  j.df = d.flags & abi::TXD_F_DF;
  j.fsz = uint16_t((f.mtu - kIpHlen) / 8 * 8);
  j.ip_id = d.ip_id;
  j.ttl = d.ttl;
  j.tos = d.tos;
  j.proto = f.protocol;
  j.saddr = f.saddr;
  j.daddr = f.daddr;
  j.sport = f.sport;
  j.dport = f.dport;
  std::memcpy(j.dmac, f.dmac, 6);
  std::memcpy(j.smac, f.smac, 6);
}

// The descriptor's flow, or nullptr where it is a drop (index, FLOW_F_VALID, MTU range).
const abi::FlowEntry* usable_flow(const abi::TxDesc& d, const std::vector<abi::FlowEntry>& table) {
  if (d.flow >= abi::FLOW_TABLE_SIZE) return nullptr;
  const abi::FlowEntry& f = table[d.flow];
  if (!(f.flags & abi::FLOW_F_VALID) || f.mtu < abi::MIN_MTU || f.mtu > abi::MAX_MTU) {
    return nullptr;
  }
  return &f;
}

// A TCP descriptor (first slot read cleanly): t is its second slot, read_err2 that slot's.
Expect reference_tcp(const abi::TxDesc& d, const abi::TxDescTcp& t, bool read_err2,
                     const std::vector<abi::FlowEntry>& table, uint64_t dev_mem) {
  Expect e{Verdict::kError, Job{}, d.addr, true, t, d.mss, d.seq};
  const bool outside = dev_mem != 0 && (d.addr > dev_mem || d.len > dev_mem - d.addr);
  if (read_err2 || (d.flags & ~abi::TXD_F_KNOWN) != 0 || d.rsvd != 0 ||
      d.len > abi::MAX_PAYLOAD || d.mss < abi::TSO_MSS_MIN || d.mss > abi::MAX_MTU ||
      t.opt_len % 4 != 0 || t.opt_len > abi::TXD_TCP_OPT_MAX || outside) {
    return e;
  }
  const abi::FlowEntry* f = usable_flow(d, table);
  if (f == nullptr) {
    e.verdict = Verdict::kDrop;
    return e;
  }
  if (2 * kIpHlen + t.opt_len + std::min<uint32_t>(d.len, d.mss) > f->mtu) return e;
  e.verdict = Verdict::kSend;
  fill_job(e.job, d, *f);
  e.job.tcp = true;
  return e;
}

Expect reference(const abi::TxDesc& d, bool read_err, const std::vector<abi::FlowEntry>& table,
                 uint64_t dev_mem) {
  Expect e{Verdict::kError, Job{}, d.addr};
  if (read_err) return e;
  const unsigned l4 = d.flags & abi::TXD_F_L4_MASK;
  const bool udp = l4 == abi::TXD_L4_UDP;
  const bool eth = l4 == abi::TXD_L4_ETH;
  const bool outside = dev_mem != 0 && (d.addr > dev_mem || d.len > dev_mem - d.addr);
  const bool bad_len = eth ? (d.len < abi::ETH_HLEN || d.len > abi::ETH_FRAME_MAX)
                           : d.len > (udp ? kMaxUdp : kMaxRaw);
  if ((d.flags & ~abi::TXD_F_KNOWN) != 0 || l4 == abi::TXD_L4_TCP || d.rsvd != 0 ||
      bad_len || outside) {
    return e;
  }
  if (eth) {
    e.verdict = Verdict::kSend;
    e.job.len = uint16_t(d.len);
    e.job.eth = true;
    return e;
  }
  const abi::FlowEntry* f = usable_flow(d, table);
  if (f == nullptr) {
    e.verdict = Verdict::kDrop;
    return e;
  }
  const bool df = d.flags & abi::TXD_F_DF;
  const uint32_t ip_len = kIpHlen + d.len + (udp ? kUdpHlen : 0);
  if (df && ip_len > f->mtu) return e;
  e.verdict = Verdict::kSend;
  fill_job(e.job, d, *f);
  e.job.udp = udp;
  e.job.frag = ip_len > f->mtu;
  if (udp) e.job.proto = abi::IPPROTO_UDP_NUM;
  return e;
}

// A whole frame's job carries only its length and kind: the flow fields the RTL reads
// along are unused downstream, so not compared.
bool same_job(const Job& got, const Job& want) {
  if (got.tcp != want.tcp || got.more) return false;
  if (!want.eth) return got == want;
  return got.len == want.len && got.eth && !got.udp && !got.df && !got.frag;
}

std::vector<abi::FlowEntry> random_table(Rng& rng) {
  static const uint16_t mtus[] = {0, 67, 68, 69, 100, 576, 1500, 1501, 8999, 9000, 9001, 65535};
  std::vector<abi::FlowEntry> t(abi::FLOW_TABLE_SIZE);
  for (auto& f : t) {
    for (size_t i = 0; i < sizeof f; ++i) reinterpret_cast<uint8_t*>(&f)[i] = uint8_t(rng());
    f.mtu = rng.chance(0.5) ? uint16_t(rng.range(abi::MIN_MTU, abi::MAX_MTU))
                            : mtus[rng() % (sizeof mtus / sizeof mtus[0])];
    // Flag bits other than FLOW_F_VALID are ignored: leave them random.
    f.flags =
        uint8_t(rng.chance(0.85) ? (f.flags | abi::FLOW_F_VALID) : (f.flags & ~abi::FLOW_F_VALID));
  }
  return t;
}

// Mostly good descriptors, with every rule broken now and then and lengths on the limits.
abi::TxDesc random_desc(Rng& rng, const std::vector<abi::FlowEntry>& table, uint64_t dev_mem) {
  abi::TxDesc d{};
  d.flow = uint16_t(rng.chance(0.92) ? rng() % abi::FLOW_TABLE_SIZE
                                     : rng.range(abi::FLOW_TABLE_SIZE, 0xFFFF));
  const uint16_t l4 = rng.chance(0.75)   ? (rng.chance(0.5) ? abi::TXD_L4_UDP : abi::TXD_L4_RAW)
                      : rng.chance(0.4) ? abi::TXD_L4_ETH
                                        : abi::TXD_L4_TCP;
  d.flags = l4;
  if (rng.chance(0.4)) d.flags |= abi::TXD_F_DF;
  if (rng.chance(0.06)) d.flags |= uint16_t(1u << rng.range(3, 15));  // unknown since ABI 3.0
  if (rng.chance(0.04)) d.rsvd = uint16_t(rng.range(1, 0xFFFF));
  const bool udp = l4 == abi::TXD_L4_UDP;
  const uint32_t hdr = kIpHlen + (udp ? kUdpHlen : 0);
  const uint16_t mtu = table[d.flow % abi::FLOW_TABLE_SIZE].mtu;
  const uint32_t limits[] = {kMaxUdp,    kMaxUdp + 1, kMaxRaw, kMaxRaw + 1, 0xFFFF, 0x10000,
                             0x1000FFFF, 0xFFFFFFFF,  0};
  const unsigned pick = unsigned(rng() % 10);
  if (pick < 5) {
    d.len = uint32_t(rng() % 2000);
  } else if (pick < 8) {
    // Around the flow's MTU, where DF and fragmentation change.
    d.len = uint32_t(std::max<int64_t>(0, int64_t(mtu) - hdr + int64_t(rng.range(0, 2)) - 1));
  } else if (pick < 9) {
    d.len = limits[rng() % (sizeof limits / sizeof limits[0])];
  } else {
    d.len = uint32_t(rng() % 65536);
  }
  if (l4 == abi::TXD_L4_ETH && rng.chance(0.7)) {
    // Whole frames: mostly inside ETH_HLEN..ETH_FRAME_MAX, often on its edges.
    const uint32_t edges[] = {abi::ETH_HLEN - 1, abi::ETH_HLEN, abi::ETH_FRAME_MAX,
                              abi::ETH_FRAME_MAX + 1};
    d.len = rng.chance(0.3) ? edges[rng() % 4] : uint32_t(rng.range(abi::ETH_HLEN, abi::ETH_FRAME_MAX));
  }
  const uint64_t span = dev_mem ? dev_mem : (1ull << 63);
  // Any byte address (CAPS_TX_UNALIGNED): half of them off the 64-byte grid.
  d.addr = rng() % span;
  if (rng.chance(0.5)) d.addr &= ~63ull;
  if (dev_mem && rng.chance(0.1)) {
    // On both sides of the window's end (to the byte), and far outside it.
    const uint64_t end = dev_mem - std::min<uint64_t>(d.len, dev_mem);
    const uint64_t at[] = {end & ~63ull, end,         end + 1,    (end + 64) & ~63ull,
                           dev_mem,      dev_mem + 1, 1ull << 40, ~63ull};
    d.addr = at[rng() % 8];
  }
  d.seq = uint32_t(rng());
  d.ip_id = uint16_t(rng());
  d.ttl = uint8_t(rng());
  d.tos = uint8_t(rng());
  d.mss = uint16_t(rng());
  if (l4 == abi::TXD_L4_TCP && rng.chance(0.8)) {
    // Mostly in TSO_MSS_MIN..MAX_MTU, often on its edges or near the MTU's room.
    const uint16_t edges[] = {abi::TSO_MSS_MIN - 1, abi::TSO_MSS_MIN, abi::MAX_MTU,
                              abi::MAX_MTU + 1, uint16_t(mtu > 40 ? mtu - 40 : 0),
                              uint16_t(mtu > 64 ? mtu - 64 : 0)};
    d.mss = rng.chance(0.3) ? edges[rng() % 6]
                            : uint16_t(rng.range(abi::TSO_MSS_MIN, abi::MAX_MTU));
    if (rng.chance(0.3)) d.len = uint32_t(rng.range(0, 3 * d.mss));
  }
  d.cookie = uint32_t(rng());
  return d;
}

abi::TxDescTcp random_tcp(Rng& rng) {
  abi::TxDescTcp t{};
  for (size_t i = 0; i < sizeof t; ++i) reinterpret_cast<uint8_t*>(&t)[i] = uint8_t(rng());
  t.opt_len = uint8_t(rng.chance(0.9) ? 4 * rng.range(0, 6) : rng() % 64);
  return t;
}

struct Load {
  double in, job_ready, cpl_ready;
  unsigned count;
  double read_err = 0.0;  // share of descriptors whose ring entry was read with an error
};

template <class C>
void run_load(const Load& load, uint64_t seed, unsigned max_cycles) {
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);
  Rng rng(seed);
  rtltest::Errors err;
  typename C::Model m(&ctx);
  const auto table = random_table(rng);
  // Ring slots as offered: a descriptor's, or a TCP descriptor's two.
  std::vector<std::vector<uint8_t>> slots;
  std::vector<bool> read_err;
  std::vector<Expect> expect;
  std::deque<size_t> sends;  // indices of descriptors that must give a job, in order
  unsigned counts[3] = {}, tcp_sent = 0;
  auto slot_of = [](const void* p) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    return std::vector<uint8_t>(b, b + abi::TXD_BYTES);
  };
  for (unsigned i = 0; i < load.count; ++i) {
    const abi::TxDesc d = random_desc(rng, table, C::kDevMem);
    const bool err0 = rng.chance(load.read_err);
    slots.push_back(slot_of(&d));
    read_err.push_back(err0);
    if (!err0 && (d.flags & abi::TXD_F_L4_MASK) == abi::TXD_L4_TCP) {
      const abi::TxDescTcp t = random_tcp(rng);
      const bool err1 = rng.chance(load.read_err);
      slots.push_back(slot_of(&t));
      read_err.push_back(err1);
      expect.push_back(reference_tcp(d, t, err1, table, C::kDevMem));
      if (expect.back().verdict == Verdict::kSend) ++tcp_sent;
    } else {
      expect.push_back(reference(d, err0, table, C::kDevMem));
    }
    if (expect.back().verdict == Verdict::kSend) sends.push_back(i);
    ++counts[int(expect.back().verdict)];
  }
  // Every class must be exercised, or the run proves little.
  ASSERT_GT(counts[int(Verdict::kSend)], load.count / 4);
  ASSERT_GT(counts[int(Verdict::kDrop)], load.count / 50);
  ASSERT_GT(counts[int(Verdict::kError)], load.count / 20);
  ASSERT_GT(tcp_sent, load.count / 100);
  if (max_cycles == 0) max_cycles = unsigned(slots.size()) + 8;  // one slot a cycle

  m.s_desc_valid = 0;
  m.s_desc_err = 0;
  m.release_hold = 0;
  m.m_job_ready = 0;
  m.m_cpl_ready = 0;
  rtltest::reset(m);

  // The flow table as sdp_ram: registered read port, output held while flow_re is low.
  uint8_t flow_q[abi::FLOW_RSVD_OFF] = {};
  size_t offered = 0, cpls = 0;
  bool offering = false;
  rtltest::HoldCheck hold_job("job"), hold_cpl("completion");
  uint64_t cyc = 0;
  for (; cyc < max_cycles && (cpls < load.count || !sends.empty()); ++cyc) {
    if (!offering && offered < slots.size() && rng.chance(load.in)) offering = true;
    m.s_desc_valid = offering;
    m.s_desc_err = offering && read_err[offered];
    if (offering) std::memcpy(rtltest::bytes_of(m.s_desc_data), slots[offered].data(), abi::TXD_BYTES);
    std::memcpy(rtltest::bytes_of(m.flow_rdata), flow_q, sizeof flow_q);
    m.m_job_ready = rng.chance(load.job_ready);
    m.m_cpl_ready = rng.chance(load.cpl_ready);
    rtltest::clock_low(m);

    hold_job.cycle(cyc, m.m_job_valid, m.m_job_ready,
                   {rtltest::span_of(m.m_job_addr), rtltest::span_of(m.m_job)}, err);
    hold_cpl.cycle(cyc, m.m_cpl_valid, m.m_cpl_ready,
                   {rtltest::span_of(m.m_cpl_sent), rtltest::span_of(m.m_cpl_two)}, err);
    if (m.m_job_valid && m.m_job_ready) {
      if (sends.empty()) {
        err.add(cyc, "a job no descriptor asked for");
      } else {
        const Expect& e = expect[sends.front()];
        rtltest::BitReader r(m.m_job.data());
        if (!same_job(rtltest::get_job(r), e.job) || m.m_job_addr != e.addr) {
          err.add(cyc, "job of descriptor " + std::to_string(sends.front()) + " is wrong");
        }
        if (e.two) {
          // tcp_ext_t, LSB first: opts (320), opt_len (6), flags, window, ack, seq, mss.
          rtltest::BitReader x(m.m_job_ext.data());
          const auto opts = x.get_bytes(40);
          bool ok = std::equal(e.t.opts, e.t.opts + abi::TXD_TCP_OPT_MAX, opts.begin()) &&
                    std::all_of(opts.begin() + abi::TXD_TCP_OPT_MAX, opts.end(),
                                [](uint8_t b) { return b == 0; });
          ok = ok && x.get(6) == e.t.opt_len && x.get(8) == e.t.tcp_flags &&
               x.get(16) == e.t.window && x.get(32) == e.t.ack && x.get(32) == e.seq &&
               x.get(16) == e.mss;
          if (!ok) err.add(cyc, "TCP fields of descriptor " + std::to_string(sends.front()));
        }
        sends.pop_front();
      }
    }
    bool counted_drop = false, counted_error = false;
    if (m.m_cpl_valid && m.m_cpl_ready) {
      const Verdict v = expect[cpls].verdict;
      if (bool(m.m_cpl_sent) != (v == Verdict::kSend)) {
        err.add(cyc, "completion of descriptor " + std::to_string(cpls) + " has the wrong 'sent'");
      }
      if (bool(m.m_cpl_two) != expect[cpls].two) {
        err.add(cyc, "completion of descriptor " + std::to_string(cpls) + " has the wrong slots");
      }
      counted_drop = v == Verdict::kDrop;
      counted_error = v == Verdict::kError;
      ++cpls;
    }
    // A drop or an error is counted once, with the descriptor's completion record.
    if (bool(m.stat_drop) != counted_drop) err.add(cyc, "STAT_DROPS event out of place");
    if (bool(m.stat_desc_error) != counted_error) {
      err.add(cyc, "STAT_DESC_ERRORS event out of place");
    }
    if (m.s_desc_valid && m.s_desc_ready) {
      ++offered;
      offering = false;
    }
    const bool re = m.flow_re;
    const unsigned raddr = m.flow_raddr;
    rtltest::clock_high(m);
    if (re) std::memcpy(flow_q, &table[raddr], sizeof flow_q);
  }
  m.final();
  if (cpls != load.count) err.add(cyc, "completions: " + std::to_string(cpls));
  if (!sends.empty()) err.add(cyc, std::to_string(sends.size()) + " jobs missing");
  ASSERT_TRUE(err.empty()) << err.str();
}

template <class C>
void random_gaps_and_backpressure() {
  run_load<C>({0.7, 0.6, 0.6, 20000}, 1, 1000000);
}

// Both outputs stalled for long stretches, independently.
template <class C>
void heavy_backpressure() {
  run_load<C>({1.0, 0.2, 0.3, 10000}, 2, 1000000);
}

// The module takes one slot per cycle when nothing stalls (a TCP descriptor two cycles).
template <class C>
void one_per_cycle() {
  run_load<C>({1.0, 1.0, 1.0, 10000}, 3, 0);
}

// Descriptors read with an error, whatever they hold, are descriptor errors in their place.
template <class C>
void read_errors_are_descriptor_errors() {
  run_load<C>({0.8, 0.7, 0.7, 20000, 0.2}, 4, 1000000);
}

// Every test once per parameter set, a suite per set.
#define DESC_CHECK_TESTS(Suite, C)                                              \
  TEST(Suite, RandomGapsAndBackpressure) { random_gaps_and_backpressure<C>(); } \
  TEST(Suite, HeavyBackpressure) { heavy_backpressure<C>(); }                   \
  TEST(Suite, OnePerCycle) { one_per_cycle<C>(); }                             \
  TEST(Suite, ReadErrorsAreDescriptorErrors) { read_errors_are_descriptor_errors<C>(); }

DESC_CHECK_TESTS(DescCheckAnyAddress, AnyAddress)
DESC_CHECK_TESTS(DescCheckWindow, Window)

}  // namespace
