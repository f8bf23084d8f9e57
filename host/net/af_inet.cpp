// SPDX-License-Identifier: MIT
// PF_INET, after net/ipv4/af_inet.c: the inetsw table that picks a socket's
// proto_ops and proto at creation, and the inet_* operations.
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>

#include <algorithm>
#include <chrono>

#include "net.hpp"
#include "rcu.hpp"
#include "signal.hpp"
#include "syscalls.hpp"
#include "tcp.hpp"

namespace sendoff {

namespace {

constexpr int kIpprotoMax = 263;  // IPPROTO_MAX

// struct inet_protosw: one (type, protocol) a socket can be created as.
// IPPROTO_IP in `protocol` is the wildcard (raw sockets take any protocol).
struct inet_protosw {
  int type;
  int protocol;
  const proto* prot;
  const proto_ops* ops;
};

// ICMP echo ("ping") sockets have Linux's entry without a protocol behind it: Linux's
// permission check answers first (ping_init_sock: EACCES outside ping_group_range), and a
// caller it lets in gets EPROTONOSUPPORT (README: no ping sockets).
const inet_protosw inetsw_array[] = {
    {SOCK_STREAM, IPPROTO_TCP, &tcp_prot, &inet_stream_ops},
    {SOCK_DGRAM, IPPROTO_UDP, &udp_prot, &inet_dgram_ops},
    {SOCK_DGRAM, IPPROTO_ICMP, nullptr, nullptr},
    {SOCK_RAW, IPPROTO_IP, &raw_prot, &inet_sockraw_ops},
};

// ping_init_sock's check: the caller's group or one of its supplementary groups lies in
// net.ipv4.ping_group_range ("1 0", nobody, unless configured).
bool ping_group_permitted() {
  FILE* f = std::fopen("/proc/sys/net/ipv4/ping_group_range", "r");
  if (!f) return false;
  unsigned long lo = 1, hi = 0;
  const bool ok = std::fscanf(f, "%lu %lu", &lo, &hi) == 2;
  std::fclose(f);
  if (!ok || lo > hi) return false;
  auto in_range = [&](gid_t g) { return g >= lo && g <= hi; };
  if (in_range(getegid())) return true;
  gid_t groups[256];
  const int n = getgroups(256, groups);
  for (int i = 0; i < n; ++i)
    if (in_range(groups[i])) return true;
  return false;
}

sockaddr_in* as_in(const sockaddr* a) {
  return reinterpret_cast<sockaddr_in*>(const_cast<sockaddr*>(a));
}

}  // namespace

bool capable(int cap) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0) return false;
  return data[cap / 32].effective & (1u << (cap % 32));
}

int inet_create(net* n, socket* sock, int protocol) {
  if (protocol < 0 || protocol >= kIpprotoMax) return -EINVAL;
  sock->state = SS_UNCONNECTED;

  const inet_protosw* answer = nullptr;
  int err = -ESOCKTNOSUPPORT;
  for (const inet_protosw& sw : inetsw_array) {
    if (sw.type != sock->type) continue;
    err = 0;
    if (protocol == sw.protocol) {
      if (protocol != IPPROTO_IP) {
        answer = &sw;
        break;
      }
    } else {
      // The two cases where the wildcard applies.
      if (protocol == IPPROTO_IP) {
        protocol = sw.protocol;
        answer = &sw;
        break;
      }
      if (sw.protocol == IPPROTO_IP) {
        answer = &sw;
        break;
      }
    }
    err = -EPROTONOSUPPORT;
  }
  if (!answer) return err ? err : -EPROTONOSUPPORT;
  if (sock->type == SOCK_RAW && !capable(CAP_NET_RAW)) return -EPERM;
  if (answer->prot == nullptr) return ping_group_permitted() ? -EPROTONOSUPPORT : -EACCES;

  sock->ops = answer->ops;
  sock_init_data(n, &sock->sk);
  sock->sk.sk_socket = sock;
  sock->sk.prot = answer->prot;
  sock->sk.type = sock->type;
  sock->sk.protocol = protocol;
  if (sock->type == SOCK_RAW) {
    // inetsw's raw entry carries INET_PROTOSW_REUSE: SO_REUSEADDR starts on (found by
    // fuzz_syscalls: sendoff read back 0).
    sock->sk.reuseaddr = true;
    sock->sk.num = static_cast<uint16_t>(protocol);
    if (protocol == IPPROTO_RAW) sock->sk.hdrincl = true;
    raw_hash_sk(&sock->sk);
  }
  if (sock->type == SOCK_STREAM) return tcp_init_sock(&sock->sk);
  return 0;
}

static int inet_release(socket* sock) {
  sock->sk.prot->close(&sock->sk);
  // sock_orphan: nothing is queued to it any more, and a receiver still
  // waiting in another thread gives up.
  {
    std::lock_guard<std::mutex> g(sock->sk.rq_lock);
    sock->sk.dead = true;
  }
  sk_wake_receivers(&sock->sk);
  return 0;
}

// inet_recvmsg: the transport's recvmsg; the address length it reports
// becomes msg_namelen.
int inet_recvmsg(socket* sock, msghdr_k* msg, size_t size, int flags) {
  TraceScope ts(sock->sk.sk_net->trace, "inet_recvmsg");
  int addr_len = 0;
  int err = sock->sk.prot->recvmsg(&sock->sk, msg, size, flags, &addr_len);
  if (err >= 0) msg->namelen = addr_len;
  return static_cast<int>(ts.ret(err));
}

int inet_autobind(sock* sk) {
  TraceScope ts(sk->sk_net->trace, "inet_autobind");
  if (sk->num) return ts.ret(0, "port " + std::to_string(sk->num));
  if (sk->prot->get_port(sk, 0)) return ts.ret(-EAGAIN, "no free ephemeral port");
  return ts.ret(0, "ephemeral port " + std::to_string(sk->num));
}

static int inet_bind(socket* sock, const sockaddr* uaddr, int addr_len) {
  struct sock* sk = &sock->sk;
  if (sk->prot->bind) return sk->prot->bind(sk, uaddr, addr_len);
  if (addr_len < static_cast<int>(sizeof(sockaddr_in))) return -EINVAL;
  const sockaddr_in* addr = as_in(uaddr);
  uint32_t a = ntohl(addr->sin_addr.s_addr);
  if (addr->sin_family != AF_INET) {
    // AF_UNSPEC is accepted as AF_INET only with INADDR_ANY.
    if (addr->sin_family != AF_UNSPEC || a != INADDR_ANY) return -EAFNOSUPPORT;
  }
  net* n = sk->sk_net;
  bool bcast = inet_addr_is_broadcast(n, a);
  bool mcast = IN_MULTICAST(a);
  if (a != INADDR_ANY && !inet_addr_is_local(n, a) && !bcast && !mcast) return -EADDRNOTAVAIL;
  uint16_t snum = ntohs(addr->sin_port);
  if (snum && snum < 1024 && !capable(CAP_NET_BIND_SERVICE)) return -EACCES;
  if (sk->state != TCP_CLOSE || sk->num) return -EINVAL;

  sk->rcv_saddr = sk->saddr = a;
  if (bcast || mcast) sk->saddr = 0;  // use the device's address to send
  if (sk->prot->get_port(sk, snum)) {
    sk->saddr = sk->rcv_saddr = 0;
    return -EADDRINUSE;
  }
  if (a) sk->userlocks |= SOCK_BINDADDR_LOCK;
  if (snum) sk->userlocks |= SOCK_BINDPORT_LOCK;
  sk->daddr = 0;
  sk->dport = 0;
  return 0;
}

static int inet_dgram_connect(socket* sock, const sockaddr* uaddr, int addr_len, int /*flags*/) {
  struct sock* sk = &sock->sk;
  if (addr_len < static_cast<int>(sizeof(uaddr->sa_family))) return -EINVAL;
  if (uaddr->sa_family == AF_UNSPEC) return sk->prot->disconnect(sk, 0);
  if (!sk->num && inet_autobind(sk)) return -EAGAIN;
  int err = sk->prot->connect(sk, uaddr, addr_len);
  if (!err) sock->state = SS_CONNECTED;
  return err;
}

static int inet_getname(socket* sock, sockaddr* uaddr, int peer) {
  struct sock* sk = &sock->sk;
  sockaddr_in* sin = as_in(uaddr);
  memset(sin, 0, sizeof *sin);
  sin->sin_family = AF_INET;
  if (peer) {
    // A connection still being made (or over) has no peer yet; accept
    // (peer 2) asks for it whatever the state.
    if (!sk->dport || (peer == 1 && (sk->state == TCP_CLOSE || sk->state == TCP_SYN_SENT)))
      return -ENOTCONN;
    sin->sin_port = htons(sk->dport);
    sin->sin_addr.s_addr = htonl(sk->daddr);
  } else {
    uint32_t addr = sk->rcv_saddr ? sk->rcv_saddr : sk->saddr;
    // A raw socket's num is its protocol, and inet_create made that its source "port".
    sin->sin_port = htons(sk->num);
    sin->sin_addr.s_addr = htonl(addr);
  }
  return sizeof(sockaddr_in);
}

static unsigned sock_datagram_poll(socket* sock) { return datagram_poll(&sock->sk); }

static int inet_shutdown(socket* sock, int how) {
  struct sock* sk = &sock->sk;
  // 0->1 (RCV), 1->2 (SEND), 2->3 (both).
  how++;
  if ((how & ~SHUTDOWN_MASK) || !how) return -EINVAL;
  if (sock->state == SS_CONNECTING)
    sock->state = (sk->state == TCP_SYN_SENT || sk->state == TCP_SYN_RECV ||
                   sk->state == TCP_CLOSE)
                      ? SS_DISCONNECTING
                      : SS_CONNECTED;
  int err = 0;
  // A listener shut for reading stops listening, which also wakes a thread
  // blocked in accept (EINVAL); for writing, nothing happens.
  if (sk->state == TCP_LISTEN && !(how & RCV_SHUTDOWN)) {
    sk_wake_receivers(sk);
    return 0;
  }
  if (sk->state == TCP_SYN_SENT || sk->state == TCP_LISTEN) {
    // A connection still being made is abandoned (Linux's "temporary
    // solution" branch): disconnect, the socket may connect again.
    err = sk->prot->disconnect(sk, O_NONBLOCK);
    sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
    sk_wake_receivers(sk);
    return err;
  }
  // An unconnected socket reports ENOTCONN but is shut down all the same
  // (Linux does so to wake pollers).
  if (sk->state == TCP_CLOSE) err = -ENOTCONN;
  {
    // Under the queue's lock: a receiver checks it there before it sleeps.
    std::lock_guard<std::mutex> g(sk->rq_lock);
    sk->shutdown |= static_cast<unsigned>(how);
    sk_ep_sync(sk, false);
  }
  if (sk->prot->shutdown) sk->prot->shutdown(sk, how);
  sk_wake_receivers(sk);  // sk_state_change
  return err;
}

// __inet_stream_connect: the socket's state (SS_*) decides what a call
// means; a nonblocking call starts the handshake (EINPROGRESS), a second one
// while it runs gets EALREADY, one after it succeeded 0 and then EISCONN.
// A blocking call waits for the handshake without the stack lock.
static int inet_stream_connect(socket* sock, const sockaddr* uaddr, int addr_len, int flags) {
  struct sock* sk = &sock->sk;
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "inet_stream_connect");
  if (addr_len < static_cast<int>(sizeof(uaddr->sa_family))) return ts.ret(-EINVAL);
  if (uaddr->sa_family == AF_UNSPEC) {
    int err = sk->prot->disconnect(sk, flags);
    sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
    return ts.ret(err);
  }
  int err;
  switch (sock->state) {
    case SS_CONNECTED:
      return ts.ret(-EISCONN);
    case SS_CONNECTING:
      err = -EALREADY;
      break;
    case SS_UNCONNECTED:
      if (sk->state != TCP_CLOSE) return ts.ret(-EISCONN);
      err = sk->prot->connect(sk, uaddr, addr_len);
      if (err < 0) return ts.ret(err);
      sock->state = SS_CONNECTING;
      err = -EINPROGRESS;
      break;
    default:
      return ts.ret(-EINVAL);
  }
  if (sk->state == TCP_SYN_SENT || sk->state == TCP_SYN_RECV) {
    // sock_sndtimeo: O_NONBLOCK never waits; SO_SNDTIMEO bounds the wait.
    if ((flags & O_NONBLOCK) || sk->sndtimeo_us < 0) return ts.ret(err);
    using clock = std::chrono::steady_clock;
    const auto deadline = sk->sndtimeo_us > 0
                              ? clock::now() + std::chrono::microseconds(sk->sndtimeo_us)
                              : clock::time_point::max();
    // inet_wait_for_connect: the stack lock goes while we sleep (release_sock);
    // RCU keeps the socket alive should another thread close it meanwhile.
    rcu_read_guard rcu;
    while (sk->state == TCP_SYN_SENT || sk->state == TCP_SYN_RECV) {
      const uint32_t seen = sk->sk_wq.prepare();
      if (n->dying.load(std::memory_order_acquire)) return ts.ret(-ENETDOWN, "stack closing");
      const auto now = clock::now();
      if (now >= deadline) return ts.ret(err, "SO_SNDTIMEO ran out");
      const timespec slice =
          to_timespec(std::min<clock::duration>(deadline - now, std::chrono::milliseconds(100)));
      n->lock.unlock();
      const int w = sk->sk_wq.wait(seen, &slice);
      n->lock.lock();
      if (w == -EINTR) return ts.ret(-EINTR, "a signal handler ran");
    }
  }
  // Closed by a RST, a timeout, or another thread disconnecting us.
  if (sk->state == TCP_CLOSE) {
    err = sock_error(sk);
    if (!err) err = -ECONNABORTED;
    sock->state = SS_UNCONNECTED;
    if (sk->prot->disconnect(sk, flags)) sock->state = SS_DISCONNECTING;
    return ts.ret(err);
  }
  sock->state = SS_CONNECTED;
  return ts.ret(0);
}

int inet_sendmsg(socket* sock, msghdr_k* msg, size_t size) {
  struct sock* sk = &sock->sk;
  TraceScope ts(sk->sk_net->trace, "inet_sendmsg");
  // inet_send_prepare: a socket that sends before bind() gets a port now,
  // under the stack lock (the port table is the control path's).
  if (!sk->num && !sk->prot->no_autobind) {
    std::lock_guard<std::mutex> g(sk->sk_net->lock);
    if (!sk->num && inet_autobind(sk)) return ts.ret(-EAGAIN);
  }
  return ts.ret(sk->prot->sendmsg(sk, msg, size));
}

static int sock_common_setsockopt(socket* sock, int level, int optname, const void* optval,
                                  unsigned optlen) {
  return sock->sk.prot->setsockopt(&sock->sk, level, optname, optval, optlen);
}

static int sock_common_getsockopt(socket* sock, int level, int optname, void* optval,
                                  unsigned* optlen) {
  return sock->sk.prot->getsockopt(&sock->sk, level, optname, optval, optlen);
}

const proto_ops inet_dgram_ops = {
    .family = AF_INET,
    .release = inet_release,
    .bind = inet_bind,
    .connect = inet_dgram_connect,
    .getname = inet_getname,
    .shutdown = inet_shutdown,
    .setsockopt = sock_common_setsockopt,
    .getsockopt = sock_common_getsockopt,
    .sendmsg = inet_sendmsg,
    .recvmsg = inet_recvmsg,
    .poll = sock_datagram_poll,
    .listen = nullptr,  // sock_no_listen
    .accept = nullptr,  // sock_no_accept
};

static unsigned inet_stream_poll(socket* sock) { return tcp_poll(&sock->sk); }

// inet_listen: only an unconnected stream socket, closed or listening,
// listens; a second call changes only the backlog.
static int inet_listen(socket* sock, int backlog) {
  struct sock* sk = &sock->sk;
  TraceScope ts(sk->sk_net->trace, "inet_listen");
  if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM) return ts.ret(-EINVAL);
  const int old_state = sk->state;
  if (old_state != TCP_CLOSE && old_state != TCP_LISTEN) return ts.ret(-EINVAL);
  sk->tp->max_ack_backlog = backlog;
  if (old_state != TCP_LISTEN) return ts.ret(inet_csk_listen_start(sk));
  return ts.ret(0, "backlog " + std::to_string(backlog));
}

// inet_accept: the child from the accept queue, grafted onto its socket.
static int inet_accept(socket* sock, socket** newsock, int flags) {
  int err = 0;
  struct sock* sk2 = inet_csk_accept(&sock->sk, flags, &err);
  if (!sk2) return err;
  sk2->sk_socket->state = SS_CONNECTED;
  *newsock = sk2->sk_socket;
  return 0;
}

const proto_ops inet_stream_ops = {
    .family = AF_INET,
    .release = inet_release,
    .bind = inet_bind,
    .connect = inet_stream_connect,
    .getname = inet_getname,
    .shutdown = inet_shutdown,
    .setsockopt = sock_common_setsockopt,
    .getsockopt = sock_common_getsockopt,
    .sendmsg = inet_sendmsg,
    .recvmsg = inet_recvmsg,
    .poll = inet_stream_poll,
    .listen = inet_listen,
    .accept = inet_accept,
};

const proto_ops inet_sockraw_ops = {
    .family = AF_INET,
    .release = inet_release,
    .bind = inet_bind,
    .connect = inet_dgram_connect,
    .getname = inet_getname,
    .shutdown = inet_shutdown,
    .setsockopt = sock_common_setsockopt,
    .getsockopt = sock_common_getsockopt,
    .sendmsg = inet_sendmsg,
    .recvmsg = inet_recvmsg,
    .poll = sock_datagram_poll,
    .listen = nullptr,  // sock_no_listen
    .accept = nullptr,  // sock_no_accept
};

}  // namespace sendoff
