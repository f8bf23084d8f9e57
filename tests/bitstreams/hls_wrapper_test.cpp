// SPDX-License-Identifier: MIT
// The HLS flavour's transmit kernels in C simulation, joined as the link
// configs join them, against the C model of the whole pipeline (hls/'s
// sendoff_tx, which runs sendoff_tx_model with TSO): the same ring, payloads
// and flow table, given to sendoff_tx directly (flow table as its bram array)
// and to the kernels (flow table as one 512-bit word per entry in a buffer),
// must give the same beats on m_axis_tx and the same tail and counts — which
// sendoff_tx_hls writes to its status word, with the run's seq and CAPS.
//
// As on the card: one start of the ap_ctrl_chain kernel sendoff_tx_hls per
// run, then the free-running kernels called once per clock cycle, last stage
// first (a beat written in a cycle is read in the next), the CMAC taking
// every beat, until nothing has moved for a while.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "sendoff_tx_hls.hpp"
#include "stream_links.hpp"

namespace sendoff {
namespace {

using namespace abi;
using hls_kernel::FLOW_ENTRY_BYTES;

constexpr uint64_t kRingBase = 4096;
constexpr uint32_t kRingSize = 16;
// Calls with nothing moving on any link after which the stream kernels are
// idle: a stage that holds data moves a beat within two calls (udp_tx
// drains a stored datagram from the call after its last beat came in).
constexpr unsigned kQuietCalls = 16;
constexpr uint64_t kMaxCalls = 1u << 22;

class DeviceMemory {
 public:
  DeviceMemory() : words_(new ap_uint<512>[DEV_MEM_WORDS]) {
    for (uint64_t i = 0; i < DEV_MEM_WORDS; ++i) words_[i] = 0;
  }
  // The NIC writes memory too (the tail write-back).
  ap_uint<512>* words() { return words_.get(); }
  uint32_t u32(uint64_t addr) const {
    return static_cast<uint32_t>(words_[addr / 64](8 * (addr % 64) + 31, 8 * (addr % 64)).to_uint());
  }
  void put(uint64_t addr, const void* src, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(src);
    for (size_t i = 0; i < n; ++i, ++addr)
      words_[addr / 64](8 * (addr % 64) + 7, 8 * (addr % 64)) = b[i];
  }

 private:
  std::unique_ptr<ap_uint<512>[]> words_;
};

FlowEntry udp_flow(uint16_t mtu) {
  FlowEntry f{};
  f.saddr = 0xC6120001;  // 198.18.0.1
  f.daddr = 0xC6120002;
  f.sport = 40000;
  f.dport = 9000;
  f.mtu = mtu;
  f.protocol = IPPROTO_UDP_NUM;
  f.flags = FLOW_F_VALID;
  const uint8_t dmac[6] = {0x02, 0, 0, 0, 0, 0x02}, smac[6] = {0x02, 0, 0, 0, 0, 0x01};
  std::memcpy(f.dmac, dmac, 6);
  std::memcpy(f.smac, smac, 6);
  return f;
}

FlowEntry tcp_flow(uint16_t mtu) {
  FlowEntry f = udp_flow(mtu);
  f.protocol = IPPROTO_TCP_NUM;
  return f;
}

struct Result {
  std::vector<sendoff::axis_t> beats;
  uint32_t tail = 0;
  uint64_t frames = 0, bytes = 0;
  uint32_t drops = 0, desc_errors = 0, seq = 0, caps = 0;
};

void expect_same(const Result& a, const Result& b) {
  EXPECT_EQ(a.tail, b.tail);
  EXPECT_EQ(a.frames, b.frames);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.drops, b.drops);
  EXPECT_EQ(a.desc_errors, b.desc_errors);
  ASSERT_EQ(a.beats.size(), b.beats.size());
  for (size_t i = 0; i < a.beats.size(); ++i) {
    EXPECT_TRUE(a.beats[i].data == b.beats[i].data) << "beat " << i;
    EXPECT_TRUE(a.beats[i].keep == b.beats[i].keep) << "beat " << i;
    EXPECT_TRUE(a.beats[i].last == b.beats[i].last) << "beat " << i;
  }
}

class HlsWrapper : public ::testing::Test {
 protected:
  void SetUp() override {
    flows_.assign(FLOW_TABLE_SIZE, ap_uint<512>(0));
    table_.assign(FLOW_TABLE_WORDS, ap_uint<32>(0));
  }

  void set_flow(unsigned index, const FlowEntry& f) {
    uint8_t bytes[FLOW_ENTRY_BYTES];
    std::memcpy(bytes, &f, sizeof bytes);
    ap_uint<512> w = 0;
    for (unsigned i = 0; i < FLOW_ENTRY_BYTES; ++i) w(8 * i + 7, 8 * i) = bytes[i];
    flows_[index] = w;
    for (unsigned k = 0; k < FLOW_WORDS; ++k) {
      uint32_t v;
      std::memcpy(&v, bytes + 4 * k, 4);
      table_[index * FLOW_WORDS + k] = v;
    }
  }

  void post(uint32_t slot, uint64_t payload_addr, uint32_t len, uint16_t flow,
            uint16_t flags = TXD_L4_UDP, uint16_t mss = 0) {
    std::vector<uint8_t> payload(len);
    for (uint32_t i = 0; i < len; ++i) payload[i] = static_cast<uint8_t>(i * 7 + slot);
    mem_.put(payload_addr, payload.data(), len);
    TxDesc d{};
    d.seq = 0x10000000u * slot + 12345;
    d.mss = mss;
    d.addr = payload_addr;
    d.len = len;
    d.flow = flow;
    d.flags = flags;
    d.ip_id = static_cast<uint16_t>(100 + slot);
    d.ttl = 64;
    mem_.put(kRingBase + uint64_t{slot % kRingSize} * TXD_BYTES, &d, sizeof d);
  }

  // A TCP descriptor: slots `slot` and `slot + 1` (which may wrap to slot 0).
  void post_tcp(uint32_t slot, uint64_t payload_addr, uint32_t len, uint16_t mss, uint16_t flow,
                uint8_t tcp_flags, uint8_t opt_len = 0) {
    post(slot, payload_addr, len, flow, TXD_L4_TCP | TXD_F_DF, mss);
    TxDescTcp t{};
    t.ack = 0xA0000000u + slot;
    t.window = static_cast<uint16_t>(1000 + slot);
    t.tcp_flags = tcp_flags;
    t.opt_len = opt_len;
    for (unsigned i = 0; i < TXD_TCP_OPT_MAX; ++i) t.opts[i] = static_cast<uint8_t>(0x40 + i);
    mem_.put(kRingBase + uint64_t{(slot + 1) % kRingSize} * TXD_BYTES, &t, sizeof t);
  }

  Result run_top(uint32_t head, uint32_t tail, uint32_t ctrl) {
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>> out;
    ap_uint<32> t = tail, drops = 0, errs = 0;
    ap_uint<64> frames = 0, bytes = 0;
    sendoff_tx(mem_.words(), kRingBase, kRingSize, head, &t, table_.data(), ctrl, &frames, &bytes,
               &drops, &errs, out, 0, 0);
    Result r;
    while (!out.empty()) r.beats.push_back(out.read());
    r.tail = t.to_uint();
    r.frames = frames.to_uint64();
    r.bytes = bytes.to_uint64();
    r.drops = drops.to_uint();
    r.desc_errors = errs.to_uint();
    return r;
  }

  // The kernels, and the streams stream_connect makes between them.
  Result run_kernels(uint32_t head, uint32_t tail, uint32_t ctrl, uint32_t seq) {
    hls::stream<ap_axiu<UDP_META_BITS, 0, 0, 0>> udp_meta("udp_meta");
    hls::stream<ap_axiu<TCP_META_BITS, 0, 0, 0>> tcp_meta("tcp_meta");
    hls::stream<ap_axiu<ROUTE_BITS, 0, 0, 0>> route("route");
    hls::stream<ap_axiu<IP_META_BITS, 0, 0, 0>> udp_ip_meta("udp_ip_meta"),
        tcp_ip_meta("tcp_ip_meta"), ip_meta("ip_meta");
    hls::stream<ap_axiu<ETH_META_BITS, 0, 0, 0>> eth_meta("eth_meta");
    hls::stream<axis_t> payload("payload"), tcp_payload("tcp_payload"), udp_l4("udp_l4"),
        tcp_l4("tcp_l4"), l4_seg("l4_seg"), ip_pkt("ip_pkt"), tx("tx");
    ap_uint<512> status = 0;
    sendoff_tx_hls(mem_.words(), flows_.data(), &status, kRingBase, kRingSize, head, tail, ctrl,
                   seq, wb_base_, wb_force_, udp_meta, payload, route, tcp_meta, tcp_payload);
    Result r;
    auto queued = [&] {
      return std::vector<size_t>{udp_meta.size(),    payload.size(),  tcp_meta.size(),
                                 tcp_payload.size(), route.size(),    udp_ip_meta.size(),
                                 udp_l4.size(),      tcp_ip_meta.size(), tcp_l4.size(),
                                 ip_meta.size(),     l4_seg.size(),   eth_meta.size(),
                                 ip_pkt.size()};
    };
    unsigned quiet = 0;
    for (calls_ = 0; quiet < kQuietCalls; ++calls_) {
      if (calls_ == kMaxCalls) {
        ADD_FAILURE() << "the stream kernels still move after " << kMaxCalls << " calls";
        break;
      }
      const std::vector<size_t> before = queued();
      eth_tx_hls(eth_meta, ip_pkt, tx);
      ip_tx_hls(ip_meta, l4_seg, eth_meta, ip_pkt);
      tx_merge_hls(route, udp_ip_meta, udp_l4, tcp_ip_meta, tcp_l4, ip_meta, l4_seg);
      tcp_tx_hls(tcp_meta, tcp_payload, tcp_ip_meta, tcp_l4);
      udp_tx_hls(udp_meta, payload, udp_ip_meta, udp_l4);
      const bool sent = !tx.empty();
      while (!tx.empty()) r.beats.push_back(tx.read());
      if (sent) last_beat_call_ = calls_;
      quiet = sent || queued() != before ? 0 : quiet + 1;
    }
    EXPECT_EQ(queued(), std::vector<size_t>(13, 0)) << "beats left on the links";
    using namespace hls_kernel;
    auto field = [&](unsigned off, unsigned bytes) {
      return status(8 * (off + bytes) - 1, 8 * off).to_uint64();
    };
    r.tail = static_cast<uint32_t>(field(STATUS_TAIL_OFF, 4));
    r.frames = field(STATUS_FRAMES_OFF, 8);
    r.bytes = field(STATUS_BYTES_OFF, 8);
    r.drops = static_cast<uint32_t>(field(STATUS_DROPS_OFF, 4));
    r.desc_errors = static_cast<uint32_t>(field(STATUS_DESC_ERRORS_OFF, 4));
    r.seq = static_cast<uint32_t>(field(STATUS_SEQ_OFF, 4));
    r.caps = static_cast<uint32_t>(field(STATUS_CAPS_OFF, 4));
    return r;
  }

  DeviceMemory mem_;
  uint64_t wb_base_ = 0;         // the tail write-back block the kernel is given (0: none)
  uint32_t wb_force_ = 0;
  uint64_t calls_ = 0;           // free-running calls of the last run_kernels
  uint64_t last_beat_call_ = 0;  // the call that sent its last beat
  std::vector<ap_uint<512>> flows_;
  std::vector<ap_uint<32>> table_;
};

TEST_F(HlsWrapper, SendsWhatTheHlsTopSends) {
  set_flow(3, udp_flow(1500));
  set_flow(200, udp_flow(576));  // fragments a 1400-byte datagram
  post(0, 1 << 20, 18, 3);
  post(1, 2 << 20, 1400, 3);
  post(2, 3 << 20, 1400, 200);
  post(3, 4 << 20, 64, 9);  // flow 9 is not valid: dropped
  Result want = run_top(4, 0, CTRL_ENABLE);
  Result got = run_kernels(4, 0, CTRL_ENABLE, 77);
  EXPECT_EQ(want.tail, 4u);
  EXPECT_EQ(want.drops, 1u);
  EXPECT_GE(want.frames, 4u);  // 1 + 1 + at least 2 fragments
  expect_same(got, want);
  EXPECT_EQ(got.seq, 77u);
}

TEST_F(HlsWrapper, ResumesAtTheTailItIsGivenAcrossTheRingEnd) {
  set_flow(0, udp_flow(1500));
  for (uint32_t i = kRingSize - 2; i < kRingSize + 2; ++i) post(i, (1 + i) << 16, 100 + i, 0);
  Result want = run_top(kRingSize + 2, kRingSize - 2, CTRL_ENABLE | CTRL_FCS_APPEND);
  Result got = run_kernels(kRingSize + 2, kRingSize - 2, CTRL_ENABLE | CTRL_FCS_APPEND, 5);
  EXPECT_EQ(want.tail, kRingSize + 2);
  EXPECT_EQ(want.frames, 4u);
  expect_same(got, want);
}

// CTRL_ENABLE clear: nothing is read, but the status (with seq) is written —
// what the xrt back end's check run relies on.
TEST_F(HlsWrapper, DisabledRunOnlyWritesItsStatus) {
  set_flow(0, udp_flow(1500));
  post(0, 1 << 20, 100, 0);
  Result got = run_kernels(1, 0, 0, 0xABCD1234);
  EXPECT_EQ(got.seq, 0xABCD1234u);
  EXPECT_EQ(got.caps, CAPS_TSO | CAPS_TX_UNALIGNED)
      << "TSO and payloads at any byte address, and no receive path the host drives";
  EXPECT_EQ(got.tail, 0u);
  EXPECT_EQ(got.frames, 0u);
  EXPECT_TRUE(got.beats.empty());
}

// A run ends by writing its tail to the write-back block (only the 4 tail bytes), once when
// it moved or when told (the enable edge), never without CTRL_ENABLE.
TEST_F(HlsWrapper, WritesTheRunsTailBack) {
  constexpr uint64_t kWb = 0x8000;
  const std::vector<uint8_t> junk(64, 0xA5);
  mem_.put(kWb, junk.data(), junk.size());
  wb_base_ = kWb;
  set_flow(0, udp_flow(1500));
  post(0, 1 << 20, 100, 0);
  post(1, 2 << 20, 200, 0);
  run_kernels(2, 0, CTRL_ENABLE, 1);
  EXPECT_EQ(mem_.u32(kWb), 2u);
  EXPECT_EQ(mem_.u32(kWb + 4), 0xA5A5A5A5u) << "reserved bytes untouched";
  EXPECT_EQ(mem_.u32(kWb + 60), 0xA5A5A5A5u);
  mem_.put(kWb, junk.data(), 4);
  run_kernels(2, 2, CTRL_ENABLE, 2);  // nothing moved: no write
  EXPECT_EQ(mem_.u32(kWb), 0xA5A5A5A5u);
  wb_force_ = 1;
  run_kernels(2, 2, 0, 3);  // told, but disabled: no write
  EXPECT_EQ(mem_.u32(kWb), 0xA5A5A5A5u);
  run_kernels(2, 2, CTRL_ENABLE, 4);  // the enable edge: the current tail
  EXPECT_EQ(mem_.u32(kWb), 2u);
}

// The status counts what the run hands on, worked out per descriptor; eth_tx
// counts what it sends. Lengths around every boundary of that sum: the
// 60-byte minimum frame, the MTU, the fragment size, a last fragment shorter
// than the minimum, RAW segments (no UDP header), the largest datagrams.
TEST_F(HlsWrapper, CountsTheFramesAndBytesEthTxSends) {
  set_flow(0, udp_flow(68));
  set_flow(1, udp_flow(576));
  set_flow(2, udp_flow(1500));
  set_flow(3, udp_flow(9000));
  struct Post {
    uint32_t len;
    uint16_t flow, flags;
  };
  const std::vector<Post> posts = {
      {0, 2, TXD_L4_RAW},     {1, 2, TXD_L4_UDP},     {18, 2, TXD_L4_UDP},
      {19, 2, TXD_L4_UDP},    {40, 0, TXD_L4_UDP},    {41, 0, TXD_L4_UDP},
      {49, 0, TXD_L4_RAW},    {1472, 2, TXD_L4_UDP},  {1473, 2, TXD_L4_UDP},
      {1481, 2, TXD_L4_RAW},  {549, 1, TXD_L4_UDP},   {8972, 3, TXD_L4_UDP},
      {8973, 3, TXD_L4_UDP},  {65507, 0, TXD_L4_UDP}, {65515, 1, TXD_L4_RAW},
      {65507, 3, TXD_L4_UDP}};
  ASSERT_EQ(posts.size(), kRingSize);
  for (uint32_t i = 0; i < posts.size(); ++i)
    post(i, uint64_t{i + 1} << 17, posts[i].len, posts[i].flow, posts[i].flags);
  Result want = run_top(kRingSize, 0, CTRL_ENABLE);
  Result got = run_kernels(kRingSize, 0, CTRL_ENABLE, 9);
  EXPECT_EQ(want.desc_errors, 0u);
  EXPECT_EQ(want.drops, 0u);
  // 65507 UDP bytes at MTU 68 alone are 1365 fragments, 65515 RAW bytes at MTU 576 119.
  EXPECT_GT(want.frames, 1365u + 119u);
  expect_same(got, want);
}

// Descriptor errors and drops send nothing and count in the status, as in
// the C model; a good descriptor after them still goes out.
TEST_F(HlsWrapper, RejectsWhatTheHlsTopRejects) {
  set_flow(0, udp_flow(1500));
  FlowEntry invalid = udp_flow(1500);
  invalid.flags = 0;
  set_flow(1, invalid);
  post(0, 1 << 20, 100, 0, TXD_L4_UDP | TXD_F_DF);
  post(1, 2 << 20, 1600, 0, TXD_L4_UDP | TXD_F_DF);  // DF and over the MTU
  post(2, (3 << 20) + 8, 100, 0);                    // payload at byte 8: sent (ABI 3.1)
  post(3, 4 << 20, 100, 1);                          // flow not valid
  post(4, 5 << 20, 100, FLOW_TABLE_SIZE);            // no such flow
  post(5, 6 << 20, 300, 0, TXD_L4_RAW);
  Result want = run_top(6, 0, CTRL_ENABLE | CTRL_FCS_APPEND);
  Result got = run_kernels(6, 0, CTRL_ENABLE | CTRL_FCS_APPEND, 3);
  EXPECT_EQ(want.desc_errors, 1u);
  EXPECT_EQ(want.drops, 2u);
  EXPECT_EQ(want.frames, 3u);
  expect_same(got, want);
}

// Between the kernels as inside hls/: a beat a call, no call lost per packet
// at the kernel boundaries. Here eth_tx's output beats are the most of any
// stage's, so the last one leaves in call first fill + beats + 1, the bound
// tests/hls sets for a single kernel (hls/README.md), plus one call: tx_merge_hls,
// on the way from udp_tx_hls to ip_tx_hls, holds each segment's record for a
// call (its own header FIFO) — once for the run, not per packet.
TEST_F(HlsWrapper, MovesABeatPerCallAcrossTheKernels) {
  set_flow(0, udp_flow(1500));
  const uint32_t len = 1400;
  for (uint32_t i = 0; i < kRingSize; ++i) post(i, uint64_t{i + 1} << 17, len, 0);
  Result got = run_kernels(kRingSize, 0, CTRL_ENABLE, 1);
  ASSERT_EQ(got.frames, kRingSize);
  const uint64_t first_fill = beats_for(len);
  EXPECT_LE(last_beat_call_, first_fill + got.beats.size() + 2) << got.beats.size() << " beats";
  EXPECT_GE(last_beat_call_ + 1, got.beats.size());
}

// TCP descriptors (two slots each) between UDP and RAW ones: tcp_tx_hls segments them by
// MSS and tx_merge_hls keeps ring order, frames bit-exact with the C model's. Sizes around
// the segment boundaries: an empty segment (a pure ACK or FIN), one byte short of and one
// byte over an MSS, options, a last segment shorter than the minimum frame, 64 KiB at the
// smallest MSS; two payloads off the 64-byte grid (ABI 3.1); and a descriptor whose second
// slot is the ring's slot 0. The run starts at slot 2 and fills the ring.
TEST_F(HlsWrapper, SegmentsTcpDescriptorsAsTheHlsTopDoes) {
  set_flow(0, udp_flow(1500));
  set_flow(1, tcp_flow(1500));
  set_flow(2, tcp_flow(576));
  post(2, 1 << 20, 300, 0);                                       // UDP
  post_tcp(3, 2 << 20, 0, 1460, 1, TCPHDR_ACK | TCPHDR_FIN);      // slots 3, 4: one empty segment
  post_tcp(5, 3 << 20, 1459, 1460, 1, TCPHDR_ACK);                // slots 5, 6
  post_tcp(7, 4 << 20, 1461, 1448, 1, TCPHDR_ACK | TCPHDR_PSH | TCPHDR_CWR, 12);
  post(9, 5 << 20, 100, 0, TXD_L4_RAW);
  post_tcp(10, (6 << 20) + 13, 2 * 536 + 3, 536, 2, TCPHDR_ACK | TCPHDR_PSH);  // at byte 13
  post_tcp(12, 7 << 20, 65535, TSO_MSS_MIN, 2, TCPHDR_ACK | TCPHDR_PSH, 24);
  post(14, 9 << 20, 1400, 0);
  post_tcp(15, (10 << 20) - 61, 3000, 1460, 1, TCPHDR_ACK | TCPHDR_PSH);  // slots 15 and 0
  post(kRingSize + 1, 11 << 20, 20, 1, TXD_L4_RAW);                // slot 1
  const uint32_t head = kRingSize + 2;
  Result want = run_top(head, 2, CTRL_ENABLE | CTRL_FCS_APPEND);
  Result got = run_kernels(head, 2, CTRL_ENABLE | CTRL_FCS_APPEND, 11);
  EXPECT_EQ(want.tail, head);
  EXPECT_EQ(want.desc_errors, 0u);
  EXPECT_EQ(want.drops, 0u);
  // 1 + 1 + 1 + 2 + 1 + 3 + 745 + 1 + 3 + 1
  EXPECT_EQ(want.frames, 759u);
  expect_same(got, want);
  EXPECT_EQ(got.caps, CAPS_TSO | CAPS_TX_UNALIGNED);
}

// A run that starts on a TCP descriptor's second half: the run before left at slot 15, the
// descriptor's slots are 15 and 0; with only slot 15 posted nothing moves, as in the model.
TEST_F(HlsWrapper, WaitsForATcpDescriptorsSecondSlotAcrossTheRingEnd) {
  set_flow(1, tcp_flow(1500));
  post_tcp(kRingSize - 1, 1 << 20, 4000, 1460, 1, TCPHDR_ACK | TCPHDR_PSH);
  Result want = run_top(kRingSize, kRingSize - 1, CTRL_ENABLE);
  Result got = run_kernels(kRingSize, kRingSize - 1, CTRL_ENABLE, 1);
  EXPECT_EQ(want.tail, kRingSize - 1);
  EXPECT_EQ(want.frames, 0u);
  expect_same(got, want);
  want = run_top(kRingSize + 1, kRingSize - 1, CTRL_ENABLE);
  got = run_kernels(kRingSize + 1, kRingSize - 1, CTRL_ENABLE, 2);
  EXPECT_EQ(want.tail, kRingSize + 1);
  EXPECT_EQ(want.frames, 3u);
  expect_same(got, want);
}

// A bad TCP descriptor is one descriptor error for both its slots and sends nothing; the
// descriptors around it still go out in order.
TEST_F(HlsWrapper, CountsABadTcpDescriptorAsOneDescError) {
  set_flow(1, tcp_flow(1500));
  post_tcp(0, 1 << 20, 2000, 1460, 1, TCPHDR_ACK);
  post_tcp(2, 2 << 20, 2000, TSO_MSS_MIN - 1, 1, TCPHDR_ACK);  // MSS below TSO_MSS_MIN
  post_tcp(4, 3 << 20, 2000, 1460, 1, TCPHDR_ACK, 6);          // options not a multiple of 4
  post_tcp(6, 4 << 20, 100, 1460, 1, TCPHDR_ACK | TCPHDR_PSH);
  Result want = run_top(8, 0, CTRL_ENABLE);
  Result got = run_kernels(8, 0, CTRL_ENABLE, 4);
  EXPECT_EQ(want.tail, 8u);
  EXPECT_EQ(want.desc_errors, 2u);
  EXPECT_EQ(want.drops, 0u);
  EXPECT_EQ(want.frames, 3u);
  expect_same(got, want);
}

// The TCP header record crosses as one beat: it fits its channel.
TEST(HlsStreamLinks, TcpRecordFitsItsChannel) {
  EXPECT_LE(meta_packed_bits<TcpTxMeta>(), static_cast<unsigned>(TCP_META_BITS));
  TcpTxMeta m{};
  m.len = 65535;
  m.mss = 1460;
  m.seq = 0xDEADBEEF;
  m.opt_len = 40;
  m.opts = 0;
  for (unsigned i = 0; i < TCP_OPT_MAX; ++i) m.opts(8 * i + 7, 8 * i) = 0xC0 + i;
  m.ip.daddr = 0xC6120002;
  m.ip.eth.dmac = 0x020000000002ull;
  const TcpTxMeta back = meta_of<TcpTxMeta>(meta_beat<TCP_META_BITS>(m));
  EXPECT_EQ(back.len, m.len);
  EXPECT_EQ(back.seq, m.seq);
  EXPECT_TRUE(back.opts == m.opts);
  EXPECT_EQ(back.ip.daddr, m.ip.daddr);
  EXPECT_EQ(back.ip.eth.dmac, m.ip.eth.dmac);
}

// A whole Ethernet frame (TXD_L4_ETH) crosses every header channel as what it is (the l2
// bit of IpTxMeta and EthTxMeta packed): no IPv4 or Ethernet header added, and counted as
// the frame it is, as in the C model.
TEST_F(HlsWrapper, SendsWholeFramesAsTheHlsTopDoes) {
  set_flow(0, udp_flow(1500));
  post(0, 1 << 20, 60, 0, TXD_L4_ETH);
  post(1, 2 << 20, 100, 0);
  post(2, 3 << 20, 1514, 0, TXD_L4_ETH);
  post(3, 4 << 20, 20, 0, TXD_L4_ETH);  // padded to the minimum frame
  Result want = run_top(4, 0, CTRL_ENABLE | CTRL_FCS_APPEND);
  Result got = run_kernels(4, 0, CTRL_ENABLE | CTRL_FCS_APPEND, 6);
  EXPECT_EQ(want.frames, 4u);
  EXPECT_EQ(want.desc_errors, 0u);
  expect_same(got, want);
}

}  // namespace
}  // namespace sendoff
