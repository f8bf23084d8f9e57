// SPDX-License-Identifier: MIT
// struct tcp_sock and the TCP constants (include/net/tcp.h, include/linux/tcp.h):
// the state the host keeps for a connection, and the functions of Linux's
// tcp*.c files that run it: congestion control behind tcp_congestion_ops
// (tcp_cong.cpp: Reno and the registry; tcp_cubic.cpp: CUBIC, the default),
// the RTT estimator, ACK and data processing (tcp_input.cpp), segments out
// (tcp_output.cpp), timers (tcp_timer.cpp), connect and demultiplexing
// (tcp_ipv4.cpp), and the socket calls (tcp.cpp).
//
// Every connection field is read and written under the stack lock (net::lock):
// the socket calls take it, the receive path and the timers run under it.
//
// Times are microseconds of the stack's monotonic clock: tp->tcp_mstamp is
// "now" for the event being handled, as in Linux.
#ifndef SENDOFF_NET_TCP_HPP
#define SENDOFF_NET_TCP_HPP

#include <netinet/tcp.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

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

constexpr uint32_t TCP_DELACK_MAX_US = 200000;     // the delayed-ACK timer's bounds
constexpr uint32_t TCP_DELACK_MIN_US = 40000;
constexpr uint32_t TCP_TIMEWAIT_LEN_US = 60000000;  // TIME_WAIT: 60 s
constexpr uint32_t TCP_FIN_TIMEOUT_US = 60000000;   // net.ipv4.tcp_fin_timeout (orphans)
constexpr int TCP_RETRIES2 = 15;                    // net.ipv4.tcp_retries2
constexpr int MAX_TCP_SYNCNT = 127;
constexpr int TCP_SYNACK_RETRIES = 5;               // net.ipv4.tcp_synack_retries
constexpr unsigned TCPOLEN_TSTAMP_ALIGNED = 12;
// TCP_MSS_DEFAULT (536, RFC 1122 without an MSS option) is <netinet/tcp.h>'s.
constexpr int TCP_FASTRETRANS_THRESH = 3;
constexpr uint32_t TCP_MAX_REORDERING = 300;  // net.ipv4.tcp_max_reordering
constexpr int TCP_MIN_MSS = 88;          // the smallest TCP_MAXSEG
constexpr int MAX_TCP_WINDOW = 32767;    // the largest TCP_MAXSEG

// Header flags (struct tcphdr's bits, as tcp_flag_byte reads them).
constexpr uint8_t TCPHDR_FIN = 0x01, TCPHDR_SYN = 0x02, TCPHDR_RST = 0x04, TCPHDR_PSH = 0x08,
                  TCPHDR_ACK = 0x10, TCPHDR_URG = 0x20;

struct tcp_sock;
struct sock;
struct net;
struct msghdr_k;
class DmaPool;

// A send queue in device memory (a block of the driver's DmaPool, a power of
// two): the byte of sequence s sits at offset s & mask, and TSO descriptors
// point into it (skb frag_dma), so a byte is copied once, by tcp_sendmsg, and
// never again, retransmissions included. A byte may be overwritten only when
// it is ACKed and no descriptor the NIC still holds points at it: every
// posted descriptor records the queue's head (sendq_seq) at its post in
// pins; the NIC completes one socket's descriptors in post order, so the
// oldest one not yet completed (done) holds the lowest pin. Owned by the
// sock, not the tcp_sock, so that it outlives a disconnect while descriptors
// still point at it; it goes back to the pool with the sock or once the
// connection sends no more and nothing points at it.
struct tcp_sendq_ring {
  static constexpr uint32_t kPins = 1024;  // >= descriptors the NIC's ring holds
  std::shared_ptr<DmaPool> pool;
  uint8_t* host = nullptr;  // the block: where the host writes it,
  uint64_t dev_addr = 0;    // where the NIC reads it,
  size_t size = 0;          // and its size
  size_t pool_off = 0;     // its offset in the pool's region (for dma_sync_to_device)
  uint32_t mask = 0;       // size - 1
  bool coherent = false;   // the device needs no dma_sync_to_device
  uint32_t posted = 0;     // descriptors posted by reference (under the stack lock)
  std::atomic<uint32_t> done{0};  // of them, those the NIC finished (the driver, any thread)
  uint32_t pins[kPins] = {};      // sendq_seq when descriptor i (mod kPins) was posted
  ~tcp_sendq_ring();
};

// Sequence-space comparisons modulo 2^32 (before / after).
inline bool before(uint32_t seq1, uint32_t seq2) { return static_cast<int32_t>(seq1 - seq2) < 0; }
inline bool after(uint32_t seq1, uint32_t seq2) { return before(seq2, seq1); }

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
  uint32_t prior_ssthresh = 0;  // ssthresh before it
  // Undo (tcp_try_undo_dsack): where the recovery started, and its
  // retransmissions that no D-SACK has yet shown spurious; 0 with the
  // marker set: all were, so the reduction is taken back.
  uint32_t undo_marker = 0;
  bool undo_armed = false;
  uint32_t undo_retrans = 0;
  bool is_cwnd_limited = true;
  uint8_t ca_state = TCP_CA_Open;
  const tcp_congestion_ops* ca_ops = nullptr;
  alignas(8) unsigned char ca_priv[ICSK_CA_PRIV_SIZE] = {};

  // ---- the connection (zero until tcp_v4_connect)
  sock* sk = nullptr;
  uint32_t snd_max = 0;     // the highest sequence sent + 1 (snd_nxt rewinds on an RTO)
  uint32_t write_seq = 0;   // the end of the data queued by tcp_sendmsg
  uint32_t snd_wnd = 0;     // the peer's window, scaled
  uint32_t snd_wl1 = 0;     // seq of the segment that last updated it
  uint32_t max_window = 0;
  uint32_t rcv_nxt = 0;
  uint32_t rcv_wup = 0;     // rcv_nxt when the last window was sent
  uint32_t rcv_wnd = 0;     // the window sent last (bytes)
  uint8_t snd_wscale = 0, rcv_wscale = 0;
  bool wscale_ok = false, sack_ok = false, tstamp_ok = false;
  uint32_t ts_recent = 0;   // the peer's last TSval, echoed
  uint32_t tsoffset = 0;    // secure_tcp_ts_off
  uint16_t advmss = 0;      // what our SYN said
  uint16_t rx_mss = 0;      // what the peer's SYN said (mss_clamp)
  uint32_t mss_cache = TCP_MSS_DEFAULT;  // payload bytes per segment, options taken off
  bool nodelay = false;     // TCP_NODELAY: Nagle off
  bool cork_more = false;   // a sendmsg with MSG_MORE is queueing: hold a short tail
  bool corked = false;      // TCP_CORK (TCP_NAGLE_CORK): hold short segments until cleared
  int syn_retries = 0;      // TCP_SYNCNT (0: net.ipv4.tcp_syn_retries)
  uint8_t retransmits = 0;  // icsk_retransmits: RTOs without progress
  uint64_t retrans_stamp = 0;
  // The send queue: bytes [sendq_seq, write_seq). In host memory, in sendq
  // from sendq_head, copied again by the driver at every transmission; or,
  // with sendq_on_dev, in the socket's tcp_sendq_ring (sk->sk_sendq) in
  // device memory, posted by reference.
  std::vector<uint8_t> sendq;
  size_t sendq_head = 0;
  uint32_t sendq_seq = 0;   // sequence of the queue's first byte
  bool sendq_on_dev = false;
  bool sendq_dev_failed = false;  // no device memory for this connection: host queue
  bool sendq_pin_wait = false;    // a sender waits for the NIC to let go of queue bytes
  // Payload bytes: copied into the send queue by tcp_sendmsg; copied by the
  // driver into its payload buffer, and posted by reference (retransmissions
  // included).
  uint64_t sendq_copy_bytes = 0, nic_copy_bytes = 0, nic_ref_bytes = 0;
  bool fin_queued = false;  // close/shutdown(SHUT_WR): FIN after write_seq
  // The receive queue for recv, and segments that came ahead of rcv_nxt.
  std::vector<uint8_t> recvq;
  size_t recvq_head = 0;
  std::map<uint32_t, std::vector<uint8_t>> ooo;  // out_of_order_queue by seq
  size_t ooo_bytes = 0;
  // ACK scheduling: full segments received since the last ACK, an ACK owed.
  unsigned rcv_segs_unacked = 0;
  bool ack_pending = false;
  // Loss recovery: duplicate ACKs, NewReno's recovery point, an RTT sample.
  int dup_acks = 0;
  uint32_t high_seq = 0;
  uint32_t rtt_timed_seq = 0;  // the end of the segment being timed
  uint64_t rtt_stamp = 0;      // when it left; 0: none timed
  uint64_t total_retrans = 0, fast_retrans = 0, rto_count = 0;
  // Descriptors that carried data, and the segments the NIC made of them
  // (more than one each where TSO cuts a packet).
  uint64_t data_descs = 0, data_segs = 0;
  uint64_t bytes_acked = 0;  // data bytes the peer acknowledged (tcpi_bytes_acked)
  bool tsq_throttled = false;  // TSQ_THROTTLED: waits for the NIC to send what it holds
  // The SACK scoreboard (tcp_sacktag_write_queue's marks, kept as ranges):
  // data above snd_una that the peer holds, start -> end, merged; and the
  // end of what this recovery retransmitted (RFC 6675's HighRxt).
  struct sack_range {
    uint32_t start, end;
  };
  std::vector<sack_range> sacked;  // in sequence order, all after snd_una
  uint32_t high_rxt = 0;
  // tp->reordering: how many segments may overtake one before it counts as
  // lost (net.ipv4.tcp_reordering, 3), raised when a hole fills by itself.
  uint32_t reordering = TCP_FASTRETRANS_THRESH;
  bool reord_seen = false;  // reordering was detected on this connection
  uint32_t min_rtt_us = 0;  // the lowest RTT sample (tcp_min_rtt; 0: none yet)
  // RACK (tcp_recovery.cpp): each data transmission in time order, until
  // snd_una passes it; and the newest delivered one: when it was sent, its
  // end, and the RTT its delivery measured.
  struct tx_rec {
    uint32_t start, end;
    uint64_t t;
    bool retrans;  // the data had been sent before
  };
  std::deque<tx_rec> tx_log;
  uint64_t rack_mstamp = 0;
  uint32_t rack_end_seq = 0;
  uint32_t rack_rtt_us = 0;
  // The reordering window in quarters of min_rtt (reo_wnd_steps): a D-SACK
  // (a spurious retransmission) adds one, at most once per RTT; it falls back
  // to one after 16 recoveries without one (reo_wnd_persist).
  uint8_t rack_reo_wnd_steps = 1;
  uint8_t rack_reo_wnd_persist = 0;
  uint64_t rack_reo_step_stamp = 0;  // no further step before this time
  // Tail loss probe (RFC 8985 7): its timer, and snd_nxt after the probe
  // while its answer is awaited (tlp_high_seq; 0: none out).
  uint64_t tlp_timeout = 0;
  uint32_t tlp_high_seq = 0;
  bool tlp_retrans = false;  // the probe sent old data again
  uint64_t tlp_count = 0;    // probes sent (TCPLossProbes)
  // Timers (absolute µs; 0: not armed): retransmit/probe, delayed ACK, the
  // end of TIME_WAIT or of an orphaned FIN_WAIT2.
  uint64_t rto_timeout = 0;
  uint64_t delack_timeout = 0;
  uint64_t rack_reo_timeout = 0;  // RACK: data sent before the newest delivery comes due
  uint64_t tw_timeout = 0;
  bool orphan = false;      // closed by the user: only the stack keeps it
  bool sock_done = false;   // SOCK_DONE: the peer's FIN came
  uint32_t window_clamp = 0;  // the most receive window we offer (bytes)
  uint32_t snd_sml = 0;     // the end of the last small segment sent (Minshall's Nagle)

  // ---- TCP_USER_TIMEOUT (tcp_write_timeout): how long data may stay
  // unacknowledged (icsk_user_timeout, ms; 0: tcp_retries2 decides). It is
  // measured from retrans_stamp: the SYN's departure in SYN_SENT, the first
  // RTO's retransmission after that.
  uint32_t user_timeout_ms = 0;

  // ---- Urgent data (MSG_OOB sends): snd_up is the sequence after the last
  // urgent byte; while it is after snd_una (tcp_urg_mode) segments below it
  // carry URG and the pointer, and Nagle does not hold them.
  uint32_t snd_up = 0;

  // ---- TCP_MAXSEG set by the user (rx_opt.user_mss; 0: none): it caps the
  // MSS we advertise and so the segments we send.
  uint16_t user_mss = 0;

  // ---- passive open (listen/accept), under the stack lock like the rest.
  // A listener (TCP_LISTEN): its requests, children still in SYN_RECV
  // (the SYN queue); the children whose handshake completed, oldest first,
  // for accept (icsk_accept_queue); listen's backlog (sk_max_ack_backlog).
  std::vector<sock*> syn_queue;
  std::deque<sock*> accept_queue;
  int max_ack_backlog = 0;
  // A child: the listener whose queues hold it, until accept takes it.
  sock* parent = nullptr;
};

// sk_acceptq_is_full: a listener's accept queue holds up to backlog + 1, as Linux's.
inline bool sk_acceptq_is_full(const tcp_sock* ltp) {
  return ltp->accept_queue.size() > static_cast<size_t>(ltp->max_ack_backlog);
}

// Takes n bytes off the front of a byte queue kept as a vector and a head
// index; the vector is cut back once the taken part is most of it.
inline void tcp_queue_pull(std::vector<uint8_t>* q, size_t* head, size_t n) {
  *head += n;
  if (*head == q->size()) {
    q->clear();
    *head = 0;
  } else if (*head >= 65536 && *head * 2 >= q->size()) {
    q->erase(q->begin(), q->begin() + static_cast<long>(*head));
    *head = 0;
  }
}

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

// tcp_v4_rcv's work after the socket lookup: skb data at the TCP header, len
// the segment's bytes (header included), checksum verified.
void tcp_rcv_state_process(sock* sk, const uint8_t* th, size_t len);
// tcp_reset: a RST took the connection down (ECONNREFUSED in SYN_SENT,
// EPIPE in CLOSE_WAIT, ECONNRESET otherwise).
void tcp_reset(sock* sk);
// The connection's state moves (tcp_set_state) and sleepers are told.
void tcp_set_state(sock* sk, int state);
// tcp_rack_reo_timeout: data RACK held for the reordering window may now
// count as lost: recovery starts, or goes on.
void tcp_rack_reo_timeout(sock* sk);
// tcp_done: the connection is over (CLOSE); its socket leaves the tables.
void tcp_done(sock* sk);
// The option bytes of a segment, parsed (tcp_parse_options).
struct tcp_options_received {
  uint16_t mss_clamp = 0;
  int snd_wscale = -1;
  bool sack_ok = false, saw_tstamp = false;
  uint32_t rcv_tsval = 0, rcv_tsecr = 0;
  unsigned num_sacks = 0;  // SACK blocks on this segment (RFC 2018)
  struct {
    uint32_t start_seq, end_seq;
  } sack[TCP_NUM_SACKS] = {};
};
void tcp_parse_options(const uint8_t* th, size_t doff, bool syn, tcp_options_received* opt);
// The SACK scoreboard: bytes after seq that the peer has SACKed, and the
// end of the SACKed range that holds seq (seq itself when none does).
uint32_t tcp_sacked_after(const tcp_sock* tp, uint32_t seq);
uint32_t tcp_sacked_skip(const tcp_sock* tp, uint32_t seq);
// The first SACKed byte after seq, or `limit` when none comes before it.
uint32_t tcp_next_sacked(const tcp_sock* tp, uint32_t seq, uint32_t limit);
// The peer's SYN or SYN-ACK taken for the connection (both ends do so alike):
// rcv_nxt after its sequence number, its window (unscaled), window scale,
// SACK-permitted, timestamps and MSS, then the MSS to send with (advmss set).
void tcp_syn_options_take(tcp_sock* tp, uint32_t seq, uint16_t window,
                          const tcp_options_received& opt);

// ---- tcp_recovery.cpp (RACK)
// A data transmission of [seq, seq + len) now (before snd_nxt/snd_max move).
void tcp_rack_note_xmit(tcp_sock* tp, uint32_t seq, uint32_t len);
// The log loses what snd_una passed.
void tcp_rack_prune(tcp_sock* tp);
// Data in [start, end) was ACKed or SACKed by the ACK at hand, whose TSecr is
// tsecr (0: none); call before the scoreboard takes its blocks.
void tcp_rack_advance(tcp_sock* tp, uint32_t start, uint32_t end, uint32_t tsecr);
// tcp_rack_update_reo_wnd: a D-SACK came (RFC 2883: something was
// retransmitted that had not been lost): widen the reordering window.
void tcp_rack_update_reo_wnd(tcp_sock* tp);
// A recovery starts: the widened window lasts only so many of them.
void tcp_rack_recovery_started(tcp_sock* tp);
// RFC 6675 IsLost: more than reordering - 1 segments SACKed above seq.
bool tcp_sack_is_lost(const tcp_sock* tp, uint32_t seq);
// The first segment at or after seq that counts as lost (IsLost for data
// sent once, RACK for any): true with *at and *len (at most an MSS). Arms
// rack_reo_timeout for data that will count as lost soon.
bool tcp_next_lost(tcp_sock* tp, uint32_t seq, uint32_t* at, uint32_t* len);

// ---- tcp_timer.cpp
// The retransmission timer's next interval after `backoff` RTOs in a row:
// rto << backoff, at most TCP_RTO_MAX (inet_csk_rto_backoff).
uint32_t inet_csk_rto_backoff(const tcp_sock* tp);
// The timers of every connection that are due (the poll thread, every pass).
void tcp_run_timers(net* n);
// Arms the retransmission timer for rto << backoff from now.
void inet_csk_reset_xmit_timer(tcp_sock* tp);
// The stack's monotonic clock, µs (tcp_clock_us).
uint64_t tcp_clock_us();

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
// tcp_transmit_skb: `len` bytes of the send queue from `seq` with header and
// options (FIN/SYN/RST by flags) to the NIC as one descriptor: a TSO
// descriptor that the NIC cuts into MSS segments where it can (data, options
// within 24 bytes), else one segment built here, checksum and all. The one
// place that makes segments. 0 or -errno.
int tcp_transmit_skb(sock* sk, uint32_t seq, uint32_t len, uint8_t flags);
// tcp_write_xmit: new data (and a queued FIN) within the peer's window and
// cwnd, up to a descriptor's 64 KiB of whole segments per packet with TSO
// (one segment without), Nagle unless TCP_NODELAY or `push_small`.
void tcp_write_xmit(sock* sk, bool push_small);
// tcp_small_queue_check (TCP Small Queues): true, and the socket marked
// throttled, when what the connection has on the NIC's ring is above about
// 1 ms at its pacing rate (at least two packets of next_len bytes): the rest
// waits in the send queue, where an ACK or a retransmission is not behind it.
bool tcp_small_queue_check(sock* sk, uint32_t next_len);
// tcp_tsq_handler: a throttled connection sends again once the NIC has
// drained its share (checked by the timers at every pass).
void tcp_tsq_handler(sock* sk);
// tcp_send_ack: a bare ACK now (cancels a delayed one).
void tcp_send_ack(sock* sk);
// tcp_connect: the SYN, and the retransmission timer for it.
int tcp_connect(sock* sk);
// tcp_v4_send_synack: a child's SYN-ACK (tcp_synack_options: only what the
// peer's SYN offered), and the retransmission timer for it.
int tcp_v4_send_synack(sock* sk);
// tcp_retransmit_skb: the segment at snd_una again (fast retransmit, RTO).
void tcp_retransmit_skb(sock* sk);
// __tcp_retransmit_skb for one hole: len bytes (at most one MSS) from seq again.
void tcp_retransmit_seq(sock* sk, uint32_t seq, uint32_t len);
// tcp_schedule_loss_probe: in the Open state with SACK, data in flight and
// no probe out, the probe timer at 2 x srtt (plus the worst delayed ACK when
// one segment is out), never after the retransmission timer.
void tcp_schedule_loss_probe(sock* sk);
// tcp_send_loss_probe: a new segment if the windows let one go, else the
// last segment sent again; then the retransmission timer.
void tcp_send_loss_probe(sock* sk);
// tcp_send_active_reset: a RST for the connection (close with unread data).
void tcp_send_active_reset(sock* sk);
// The window to advertise, unscaled bytes (tcp_select_window).
uint32_t tcp_receive_window(const tcp_sock* tp);
// tcp_sync_mss: MSS from the peer's, ours and the options on every segment.
void tcp_sync_mss(tcp_sock* tp);

// ---- tcp.cpp: the send queue in device memory
// Bytes of the device send queue free for new data: what is neither queued
// nor still pointed at by a descriptor the NIC holds.
uint32_t tcp_sendq_room(const sock* sk);
// The socket's device send queue goes back to the pool when the connection
// sends no more and no descriptor points into it.
void tcp_sendq_release(sock* sk);
// len bytes of the send queue from seq into dst (host-built segments).
void tcp_sendq_read(const sock* sk, uint32_t seq, uint32_t len, uint8_t* dst);

}  // namespace sendoff

#endif  // SENDOFF_NET_TCP_HPP
