// SPDX-License-Identifier: MIT
// TCP's timers (net/ipv4/tcp_timer.c). For now: the retransmission timer's
// exponential backoff (RFC 6298 5.5).
#include <algorithm>

#include "tcp.hpp"

namespace sendoff {

uint32_t inet_csk_rto_backoff(const tcp_sock* tp) {
  const uint64_t when = uint64_t{tp->rto_us} << std::min<unsigned>(tp->backoff, 32);
  return static_cast<uint32_t>(std::min<uint64_t>(when, TCP_RTO_MAX_US));
}

}  // namespace sendoff
