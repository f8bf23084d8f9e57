// SPDX-License-Identifier: MIT
// Runs a program to completion and collects its exit status and output
// (ip(8) for namespaces, tshark for dissection, the sendoff binary in tests).
#ifndef SENDOFF_SYS_SUBPROCESS_HPP
#define SENDOFF_SYS_SUBPROCESS_HPP

#include <string>
#include <vector>

namespace sendoff {
namespace sys {

struct ProcessResult {
  // The exit status; 128 + signal number if a signal ended it; -1 if it did
  // not start (then `err` says why).
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (argv[0] looked up in PATH) with stdin from /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv);

// "ip netns add x: exit 1: Cannot create namespace file ..." for messages.
std::string describe_failure(const std::vector<std::string>& argv, const ProcessResult& r);

}  // namespace sys
}  // namespace sendoff

#endif  // SENDOFF_SYS_SUBPROCESS_HPP
