// SPDX-License-Identifier: MIT
#include "bench_command.hpp"

#include <cstdio>
#include <vector>

#include "host_path_bench.hpp"
#include "usage_error.hpp"
#include "validators.hpp"

namespace sendoff {
namespace cli {

namespace {

// A minimum-size datagram and one that fills a 1500-byte MTU frame closely.
const std::vector<unsigned> kPayloads = {64, 1400};

bool write_csv(const std::string& path, const std::vector<HostPathResult>& rs) {
  FILE* f = fopen(path.c_str(), "w");
  if (!f) return false;
  fprintf(f, "payload_bytes,calls,sendoff_ns_per_send,kernel_ns_per_send,kernel_over_sendoff\n");
  for (const auto& r : rs)
    fprintf(f, "%u,%llu,%.1f,%.1f,%.2f\n", r.payload, static_cast<unsigned long long>(r.calls),
            r.sendoff_ns, r.kernel_ns, r.kernel_ns / r.sendoff_ns);
  return fclose(f) == 0;
}

}  // namespace

void add_bench_options(CLI::App* cmd, BenchOptions* o) {
  cmd->add_flag("--host-path", o->host_path,
                "ns per send() through sendoff (to the posted descriptor) and through the "
                "kernel's UDP sendto() to a veth peer")
      ->required();
  cmd->add_option("--backend", o->backend, "Device back end for sendoff's side")
      ->check(one_of({"csim", "verilator", "xrt"}))
      ->capture_default_str();
  cmd->add_option("--count", o->count, "Timed send calls per payload size and side")
      ->check(whole_number(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--csv", o->csv, "Also write the results to this CSV file")
      ->check(output_file());
}

int run_bench(const BenchOptions& o) {
  std::vector<HostPathResult> results;
  std::string err;
  if (!run_host_path_bench(o.backend, kPayloads, o.count, &results, &err)) {
    fprintf(stderr, "sendoff: bench --host-path: %s\n", err.c_str());
    return kExitFailure;
  }
  printf("host path: mean ns per send(), %llu calls per cell, batches of 32\n",
         static_cast<unsigned long long>(o.count));
  printf("%8s  %14s  %14s  %14s\n", "payload", "sendoff (ns)", "kernel (ns)", "kernel/sendoff");
  for (const auto& r : results)
    printf("%6u B  %14.1f  %14.1f  %13.2fx\n", r.payload, r.sendoff_ns, r.kernel_ns,
           r.kernel_ns / r.sendoff_ns);
  if (!o.csv.empty()) {
    if (!write_csv(o.csv, results)) {
      fprintf(stderr, "sendoff: --csv: cannot write %s\n", o.csv.c_str());
      return kExitFailure;
    }
    printf("csv: %s\n", o.csv.c_str());
  }
  return kExitOk;
}

}  // namespace cli
}  // namespace sendoff
