// SPDX-License-Identifier: MIT
// fuzz_csim_device: random flow-table entries, register writes and TX descriptors fed to
// the csim NIC through the Device interface, as a driver would (or a broken one). Checks:
// the NIC never hangs (every wait is bounded), nothing crashes (ASan, UBSan), and every
// descriptor is accounted for: the counter that moves (STAT_DESC_ERRORS, STAT_DROPS, or
// STAT_FRAMES and STAT_BYTES by the frames it makes) is the one nic_abi.hpp's rules name,
// computed here independently of hls/sendoff_tx (expect() below).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "csim_device.hpp"
#include "sendoff/nic_abi.hpp"

namespace {

using namespace sendoff;
namespace a = sendoff::abi;

constexpr uint64_t kDevMem = SENDOFF_DEV_MEM_BYTES;
constexpr uint32_t kRingSize = 256;
constexpr uint64_t kPayloadBytes = 256 * 1024;
constexpr uint64_t kWordBytes = 64;  // the NIC's memory word (payloads need no alignment: ABI 3.1)
// Largest L4 payloads: an IPv4 datagram is at most 65535 bytes with its 20-byte header.
constexpr uint32_t kRawMax = a::MAX_PAYLOAD - 20;
constexpr uint32_t kUdpMax = kRawMax - 8;
constexpr uint32_t kTcpMax = 65535;

struct Flow {
  uint32_t words[a::FLOW_WORDS] = {};
  uint16_t mtu() const { return static_cast<uint16_t>(words[a::FLOW_MTU_OFF / 4] & 0xffff); }
  uint8_t flags() const { return static_cast<uint8_t>(words[a::FLOW_FLAGS_OFF / 4] >> 24); }
};

struct ReadFault {
  uint64_t lo, hi;
  bool overlaps(uint64_t addr, uint64_t n) const { return addr < hi && addr + n > lo && n > 0; }
};

enum class Verdict { kError, kDrop, kSent };
struct Expect {
  Verdict v;
  uint64_t frames = 0, bytes = 0;
};

uint64_t frame_bytes(uint64_t ip_bytes) {
  const uint64_t f = a::ETH_HLEN + ip_bytes;
  return f < a::ETH_ZLEN ? a::ETH_ZLEN : f;
}

// The validity oracle, from nic_abi.hpp's rules: what one descriptor (with its second
// slot t when it is TCP: the csim NIC has CAPS_TSO) does to the counters.
Expect expect(const a::TxDesc& d, const a::TxDescTcp& t, const Flow* flows,
              const ReadFault& fault) {
  const uint32_t l4 = d.flags & a::TXD_F_L4_MASK;
  const bool udp = l4 == a::TXD_L4_UDP, eth = l4 == a::TXD_L4_ETH, tcp = l4 == a::TXD_L4_TCP;
  const bool len_ok = eth ? d.len >= a::ETH_HLEN && d.len <= a::ETH_FRAME_MAX
                          : d.len <= (tcp ? kTcpMax : udp ? kUdpMax : kRawMax);
  const bool tcp_ok = !tcp || (d.mss >= a::TSO_MSS_MIN && d.mss <= a::MAX_MTU &&
                               t.opt_len % 4 == 0 && t.opt_len <= a::TXD_TCP_OPT_MAX);
  if ((d.flags & ~a::TXD_F_KNOWN) != 0 || !tcp_ok || d.rsvd != 0 ||
      !len_ok || d.addr > kDevMem || d.len > kDevMem - d.addr)
    return {Verdict::kError};
  if (eth) {
    if (fault.overlaps(d.addr, d.len)) return {Verdict::kError};
    return {Verdict::kSent, 1, d.len < a::ETH_ZLEN ? a::ETH_ZLEN : d.len};
  }
  if (d.flow >= a::FLOW_TABLE_SIZE) return {Verdict::kDrop};
  const Flow& f = flows[d.flow];
  if ((f.flags() & a::FLOW_F_VALID) == 0 || f.mtu() < a::MIN_MTU || f.mtu() > a::MAX_MTU)
    return {Verdict::kDrop};
  if (tcp) {
    // TSO: MSS-sized segments, each 20 + 20 + options + its payload; never fragmented.
    const uint32_t hdr = 20 + 20 + t.opt_len;
    if (hdr + std::min<uint32_t>(d.len, d.mss) > f.mtu()) return {Verdict::kError};
    if (fault.overlaps(d.addr, d.len)) return {Verdict::kError};
    Expect e{Verdict::kSent};
    uint32_t off = 0;
    do {
      const uint32_t seg = std::min<uint32_t>(d.mss, d.len - off);
      ++e.frames;
      e.bytes += frame_bytes(hdr + seg);
      off += seg;
    } while (off < d.len);
    return e;
  }
  const uint64_t l4_len = d.len + (udp ? 8 : 0);
  if ((d.flags & a::TXD_F_DF) != 0 && 20 + l4_len > f.mtu()) return {Verdict::kError};
  if (fault.overlaps(d.addr, d.len)) return {Verdict::kError};
  if (20 + l4_len <= f.mtu()) return {Verdict::kSent, 1, frame_bytes(20 + l4_len)};
  const uint64_t piece = (f.mtu() - 20u) & ~7u;  // bytes of L4 data per fragment
  Expect e{Verdict::kSent};
  for (uint64_t off = 0; off < l4_len; off += piece) {
    ++e.frames;
    e.bytes += frame_bytes(20 + (l4_len - off < piece ? l4_len - off : piece));
  }
  return e;
}

[[noreturn]] void fail(const char* what, const a::TxDesc& d, const Expect& e, uint64_t frames,
                       uint64_t bytes, uint32_t drops, uint32_t errors) {
  fprintf(stderr,
          "fuzz_csim_device: %s: desc{addr %#llx len %u flow %u flags %#x rsvd %u}: expected "
          "verdict %d frames %llu bytes %llu; got frames +%llu bytes +%llu drops +%u errors +%u\n",
          what, static_cast<unsigned long long>(d.addr), d.len, d.flow, d.flags, d.rsvd,
          static_cast<int>(e.v), static_cast<unsigned long long>(e.frames),
          static_cast<unsigned long long>(e.bytes), static_cast<unsigned long long>(frames),
          static_cast<unsigned long long>(bytes), drops, errors);
  abort();
}

struct Nic {
  ReadFault fault;
  std::unique_ptr<Device> dev;
  DmaBuffer ring, payload, wb, poisoned;
  Flow flows[a::FLOW_TABLE_SIZE];
  uint32_t head = 0;
  uint32_t ctrl = 0;

  Nic() {
    // The poisoned range is placed where the allocator will put `poisoned` below: the
    // first allocation starts at the device's first address, in the order made here.
    ring = DmaBuffer{};
    const uint64_t probe_lo = 1ull << 20;  // 1 MiB: past what the buffers below take
    fault = {probe_lo, probe_lo + 4096};
    dev = make_csim_device(nullptr, ReadFaultRange{fault.lo, fault.hi});
    ring = dev->dma_alloc(kRingSize * a::TXD_BYTES);
    wb = dev->dma_alloc(a::WB_BYTES);
    payload = dev->dma_alloc(kPayloadBytes);
    if (ring.size == 0 || payload.size == 0 || wb.size == 0 ||
        payload.dev_addr + payload.size > fault.lo) {
      fprintf(stderr, "fuzz_csim_device: device memory layout not as expected\n");
      abort();
    }
    for (uint64_t i = 0; i < payload.size; ++i) payload.host[i] = static_cast<uint8_t>(i * 7);
    dev->set_busy_poll(0);
    setup_ring();
  }
  void setup_ring() {
    // ABI 2.2: the ring registers take writes only while the NIC is stopped and idle, and
    // CTRL writes are ignored while a CTRL_RESET runs: let a reset that a random CTRL write
    // started finish, stop the NIC, then set the ring up and start it again.
    ctrl &= ~a::CTRL_RESET;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      if (!(dev->reg_read(a::REG_CTRL) & a::CTRL_RESET)) {
        dev->reg_write(a::REG_CTRL, ctrl & ~a::CTRL_ENABLE);
        if (!(dev->reg_read(a::REG_STATUS) & a::STATUS_BUSY)) break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        fprintf(stderr, "fuzz_csim_device: hang: the NIC did not stop within 5 s (CTRL %#x)\n",
                dev->reg_read(a::REG_CTRL));
        abort();
      }
      dev->wait_progress(1000);
    }
    dev->reg_write(a::REG_RING_BASE_LO, static_cast<uint32_t>(ring.dev_addr));
    dev->reg_write(a::REG_RING_BASE_HI, static_cast<uint32_t>(ring.dev_addr >> 32));
    dev->reg_write(a::REG_RING_SIZE, kRingSize);
    ctrl |= a::CTRL_ENABLE;
    dev->reg_write(a::REG_CTRL, ctrl);
  }
  uint64_t counter64(uint32_t lo) {
    const uint64_t l = dev->reg_read(lo);
    return l | static_cast<uint64_t>(dev->reg_read(lo + 4)) << 32;
  }
  // Waits, bounded, until the NIC consumed everything posted.
  void wait_idle(const a::TxDesc& d) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (dev->reg_read(a::REG_RING_TAIL) == head) return;
      dev->wait_progress(1000);
    }
    fprintf(stderr, "fuzz_csim_device: RING_TAIL %u, head %u, CTRL %#x, STATUS %#x, base %#x size %u\n",
            dev->reg_read(a::REG_RING_TAIL), head, dev->reg_read(a::REG_CTRL),
            dev->reg_read(a::REG_STATUS), dev->reg_read(a::REG_RING_BASE_LO), dev->reg_read(a::REG_RING_SIZE));
    fail("hang: RING_TAIL did not reach RING_HEAD within 5 s", d, {}, 0, 0, 0, 0);
  }
};

Nic* nic;

void write_flow(FuzzedDataProvider& in) {
  static const uint16_t kMtus[] = {0, 67, 68, 576, 1500, 1501, 9000, 9001, 65535};
  const uint32_t index = in.ConsumeIntegralInRange<uint32_t>(0, a::FLOW_TABLE_SIZE + 1);
  Flow f;
  for (uint32_t& w : f.words) w = in.ConsumeIntegral<uint32_t>();
  if (in.ConsumeBool()) {  // mostly sensible entries, so that frames leave
    const uint16_t mtu = kMtus[in.ConsumeIntegralInRange<size_t>(0, 8)];
    f.words[a::FLOW_MTU_OFF / 4] = (f.words[a::FLOW_MTU_OFF / 4] & 0xffff0000u) | mtu;
    f.words[a::FLOW_FLAGS_OFF / 4] |= static_cast<uint32_t>(a::FLOW_F_VALID) << 24;
  }
  for (unsigned i = 0; i < a::FLOW_WORDS; ++i) nic->dev->reg_write(a::REG_FLOW_DATA + 4 * i, f.words[i]);
  nic->dev->reg_write(a::REG_FLOW_INDEX, index);
  nic->dev->reg_write(a::REG_FLOW_COMMIT, 1);
  if (index < a::FLOW_TABLE_SIZE) nic->flows[index] = f;  // beyond the table: nothing
}

// A register write a driver should not make, or makes with odd values; the ring's own
// registers are set right again before the next descriptor (the oracle's ring is usable).
void write_register(FuzzedDataProvider& in) {
  static const uint32_t kRegs[] = {
      a::REG_ID,          a::REG_VERSION,       a::REG_CTRL,        a::REG_STATUS,
      a::REG_RING_BASE_LO, a::REG_RING_BASE_HI, a::REG_RING_SIZE,   a::REG_RING_TAIL,
      a::REG_FLOW_INDEX,  a::REG_WB_BASE_LO,    a::REG_WB_BASE_HI,  a::REG_CAPS,
      a::REG_STAT_FRAMES_LO, a::REG_STAT_DROPS, a::REG_STAT_DESC_ERRORS, a::REG_RX_RING_SIZE,
      a::REG_RX_BUF_SIZE, 0x1fc,                0x034};
  const uint32_t off = kRegs[in.ConsumeIntegralInRange<size_t>(0, sizeof kRegs / 4 - 1)];
  uint32_t v = in.ConsumeIntegral<uint32_t>();
  if (off == a::REG_WB_BASE_LO || off == a::REG_WB_BASE_HI) {
    // Write-back goes to our block or nowhere valid: never into the ring or payload.
    if (off == a::REG_WB_BASE_LO)
      v = in.ConsumeBool() ? static_cast<uint32_t>(nic->wb.dev_addr) : v | 1u;
    else
      v = in.ConsumeBool() ? 0 : v;
  }
  if (off == a::REG_CTRL) {
    v &= ~a::CTRL_RX_ENABLE;  // receive has its own fuzzing to come; no RX ring here
    nic->ctrl = v;
  }
  const uint32_t tail = nic->dev->reg_read(a::REG_RING_TAIL);
  nic->dev->reg_write(off, v);
  if (nic->dev->reg_read(a::REG_ID) != a::ID_VALUE ||
      nic->dev->reg_read(a::REG_RING_TAIL) != tail) {
    fprintf(stderr, "fuzz_csim_device: a write of %#x to %#x changed a read-only register\n",
            v, off);
    abort();
  }
}

void post_descriptor(FuzzedDataProvider& in) {
  static const uint32_t kLens[] = {0, 1, 13, 14, 46, 60, 1472, 1473, 1480, 8972, 9014, 9015,
                                   65507, 65508, 65515, 65516, 0xffffffffu};
  a::TxDesc d{};
  const uint64_t pay = nic->payload.dev_addr;
  switch (in.ConsumeIntegralInRange<int>(0, 9)) {
    case 0: d.addr = in.ConsumeIntegral<uint64_t>(); break;
    case 1: d.addr = pay + 1 + in.ConsumeIntegralInRange<uint64_t>(0, 62); break;
    case 2: d.addr = kDevMem - in.ConsumeIntegralInRange<uint64_t>(0, 2 * kWordBytes); break;
    case 3: d.addr = nic->fault.lo - in.ConsumeIntegralInRange<uint64_t>(0, 3 * kWordBytes); break;
    default: d.addr = pay + kWordBytes * in.ConsumeIntegralInRange<uint64_t>(0, 1024); break;
  }
  d.len = in.ConsumeBool() ? kLens[in.ConsumeIntegralInRange<size_t>(0, 16)]
                           : in.ConsumeIntegralInRange<uint32_t>(0, 9100);
  d.flow = in.ConsumeBool() ? in.ConsumeIntegralInRange<uint16_t>(0, 3)
                            : in.ConsumeIntegral<uint16_t>();
  d.flags = in.ConsumeBool() ? in.ConsumeIntegralInRange<uint16_t>(0, a::TXD_F_KNOWN)
                             : in.ConsumeIntegral<uint16_t>();
  d.seq = in.ConsumeIntegral<uint32_t>();
  d.ip_id = in.ConsumeIntegral<uint16_t>();
  d.ttl = in.ConsumeIntegral<uint8_t>();
  d.tos = in.ConsumeIntegral<uint8_t>();
  d.mss = in.ConsumeBool() ? in.ConsumeIntegralInRange<uint16_t>(a::TSO_MSS_MIN - 2, 9002)
                           : in.ConsumeIntegral<uint16_t>();
  d.rsvd = in.ConsumeIntegralInRange<int>(0, 15) == 0 ? in.ConsumeIntegral<uint16_t>() : 0;
  d.cookie = in.ConsumeIntegral<uint32_t>();
  // A TCP descriptor's second slot: mostly sensible option lengths, sometimes not.
  a::TxDescTcp t{};
  const bool tcp = (d.flags & a::TXD_F_L4_MASK) == a::TXD_L4_TCP;
  if (tcp) {
    t.ack = in.ConsumeIntegral<uint32_t>();
    t.window = in.ConsumeIntegral<uint16_t>();
    t.tcp_flags = in.ConsumeIntegral<uint8_t>();
    t.opt_len = in.ConsumeBool() ? static_cast<uint8_t>(4 * in.ConsumeIntegralInRange<int>(0, 6))
                                 : in.ConsumeIntegral<uint8_t>();
    for (uint8_t& b : t.opts) b = in.ConsumeIntegral<uint8_t>();
  }

  // The ring as the oracle assumes it (a register write may have broken it).
  nic->setup_ring();
  const Expect e = expect(d, t, nic->flows, nic->fault);
  const uint64_t frames0 = nic->counter64(a::REG_STAT_FRAMES_LO);
  const uint64_t bytes0 = nic->counter64(a::REG_STAT_BYTES_LO);
  const uint32_t drops0 = nic->dev->reg_read(a::REG_STAT_DROPS);
  const uint32_t errors0 = nic->dev->reg_read(a::REG_STAT_DESC_ERRORS);

  const size_t at = (nic->head % kRingSize) * a::TXD_BYTES;
  memcpy(nic->ring.host + at, &d, sizeof d);
  nic->dev->dma_sync_to_device(nic->ring, at, sizeof d);
  nic->head += 1;
  if (tcp) {  // the second slot, possibly the ring's first
    const size_t at2 = (nic->head % kRingSize) * a::TXD_BYTES;
    memcpy(nic->ring.host + at2, &t, sizeof t);
    nic->dev->dma_sync_to_device(nic->ring, at2, sizeof t);
    nic->head += 1;
  }
  nic->dev->doorbell(nic->head);
  nic->wait_idle(d);

  const uint64_t frames = nic->counter64(a::REG_STAT_FRAMES_LO) - frames0;
  const uint64_t bytes = nic->counter64(a::REG_STAT_BYTES_LO) - bytes0;
  const uint32_t drops = nic->dev->reg_read(a::REG_STAT_DROPS) - drops0;
  const uint32_t errors = nic->dev->reg_read(a::REG_STAT_DESC_ERRORS) - errors0;
  const bool ok = e.v == Verdict::kError  ? errors == 1 && drops == 0 && frames == 0
                  : e.v == Verdict::kDrop ? drops == 1 && errors == 0 && frames == 0
                                          : errors == 0 && drops == 0 && frames == e.frames &&
                                                bytes == e.bytes;
  if (!ok || (e.v != Verdict::kSent && bytes != 0))
    fail("counters disagree with the ABI's rules", d, e, frames, bytes, drops, errors);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Nic the_nic;
  nic = &the_nic;
  FuzzedDataProvider in(data, size);
  for (int ops = 0; ops < 64 && in.remaining_bytes() > 0; ++ops) {
    switch (in.ConsumeIntegralInRange<int>(0, 5)) {
      case 0: write_flow(in); break;
      case 1: write_register(in); break;
      default: post_descriptor(in); break;
    }
  }
  return 0;
}
