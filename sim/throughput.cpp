// SPDX-License-Identifier: MIT
#include "sendoff/sim/throughput.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>

#include "sendoff/nic_abi.hpp"
#include "sendoff/sim/tx_top_sim.hpp"
#include "udp_stream_setup.hpp"

namespace sendoff::sim {

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

}  // namespace

ThroughputResult measure_udp_stream(unsigned frame_size, bool fcs_append, unsigned mem_latency,
                                    unsigned max_frames, const std::string& fst_path,
                                    bool realistic) {
  namespace abi = sendoff::abi;
  ThroughputResult r;
  r.frame_size = frame_size;
  r.bus_bytes = fcs_append ? frame_size : frame_size - abi::ETH_FCS_LEN;
  constexpr unsigned kBeatBytes = TxTopSim::kDataBits / 8;
  r.ideal_beats = (r.bus_bytes + kBeatBytes - 1) / kBeatBytes;
  constexpr unsigned kHdr = abi::ETH_HLEN + 20 + 8;
  if (frame_size < 64 || frame_size > 9018) {
    r.error = "frame size outside 64..9018";
    return r;
  }

  TxTopSimConfig cfg;
  cfg.desc_port.latency = mem_latency;
  cfg.data_port.latency = mem_latency;
  cfg.data_port.max_bursts = 256;
  if (realistic) {
    cfg.desc_port = realistic_memory(cfg.seed * 2 + 1);
    cfg.data_port = realistic_memory(cfg.seed * 2 + 2);
  }
  cfg.fst_path = fst_path;
  TxTopSim sim(cfg);
  sim.reset();

  const unsigned n = std::min({unsigned(abi::RING_SIZE_MAX), max_frames,
                               std::max(256u, 4000000u / frame_size)});
  load_udp_stream(sim, abi::MAX_MTU, frame_size - abi::ETH_FCS_LEN - kHdr, n);
  sim.reg_write(abi::REG_CTRL, abi::CTRL_ENABLE | (fcs_append ? abi::CTRL_FCS_APPEND : 0));

  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_seconds();
  const uint64_t c0 = sim.cycle();
  sim.reg_write(abi::REG_RING_HEAD, n);
  auto& frames = sim.sink().frames();
  if (!sim.run_until([&] { return frames.size() >= n; }, 100000000)) {
    r.error = "only " + std::to_string(frames.size()) + " of " + std::to_string(n) + " frames";
    return r;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu_secs = thread_cpu_seconds() - cpu0;
  for (const auto& e : sim.errors()) r.error += e + "; ";
  for (const auto& fr : frames) {
    if (fr.bytes.size() != r.bus_bytes) {
      r.error += "a frame of " + std::to_string(fr.bytes.size()) + " bytes; ";
      break;
    }
  }
  r.frames = n;
  r.first_frame_cycles = frames[0].last_cycle - c0;
  r.first_beat_cycles = frames[0].first_cycle - c0;
  r.sim_cycles = sim.cycle() - c0;
  r.cycles_per_frame = double(frames[n - 1].last_cycle - frames[0].last_cycle) / double(n - 1);
  r.sim_cycles_per_s = double(sim.cycle() - c0) / secs;
  r.sim_cycles_per_cpu_s = double(sim.cycle() - c0) / cpu_secs;
  return r;
}

void load_udp_stream(TxTopSim& sim, uint16_t mtu, uint32_t payload_len, unsigned descriptors) {
  namespace abi = sendoff::abi;
  abi::FlowEntry f{};
  f.saddr = 0xC6120001;
  f.daddr = 0xC6120002;
  f.sport = 5000;
  f.dport = 9000;
  f.mtu = mtu;
  f.protocol = abi::IPPROTO_UDP_NUM;
  f.flags = abi::FLOW_F_VALID;
  uint32_t w[abi::FLOW_WORDS];
  std::memcpy(w, &f, sizeof w);
  for (unsigned i = 0; i < abi::FLOW_WORDS; ++i) sim.reg_write(abi::REG_FLOW_DATA + 4 * i, w[i]);
  sim.reg_write(abi::REG_FLOW_INDEX, 0);
  sim.reg_write(abi::REG_FLOW_COMMIT, 1);

  const uint64_t ring_addr = sim.memory().base() + 4096;
  const uint64_t payload = ring_addr + (1u << 20);
  uint8_t* p = sim.memory().at(payload, payload_len);
  for (uint32_t i = 0; i < payload_len; ++i) p[i] = uint8_t(i * 7);
  for (unsigned i = 0; i < descriptors; ++i) {
    abi::TxDesc d{};
    d.addr = payload;
    d.len = payload_len;
    d.flags = abi::TXD_L4_UDP;
    d.ip_id = uint16_t(i);
    d.ttl = 64;
    std::memcpy(sim.memory().at(ring_addr + uint64_t(i) * abi::TXD_BYTES, sizeof d), &d, sizeof d);
  }
  sim.reg_write(abi::REG_RING_BASE_LO, uint32_t(ring_addr));
  sim.reg_write(abi::REG_RING_BASE_HI, uint32_t(ring_addr >> 32));
  sim.reg_write(abi::REG_RING_SIZE, abi::RING_SIZE_MAX);
}

}  // namespace sendoff::sim
