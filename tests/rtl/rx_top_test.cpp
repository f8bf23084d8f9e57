// SPDX-License-Identifier: MIT
// The receive path through the whole Verilated top (rx_parse -> rx_dma -> m_axi_rx) against
// the C model (sendoff_rx_frame / sendoff_rx_idle on a model memory): random frames of every
// kind, random write-channel backpressure and latency, the ring running out of buffers and
// the host giving more; after each batch every buffer byte, every completion, RX_TAIL's
// write-back, RX_TAIL and the counters must equal the model's. And the RTL-only case the model
// has no notion of: the write channel held until the receive FIFO overflows, where frames must
// be dropped whole, counted, and the ones delivered intact.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "rx_frames.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/sim/tx_top_sim.hpp"
#include "sendoff_rx/sendoff_rx.hpp"

namespace {

namespace abi = sendoff::abi;
using rxtest::Frame;
using sendoff::sim::TxTopSim;
using sendoff::sim::TxTopSimConfig;

constexpr uint64_t kModelBytes = 4 << 20;  // every address the tests use lies below

class RxTop {
 public:
  explicit RxTop(const TxTopSimConfig& cfg) : sim_(cfg), mem_(kModelBytes / 64) {
    for (auto& w : mem_) w = 0;
    sim_.reset();
  }

  void set_regs(const sendoff::RxRegs& r) {
    r_ = r;
    sim_.reg_write(abi::REG_RX_BUF_BASE_LO, uint32_t(r.buf_base));
    sim_.reg_write(abi::REG_RX_BUF_BASE_HI, uint32_t(r.buf_base >> 32));
    sim_.reg_write(abi::REG_RX_CPL_BASE_LO, uint32_t(r.cpl_base));
    sim_.reg_write(abi::REG_RX_CPL_BASE_HI, uint32_t(r.cpl_base >> 32));
    sim_.reg_write(abi::REG_WB_BASE_LO, uint32_t(r.wb_base));
    sim_.reg_write(abi::REG_WB_BASE_HI, uint32_t(r.wb_base >> 32));
    sim_.reg_write(abi::REG_RX_RING_SIZE, r.ring_size);
    sim_.reg_write(abi::REG_RX_BUF_SIZE, r.buf_size);
    sim_.reg_write(abi::REG_RX_HEAD, r.head);
    sim_.reg_write(abi::REG_CTRL, r.ctrl);
    sim_.step(4);
  }

  // A batch of frames from the wire into both, then idle in both.
  void batch(const std::vector<Frame>& frames) {
    for (const auto& f : frames) {
      sim_.mac_rx(f);
      sendoff::sendoff_rx_frame(mem_.data(), r_, &st_, f.data(), f.size());
    }
    sendoff::sendoff_rx_idle(mem_.data(), r_, &st_);
    drain();
  }

  // Until the MAC side is done and the write channel has been quiet for a while.
  void drain() {
    ASSERT_TRUE(sim_.run_until([&] { return sim_.rx_queued() == 0; }, 20'000'000));
    uint64_t quiet = 0;
    for (uint64_t i = 0; i < 2'000'000 && quiet < 2000; ++i) {
      sim_.step();
      quiet = sim_.rx_port().idle() ? quiet + 1 : 0;
    }
    ASSERT_GE(quiet, 2000u) << "the receive write port never went quiet";
  }

  uint8_t model_byte(uint64_t a) const {
    return uint8_t(mem_[a / 64]((a % 64) * 8 + 7, (a % 64) * 8).to_uint());
  }

  // Bytes [a, a + n) differ: the first difference, else "".
  std::string compare(const char* what, uint64_t a, size_t n) {
    const uint8_t* rtl = sim_.memory().at(a, n);
    for (size_t i = 0; i < n; ++i) {
      // Equal 64-bit words skip at once (the 50,000-frame test compares a MiB a batch).
      if ((a + i) % 8 == 0 && n - i >= 8) {
        const unsigned lo = unsigned((a + i) % 64) * 8;
        uint64_t r;
        std::memcpy(&r, rtl + i, 8);
        if (r == mem_[(a + i) / 64](lo + 63, lo).to_uint64()) {
          i += 7;
          continue;
        }
      }
      if (rtl[i] != model_byte(a + i)) {
        return std::string(what) + ": byte " + std::to_string(a + i) + " rtl " +
               std::to_string(rtl[i]) + " model " + std::to_string(model_byte(a + i));
      }
    }
    return "";
  }

  uint64_t read64(uint32_t lo) {
    const uint64_t l = sim_.reg_read(lo);
    return l | uint64_t(sim_.reg_read(lo + 4)) << 32;
  }

  void expect_same() {
    EXPECT_EQ(sim_.reg_read(abi::REG_RX_TAIL), st_.tail);
    EXPECT_EQ(read64(abi::REG_STAT_RX_FRAMES_LO), st_.frames);
    EXPECT_EQ(read64(abi::REG_STAT_RX_BYTES_LO), st_.bytes);
    EXPECT_EQ(sim_.reg_read(abi::REG_STAT_RX_DROP_FCS), st_.drop_fcs);
    EXPECT_EQ(sim_.reg_read(abi::REG_STAT_RX_DROP_NOBUF), st_.drop_nobuf);
    EXPECT_EQ(sim_.reg_read(abi::REG_STAT_RX_DROP_LEN), st_.drop_len);
    EXPECT_EQ(compare("buffers", r_.buf_base, size_t(r_.ring_size) * r_.buf_size), "");
    EXPECT_EQ(compare("completions", r_.cpl_base, size_t(r_.ring_size) * abi::RXC_BYTES), "");
    EXPECT_EQ(compare("write-back", r_.wb_base, abi::WB_BYTES), "");
    EXPECT_TRUE(sim_.errors().empty()) << sim_.errors().front();
  }

  TxTopSim& sim() { return sim_; }
  sendoff::RxRegs& regs() { return r_; }
  const sendoff::RxState& state() const { return st_; }

 private:
  TxTopSim sim_;
  std::vector<sendoff::mem_word_t> mem_;
  sendoff::RxRegs r_;
  sendoff::RxState st_;
};

sendoff::RxRegs default_regs(uint32_t ring_size, uint32_t buf_size, uint32_t head) {
  sendoff::RxRegs r;
  r.buf_base = 1 << 20;
  r.cpl_base = 64 << 10;
  r.wb_base = 4096;
  r.ring_size = ring_size;
  r.buf_size = buf_size;
  r.head = head;
  r.ctrl = abi::CTRL_RX_ENABLE;
  return r;
}

std::vector<Frame> random_frames(std::mt19937_64& rng, size_t n, bool jumbo_heavy = false) {
  std::vector<Frame> v;
  for (size_t i = 0; i < n; ++i) {
    const rxtest::Kind k = jumbo_heavy && rng() % 3 == 0 ? rxtest::Kind::kJumbo
                                                         : rxtest::random_kind(rng);
    v.push_back(rxtest::make_rx_frame(rng, k));
  }
  return v;
}

TxTopSimConfig jittered(uint64_t seed) {
  TxTopSimConfig c;
  c.rx_port = sendoff::sim::realistic_write_memory(seed, true);
  c.seed = seed;
  return c;
}

// Buffers run out and come back: the host gives 10 more after each batch of 24.
TEST(RxTop, RandomFramesMatchTheModel) {
  std::mt19937_64 rng(21);
  RxTop t(jittered(21));
  t.set_regs(default_regs(16, 2048, 12));
  for (int b = 0; b < 12; ++b) {
    t.batch(random_frames(rng, 24));
    t.expect_same();
    t.regs().head += 10;
    t.sim().reg_write(abi::REG_RX_HEAD, t.regs().head);
  }
  EXPECT_GT(t.state().frames, 100u);
  EXPECT_GT(t.state().drop_nobuf, 0u);
  EXPECT_GT(t.state().drop_fcs, 0u);
  EXPECT_GT(t.state().drop_len, 0u);
}

// 50,000 random frames (good, bad FCS, bad IP and L4 checksums, ARP, IPv6, runts, jumbos up
// to 9018 B kept in 16 KiB buffers) under random write backpressure. A batch holds what the
// 512-beat FIFO absorbs (the MAC cannot wait, so more would make drops that depend on
// timing: FifoOverflow* test those); after each, every buffer byte, completion, the
// write-back and the counters equal the C model's. The host gives buffers back in steps,
// so some frames find none.
TEST(RxTop, FiftyThousandRandomFramesMatchTheModel) {
  constexpr uint32_t kTotal = 50000, kBatchBeats = 400;
  constexpr size_t kBeat = TxTopSim::kDataBits / 8;
  std::mt19937_64 rng(50000);
  RxTop t(jittered(50000));
  t.set_regs(default_regs(64, 16384, 48));
  uint32_t made = 0;
  for (int b = 0; made < kTotal; ++b) {
    std::vector<Frame> batch;
    size_t beats = 0;
    while (made < kTotal) {
      Frame f = rxtest::make_rx_frame(rng, rng() % 16 == 0 ? rxtest::Kind::kJumbo
                                                            : rxtest::random_kind(rng));
      const size_t n = (f.size() + kBeat - 1) / kBeat;
      if (!batch.empty() && beats + n > kBatchBeats) break;
      beats += n;
      batch.push_back(std::move(f));
      ++made;
    }
    t.batch(batch);
    t.expect_same();
    if (::testing::Test::HasFailure()) FAIL() << "batch " << b;
    // The host takes every frame and gives 48 buffers back, except every fifth batch: none.
    if (b % 5 != 4) t.regs().head = t.state().tail + 48;
    t.sim().reg_write(abi::REG_RX_HEAD, t.regs().head);
  }
  const sendoff::RxState& st = t.state();
  EXPECT_EQ(st.frames + st.drop_fcs + st.drop_len + st.drop_nobuf, uint64_t{kTotal});
  EXPECT_GT(st.frames, uint64_t{kTotal} / 4) << st.drop_nobuf << " no buffer";
  EXPECT_GT(st.drop_nobuf, 0u);
  EXPECT_GT(st.drop_fcs, 0u);
  EXPECT_GT(st.drop_len, 0u);
}

// 16 KiB buffers: jumbo frames are kept.
TEST(RxTop, JumboFramesMatchTheModel) {
  std::mt19937_64 rng(22);
  RxTop t(jittered(22));
  t.set_regs(default_regs(8, 16384, 1000));
  for (int b = 0; b < 4; ++b) {
    t.batch(random_frames(rng, 20, true));
    t.expect_same();
  }
}

// A fast memory: frames back to back, one beat a cycle.
TEST(RxTop, BackToBackMatchesTheModel) {
  std::mt19937_64 rng(23);
  TxTopSimConfig c;
  c.seed = 23;
  RxTop t(c);
  t.set_regs(default_regs(64, 2048, 1u << 30));
  for (int b = 0; b < 3; ++b) {
    t.batch(random_frames(rng, 100));
    t.expect_same();
  }
}

// Receive off, then an unusable ring (buffer size not a power of two): every good frame is
// a "no buffer" drop, nothing is written.
TEST(RxTop, DisabledOrUnusableDropsAsTheModel) {
  std::mt19937_64 rng(24);
  RxTop t(jittered(24));
  auto r = default_regs(16, 2048, 100);
  r.ctrl = 0;
  t.set_regs(r);
  t.batch(random_frames(rng, 30));
  t.expect_same();
  r.ctrl = abi::CTRL_RX_ENABLE;
  r.buf_size = 3000;
  t.set_regs(r);
  t.batch(random_frames(rng, 30));
  t.expect_same();
  EXPECT_EQ(t.state().tail, 0u);
}

// The write channel held: the FIFO (512 beats) fills, and frames that do not fit are dropped
// whole and counted as "no buffer". Once released, what was kept lands intact and in order.
TEST(RxTop, FifoOverflowDropsWholeFrames) {
  TxTopSimConfig c;
  c.seed = 25;
  RxTop t(c);
  auto r = default_regs(256, 2048, 1u << 30);
  t.set_regs(r);
  auto held = c.rx_port;
  held.aw_ready_prob = 0;
  held.w_ready_prob = 0;
  t.sim().rx_port().set_config(held);
  std::mt19937_64 rng(25);
  std::vector<Frame> sent;
  for (int i = 0; i < 120; ++i) {
    sent.push_back(rxtest::ipv4_frame(rng, 17, 5, 100 + size_t(rng() % 1380)));
    rxtest::append_fcs(sent.back());
    t.sim().mac_rx(sent.back());
  }
  ASSERT_TRUE(t.sim().run_until([&] { return t.sim().rx_queued() == 0; }, 1'000'000));
  t.sim().step(100);
  t.sim().rx_port().set_config(c.rx_port);
  t.drain();
  const uint32_t tail = t.sim().reg_read(abi::REG_RX_TAIL);
  const uint32_t nobuf = t.sim().reg_read(abi::REG_STAT_RX_DROP_NOBUF);
  EXPECT_GT(nobuf, 0u);
  EXPECT_GT(tail, 10u);
  EXPECT_EQ(tail + nobuf, sent.size());
  EXPECT_EQ(t.sim().reg_read(abi::REG_STAT_RX_FRAMES_LO), tail);
  // Each completion names a whole frame, later ones later frames in the order sent.
  size_t next = 0;
  for (uint32_t i = 0; i < tail; ++i) {
    abi::RxCpl cpl;
    std::memcpy(&cpl, t.sim().memory().at(r.cpl_base + i * abi::RXC_BYTES, sizeof cpl),
                sizeof cpl);
    ASSERT_EQ(cpl.index, i);
    ASSERT_TRUE(cpl.flags & abi::RXC_F_GEN);
    ASSERT_TRUE(cpl.flags & abi::RXC_F_L4_CSUM_OK);
    const uint8_t* buf = t.sim().memory().at(r.buf_base + uint64_t(i) * r.buf_size, cpl.len);
    bool found = false;
    for (; next < sent.size() && !found; ++next) {
      found = sent[next].size() - 4 == cpl.len &&
              std::memcmp(sent[next].data(), buf, cpl.len) == 0;
    }
    ASSERT_TRUE(found) << "completion " << i << " is no frame sent after the one before";
  }
  EXPECT_TRUE(t.sim().errors().empty());
}

// One-beat frames with the write channel held: the verdict queue fills before the RAM does
// (frames already moved to the output FIFO keep their verdicts queued), and frames are dropped
// whole there too, never overrunning it.
TEST(RxTop, FifoOverflowOfOneBeatFrames) {
  TxTopSimConfig c;
  c.seed = 27;
  RxTop t(c);
  t.set_regs(default_regs(1024, 2048, 1u << 30));
  auto held = c.rx_port;
  held.aw_ready_prob = 0;
  held.w_ready_prob = 0;
  t.sim().rx_port().set_config(held);
  std::mt19937_64 rng(27);
  constexpr uint32_t kFrames = 900;
  for (uint32_t i = 0; i < kFrames; ++i) {
    Frame f = rxtest::ipv4_frame(rng, 17, 5, 8 + rng() % 10);
    rxtest::append_fcs(f);
    t.sim().mac_rx(f);
  }
  ASSERT_TRUE(t.sim().run_until([&] { return t.sim().rx_queued() == 0; }, 100'000));
  t.sim().rx_port().set_config(c.rx_port);
  t.drain();
  const uint32_t tail = t.sim().reg_read(abi::REG_RX_TAIL);
  const uint32_t nobuf = t.sim().reg_read(abi::REG_STAT_RX_DROP_NOBUF);
  EXPECT_GT(nobuf, 0u);
  EXPECT_EQ(tail + nobuf, kFrames);
  for (uint32_t i = 0; i < tail; ++i) {
    abi::RxCpl cpl;
    std::memcpy(&cpl, t.sim().memory().at(t.regs().cpl_base + i * abi::RXC_BYTES, sizeof cpl),
                sizeof cpl);
    ASSERT_EQ(cpl.index, i);
    ASSERT_EQ(cpl.len, 60);
  }
  EXPECT_TRUE(t.sim().errors().empty());
}

// Throughput: UDP frames of one size back to back from the MAC (no idle cycle, faster than any
// line rate) into a memory that never waits. Cycles per frame are from the first beat to the
// last completion write; no frame may be dropped while the FIFO absorbs the difference.
struct RxRate {
  double cycles_per_frame;
  uint32_t dropped;
};

RxRate rx_rate(size_t frame_bytes, size_t frames) {
  TxTopSimConfig c;
  c.seed = 26;
  c.rx_port.latency = 32;
  RxTop t(c);
  t.set_regs(default_regs(1024, 16384, 1u << 30));
  std::mt19937_64 rng(26);
  Frame f = rxtest::ipv4_frame(rng, 17, 5, frame_bytes - 4 - 14 - 20);
  rxtest::append_fcs(f);
  for (size_t i = 0; i < frames; ++i) t.sim().mac_rx(f);
  const uint64_t start = t.sim().cycle();
  uint64_t last_write = start;
  size_t bursts = t.sim().rx_port().bursts();
  for (uint64_t i = 0; i < 20 * frames * (frame_bytes / 64 + 4); ++i) {
    t.sim().step();
    if (t.sim().rx_port().bursts() != bursts) {
      bursts = t.sim().rx_port().bursts();
      last_write = t.sim().cycle();
    }
  }
  return {double(last_write - start) / double(frames),
          t.sim().reg_read(abi::REG_STAT_RX_DROP_NOBUF)};
}

TEST(RxTop, BackToBackFramesKeepUp) {
  for (size_t bytes : {64u, 65u, 128u, 1518u, 9018u}) {
    const size_t frames = bytes > 2000 ? 60 : 400;
    const RxRate r = rx_rate(bytes, frames);
    constexpr size_t kBeat = TxTopSim::kDataBits / 8;
    const double beats = double((bytes + kBeat - 1) / kBeat);
    std::printf("rx %5zu B: %.3f cycles/frame (%.0f beats)\n", bytes, r.cycles_per_frame, beats);
    EXPECT_EQ(r.dropped, 0u) << bytes;
  }
}

}  // namespace
