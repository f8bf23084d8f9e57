// SPDX-License-Identifier: MIT
// The socket-layer objects, shaped and named as in Linux (include/linux/net.h,
// include/net/sock.h, include/net/inet_sock.h) so a reader of net/socket.c
// and net/ipv4/af_inet.c finds their way. Internal functions return -errno.
#ifndef SENDOFF_NET_SOCK_HPP
#define SENDOFF_NET_SOCK_HPP

#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/errqueue.h>
#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "wait_queue.hpp"
#include <memory>
#include <mutex>

#include "skbuff.hpp"

namespace sendoff {

struct socket;
struct sock;
struct net;
struct dst_entry;
struct tcp_sock;
struct tcp_sendq_ring;

// Linux's MSG_PROBE ("do not send, only probe the path"): glibc names the bit MSG_PROXY.
constexpr unsigned kMsgProbe = 0x10;

// The kernel's struct msghdr after the syscall layer copied it in: the
// address is a kernel copy, iovecs and control still point at user memory.
struct msghdr_k {
  sockaddr_storage* name = nullptr;
  int namelen = 0;
  const iovec* iov = nullptr;
  size_t iovlen = 0;
  const void* control = nullptr;  // user's cmsg buffer
  size_t controllen = 0;
  unsigned flags = 0;  // MSG_* (recvmsg: the flags returned, msg_flags)
  bool more = false;   // sendmmsg: more datagrams follow (the driver's xmit_more)
  // recvmsg: the user's control buffer still free for put_cmsg.
  void* ucontrol = nullptr;
  size_t ucontrollen = 0;
};

// An entry of sk_error_queue (struct sock_exterr_skb): the error, where the
// packet was going, who reported it, and the packet's payload as reported.
struct sock_exterr_skb {
  sock_extended_err ee{};
  uint32_t addr = 0;      // the packet's destination (host order)
  uint16_t port = 0;      // and port
  uint32_t offender = 0;  // the reporter's address
  std::vector<uint8_t> payload;
  size_t truesize = 0;
};

// struct proto_ops: the BSD-socket-facing operations of an address family.
struct proto_ops {
  int family;
  int (*release)(socket* sock);
  int (*bind)(socket* sock, const sockaddr* addr, int addr_len);
  int (*connect)(socket* sock, const sockaddr* addr, int addr_len, int flags);
  int (*getname)(socket* sock, sockaddr* addr, int peer);  // returns length
  int (*shutdown)(socket* sock, int how);
  int (*setsockopt)(socket* sock, int level, int optname, const void* optval, unsigned optlen);
  int (*getsockopt)(socket* sock, int level, int optname, void* optval, unsigned* optlen);
  int (*sendmsg)(socket* sock, msghdr_k* msg, size_t len);
  // Returns the bytes (or the datagram's length with MSG_TRUNC) or -errno;
  // msg->namelen becomes the length of the address written to msg->name.
  int (*recvmsg)(socket* sock, msghdr_k* msg, size_t len, int flags);
  // The POLL* events the socket has now (udp_poll, datagram_poll).
  unsigned (*poll)(socket* sock);
  // Null for datagram sockets: sock_no_listen / sock_no_accept (EOPNOTSUPP).
  int (*listen)(socket* sock, int backlog);
  // The next connection's socket in *newsock; flags holds the file's O_NONBLOCK.
  int (*accept)(socket* sock, socket** newsock, int flags);
};

// struct proto: the transport protocol behind a socket.
struct proto {
  const char* name;
  void (*close)(sock* sk);
  int (*connect)(sock* sk, const sockaddr* addr, int addr_len);
  int (*disconnect)(sock* sk, int flags);
  int (*bind)(sock* sk, const sockaddr* addr, int addr_len);  // null: inet_bind's
  int (*get_port)(sock* sk, uint16_t snum);                   // 0 or -errno
  void (*unhash)(sock* sk);
  int (*setsockopt)(sock* sk, int level, int optname, const void* optval, unsigned optlen);
  int (*getsockopt)(sock* sk, int level, int optname, void* optval, unsigned* optlen);
  int (*sendmsg)(sock* sk, msghdr_k* msg, size_t len);
  int (*recvmsg)(sock* sk, msghdr_k* msg, size_t len, int flags, int* addr_len);
  // TCP's: the send side's half of shutdown (null: none), and no port taken
  // by a send before connect (no_autobind).
  void (*shutdown)(sock* sk, int how);
  bool no_autobind;
  // SIOCINQ / SIOCOUTQ when the protocol counts them its own way (null: the
  // datagram answers). 0 with *karg set, or -errno.
  int (*ioctl)(sock* sk, int cmd, int* karg);
};

// sk_state values (include/net/tcp_states.h); datagram sockets use two.
enum {
  TCP_ESTABLISHED = 1,
  TCP_SYN_SENT,
  TCP_SYN_RECV,
  TCP_FIN_WAIT1,
  TCP_FIN_WAIT2,
  TCP_TIME_WAIT,
  TCP_CLOSE,
  TCP_CLOSE_WAIT,
  TCP_LAST_ACK,
  TCP_LISTEN,
  TCP_CLOSING,
};
// sk_shutdown bits.
enum { RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3 };
// sk_userlocks bits.
enum { SOCK_SNDBUF_LOCK = 1, SOCK_BINDADDR_LOCK = 4, SOCK_BINDPORT_LOCK = 8 };
// socket->state (include/uapi/linux/net.h).
enum socket_state { SS_UNCONNECTED = 1, SS_CONNECTING = 2, SS_CONNECTED = 3, SS_DISCONNECTING = 4 };

// struct sock with the inet_sock fields folded in.
struct sock {
  // sock_common
  int family = AF_INET;
  int type = 0;
  int protocol = 0;
  int state = TCP_CLOSE;
  // sock
  unsigned shutdown = 0;
  bool broadcast = false;  // SOCK_BROADCAST
  bool reuseaddr = false;
  bool reuseport = false;
  int sndbuf = 0;
  unsigned userlocks = 0;
  // sk_wmem_alloc: 1 + the bytes posted to the NIC and not yet sent. The 1 is
  // the socket's own reference: sk_free drops it, and whoever brings the
  // count to 0 (sk_free, or the driver reclaiming the last packet) frees the
  // socket, so the driver never charges a freed socket.
  std::atomic<size_t> wmem_alloc{1};
  int priority = 0;
  // Flags and values of SOL_SOCKET options kept as Linux keeps them; a UDP
  // socket only reports most of them back (sock.cpp).
  bool dbg = false;         // SOCK_DBG
  bool localroute = false;  // SO_DONTROUTE
  bool keepopen = false;    // SO_KEEPALIVE
  bool urginline = false;   // SO_OOBINLINE
  bool no_check_tx = false; // SO_NO_CHECK
  bool linger = false;      // SO_LINGER
  long lingertime_j = 0;    // in jiffies; LONG_MAX: for ever
  int rcvlowat = 1;
  uint32_t mark = 0;        // SO_MARK
  long sndtimeo_us = 0;     // SO_SNDTIMEO: 0 waits forever; -1 never waits
  const proto* prot = nullptr;
  socket* sk_socket = nullptr;
  net* sk_net = nullptr;  // sock_net(sk)
  // inet_sock (addresses and ports in host order)
  uint32_t saddr = 0;      // inet_saddr: source for sends
  uint32_t rcv_saddr = 0;  // inet_rcv_saddr: bound address
  uint32_t daddr = 0;
  // inet_num: local port (raw: protocol). Atomic: a first send binds it
  // (under the stack lock) while other threads may read it.
  std::atomic<uint16_t> num{0};
  uint16_t dport = 0;
  int uc_ttl = -1;  // -1: route default
  int mc_ttl = 1;
  uint8_t tos = 0;
  int pmtudisc = IP_PMTUDISC_WANT;
  std::atomic<uint16_t> inet_id{0};  // atomic: several threads may send on one socket
  bool hdrincl = false;
  // The route (and the NIC flow it needs) of the last send, read without a
  // lock; replaced under the stack lock, freed after an RCU grace period.
  std::atomic<dst_entry*> sk_dst_cache{nullptr};
  // Receive side: sk_receive_queue under its own lock (the RX path and
  // receivers never take the stack's control lock for it), sk_rmem_alloc
  // (the truesize of what is queued), sk_rcvbuf, sk_rcvtimeo, sk_drops.
  std::mutex rq_lock;
  wait_queue_head sk_wq;  // a datagram came, or shutdown/close (sk_data_ready, sk_state_change)
  std::deque<std::unique_ptr<sk_buff_rx>> receive_queue;
  std::atomic<int> rmem_alloc{0};
  int rcvbuf = 0;
  long rcvtimeo_us = 0;  // 0: wait forever (MAX_SCHEDULE_TIMEOUT); -1: never wait
  std::atomic<unsigned> drops{0};
  bool dead = false;  // closed (SOCK_DEAD): receivers waiting give up
  // sk_err: an asynchronous error (a failed neighbour), reported once by the
  // next send, receive or SO_ERROR.
  std::atomic<int> sk_err{0};
  bool recverr = false;  // IP_RECVERR
  // epoll: the socket's placeholder eventfd, whether an epoll set watches
  // it, and what its counter says now (sk_ep_sync; under rq_lock).
  int ep_fd = -1;
  std::atomic<bool> ep_watched{false};
  bool ep_readable = false;
  // A stream socket's eventfd mirrors its proto_ops poll instead (its state
  // changes under the stack lock, where that poll cannot run: select.cpp's
  // sock_ep_refresh); the events its epoll sets asked for, the wake-ups seen
  // and the counter written. Under rq_lock.
  bool ep_mirror = false;
  unsigned ep_events = 0;
  uint32_t ep_wakes = 0;
  uint64_t ep_count = 0;
  std::deque<sock_exterr_skb> error_queue;  // sk_error_queue, under rq_lock
  // TCP's connection state (tcp_sk), null for the other protocols.
  std::shared_ptr<tcp_sock> tp;
  // TCP's send queue in device memory (tcp_sendq_ring), when it has one.
  std::shared_ptr<tcp_sendq_ring> sk_sendq;
};

// sock_error: -sk_err, cleared, or 0.
inline int sock_error(sock* sk) {
  if (sk->sk_err.load(std::memory_order_relaxed) == 0) return 0;
  return -sk->sk_err.exchange(0, std::memory_order_acq_rel);
}

// sk_wmem_alloc_get: bytes in flight.
inline size_t sk_wmem_alloc_get(const sock* sk) {
  return sk->wmem_alloc.load(std::memory_order_relaxed) - 1;
}

// struct socket with its struct file folded in: the fds that dup made of one
// socket share it, its flags and its placeholder eventfd.
struct socket {
  int state = SS_UNCONNECTED;
  int type = 0;
  unsigned file_flags = 0;  // O_NONBLOCK and friends: the file's, shared by its fds
  const proto_ops* ops = nullptr;
  sock sk;
  int fd = -1;       // the fd socket() returned
  int f_count = 1;   // fds in the table that name it (under the stack lock)
  int ep_own = -1;   // a private copy of the eventfd, once sk.ep_fd's fd closed
};

}  // namespace sendoff

#endif  // SENDOFF_NET_SOCK_HPP
