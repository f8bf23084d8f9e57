// SPDX-License-Identifier: MIT
// Raw IPv4 sockets, after net/ipv4/raw.c: the caller gives the transport
// bytes, the NIC adds the IP and Ethernet headers.
#include <cerrno>
#include <cstring>
#include <string>

#include "net.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

void raw_close(sock* sk) { sk->sk_net->raw_socks.erase(sk); }

// raw_unhash_sk, which a disconnect (AF_UNSPEC) calls as for UDP: the socket leaves the
// raw table, so it receives nothing more, and its local "port" reads 0 (found by
// fuzz_syscalls: sendoff still reported the protocol).
void raw_unhash_sk(sock* sk) {
  sk->sk_net->raw_socks.erase(sk);
  sk->num = 0;
}

int raw_get_port(sock*, uint16_t) { return 0; }

// raw_bind: an address only; the "port" is the protocol. Like Linux's it never looks at
// sin_family (found by fuzz_syscalls: an AF_INET6-tagged address was EINVAL here).
int raw_bind(sock* sk, const sockaddr* uaddr, int addr_len) {
  const sockaddr_in* addr = reinterpret_cast<const sockaddr_in*>(uaddr);
  if (sk->state != TCP_CLOSE || addr_len < static_cast<int>(sizeof(*addr))) return -EINVAL;
  uint32_t a = ntohl(addr->sin_addr.s_addr);
  net* n = sk->sk_net;
  bool bcast = inet_addr_is_broadcast(n, a), mcast = IN_MULTICAST(a);
  if (a && !inet_addr_is_local(n, a) && !bcast && !mcast) return -EADDRNOTAVAIL;
  sk->rcv_saddr = sk->saddr = a;
  if (bcast || mcast) sk->saddr = 0;
  return 0;
}

int raw_setsockopt(sock* sk, int level, int optname, const void* optval, unsigned optlen) {
  if (level == SOL_RAW) return -ENOPROTOOPT;
  return ip_setsockopt(sk, level, optname, optval, optlen);
}

int raw_getsockopt(sock* sk, int level, int optname, void* optval, unsigned* optlen) {
  if (level == SOL_RAW) return -ENOPROTOOPT;
  return ip_getsockopt(sk, level, optname, optval, optlen);
}

int raw_sendmsg(sock* sk, msghdr_k* msg, size_t len) {
  TraceScope ts(sk->sk_net->trace, "raw_sendmsg");
  if (len > 0xFFFF) return ts.ret(-EMSGSIZE);
  if (msg->flags & MSG_OOB) return ts.ret(-EOPNOTSUPP, "MSG_OOB");
  if (msg->flags & MSG_MORE) return ts.ret(-EOPNOTSUPP, "MSG_MORE corking is not offloaded");

  uint32_t daddr;
  if (msg->namelen) {
    const sockaddr_in* usin = reinterpret_cast<const sockaddr_in*>(msg->name);
    if (msg->namelen < static_cast<int>(sizeof(*usin))) return ts.ret(-EINVAL, "namelen");
    // Linux lets AF_UNSPEC (0) through for old programs.
    if (usin->sin_family != AF_INET && usin->sin_family) return ts.ret(-EAFNOSUPPORT);
    daddr = ntohl(usin->sin_addr.s_addr);
  } else {
    if (sk->state != TCP_ESTABLISHED) return ts.ret(-EDESTADDRREQ);
    daddr = sk->daddr;
  }
  ipcm_cookie ipc;
  if (msg->controllen) {
    int err = ip_cmsg_send(sk, msg, &ipc);
    if (err) return ts.ret(err, "control message");
  }
  // raw_probe_proto_opt: an ICMP socket's first two payload bytes (type, code) go into the
  // flow before the route is looked up, so a payload that cannot give them is EFAULT first
  // (found by fuzz_syscalls: sendoff said EMSGSIZE for a NULL buffer).
  if (sk->protocol == IPPROTO_ICMP && !sk->hdrincl) {
    uint8_t type_code[2];
    if (len < sizeof type_code ||
        copy_from_user_iov(type_code, msg->iov, msg->iovlen, sizeof type_code) != 0)
      return ts.ret(-EFAULT, "ICMP type and code");
  }
  dst_entry* dst;
  int err = ip_route_output_cached(sk, daddr, 0, msg->flags & MSG_DONTROUTE, &dst);
  if (err) return ts.ret(err, "no route to " + format_ipv4(daddr));
  if (dst->rt.broadcast && !sk->broadcast)
    return ts.ret(-EACCES, "broadcast without SO_BROADCAST");
  // IP_HDRINCL: the caller's own IP header; ip_tx always builds the header.
  if (sk->hdrincl) return ts.ret(-EOPNOTSUPP, "IP_HDRINCL is not offloaded");
  // raw_send: ip_append_data + ip_push_pending_frames → ip_send_skb; the
  // payload is the transport bytes (the flow carries the protocol).
  // MSG_PROBE: ip_append_data takes nothing, so nothing is sent (as in udp_sendmsg).
  if (msg->flags & kMsgProbe) return static_cast<int>(ts.ret(static_cast<long>(len), "MSG_PROBE"));
  sk_buff skb;
  skb.xmit_more = msg->more;
  err = ip_make_skb(sk, dst, ipc, msg, len, 0, &skb);
  if (!err) {
    skb.l4_kind = abi::TXD_L4_RAW;
    err = ip_send_skb(sk->sk_net, &skb);
  }
  return static_cast<int>(ts.ret(err ? err : static_cast<long>(len)));
}

// raw_recvmsg: the IP packet as it arrived, header included.
int raw_recvmsg(sock* sk, msghdr_k* msg, size_t len, int flags, int* addr_len) {
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  if (flags & MSG_ERRQUEUE) return ip_recv_error(sk, msg, len, addr_len);
  int err;
  std::unique_ptr<sk_buff_rx> skb = skb_recv_datagram(sk, flags, &err);
  if (!skb) return err;
  size_t copied = skb->len;
  msg->flags = 0;
  if (len < copied) {
    msg->flags |= MSG_TRUNC;
    copied = len;
  }
  err = skb_copy_datagram_msg(skb->data, copied, msg);
  if (err) return err;
  if (msg->name) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(skb->saddr);
    std::memcpy(msg->name, &sin, sizeof sin);
    *addr_len = sizeof sin;
  }
  return static_cast<int>((flags & MSG_TRUNC) ? skb->len : copied);
}

}  // namespace

void raw_hash_sk(sock* sk) { sk->sk_net->raw_socks.insert(sk); }

// raw_local_deliver → raw_v4_input: every raw socket of the packet's
// protocol, bound (or connected) to matching addresses, gets a copy.
void raw_local_deliver(net* n, const sk_buff_rx& skb, const uint8_t* iph, size_t iplen) {
  for (sock* sk : n->raw_socks) {
    if (sk->num != iph[9]) continue;
    if (sk->rcv_saddr && sk->rcv_saddr != skb.daddr) continue;
    if (sk->daddr && sk->daddr != skb.saddr) continue;
    sock_queue_rcv_skb(sk, skb_copy_rx(skb, iph, iplen));
  }
}

const proto raw_prot = {
    "RAW",        raw_close, ip4_datagram_connect, udp_disconnect, raw_bind,
    raw_get_port, raw_unhash_sk, raw_setsockopt,   raw_getsockopt, raw_sendmsg,
    raw_recvmsg, nullptr,          false,       nullptr,
};

}  // namespace sendoff
