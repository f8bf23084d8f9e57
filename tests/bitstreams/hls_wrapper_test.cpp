// SPDX-License-Identifier: MIT
// sendoff_tx_hls (the Vitis kernel of the HLS flavour) in C simulation,
// against the HLS top it wraps: the same ring, payloads and flow table, given
// to sendoff_tx directly (flow table as its bram array) and through the
// wrapper (flow table as one 512-bit word per entry in a buffer), must give
// the same beats on m_axis_tx and the same tail and counts — which the
// wrapper writes to its status word, with the run's seq.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "sendoff_tx_hls.hpp"

namespace sendoff {
namespace {

using namespace abi;
using hls_kernel::FLOW_ENTRY_BYTES;

constexpr uint64_t kRingBase = 4096;
constexpr uint32_t kRingSize = 16;

class DeviceMemory {
 public:
  DeviceMemory() : words_(new ap_uint<512>[DEV_MEM_WORDS]) {
    for (uint64_t i = 0; i < DEV_MEM_WORDS; ++i) words_[i] = 0;
  }
  const ap_uint<512>* words() const { return words_.get(); }
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

struct Result {
  std::vector<sendoff::axis_t> beats;
  uint32_t tail = 0;
  uint64_t frames = 0, bytes = 0;
  uint32_t drops = 0, desc_errors = 0, seq = 0;
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

  void post(uint32_t slot, uint64_t payload_addr, uint32_t len, uint16_t flow) {
    std::vector<uint8_t> payload(len);
    for (uint32_t i = 0; i < len; ++i) payload[i] = static_cast<uint8_t>(i * 7 + slot);
    mem_.put(payload_addr, payload.data(), len);
    TxDesc d{};
    d.addr = payload_addr;
    d.len = len;
    d.flow = flow;
    d.flags = TXD_L4_UDP;
    d.ip_id = static_cast<uint16_t>(100 + slot);
    d.ttl = 64;
    mem_.put(kRingBase + uint64_t{slot % kRingSize} * TXD_BYTES, &d, sizeof d);
  }

  Result run_top(uint32_t head, uint32_t tail, uint32_t ctrl) {
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>> out;
    ap_uint<32> t = tail, drops = 0, errs = 0;
    ap_uint<64> frames = 0, bytes = 0;
    sendoff_tx(mem_.words(), kRingBase, kRingSize, head, &t, table_.data(), ctrl, &frames, &bytes,
               &drops, &errs, out);
    Result r;
    while (!out.empty()) r.beats.push_back(out.read());
    r.tail = t.to_uint();
    r.frames = frames.to_uint64();
    r.bytes = bytes.to_uint64();
    r.drops = drops.to_uint();
    r.desc_errors = errs.to_uint();
    return r;
  }

  Result run_wrapper(uint32_t head, uint32_t tail, uint32_t ctrl, uint32_t seq) {
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>> out;
    ap_uint<512> status = 0;
    sendoff_tx_hls(mem_.words(), flows_.data(), &status, kRingBase, kRingSize, head, tail, ctrl,
                   seq, out);
    Result r;
    while (!out.empty()) r.beats.push_back(out.read());
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
    return r;
  }

  DeviceMemory mem_;
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
  Result got = run_wrapper(4, 0, CTRL_ENABLE, 77);
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
  Result got = run_wrapper(kRingSize + 2, kRingSize - 2, CTRL_ENABLE | CTRL_FCS_APPEND, 5);
  EXPECT_EQ(want.tail, kRingSize + 2);
  EXPECT_EQ(want.frames, 4u);
  expect_same(got, want);
}

// CTRL_ENABLE clear: nothing is read, but the status (with seq) is written —
// what the xrt back end's check run relies on.
TEST_F(HlsWrapper, DisabledRunOnlyWritesItsStatus) {
  set_flow(0, udp_flow(1500));
  post(0, 1 << 20, 100, 0);
  Result got = run_wrapper(1, 0, 0, 0xABCD1234);
  EXPECT_EQ(got.seq, 0xABCD1234u);
  EXPECT_EQ(got.tail, 0u);
  EXPECT_EQ(got.frames, 0u);
  EXPECT_TRUE(got.beats.empty());
}

}  // namespace
}  // namespace sendoff
