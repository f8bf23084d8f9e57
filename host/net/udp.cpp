// SPDX-License-Identifier: MIT
// UDP, after net/ipv4/udp.c: udp_prot, port allocation, udp_sendmsg, and
// the receive side: udp_rcv (socket lookup, queueing) and udp_recvmsg.
#include <linux/if_packet.h>
#include <netinet/udp.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

#include "net.hpp"
#include "sendoff/inet_csum.hpp"

namespace sendoff {

namespace {

// udp_lib_lport_inuse: two sockets bound to different addresses (neither the wildcard)
// never conflict on a port; others may share it only when both asked for it (found by
// fuzz_syscalls: a broadcast bind was EADDRINUSE beside one to our own address).
bool port_shareable(const std::vector<sock*>& owners, const sock* sk) {
  for (const sock* o : owners) {
    if (o->rcv_saddr && sk->rcv_saddr && o->rcv_saddr != sk->rcv_saddr) continue;
    if (!((o->reuseaddr && sk->reuseaddr) || (o->reuseport && sk->reuseport))) return false;
  }
  return true;
}

// udp_lib_get_port: snum 0 picks an ephemeral port from a random point of
// ip_local_port_range, as Linux does.
int udp_v4_get_port(sock* sk, uint16_t snum) {
  net* n = sk->sk_net;
  if (snum) {
    auto it = n->udp_ports.find(snum);
    if (it != n->udp_ports.end() && !port_shareable(it->second, sk)) return -EADDRINUSE;
  } else {
    static thread_local std::mt19937 rng{std::random_device{}()};
    int lo = n->sysctl.port_lo, hi = n->sysctl.port_hi;
    unsigned remaining = static_cast<unsigned>(hi - lo + 1);
    unsigned first = rng() % remaining;
    for (unsigned i = 0; i < remaining && !snum; ++i) {
      uint16_t p = static_cast<uint16_t>(lo + (first + i) % remaining);
      if (!n->udp_ports.count(p)) snum = p;
    }
    if (!snum) return -EADDRINUSE;
  }
  n->udp_ports[snum].push_back(sk);
  sk->num = snum;
  return 0;
}

void udp_unhash(sock* sk) {
  if (!sk->num) return;
  auto& owners = sk->sk_net->udp_ports[sk->num];
  for (auto it = owners.begin(); it != owners.end(); ++it)
    if (*it == sk) {
      owners.erase(it);
      break;
    }
  if (owners.empty()) sk->sk_net->udp_ports.erase(sk->num);
  sk->num = 0;
}

void udp_close(sock* sk) { udp_unhash(sk); }

int udp_setsockopt(sock* sk, int level, int optname, const void* optval, unsigned optlen) {
  // SOL_UDP options (UDP_CORK, UDP_SEGMENT, ...) are not offloaded yet.
  if (level == SOL_UDP) return -ENOPROTOOPT;
  return ip_setsockopt(sk, level, optname, optval, optlen);
}

int udp_getsockopt(sock* sk, int level, int optname, void* optval, unsigned* optlen) {
  if (level == SOL_UDP) return -ENOPROTOOPT;
  return ip_getsockopt(sk, level, optname, optval, optlen);
}

int udp_sendmsg(sock* sk, msghdr_k* msg, size_t len) {
  TraceScope ts(sk->sk_net->trace, "udp_sendmsg");
  if (len > 0xFFFF) return ts.ret(-EMSGSIZE);
  if (msg->flags & MSG_OOB) return ts.ret(-EOPNOTSUPP, "MSG_OOB");
  // Corking (MSG_MORE, UDP_CORK) appends to a pending datagram; the NIC
  // takes whole datagrams only, so say so rather than send it early.
  if (msg->flags & MSG_MORE) return ts.ret(-EOPNOTSUPP, "MSG_MORE corking is not offloaded");

  uint32_t daddr;
  uint16_t dport;
  if (msg->name) {
    const sockaddr_in* usin = reinterpret_cast<const sockaddr_in*>(msg->name);
    if (msg->namelen < static_cast<int>(sizeof(*usin))) return ts.ret(-EINVAL, "namelen");
    if (usin->sin_family != AF_INET && usin->sin_family != AF_UNSPEC)
      return ts.ret(-EAFNOSUPPORT);
    daddr = ntohl(usin->sin_addr.s_addr);
    dport = ntohs(usin->sin_port);
    if (dport == 0) return ts.ret(-EINVAL, "destination port 0");
  } else {
    if (sk->state != TCP_ESTABLISHED) return ts.ret(-EDESTADDRREQ);
    daddr = sk->daddr;
    dport = sk->dport;
  }

  ipcm_cookie ipc;
  if (msg->controllen) {
    int err = ip_cmsg_send(sk, msg, &ipc);
    if (err) return ts.ret(err, "control message");
  }

  dst_entry* dst;
  int err = ip_route_output_cached(sk, daddr, dport, msg->flags & MSG_DONTROUTE, &dst);
  if (err) {
    if (!ts.on()) return err;
    return static_cast<int>(ts.ret(err, "no route to " + format_ipv4(daddr)));
  }
  if (dst->rt.broadcast && !sk->broadcast)
    return ts.ret(-EACCES, "broadcast without SO_BROADCAST");

  // MSG_PROBE (path MTU probing): ip_make_skb returns no skb, so every check above is made
  // and nothing is sent.
  if (msg->flags & kMsgProbe) return static_cast<int>(ts.ret(static_cast<long>(len), "MSG_PROBE"));
  sk_buff skb;
  skb.xmit_more = msg->more;
  err = ip_make_skb(sk, dst, ipc, msg, len, sizeof(udphdr), &skb);
  if (!err) err = udp_send_skb(&skb, dport);
  if (err) return static_cast<int>(ts.ret(err));
  if (ts.on())
    return static_cast<int>(ts.ret(static_cast<long>(len), std::to_string(sk->num) + " -> " +
                                                               format_ipv4(daddr) + ":" +
                                                               std::to_string(dport)));
  return static_cast<int>(len);
}

// udp_recvmsg: one datagram per call; a short buffer truncates it
// (MSG_TRUNC in msg_flags, and with MSG_TRUNC in flags the call returns the
// datagram's real length). A copy that faults loses the datagram, as Linux's.
int udp_recvmsg(sock* sk, msghdr_k* msg, size_t len, int flags, int* addr_len) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "udp_recvmsg");
  if (flags & MSG_ERRQUEUE) return static_cast<int>(ts.ret(ip_recv_error(sk, msg, len, addr_len)));
  int err;
  std::unique_ptr<sk_buff_rx> skb = skb_recv_datagram(sk, flags, &err);
  if (!skb) return static_cast<int>(ts.ret(err));
  size_t ulen = skb->len, copied = len;
  msg->flags = 0;
  if (copied > ulen)
    copied = ulen;
  else if (copied < ulen)
    msg->flags |= MSG_TRUNC;
  err = skb_copy_datagram_msg(skb->data, copied, msg);
  if (err) {
    if (!(flags & MSG_PEEK)) {
      sk->drops.fetch_add(1, std::memory_order_relaxed);
      n->rx.udp_in_errors.fetch_add(1, std::memory_order_relaxed);
    }
    return static_cast<int>(ts.ret(err));
  }
  if (!(flags & MSG_PEEK)) n->rx.udp_in_datagrams.fetch_add(1, std::memory_order_relaxed);
  if (msg->name) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(skb->sport);
    sin.sin_addr.s_addr = htonl(skb->saddr);
    std::memcpy(msg->name, &sin, sizeof sin);
    *addr_len = sizeof sin;
  }
  long r = (flags & MSG_TRUNC) ? static_cast<long>(ulen) : static_cast<long>(copied);
  if (!ts.on()) return static_cast<int>(r);
  return static_cast<int>(ts.ret(r, format_ipv4(skb->saddr) + ":" + std::to_string(skb->sport) +
                                        " -> " + std::to_string(sk->num)));
}

// compute_score: -1 when sk cannot take the datagram, else how exactly it
// matches (a connected, address-bound socket beats a wildcard one).
int compute_score(const sock* sk, const sk_buff_rx& skb) {
  int score = 2;  // PF_INET
  if (sk->rcv_saddr) {
    if (sk->rcv_saddr != skb.daddr) return -1;
    score += 4;
  }
  if (sk->daddr) {
    if (sk->daddr != skb.saddr) return -1;
    score += 4;
  }
  if (sk->dport) {
    if (sk->dport != skb.sport) return -1;
    score += 4;
  }
  return score;
}

}  // namespace

// __udp4_lib_rcv: length and checksum checks, then the socket (the best
// match for unicast, every match for broadcast and multicast: __udp4_lib_mcast_deliver).
int udp_rcv(net* n, std::unique_ptr<sk_buff_rx> skb) {
  TraceScope ts(n->trace, "udp_rcv");
  const uint8_t* uh = skb->data;
  if (skb->len < sizeof(udphdr)) {
    n->rx.udp_in_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "short packet");
  }
  size_t ulen = static_cast<size_t>(uh[4] << 8 | uh[5]);
  if (ulen > skb->len || ulen < sizeof(udphdr)) {
    n->rx.udp_in_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "bad length");
  }
  skb->len = ulen;
  uint16_t check = static_cast<uint16_t>(uh[6] << 8 | uh[7]);
  if (check != 0 && !skb->csum_unnecessary &&
      csum_fold(csum_partial(uh, ulen, csum_pseudo_ipv4(skb->saddr, skb->daddr,
                                                        IPPROTO_UDP, static_cast<uint32_t>(ulen)))) !=
          0xFFFF) {
    n->rx.udp_in_csum_errors.fetch_add(1, std::memory_order_relaxed);
    n->rx.udp_in_errors.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "checksum");
  }
  skb->sport = static_cast<uint16_t>(uh[0] << 8 | uh[1]);
  skb->dport = static_cast<uint16_t>(uh[2] << 8 | uh[3]);
  skb->data += sizeof(udphdr);
  skb->len -= sizeof(udphdr);

  auto it = n->udp_ports.find(skb->dport);
  std::vector<sock*> targets;
  if (it != n->udp_ports.end()) {
    if (skb->pkt_type == PACKET_BROADCAST || IN_MULTICAST(skb->daddr)) {
      for (sock* sk : it->second)
        if (compute_score(sk, *skb) >= 0) targets.push_back(sk);
    } else {
      int best = -1;
      for (sock* sk : it->second) {
        int sc = compute_score(sk, *skb);
        if (sc > best) {
          best = sc;
          targets.assign(1, sk);
        }
      }
    }
  }
  if (targets.empty()) {
    // No ICMP port unreachable is sent back (no ICMP output yet): counted.
    n->rx.udp_no_ports.fetch_add(1, std::memory_order_relaxed);
    return ts.ret(-1, "no socket on port " + std::to_string(skb->dport));
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    std::unique_ptr<sk_buff_rx> c;
    if (i + 1 == targets.size()) {
      c = std::move(skb);
    } else {
      c = skb_copy_rx(*skb, skb->data, skb->len);
    }
    if (!sock_queue_rcv_skb(targets[i], std::move(c))) {
      n->rx.udp_rcvbuf_errors.fetch_add(1, std::memory_order_relaxed);
      n->rx.udp_in_errors.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return ts.ret(0);
}

// udp_disconnect: connect(AF_UNSPEC) forgets the peer, and the local
// address and port unless bind() set them.
int udp_disconnect(sock* sk, int /*flags*/) {
  sk->state = TCP_CLOSE;
  sk->daddr = 0;
  sk->dport = 0;
  if (sk->sk_socket) sk->sk_socket->state = SS_UNCONNECTED;
  if (!(sk->userlocks & SOCK_BINDADDR_LOCK)) sk->saddr = sk->rcv_saddr = 0;
  if (!(sk->userlocks & SOCK_BINDPORT_LOCK) && sk->prot->unhash) sk->prot->unhash(sk);
  return 0;
}

const proto udp_prot = {
    "UDP",          udp_close,       ip4_datagram_connect, udp_disconnect, nullptr,
    udp_v4_get_port, udp_unhash,     udp_setsockopt,       udp_getsockopt, udp_sendmsg,
    udp_recvmsg, nullptr,          false,       nullptr,
};

}  // namespace sendoff
