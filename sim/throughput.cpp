// SPDX-License-Identifier: MIT
#include "sendoff/sim/throughput.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <vector>

#include "sendoff/crc32.hpp"
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

// The memory the transmit measurements run against: a fixed latency, or realistic_memory().
TxTopSimConfig stream_config(unsigned mem_latency, bool realistic) {
  TxTopSimConfig cfg;
  cfg.desc_port.latency = mem_latency;
  cfg.data_port.latency = mem_latency;
  cfg.data_port.max_bursts = 256;
  if (realistic) {
    cfg.desc_port = realistic_memory(cfg.seed * 2 + 1);
    cfg.data_port = realistic_memory(cfg.seed * 2 + 2);
  }
  return cfg;
}

// Rings the doorbell at `head` and runs until n frames have left: their timing into r, and
// an error for any frame that is not r->bus_bytes long.
void time_frames(TxTopSim& sim, uint32_t head, unsigned n, ThroughputResult* r) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_seconds();
  const uint64_t c0 = sim.cycle();
  sim.reg_write(sendoff::abi::REG_RING_HEAD, head);
  auto& frames = sim.sink().frames();
  if (!sim.run_until([&] { return frames.size() >= n; }, 100000000)) {
    r->error = "only " + std::to_string(frames.size()) + " of " + std::to_string(n) + " frames";
    return;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu_secs = thread_cpu_seconds() - cpu0;
  for (const auto& e : sim.errors()) r->error += e + "; ";
  for (const auto& fr : frames) {
    if (fr.bytes.size() != r->bus_bytes) {
      r->error += "a frame of " + std::to_string(fr.bytes.size()) + " bytes; ";
      break;
    }
  }
  r->frames = n;
  r->first_frame_cycles = frames[0].last_cycle - c0;
  r->first_beat_cycles = frames[0].first_cycle - c0;
  r->sim_cycles = sim.cycle() - c0;
  r->cycles_per_frame = double(frames[n - 1].last_cycle - frames[0].last_cycle) / double(n - 1);
  r->sim_cycles_per_s = double(sim.cycle() - c0) / secs;
  r->sim_cycles_per_cpu_s = double(sim.cycle() - c0) / cpu_secs;
}

}  // namespace

ThroughputResult measure_udp_stream(unsigned frame_size, bool fcs_append, unsigned mem_latency,
                                    unsigned max_frames, const std::string& fst_path,
                                    bool realistic, unsigned payload_offset) {
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

  TxTopSimConfig cfg = stream_config(mem_latency, realistic);
  cfg.fst_path = fst_path;
  TxTopSim sim(cfg);
  sim.reset();

  const unsigned n = std::min({unsigned(abi::RING_SIZE_MAX), max_frames,
                               std::max(256u, 4000000u / frame_size)});
  load_udp_stream(sim, abi::MAX_MTU, frame_size - abi::ETH_FCS_LEN - kHdr, n, payload_offset);
  sim.reg_write(abi::REG_CTRL, abi::CTRL_ENABLE | (fcs_append ? abi::CTRL_FCS_APPEND : 0));

  time_frames(sim, n, n, &r);
  return r;
}

ThroughputResult measure_tso_stream(unsigned mss, bool fcs_append, unsigned mem_latency,
                                    unsigned descriptors, bool realistic,
                                    unsigned payload_offset) {
  namespace abi = sendoff::abi;
  constexpr unsigned kHdr = abi::ETH_HLEN + 20 + 20;
  ThroughputResult r;
  r.frame_size = kHdr + mss + abi::ETH_FCS_LEN;
  r.bus_bytes = fcs_append ? r.frame_size : r.frame_size - abi::ETH_FCS_LEN;
  constexpr unsigned kBeatBytes = TxTopSim::kDataBits / 8;
  r.ideal_beats = (r.bus_bytes + kBeatBytes - 1) / kBeatBytes;
  if (mss < abi::TSO_MSS_MIN || mss > abi::MAX_MTU - 40 || descriptors < 1 ||
      2 * descriptors > abi::RING_SIZE_MAX) {
    r.error = "MSS outside 88..8960, or descriptors outside 1..2048";
    return r;
  }
  const uint32_t len = abi::MAX_PAYLOAD / mss * mss;
  const unsigned segs = len / mss, n = descriptors * segs;

  TxTopSim sim(stream_config(mem_latency, realistic));
  sim.reset();
  // The UDP set-up's flow and ring registers, then the ring rewritten with TCP descriptors.
  load_udp_stream(sim, abi::MAX_MTU, 0, 0);
  const uint64_t ring_addr = sim.memory().base() + 4096;
  const uint64_t payload = payload_address(sim, payload_offset);
  uint8_t* p = sim.memory().at(payload, len);
  for (uint32_t i = 0; i < len; ++i) p[i] = uint8_t(i * 7);
  for (unsigned i = 0; i < descriptors; ++i) {
    abi::TxDesc d{};
    d.addr = payload;
    d.len = len;
    d.flags = abi::TXD_L4_TCP;
    d.seq = i * len;
    d.ip_id = uint16_t(i * segs);
    d.ttl = 64;
    d.mss = uint16_t(mss);
    abi::TxDescTcp t{};
    t.ack = 1;
    t.window = 65535;
    t.tcp_flags = 0x18;  // ACK, PSH
    std::memcpy(sim.memory().at(ring_addr + uint64_t(2 * i) * abi::TXD_BYTES, sizeof d), &d,
                sizeof d);
    std::memcpy(sim.memory().at(ring_addr + uint64_t(2 * i + 1) * abi::TXD_BYTES, sizeof t), &t,
                sizeof t);
  }
  sim.reg_write(abi::REG_CTRL, abi::CTRL_ENABLE | (fcs_append ? abi::CTRL_FCS_APPEND : 0));

  time_frames(sim, 2 * descriptors, n, &r);
  return r;
}

uint64_t payload_address(TxTopSim& sim, unsigned payload_offset) {
  return sim.memory().base() + 4096 + (1u << 20) + payload_offset;
}

void load_udp_stream(TxTopSim& sim, uint16_t mtu, uint32_t payload_len, unsigned descriptors,
                     unsigned payload_offset) {
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
  const uint64_t payload = payload_address(sim, payload_offset);
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

ThroughputResult measure_rx_stream(unsigned frame_size, unsigned mem_latency, unsigned frames,
                                   bool realistic) {
  namespace abi = sendoff::abi;
  ThroughputResult r;
  r.frame_size = frame_size;
  r.bus_bytes = frame_size;  // the MAC hands the FCS over
  constexpr unsigned kBeatBytes = TxTopSim::kDataBits / 8;
  r.ideal_beats = (frame_size + kBeatBytes - 1) / kBeatBytes;
  if (frame_size < 64 || frame_size > 9018 || frames < 2) {
    r.error = "frame size outside 64..9018, or fewer than 2 frames";
    return r;
  }
  TxTopSimConfig cfg;
  cfg.rx_port.latency = mem_latency;
  if (realistic) cfg.rx_port = realistic_write_memory(1);
  TxTopSim sim(cfg);
  sim.reset();
  constexpr uint64_t kBuf = 1 << 20, kBufSize = 16384, kCpl = 64 << 10, kWb = 4096;
  sim.reg_write(abi::REG_RX_BUF_BASE_LO, uint32_t(kBuf));
  sim.reg_write(abi::REG_RX_CPL_BASE_LO, uint32_t(kCpl));
  sim.reg_write(abi::REG_WB_BASE_LO, uint32_t(kWb));
  sim.reg_write(abi::REG_RX_RING_SIZE, 1024);
  sim.reg_write(abi::REG_RX_BUF_SIZE, uint32_t(kBufSize));
  sim.reg_write(abi::REG_RX_HEAD, 1u << 31);  // buffers never run out
  sim.reg_write(abi::REG_CTRL, abi::CTRL_RX_ENABLE);
  sim.step(4);

  // A UDP frame; the checksums do not change the timing, the FCS must be right.
  std::vector<uint8_t> f(frame_size - abi::ETH_FCS_LEN, 0);
  const uint8_t hdr[] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00, 0x45, 0};
  std::memcpy(f.data(), hdr, sizeof hdr);
  const unsigned ip_len = unsigned(f.size()) - abi::ETH_HLEN;
  f[16] = uint8_t(ip_len >> 8);
  f[17] = uint8_t(ip_len);
  f[22] = 64;
  f[23] = abi::IPPROTO_UDP_NUM;
  const uint32_t fcs = crc32_ieee(f.data(), f.size());
  for (int i = 0; i < 4; ++i) f.push_back(uint8_t(fcs >> (8 * i)));
  for (unsigned i = 0; i < frames; ++i) sim.mac_rx(f);

  const uint64_t start = sim.cycle();
  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_seconds();
  uint64_t seen = sim.rx_port().beats(), first = 0, last = 0, quiet = 0;
  unsigned starts = 0;
  while (starts < frames && quiet < 2000) {
    sim.step();
    quiet = sim.rx_queued() == 0 && sim.rx_port().idle() ? quiet + 1 : 0;
    // Beats taken this cycle (more than one when W came before its AW).
    const auto& log = sim.rx_port().log();
    const uint64_t fresh = std::min<uint64_t>(sim.rx_port().beats() - seen, log.size());
    seen = sim.rx_port().beats();
    for (size_t k = log.size() - fresh; k < log.size(); ++k) {
      const uint64_t a = log[k].addr;
      if (a >= kBuf && (a - kBuf) % kBufSize == 0) {  // a frame's first buffer beat
        if (starts++ == 0) first = sim.cycle();
        last = sim.cycle();
      }
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double cpu = thread_cpu_seconds() - cpu0;
  r.frames = starts;
  r.sim_cycles = sim.cycle() - start;
  r.sim_cycles_per_s = wall > 0 ? double(r.sim_cycles) / wall : 0;
  r.sim_cycles_per_cpu_s = cpu > 0 ? double(r.sim_cycles) / cpu : 0;
  if (starts < 2) {
    r.error = "fewer than 2 frames reached memory";
    return r;
  }
  r.cycles_per_frame = double(last - first) / double(starts - 1);
  r.first_beat_cycles = first - start;
  r.first_frame_cycles = first - start;
  if (!sim.errors().empty()) r.error = sim.errors().front();
  return r;
}

}  // namespace sendoff::sim
