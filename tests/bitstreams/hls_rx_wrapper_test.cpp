// SPDX-License-Identifier: MIT
// The HLS flavour's receive kernels in C simulation, joined as the link configs join them:
// frames from the "CMAC" one beat per rx_parse_hls call, rx_dma_hls runs after each batch.
// Memory and state must be what the C model of the path (sendoff_rx_frame, then
// sendoff_rx_idle where a run ends) leaves, drops and completion lines included.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "rx_dma_hls.hpp"
#include "sendoff/crc32.hpp"
#include "stream_links.hpp"

namespace sendoff {
namespace {

using namespace hls_kernel;
using Bytes = std::vector<uint8_t>;
using Axis = ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>;
using MetaAxis = ap_axiu<RX_META_BITS, 0, 0, 0>;

constexpr size_t kMemWords = (4u << 20) / 64;
constexpr unsigned kDrainCalls = 4;  // rx_parse_hls calls after a frame's last beat

// Random frames the MAC delivers (FCS on): IPv4 or not, some with a bad FCS, some runts, some
// longer than a buffer.
Bytes wire_frame(std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 9), byte(0, 255);
  const int k = kind(rng);
  const size_t len = k == 0 ? 40 : k == 1 ? 3000 : std::uniform_int_distribution<size_t>(60, 1514)(rng);
  Bytes f(len);
  for (uint8_t& b : f) b = static_cast<uint8_t>(byte(rng));
  if (k % 2 == 0 && len >= 42) {
    // IPv4 with a good header checksum and UDP without a checksum (0): checks pass, so the
    // completion carries the kinds and the flow hash.
    const size_t tot = len - 14;
    const uint8_t ip[20] = {0x45, 0, uint8_t(tot >> 8), uint8_t(tot), 0, 1, 0, 0, 64, 17};
    std::memcpy(&f[14], ip, 10);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (i == 10 ? 0 : (f[14 + i] << 8 | f[15 + i]));
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    f[12] = 0x08;
    f[13] = 0x00;
    f[24] = uint8_t(~sum >> 8);
    f[25] = uint8_t(~sum);
    f[38] = uint8_t((tot - 20) >> 8);
    f[39] = uint8_t(tot - 20);
    f[40] = f[41] = 0;
  }
  const uint32_t fcs = crc32_ieee(f.data(), f.size()) ^ (k == 3 ? 1u : 0u);
  for (int i = 0; i < 4; ++i) f.push_back(static_cast<uint8_t>(fcs >> (8 * i)));
  return f;
}

std::vector<Axis> beats(const Bytes& f) {
  std::vector<Axis> out;
  const size_t bytes = SENDOFF_DATA_WIDTH / 8;
  for (size_t off = 0; off < f.size(); off += bytes) {
    const size_t n = std::min(bytes, f.size() - off);
    Axis b;
    b.data = 0;
    for (size_t i = 0; i < n; ++i) b.data(8 * i + 7, 8 * i) = f[off + i];
    b.keep = low_bits<SENDOFF_DATA_WIDTH / 8>(static_cast<unsigned>(n));
    b.strb = b.keep;
    b.last = off + n == f.size();
    out.push_back(b);
  }
  return out;
}

class HlsRxWrapper : public ::testing::Test {
 protected:
  HlsRxWrapper() : model_(kMemWords, 0), nic_(kMemWords, 0), state_(RX_STATE_WORDS, 0) {
    r_.buf_base = 1 << 20;
    r_.cpl_base = 64 << 10;
    r_.wb_base = 4096;
    r_.ring_size = 8;
    r_.buf_size = 2048;
    r_.head = 13;  // fewer buffers than frames: some find none
    r_.ctrl = abi::CTRL_RX_ENABLE;
  }

  void mac(const Bytes& wire) {
    for (const Axis& b : beats(wire)) {
      rx_in_.write(b);
      rx_parse_hls(rx_in_, rx_data_, rx_meta_);
    }
    for (unsigned i = 0; i < kDrainCalls; ++i) rx_parse_hls(rx_in_, rx_data_, rx_meta_);
  }
  void run(uint32_t budget, uint32_t seq) {
    rx_dma_hls(nic_.data(), state_.data(), r_.buf_base, r_.cpl_base, r_.wb_base, r_.ring_size,
               r_.buf_size, r_.head, r_.ctrl, budget, seq, rx_meta_, rx_data_);
  }
  uint64_t field(unsigned off, unsigned bits) const {
    return state_[0](8 * off + bits - 1, 8 * off).to_uint64();
  }

  RxRegs r_;
  RxState st_;
  std::vector<mem_word_t> model_, nic_;
  std::vector<ap_uint<512>> state_;
  hls::stream<Axis> rx_in_{"cmac_0.M_AXIS"}, rx_data_{"rx_data"};
  hls::stream<MetaAxis> rx_meta_{"rx_meta"};
};

TEST_F(HlsRxWrapper, WritesWhatTheCModelWrites) {
  std::mt19937 rng(7);
  uint32_t seq = 0;
  for (int batch = 0; batch < 12; ++batch) {
    const int n = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int i = 0; i < n; ++i) {
      const Bytes w = wire_frame(rng);
      sendoff_rx_frame(model_.data(), r_, &st_, w.data(), w.size());
      mac(w);
    }
    sendoff_rx_idle(model_.data(), r_, &st_);
    run(8, ++seq);
    ASSERT_TRUE(rx_meta_.empty() && rx_data_.empty()) << "batch " << batch;
    for (size_t i = 0; i < kMemWords; ++i)
      ASSERT_EQ(nic_[i], model_[i]) << "batch " << batch << ", byte 0x" << std::hex << 64 * i;
    EXPECT_EQ(field(RX_STATE_TAIL_OFF, 32), st_.tail);
    EXPECT_EQ(field(RX_STATE_LINE_WRITTEN_OFF, 32), st_.line_written);
    EXPECT_EQ(field(RX_STATE_FRAMES_OFF, 64), st_.frames);
    EXPECT_EQ(field(RX_STATE_BYTES_OFF, 64), st_.bytes);
    EXPECT_EQ(field(RX_STATE_DROP_FCS_OFF, 32), st_.drop_fcs);
    EXPECT_EQ(field(RX_STATE_DROP_NOBUF_OFF, 32), st_.drop_nobuf);
    EXPECT_EQ(field(RX_STATE_DROP_LEN_OFF, 32), st_.drop_len);
    EXPECT_EQ(field(RX_STATE_SEQ_OFF, 32), seq);
    EXPECT_EQ(state_[1], st_.line);
  }
  // The stream covered every outcome.
  EXPECT_GT(st_.frames, 0u);
  EXPECT_GT(st_.drop_fcs, 0u);
  EXPECT_GT(st_.drop_len, 0u);
  EXPECT_GT(st_.drop_nobuf, 0u);
  bool hashed = false;
  for (uint32_t i = 0; i < r_.ring_size; ++i) {
    abi::RxCpl c;
    for (unsigned b = 0; b < sizeof c; ++b)
      reinterpret_cast<uint8_t*>(&c)[b] = static_cast<uint8_t>(
          nic_[(r_.cpl_base + 16 * i + b) / 64](8 * ((16 * i + b) % 64) + 7, 8 * ((16 * i + b) % 64))
              .to_uint());
    hashed |= c.hash != 0;
  }
  EXPECT_TRUE(hashed) << "no completion carries a flow hash";
}

// A run takes at most `budget` frames; the rest wait in the FIFOs for the next run.
TEST_F(HlsRxWrapper, ARunTakesAtMostItsBudget) {
  r_.head = 100;
  for (int i = 0; i < 3; ++i) {
    Bytes f(100, static_cast<uint8_t>(i));
    const uint32_t fcs = crc32_ieee(f.data(), f.size());
    for (int k = 0; k < 4; ++k) f.push_back(static_cast<uint8_t>(fcs >> (8 * k)));
    mac(f);
  }
  run(2, 1);
  EXPECT_EQ(field(RX_STATE_TAIL_OFF, 32), 2u);
  EXPECT_FALSE(rx_meta_.empty());
  run(2, 2);
  EXPECT_EQ(field(RX_STATE_TAIL_OFF, 32), 3u);
  EXPECT_TRUE(rx_meta_.empty() && rx_data_.empty());
}

}  // namespace
}  // namespace sendoff
