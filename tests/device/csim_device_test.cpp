// SPDX-License-Identifier: MIT
// The csim device through the Device interface only, as a driver sees it:
// registers, flow commit, descriptor ring, backpressure, counters.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "sendoff/device.hpp"
#include "sendoff/memory_sink.hpp"
#include "sendoff/nic_abi.hpp"

namespace {

namespace abi = sendoff::abi;
using Bytes = std::vector<uint8_t>;

Bytes hex(const std::string& s) {
  Bytes out;
  for (size_t i = 0; i + 1 < s.size();) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
    i += 2;
  }
  return out;
}

uint16_t be16(const Bytes& b, size_t off) { return static_cast<uint16_t>((b[off] << 8) | b[off + 1]); }

// "hello sendoff" from 198.18.0.1:40000 to 198.18.0.2:9000, ID 0x1234, DF,
// padded to 60 bytes (built with scapy).
const char* kHelloFrame =
    "020000000002 020000000001 0800 450000291234400040119c68c6120001c6120002"
    "9c4023280015b910 68656c6c6f2073656e646f6666 0000000000";
const char* kHelloPayload = "68656c6c6f2073656e646f6666";

abi::FlowEntry hello_flow() {
  abi::FlowEntry f;
  std::memset(&f, 0, sizeof f);
  f.saddr = 0xC6120001;
  f.daddr = 0xC6120002;
  f.sport = 40000;
  f.dport = 9000;
  f.mtu = 1500;
  f.protocol = 17;
  f.flags = abi::FLOW_F_VALID;
  const uint8_t dmac[6] = {0x02, 0, 0, 0, 0, 0x02}, smac[6] = {0x02, 0, 0, 0, 0, 0x01};
  std::memcpy(f.dmac, dmac, 6);
  std::memcpy(f.smac, smac, 6);
  return f;
}

// A minimal driver: one ring, payload buffers from device memory.
class Nic {
 public:
  explicit Nic(size_t sink_capacity = 0, uint32_t ring_size = 16, bool with_sink = true)
      : sink_(sink_capacity), ring_size_(ring_size) {
    sendoff::DeviceOptions o;
    o.backend = "csim";
    o.sink = with_sink ? &sink_ : nullptr;
    std::string err;
    dev_ = sendoff::make_device(o, &err);
    EXPECT_NE(dev_, nullptr) << err;
    ring_ = dev_->dma_alloc(ring_size * abi::TXD_BYTES);
    write(abi::REG_RING_BASE_LO, static_cast<uint32_t>(ring_.dev_addr));
    write(abi::REG_RING_BASE_HI, static_cast<uint32_t>(ring_.dev_addr >> 32));
    write(abi::REG_RING_SIZE, ring_size);
  }
  ~Nic() {
    sink_.close();  // a full sink must not hold the NIC while it shuts down
    dev_.reset();
  }

  uint32_t read(uint32_t off) { return dev_->reg_read(off); }
  void write(uint32_t off, uint32_t v) { dev_->reg_write(off, v); }
  void enable(uint32_t extra = 0) { write(abi::REG_CTRL, abi::CTRL_ENABLE | extra); }

  void set_flow(uint32_t index, const abi::FlowEntry& f) {
    uint32_t words[abi::FLOW_WORDS];
    std::memcpy(words, &f, sizeof words);  // the entry's bytes, little-endian words
    for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) write(abi::REG_FLOW_DATA + 4 * k, words[k]);
    write(abi::REG_FLOW_INDEX, index);
    write(abi::REG_FLOW_COMMIT, 1);
  }

  // Copies the payload into a new buffer; returns its device address.
  uint64_t payload(const Bytes& b) {
    sendoff::DmaBuffer buf = dev_->dma_alloc(b.empty() ? 1 : b.size());
    EXPECT_NE(buf.size, 0u);
    if (!b.empty()) std::memcpy(buf.host, b.data(), b.size());
    dev_->dma_sync_to_device(buf, 0, b.size());
    return buf.dev_addr;
  }

  static abi::TxDesc udp(uint64_t addr, uint32_t len, uint16_t ip_id, uint16_t flow = 0) {
    abi::TxDesc d;
    std::memset(&d, 0, sizeof d);
    d.addr = addr;
    d.len = len;
    d.flow = flow;
    d.flags = abi::TXD_L4_UDP;
    d.ip_id = ip_id;
    d.ttl = 64;
    return d;
  }

  // Writes the descriptor at the head slot and rings the doorbell.
  void post(const abi::TxDesc& d) { post_slot(&d); }
  // One ring slot (a descriptor, or a TCP descriptor's second slot); the doorbell after it.
  void post_slot(const void* slot_bytes) {
    const size_t slot = head_ % ring_size_;
    std::memcpy(ring_.host + slot * abi::TXD_BYTES, slot_bytes, abi::TXD_BYTES);
    dev_->dma_sync_to_device(ring_, slot * abi::TXD_BYTES, abi::TXD_BYTES);
    ++head_;
    write(abi::REG_RING_HEAD, head_);
  }
  // The same through Device::doorbell, the posted write the driver uses.
  void post_with_doorbell(const abi::TxDesc& d) {
    const size_t slot = head_ % ring_size_;
    std::memcpy(ring_.host + slot * abi::TXD_BYTES, &d, abi::TXD_BYTES);
    ++head_;
    dev_->doorbell(head_);
  }
  uint32_t head() const { return head_; }
  uint32_t tail() { return read(abi::REG_RING_TAIL); }

  // Waits (wait_progress, no spinning) until RING_TAIL reaches t.
  bool wait_tail(uint32_t t, int timeout_ms = 10000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (tail() != t) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      dev_->wait_progress(10000);
    }
    return true;
  }

  sendoff::Device& dev() { return *dev_; }
  sendoff::MemorySink& sink() { return sink_; }

 private:
  sendoff::MemorySink sink_;
  std::unique_ptr<sendoff::Device> dev_;
  sendoff::DmaBuffer ring_;
  uint32_t ring_size_;
  uint32_t head_ = 0;
};

TEST(CsimDevice, RegistersAfterReset) {
  Nic nic;
  EXPECT_EQ(nic.dev().name(), "csim");
  EXPECT_EQ(nic.read(abi::REG_ID), 0x534E4446u);  // "SNDF"
  EXPECT_EQ(nic.read(abi::REG_VERSION), abi::VERSION_VALUE);
  EXPECT_EQ(nic.read(abi::REG_CTRL), 0u);
  EXPECT_EQ(nic.read(abi::REG_STATUS), 0u);
  EXPECT_EQ(nic.read(abi::REG_RING_HEAD), 0u);
  EXPECT_EQ(nic.read(abi::REG_RING_TAIL), 0u);
  EXPECT_EQ(nic.read(abi::REG_RING_SIZE), 16u);
  for (uint32_t r : {abi::REG_STAT_FRAMES_LO, abi::REG_STAT_FRAMES_HI, abi::REG_STAT_BYTES_LO,
                     abi::REG_STAT_BYTES_HI, abi::REG_STAT_DROPS, abi::REG_STAT_DESC_ERRORS,
                     abi::REG_WB_BASE_LO, abi::REG_WB_BASE_HI, abi::REG_STAT_WB_ERRORS})
    EXPECT_EQ(nic.read(r), 0u) << std::hex << r;
}

TEST(CsimDevice, RegisterAccess) {
  Nic nic;
  nic.write(abi::REG_CTRL, 0xFFFFFFFFu & ~abi::CTRL_RESET);
  // Defined bits only (csim has the receive path: CAPS_RX, CTRL_RX_ENABLE).
  EXPECT_EQ(nic.read(abi::REG_CAPS), abi::CAPS_RX | abi::CAPS_TSO | abi::CAPS_TX_UNALIGNED);
  EXPECT_EQ(nic.read(abi::REG_CTRL),
            abi::CTRL_ENABLE | abi::CTRL_FCS_APPEND | abi::CTRL_RX_ENABLE);
  // With CTRL_RESET: ENABLE cleared, and an idle NIC ends the reset at once.
  nic.write(abi::REG_CTRL, 0xFFFFFFFFu);
  EXPECT_EQ(nic.read(abi::REG_CTRL), abi::CTRL_FCS_APPEND | abi::CTRL_RX_ENABLE);
  nic.write(abi::REG_CTRL, 0);
  nic.write(abi::REG_RING_BASE_LO, 0x12345640u);
  nic.write(abi::REG_RING_BASE_HI, 0x9u);
  EXPECT_EQ(nic.read(abi::REG_RING_BASE_LO), 0x12345640u);
  EXPECT_EQ(nic.read(abi::REG_RING_BASE_HI), 0x9u);
  nic.write(abi::REG_RING_SIZE, 4096);
  EXPECT_EQ(nic.read(abi::REG_RING_SIZE), 4096u);
  nic.write(abi::REG_RING_HEAD, 77);
  EXPECT_EQ(nic.read(abi::REG_RING_HEAD), 77u);
  nic.write(abi::REG_FLOW_INDEX, 200);
  EXPECT_EQ(nic.read(abi::REG_FLOW_INDEX), 200u);
  nic.write(abi::REG_WB_BASE_LO, 0x87654340u);
  nic.write(abi::REG_WB_BASE_HI, 0x3u);
  EXPECT_EQ(nic.read(abi::REG_WB_BASE_LO), 0x87654340u);
  EXPECT_EQ(nic.read(abi::REG_WB_BASE_HI), 0x3u);
  for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) nic.write(abi::REG_FLOW_DATA + 4 * k, 0xA0000000u + k);
  for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) EXPECT_EQ(nic.read(abi::REG_FLOW_DATA + 4 * k), 0xA0000000u + k);
  // Read-only registers ignore writes; write-only and unmapped ones read 0.
  nic.write(abi::REG_ID, 1);
  nic.write(abi::REG_VERSION, 1);
  nic.write(abi::REG_RING_TAIL, 5);
  nic.write(abi::REG_STATUS, 1);
  nic.write(abi::REG_STAT_DROPS, 9);
  nic.write(abi::REG_STAT_WB_ERRORS, 9);
  EXPECT_EQ(nic.read(abi::REG_ID), abi::ID_VALUE);
  EXPECT_EQ(nic.read(abi::REG_VERSION), abi::VERSION_VALUE);
  EXPECT_EQ(nic.read(abi::REG_RING_TAIL), 0u);
  EXPECT_EQ(nic.read(abi::REG_STAT_DROPS), 0u);
  EXPECT_EQ(nic.read(abi::REG_STAT_WB_ERRORS), 0u);
  EXPECT_EQ(nic.read(abi::REG_FLOW_COMMIT), 0u);
  EXPECT_EQ(nic.read(0x034), 0u);
  EXPECT_EQ(nic.read(0x1FC), 0u);
  EXPECT_EQ(nic.read(abi::REG_SPACE_BYTES), 0u);
}

TEST(CsimDevice, DmaAllocIsAlignedAndBounded) {
  Nic nic;
  sendoff::DmaBuffer a = nic.dev().dma_alloc(1), b = nic.dev().dma_alloc(100), c = nic.dev().dma_alloc(64);
  for (const auto& x : {a, b, c}) {
    EXPECT_NE(x.host, nullptr);
    EXPECT_NE(x.dev_addr, 0u);
    EXPECT_EQ(x.dev_addr % 64, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(x.host) % 64, 0u);
  }
  EXPECT_EQ(a.size, 1u);
  EXPECT_GE(b.dev_addr, a.dev_addr + 64);
  EXPECT_GE(c.dev_addr, b.dev_addr + 128);
  EXPECT_EQ(nic.dev().dma_alloc(0).size, 0u);
  EXPECT_EQ(nic.dev().dma_alloc(size_t{1} << 40).size, 0u);
  size_t got = 0;
  for (;;) {
    sendoff::DmaBuffer x = nic.dev().dma_alloc(1 << 20);
    if (x.size == 0) break;
    got += x.size;
  }
  EXPECT_GT(got, size_t{50} << 20);  // most of the 64 MiB, then it runs out
  EXPECT_LT(got, size_t{64} << 20);
}

TEST(CsimDevice, FlowCommitCopiesFlowData) {
  Nic nic;
  nic.set_flow(3, hello_flow());
  // FLOW_DATA changed without a commit does not reach the entry.
  for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) nic.write(abi::REG_FLOW_DATA + 4 * k, 0xFFFFFFFFu);
  // A commit to an index past the table is ignored.
  nic.write(abi::REG_FLOW_INDEX, abi::FLOW_TABLE_SIZE);
  nic.write(abi::REG_FLOW_COMMIT, 1);
  nic.enable();
  abi::TxDesc d = Nic::udp(nic.payload(hex(kHelloPayload)), 13, 0x1234, 3);
  d.flags |= abi::TXD_F_DF;
  nic.post(d);
  ASSERT_TRUE(nic.wait_tail(1));
  const auto frames = nic.sink().take_all();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], hex(kHelloFrame));
  EXPECT_EQ(nic.read(abi::REG_STAT_FRAMES_LO), 1u);
  EXPECT_EQ(nic.read(abi::REG_STAT_BYTES_LO), 60u);
}

TEST(CsimDevice, FcsAppendFollowsCtrl) {
  Nic nic;
  nic.set_flow(0, hello_flow());
  nic.enable(abi::CTRL_FCS_APPEND);
  abi::TxDesc d = Nic::udp(nic.payload(hex(kHelloPayload)), 13, 0x1234);
  d.flags |= abi::TXD_F_DF;
  nic.post(d);
  ASSERT_TRUE(nic.wait_tail(1));
  const auto frames = nic.sink().take_all();
  ASSERT_EQ(frames.size(), 1u);
  Bytes expect = hex(kHelloFrame);
  const Bytes fcs = hex("bf47f476");  // CRC-32 of the 60 bytes, from zlib
  expect.insert(expect.end(), fcs.begin(), fcs.end());
  EXPECT_EQ(frames[0], expect);
  EXPECT_EQ(nic.read(abi::REG_STAT_BYTES_LO), 60u);  // FCS not counted
}

TEST(CsimDevice, RingWrapsAndTailAdvances) {
  Nic nic(0, 4);
  nic.set_flow(0, hello_flow());
  nic.enable();
  const uint64_t addr = nic.payload(hex(kHelloPayload));
  for (uint16_t k = 0; k < 11; ++k) {
    while (nic.head() - nic.tail() >= 4) nic.dev().wait_progress(10000);  // ring full
    nic.post(Nic::udp(addr, 13, k));
  }
  ASSERT_TRUE(nic.wait_tail(11));
  EXPECT_EQ(nic.read(abi::REG_STATUS), 0u);
  const auto frames = nic.sink().take_all();
  ASSERT_EQ(frames.size(), 11u);
  for (uint16_t k = 0; k < 11; ++k) EXPECT_EQ(be16(frames[k], 14 + 4), k) << "frames in order";
  EXPECT_EQ(nic.read(abi::REG_STAT_FRAMES_LO), 11u);
}

TEST(CsimDevice, SinkBackpressureStallsTail) {
  Nic nic(2, 16);  // the MAC takes two frames, then blocks
  nic.set_flow(0, hello_flow());
  nic.enable();
  const uint64_t addr = nic.payload(hex(kHelloPayload));
  for (uint16_t k = 0; k < 6; ++k) nic.post(Nic::udp(addr, 13, k));
  ASSERT_TRUE(nic.sink().wait_blocked(1, 10000000));  // third frame waits for room
  EXPECT_EQ(nic.sink().size(), 2u);
  EXPECT_EQ(nic.tail(), 2u);
  EXPECT_EQ(nic.read(abi::REG_STATUS), abi::STATUS_BUSY);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(nic.tail(), 2u) << "tail moved while the sink was full";
  EXPECT_EQ(nic.read(abi::REG_STAT_FRAMES_LO), 2u);

  Bytes f;
  ASSERT_TRUE(nic.sink().pop(&f));
  EXPECT_EQ(be16(f, 14 + 4), 0);
  ASSERT_TRUE(nic.wait_tail(3));
  ASSERT_TRUE(nic.sink().wait_blocked(1, 10000000));
  EXPECT_EQ(nic.tail(), 3u);

  std::vector<Bytes> got = {f};
  while (got.size() < 6) {
    if (nic.sink().pop(&f)) got.push_back(f);
    else nic.sink().wait_size(1, 100000);
  }
  ASSERT_TRUE(nic.wait_tail(6));
  for (uint16_t k = 0; k < 6; ++k) EXPECT_EQ(be16(got[k], 14 + 4), k);
  EXPECT_EQ(nic.read(abi::REG_STATUS), 0u);
}

TEST(CsimDevice, ErrorAndDropCounters) {
  Nic nic(0, 16);
  nic.set_flow(0, hello_flow());
  abi::FlowEntry off = hello_flow();
  off.flags = 0;
  nic.set_flow(1, off);
  nic.enable();
  const uint64_t addr = nic.payload(hex(kHelloPayload));
  std::vector<abi::TxDesc> bad;
  auto add = [&](auto mutate) {
    abi::TxDesc d = Nic::udp(addr, 13, 0xBAD);
    mutate(d);
    bad.push_back(d);
  };
  add([](abi::TxDesc& d) { d.flow = abi::FLOW_TABLE_SIZE + 1; });        // drop
  add([](abi::TxDesc& d) { d.flow = 1; });                               // drop
  add([](abi::TxDesc& d) { d.flags |= 0x8000; });                        // error
  add([](abi::TxDesc& d) { d.flags |= 1u << 3; });  // error: PSH before ABI 3.0, unknown now
  add([](abi::TxDesc& d) { d.rsvd = 0x100; });                           // error
  add([](abi::TxDesc& d) { d.addr = uint64_t{1} << 40; });              // error: outside memory
  add([](abi::TxDesc& d) { d.len = 65508; });                            // error
  add([](abi::TxDesc& d) { d.flags = abi::TXD_L4_RAW; d.len = 65516; });  // error
  add([](abi::TxDesc& d) { d.flags |= abi::TXD_F_DF; d.len = 1473; });   // error
  for (const auto& d : bad) nic.post(d);
  nic.post(Nic::udp(addr, 13, 0x600D));
  ASSERT_TRUE(nic.wait_tail(10));
  EXPECT_EQ(nic.read(abi::REG_STAT_DROPS), 2u);
  EXPECT_EQ(nic.read(abi::REG_STAT_DESC_ERRORS), 7u);
  EXPECT_EQ(nic.read(abi::REG_STAT_FRAMES_LO), 1u);
  EXPECT_EQ(nic.read(abi::REG_STAT_BYTES_LO), 60u);
  const auto frames = nic.sink().take_all();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(be16(frames[0], 14 + 4), 0x600D);
}

// TSO (ABI 3.0): a TCP descriptor is two slots; with only the first posted the NIC
// waits, then sends MSS-sized segments with valid checksums and counts them all.
TEST(CsimDevice, TsoTakesATwoSlotTcpDescriptor) {
  Nic nic;
  abi::FlowEntry f = hello_flow();
  f.protocol = 6;
  nic.set_flow(0, f);
  nic.enable();
  Bytes payload(10000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 13 + 1);
  abi::TxDesc d = Nic::udp(nic.payload(payload), 10000, 0x100);
  d.flags = abi::TXD_L4_TCP | abi::TXD_F_DF;
  d.seq = 1000;
  d.mss = 1448;
  abi::TxDescTcp t{};
  t.ack = 77;
  t.window = 512;
  t.tcp_flags = 0x18;  // PSH | ACK: PSH on the last segment only
  t.opt_len = 12;
  const uint8_t ts[12] = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
  std::memcpy(t.opts, ts, sizeof ts);
  nic.post(d);
  // One slot of two: nothing leaves, the tail stays.
  EXPECT_FALSE(nic.wait_tail(1, 200));
  EXPECT_EQ(nic.tail(), 0u);
  nic.post_slot(&t);
  ASSERT_TRUE(nic.wait_tail(2));
  const auto frames = nic.sink().take_all();
  ASSERT_EQ(frames.size(), 7u);  // ceil(10000 / 1448)
  Bytes got;
  for (size_t k = 0; k < frames.size(); ++k) {
    const Bytes& fr = frames[k];
    const size_t ip = 14, tcp = ip + 20, hl = 32;
    const size_t seg = be16(fr, ip + 2) - 20 - hl;
    EXPECT_EQ(seg, k + 1 < frames.size() ? 1448u : 10000u - 6 * 1448);
    EXPECT_EQ(be16(fr, ip + 4), 0x100 + k);
    EXPECT_EQ(fr[ip + 9], 6);
    const uint32_t seq = (uint32_t{fr[tcp + 4]} << 24) | (uint32_t{fr[tcp + 5]} << 16) |
                         (uint32_t{fr[tcp + 6]} << 8) | fr[tcp + 7];
    EXPECT_EQ(seq, 1000 + 1448 * k);
    EXPECT_EQ(fr[tcp + 13], k + 1 < frames.size() ? 0x10 : 0x18);
    // The TCP checksum over the pseudo-header, header and payload sums to 0xFFFF.
    uint32_t s = 0;
    for (size_t i = 0; i < hl + seg; ++i) s += (i % 2 == 0) ? uint32_t{fr[tcp + i]} << 8 : fr[tcp + i];
    for (size_t i = 0; i < 8; i += 2) s += be16(fr, ip + 12 + i);
    s += 6 + hl + seg;
    while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
    EXPECT_EQ(s, 0xFFFFu) << "segment " << k;
    got.insert(got.end(), fr.begin() + tcp + hl, fr.begin() + tcp + hl + seg);
  }
  EXPECT_EQ(got, payload);
  EXPECT_EQ(nic.read(abi::REG_STAT_FRAMES_LO), 7u);
  EXPECT_EQ(nic.read(abi::REG_STAT_DESC_ERRORS), 0u);
}

// CAPS_TX_UNALIGNED (ABI 3.1): UDP and TSO descriptors whose payload starts at any byte of
// a memory word (a send queue's bytes, not copied) send the frames the same bytes send from
// a 64-byte aligned address: one datagram, a fragmented one, and TCP segments.
TEST(CsimDevice, UnalignedPayloadsSendWhatAlignedOnesSend) {
  Nic nic(0, 64);
  nic.set_flow(0, hello_flow());
  abi::FlowEntry tcp = hello_flow();
  tcp.protocol = 6;
  nic.set_flow(1, tcp);
  nic.enable(abi::CTRL_FCS_APPEND);
  EXPECT_EQ(nic.read(abi::REG_CAPS) & abi::CAPS_TX_UNALIGNED, abi::CAPS_TX_UNALIGNED);
  Bytes payload(5000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 7 + (i >> 9));
  abi::TxDescTcp slot2{};
  slot2.ack = 0x01020304;
  slot2.window = 1024;
  slot2.tcp_flags = 0x18;
  auto send = [&](size_t off) {
    // The payload at byte `off` of a fresh (64-byte aligned) buffer, junk around it.
    Bytes buf(off + payload.size() + 64);
    for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<uint8_t>(0xA5 ^ (i * 31));
    std::memcpy(buf.data() + off, payload.data(), payload.size());
    const uint64_t a = nic.payload(buf) + off;
    nic.post(Nic::udp(a, 1400, 1));
    nic.post(Nic::udp(a, 5000, 2));  // four fragments at MTU 1500
    abi::TxDesc d = Nic::udp(a, 5000, 3, 1);
    d.flags = abi::TXD_L4_TCP | abi::TXD_F_DF;
    d.seq = 1;
    d.mss = 1448;
    nic.post(d);
    nic.post_slot(&slot2);
    EXPECT_TRUE(nic.wait_tail(nic.head()));
    return nic.sink().take_all();
  };
  const std::vector<Bytes> want = send(0);
  ASSERT_EQ(want.size(), 1u + 4 + 4);
  for (const size_t off : {1, 5, 31, 32, 33, 63}) EXPECT_EQ(send(off), want) << "offset " << off;
  EXPECT_EQ(nic.read(abi::REG_STAT_DESC_ERRORS), 0u);
}

TEST(CsimDevice, LargeDatagramCountsEveryFragment) {
  Nic nic;
  nic.set_flow(0, hello_flow());
  nic.enable(abi::CTRL_FCS_APPEND);
  Bytes payload(65507);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i ^ (i >> 8));
  nic.post(Nic::udp(nic.payload(payload), 65507, 9));
  ASSERT_TRUE(nic.wait_tail(1));
  const auto frames = nic.sink().take_all();
  ASSERT_EQ(frames.size(), 45u);  // ceil(65515 / 1480)
  uint64_t bytes = 0;
  for (const auto& f : frames) bytes += f.size() - 4;  // minus FCS
  EXPECT_EQ(bytes, 44u * 1514 + (14 + 20 + 65515 - 44 * 1480));
  EXPECT_EQ(nic.read(abi::REG_STAT_FRAMES_LO), 45u);
  EXPECT_EQ(nic.read(abi::REG_STAT_FRAMES_HI), 0u);
  EXPECT_EQ(nic.read(abi::REG_STAT_BYTES_LO), bytes);
  EXPECT_EQ(nic.read(abi::REG_STAT_BYTES_HI), 0u);
}

TEST(CsimDevice, IdleUntilEnabledAndRingUsable) {
  Nic nic(0, 16);
  nic.set_flow(0, hello_flow());
  const uint64_t addr = nic.payload(hex(kHelloPayload));
  nic.post(Nic::udp(addr, 13, 1));
  nic.dev().wait_progress(20000);
  EXPECT_EQ(nic.tail(), 0u) << "consumed while CTRL_ENABLE is clear";
  nic.write(abi::REG_RING_SIZE, 3);  // not a power of two
  nic.enable();
  nic.dev().wait_progress(20000);
  EXPECT_EQ(nic.tail(), 0u) << "consumed from an unusable ring";
  nic.write(abi::REG_RING_SIZE, 16);  // enabled: the ring may not move (ABI 2.2)
  EXPECT_EQ(nic.read(abi::REG_RING_SIZE), 3u);
  nic.write(abi::REG_CTRL, 0);
  nic.write(abi::REG_RING_SIZE, 16);
  nic.enable();
  ASSERT_TRUE(nic.wait_tail(1));
  EXPECT_EQ(nic.sink().size(), 1u);
}

TEST(CsimDevice, WaitProgressReturnsAtOnceWhenIdle) {
  Nic nic;
  const auto t0 = std::chrono::steady_clock::now();
  nic.dev().wait_progress(5000000);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

// A doorbell is a posted write the worker takes later: a wait right after it must still
// wait for that descriptor, not find the NIC idle and return at once.
TEST(CsimDevice, WaitProgressWaitsForAPostedDoorbell) {
  Nic nic(0, 16);
  nic.set_flow(0, hello_flow());
  nic.enable();
  const uint64_t addr = nic.payload(hex(kHelloPayload));
  for (uint32_t i = 1; i <= 20; ++i) {
    nic.post_with_doorbell(Nic::udp(addr, 13, static_cast<uint16_t>(i)));
    nic.dev().wait_progress(5000000);
    ASSERT_EQ(nic.tail(), i) << "wait_progress returned before the posted descriptor ran";
  }
}

TEST(CsimDevice, NoSinkStillCounts) {
  Nic nic(0, 16, false);
  nic.set_flow(0, hello_flow());
  nic.enable();
  nic.post(Nic::udp(nic.payload(hex(kHelloPayload)), 13, 1));
  ASSERT_TRUE(nic.wait_tail(1));
  EXPECT_EQ(nic.read(abi::REG_STAT_FRAMES_LO), 1u);
  EXPECT_EQ(nic.sink().size(), 0u);
}

// The write-back word as the host reads it while the NIC runs.
uint32_t wb_tail(const sendoff::DmaBuffer& wb) {
  return __atomic_load_n(reinterpret_cast<const uint32_t*>(wb.host + abi::WB_TAIL_OFF),
                         __ATOMIC_ACQUIRE);
}

void wait_idle(Nic& nic) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((nic.read(abi::REG_STATUS) & abi::STATUS_BUSY) != 0 &&
         std::chrono::steady_clock::now() < deadline)
    nic.dev().wait_progress(10000);
}

TEST(CsimDevice, TailWritebackReachesHostMemory) {
  Nic nic(2, 16);  // the MAC takes two frames, then blocks
  nic.set_flow(0, hello_flow());
  sendoff::DmaBuffer wb = nic.dev().dma_alloc(abi::WB_BYTES);
  ASSERT_EQ(wb.dev_addr % abi::WB_BYTES, 0u);
  std::memset(wb.host, 0xA5, abi::WB_BYTES);
  nic.write(abi::REG_WB_BASE_LO, static_cast<uint32_t>(wb.dev_addr));
  nic.write(abi::REG_WB_BASE_HI, static_cast<uint32_t>(wb.dev_addr >> 32));
  nic.enable();  // the edge writes the current tail
  wait_idle(nic);
  EXPECT_EQ(wb_tail(wb), 0u);

  const uint64_t addr = nic.payload(hex(kHelloPayload));
  for (uint16_t k = 0; k < 6; ++k) nic.post(Nic::udp(addr, 13, k));
  ASSERT_TRUE(nic.sink().wait_blocked(1, 10000000));
  EXPECT_EQ(nic.tail(), 2u);
  EXPECT_EQ(wb_tail(wb), 2u) << "the write-back covers the frames the MAC took";
  Bytes f;
  uint32_t last = wb_tail(wb);
  while (nic.tail() != 6) {
    const uint32_t v = wb_tail(wb);
    EXPECT_LE(last, v) << "write-back went backwards";
    EXPECT_LE(v, nic.tail()) << "write-back ahead of RING_TAIL";
    last = v;
    if (!nic.sink().pop(&f)) nic.sink().wait_size(1, 100000);
  }
  wait_idle(nic);
  EXPECT_EQ(wb_tail(wb), 6u);
  for (unsigned i = 4; i < abi::WB_BYTES; ++i) EXPECT_EQ(wb.host[i], 0xA5) << "reserved byte " << i;
  EXPECT_EQ(nic.read(abi::REG_STAT_WB_ERRORS), 0u);
}

TEST(CsimDevice, NoWritebackWithAMisalignedBase) {
  Nic nic;
  nic.set_flow(0, hello_flow());
  sendoff::DmaBuffer wb = nic.dev().dma_alloc(2 * abi::WB_BYTES);
  std::memset(wb.host, 0xA5, 2 * abi::WB_BYTES);
  nic.write(abi::REG_WB_BASE_LO, static_cast<uint32_t>(wb.dev_addr + 32));
  nic.enable();
  nic.post(Nic::udp(nic.payload(hex(kHelloPayload)), 13, 1));
  ASSERT_TRUE(nic.wait_tail(1));
  wait_idle(nic);
  for (unsigned i = 0; i < 2 * abi::WB_BYTES; ++i) EXPECT_EQ(wb.host[i], 0xA5) << i;
}

TEST(MakeDevice, NamesTheBackEnds) {
  std::string err;
  sendoff::DeviceOptions o;
  EXPECT_NE(sendoff::make_device(o, &err), nullptr);  // csim is the default
  for (const char* b : {"verilator", "xrt"}) {
    o.backend = b;
    err.clear();
#ifdef SENDOFF_HAVE_VERILATOR
    if (o.backend == "verilator") {  // built here (SENDOFF_RTL): tests/cosim drives it
      EXPECT_NE(sendoff::make_device(o, &err), nullptr) << err;
      continue;
    }
#endif
#ifdef SENDOFF_HAVE_XRT
    if (o.backend == "xrt") continue;  // built here: tests/xrt checks its no-card message
#endif
    EXPECT_EQ(sendoff::make_device(o, &err), nullptr);
    EXPECT_NE(err.find("not built"), std::string::npos) << err;
    EXPECT_NE(err.find("--backend csim"), std::string::npos) << err;
  }
  o.backend = "fpga";
  EXPECT_EQ(sendoff::make_device(o, &err), nullptr);
  EXPECT_EQ(err, "unknown backend 'fpga': choose csim, verilator or xrt");
  EXPECT_EQ(sendoff::make_device(o, nullptr), nullptr);
}

// Card memory (DeviceOptions::noncoherent): the NIC reads only what was synced,
// so a descriptor rung before its sync is read as the zeros the NIC's side held.
TEST(CsimDevice, CardMemoryReadsOnlyWhatWasSynced) {
  sendoff::MemorySink sink;
  sendoff::DeviceOptions o;
  o.backend = "csim";
  o.sink = &sink;
  o.noncoherent = true;
  std::string err;
  auto dev = sendoff::make_device(o, &err);
  ASSERT_NE(dev, nullptr) << err;
  EXPECT_FALSE(dev->coherent());
  EXPECT_FALSE(dev->tail_writeback());
  const Bytes payload = hex(kHelloPayload);
  sendoff::DmaBuffer ring = dev->dma_alloc(4 * abi::TXD_BYTES);
  sendoff::DmaBuffer buf = dev->dma_alloc(payload.size());
  std::memcpy(buf.host, payload.data(), payload.size());
  dev->reg_write(abi::REG_RING_BASE_LO, static_cast<uint32_t>(ring.dev_addr));
  dev->reg_write(abi::REG_RING_BASE_HI, static_cast<uint32_t>(ring.dev_addr >> 32));
  dev->reg_write(abi::REG_RING_SIZE, 4);
  abi::FlowEntry f = hello_flow();
  uint32_t words[abi::FLOW_WORDS];
  std::memcpy(words, &f, sizeof words);
  for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) dev->reg_write(abi::REG_FLOW_DATA + 4 * k, words[k]);
  dev->reg_write(abi::REG_FLOW_INDEX, 0);
  dev->reg_write(abi::REG_FLOW_COMMIT, 1);
  dev->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
  auto wait_tail = [&](uint32_t t) {
    for (int i = 0; i < 1000 && dev->reg_read(abi::REG_RING_TAIL) != t; ++i) dev->wait_progress(10000);
    return dev->reg_read(abi::REG_RING_TAIL) == t;
  };
  const abi::TxDesc d = Nic::udp(buf.dev_addr, static_cast<uint32_t>(payload.size()), 7);
  // Every slot synced as a descriptor the NIC rejects (reserved bits set).
  abi::TxDesc poison = d;
  poison.rsvd = 1;
  for (unsigned k = 0; k < 4; ++k) std::memcpy(ring.host + k * abi::TXD_BYTES, &poison, abi::TXD_BYTES);
  dev->sync_to_device(ring, 0, 4 * abi::TXD_BYTES);
  // Rung without a sync: the NIC reads the stale slot, a descriptor error.
  std::memcpy(ring.host, &d, abi::TXD_BYTES);
  dev->ring_doorbell(1);
  ASSERT_TRUE(wait_tail(1));
  EXPECT_EQ(dev->reg_read(abi::REG_STAT_DESC_ERRORS), 1u);
  EXPECT_TRUE(sink.take_all().empty());
  // The descriptor synced but not its payload: the frame carries the NIC's zeros.
  std::memcpy(ring.host + abi::TXD_BYTES, &d, abi::TXD_BYTES);
  dev->sync_to_device(ring, abi::TXD_BYTES, abi::TXD_BYTES);
  dev->ring_doorbell(2);
  ASSERT_TRUE(wait_tail(2));
  // Both synced: the frame is the one the coherent device sends.
  dev->sync_to_device(buf, 0, payload.size());
  std::memcpy(ring.host + 2 * abi::TXD_BYTES, &d, abi::TXD_BYTES);
  dev->sync_to_device(ring, 2 * abi::TXD_BYTES, abi::TXD_BYTES);
  dev->ring_doorbell(3);
  ASSERT_TRUE(wait_tail(3));
  const auto frames = sink.take_all();
  ASSERT_EQ(frames.size(), 2u);
  const size_t at = 14 + 20 + 8, n = payload.size();
  ASSERT_GE(frames[1].size(), at + n);
  EXPECT_EQ(Bytes(frames[0].begin() + at, frames[0].begin() + at + n), Bytes(n, 0));
  EXPECT_EQ(Bytes(frames[1].begin() + at, frames[1].begin() + at + n), payload);
  const sendoff::DeviceCounters c = dev->counters();
  EXPECT_EQ(c.doorbells, 3u);
  EXPECT_EQ(c.dma_syncs, 4u);
  EXPECT_EQ(c.dma_sync_bytes, 6 * abi::TXD_BYTES + n);
}

}  // namespace
