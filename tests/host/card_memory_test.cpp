// SPDX-License-Identifier: MIT
// The send path on device memory that is not host-coherent (a card's DDR or
// HBM bank; csim's DeviceOptions::noncoherent stands for it): no DMA sync per
// frame. A batch (sendmmsg: every datagram but the last posted with xmit_more)
// costs one doorbell and one sync of its descriptors and one of its payloads;
// the NIC reads only what was synced, so a frame sent before its sync would
// carry stale bytes, and every byte on the wire is checked.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sendoff/nic_abi.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "test_env.hpp"

namespace {

using test_env::Frame;
constexpr size_t kPayloadOff = 14 + 20 + 8;  // Ethernet, IPv4, UDP

uint8_t pattern(uint32_t seq, size_t i) { return static_cast<uint8_t>(seq * 29 + i * 7 + 1); }

class CardMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(test_env::reopen_stack_with(0, 0, &err, /*noncoherent=*/true)) << err;
    fd_ = so_socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd_, 0);
  }
  void TearDown() override {
    if (fd_ >= 0) so_close(fd_);
    test_env::drain_frames();
    std::string err;
    EXPECT_TRUE(test_env::reopen_stack_with(0, 0, &err)) << err;  // host-coherent again
  }

  // Each frame carries datagram `seq` of `len` bytes, in order.
  static void expect_datagrams(const std::vector<Frame>& frames, uint32_t count, size_t len) {
    ASSERT_EQ(frames.size(), count);
    for (uint32_t k = 0; k < count; ++k) {
      ASSERT_EQ(frames[k].size(), kPayloadOff + len) << "datagram " << k;
      size_t bad = 0;
      for (size_t i = 0; i < len; ++i) bad += frames[k][kPayloadOff + i] != pattern(k, i);
      EXPECT_EQ(bad, 0u) << "datagram " << k << ": bytes the NIC read unsynced";
    }
  }

  int fd_ = -1;
};

TEST_F(CardMemory, ABatchCostsOneDoorbellAndOneSyncEachForDescriptorsAndPayloads) {
  constexpr uint32_t kCount = 16;
  constexpr size_t kLen = 1000;  // not a multiple of 64: payload spans are padded
  std::vector<std::vector<uint8_t>> bufs(kCount, std::vector<uint8_t>(kLen));
  std::vector<iovec> iov(kCount);
  std::vector<mmsghdr> msgs(kCount);
  sockaddr_in to = test_env::peer(9000);
  for (uint32_t k = 0; k < kCount; ++k) {
    for (size_t i = 0; i < kLen; ++i) bufs[k][i] = pattern(k, i);
    iov[k] = {bufs[k].data(), kLen};
    msgs[k] = {};
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
    msgs[k].msg_hdr.msg_name = &to;
    msgs[k].msg_hdr.msg_namelen = sizeof to;
  }
  const sendoff::NicCounters before = sendoff::stack_counters();
  ASSERT_EQ(so_sendmmsg(fd_, msgs.data(), kCount, 0), static_cast<int>(kCount));
  const sendoff::NicCounters after = sendoff::stack_counters();
  expect_datagrams(test_env::take_frames(), kCount, kLen);
  EXPECT_EQ(after.doorbells - before.doorbells, 1u);
  EXPECT_EQ(after.dma_syncs - before.dma_syncs, 2u);
  const uint64_t padded = (kLen + 63) / 64 * 64;
  EXPECT_EQ(after.dma_sync_bytes - before.dma_sync_bytes,
            kCount * (sendoff::abi::TXD_BYTES + padded));
}

TEST_F(CardMemory, EachSendOnItsOwnIsItsOwnBatch) {
  constexpr uint32_t kCount = 5;
  constexpr size_t kLen = 64;
  const sockaddr_in to = test_env::peer(9000);
  const sendoff::NicCounters before = sendoff::stack_counters();
  for (uint32_t k = 0; k < kCount; ++k) {
    std::vector<uint8_t> b(kLen);
    for (size_t i = 0; i < kLen; ++i) b[i] = pattern(k, i);
    ASSERT_EQ(so_sendto(fd_, b.data(), kLen, 0, reinterpret_cast<const sockaddr*>(&to),
                                 sizeof to),
              static_cast<ssize_t>(kLen));
    // The buffer is gone before the NIC runs: what it sends came from the sync.
  }
  const sendoff::NicCounters after = sendoff::stack_counters();
  expect_datagrams(test_env::take_frames(), kCount, kLen);
  EXPECT_EQ(after.doorbells - before.doorbells, kCount);
  EXPECT_EQ(after.dma_syncs - before.dma_syncs, 2 * kCount);
}

// Several threads ring for each other's slots: a doorbell must never let the NIC
// read a slot another thread published but has not synced yet.
TEST_F(CardMemory, SendersOnSeveralThreadsNeverRingForAnUnsyncedSlot) {
  constexpr uint32_t kThreads = 4, kEach = 400;
  constexpr size_t kLen = 200;
  const sockaddr_in to = test_env::peer(9000);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t)
    threads.emplace_back([t, &to] {
      const int fd = so_socket(AF_INET, SOCK_DGRAM, 0);
      std::vector<uint8_t> b(kLen);
      for (uint32_t k = 0; k < kEach; ++k) {
        const uint32_t seq = t * kEach + k;
        for (size_t i = 0; i < kLen; ++i) b[i] = pattern(seq, i);
        std::memcpy(b.data(), &seq, 4);
        // The buffer is rewritten right after: only a sync made before the doorbell sends it.
        if (so_sendto(fd, b.data(), kLen, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) !=
            static_cast<ssize_t>(kLen))
          break;  // the count below then says so
      }
      so_close(fd);
    });
  for (auto& th : threads) th.join();
  const std::vector<Frame> frames = test_env::take_frames();
  std::set<uint32_t> seen;
  size_t bad = 0;
  for (const Frame& f : frames) {
    uint32_t seq = ~0u;
    if (f.size() != kPayloadOff + kLen) {
      ++bad;
      continue;
    }
    std::memcpy(&seq, f.data() + kPayloadOff, 4);
    for (size_t i = 4; i < kLen; ++i) bad += f[kPayloadOff + i] != pattern(seq, i);
    seen.insert(seq);
  }
  EXPECT_EQ(bad, 0u) << "bytes the NIC read unsynced";
  EXPECT_EQ(frames.size(), size_t{kThreads} * kEach);
  EXPECT_EQ(seen.size(), size_t{kThreads} * kEach);
}

TEST_F(CardMemory, AHostCoherentDeviceSyncsNothing) {
  so_close(fd_);
  fd_ = -1;
  std::string err;
  ASSERT_TRUE(test_env::reopen_stack_with(0, 0, &err)) << err;
  fd_ = so_socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd_, 0);
  const sockaddr_in to = test_env::peer(9000);
  const uint8_t b[32] = {};
  const sendoff::NicCounters before = sendoff::stack_counters();
  ASSERT_EQ(so_sendto(fd_, b, sizeof b, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to), 32);
  const sendoff::NicCounters after = sendoff::stack_counters();
  EXPECT_EQ(test_env::take_frames().size(), 1u);
  EXPECT_EQ(after.dma_syncs - before.dma_syncs, 0u);
  EXPECT_EQ(after.doorbells - before.doorbells, 1u);
}

}  // namespace
