// SPDX-License-Identifier: MIT
// The sending half of TCP (net/ipv4/tcp_output.c). For now: the options as
// Linux lays them out, and the SYN's MSS and window scale.
#include <algorithm>

#include "tcp.hpp"

namespace sendoff {

namespace {

uint8_t* put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
  return p + 4;
}

// The SACK blocks that fit after `used` bytes of other options (two NOPs,
// kind and length, then 8 bytes a block).
unsigned sack_blocks(const tcp_out_options& o, unsigned used) {
  const unsigned room = used + 4 <= MAX_TCP_OPTION_SPACE
                            ? (MAX_TCP_OPTION_SPACE - used - 4) / TCPOLEN_SACK_PERBLOCK
                            : 0;
  return std::min({o.num_sack_blocks, TCP_NUM_SACKS, room});
}

}  // namespace

unsigned tcp_options_size(const tcp_out_options& o) {
  unsigned n = 0;
  if (o.mss) n += TCPOLEN_MSS;
  if (o.ts) n += 12;                     // two NOPs (or SACK-permitted) and the option
  else if (o.sack_ok) n += 4;            // two NOPs and SACK-permitted
  if (o.ws >= 0) n += 4;                 // a NOP and the option
  const unsigned blocks = sack_blocks(o, n);
  return blocks ? n + 4 + TCPOLEN_SACK_PERBLOCK * blocks : n;
}

unsigned tcp_options_write(uint8_t* p, const tcp_out_options& o) {
  uint8_t* const start = p;
  if (o.mss) {
    *p++ = TCPOPT_MSS;
    *p++ = TCPOLEN_MSS;
    *p++ = static_cast<uint8_t>(o.mss >> 8);
    *p++ = static_cast<uint8_t>(o.mss);
  }
  if (o.ts) {
    if (o.sack_ok) {
      *p++ = TCPOPT_SACK_PERM;
      *p++ = TCPOLEN_SACK_PERM;
    } else {
      *p++ = TCPOPT_NOP;
      *p++ = TCPOPT_NOP;
    }
    *p++ = TCPOPT_TIMESTAMP;
    *p++ = TCPOLEN_TIMESTAMP;
    p = put32(p, o.tsval);
    p = put32(p, o.tsecr);
  } else if (o.sack_ok) {
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_SACK_PERM;
    *p++ = TCPOLEN_SACK_PERM;
  }
  if (o.ws >= 0) {
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_WINDOW;
    *p++ = TCPOLEN_WINDOW;
    *p++ = static_cast<uint8_t>(o.ws);
  }
  // As many blocks as the 40 bytes leave room for.
  const unsigned blocks = sack_blocks(o, static_cast<unsigned>(p - start));
  if (blocks) {
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_NOP;
    *p++ = TCPOPT_SACK;
    *p++ = static_cast<uint8_t>(TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK * blocks);
    for (unsigned i = 0; i < blocks; ++i) {
      p = put32(p, o.sack[i].start_seq);
      p = put32(p, o.sack[i].end_seq);
    }
  }
  return static_cast<unsigned>(p - start);
}

int tcp_select_wscale(uint32_t space) {
  int log2 = -1;
  for (uint32_t v = space; v; v >>= 1) ++log2;
  return std::clamp(log2 - 15, 0, TCP_MAX_WSCALE);
}

uint16_t tcp_advertise_mss(uint32_t mtu) {
  const uint32_t headers = 20 + 20;  // IPv4 and TCP without options
  const uint32_t mss = mtu > headers ? mtu - headers : 0;
  return static_cast<uint16_t>(std::min<uint32_t>(mss, 65535 - headers));
}

}  // namespace sendoff
