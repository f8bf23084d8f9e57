// SPDX-License-Identifier: MIT
// Counts the system calls a program makes, per thread, by tracing it with
// ptrace (every thread it starts included). Used by the host-path benchmark
// to count, not assume, syscalls per send.
#ifndef SENDOFF_BENCH_SYSCALL_COUNT_HPP
#define SENDOFF_BENCH_SYSCALL_COUNT_HPP

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sendoff {
namespace bench {

struct TracedRun {
  int exit_code = -1;                   // 128 + signal when a signal ended it
  std::string out;                      // its standard output
  std::map<pid_t, uint64_t> syscalls;   // syscall entries per thread id
};

// Runs argv (argv[0] a path) with extra environment entries ("NAME=value")
// added to ours, counting syscall entries per thread except those numbered
// in `ignore`. False with *err set when it could not be traced at all.
bool run_counting_syscalls(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env, const std::set<long>& ignore,
                           TracedRun* run, std::string* err);
// The same without tracing (syscalls stays empty): for the timed runs.
bool run_with_env(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  TracedRun* run, std::string* err);

}  // namespace bench
}  // namespace sendoff

#endif  // SENDOFF_BENCH_SYSCALL_COUNT_HPP
