// SPDX-License-Identifier: MIT
// Faults on the NIC side, seen from the socket API (issue 12): a TX ring reset with
// datagrams in flight, the NIC stopped behind the driver's back, a payload read that fails
// on the bus, device memory exhausted. The rule each test holds the stack to: a datagram
// leaves once and whole, or is counted as dropped; the host says what went wrong with an
// errno or one line; and it recovers. ctest runs the suite on csim and on the Verilated RTL
// (SENDOFF_TEST_BACKEND=verilator).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "sendoff/nic_abi.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "syscall_matchers.hpp"
#include "socket_fixture.hpp"
#include "test_env.hpp"

namespace {

namespace abi = sendoff::abi;
using test_env::Frame;

constexpr size_t kEthIpUdp = 14 + 20 + 8;

class NicFault : public test_env::SocketTest {
 protected:
  // Datagram i: 100 bytes, byte 0 its number, then a pattern of it.
  ssize_t send_numbered(uint8_t i, int flags = 0) {
    uint8_t buf[100];
    for (size_t k = 0; k < sizeof buf; ++k) buf[k] = static_cast<uint8_t>(i + k * 7);
    sockaddr_in to = test_env::peer(7200);
    return so_sendto(fd_, buf, sizeof buf, flags, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  // The numbers of the datagrams in frames, each checked whole against its pattern.
  static std::vector<uint8_t> numbers(const std::vector<Frame>& frames) {
    std::vector<uint8_t> out;
    for (const Frame& f : frames) {
      EXPECT_EQ(f.size(), kEthIpUdp + 100);
      if (f.size() != kEthIpUdp + 100) continue;
      const uint8_t i = f[kEthIpUdp];
      for (size_t k = 0; k < 100; ++k)
        EXPECT_EQ(f[kEthIpUdp + k], static_cast<uint8_t>(i + k * 7)) << "datagram " << int(i);
      out.push_back(i);
    }
    return out;
  }
};

TEST_F(NicFault, ResetWithDatagramsInFlightSendsEachOnceOrDropsIt) {
  const auto before = sendoff::stack_counters();
  test_env::pause_mac(true);  // the NIC stalls inside its first frame
  constexpr uint8_t kSent = 40;
  for (uint8_t i = 0; i < kSent; ++i) ASSERT_THAT(send_numbered(i), SyscallSucceedsWithValue(100));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the NIC takes the first
  // The reset waits for what the NIC already read: the MAC must move again meanwhile.
  int rc = -1;
  std::string err;
  std::thread reset([&] { rc = sendoff::stack_nic_reset(&err); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  test_env::pause_mac(false);
  reset.join();
  ASSERT_EQ(rc, 0) << err;

  const std::vector<uint8_t> got = numbers(test_env::take_frames());
  const auto after = sendoff::stack_counters();
  // Sent ones are a prefix, each once; the rest counted, by the NIC and the driver alike.
  for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k], k);
  EXPECT_EQ(got.size() + (after.tx_dropped - before.tx_dropped), kSent);
  EXPECT_EQ(after.tx_flushed - before.tx_flushed, after.tx_dropped - before.tx_dropped);
  EXPECT_EQ(after.frames - before.frames, got.size());
  EXPECT_EQ(sendoff::stack_device()->reg_read(abi::REG_CTRL) & abi::CTRL_ENABLE,
            abi::CTRL_ENABLE);

  // Recovered: the ring takes datagrams again and nothing from before comes back.
  for (uint8_t i = 100; i < 110; ++i) ASSERT_THAT(send_numbered(i), SyscallSucceedsWithValue(100));
  const std::vector<uint8_t> again = numbers(test_env::take_frames());
  ASSERT_EQ(again.size(), 10u);
  for (size_t k = 0; k < again.size(); ++k) EXPECT_EQ(again[k], 100 + k);
}

TEST_F(NicFault, StoppedNicGivesEnetdownAndResumesWhenEnabled) {
  sendoff::Device* dev = sendoff::stack_device();
  ASSERT_NE(dev, nullptr);
  const uint32_t ctrl = dev->reg_read(abi::REG_CTRL);
  dev->reg_write(abi::REG_CTRL, ctrl & ~abi::CTRL_ENABLE);  // behind the driver's back
  int sndbuf = 1 << 20;
  ASSERT_THAT(so_setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), SyscallSucceeds());
  // Posts succeed while there is room; then the stack says the device is down, blocking or not.
  unsigned posted = 0;
  ssize_t r;
  while ((r = send_numbered(static_cast<uint8_t>(posted), MSG_DONTWAIT)) == 100) ++posted;
  EXPECT_THAT(r, SyscallFailsWithErrno(EAGAIN));
  EXPECT_THAT(send_numbered(0), SyscallFailsWithErrno(ENETDOWN));
  EXPECT_GT(posted, 0u);
  EXPECT_TRUE(test_env::take_frames().empty()) << "a stopped NIC sent";

  // Enabled again, it sends every posted datagram once, in order.
  dev->reg_write(abi::REG_CTRL, ctrl);
  const std::vector<uint8_t> got = numbers(test_env::take_frames());
  ASSERT_EQ(got.size(), posted);
  for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k], static_cast<uint8_t>(k));
  EXPECT_THAT(send_numbered(7), SyscallSucceedsWithValue(100));
  EXPECT_EQ(numbers(test_env::take_frames()), std::vector<uint8_t>{7});
}

TEST_F(NicFault, RingMovedWhileEnabledIsRefused) {
  sendoff::Device* dev = sendoff::stack_device();
  const uint32_t lo = dev->reg_read(abi::REG_RING_BASE_LO);
  const uint32_t size = dev->reg_read(abi::REG_RING_SIZE);
  dev->reg_write(abi::REG_RING_BASE_LO, lo + 4096);
  dev->reg_write(abi::REG_RING_SIZE, size / 2);
  EXPECT_EQ(dev->reg_read(abi::REG_RING_BASE_LO), lo);
  EXPECT_EQ(dev->reg_read(abi::REG_RING_SIZE), size);
  for (uint8_t i = 0; i < 5; ++i) ASSERT_THAT(send_numbered(i), SyscallSucceedsWithValue(100));
  EXPECT_EQ(numbers(test_env::take_frames()), (std::vector<uint8_t>{0, 1, 2, 3, 4}));
}

TEST_F(NicFault, DeviceMemoryExhaustedFailsOpenWithOneLineAndRecovers) {
  so_close(fd_);
  sendoff::stack_fini();
  sendoff::NetConfig cfg;
  std::string err;
  ASSERT_TRUE(cfg.set_local("198.18.0.1/16", &err) && cfg.set_mac("02:00:00:00:00:01", &err))
      << err;
  sendoff::DeviceOptions opts;
  const char* backend = std::getenv("SENDOFF_TEST_BACKEND");
  opts.backend = backend != nullptr ? backend : "csim";
  // Room for the TX ring, not for its payload buffer; then for TX, not for RX.
  for (size_t limit : {size_t{64} << 10, size_t{17} << 20}) {
    SCOPED_TRACE(limit);
    opts.dma_limit = limit;
    err.clear();
    int why = 0;
    EXPECT_FALSE(sendoff::stack_init(cfg, opts, &err, &why));
    EXPECT_EQ(why, ENOMEM);
    EXPECT_THAT(err, ::testing::HasSubstr("not enough device memory"));
    EXPECT_EQ(err.find('\n'), std::string::npos);
    EXPECT_EQ(sendoff::stack_device(), nullptr);  // nothing half-open is left behind
  }
  test_env::reopen_stack();
  fd_ = so_socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd_, 0);
  ASSERT_THAT(send_numbered(1), SyscallSucceedsWithValue(100));
  EXPECT_EQ(numbers(test_env::take_frames()), std::vector<uint8_t>{1});
}

}  // namespace
