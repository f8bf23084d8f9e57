// SPDX-License-Identifier: MIT
// Initial sequence numbers and timestamp offsets that an off-path attacker
// cannot guess (net/core/secure_seq.c, RFC 6528): a keyed hash of the
// connection's addresses and ports (SipHash-2-4, lib/siphash.c) plus a clock.
#ifndef SENDOFF_NET_SECURE_SEQ_HPP
#define SENDOFF_NET_SECURE_SEQ_HPP

#include <cstddef>
#include <cstdint>

namespace sendoff {

struct siphash_key_t {
  uint64_t key[2];
};

// SipHash-2-4 of len bytes (Aumasson and Bernstein, 2012).
uint64_t siphash(const void* data, size_t len, const siphash_key_t& key);

// RFC 6528: M + F(addresses, ports, secret), M in 64 ns ticks of now_ns, as
// Linux counts it (a 32-bit sequence space wraps in about 275 s).
uint32_t secure_tcp_seq_at(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                           uint64_t now_ns);
// The same at CLOCK_REALTIME, with the process's secret.
uint32_t secure_tcp_seq(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport);
// The per-pair offset added to TCP timestamps (secure_tcp_ts_off), so TSval
// tells nothing of the host's uptime.
uint32_t secure_tcp_ts_off(uint32_t saddr, uint32_t daddr);

}  // namespace sendoff

#endif  // SENDOFF_NET_SECURE_SEQ_HPP
