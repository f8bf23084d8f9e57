// SPDX-License-Identifier: MIT
// dev_queue_xmit_frame: a ready Ethernet frame (an ARP request, scapy-built)
// through the TX ring of the csim NIC leaves as it was, padded to 60 bytes.
#include <gtest/gtest.h>

#include <cerrno>

#include "net.hpp"
#include "test_env.hpp"

namespace {

TEST(DevQueueXmitFrame, ArpRequestLeavesAsItIsPadded) {
  test_env::drain_frames();
  const uint8_t arp[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06,
                           0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0, 0, 0, 0, 0x01,
                           0xc6, 0x12, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xc6, 0x12, 0x00, 0x02};
  sendoff::net* n = sendoff::net_get();
  ASSERT_NE(n, nullptr);
  ASSERT_EQ(sendoff::dev_queue_xmit_frame(n, arp, sizeof arp, false), 0);
  const auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 1u);
  test_env::Frame want(arp, arp + sizeof arp);
  want.resize(60, 0);
  EXPECT_EQ(frames[0], want);
  EXPECT_EQ(sendoff::dev_queue_xmit_frame(n, arp, 13, false), -EINVAL);
  EXPECT_EQ(sendoff::dev_queue_xmit_frame(n, arp, 9015, false), -EMSGSIZE);
}

}  // namespace
