// SPDX-License-Identifier: MIT
// The whole host send path (so_socket/so_sendto through sendoff_net and its
// NIC driver) on the verilator back end: the same sends must give the frames
// the csim back end gives. The IPv4 ID comes from a per-stack random seed
// (as in Linux), so it and the header checksum covering it are compared
// through the checksum's validity instead of byte for byte.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>
#include <string>
#include <vector>

#include "cosim_device.hpp"
#include "csim_device.hpp"
#include "device_flow.hpp"
#include "sendoff/memory_sink.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/sim/verilator_device.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"

namespace {

using Frame = std::vector<uint8_t>;

// Payload sizes: empty, minimum frame, MTU edge, fragmenting, jumbo-free maximum.
const unsigned kSizes[] = {0, 1, 17, 18, 100, 1472, 1473, 3000, 8972, 9000, 20000, 65507};

std::vector<Frame> send_all(const std::string& backend, bool cosim, std::string* fault) {
  sendoff::NetConfig cfg;
  std::string err;
  EXPECT_TRUE(cfg.set_local("198.18.0.1/15", &err)) << err;
  EXPECT_TRUE(cfg.set_mac("02:00:00:00:00:01", &err)) << err;
  EXPECT_TRUE(cfg.add_neigh("198.18.0.2=02:00:00:00:00:02", &err)) << err;
  sendoff::MemorySink sink;
  sendoff::DeviceOptions opts;
  opts.backend = backend;
  opts.cosim = cosim;
  opts.sink = &sink;
  if (!sendoff::stack_init(cfg, opts, &err)) {
    ADD_FAILURE() << backend << ": " << err;
    return {};
  }
  int fd = so_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  EXPECT_GE(fd, 0);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  src.sin_port = htons(40000);
  EXPECT_EQ(so_bind(fd, reinterpret_cast<const sockaddr*>(&src), sizeof src), 0);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_addr.s_addr = htonl(0xC6120002);
  dst.sin_port = htons(9000);
  for (int round = 0; round < 2; ++round) {
    for (unsigned size : kSizes) {
      std::vector<uint8_t> buf(size);
      for (unsigned i = 0; i < size; ++i) buf[i] = static_cast<uint8_t>(i * 7 + size + round);
      EXPECT_EQ(so_sendto(fd, buf.data(), size, 0, reinterpret_cast<const sockaddr*>(&dst),
                          sizeof dst),
                static_cast<ssize_t>(size))
          << backend << " size " << size;
    }
  }
  sendoff::stack_flush();
  if (fault != nullptr) *fault = sendoff::stack_device_fault();
  so_close(fd);
  sendoff::stack_fini();
  return sink.take_all();
}

bool ip_checksum_ok(const Frame& f) {
  uint32_t sum = 0;
  for (size_t i = 14; i < 34; i += 2) sum += static_cast<uint32_t>(f[i] << 8 | f[i + 1]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return sum == 0xFFFF;
}

// The frame without the IPv4 ID and header checksum.
Frame without_id(Frame f) {
  f[18] = f[19] = f[24] = f[25] = 0;
  return f;
}

TEST(VerilatorSend, SameFramesAsCsim) {
  const std::vector<Frame> rtl = send_all("verilator", false, nullptr);
  const std::vector<Frame> model = send_all("csim", false, nullptr);
  ASSERT_EQ(rtl.size(), model.size());
  ASSERT_GT(rtl.size(), 2 * std::size(kSizes));  // some sends fragmented
  for (size_t i = 0; i < rtl.size(); ++i) {
    ASSERT_GE(rtl[i].size(), 34u);
    EXPECT_TRUE(ip_checksum_ok(rtl[i])) << "frame " << i;
    EXPECT_EQ(without_id(rtl[i]), without_id(model[i])) << "frame " << i;
  }
}

TEST(VerilatorSend, CosimFindsNoDifference) {
  std::string fault;
  const std::vector<Frame> frames = send_all("verilator", true, &fault);
  EXPECT_EQ(fault, "");
  EXPECT_GT(frames.size(), 2 * std::size(kSizes));
}

TEST(VerilatorSend, CosimNeedsVerilator) {
  sendoff::DeviceOptions opts;
  opts.backend = "csim";
  opts.cosim = true;
  std::string err;
  EXPECT_EQ(sendoff::make_device(opts, &err), nullptr);
  EXPECT_NE(err.find("--backend verilator --cosim"), std::string::npos) << err;
}

// A real difference between the two NICs (the RTL alone told to append the FCS) must stop
// the co-simulation at frame 1, name the offset where the FCS starts, and fail later sends.
TEST(VerilatorSend, CosimStopsAtTheFirstDifferentFrame) {
  namespace abi = sendoff::abi;
  sendoff::MemorySink sink;
  sendoff::Device* rtl = nullptr;
  std::string err;
  auto dev = sendoff::make_cosim_device(
      [&](sendoff::FrameSink* s) {
        auto d = sendoff::make_verilator_device(s);
        rtl = d.get();
        return d;
      },
      [](sendoff::FrameSink* s) { return sendoff::make_csim_device(s, {}, true); }, &sink, &err);
  ASSERT_NE(dev, nullptr) << err;
  sendoff::DmaBuffer ring = dev->dma_alloc(16 * abi::TXD_BYTES);
  sendoff::DmaBuffer pay = dev->dma_alloc(64);
  ASSERT_EQ(pay.size, 64u);
  sendoff_test::commit_flow(*dev, 0, sendoff_test::udp_flow(40000));
  dev->reg_write(abi::REG_RING_BASE_LO, static_cast<uint32_t>(ring.dev_addr));
  dev->reg_write(abi::REG_RING_BASE_HI, 0);
  dev->reg_write(abi::REG_RING_SIZE, 16);
  dev->reg_write(abi::REG_RING_HEAD, 0);
  dev->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  rtl->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE | abi::CTRL_FCS_APPEND);
  std::memset(pay.host, 0x5A, 10);
  dev->dma_sync_to_device(pay, 0, 10);
  abi::TxDesc d{};
  d.addr = pay.dev_addr;
  d.len = 10;
  d.flags = abi::TXD_L4_UDP;
  d.ttl = 64;
  std::memcpy(ring.host, &d, sizeof d);
  dev->dma_sync_to_device(ring, 0, abi::TXD_BYTES);
  dev->reg_write(abi::REG_RING_HEAD, 1);
  for (int i = 0; i < 100 && dev->reg_read(abi::REG_RING_TAIL) != 1; ++i) dev->wait_progress(10000);
  EXPECT_NE(dev->fault().find("frame 1 differs"), std::string::npos) << dev->fault();
  EXPECT_EQ(sink.size(), 0u);  // a differing frame reaches no one
  const uint8_t a[3] = {1, 2, 3}, b[4] = {1, 2, 3, 4};
  EXPECT_EQ(sendoff::format_frame_diff("x", a, 3, "y", b, 4).rfind("first differing byte at offset 3\n", 0),
            0u);
}

// Counters are compared too: the model alone told that the ring's memory fails rejects the
// descriptor (STAT_DESC_ERRORS), the RTL drops it (its flow is not valid, STAT_DROPS); no
// frame on either side, so only the counters can tell, and fault() names the first.
TEST(VerilatorSend, CosimComparesTheCounters) {
  namespace abi = sendoff::abi;
  std::string err;
  sendoff::ReadFaultRange fault;
  fault.lo = 0;
  fault.hi = 1ull << 20;
  auto dev = sendoff::make_cosim_device(
      [](sendoff::FrameSink* s) { return sendoff::make_verilator_device(s); },
      [fault](sendoff::FrameSink* s) { return sendoff::make_csim_device(s, fault, true); }, nullptr,
      &err);
  ASSERT_NE(dev, nullptr) << err;
  sendoff::DmaBuffer ring = dev->dma_alloc(16 * abi::TXD_BYTES);
  ASSERT_LT(ring.dev_addr, fault.hi);
  dev->reg_write(abi::REG_RING_BASE_LO, static_cast<uint32_t>(ring.dev_addr));
  dev->reg_write(abi::REG_RING_BASE_HI, 0);
  dev->reg_write(abi::REG_RING_SIZE, 16);
  dev->reg_write(abi::REG_RING_HEAD, 0);
  dev->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  abi::TxDesc d{};
  d.flow = abi::FLOW_TABLE_SIZE;  // outside the table: a drop
  d.flags = abi::TXD_L4_UDP;
  std::memcpy(ring.host, &d, sizeof d);
  dev->dma_sync_to_device(ring, 0, abi::TXD_BYTES);
  dev->reg_write(abi::REG_RING_HEAD, 1);
  for (int i = 0; i < 100 && dev->reg_read(abi::REG_RING_TAIL) != 1; ++i) dev->wait_progress(10000);
  const std::string f = dev->fault();
  EXPECT_NE(f.find("counter drops differs: verilator 1, csim 0"), std::string::npos) << f;
}

// The tail write-back through the co-simulation: one ring and block for both NICs. With both
// given the same block, the words agree with RING_TAIL and fault() stays empty; with the RTL
// alone pointed at another block after the enable edge, the common block's words differ at
// idle and fault() says so in one line.
void writeback_run(bool rtl_elsewhere, std::string* fault, uint32_t* dut_word) {
  namespace abi = sendoff::abi;
  sendoff::Device* rtl = nullptr;
  std::string err;
  auto dev = sendoff::make_cosim_device(
      [&](sendoff::FrameSink* s) {
        auto d = sendoff::make_verilator_device(s);
        rtl = d.get();
        return d;
      },
      [](sendoff::FrameSink* s) { return sendoff::make_csim_device(s, {}, true); }, nullptr, &err);
  ASSERT_NE(dev, nullptr) << err;
  sendoff::DmaBuffer ring = dev->dma_alloc(16 * abi::TXD_BYTES);
  sendoff::DmaBuffer wb = dev->dma_alloc(abi::WB_BYTES);
  sendoff::DmaBuffer other = dev->dma_alloc(abi::WB_BYTES);
  ASSERT_EQ(wb.size, size_t{abi::WB_BYTES});
  dev->reg_write(abi::REG_RING_BASE_LO, static_cast<uint32_t>(ring.dev_addr));
  dev->reg_write(abi::REG_RING_BASE_HI, 0);
  dev->reg_write(abi::REG_RING_SIZE, 16);
  dev->reg_write(abi::REG_RING_HEAD, 0);
  dev->reg_write(abi::REG_WB_BASE_LO, static_cast<uint32_t>(wb.dev_addr));
  dev->reg_write(abi::REG_WB_BASE_HI, 0);
  dev->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  for (int i = 0; i < 100 && (dev->reg_read(abi::REG_STATUS) & abi::STATUS_BUSY); ++i)
    dev->wait_progress(10000);
  if (rtl_elsewhere) rtl->reg_write(abi::REG_WB_BASE_LO, static_cast<uint32_t>(other.dev_addr));
  abi::TxDesc d{};
  d.flow = abi::FLOW_TABLE_SIZE;  // outside the table: a drop, the tail still moves
  d.flags = abi::TXD_L4_UDP;
  for (unsigned k = 0; k < 3; ++k) std::memcpy(ring.host + k * abi::TXD_BYTES, &d, sizeof d);
  dev->dma_sync_to_device(ring, 0, 3 * abi::TXD_BYTES);
  dev->reg_write(abi::REG_RING_HEAD, 3);
  for (int i = 0; i < 100 && (dev->reg_read(abi::REG_RING_TAIL) != 3 ||
                              (dev->reg_read(abi::REG_STATUS) & abi::STATUS_BUSY));
       ++i)
    dev->wait_progress(10000);
  *fault = dev->fault();
  *dut_word = __atomic_load_n(reinterpret_cast<const uint32_t*>(wb.host), __ATOMIC_ACQUIRE);
}

TEST(VerilatorSend, CosimWatchesTheWriteBack) {
  std::string fault;
  uint32_t word = 0;
  writeback_run(false, &fault, &word);
  EXPECT_EQ(fault, "");
  EXPECT_EQ(word, 3u);
}

TEST(VerilatorSend, CosimComparesTheWriteBack) {
  std::string fault;
  uint32_t word = 0;
  writeback_run(true, &fault, &word);
  EXPECT_EQ(word, 0u) << "the RTL wrote its later tails elsewhere";
  EXPECT_NE(fault.find("co-simulation: write-back differs: verilator 0, csim 3"),
            std::string::npos)
      << fault;
}

}  // namespace
