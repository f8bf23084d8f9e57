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
  cmd->add_option("--proto", o->proto,
                  "host path: udp (sendto of datagrams) or tcp (a stream of send() calls to a "
                  "kernel server: sendoff through a TAP, the kernel through a veth pair)")
      ->check(one_of({"udp", "tcp"}))
      ->capture_default_str();
  o->count_opt = cmd->add_option("--count", o->count,
                                 "Timed send calls per payload size and side (tcp: default 4096, "
                                 "a 256 MiB stream at 64 KiB)")
                     ->check(whole_number(1, 100000000))
                     ->capture_default_str();
  cmd->add_option("--size", o->send_sizes,
                  "host path: bytes per send call, one run each (udp default 64 1400, at most "
                  "65507; tcp default 65536)")
      ->check(whole_number(1, 16 << 20));
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
  cmd->add_option("--payload-offset", o->payload_offset,
                  "RTL: put the transmit payloads this many bytes past a 4 KiB boundary "
                  "(ABI 3.1 NICs take any byte address)")
      ->check(whole_number(0, 4095))
      ->capture_default_str();
  cmd->add_flag("--fcs-to-mac", o->fcs_to_mac,
                "RTL: leave the FCS to the MAC (as with the Alveo CMAC) instead of appending it");
  cmd->add_option("--trace-fst", o->trace_fst,
                  "RTL: write the waveform to this FST file; with several --sizes, one file per "
                  "size, named FILE with -<size> before its extension")
      ->check(output_file());
}

namespace {

constexpr unsigned kMaxUdpPayload = 65507;  // 65535 less the IP and UDP headers
constexpr uint64_t kTcpDefaultCount = 4096;  // 256 MiB at 64 KiB: flow control, not a burst

// The host-path rows, or false after one line on stderr.
bool run_host_path(const bench::HostPathOptions& h, std::vector<bench::HostPathRow>* rows) {
  std::string err;
  if (bench::run_host_path_bench(h, rows, &err)) return true;
  fprintf(stderr, "sendoff: bench --host-path%s: %s\n", h.proto == "tcp" ? " --proto tcp" : "",
          err.c_str());
  return false;
}

int write_csv(const BenchOptions& o, const std::vector<bench::HostPathRow>& rows) {
  if (o.csv.empty()) return kExitOk;
  if (!bench::write_host_path_csv(o.csv, rows, o.proto)) {
    fprintf(stderr, "sendoff: --csv: cannot write %s\n", o.csv.c_str());
    return kExitFailure;
  }
  printf("csv: %s\n", o.csv.c_str());
  return kExitOk;
}

// --proto tcp: one stream per path and size, its CPU time to delivery.
int run_tcp(const BenchOptions& o, bench::HostPathOptions h) {
  if (o.threads != 1) throw UsageError("--proto tcp sends one stream: drop --threads");
  if (o.send_sizes.empty()) h.sizes = {65536};
  if (!o.count_opt || o.count_opt->count() == 0) h.count = kTcpDefaultCount;
  std::vector<bench::HostPathRow> rows;
  if (!run_host_path(h, &rows)) return kExitFailure;
  printf("host path, tcp: %llu timed sends of each size to a kernel server, NIC (%s) running\n",
         static_cast<unsigned long long>(h.count), o.backend.c_str());
  printf("%-8s %9s %10s %10s %10s %9s %10s %10s %11s %11s %8s %9s %8s\n", "path", "size",
         "median ns", "p99 ns", "cycles", "syscalls", "sender ns", "stack ns", "host cycles",
         "NIC ns", "ns/B", "Mb/s", "kernel/x");
  for (const auto& r : rows) {
    double kernel = 0;
    for (const auto& k : rows)
      if (k.path == "kernel" && k.size_bytes == r.size_bytes) kernel = k.host_cpu_ns_per_send();
    printf("%-8s %7u B %10.1f %10.1f %10.0f %9.3f %10.1f %10.1f %11.0f %11.1f %8.4f %9.1f %7.2fx\n",
           r.path.c_str(), r.size_bytes, r.ns_median, r.ns_p99, r.cycles_median,
           r.syscalls_per_send, r.sender_cpu_ns_per_send, r.stack_cpu_ns_per_send,
           r.host_cpu_ns_per_send() * r.tsc_per_ns, r.nic_cpu_ns_per_send,
           r.host_cpu_ns_per_send() / static_cast<double>(r.size_bytes), r.goodput_mbps,
           r.host_cpu_ns_per_send() > 0 ? kernel / r.host_cpu_ns_per_send() : 0.0);
  }
  printf("where the CPU went, ns per send (user-mode share):\n");
  for (const auto& r : rows) {
    printf("  %-8s %7u B:", r.path.c_str(), r.size_bytes);
    for (const auto& t : r.thread_cpu)
      printf(" %s [%s] %.0f (%.0f%%)", t.name.c_str(), t.role.c_str(), t.cpu_ns_per_send,
             100 * t.user_share);
    printf("\n");
  }
  printf(
      "median/p99 ns and cycles: one send() call (TSC). sender/stack ns: CPU time of the\n"
      "sending thread / of sendoff's NAPI thread (ACKs, timers) over the stream until the\n"
      "server had read every byte, per send; host cycles: their sum at the TSC's rate;\n"
      "ns/B: the same per byte. NIC ns: the simulated NIC and its TAP port, the hardware's\n"
      "work, not counted as host. kernel/x: the kernel's host CPU per send over this path's.\n"
      "The peer kernel receives in softirq on the thread that put the frame on the wire:\n"
      "the kernel's sender (counted), sendoff's NIC thread (not). Syscalls per send\n"
      "counted with ptrace on the sending thread.\n");
  if (!rows.empty())
    printf("cycles: the TSC's (perf_event_open, CPU cycles: %s)\n",
           rows.front().cycle_counter.c_str());
  return write_csv(o, rows);
}

int run_rtl(const BenchOptions& o) {
  if (o.backend != "verilator") {
    throw UsageError("bench needs --host-path, or --backend verilator for the RTL pipeline");
  }
  if (!o.send_sizes.empty() || o.proto != "udp")
    throw UsageError(
        "--size and --proto are the host path's: add --host-path (RTL frames: --sizes)");
  bench::RtlBenchOptions r;
  r.sizes = o.sizes;
  r.frames = o.frames;
  r.fcs_to_mac = o.fcs_to_mac;
  r.mem_latency = o.mem_latency;
  r.payload_offset = o.payload_offset;
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
  h.proto = o.proto;
  h.count = o.count;
  h.threads = o.threads;
  if (!o.send_sizes.empty()) h.sizes = o.send_sizes;
  if (o.proto == "tcp") return run_tcp(o, h);
  for (unsigned s : h.sizes)
    if (s > kMaxUdpPayload) throw UsageError("--size: a UDP datagram carries at most 65507 bytes");
  std::vector<bench::HostPathRow> rows;
  if (!run_host_path(h, &rows)) return kExitFailure;
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
  return write_csv(o, rows);
}

}  // namespace cli
}  // namespace sendoff
