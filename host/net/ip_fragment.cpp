// SPDX-License-Identifier: MIT
// IPv4 reassembly, after net/ipv4/ip_fragment.c and net/ipv4/inet_fragment.c:
// fragments queue by (source, destination, ID, protocol); a fragment that
// overlaps another kills the whole queue (RFC 5722's rule, which Linux
// applies to IPv4 too), exact duplicates are dropped; a queue expires after
// ipfrag_time; above ipfrag_high_thresh bytes new fragments are refused.
// Expiry is checked as fragments arrive (Linux runs a timer): a queue that
// times out while nothing else comes is counted when the next fragment does.
#include <cstring>

#include "net.hpp"
#include "sendoff/inet_csum.hpp"

namespace sendoff {

namespace {

constexpr uint16_t kIpMf = 0x2000, kIpOffset = 0x1FFF;

void ipq_kill(net* n, std::map<ipq_key, ipq>::iterator it) {
  n->ipfrag_mem -= it->second.truesize;
  n->ipqs.erase(it);
}

// ip_expire for every queue whose time is up.
void ip_expire(net* n, std::chrono::steady_clock::time_point now) {
  for (auto it = n->ipqs.begin(); it != n->ipqs.end();) {
    auto next = std::next(it);
    if (it->second.expires <= now) {
      n->rx.ip_reasm_fails.fetch_add(1, std::memory_order_relaxed);
      n->rx.ip_reasm_timeout.fetch_add(1, std::memory_order_relaxed);
      ipq_kill(n, it);
    }
    it = next;
  }
}

}  // namespace

std::unique_ptr<sk_buff_rx> ip_defrag(net* n, std::unique_ptr<sk_buff_rx> skb) {
  TraceScope ts(n->trace, "ip_defrag");
  n->rx.ip_reasm_reqds.fetch_add(1, std::memory_order_relaxed);
  const auto now = std::chrono::steady_clock::now();
  ip_expire(n, now);
  const uint8_t* iph = skb->data;
  const size_t ihl = size_t{iph[0] & 0xFu} * 4;
  const uint16_t frag = static_cast<uint16_t>(iph[6] << 8 | iph[7]);
  const size_t offset = static_cast<size_t>(frag & kIpOffset) * 8;
  size_t end = offset + (skb->len - ihl);
  const bool mf = frag & kIpMf;
  const ipq_key key{skb->saddr, skb->daddr, static_cast<uint16_t>(iph[4] << 8 | iph[5]), iph[9]};

  auto it = n->ipqs.find(key);
  if (it == n->ipqs.end()) {
    if (n->ipfrag_mem + skb->truesize > static_cast<size_t>(n->sysctl.ipfrag_high_thresh)) {
      n->rx.ip_reasm_fails.fetch_add(1, std::memory_order_relaxed);
      ts.ret(-1, "reassembly memory full (ipfrag_high_thresh)");
      return nullptr;
    }
    it = n->ipqs.emplace(key, ipq{}).first;
    it->second.expires = now + std::chrono::seconds(n->sysctl.ipfrag_time);
  }
  ipq& q = it->second;
  auto fail = [&](const char* why) {
    n->rx.ip_reasm_fails.fetch_add(1, std::memory_order_relaxed);
    ipq_kill(n, it);
    ts.ret(-1, why);
    return nullptr;
  };

  if (!mf) {
    // The last fragment: bytes already beyond its end, or another end, is corruption.
    if (end < q.len || (q.last_in && end != q.len)) return fail("inconsistent last fragment");
    q.last_in = true;
    q.len = end;
  } else {
    end &= ~size_t{7};  // a non-last fragment carries a multiple of 8 bytes
    if (end > q.len) {
      if (q.last_in) return fail("fragment beyond the last one");
      q.len = end;
    }
  }
  if (end == offset) return fail("empty fragment");
  if (end > 0xFFFF) return fail("fragment beyond 64 KiB");

  // inet_frag_queue_insert: an exact duplicate is dropped; any other overlap
  // kills the queue.
  auto next = q.frags.lower_bound(offset);
  if (next != q.frags.end() && next->first == offset && next->second.size() == end - offset) {
    ts.ret(-1, "duplicate fragment");
    return nullptr;
  }
  if (next != q.frags.end() && next->first < end) {
    n->rx.ip_reasm_overlaps.fetch_add(1, std::memory_order_relaxed);
    return fail("overlapping fragments");
  }
  if (next != q.frags.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second.size() > offset) {
      n->rx.ip_reasm_overlaps.fetch_add(1, std::memory_order_relaxed);
      return fail("overlapping fragments");
    }
  }
  if (n->ipfrag_mem + skb->truesize > static_cast<size_t>(n->sysctl.ipfrag_high_thresh))
    return fail("reassembly memory full (ipfrag_high_thresh)");
  q.frags.emplace(offset, std::vector<uint8_t>(skb->data + ihl, skb->data + ihl + (end - offset)));
  q.meat += end - offset;
  q.truesize += skb->truesize;
  n->ipfrag_mem += skb->truesize;
  if (offset == 0) {
    q.first_in = true;
    q.header.assign(iph, iph + ihl);
  }
  if (!(q.first_in && q.last_in && q.meat == q.len)) {
    ts.ret(0, "queued");
    return nullptr;
  }

  // ip_frag_reasm: the first fragment's header, the payloads in order.
  const size_t hlen = q.header.size();
  if (hlen + q.len > 0xFFFF) return fail("oversized datagram");
  auto out = std::make_unique<sk_buff_rx>();
  out->head = std::make_unique<uint8_t[]>(hlen + q.len);
  uint8_t* p = out->head.get();
  std::memcpy(p, q.header.data(), hlen);
  for (const auto& f : q.frags) std::memcpy(p + hlen + f.first, f.second.data(), f.second.size());
  const size_t tot = hlen + q.len;
  p[2] = static_cast<uint8_t>(tot >> 8);
  p[3] = static_cast<uint8_t>(tot);
  p[6] &= 0x40;  // DF stays; MF and the offset go
  p[7] = 0;
  p[10] = p[11] = 0;
  const uint16_t sum = inet_csum(p, hlen);
  p[10] = static_cast<uint8_t>(sum >> 8);
  p[11] = static_cast<uint8_t>(sum);
  out->data = p;
  out->len = tot;
  out->truesize = q.truesize;
  out->pkt_type = skb->pkt_type;
  out->saddr = skb->saddr;
  out->daddr = skb->daddr;
  ipq_kill(n, it);
  n->rx.ip_reasm_oks.fetch_add(1, std::memory_order_relaxed);
  ts.ret(0, "reassembled");
  return out;
}

}  // namespace sendoff
