// SPDX-License-Identifier: MIT
// Output routing and neighbour lookup for sendoff's one interface, after
// net/ipv4/route.c (ip_route_output_key) and net/core/neighbour.c.
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "net.hpp"
#include "rcu.hpp"

namespace sendoff {

namespace {

uint32_t netmask(int prefix_len) {
  return prefix_len == 0 ? 0 : ~uint32_t{0} << (32 - prefix_len);
}

bool on_link(const NetConfig& c, uint32_t a) {
  uint32_t m = netmask(c.prefix_len);
  return (a & m) == (c.addr & m);
}

// A static neighbour (--neigh, `neigh` lines: NUD_PERMANENT in Linux's terms).
bool neigh_static(const NetConfig& c, uint32_t ip, uint8_t mac[6]) {
  for (const Neighbour& e : c.neigh)
    if (e.ip == ip) {
      memcpy(mac, e.mac, 6);
      return true;
    }
  return false;
}

}  // namespace

bool inet_addr_is_local(net* n, uint32_t addr) { return addr == n->cfg.addr; }

bool inet_addr_is_broadcast(net* n, uint32_t addr) {
  const NetConfig& c = n->cfg;
  if (addr == INADDR_BROADCAST) return true;
  uint32_t m = netmask(c.prefix_len);
  return c.prefix_len < 31 && on_link(c, addr) && (addr & ~m) == ~m;
}

bool ip_check_mc(net*, uint32_t group) { return group == INADDR_ALLHOSTS_GROUP; }

int ip_route_output(net* n, uint32_t daddr, uint32_t saddr, bool onlink, rtable* rt) {
  const NetConfig& c = n->cfg;
  *rt = rtable{};
  rt->daddr = daddr;
  rt->saddr = saddr ? saddr : c.addr;
  rt->mtu = c.mtu;
  // Local delivery (loopback, our own address, INADDR_ANY as "this host")
  // never reaches the NIC.
  if (daddr == INADDR_ANY || (daddr >> 24) == 127 || daddr == c.addr) return -EOPNOTSUPP;
  // Limited broadcast and multicast leave by the device of the source
  // address or of the default route; with neither, Linux finds no route.
  if ((daddr == INADDR_BROADCAST || IN_MULTICAST(daddr)) && !saddr && !c.gateway)
    return -ENETUNREACH;
  if (inet_addr_is_broadcast(n, daddr)) {
    rt->broadcast = true;
    memset(rt->dmac, 0xff, 6);
    rt->nexthop = daddr;
    return 0;
  }
  if (IN_MULTICAST(daddr)) {
    // RFC 1112 6.4: 01:00:5e and the low 23 bits of the group.
    rt->multicast = true;
    const uint8_t mac[6] = {0x01, 0x00, 0x5e, static_cast<uint8_t>((daddr >> 16) & 0x7f),
                            static_cast<uint8_t>(daddr >> 8), static_cast<uint8_t>(daddr)};
    memcpy(rt->dmac, mac, 6);
    rt->nexthop = daddr;
    return 0;
  }
  if (on_link(c, daddr))
    rt->nexthop = daddr;
  else if (!onlink && c.gateway)
    rt->nexthop = c.gateway;
  else
    return -ENETUNREACH;
  if (neigh_static(c, rt->nexthop, rt->dmac)) return 0;
  // Without ARP (a NIC that cannot receive) only static entries resolve.
  if (!n->neigh.xmit) return -EHOSTUNREACH;
  rt->neigh = neigh_lookup_create(n, rt->nexthop);
  std::lock_guard<std::mutex> g(n->neigh.lock);
  std::memcpy(rt->dmac, rt->neigh->ha, 6);
  rt->neigh_gen = rt->neigh->ha_gen.load(std::memory_order_relaxed);
  return 0;
}

}  // namespace sendoff

namespace sendoff {

namespace {

// dst_release: the route's NIC flow goes back to the driver with it.
void dst_free(net* n, dst_entry* dst) {
  n->nic.flow_put(dst->nic_flow.load(std::memory_order_acquire));
  delete dst;
}

// Replaces the socket's cached route; the old one is freed once no sender
// can still be using it.
void sk_dst_set(sock* sk, dst_entry* dst) {
  dst_entry* old = sk->sk_dst_cache.exchange(dst, std::memory_order_acq_rel);
  if (old) {
    net* n = sk->sk_net;
    call_rcu([n, old] { dst_free(n, old); });
  }
}

}  // namespace

void sk_dst_reset(sock* sk) { sk_dst_set(sk, nullptr); }

int ip_route_output_cached(sock* sk, uint32_t daddr, uint16_t dport, bool onlink,
                           dst_entry** out) {
  net* n = sk->sk_net;
  dst_entry* dst = sk->sk_dst_cache.load(std::memory_order_acquire);
  if (dst && dst->key_daddr == daddr && dst->key_dport == dport && dst->key_saddr == sk->saddr &&
      dst->key_sport == sk->num &&
      dst->key_onlink == onlink && dst->genid == n->rt_genid.load(std::memory_order_acquire)) {
    *out = dst;
    return 0;
  }
  // A miss: look the route up and cache it (under the control lock, which
  // also serialises it against bind/connect changing the socket).
  std::lock_guard<std::mutex> g(n->lock);
  return __ip_route_output_cached(sk, daddr, dport, onlink, out);
}

int __ip_route_output_cached(sock* sk, uint32_t daddr, uint16_t dport, bool onlink,
                             dst_entry** out) {
  net* n = sk->sk_net;
  dst_entry* dst = sk->sk_dst_cache.load(std::memory_order_acquire);
  if (dst && dst->key_daddr == daddr && dst->key_dport == dport && dst->key_saddr == sk->saddr &&
      dst->key_sport == sk->num && dst->key_onlink == onlink &&
      dst->genid == n->rt_genid.load(std::memory_order_acquire)) {
    *out = dst;
    return 0;
  }
  auto* fresh = new dst_entry;
  fresh->genid = n->rt_genid.load(std::memory_order_acquire);
  int err = ip_route_output(n, daddr, sk->saddr, onlink, &fresh->rt);
  if (err) {
    delete fresh;
    return err;
  }
  fresh->key_daddr = daddr;
  fresh->key_saddr = sk->saddr;
  fresh->key_dport = dport;
  fresh->key_sport = sk->num;
  fresh->key_onlink = onlink;
  sk_dst_set(sk, fresh);
  *out = fresh;
  return 0;
}

}  // namespace sendoff
