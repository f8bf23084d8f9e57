// SPDX-License-Identifier: MIT
// host_tests' main: the namespace and the stack first (test_env.hpp), then the tests.
#include <gtest/gtest.h>

#include "sendoff/stack.hpp"
#include "test_env.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (::testing::GTEST_FLAG(list_tests)) return RUN_ALL_TESTS();
  test_env::enter_netns();
  test_env::open_stack();
  int r = RUN_ALL_TESTS();
  test_env::pause_mac(false);
  sendoff::stack_fini();
  return r;
}
