// SPDX-License-Identifier: MIT
// sendoff_regs against the register map of nic_abi.hpp through its AXI4-Lite port: reset
// values, every RW register with write strobes, CTRL keeping only its bits, read-only
// registers and reserved offsets ignoring writes and reading 0, FLOW_COMMIT copying the
// staging words (and doing nothing past the table), counters counting the events driven in,
// LO reads latching HI (across a 2^32 carry of STAT_BYTES), STATUS and RING_TAIL from their
// inputs. The master gives AW and W independently with random delays, keeps up to three
// reads or three writes in flight, and stalls BREADY/RREADY at random; the slave's responses
// must hold until taken. Built with the 12 address bits of the top and with 16, where
// offsets past 4 KiB must not alias registers.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "Vsendoff_regs_a12.h"
#include "Vsendoff_regs_a16.h"
#include "bus_models.hpp"
#include "sendoff/nic_abi.hpp"

namespace {

namespace abi = sendoff::abi;
using rtltest::Rng;

template <class M, unsigned A>
struct Cfg {
  using Model = M;
  static constexpr unsigned kAddrBits = A;
};

using A12 = Cfg<Vsendoff_regs_a12, 12>;
using A16 = Cfg<Vsendoff_regs_a16, 16>;

bool is_flow_data(uint32_t off) {
  return off >= abi::REG_FLOW_DATA && off < abi::REG_FLOW_DATA + 4 * abi::FLOW_WORDS;
}

// The receive ring's RW registers, kept as written.
bool is_rx_rw(uint32_t off) {
  return off == abi::REG_RX_BUF_BASE_LO || off == abi::REG_RX_BUF_BASE_HI ||
         off == abi::REG_RX_CPL_BASE_LO || off == abi::REG_RX_CPL_BASE_HI ||
         off == abi::REG_RX_RING_SIZE || off == abi::REG_RX_BUF_SIZE || off == abi::REG_RX_HEAD;
}

// RX_TAIL and the receive counters: inputs held at 0 here (tests/rtl/rx_top_test.cpp counts
// them against the C model).
bool is_rx_ro(uint32_t off) {
  return off == abi::REG_RX_TAIL || (off >= abi::REG_STAT_RX_FRAMES_LO &&
                                     off <= abi::REG_STAT_RX_DROP_LEN);
}

bool is_mapped(uint32_t off) {
  static const std::set<uint32_t> regs = {abi::REG_ID,
                                          abi::REG_VERSION,
                                          abi::REG_CTRL,
                                          abi::REG_STATUS,
                                          abi::REG_RING_BASE_LO,
                                          abi::REG_RING_BASE_HI,
                                          abi::REG_RING_SIZE,
                                          abi::REG_RING_HEAD,
                                          abi::REG_RING_TAIL,
                                          abi::REG_FLOW_INDEX,
                                          abi::REG_FLOW_COMMIT,
                                          abi::REG_STAT_FRAMES_LO,
                                          abi::REG_STAT_FRAMES_HI,
                                          abi::REG_STAT_BYTES_LO,
                                          abi::REG_STAT_BYTES_HI,
                                          abi::REG_STAT_DROPS,
                                          abi::REG_STAT_DESC_ERRORS,
                                          abi::REG_WB_BASE_LO,
                                          abi::REG_WB_BASE_HI,
                                          abi::REG_STAT_WB_ERRORS,
                                          abi::REG_STAT_TX_FLUSHED,
                                          abi::REG_CAPS};
  return regs.count(off) || is_flow_data(off) || is_rx_rw(off) || is_rx_ro(off);
}

// What a read returns: a stored value, or one of the inputs and counters that change.
enum class Src {
  kStored, kBusy, kTail, kFramesLo, kFramesHi, kBytesLo, kBytesHi, kDrops, kErrors, kWbErrors
};

struct Commit {
  uint8_t index;
  uint8_t bytes[abi::FLOW_RSVD_OFF];
};

// The register map as nic_abi.hpp defines it, with AXI write strobes selecting bytes.
struct RefRegs {
  uint32_t ctrl = 0, base_lo = 0, base_hi = 0, size = 0, head = 0, flow_index = 0;
  uint32_t wb_lo = 0, wb_hi = 0;
  uint32_t flow[abi::FLOW_WORDS] = {};
  std::map<uint32_t, uint32_t> rx;  // is_rx_rw registers

  static uint32_t merge(uint32_t old, uint32_t v, uint8_t strb) {
    for (int b = 0; b < 4; ++b) {
      if ((strb >> b) & 1) old = (old & ~(0xFFu << 8 * b)) | (v & (0xFFu << 8 * b));
    }
    return old;
  }

  // busy: the module's busy input while the write lands (held still while a write is in
  // flight): ring writes are ignored while it or CTRL_ENABLE is set.
  std::optional<Commit> write(uint32_t off, uint32_t v, uint8_t strb, bool busy) {
    const bool ring_ok = !(ctrl & abi::CTRL_ENABLE) && !busy;
    if (is_flow_data(off)) {
      uint32_t& w = flow[(off - abi::REG_FLOW_DATA) / 4];
      w = merge(w, v, strb);
      return std::nullopt;
    }
    if (is_rx_rw(off)) {
      rx[off] = merge(rx[off], v, strb);
      return std::nullopt;
    }
    switch (off) {
      case abi::REG_CTRL:
        ctrl = merge(ctrl, v, strb) &
               (abi::CTRL_ENABLE | abi::CTRL_FCS_APPEND | abi::CTRL_RX_ENABLE);
        break;
      case abi::REG_RING_BASE_LO:
        if (ring_ok) base_lo = merge(base_lo, v, strb);
        break;
      case abi::REG_RING_BASE_HI:
        if (ring_ok) base_hi = merge(base_hi, v, strb);
        break;
      case abi::REG_RING_SIZE:
        if (ring_ok) size = merge(size, v, strb);
        break;
      case abi::REG_RING_HEAD:
        head = merge(head, v, strb);
        break;
      case abi::REG_FLOW_INDEX:
        flow_index = merge(flow_index, v, strb);
        break;
      case abi::REG_WB_BASE_LO:
        wb_lo = merge(wb_lo, v, strb);
        break;
      case abi::REG_WB_BASE_HI:
        wb_hi = merge(wb_hi, v, strb);
        break;
      case abi::REG_FLOW_COMMIT:
        if (flow_index < abi::FLOW_TABLE_SIZE) {
          Commit c{uint8_t(flow_index), {}};
          std::memcpy(c.bytes, flow, sizeof c.bytes);
          return c;
        }
        break;
      default:
        break;  // read-only or reserved
    }
    return std::nullopt;
  }

  std::pair<Src, uint32_t> read(uint32_t off) const {
    if (is_flow_data(off)) return {Src::kStored, flow[(off - abi::REG_FLOW_DATA) / 4]};
    if (is_rx_rw(off)) return {Src::kStored, rx.count(off) ? rx.at(off) : 0};
    switch (off) {
      case abi::REG_CAPS:  // the receive path and TSO are built
        return {Src::kStored, abi::CAPS_RX | abi::CAPS_TSO | abi::CAPS_TX_UNALIGNED};
      case abi::REG_ID:
        return {Src::kStored, abi::ID_VALUE};
      case abi::REG_VERSION:
        return {Src::kStored, abi::VERSION_VALUE};
      case abi::REG_CTRL:
        return {Src::kStored, ctrl};
      case abi::REG_STATUS:
        return {Src::kBusy, 0};
      case abi::REG_RING_BASE_LO:
        return {Src::kStored, base_lo};
      case abi::REG_RING_BASE_HI:
        return {Src::kStored, base_hi};
      case abi::REG_RING_SIZE:
        return {Src::kStored, size};
      case abi::REG_RING_HEAD:
        return {Src::kStored, head};
      case abi::REG_RING_TAIL:
        return {Src::kTail, 0};
      case abi::REG_FLOW_INDEX:
        return {Src::kStored, flow_index};
      case abi::REG_WB_BASE_LO:
        return {Src::kStored, wb_lo};
      case abi::REG_WB_BASE_HI:
        return {Src::kStored, wb_hi};
      case abi::REG_STAT_WB_ERRORS:
        return {Src::kWbErrors, 0};
      case abi::REG_STAT_FRAMES_LO:
        return {Src::kFramesLo, 0};
      case abi::REG_STAT_FRAMES_HI:
        return {Src::kFramesHi, 0};
      case abi::REG_STAT_BYTES_LO:
        return {Src::kBytesLo, 0};
      case abi::REG_STAT_BYTES_HI:
        return {Src::kBytesHi, 0};
      case abi::REG_STAT_DROPS:
        return {Src::kDrops, 0};
      case abi::REG_STAT_DESC_ERRORS:
        return {Src::kErrors, 0};
      default:
        return {Src::kStored, 0};  // FLOW_COMMIT and reserved offsets
    }
  }
};

// The inputs and counters as the module sees them in a cycle (events of earlier cycles).
struct Snap {
  bool busy;
  uint32_t tail;
  uint64_t frames, bytes;
  uint32_t drops, errors, wb_errors;
};

struct Op {
  enum Kind { kRead, kWrite, kWait } kind;
  uint32_t addr = 0, data = 0;
  uint8_t strb = 0xF;
};

template <class C>
uint32_t random_unmapped(Rng& rng) {
  for (;;) {
    // Mostly inside the 512-byte map, the rest anywhere the address bits reach.
    const uint32_t span = rng.chance(0.6) ? abi::REG_SPACE_BYTES : (1u << C::kAddrBits);
    const uint32_t off = uint32_t(rng() % span) & ~3u;
    if (!is_mapped(off)) return off;
  }
}

uint32_t random_mapped(Rng& rng) {
  for (;;) {
    const uint32_t off = uint32_t(rng() % abi::REG_SPACE_BYTES) & ~3u;
    if (is_mapped(off)) return off;
  }
}

template <class C>
std::vector<Op> random_program(Rng& rng, unsigned n) {
  std::vector<Op> p;
  auto read_all = [&p] {
    for (uint32_t off = 0; off < abi::REG_SPACE_BYTES; off += 4) p.push_back({Op::kRead, off});
  };
  read_all();  // reset values
  for (unsigned i = 0; i < n; ++i) {
    const unsigned pick = unsigned(rng() % 20);
    if (pick == 0) {
      // A whole flow entry: staging words, index (sometimes past the table), commit.
      for (uint32_t w = 0; w < abi::FLOW_WORDS; ++w) {
        p.push_back({Op::kWrite, abi::REG_FLOW_DATA + 4 * w, uint32_t(rng()), 0xF});
      }
      const uint32_t idx = rng.chance(0.8) ? uint32_t(rng() % abi::FLOW_TABLE_SIZE)
                                           : uint32_t(rng.range(abi::FLOW_TABLE_SIZE, ~0u));
      p.push_back({Op::kWrite, abi::REG_FLOW_INDEX, idx, 0xF});
      p.push_back({Op::kWrite, abi::REG_FLOW_COMMIT, uint32_t(rng()), uint8_t(rng.range(1, 15))});
    } else if (pick == 1) {
      p.push_back({Op::kRead, rng.chance(0.5) ? abi::REG_STAT_FRAMES_LO : abi::REG_STAT_BYTES_LO});
      p.push_back({Op::kRead, p.back().addr + 4});
    } else if (pick < 10) {
      Op w{Op::kWrite, rng.chance(0.8) ? random_mapped(rng) : random_unmapped<C>(rng),
           uint32_t(rng()), 0xF};
      if (rng.chance(0.3)) w.strb = uint8_t(rng() % 16);
      // CTRL_RESET moves RING_HEAD and waits for busy: tests/device/nic_fault_test.cpp.
      if (w.addr == abi::REG_CTRL) w.data &= ~abi::CTRL_RESET;
      // "Any write" commits: one that writes no byte is left out of that claim.
      if (w.addr == abi::REG_FLOW_COMMIT && w.strb == 0) w.strb = 1;
      p.push_back(w);
    } else {
      p.push_back({Op::kRead, rng.chance(0.8) ? random_mapped(rng) : random_unmapped<C>(rng)});
    }
    if (rng.chance(0.02)) p.push_back({Op::kWait, 0, unsigned(rng.range(1, 40))});
  }
  read_all();
  return p;
}

struct Timing {
  double aw, w, ar, bready, rready;  // chance per cycle that each is given
};

// One run: the program, then `storm` cycles of a frame of 65535 bytes every cycle with
// counter reads now and then, so that STAT_BYTES carries into its HI word.
template <class C>
void run_program(const std::vector<Op>& prog, const Timing& t, unsigned storm, uint64_t seed) {
  VerilatedContext ctx;
  rtltest::seed_context(ctx, seed);
  Rng rng(seed);
  rtltest::Errors err;
  typename C::Model m(&ctx);

  std::vector<Op> ops = prog;
  const size_t storm_from = ops.size();
  // Each LO read, then a wait (where the carry falls, most likely), then other reads before
  // its HI: HI is what the LO read latched, not what other reads or the carry left.
  for (unsigned c = 0; c < storm / 500; ++c) {
    for (uint32_t r : {abi::REG_STAT_BYTES_LO, 0u, abi::REG_STAT_FRAMES_LO, abi::REG_STAT_DROPS,
                       abi::REG_STAT_BYTES_HI, abi::REG_STAT_FRAMES_HI}) {
      ops.push_back(r ? Op{Op::kRead, r} : Op{Op::kWait, 0, 500});
    }
  }

  m.s_axil_awvalid = 0;
  m.s_axil_wvalid = 0;
  m.s_axil_arvalid = 0;
  m.s_axil_bready = 0;
  m.s_axil_rready = 0;
  m.stat_frame = 0;
  m.stat_drop = 0;
  m.stat_desc_error = 0;
  m.stat_read_error = 0;
  m.stat_wb_error = 0;
  m.busy = 0;
  m.ring_tail = 0;
  m.rx_tail = 0;
  m.stat_rx_frame = 0;
  m.stat_rx_len = 0;
  m.stat_rx_drop_fcs = 0;
  m.stat_rx_drop_len = 0;
  m.stat_rx_drop_nobuf = 0;
  m.stat_rx_drop_fifo = 0;
  rtltest::reset(m);

  RefRegs ref;
  std::deque<Commit> commits;
  std::vector<Snap> snaps;
  Snap now{false, 0, 0, 0, 0, 0, 0};
  // Reads in flight: op, cycle of the AR handshake.
  struct Pending {
    size_t op;
    uint64_t ar_cycle = 0;
    bool ar_done = false;
  };
  std::deque<size_t> aw_q, w_q;  // writes whose AW / W is still to be given
  std::deque<size_t> b_q;        // writes waiting for their response
  std::deque<Pending> r_q;       // reads waiting for their data
  std::deque<size_t> ar_q;       // reads whose AR is still to be given
  bool aw_on = false, w_on = false, ar_on = false;
  std::vector<bool> aw_done(ops.size()), w_done(ops.size());
  // HI values a HI read may return: the HI half at the moment its LO was read.
  std::set<uint32_t> frames_hi = {0}, bytes_hi = {0};
  rtltest::HoldCheck hold_b("B"), hold_r("R");
  size_t next = 0;
  unsigned wait = 0;
  uint64_t cyc = 0;
  for (; cyc < 2000000; ++cyc) {
    // Start ops in program order; a read waits for earlier writes and the other way round.
    while (next < ops.size() && wait == 0) {
      const Op& o = ops[next];
      if (o.kind == Op::kWait) {
        if (!b_q.empty() || !r_q.empty()) break;
        wait = o.data;
      } else if (o.kind == Op::kWrite) {
        if (!r_q.empty() || b_q.size() >= 3) break;
        aw_q.push_back(next);
        w_q.push_back(next);
        b_q.push_back(next);
        if (auto c = ref.write(o.addr, o.data, o.strb, now.busy)) commits.push_back(*c);
      } else {
        if (!b_q.empty() || r_q.size() >= 3) break;
        ar_q.push_back(next);
        r_q.push_back({next});
      }
      ++next;
    }
    if (wait) --wait;
    if (next == ops.size() && b_q.empty() && r_q.empty() && wait == 0) break;

    if (!aw_on && !aw_q.empty() && rng.chance(t.aw)) aw_on = true;
    if (!w_on && !w_q.empty() && rng.chance(t.w)) w_on = true;
    if (!ar_on && !ar_q.empty() && rng.chance(t.ar)) ar_on = true;
    m.s_axil_awvalid = aw_on;
    m.s_axil_awaddr = aw_on ? ops[aw_q.front()].addr : 0;
    m.s_axil_awprot = uint8_t(rng() & 7);  // ignored
    m.s_axil_wvalid = w_on;
    m.s_axil_wdata = w_on ? ops[w_q.front()].data : 0;
    m.s_axil_wstrb = w_on ? ops[w_q.front()].strb : 0;
    m.s_axil_arvalid = ar_on;
    m.s_axil_araddr = ar_on ? ops[ar_q.front()].addr : 0;
    m.s_axil_arprot = uint8_t(rng() & 7);
    m.s_axil_bready = rng.chance(t.bready);
    m.s_axil_rready = rng.chance(t.rready);

    // Inputs: STATUS and RING_TAIL sources change now and then; counter events.
    const bool storming = next > storm_from;
    // busy changes only with no write in flight: the reference knows it for each write.
    if (b_q.empty() && rng.chance(0.05)) now.busy = rng() & 1;
    if (rng.chance(0.05)) now.tail = uint32_t(rng());
    m.busy = now.busy;
    m.ring_tail = now.tail;
    m.stat_frame = storming || rng.chance(0.3);
    m.stat_frame_len = storming ? 0xFFFF : uint16_t(rng());
    m.stat_drop = rng.chance(0.2);
    m.stat_desc_error = rng.chance(0.2);
    m.stat_read_error = rng.chance(0.2);  // same cycle as a check's error: both count
    m.stat_wb_error = rng.chance(0.1);
    snaps.push_back(now);
    rtltest::clock_low(m);

    hold_b.cycle(cyc, m.s_axil_bvalid, m.s_axil_bready, {rtltest::span_of(m.s_axil_bresp)}, err);
    hold_r.cycle(cyc, m.s_axil_rvalid, m.s_axil_rready,
                 {rtltest::span_of(m.s_axil_rdata), rtltest::span_of(m.s_axil_rresp)}, err);
    // With no write in flight the pipeline's control outputs are the registers' values.
    if (b_q.empty()) {
      if (m.ctrl_enable != (ref.ctrl & abi::CTRL_ENABLE) ||
          m.ctrl_fcs_append != ((ref.ctrl & abi::CTRL_FCS_APPEND) != 0) ||
          m.ring_base != (uint64_t(ref.base_hi) << 32 | ref.base_lo) || m.ring_size != ref.size ||
          m.ring_head != ref.head || m.wb_base != (uint64_t(ref.wb_hi) << 32 | ref.wb_lo) ||
          m.ctrl_rx_enable != ((ref.ctrl & abi::CTRL_RX_ENABLE) != 0) ||
          m.rx_head != ref.read(abi::REG_RX_HEAD).second ||
          m.rx_buf_base != (uint64_t(ref.read(abi::REG_RX_BUF_BASE_HI).second) << 32 |
                            ref.read(abi::REG_RX_BUF_BASE_LO).second)) {
        err.add(cyc, "control outputs differ from the registers");
      }
    }
    if (m.flow_we) {
      if (commits.empty()) {
        err.add(cyc, "flow table written without a FLOW_COMMIT to an index in the table");
      } else {
        if (m.flow_waddr != commits.front().index ||
            std::memcmp(rtltest::bytes_of(m.flow_wdata), commits.front().bytes,
                        sizeof commits.front().bytes) != 0) {
          err.add(cyc, "flow table write differs from the committed FLOW_DATA");
        }
        commits.pop_front();
      }
    }
    if (m.s_axil_awvalid && m.s_axil_awready) {
      aw_done[aw_q.front()] = true;
      aw_q.pop_front();
      aw_on = false;
    }
    if (m.s_axil_wvalid && m.s_axil_wready) {
      w_done[w_q.front()] = true;
      w_q.pop_front();
      w_on = false;
    }
    if (m.s_axil_bvalid && m.s_axil_bready) {
      if (b_q.empty() || !aw_done[b_q.front()] || !w_done[b_q.front()]) {
        err.add(cyc, "write response before its address and data");
      } else if (m.s_axil_bresp != 0) {
        err.add(cyc, "write response is not OKAY");
      }
      if (!b_q.empty()) b_q.pop_front();
    }
    if (m.s_axil_arvalid && m.s_axil_arready) {
      for (auto& p : r_q) {
        if (!p.ar_done) {
          p.ar_done = true;
          p.ar_cycle = cyc;
          break;
        }
      }
      ar_q.pop_front();
      ar_on = false;
    }
    if (m.s_axil_rvalid && m.s_axil_rready) {
      if (r_q.empty() || !r_q.front().ar_done) {
        err.add(cyc, "read data before its address");
      } else {
        const Pending p = r_q.front();
        const uint32_t off = ops[p.op].addr;
        const uint32_t got = m.s_axil_rdata;
        const auto [src, stored] = ref.read(off);
        // Values the source had between the address and the data.
        std::set<uint32_t> ok;
        std::set<uint32_t> hi_of_lo;
        for (uint64_t c = p.ar_cycle; c <= cyc; ++c) {
          const Snap& s = snaps[c];
          switch (src) {
            case Src::kStored:
              ok.insert(stored);
              break;
            case Src::kBusy:
              ok.insert(s.busy ? abi::STATUS_BUSY : 0);
              break;
            case Src::kTail:
              ok.insert(s.tail);
              break;
            case Src::kFramesLo:
              ok.insert(uint32_t(s.frames));
              break;
            case Src::kBytesLo:
              ok.insert(uint32_t(s.bytes));
              break;
            case Src::kFramesHi:
              ok = frames_hi;
              break;
            case Src::kBytesHi:
              ok = bytes_hi;
              break;
            case Src::kDrops:
              ok.insert(s.drops);
              break;
            case Src::kErrors:
              ok.insert(s.errors);
              break;
            case Src::kWbErrors:
              ok.insert(s.wb_errors);
              break;
          }
          if (src == Src::kFramesLo && uint32_t(s.frames) == got) {
            hi_of_lo.insert(uint32_t(s.frames >> 32));
          }
          if (src == Src::kBytesLo && uint32_t(s.bytes) == got) {
            hi_of_lo.insert(uint32_t(s.bytes >> 32));
          }
        }
        if (!ok.count(got)) {
          char msg[96];
          std::snprintf(msg, sizeof msg, "read of 0x%03x gave 0x%08x, expected 0x%08x%s", off, got,
                        *ok.begin(), ok.size() > 1 ? " or another value of the window" : "");
          err.add(cyc, msg);
        }
        if (src == Src::kFramesLo) frames_hi = hi_of_lo;
        if (src == Src::kBytesLo) bytes_hi = hi_of_lo;
        if (m.s_axil_rresp != 0) err.add(cyc, "read response is not OKAY");
      }
      if (!r_q.empty()) r_q.pop_front();
    }

    // Counters as the module sees them from the next cycle on.
    if (m.stat_frame) {
      ++now.frames;
      now.bytes += m.stat_frame_len;
    }
    now.drops += m.stat_drop;
    now.errors += m.stat_desc_error + m.stat_read_error;
    now.wb_errors += m.stat_wb_error;
    rtltest::clock_high(m);
  }
  m.final();
  if (next != ops.size() || !b_q.empty() || !r_q.empty()) {
    err.add(cyc, "stopped at op " + std::to_string(next) + " of " + std::to_string(ops.size()));
  }
  if (!commits.empty())
    err.add(cyc, "FLOW_COMMITs that wrote nothing: " + std::to_string(commits.size()));
  if (storm && now.bytes >> 32 == 0) err.add(cyc, "STAT_BYTES never carried into HI");
  ASSERT_TRUE(err.empty()) << err.str();
}

template <class C>
void random_accesses_random_handshakes() {
  Rng rng(1);
  run_program<C>(random_program<C>(rng, 10000), {0.5, 0.5, 0.5, 0.6, 0.6}, 0, 2);
}

// Every channel given at once and always ready: back-to-back accesses.
template <class C>
void back_to_back() {
  Rng rng(3);
  run_program<C>(random_program<C>(rng, 6000), {1, 1, 1, 1, 1}, 0, 4);
}

// Responses stalled for long, W given well before or after AW.
template <class C>
void slow_responses_skewed_writes() {
  Rng rng(5);
  run_program<C>(random_program<C>(rng, 5000), {0.1, 0.9, 0.5, 0.1, 0.15}, 0, 6);
  run_program<C>(random_program<C>(rng, 5000), {0.9, 0.1, 0.5, 0.3, 0.3}, 0, 7);
}

// STAT_BYTES past 2^32 (65535 bytes a cycle): HI latched at each LO read, across the carry.
template <class C>
void counters_carry_into_hi() {
  Rng rng(8);
  run_program<C>(random_program<C>(rng, 200), {0.7, 0.7, 0.7, 0.7, 0.7}, 72000, 9);
}

// Every test once per parameter set, a suite per set.
#define SENDOFF_REGS_TESTS(Suite, C)                                                      \
  TEST(Suite, RandomAccessesRandomHandshakes) { random_accesses_random_handshakes<C>(); } \
  TEST(Suite, BackToBack) { back_to_back<C>(); }                                          \
  TEST(Suite, SlowResponsesSkewedWrites) { slow_responses_skewed_writes<C>(); }           \
  TEST(Suite, CountersCarryIntoHi) { counters_carry_into_hi<C>(); }

SENDOFF_REGS_TESTS(SendoffRegsA12, A12)
SENDOFF_REGS_TESTS(SendoffRegsA16, A16)

}  // namespace
