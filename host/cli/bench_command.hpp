// SPDX-License-Identifier: MIT
// `sendoff bench`: measurements that are benchmarks, not tests.
#ifndef SENDOFF_CLI_BENCH_COMMAND_HPP
#define SENDOFF_CLI_BENCH_COMMAND_HPP

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace sendoff {
namespace cli {

struct BenchOptions {
  bool host_path = false;
  std::string backend = "csim";
  uint64_t count = 200000;
  std::string csv;
};

void add_bench_options(CLI::App* cmd, BenchOptions* o);
int run_bench(const BenchOptions& o);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_BENCH_COMMAND_HPP
