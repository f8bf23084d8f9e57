// SPDX-License-Identifier: MIT
// Cycle benchmark of the Verilated sendoff_tx_top: back-to-back UDP frames of one size,
// MAC always ready, memory answering after a fixed latency. Prints cycles per frame in the
// steady state, the rate at 322.265625 MHz (512-bit CMAC clock) against 100GbE line rate,
// the cycles from the doorbell to the first frame's end (latency), and the simulation speed.
// Frame sizes count the FCS, as Ethernet does. --rx measures the receive path instead: frames
// back to back from the MAC into memory (measure_rx_stream); latency is then the first beat in
// to the first buffer write. --tso measures TSO instead: each size is an MSS, and the frames
// are the segments of back-to-back ~64 KiB TCP descriptors (measure_tso_stream). --offset N
// puts the transmit payload N bytes past a 4 KiB boundary (ABI 3.1: any byte address).
//
//   rtl_bench [--rx | --tso] [--fcs] [--latency N] [--offset N] [--csv] [size ...]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sendoff/sim/throughput.hpp"
#include "sendoff/sim/tx_top_sim.hpp"

namespace {

constexpr double kClockHz = 322.265625e6;
constexpr double kLineBps = 100e9;

}  // namespace

int main(int argc, char** argv) {
  bool fcs = false, csv = false, rx = false, tso = false;
  unsigned latency = 32, offset = 0;
  std::vector<unsigned> sizes;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--fcs") {
      fcs = true;
    } else if (a == "--rx") {
      rx = true;
    } else if (a == "--tso") {
      tso = true;
    } else if (a == "--csv") {
      csv = true;
    } else if (a == "--latency" && i + 1 < argc) {
      latency = unsigned(std::atoi(argv[++i]));
    } else if (a == "--offset" && i + 1 < argc) {
      offset = unsigned(std::atoi(argv[++i])) % 4096;
    } else {
      const int s = std::atoi(a.c_str());
      if (s < 64 || s > 9018) {
        std::fprintf(stderr,
                     "usage: rtl_bench [--rx | --tso] [--fcs] [--latency N] [--offset N] [--csv] "
                     "[size 64..9018 | MSS 88..8960 ...]\n");
        return 2;
      }
      sizes.push_back(unsigned(s));
    }
  }
  if (sizes.empty() && tso) sizes = {536, 1460, 2048, 4096, 8960};
  if (sizes.empty()) sizes = {64, 65, 128, 256, 512, 1024, 1518, 4096, 9018};
  if (csv) {
    std::printf("size,fcs_appended,frames,cycles_per_frame,ideal_beats,mpps,gbps_wire,"
                "line_rate_pct,first_frame_cycles,sim_cycles_per_s\n");
  } else {
    std::printf("%s, FCS %s, memory latency %u cycles, clock %.6f MHz, %u-bit stream, "
                "payload offset %u\n",
                rx ? "receive" : tso ? "transmit, TSO (size: segment frame, MSS + 58)" : "transmit",
                rx || fcs ? "on the stream" : "left to the MAC", latency, kClockHz / 1e6,
                sendoff::sim::TxTopSim::kDataBits, rx ? 0 : offset);
    std::printf("%6s %7s %10s %6s %9s %10s %10s %8s %11s\n", "size", "frames", "cyc/frame",
                "beats", "Mpps", "Gb/s wire", "of 100GbE", "latency", "sim cyc/s");
  }
  int rc = 0;
  for (unsigned s : sizes) {
    const auto r = rx    ? sendoff::sim::measure_rx_stream(s, latency, 4096)
                   : tso ? sendoff::sim::measure_tso_stream(s, fcs, latency, 24, false, offset)
                         : sendoff::sim::measure_udp_stream(s, fcs, latency, 4096, "", false,
                                                            offset);
    if (tso) s = r.frame_size;
    if (!r.error.empty()) {
      std::fprintf(stderr, "size %u: %s\n", s, r.error.c_str());
      rc = 1;
      continue;
    }
    const double pps = kClockHz / r.cycles_per_frame;
    const double wire = pps * (s + 20) * 8;  // preamble, SFD and IFG: 20 bytes per frame
    const double pct = 100.0 * wire / kLineBps;
    if (csv) {
      std::printf("%u,%d,%u,%.4f,%u,%.2f,%.2f,%.1f,%llu,%.0f\n", s, fcs, r.frames,
                  r.cycles_per_frame, r.ideal_beats, pps / 1e6, wire / 1e9, pct,
                  static_cast<unsigned long long>(r.first_frame_cycles), r.sim_cycles_per_s);
    } else {
      std::printf("%6u %7u %10.4f %6u %9.2f %10.2f %9.1f%% %8llu %11.0f\n", s, r.frames,
                  r.cycles_per_frame, r.ideal_beats, pps / 1e6, wire / 1e9, pct,
                  static_cast<unsigned long long>(r.first_frame_cycles), r.sim_cycles_per_s);
    }
  }
  return rc;
}
