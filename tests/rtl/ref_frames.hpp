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

// One IPv4 frame: Ethernet header from the flow, IPv4 header (TOS, TTL from the descriptor;
// id and the flags/offset word given), then `n` L4 bytes at l4, padded (and FCS) as sent.
inline std::vector<uint8_t> ipv4_frame(const sendoff::abi::FlowEntry& flow,
                                       const sendoff::abi::TxDesc& d, uint16_t id,
                                       uint16_t frag_word, uint8_t proto, const uint8_t* l4,
                                       size_t n, bool fcs) {
  std::vector<uint8_t> f(flow.dmac, flow.dmac + 6);
  f.insert(f.end(), flow.smac, flow.smac + 6);
  put16(f, sendoff::abi::ETH_P_IP);
  std::vector<uint8_t> ip;
  ip.push_back(0x45);
  ip.push_back(d.tos);
  put16(ip, uint16_t(20 + n));
  put16(ip, id);
  put16(ip, frag_word);
  ip.push_back(d.ttl);
  ip.push_back(proto);
  put16(ip, 0);
  put32(ip, flow.saddr);
  put32(ip, flow.daddr);
  const uint16_t ic = uint16_t(~sum16(ip.data(), ip.size()));
  ip[10] = uint8_t(ic >> 8);
  ip[11] = uint8_t(ic);
  f.insert(f.end(), ip.begin(), ip.end());
  f.insert(f.end(), l4, l4 + n);
  finish_frame(f, fcs);
  return f;
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
      bad_len || d.addr > dev_mem || d.len > dev_mem - d.addr) {
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
    const uint16_t frag_word =
        uint16_t((!frag && df ? 0x4000 : 0) | (frag && !last ? 0x2000 : 0) | (pos / 8));
    out->push_back(ipv4_frame(*flow, d, d.ip_id, frag_word, proto, l4.data() + pos, n, fcs));
    pos += n;
  } while (pos < l4.size());
  return Verdict::kSend;
}

// A TCP descriptor (two slots, TSO) as Linux's GSO would cut it: mss payload bytes a
// segment, sequence numbers seq + k * mss, the same ACK, window and options on each, PSH and
// FIN on the last segment only, CWR on the first only, IPv4 ID ip_id + k, DF as asked, never
// fragmented (20 + 20 + options + min(len, mss) over the MTU is an error). A 0-byte
// payload is one segment of headers alone. slot2_err: the second slot read with an error.
inline Verdict ref_frames_tcp(const sendoff::abi::FlowEntry* flow, const sendoff::abi::TxDesc& d,
                              const sendoff::abi::TxDescTcp& t, const uint8_t* payload,
                              bool fcs, std::vector<std::vector<uint8_t>>* out,
                              uint64_t dev_mem = 64ull << 20, bool slot2_err = false) {
  namespace abi = sendoff::abi;
  if (slot2_err || (d.flags & ~abi::TXD_F_KNOWN) || d.rsvd != 0 ||
      d.len > abi::MAX_PAYLOAD || d.mss < abi::TSO_MSS_MIN || d.mss > abi::MAX_MTU ||
      t.opt_len % 4 != 0 || t.opt_len > abi::TXD_TCP_OPT_MAX || d.addr > dev_mem ||
      d.len > dev_mem - d.addr) {
    return Verdict::kError;
  }
  if (flow == nullptr || !(flow->flags & abi::FLOW_F_VALID) || flow->mtu < abi::MIN_MTU ||
      flow->mtu > abi::MAX_MTU) {
    return Verdict::kDrop;
  }
  const uint32_t hlen = 20u + t.opt_len;
  if (20 + hlen + std::min<uint32_t>(d.len, d.mss) > flow->mtu) return Verdict::kError;
  const bool df = d.flags & abi::TXD_F_DF;
  uint32_t pos = 0, k = 0;
  do {
    const uint32_t n = std::min<uint32_t>(d.mss, d.len - pos);
    const bool first = k == 0, last = pos + n == d.len;
    uint8_t fl = t.tcp_flags;
    if (!last) fl &= uint8_t(~0x09u);  // PSH, FIN
    if (!first) fl &= uint8_t(~0x80u);  // CWR
    std::vector<uint8_t> tcp;
    put16(tcp, flow->sport);
    put16(tcp, flow->dport);
    put32(tcp, d.seq + pos);
    put32(tcp, t.ack);
    tcp.push_back(uint8_t((hlen / 4) << 4));
    tcp.push_back(fl);
    put16(tcp, t.window);
    put16(tcp, 0);
    put16(tcp, 0);
    tcp.insert(tcp.end(), t.opts, t.opts + t.opt_len);
    tcp.insert(tcp.end(), payload + pos, payload + pos + n);
    std::vector<uint8_t> ph;
    put32(ph, flow->saddr);
    put32(ph, flow->daddr);
    ph.push_back(0);
    ph.push_back(abi::IPPROTO_TCP_NUM);
    put16(ph, uint16_t(tcp.size()));
    const uint16_t c = uint16_t(~sum16(tcp.data(), tcp.size(), sum16(ph.data(), ph.size())));
    tcp[16] = uint8_t(c >> 8);
    tcp[17] = uint8_t(c);
    out->push_back(ipv4_frame(*flow, d, uint16_t(d.ip_id + k), uint16_t(df ? 0x4000 : 0),
                              abi::IPPROTO_TCP_NUM, tcp.data(), tcp.size(), fcs));
    pos += n;
    ++k;
  } while (pos < d.len);
  return Verdict::kSend;
}

}  // namespace rtltest

#endif  // SENDOFF_TESTS_RTL_REF_FRAMES_HPP
