// SPDX-License-Identifier: MIT
// CUBIC (RFC 9438), Linux's default congestion control, with Linux's
// parameters (net/ipv4/tcp_cubic.c): beta 717/1024, C = 410/1024, fast
// convergence and the Reno-friendly region on. Its window follows
//   W(t) = C (t - K)^3 + W_max,  K = cbrt((W_max - cwnd) / C)
// from the start of an epoch (the first ACK after a reduction), and is never
// slower than Reno's estimate. HyStart (Linux's early slow-start exit) is not
// built: slow start runs to ssthresh or the first loss, as Reno's does.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#include "tcp.hpp"

namespace sendoff {

namespace {

constexpr uint32_t kBetaScale = 1024;          // beta and C are in 1/1024
constexpr uint32_t kBeta = 717;                // multiplicative decrease: 0.7
constexpr uint32_t kCubeRttScale = 410;        // C = 0.4 segments/s^3, in 1/1024
constexpr unsigned kTimeShift = 10;            // t and K in 1/1024 s
constexpr uint64_t kUsPerSec = 1000000;
// Reno's estimate grows one segment per 1.5 cwnd / ((1 - beta) / (1 + beta) * 3)
// ACKs (RFC 9438 4.3, alpha for beta 0.7), in eighths: 8 x 3 (1+b) / (3 (1-b)) = 15.
constexpr uint32_t kRenoAckScale = 8 * (kBetaScale + kBeta) / 3 / (kBetaScale - kBeta);
constexpr uint64_t kMinUpdateUs = kUsPerSec / 32;  // recompute at most every 1/32 s per cwnd

struct cubic {
  uint32_t cnt;            // segments ACKed per one-segment increase
  uint32_t last_max_cwnd;  // W_max
  uint32_t last_cwnd;      // cwnd at the last update
  uint64_t last_time;      // and when (µs)
  uint32_t origin_point;   // the window at t = K
  uint32_t k;              // K, in 1/1024 s
  uint32_t delay_min;      // the smallest RTT seen, µs
  bool in_epoch;
  uint64_t epoch_start;    // µs
  uint32_t ack_cnt;        // ACKed segments since the epoch began (Reno's estimate)
  uint32_t tcp_cwnd;       // Reno's estimate, W_est
};
static_assert(sizeof(cubic) <= ICSK_CA_PRIV_SIZE, "cubic state fits ca_priv");

cubic* ca_of(tcp_sock* tp) { return std::launder(reinterpret_cast<cubic*>(tp->ca_priv)); }

void cubic_reset(cubic* ca) { std::memset(static_cast<void*>(ca), 0, sizeof *ca); }

// floor(cbrt(a)) for a < 2^64.
uint32_t cubic_root(uint64_t a) {
  uint64_t x = static_cast<uint64_t>(std::cbrt(static_cast<double>(a)));
  while (x > 0 && x * x * x > a) --x;
  while ((x + 1) * (x + 1) * (x + 1) <= a) ++x;
  return static_cast<uint32_t>(x);
}

// The ACKs per increase (ca->cnt) that bring cwnd to W(t + RTT) in one RTT.
void cubic_update(tcp_sock* tp, cubic* ca, uint32_t cwnd, uint32_t acked) {
  const uint64_t now = tp->tcp_mstamp;
  ca->ack_cnt += acked;
  if (ca->last_cwnd == cwnd && now - ca->last_time <= kMinUpdateUs) return;
  if (!(ca->in_epoch && now == ca->last_time)) {
    ca->last_cwnd = cwnd;
    ca->last_time = now;
    if (!ca->in_epoch) {
      ca->in_epoch = true;
      ca->epoch_start = now;
      ca->ack_cnt = acked;
      ca->tcp_cwnd = cwnd;
      if (ca->last_max_cwnd <= cwnd) {
        ca->k = 0;
        ca->origin_point = cwnd;
      } else {
        // K^3 = (W_max - cwnd) / C, in (1/1024 s)^3.
        const uint64_t factor = (uint64_t{1} << (kTimeShift + 3 * kTimeShift)) / kCubeRttScale;
        ca->k = cubic_root(factor * (ca->last_max_cwnd - cwnd));
        ca->origin_point = ca->last_max_cwnd;
      }
    }
    // The target one RTT ahead: t counts from the epoch plus the minimum RTT.
    const uint64_t t = ((now - ca->epoch_start + ca->delay_min) << kTimeShift) / kUsPerSec;
    const uint64_t offs = t < ca->k ? ca->k - t : t - ca->k;
    const uint64_t delta = (kCubeRttScale * offs * offs * offs) >> (kTimeShift + 3 * kTimeShift);
    const uint64_t target = t < ca->k ? ca->origin_point - std::min<uint64_t>(delta, ca->origin_point)
                                      : ca->origin_point + delta;
    ca->cnt = target > cwnd ? static_cast<uint32_t>(cwnd / (target - cwnd)) : 100 * cwnd;
    // No loss yet (no W_max): grow at least 5 % a round trip.
    if (ca->last_max_cwnd == 0) ca->cnt = std::min(ca->cnt, 20u);
  }
  // The Reno-friendly region: never slower than Reno would be.
  const uint32_t per_segment = std::max<uint32_t>((cwnd * kRenoAckScale) >> 3, 1);
  while (ca->ack_cnt > per_segment) {
    ca->ack_cnt -= per_segment;
    ++ca->tcp_cwnd;
  }
  if (ca->tcp_cwnd > cwnd) ca->cnt = std::min(ca->cnt, cwnd / (ca->tcp_cwnd - cwnd));
  ca->cnt = std::max(ca->cnt, 2u);
}

void cubic_init(tcp_sock* tp) { cubic_reset(new (tp->ca_priv) cubic); }

uint32_t cubic_ssthresh(tcp_sock* tp) {
  cubic* ca = ca_of(tp);
  ca->in_epoch = false;
  // Fast convergence: a flow whose W_max fell releases bandwidth to newer ones.
  ca->last_max_cwnd = tp->snd_cwnd < ca->last_max_cwnd
                          ? tp->snd_cwnd * (kBetaScale + kBeta) / (2 * kBetaScale)
                          : tp->snd_cwnd;
  return std::max(tp->snd_cwnd * kBeta / kBetaScale, 2u);
}

void cubic_cong_avoid(tcp_sock* tp, uint32_t /*ack*/, uint32_t acked) {
  if (!tp->is_cwnd_limited) return;
  if (tcp_in_slow_start(tp)) {
    acked = tcp_slow_start(tp, acked);
    if (!acked) return;
  }
  cubic* ca = ca_of(tp);
  cubic_update(tp, ca, tp->snd_cwnd, acked);
  tcp_cong_avoid_ai(tp, ca->cnt, acked);
}

void cubic_set_state(tcp_sock* tp, uint8_t new_state) {
  if (new_state == TCP_CA_Loss) cubic_reset(ca_of(tp));
}

void cubic_acked(tcp_sock* tp, uint32_t /*acked*/, long rtt_us) {
  if (rtt_us < 0) return;
  cubic* ca = ca_of(tp);
  // Samples right after a reduction carry the queue it is draining.
  if (ca->in_epoch && tp->tcp_mstamp - ca->epoch_start < kUsPerSec) return;
  const uint32_t delay = std::max<uint32_t>(static_cast<uint32_t>(rtt_us), 1);
  if (ca->delay_min == 0 || ca->delay_min > delay) ca->delay_min = delay;
}

}  // namespace

const tcp_congestion_ops cubictcp = {
    "cubic", cubic_ssthresh, cubic_cong_avoid, tcp_reno_undo_cwnd, cubic_init, cubic_set_state,
    cubic_acked,
};

}  // namespace sendoff
