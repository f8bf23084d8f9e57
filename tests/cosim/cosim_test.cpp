// SPDX-License-Identifier: MIT
// C/RTL co-simulation: the Verilated RTL (verilator back end, random MAC
// backpressure) and the HLS C model (csim back end) get the same flows, the
// same descriptor ring and the same payload bytes at the same device
// addresses. Every frame must be bit-exact equal, in the same order, and match
// what the descriptors ask for (IP ID, fragment offset, MF, count; a whole frame's
// bytes for TXD_L4_ETH, some shorter than 60, some of a bad length), so none is
// lost, duplicated or reordered; the counters must agree; tshark checks the
// frames' IP/UDP headers and checksums. The RTL's memory is the realistic one
// with random ARREADY (--mem-jitter), and one range of device memory, across
// the ring's last entries and the payloads' first bytes, answers SLVERR: both
// sides must reject the same descriptors (read_fault.hpp). Some descriptors are TCP
// (two slots, TSO: MSS 88..8960, 0..24 option bytes, up to 65535 bytes, some invalid):
// each segment's ID and DF are checked too, and tshark checks their checksums. Both write their ring tail back
// to a write-back block (the RTL through a jittered write channel): each side's word only
// moves forward, never past its RING_TAIL, and equals the tail once both are idle.
// A third of the payloads, TCP ones included, start at a random byte of a memory word
// (ABI 3.1, CAPS_TX_UNALIGNED), so that some span one more word than they would aligned.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "cosim_device.hpp"
#include "prereq.hpp"
#include "csim_device.hpp"
#include "sendoff/memory_sink.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/pcap_sink.hpp"
#include "sendoff/sim/verilator_device.hpp"
#include "rx_frames.hpp"

namespace {

namespace abi = sendoff::abi;
using sendoff::Device;
using sendoff::DmaBuffer;
using Frame = std::vector<uint8_t>;

constexpr uint32_t kRingEntries = 4096;
constexpr uint64_t kFirstAddr = 4096;  // the first address both back ends hand out
constexpr size_t kPayloadArea = 24u << 20;
constexpr unsigned kFlows = 8;
constexpr uint8_t kRawProto = 253;  // RFC 3692 experimentation: tshark shows it as data
constexpr uint16_t kLocalExpEthertype = 0x88B5;  // IEEE 802 local experimental: shown as data
// The pcap tshark reads holds this many frames at most (tshark time, disk).
constexpr uint64_t kPcapFrames = 20000;

struct CosimRun {
  uint64_t seed;
  uint64_t descriptors;
  double ready_prob;  // tready high in this share of cycles
  bool fcs;           // CTRL_FCS_APPEND
};

#ifndef SENDOFF_COSIM_LONG
// One word for ctest's test names.
void PrintTo(const CosimRun& r, std::ostream* os) {
  *os << "seed" << r.seed << "_tready" << static_cast<int>(r.ready_prob * 100)
      << (r.fcs ? "_fcs" : "");
}
#endif

// What one descriptor must produce: one entry per frame, in order.
struct Expect {
  uint16_t ip_id;
  uint16_t frag_field;  // flags (MF) and fragment offset, as on the wire
  Frame whole;          // TXD_L4_ETH: the frame as sent, padded (no FCS); else empty
};

// A whole frame's length: mostly short ones (padding) and up to ETH_FRAME_MAX, a few outside
// ETH_HLEN..ETH_FRAME_MAX (descriptor errors).
uint32_t pick_frame_len(std::mt19937_64& rng) {
  const unsigned bucket = rng() % 100;
  if (bucket < 5) return static_cast<uint32_t>(rng() % abi::ETH_HLEN);
  if (bucket < 10) return abi::ETH_FRAME_MAX + 1 + static_cast<uint32_t>(rng() % 100);
  if (bucket < 45) return abi::ETH_HLEN + static_cast<uint32_t>(rng() % (abi::ETH_ZLEN - abi::ETH_HLEN));
  return abi::ETH_HLEN + static_cast<uint32_t>(rng() % (abi::ETH_FRAME_MAX - abi::ETH_HLEN + 1));
}

// Payload length: biased so tiny, MTU-sized, jumbo and 64 KiB datagrams all occur.
uint32_t pick_len(std::mt19937_64& rng, uint32_t max) {
  const unsigned bucket = rng() % 100;
  uint32_t lo, hi;
  if (bucket < 40) {
    lo = 0, hi = 128;
  } else if (bucket < 65) {
    lo = 129, hi = 1500;
  } else if (bucket < 85) {
    lo = 1501, hi = 9000;
  } else {
    lo = 9001, hi = max;
  }
  return lo + static_cast<uint32_t>(rng() % (hi - lo + 1));
}

// TCP options tshark reads without complaint: NOP NOP timestamps, then NOPs.
void fill_tcp_opts(std::mt19937_64& rng, abi::TxDescTcp* t) {
  const unsigned n = std::min<unsigned>(t->opt_len, abi::TXD_TCP_OPT_MAX);
  unsigned k = 0;
  while (k + 12 <= n) {
    t->opts[k++] = 1;
    t->opts[k++] = 1;
    t->opts[k++] = 8;
    t->opts[k++] = 10;
    for (unsigned i = 0; i < 8; ++i) t->opts[k++] = static_cast<uint8_t>(rng());
  }
  while (k < n) t->opts[k++] = 1;
}

uint32_t tcp_segs(uint32_t len, uint32_t mss) { return len == 0 ? 1 : (len + mss - 1) / mss; }

uint32_t read_reg(Device& d, uint32_t off) { return d.reg_read(off); }

uint64_t read64(Device& d, uint32_t lo) {
  uint64_t v = d.reg_read(lo);
  return v | uint64_t{d.reg_read(lo + 4)} << 32;
}

struct Side {
  sendoff::MemorySink sink;
  std::unique_ptr<Device> dev;
  DmaBuffer ring, pay, wb;
  uint32_t wb_last = 0;  // the write-back word when last looked at
};

// The tail write-back word as the host reads it while the NIC runs.
uint32_t wb_word(const Side& s) {
  return __atomic_load_n(reinterpret_cast<const uint32_t*>(s.wb.host + abi::WB_TAIL_OFF),
                         __ATOMIC_ACQUIRE);
}

// The word moved forward (mod 2^32) since the last look and is not past RING_TAIL.
void check_wb_step(Side& s) {
  const uint32_t v = wb_word(s);
  const uint32_t tail = s.dev->reg_read(abi::REG_RING_TAIL);
  EXPECT_GE(static_cast<int32_t>(v - s.wb_last), 0)
      << s.dev->name() << ": write-back went backwards, " << v << " after " << s.wb_last;
  EXPECT_GE(static_cast<int32_t>(tail - v), 0)
      << s.dev->name() << ": write-back " << v << " ahead of RING_TAIL " << tail;
  s.wb_last = v;
}

void wait_idle(Side& s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((s.dev->reg_read(abi::REG_STATUS) & abi::STATUS_BUSY) != 0 &&
         std::chrono::steady_clock::now() < deadline)
    s.dev->wait_progress(10000);
}

bool tshark_clean(const std::string& pcap, const std::vector<uint16_t>& ports, std::string* out) {
  std::string cmd = "tshark -r '" + pcap +
                    "' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
                    " -o tcp.check_checksum:TRUE"
                    " -Y '_ws.malformed || _ws.expert.severity >= \"Error\" ||"
                    " ip.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\" ||"
                    " tcp.checksum.status == \"Bad\"'"
                    " -T fields -e frame.number -e _ws.col.Info"
                    // Raw payloads are random: without a decoder for kRawProto, tshark's
                    // heuristics (CARP) claim some of them and find their checksums bad.
                    " -d ip.proto==" + std::to_string(kRawProto) + ",data";
  for (uint16_t p : ports)
    cmd += " -d udp.port==" + std::to_string(p) + ",data -d tcp.port==" + std::to_string(p) + ",data";
  cmd += " 2>/dev/null";  // stderr: only the "running as root" notice
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return false;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  return pclose(f) == 0 && out->empty();
}

void run_cosim(const CosimRun& r) {
  // tshark reads the frames of every run that leaves the FCS to the MAC.
  const bool check_tshark = !r.fcs;
  if (check_tshark) SENDOFF_REQUIRE(sendoff::test::missing_program("tshark"));
  std::mt19937_64 rng(r.seed);
  Side dut, ref;
  sendoff::sim::TxTopSimConfig cfg;
  cfg.sink_ready_prob = r.ready_prob;
  cfg.seed = r.seed;
  cfg.desc_port = sendoff::sim::realistic_memory(r.seed * 3 + 1, true);
  cfg.data_port = sendoff::sim::realistic_memory(r.seed * 5 + 2, true);
  cfg.wr_port = sendoff::sim::realistic_write_memory(r.seed * 7 + 3, true);
  // Both back ends hand out the same addresses: the ring first, then the payload area. The
  // poisoned range takes the ring's last 1..8 entry pairs and the payload area's first
  // 2..16 KiB (READ_FAULT_ALIGN multiples), which every batch uses.
  const uint64_t ring_end = kFirstAddr + uint64_t{kRingEntries} * abi::TXD_BYTES;
  sendoff::ReadFaultRange fault;
  fault.lo = ring_end - sendoff::READ_FAULT_ALIGN * (1 + rng() % 4);
  fault.hi = ring_end + sendoff::READ_FAULT_ALIGN * (16 + rng() % 113);
  cfg.desc_port.fault = fault;
  cfg.data_port.fault = fault;
  cfg.wr_port.fault = fault;
  dut.dev = sendoff::make_verilator_device(&dut.sink, cfg);
  ref.dev = sendoff::make_csim_device(&ref.sink, fault, /*tso=*/true);  // as the RTL
  for (Side* s : {&dut, &ref}) {
    s->ring = s->dev->dma_alloc(size_t{kRingEntries} * abi::TXD_BYTES);
    s->pay = s->dev->dma_alloc(kPayloadArea);
    // 64 bytes first, so that the block sits at 64 mod 128: at 1024 bits its tail is in
    // lanes 64..67 of the beat, at 512 in lanes 0..3.
    ASSERT_EQ(s->dev->dma_alloc(64).size, 64u);
    s->wb = s->dev->dma_alloc(abi::WB_BYTES);
    ASSERT_EQ(s->wb.size, size_t{abi::WB_BYTES});
    std::memset(s->wb.host, 0xA5, abi::WB_BYTES);  // so that the enable edge's write shows
    ASSERT_EQ(s->ring.size, size_t{kRingEntries} * abi::TXD_BYTES);
    ASSERT_EQ(s->pay.size, kPayloadArea);
  }
  ASSERT_EQ(dut.ring.dev_addr, kFirstAddr);
  ASSERT_EQ(dut.pay.dev_addr, ring_end);
  // One memory image: the same bytes at the same device addresses.
  ASSERT_EQ(dut.ring.dev_addr, ref.ring.dev_addr);
  ASSERT_EQ(dut.pay.dev_addr, ref.pay.dev_addr);
  ASSERT_EQ(dut.wb.dev_addr, ref.wb.dev_addr);
  ASSERT_EQ(dut.wb.dev_addr % 128, 64u);
  ASSERT_FALSE(fault.overlaps(dut.wb.dev_addr, abi::WB_BYTES));

  auto write_both = [&](uint32_t off, uint32_t v) {
    dut.dev->reg_write(off, v);
    ref.dev->reg_write(off, v);
  };

  // Flows: UDP and raw, different MTUs (68 .. 9000), MACs and ports.
  std::vector<abi::FlowEntry> flows(kFlows);
  std::vector<uint16_t> ports;
  for (unsigned i = 0; i < kFlows; ++i) {
    abi::FlowEntry& f = flows[i];
    std::memset(&f, 0, sizeof f);
    f.saddr = 0xC6120001 + i;  // 198.18.0.0/15
    f.daddr = 0xC6130000 + static_cast<uint32_t>(rng() % 65536);
    f.sport = static_cast<uint16_t>(40000 + i);
    f.dport = static_cast<uint16_t>(9000 + i);
    ports.push_back(f.sport);
    ports.push_back(f.dport);
    static const uint16_t kMtus[] = {68, 576, 1500, 1500, 4000, 9000};
    f.mtu = i < 6 ? kMtus[i] : static_cast<uint16_t>(abi::MIN_MTU + rng() % (abi::MAX_MTU - 67));
    f.protocol = i % 4 == 3 ? kRawProto : abi::IPPROTO_UDP_NUM;
    f.flags = abi::FLOW_F_VALID;
    for (unsigned b = 0; b < 6; ++b) {
      f.dmac[b] = static_cast<uint8_t>(rng());
      f.smac[b] = static_cast<uint8_t>(rng());
    }
    f.dmac[0] = (f.dmac[0] & 0xFE) | 0x02;  // locally administered unicast
    f.smac[0] = (f.smac[0] & 0xFE) | 0x02;
    uint32_t w[abi::FLOW_WORDS];
    std::memcpy(w, &f, sizeof w);
    for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) write_both(abi::REG_FLOW_DATA + 4 * k, w[k]);
    write_both(abi::REG_FLOW_INDEX, i);
    write_both(abi::REG_FLOW_COMMIT, 1);
  }
  // The entries the drop descriptors name: written, not valid (the RTL's table starts random).
  for (unsigned i = kFlows; i < 2 * kFlows; ++i) {
    for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) write_both(abi::REG_FLOW_DATA + 4 * k, 0);
    write_both(abi::REG_FLOW_INDEX, i);
    write_both(abi::REG_FLOW_COMMIT, 1);
  }
  write_both(abi::REG_CTRL, 0);
  write_both(abi::REG_RING_BASE_LO, static_cast<uint32_t>(dut.ring.dev_addr));
  write_both(abi::REG_RING_BASE_HI, static_cast<uint32_t>(dut.ring.dev_addr >> 32));
  write_both(abi::REG_RING_SIZE, kRingEntries);
  uint32_t head = dut.dev->reg_read(abi::REG_RING_TAIL);
  ASSERT_EQ(head, ref.dev->reg_read(abi::REG_RING_TAIL));
  write_both(abi::REG_RING_HEAD, head);
  write_both(abi::REG_WB_BASE_LO, static_cast<uint32_t>(dut.wb.dev_addr));
  write_both(abi::REG_WB_BASE_HI, static_cast<uint32_t>(dut.wb.dev_addr >> 32));
  write_both(abi::REG_CTRL, abi::CTRL_ENABLE | (r.fcs ? abi::CTRL_FCS_APPEND : 0));
  // The enable edge writes the current tail on both.
  for (Side* s : {&dut, &ref}) {
    wait_idle(*s);
    EXPECT_EQ(wb_word(*s), head) << s->dev->name() << ": the enable edge's write-back";
    s->wb_last = wb_word(*s);
  }

  std::unique_ptr<sendoff::PcapSink> pcap;
  const std::string pcap_path = ::testing::TempDir() + "cosim_" + std::to_string(r.seed) + ".pcap";
  if (check_tshark) {
    std::string err;
    pcap = sendoff::PcapSink::open(pcap_path, &err);
    ASSERT_NE(pcap, nullptr) << err;
  }

  std::vector<uint16_t> ip_id(kFlows);
  for (auto& id : ip_id) id = static_cast<uint16_t>(rng());
  uint64_t done = 0, frames_total = 0, bytes_total = 0, drops = 0, desc_errors = 0;
  uint64_t read_errors = 0, tcp_descs = 0, slots_total = 0;
  std::vector<uint8_t> payload;
  while (done < r.descriptors) {
    // A batch: up to 2048 ring slots whose payloads fit the payload area (batch counts
    // slots, ndesc descriptors).
    std::vector<Expect> expect;
    size_t pay_off = 0;
    uint32_t batch = 0, ndesc = 0;
    while (done + ndesc < r.descriptors && batch + 1 < 2048) {
      const unsigned fi = static_cast<unsigned>(rng() % kFlows);
      const abi::FlowEntry& f = flows[fi];
      const uint32_t idx = (head + batch) % kRingEntries;
      const uint64_t entry = dut.ring.dev_addr + uint64_t{idx} * abi::TXD_BYTES;
      const uint32_t idx2 = (head + batch + 1) % kRingEntries;
      const uint64_t entry2 = dut.ring.dev_addr + uint64_t{idx2} * abi::TXD_BYTES;
      const bool eth = rng() % 10 == 0;  // a whole frame, the flow index ignored
      // TCP: a first slot that reads with an error would leave its second slot to be read as
      // a descriptor of its own, which this test does not predict; so none there.
      const bool tcp = !eth && rng() % 6 == 0 && !fault.overlaps(entry, abi::TXD_BYTES);
      const bool udp = !tcp && f.protocol == abi::IPPROTO_UDP_NUM;
      const uint32_t len = eth   ? pick_frame_len(rng)
                           : tcp ? (rng() % 50 == 0 ? abi::MAX_PAYLOAD + 1 + rng() % 64
                                                    : pick_len(rng, abi::MAX_PAYLOAD))
                                 : pick_len(rng, 65507);
      // A third of the payloads at a random byte offset from the 64-byte grid
      // (CAPS_TX_UNALIGNED), TSO ones included.
      const size_t skew = rng() % 3 == 0 ? rng() % 64 : 0;
      const size_t need = (skew + len + 63) & ~size_t{63};
      if (pay_off + need > kPayloadArea) break;
      pay_off += skew;
      payload.resize(len);
      for (auto& b : payload) b = static_cast<uint8_t>(rng());
      if (eth && len >= abi::ETH_HLEN) {
        payload[0] &= 0xFE;  // unicast destination, so that tshark has nothing to say
        payload[12] = kLocalExpEthertype >> 8;
        payload[13] = kLocalExpEthertype & 0xFF;
      }
      std::memcpy(dut.pay.host + pay_off, payload.data(), len);
      std::memcpy(ref.pay.host + pay_off, payload.data(), len);
      dut.dev->dma_sync_to_device(dut.pay, pay_off, len);
      ref.dev->dma_sync_to_device(ref.pay, pay_off, len);

      abi::TxDesc d;
      std::memset(&d, 0, sizeof d);
      d.addr = dut.pay.dev_addr + pay_off;
      d.len = len;
      d.flow = static_cast<uint16_t>(fi);
      const unsigned kind = static_cast<unsigned>(rng() % 100);
      if (kind == 0) d.flow = static_cast<uint16_t>(kFlows + rng() % 8);  // invalid: a drop
      const bool df = kind >= 1 && kind < 11;
      const uint16_t l4kind = eth   ? abi::TXD_L4_ETH
                              : tcp ? abi::TXD_L4_TCP
                              : udp ? abi::TXD_L4_UDP
                                    : abi::TXD_L4_RAW;
      d.flags = static_cast<uint16_t>(l4kind | (df ? abi::TXD_F_DF : 0));
      d.ip_id = ip_id[fi]++;
      d.ttl = static_cast<uint8_t>(1 + rng() % 255);
      d.tos = static_cast<uint8_t>(rng());
      d.cookie = head + batch;
      abi::TxDescTcp t;
      std::memset(&t, 0, sizeof t);
      if (tcp) {
        d.seq = static_cast<uint32_t>(rng());
        t.ack = static_cast<uint32_t>(rng());
        t.window = static_cast<uint16_t>(rng());
        // Any flags where tshark does not look; else ACK with PSH, FIN, CWR, ECE at random.
        t.tcp_flags = check_tshark ? static_cast<uint8_t>(0x10 | (rng() & 0xC9))
                                   : static_cast<uint8_t>(rng());
        const unsigned bad = static_cast<unsigned>(rng() % 40);
        t.opt_len = static_cast<uint8_t>(bad == 0 ? 1 + rng() % 40 : 4 * (rng() % 7));
        fill_tcp_opts(rng, &t);
        // Mostly an MSS whose segment fits the flow's MTU, some that do not, a few outside
        // TSO_MSS_MIN..MAX_MTU.
        const uint32_t fit = f.mtu > 40u + t.opt_len + abi::TSO_MSS_MIN
                                 ? f.mtu - 40u - t.opt_len
                                 : abi::TSO_MSS_MIN;
        if (bad == 1) {
          d.mss = static_cast<uint16_t>(rng() % abi::TSO_MSS_MIN);
        } else if (bad == 2) {
          d.mss = static_cast<uint16_t>(abi::MAX_MTU + 1 + rng() % 1000);
        } else if (rng() % 5 == 0) {
          d.mss = static_cast<uint16_t>(abi::TSO_MSS_MIN + rng() % (8960 - abi::TSO_MSS_MIN + 1));
        } else {
          d.mss = static_cast<uint16_t>(abi::TSO_MSS_MIN + rng() % (fit - abi::TSO_MSS_MIN + 1));
        }
      }
      auto put_slot = [&](uint32_t at, const void* rec) {
        std::memcpy(dut.ring.host + size_t{at} * abi::TXD_BYTES, rec, abi::TXD_BYTES);
        std::memcpy(ref.ring.host + size_t{at} * abi::TXD_BYTES, rec, abi::TXD_BYTES);
        dut.dev->dma_sync_to_device(dut.ring, size_t{at} * abi::TXD_BYTES, abi::TXD_BYTES);
        ref.dev->dma_sync_to_device(ref.ring, size_t{at} * abi::TXD_BYTES, abi::TXD_BYTES);
      };
      put_slot(idx, &d);
      if (tcp) put_slot(idx2, &t);

      // The frames this descriptor asks for, from the ABI's rules and read_fault.hpp alone.
      const uint32_t l4 = len + (udp ? 8 : 0);
      if (tcp) {
        ++tcp_descs;
        const uint32_t seg = std::min<uint32_t>(len, d.mss);
        const bool slot2_fault = fault.overlaps(entry2, abi::TXD_BYTES);
        if (slot2_fault || len > abi::MAX_PAYLOAD || d.mss < abi::TSO_MSS_MIN ||
            d.mss > abi::MAX_MTU || t.opt_len % 4 != 0 || t.opt_len > abi::TXD_TCP_OPT_MAX) {
          ++desc_errors;
          if (slot2_fault) ++read_errors;
        } else if (d.flow >= kFlows) {
          ++drops;
        } else if (40 + t.opt_len + seg > f.mtu) {
          ++desc_errors;
        } else if (fault.overlaps(d.addr, len)) {
          ++desc_errors;
          ++read_errors;
        } else {
          const uint32_t n = tcp_segs(len, d.mss);
          for (uint32_t k = 0; k < n; ++k)
            expect.push_back({static_cast<uint16_t>(d.ip_id + k),
                              static_cast<uint16_t>(df ? 0x4000 : 0), {}});
          ip_id[fi] = static_cast<uint16_t>(ip_id[fi] + n);
        }
      } else if (fault.overlaps(entry, abi::TXD_BYTES)) {
        ++desc_errors;
        ++read_errors;
      } else if (eth) {
        if (len < abi::ETH_HLEN || len > abi::ETH_FRAME_MAX) {
          ++desc_errors;
        } else if (fault.overlaps(d.addr, len)) {
          ++desc_errors;
          ++read_errors;
        } else {
          Frame whole = payload;
          if (whole.size() < abi::ETH_ZLEN) whole.resize(abi::ETH_ZLEN, 0);
          expect.push_back({0, 0, std::move(whole)});
        }
      } else if (d.flow >= kFlows) {
        ++drops;
      } else if (!(df && 20 + l4 > f.mtu) && fault.overlaps(d.addr, len)) {
        ++desc_errors;
        ++read_errors;
      } else if (20 + l4 <= f.mtu) {
        expect.push_back({d.ip_id, static_cast<uint16_t>(df ? 0x4000 : 0), {}});
      } else if (df) {
        ++desc_errors;
      } else {
        const uint32_t per = (f.mtu - 20u) & ~7u;
        for (uint32_t o = 0; o < l4; o += per)
          expect.push_back(
              {d.ip_id, static_cast<uint16_t>((o / 8) | (o + per < l4 ? 0x2000 : 0)), {}});
      }
      pay_off += need - skew;
      batch += tcp ? 2 : 1;
      ++ndesc;
    }
    head += batch;
    slots_total += batch;
    write_both(abi::REG_RING_HEAD, head);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (dut.dev->reg_read(abi::REG_RING_TAIL) != head ||
           ref.dev->reg_read(abi::REG_RING_TAIL) != head) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "NIC stuck, seed " << r.seed;
      dut.dev->wait_progress(10000);
      ref.dev->wait_progress(10000);
      for (Side* s : {&dut, &ref}) check_wb_step(*s);
    }
    // Idle: the word is the tail on both.
    for (Side* s : {&dut, &ref}) {
      wait_idle(*s);
      check_wb_step(*s);
      ASSERT_EQ(wb_word(*s), head) << s->dev->name() << ": the write-back at idle, seed "
                                   << r.seed;
      for (unsigned i = 4; i < abi::WB_BYTES; ++i)
        ASSERT_EQ(s->wb.host[i], 0xA5) << s->dev->name() << ": reserved byte " << i;
    }
    const std::vector<Frame> a = dut.sink.take_all(), b = ref.sink.take_all();
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(a[i], b[i]) << "seed " << r.seed << ", frame " << frames_total + i + 1 << ": "
                            << sendoff::format_frame_diff("verilator", a[i].data(), a[i].size(),
                                                          "csim", b[i].data(), b[i].size());
    }
    ASSERT_EQ(a.size(), b.size()) << "seed " << r.seed;
    ASSERT_EQ(a.size(), expect.size()) << "seed " << r.seed << ": frames lost or extra";
    for (size_t i = 0; i < a.size(); ++i) {
      const Frame& fr = a[i];
      ASSERT_GE(fr.size(), size_t{abi::ETH_ZLEN});
      bytes_total += fr.size() - (r.fcs ? abi::ETH_FCS_LEN : 0);
      if (pcap && frames_total + i < kPcapFrames) pcap->deliver(fr.data(), fr.size());
      if (!expect[i].whole.empty()) {
        ASSERT_EQ(Frame(fr.begin(), fr.end() - (r.fcs ? abi::ETH_FCS_LEN : 0)), expect[i].whole)
            << "frame " << frames_total + i + 1 << ": not the whole frame asked for";
        continue;
      }
      const uint16_t id = static_cast<uint16_t>(fr[18] << 8 | fr[19]);
      const uint16_t frag = static_cast<uint16_t>(fr[20] << 8 | fr[21]);
      ASSERT_EQ(id, expect[i].ip_id) << "frame " << frames_total + i + 1 << " out of order";
      ASSERT_EQ(frag, expect[i].frag_field) << "frame " << frames_total + i + 1;
    }
    frames_total += a.size();
    done += ndesc;
  }

  // Counters: equal on both, and what the descriptors add up to.
  for (Side* s : {&dut, &ref}) {
    SCOPED_TRACE(s->dev->name());
    EXPECT_EQ(read64(*s->dev, abi::REG_STAT_FRAMES_LO), frames_total);
    EXPECT_EQ(read64(*s->dev, abi::REG_STAT_BYTES_LO), bytes_total);
    EXPECT_EQ(read_reg(*s->dev, abi::REG_STAT_DROPS), drops);
    EXPECT_EQ(read_reg(*s->dev, abi::REG_STAT_DESC_ERRORS), desc_errors);
    EXPECT_EQ(read_reg(*s->dev, abi::REG_STAT_WB_ERRORS), 0u);
  }
  // The poisoned range must have been met, or the run proves nothing about read errors.
  EXPECT_GT(read_errors, 0u);
  EXPECT_GT(tcp_descs, 0u);
  printf("seed %llu: %llu descriptors (%llu TCP, %llu slots), %llu frames, %llu bytes, "
         "%llu read errors, tready %.2f, fcs %d\n",
         static_cast<unsigned long long>(r.seed), static_cast<unsigned long long>(r.descriptors),
         static_cast<unsigned long long>(tcp_descs), static_cast<unsigned long long>(slots_total),
         static_cast<unsigned long long>(frames_total), static_cast<unsigned long long>(bytes_total),
         static_cast<unsigned long long>(read_errors), r.ready_prob, r.fcs ? 1 : 0);

  if (check_tshark) {
    pcap.reset();
    std::string out;
    EXPECT_TRUE(tshark_clean(pcap_path, ports, &out)) << pcap_path << ":\n" << out;
    if (!::testing::Test::HasFailure()) std::remove(pcap_path.c_str());
  }
}

#ifndef SENDOFF_COSIM_LONG
// Sized to run in about two minutes on two cores (see tests/cosim/CMakeLists.txt).
class Cosim : public ::testing::TestWithParam<CosimRun> {};
TEST_P(Cosim, RtlMatchesHlsModel) { run_cosim(GetParam()); }

// The receive path: both back ends get the same frames from the wire (every kind
// rx_frames.hpp makes) into rings set up alike, the ring running out of buffers and the host
// giving more; after each batch RX_TAIL, the counters, every completion, each kept frame's
// buffer bytes and RX_TAIL's write-back word must agree.
struct RxSide {
  sendoff::MemorySink sink;
  std::unique_ptr<Device> dev;
  DmaBuffer bufs, cpl, wb;
  uint64_t buf_base = 0;
  uint8_t* buf_host = nullptr;

  uint32_t counted() {
    return dev->reg_read(abi::REG_STAT_RX_FRAMES_LO) + dev->reg_read(abi::REG_STAT_RX_DROP_FCS) +
           dev->reg_read(abi::REG_STAT_RX_DROP_NOBUF) + dev->reg_read(abi::REG_STAT_RX_DROP_LEN);
  }
};

TEST(CosimRx, RtlMatchesHlsModel) {
  constexpr uint32_t kRing = 32, kBufSize = 2048;
  std::mt19937_64 rng(31);
  RxSide dut, ref;
  sendoff::sim::TxTopSimConfig cfg;
  cfg.rx_port = sendoff::sim::realistic_write_memory(31, true);
  dut.dev = sendoff::make_verilator_device(&dut.sink, cfg);
  ref.dev = sendoff::make_csim_device(&ref.sink, {}, /*tso=*/true);  // as the RTL
  uint32_t head = 20;
  for (RxSide* s : {&dut, &ref}) {
    s->cpl = s->dev->dma_alloc(kRing * abi::RXC_BYTES);
    s->wb = s->dev->dma_alloc(abi::WB_BYTES);
    s->bufs = s->dev->dma_alloc(size_t{kRing + 1} * kBufSize);
    ASSERT_NE(s->bufs.size, 0u);
    s->buf_base = (s->bufs.dev_addr + kBufSize - 1) & ~uint64_t{kBufSize - 1};
    s->buf_host = s->bufs.host + (s->buf_base - s->bufs.dev_addr);
    s->dev->reg_write(abi::REG_RX_BUF_BASE_LO, uint32_t(s->buf_base));
    s->dev->reg_write(abi::REG_RX_BUF_BASE_HI, uint32_t(s->buf_base >> 32));
    s->dev->reg_write(abi::REG_RX_CPL_BASE_LO, uint32_t(s->cpl.dev_addr));
    s->dev->reg_write(abi::REG_RX_CPL_BASE_HI, uint32_t(s->cpl.dev_addr >> 32));
    s->dev->reg_write(abi::REG_WB_BASE_LO, uint32_t(s->wb.dev_addr));
    s->dev->reg_write(abi::REG_WB_BASE_HI, uint32_t(s->wb.dev_addr >> 32));
    s->dev->reg_write(abi::REG_RX_RING_SIZE, kRing);
    s->dev->reg_write(abi::REG_RX_BUF_SIZE, kBufSize);
    s->dev->reg_write(abi::REG_RX_HEAD, head);
    s->dev->reg_write(abi::REG_CTRL, abi::CTRL_RX_ENABLE);
  }
  uint32_t sent = 0;
  for (int batch = 0; batch < 8; ++batch) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    for (int i = 0; i < 24; ++i, ++sent) {
      const Frame f = rxtest::make_rx_frame(rng, rxtest::random_kind(rng));
      ASSERT_TRUE(dut.dev->mac_rx(f.data(), f.size()));
      ASSERT_TRUE(ref.dev->mac_rx(f.data(), f.size()));
    }
    // Every frame counted, and the completions and write-back alike (the RTL writes the
    // partial line at idle a little later).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto same_cpl = [&] {
      return std::memcmp(dut.cpl.host, ref.cpl.host, dut.cpl.size) == 0 &&
             std::memcmp(dut.wb.host + abi::WB_RX_TAIL_OFF, ref.wb.host + abi::WB_RX_TAIL_OFF, 4) == 0;
    };
    while (std::chrono::steady_clock::now() < deadline &&
           (dut.counted() != sent || ref.counted() != sent || !same_cpl())) {
      dut.dev->wait_rx(1000);
    }
    for (uint32_t reg : {abi::REG_RX_TAIL, abi::REG_STAT_RX_FRAMES_LO, abi::REG_STAT_RX_BYTES_LO,
                         abi::REG_STAT_RX_DROP_FCS, abi::REG_STAT_RX_DROP_NOBUF,
                         abi::REG_STAT_RX_DROP_LEN}) {
      EXPECT_EQ(dut.dev->reg_read(reg), ref.dev->reg_read(reg)) << std::hex << reg;
    }
    ASSERT_TRUE(same_cpl()) << "completions or RX_TAIL's write-back differ";
    // Each kept frame's bytes in its buffer (what the host may read of it).
    const uint32_t tail = ref.dev->reg_read(abi::REG_RX_TAIL);
    for (uint32_t i = tail > kRing ? tail - kRing : 0; i < tail; ++i) {
      abi::RxCpl c;
      std::memcpy(&c, ref.cpl.host + (i % kRing) * abi::RXC_BYTES, sizeof c);
      const size_t at = size_t{i % kRing} * kBufSize;
      ASSERT_EQ(std::memcmp(dut.buf_host + at, ref.buf_host + at, c.len), 0) << "buffer of " << i;
    }
    head += 16;
    for (RxSide* s : {&dut, &ref}) s->dev->reg_write(abi::REG_RX_HEAD, head);
  }
  EXPECT_GT(ref.dev->reg_read(abi::REG_STAT_RX_DROP_NOBUF), 0u);
  EXPECT_GT(ref.dev->reg_read(abi::REG_RX_TAIL), 2 * kRing);
}
#if SENDOFF_DATA_WIDTH == 1024
// The 1024-bit build (scripts/test.sh configures one, with fewer descriptors): one seed,
// with MAC backpressure, the same jittered memory and poisoned range.
INSTANTIATE_TEST_SUITE_P(W1024, Cosim, ::testing::Values(CosimRun{5, SENDOFF_COSIM_N, 0.6, false}),
                         [](const ::testing::TestParamInfo<CosimRun>& i) {
                           return ::testing::PrintToString(i.param);
                         });
#else
INSTANTIATE_TEST_SUITE_P(Runs, Cosim,
                         ::testing::Values(CosimRun{1, SENDOFF_COSIM_N, 1.0, false},
                                           CosimRun{2, SENDOFF_COSIM_N, 0.3, false},
                                           CosimRun{3, SENDOFF_COSIM_N, 0.55, true},
                                           CosimRun{4, SENDOFF_COSIM_N, 0.8, false}),
                         [](const ::testing::TestParamInfo<CosimRun>& i) {
                           return ::testing::PrintToString(i.param);
                         });
#endif
#else
// The opt-in run: at least 100,000 descriptors in all.
TEST(CosimLong, RtlMatchesHlsModel) {
  const double ready[] = {1.0, 0.3, 0.45, 0.6, 0.75, 0.9};
  for (unsigned i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    run_cosim(CosimRun{100 + i, 17000, ready[i], i == 2});
    if (::testing::Test::HasFatalFailure() || ::testing::Test::IsSkipped()) return;
  }
}
#endif

}  // namespace
