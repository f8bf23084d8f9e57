// SPDX-License-Identifier: MIT
// Tests gated on prerequisites that are missing on purpose. Not registered with ctest:
// prereq_test runs them, with and without CI=true, to show what the gate does.
#include <gtest/gtest.h>

#include "prereq.hpp"

namespace sendoff {
namespace test {
namespace {

TEST(PrereqGate, MissingProgram) {
  SENDOFF_REQUIRE(missing_program("sendoff-no-such-program"));
  ADD_FAILURE() << "ran past a missing prerequisite";
}

// tshark, looked for as the e2e, device and co-simulation tests look for it, on a PATH that
// cannot have it.
TEST(PrereqGate, TsharkOffPath) {
  SENDOFF_REQUIRE(missing_program("tshark"));
  ADD_FAILURE() << "ran past a missing prerequisite";
}

}  // namespace
}  // namespace test
}  // namespace sendoff
