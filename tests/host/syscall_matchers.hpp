// SPDX-License-Identifier: MIT
// gVisor-style matchers for syscall-shaped calls: the call's return value is
// matched, and errno is read right after it returned.
#ifndef SENDOFF_TESTS_SYSCALL_MATCHERS_HPP
#define SENDOFF_TESTS_SYSCALL_MATCHERS_HPP

#include <gmock/gmock.h>

#include <cerrno>
#include <cstring>

MATCHER(SyscallSucceeds, "succeeds") {
  int e = errno;
  if (arg >= 0) return true;
  *result_listener << "failed with " << strerrorname_np(e) << " (" << strerror(e) << ")";
  return false;
}

MATCHER_P(SyscallSucceedsWithValue, v, "succeeds with " + ::testing::PrintToString(v)) {
  int e = errno;
  if (arg == v) return true;
  if (arg < 0) *result_listener << "failed with " << strerrorname_np(e);
  return false;
}

MATCHER_P(SyscallFailsWithErrno, e, std::string("fails with ") + strerrorname_np(e)) {
  int got = errno;
  if (arg == -1 && got == e) return true;
  if (arg != -1)
    *result_listener << "returned " << arg;
  else
    *result_listener << "failed with " << strerrorname_np(got);
  return false;
}

#endif  // SENDOFF_TESTS_SYSCALL_MATCHERS_HPP
