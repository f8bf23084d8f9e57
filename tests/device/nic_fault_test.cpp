// SPDX-License-Identifier: MIT
// The NIC's fault semantics (nic_abi.hpp, "faults"), through the Device interface on csim and
// on the Verilated RTL: CTRL_ENABLE cleared mid-datagram, CTRL_RESET with descriptors read and
// posted, ring writes while busy, a payload read that fails. Every datagram leaves whole and
// once, or not at all and counted. A slow MAC (csim: a sink that holds one frame and a
// consumer that takes one every 200 us; RTL: tready 2% of cycles) keeps the NIC mid-datagram.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "device_flow.hpp"
#include "sendoff/device.hpp"
#include "sendoff/memory_sink.hpp"
#include "sendoff/nic_abi.hpp"

namespace {

namespace abi = sendoff::abi;
using Frame = std::vector<uint8_t>;

constexpr uint32_t kRing = 64;
constexpr uint32_t kLen = 3000;  // three IPv4 fragments at MTU 1500
constexpr uint16_t kFlow = 5;

class NicFault : public ::testing::TestWithParam<const char*> {
 protected:
  void open(sendoff::ReadFaultRange fault = {}) {
    sendoff::DeviceOptions o;
    o.backend = GetParam();
    o.sink = &sink_;
    o.read_fault = fault;
    if (o.backend == "verilator") o.tready = 0.02;
    std::string err;
    dev_ = sendoff::make_device(o, &err);
    ASSERT_NE(dev_, nullptr) << err;
    if (o.backend == "csim") slow_ = true;
    consumer_ = std::thread([this] {
      while (!stop_) {
        Frame f;
        if (sink_.pop(&f)) {
          std::lock_guard<std::mutex> g(mu_);
          frames_.push_back(std::move(f));
        }
        std::this_thread::sleep_for(std::chrono::microseconds(slow_ ? 200 : 20));
      }
    });
    sendoff_test::commit_flow(*dev_, kFlow, sendoff_test::udp_flow(4000));
    ring_ = dev_->dma_alloc(kRing * abi::TXD_BYTES);
    pay_ = dev_->dma_alloc(kRing * 4096);
    ASSERT_NE(ring_.size, 0u);
    ASSERT_NE(pay_.size, 0u);
    dev_->reg_write(abi::REG_RING_BASE_LO, static_cast<uint32_t>(ring_.dev_addr));
    dev_->reg_write(abi::REG_RING_BASE_HI, static_cast<uint32_t>(ring_.dev_addr >> 32));
    dev_->reg_write(abi::REG_RING_SIZE, kRing);
    dev_->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  }
  void TearDown() override {
    stop_ = true;
    if (consumer_.joinable()) consumer_.join();
    sink_.close();
    dev_.reset();
  }
  // Descriptor i: kLen bytes, IPv4 ID i, payload bytes a pattern of i.
  void post(uint32_t i) {
    uint8_t* p = pay_.host + (i % kRing) * 4096;
    for (uint32_t k = 0; k < kLen; ++k) p[k] = static_cast<uint8_t>(i * 5 + k);
    dev_->dma_sync_to_device(pay_, (i % kRing) * 4096, kLen);
    abi::TxDesc d{};
    d.addr = pay_.dev_addr + (i % kRing) * 4096;
    d.len = kLen;
    d.flow = kFlow;
    d.flags = abi::TXD_L4_UDP;
    d.ip_id = static_cast<uint16_t>(i);
    d.ttl = 64;
    std::memcpy(ring_.host + (i % kRing) * abi::TXD_BYTES, &d, sizeof d);
    dev_->dma_sync_to_device(ring_, (i % kRing) * abi::TXD_BYTES, abi::TXD_BYTES);
  }
  uint32_t rd(uint32_t off) { return dev_->reg_read(off); }
  // Until STATUS_BUSY falls (the MAC keeps taking frames meanwhile), then what reached it.
  std::vector<Frame> settle() {
    for (int i = 0; i < 2000 && (rd(abi::REG_STATUS) & abi::STATUS_BUSY); ++i)
      dev_->wait_progress(5000);
    EXPECT_EQ(rd(abi::REG_STATUS) & abi::STATUS_BUSY, 0u);
    for (int i = 0; i < 200 && sink_.size() != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard<std::mutex> g(mu_);
    std::vector<Frame> out;
    out.swap(frames_);
    return out;
  }
  // Frames per IPv4 ID, each checked for length and fragment layout: a datagram is whole
  // when its three fragments came (in order), with the right bytes at the right offsets.
  static std::map<uint16_t, int> datagrams(const std::vector<Frame>& frames) {
    std::map<uint16_t, int> n;
    for (const Frame& f : frames) {
      if (f.size() < 34) {
        ADD_FAILURE() << "runt frame";
        continue;
      }
      const uint16_t id = static_cast<uint16_t>(f[18] << 8 | f[19]);
      const uint32_t frag = (uint32_t(f[20] & 0x1F) << 8 | f[21]) * 8;
      const size_t ip_len = size_t(f[16]) << 8 | f[17];
      EXPECT_EQ(f.size(), 14 + ip_len) << "truncated frame of datagram " << id;
      EXPECT_EQ(frag, uint32_t(n[id]) * 1480) << "datagram " << id << " out of order";
      // Payload bytes: after the UDP header in the first fragment.
      const size_t hdr = 14 + 20 + (frag == 0 ? 8 : 0);
      const uint32_t at = frag == 0 ? 0 : frag - 8;
      for (size_t k = hdr; k < f.size(); ++k)
        if (f[k] != static_cast<uint8_t>(id * 5 + at + (k - hdr))) {
          ADD_FAILURE() << "datagram " << id << " corrupted at byte " << k;
          break;
        }
      ++n[id];
    }
    return n;
  }
  // Datagrams first..last-1 each whole and once, and nothing else.
  static void expect_exactly(const std::map<uint16_t, int>& n, uint32_t first, uint32_t last) {
    EXPECT_EQ(n.size(), last - first);
    for (const auto& [id, count] : n) {
      EXPECT_TRUE(id >= first && id < last) << "datagram " << id << " was not due";
      EXPECT_EQ(count, 3) << "datagram " << id;
    }
  }

  sendoff::MemorySink sink_{1};
  std::unique_ptr<sendoff::Device> dev_;
  sendoff::DmaBuffer ring_, pay_;
  std::thread consumer_;
  std::atomic<bool> stop_{false};
  bool slow_ = false;
  std::mutex mu_;
  std::vector<Frame> frames_;
};

TEST_P(NicFault, DisableMidDatagramFinishesWhatWasReadAndResumesAtTail) {
  ASSERT_NO_FATAL_FAILURE(open());
  for (uint32_t i = 0; i < 16; ++i) post(i);
  dev_->reg_write(abi::REG_RING_HEAD, 16);
  while (sink_.delivered() < 2) std::this_thread::sleep_for(std::chrono::microseconds(50));
  dev_->reg_write(abi::REG_CTRL, 0);  // mid-datagram 0: its second fragment is out
  const std::vector<Frame> first = settle();
  const uint32_t tail = rd(abi::REG_RING_TAIL);
  EXPECT_GE(tail, 1u);
  expect_exactly(datagrams(first), 0, tail);
  // Stopped: more posts wait, nothing moves.
  for (uint32_t i = 16; i < 20; ++i) post(i);
  dev_->reg_write(abi::REG_RING_HEAD, 20);
  dev_->wait_progress(20000);
  EXPECT_EQ(rd(abi::REG_RING_TAIL), tail);
  EXPECT_EQ(rd(abi::REG_STATUS) & abi::STATUS_BUSY, 0u);
  // Enabled again: the rest, each once.
  dev_->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  for (int i = 0; i < 4000 && rd(abi::REG_RING_TAIL) != 20; ++i) dev_->wait_progress(5000);
  ASSERT_EQ(rd(abi::REG_RING_TAIL), 20u);
  expect_exactly(datagrams(settle()), tail, 20);
  EXPECT_EQ(rd(abi::REG_STAT_TX_FLUSHED), 0u);
}

TEST_P(NicFault, ResetFinishesWhatWasReadAndDiscardsThePosted) {
  ASSERT_NO_FATAL_FAILURE(open());
  for (uint32_t i = 0; i < 12; ++i) post(i);
  dev_->reg_write(abi::REG_RING_HEAD, 12);
  while (sink_.delivered() < 2) std::this_thread::sleep_for(std::chrono::microseconds(50));
  // Stopped mid-datagram, then posted to: those can only be discarded.
  dev_->reg_write(abi::REG_CTRL, 0);
  for (uint32_t i = 12; i < 20; ++i) post(i);
  dev_->reg_write(abi::REG_RING_HEAD, 20);
  dev_->reg_write(abi::REG_CTRL, abi::CTRL_RESET | abi::CTRL_ENABLE);
  // Until the reset is done: CTRL writes are ignored; ENABLE stays clear.
  for (int i = 0; i < 4000 && (rd(abi::REG_CTRL) & abi::CTRL_RESET); ++i) {
    EXPECT_EQ(rd(abi::REG_CTRL) & abi::CTRL_ENABLE, 0u);
    dev_->wait_progress(2000);
  }
  ASSERT_EQ(rd(abi::REG_CTRL), 0u);
  const std::vector<Frame> sent = settle();
  const uint32_t tail = rd(abi::REG_RING_TAIL);
  EXPECT_GE(tail, 1u);
  EXPECT_LE(tail, 12u);
  EXPECT_EQ(rd(abi::REG_RING_HEAD), tail);
  EXPECT_EQ(rd(abi::REG_STAT_TX_FLUSHED), 20 - tail);
  expect_exactly(datagrams(sent), 0, tail);
  uint64_t frames = rd(abi::REG_STAT_FRAMES_LO);
  frames |= uint64_t{rd(abi::REG_STAT_FRAMES_HI)} << 32;
  EXPECT_EQ(frames, 3u * tail);

  // The ring restarts at the tail: new descriptors there go once; the discarded never.
  for (uint32_t i = tail; i < tail + 3; ++i) post(i + 100);
  for (uint32_t i = tail; i < tail + 3; ++i) {
    std::memmove(ring_.host + (i % kRing) * abi::TXD_BYTES,
                 ring_.host + ((i + 100) % kRing) * abi::TXD_BYTES, abi::TXD_BYTES);
    dev_->dma_sync_to_device(ring_, (i % kRing) * abi::TXD_BYTES, abi::TXD_BYTES);
  }
  dev_->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  dev_->reg_write(abi::REG_RING_HEAD, tail + 3);
  for (int i = 0; i < 4000 && rd(abi::REG_RING_TAIL) != tail + 3; ++i) dev_->wait_progress(5000);
  ASSERT_EQ(rd(abi::REG_RING_TAIL), tail + 3);
  expect_exactly(datagrams(settle()), tail + 100, tail + 103);
}

TEST_P(NicFault, RingWritesWaitForAStoppedIdleNic) {
  ASSERT_NO_FATAL_FAILURE(open());
  const uint32_t lo = static_cast<uint32_t>(ring_.dev_addr);
  dev_->reg_write(abi::REG_RING_SIZE, kRing / 2);  // enabled: ignored
  dev_->reg_write(abi::REG_RING_BASE_LO, lo + 4096);
  EXPECT_EQ(rd(abi::REG_RING_SIZE), kRing);
  EXPECT_EQ(rd(abi::REG_RING_BASE_LO), lo);
  for (uint32_t i = 0; i < 8; ++i) post(i);
  dev_->reg_write(abi::REG_RING_HEAD, 8);
  while (sink_.delivered() < 2) std::this_thread::sleep_for(std::chrono::microseconds(50));
  dev_->reg_write(abi::REG_CTRL, 0);
  if (rd(abi::REG_STATUS) & abi::STATUS_BUSY) {  // stopped, still busy: ignored
    dev_->reg_write(abi::REG_RING_SIZE, kRing / 2);
    EXPECT_EQ(rd(abi::REG_RING_SIZE), kRing);
  }
  const std::vector<Frame> sent = settle();
  const uint32_t tail = rd(abi::REG_RING_TAIL);
  expect_exactly(datagrams(sent), 0, tail);
  dev_->reg_write(abi::REG_RING_SIZE, kRing / 2);  // stopped and idle: taken
  EXPECT_EQ(rd(abi::REG_RING_SIZE), kRing / 2);
}

TEST_P(NicFault, PayloadReadErrorDropsThatDatagramWhole) {
  // Datagram 2's payload slot answers SLVERR. Both back ends hand out device memory from
  // 4096 up, so the payload buffer follows the 2 KiB ring.
  constexpr uint64_t kPay = 4096 + kRing * abi::TXD_BYTES;
  sendoff::ReadFaultRange bad;
  bad.lo = kPay + 2 * 4096;
  bad.hi = bad.lo + 4096;
  ASSERT_NO_FATAL_FAILURE(open(bad));
  ASSERT_EQ(pay_.dev_addr, kPay);
  for (uint32_t i = 0; i < 5; ++i) post(i);
  dev_->reg_write(abi::REG_RING_HEAD, 5);
  for (int i = 0; i < 4000 && rd(abi::REG_RING_TAIL) != 5; ++i) dev_->wait_progress(5000);
  ASSERT_EQ(rd(abi::REG_RING_TAIL), 5u);
  const auto n = datagrams(settle());
  EXPECT_EQ(n.size(), 4u);
  EXPECT_EQ(n.count(2), 0u);
  EXPECT_EQ(rd(abi::REG_STAT_DESC_ERRORS), 1u);
}

std::vector<const char*> backends() {
  std::vector<const char*> b = {"csim"};
#ifdef SENDOFF_HAVE_VERILATOR
  b.push_back("verilator");
#endif
  return b;
}

INSTANTIATE_TEST_SUITE_P(Backends, NicFault, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
