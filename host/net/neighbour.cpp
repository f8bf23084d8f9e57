// SPDX-License-Identifier: MIT
// The neighbour state machine after net/core/neighbour.c: __neigh_event_send,
// neigh_update, neigh_timer_handler, neigh_invalidate, with the same states,
// probe counts and timers (neighbour.hpp).
#include "neighbour.hpp"

#include <cerrno>
#include <cstring>
#include <random>
#include <thread>

#include "arp.hpp"
#include "net.hpp"
#include "sock.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

using clock = neighbour::clock;
using ms = std::chrono::milliseconds;

bool read_long(const char* name, long* v) {
  std::string path = std::string("/proc/sys/net/ipv4/neigh/default/") + name;
  FILE* f = fopen(path.c_str(), "re");
  if (!f) return false;
  long x;
  bool ok = fscanf(f, "%ld", &x) == 1;
  fclose(f);
  if (ok) *v = x;
  return ok;
}

// neigh_rand_reach_time: uniform in [base/2, 3*base/2).
long rand_reach_time(long base_ms) {
  static thread_local std::minstd_rand rng{std::random_device{}()};
  return base_ms ? base_ms / 2 + static_cast<long>(rng() % static_cast<unsigned long>(base_ms)) : 0;
}

// neigh_max_probes
int max_probes(const neigh_parms& p, uint8_t state) {
  return p.ucast_probes + p.app_probes + ((state & NUD_PROBE) ? p.mcast_reprobes : p.mcast_probes);
}

// kmalloc's size classes (SLUB): up to 8 KiB the caches, above whole pages
// in powers of two.
size_t kmalloc_size(size_t s) {
  static const size_t classes[] = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192};
  for (size_t c : classes)
    if (s <= c) return c;
  size_t p = 4096;
  while (p < s) p <<= 1;
  return p;
}

// The skb's charge is released: the socket may go with it (sock_wfree).
void neigh_skb_free(neigh_skb* q) {
  if (q->skb.sk) sock_wfree(q->skb.sk, static_cast<uint32_t>(q->truesize));
}

// A packet's route with the entry's address (the route the socket cached may
// predate it); the NIC flow goes back to the driver after the post.
int neigh_xmit(net* n, neighbour* ne, sk_buff* skb, uint32_t saddr, uint32_t daddr, unsigned mtu) {
  dst_entry dst;
  dst.rt.saddr = saddr;
  dst.rt.daddr = daddr;
  dst.rt.nexthop = ne->primary_key;
  dst.rt.mtu = mtu;
  std::memcpy(dst.rt.dmac, ne->ha, 6);
  dst_entry* keep = skb->dst;
  skb->dst = &dst;
  int err = dev_queue_xmit(n, skb);
  skb->dst = keep;
  n->nic.flow_put(dst.nic_flow.load(std::memory_order_acquire));
  return err;
}

// The queue goes out once the entry is valid (neigh_update's flush). Without
// room in the ring a packet is dropped, as a full qdisc drops it.
void flush_queue(net* n, neighbour* ne) {
  while (!ne->arp_queue.empty()) {
    std::unique_ptr<neigh_skb> q = std::move(ne->arp_queue.front());
    ne->arp_queue.pop_front();
    ne->arp_queue_len_bytes -= q->truesize;
    q->skb.nonblock = true;
    q->skb.xmit_more = !ne->arp_queue.empty();
    if (neigh_xmit(n, ne, &q->skb, q->saddr, q->daddr, q->mtu) != 0)
      n->neigh.stats.unres_discards.fetch_add(1, std::memory_order_relaxed);
    neigh_skb_free(q.get());
  }
  n->nic.xmit_flush();
}

void set_state(neighbour* ne, uint8_t state) {
  ne->nud_state.store(state, std::memory_order_release);
}

// neigh_invalidate: resolution failed; every queued packet is reported to
// its sender (arp_error_report) and freed.
void neigh_invalidate(net* n, neighbour* ne) {
  n->neigh.stats.res_failed.fetch_add(1, std::memory_order_relaxed);
  while (!ne->arp_queue.empty()) {
    std::unique_ptr<neigh_skb> q = std::move(ne->arp_queue.front());
    ne->arp_queue.pop_front();
    ne->arp_queue_len_bytes -= q->truesize;
    arp_error_report(n, q->skb, q->daddr);
    n->neigh.stats.failed_drops.fetch_add(1, std::memory_order_relaxed);
    neigh_skb_free(q.get());
  }
}

// __neigh_event_send's start of a resolution: INCOMPLETE, ucast_probes
// counted as done, the first retransmit timer.
void start_resolving(net* n, neighbour* ne, clock::time_point now) {
  ne->probes = n->neigh.parms.ucast_probes;
  set_state(ne, NUD_INCOMPLETE);
  ne->updated = now;
  ne->timer = now + ms(std::max<long>(n->neigh.parms.retrans_time_ms, 10));
}

// neigh_probe: one more solicitation.
void neigh_probe(net* n, neighbour* ne) {
  ++ne->probes;
  arp_solicit(n, ne);
}

// A copy of the packet for the queue, charged to its socket as Linux's skb is.
std::unique_ptr<neigh_skb> queue_copy(const sk_buff* skb, uint32_t saddr, uint32_t daddr,
                                      unsigned mtu, int* err) {
  auto q = std::make_unique<neigh_skb>();
  q->payload.resize(skb->len ? skb->len : 1);
  if (copy_from_user_iov(q->payload.data(), skb->iov, skb->iovlen, skb->len)) {
    *err = -EFAULT;
    return nullptr;
  }
  q->skb = *skb;
  // The copy is what the queue sends later: a payload by reference is not
  // referenced any more (the sender's bytes may be reused).
  q->skb.frag_dma = 0;
  q->skb.frag_done = nullptr;
  q->iov = {q->payload.data(), skb->len};
  q->skb.iov = &q->iov;
  q->skb.iovlen = 1;
  q->skb.dst = nullptr;
  q->saddr = saddr;
  q->daddr = daddr;
  q->mtu = mtu;
  const size_t l4_hdr = (skb->l4_kind == abi::TXD_L4_UDP) ? 8 : 0;
  q->truesize = ip_skb_truesize(20 + l4_hdr + skb->len, mtu);
  if (q->skb.sk) q->skb.sk->wmem_alloc.fetch_add(q->truesize, std::memory_order_relaxed);
  return q;
}

}  // namespace

const char* neigh_state_name(uint8_t s) {
  switch (s) {
    case NUD_NONE: return "NONE";
    case NUD_INCOMPLETE: return "INCOMPLETE";
    case NUD_REACHABLE: return "REACHABLE";
    case NUD_STALE: return "STALE";
    case NUD_DELAY: return "DELAY";
    case NUD_PROBE: return "PROBE";
    case NUD_FAILED: return "FAILED";
    case NUD_NOARP: return "NOARP";
    case NUD_PERMANENT: return "PERMANENT";
    default: return "?";
  }
}

void neigh_parms::load() {
  read_long("base_reachable_time_ms", &base_reachable_time_ms);
  read_long("retrans_time_ms", &retrans_time_ms);
  long v;
  if (read_long("delay_first_probe_time", &v)) delay_probe_time_ms = v * 1000;
  if (read_long("ucast_solicit", &v)) ucast_probes = static_cast<int>(v);
  if (read_long("mcast_solicit", &v)) mcast_probes = static_cast<int>(v);
  if (read_long("app_solicit", &v)) app_probes = static_cast<int>(v);
  if (read_long("mcast_resolicit", &v)) mcast_reprobes = static_cast<int>(v);
  read_long("unres_qlen_bytes", &queue_len_bytes);
  if (read_long("locktime", &v)) locktime_ms = v * 10;
}

size_t ip_skb_truesize(size_t l3_len, unsigned mtu) {
  // __ip_append_data: one skb per fragment of ((mtu - 20) & ~7) payload
  // bytes, each allocated with LL_RESERVED_SPACE (16 for Ethernet) + 15,
  // aligned, plus skb_shared_info (320); truesize adds struct sk_buff (256).
  constexpr size_t kIpHlen = 20, kHhLen = 16, kSharedInfo = 320, kSkBuff = 256;
  auto one = [](size_t fraglen) {
    size_t a = (fraglen + kHhLen + 15 + 63) & ~size_t{63};
    return kmalloc_size(a + kSharedInfo) + kSkBuff;
  };
  if (l3_len <= mtu) return one(l3_len);
  const size_t per = (mtu - kIpHlen) & ~size_t{7};
  size_t left = l3_len - kIpHlen, total = 0;
  while (left) {
    const size_t chunk = left < per ? left : per;
    total += one(chunk + kIpHlen);
    left -= chunk;
  }
  return total;
}

neighbour* neigh_lookup(net* n, uint32_t ip) {
  n->neigh.stats.lookups.fetch_add(1, std::memory_order_relaxed);
  auto it = n->neigh.hash.find(ip);
  if (it == n->neigh.hash.end()) return nullptr;
  n->neigh.stats.hits.fetch_add(1, std::memory_order_relaxed);
  return it->second.get();
}

neighbour* neigh_lookup_create(net* n, uint32_t ip) {
  std::lock_guard<std::mutex> g(n->neigh.lock);
  if (neighbour* ne = neigh_lookup(n, ip)) return ne;
  auto ne = std::make_unique<neighbour>();
  ne->primary_key = ip;
  ne->updated = ne->used = clock::now();
  n->neigh.stats.allocs.fetch_add(1, std::memory_order_relaxed);
  neighbour* p = ne.get();
  n->neigh.hash.emplace(ip, std::move(ne));
  return p;
}

int neigh_resolve_output(net* n, neighbour* ne, uint32_t route_gen, sk_buff* skb,
                         uint32_t saddr, uint32_t daddr, unsigned mtu) {
  TraceScope ts(n->trace, "neigh_resolve_output");
  std::unique_lock<std::mutex> g(n->neigh.lock);
  const auto now = clock::now();
  ne->used = now;
  uint8_t state = ne->nud_state.load(std::memory_order_relaxed);
  bool immediate_probe = false;
  // __neigh_event_send
  if (!(state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE))) {
    if (!(state & (NUD_STALE | NUD_INCOMPLETE))) {
      if (n->neigh.parms.mcast_probes + n->neigh.parms.app_probes == 0) {
        set_state(ne, NUD_FAILED);
        ne->updated = now;
        return static_cast<int>(ts.ret(-EHOSTUNREACH, "no probes allowed"));
      }
      start_resolving(n, ne, now);
      immediate_probe = true;
    } else if (state & NUD_STALE) {
      set_state(ne, NUD_DELAY);
      ne->updated = now;
      ne->timer = now + ms(n->neigh.parms.delay_probe_time_ms);
    }
    if (ne->nud_state.load(std::memory_order_relaxed) == NUD_INCOMPLETE) {
      int err = 0;
      std::unique_ptr<neigh_skb> q = queue_copy(skb, saddr, daddr, mtu, &err);
      if (!q) return static_cast<int>(ts.ret(err, "payload not readable"));
      // The oldest packets go first when the queue is over unres_qlen_bytes.
      while (!ne->arp_queue.empty() &&
             ne->arp_queue_len_bytes + q->truesize >
                 static_cast<size_t>(n->neigh.parms.queue_len_bytes)) {
        std::unique_ptr<neigh_skb> old = std::move(ne->arp_queue.front());
        ne->arp_queue.pop_front();
        ne->arp_queue_len_bytes -= old->truesize;
        neigh_skb_free(old.get());
        n->neigh.stats.unres_discards.fetch_add(1, std::memory_order_relaxed);
      }
      ne->arp_queue_len_bytes += q->truesize;
      ne->arp_queue.push_back(std::move(q));
      if (immediate_probe) neigh_probe(n, ne);
      return static_cast<int>(ts.ret(0, "queued until resolved"));
    }
  }
  // A valid entry: the packet leaves with its address (the socket's route
  // may have been made before the address was known).
  const bool same = ne->ha_gen.load(std::memory_order_relaxed) == route_gen;
  uint8_t ha[6];
  std::memcpy(ha, ne->ha, 6);
  g.unlock();
  if (same) return static_cast<int>(ts.ret(dev_queue_xmit(n, skb)));
  return static_cast<int>(ts.ret(neigh_xmit(n, ne, skb, saddr, daddr, mtu)));
}

int neigh_resolve_wait(net* n, neighbour* ne) {
  {
    std::lock_guard<std::mutex> g(n->neigh.lock);
    const uint8_t state = ne->nud_state.load(std::memory_order_relaxed);
    if (state & NUD_VALID) return 0;
    if (state != NUD_INCOMPLETE) {
      // __neigh_event_send's start, with nothing to queue.
      const auto now = clock::now();
      ne->used = now;
      start_resolving(n, ne, now);
      neigh_probe(n, ne);
    }
  }
  for (;;) {
    const uint8_t state = ne->nud_state.load(std::memory_order_acquire);
    if (state & NUD_VALID) return 0;
    if (state == NUD_FAILED) return -EHOSTUNREACH;
    if (n->dying.load(std::memory_order_acquire)) return -ENETDOWN;
    std::this_thread::sleep_for(ms(1));
  }
}

void neigh_update(net* n, neighbour* ne, const uint8_t lladdr[6], uint8_t new_state,
                  bool override) {
  std::lock_guard<std::mutex> g(n->neigh.lock);
  const uint8_t old = ne->nud_state.load(std::memory_order_relaxed);
  if (old & (NUD_NOARP | NUD_PERMANENT)) return;
  const bool changed = std::memcmp(lladdr, ne->ha, 6) != 0;
  if (old & NUD_VALID) {
    if (changed && !override) return;
    if (!changed && new_state == NUD_STALE) new_state = old;
  }
  const auto now = clock::now();
  if (new_state & NUD_CONNECTED) ne->confirmed = now;
  ne->updated = now;
  if (new_state != old) {
    if (new_state & NUD_REACHABLE) ne->timer = now + ms(n->neigh.reachable_time_ms);
    set_state(ne, new_state);
  }
  if (changed) {
    std::memcpy(ne->ha, lladdr, 6);
    ne->ha_gen.fetch_add(1, std::memory_order_acq_rel);
    // Routes cached with the old address are made again.
    n->rt_genid.fetch_add(1, std::memory_order_acq_rel);
  }
  if (!(old & NUD_VALID) && (new_state & NUD_VALID)) flush_queue(n, ne);
}

void neigh_run_timers(net* n) {
  std::lock_guard<std::mutex> g(n->neigh.lock);
  const auto now = clock::now();
  neigh_table& t = n->neigh;
  // neigh_periodic_work redraws reachable_time every 300 s.
  if (now - t.reachable_drawn > std::chrono::seconds(300)) {
    t.reachable_time_ms = rand_reach_time(t.parms.base_reachable_time_ms);
    t.reachable_drawn = now;
  }
  for (auto& kv : t.hash) {
    neighbour* ne = kv.second.get();
    uint8_t state = ne->nud_state.load(std::memory_order_relaxed);
    if (!(state & NUD_IN_TIMER) || now < ne->timer) continue;
    // neigh_timer_handler
    clock::time_point next = now + ms(t.parms.retrans_time_ms);
    if (state & NUD_REACHABLE) {
      if (now <= ne->confirmed + ms(t.reachable_time_ms)) {
        next = ne->confirmed + ms(t.reachable_time_ms);
      } else if (now <= ne->used + ms(t.parms.delay_probe_time_ms)) {
        set_state(ne, NUD_DELAY);
        ne->updated = now;
        next = now + ms(t.parms.delay_probe_time_ms);
      } else {
        set_state(ne, NUD_STALE);
        ne->updated = now;
      }
    } else if (state & NUD_DELAY) {
      if (now <= ne->confirmed + ms(t.parms.delay_probe_time_ms)) {
        set_state(ne, NUD_REACHABLE);
        ne->updated = now;
        next = ne->confirmed + ms(t.reachable_time_ms);
      } else {
        set_state(ne, NUD_PROBE);
        ne->updated = now;
        ne->probes = 0;
        next = now + ms(std::max<long>(t.parms.retrans_time_ms, 10));
      }
    }
    state = ne->nud_state.load(std::memory_order_relaxed);
    if ((state & (NUD_INCOMPLETE | NUD_PROBE)) && ne->probes >= max_probes(t.parms, state)) {
      set_state(ne, NUD_FAILED);
      ne->updated = now;
      neigh_invalidate(n, ne);
      continue;
    }
    if (state & NUD_IN_TIMER) ne->timer = next;
    if (state & (NUD_INCOMPLETE | NUD_PROBE)) neigh_probe(n, ne);
  }
}

bool neigh_pending(net* n) {
  std::lock_guard<std::mutex> g(n->neigh.lock);
  for (auto& kv : n->neigh.hash)
    if (!kv.second->arp_queue.empty()) return true;
  return false;
}

void neigh_table_clear(net* n) {
  std::lock_guard<std::mutex> g(n->neigh.lock);
  for (auto& kv : n->neigh.hash) {
    neighbour* ne = kv.second.get();
    for (auto& q : ne->arp_queue) {
      n->neigh.stats.failed_drops.fetch_add(1, std::memory_order_relaxed);
      neigh_skb_free(q.get());
    }
    ne->arp_queue.clear();
    ne->arp_queue_len_bytes = 0;
  }
}

}  // namespace sendoff
