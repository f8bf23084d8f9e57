// SPDX-License-Identifier: MIT
// `sendoff bench --backend verilator`: the Verilated RTL pipeline streaming back-to-back UDP
// frames of each size with the MAC always ready; cycles per frame, rates at the CMAC clock
// (322.265625 MHz) and at 250 MHz against 100GbE line rate, latency, simulation speed. Each
// size runs twice: with the fixed-latency memory (`ideal`) and the realistic one.
#ifndef SENDOFF_BENCH_RTL_BENCH_HPP
#define SENDOFF_BENCH_RTL_BENCH_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace bench {

struct RtlBenchOptions {
  std::vector<unsigned> sizes;  // Ethernet frame bytes including the FCS, 64..9018
  unsigned frames = 0;          // frames per size; 0: the harness's default (up to 4096)
  bool fcs_to_mac = false;      // leave the FCS to the MAC (CMAC mode) instead of appending it
  unsigned mem_latency = 32;    // cycles from an AXI read request to its first data beat
  unsigned payload_offset = 0;  // transmit payloads' bytes past a 4 KiB boundary (ABI 3.1)
  std::string csv;
  std::string plot;
  std::string trace_fst;  // FST waveform; per size FILE-<size>.ext when there are several
};

// Where the waveform of one size goes: `path` itself for a single size, else `path` with
// "-<size>" before its extension ("t.fst" -> "t-64.fst").
std::string rtl_bench_fst_path(const std::string& path, unsigned size, size_t sizes);

struct RtlBenchRow {
  unsigned size = 0;        // frame bytes including the FCS
  unsigned bus_bytes = 0;   // bytes per frame on the AXI4-Stream (size, or size - 4)
  unsigned frames = 0;
  double cycles_per_frame = 0;
  uint64_t latency_cycles = 0;  // doorbell write issued to the first frame's first beat
  uint64_t sim_cycles = 0;
  double sim_cycles_per_s = 0;      // per wall-clock second
  double sim_cycles_per_cpu_s = 0;  // per CPU second of the simulating thread
  bool realistic_memory = false;    // the realistic memory profile, else the fixed latency
  unsigned data_width = 0;          // the model's stream bits (SENDOFF_DATA_WIDTH)
  bool rx = false;                  // the receive path (MAC to memory), else transmit
  bool tcp = false;                 // TSO: segments of ~64 KiB TCP descriptors (size = 58 + MSS)
};

// Rates derived from cycles per frame at clock_hz. The fraction compares packets per second
// with 100GbE's physical limit, which counts 20 bytes of preamble, SFD and IFG per frame.
struct RtlRate {
  double mpps = 0;
  double gbps = 0;  // frame bytes (with FCS) per second, in Gb/s
  double line_rate_fraction = 0;
};
RtlRate rtl_rate(unsigned size, double cycles_per_frame, double clock_hz);
// The same against 400GbE (the 1024-bit datapath's target, at kWideHz).
RtlRate rtl_rate_400g(unsigned size, double cycles_per_frame, double clock_hz);
constexpr double kWideHz = 400e6;  // a 1024-bit stream toward a 400G MAC

// One frame per beat: a frame of `size` bytes (FCS included) whose `bus_bytes` cross the
// stream takes ceil(bus_bytes / beat bytes) cycles at best. The fraction of 400GbE's frame
// rate that this bound allows at kWideHz.
double beat_bound_fraction_400g(unsigned size, unsigned bus_bytes, unsigned data_width);

// Runs the model; false with *err set when the build has no RTL model or a run failed.
bool run_rtl_bench(const RtlBenchOptions& o, std::vector<RtlBenchRow>* out, std::string* err);

// Prints the table and writes the CSV and the plot the options ask for; false (with a
// line on stderr) when a file could not be written.
bool report_rtl_bench(const RtlBenchOptions& o, const std::vector<RtlBenchRow>& rows);

}  // namespace bench
}  // namespace sendoff

#endif  // SENDOFF_BENCH_RTL_BENCH_HPP
