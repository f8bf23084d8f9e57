// SPDX-License-Identifier: MIT
// struct net: the one network stack instance (Linux: a network namespace) —
// its interface, sysctls, port tables, open sockets and NIC — and the
// internal entry points each layer offers the next.
#ifndef SENDOFF_NET_NET_HPP
#define SENDOFF_NET_NET_HPP

#include <poll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <tuple>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sendoff/device.hpp"
#include "sendoff/netconf.hpp"
#include "sendoff/stack.hpp"
#include "sendoff/tap_port.hpp"
#include "neighbour.hpp"
#include "sendoff_nic.hpp"
#include "sendoff_rx.hpp"
#include "skbuff.hpp"
#include "sock.hpp"
#include "trace.hpp"

namespace sendoff {

// The sysctls the send path reads; taken from the running kernel's /proc so
// sendoff behaves as this machine's Linux would (defaults when unreadable).
// capable(): cap (CAP_NET_RAW, CAP_NET_ADMIN, ...) in this process's effective set.
bool capable(int cap);

struct Sysctls {
  int wmem_default = 212992;  // net.core.wmem_default
  int wmem_max = 212992;      // net.core.wmem_max
  int rmem_default = 212992;  // net.core.rmem_default
  int rmem_max = 212992;      // net.core.rmem_max
  int ip_default_ttl = 64;    // net.ipv4.ip_default_ttl
  int port_lo = 32768, port_hi = 60999;  // net.ipv4.ip_local_port_range
  int somaxconn = 4096;       // net.core.somaxconn: listen's backlog at most
  // One jiffy (1/HZ s) in µs: socket timeouts are kept in jiffies, so a
  // timeout reads back rounded up to one. Probed on a kernel socket.
  long jiffy_us = 4000;
  long hz() const { return 1000000 / jiffy_us; }  // CONFIG_HZ
  int ipfrag_high_thresh = 4194304;  // net.ipv4.ipfrag_high_thresh (bytes)
  int ipfrag_time = 30;              // net.ipv4.ipfrag_time (s)
  int tcp_early_retrans = 3;         // net.ipv4.tcp_early_retrans: 3 and 4 send loss probes
  void load();
};

// The receive path's counters, named after the SNMP MIB rows Linux keeps in
// /proc/net/snmp (Ip: and Udp:) and the device's rx_dropped.
struct RxStats {
  std::atomic<uint64_t> rx_packets{0}, rx_dropped{0};  // netif_receive_skb
  std::atomic<uint64_t> ip_in_receives{0}, ip_in_hdr_errors{0}, ip_in_addr_errors{0},
      ip_in_truncated{0}, ip_in_unknown_protos{0}, ip_in_delivers{0}, ip_in_csum_errors{0},
      ip_reasm_reqds{0}, ip_reasm_oks{0}, ip_reasm_fails{0}, ip_reasm_timeout{0},
      ip_reasm_overlaps{0};
  std::atomic<uint64_t> udp_in_datagrams{0}, udp_no_ports{0}, udp_in_errors{0},
      udp_rcvbuf_errors{0}, udp_in_csum_errors{0};
  std::atomic<uint64_t> icmp_in_msgs{0};
};

// A datagram being reassembled (struct ipq): its fragments' payloads by
// offset, the first fragment's header, and how much of it has come.
struct ipq {
  std::map<size_t, std::vector<uint8_t>> frags;
  std::vector<uint8_t> header;  // the offset-0 fragment's IP header
  size_t len = 0;               // datagram payload bytes, known once the last came
  size_t meat = 0;              // payload bytes held
  size_t truesize = 0;          // charged to the reassembly memory
  bool first_in = false, last_in = false;
  std::chrono::steady_clock::time_point expires;
};
// (saddr, daddr, id, protocol): ip4_frag_match's key.
using ipq_key = std::tuple<uint32_t, uint32_t, uint16_t, uint8_t>;

struct net {
  NetConfig cfg;
  Sysctls sysctl;
  std::unique_ptr<Device> dev;
  SendoffNic nic;
  std::map<uint16_t, std::vector<sock*>> udp_ports;  // bound UDP sockets by port
  std::set<sock*> raw_socks;                          // raw_v4_hashinfo
  // TCP: sockets bound to a port (bhash), connections by their socket
  // (ehash; each holds a reference on its sock), and connections that are
  // over, to be let go outside the code that ended them.
  std::map<uint16_t, std::vector<sock*>> tcp_ports;
  std::set<sock*> tcp_socks;
  std::vector<sock*> tcp_reap;
  uint32_t ip_ident_seed = 0;
  std::unique_ptr<std::atomic<uint16_t>[]> ip_idents;  // __ip_select_ident buckets
  // rt_genid: bumped when the configuration changes; a cached route made
  // under an older one is not used again.
  std::atomic<uint32_t> rt_genid{1};
  // Set when the stack is closing: calls in flight give up their waits.
  std::atomic<bool> dying{false};
  // The control path (socket, bind, connect, setsockopt, close, ...) runs
  // under this lock; sends do not take it (RCU keeps what they read alive).
  std::mutex lock;
  Trace trace;
  RxStats rx;
  std::map<ipq_key, ipq> ipqs;  // under lock, as the RX path runs
  size_t ipfrag_mem = 0;
  // The driver's receive side and its poll thread (NAPI: the softirq that
  // polls the completion ring and runs netif_receive_skb under the lock).
  SendoffRx nic_rx;
  TapPort* tap = nullptr;  // its frames go into the NIC's receive side
  std::thread napi;
  std::atomic<bool> napi_stop{false};
  // ARP's neighbour table; its xmit is set where the NIC both receives and
  // sends whole frames (else only static neighbours resolve).
  neigh_table neigh;
};

// Pollers of any socket (so_poll) sleep here; every socket's wake-up wakes
// them too (one queue: a poll set rarely spans many busy sockets). Not in
// net: a poller sleeps outside the RCU section that keeps net alive.
wait_queue_head& poll_wait_queue();

// The open stack, or nullptr.
net* net_get();

// ---------------------------------------------------------------- routing
// The result of ip_route_output: next hop, source, and what kind of
// destination it is (Linux's rt_type / RTCF_BROADCAST).
struct rtable {
  uint32_t saddr = 0;
  uint32_t daddr = 0;
  uint32_t nexthop = 0;
  bool broadcast = false;
  bool multicast = false;
  unsigned mtu = 0;
  uint8_t dmac[6] = {};
  // The next hop's ARP entry (null for static neighbours, broadcast and
  // multicast) and its ha_gen when dmac was copied from it.
  neighbour* neigh = nullptr;
  uint32_t neigh_gen = 0;
};
// onlink: MSG_DONTROUTE (RT_SCOPE_LINK) — only on-link destinations.
int ip_route_output(net* n, uint32_t daddr, uint32_t saddr, bool onlink, rtable* rt);

// A socket's cached route (sk_dst_cache). One per socket and destination
// port, since it also carries the NIC flow, whose key has both ports.
struct dst_entry {
  rtable rt;
  uint32_t key_daddr = 0, key_saddr = 0;  // what it was looked up for
  uint16_t key_dport = 0, key_sport = 0;
  bool key_onlink = false;
  uint32_t genid = 0;                     // net::rt_genid when it was made
  std::atomic<int> nic_flow{-1};          // the driver's flow entry (held), -1: none yet
};
// sk_dst_check + ip_route_output_flow: the socket's cached route for this
// destination when it is still valid, else a new one, cached. The pointer
// is valid until the caller's RCU read-side section ends. 0 or -errno.
int ip_route_output_cached(sock* sk, uint32_t daddr, uint16_t dport, bool onlink,
                           dst_entry** out);
// sk_dst_reset: forget the cached route (bind, connect, close).
void sk_dst_reset(sock* sk);
// __sk_free: the socket's memory goes (its last in-flight packet was sent).
void __sk_free(sock* sk);
// sk_free: drops the socket's own reference on sk_wmem_alloc.
void sk_free(sock* sk);
bool inet_addr_is_local(net* n, uint32_t addr);
bool inet_addr_is_broadcast(net* n, uint32_t addr);
// ip_check_mc_rcu: whether the interface is a member of the group. Sockets here join no
// group (IP_ADD_MEMBERSHIP is ENOPROTOOPT), so only the all-hosts group every interface
// joins as it comes up (ip_mc_up: 224.0.0.1).
bool ip_check_mc(net* n, uint32_t group);

// ---------------------------------------------------------------- layers
extern const proto udp_prot;
extern const proto raw_prot;
extern const proto tcp_prot;
extern const proto_ops inet_dgram_ops;
extern const proto_ops inet_sockraw_ops;
extern const proto_ops inet_stream_ops;
// The route cache with the stack lock already held (the TCP paths).
int __ip_route_output_cached(sock* sk, uint32_t daddr, uint16_t dport, bool onlink,
                             dst_entry** out);
// TCP's entry points (tcp.cpp, tcp_ipv4.cpp).
int tcp_v4_rcv(net* n, std::unique_ptr<sk_buff_rx> skb);
int tcp_init_sock(sock* sk);
unsigned tcp_poll(sock* sk);
// Passive open (tcp.cpp, after inet_connection_sock.c). inet_csk_listen_start:
// TCP_LISTEN, the port checked as a listener's (an unbound socket gets an
// ephemeral one). inet_csk_listen_stop: the requests and the children nobody
// accepted end. inet_csk_accept (with the stack lock held; it sleeps without
// it): the oldest child of the accept queue, else nullptr with *err -EAGAIN
// (O_NONBLOCK in flags, or SO_RCVTIMEO ran out), -EINVAL (not listening),
// -EINTR, -ENETDOWN. inet_csk_reqsk_queue_drop: a request that ended leaves
// its listener's SYN queue.
int inet_csk_listen_start(sock* sk);
void inet_csk_listen_stop(sock* sk);
sock* inet_csk_accept(sock* sk, int flags, int* err);
void inet_csk_reqsk_queue_drop(sock* sk);
// The connections that ended go (their route, their hold on the socket);
// every connection at stack teardown.
void tcp_reap_sockets(net* n);
void tcp_destroy_all(net* n);

int inet_create(net* n, socket* sock, int protocol);
int inet_autobind(sock* sk);
int inet_sendmsg(socket* sock, msghdr_k* msg, size_t size);
int ip4_datagram_connect(sock* sk, const sockaddr* uaddr, int addr_len);
int udp_disconnect(sock* sk, int flags);

int sock_setsockopt(socket* sock, int level, int optname, const void* optval, unsigned optlen);
int sock_getsockopt(socket* sock, int level, int optname, void* optval, unsigned* optlen);
int ip_setsockopt(sock* sk, int level, int optname, const void* optval, unsigned optlen);
int ip_getsockopt(sock* sk, int level, int optname, void* optval, unsigned* optlen);
void sock_init_data(net* n, sock* sk);

// Per-send IP settings, from the socket and the control messages
// (Linux's struct ipcm_cookie).
struct ipcm_cookie {
  int ttl = 0;  // 0: socket/route default
  int tos = -1;
  int protocol = 0;
};
// ip_cmsg_send: parses SOL_IP / SOL_SOCKET control messages. 0 or -errno.
int ip_cmsg_send(sock* sk, const msghdr_k* msg, ipcm_cookie* ipc);

// ip_make_skb: checks size against the MTU and IP_PMTUDISC, waits for send-
// buffer space (sock_alloc_send_skb) and decides the IPv4 fields
// (__ip_append_data, __ip_make_skb). len is the transport payload, l4_hdr the
// header bytes the NIC adds (8 for UDP, 0 for raw). 0 or -errno.
int ip_make_skb(sock* sk, dst_entry* dst, const ipcm_cookie& ipc, const msghdr_k* msg,
                size_t len, size_t l4_hdr, sk_buff* skb);
// udp_send_skb: the UDP header is the NIC's (checksum offload); then IP.
int udp_send_skb(sk_buff* skb, uint16_t dport);
// ip_send_skb → ip_local_out → ip_output → ip_finish_output2 → neigh_output
// → dev_queue_xmit → the driver's ndo_start_xmit. 0 or -errno.
int ip_send_skb(net* n, sk_buff* skb);
// dev_queue_xmit: the driver's ndo_start_xmit, waiting for ring space unless
// skb->nonblock. 0 or -errno.
int dev_queue_xmit(net* n, sk_buff* skb);
// sock_wfree: a packet charged to sk is done; the last charge of a closed
// socket frees it.
void sock_wfree(sock* sk, uint32_t charge);

// ---------------------------------------------------------------- receive
// netif_receive_skb: a frame (no FCS) from the driver's RX poll, run through
// eth_type_trans → ip_rcv → ip_local_deliver → udp_rcv / raw delivery to the
// sockets' receive queues. Called with n->lock held (the lock keeps sockets
// from closing under it). Consumes skb.
void netif_receive_skb(net* n, std::unique_ptr<sk_buff_rx> skb);
// napi_gro_receive's part here: a frame the driver's poll took off the
// ring, copied into an skb (the buffer goes back to the NIC) and received.
void napi_receive(net* n, const uint8_t* frame, size_t len, bool csum_verified);
int ip_rcv(net* n, std::unique_ptr<sk_buff_rx> skb);
// ip_defrag: queues a fragment (skb->data at its IP header); returns the whole
// datagram, header first with tot_len and frag_off rewritten, once every
// fragment has come, else nullptr.
std::unique_ptr<sk_buff_rx> ip_defrag(net* n, std::unique_ptr<sk_buff_rx> skb);
int udp_rcv(net* n, std::unique_ptr<sk_buff_rx> skb);
void raw_local_deliver(net* n, const sk_buff_rx& skb, const uint8_t* iph, size_t iplen);
// __sock_queue_rcv_skb for datagram sockets (__udp_enqueue_schedule_skb):
// charges sk_rmem_alloc, queues, wakes a reader. false: dropped (rcvbuf full).
bool sock_queue_rcv_skb(sock* sk, std::unique_ptr<sk_buff_rx> skb);
// __skb_recv_datagram: the head of the queue, taken off it (MSG_PEEK: a copy,
// the datagram stays), waiting as MSG_DONTWAIT and SO_RCVTIMEO say. nullptr
// with *err = -errno, or 0 after shutdown(SHUT_RD) (recvmsg returns 0).
std::unique_ptr<sk_buff_rx> skb_recv_datagram(sock* sk, int flags, int* err);
// skb_copy_datagram_msg: copies len bytes from data to the user's iovecs.
// 0 or -EFAULT.
int skb_copy_datagram_msg(const uint8_t* data, size_t len, msghdr_k* msg);
// sk_ep_sync: for a socket an epoll set watches, makes its eventfd's
// counter non-zero exactly while the socket is readable (and bumps it on
// each arrival, for edge-triggered sets). Under sk->rq_lock.
void sk_ep_sync(sock* sk, bool arrival);
// Wakes every receiver of sk (close, shutdown, stack teardown).
void sk_wake_receivers(sock* sk);
// datagram_poll: POLLIN with a datagram queued (or after SHUT_RD, with
// POLLRDHUP), POLLOUT while under half of SO_SNDBUF is in flight
// (sock_writeable), POLLHUP once shut down both ways.
unsigned datagram_poll(sock* sk);
// do_sys_poll for sendoff's sockets (and, through the kernel, any other fd
// in the set): the number of entries with events, or -errno (EINTR,
// EFAULT, EINVAL). timeout_ms < 0 waits without a limit. Takes its own
// RCU sections (none while it sleeps), so it needs no open stack.
long sys_poll(pollfd* ufds, unsigned long nfds, int timeout_ms);
// epoll_ctl's part (so_epoll_watch): readies fd's eventfd for epoll sets that
// ask for `events`. A datagram socket's follows sk_ep_sync; a stream socket's
// mirrors its proto_ops poll, brought in line outside the stack lock by the
// call that changed the socket (sock_ep_refresh_fd) and by the poll thread
// after each pass (sock_ep_refresh_all). 0 or -errno; sock_ep_watch in an
// RCU section, the others take their own (errno kept).
int sock_ep_watch(net* n, int fd, unsigned events);
void sock_ep_refresh_fd(int fd);
void sock_ep_refresh_all(net* n);
int inet_recvmsg(socket* sock, msghdr_k* msg, size_t size, int flags);
void raw_hash_sk(sock* sk);

// put_cmsg: one control message into the user's buffer (MSG_CTRUNC when it
// does not fit). 0 or -EFAULT.
int put_cmsg(msghdr_k* msg, int level, int type, size_t len, const void* data);
// ip_recv_error: recvmsg(MSG_ERRQUEUE): the oldest queued error, its
// payload, the address it went to and an IP_RECVERR control message.
int ip_recv_error(sock* sk, msghdr_k* msg, size_t len, int* addr_len);
// ip_icmp_error: queues an error for an IP_RECVERR socket and sets sk_err.
void ip_icmp_error(sock* sk, int err, uint8_t icmp_type, uint8_t icmp_code, uint32_t offender,
                   uint32_t daddr, uint16_t dport, const uint8_t* payload, size_t len);

int security_socket_sendmsg(socket* sock, msghdr_k* msg, size_t size);
int security_load_policy(const std::string& path, std::string* err);

}  // namespace sendoff

#endif  // SENDOFF_NET_NET_HPP
