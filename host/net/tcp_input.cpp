// SPDX-License-Identifier: MIT
// The receiving half of TCP (net/ipv4/tcp_input.c): the RTT estimator and
// the RTO it sets; segments in by state (tcp_rcv_state_process): the
// SYN-ACK, ACKs (tcp_ack: snd_una, the window, RTT samples, congestion
// control, duplicate ACKs and NewReno fast recovery), data in order to the
// receive queue, ahead of it to the out-of-order queue, FIN and RST.
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "net.hpp"
#include "tcp.hpp"

namespace sendoff {

// RFC 6298 (2.3) in Linux's fixed point: srtt += (m - srtt) / 8 and
// mdev += (|m - srtt| - mdev) / 4, except that a sample below the mean
// moves mdev by only 1/32 of the difference (Linux's damping, so that a fast
// ACK does not inflate the RTO). rttvar follows the largest mdev of the
// current window of data, never below the minimum RTO, and decays by a
// quarter of the gap once per window (when snd_una passes rtt_seq).
void tcp_rtt_estimator(tcp_sock* tp, long mrtt_us) {
  long m = std::max(mrtt_us, 1L);
  uint32_t srtt = tp->srtt_us;
  if (srtt != 0) {
    m -= static_cast<long>(srtt >> 3);  // the error against the mean
    srtt = static_cast<uint32_t>(static_cast<long>(srtt) + m);
    long dev = m < 0 ? -m : m;
    dev -= static_cast<long>(tp->mdev_us >> 2);
    if (m < 0 && dev > 0) dev >>= 3;
    tp->mdev_us = static_cast<uint32_t>(static_cast<long>(tp->mdev_us) + dev);
    if (tp->mdev_us > tp->mdev_max_us) {
      tp->mdev_max_us = tp->mdev_us;
      tp->rttvar_us = std::max(tp->rttvar_us, tp->mdev_max_us);
    }
    if (static_cast<int32_t>(tp->snd_una - tp->rtt_seq) > 0) {
      if (tp->mdev_max_us < tp->rttvar_us) tp->rttvar_us -= (tp->rttvar_us - tp->mdev_max_us) >> 2;
      tp->rtt_seq = tp->snd_nxt;
      tp->mdev_max_us = TCP_RTO_MIN_US;
    }
  } else {
    // The first sample: srtt = R, rttvar = R/2 (RFC 6298 2.2).
    srtt = static_cast<uint32_t>(m) << 3;
    tp->mdev_us = static_cast<uint32_t>(m) << 1;
    tp->rttvar_us = std::max(tp->mdev_us, TCP_RTO_MIN_US);
    tp->mdev_max_us = tp->rttvar_us;
    tp->rtt_seq = tp->snd_nxt;
  }
  tp->srtt_us = std::max(srtt, 1u);
}

void tcp_set_rto(tcp_sock* tp) {
  const uint64_t rto = uint64_t{tp->srtt_us >> 3} + tp->rttvar_us;
  tp->rto_us = static_cast<uint32_t>(std::min<uint64_t>(rto, TCP_RTO_MAX_US));
}

namespace {

uint16_t get_be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get_be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// The data and state of one arriving segment (TCP_SKB_CB).
struct tcp_skb_cb {
  uint32_t seq, end_seq, ack_seq;
  uint8_t flags;
  uint16_t window;
  const uint8_t* data;
  uint32_t len;
  tcp_options_received opt;
};

// tcp_ack_snd_check: every second full segment is ACKed at once, a lone one
// after the delayed-ACK timer (TCP_DELACK_MIN), anything out of order at once.
void tcp_ack_snd_check(sock* sk, bool now) {
  tcp_sock* tp = sk->tp.get();
  if (!tp->ack_pending) return;
  if (now || tp->rcv_segs_unacked >= 2 || !tp->ooo.empty()) {
    tcp_send_ack(sk);
    return;
  }
  if (!tp->delack_timeout) tp->delack_timeout = tp->tcp_mstamp + TCP_DELACK_MIN_US;
}

// tcp_sacktag_write_queue: the peer's SACK blocks into the scoreboard,
// merged with what it said before. Blocks at or below snd_una (D-SACK) or
// beyond what was sent are not marks.
void tcp_sacktag_write_queue(tcp_sock* tp, const tcp_options_received& opt) {
  auto& v = tp->sacked;
  const uint32_t base = tp->snd_una;
  auto off = [base](uint32_t seq) { return seq - base; };
  // What snd_una passed is no longer the scoreboard's.
  size_t keep = 0;
  while (keep < v.size() && !after(v[keep].end, base)) ++keep;
  v.erase(v.begin(), v.begin() + static_cast<long>(keep));
  if (!v.empty() && before(v[0].start, base)) v[0].start = base;
  for (unsigned k = 0; k < opt.num_sacks; ++k) {
    uint32_t start = opt.sack[k].start_seq, end = opt.sack[k].end_seq;
    if (!after(end, start) || !after(end, base) || after(end, tp->snd_max)) continue;
    if (before(start, base)) start = base;
    size_t i = 0;
    while (i < v.size() && off(v[i].end) < off(start)) ++i;
    size_t j = i;
    while (j < v.size() && off(v[j].start) <= off(end)) {
      if (off(v[j].start) < off(start)) start = v[j].start;
      if (off(v[j].end) > off(end)) end = v[j].end;
      ++j;
    }
    v.erase(v.begin() + static_cast<long>(i), v.begin() + static_cast<long>(j));
    v.insert(v.begin() + static_cast<long>(i), {start, end});
  }
}

// tcp_check_sack_reordering: the ACK filled the hole at snd_una that was
// never retransmitted while the peer SACKed data above it: that data
// overtook it. Loss is then declared only after more than that distance.
void tcp_check_sack_reordering(tcp_sock* tp, uint32_t ack) {
  // Only outside recovery: there a hole may have been filled by a resend.
  if (tp->ca_state >= TCP_CA_CWR || tp->sacked.empty() || after(tp->high_rxt, tp->snd_una))
    return;
  const uint32_t first = tp->sacked.front().start;
  if (!after(first, tp->snd_una) || before(ack, first)) return;
  const uint32_t segs = tcp_sacked_after(tp, tp->snd_una) / tp->mss_cache + 1;
  tp->reordering = std::min(std::max(tp->reordering, segs), TCP_MAX_REORDERING);
  tp->reord_seen = true;
}

// tcp_xmit_retransmit_queue (RFC 6675 NextSeg, rule 1, with RACK): the
// segments that count as lost, from snd_una up, up to `budget` of them (each
// ACK that arrives lets about that many leave). A segment sent again now is
// not lost again until data sent after it is delivered.
void tcp_xmit_retransmit_queue(sock* sk, int budget) {
  tcp_sock* tp = sk->tp.get();
  uint32_t seq = tp->snd_una, at, len;
  while (budget > 0 && tcp_next_lost(tp, seq, &at, &len)) {
    tcp_retransmit_seq(sk, at, len);
    seq = at + len;
    --budget;
  }
}

// tcp_time_to_recover: `reordering` duplicate ACKs, or the scoreboard shows
// snd_una lost (RFC 6675 5), or, with too little in flight for that many
// duplicates, all but snd_una's segment SACKed (early retransmit, RFC 5827).
bool tcp_time_to_recover(tcp_sock* tp) {
  if (tp->dup_acks >= static_cast<int>(tp->reordering)) return true;
  if (!tp->sack_ok) return false;
  uint32_t at, len;
  if (tcp_next_lost(tp, tp->snd_una, &at, &len)) return true;
  if (tp->sacked.empty()) return false;
  const uint32_t mss = tp->mss_cache;
  const uint32_t out_segs = (tp->snd_max - tp->snd_una + mss - 1) / mss;
  const uint32_t sacked_segs = (tcp_sacked_after(tp, tp->snd_una) + mss - 1) / mss;
  if (out_segs > tp->reordering || after(tp->write_seq, tp->snd_max)) return false;
  return sacked_segs + 1 >= out_segs;
}

void tcp_enter_recovery(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  tp->high_seq = tp->snd_max;
  tp->high_rxt = tp->snd_una;  // tcp_retransmit_seq moves it past each hole it sends
  tp->prior_cwnd = tp->snd_cwnd;
  tp->prior_ssthresh = tp->snd_ssthresh;
  tp->undo_marker = tp->snd_una;
  tp->undo_armed = true;
  tp->undo_retrans = 0;
  tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
  // With SACK the window counts what is really out (tcp_packets_in_flight:
  // SACKed data is not), so cwnd is ssthresh from here (RFC 6675); without,
  // NewReno's inflation stands for the segments that left (RFC 6582).
  tp->snd_cwnd = tp->snd_ssthresh + (tp->sack_ok ? 0 : TCP_FASTRETRANS_THRESH);
  tcp_set_ca_state(tp, TCP_CA_Recovery);
  tcp_rack_recovery_started(tp);
  ++tp->fast_retrans;
  tcp_retransmit_skb(sk);
  tcp_xmit_retransmit_queue(sk, 1);
}

// tcp_undo_cwnd_reduction: every retransmission of this recovery was
// spurious (D-SACKed: the originals arrived, late): cwnd and ssthresh go
// back to where they were.
void tcp_try_undo_dsack(tcp_sock* tp) {
  if (!tp->undo_armed || tp->undo_retrans || tp->ca_state != TCP_CA_Recovery) return;
  tp->snd_cwnd = tp->ca_ops->undo_cwnd(tp);
  tp->snd_ssthresh = std::max(tp->snd_ssthresh, tp->prior_ssthresh);
  tp->undo_armed = false;
}

// A D-SACK block [start, end) (tcp_check_dsack, tcp_sacktag_one): one of
// this recovery's retransmissions less to undo, and the data SACKed above
// it was reordering, not loss (tcp_check_sack_reordering).
void tcp_dsack_seen(tcp_sock* tp, uint32_t start, uint32_t end) {
  const uint32_t mss = tp->mss_cache;
  if (tp->undo_armed && after(end, tp->undo_marker)) {
    const uint32_t segs = std::max<uint32_t>(1, (end - start + mss - 1) / mss);
    tp->undo_retrans = tp->undo_retrans > segs ? tp->undo_retrans - segs : 0;
  }
  const uint32_t fack = tp->sacked.empty() ? tp->snd_una : tp->sacked.back().end;
  if (before(start, fack)) {
    const uint32_t metric = fack - start;
    if (metric > tp->reordering * mss)
      tp->reordering = std::min((metric + mss - 1) / mss, TCP_MAX_REORDERING);
  }
  tcp_rack_update_reo_wnd(tp);
  tcp_try_undo_dsack(tp);
}

// tcp_ack: false when the segment must be dropped (it ACKs what was never sent).
bool tcp_ack(sock* sk, const tcp_skb_cb& cb) {
  tcp_sock* tp = sk->tp.get();
  const uint32_t ack = cb.ack_seq;
  if (after(ack, tp->snd_max)) {
    tcp_send_ack(sk);
    return false;
  }
  if (before(ack, tp->snd_una)) return true;  // an old ACK: the data may still count
  // tcp_check_dsack (RFC 2883): a first block below the cumulative ACK, or
  // inside the second, reports data that arrived twice: a retransmission
  // was spurious, so the reordering window widens. It delivers nothing new.
  bool dsack = false;
  if (tp->sack_ok && cb.opt.num_sacks) {
    const auto& b0 = cb.opt.sack[0];
    const auto& b1 = cb.opt.sack[1];
    dsack = before(b0.start_seq, ack) ||
            (cb.opt.num_sacks > 1 && !before(b0.start_seq, b1.start_seq) &&
             !after(b0.end_seq, b1.end_seq));
    if (dsack) tcp_dsack_seen(tp, b0.start_seq, b0.end_seq);
  }
  // tcp_rack_advance: what this ACK delivers, cumulatively and by its SACK blocks.
  const uint32_t tsecr = tp->tstamp_ok && cb.opt.saw_tstamp ? cb.opt.rcv_tsecr : 0;
  if (after(ack, tp->snd_una)) tcp_rack_advance(tp, tp->snd_una, ack, tsecr);
  if (tp->sack_ok)
    for (unsigned k = dsack ? 1 : 0; k < cb.opt.num_sacks; ++k) {
      const uint32_t start = cb.opt.sack[k].start_seq, end = cb.opt.sack[k].end_seq;
      if (after(end, start) && after(end, ack) && !after(end, tp->snd_max))
        tcp_rack_advance(tp, before(start, ack) ? ack : start, end, tsecr);
    }
  const uint32_t nwin = uint32_t{cb.window} << tp->snd_wscale;
  bool win_changed = false;
  // tcp_may_update_window.
  if (after(ack, tp->snd_una) || after(cb.seq, tp->snd_wl1) ||
      (cb.seq == tp->snd_wl1 && nwin > tp->snd_wnd)) {
    win_changed = nwin != tp->snd_wnd;
    tp->snd_wnd = nwin;
    tp->snd_wl1 = cb.seq;
    tp->max_window = std::max(tp->max_window, nwin);
  }
  const uint32_t acked = ack - tp->snd_una;
  if (acked) {
    // tcp_clean_rtx_queue: the ACKed bytes leave the send queue.
    const uint32_t data_end = after(ack, tp->write_seq) ? tp->write_seq : ack;
    if (after(data_end, tp->sendq_seq)) {
      const uint32_t pop = data_end - tp->sendq_seq;
      if (!tp->sendq_on_dev) tcp_queue_pull(&tp->sendq, &tp->sendq_head, pop);
      tp->sendq_seq = data_end;
      tp->bytes_acked += pop;
    }
    if (tp->sack_ok) tcp_check_sack_reordering(tp, ack);
    tp->snd_una = ack;
    if (before(tp->snd_nxt, ack)) tp->snd_nxt = ack;
    tcp_rack_prune(tp);
    // tcp_process_tlp_ack: the probe is answered. If it sent old data again
    // and that repaired a loss (no D-SACK is read here, so any such probe
    // counts), cwnd comes down as for a recovery (tcp_init_cwnd_reduction).
    if (tp->tlp_high_seq && !before(ack, tp->tlp_high_seq)) {
      if (tp->tlp_retrans && tp->ca_state == TCP_CA_Open) {
        tp->prior_cwnd = tp->snd_cwnd;
        tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
        tp->snd_cwnd = std::max<uint32_t>(tp->snd_ssthresh, 2);
      }
      tp->tlp_high_seq = 0;
    }
    if (tp->sack_ok) tcp_sacktag_write_queue(tp, cb.opt);
    long rtt_us = -1;
    if (tp->rtt_stamp && !before(ack, tp->rtt_timed_seq)) {
      rtt_us = static_cast<long>(tp->tcp_mstamp - tp->rtt_stamp);
      tp->rtt_stamp = 0;
      if (!tp->min_rtt_us || static_cast<uint32_t>(rtt_us) < tp->min_rtt_us)
        tp->min_rtt_us = static_cast<uint32_t>(std::max(rtt_us, 1L));
      tcp_rtt_estimator(tp, rtt_us);
      tcp_set_rto(tp);
    }
    tp->backoff = 0;
    tp->retransmits = 0;
    const uint32_t mss = tp->mss_cache;
    const uint32_t acked_segs = std::max<uint32_t>(1, (acked + mss - 1) / mss);
    if (tp->ca_ops->pkts_acked) tp->ca_ops->pkts_acked(tp, acked_segs, rtt_us);
    if (tp->ca_state == TCP_CA_Recovery) {
      if (!before(ack, tp->high_seq)) {
        // The whole window that was in flight is ACKed: recovery is over
        // (tcp_end_cwnd_reduction: cwnd at ssthresh, unless undone).
        if (tp->undo_armed) tp->snd_cwnd = std::max<uint32_t>(tp->snd_ssthresh, 2);
        tp->undo_armed = false;
        tcp_set_ca_state(tp, TCP_CA_Open);
        tp->dup_acks = 0;
      } else {
        // NewReno's partial ACK (RFC 6582 3.2): the next hole goes now,
        // unless this recovery sent it already (the peer's SACKs led there),
        // then the holes the SACK blocks show lost.
        if (!after(tp->high_rxt, tp->snd_una)) tcp_retransmit_skb(sk);
        tcp_xmit_retransmit_queue(sk, 2);
        if (!tp->sack_ok)
          tp->snd_cwnd = tp->snd_cwnd > acked_segs ? tp->snd_cwnd - acked_segs + 1 : 1;
      }
    } else {
      if (tp->ca_state == TCP_CA_Loss && !before(ack, tp->high_seq))
        tcp_set_ca_state(tp, TCP_CA_Open);
      tp->ca_ops->cong_avoid(tp, ack, acked_segs);
      tp->dup_acks = 0;
    }
    if (tp->snd_una == tp->snd_max) {
      tp->rto_timeout = tp->tlp_timeout = tp->rack_reo_timeout = 0;
    } else {
      inet_csk_reset_xmit_timer(tp);
      tcp_schedule_loss_probe(sk);
    }
    sk_wake_receivers(sk);  // room in the send buffer (sk_stream_write_space)
  } else if (!(cb.flags & (TCPHDR_SYN | TCPHDR_FIN)) && tp->snd_una != tp->snd_max) {
    // A duplicate ACK (RFC 5681): no data, no window change; with SACK, any
    // ACK that SACKs more (RFC 6675 2: a receiver's window may grow on each).
    const uint32_t sacked_before = tcp_sacked_after(tp, tp->snd_una);
    if (tp->sack_ok) tcp_sacktag_write_queue(tp, cb.opt);
    if ((!cb.len && !win_changed) || tcp_sacked_after(tp, tp->snd_una) > sacked_before) {
      ++tp->dup_acks;
      if (tp->ca_state == TCP_CA_Recovery) {
        if (!tp->sack_ok) ++tp->snd_cwnd;  // each one means a segment left the network
        tcp_xmit_retransmit_queue(sk, 2);
      } else if (tp->ca_state != TCP_CA_Loss && tcp_time_to_recover(tp)) {
        tcp_enter_recovery(sk);
      }
    }
  }
  // The ACK moved snd_una to a hole the SACK blocks show lost.
  if (acked && tp->ca_state == TCP_CA_Open && tp->sack_ok && tcp_time_to_recover(tp))
    tcp_enter_recovery(sk);
  return true;
}

void tcp_time_wait(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  tcp_set_state(sk, TCP_TIME_WAIT);
  tp->rto_timeout = 0;
  tp->delack_timeout = 0;
  tp->tw_timeout = tp->tcp_mstamp + TCP_TIMEWAIT_LEN_US;
}

// tcp_fin: the peer has no more to send; recv() returns 0 once the queue is read.
void tcp_fin(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  {
    std::lock_guard<std::mutex> g(sk->rq_lock);
    sk->shutdown |= RCV_SHUTDOWN;
  }
  tp->sock_done = true;
  switch (sk->state) {
    case TCP_ESTABLISHED:
      tcp_set_state(sk, TCP_CLOSE_WAIT);
      break;
    case TCP_FIN_WAIT1:
      // Our FIN is not ACKed yet: simultaneous close.
      tcp_set_state(sk, TCP_CLOSING);
      break;
    case TCP_FIN_WAIT2:
      tcp_time_wait(sk);
      break;
    default:
      break;
  }
  tp->ooo.clear();
  tp->ooo_bytes = 0;
  sk_wake_receivers(sk);
}

// tcp_data_queue: in-order data to the receive queue (then what the
// out-of-order queue holds next), data ahead of rcv_nxt to that queue,
// duplicates answered with an ACK at once.
void tcp_data_queue(sock* sk, const tcp_skb_cb& cb) {
  tcp_sock* tp = sk->tp.get();
  const bool fin = cb.flags & TCPHDR_FIN;
  if (!cb.len && !fin) return;
  tp->ack_pending = true;
  if (!after(cb.end_seq + (fin ? 1 : 0), tp->rcv_nxt)) {
    tcp_send_ack(sk);  // all old: a retransmission (tcp_send_dupack)
    return;
  }
  const uint32_t wnd = tcp_receive_window(tp);
  if (!before(cb.seq, tp->rcv_nxt + wnd) && cb.len) {
    tcp_send_ack(sk);  // beyond the window
    return;
  }
  if (after(cb.seq, tp->rcv_nxt)) {
    // tcp_data_queue_ofo: kept as it came (a FIN on it waits for its resend).
    auto& slot = tp->ooo[cb.seq];
    if (slot.size() < cb.len) {
      tp->ooo_bytes += cb.len - slot.size();
      slot.assign(cb.data, cb.data + cb.len);
    }
    tcp_send_ack(sk);  // a duplicate ACK, with SACK blocks
    return;
  }
  const bool had_ooo = !tp->ooo.empty();
  const uint32_t off = tp->rcv_nxt - cb.seq;
  const uint32_t take = cb.len - off;
  tp->recvq.insert(tp->recvq.end(), cb.data + off, cb.data + off + take);
  tp->rcv_nxt += take;
  if (cb.len >= tp->mss_cache) ++tp->rcv_segs_unacked;
  // What the out-of-order queue holds from rcv_nxt on follows.
  while (!tp->ooo.empty()) {
    auto it = tp->ooo.begin();
    // The map orders by raw value: find the entry at or before rcv_nxt.
    for (auto j = tp->ooo.begin(); j != tp->ooo.end(); ++j)
      if (!after(j->first, tp->rcv_nxt)) {
        it = j;
        break;
      }
    if (after(it->first, tp->rcv_nxt)) break;
    const uint32_t end = it->first + static_cast<uint32_t>(it->second.size());
    if (after(end, tp->rcv_nxt)) {
      const size_t skip = tp->rcv_nxt - it->first;
      tp->recvq.insert(tp->recvq.end(), it->second.begin() + static_cast<long>(skip),
                       it->second.end());
      tp->rcv_nxt = end;
    }
    tp->ooo_bytes -= it->second.size();
    tp->ooo.erase(it);
  }
  bool now = had_ooo;
  if (fin && cb.end_seq == tp->rcv_nxt) {
    ++tp->rcv_nxt;
    tcp_fin(sk);
    now = true;
  }
  sk_wake_receivers(sk);
  tcp_ack_snd_check(sk, now);
}

// Either end's handshake, once our SYN is ACKed: snd_una, the RTT of the
// SYN (Karn: none if it was sent again), the SYN's timer off, ESTABLISHED.
void tcp_handshake_done(sock* sk, uint32_t ack_seq) {
  tcp_sock* tp = sk->tp.get();
  tp->snd_una = ack_seq;
  if (tp->rtt_stamp) {
    const long rtt_us = std::max(static_cast<long>(tp->tcp_mstamp - tp->rtt_stamp), 1L);
    tcp_rtt_estimator(tp, rtt_us);
    tp->min_rtt_us = static_cast<uint32_t>(rtt_us);
    tcp_set_rto(tp);
    tp->rtt_stamp = 0;
  }
  tp->backoff = 0;
  tp->retransmits = 0;
  tp->rto_timeout = 0;
  tcp_set_state(sk, TCP_ESTABLISHED);
}

void tcp_rcv_synsent_state_process(sock* sk, const tcp_skb_cb& cb) {
  tcp_sock* tp = sk->tp.get();
  if (cb.flags & TCPHDR_ACK) {
    // Only an ACK of our SYN is acceptable (RFC 793 p. 66).
    if (cb.ack_seq != tp->snd_nxt) return;
    if (cb.flags & TCPHDR_RST) {
      tcp_reset(sk);
      return;
    }
    if (!(cb.flags & TCPHDR_SYN)) return;
    tcp_syn_options_take(tp, cb.seq, cb.window, cb.opt);
    tcp_handshake_done(sk, cb.ack_seq);
    tcp_send_ack(sk);
    tcp_write_xmit(sk, false);
    return;
  }
  // A RST without an ACK, or a SYN alone (simultaneous open, not done: README),
  // is dropped.
}

// tcp_check_req (tcp_minisocks.c): a segment for a child in SYN_RECV. A
// retransmitted SYN gets the SYN-ACK again; a RST at rcv_nxt ends the
// request; the ACK of our SYN-ACK completes the handshake: the child goes
// ESTABLISHED and onto its listener's accept queue (inet_csk_complete_hashdance),
// and the segment goes on through the established path, since a third ACK
// may carry data. false: the segment was consumed here.
bool tcp_check_req(sock* sk, const tcp_skb_cb& cb) {
  tcp_sock* tp = sk->tp.get();
  const uint8_t f = cb.flags;
  if ((f & TCPHDR_SYN) && !(f & (TCPHDR_ACK | TCPHDR_RST))) {
    if (cb.seq == tp->rcv_nxt - 1) tcp_retransmit_skb(sk);  // inet_rtx_syn_ack
    return false;
  }
  if (f & TCPHDR_RST) {
    if (cb.seq == tp->rcv_nxt) tcp_done(sk);
    return false;
  }
  // An ACK of anything but our SYN-ACK is dropped (Linux answers it with a
  // RST; no RST is sent for it here: README).
  if (!(f & TCPHDR_ACK) || (f & TCPHDR_SYN) || cb.ack_seq != tp->snd_nxt) return false;
  if (before(cb.end_seq, tp->rcv_nxt) || after(cb.seq, tp->rcv_nxt + tp->rcv_wnd)) {
    tcp_send_ack(sk);  // outside the window we offered: an ACK says where we are
    return false;
  }
  sock* parent = tp->parent;
  if (!parent) {
    tcp_done(sk);
    return false;
  }
  // Listen overflow: the ACK is dropped and the request kept; the peer's
  // next segment may find room (tcp_abort_on_overflow 0).
  if (sk_acceptq_is_full(parent->tp.get())) return false;
  tp->snd_wnd = uint32_t{cb.window} << tp->snd_wscale;
  tp->snd_wl1 = cb.seq;
  tp->max_window = std::max(tp->max_window, tp->snd_wnd);
  tcp_handshake_done(sk, cb.ack_seq);
  tcp_sock* ltp = parent->tp.get();
  const auto req = std::find(ltp->syn_queue.begin(), ltp->syn_queue.end(), sk);
  if (req != ltp->syn_queue.end()) ltp->syn_queue.erase(req);
  ltp->accept_queue.push_back(sk);
  sk_wake_receivers(parent);  // sk_data_ready: accept and poll
  return true;
}

}  // namespace

void tcp_syn_options_take(tcp_sock* tp, uint32_t seq, uint16_t window,
                          const tcp_options_received& opt) {
  tp->rcv_nxt = tp->rcv_wup = seq + 1;
  tp->snd_wl1 = seq;
  if (opt.snd_wscale >= 0) {
    tp->wscale_ok = true;
    tp->snd_wscale = static_cast<uint8_t>(std::min(opt.snd_wscale, TCP_MAX_WSCALE));
  } else {
    tp->rcv_wscale = 0;  // no scaling either way (RFC 7323 2.2)
  }
  tp->snd_wnd = tp->max_window = window;  // a SYN's window is not scaled
  tp->sack_ok = opt.sack_ok;
  tp->tstamp_ok = opt.saw_tstamp;
  if (opt.saw_tstamp) tp->ts_recent = opt.rcv_tsval;
  tp->rx_mss = opt.mss_clamp;
  tcp_sync_mss(tp);
}

void tcp_parse_options(const uint8_t* th, size_t doff, bool syn, tcp_options_received* opt) {
  const uint8_t* p = th + 20;
  size_t left = doff - 20;
  while (left > 0) {
    const uint8_t kind = *p;
    if (kind == TCPOPT_EOL) return;
    if (kind == TCPOPT_NOP) {
      ++p;
      --left;
      continue;
    }
    if (left < 2) return;
    const uint8_t len = p[1];
    if (len < 2 || len > left) return;
    if (kind == TCPOPT_MSS && len == TCPOLEN_MSS && syn) {
      opt->mss_clamp = get_be16(p + 2);
    } else if (kind == TCPOPT_WINDOW && len == TCPOLEN_WINDOW && syn) {
      opt->snd_wscale = p[2];
    } else if (kind == TCPOPT_SACK_PERM && len == TCPOLEN_SACK_PERM && syn) {
      opt->sack_ok = true;
    } else if (kind == TCPOPT_SACK && len >= TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK &&
               (len - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK == 0 && !syn) {
      const unsigned n = (len - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK;
      for (unsigned i = 0; i < n && opt->num_sacks < TCP_NUM_SACKS; ++i) {
        opt->sack[opt->num_sacks].start_seq = get_be32(p + 2 + 8 * i);
        opt->sack[opt->num_sacks].end_seq = get_be32(p + 6 + 8 * i);
        ++opt->num_sacks;
      }
    } else if (kind == TCPOPT_TIMESTAMP && len == TCPOLEN_TIMESTAMP) {
      opt->saw_tstamp = true;
      opt->rcv_tsval = get_be32(p + 2);
      opt->rcv_tsecr = get_be32(p + 6);
    }
    p += len;
    left -= len;
  }
}

uint32_t tcp_sacked_after(const tcp_sock* tp, uint32_t seq) {
  uint32_t n = 0;
  for (const auto& r : tp->sacked)
    if (after(r.end, seq)) n += r.end - (after(r.start, seq) ? r.start : seq);
  return n;
}

uint32_t tcp_sacked_skip(const tcp_sock* tp, uint32_t seq) {
  for (const auto& r : tp->sacked)
    if (!before(seq, r.start) && before(seq, r.end)) return r.end;
  return seq;
}

uint32_t tcp_next_sacked(const tcp_sock* tp, uint32_t seq, uint32_t limit) {
  for (const auto& r : tp->sacked)
    if (after(r.start, seq)) return r.start;
  return limit;
}

void tcp_rack_reo_timeout(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  tp->rack_reo_timeout = 0;
  if (tp->snd_una == tp->snd_max) return;
  if (tp->ca_state == TCP_CA_Open) {
    if (tcp_time_to_recover(tp)) tcp_enter_recovery(sk);
  } else if (tp->ca_state == TCP_CA_Recovery) {
    tcp_xmit_retransmit_queue(sk, 2);
  }
}

void tcp_reset(sock* sk) {
  int err;
  switch (sk->state) {
    case TCP_SYN_SENT: err = ECONNREFUSED; break;
    case TCP_CLOSE_WAIT: err = EPIPE; break;
    case TCP_CLOSE: return;
    case TCP_TIME_WAIT: err = 0; break;
    default: err = ECONNRESET; break;
  }
  if (err) sk->sk_err.store(err, std::memory_order_release);
  tcp_done(sk);
}

void tcp_rcv_state_process(sock* sk, const uint8_t* th, size_t len) {
  tcp_sock* tp = sk->tp.get();
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "tcp_rcv_state_process");
  tp->tcp_mstamp = tcp_clock_us();
  tcp_skb_cb cb;
  const size_t doff = static_cast<size_t>(th[12] >> 4) * 4;
  cb.seq = get_be32(th + 4);
  cb.ack_seq = get_be32(th + 8);
  cb.flags = th[13];
  cb.window = get_be16(th + 14);
  cb.data = th + doff;
  cb.len = static_cast<uint32_t>(len - doff);
  cb.end_seq = cb.seq + cb.len;
  tcp_parse_options(th, doff, cb.flags & TCPHDR_SYN, &cb.opt);
  if (sk->state == TCP_SYN_SENT) {
    tcp_rcv_synsent_state_process(sk, cb);
    ts.ret(0, "SYN_SENT");
    return;
  }
  if (sk->state == TCP_CLOSE) return;
  if (sk->state == TCP_SYN_RECV && !tcp_check_req(sk, cb)) {
    ts.ret(0, "SYN_RECV");
    return;
  }
  if (cb.flags & TCPHDR_RST) {
    // RFC 5961 3.2: a RST exactly at rcv_nxt resets; elsewhere in the
    // window it gets a challenge ACK; outside it nothing.
    if (cb.seq == tp->rcv_nxt)
      tcp_reset(sk);
    else if (after(cb.seq, tp->rcv_nxt) && before(cb.seq, tp->rcv_nxt + tcp_receive_window(tp)))
      tcp_send_ack(sk);
    ts.ret(0, "RST");
    return;
  }
  if (cb.flags & TCPHDR_SYN) {
    tcp_send_ack(sk);  // a SYN on a synchronized connection: challenge ACK (RFC 5961 4)
    return;
  }
  if (!(cb.flags & TCPHDR_ACK)) return;
  // tcp_replace_ts_recent: the TSval of the segment that starts at the left edge.
  if (tp->tstamp_ok && cb.opt.saw_tstamp && !after(cb.seq, tp->rcv_wup))
    tp->ts_recent = cb.opt.rcv_tsval;
  if (sk->state == TCP_TIME_WAIT) {
    // A retransmitted FIN: ACK it again and start the wait over.
    if (cb.flags & TCPHDR_FIN) {
      tcp_send_ack(sk);
      tp->tw_timeout = tp->tcp_mstamp + TCP_TIMEWAIT_LEN_US;
    }
    return;
  }
  if (!tcp_ack(sk, cb)) return;
  const bool fin_acked = tp->fin_queued && after(tp->snd_una, tp->write_seq);
  switch (sk->state) {
    case TCP_FIN_WAIT1:
      if (fin_acked) {
        tcp_set_state(sk, TCP_FIN_WAIT2);
        // An orphan does not wait for ever for the peer's FIN (tcp_fin_timeout).
        if (tp->orphan) tp->tw_timeout = tp->tcp_mstamp + TCP_FIN_TIMEOUT_US;
      }
      break;
    case TCP_CLOSING:
      if (fin_acked) tcp_time_wait(sk);
      break;
    case TCP_LAST_ACK:
      if (fin_acked) {
        tcp_done(sk);
        return;
      }
      break;
    default:
      break;
  }
  if (sk->state == TCP_ESTABLISHED || sk->state == TCP_FIN_WAIT1 ||
      sk->state == TCP_FIN_WAIT2) {
    tcp_data_queue(sk, cb);
  } else if (cb.len || (cb.flags & TCPHDR_FIN)) {
    tcp_send_ack(sk);  // after the peer's FIN nothing new can come: a retransmission
  }
  tcp_write_xmit(sk, false);
  if (ts.on()) ts.ret(0, "ack " + std::to_string(cb.ack_seq) + " len " + std::to_string(cb.len));
}

}  // namespace sendoff
