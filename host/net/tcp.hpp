// SPDX-License-Identifier: MIT
// struct tcp_sock and the TCP constants (include/net/tcp.h, include/linux/tcp.h):
// the state the host keeps for a connection. The connection itself
// (inet_stream_ops, tcp_prot) builds on this; what is here now is what does
// not need the wire: congestion control behind tcp_congestion_ops
// (tcp_cong.cpp: Reno and the registry; tcp_cubic.cpp: CUBIC, the default),
// the RTT estimator and RTO (tcp_input.cpp, tcp_timer.cpp), and the options
// as Linux writes them (tcp_output.cpp).
//
// Times are microseconds of the stack's monotonic clock: tp->tcp_mstamp is
// "now" for the event being handled, as in Linux.
#ifndef SENDOFF_NET_TCP_HPP
#define SENDOFF_NET_TCP_HPP

#include <netinet/tcp.h>

#include <cstddef>
#include <cstdint>

namespace sendoff {

constexpr uint32_t TCP_RTO_MIN_US = 200000;        // TCP_RTO_MIN: HZ / 5
constexpr uint32_t TCP_RTO_MAX_US = 120000000;     // TCP_RTO_MAX: 120 s
constexpr uint32_t TCP_TIMEOUT_INIT_US = 1000000;  // RFC 6298 (2.1): 1 s before any sample
constexpr uint32_t TCP_INIT_CWND = 10;             // RFC 6928
constexpr uint32_t TCP_INFINITE_SSTHRESH = 0x7fffffff;
constexpr int TCP_MAX_WSCALE = 14;                 // RFC 7323 (2.3)
constexpr unsigned TCP_CA_NAME_MAX = 16;
constexpr unsigned ICSK_CA_PRIV_SIZE = 104;        // a module's private state
constexpr unsigned TCP_NUM_SACKS = 4;
constexpr unsigned MAX_TCP_OPTION_SPACE = 40;

// TCP option kinds and lengths (RFC 793, 2018, 7323): glibc's
// <netinet/tcp.h> names most (TCPOPT_NOP, TCPOPT_WINDOW, TCPOPT_SACK,
// TCPOPT_TIMESTAMP, ...) and the tcp_ca_state values (TCP_CA_Open ..
// TCP_CA_Loss: where loss recovery stands); these are the kernel's names for
// the rest.
constexpr uint8_t TCPOPT_MSS = TCPOPT_MAXSEG;
constexpr uint8_t TCPOLEN_MSS = TCPOLEN_MAXSEG;
constexpr uint8_t TCPOPT_SACK_PERM = TCPOPT_SACK_PERMITTED;
constexpr uint8_t TCPOLEN_SACK_PERM = TCPOLEN_SACK_PERMITTED;
constexpr uint8_t TCPOLEN_SACK_BASE = 2;
constexpr uint8_t TCPOLEN_SACK_PERBLOCK = 8;

struct tcp_sock;

// struct tcp_congestion_ops: ssthresh, cong_avoid and undo_cwnd are required.
struct tcp_congestion_ops {
  char name[TCP_CA_NAME_MAX];
  uint32_t (*ssthresh)(tcp_sock* tp);                               // on loss: new ssthresh
  void (*cong_avoid)(tcp_sock* tp, uint32_t ack, uint32_t acked);   // on an ACK of new data
  uint32_t (*undo_cwnd)(tcp_sock* tp);                              // a loss found spurious
  void (*init)(tcp_sock* tp);
  void (*set_state)(tcp_sock* tp, uint8_t new_state);
  void (*pkts_acked)(tcp_sock* tp, uint32_t acked, long rtt_us);    // rtt_us < 0: no sample
};

struct tcp_sock {
  uint64_t tcp_mstamp = 0;  // now, µs
  uint32_t snd_una = 0;
  uint32_t snd_nxt = 0;
  // tcp_rtt_estimator: srtt_us is 8 x the smoothed RTT and mdev_us 4 x the
  // mean deviation, as Linux keeps them; rttvar_us is what the RTO adds.
  uint32_t srtt_us = 0;
  uint32_t mdev_us = 0;
  uint32_t mdev_max_us = 0;
  uint32_t rttvar_us = 0;
  uint32_t rtt_seq = 0;
  uint32_t rto_us = TCP_TIMEOUT_INIT_US;  // icsk_rto
  uint8_t backoff = 0;                    // icsk_backoff: RTOs in a row
  // Congestion window, in segments.
  uint32_t snd_cwnd = TCP_INIT_CWND;
  uint32_t snd_cwnd_cnt = 0;  // ACKed segments toward the next increase
  uint32_t snd_cwnd_clamp = ~0u;
  uint32_t snd_ssthresh = TCP_INFINITE_SSTHRESH;
  uint32_t prior_cwnd = 0;    // cwnd before the last reduction (undo)
  bool is_cwnd_limited = true;
  uint8_t ca_state = TCP_CA_Open;
  const tcp_congestion_ops* ca_ops = nullptr;
  alignas(8) unsigned char ca_priv[ICSK_CA_PRIV_SIZE] = {};
};

// ---- tcp_cong.cpp
// The registered algorithms: "cubic" (the default, as Linux's) and "reno".
const tcp_congestion_ops* tcp_ca_find(const char* name);
// Fills buf (size >= 1) with the names, space-separated, as
// net.ipv4.tcp_available_congestion_control reads.
void tcp_get_available_congestion_control(char* buf, size_t size);
// tcp_init_congestion_control with the default algorithm.
void tcp_init_congestion_control(tcp_sock* tp);
// TCP_CONGESTION: 0, or -ENOENT for a name nobody registered.
int tcp_set_congestion_control(tcp_sock* tp, const char* name);
// tcp_set_ca_state.
void tcp_set_ca_state(tcp_sock* tp, uint8_t state);
// Reno's pieces, which CUBIC uses too.
bool tcp_in_slow_start(const tcp_sock* tp);
uint32_t tcp_slow_start(tcp_sock* tp, uint32_t acked);  // returns the ACKs left over
void tcp_cong_avoid_ai(tcp_sock* tp, uint32_t w, uint32_t acked);
uint32_t tcp_reno_ssthresh(tcp_sock* tp);
void tcp_reno_cong_avoid(tcp_sock* tp, uint32_t ack, uint32_t acked);
uint32_t tcp_reno_undo_cwnd(tcp_sock* tp);
extern const tcp_congestion_ops tcp_reno;

// ---- tcp_cubic.cpp
extern const tcp_congestion_ops cubictcp;

// ---- tcp_input.cpp
// One RTT sample (µs, > 0) into srtt/mdev/rttvar (RFC 6298 with Linux's
// mdev_max: the variance falls at most once per window of data).
void tcp_rtt_estimator(tcp_sock* tp, long mrtt_us);
// icsk_rto = srtt + rttvar, at most TCP_RTO_MAX.
void tcp_set_rto(tcp_sock* tp);

// ---- tcp_timer.cpp
// The retransmission timer's next interval after `backoff` RTOs in a row:
// rto << backoff, at most TCP_RTO_MAX (inet_csk_rto_backoff).
uint32_t inet_csk_rto_backoff(const tcp_sock* tp);

// ---- tcp_output.cpp
// struct tcp_out_options: what tcp_options_write puts on a segment.
struct tcp_sack_block {
  uint32_t start_seq, end_seq;
};
struct tcp_out_options {
  uint16_t mss = 0;        // SYN: MSS option (0: none)
  int ws = -1;             // SYN: window scale shift (-1: none)
  bool sack_ok = false;    // SYN: SACK permitted
  bool ts = false;         // timestamps
  uint32_t tsval = 0, tsecr = 0;
  unsigned num_sack_blocks = 0;
  tcp_sack_block sack[TCP_NUM_SACKS] = {};
};
// The options' length on the wire (a multiple of 4, <= MAX_TCP_OPTION_SPACE).
unsigned tcp_options_size(const tcp_out_options& o);
// Writes them in Linux's order (tcp_options_write): MSS; SACK-permitted and
// timestamps (the SACK-permitted pair in place of the timestamps' two NOPs);
// NOP and window scale; SACK blocks after two NOPs. Returns the bytes written.
unsigned tcp_options_write(uint8_t* p, const tcp_out_options& o);
// The window-scale shift for a receive space of `space` bytes
// (tcp_select_initial_window): ilog2(space) - 15, within 0..14.
int tcp_select_wscale(uint32_t space);
// The MSS to advertise for a route MTU (tcp_advertise_mss over ipv4's
// advmss): mtu - 40, at most 65535 - 40.
uint16_t tcp_advertise_mss(uint32_t mtu);

}  // namespace sendoff

#endif  // SENDOFF_NET_TCP_HPP
