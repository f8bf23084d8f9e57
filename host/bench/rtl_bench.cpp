// SPDX-License-Identifier: MIT
#include "rtl_bench.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "subprocess.hpp"

#if SENDOFF_BENCH_RTL
#include "sendoff/sim/throughput.hpp"
#include "sendoff/sim/tx_top_sim.hpp"
#endif

namespace sendoff {
namespace bench {

namespace {

constexpr double kCmacHz = 322.265625e6;  // 512-bit CMAC clock on Alveo
constexpr double kSlowHz = 250e6;         // a common user-logic clock
constexpr double kLineBps = 100e9;
constexpr double kWideLineBps = 400e9;
constexpr unsigned kWireOverhead = 20;    // preamble + SFD (8) and the minimum IFG (12)

const char* memory_name(const RtlBenchRow& r) { return r.realistic_memory ? "realistic" : "ideal"; }
const char* direction_name(const RtlBenchRow& r) { return r.rx ? "rx" : "tx"; }
const char* proto_name(const RtlBenchRow& r) { return r.tcp ? "tcp" : "udp"; }

// TSO rows: MSS from the classic IPv4 default to a 9000-byte MTU's.
constexpr unsigned kTsoMss[] = {536, 1460, 2048, 4096, 8960};

bool write_csv(const std::string& path, const std::vector<RtlBenchRow>& rows) {
  FILE* f = fopen(path.c_str(), "w");
  if (!f) return false;
  fprintf(f,
          "size_bytes,frames,cycles,gbps_322mhz,mpps_322mhz,line_rate_fraction,latency_cycles,"
          "sim_cycles_per_s,gbps_250mhz,mpps_250mhz,line_rate_fraction_250mhz,bus_bytes,"
          "sim_cycles,sim_cycles_per_cpu_s,memory,data_width,gbps_400mhz,mpps_400mhz,"
          "line_rate_fraction_400g_400mhz,beat_bound_fraction_400g_400mhz,direction,proto\n");
  for (const auto& r : rows) {
    const RtlRate a = rtl_rate(r.size, r.cycles_per_frame, kCmacHz);
    const RtlRate b = rtl_rate(r.size, r.cycles_per_frame, kSlowHz);
    const RtlRate w = rtl_rate_400g(r.size, r.cycles_per_frame, kWideHz);
    fprintf(f,
            "%u,%u,%.4f,%.3f,%.3f,%.4f,%llu,%.0f,%.3f,%.3f,%.4f,%u,%llu,%.0f,%s,%u,%.3f,%.3f,"
            "%.4f,%.4f,%s,%s\n",
            r.size, r.frames, r.cycles_per_frame, a.gbps, a.mpps, a.line_rate_fraction,
            static_cast<unsigned long long>(r.latency_cycles), r.sim_cycles_per_s, b.gbps,
            b.mpps, b.line_rate_fraction, r.bus_bytes,
            static_cast<unsigned long long>(r.sim_cycles), r.sim_cycles_per_cpu_s,
            memory_name(r), r.data_width, w.gbps, w.mpps, w.line_rate_fraction,
            beat_bound_fraction_400g(r.size, r.bus_bytes, r.data_width), direction_name(r),
            proto_name(r));
  }
  return fclose(f) == 0;
}

// gnuplot: frame throughput at both clocks against frame size, with 100GbE's line rate for
// the same frames (100 Gb/s * size / (size + 20)) as the reference curve.
bool write_plot(const std::string& png, const std::vector<RtlBenchRow>& rows, std::string* err) {
  char script[] = "/tmp/sendoff-plot-XXXXXX";
  const int fd = mkstemp(script);
  if (fd < 0) {
    *err = "cannot create a temporary gnuplot script";
    return false;
  }
  FILE* f = fdopen(fd, "w");
  fprintf(f, "$d << EOD\n");
  for (const auto& r : rows) {
    if (r.rx || r.tcp) continue;  // the curve is the UDP transmit pipeline's
    fprintf(f, "%u %.4f %.4f %.4f\n", r.size, rtl_rate(r.size, r.cycles_per_frame, kCmacHz).gbps,
            rtl_rate(r.size, r.cycles_per_frame, kSlowHz).gbps,
            kLineBps / 1e9 * r.size / (r.size + kWireOverhead));
  }
  fprintf(f, "EOD\n");
  fprintf(f,
          "set terminal png size 960,600\n"
          "set output '%s'\n"
          "set title 'sendoff RTL (Verilator, %u-bit stream, MAC always ready)'\n"
          "set xlabel 'UDP frame size, bytes incl. FCS'\n"
          "set ylabel 'frame throughput, Gb/s'\n"
          "set logscale x 2\n"
          "set xrange [56:11000]\n"
          "set yrange [0:*]\n"
          "set grid\n"
          "set key bottom right\n"
          "plot $d using 1:2 with linespoints lw 2 pt 7 title 'RTL at 322.265625 MHz', \\\n"
          "     $d using 1:3 with linespoints lw 2 pt 5 title 'RTL at 250 MHz', \\\n"
          "     $d using 1:4 with lines lw 2 dt 2 lc rgb 'red' "
          "title '100GbE line rate (20 B preamble+IFG per frame)'\n",
          png.c_str(), rows.empty() ? 0u : rows.front().data_width);
  fclose(f);
  const std::vector<std::string> argv = {"gnuplot", script};
  const sys::ProcessResult pr = sys::run_process(argv);
  unlink(script);
  if (pr.exit_code != 0) {
    *err = sys::describe_failure(argv, pr) + " (gnuplot comes with scripts/setup.sh)";
    return false;
  }
  return true;
}

}  // namespace

namespace {

RtlRate rate_against(unsigned size, double cycles_per_frame, double clock_hz, double line_bps) {
  RtlRate r;
  const double pps = clock_hz / cycles_per_frame;
  r.mpps = pps / 1e6;
  r.gbps = pps * size * 8 / 1e9;
  r.line_rate_fraction = pps / (line_bps / ((size + kWireOverhead) * 8.0));
  return r;
}

// 400GbE at 400 MHz: the rate of each row, and the sizes where the curve falls short (below
// 0.99), each with the bound that one frame per beat sets on its own.
void report_400g(const std::vector<RtlBenchRow>& rows) {
  if (rows.empty()) return;
  printf("against 400GbE at %.0f MHz, %u-bit stream (one frame per beat; bound: "
         "ceil(bytes / %u) cycles a frame):\n",
         kWideHz / 1e6, rows.front().data_width, rows.front().data_width / 8);
  printf("%6s %9s %9s %9s %7s %7s\n", "size", "memory", "Gb/s@400", "Mpps@400", "x 400G",
         "bound");
  std::string short_sizes;
  for (const auto& r : rows) {
    if (r.rx || r.tcp) continue;  // the 400G question is the UDP transmit pipeline's
    const RtlRate w = rtl_rate_400g(r.size, r.cycles_per_frame, kWideHz);
    const double bound = beat_bound_fraction_400g(r.size, r.bus_bytes, r.data_width);
    printf("%6u %9s %9.2f %9.2f %7.3f %7.3f\n", r.size, memory_name(r), w.gbps, w.mpps,
           w.line_rate_fraction, bound);
    if (w.line_rate_fraction < 0.99) {
      char buf[96];
      snprintf(buf, sizeof buf, "%s%u B %s %.3f", short_sizes.empty() ? "" : ", ", r.size,
               memory_name(r), w.line_rate_fraction);
      short_sizes += buf;
    }
  }
  printf("short of 400GbE (< 0.99): %s\n", short_sizes.empty() ? "none" : short_sizes.c_str());
}

}  // namespace

RtlRate rtl_rate(unsigned size, double cycles_per_frame, double clock_hz) {
  return rate_against(size, cycles_per_frame, clock_hz, kLineBps);
}

RtlRate rtl_rate_400g(unsigned size, double cycles_per_frame, double clock_hz) {
  return rate_against(size, cycles_per_frame, clock_hz, kWideLineBps);
}

double beat_bound_fraction_400g(unsigned size, unsigned bus_bytes, unsigned data_width) {
  const unsigned beat = data_width / 8;
  const unsigned beats = (bus_bytes + beat - 1) / beat;
  return rtl_rate_400g(size, beats, kWideHz).line_rate_fraction;
}

std::string rtl_bench_fst_path(const std::string& path, unsigned size, size_t sizes) {
  if (path.empty() || sizes <= 1) return path;
  const size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) dot = path.size();
  return path.substr(0, dot) + "-" + std::to_string(size) + path.substr(dot);
}

#if SENDOFF_BENCH_RTL
namespace {

RtlBenchRow bench_row(const sim::ThroughputResult& t, unsigned size, bool realistic, bool rx) {
  RtlBenchRow r;
  r.rx = rx;
  r.size = size;
  r.bus_bytes = t.bus_bytes;
  r.frames = t.frames;
  r.cycles_per_frame = t.cycles_per_frame;
  r.latency_cycles = t.first_beat_cycles;
  r.sim_cycles = t.sim_cycles;
  r.sim_cycles_per_s = t.sim_cycles_per_s;
  r.sim_cycles_per_cpu_s = t.sim_cycles_per_cpu_s;
  r.realistic_memory = realistic;
  r.data_width = sim::TxTopSim::kDataBits;
  return r;
}

}  // namespace
#endif

bool run_rtl_bench(const RtlBenchOptions& o, std::vector<RtlBenchRow>* out, std::string* err) {
#if SENDOFF_BENCH_RTL
  for (unsigned size : o.sizes) for (bool realistic : {false, true}) {
    // The waveform shows the fixed-latency run.
    const std::string fst =
        realistic ? std::string() : rtl_bench_fst_path(o.trace_fst, size, o.sizes.size());
    if (!fst.empty()) {
      const std::string why = sim::fst_trace_problem(fst);
      if (!why.empty()) {
        *err = why;
        return false;
      }
    }
    const auto t = sim::measure_udp_stream(size, !o.fcs_to_mac, o.mem_latency,
                                           o.frames == 0 ? 4096 : o.frames, fst, realistic,
                                           o.payload_offset);
    if (!t.error.empty()) {
      *err = std::to_string(size) + "-byte frames, " + (realistic ? "realistic" : "ideal") +
             " memory: " + t.error;
      return false;
    }
    out->push_back(bench_row(t, size, realistic, false));
  }
  // The receive path: the same sizes from the MAC into memory, FCS included on the stream.
  for (unsigned size : o.sizes) for (bool realistic : {false, true}) {
    const auto t = sim::measure_rx_stream(size, o.mem_latency, o.frames == 0 ? 4096 : o.frames,
                                          realistic);
    if (!t.error.empty()) {
      *err = "receive, " + std::to_string(size) + "-byte frames, " +
             (realistic ? "realistic" : "ideal") + " memory: " + t.error;
      return false;
    }
    out->push_back(bench_row(t, size, realistic, true));
  }
  // TSO: each MSS's segments of back-to-back ~64 KiB TCP descriptors.
  for (unsigned mss : kTsoMss) for (bool realistic : {false, true}) {
    const auto t = sim::measure_tso_stream(mss, !o.fcs_to_mac, o.mem_latency, 24, realistic,
                                           o.payload_offset);
    if (!t.error.empty()) {
      *err = "TSO, MSS " + std::to_string(mss) + ", " + (realistic ? "realistic" : "ideal") +
             " memory: " + t.error;
      return false;
    }
    out->push_back(bench_row(t, t.frame_size, realistic, false));
    out->back().tcp = true;
  }
  return true;
#else
  (void)o;
  (void)out;
  *err = "this sendoff was built without the Verilated RTL model; reconfigure with "
         "-DSENDOFF_RTL=ON (needs verilator) and rebuild";
  return false;
#endif
}

bool report_rtl_bench(const RtlBenchOptions& o, const std::vector<RtlBenchRow>& rows) {
  printf("RTL pipeline (Verilator): UDP frames back to back, MAC always ready; memory ideal "
         "(latency %u cycles)\nor realistic (32..160 cycles per burst, 64 bursts, 5%% R gaps); "
         "FCS %s;\nsizes count the 4-byte FCS; line rate counts 20 B preamble+IFG; "
         "transmit payloads %u bytes past a 4 KiB boundary\n",
         o.mem_latency, o.fcs_to_mac ? "left to the MAC" : "appended by the NIC",
         o.payload_offset);
  printf("%3s %5s %6s %9s %6s %9s %9s %9s %7s %9s %9s %7s %8s %11s %11s\n", "dir", "proto",
         "size", "memory", "frames",
         "cyc/frame", "Gb/s@322", "Mpps@322", "x line", "Gb/s@250", "Mpps@250", "x line",
         "latency", "sim cyc/s", "per CPU s");
  for (const auto& r : rows) {
    const RtlRate a = rtl_rate(r.size, r.cycles_per_frame, kCmacHz);
    const RtlRate b = rtl_rate(r.size, r.cycles_per_frame, kSlowHz);
    printf("%3s %5s %6u %9s %6u %9.4f %9.2f %9.2f %7.3f %9.2f %9.2f %7.3f %8llu %11.0f %11.0f\n",
           direction_name(r), proto_name(r), r.size, memory_name(r), r.frames, r.cycles_per_frame, a.gbps, a.mpps, a.line_rate_fraction, b.gbps, b.mpps,
           b.line_rate_fraction, static_cast<unsigned long long>(r.latency_cycles),
           r.sim_cycles_per_s, r.sim_cycles_per_cpu_s);
  }
  report_400g(rows);
  if (!o.csv.empty()) {
    if (!write_csv(o.csv, rows)) {
      fprintf(stderr, "sendoff: --csv: cannot write %s\n", o.csv.c_str());
      return false;
    }
    printf("csv: %s\n", o.csv.c_str());
  }
  if (!o.plot.empty()) {
    std::string err;
    if (!write_plot(o.plot, rows, &err)) {
      fprintf(stderr, "sendoff: --plot: %s\n", err.c_str());
      return false;
    }
    printf("plot: %s\n", o.plot.c_str());
  }
  return true;
}

}  // namespace bench
}  // namespace sendoff
