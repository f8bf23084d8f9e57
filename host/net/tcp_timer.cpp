// SPDX-License-Identifier: MIT
// TCP's timers (net/ipv4/tcp_timer.c): retransmission with exponential
// backoff (RFC 6298 5.5), SYN retries (TCP_SYNCNT) and SYN-ACK retries,
// TCP_USER_TIMEOUT, the delayed ACK, and the end of TIME_WAIT. They run in the
// poll thread (Linux's timer softirq), under the stack lock, at each pass (every
// 2 ms at the least).
#include <algorithm>
#include <chrono>
#include <vector>

#include "net.hpp"
#include "tcp.hpp"

namespace sendoff {

namespace {

// tcp_write_err: the connection gave up (ETIMEDOUT).
void tcp_write_err(sock* sk) {
  sk->sk_err.store(ETIMEDOUT, std::memory_order_release);
  tcp_done(sk);
}

// retransmits_timed_out with TCP_USER_TIMEOUT: an RTO has run and
// retrans_stamp is that long ago.
bool tcp_user_timeout_passed(const tcp_sock* tp) {
  return tp->user_timeout_ms && tp->retransmits &&
         tp->tcp_mstamp - tp->retrans_stamp >= uint64_t{tp->user_timeout_ms} * 1000;
}

// tcp_write_timeout: whether the connection gives up. In SYN_SENT after
// TCP_SYNCNT retries or the user timeout; else after the user timeout if
// set, tcp_retries2 RTOs if not.
bool tcp_write_timeout(const sock* sk) {
  const tcp_sock* tp = sk->tp.get();
  if (sk->state == TCP_SYN_SENT)
    return tp->retransmits >= tp->syn_retries || tcp_user_timeout_passed(tp);
  if (tp->user_timeout_ms) return tcp_user_timeout_passed(tp);
  return tp->retransmits >= TCP_RETRIES2;
}

// inet_csk_reset_xmit_timer with tcp_clamp_rto_to_user_timeout: the next RTO
// comes no later than the user timeout's end, so the abort is on time.
void tcp_reset_xmit_timer_clamped(tcp_sock* tp) {
  uint64_t when = inet_csk_rto_backoff(tp);
  if (tp->user_timeout_ms) {
    const uint64_t elapsed = tp->tcp_mstamp - tp->retrans_stamp,
                   limit = uint64_t{tp->user_timeout_ms} * 1000;
    when = elapsed >= limit ? 1 : std::min(when, limit - elapsed);
  }
  tp->rto_timeout = tp->tcp_mstamp + when;
}

// tcp_retransmit_timer: the segment at snd_una again, cwnd to one segment
// (the congestion module's ssthresh), the next timeout twice as far.
void tcp_retransmit_timer(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  tp->rto_timeout = 0;
  if (sk->state == TCP_SYN_RECV) {
    // A request whose SYN-ACK went unanswered tcp_synack_retries times is
    // dropped (reqsk_timer_handler); nobody holds it to be told.
    if (tp->retransmits >= TCP_SYNACK_RETRIES) {
      tcp_done(sk);
      return;
    }
  } else if (tcp_write_timeout(sk)) {
    tcp_write_err(sk);
    return;
  }
  if (tp->snd_una == tp->snd_max) {
    // Nothing in flight: the peer's window held data back (probe timer).
    if (after(tp->write_seq, tp->snd_nxt) && tp->snd_wnd == 0) {
      // A window probe: one byte beyond the window.
      tcp_transmit_skb(sk, tp->snd_nxt, 1, TCPHDR_ACK);
      tp->snd_nxt += 1;
      tp->snd_max = tp->snd_nxt;
      ++tp->backoff;
      inet_csk_reset_xmit_timer(tp);
    } else {
      // tcp_write_wakeup: the head of the queue goes whatever Nagle, MSG_MORE
      // or TCP_CORK said (the 200 ms ceiling tcp(7) gives corking).
      const bool corked = tp->corked, more = tp->cork_more;
      tp->corked = tp->cork_more = false;
      tcp_write_xmit(sk, true);
      tp->corked = corked;
      tp->cork_more = more;
    }
    return;
  }
  if (sk->state != TCP_SYN_SENT && sk->state != TCP_SYN_RECV) {
    // tcp_enter_loss: everything in flight counts as lost; go back to snd_una.
    if (tp->ca_state != TCP_CA_Loss) {
      tp->prior_cwnd = tp->snd_cwnd;
      tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
    }
    tp->snd_cwnd = 1;
    tp->snd_cwnd_cnt = 0;
    tp->high_seq = tp->snd_max;
    tp->dup_acks = 0;
    tp->undo_armed = false;  // no undo of an RTO here (F-RTO is not done)
    tcp_set_ca_state(tp, TCP_CA_Loss);
    tp->snd_nxt = tp->snd_una;
    tp->high_rxt = tp->snd_una;
  }
  ++tp->rto_count;
  tcp_retransmit_skb(sk);
  // The SYN's clock started at tcp_connect; data's at its first RTO (Linux
  // stamps the retransmitted skb: a 6.18 kernel with TCP_USER_TIMEOUT 1000
  // gave up 1.0 s after its first RTO, not after the original send).
  if (!tp->retransmits && sk->state != TCP_SYN_SENT) tp->retrans_stamp = tp->tcp_mstamp;
  ++tp->retransmits;
  ++tp->backoff;
  tcp_reset_xmit_timer_clamped(tp);
}

}  // namespace

uint64_t tcp_clock_us() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

uint32_t inet_csk_rto_backoff(const tcp_sock* tp) {
  const uint64_t when = uint64_t{tp->rto_us} << std::min<unsigned>(tp->backoff, 32);
  return static_cast<uint32_t>(std::min<uint64_t>(when, TCP_RTO_MAX_US));
}

void inet_csk_reset_xmit_timer(tcp_sock* tp) {
  tp->rto_timeout = tcp_clock_us() + inet_csk_rto_backoff(tp);
}

void tcp_run_timers(net* n) {
  if (n->tcp_socks.empty()) return;
  const uint64_t now = tcp_clock_us();
  // A timer may end its connection (tcp_done): walk a copy.
  const std::vector<sock*> socks(n->tcp_socks.begin(), n->tcp_socks.end());
  for (sock* sk : socks) {
    if (!n->tcp_socks.count(sk)) continue;
    tcp_sock* tp = sk->tp.get();
    tp->tcp_mstamp = now;
    if (tp->tw_timeout && now >= tp->tw_timeout) {
      // The end of TIME_WAIT, or of an orphan's FIN_WAIT2.
      tcp_done(sk);
      continue;
    }
    if (tp->delack_timeout && now >= tp->delack_timeout) {
      tp->delack_timeout = 0;
      if (tp->ack_pending) tcp_send_ack(sk);
    }
    // The probe timer stands in for the retransmission timer while armed
    // (ICSK_TIME_LOSS_PROBE): it fires first, and the probe re-arms the RTO.
    if (tp->tlp_timeout && now >= tp->tlp_timeout &&
        (!tp->rto_timeout || tp->tlp_timeout <= tp->rto_timeout)) {
      tcp_send_loss_probe(sk);
    } else if (tp->rto_timeout && now >= tp->rto_timeout) {
      tp->tlp_timeout = tp->rack_reo_timeout = 0;
      tp->tlp_high_seq = 0;
      tcp_retransmit_timer(sk);
    }
    if (tp->rack_reo_timeout && now >= tp->rack_reo_timeout) tcp_rack_reo_timeout(sk);
    if (tp->tsq_throttled) tcp_tsq_handler(sk);
    // The device send queue: a sender waits for bytes the NIC still reads;
    // a connection that sends no more gives its block back once the NIC is done.
    if (tp->sendq_pin_wait) {
      n->nic.reclaim();
      if (!tp->sendq_on_dev || tcp_sendq_room(sk)) {
        tp->sendq_pin_wait = false;
        sk_wake_receivers(sk);
      }
    }
    if (sk->sk_sendq && (sk->state == TCP_FIN_WAIT2 || sk->state == TCP_TIME_WAIT)) {
      n->nic.reclaim();
      tcp_sendq_release(sk);
    }
  }
  tcp_reap_sockets(n);
}

}  // namespace sendoff
