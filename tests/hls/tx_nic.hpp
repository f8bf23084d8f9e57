// SPDX-License-Identifier: MIT
// Device memory, flow table and ring registers around one sendoff_tx call,
// built by hand from nic_abi.hpp: the fixture of the sendoff_tx tests.
#ifndef SENDOFF_TESTS_HLS_TX_NIC_HPP
#define SENDOFF_TESTS_HLS_TX_NIC_HPP

#include <cstring>
#include <vector>

#include "beats.hpp"
#include "sendoff_tx/sendoff_tx.hpp"

namespace sendoff_test {

namespace abi = sendoff::abi;

inline constexpr uint64_t kPayloadAddr = 0x10000;

inline abi::FlowEntry default_flow() {
  abi::FlowEntry f;
  std::memset(&f, 0, sizeof f);
  f.saddr = 0xC6120001;  // 198.18.0.1
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

inline abi::TxDesc udp_desc(uint32_t len, uint16_t ip_id) {
  abi::TxDesc d;
  std::memset(&d, 0, sizeof d);
  d.addr = kPayloadAddr;
  d.len = len;
  d.flow = 0;
  d.flags = abi::TXD_L4_UDP;
  d.ip_id = ip_id;
  d.ttl = 64;
  d.cookie = 0xC0FFEE;
  return d;
}

// Device memory, flow table and ring registers around one sendoff_tx call.
struct Nic {
  static constexpr size_t kMemBytes = 2u << 20;
  std::vector<ap_uint<512>> mem = std::vector<ap_uint<512>>(kMemBytes / 64);
  std::vector<ap_uint<32>> flows = std::vector<ap_uint<32>>(sendoff::FLOW_TABLE_WORDS);
  uint64_t ring_base = 0x1000;
  uint32_t ring_size = 16;
  uint32_t tail = 0;
  uint32_t ctrl = abi::CTRL_ENABLE;
  uint64_t frames = 0, bytes = 0;
  uint32_t drops = 0, desc_errors = 0;
  sendoff::ReadFaultRange fault;  // reads that fail (none unless a test sets it)
  uint64_t wb_base = 0;           // tail write-back block (0: none)
  uint32_t wb_force = 0;          // the enable edge's write
  uint32_t wb_writes = 0, wb_errors = 0;
  bool tso = true;                // false: a NIC without CAPS_TSO

  Nic() { set_flow(0, default_flow()); }

  void put_bytes(uint64_t addr, const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i, ++addr) mem[addr / 64]((addr % 64) * 8 + 7, (addr % 64) * 8) = p[i];
  }
  void put_bytes(uint64_t addr, const Bytes& b) { put_bytes(addr, b.data(), b.size()); }
  void set_flow(unsigned idx, const abi::FlowEntry& f) {
    uint8_t raw[abi::FLOW_BYTES];
    std::memcpy(raw, &f, sizeof raw);
    for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) {
      uint32_t w = 0;
      for (unsigned b = 0; b < 4; ++b) w |= static_cast<uint32_t>(raw[4 * k + b]) << (8 * b);
      flows[idx * abi::FLOW_WORDS + k] = w;
    }
  }
  // Ring entry of descriptor index i.
  void post(uint32_t i, const abi::TxDesc& d) {
    uint8_t raw[abi::TXD_BYTES];
    std::memcpy(raw, &d, sizeof raw);
    put_bytes(ring_base + (i % ring_size) * abi::TXD_BYTES, raw, sizeof raw);
  }
  // A TCP descriptor: slots i and i + 1.
  void post(uint32_t i, const abi::TxDesc& d, const abi::TxDescTcp& t) {
    post(i, d);
    uint8_t raw[abi::TXD_BYTES];
    std::memcpy(raw, &t, sizeof raw);
    put_bytes(ring_base + ((i + 1) % ring_size) * abi::TXD_BYTES, raw, sizeof raw);
  }
  std::vector<Bytes> run(uint32_t head) {
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>> out("m_axis_tx");
    ap_uint<32> t = tail;
    ap_uint<64> f = 0, b = 0;
    ap_uint<32> dr = 0, de = 0, ww = 0, we = 0;
    if (fault.empty() && wb_base == 0 && tso) {
      sendoff_tx(mem.data(), ring_base, ring_size, head, &t, flows.data(), ctrl, &f, &b, &dr,
                 &de, out, wb_base, wb_force);
    } else {
      sendoff::sendoff_tx_model(mem.data(), ring_base, ring_size, head, &t, flows.data(), ctrl,
                                &f, &b, &dr, &de, out, wb_base, wb_force, &ww, &we, fault, tso);
    }
    wb_writes = ww.to_uint();
    wb_errors = we.to_uint();
    tail = t.to_uint();
    frames = f.to_uint64();
    bytes = b.to_uint64();
    drops = dr.to_uint();
    desc_errors = de.to_uint();
    return sendoff_test::read_packets(out);
  }
  uint8_t byte_at(uint64_t addr) const {
    return static_cast<uint8_t>(mem[addr / 64]((addr % 64) * 8 + 7, (addr % 64) * 8).to_uint());
  }
  uint32_t u32_at(uint64_t addr) const {
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; ++i) v |= uint32_t{byte_at(addr + i)} << (8 * i);
    return v;
  }
};

}  // namespace sendoff_test

#endif  // SENDOFF_TESTS_HLS_TX_NIC_HPP
