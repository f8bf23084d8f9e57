// SPDX-License-Identifier: MIT
// Beat-level building blocks of the TX kernels: the stream and memory word
// types, keep/byte masks, big-endian field writes, the checksum of a beat,
// and the byte realigner that inserts headers in front of a payload
// that does not start on a beat boundary.
//
// Stream beat contract (every internal stream and m_axis_tx):
//  - frame/packet byte 0 is tdata bits 7:0, byte i bits 8i+7:8i;
//  - tkeep is contiguous from bit 0; only the last beat of a packet may be
//    partial; tdata bytes outside tkeep are zero;
//  - tlast marks the last beat of each packet; tstrb equals tkeep;
//  - no beat carries bytes of two packets.
#ifndef SENDOFF_HLS_BEAT_HPP
#define SENDOFF_HLS_BEAT_HPP

#ifndef SENDOFF_DATA_WIDTH
#define SENDOFF_DATA_WIDTH 512
#endif

#include <ap_axi_sdata.h>
#include <ap_int.h>
#include <hls_stream.h>
#include <stdint.h>

// The realigner holds two beats in one ap_uint: 2048 bits at 1024, above ap_int's default
// limit. AP_INT_MAX_W counts only where ap_int.h is first included, so the build defines it
// for every user of these headers (hls/CMakeLists.txt; Vitis: -DAP_INT_MAX_W=2048 in the
// kernel's cflags).
static_assert(AP_INT_MAX_W >= 2 * SENDOFF_DATA_WIDTH,
              "define AP_INT_MAX_W >= 2 * SENDOFF_DATA_WIDTH before ap_int.h is included");

namespace sendoff {

// AXI4-Stream data width in bits (CMake cache variable SENDOFF_DATA_WIDTH).
constexpr int DATA_WIDTH = SENDOFF_DATA_WIDTH;
constexpr int DATA_BYTES = DATA_WIDTH / 8;
// Headers (up to 20 bytes) are inserted into the first beat of a packet, and
// the realigner holds two beats in one ap_uint (2 * DATA_WIDTH bits).
static_assert(DATA_WIDTH == 256 || DATA_WIDTH == 512 || DATA_WIDTH == 1024,
              "SENDOFF_DATA_WIDTH must be 256, 512 or 1024");

using data_t = ap_uint<DATA_WIDTH>;
using keep_t = ap_uint<DATA_BYTES>;
using axis_t = ap_axiu<DATA_WIDTH, 0, 0, 0>;

// The m_axi port's word: device byte address a is byte (a % 64) of word a / 64.
constexpr int MEM_WORD_BITS = 512;
constexpr int MEM_WORD_BYTES = MEM_WORD_BITS / 8;
using mem_word_t = ap_uint<MEM_WORD_BITS>;

// The streams of a kernel's step function: anything with empty(), full(),
// read() and write() (a test's bounded FIFO that can report full); the
// free-running kernel passes hls::stream.
template <class T>
using hls_fifo = hls::stream<T>;

inline unsigned min_u(unsigned a, unsigned b) { return a < b ? a : b; }

// Beats needed for n bytes.
inline unsigned beats_for(unsigned n) { return (n + DATA_BYTES - 1) / DATA_BYTES; }

// The low n bits set, 0 <= n <= N (tkeep of an n-byte beat when N = bytes).
template <int N>
ap_uint<N> low_bits(unsigned n) {
  ap_uint<N> ones = 0;
  ones = ~ones;
  ap_uint<N> r = 0;
  if (n >= static_cast<unsigned>(N)) {
    r = ones;
  } else if (n > 0) {
    r = ones >> (N - n);
  }
  return r;
}

// The low n bytes of a W-bit word set, 0 <= n <= W/8.
template <int W>
ap_uint<W> byte_mask(unsigned n) {
  ap_uint<W> ones = 0;
  ones = ~ones;
  ap_uint<W> r = 0;
  if (n >= static_cast<unsigned>(W / 8)) {
    r = ones;
  } else if (n > 0) {
    r = ones >> (W - 8 * n);
  }
  return r;
}

template <int W>
void put_u8(ap_uint<W>& d, int byte, uint8_t v) {
  d(8 * byte + 7, 8 * byte) = v;
}

// A stream beat of the contract above: d holds min(bytes_left, DATA_BYTES)
// bytes (zero above them), tstrb = tkeep.
inline axis_t make_beat(const data_t& d, unsigned bytes_left, bool last) {
  axis_t out;
  out.data = d;
  out.keep = low_bits<DATA_BYTES>(bytes_left);
  out.strb = out.keep;
  out.last = last;
  return out;
}

// A 16- or 32-bit field in network byte order at byte offset `byte`.
template <int W>
void put_be16(ap_uint<W>& d, int byte, uint16_t v) {
  put_u8(d, byte, static_cast<uint8_t>(v >> 8));
  put_u8(d, byte + 1, static_cast<uint8_t>(v & 0xFFu));
}
template <int W>
void put_be32(ap_uint<W>& d, int byte, uint32_t v) {
  put_be16(d, byte, static_cast<uint16_t>(v >> 16));
  put_be16(d, byte + 2, static_cast<uint16_t>(v & 0xFFFFu));
}

// Sum of the W/16 big-endian 16-bit words of a beat whose first byte sits at
// an even packet offset (bytes outside tkeep must be zero). At most
// W/16 * 0xFFFF, so it fits 32 bits; add it to a partial sum with csum_add.
template <int W>
uint32_t csum_beat(const ap_uint<W>& d) {
  uint32_t s = 0;
  for (int k = 0; k < W / 16; ++k) {
#pragma HLS UNROLL
    const uint32_t hi = d(16 * k + 7, 16 * k).to_uint();
    const uint32_t lo = d(16 * k + 15, 16 * k + 8).to_uint();
    s += (hi << 8) | lo;
  }
  return s;
}

// Byte realigner: a two-beat window over a byte stream. push() appends the
// first k bytes of a beat after the bytes already held; take() removes the
// first t bytes. A packet's bytes can so be taken in pieces of any size,
// which is what inserting a header or cutting fragments needs: a barrel
// shifter with the remainder carried in the window.
template <int W>
class ByteRealigner {
 public:
  static constexpr int B = W / 8;

  ByteRealigner() { clear(); }
  void clear() {
    bits_ = 0;
    n_ = 0;
  }
  unsigned count() const { return n_; }

  // Precondition: count() < B and k <= B.
  void push(const ap_uint<W>& d, unsigned k) {
    ap_uint<2 * W> x = d & byte_mask<W>(k);
    bits_ |= x << (8 * n_);
    n_ += k;
  }

  // The next beat of a packet that still has `left` bytes to come.
  void push_next(const ap_uint<W>& d, unsigned& left) {
    const unsigned k = left < static_cast<unsigned>(B) ? left : static_cast<unsigned>(B);
    push(d, k);
    left -= k;
  }

  // Precondition: t <= B and t <= count(). Bytes above t are zero.
  ap_uint<W> take(unsigned t) {
    ap_uint<W> out = bits_(W - 1, 0);
    out &= byte_mask<W>(t);
    bits_ >>= 8 * t;
    n_ -= t;
    return out;
  }

 private:
  ap_uint<2 * W> bits_;
  unsigned n_;
};

}  // namespace sendoff

#endif  // SENDOFF_HLS_BEAT_HPP
