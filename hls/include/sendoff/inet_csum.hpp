// SPDX-License-Identifier: MIT
// Internet checksum (RFC 1071): the one's complement of the one's complement
// sum of 16-bit big-endian words. Plain C++ with fixed-width types, usable in
// HLS kernels (the word-level helpers) and in host code (the byte helpers).
//
// Partial sums are 32-bit accumulators of 16-bit words with the end-around
// carry folded back in (RFC 1071 section 2 (B)), so sums of any length fit.
#ifndef SENDOFF_INET_CSUM_HPP
#define SENDOFF_INET_CSUM_HPP

#include <stddef.h>
#include <stdint.h>

namespace sendoff {

// acc + v in one's complement arithmetic, kept in 32 bits.
inline uint32_t csum_add(uint32_t acc, uint32_t v) {
  const uint64_t s = static_cast<uint64_t>(acc) + v;
  return static_cast<uint32_t>((s & 0xFFFFFFFFu) + (s >> 32));
}

// Folds a partial sum to 16 bits (not complemented).
inline uint16_t csum_fold(uint32_t acc) {
  uint32_t s = (acc & 0xFFFFu) + (acc >> 16);
  s = (s & 0xFFFFu) + (s >> 16);
  return static_cast<uint16_t>(s);
}

// The checksum field value for a partial sum.
inline uint16_t csum_finish(uint32_t acc) { return static_cast<uint16_t>(~csum_fold(acc)); }

// The IPv4 pseudo-header of UDP and TCP (RFC 768, RFC 793): source,
// destination, protocol and transport length. Addresses in host order.
inline uint32_t csum_pseudo_ipv4(uint32_t saddr, uint32_t daddr, uint8_t protocol,
                                 uint32_t l4_len) {
  uint32_t s = 0;
  s = csum_add(s, saddr >> 16);
  s = csum_add(s, saddr & 0xFFFFu);
  s = csum_add(s, daddr >> 16);
  s = csum_add(s, daddr & 0xFFFFu);
  s = csum_add(s, protocol);
  s = csum_add(s, l4_len);
  return s;
}

#ifndef __SYNTHESIS__
// Adds bytes p[0..n) to a partial sum as big-endian words; an odd last byte
// is the high half of a word padded with zero. Only the last piece of a
// message may have an odd length.
inline uint32_t csum_partial(const uint8_t* p, size_t n, uint32_t acc) {
  size_t i = 0;
  for (; i + 1 < n; i += 2) acc = csum_add(acc, (static_cast<uint32_t>(p[i]) << 8) | p[i + 1]);
  if (i < n) acc = csum_add(acc, static_cast<uint32_t>(p[i]) << 8);
  return acc;
}

// RFC 1071 checksum of a byte string.
inline uint16_t inet_csum(const uint8_t* p, size_t n) { return csum_finish(csum_partial(p, n, 0)); }
#endif

}  // namespace sendoff

#endif  // SENDOFF_INET_CSUM_HPP
