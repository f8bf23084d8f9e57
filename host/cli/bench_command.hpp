// SPDX-License-Identifier: MIT
// `sendoff bench`: measurements that are benchmarks, not tests.
#ifndef SENDOFF_CLI_BENCH_COMMAND_HPP
#define SENDOFF_CLI_BENCH_COMMAND_HPP

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace cli {

struct BenchOptions {
  bool host_path = false;
  std::string backend = "csim";
  std::string proto = "udp";  // host path: udp datagrams or a tcp stream
  uint64_t count = 200000;
  const CLI::Option* count_opt = nullptr;  // given? tcp's default count is its own
  std::vector<unsigned> send_sizes;        // host path --size; empty: the mode's default
  unsigned threads = 1;
  std::string csv;
  // RTL pipeline benchmark (--backend verilator without --host-path).
  std::vector<unsigned> sizes = {64, 65, 128, 256, 512, 1024, 1518, 4096, 9018};
  unsigned frames = 0;
  bool fcs_to_mac = false;
  unsigned mem_latency = 32;
  unsigned payload_offset = 0;  // RTL: transmit payloads this many bytes past a 4 KiB boundary
  std::string plot;
  std::string trace_fst;  // RTL: FST waveform file
};

void add_bench_options(CLI::App* cmd, BenchOptions* o);
int run_bench(const BenchOptions& o);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_BENCH_COMMAND_HPP
