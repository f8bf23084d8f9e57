// SPDX-License-Identifier: MIT
#include "bench_command.hpp"

#include <cstdio>
#include <vector>

#include "host_path_bench.hpp"
#include "rtl_bench.hpp"
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
  fprintf(f,
          "payload_bytes,calls,sendoff_median_ns,sendoff_mean_ns,"
          "sendoff_nic_running_median_ns,sendoff_nic_running_mean_ns,"
          "kernel_median_ns,kernel_mean_ns,kernel_over_sendoff\n");
  for (const auto& r : rs)
    fprintf(f, "%u,%llu,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f\n", r.payload,
            static_cast<unsigned long long>(r.calls), r.sendoff.median_ns, r.sendoff.mean_ns,
            r.sendoff_nic_running.median_ns, r.sendoff_nic_running.mean_ns, r.kernel.median_ns,
            r.kernel.mean_ns, r.kernel.median_ns / r.sendoff.median_ns);
  return fclose(f) == 0;
}

}  // namespace

void add_bench_options(CLI::App* cmd, BenchOptions* o) {
  cmd->add_flag("--host-path", o->host_path,
                "ns per send() through sendoff (to the posted descriptor) and through the "
                "kernel's UDP sendto() to a veth peer");
  cmd->add_option("--backend", o->backend,
                  "Device back end for sendoff's side; without --host-path, 'verilator' "
                  "benchmarks the RTL pipeline per frame size")
      ->check(one_of({"csim", "verilator", "xrt"}))
      ->capture_default_str();
  cmd->add_option("--count", o->count, "Timed send calls per payload size and side")
      ->check(whole_number(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--csv", o->csv, "Also write the results to this CSV file")->check(output_file());
  cmd->add_option("--plot", o->plot, "RTL: draw throughput against frame size to this PNG")
      ->check(output_file());
  cmd->add_option("--sizes", o->sizes, "RTL: frame sizes in bytes, FCS included")
      ->check(CLI::Range(64, 9018))
      ->capture_default_str();
  cmd->add_option("--frames", o->frames,
                  "RTL: frames per size (default: up to 4096, about 4 MB per size)")
      ->check(whole_number(2, 4096));
  cmd->add_option("--mem-latency", o->mem_latency, "RTL: AXI read latency of the memory model, cycles")
      ->check(whole_number(0, 1000))
      ->capture_default_str();
  cmd->add_flag("--fcs-to-mac", o->fcs_to_mac,
                "RTL: leave the FCS to the MAC (as with the Alveo CMAC) instead of appending it");
  cmd->add_option("--trace-fst", o->trace_fst,
                  "RTL: write the waveform to this FST file; with several --sizes, one file per "
                  "size, named FILE with -<size> before its extension")
      ->check(output_file());
}

namespace {

int run_rtl(const BenchOptions& o) {
  if (o.backend != "verilator") {
    throw UsageError("bench needs --host-path, or --backend verilator for the RTL pipeline");
  }
  RtlBenchOptions r;
  r.sizes = o.sizes;
  r.frames = o.frames;
  r.fcs_to_mac = o.fcs_to_mac;
  r.mem_latency = o.mem_latency;
  r.csv = o.csv;
  r.plot = o.plot;
  r.trace_fst = o.trace_fst;
  std::vector<RtlBenchRow> rows;
  std::string err;
  if (!run_rtl_bench(r, &rows, &err)) {
    fprintf(stderr, "sendoff: bench --backend verilator: %s\n", err.c_str());
    return kExitFailure;
  }
  return report_rtl_bench(r, rows);
}

}  // namespace

int run_bench(const BenchOptions& o) {
  if (!o.host_path) return run_rtl(o);
  if (!o.plot.empty()) throw UsageError("--plot draws the RTL benchmark; drop --host-path");
  if (!o.trace_fst.empty()) throw UsageError("--trace-fst traces the RTL benchmark; drop --host-path");
  std::vector<HostPathResult> results;
  std::string err;
  if (!run_host_path_bench(o.backend, kPayloads, o.count, &results, &err)) {
    fprintf(stderr, "sendoff: bench --host-path: %s\n", err.c_str());
    return kExitFailure;
  }
  printf("host path: ns per send() call, median of %u-call batches (mean), %llu calls each\n", 32u,
         static_cast<unsigned long long>(o.count));
  printf("%8s  %20s  %20s  %20s  %14s\n", "payload", "sendoff", "sendoff, NIC running",
         "kernel sendto()", "kernel/sendoff");
  for (const auto& r : results)
    printf("%6u B  %9.1f (%8.1f)  %9.1f (%8.1f)  %9.1f (%8.1f)  %13.2fx\n", r.payload,
           r.sendoff.median_ns, r.sendoff.mean_ns, r.sendoff_nic_running.median_ns,
           r.sendoff_nic_running.mean_ns, r.kernel.median_ns, r.kernel.mean_ns,
           r.kernel.median_ns / r.sendoff.median_ns);
  printf(
      "sendoff: call to doorbell, csim NIC held at its MAC during each batch and drained\n"
      "between batches; NIC running: csim free on the other core meanwhile; kernel: UDP\n"
      "socket to a veth peer in a namespace created for this run\n");
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
