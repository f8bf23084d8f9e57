// SPDX-License-Identifier: MIT
// ARP after net/ipv4/arp.c (arp_rcv, arp_process, arp_solicit, arp_send,
// arp_error_report) for sendoff's one Ethernet interface.
#include "arp.hpp"

#include <linux/if_packet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "neighbour.hpp"
#include "net.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

namespace {

constexpr uint16_t kArphrdEther = 1, kArphrdIeee802 = 6;
constexpr uint16_t kArpopRequest = 1, kArpopReply = 2;
constexpr uint16_t kEthPIp = 0x0800, kEthPArp = 0x0806;
constexpr size_t kArpLen = 28;  // the header with Ethernet and IPv4 addresses

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

// arp_create + arp_xmit: dest_hw is the frame's destination (null:
// broadcast), target_hw the ARP target field (null: zeros).
bool arp_send(net* n, uint16_t op, uint32_t dest_ip, uint32_t src_ip, const uint8_t* dest_hw,
              const uint8_t* target_hw) {
  static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  uint8_t f[abi::ETH_HLEN + kArpLen] = {};
  std::memcpy(f, dest_hw ? dest_hw : bcast, 6);
  std::memcpy(f + 6, n->cfg.mac, 6);
  put16(f + 12, kEthPArp);
  uint8_t* a = f + abi::ETH_HLEN;
  put16(a, kArphrdEther);
  put16(a + 2, kEthPIp);
  a[4] = 6;
  a[5] = 4;
  put16(a + 6, op);
  std::memcpy(a + 8, n->cfg.mac, 6);
  put32(a + 14, src_ip);
  if (target_hw) std::memcpy(a + 18, target_hw, 6);
  put32(a + 24, dest_ip);
  TraceScope ts(n->trace, "arp_xmit");
  const bool ok = n->neigh.xmit && n->neigh.xmit(n, f, sizeof f);
  if (ts.on())
    ts.ret(ok ? 0 : -1, std::string(op == kArpopRequest ? "who-has " : "reply ") +
                            format_ipv4(dest_ip) + (ok ? "" : ": not sent"));
  return ok;
}

}  // namespace

int arp_rcv(net* n, std::unique_ptr<sk_buff_rx> skb) {
  TraceScope ts(n->trace, "arp_rcv");
  if (skb->len < kArpLen) return static_cast<int>(ts.ret(-1, "short"));
  const uint8_t* a = skb->data;
  if (a[4] != 6 || a[5] != 4) return static_cast<int>(ts.ret(-1, "address lengths"));
  if (skb->pkt_type == PACKET_OTHERHOST) return static_cast<int>(ts.ret(-1, "PACKET_OTHERHOST"));
  // arp_process
  const uint16_t hrd = get16(a), pro = get16(a + 2), op = get16(a + 6);
  if ((hrd != kArphrdEther && hrd != kArphrdIeee802) || pro != kEthPIp)
    return static_cast<int>(ts.ret(-1, "not IPv4 over Ethernet"));
  if (op != kArpopRequest && op != kArpopReply) return static_cast<int>(ts.ret(-1, "opcode"));
  uint8_t sha[6];
  std::memcpy(sha, a + 8, 6);
  const uint32_t sip = get32(a + 14), tip = get32(a + 24);
  if (IN_MULTICAST(tip) || (tip >> 24) == 127) return static_cast<int>(ts.ret(-1, "target"));
  const bool for_us = tip == n->cfg.addr && n->cfg.addr != 0;
  // Duplicate address detection (sender 0.0.0.0): answered, nothing learnt.
  if (sip == 0) {
    if (op == kArpopRequest && for_us) {
      arp_send(n, kArpopReply, sip, tip, sha, sha);
      n->neigh.replies_sent.fetch_add(1, std::memory_order_relaxed);
    }
    return static_cast<int>(ts.ret(0, "DAD probe"));
  }
  if (op == kArpopRequest && for_us) {
    // neigh_event_ns: the asker's entry, created, STALE; then the reply.
    neighbour* ne = neigh_lookup_create(n, sip);
    neigh_update(n, ne, sha, NUD_STALE, true);
    const bool sent = arp_send(n, kArpopReply, sip, tip, sha, sha);
    if (sent) n->neigh.replies_sent.fetch_add(1, std::memory_order_relaxed);
    return static_cast<int>(ts.ret(0, "request for us from " + format_ipv4(sip)));
  }
  // Replies and others' requests only update an entry that exists.
  neighbour* ne;
  {
    std::lock_guard<std::mutex> g(n->neigh.lock);
    ne = neigh_lookup(n, sip);
  }
  if (!ne) return static_cast<int>(ts.ret(0, "no entry for " + format_ipv4(sip)));
  const uint8_t state =
      (op == kArpopReply && skb->pkt_type == PACKET_HOST) ? NUD_REACHABLE : NUD_STALE;
  bool override;
  {
    std::lock_guard<std::mutex> g(n->neigh.lock);
    override = neighbour::clock::now() > ne->updated + std::chrono::milliseconds(n->neigh.parms.locktime_ms);
  }
  neigh_update(n, ne, sha, state, override);
  return static_cast<int>(
      ts.ret(0, format_ipv4(sip) + " " + neigh_state_name(ne->nud_state.load())));
}

void arp_solicit(net* n, neighbour* ne) {
  // Within ucast_probes (NUD_PROBE) the request goes to the address known.
  const int probes = ne->probes - n->neigh.parms.ucast_probes;
  const uint8_t* dest_hw =
      (probes < 0 && (ne->nud_state.load(std::memory_order_relaxed) & NUD_VALID)) ? ne->ha : nullptr;
  if (arp_send(n, kArpopRequest, ne->primary_key, n->cfg.addr, dest_hw, nullptr))
    n->neigh.requests_sent.fetch_add(1, std::memory_order_relaxed);
}

void arp_error_report(net* n, const sk_buff& skb, uint32_t daddr) {
  // ipv4_link_failure → icmp_send(ICMP_HOST_UNREACH) to ourselves → udp_err /
  // raw_err: a soft error (icmp_err_convert: not fatal), so only a socket
  // with IP_RECVERR hears of it; then in sk_err and its error queue, with
  // what the ICMP message quoted (576 bytes of it at most).
  sock* sk = skb.sk;
  if (!sk || !sk->recverr) return;
  constexpr size_t kIcmpQuote = 576 - 20 - 8;  // of the original IP packet
  const size_t l4_hdr = skb.l4_kind == abi::TXD_L4_UDP ? 8 : 0;
  const size_t room = kIcmpQuote - 20 - l4_hdr;
  const size_t len = std::min(skb.len, room);
  std::vector<uint8_t> quoted(len);
  if (len) std::memcpy(quoted.data(), skb.iov[0].iov_base, len);
  TraceScope ts(n->trace, sk->type == SOCK_DGRAM ? "udp_err" : "raw_err");
  ip_icmp_error(sk, EHOSTUNREACH, 3 /* ICMP_DEST_UNREACH */, 1 /* ICMP_HOST_UNREACH */,
                n->cfg.addr, daddr, sk->type == SOCK_DGRAM ? skb.dport : 0, quoted.data(), len);
  ts.ret(-EHOSTUNREACH, "neighbour " + format_ipv4(daddr) + " failed");
}

}  // namespace sendoff
