// SPDX-License-Identifier: MIT
// The sendoff_tx top: descriptor ring, flow table and device memory built
// by hand from nic_abi.hpp, frames checked against spelled-out bytes (scapy
// built) or parsed field by field.
#include "sendoff_tx/sendoff_tx.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "beats.hpp"
#include "sendoff/inet_csum.hpp"
#include "tx_nic.hpp"

namespace {

using sendoff_test::be16;
using sendoff_test::Bytes;
using sendoff_test::hex;
using sendoff_test::kPayloadAddr;
using sendoff_test::Nic;
using sendoff_test::default_flow;
using sendoff_test::udp_desc;
namespace abi = sendoff::abi;


const char* kHelloFrame =
    "020000000002 020000000001 0800 450000291234400040119c68c6120001c6120002"
    "9c4023280015b910 68656c6c6f2073656e646f6666";

TEST(SendoffTx, UdpFrameMatchesReference) {
  Nic nic;
  const Bytes payload = hex("68656c6c6f2073656e646f6666");  // "hello sendoff"
  nic.put_bytes(kPayloadAddr, payload);
  abi::TxDesc d = udp_desc(13, 0x1234);
  d.flags |= abi::TXD_F_DF;
  nic.post(0, d);
  std::vector<Bytes> frames = nic.run(1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], sendoff_test::cat(hex(kHelloFrame), Bytes(5, 0)));
  EXPECT_EQ(nic.tail, 1u);
  EXPECT_EQ(nic.frames, 1u);
  EXPECT_EQ(nic.bytes, 60u);
  EXPECT_EQ(nic.drops, 0u);
  EXPECT_EQ(nic.desc_errors, 0u);

  nic.ctrl |= abi::CTRL_FCS_APPEND;
  nic.post(1, d);
  frames = nic.run(2);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], sendoff_test::cat(hex(kHelloFrame), hex("0000000000 bf47f476")));
  EXPECT_EQ(nic.bytes, 60u);  // without the FCS
}

TEST(SendoffTx, EmptyDatagramIsPaddedTo60) {
  Nic nic;
  nic.post(0, udp_desc(0, 7));
  const std::vector<Bytes> frames = nic.run(1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], sendoff_test::cat(hex("020000000002 020000000001 0800"
                                             "4500001c000700004011eea2c6120001c6120002"
                                             "9c4023280008b44d"),
                                         Bytes(18, 0)));
}

// Parses the fragments of one UDP datagram as a receiver would and checks
// them against Linux's rules for the given MTU.
void expect_fragments(const std::vector<Bytes>& frames, const Bytes& payload, unsigned mtu,
                      uint16_t id) {
  const size_t per_frag = (mtu - 20) & ~7u;
  const size_t l4_len = payload.size() + 8;
  const size_t n = (l4_len + per_frag - 1) / per_frag;
  ASSERT_EQ(frames.size(), n);
  Bytes seg(l4_len);
  for (size_t k = 0; k < n; ++k) {
    const Bytes& f = frames[k];
    ASSERT_GE(f.size(), 60u);
    EXPECT_EQ(Bytes(f.begin(), f.begin() + 14), hex("020000000002 020000000001 0800"));
    const Bytes ip(f.begin() + 14, f.end());
    EXPECT_EQ(ip[0], 0x45);
    const size_t tot = be16(ip, 2);
    const size_t data = tot - 20;
    EXPECT_EQ(data, k + 1 < n ? per_frag : l4_len - per_frag * (n - 1)) << "fragment " << k;
    EXPECT_LE(tot, mtu);
    EXPECT_EQ(be16(ip, 4), id);
    const uint16_t frag = be16(ip, 6);
    EXPECT_EQ(frag & 0x4000, 0) << "DF on a fragment";
    EXPECT_EQ((frag & 0x2000) != 0, k + 1 < n) << "MF, fragment " << k;
    EXPECT_EQ(static_cast<size_t>(frag & 0x1FFF) * 8, k * per_frag);
    EXPECT_EQ(ip[8], 64);
    EXPECT_EQ(ip[9], 17);
    EXPECT_EQ(sendoff::inet_csum(ip.data(), 20), 0) << "header checksum, fragment " << k;
    ASSERT_LE((frag & 0x1FFF) * 8u + data, seg.size());
    std::copy(ip.begin() + 20, ip.begin() + 20 + data, seg.begin() + (frag & 0x1FFF) * 8);
    EXPECT_EQ(f.size(), 14 + tot < 60 ? 60 : 14 + tot);
  }
  EXPECT_EQ(be16(seg, 0), 40000);
  EXPECT_EQ(be16(seg, 2), 9000);
  EXPECT_EQ(be16(seg, 4), l4_len);
  Bytes ph = hex("c6120001 c6120002 0011");
  ph.push_back(static_cast<uint8_t>(l4_len >> 8));
  ph.push_back(static_cast<uint8_t>(l4_len));
  EXPECT_EQ(sendoff::csum_finish(sendoff::csum_partial(
                seg.data(), seg.size(), sendoff::csum_partial(ph.data(), ph.size(), 0))),
            0)
      << "UDP checksum over the reassembled datagram";
  EXPECT_EQ(Bytes(seg.begin() + 8, seg.end()), payload);
}

TEST(SendoffTx, FragmentsAtMtu1500) {
  for (uint32_t len : {1473u, 9000u, 65507u}) {
    SCOPED_TRACE(len);
    Nic nic;
    const Bytes payload = sendoff_test::pattern(len, len);
    nic.put_bytes(kPayloadAddr, payload);
    nic.post(0, udp_desc(len, 0x4242));
    const std::vector<Bytes> frames = nic.run(1);
    expect_fragments(frames, payload, 1500, 0x4242);
    EXPECT_EQ(nic.frames, frames.size());
  }
}

TEST(SendoffTx, LargestUnfragmentedDatagram) {
  Nic nic;
  const Bytes payload = sendoff_test::pattern(1472, 1);
  nic.put_bytes(kPayloadAddr, payload);
  abi::TxDesc d = udp_desc(1472, 1);
  d.flags |= abi::TXD_F_DF;
  nic.post(0, d);
  const std::vector<Bytes> frames = nic.run(1);
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(frames[0].size(), 1514u);
  EXPECT_EQ(be16(frames[0], 14 + 2), 1500);
  EXPECT_EQ(be16(frames[0], 14 + 6), 0x4000);  // DF, no fragmentation
  EXPECT_EQ(nic.desc_errors, 0u);
}

TEST(SendoffTx, RawUsesTheFlowProtocol) {
  Nic nic;
  abi::FlowEntry f = default_flow();
  f.protocol = 253;
  f.mtu = 9000;
  nic.set_flow(7, f);
  const Bytes l4 = sendoff_test::pattern(3000, 3);
  nic.put_bytes(kPayloadAddr, l4);
  abi::TxDesc d = udp_desc(3000, 0x0102);
  d.flags = abi::TXD_L4_RAW;
  d.flow = 7;
  d.tos = 0x2e;
  d.ttl = 3;
  nic.post(0, d);
  const std::vector<Bytes> frames = nic.run(1);
  ASSERT_EQ(frames.size(), 1u);
  const Bytes& fr = frames[0];
  ASSERT_EQ(fr.size(), 14u + 20 + 3000);
  EXPECT_EQ(Bytes(fr.begin() + 14, fr.begin() + 24), hex("452e 0bcc 0102 0000 03fd"));
  EXPECT_EQ(Bytes(fr.begin() + 26, fr.begin() + 34), hex("c6120001 c6120002"));
  EXPECT_EQ(sendoff::inet_csum(fr.data() + 14, 20), 0);
  EXPECT_EQ(Bytes(fr.begin() + 34, fr.end()), l4);
}

// TXD_L4_ETH: the payload is the frame. An ARP request (scapy-built, FCS from
// zlib's crc32) leaves padded to 60 bytes, whatever the flow index, DF and the
// IPv4/TCP fields say.
TEST(SendoffTx, EthDescriptorSendsTheFrameAsIs) {
  const char* arp =
      "ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 c6120001"
      "000000000000 c6120002";
  Nic nic;
  nic.ctrl |= abi::CTRL_FCS_APPEND;
  nic.put_bytes(kPayloadAddr, hex(arp));
  abi::TxDesc d = udp_desc(42, 0x0102);
  d.flags = abi::TXD_L4_ETH | abi::TXD_F_DF;
  d.flow = 0xFFFF;
  d.seq = 7;
  d.mss = 3;
  nic.post(0, d);
  const std::vector<Bytes> frames = nic.run(1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], sendoff_test::cat(hex(arp), sendoff_test::cat(Bytes(18, 0), hex("5115adc9"))));
  EXPECT_EQ(nic.tail, 1u);
  EXPECT_EQ(nic.frames, 1u);
  EXPECT_EQ(nic.bytes, 60u);
  EXPECT_EQ(nic.drops, 0u);
  EXPECT_EQ(nic.desc_errors, 0u);
}

// The length limits are inclusive, a flow that is not valid does not matter,
// and a whole frame between two UDP datagrams leaves the stages as it came.
TEST(SendoffTx, EthDescriptorLengthsAndNeighbours) {
  Nic nic;
  abi::FlowEntry invalid = default_flow();
  invalid.flags = 0;
  nic.set_flow(5, invalid);
  const Bytes small = sendoff_test::pattern(abi::ETH_HLEN, 1);
  const Bytes jumbo = sendoff_test::pattern(abi::ETH_FRAME_MAX, 2);
  nic.put_bytes(0x20000, small);
  nic.put_bytes(0x30000, jumbo);
  nic.put_bytes(kPayloadAddr, sendoff_test::pattern(100, 3));
  abi::TxDesc a = udp_desc(abi::ETH_HLEN, 0);
  a.flags = abi::TXD_L4_ETH;
  a.addr = 0x20000;
  a.flow = 5;
  abi::TxDesc b = a;
  b.len = abi::ETH_FRAME_MAX;
  b.addr = 0x30000;
  nic.post(0, udp_desc(100, 1));
  nic.post(1, a);
  nic.post(2, b);
  nic.post(3, udp_desc(100, 1));
  const std::vector<Bytes> frames = nic.run(4);
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[1], sendoff_test::cat(small, Bytes(60 - abi::ETH_HLEN, 0)));
  EXPECT_EQ(frames[2], jumbo);
  EXPECT_EQ(frames[3], frames[0]);
  EXPECT_EQ(nic.bytes, 2 * frames[0].size() + 60 + abi::ETH_FRAME_MAX);
  EXPECT_EQ(nic.drops, 0u);
  EXPECT_EQ(nic.desc_errors, 0u);
}

struct BadCase {
  const char* what;
  abi::TxDesc desc;
  bool is_drop;  // counted in drops, else in desc_errors
};

TEST(SendoffTx, RejectsBadDescriptorsWithoutAFrame) {
  std::vector<BadCase> cases;
  auto add = [&](const char* what, bool drop, auto mutate) {
    abi::TxDesc d = udp_desc(100, 1);
    mutate(d);
    cases.push_back({what, d, drop});
  };
  add("flow index out of range", true, [](abi::TxDesc& d) { d.flow = abi::FLOW_TABLE_SIZE; });
  add("flow not valid", true, [](abi::TxDesc& d) { d.flow = 5; });
  add("flow MTU below 68", true, [](abi::TxDesc& d) { d.flow = 6; });
  add("unknown flag bit", false, [](abi::TxDesc& d) { d.flags |= 1u << 5; });
  add("bit 3 (PSH before ABI 3.0)", false, [](abi::TxDesc& d) { d.flags |= 1u << 3; });
  add("ETH len 13", false, [](abi::TxDesc& d) {
    d.flags = abi::TXD_L4_ETH;
    d.len = abi::ETH_HLEN - 1;
  });
  add("ETH len 9015", false, [](abi::TxDesc& d) {
    d.flags = abi::TXD_L4_ETH;
    d.len = abi::ETH_FRAME_MAX + 1;
  });
  add("ETH with reserved non-zero", false, [](abi::TxDesc& d) {
    d.flags = abi::TXD_L4_ETH;
    d.rsvd = 1;
  });
  add("reserved non-zero", false, [](abi::TxDesc& d) { d.rsvd = 1; });
  add("UDP len 65508", false, [](abi::TxDesc& d) { d.len = 65508; });
  add("RAW len 65516", false, [](abi::TxDesc& d) {
    d.flags = abi::TXD_L4_RAW;
    d.len = 65516;
  });
  add("payload outside device memory", false, [](abi::TxDesc& d) { d.addr = sendoff::DEV_MEM_BYTES - 64; });
  add("payload one byte past device memory", false,
      [](abi::TxDesc& d) { d.addr = sendoff::DEV_MEM_BYTES - d.len + 1; });
  add("DF but needs fragmenting", false, [](abi::TxDesc& d) {
    d.flags |= abi::TXD_F_DF;
    d.len = 1473;
  });
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    Nic nic;
    abi::FlowEntry invalid = default_flow();
    invalid.flags = 0;
    nic.set_flow(5, invalid);
    abi::FlowEntry tiny = default_flow();
    tiny.mtu = 67;
    nic.set_flow(6, tiny);
    nic.post(0, c.desc);
    nic.post(1, udp_desc(100, 2));  // a good one after it still goes out
    const std::vector<Bytes> frames = nic.run(2);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(be16(frames[0], 14 + 4), 2);
    EXPECT_EQ(nic.tail, 2u);
    EXPECT_EQ(nic.drops, c.is_drop ? 1u : 0u);
    EXPECT_EQ(nic.desc_errors, c.is_drop ? 0u : 1u);
    EXPECT_EQ(nic.frames, 1u);
  }
}

// read_fault.hpp's contract: a poisoned ring entry or payload is a
// descriptor error, counted once, and the ring goes on.
// CAPS_TX_UNALIGNED (ABI 3.1): a payload at any byte address sends what the
// same bytes send from a 64-byte aligned one, for every one-slot L4 kind:
// offsets inside a word, past one (at 1024 bits a beat is two words), payloads
// that end in one more word than they would aligned, and one across a 4 KiB
// page. The bytes around the payload are junk that must not leak in.
TEST(SendoffTx, UnalignedPayloadsSendWhatAlignedOnesSend) {
  const uint64_t offsets[] = {1, 7, 31, 32, 33, 63, 64, 65, 100, 127, 4096 - 20};
  const uint32_t lens[] = {0, 1, 20, 63, 64, 65, 127, 128, 129, 1472, 3000};
  const uint16_t kinds[] = {abi::TXD_L4_UDP, abi::TXD_L4_RAW, abi::TXD_L4_ETH};
  auto send = [](uint16_t kind, const Bytes& p, uint64_t addr) {
    Nic nic;
    nic.put_bytes(addr - 256, sendoff_test::pattern(static_cast<uint32_t>(p.size()) + 512, 99));
    nic.put_bytes(addr, p);
    abi::TxDesc d = udp_desc(static_cast<uint32_t>(p.size()), 7);
    d.addr = addr;
    d.flags = kind;
    nic.post(0, d);
    const std::vector<Bytes> frames = nic.run(1);
    EXPECT_EQ(nic.desc_errors, 0u);
    return frames;
  };
  for (const uint16_t kind : kinds) {
    for (const uint32_t len : lens) {
      if (kind == abi::TXD_L4_ETH && len < abi::ETH_HLEN) continue;
      SCOPED_TRACE("kind " + std::to_string(kind) + ", len " + std::to_string(len));
      const Bytes p = sendoff_test::pattern(len, len + kind);
      const std::vector<Bytes> want = send(kind, p, kPayloadAddr);
      ASSERT_FALSE(want.empty());
      for (const uint64_t off : offsets) {
        EXPECT_EQ(send(kind, p, kPayloadAddr + off), want) << "offset " << off;
      }
    }
  }
}

TEST(SendoffTx, ReadFaultsRejectTheDescriptorsTheyTouch) {
  constexpr uint64_t A = sendoff::READ_FAULT_ALIGN;
  struct Case {
    const char* what;
    sendoff::ReadFaultRange fault;
    abi::TxDesc desc;
    uint32_t drops, desc_errors;  // for the first descriptor
  };
  abi::TxDesc bad_flow = udp_desc(100, 1);
  bad_flow.flow = abi::FLOW_TABLE_SIZE;
  abi::TxDesc bad_flags = udp_desc(100, 1);
  bad_flags.flags |= 1u << 5;
  abi::TxDesc empty = udp_desc(0, 1);
  abi::TxDesc last_word = udp_desc(1000, 1);  // bytes 0x10000..0x103e7
  auto at = [](uint64_t addr) {  // 100 bytes at addr
    abi::TxDesc d = udp_desc(100, 1);
    d.addr = addr;
    return d;
  };
  // The ring starts at 0x1060: entry 0 is the last 32 bytes of [0x1000, 0x1080),
  // entry 1 the first of the next 128-byte block.
  const Case cases[] = {
      {"ring entry poisoned", {0x1000, 0x1000 + A}, udp_desc(100, 1), 0, 1},
      {"range just before the ring", {0x1000 - A, 0x1000}, udp_desc(100, 1), 0, 0},
      {"payload poisoned", {kPayloadAddr, kPayloadAddr + A}, udp_desc(100, 1), 0, 1},
      {"payload's last byte poisoned", {kPayloadAddr + 7 * A, kPayloadAddr + 8 * A}, last_word, 0, 1},
      {"range just past the payload", {kPayloadAddr + 8 * A, kPayloadAddr + 9 * A}, last_word, 0, 0},
      {"payload poisoned, flow invalid: a drop only", {kPayloadAddr, kPayloadAddr + A}, bad_flow, 1, 0},
      {"payload poisoned, flags bad: one error", {kPayloadAddr, kPayloadAddr + A}, bad_flags, 0, 1},
      {"len 0 reads nothing", {kPayloadAddr, kPayloadAddr + A}, empty, 0, 0},
      // Unaligned payloads (CAPS_TX_UNALIGNED): the bytes [addr, addr + len) decide.
      {"unaligned, ends where the range starts", {kPayloadAddr + A, kPayloadAddr + 2 * A},
       at(kPayloadAddr + A - 100), 0, 0},
      {"unaligned, last byte poisoned", {kPayloadAddr + A, kPayloadAddr + 2 * A},
       at(kPayloadAddr + A - 99), 0, 1},
      {"unaligned, starts where the range ends", {kPayloadAddr, kPayloadAddr + A},
       at(kPayloadAddr + A + 5), 0, 0},
      {"unaligned, first byte poisoned", {kPayloadAddr + A, kPayloadAddr + 2 * A},
       at(kPayloadAddr + 2 * A - 1), 0, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Nic nic;
    nic.ring_base = 0x1060;
    nic.fault = c.fault;
    nic.post(0, c.desc);
    abi::TxDesc good = udp_desc(100, 2);
    good.addr = 0x20000;  // outside every range above
    nic.post(1, good);
    const std::vector<Bytes> frames = nic.run(2);
    const bool first_sent = c.drops + c.desc_errors == 0;
    ASSERT_EQ(frames.size(), first_sent ? 2u : 1u);
    EXPECT_EQ(be16(frames.back(), 14 + 4), 2);
    if (first_sent) {
      EXPECT_EQ(be16(frames[0], 14 + 4), 1);
    }
    EXPECT_EQ(nic.tail, 2u);
    EXPECT_EQ(nic.drops, c.drops);
    EXPECT_EQ(nic.desc_errors, c.desc_errors);
    EXPECT_EQ(nic.frames, frames.size());
  }
}

TEST(SendoffTx, LimitsThemselvesAreAccepted) {
  Nic nic;
  abi::TxDesc udp = udp_desc(65507, 1);
  abi::TxDesc raw = udp_desc(65515, 2);
  raw.flags = abi::TXD_L4_RAW;
  nic.post(0, udp);
  nic.post(1, raw);
  const std::vector<Bytes> frames = nic.run(2);
  EXPECT_EQ(nic.desc_errors, 0u);
  EXPECT_EQ(frames.size(), 90u);  // 45 fragments each
}

TEST(SendoffTx, RingIndexWrapsAround) {
  Nic nic;
  nic.ring_size = 4;
  nic.tail = 0xFFFFFFFEu;  // indices are free-running mod 2^32
  const uint32_t first = nic.tail;
  for (uint32_t k = 0; k < 4; ++k) nic.post(first + k, udp_desc(10, static_cast<uint16_t>(100 + k)));
  const std::vector<Bytes> frames = nic.run(first + 4);
  ASSERT_EQ(frames.size(), 4u);
  for (uint32_t k = 0; k < 4; ++k) EXPECT_EQ(be16(frames[k], 14 + 4), 100 + k);
  EXPECT_EQ(nic.tail, 2u);
}

TEST(SendoffTx, DescriptorInUpperHalfOfAWord) {
  Nic nic;
  nic.ring_base = 0x1020;  // 32-byte aligned, not 64
  nic.ring_size = 2;
  nic.post(0, udp_desc(1, 0x11));
  nic.post(1, udp_desc(2, 0x22));
  const std::vector<Bytes> frames = nic.run(2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(be16(frames[0], 14 + 4), 0x11);
  EXPECT_EQ(be16(frames[1], 14 + 4), 0x22);
}

TEST(SendoffTx, IdleWhenDisabledOrRingUnusable) {
  struct Setup {
    const char* what;
    uint32_t ctrl;
    uint64_t base;
    uint32_t size;
  };
  const Setup setups[] = {
      {"not enabled", abi::CTRL_FCS_APPEND, 0x1000, 16},
      {"size 0", abi::CTRL_ENABLE, 0x1000, 0},
      {"size not a power of two", abi::CTRL_ENABLE, 0x1000, 3},
      {"size above RING_SIZE_MAX", abi::CTRL_ENABLE, 0x1000, 2 * abi::RING_SIZE_MAX},
      {"base not 32-byte aligned", abi::CTRL_ENABLE, 0x1010, 16},
      {"ring past device memory", abi::CTRL_ENABLE, sendoff::DEV_MEM_BYTES - 256, 16},
  };
  for (const Setup& s : setups) {
    SCOPED_TRACE(s.what);
    Nic nic;
    nic.post(0, udp_desc(10, 1));
    nic.ctrl = s.ctrl;
    nic.ring_base = s.base;
    nic.ring_size = s.size;
    nic.tail = 5;
    const std::vector<Bytes> frames = nic.run(8);
    EXPECT_TRUE(frames.empty());
    EXPECT_EQ(nic.tail, 5u);
    EXPECT_EQ(nic.frames + nic.drops + nic.desc_errors, 0u);
  }
}

// ---------------------------------------------------------------- tail write-back
// The block before a run: every byte 0xA5, so a write of anything else shows, and the
// reserved bytes 4..63 must stay 0xA5.
constexpr uint64_t kWbBase = 0x3000;

void fill_wb(Nic& nic) {
  const Bytes junk(abi::WB_BYTES, 0xA5);
  nic.put_bytes(kWbBase, junk);
}

void expect_reserved_untouched(const Nic& nic) {
  for (unsigned i = 4; i < abi::WB_BYTES; ++i)
    EXPECT_EQ(nic.byte_at(kWbBase + i), 0xA5) << "reserved byte " << i;
}

TEST(SendoffTxWriteback, OneWritePerRunWithTheFinalTail) {
  Nic nic;
  nic.wb_base = kWbBase;
  fill_wb(nic);
  abi::TxDesc bad = udp_desc(10, 3);
  bad.rsvd = 1;  // rejected: the tail still passes it
  nic.post(0, udp_desc(10, 1));
  nic.post(1, udp_desc(20, 2));
  nic.post(2, bad);
  EXPECT_EQ(nic.run(3).size(), 2u);
  EXPECT_EQ(nic.wb_writes, 1u) << "three descriptors, one write (coalesced)";
  EXPECT_EQ(nic.u32_at(kWbBase + abi::WB_TAIL_OFF), 3u);
  EXPECT_EQ(nic.wb_errors, 0u);
  expect_reserved_untouched(nic);

  // Nothing consumed: no write.
  nic.put_bytes(kWbBase, Bytes(4, 0xEE));
  EXPECT_TRUE(nic.run(3).empty());
  EXPECT_EQ(nic.wb_writes, 0u);
  EXPECT_EQ(nic.u32_at(kWbBase), 0xEEEEEEEEu);

  nic.post(3, udp_desc(30, 4));
  EXPECT_EQ(nic.run(4).size(), 1u);
  EXPECT_EQ(nic.wb_writes, 1u);
  EXPECT_EQ(nic.u32_at(kWbBase), 4u);
  expect_reserved_untouched(nic);
}

TEST(SendoffTxWriteback, TailWrapsModulo2To32) {
  Nic nic;
  nic.wb_base = kWbBase;
  fill_wb(nic);
  nic.tail = 0xFFFFFFFFu;
  nic.post(0xFFFFFFFFu, udp_desc(10, 1));
  nic.post(0, udp_desc(10, 2));
  EXPECT_EQ(nic.run(1).size(), 2u);
  EXPECT_EQ(nic.wb_writes, 1u);
  EXPECT_EQ(nic.u32_at(kWbBase), 1u);
}

TEST(SendoffTxWriteback, EnableEdgeWritesTheCurrentTailOnce) {
  Nic nic;
  nic.wb_base = kWbBase;
  fill_wb(nic);
  nic.tail = 7;
  nic.wb_force = 1;
  EXPECT_TRUE(nic.run(7).empty());
  EXPECT_EQ(nic.wb_writes, 1u);
  EXPECT_EQ(nic.u32_at(kWbBase), 7u);
  expect_reserved_untouched(nic);

  // The edge's write needs CTRL_ENABLE too.
  fill_wb(nic);
  nic.ctrl = abi::CTRL_FCS_APPEND;
  EXPECT_TRUE(nic.run(7).empty());
  EXPECT_EQ(nic.wb_writes, 0u);
  EXPECT_EQ(nic.u32_at(kWbBase), 0xA5A5A5A5u);
}

TEST(SendoffTxWriteback, NothingWrittenWithoutAValidBaseOrWhenDisabled) {
  struct Setup {
    const char* what;
    uint64_t base;
    uint32_t ctrl;
  };
  const Setup setups[] = {
      {"base 0", 0, abi::CTRL_ENABLE},
      {"base not 64-byte aligned", kWbBase + 4, abi::CTRL_ENABLE},
      {"base only 32-byte aligned", kWbBase + 32, abi::CTRL_ENABLE},
      {"block past device memory", sendoff::DEV_MEM_BYTES, abi::CTRL_ENABLE},
      {"block ends past device memory", sendoff::DEV_MEM_BYTES - 32, abi::CTRL_ENABLE},
      {"not enabled", kWbBase, 0},
  };
  for (const Setup& s : setups) {
    SCOPED_TRACE(s.what);
    Nic nic;
    fill_wb(nic);
    nic.wb_base = s.base;
    nic.ctrl = s.ctrl;
    nic.wb_force = 1;
    nic.post(0, udp_desc(10, 1));
    nic.run(1);
    EXPECT_EQ(nic.wb_writes, 0u);
    EXPECT_EQ(nic.wb_errors, 0u);
    for (unsigned i = 0; i < abi::WB_BYTES; ++i) EXPECT_EQ(nic.byte_at(kWbBase + i), 0xA5);
  }
}

TEST(SendoffTxWriteback, WriteIntoThePoisonedRangeIsAnErrorAndWritesNothing) {
  Nic nic;
  nic.wb_base = kWbBase;
  fill_wb(nic);
  nic.fault = {kWbBase, kWbBase + sendoff::READ_FAULT_ALIGN};
  nic.post(0, udp_desc(10, 1));
  EXPECT_EQ(nic.run(1).size(), 1u);
  EXPECT_EQ(nic.tail, 1u);
  EXPECT_EQ(nic.wb_writes, 0u);
  EXPECT_EQ(nic.wb_errors, 1u);
  EXPECT_EQ(nic.u32_at(kWbBase), 0xA5A5A5A5u);
}

}  // namespace
