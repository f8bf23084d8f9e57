// SPDX-License-Identifier: MIT
// Output routing and neighbour lookup for sendoff's one interface, after
// net/ipv4/route.c (ip_route_output_key) and net/core/neighbour.c.
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "net.hpp"

namespace sendoff {

namespace {

uint32_t netmask(int prefix_len) {
  return prefix_len == 0 ? 0 : ~uint32_t{0} << (32 - prefix_len);
}

bool on_link(const NetConfig& c, uint32_t a) {
  uint32_t m = netmask(c.prefix_len);
  return (a & m) == (c.addr & m);
}

// The neighbour entry for a unicast next hop. sendoff resolves neighbours
// only from its static table (ARP is not offloaded yet).
bool neigh_lookup(const NetConfig& c, uint32_t ip, uint8_t mac[6]) {
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
  if (!neigh_lookup(c, rt->nexthop, rt->dmac)) return -EHOSTUNREACH;
  return 0;
}

}  // namespace sendoff
