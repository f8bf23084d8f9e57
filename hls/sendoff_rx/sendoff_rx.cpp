// SPDX-License-Identifier: MIT
// The C model's entry points: the MAC's frame as beats through rx_parse,
// one call per beat as the free-running kernel runs, then rx_dma.
#include "sendoff_rx/sendoff_rx.hpp"

#include <string.h>

namespace sendoff {

bool sendoff_rx_frame(mem_word_t* mem, const RxRegs& regs, RxState* st, const uint8_t* frame,
                      size_t len) {
  if (len == 0) return false;  // the MAC delivers no empty frame
  hls::stream<axis_t> mac("mac_rx"), data("rx_data");
  hls::stream<RxMeta> meta("rx_meta");
  static RxParseState parse;
  for (size_t off = 0; off < len; off += DATA_BYTES) {
    axis_t b;
    b.data = 0;
    b.keep = 0;
    const size_t n = len - off < static_cast<size_t>(DATA_BYTES) ? len - off : DATA_BYTES;
    for (size_t k = 0; k < n; k += 8) {
      uint64_t v = 0;
      const size_t m = n - k < 8 ? n - k : 8;
      memcpy(&v, frame + off + k, m);  // little-endian host: byte i in bits 8i+7:8i
      b.data(8 * k + 63, 8 * k) = v;
    }
    keep_t keep = ~keep_t(0);
    keep >>= static_cast<unsigned>(DATA_BYTES - n);  // the first n lanes
    b.keep = keep;
    b.strb = b.keep;
    b.last = off + n == len;
    mac.write(b);
    rx_parse_step<hls_fifo>(parse, mac, data, meta);
  }
  return rx_dma(mem, regs, st, data, meta);
}

void sendoff_rx_idle(mem_word_t* mem, const RxRegs& regs, RxState* st) {
  rx_dma_idle(mem, regs, st);
}

}  // namespace sendoff
