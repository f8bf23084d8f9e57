// SPDX-License-Identifier: MIT
#include "bench_command.hpp"

#include <cstdio>
#include <vector>

#include "host_path_bench.hpp"  // host/bench
#include "rtl_bench.hpp"  // host/bench
#include "usage_error.hpp"
#include "validators.hpp"

namespace sendoff {
namespace cli {

namespace {

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
  cmd->add_option("--threads", o->threads,
                  "host path: sending threads, each with its own socket")
      ->check(whole_number(1, 64))
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
  bench::RtlBenchOptions r;
  r.sizes = o.sizes;
  r.frames = o.frames;
  r.fcs_to_mac = o.fcs_to_mac;
  r.mem_latency = o.mem_latency;
  r.csv = o.csv;
  r.plot = o.plot;
  r.trace_fst = o.trace_fst;
  std::vector<bench::RtlBenchRow> rows;
  std::string err;
  if (!bench::run_rtl_bench(r, &rows, &err)) {
    fprintf(stderr, "sendoff: bench --backend verilator: %s\n", err.c_str());
    return kExitFailure;
  }
  return bench::report_rtl_bench(r, rows) ? kExitOk : kExitFailure;
}

}  // namespace

int run_bench(const BenchOptions& o) {
  if (!o.host_path) return run_rtl(o);
  if (!o.plot.empty()) throw UsageError("--plot draws the RTL benchmark; drop --host-path");
  if (!o.trace_fst.empty()) throw UsageError("--trace-fst traces the RTL benchmark; drop --host-path");
  if (o.backend == "verilator")
    throw UsageError("--host-path measures the host: --backend csim or xrt (the NIC runs meanwhile)");
  bench::HostPathOptions h;
  h.backend = o.backend;
  h.count = o.count;
  h.threads = o.threads;
  std::vector<bench::HostPathRow> rows;
  std::string err;
  if (!bench::run_host_path_bench(h, &rows, &err)) {
    fprintf(stderr, "sendoff: bench --host-path: %s\n", err.c_str());
    return kExitFailure;
  }
  printf("host path: ns per send, %llu timed sends per thread, %u thread(s), NIC (%s) running\n",
         static_cast<unsigned long long>(o.count), o.threads, o.backend.c_str());
  printf("%-9s %7s %10s %10s %10s %14s %9s\n", "path", "size", "median ns", "p99 ns",
         "syscalls", "sustained/s", "kernel/x");
  for (const auto& r : rows) {
    double kernel = 0;
    for (const auto& k : rows)
      if (k.path == "kernel" && k.size_bytes == r.size_bytes) kernel = k.ns_median;
    printf("%-9s %5u B %10.1f %10.1f %10.3f %14.0f %8.2fx\n", r.path.c_str(), r.size_bytes,
           r.ns_median, r.ns_p99, r.syscalls_per_send, r.sustained_per_s,
           r.ns_median > 0 ? kernel / r.ns_median : 0.0);
  }
  printf(
      "sendoff: so_sendto; preload: sendto() of an unmodified C program under the preload\n"
      "library; sendmmsg: so_sendmmsg, 32 a call, per datagram; kernel: sendto() on a UDP\n"
      "socket to a veth peer in a namespace made for this run. Syscalls per send counted\n"
      "with ptrace on the sending threads (pauses while the ring is full excluded).\n");
  if (!o.csv.empty()) {
    if (!bench::write_host_path_csv(o.csv, rows)) {
      fprintf(stderr, "sendoff: --csv: cannot write %s\n", o.csv.c_str());
      return kExitFailure;
    }
    printf("csv: %s\n", o.csv.c_str());
  }
  return kExitOk;
}

}  // namespace cli
}  // namespace sendoff
