// SPDX-License-Identifier: MIT
// Throughput of the Verilated sendoff_tx_top for back-to-back UDP frames of one size:
// a full ring rung once, the MAC always ready, memory answering after a fixed latency or,
// with `realistic`, as realistic_memory() (axi_read_slave.hpp) does. payload_offset: the
// payload's byte address past a 4 KiB boundary (ABI 3.1 takes any; 0 is aligned).
#ifndef SENDOFF_SIM_THROUGHPUT_HPP
#define SENDOFF_SIM_THROUGHPUT_HPP

#include <cstdint>
#include <string>

namespace sendoff::sim {

struct ThroughputResult {
  unsigned frame_size = 0;      // Ethernet frame bytes including the FCS
  unsigned bus_bytes = 0;       // bytes per frame on the stream (no FCS unless appended)
  unsigned frames = 0;
  double cycles_per_frame = 0;  // steady state: end of first frame to end of last
  unsigned ideal_beats = 0;     // ceil(bus_bytes / beat bytes): the stream's own limit
  uint64_t first_frame_cycles = 0;  // doorbell write issued to first frame's last beat out
  uint64_t first_beat_cycles = 0;   // doorbell write issued to first frame's first beat out
  uint64_t sim_cycles = 0;          // cycles simulated from the doorbell to the last frame
  double sim_cycles_per_s = 0;      // per wall-clock second
  double sim_cycles_per_cpu_s = 0;  // per second of this thread's CPU time (a shared machine)
  std::string error;            // empty when every frame came out right-sized and clean
};

ThroughputResult measure_udp_stream(unsigned frame_size, bool fcs_append, unsigned mem_latency,
                                    unsigned max_frames = 4096,
                                    const std::string& fst_path = "", bool realistic = false,
                                    unsigned payload_offset = 0);

// The receive path: `frames` UDP frames of frame_size bytes (FCS included) back to back from
// the MAC, no idle cycle; the write channel answers after mem_latency cycles (or as
// realistic_write_memory). cycles_per_frame: from the first frame's first buffer write to the
// last frame's, per frame; first_beat_cycles: first beat in to the first buffer write. Back to
// back is faster than any line rate: where the path is slower than that, the FIFO fills and
// frames are dropped whole; `frames` counts those that reached memory.
ThroughputResult measure_rx_stream(unsigned frame_size, unsigned mem_latency, unsigned frames,
                                   bool realistic = false);

// TSO: back-to-back TCP descriptors (two ring slots each, no options) of the largest multiple
// of mss up to 65535 bytes (about 64 KiB), through one flow of MTU 9000, so that every
// segment is a frame of 58 + mss bytes with its FCS (frame_size). cycles_per_frame: steady
// state over all segments of all descriptors, end of the first to end of the last.
ThroughputResult measure_tso_stream(unsigned mss, bool fcs_append, unsigned mem_latency,
                                    unsigned descriptors = 24, bool realistic = false,
                                    unsigned payload_offset = 0);

// Back-to-back UDP datagrams of one payload length through a flow of the given MTU, so that
// each leaves as fragments when 28 + payload > MTU: the line rate of fragmenting traffic and
// of the largest datagrams (whose 1024 beats fill half of udp_tx's buffer each).
struct DatagramThroughput {
  unsigned datagrams = 0;
  unsigned frames = 0;
  uint64_t cycles = 0;       // first beat of the first frame to the last beat of the last
  uint64_t beats = 0;        // beats the frames need on the stream: the ideal cycle count
  uint64_t late_frames = 0;  // fragments whose payload starts past the header end (see eth_tx)
  double line_rate_fraction = 0;  // 100GbE wire time of the frames / our time at 322.27 MHz
  std::string error;
};

DatagramThroughput measure_datagram_stream(uint32_t payload_len, uint16_t mtu,
                                           unsigned datagrams, bool fcs_append,
                                           bool realistic);

}  // namespace sendoff::sim

#endif  // SENDOFF_SIM_THROUGHPUT_HPP
