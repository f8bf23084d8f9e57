// SPDX-License-Identifier: MIT
// The receive path from the driver up to the transports, after
// net/core/dev.c (netif_receive_skb), net/ethernet/eth.c (eth_type_trans)
// and net/ipv4/ip_input.c (ip_rcv, ip_local_deliver): the same checks in the
// same order, each failure counted in the row Linux counts it in.
#include <linux/if_packet.h>
#include <netinet/in.h>

#include <cstring>

#include "arp.hpp"
#include "net.hpp"
#include "sendoff/inet_csum.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

namespace {

constexpr uint16_t kEthPArp = 0x0806;
constexpr uint16_t kIpMf = 0x2000, kIpOffset = 0x1FFF;

uint16_t get_be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get_be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// eth_type_trans: who the frame is for, and the EtherType.
uint16_t eth_type_trans(net* n, sk_buff_rx* skb) {
  const uint8_t* dest = skb->data;
  static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  if (dest[0] & 1)
    skb->pkt_type = std::memcmp(dest, bcast, 6) == 0 ? PACKET_BROADCAST : PACKET_MULTICAST;
  else if (std::memcmp(dest, n->cfg.mac, 6) == 0)
    skb->pkt_type = PACKET_HOST;
  else
    skb->pkt_type = PACKET_OTHERHOST;
  uint16_t proto = get_be16(skb->data + 12);
  skb->data += abi::ETH_HLEN;
  skb->len -= abi::ETH_HLEN;
  return proto;
}

bool ipv4_is_multicast(uint32_t a) { return (a & 0xF0000000u) == 0xE0000000u; }
bool ipv4_is_lbcast(uint32_t a) { return a == 0xFFFFFFFFu; }
bool ipv4_is_zeronet(uint32_t a) { return (a & 0xFF000000u) == 0; }
bool ipv4_is_loopback(uint32_t a) { return (a & 0xFF000000u) == 0x7F000000u; }

// ip_local_deliver → ip_local_deliver_finish: raw sockets see a copy, then
// the protocol's handler.
int ip_local_deliver(net* n, std::unique_ptr<sk_buff_rx> skb, size_t ihl) {
  if (get_be16(skb->data + 6) & (kIpMf | kIpOffset)) {
    skb = ip_defrag(n, std::move(skb));
    if (!skb) return 0;  // queued, or dropped and counted
    ihl = size_t{skb->data[0] & 0xFu} * 4;
  }
  const uint8_t* iph = skb->data;
  raw_local_deliver(n, *skb, iph, skb->len);
  skb->ip_proto = iph[9];
  skb->data += ihl;
  skb->len -= ihl;
  if (skb->ip_proto == IPPROTO_UDP) {
    n->rx.ip_in_delivers.fetch_add(1, std::memory_order_relaxed);
    return udp_rcv(n, std::move(skb));
  }
  if (skb->ip_proto == IPPROTO_TCP) {
    n->rx.ip_in_delivers.fetch_add(1, std::memory_order_relaxed);
    return tcp_v4_rcv(n, std::move(skb));
  }
  if (skb->ip_proto == IPPROTO_ICMP) {
    // Echo replies and errors are not answered or reported to sockets yet.
    n->rx.ip_in_delivers.fetch_add(1, std::memory_order_relaxed);
    n->rx.icmp_in_msgs.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  n->rx.ip_in_unknown_protos.fetch_add(1, std::memory_order_relaxed);
  return -1;
}

}  // namespace

void netif_receive_skb(net* n, std::unique_ptr<sk_buff_rx> skb) {
  TraceScope ts(n->trace, "netif_receive_skb");
  n->rx.rx_packets.fetch_add(1, std::memory_order_relaxed);
  if (skb->len < abi::ETH_HLEN) {
    n->rx.rx_dropped.fetch_add(1, std::memory_order_relaxed);
    ts.ret(-1, "runt");
    return;
  }
  uint16_t proto = eth_type_trans(n, skb.get());
  if (proto == abi::ETH_P_IP) {
    ts.ret(ip_rcv(n, std::move(skb)));
    return;
  }
  if (proto == kEthPArp && n->neigh.xmit) {
    ts.ret(arp_rcv(n, std::move(skb)));
    return;
  }
  // Every other EtherType: rx_dropped, as Linux counts a frame no protocol took.
  n->rx.rx_dropped.fetch_add(1, std::memory_order_relaxed);
  ts.ret(-1, proto == kEthPArp ? "ARP: the NIC cannot send replies" : "no handler for the EtherType");
}

// ip_rcv → ip_rcv_core → ip_rcv_finish (route input: local or dropped).
int ip_rcv(net* n, std::unique_ptr<sk_buff_rx> skb) {
  TraceScope ts(n->trace, "ip_rcv");
  // Frames for another host are dropped before they are counted.
  if (skb->pkt_type == PACKET_OTHERHOST) return ts.ret(-1, "PACKET_OTHERHOST");
  n->rx.ip_in_receives.fetch_add(1, std::memory_order_relaxed);
  const uint8_t* iph = skb->data;
  if (skb->len < 20 || (iph[0] >> 4) != 4 || (iph[0] & 0xF) < 5) {
    n->rx.ip_in_hdr_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "bad header");
  }
  size_t ihl = size_t{iph[0] & 0xFu} * 4;
  if (skb->len < ihl) {
    n->rx.ip_in_hdr_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "header longer than the packet");
  }
  if (inet_csum(iph, ihl) != 0) {
    n->rx.ip_in_csum_errors.fetch_add(1, std::memory_order_relaxed);
    n->rx.ip_in_hdr_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "header checksum");
  }
  size_t tot_len = get_be16(iph + 2);
  if (skb->len < tot_len) {
    n->rx.ip_in_truncated.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "truncated");
  }
  if (tot_len < ihl) {
    n->rx.ip_in_hdr_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "total length below the header length");
  }
  skb->len = tot_len;  // pskb_trim_rcsum: Ethernet padding goes
  skb->saddr = get_be32(iph + 12);
  skb->daddr = get_be32(iph + 16);
  // ip_route_input_noref: martian sources, then local or broadcast
  // destinations; with forwarding off everything else is dropped.
  if (ipv4_is_multicast(skb->saddr) || ipv4_is_lbcast(skb->saddr) ||
      ipv4_is_loopback(skb->saddr) || (ipv4_is_zeronet(skb->saddr) && skb->saddr != 0)) {
    n->rx.ip_in_addr_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "martian source");
  }
  bool bcast = ipv4_is_lbcast(skb->daddr) || inet_addr_is_broadcast(n, skb->daddr);
  const bool mcast = ipv4_is_multicast(skb->daddr);
  if (mcast && !ip_check_mc(n, skb->daddr)) {
    n->rx.ip_in_addr_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "multicast group not joined");
  }
  if (!bcast && !mcast && !inet_addr_is_local(n, skb->daddr)) {
    n->rx.ip_in_addr_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "not for us (no forwarding)");
  }
  if (bcast) skb->pkt_type = PACKET_BROADCAST;
  return ts.ret(ip_local_deliver(n, std::move(skb), ihl));
}

}  // namespace sendoff
