// SPDX-License-Identifier: MIT
// connect() for datagram sockets, after net/ipv4/datagram.c.
#include <cerrno>
#include <random>

#include "net.hpp"

namespace sendoff {

int ip4_datagram_connect(sock* sk, const sockaddr* uaddr, int addr_len) {
  const sockaddr_in* usin = reinterpret_cast<const sockaddr_in*>(uaddr);
  if (addr_len < static_cast<int>(sizeof(*usin))) return -EINVAL;
  if (usin->sin_family != AF_INET) return -EAFNOSUPPORT;
  uint32_t daddr = ntohl(usin->sin_addr.s_addr);
  rtable rt;
  int err = ip_route_output(sk->sk_net, daddr, sk->saddr, false, &rt);
  if (err) return err;
  if (rt.broadcast && !sk->broadcast) return -EACCES;
  if (!sk->saddr) sk->saddr = rt.saddr;
  if (!sk->rcv_saddr) sk->rcv_saddr = rt.saddr;
  sk->daddr = daddr;
  sk->dport = ntohs(usin->sin_port);
  sk->state = TCP_ESTABLISHED;
  // A connected socket numbers its datagrams from a random start.
  static thread_local std::mt19937 rng{std::random_device{}()};
  sk->inet_id = static_cast<uint16_t>(rng());
  return 0;
}

}  // namespace sendoff
