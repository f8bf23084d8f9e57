// SPDX-License-Identifier: MIT
// Test-side conversion between byte strings and AXI4-Stream beats, written
// independently of the kernels' helpers. read_packets() also checks the beat
// contract of hls_beat.hpp on everything a kernel emits.
#ifndef SENDOFF_TESTS_HLS_BEATS_HPP
#define SENDOFF_TESTS_HLS_BEATS_HPP

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sendoff/hls_beat.hpp"

namespace sendoff_test {

using Bytes = std::vector<uint8_t>;

// "45 00 00 1c" or "4500001c" -> bytes.
inline Bytes hex(const std::string& s) {
  Bytes out;
  int hi = -1;
  for (char c : s) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

inline Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline Bytes pattern(size_t n, unsigned seed) {
  Bytes b(n);
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    b[i] = static_cast<uint8_t>(x >> 16);
  }
  return b;
}

inline void write_packet(hls::stream<sendoff::axis_t>& s, const Bytes& p) {
  constexpr size_t B = sendoff::DATA_BYTES;
  for (size_t off = 0; off < p.size(); off += B) {
    sendoff::axis_t beat;
    beat.data = 0;
    beat.keep = 0;
    const size_t n = p.size() - off < B ? p.size() - off : B;
    for (size_t i = 0; i < n; ++i) {
      beat.data(8 * i + 7, 8 * i) = p[off + i];
      beat.keep[i] = 1;
    }
    beat.strb = beat.keep;
    beat.last = off + B >= p.size();
    s.write(beat);
  }
}

// Beats into packets, failing the test on any beat-contract violation.
inline std::vector<Bytes> read_packets(const std::vector<sendoff::axis_t>& beats) {
  constexpr size_t B = sendoff::DATA_BYTES;
  std::vector<Bytes> pkts;
  Bytes cur;
  for (const sendoff::axis_t& beat : beats) {
    size_t n = 0;
    while (n < B && beat.keep[n]) ++n;
    for (size_t i = n; i < B; ++i) {
      EXPECT_FALSE(beat.keep[i]) << "tkeep not contiguous, byte " << i;
      EXPECT_EQ(beat.data(8 * i + 7, 8 * i).to_uint(), 0u) << "data outside tkeep, byte " << i;
    }
    EXPECT_TRUE(beat.strb == beat.keep) << "tstrb differs from tkeep";
    EXPECT_GT(n, 0u) << "empty beat";
    if (!beat.last) {
      EXPECT_EQ(n, B) << "partial beat without tlast";
    }
    for (size_t i = 0; i < n; ++i) cur.push_back(static_cast<uint8_t>(beat.data(8 * i + 7, 8 * i).to_uint()));
    if (beat.last) {
      pkts.push_back(cur);
      cur.clear();
    }
  }
  EXPECT_TRUE(cur.empty()) << "stream ends inside a packet";
  return pkts;
}

// Drains s into packets, as above.
inline std::vector<Bytes> read_packets(hls::stream<sendoff::axis_t>& s) {
  std::vector<sendoff::axis_t> beats;
  while (!s.empty()) beats.push_back(s.read());
  return read_packets(beats);
}

// The beats of a packet, as write_packet makes them.
inline std::vector<sendoff::axis_t> packet_beats(const Bytes& p) {
  hls::stream<sendoff::axis_t> s;
  write_packet(s, p);
  std::vector<sendoff::axis_t> beats;
  while (!s.empty()) beats.push_back(s.read());
  return beats;
}

inline uint16_t be16(const Bytes& b, size_t off) {
  return static_cast<uint16_t>((b[off] << 8) | b[off + 1]);
}

}  // namespace sendoff_test

#endif  // SENDOFF_TESTS_HLS_BEATS_HPP
