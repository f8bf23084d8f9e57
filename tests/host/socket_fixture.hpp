// SPDX-License-Identifier: MIT
// A sendoff UDP socket per test, with the NIC's frames drained before and
// after, and the MAC running again at the end (a test may pause it).
#ifndef SENDOFF_TESTS_HOST_SOCKET_FIXTURE_HPP
#define SENDOFF_TESTS_HOST_SOCKET_FIXTURE_HPP

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "sendoff/sendoff.h"
#include "test_env.hpp"

namespace test_env {

class SocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    drain_frames();
    fd_ = so_socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd_, 0);
  }
  void TearDown() override {
    pause_mac(false);
    so_close(fd_);
    drain_frames();
  }
  int fd_ = -1;
};

}  // namespace test_env

#endif  // SENDOFF_TESTS_HOST_SOCKET_FIXTURE_HPP
