// SPDX-License-Identifier: MIT
// TCP over IPv4, after net/ipv4/tcp_ipv4.c and net/ipv4/inet_hashtables.c:
// connect (route, source port as __inet_hash_connect picks it, ISN), the
// port and connection tables, tcp_v4_rcv (checksum, socket lookup: the
// connection, else a listener) and a listener's SYN (tcp_v4_conn_request).
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "net.hpp"
#include "secure_seq.hpp"
#include "sendoff/inet_csum.hpp"
#include "tcp.hpp"

namespace sendoff {

namespace {

uint16_t get_be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// A port some socket is bound to (bind, or a connect that picked it).
bool tcp_port_bound(net* n, uint16_t port) {
  auto it = n->tcp_ports.find(port);
  return it != n->tcp_ports.end() && !it->second.empty();
}

void tcp_bind_hash(sock* sk, uint16_t port) {
  sk->sk_net->tcp_ports[port].push_back(sk);
  sk->num = port;
}

// The secret behind the connect-time port offset (Linux's net_secret).
const siphash_key_t& port_secret() {
  static const siphash_key_t key = [] {
    std::random_device rd;
    siphash_key_t k;
    k.key[0] = uint64_t{rd()} << 32 | rd();
    k.key[1] = uint64_t{rd()} << 32 | rd();
    return k;
  }();
  return key;
}

// __inet_hash_connect: the ports of ip_local_port_range from an offset that
// is a keyed hash of (saddr, daddr, dport) plus a per-bucket perturbation
// (RFC 6056 algorithm 4), the even ports first (connect prefers them and
// leaves odd ones to bind), skipping every port already bound.
int inet_hash_connect(sock* sk) {
  net* n = sk->sk_net;
  static uint16_t perturb[256];
  const int lo = n->sysctl.port_lo, hi = n->sysctl.port_hi;
  const uint32_t remaining = static_cast<uint32_t>(hi - lo + 1);
  const uint32_t key[3] = {sk->rcv_saddr, sk->daddr, sk->dport};
  const uint64_t h = siphash(key, sizeof key, port_secret());
  uint16_t& bump = perturb[h & 255];
  uint32_t offset = static_cast<uint32_t>(h >> 32) + bump;
  offset %= remaining;
  offset &= ~1u;
  for (uint32_t parity = 0; parity < 2; ++parity) {
    for (uint32_t i = 0; i < remaining; i += 2) {
      const uint32_t idx = (offset + i + parity) % remaining;
      const uint16_t port = static_cast<uint16_t>(lo + idx);
      if (tcp_port_bound(n, port)) continue;
      bump = static_cast<uint16_t>(bump + i + 2);
      tcp_bind_hash(sk, port);
      return 0;
    }
  }
  return -EADDRNOTAVAIL;
}

// inet_csk_get_port, for bind and for listen (which passes the port the
// socket already holds): a port is shared only when the newcomer and every
// owner set SO_REUSEADDR and no owner listens (inet_bind_conflict); port 0
// takes a free odd port first, from a random point.
int tcp_v4_get_port(sock* sk, uint16_t snum) {
  net* n = sk->sk_net;
  if (snum) {
    bool hashed = false;
    auto it = n->tcp_ports.find(snum);
    if (it != n->tcp_ports.end())
      for (sock* o : it->second) {
        if (o == sk) {
          hashed = true;
          continue;
        }
        if (o->rcv_saddr && sk->rcv_saddr && o->rcv_saddr != sk->rcv_saddr) continue;
        if (!(o->reuseaddr && sk->reuseaddr) || o->state == TCP_LISTEN) return -EADDRINUSE;
      }
    if (!hashed) tcp_bind_hash(sk, snum);
    return 0;
  }
  static thread_local std::mt19937 rng{std::random_device{}()};
  const int lo = n->sysctl.port_lo, hi = n->sysctl.port_hi;
  const uint32_t remaining = static_cast<uint32_t>(hi - lo + 1);
  const uint32_t first = rng() % remaining;
  for (uint32_t parity = 1; parity < 3; ++parity)
    for (uint32_t i = 0; i < remaining; ++i) {
      const uint16_t port = static_cast<uint16_t>(lo + (first + i) % remaining);
      if ((port & 1) != (parity & 1) || tcp_port_bound(n, port)) continue;
      tcp_bind_hash(sk, port);
      return 0;
    }
  return -EADDRINUSE;
}

int syn_retries_default() {
  static const int v = [] {
    std::ifstream f("/proc/sys/net/ipv4/tcp_syn_retries");
    int r = 6;
    if (!(f >> r) || r < 1) r = 6;
    return r;
  }();
  return v;
}

// tcp_v4_connect: route, source address, port, ISN, then the SYN.
int tcp_v4_connect(sock* sk, const sockaddr* uaddr, int addr_len) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "tcp_v4_connect");
  const sockaddr_in* usin = reinterpret_cast<const sockaddr_in*>(uaddr);
  if (addr_len < static_cast<int>(sizeof(sockaddr_in))) return ts.ret(-EINVAL);
  if (usin->sin_family != AF_INET) return ts.ret(-EAFNOSUPPORT);
  const uint32_t daddr = ntohl(usin->sin_addr.s_addr);
  const uint16_t dport = ntohs(usin->sin_port);
  // No receive path, no SYN-ACK: say so now rather than time out.
  if (!n->nic_rx.present()) return ts.ret(-EOPNOTSUPP, "TCP needs the NIC's receive path");
  rtable rt;
  int err = ip_route_output(n, daddr, sk->rcv_saddr, sk->localroute, &rt);
  if (err) return ts.ret(err, "no route to " + format_ipv4(daddr));
  if (rt.broadcast || rt.multicast) return ts.ret(-ENETUNREACH, "broadcast or multicast");
  if (!sk->saddr) sk->saddr = rt.saddr;
  if (!sk->rcv_saddr) sk->rcv_saddr = rt.saddr;
  sk->daddr = daddr;
  sk->dport = dport;
  tcp_sock* tp = sk->tp.get();
  tcp_set_state(sk, TCP_SYN_SENT);
  if (!sk->num) {
    err = inet_hash_connect(sk);
    if (err) {
      tcp_set_state(sk, TCP_CLOSE);
      sk->daddr = 0;
      sk->dport = 0;
      return ts.ret(err, "no free ephemeral port");
    }
  }
  sk_dst_reset(sk);
  tp->advmss = tcp_advertise_mss(rt.mtu);
  if (tp->user_mss) tp->advmss = std::min(tp->advmss, tp->user_mss);  // tcp_mss_clamp
  tp->snd_una = tp->snd_nxt = tp->snd_max =
      secure_tcp_seq(sk->saddr, sk->daddr, sk->num, sk->dport);
  tp->tsoffset = secure_tcp_ts_off(sk->saddr, sk->daddr);
  if (!tp->syn_retries) tp->syn_retries = syn_retries_default();
  // The connection holds its socket (sock_hold) until tcp_done lets go.
  sk->wmem_alloc.fetch_add(1, std::memory_order_relaxed);
  n->tcp_socks.insert(sk);
  err = tcp_connect(sk);
  if (err) {
    tcp_done(sk);
    tcp_reap_sockets(n);
    sk->daddr = 0;
    sk->dport = 0;
    return ts.ret(err);
  }
  return ts.ret(0, std::to_string(sk->num) + " -> " + format_ipv4(daddr) + ":" +
                       std::to_string(dport));
}

// __inet_lookup_established: the connection with this 4-tuple.
sock* tcp_lookup(net* n, uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport) {
  for (sock* sk : n->tcp_socks)
    if (sk->num == dport && sk->dport == sport && sk->daddr == saddr &&
        (!sk->rcv_saddr || sk->rcv_saddr == daddr))
      return sk;
  return nullptr;
}

// __inet_lookup_listener: a listener on the port, one bound to the
// segment's destination address before a wildcard one (compute_score).
sock* inet_lookup_listener(net* n, uint32_t daddr, uint16_t dport) {
  auto it = n->tcp_ports.find(dport);
  if (it == n->tcp_ports.end()) return nullptr;
  sock* wildcard = nullptr;
  for (sock* sk : it->second) {
    if (sk->state != TCP_LISTEN) continue;
    if (sk->rcv_saddr == daddr) return sk;
    if (!sk->rcv_saddr && !wildcard) wildcard = sk;
  }
  return wildcard;
}

// tcp_v4_syn_recv_sock, run at the SYN rather than at the third ACK: the
// child, a socket as socket() makes one with what sk_clone_lock copies of the
// listener's settings, addressed from the SYN, on the listener's port
// (inet_inherit_port), in the connection table, in SYN_RECV. Linux keeps a
// small request sock until the handshake completes; a full socket from the
// start lets the SYN-ACK and its retransmissions go through tcp_transmit_skb
// and the retransmission timer like any other segment's.
sock* tcp_v4_syn_recv_sock(sock* lsk, uint32_t laddr, uint32_t raddr, uint16_t rport) {
  net* n = lsk->sk_net;
  auto* csock = new socket;
  csock->type = SOCK_STREAM;
  if (inet_create(n, csock, IPPROTO_TCP)) {
    delete csock;
    return nullptr;
  }
  sock* sk = &csock->sk;
  sk->reuseaddr = lsk->reuseaddr;
  sk->reuseport = lsk->reuseport;
  sk->sndbuf = lsk->sndbuf;
  sk->rcvbuf = lsk->rcvbuf;
  sk->userlocks = lsk->userlocks;
  sk->priority = lsk->priority;
  sk->dbg = lsk->dbg;
  sk->localroute = lsk->localroute;
  sk->keepopen = lsk->keepopen;
  sk->urginline = lsk->urginline;
  sk->linger = lsk->linger;
  sk->lingertime_j = lsk->lingertime_j;
  sk->rcvlowat = lsk->rcvlowat;
  sk->mark = lsk->mark;
  sk->sndtimeo_us = lsk->sndtimeo_us;
  sk->rcvtimeo_us = lsk->rcvtimeo_us;
  sk->uc_ttl = lsk->uc_ttl;
  sk->mc_ttl = lsk->mc_ttl;
  sk->tos = lsk->tos;
  sk->pmtudisc = lsk->pmtudisc;
  sk->recverr = lsk->recverr;
  const tcp_sock* ltp = lsk->tp.get();
  tcp_sock* tp = sk->tp.get();
  tp->nodelay = ltp->nodelay;
  tp->syn_retries = ltp->syn_retries;
  tp->ca_ops = ltp->ca_ops;
  tp->window_clamp = ltp->window_clamp;
  sk->saddr = sk->rcv_saddr = laddr;
  sk->daddr = raddr;
  sk->dport = rport;
  tcp_bind_hash(sk, lsk->num);
  // The connection holds its socket (sock_hold) until tcp_done lets go.
  sk->wmem_alloc.fetch_add(1, std::memory_order_relaxed);
  n->tcp_socks.insert(sk);
  sk->state = TCP_SYN_RECV;
  return sk;
}

// tcp_v4_conn_request (tcp_conn_request): a SYN for a listener. Without
// syncookies a full SYN queue or accept queue drops it (the peer's SYN
// retransmission tries again). The child takes the SYN's options as the
// active side takes the SYN-ACK's, an ISN from secure_tcp_seq, and answers
// with the SYN-ACK.
void tcp_v4_conn_request(sock* lsk, const sk_buff_rx& skb, const uint8_t* th) {
  net* n = lsk->sk_net;
  TraceScope ts(n->trace, "tcp_v4_conn_request");
  tcp_sock* ltp = lsk->tp.get();
  if (ltp->syn_queue.size() > static_cast<size_t>(ltp->max_ack_backlog) ||
      sk_acceptq_is_full(ltp)) {
    ts.ret(-1, "listen queue full");
    return;
  }
  rtable rt;
  if (ip_route_output(n, skb.saddr, skb.daddr, false, &rt) != 0) {
    ts.ret(-1, "no route to " + format_ipv4(skb.saddr));
    return;
  }
  const size_t doff = static_cast<size_t>(th[12] >> 4) * 4;
  tcp_options_received opt;
  tcp_parse_options(th, doff, true, &opt);
  const uint32_t seq = uint32_t{th[4]} << 24 | uint32_t{th[5]} << 16 | uint32_t{th[6]} << 8 | th[7];
  sock* sk = tcp_v4_syn_recv_sock(lsk, skb.daddr, skb.saddr, get_be16(th));
  if (!sk) {
    ts.ret(-1, "no memory for the child");
    return;
  }
  tcp_sock* tp = sk->tp.get();
  tp->tcp_mstamp = tcp_clock_us();
  tp->advmss = tcp_advertise_mss(rt.mtu);
  tcp_syn_options_take(tp, seq, get_be16(th + 14), opt);
  tp->snd_una = tp->snd_nxt = tp->snd_max =
      secure_tcp_seq(sk->saddr, sk->daddr, sk->num, sk->dport);
  tp->tsoffset = secure_tcp_ts_off(sk->saddr, sk->daddr);
  tp->parent = lsk;
  ltp->syn_queue.push_back(sk);
  const int err = tcp_v4_send_synack(sk);
  if (err) {
    tcp_done(sk);
    ts.ret(err);
    return;
  }
  if (ts.on())
    ts.ret(0, format_ipv4(sk->daddr) + ":" + std::to_string(sk->dport) + " -> port " +
                  std::to_string(sk->num));
}

}  // namespace

void tcp_unhash_port(sock* sk) {
  if (!sk->num) return;
  net* n = sk->sk_net;
  auto it = n->tcp_ports.find(sk->num);
  if (it != n->tcp_ports.end()) {
    auto& v = it->second;
    for (auto i = v.begin(); i != v.end(); ++i)
      if (*i == sk) {
        v.erase(i);
        break;
      }
    if (v.empty()) n->tcp_ports.erase(it);
  }
  sk->num = 0;
}

// tcp_v4_rcv: length and checksum, then the connection. Segments for no
// connection are counted and dropped (no RST is sent for them yet: README).
int tcp_v4_rcv(net* n, std::unique_ptr<sk_buff_rx> skb) {
  TraceScope ts(n->trace, "tcp_v4_rcv");
  const uint8_t* th = skb->data;
  if (skb->len < 20) return ts.ret(-1, "short segment");
  const size_t doff = static_cast<size_t>(th[12] >> 4) * 4;
  if (doff < 20 || doff > skb->len) return ts.ret(-1, "bad data offset");
  if (!skb->csum_unnecessary &&
      csum_fold(csum_partial(th, skb->len,
                             csum_pseudo_ipv4(skb->saddr, skb->daddr, IPPROTO_TCP,
                                              static_cast<uint32_t>(skb->len)))) != 0xFFFF)
    return ts.ret(-1, "checksum");
  const uint16_t sport = get_be16(th), dport = get_be16(th + 2);
  sock* sk = tcp_lookup(n, skb->saddr, sport, skb->daddr, dport);
  if (!sk) {
    // __inet_lookup: a listener when no connection has the 4-tuple. Only a
    // SYN (without ACK, RST or FIN) opens a request (tcp_rcv_state_process's
    // TCP_LISTEN case).
    sock* lsk = inet_lookup_listener(n, skb->daddr, dport);
    if (!lsk) return ts.ret(-1, "no connection for port " + std::to_string(dport));
    if ((th[13] & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST | TCPHDR_FIN)) != TCPHDR_SYN)
      return ts.ret(-1, "not a SYN for listening port " + std::to_string(dport));
    tcp_v4_conn_request(lsk, *skb, th);
    tcp_reap_sockets(n);
    return ts.ret(0);
  }
  tcp_rcv_state_process(sk, th, skb->len);
  tcp_reap_sockets(n);
  return ts.ret(0);
}

int tcp_v4_disconnect(sock* sk, int flags);
void tcp_close(sock* sk);
void tcp_shutdown(sock* sk, int how);
int tcp_setsockopt(sock* sk, int level, int optname, const void* optval, unsigned optlen);
int tcp_getsockopt(sock* sk, int level, int optname, void* optval, unsigned* optlen);
int tcp_sendmsg(sock* sk, msghdr_k* msg, size_t len);
int tcp_recvmsg(sock* sk, msghdr_k* msg, size_t len, int flags, int* addr_len);
int tcp_ioctl(sock* sk, int cmd, int* karg);

const proto tcp_prot = {
    .name = "TCP",
    .close = tcp_close,
    .connect = tcp_v4_connect,
    .disconnect = tcp_v4_disconnect,
    .bind = nullptr,
    .get_port = tcp_v4_get_port,
    .unhash = tcp_unhash_port,
    .setsockopt = tcp_setsockopt,
    .getsockopt = tcp_getsockopt,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg,
    .shutdown = tcp_shutdown,
    .no_autobind = true,
    .ioctl = tcp_ioctl,
};

}  // namespace sendoff
