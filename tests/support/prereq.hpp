// SPDX-License-Identifier: MIT
// A test's prerequisites (root, network namespaces, tshark, ...): on a developer's
// machine a missing one skips the test; in CI (CI=true) it fails it, with one line naming
// it, because ctest counts a skip as a pass and a gap must not look green.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace sendoff {
namespace test {

// True when the environment says this is a CI run (CI=true, as CI services set it).
bool in_ci();

// Empty when `program` runs (found on PATH); otherwise what is missing, in one line.
std::string missing_program(const std::string& program);

// Empty when the process is root; otherwise what is missing, in one line.
std::string missing_root(const std::string& why);

}  // namespace test
}  // namespace sendoff

// SENDOFF_REQUIRE(missing): `missing` is "" when the prerequisite is there, else one line
// naming it. Skips (developer) or fails (CI=true) the current test and returns from the
// function it is used in, like GTEST_SKIP() and FAIL().
#define SENDOFF_REQUIRE(missing)                                                            \
  do {                                                                                     \
    const std::string sendoff_missing_ = (missing);                                        \
    if (!sendoff_missing_.empty()) {                                                       \
      if (::sendoff::test::in_ci())                                                        \
        FAIL() << "missing prerequisite: " << sendoff_missing_ << " (CI=true: no skips)"; \
      else                                                                                 \
        GTEST_SKIP() << "missing prerequisite: " << sendoff_missing_;                      \
    }                                                                                      \
  } while (0)
