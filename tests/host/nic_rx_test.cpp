// SPDX-License-Identifier: MIT
// The whole receive path on the csim NIC: a frame on the wire (FCS on) →
// the NIC's rx_parse and rx_dma (checks, buffer, completion) → the driver's
// poll thread → netif_receive_skb → … → recvfrom. Frames are the NIC
// model's own transmissions mirrored as the peer's answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/time.h>

#include <cstring>
#include <vector>

#include "sendoff/crc32.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "syscall_matchers.hpp"
#include "mirror_frame.hpp"
#include "test_env.hpp"

namespace {

using test_env::Frame;

using test_env::mirror;

// As the wire carries it: the FCS (CRC-32, little-endian) after the bytes.
Frame with_fcs(Frame f) {
  const uint32_t crc = sendoff::crc32_ieee(f.data(), f.size());
  for (int i = 0; i < 4; ++i) f.push_back(static_cast<uint8_t>(crc >> (8 * i)));
  return f;
}

class NicRx : public ::testing::Test {
 protected:
  void SetUp() override {
    test_env::drain_frames();
    fd_ = so_socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_in me = test_env::addr(test_env::kLocal, 7101);
    ASSERT_EQ(so_bind(fd_, reinterpret_cast<sockaddr*>(&me), sizeof me), 0);
    timeval tv{2, 0};  // a lost frame fails the test instead of hanging it
    ASSERT_EQ(so_setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    int big = 8 << 20;
    ASSERT_EQ(so_setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big), 0);
    for (size_t i = 0; i < sizeof payload_; ++i) payload_[i] = static_cast<char>(i * 31 + i / 7);
  }
  void TearDown() override {
    so_close(fd_);
    test_env::drain_frames();
  }
  // The peer's frames answering our datagram of len bytes to its port 7100.
  std::vector<Frame> from_peer(size_t len, size_t offset = 0) {
    sockaddr_in to = test_env::peer(7100);
    EXPECT_EQ(so_sendto(fd_, payload_ + offset, len, 0, reinterpret_cast<sockaddr*>(&to),
                        sizeof to),
              static_cast<ssize_t>(len));
    std::vector<Frame> out;
    for (const Frame& f : test_env::take_frames()) out.push_back(with_fcs(mirror(f)));
    return out;
  }
  void wire(const Frame& f) { ASSERT_TRUE(sendoff::stack_mac_rx(f.data(), f.size())); }

  int fd_ = -1;
  char payload_[20000] = {};
  char buf_[16384] = {};
};

TEST_F(NicRx, DatagramsComeThroughTheNic) {
  const auto before = sendoff::stack_counters();
  size_t sizes[] = {0, 1, 18, 100, 1472, 1473, 3000, 8972, 16000};
  for (size_t len : sizes)
    for (const Frame& f : from_peer(len, len % 97)) wire(f);
  for (size_t len : sizes) {
    SCOPED_TRACE(len);
    sockaddr_in from{};
    socklen_t alen = sizeof from;
    ASSERT_THAT(so_recvfrom(fd_, buf_, sizeof buf_, 0, reinterpret_cast<sockaddr*>(&from), &alen),
                SyscallSucceedsWithValue(static_cast<ssize_t>(len)));
    EXPECT_EQ(0, memcmp(buf_, payload_ + len % 97, len));
    EXPECT_EQ(ntohl(from.sin_addr.s_addr), test_env::kPeer);
    EXPECT_EQ(ntohs(from.sin_port), 7100);
  }
  const auto after = sendoff::stack_counters();
  EXPECT_GT(after.rx_frames, before.rx_frames);
  EXPECT_EQ(after.rx_drop_fcs, before.rx_drop_fcs);
}

TEST_F(NicRx, BadFcsIsDroppedByTheNicAndCounted) {
  Frame f = from_peer(200)[0];
  Frame bad = f;
  bad[60] ^= 1;  // the payload no longer matches its FCS
  const auto before = sendoff::stack_counters();
  wire(bad);
  wire(f);
  ASSERT_THAT(so_recv(fd_, buf_, sizeof buf_, 0), SyscallSucceedsWithValue(200));
  EXPECT_THAT(so_recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
  EXPECT_EQ(sendoff::stack_counters().rx_drop_fcs - before.rx_drop_fcs, 1u);
}

TEST_F(NicRx, BadUdpChecksumReachesTheStackFlaggedAndIsCountedThere) {
  Frame f = from_peer(64)[0];
  f.resize(f.size() - 4);
  f[50] ^= 0x20;  // payload byte: the UDP checksum fails, the FCS is made anew
  const auto before = sendoff::stack_rx_counters();
  wire(with_fcs(f));
  // A good one behind it shows the bad one was processed.
  wire(from_peer(10)[0]);
  ASSERT_THAT(so_recv(fd_, buf_, sizeof buf_, 0), SyscallSucceedsWithValue(10));
  EXPECT_EQ(sendoff::stack_rx_counters().udp_in_csum_errors - before.udp_in_csum_errors, 1u);
}

TEST_F(NicRx, MoreFramesThanTheRingHoldsAllArriveInOrder) {
  constexpr int kFrames = 3000;  // the RX ring has 512 buffers
  Frame f = from_peer(32)[0];
  for (int i = 0; i < kFrames; ++i) {
    Frame g = f;
    g.resize(g.size() - 4);
    // A sequence number in the payload, the UDP checksum zeroed (none).
    g[42] = static_cast<uint8_t>(i >> 8);
    g[43] = static_cast<uint8_t>(i);
    g[40] = g[41] = 0;
    wire(with_fcs(g));
    if (i % 256 == 255) {
      // Read as we go, as a receiver would.
      for (int k = i - 255; k <= i; ++k) {
        ASSERT_THAT(so_recv(fd_, buf_, sizeof buf_, 0), SyscallSucceedsWithValue(32));
        ASSERT_EQ((uint8_t(buf_[0]) << 8 | uint8_t(buf_[1])), k & 0xFFFF);
      }
    }
  }
  for (int k = kFrames - kFrames % 256; k < kFrames; ++k) {
    ASSERT_THAT(so_recv(fd_, buf_, sizeof buf_, 0), SyscallSucceedsWithValue(32));
    ASSERT_EQ((uint8_t(buf_[0]) << 8 | uint8_t(buf_[1])), k & 0xFFFF);
  }
}

}  // namespace
