// SPDX-License-Identifier: MIT
// measure_datagram_stream (throughput.hpp): fragmenting traffic and the largest datagrams.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "sendoff/nic_abi.hpp"
#include "sendoff/sim/axi_read_slave.hpp"
#include "sendoff/sim/throughput.hpp"
#include "sendoff/sim/tx_top_sim.hpp"
#include "udp_stream_setup.hpp"

namespace sendoff::sim {

DatagramThroughput measure_datagram_stream(uint32_t payload_len, uint16_t mtu,
                                           unsigned datagrams, bool fcs_append,
                                           bool realistic) {
  namespace abi = sendoff::abi;
  DatagramThroughput r;
  r.datagrams = datagrams;
  if (payload_len > 65507 || mtu < abi::MIN_MTU || mtu > abi::MAX_MTU || datagrams == 0 ||
      datagrams > abi::RING_SIZE_MAX) {
    r.error = "payload, MTU or datagram count out of range";
    return r;
  }
  TxTopSimConfig cfg;
  cfg.data_port.max_bursts = 256;
  if (realistic) {
    cfg.desc_port = realistic_memory(cfg.seed * 2 + 1);
    cfg.data_port = realistic_memory(cfg.seed * 2 + 2);
  }
  TxTopSim sim(cfg);
  sim.reset();

  load_udp_stream(sim, mtu, payload_len, datagrams);
  // Frames per datagram and their sizes, as Linux's ip_fragment cuts them.
  const uint32_t l4 = payload_len + 8;
  const uint32_t fsz = (uint32_t(mtu) - 20) & ~7u;
  std::vector<uint32_t> l4_per_frame;
  for (uint32_t off = 0; off < l4 || off == 0; off += fsz) {
    l4_per_frame.push_back(20 + l4 <= mtu ? l4 : std::min(fsz, l4 - off));
    if (20 + l4 <= mtu) break;
  }
  const unsigned fcs = fcs_append ? abi::ETH_FCS_LEN : 0;
  constexpr uint32_t kBeat = TxTopSim::kDataBits / 8;
  uint64_t wire_bits = 0;
  for (unsigned i = 0; i < datagrams; ++i) {
    uint32_t off = 0;
    for (const uint32_t n : l4_per_frame) {
      const uint32_t bytes = std::max<uint32_t>(abi::ETH_HLEN + 20 + n, 60);
      r.beats += (bytes + fcs + kBeat - 1) / kBeat;
      wire_bits += uint64_t(bytes + abi::ETH_FCS_LEN + 20) * 8;  // preamble, SFD, IFG
      // The payload of a fragment after the first starts at lane (off - 8) % kBeat of its
      // datagram's stream; past lane 34 (the header end) its first output beat takes two
      // input beats (counted to show that they cost no cycle).
      if (off != 0 && (off - 8) % kBeat > abi::ETH_HLEN + 20) ++r.late_frames;
      off += n;
    }
  }
  const unsigned total = datagrams * unsigned(l4_per_frame.size());

  sim.reg_write(abi::REG_CTRL, abi::CTRL_ENABLE | (fcs_append ? abi::CTRL_FCS_APPEND : 0));
  sim.reg_write(abi::REG_RING_HEAD, datagrams);
  auto& frames = sim.sink().frames();
  if (!sim.run_until([&] { return frames.size() >= total; }, 100000000)) {
    r.error = "only " + std::to_string(frames.size()) + " of " + std::to_string(total) + " frames";
    return r;
  }
  for (const auto& e : sim.errors()) r.error += e + "; ";
  r.frames = total;
  r.cycles = frames[total - 1].last_cycle - frames[0].first_cycle + 1;
  r.line_rate_fraction = (double(wire_bits) / 100e9) / (double(r.cycles) / 322.265625e6);
  return r;
}

}  // namespace sendoff::sim
