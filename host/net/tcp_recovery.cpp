// SPDX-License-Identifier: MIT
// Loss detection by time (net/ipv4/tcp_recovery.c, RACK-TLP of RFC 8985):
// every data transmission is logged with its time; an ACK or SACK that
// delivers data sent at time T shows that whatever is still missing and was
// sent before T, longer ago than that delivery's RTT plus a reordering
// window, is lost. This finds lost retransmissions, which duplicate-ACK
// counting never sees again, and lets a tail loss probe's SACK start a
// recovery. RFC 6675's IsLost (count of SACKed data above a hole) still
// applies to data sent once.
#include <algorithm>

#include "net.hpp"
#include "tcp.hpp"

namespace sendoff {

namespace {

// tcp_rack_sent_after: (t1, seq1) was sent after (t2, seq2); ties (one TSO
// packet) go by sequence.
bool tcp_rack_sent_after(uint64_t t1, uint64_t t2, uint32_t seq1, uint32_t seq2) {
  return t1 > t2 || (t1 == t2 && after(seq1, seq2));
}

// The latest transmission that carried seq, or null (never logged, or ACKed).
const tcp_sock::tx_rec* tcp_last_xmit(const tcp_sock* tp, uint32_t seq) {
  for (auto it = tp->tx_log.rbegin(); it != tp->tx_log.rend(); ++it)
    if (!before(seq, it->start) && before(seq, it->end)) return &*it;
  return nullptr;
}

// tcp_rack_reo_wnd: a quarter of the lowest RTT seen, at most srtt; none
// while no reordering was seen and recovery is under way or the SACKed data
// already reaches the duplicate-ACK threshold.
uint32_t tcp_rack_reo_wnd(const tcp_sock* tp) {
  if (!tp->reord_seen && (tp->ca_state >= TCP_CA_Recovery ||
                          tcp_sacked_after(tp, tp->snd_una) >= tp->reordering * tp->mss_cache))
    return 0;
  if (!tp->min_rtt_us) return 0;
  return std::min(tp->min_rtt_us / 4 * tp->rack_reo_wnd_steps, tp->srtt_us >> 3);
}

}  // namespace

void tcp_rack_note_xmit(tcp_sock* tp, uint32_t seq, uint32_t len) {
  if (!len) return;
  // Sent before (snd_max is past it): a retransmission, so its delivery may
  // be the original's.
  const bool retrans = before(seq, tp->snd_max);
  tp->tx_log.push_back({seq, seq + len, tp->tcp_mstamp, retrans});
}

void tcp_rack_prune(tcp_sock* tp) {
  auto& log = tp->tx_log;
  log.erase(std::remove_if(log.begin(), log.end(),
                           [tp](const tcp_sock::tx_rec& r) { return !after(r.end, tp->snd_una); }),
            log.end());
}

namespace {

// One newly delivered range: RACK moves to its most recently sent part.
void tcp_rack_advance_range(tcp_sock* tp, uint32_t start, uint32_t end, uint32_t tsecr) {
  for (auto it = tp->tx_log.rbegin(); it != tp->tx_log.rend(); ++it) {
    if (!before(it->start, end) || !after(it->end, start)) continue;
    const uint64_t rtt = tp->tcp_mstamp - it->t;
    if (it->retrans) {
      // tcp_skb_spurious_retrans: the ACK echoes a timestamp older than the
      // retransmission, so the original arrived; without timestamps, an ACK
      // sooner than any RTT seen says the same. Look at the earlier sending.
      const uint32_t tsval = static_cast<uint32_t>(it->t / 1000) + tp->tsoffset;
      if (tsecr ? after(tsval, tsecr) : rtt < tp->min_rtt_us) continue;
    }
    const uint32_t seq_end = before(it->end, end) ? it->end : end;
    if (!tp->rack_mstamp || tcp_rack_sent_after(it->t, tp->rack_mstamp, seq_end, tp->rack_end_seq)) {
      tp->rack_mstamp = it->t;
      tp->rack_end_seq = seq_end;
      tp->rack_rtt_us = static_cast<uint32_t>(rtt);
    }
    return;
  }
}

}  // namespace

void tcp_rack_advance(tcp_sock* tp, uint32_t start, uint32_t end, uint32_t tsecr) {
  // Only what was not SACKed before counts (the scoreboard is as it was
  // before this ACK): data delivered earlier says nothing about this ACK.
  for (const auto& r : tp->sacked) {
    if (!before(start, end)) return;
    if (!after(r.end, start)) continue;
    if (!before(r.start, end)) break;
    if (after(r.start, start)) tcp_rack_advance_range(tp, start, r.start, tsecr);
    start = r.end;
  }
  if (before(start, end)) tcp_rack_advance_range(tp, start, end, tsecr);
}

void tcp_rack_update_reo_wnd(tcp_sock* tp) {
  tp->reord_seen = true;
  tp->rack_reo_wnd_persist = 16;
  if (tp->tcp_mstamp < tp->rack_reo_step_stamp) return;
  if (tp->rack_reo_wnd_steps < 0xFF) ++tp->rack_reo_wnd_steps;
  tp->rack_reo_step_stamp = tp->tcp_mstamp + (tp->srtt_us >> 3);
}

void tcp_rack_recovery_started(tcp_sock* tp) {
  if (tp->rack_reo_wnd_persist && --tp->rack_reo_wnd_persist == 0) tp->rack_reo_wnd_steps = 1;
}

bool tcp_sack_is_lost(const tcp_sock* tp, uint32_t seq) {
  return tcp_sacked_after(tp, seq) > (tp->reordering - 1) * tp->mss_cache;
}

bool tcp_next_lost(tcp_sock* tp, uint32_t seq, uint32_t* at, uint32_t* len) {
  const uint32_t mss = tp->mss_cache;
  const uint32_t reo_wnd = tcp_rack_reo_wnd(tp);
  uint64_t reo_timeout = 0;
  bool found = false;
  // A bounded walk over what is neither ACKed nor SACKed, a segment at a time.
  for (unsigned steps = 0; steps < 4096 && !found; ++steps) {
    seq = tcp_sacked_skip(tp, seq);
    const uint32_t hole_end = tcp_next_sacked(tp, seq, tp->snd_max);
    if (!before(seq, hole_end) || !before(seq, tp->write_seq)) break;
    const uint32_t n = std::min({hole_end - seq, mss, tp->write_seq - seq});
    const tcp_sock::tx_rec* x = tcp_last_xmit(tp, seq);
    const bool retrans = x && x->retrans;
    const bool sent_before = x && tp->rack_mstamp &&
                             tcp_rack_sent_after(tp->rack_mstamp, x->t, tp->rack_end_seq, seq + n);
    // IsLost counts for data sent once; a retransmission only by its time.
    bool lost = !retrans && tcp_sack_is_lost(tp, seq);
    if (!lost && sent_before) {
      // tcp_rack_detect_loss: sent before what was delivered; lost once it
      // has been out longer than that delivery's RTT plus the window.
      const uint64_t due = x->t + tp->rack_rtt_us + reo_wnd;
      if (tp->tcp_mstamp >= due)
        lost = true;
      else if (!reo_timeout || due < reo_timeout)
        reo_timeout = due;
    }
    if (lost) {
      *at = seq;
      *len = n;
      found = true;
    } else if (!sent_before && !retrans) {
      // Sent once, after the newest delivery, not lost by count: data after
      // it went later still and has less SACKed above it; only a
      // retransmission could be lost there, and those fill holes below.
      break;
    }
    seq += n;
  }
  // tcp_rack_reo_timeout: look again when the first of them comes due.
  if (reo_timeout && (!tp->rack_reo_timeout || reo_timeout < tp->rack_reo_timeout))
    tp->rack_reo_timeout = reo_timeout;
  return found;
}

}  // namespace sendoff
