// SPDX-License-Identifier: MIT
// Pluggable congestion control (net/ipv4/tcp_cong.c): the table of
// algorithms, the per-socket choice (TCP_CONGESTION) and Reno, whose slow
// start and additive increase the others reuse.
#include <errno.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "tcp.hpp"

namespace sendoff {

const tcp_congestion_ops tcp_reno = {
    "reno", tcp_reno_ssthresh, tcp_reno_cong_avoid, tcp_reno_undo_cwnd, nullptr, nullptr, nullptr,
};

namespace {

// Linux's default (CONFIG_DEFAULT_TCP_CONG) first: it is what a new socket gets.
const tcp_congestion_ops* const kAlgorithms[] = {&cubictcp, &tcp_reno};

void ca_init(tcp_sock* tp, const tcp_congestion_ops* ca) {
  tp->ca_ops = ca;
  std::memset(tp->ca_priv, 0, sizeof tp->ca_priv);
  if (ca->init) ca->init(tp);
}

}  // namespace

const tcp_congestion_ops* tcp_ca_find(const char* name) {
  for (const tcp_congestion_ops* ca : kAlgorithms)
    if (std::strncmp(ca->name, name, TCP_CA_NAME_MAX) == 0) return ca;
  return nullptr;
}

void tcp_get_available_congestion_control(char* buf, size_t size) {
  size_t off = 0;
  buf[0] = '\0';
  for (const tcp_congestion_ops* ca : kAlgorithms) {
    const int n = std::snprintf(buf + off, size - off, "%s%s", off ? " " : "", ca->name);
    if (n < 0 || static_cast<size_t>(n) >= size - off) break;
    off += static_cast<size_t>(n);
  }
}

void tcp_init_congestion_control(tcp_sock* tp) { ca_init(tp, kAlgorithms[0]); }

int tcp_set_congestion_control(tcp_sock* tp, const char* name) {
  const tcp_congestion_ops* ca = tcp_ca_find(name);
  if (!ca) return -ENOENT;
  if (ca != tp->ca_ops) ca_init(tp, ca);
  return 0;
}

void tcp_set_ca_state(tcp_sock* tp, uint8_t state) {
  if (tp->ca_ops && tp->ca_ops->set_state) tp->ca_ops->set_state(tp, state);
  tp->ca_state = state;
}

bool tcp_in_slow_start(const tcp_sock* tp) { return tp->snd_cwnd < tp->snd_ssthresh; }

// One segment per segment ACKed, up to ssthresh (RFC 5681 3.1, with RFC 3465's
// byte counting as Linux does: `acked` may be several segments).
uint32_t tcp_slow_start(tcp_sock* tp, uint32_t acked) {
  const uint32_t cwnd = std::min(tp->snd_cwnd + acked, tp->snd_ssthresh);
  acked -= cwnd - tp->snd_cwnd;
  tp->snd_cwnd = std::min(cwnd, tp->snd_cwnd_clamp);
  return acked;
}

// One segment per `w` segments ACKed.
void tcp_cong_avoid_ai(tcp_sock* tp, uint32_t w, uint32_t acked) {
  // A credit earned under a larger w is spent first.
  if (tp->snd_cwnd_cnt >= w) {
    tp->snd_cwnd_cnt = 0;
    ++tp->snd_cwnd;
  }
  tp->snd_cwnd_cnt += acked;
  if (tp->snd_cwnd_cnt >= w) {
    const uint32_t delta = tp->snd_cwnd_cnt / w;
    tp->snd_cwnd_cnt -= delta * w;
    tp->snd_cwnd += delta;
  }
  tp->snd_cwnd = std::min(tp->snd_cwnd, tp->snd_cwnd_clamp);
}

uint32_t tcp_reno_ssthresh(tcp_sock* tp) { return std::max(tp->snd_cwnd >> 1, 2u); }

void tcp_reno_cong_avoid(tcp_sock* tp, uint32_t /*ack*/, uint32_t acked) {
  if (!tp->is_cwnd_limited) return;
  if (tcp_in_slow_start(tp)) {
    acked = tcp_slow_start(tp, acked);
    if (!acked) return;
  }
  tcp_cong_avoid_ai(tp, tp->snd_cwnd, acked);
}

uint32_t tcp_reno_undo_cwnd(tcp_sock* tp) { return std::max(tp->snd_cwnd, tp->prior_cwnd); }

}  // namespace sendoff
