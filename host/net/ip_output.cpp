// SPDX-License-Identifier: MIT
// The IP half of a datagram send, after net/ipv4/ip_output.c
// (__ip_append_data, __ip_make_skb, ip_select_ident) and sock_alloc_send_pskb:
// the host decides every header field Linux decides per packet (DF, ID, TTL,
// TOS) and hands the NIC a descriptor; the NIC builds the headers.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "net.hpp"

namespace sendoff {

namespace {

constexpr size_t kFragHeaderLen = 20;  // IPv4 header without options
constexpr size_t kIpMaxMtu = 0xFFFF;
constexpr unsigned kIpIdentsSize = 2048;

// ip_sk_ignore_df: below IP_PMTUDISC_DO (and with OMIT) the stack may
// fragment locally.
bool ip_sk_ignore_df(const sock* sk) {
  return sk->pmtudisc < IP_PMTUDISC_DO || sk->pmtudisc == IP_PMTUDISC_OMIT;
}

bool ip_dont_fragment(const sock* sk) {
  return sk->pmtudisc == IP_PMTUDISC_DO || sk->pmtudisc == IP_PMTUDISC_WANT;
}

// __ip_select_ident: a counter per hashed (daddr, saddr, protocol) bucket,
// so IDs are hard to predict across destinations.
uint16_t ip_select_ident_hashed(net* n, uint32_t daddr, uint32_t saddr, uint8_t protocol) {
  if (n->ip_idents.empty()) n->ip_idents.assign(kIpIdentsSize, 0);
  uint32_t h = n->ip_ident_seed;
  for (uint32_t v : {daddr, saddr, uint32_t{protocol}}) {
    h ^= v;
    h *= 0x9E3779B1u;
    h ^= h >> 15;
  }
  uint16_t& c = n->ip_idents[h % kIpIdentsSize];
  if (c == 0) c = static_cast<uint16_t>(h >> 16);
  return ++c;
}

// sock_alloc_send_pskb's wait: EPIPE after SHUT_WR, else room in the send
// buffer and the TX ring, else EAGAIN or sleep until the NIC moves.
int sock_wait_for_wmem(sock* sk, size_t len, bool nonblock) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "sock_alloc_send_skb");
  for (;;) {
    if (sk->shutdown & SEND_SHUTDOWN) return ts.ret(-EPIPE, "send side shut down");
    n->nic.reclaim();
    bool wmem_ok = sk->wmem_alloc < static_cast<size_t>(sk->sndbuf);
    if (wmem_ok && n->nic.has_space(len)) return ts.ret(0);
    if (nonblock)
      return ts.ret(-EAGAIN, wmem_ok ? "TX ring full" : "send buffer full");
    // Sleep with the stack unlocked, as sk_stream_wait_memory releases the
    // socket lock; the caller holds n->lock exactly once.
    n->lock.unlock();
    n->nic.wait_progress(10000);
    n->lock.lock();
  }
}

}  // namespace

int ip_append_and_send(sock* sk, const rtable& rt, const ipcm_cookie& ipc, uint16_t l4_kind,
                       uint16_t dport, const msghdr_k* msg, size_t len, size_t l4_hdr) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "ip_make_skb");
  size_t length = len + l4_hdr;
  size_t maxnonfragsize = ip_sk_ignore_df(sk) ? kIpMaxMtu : rt.mtu;
  if (length > maxnonfragsize - kFragHeaderLen)
    return ts.ret(-EMSGSIZE, std::to_string(length) + " B > " +
                                 std::to_string(maxnonfragsize - kFragHeaderLen) + " B");

  int err = sock_wait_for_wmem(sk, len, msg->flags & MSG_DONTWAIT);
  if (err) return ts.ret(err);

  // __ip_make_skb: DF when the user demands PMTU discovery, or wants it and
  // the packet fits the route's MTU.
  bool df = sk->pmtudisc == IP_PMTUDISC_DO || sk->pmtudisc == IP_PMTUDISC_PROBE ||
            (length + kFragHeaderLen <= rt.mtu && ip_dont_fragment(sk));
  uint8_t protocol = static_cast<uint8_t>(sk->protocol);
  TxParams p;
  p.flags = static_cast<uint16_t>(l4_kind | (df ? abi::TXD_F_DF : 0));
  if (ipc.ttl)
    p.ttl = static_cast<uint8_t>(ipc.ttl);
  else if (rt.multicast)
    p.ttl = static_cast<uint8_t>(sk->mc_ttl);
  else
    p.ttl = static_cast<uint8_t>(sk->uc_ttl >= 0 ? sk->uc_ttl : n->sysctl.ip_default_ttl);
  p.tos = static_cast<uint8_t>(ipc.tos >= 0 ? ipc.tos : sk->tos);
  // ip_select_ident_segs: a connected socket counts its own IDs; DF packets
  // that may not be fragmented get 0; the rest a hashed counter.
  if (sk->daddr)
    p.ip_id = ++sk->inet_id;
  else if (df && !ip_sk_ignore_df(sk))
    p.ip_id = 0;
  else
    p.ip_id = ip_select_ident_hashed(n, rt.daddr, rt.saddr, protocol);

  FlowKey key;
  key.saddr = rt.saddr;
  key.daddr = rt.daddr;
  key.sport = l4_kind == abi::TXD_L4_UDP ? sk->num : 0;
  key.dport = dport;
  key.mtu = static_cast<uint16_t>(rt.mtu);
  key.protocol = protocol;
  memcpy(key.dmac, rt.dmac, 6);
  memcpy(key.smac, n->cfg.mac, 6);

  TraceScope xs(n->trace, "sendoff_xmit");
  err = n->nic.xmit(key, p, msg->iov, msg->iovlen, len, sk);
  if (err) {
    xs.ret(err, err == -EFAULT ? "payload not readable" : "");
    return ts.ret(err);
  }
  if (xs.on())
    xs.ret(0, "desc len " + std::to_string(len) + (df ? " DF" : "") + " id " +
                  std::to_string(p.ip_id) + " ttl " + std::to_string(p.ttl) + " tos " +
                  std::to_string(p.tos));
  return ts.ret(static_cast<long>(len));
}

}  // namespace sendoff
