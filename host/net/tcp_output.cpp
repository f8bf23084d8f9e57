// SPDX-License-Identifier: MIT
// The sending half of TCP (net/ipv4/tcp_output.c): the options as Linux lays
// them out, the SYN's MSS and window scale, and segments out: tcp_write_xmit
// sizes packets (up to 64 KiB of whole segments for the NIC's TSO) and
// tcp_transmit_skb posts each as one descriptor: a TXD_L4_TCP descriptor whose
// payload the NIC cuts into segments and heads, or, for SYN, RST, bare ACKs,
// FINs and long options, a TXD_L4_RAW segment built here, checksum and all.
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "net.hpp"
#include "sendoff/inet_csum.hpp"
#include "tcp.hpp"

namespace sendoff {

namespace {

uint8_t* put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
  return p + 4;
}

// The SACK blocks that fit after `used` bytes of other options (two NOPs,
// kind and length, then 8 bytes a block).
unsigned sack_blocks(const tcp_out_options& o, unsigned used) {
  const unsigned room = used + 4 <= MAX_TCP_OPTION_SPACE
                            ? (MAX_TCP_OPTION_SPACE - used - 4) / TCPOLEN_SACK_PERBLOCK
                            : 0;
  return std::min({o.num_sack_blocks, TCP_NUM_SACKS, room});
}

}  // namespace

unsigned tcp_options_size(const tcp_out_options& o) {
  unsigned n = 0;
  if (o.mss) n += TCPOLEN_MSS;
  if (o.ts) n += 12;                     // two NOPs (or SACK-permitted) and the option
  else if (o.sack_ok) n += 4;            // two NOPs and SACK-permitted
  if (o.ws >= 0) n += 4;                 // a NOP and the option
  const unsigned blocks = sack_blocks(o, n);
  return blocks ? n + 4 + TCPOLEN_SACK_PERBLOCK * blocks : n;
}

unsigned tcp_options_write(uint8_t* p, const tcp_out_options& o) {
  uint8_t* const start = p;
  if (o.mss) {
    *p++ = TCPOPT_MSS;
    *p++ = TCPOLEN_MSS;
    *p++ = static_cast<uint8_t>(o.mss >> 8);
    *p++ = static_cast<uint8_t>(o.mss);
  }
  if (o.ts) {
    if (o.sack_ok) {
      *p++ = TCPOPT_SACK_PERM;
      *p++ = TCPOLEN_SACK_PERM;
    } else {
      *p++ = TCPOPT_NOP;
      *p++ = TCPOPT_NOP;
    }
    *p++ = TCPOPT_TIMESTAMP;
    *p++ = TCPOLEN_TIMESTAMP;
    p = put32(p, o.tsval);
    p = put32(p, o.tsecr);
  } else if (o.sack_ok) {
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_SACK_PERM;
    *p++ = TCPOLEN_SACK_PERM;
  }
  if (o.ws >= 0) {
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_WINDOW;
    *p++ = TCPOLEN_WINDOW;
    *p++ = static_cast<uint8_t>(o.ws);
  }
  // As many blocks as the 40 bytes leave room for.
  const unsigned blocks = sack_blocks(o, static_cast<unsigned>(p - start));
  if (blocks) {
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_SACK;
    *p++ = static_cast<uint8_t>(TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK * blocks);
    for (unsigned i = 0; i < blocks; ++i) {
      p = put32(p, o.sack[i].start_seq);
      p = put32(p, o.sack[i].end_seq);
    }
  }
  return static_cast<unsigned>(p - start);
}

int tcp_select_wscale(uint32_t space) {
  int log2 = -1;
  for (uint32_t v = space; v; v >>= 1) ++log2;
  return std::clamp(log2 - 15, 0, TCP_MAX_WSCALE);
}

uint16_t tcp_advertise_mss(uint32_t mtu) {
  const uint32_t headers = 20 + 20;  // IPv4 and TCP without options
  const uint32_t mss = mtu > headers ? mtu - headers : 0;
  return static_cast<uint16_t>(std::min<uint32_t>(mss, 65535 - headers));
}

namespace {

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// tcp_time_stamp_ts: TSval in milliseconds, offset per address pair.
uint32_t tcp_time_stamp(const tcp_sock* tp) {
  return static_cast<uint32_t>(tp->tcp_mstamp / 1000) + tp->tsoffset;
}

bool tcp_sending_state(int state) {
  return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT || state == TCP_FIN_WAIT1 ||
         state == TCP_CLOSING || state == TCP_LAST_ACK;
}

// The out-of-order queue as SACK blocks, the most recent first as RFC 2018
// asks (here: the lowest, a simplification), adjacent segments merged.
unsigned tcp_sack_blocks(const tcp_sock* tp, tcp_sack_block* out, unsigned max) {
  unsigned k = 0;
  for (const auto& [seq, data] : tp->ooo) {
    const uint32_t end = seq + static_cast<uint32_t>(data.size());
    if (k && !after(seq, out[k - 1].end_seq)) {
      if (after(end, out[k - 1].end_seq)) out[k - 1].end_seq = end;
      continue;
    }
    if (k == max) break;
    out[k++] = {seq, end};
  }
  return k;
}

}  // namespace

uint32_t tcp_receive_window(const tcp_sock* tp) {
  const size_t queued = tp->recvq.size() - tp->recvq_head + tp->ooo_bytes;
  uint32_t space = queued >= tp->window_clamp ? 0 : tp->window_clamp - static_cast<uint32_t>(queued);
  // Never shrink what was offered (RFC 7323 2.4): the right edge stays.
  const uint32_t used = tp->rcv_nxt - tp->rcv_wup;
  const uint32_t cur = tp->rcv_wnd > used ? tp->rcv_wnd - used : 0;
  space = std::max(space, cur);
  space = std::min<uint32_t>(space, uint32_t{65535} << tp->rcv_wscale);
  // A scaled window is sent in units of 1 << rcv_wscale: round up, so the
  // edge never moves left.
  const uint32_t unit = 1u << tp->rcv_wscale;
  return (space + unit - 1) & ~(unit - 1);
}

void tcp_sync_mss(tcp_sock* tp) {
  uint32_t mss = tp->rx_mss ? tp->rx_mss : TCP_MSS_DEFAULT;
  mss = std::min<uint32_t>(mss, tp->advmss);
  if (tp->tstamp_ok) mss -= TCPOLEN_TSTAMP_ALIGNED;
  tp->mss_cache = std::max<uint32_t>(mss, 48);
}

int tcp_transmit_skb(sock* sk, uint32_t seq, uint32_t len, uint8_t flags) {
  net* n = sk->sk_net;
  tcp_sock* tp = sk->tp.get();
  TraceScope ts(n->trace, "tcp_transmit_skb");
  tp->tcp_mstamp = tcp_clock_us();
  tcp_out_options o;
  const bool syn = flags & TCPHDR_SYN;
  if (syn) {
    // tcp_syn_options: MSS, SACK-permitted, timestamps, window scale; a
    // SYN-ACK (tcp_synack_options) the MSS and only what the peer's SYN offered.
    const bool synack = flags & TCPHDR_ACK;
    o.mss = tp->advmss;
    o.sack_ok = !synack || tp->sack_ok;
    o.ts = !synack || tp->tstamp_ok;
    o.tsval = tcp_time_stamp(tp);
    o.tsecr = synack ? tp->ts_recent : 0;
    o.ws = !synack || tp->wscale_ok ? tp->rcv_wscale : -1;
  } else {
    if (tp->tstamp_ok) {
      o.ts = true;
      o.tsval = tcp_time_stamp(tp);
      o.tsecr = tp->ts_recent;
    }
    if (tp->sack_ok && !tp->ooo.empty() && !(flags & TCPHDR_RST))
      o.num_sack_blocks = tcp_sack_blocks(tp, o.sack, TCP_NUM_SACKS);
  }
  // tcp_urg_mode: urgent data not yet ACKed. snd_up is pulled up to snd_una
  // once passed (as tcp_clean_rtx_queue does), so the test survives wrap.
  // The TSO descriptor has no urgent pointer: such segments stay RAW.
  if (!after(tp->snd_up, tp->snd_una)) tp->snd_up = tp->snd_una;
  uint16_t urg_ptr = 0;
  if (after(tp->snd_up, tp->snd_una) && before(seq, tp->snd_up)) {
    if (before(tp->snd_up, seq + 0x10000)) {
      urg_ptr = static_cast<uint16_t>(tp->snd_up - seq);
      flags |= TCPHDR_URG;
    } else if (after(seq + 0xFFFF, tp->snd_nxt)) {
      urg_ptr = 0xFFFF;
      flags |= TCPHDR_URG;
    }
  }
  const unsigned optlen = tcp_options_size(o);
  uint32_t window;
  uint16_t window_field;
  if (syn) {
    // The SYN's window is never scaled (RFC 7323 2.2): 65535 rounded to the MSS.
    window = std::min<uint32_t>(tp->window_clamp, 65535u / tp->advmss * tp->advmss);
    window_field = static_cast<uint16_t>(window);
  } else {
    window = tcp_receive_window(tp);
    window_field = static_cast<uint16_t>(window >> tp->rcv_wscale);
  }
  const uint32_t ack = (flags & TCPHDR_ACK) ? tp->rcv_nxt : 0;
  dst_entry* dst;
  int err = __ip_route_output_cached(sk, sk->daddr, sk->dport, sk->localroute, &dst);
  if (err) return static_cast<int>(ts.ret(err, "no route"));
  sk_buff skb;
  skb.sk = sk;
  skb.dst = dst;
  skb.protocol = IPPROTO_TCP;
  skb.sport = sk->num;
  skb.dport = sk->dport;
  skb.ttl = static_cast<uint8_t>(sk->uc_ttl >= 0 ? sk->uc_ttl : n->sysctl.ip_default_ttl);
  skb.tos = sk->tos;
  // The MSS of this packet's segments (tcp_current_mss): what the route's
  // MTU leaves after the headers and these options, at most mss_cache.
  const uint32_t room = dst->rt.mtu > 40 + optlen ? dst->rt.mtu - 40 - optlen : 0;
  const uint32_t gso_size = std::min(tp->mss_cache, room);
  // NETIF_F_TSO: data goes as one TCP descriptor that the NIC cuts into
  // gso_size segments, each with this header and these options; the payload
  // comes straight from the send queue. SYN, RST, segments without data and
  // options beyond the descriptor's 24 bytes stay segments built here.
  const bool tso = len && !(flags & (TCPHDR_SYN | TCPHDR_RST | TCPHDR_URG)) && n->nic.can_tso() &&
                   optlen <= abi::TXD_TCP_OPT_MAX && gso_size >= abi::TSO_MSS_MIN;
  if (!tso && len > gso_size && gso_size) {
    // Software GSO (skb_gso_segment): what the NIC cannot cut, cut here, PSH
    // and FIN on the last segment only.
    for (uint32_t off = 0; off < len; off += gso_size) {
      const bool last = len - off <= gso_size;
      // URG is worked out again for each segment.
      const uint8_t keep = last ? 0xFF : static_cast<uint8_t>(~(TCPHDR_PSH | TCPHDR_FIN));
      const uint8_t f = static_cast<uint8_t>(flags & keep & ~TCPHDR_URG);
      err = tcp_transmit_skb(sk, seq + off, std::min(gso_size, len - off), f);
      if (err) return static_cast<int>(ts.ret(err));
    }
    return static_cast<int>(ts.ret(0, "software GSO"));
  }
  // A device send queue is a ring: a packet that would run over its end goes
  // as two descriptors, split there (PSH and FIN on the second), so that each
  // points at contiguous bytes.
  tcp_sendq_ring* ring = tso && tp->sendq_on_dev ? sk->sk_sendq.get() : nullptr;
  if (ring && (seq & ring->mask) + len > ring->mask + 1) {
    const uint32_t head = ring->mask + 1 - (seq & ring->mask);
    err = tcp_transmit_skb(sk, seq, head, static_cast<uint8_t>(flags & ~(TCPHDR_PSH | TCPHDR_FIN)));
    if (!err) err = tcp_transmit_skb(sk, seq + head, len - head, flags);
    return static_cast<int>(ts.ret(err, "split at the send queue's end"));
  }
  const uint32_t segs = tso ? (len + gso_size - 1) / gso_size : 1;
  std::vector<uint8_t> seg;
  iovec iov;
  if (tso) {
    skb.l4_kind = abi::TXD_L4_TCP;
    skb.tcp.seq = seq;
    skb.tcp.ack = ack;
    skb.tcp.gso_size = static_cast<uint16_t>(gso_size);
    skb.tcp.window = window_field;
    skb.tcp.flags = flags;
    skb.tcp.opt_len = static_cast<uint8_t>(optlen);
    tcp_options_write(skb.tcp.opts, o);
    if (ring) {
      // By reference (no copy): the NIC reads the queue where it is. The
      // descriptor pins the queue from its head until the NIC is done with it.
      const uint32_t off = seq & ring->mask;
      iov = {ring->host + off, len};
      skb.frag_dma = ring->dev_addr + off;
      skb.frag_done = &ring->done;
      ring->pins[ring->posted % tcp_sendq_ring::kPins] = tp->sendq_seq;
      ++ring->posted;
    } else {
      iov = {tp->sendq.data() + tp->sendq_head + (seq - tp->sendq_seq), len};
    }
    skb.len = len;
  } else {
    const unsigned hlen = 20 + optlen;
    seg.resize(hlen + len);
    uint8_t* th = seg.data();
    put16(th, sk->num);
    put16(th + 2, sk->dport);
    put32(th + 4, seq);
    put32(th + 8, ack);
    th[12] = static_cast<uint8_t>((hlen / 4) << 4);
    th[13] = flags;
    put16(th + 14, window_field);
    put16(th + 18, urg_ptr);
    tcp_options_write(th + 20, o);
    if (len) tcp_sendq_read(sk, seq, len, th + hlen);
    const uint32_t total = hlen + len;
    put16(th + 16, csum_finish(csum_partial(th, total,
                                            csum_pseudo_ipv4(sk->saddr, sk->daddr, IPPROTO_TCP,
                                                             total))));
    skb.l4_kind = abi::TXD_L4_RAW;
    iov = {seg.data(), total};
    skb.len = total;
  }
  skb.iov = &iov;
  skb.iovlen = 1;
  // ip_queue_xmit: DF (PMTU discovery); ip_select_ident_segs: the socket's
  // own IP ID counter, one ID per segment (the NIC counts up from this one).
  skb.tx_flags = skb.l4_kind | abi::TXD_F_DF;
  skb.ip_id = static_cast<uint16_t>(sk->inet_id.fetch_add(segs, std::memory_order_relaxed));
  err = ip_send_skb(n, &skb);
  // Not posted by reference (an error, or a copy waiting for ARP): no pin.
  if (ring && !skb.frag_posted) --ring->posted;
  if (err) return static_cast<int>(ts.ret(err));
  if (len) {
    ++tp->data_descs;
    tp->data_segs += segs;
    (skb.frag_posted ? tp->nic_ref_bytes : tp->nic_copy_bytes) += len;
  }
  if (flags & TCPHDR_ACK) {
    // tcp_event_ack_sent: what this segment acknowledged and offered.
    tp->ack_pending = false;
    tp->rcv_segs_unacked = 0;
    tp->delack_timeout = 0;
    tp->rcv_wup = tp->rcv_nxt;
    tp->rcv_wnd = window;
  }
  if (!ts.on()) return 0;
  return static_cast<int>(ts.ret(0, std::string(tso ? "TSO " : "") + "seq " + std::to_string(seq) +
                                        " len " + std::to_string(len) + " flags " +
                                        std::to_string(flags)));
}

namespace {

// tcp_tso_should_defer (tcp_tso_win_divisor 3): with segments in flight whose
// ACKs will open the windows further, a packet that cwnd or the peer's window
// cuts short waits until it can carry a third of cwnd, so the NIC gets long
// descriptors instead of one or two segments per ACK. Never in loss recovery.
bool tcp_tso_should_defer(const tcp_sock* tp, uint32_t unsent, uint32_t limit, uint32_t max_len,
                          uint32_t mss) {
  // Duplicate ACKs or SACKs: a loss may be under way and the ACK clock
  // weak; what may go goes (Linux's RACK and tail loss probes cover this).
  if (tp->ca_state != TCP_CA_Open || tp->snd_nxt == tp->snd_una || tp->dup_acks ||
      !tp->sacked.empty())
    return false;
  if (limit >= unsent || limit >= max_len) return false;
  return limit < static_cast<uint64_t>(tp->snd_cwnd) * mss / 3;
}

}  // namespace

bool tcp_small_queue_check(sock* sk, uint32_t next_len) {
  tcp_sock* tp = sk->tp.get();
  // sk_pacing_rate as tcp_update_pacing_rate sets it: cwnd per srtt, 200 %
  // in slow start, 120 % after; 1 ms of it (sk_pacing_shift 10), at least
  // two packets of this size, at most tcp_limit_output_bytes (1 MiB).
  uint64_t rate = 0;
  if (tp->srtt_us) {
    rate = uint64_t{tp->snd_cwnd} * tp->mss_cache * 8000000 / tp->srtt_us;  // srtt_us is 8 x srtt
    rate = rate * (tcp_in_slow_start(tp) ? 200 : 120) / 100;
  }
  const uint64_t limit = std::min<uint64_t>(
      std::max<uint64_t>(2 * SendoffNic::truesize(next_len), rate >> 10), 1u << 20);
  if (sk_wmem_alloc_get(sk) <= limit) return false;
  // What the NIC has sent since the last look no longer counts.
  sk->sk_net->nic.reclaim();
  if (sk_wmem_alloc_get(sk) <= limit) return false;
  tp->tsq_throttled = true;
  return true;
}

void tcp_write_xmit(sock* sk, bool push_small) {
  tcp_sock* tp = sk->tp.get();
  if (!tcp_sending_state(sk->state)) return;
  const uint32_t mss = tp->mss_cache;
  // tcp_tso_autosize: with the NIC's TSO a packet carries as many whole
  // segments as one descriptor holds (65535 bytes); without, one segment.
  const uint32_t max_segs = sk->sk_net->nic.can_tso() ? std::max(1u, abi::MAX_PAYLOAD / mss) : 1;
  bool sent = false;
  for (;;) {
    // Going back after an RTO: what the peer holds by its SACKs is not sent
    // again, and a packet ends where such data starts.
    uint32_t sacked_at = tp->write_seq;
    if (before(tp->snd_nxt, tp->snd_max) && !tp->sacked.empty()) {
      tp->snd_nxt = tcp_sacked_skip(tp, tp->snd_nxt);
      sacked_at = tcp_next_sacked(tp, tp->snd_nxt, tp->write_seq);
      if (after(sacked_at, tp->write_seq)) sacked_at = tp->write_seq;
    }
    const uint32_t unsent = after(sacked_at, tp->snd_nxt) ? sacked_at - tp->snd_nxt : 0;
    if (!unsent) break;
    uint32_t in_flight = tp->snd_nxt - tp->snd_una;
    // In recovery and after an RTO, data the peer SACKed is not in flight
    // (tcp_packets_in_flight leaves sacked_out out).
    if (tp->ca_state >= TCP_CA_Recovery && !tp->sacked.empty())
      in_flight -= tcp_sacked_after(tp, tp->snd_una) - tcp_sacked_after(tp, tp->snd_nxt);
    // tcp_cwnd_test: segments in flight against cwnd.
    const uint32_t in_flight_segs = (in_flight + mss - 1) / mss;
    // Limited transmit (RFC 3042): the first two duplicate ACKs each let a
    // new segment go, so that a small window still draws enough of them.
    const uint32_t cwnd = tp->snd_cwnd + (tp->ca_state == TCP_CA_Open
                                              ? static_cast<uint32_t>(std::min(tp->dup_acks, 2))
                                              : 0);
    if (in_flight_segs >= cwnd) {
      tp->is_cwnd_limited = true;
      break;
    }
    const uint32_t cong_win = (cwnd - in_flight_segs) * mss;
    // tcp_snd_wnd_test: the peer's window from snd_nxt.
    const uint32_t wnd_end = tp->snd_una + tp->snd_wnd;
    const uint32_t send_win = after(wnd_end, tp->snd_nxt) ? wnd_end - tp->snd_nxt : 0;
    uint32_t len = std::min({unsent, max_segs * mss, cong_win});
    if (len > send_win) {
      if (send_win >= mss) {
        len = send_win / mss * mss;  // tcp_mss_split_point: whole segments in the window
      } else {
        // What is left of the window goes only when no segment fits in it at
        // all and nothing is in flight to open it (else the probe timer does).
        const uint32_t first = std::min(unsent, mss);
        if (send_win == 0 || send_win < std::min(first, tp->max_window / 2)) break;
        len = send_win;
      }
    }
    // Nagle and MSG_MORE hold nothing while urgent data is unacknowledged
    // (tcp_urg_mode); its segments are host-built, one MSS each.
    const bool urg_mode = after(tp->snd_up, tp->snd_una);
    if (urg_mode) len = std::min(len, mss);
    if (len >= mss &&
        tcp_tso_should_defer(tp, unsent, std::min(send_win, cong_win), max_segs * mss, mss))
      break;
    const bool nagle_on = !push_small && !tp->nodelay && !tp->fin_queued && !urg_mode;
    const bool corked = (tp->cork_more || tp->corked) && !tp->fin_queued && !urg_mode;
    if (len < mss) {
      // tcp_nagle_test (Minshall's variant): a short segment waits while an
      // earlier short one is unacknowledged, unless TCP_NODELAY or a push.
      if (nagle_on && after(tp->snd_sml, tp->snd_una)) break;
      // TCP_CORK, or MSG_MORE (TCP_NAGLE_CORK for this push): more is coming,
      // a short tail waits, TCP_NODELAY or not.
      if (corked) break;
    } else if (len == unsent && len % mss) {
      // tcp_mss_split_point: the short tail of a packet waits where Nagle or
      // MSG_MORE would hold it as a segment of its own; the full ones go.
      if ((nagle_on && after(tp->snd_sml, tp->snd_una)) || corked) len -= len % mss;
    }
    // TCP Small Queues: the NIC's ring is not this connection's buffer.
    if (tcp_small_queue_check(sk, len)) break;
    const bool last = len == unsent;
    if (tcp_transmit_skb(sk, tp->snd_nxt, len,
                         static_cast<uint8_t>(TCPHDR_ACK | (last ? TCPHDR_PSH : 0))) != 0)
      break;
    if (!tp->rtt_stamp && !after(tp->snd_max, tp->snd_nxt)) {
      tp->rtt_timed_seq = tp->snd_nxt + len;
      tp->rtt_stamp = tp->tcp_mstamp;
    }
    tcp_rack_note_xmit(tp, tp->snd_nxt, len);
    if (len % mss) tp->snd_sml = tp->snd_nxt + len;  // tcp_minshall_update
    tp->snd_nxt += len;
    if (after(tp->snd_nxt, tp->snd_max)) tp->snd_max = tp->snd_nxt;
    if (!tp->rto_timeout) inet_csk_reset_xmit_timer(tp);
    sent = true;
  }
  if (sent) tcp_schedule_loss_probe(sk);
  // tcp_cwnd_validate: an application that leaves cwnd unused does not grow it.
  if (!after(tp->write_seq, tp->snd_nxt))
    tp->is_cwnd_limited = (tp->snd_nxt - tp->snd_una + mss - 1) / mss >= tp->snd_cwnd / 2;
  // tcp_send_fin: after the last byte, once.
  if (tp->fin_queued && tp->snd_nxt == tp->write_seq) {
    if (tcp_transmit_skb(sk, tp->write_seq, 0, TCPHDR_FIN | TCPHDR_ACK) == 0) {
      tp->snd_nxt = tp->write_seq + 1;
      if (after(tp->snd_nxt, tp->snd_max)) tp->snd_max = tp->snd_nxt;
      if (!tp->rto_timeout) inet_csk_reset_xmit_timer(tp);
    }
  }
  // Nothing in flight and data the peer's window refuses, or that Nagle or
  // TCP_CORK holds: the probe timer (the retransmission timer stands in for
  // tcp_probe_timer).
  if (tp->snd_una == tp->snd_nxt && after(tp->write_seq, tp->snd_nxt) && !tp->rto_timeout)
    inet_csk_reset_xmit_timer(tp);
}

void tcp_tsq_handler(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  if (!tp->tsq_throttled) return;
  tp->tsq_throttled = false;
  tcp_write_xmit(sk, false);
}

void tcp_send_ack(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  tcp_transmit_skb(sk, tp->snd_nxt, 0, TCPHDR_ACK);
}

namespace {

// The SYN (tcp_connect) or SYN-ACK (tcp_v4_send_synack) from the ISN in
// snd_nxt, and the retransmission timer for it. Without the peer's window
// scale option a SYN-ACK offers none either (RFC 7323 1.3).
int tcp_send_syn(sock* sk, uint8_t flags) {
  tcp_sock* tp = sk->tp.get();
  if (tp->ca_ops->init) tp->ca_ops->init(tp);
  const bool synack = flags & TCPHDR_ACK;
  tp->rcv_wscale = synack && !tp->wscale_ok
                       ? 0
                       : static_cast<uint8_t>(tcp_select_wscale(tp->window_clamp));
  const uint32_t isn = tp->snd_nxt;
  tp->write_seq = tp->sendq_seq = isn + 1;
  tp->sendq.clear();
  tp->sendq_head = 0;
  tp->sendq_on_dev = false;  // tcp_sendmsg takes a device queue once there is data
  tp->snd_sml = tp->snd_up = isn;
  int err = tcp_transmit_skb(sk, isn, 0, flags);
  if (err) return err;
  tp->snd_nxt = tp->snd_max = isn + 1;
  tp->rtt_timed_seq = isn + 1;
  tp->rtt_stamp = tp->retrans_stamp = tp->tcp_mstamp;
  tp->rto_us = TCP_TIMEOUT_INIT_US;
  inet_csk_reset_xmit_timer(tp);
  return 0;
}

}  // namespace

int tcp_connect(sock* sk) { return tcp_send_syn(sk, TCPHDR_SYN); }

int tcp_v4_send_synack(sock* sk) { return tcp_send_syn(sk, TCPHDR_SYN | TCPHDR_ACK); }

void tcp_retransmit_skb(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  const bool syn = sk->state == TCP_SYN_SENT || sk->state == TCP_SYN_RECV;
  if (!syn && before(tp->snd_una, tp->write_seq)) {
    tcp_retransmit_seq(sk, tp->snd_una, tp->mss_cache);
    return;
  }
  tp->rtt_stamp = 0;  // Karn: no RTT sample from a retransmitted segment
  ++tp->total_retrans;
  if (syn) {
    const uint8_t ack = sk->state == TCP_SYN_RECV ? TCPHDR_ACK : 0;
    tcp_transmit_skb(sk, tp->snd_una, 0, static_cast<uint8_t>(TCPHDR_SYN | ack));
    return;
  }
  if (tp->fin_queued && after(tp->snd_max, tp->write_seq)) {
    tcp_transmit_skb(sk, tp->write_seq, 0, TCPHDR_FIN | TCPHDR_ACK);
    tp->snd_nxt = tp->write_seq + 1;
  }
}

void tcp_retransmit_seq(sock* sk, uint32_t seq, uint32_t len) {
  tcp_sock* tp = sk->tp.get();
  if (!before(seq, tp->write_seq)) return;
  tp->rtt_stamp = 0;  // Karn: no RTT sample from a retransmitted segment
  ++tp->total_retrans;
  len = std::min({len, tp->write_seq - seq, tp->mss_cache});
  if (tcp_transmit_skb(sk, seq, len, TCPHDR_ACK | TCPHDR_PSH) == 0) {
    tcp_rack_note_xmit(tp, seq, len);
    if (tp->undo_armed && !before(seq, tp->undo_marker)) ++tp->undo_retrans;
  }
  if (after(seq + len, tp->high_rxt)) tp->high_rxt = seq + len;
  if (after(seq + len, tp->snd_nxt)) tp->snd_nxt = seq + len;
}

void tcp_schedule_loss_probe(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  const int early_retrans = sk->sk_net->sysctl.tcp_early_retrans;
  if ((early_retrans != 3 && early_retrans != 4) || !tcp_sending_state(sk->state) ||
      !tp->sack_ok || tp->ca_state != TCP_CA_Open || tp->tlp_high_seq ||
      tp->snd_una == tp->snd_max || !tp->srtt_us) {
    tp->tlp_timeout = 0;
    return;
  }
  // PTO = 2 SRTT (RFC 8985 7.2), plus TCP_RTO_MIN when one segment is out
  // (its ACK may be delayed), else TCP_TIMEOUT_MIN (two jiffies), as Linux.
  const uint32_t out = tp->snd_max - tp->snd_una;
  const uint64_t pto = uint64_t{tp->srtt_us >> 2} +
                       (out <= tp->mss_cache ? TCP_RTO_MIN_US
                                             : 2 * static_cast<uint64_t>(sk->sk_net->sysctl.jiffy_us));
  uint64_t when = tp->tcp_mstamp + pto;
  if (tp->rto_timeout && tp->rto_timeout < when) when = tp->rto_timeout;
  tp->tlp_timeout = when;
}

void tcp_send_loss_probe(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  tp->tlp_timeout = 0;
  if (!tcp_sending_state(sk->state) || tp->snd_una == tp->snd_max || tp->ca_state != TCP_CA_Open)
    return;
  const uint32_t mss = tp->mss_cache;
  const uint32_t wnd_end = tp->snd_una + tp->snd_wnd;
  const uint32_t unsent = after(tp->write_seq, tp->snd_nxt) ? tp->write_seq - tp->snd_nxt : 0;
  const uint32_t send_win = after(wnd_end, tp->snd_nxt) ? wnd_end - tp->snd_nxt : 0;
  if (unsent && send_win && tp->snd_nxt == tp->snd_max) {
    // New data, one segment, whatever cwnd says.
    const uint32_t len = std::min({unsent, mss, send_win});
    if (tcp_transmit_skb(sk, tp->snd_nxt, len,
                         static_cast<uint8_t>(TCPHDR_ACK | (len == unsent ? TCPHDR_PSH : 0))) != 0)
      return;
    tcp_rack_note_xmit(tp, tp->snd_nxt, len);
    tp->snd_nxt = tp->snd_max = tp->snd_nxt + len;
    tp->tlp_retrans = false;
  } else if (after(tp->snd_max, tp->write_seq) && !after(tp->snd_max - 1, tp->snd_una)) {
    tcp_retransmit_skb(sk);  // only the FIN is out
    tp->tlp_retrans = true;
  } else {
    // The last segment sent, again.
    const uint32_t data_end = after(tp->snd_max, tp->write_seq) ? tp->write_seq : tp->snd_max;
    const uint32_t len = std::min(data_end - tp->snd_una, mss);
    tcp_retransmit_seq(sk, data_end - len, len);
    tp->tlp_retrans = true;
  }
  tp->tlp_high_seq = tp->snd_nxt;
  ++tp->tlp_count;
  inet_csk_reset_xmit_timer(tp);
}

void tcp_send_active_reset(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  tcp_transmit_skb(sk, tp->snd_nxt, 0, TCPHDR_RST | TCPHDR_ACK);
}

}  // namespace sendoff
