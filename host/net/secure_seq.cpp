// SPDX-License-Identifier: MIT
// SipHash-2-4 and the secure ISN / timestamp offset built on it (secure_seq.hpp).
#include "secure_seq.hpp"

#include <time.h>

#include <cstring>
#include <mutex>
#include <random>

namespace sendoff {

namespace {

uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = rotl(v1, 13) ^ v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16) ^ v2;
    v0 += v3;
    v3 = rotl(v3, 21) ^ v0;
    v2 += v1;
    v1 = rotl(v1, 17) ^ v2;
    v2 = rotl(v2, 32);
  }
  void absorb(uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

uint64_t load_le64(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

// One secret per process, drawn at first use (net_secret_init).
const siphash_key_t& secret(int which) {
  static siphash_key_t keys[2];
  static std::once_flag once;
  std::call_once(once, [] {
    std::random_device rd;
    for (siphash_key_t& k : keys)
      for (uint64_t& w : k.key) w = (uint64_t{rd()} << 32) | rd();
  });
  return keys[which];
}

uint64_t hash_u32s(const uint32_t* w, size_t n, const siphash_key_t& key) {
  uint8_t b[16];
  for (size_t i = 0; i < n; ++i)
    for (int j = 0; j < 4; ++j) b[4 * i + j] = static_cast<uint8_t>(w[i] >> (8 * j));
  return siphash(b, 4 * n, key);
}

}  // namespace

uint64_t siphash(const void* data, size_t len, const siphash_key_t& key) {
  const auto* p = static_cast<const uint8_t*>(data);
  SipState s{key.key[0] ^ 0x736f6d6570736575ull, key.key[1] ^ 0x646f72616e646f6dull,
             key.key[0] ^ 0x6c7967656e657261ull, key.key[1] ^ 0x7465646279746573ull};
  size_t i = 0;
  for (; i + 8 <= len; i += 8) s.absorb(load_le64(p + i, 8));
  // The last block: the bytes left and the length's low byte on top.
  s.absorb(load_le64(p + i, len - i) | (uint64_t{len & 0xff} << 56));
  s.v2 ^= 0xff;
  for (int r = 0; r < 4; ++r) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint32_t secure_tcp_seq_at(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                           uint64_t now_ns) {
  const uint32_t w[3] = {saddr, daddr, (uint32_t{sport} << 16) | dport};
  const auto f = static_cast<uint32_t>(hash_u32s(w, 3, secret(0)));
  return f + static_cast<uint32_t>(now_ns >> 6);
}

uint32_t secure_tcp_seq(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  const uint64_t ns = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull +
                      static_cast<uint64_t>(ts.tv_nsec);
  return secure_tcp_seq_at(saddr, daddr, sport, dport, ns);
}

uint32_t secure_tcp_ts_off(uint32_t saddr, uint32_t daddr) {
  const uint32_t w[2] = {saddr, daddr};
  return static_cast<uint32_t>(hash_u32s(w, 2, secret(1)));
}

}  // namespace sendoff
