// SPDX-License-Identifier: MIT
// The receiving half of TCP (net/ipv4/tcp_input.c). For now: the RTT
// estimator and the RTO it sets, which the ACK path feeds.
#include <algorithm>

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

}  // namespace sendoff
