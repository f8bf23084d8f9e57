// SPDX-License-Identifier: MIT
// The verilator Device back end used the way the driver uses a Device: DMA buffers, flow
// entry through registers, ring, doorbell, wait_progress; frames checked at the sink.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "device_flow.hpp"
#include "ref_frames.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/sim/verilator_device.hpp"

namespace {

namespace abi = sendoff::abi;

class VecSink : public sendoff::FrameSink {
 public:
  int deliver(const uint8_t* f, size_t n) override {
    frames.emplace_back(f, f + n);
    return 0;
  }
  std::vector<std::vector<uint8_t>> frames;
};

TEST(VerilatorDevice, SendsThroughTheDeviceInterface) {
  VecSink sink;
  auto dev = sendoff::make_verilator_device(&sink);
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->name(), "verilator");
  EXPECT_EQ(dev->reg_read(abi::REG_ID), abi::ID_VALUE);

  const abi::FlowEntry f = sendoff_test::udp_flow(1234);
  sendoff_test::commit_flow(*dev, 17, f);

  const unsigned ring_entries = 8;
  auto ring = dev->dma_alloc(ring_entries * abi::TXD_BYTES);
  auto buf = dev->dma_alloc(4000);
  ASSERT_NE(ring.size, 0u);
  ASSERT_NE(buf.size, 0u);
  EXPECT_EQ(buf.dev_addr % 64, 0u);
  for (size_t i = 0; i < buf.size; ++i) buf.host[i] = uint8_t(i * 13 + 1);
  dev->dma_sync_to_device(buf, 0, buf.size);

  dev->reg_write(abi::REG_RING_BASE_LO, uint32_t(ring.dev_addr));
  dev->reg_write(abi::REG_RING_BASE_HI, uint32_t(ring.dev_addr >> 32));
  dev->reg_write(abi::REG_RING_SIZE, ring_entries);
  dev->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);

  std::vector<std::vector<uint8_t>> expect;
  const uint32_t lens[] = {1, 1472, 3000, 0, 18};
  uint32_t head = 0;
  for (uint32_t len : lens) {
    abi::TxDesc d{};
    d.addr = buf.dev_addr;
    d.len = len;
    d.flow = 17;
    d.flags = abi::TXD_L4_UDP;
    d.ip_id = uint16_t(100 + head);
    d.ttl = 64;
    std::memcpy(ring.host + (head % ring_entries) * abi::TXD_BYTES, &d, sizeof d);
    dev->dma_sync_to_device(ring, 0, ring.size);
    ASSERT_EQ(rtltest::ref_frames(&f, d, buf.host, false, &expect), rtltest::Verdict::kSend);
    ++head;
  }
  dev->reg_write(abi::REG_RING_HEAD, head);
  for (int i = 0; i < 100 && dev->reg_read(abi::REG_RING_TAIL) != head; ++i) {
    dev->wait_progress(100000);
  }
  EXPECT_EQ(dev->reg_read(abi::REG_RING_TAIL), head);
  EXPECT_EQ(sink.frames, expect);
  EXPECT_EQ(dev->reg_read(abi::REG_STAT_FRAMES_LO), expect.size());
  EXPECT_EQ(dev->reg_read(abi::REG_STATUS) & abi::STATUS_BUSY, 0u);
  dev->wait_progress(1000);  // idle: returns at once
}

}  // namespace
