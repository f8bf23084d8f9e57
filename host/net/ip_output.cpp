// SPDX-License-Identifier: MIT
// The IP half of a datagram send, after net/ipv4/ip_output.c and
// net/core/dev.c: ip_make_skb (__ip_append_data, __ip_make_skb,
// ip_select_ident, sock_alloc_send_skb's wait), then ip_send_skb down to the
// driver. The host decides every header field Linux decides per packet (DF,
// ID, TTL, TOS); the NIC builds the headers. Each step is its own function
// and trace record, as in Linux; all but the driver call are inlined here.
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>

#include "net.hpp"
#include "sendoff/inet_csum.hpp"
#include "signal.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

constexpr size_t kFragHeaderLen = 20;  // IPv4 header without options
constexpr size_t kIpMaxMtu = 0xFFFF;

// The truesize of each skb __ip_append_data allocates for a full fragment at this MTU:
// alloc_skb(mtu + hh_len (16) + 15) takes a kmalloc size class holding that and the
// skb_shared_info (320 bytes), plus the sk_buff (256); 2304 at MTU 1500. Linux's figures
// on x86_64, checked against the kernel: with SO_SNDBUF 0 (4608) a raw send of 5920 bytes
// (four fragments) passes and 5921 is ENOBUFS.
size_t alloc_skb_truesize(size_t fraglen) {
  size_t ksize = 64;
  while (ksize < fraglen + 16 + 15 + 320) ksize *= 2;
  return ksize + 256;
}
size_t raw_frag_truesize(size_t mtu) { return alloc_skb_truesize(mtu); }
constexpr unsigned kIpIdentsSize = 2048;
constexpr uint32_t kWaitSliceUs = 10000;

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
  uint32_t h = n->ip_ident_seed;
  for (uint32_t v : {daddr, saddr, uint32_t{protocol}}) {
    h ^= v;
    h *= 0x9E3779B1u;
    h ^= h >> 15;
  }
  std::atomic<uint16_t>& c = n->ip_idents[h % kIpIdentsSize];
  uint16_t zero = 0;
  c.compare_exchange_strong(zero, static_cast<uint16_t>(h >> 16), std::memory_order_relaxed);
  return static_cast<uint16_t>(c.fetch_add(1, std::memory_order_relaxed) + 1);
}

// sock_alloc_send_skb's wait: EPIPE after SHUT_WR, else room in the send
// buffer, else EAGAIN or sleep until the NIC moves.
int sock_wait_for_wmem(sock* sk, bool nonblock) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "sock_alloc_send_skb");
  // sock_error: an error the network reported (ARP failed) goes first, once.
  if (int err = sock_error(sk)) return ts.ret(err, "sk_err");
  // SO_SNDTIMEO: a negative one never waits, a positive one waits that long.
  using clock = std::chrono::steady_clock;
  if (sk->sndtimeo_us < 0) nonblock = true;
  const clock::time_point deadline = sk->sndtimeo_us > 0
                                         ? clock::now() + std::chrono::microseconds(sk->sndtimeo_us)
                                         : clock::time_point::max();
  std::optional<sleep_signals> sigs;  // only once it sleeps
  for (;;) {
    if (sk->shutdown & SEND_SHUTDOWN) return ts.ret(-EPIPE, "send side shut down");
    if (sk_wmem_alloc_get(sk) < static_cast<size_t>(sk->sndbuf)) return ts.ret(0);
    n->nic.reclaim();
    if (sk_wmem_alloc_get(sk) < static_cast<size_t>(sk->sndbuf)) return ts.ret(0);
    if (nonblock) return ts.ret(-EAGAIN, "send buffer full");
    if (clock::now() >= deadline) return ts.ret(-EAGAIN, "SO_SNDTIMEO ran out");
    // Nothing frees the buffer while the NIC is stopped: say so, as Linux does
    // for a device that is down, instead of a wait with no end.
    if (n->nic.stopped()) return ts.ret(-ENETDOWN, "NIC stopped (CTRL_ENABLE clear)");
    if (n->dying.load(std::memory_order_acquire)) return ts.ret(-ENETDOWN, "stack closing");
    if (!sigs) sigs.emplace();
    n->nic.wait_progress(kWaitSliceUs);
    if (int err = sock_intr_errno(sigs->signal_pending(), sk->sndtimeo_us > 0))
      return ts.ret(err, "a signal handler ran");
  }
}

// __ip_append_data: the payload stays in the user's iovecs (the driver
// copies it once, into device memory); the IPv4 fields are decided here.
int __ip_append_data(sock* sk, dst_entry* dst, const ipcm_cookie& ipc, size_t length,
                     sk_buff* skb) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "__ip_append_data");
  const rtable& rt = dst->rt;
  // __ip_make_skb: DF when the user demands PMTU discovery, or wants it and
  // the packet fits the route's MTU.
  bool df = sk->pmtudisc == IP_PMTUDISC_DO || sk->pmtudisc == IP_PMTUDISC_PROBE ||
            (length + kFragHeaderLen <= rt.mtu && ip_dont_fragment(sk));
  skb->protocol = static_cast<uint8_t>(sk->protocol);
  skb->tx_flags = df ? abi::TXD_F_DF : 0;
  if (ipc.ttl)
    skb->ttl = static_cast<uint8_t>(ipc.ttl);
  else if (rt.multicast)
    skb->ttl = static_cast<uint8_t>(sk->mc_ttl);
  else
    skb->ttl = static_cast<uint8_t>(sk->uc_ttl >= 0 ? sk->uc_ttl : n->sysctl.ip_default_ttl);
  skb->tos = static_cast<uint8_t>(ipc.tos >= 0 ? ipc.tos : sk->tos);
  // ip_select_ident_segs: a connected socket counts its own IDs; DF packets
  // that may not be fragmented get 0; the rest a hashed counter.
  if (sk->daddr)
    skb->ip_id = static_cast<uint16_t>(sk->inet_id.fetch_add(1, std::memory_order_relaxed) + 1);
  else if (df && !ip_sk_ignore_df(sk))
    skb->ip_id = 0;
  else
    skb->ip_id = ip_select_ident_hashed(n, rt.daddr, rt.saddr, skb->protocol);
  if (ts.on())
    return static_cast<int>(ts.ret(0, std::string(df ? "DF" : "no DF") + " id " +
                                          std::to_string(skb->ip_id) + " ttl " +
                                          std::to_string(skb->ttl) + " tos " +
                                          std::to_string(skb->tos)));
  return 0;
}

// neigh_output: while the next hop's entry is NUD_CONNECTED and the route
// was made with its current address, straight to the NIC (which writes the
// Ethernet header from the flow); else neigh_resolve_output.
int neigh_output(net* n, sk_buff* skb) {
  TraceScope ts(n->trace, "neigh_output");
  const rtable& rt = skb->dst->rt;
  neighbour* ne = rt.neigh;
  if (ne && (!(ne->nud_state.load(std::memory_order_acquire) & NUD_CONNECTED) ||
             ne->ha_gen.load(std::memory_order_acquire) != rt.neigh_gen))
    return static_cast<int>(
        ts.ret(neigh_resolve_output(n, ne, rt.neigh_gen, skb, rt.saddr, rt.daddr, rt.mtu)));
  return static_cast<int>(ts.ret(dev_queue_xmit(n, skb)));
}

int ip_finish_output2(net* n, sk_buff* skb) {
  TraceScope ts(n->trace, "ip_finish_output2");
  return static_cast<int>(ts.ret(neigh_output(n, skb)));
}

// ip_output: fragmentation, when needed, is the NIC's (ip_tx).
int ip_output(net* n, sk_buff* skb) {
  TraceScope ts(n->trace, "ip_output");
  return static_cast<int>(ts.ret(ip_finish_output2(n, skb)));
}

// dev_loopback_xmit: the copy ip_mc_output takes of a datagram, whole (it is
// cloned before ip_finish_output fragments it), goes up through ip_rcv as PACKET_LOOPBACK:
// raw sockets of its protocol and UDP sockets on its port, the sender's own included,
// receive it. Linux clones an skb whose payload __ip_append_data copied at send time;
// here the payload is read from the user's iovecs again, after the driver read them.
// The UDP checksum is what a device with checksum offload leaves in a looped copy
// (CHECKSUM_PARTIAL: the pseudo-header sum) or, for a datagram the stack fragments
// (CHECKSUM_NONE), the full sum; receivers take it as verified either way.
// 0, or -EFAULT when the payload cannot be read (nothing is looped back).
int dev_loopback_xmit(net* n, const sk_buff* skb) {
  TraceScope ts(n->trace, "dev_loopback_xmit");
  const rtable& rt = skb->dst->rt;
  const size_t l4_hdr = skb->l4_kind == abi::TXD_L4_UDP ? sizeof(udphdr) : 0;
  const size_t length = l4_hdr + skb->len, tot_len = kFragHeaderLen + length;
  auto c = std::make_unique<sk_buff_rx>();
  c->head = std::make_unique<uint8_t[]>(tot_len);
  uint8_t* iph = c->head.get();
  uint8_t* l4 = iph + kFragHeaderLen;
  if (copy_from_user_iov(l4 + l4_hdr, skb->iov, skb->iovlen, skb->len) != 0)
    return static_cast<int>(ts.ret(-EFAULT, "payload not readable"));
  auto put16 = [](uint8_t* p, size_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
  };
  auto put32 = [&](uint8_t* p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
  };
  iph[0] = 0x45;
  iph[1] = skb->tos;
  put16(iph + 2, tot_len);
  put16(iph + 4, skb->ip_id);
  put16(iph + 6, (skb->tx_flags & abi::TXD_F_DF) ? 0x4000 : 0);
  iph[8] = skb->ttl;
  iph[9] = skb->protocol;
  put16(iph + 10, 0);
  put32(iph + 12, rt.saddr);
  put32(iph + 16, rt.daddr);
  put16(iph + 10, inet_csum(iph, kFragHeaderLen));
  const bool fragmented = tot_len > rt.mtu;
  if (l4_hdr) {
    put16(l4, skb->sport);
    put16(l4 + 2, skb->dport);
    put16(l4 + 4, length);
    put16(l4 + 6, 0);
    const uint32_t pseudo =
        csum_pseudo_ipv4(rt.saddr, rt.daddr, IPPROTO_UDP, static_cast<uint32_t>(length));
    uint16_t check;
    if (fragmented) {
      check = csum_finish(csum_partial(l4, length, pseudo));
      if (check == 0) check = 0xFFFF;
    } else {
      check = csum_fold(pseudo);
    }
    put16(l4 + 6, check);
  }
  c->data = iph;
  c->len = tot_len;
  // The clone's truesize is the sent skb's: each fragment __ip_append_data allocated.
  const size_t frag_data = (rt.mtu - kFragHeaderLen) & ~size_t{7};
  size_t left = length;
  do {
    const size_t chunk = fragmented && left > frag_data ? frag_data : left;
    c->truesize += alloc_skb_truesize(kFragHeaderLen + chunk);
    left -= chunk;
  } while (left);
  c->pkt_type = PACKET_LOOPBACK;
  c->csum_unnecessary = true;
  // The receive path runs under the control lock (netif_receive_skb's rule); no sender
  // holds it, and TCP, whose sends run under it, never has a broadcast or multicast route.
  std::lock_guard<std::mutex> g(n->lock);
  ts.ret(ip_rcv(n, std::move(c)));
  return 0;
}

// ip_mc_output, the output of a broadcast or multicast route: the datagram leaves, and a
// copy comes back for a broadcast, or for a group the interface is a member of
// (RTCF_LOCAL; IP_MULTICAST_LOOP, not settable here, is on). A multicast with TTL 0 stays
// on the host. The copy is taken only once the driver accepted the datagram, where Linux
// takes it first: a send sendoff reports failed (a full ring with MSG_DONTWAIT) must not
// leave a copy that a retry doubles.
int ip_mc_output(net* n, sk_buff* skb) {
  TraceScope ts(n->trace, "ip_mc_output");
  const rtable& rt = skb->dst->rt;
  const bool loop = rt.broadcast || ip_check_mc(n, rt.daddr);
  if (rt.multicast && skb->ttl == 0) {
    // Nothing reaches the driver, whose copy would find a payload it cannot read (Linux's
    // __ip_append_data would have): look here.
    int err = loop ? dev_loopback_xmit(n, skb)
                   : fault_in_iov_readable(skb->iov, skb->iovlen, skb->len) ? -EFAULT : 0;
    return static_cast<int>(ts.ret(err, "multicast TTL 0: not beyond the host"));
  }
  int err = ip_finish_output2(n, skb);
  if (!err && loop) dev_loopback_xmit(n, skb);
  return static_cast<int>(ts.ret(err));
}

// dst_output: the route's output function.
int ip_local_out(net* n, sk_buff* skb) {
  TraceScope ts(n->trace, "ip_local_out");
  const rtable& rt = skb->dst->rt;
  if (rt.broadcast || rt.multicast) return static_cast<int>(ts.ret(ip_mc_output(n, skb)));
  return static_cast<int>(ts.ret(ip_output(n, skb)));
}

}  // namespace

// dev_queue_xmit: the driver's queue; sendoff has no qdisc, so a full ring
// makes the sender wait (or EAGAIN), as a blocking socket does on a full
// send buffer.
int dev_queue_xmit(net* n, sk_buff* skb) {
  TraceScope ts(n->trace, "dev_queue_xmit");
  std::optional<sleep_signals> sigs;  // only once it sleeps
  for (;;) {
    int err;
    {
      TraceScope xs(n->trace, "ndo_start_xmit");
      err = n->nic.ndo_start_xmit(skb);
      if (xs.on()) {
        if (err == 0)
          xs.ret(0, "desc len " + std::to_string(skb->len));
        else
          xs.ret(err, err == -EFAULT ? "payload not readable" : err == -EBUSY ? "ring full" : "");
      }
    }
    if (err != -EBUSY) return static_cast<int>(ts.ret(err));
    if (skb->nonblock) return static_cast<int>(ts.ret(-EAGAIN, "TX ring full"));
    // A register read, only before a wait: nothing drains a stopped NIC's ring.
    if (n->nic.stopped()) return static_cast<int>(ts.ret(-ENETDOWN, "NIC stopped"));
    if (n->dying.load(std::memory_order_acquire))
      return static_cast<int>(ts.ret(-ENETDOWN, "stack closing"));
    n->nic.xmit_flush();  // what xmit_more held back must go before we sleep
    if (!sigs) sigs.emplace();
    n->nic.wait_progress(kWaitSliceUs);
    // One descriptor is the whole datagram: none of it is on the ring yet.
    if (int e = sock_intr_errno(sigs->signal_pending(), skb->sk && skb->sk->sndtimeo_us > 0))
      return static_cast<int>(ts.ret(e, "a signal handler ran"));
  }
}

int ip_make_skb(sock* sk, dst_entry* dst, const ipcm_cookie& ipc, const msghdr_k* msg,
                size_t len, size_t l4_hdr, sk_buff* skb) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "ip_make_skb");
  size_t length = len + l4_hdr;
  size_t maxnonfragsize = ip_sk_ignore_df(sk) ? kIpMaxMtu : dst->rt.mtu;
  if (length > maxnonfragsize - kFragHeaderLen) {
    if (!ts.on()) return -EMSGSIZE;
    return static_cast<int>(ts.ret(-EMSGSIZE, std::to_string(length) + " B > " +
                                                  std::to_string(maxnonfragsize - kFragHeaderLen) +
                                                  " B"));
  }
  bool nonblock = msg->flags & MSG_DONTWAIT;
  // __ip_append_data allocates fragment by fragment. The first of a UDP datagram comes
  // from sock_alloc_send_skb (sk_err, SEND_SHUTDOWN, waiting for space); every other one,
  // and all of a raw packet's, from plain memory while what the socket holds stays within
  // twice SO_SNDBUF, ENOBUFS beyond, never waiting and blind to a shutdown. Each fragment's
  // bytes are copied after its allocation: a refused fragment is ENOBUFS unless one before
  // it read bad memory (EFAULT, which the copy reports). Found by fuzz_syscalls: a raw send
  // after shutdown(SHUT_RDWR) was EPIPE here; 64 KiB with SO_SNDBUF 0 was sent.
  int err = 0;
  if (l4_hdr) err = sock_wait_for_wmem(sk, nonblock);
  if (err) return static_cast<int>(ts.ret(err));
  const size_t mtu = dst->rt.mtu;
  const size_t frag_data = (mtu - kFragHeaderLen) & ~size_t{7};
  const size_t frags = length + kFragHeaderLen <= mtu ? 1 : (length + frag_data - 1) / frag_data;
  // Linux frees a sent skb as the device takes it; sendoff's charge lasts until reclaim.
  if (!l4_hdr || frags > 1) n->nic.reclaim();
  const size_t limit = 2 * static_cast<size_t>(sk->sndbuf);
  // Fragment i is checked with the i before it held (the first's charge included).
  const size_t base = sk_wmem_alloc_get(sk) + 1;
  const size_t per = raw_frag_truesize(mtu);
  size_t refused = frags;
  for (size_t i = l4_hdr ? 1 : 0; i < frags; ++i) {
    if (base + i * per > limit) {
      refused = i;
      break;
    }
  }
  // The bytes of the fragments before the refused one (a UDP datagram's first carries
  // the header in place of payload).
  const size_t copied = std::min(len, refused * frag_data - (refused ? l4_hdr : 0));
  if (refused < frags && fault_in_iov_readable(msg->iov, msg->iovlen, copied) == 0) err = -ENOBUFS;
  if (err) return static_cast<int>(ts.ret(err));
  skb->sk = sk;
  skb->dst = dst;
  skb->iov = msg->iov;
  skb->iovlen = msg->iovlen;
  skb->len = len;
  skb->nonblock = nonblock;
  return static_cast<int>(ts.ret(__ip_append_data(sk, dst, ipc, length, skb)));
}

int udp_send_skb(sk_buff* skb, uint16_t dport) {
  net* n = skb->sk->sk_net;
  TraceScope ts(n->trace, "udp_send_skb");
  skb->l4_kind = abi::TXD_L4_UDP;
  skb->tx_flags |= abi::TXD_L4_UDP;
  skb->sport = skb->sk->num;
  skb->dport = dport;
  return static_cast<int>(ts.ret(ip_send_skb(n, skb)));
}

int ip_send_skb(net* n, sk_buff* skb) {
  TraceScope ts(n->trace, "ip_send_skb");
  return static_cast<int>(ts.ret(ip_local_out(n, skb)));
}

}  // namespace sendoff
