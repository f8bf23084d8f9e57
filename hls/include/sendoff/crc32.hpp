// SPDX-License-Identifier: MIT
// CRC-32 of IEEE 802.3 (the Ethernet FCS): polynomial 0x04C11DB7, bits
// processed least significant first (so the shift register uses the
// reflected polynomial 0xEDB88320), register preset to all ones, result
// complemented. The FCS goes on the wire least significant byte first.
// Plain C++, usable in HLS kernels (crc32_byte) and in host code.
#ifndef SENDOFF_CRC32_HPP
#define SENDOFF_CRC32_HPP

#include <stddef.h>
#include <stdint.h>

namespace sendoff {

constexpr uint32_t CRC32_POLY_REFLECTED = 0xEDB88320u;
constexpr uint32_t CRC32_INIT = 0xFFFFFFFFu;
// CRC register value after a frame followed by its own FCS (IEEE 802.3's
// "magic" remainder, complemented): crc32_ieee(frame ++ fcs) == this.
constexpr uint32_t CRC32_RESIDUE = 0x2144DF1Cu;

// One byte through the shift register (no preset, no final complement).
// A kernel unrolls it: each register bit becomes an XOR of input bits.
inline uint32_t crc32_byte(uint32_t crc, uint8_t b) {
  crc ^= b;
  for (int k = 0; k < 8; ++k) {
#pragma HLS UNROLL
    crc = (crc & 1u) ? ((crc >> 1) ^ CRC32_POLY_REFLECTED) : (crc >> 1);
  }
  return crc;
}

#ifndef __SYNTHESIS__
// CRC-32 of p[0..n), continuing from a previous result `crc` (0 to start),
// the way zlib's crc32() chains.
inline uint32_t crc32_ieee(const uint8_t* p, size_t n, uint32_t crc = 0) {
  uint32_t r = ~crc;
  for (size_t i = 0; i < n; ++i) r = crc32_byte(r, p[i]);
  return ~r;
}
#endif

}  // namespace sendoff

#endif  // SENDOFF_CRC32_HPP
