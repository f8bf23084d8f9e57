// SPDX-License-Identifier: MIT
// rx_dma (sendoff_rx.hpp): buffers and completions into device memory.
#include "sendoff_rx/sendoff_rx.hpp"
#include "sendoff_tx/sendoff_tx.hpp"

namespace sendoff {

namespace {

bool pow2(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

// Entry k (0..3) of a completion line, as the 16 bytes little-endian.
void put_entry(mem_word_t* line, unsigned k, uint16_t len, uint8_t l3, uint8_t l4, uint16_t flags,
               uint32_t index, uint32_t hash) {
  const unsigned b = 128 * k;
  (*line)(b + 15, b) = len;
  (*line)(b + 23, b + 16) = l3;
  (*line)(b + 31, b + 24) = l4;
  (*line)(b + 47, b + 32) = flags;
  (*line)(b + 63, b + 48) = 0;
  (*line)(b + 95, b + 64) = index;
  (*line)(b + 127, b + 96) = hash;
}

// Writes the completion line that holds entry tail-1: the entries done
// (st->line) and, when the line is not full, the rest as not done.
void write_line(mem_word_t* mem, const RxRegs& r, RxState* st) {
  const uint32_t first = (st->tail - 1) & ~(abi::RXC_PER_LINE - 1);
  mem_word_t line = st->line;
  for (uint32_t k = st->tail - first; k < abi::RXC_PER_LINE; ++k) {
#pragma HLS UNROLL
    const uint32_t index = first + k;
    put_entry(&line, k, 0, 0, 0, static_cast<uint16_t>(abi::rxc_gen_done(index, r.ring_size) ^ abi::RXC_F_GEN),
              0, 0);
  }
  mem[(r.cpl_base + uint64_t{first & (r.ring_size - 1)} * abi::RXC_BYTES) / MEM_WORD_BYTES] = line;
  st->line_written = st->tail;
  if (st->tail % abi::RXC_PER_LINE == 0) st->line = 0;  // the next line starts empty
}

}  // namespace

bool rx_ring_usable(const RxRegs& r) {
  if (!pow2(r.ring_size) || r.ring_size < abi::RXC_PER_LINE || r.ring_size > abi::RX_RING_SIZE_MAX)
    return false;
  if (!pow2(r.buf_size) || r.buf_size < abi::RX_BUF_SIZE_MIN || r.buf_size > abi::RX_BUF_SIZE_MAX)
    return false;
  if (r.buf_base % r.buf_size != 0 || r.cpl_base % MEM_WORD_BYTES != 0) return false;
  const uint64_t bufs = uint64_t{r.ring_size} * r.buf_size;
  const uint64_t cpls = uint64_t{r.ring_size} * abi::RXC_BYTES;
  return r.buf_base <= DEV_MEM_BYTES && bufs <= DEV_MEM_BYTES - r.buf_base &&
         r.cpl_base <= DEV_MEM_BYTES && cpls <= DEV_MEM_BYTES - r.cpl_base;
}

bool rx_dma(mem_word_t* mem, const RxRegs& r, RxState* st, hls::stream<axis_t>& data_in,
            hls::stream<RxMeta>& meta_in) {
  const bool usable = (r.ctrl & abi::CTRL_RX_ENABLE) && rx_ring_usable(r);
  const bool room = usable && st->tail != r.head;
  const uint64_t buf = room ? r.buf_base + uint64_t{st->tail & (r.ring_size - 1)} * r.buf_size : 0;
  // The beats go to the buffer as they come, never past its end. A last beat
  // after the first that holds only FCS bytes (at most four) is not written:
  // that keeps a 65..68-byte frame to one beat of the write channel.
  uint32_t off = 0;
  for (bool last = false; !last;) {
#pragma HLS PIPELINE II = 1
    const axis_t b = data_in.read();
    last = b.last;
    const bool fcs_only = last && off != 0 && !b.keep[abi::ETH_FCS_LEN];
    for (unsigned w = 0; w < DATA_BYTES / MEM_WORD_BYTES; ++w) {
#pragma HLS UNROLL
      const uint32_t at = off + w * MEM_WORD_BYTES;
      if (room && !fcs_only && at < r.buf_size)
        mem[(buf + at) / MEM_WORD_BYTES] =
            b.data(MEM_WORD_BITS * (w + 1) - 1, MEM_WORD_BITS * w);
    }
    off += DATA_BYTES;
  }
  const RxMeta m = meta_in.read();
  if (!m.fcs_ok) {
    ++st->drop_fcs;
    return false;
  }
  if (!m.len_ok || (room && m.len > r.buf_size)) {
    ++st->drop_len;
    return false;
  }
  if (!room) {
    ++st->drop_nobuf;
    return false;
  }
  const uint32_t index = st->tail;
  put_entry(&st->line, index % abi::RXC_PER_LINE, m.len, m.l3, m.l4,
            static_cast<uint16_t>(m.flags | abi::rxc_gen_done(index, r.ring_size)), index, m.hash);
  ++st->tail;
  ++st->frames;
  st->bytes += m.len;
  if (st->tail % abi::RXC_PER_LINE == 0) write_line(mem, r, st);  // a full line goes now
  return true;
}

void rx_dma_idle(mem_word_t* mem, const RxRegs& r, RxState* st) {
  if (!rx_ring_usable(r)) return;
  if (st->line_written != st->tail) write_line(mem, r, st);
  // RX_TAIL's write-back only here, after the lines it covers: a full line
  // costs one write, not two, while frames keep coming.
  if (st->wb_written != st->tail && wb_base_valid(r.wb_base)) {
    const uint64_t a = r.wb_base + abi::WB_RX_TAIL_OFF;
    const unsigned lo = 8 * (a % MEM_WORD_BYTES);
    mem[a / MEM_WORD_BYTES](lo + 31, lo) = st->tail;  // read-modify-write of the block's word
    st->wb_written = st->tail;
  }
}

}  // namespace sendoff
