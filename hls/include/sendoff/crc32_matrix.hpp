// SPDX-License-Identifier: MIT
// CRC-32 (crc32.hpp) over many bytes at once as a GF(2) matrix: the register
// after NB bytes is a linear function of the register before and the NB
// data bytes, so each of its 32 bits is the XOR of a fixed set of input
// bits. The columns of that matrix (what each single input bit turns into)
// are computed here at compile time, and an update XORs the columns of the
// set bits: a tree of XOR gates per register bit, with no chain of byte steps.
//
// A kernel recurs on crc32_full_beat alone; a frame's partial last beat goes
// through crc32_part_beat, whose result only leaves (the FCS), never loops.
#ifndef SENDOFF_CRC32_MATRIX_HPP
#define SENDOFF_CRC32_MATRIX_HPP

#include <ap_int.h>
#include <stdint.h>

#include "sendoff/crc32.hpp"

namespace sendoff {

// One zero byte through the register.
constexpr uint32_t crc32_zero_byte(uint32_t r) {
  for (int k = 0; k < 8; ++k) r = (r & 1u) ? ((r >> 1) ^ CRC32_POLY_REFLECTED) : (r >> 1);
  return r;
}

template <int NB>
struct Crc32Matrix {
  uint32_t reg_col[32];       // register bit c alone, after NB zero bytes
  uint32_t data_col[8 * NB];  // data bit 8i+k alone (register 0), after NB bytes
};

// Data bit k of byte i enters the register before byte step i and then sees
// NB - i zero-byte steps: its column is the zero step applied to the column
// of the same bit one byte later, so the table fills from the last byte back.
template <int NB>
constexpr Crc32Matrix<NB> make_crc32_matrix() {
  Crc32Matrix<NB> m{};
  for (int k = 0; k < 8; ++k) {
    uint32_t r = crc32_zero_byte(1u << k);
    m.data_col[8 * (NB - 1) + k] = r;
    for (int i = NB - 2; i >= 0; --i) {
      r = crc32_zero_byte(r);
      m.data_col[8 * i + k] = r;
    }
  }
  for (int c = 0; c < 32; ++c) {
    uint32_t r = 1u << c;
    for (int i = 0; i < NB; ++i) r = crc32_zero_byte(r);
    m.reg_col[c] = r;
  }
  return m;
}

template <int NB>
constexpr Crc32Matrix<NB> CRC32_MATRIX = make_crc32_matrix<NB>();

// The register after the NB bytes of d (byte i in bits 8i+7:8i).
template <int NB>
uint32_t crc32_bytes(uint32_t crc, const ap_uint<8 * NB>& d) {
  uint32_t r = 0;
  for (int c = 0; c < 32; ++c) {
#pragma HLS UNROLL
    if ((crc >> c) & 1u) r ^= CRC32_MATRIX<NB>.reg_col[c];
  }
  for (int b = 0; b < 8 * NB; ++b) {
#pragma HLS UNROLL
    if (d[b]) r ^= CRC32_MATRIX<NB>.data_col[b];
  }
  return r;
}

// A whole beat of W bits: the one update a kernel recurs on.
template <int W>
uint32_t crc32_full_beat(uint32_t crc, const ap_uint<W>& d) {
  return crc32_bytes<W / 8>(crc, d);
}

// The first n < W/8 bytes of a beat, as chunks of 2^k bytes for the set bits
// of n, largest first (so bytes stay in order): log2(W/8) conditional
// stages, each a smaller matrix and a shift. (A class template rather than a
// function calling itself: HLS accepts no recursion, even at compile time.)
template <int NB, int W>
struct Crc32PartStages {
  static uint32_t run(uint32_t crc, ap_uint<W> rest, unsigned n) {
    if (n & NB) {
      crc = crc32_bytes<NB>(crc, ap_uint<8 * NB>(rest(8 * NB - 1, 0)));
      rest >>= 8 * NB;
    }
    return Crc32PartStages<NB / 2, W>::run(crc, rest, n);
  }
};
template <int W>
struct Crc32PartStages<0, W> {
  static uint32_t run(uint32_t crc, ap_uint<W>, unsigned) { return crc; }
};

template <int W>
uint32_t crc32_part_beat(uint32_t crc, const ap_uint<W>& d, unsigned n) {
  return Crc32PartStages<W / 16, W>::run(crc, d, n);
}

}  // namespace sendoff

#endif  // SENDOFF_CRC32_MATRIX_HPP
