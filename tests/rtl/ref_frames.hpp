// SPDX-License-Identifier: MIT
// Reference frames for a descriptor, written from the send-path semantics (UDP over IPv4
// as Linux builds it) for the RTL tests: checks, UDP header and checksum, fragmentation,
// Ethernet header, padding and FCS.
#ifndef SENDOFF_TESTS_RTL_REF_FRAMES_HPP
#define SENDOFF_TESTS_RTL_REF_FRAMES_HPP

#include <algorithm>
#include <cstdint>
#include <vector>

#include "rtl_test_util.hpp"
#include "sendoff/nic_abi.hpp"

namespace rtltest {

enum class Verdict { kSend, kDrop, kError };

inline void put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(uint8_t(x >> 8));
  v.push_back(uint8_t(x));
}
inline void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, uint16_t(x >> 16));
  put16(v, uint16_t(x));
}

// Padding to ETH_ZLEN, then the FCS when asked.
inline void finish_frame(std::vector<uint8_t>& f, bool fcs) {
  if (f.size() < sendoff::abi::ETH_ZLEN) f.resize(sendoff::abi::ETH_ZLEN, 0);
  if (fcs) {
    const uint32_t c = crc32_ref(f.data(), f.size());
    for (int i = 0; i < 4; ++i) f.push_back(uint8_t(c >> (8 * i)));
  }
}

// Checks in the order the HLS model documents: the descriptor alone (error), the flow
// (drop), DF against the MTU (error); a whole frame (TXD_L4_ETH) has only the first.
// flow == nullptr: the index is outside the table. Payloads must lie in [0, dev_mem).
inline Verdict ref_frames(const sendoff::abi::FlowEntry* flow, const sendoff::abi::TxDesc& d,
                          const uint8_t* payload, bool fcs,
                          std::vector<std::vector<uint8_t>>* out,
                          uint64_t dev_mem = 64ull << 20) {
  namespace abi = sendoff::abi;
  const unsigned l4kind = d.flags & abi::TXD_F_L4_MASK;
  const bool udp = l4kind == abi::TXD_L4_UDP;
  const bool eth = l4kind == abi::TXD_L4_ETH;
  const bool df = d.flags & abi::TXD_F_DF;
  const bool bad_len = eth ? (d.len < abi::ETH_HLEN || d.len > abi::ETH_FRAME_MAX)
                           : d.len > (udp ? 65507u : 65515u);
  if ((d.flags & ~abi::TXD_F_KNOWN) || l4kind == abi::TXD_L4_TCP || d.rsvd != 0 ||
      (d.addr & 63) || bad_len || d.addr > dev_mem || d.len > dev_mem - d.addr) {
    return Verdict::kError;
  }
  if (eth) {
    std::vector<uint8_t> f(payload, payload + d.len);
    finish_frame(f, fcs);
    out->push_back(std::move(f));
    return Verdict::kSend;
  }
  if (flow == nullptr || !(flow->flags & abi::FLOW_F_VALID) || flow->mtu < abi::MIN_MTU ||
      flow->mtu > abi::MAX_MTU) {
    return Verdict::kDrop;
  }
  std::vector<uint8_t> l4;
  if (udp) {
    put16(l4, flow->sport);
    put16(l4, flow->dport);
    put16(l4, uint16_t(d.len + 8));
    put16(l4, 0);
  }
  l4.insert(l4.end(), payload, payload + d.len);
  const uint8_t proto = udp ? abi::IPPROTO_UDP_NUM : flow->protocol;
  if (udp) {
    std::vector<uint8_t> ph;
    put32(ph, flow->saddr);
    put32(ph, flow->daddr);
    ph.push_back(0);
    ph.push_back(proto);
    put16(ph, uint16_t(l4.size()));
    uint32_t s = sum16(ph.data(), ph.size());
    s = sum16(l4.data(), l4.size(), s);
    uint16_t c = uint16_t(~s);
    if (c == 0) c = 0xFFFF;
    l4[6] = uint8_t(c >> 8);
    l4[7] = uint8_t(c);
  }
  const bool frag = 20 + l4.size() > flow->mtu;
  if (frag && df) return Verdict::kError;
  const size_t fsz = frag ? ((flow->mtu - 20) & ~7u) : l4.size();
  size_t pos = 0;
  do {
    const size_t n = std::min(fsz, l4.size() - pos);
    const bool last = pos + n == l4.size();
    std::vector<uint8_t> f(flow->dmac, flow->dmac + 6);
    f.insert(f.end(), flow->smac, flow->smac + 6);
    put16(f, abi::ETH_P_IP);
    std::vector<uint8_t> ip;
    ip.push_back(0x45);
    ip.push_back(d.tos);
    put16(ip, uint16_t(20 + n));
    put16(ip, d.ip_id);
    put16(ip, uint16_t((!frag && df ? 0x4000 : 0) | (frag && !last ? 0x2000 : 0) | (pos / 8)));
    ip.push_back(d.ttl);
    ip.push_back(proto);
    put16(ip, 0);
    put32(ip, flow->saddr);
    put32(ip, flow->daddr);
    const uint16_t ic = uint16_t(~sum16(ip.data(), ip.size()));
    ip[10] = uint8_t(ic >> 8);
    ip[11] = uint8_t(ic);
    f.insert(f.end(), ip.begin(), ip.end());
    f.insert(f.end(), l4.begin() + long(pos), l4.begin() + long(pos + n));
    finish_frame(f, fcs);
    out->push_back(std::move(f));
    pos += n;
  } while (pos < l4.size());
  return Verdict::kSend;
}

}  // namespace rtltest

#endif  // SENDOFF_TESTS_RTL_REF_FRAMES_HPP
