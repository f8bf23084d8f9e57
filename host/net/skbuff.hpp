// SPDX-License-Identifier: MIT
// struct sk_buff for the send path, after include/linux/skbuff.h: what each
// layer below the socket fills in and hands down. The payload stays in the
// user's iovecs until the driver copies it into device memory: the one copy
// a send makes (the NIC builds every header). A TCP send queue that lives in
// device memory is posted by reference instead (frag_dma): no copy at all.
#ifndef SENDOFF_NET_SKBUFF_HPP
#define SENDOFF_NET_SKBUFF_HPP

#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

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
  // The payload by reference (a page fragment already DMA-mapped, with a
  // zerocopy completion as MSG_ZEROCOPY's ubuf_info has): when frag_done is
  // set, the NIC reads the len bytes at device address frag_dma (iov names
  // the same bytes for a host-side copy) and the driver copies nothing; it
  // adds one to *frag_done once the NIC has finished reading them (sent, or
  // dropped by a ring reset), and sets frag_posted when it took the reference.
  uint64_t frag_dma = 0;
  std::atomic<uint32_t>* frag_done = nullptr;
  bool frag_posted = false;
  // A TCP GSO packet (l4_kind TXD_L4_TCP, skb_shinfo's gso_size and the TCP
  // header the NIC repeats per segment): the payload is len bytes of stream
  // from seq; the NIC cuts it into gso_size segments (TSO).
  struct tcp_gso {
    uint32_t seq = 0, ack = 0;
    uint16_t gso_size = 0;   // MSS of each segment, options excluded
    uint16_t window = 0;     // the window field, already scaled
    uint8_t flags = 0;       // TCPHDR_*: PSH/FIN go on the last segment only
    uint8_t opt_len = 0;
    uint8_t opts[24] = {};   // abi::TXD_TCP_OPT_MAX
  } tcp;
};

// The receive side of struct sk_buff: a frame copied out of the NIC's receive
// buffer. `data`/`len` are the current layer's bytes: each layer moves them
// past its header (skb_pull) and trims what lies beyond its length field
// (pskb_trim), as Linux's receive functions do.
struct sk_buff_rx {
  std::unique_ptr<uint8_t[]> head;
  uint8_t* data = nullptr;
  size_t len = 0;
  size_t truesize = 0;       // what the socket's receive buffer is charged
  uint8_t pkt_type = 0;      // PACKET_HOST, PACKET_BROADCAST, ... (eth_type_trans)
  bool csum_unnecessary = false;  // CHECKSUM_UNNECESSARY: the NIC verified L4
  // Filled by ip_rcv / udp_rcv for recvmsg's msg_name.
  uint32_t saddr = 0, daddr = 0;  // host order
  uint16_t sport = 0, dport = 0;  // host order
  uint8_t ip_proto = 0;
};

// A copy of len bytes at data with from's bookkeeping (skb_clone's role, for
// a peek, another socket's share of a broadcast, a raw socket's copy).
inline std::unique_ptr<sk_buff_rx> skb_copy_rx(const sk_buff_rx& from, const uint8_t* data,
                                               size_t len) {
  auto c = std::make_unique<sk_buff_rx>();
  c->head = std::make_unique<uint8_t[]>(len ? len : 1);
  std::memcpy(c->head.get(), data, len);
  c->data = c->head.get();
  c->len = len;
  c->truesize = from.truesize;
  c->pkt_type = from.pkt_type;
  c->csum_unnecessary = from.csum_unnecessary;
  c->saddr = from.saddr;
  c->daddr = from.daddr;
  c->sport = from.sport;
  c->dport = from.dport;
  c->ip_proto = from.ip_proto;
  return c;
}

}  // namespace sendoff

#endif  // SENDOFF_NET_SKBUFF_HPP
