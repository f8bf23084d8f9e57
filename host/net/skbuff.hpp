// SPDX-License-Identifier: MIT
// struct sk_buff for the send path, after include/linux/skbuff.h: what each
// layer below the socket fills in and hands down. The payload stays in the
// user's iovecs until the driver copies it into device memory: the one copy
// a send makes (the NIC builds every header).
#ifndef SENDOFF_NET_SKBUFF_HPP
#define SENDOFF_NET_SKBUFF_HPP

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

namespace sendoff {

struct sock;
struct dst_entry;

struct sk_buff {
  sock* sk = nullptr;
  dst_entry* dst = nullptr;  // skb_dst: route, neighbour, and the NIC flow
  const iovec* iov = nullptr;
  size_t iovlen = 0;
  size_t len = 0;            // transport payload bytes
  uint16_t l4_kind = 0;      // abi::TXD_L4_*: what the NIC puts before the payload
  uint16_t sport = 0, dport = 0;
  uint8_t protocol = 0;
  // Per-packet IPv4 fields (__ip_make_skb) and flags (abi::TXD_F_*).
  uint16_t tx_flags = 0;
  uint16_t ip_id = 0;
  uint8_t ttl = 64;
  uint8_t tos = 0;
  bool nonblock = false;     // MSG_DONTWAIT: EAGAIN instead of sleeping for ring space
  bool xmit_more = false;    // more packets follow at once: the doorbell may wait
};

}  // namespace sendoff

#endif  // SENDOFF_NET_SKBUFF_HPP
