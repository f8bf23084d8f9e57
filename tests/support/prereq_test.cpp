// SPDX-License-Identifier: MIT
// The skip policy, checked: support_prereq_gate's tests, each gated on a prerequisite that
// is missing on purpose, run once with CI=true, where they must fail with one line naming
// the prerequisite, and once without, where they must skip.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "prereq.hpp"
#include "subprocess.hpp"

namespace sendoff {
namespace test {
namespace {

// support_prereq_gate under env(1) with `env` (VAR=value or -u VAR), running one test.
sys::ProcessResult run_gate(const std::vector<std::string>& env, const std::string& test) {
  std::vector<std::string> argv{"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {SENDOFF_PREREQ_GATE, "--gtest_filter=PrereqGate." + test});
  return sys::run_process(argv);
}

TEST(Prereq, MissingPrerequisiteFailsInCiWithOneLineNamingIt) {
  const auto r = run_gate({"CI=true"}, "MissingProgram");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("missing prerequisite: sendoff-no-such-program is not installed"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[  FAILED  ] PrereqGate.MissingProgram"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("ran past"), std::string::npos) << r.out;
}

TEST(Prereq, MissingPrerequisiteSkipsOutsideCi) {
  const auto r = run_gate({"-u", "CI"}, "MissingProgram");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("[  SKIPPED ] PrereqGate.MissingProgram"), std::string::npos)
      << r.out;
}

TEST(Prereq, CiMeansExactlyCiEqualsTrue) {
  // CI services set CI=true; anything else is a developer's shell.
  const auto r = run_gate({"CI=1"}, "MissingProgram");
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST(Prereq, TsharkMissingFromPathFailsInCi) {
  const auto r = run_gate({"CI=true", "PATH=/nonexistent"}, "TsharkOffPath");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("missing prerequisite: tshark is not installed"), std::string::npos)
      << r.out;
}

TEST(Prereq, PresentProgramIsNotMissing) {
  EXPECT_EQ(missing_program("env"), "");
  EXPECT_NE(missing_program("sendoff-no-such-program"), "");
}

}  // namespace
}  // namespace test
}  // namespace sendoff
