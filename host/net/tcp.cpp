// SPDX-License-Identifier: MIT
// TCP's socket calls, after net/ipv4/tcp.c: tcp_init_sock, tcp_sendmsg (the
// send queue and its buffer limit, urgent data), tcp_recvmsg, tcp_poll, listen and accept
// (inet_connection_sock.c's queues), shutdown and
// close (FIN_WAIT/TIME_WAIT go on without the caller), disconnect, the
// SOL_TCP options, and the states (tcp_set_state, tcp_done).
//
// Every function here takes the stack lock (or runs under it: close,
// shutdown, setsockopt come from the control path). A caller that must wait
// (room in the send buffer, data, the handshake) sleeps on sk_wq without it.
#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>

#include "net.hpp"
#include "rcu.hpp"
#include "tcp.hpp"
#include "uaccess.hpp"

namespace sendoff {

void tcp_unhash_port(sock* sk);

static_assert(tcp_sendq_ring::kPins >= SendoffNic::kRingSize / 2,
              "a pin for every TCP descriptor the NIC's ring can hold");

tcp_sendq_ring::~tcp_sendq_ring() {
  if (pool && size) pool->free(pool_off, size);
}

uint32_t tcp_sendq_room(const sock* sk) {
  const tcp_sock* tp = sk->tp.get();
  const tcp_sendq_ring* r = sk->sk_sendq.get();
  const uint32_t done = r->done.load(std::memory_order_acquire);
  const uint32_t floor = done == r->posted ? tp->sendq_seq : r->pins[done % tcp_sendq_ring::kPins];
  return r->mask + 1 - (tp->write_seq - floor);
}

void tcp_sendq_release(sock* sk) {
  tcp_sendq_ring* r = sk->sk_sendq.get();
  if (!r || r->done.load(std::memory_order_acquire) != r->posted) return;
  tcp_sock* tp = sk->tp.get();
  if (tp && tp->sendq_on_dev) {
    tp->sendq_on_dev = false;
    tp->sendq_seq = tp->write_seq;  // nothing more leaves: what was queued goes with it
  }
  sk->sk_sendq.reset();
}

void tcp_sendq_read(const sock* sk, uint32_t seq, uint32_t len, uint8_t* dst) {
  const tcp_sock* tp = sk->tp.get();
  if (!tp->sendq_on_dev) {
    std::memcpy(dst, tp->sendq.data() + tp->sendq_head + (seq - tp->sendq_seq), len);
    return;
  }
  const tcp_sendq_ring* r = sk->sk_sendq.get();
  const size_t off = seq & r->mask;
  const size_t first = std::min<size_t>(len, r->size - off);
  std::memcpy(dst, r->host + off, first);
  std::memcpy(dst + first, r->host, len - first);
}

namespace {

// net.ipv4.tcp_wmem / tcp_rmem: min, default, max.
struct tcp_mem_sysctl {
  int wmem[3] = {4096, 16384, 4194304};
  int rmem[3] = {4096, 131072, 6291456};
};

const tcp_mem_sysctl& tcp_mem() {
  static const tcp_mem_sysctl v = [] {
    tcp_mem_sysctl s;
    std::ifstream w("/proc/sys/net/ipv4/tcp_wmem");
    int a, b, c;
    if (w >> a >> b >> c) s.wmem[0] = a, s.wmem[1] = b, s.wmem[2] = c;
    std::ifstream r("/proc/sys/net/ipv4/tcp_rmem");
    if (r >> a >> b >> c) s.rmem[0] = a, s.rmem[1] = b, s.rmem[2] = c;
    return s;
  }();
  return v;
}

// The send queue's limit in payload bytes: SO_SNDBUF when the user set it;
// else tcp_wmem's maximum, where Linux's autotuning would take a busy
// connection.
size_t tcp_sndbuf(const sock* sk) {
  if (sk->userlocks & SOCK_SNDBUF_LOCK) return static_cast<size_t>(sk->sndbuf);
  return static_cast<size_t>(std::max(sk->sndbuf, tcp_mem().wmem[2]));
}

size_t tcp_queued(const tcp_sock* tp) { return tp->write_seq - tp->sendq_seq; }

bool sk_stream_memory_free(const sock* sk) { return tcp_queued(sk->tp.get()) < tcp_sndbuf(sk); }

// sk_stream_is_writeable: free space at least a third of the buffer's (and
// some room in a device send queue).
bool sk_stream_is_writeable(const sock* sk) {
  const tcp_sock* tp = sk->tp.get();
  const size_t q = tcp_queued(tp), b = tcp_sndbuf(sk);
  if (tp->sendq_on_dev && tcp_sendq_room(sk) == 0) return false;
  return q < b && b - q >= q / 2;
}

using clock_type = std::chrono::steady_clock;

clock_type::time_point deadline_of(long timeo_us) {
  return timeo_us > 0 ? clock_type::now() + std::chrono::microseconds(timeo_us)
                      : clock_type::time_point::max();
}

// sk_wait_event: sleeps on sk_wq without the stack lock (held by `g`) until
// a wake-up, the deadline, or a signal handler. 0, -EAGAIN (the deadline
// passed), -EINTR, -ENETDOWN (the stack is closing).
int sk_wait_event(sock* sk, std::unique_lock<std::mutex>& g, clock_type::time_point deadline) {
  net* n = sk->sk_net;
  const uint32_t seen = sk->sk_wq.prepare();
  if (n->dying.load(std::memory_order_acquire)) return -ENETDOWN;
  const auto now = clock_type::now();
  if (now >= deadline) return -EAGAIN;
  const timespec slice = to_timespec(
      std::min<clock_type::duration>(deadline - now, std::chrono::milliseconds(100)));
  g.unlock();
  const int w = sk->sk_wq.wait(seen, &slice);
  g.lock();
  return w == -EINTR ? -EINTR : 0;
}

// Walks len bytes of the user's iovecs from offset `skip`, one piece of an
// iovec at a time: copy(user address, offset into the bytes, length) returns
// nonzero for a fault. 0 or -EFAULT.
template <typename Copy>
int iov_walk(const msghdr_k* msg, size_t skip, size_t len, Copy copy) {
  size_t done = 0;
  for (size_t i = 0; i < msg->iovlen && done < len; ++i) {
    const iovec& v = msg->iov[i];
    if (skip >= v.iov_len) {
      skip -= v.iov_len;
      continue;
    }
    const size_t n = std::min(v.iov_len - skip, len - done);
    if (copy(static_cast<uint8_t*>(v.iov_base) + skip, done, n)) return -EFAULT;
    done += n;
    skip = 0;
  }
  return 0;
}

int copy_from_iov_at(uint8_t* dst, const msghdr_k* msg, size_t skip, size_t len) {
  return iov_walk(msg, skip, len,
                  [dst](uint8_t* u, size_t off, size_t n) { return copy_from_user(dst + off, u, n); });
}

int copy_to_iov_at(msghdr_k* msg, size_t skip, const uint8_t* src, size_t len) {
  return iov_walk(msg, skip, len,
                  [src](uint8_t* u, size_t off, size_t n) { return copy_to_user(u, src + off, n); });
}

// A device send queue for the connection (tcp_sendq_ring): on a NIC that
// segments (TSO) and takes payloads at any byte address, when the queue is
// empty and no descriptor of an earlier connection on this socket still
// points into the socket's block. Its size: the send buffer, a power of two
// from 64 KiB to 4 MiB (tcp_wmem's usual maximum). False: the host queue
// stays (no device memory left, or not now).
bool tcp_sendq_attach(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  SendoffNic& nic = sk->sk_net->nic;
  if (tp->sendq_dev_failed || tcp_queued(tp) || !nic.can_tso() || !nic.can_tx_unaligned() ||
      !nic.dma_pool())
    return false;
  tcp_sendq_ring* r = sk->sk_sendq.get();
  if (r && r->done.load(std::memory_order_acquire) != r->posted) return false;
  if (!r) {
    size_t want = DmaPool::kUnit;
    while (want < tcp_sndbuf(sk) && want < (size_t{4} << 20)) want *= 2;
    auto ring = std::make_shared<tcp_sendq_ring>();
    const DmaBuffer b = nic.dma_pool()->alloc(want, &ring->pool_off);
    if (!b.size) {
      tp->sendq_dev_failed = true;
      return false;
    }
    ring->pool = nic.dma_pool();
    ring->host = b.host;
    ring->dev_addr = b.dev_addr;
    ring->size = b.size;
    ring->mask = static_cast<uint32_t>(b.size - 1);
    ring->coherent = ring->pool->device()->coherent();
    sk->sk_sendq = std::move(ring);
  }
  tp->sendq_on_dev = true;
  std::vector<uint8_t>().swap(tp->sendq);
  tp->sendq_head = 0;
  return true;
}

// Room for more data, or false with the reason dealt with: a device send
// queue whose free bytes a descriptor still points at asks the timers to
// wake the sender once the NIC lets go of them.
bool tcp_stream_memory_free(sock* sk) {
  if (!sk_stream_memory_free(sk)) return false;
  tcp_sock* tp = sk->tp.get();
  if (!tp->sendq_on_dev || tcp_sendq_room(sk)) return true;
  sk->sk_net->nic.reclaim();
  if (tcp_sendq_room(sk)) return true;
  tp->sendq_pin_wait = true;
  return false;
}

// n bytes of the user's data from msg (at `copied`) to the send queue's end. 0 or -EFAULT.
int tcp_sendq_append(sock* sk, msghdr_k* msg, size_t copied, size_t n) {
  tcp_sock* tp = sk->tp.get();
  if (!tp->sendq_on_dev) {
    const size_t at = tp->sendq.size();
    tp->sendq.resize(at + n);
    if (copy_from_iov_at(tp->sendq.data() + at, msg, copied, n)) {
      tp->sendq.resize(at);
      return -EFAULT;
    }
    return 0;
  }
  const tcp_sendq_ring* r = sk->sk_sendq.get();
  const size_t off = tp->write_seq & r->mask;
  const size_t first = std::min(n, r->size - off);
  if (copy_from_iov_at(r->host + off, msg, copied, first) ||
      copy_from_iov_at(r->host, msg, copied + first, n - first))
    return -EFAULT;
  if (!r->coherent) {
    const DmaBuffer& region = r->pool->region();
    r->pool->device()->sync_to_device(region, r->pool_off + off, first);
    if (n > first) r->pool->device()->sync_to_device(region, r->pool_off, n - first);
  }
  return 0;
}

// tcp_close_state: the state after our FIN, and whether to send one.
bool tcp_close_state(sock* sk) {
  switch (sk->state) {
    case TCP_ESTABLISHED:
      tcp_set_state(sk, TCP_FIN_WAIT1);
      return true;
    case TCP_CLOSE_WAIT:
      tcp_set_state(sk, TCP_LAST_ACK);
      return true;
    case TCP_SYN_SENT:
    case TCP_SYN_RECV:
      tcp_set_state(sk, TCP_CLOSE);
      return false;
    default:
      return false;
  }
}

void tcp_send_fin(sock* sk) {
  sk->tp->fin_queued = true;
  tcp_write_xmit(sk, true);
}

// tcp_cleanup_rbuf: after a read, an ACK when the window it opens is at
// least twice what the peer still sees.
void tcp_cleanup_rbuf(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  if (sk->state != TCP_ESTABLISHED && sk->state != TCP_FIN_WAIT1 &&
      sk->state != TCP_FIN_WAIT2)
    return;
  const uint32_t used = tp->rcv_nxt - tp->rcv_wup;
  const uint32_t now_wnd = tp->rcv_wnd > used ? tp->rcv_wnd - used : 0;
  if (tcp_receive_window(tp) >= 2 * now_wnd + 2 * tp->mss_cache) tcp_send_ack(sk);
}

// A fresh connection state that keeps what the user set (TCP_NODELAY,
// TCP_CORK, TCP_SYNCNT, TCP_CONGESTION, TCP_USER_TIMEOUT, TCP_MAXSEG).
void tcp_sock_reinit(sock* sk) {
  auto fresh = std::make_shared<tcp_sock>();
  const tcp_sock* old = sk->tp.get();
  fresh->sk = sk;
  fresh->nodelay = old->nodelay;
  fresh->corked = old->corked;
  fresh->syn_retries = old->syn_retries;
  fresh->ca_ops = old->ca_ops;
  fresh->window_clamp = old->window_clamp;
  fresh->user_timeout_ms = old->user_timeout_ms;
  fresh->user_mss = old->user_mss;
  sk->tp = std::move(fresh);
}

}  // namespace

int tcp_init_sock(sock* sk) {
  const tcp_mem_sysctl& m = tcp_mem();
  sk->sndbuf = m.wmem[1];
  sk->rcvbuf = m.rmem[1];
  sk->tp = std::make_shared<tcp_sock>();
  sk->tp->sk = sk;
  tcp_init_congestion_control(sk->tp.get());
  // tcp_select_initial_window: the scale that covers tcp_rmem's maximum.
  sk->tp->window_clamp =
      static_cast<uint32_t>(std::max(m.rmem[2], sk->sk_net->sysctl.rmem_max));
  return 0;
}

void tcp_set_state(sock* sk, int state) {
  const int old = sk->state;
  sk->state = state;
  // Our FIN is ACKed, or the connection is over: the device send queue goes
  // back (or, while the NIC still reads some of it, with the socket or at a
  // later timer pass).
  if (state == TCP_FIN_WAIT2 || state == TCP_TIME_WAIT || state == TCP_CLOSE)
    tcp_sendq_release(sk);
  // inet_put_port: a connection that is over gives its port back unless bind() chose it.
  if (state == TCP_CLOSE && old != TCP_CLOSE && !(sk->userlocks & SOCK_BINDPORT_LOCK))
    tcp_unhash_port(sk);
  sk_wake_receivers(sk);
}

void tcp_done(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  tcp_set_state(sk, TCP_CLOSE);
  tp->rto_timeout = tp->delack_timeout = tp->tw_timeout = 0;
  {
    std::lock_guard<std::mutex> g(sk->rq_lock);
    sk->shutdown = SHUTDOWN_MASK;
  }
  net* n = sk->sk_net;
  // inet_csk_destroy_sock: a socket nobody holds gives its port back, even one bind() chose.
  if (tp->orphan) tcp_unhash_port(sk);
  if (n->tcp_socks.erase(sk)) {
    n->tcp_reap.push_back(sk);
    inet_csk_reqsk_queue_drop(sk);
  }
  sk_wake_receivers(sk);
}

void inet_csk_reqsk_queue_drop(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  if (!tp->parent) return;
  std::vector<sock*>& q = tp->parent->tp->syn_queue;
  const auto it = std::find(q.begin(), q.end(), sk);
  if (it == q.end()) return;  // on the accept queue: accept still returns it, as Linux's does
  q.erase(it);
  tp->parent = nullptr;
  // Nobody will accept it: the socket's own reference goes with the connection's.
  tcp_unhash_port(sk);
  sk->sk_net->tcp_reap.push_back(sk);
}

int inet_csk_listen_start(sock* sk) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "inet_csk_listen_start");
  // The state first: get_port checks the port as a listener's (no sharing
  // with another listener), and an unbound socket gets an ephemeral port.
  sk->state = TCP_LISTEN;
  const int err = sk->prot->get_port(sk, sk->num);
  if (err) {
    sk->state = TCP_CLOSE;
    return ts.ret(-EADDRINUSE);
  }
  sk_dst_reset(sk);
  sk_wake_receivers(sk);
  return ts.ret(0, "port " + std::to_string(sk->num));
}

void inet_csk_listen_stop(sock* sk) {
  tcp_sock* tp = sk->tp.get();
  // Requests end without a word; children nobody accepted are reset
  // (inet_child_forget disconnects them) and their sockets go.
  const std::vector<sock*> reqs = tp->syn_queue;
  for (sock* req : reqs) tcp_done(req);
  while (!tp->accept_queue.empty()) {
    sock* child = tp->accept_queue.front();
    tp->accept_queue.pop_front();
    child->tp->parent = nullptr;
    child->prot->disconnect(child, O_NONBLOCK);
    tcp_unhash_port(child);
    sk_dst_reset(child);
    sk_free(child);
  }
}

sock* inet_csk_accept(sock* sk, int flags, int* err) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "inet_csk_accept");
  // The caller holds the stack lock (the control path); the wait lets it go
  // (release_sock) and RCU keeps the listener alive should it close meanwhile.
  std::unique_lock<std::mutex> g(n->lock, std::adopt_lock);
  rcu_read_guard rcu;
  const bool nonblock = (flags & O_NONBLOCK) || sk->rcvtimeo_us < 0;
  const auto deadline = deadline_of(sk->rcvtimeo_us);
  sock* child = nullptr;
  int e = 0;
  for (;;) {
    if (sk->state != TCP_LISTEN) {
      e = -EINVAL;
      break;
    }
    tcp_sock* tp = sk->tp.get();
    if (!tp->accept_queue.empty()) {
      child = tp->accept_queue.front();
      tp->accept_queue.pop_front();
      child->tp->parent = nullptr;
      break;
    }
    if (nonblock) {
      e = -EAGAIN;
      break;
    }
    e = sk_wait_event(sk, g, deadline);  // inet_csk_wait_for_connect
    if (e) break;
  }
  g.release();
  *err = e;
  if (!child) {
    ts.ret(e);
    return nullptr;
  }
  if (ts.on()) ts.ret(0, format_ipv4(child->daddr) + ":" + std::to_string(child->dport));
  return child;
}

void tcp_reap_sockets(net* n) {
  std::vector<sock*> reap;
  reap.swap(n->tcp_reap);
  for (sock* sk : reap) {
    sk_dst_reset(sk);
    sk_free(sk);  // sock_put: the connection's hold
  }
}

void tcp_destroy_all(net* n) {
  const std::vector<sock*> socks(n->tcp_socks.begin(), n->tcp_socks.end());
  for (sock* sk : socks) tcp_done(sk);
  tcp_reap_sockets(n);
}

int tcp_sendmsg(sock* sk, msghdr_k* msg, size_t size) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "tcp_sendmsg");
  const unsigned flags = msg->flags;
  std::unique_lock<std::mutex> g(n->lock);
  tcp_sock* tp = sk->tp.get();
  const bool nonblock = (flags & MSG_DONTWAIT) || sk->sndtimeo_us < 0;
  const auto deadline = deadline_of(sk->sndtimeo_us);
  size_t copied = 0;
  int err = 0;
  tp->cork_more = flags & MSG_MORE;
  for (;;) {
    tp = sk->tp.get();  // a disconnect while we slept gives the socket a fresh one
    // sk_stream_wait_connect: an error first, then a handshake still running.
    if (sk->sk_err.load(std::memory_order_acquire)) {
      err = sock_error(sk);
      break;
    }
    if (sk->shutdown & SEND_SHUTDOWN) {
      err = -EPIPE;
      break;
    }
    const bool connecting = sk->state == TCP_SYN_SENT || sk->state == TCP_SYN_RECV;
    if (!connecting && sk->state != TCP_ESTABLISHED && sk->state != TCP_CLOSE_WAIT) {
      err = -EPIPE;
      break;
    }
    if (!connecting && copied == size) break;
    // Wait for the handshake (sk_stream_wait_connect) or for room
    // (sk_stream_wait_memory).
    if (!connecting && !tp->sendq_on_dev && !tcp_queued(tp)) tcp_sendq_attach(sk);
    if (connecting || !tcp_stream_memory_free(sk)) {
      if (!connecting) tcp_write_xmit(sk, false);
      if (nonblock) {
        err = -EAGAIN;
        break;
      }
      err = sk_wait_event(sk, g, deadline);
      if (err) break;
      continue;
    }
    size_t chunk = std::min(tcp_sndbuf(sk) - tcp_queued(tp), size - copied);
    if (tp->sendq_on_dev) chunk = std::min<size_t>(chunk, tcp_sendq_room(sk));
    err = tcp_sendq_append(sk, msg, copied, chunk);
    if (err) break;
    tp->sendq_copy_bytes += chunk;
    tp->write_seq += static_cast<uint32_t>(chunk);
    copied += chunk;
    // tcp_mark_urg: MSG_OOB makes the last byte queued urgent.
    if (flags & MSG_OOB) tp->snd_up = tp->write_seq;
    tcp_write_xmit(sk, (flags & MSG_OOB) != 0);
  }
  // tcp_push: what is queued goes now, within Nagle unless urgent; after
  // MSG_MORE a short tail waits for the next send or ACK.
  tcp_write_xmit(sk, (flags & MSG_OOB) != 0);
  tp = sk->tp.get();
  tp->cork_more = false;
  g.unlock();
  if (copied) return static_cast<int>(ts.ret(static_cast<long>(copied)));
  // sk_stream_error: EPIPE raises SIGPIPE unless MSG_NOSIGNAL.
  if (err == -EPIPE && !(flags & MSG_NOSIGNAL)) pthread_kill(pthread_self(), SIGPIPE);
  return static_cast<int>(ts.ret(err));
}

int tcp_recvmsg(sock* sk, msghdr_k* msg, size_t len, int flags, int* addr_len) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "tcp_recvmsg");
  if (flags & MSG_ERRQUEUE) return static_cast<int>(ts.ret(ip_recv_error(sk, msg, len, addr_len)));
  // tcp_recv_urg: no urgent data is ever held.
  if (flags & MSG_OOB) return static_cast<int>(ts.ret(-EINVAL, "MSG_OOB"));
  msg->flags = 0;
  *addr_len = 0;
  if (!len) return 0;  // tcp_recvmsg's loop runs while len > 0
  std::unique_lock<std::mutex> g(n->lock);
  if (sk->state == TCP_LISTEN) return static_cast<int>(ts.ret(-ENOTCONN, "listening"));
  tcp_sock* tp = sk->tp.get();
  const bool nonblock = (flags & MSG_DONTWAIT) || sk->rcvtimeo_us < 0;
  const auto deadline = deadline_of(sk->rcvtimeo_us);
  const size_t target = (flags & MSG_WAITALL) ? len : std::min<size_t>(len, 1);
  size_t copied = 0;
  long ret = 0;
  for (;;) {
    tp = sk->tp.get();
    const size_t avail = tp->recvq.size() - tp->recvq_head;
    if (avail && copied < len) {
      const size_t k = std::min(avail, len - copied);
      if (copy_to_iov_at(msg, copied, tp->recvq.data() + tp->recvq_head, k)) {
        if (!copied) ret = -EFAULT;
        break;
      }
      copied += k;
      if (flags & MSG_PEEK) break;
      tcp_queue_pull(&tp->recvq, &tp->recvq_head, k);
      tcp_cleanup_rbuf(sk);
      if (copied >= target) break;
      continue;
    }
    if (copied >= target && copied) break;
    if (copied) {
      if (sk->sk_err.load(std::memory_order_relaxed) || sk->state == TCP_CLOSE ||
          (sk->shutdown & RCV_SHUTDOWN) || nonblock)
        break;
    } else {
      if (tp->sock_done) break;
      if (sk->sk_err.load(std::memory_order_relaxed)) {
        ret = sock_error(sk);
        break;
      }
      if (sk->shutdown & RCV_SHUTDOWN) break;
      if (sk->state == TCP_CLOSE) {
        ret = -ENOTCONN;
        break;
      }
      if (nonblock) {
        ret = -EAGAIN;
        break;
      }
    }
    const int w = sk_wait_event(sk, g, deadline);
    if (w) {
      if (!copied) ret = w;
      break;
    }
  }
  if (copied) ret = static_cast<long>(copied);
  return static_cast<int>(ts.ret(ret));
}

unsigned tcp_poll(sock* sk) {
  std::lock_guard<std::mutex> g(sk->sk_net->lock);
  tcp_sock* tp = sk->tp.get();
  // A device send queue full of bytes the NIC may have finished with: look
  // (reclaim), else the timers look again and wake the poller once it has.
  if (tp->sendq_on_dev && tcp_sendq_room(sk) == 0) {
    sk->sk_net->nic.reclaim();
    if (tcp_sendq_room(sk) == 0) tp->sendq_pin_wait = true;
  }
  unsigned mask = 0;
  const int state = sk->state;
  // inet_csk_listen_poll: readable while a connection waits for accept.
  if (state == TCP_LISTEN) return tp->accept_queue.empty() ? 0u : unsigned{POLLIN | POLLRDNORM};
  if (sk->shutdown == SHUTDOWN_MASK || state == TCP_CLOSE) mask |= POLLHUP;
  if (sk->shutdown & RCV_SHUTDOWN) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
  if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
    if (tp->recvq.size() > tp->recvq_head) mask |= POLLIN | POLLRDNORM;
    if (!(sk->shutdown & SEND_SHUTDOWN)) {
      if (sk_stream_is_writeable(sk)) mask |= POLLOUT | POLLWRNORM;
    } else {
      mask |= POLLOUT | POLLWRNORM;
    }
  }
  if (sk->sk_err.load(std::memory_order_relaxed)) mask |= POLLERR;
  return mask;
}

void tcp_shutdown(sock* sk, int how) {
  if (!(how & SEND_SHUTDOWN)) return;
  if (sk->state == TCP_ESTABLISHED || sk->state == TCP_SYN_RECV ||
      sk->state == TCP_CLOSE_WAIT) {
    if (tcp_close_state(sk)) tcp_send_fin(sk);
  }
}

// tcp_disconnect: connect(AF_UNSPEC), or an abandoned handshake. A running
// connection is reset; the socket may connect again.
int tcp_v4_disconnect(sock* sk, int /*flags*/) {
  net* n = sk->sk_net;
  const int old = sk->state;
  if (old == TCP_LISTEN) inet_csk_listen_stop(sk);
  if (old != TCP_CLOSE) {
    if (old != TCP_SYN_SENT && old != TCP_TIME_WAIT && old != TCP_LISTEN) {
      tcp_send_active_reset(sk);
      sk->sk_err.store(ECONNRESET, std::memory_order_release);
    }
    tcp_done(sk);
    tcp_reap_sockets(n);
  }
  if (!(sk->userlocks & SOCK_BINDPORT_LOCK)) tcp_unhash_port(sk);
  if (!(sk->userlocks & SOCK_BINDADDR_LOCK)) sk->saddr = sk->rcv_saddr = 0;
  sk->daddr = 0;
  sk->dport = 0;
  {
    std::lock_guard<std::mutex> g(sk->rq_lock);
    sk->shutdown = 0;
  }
  tcp_sock_reinit(sk);
  sk_dst_reset(sk);
  return 0;
}

// tcp_close: unread data resets the connection (RFC 2525 2.17); SO_LINGER
// with a zero time too; else our FIN follows the queued data and the
// connection finishes on its own, without the caller.
void tcp_close(sock* sk) {
  net* n = sk->sk_net;
  TraceScope ts(n->trace, "tcp_close");
  tcp_sock* tp = sk->tp.get();
  {
    std::lock_guard<std::mutex> g(sk->rq_lock);
    sk->shutdown = SHUTDOWN_MASK;
  }
  tp->orphan = true;
  if (sk->state == TCP_LISTEN) {
    tcp_set_state(sk, TCP_CLOSE);
    inet_csk_listen_stop(sk);
    tcp_reap_sockets(n);
  }
  if (sk->state == TCP_CLOSE) {
    tcp_unhash_port(sk);
    ts.ret(0, "not connected");
    return;
  }
  const bool unread = tp->recvq.size() > tp->recvq_head;
  if (unread || (sk->linger && sk->lingertime_j == 0)) {
    if (sk->state != TCP_SYN_SENT) tcp_send_active_reset(sk);
    tcp_done(sk);
    tcp_reap_sockets(n);
    ts.ret(0, unread ? "RST: unread data" : "RST: SO_LINGER 0");
    return;
  }
  if (tcp_close_state(sk)) {
    tcp_send_fin(sk);
  } else if (sk->state == TCP_CLOSE) {
    tcp_done(sk);
    tcp_reap_sockets(n);
  } else if (sk->state == TCP_FIN_WAIT2) {
    tp->tw_timeout = tcp_clock_us() + TCP_FIN_TIMEOUT_US;
  }
  ts.ret(0, "state " + std::to_string(sk->state));
}

// tcp_ioctl: SIOCINQ the bytes recv() can take now, SIOCOUTQ the bytes not
// yet ACKed (write_seq - snd_una); neither on a listener (EINVAL).
int tcp_ioctl(sock* sk, int cmd, int* karg) {
  const tcp_sock* tp = sk->tp.get();
  if ((cmd == SIOCINQ || cmd == SIOCOUTQ) && sk->state == TCP_LISTEN) return -EINVAL;
  if (cmd == SIOCINQ) {
    *karg = static_cast<int>(tp->recvq.size() - tp->recvq_head);
    return 0;
  }
  if (cmd == SIOCOUTQ) {
    *karg = static_cast<int>(tp->write_seq - tp->snd_una);
    return 0;
  }
  return -ENOTTY;
}

int tcp_setsockopt(sock* sk, int level, int optname, const void* optval, unsigned optlen) {
  if (level != SOL_TCP) return ip_setsockopt(sk, level, optname, optval, optlen);
  tcp_sock* tp = sk->tp.get();
  if (optname == TCP_CONGESTION) {
    char name[TCP_CA_NAME_MAX] = {};
    if (static_cast<int>(optlen) < 1) return -EINVAL;
    const size_t k = std::min<size_t>(optlen, sizeof name - 1);
    if (copy_from_user(name, optval, k)) return -EFAULT;
    return tcp_set_congestion_control(tp, name);
  }
  if (optlen < sizeof(int)) return -EINVAL;
  int val;
  if (copy_from_user(&val, optval, sizeof val)) return -EFAULT;
  switch (optname) {
    case TCP_NODELAY:
      tp->nodelay = val != 0;
      // TCP_NODELAY set: what Nagle held goes now (tcp_push_pending_frames).
      if (tp->nodelay) tcp_write_xmit(sk, true);
      return 0;
    case TCP_CORK:
      tp->corked = val != 0;
      // Uncorked: what it held goes now, within Nagle (tcp_push_pending_frames).
      if (!tp->corked) tcp_write_xmit(sk, false);
      return 0;
    case TCP_SYNCNT:
      if (val < 1 || val > MAX_TCP_SYNCNT) return -EINVAL;
      tp->syn_retries = val;
      return 0;
    case TCP_MAXSEG:
      if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW)) return -EINVAL;
      tp->user_mss = static_cast<uint16_t>(val);
      return 0;
    case TCP_USER_TIMEOUT:
      if (val < 0) return -EINVAL;
      tp->user_timeout_ms = static_cast<uint32_t>(val);
      return 0;
    default:
      // The other SOL_TCP options are not implemented yet (README).
      return -ENOPROTOOPT;
  }
}

int tcp_getsockopt(sock* sk, int level, int optname, void* optval, unsigned* optlen) {
  if (level != SOL_TCP) return ip_getsockopt(sk, level, optname, optval, optlen);
  const tcp_sock* tp = sk->tp.get();
  // *optlen is the kernel's copy (sys_getsockopt reads and writes the user's).
  unsigned len = *optlen;
  if (optname == TCP_CONGESTION) {
    const char* name = tp->ca_ops->name;
    len = std::min<unsigned>(len, TCP_CA_NAME_MAX);
    char buf[TCP_CA_NAME_MAX] = {};
    std::memcpy(buf, name, std::min(std::strlen(name), sizeof buf - 1));
    if (copy_to_user(optval, buf, len)) return -EFAULT;
    *optlen = len;
    return 0;
  }
  int val;
  switch (optname) {
    case TCP_NODELAY: val = tp->nodelay ? 1 : 0; break;
    case TCP_CORK: val = tp->corked ? 1 : 0; break;
    case TCP_SYNCNT: {
      static const int dflt = [] {
        std::ifstream f("/proc/sys/net/ipv4/tcp_syn_retries");
        int r = 6;
        if (!(f >> r)) r = 6;
        return r;
      }();
      val = tp->syn_retries ? tp->syn_retries : dflt;
      break;
    }
    case TCP_USER_TIMEOUT: val = static_cast<int>(tp->user_timeout_ms); break;
    case TCP_MAXSEG:
      // Unconnected: the user's value if set, else the RFC 1122 default.
      if (sk->state == TCP_CLOSE)
        val = tp->user_mss ? tp->user_mss : static_cast<int>(TCP_MSS_DEFAULT);
      else
        val = static_cast<int>(tp->mss_cache);
      break;
    default:
      return -ENOPROTOOPT;
  }
  len = std::min<unsigned>(len, sizeof(int));
  if (copy_to_user(optval, &val, len)) return -EFAULT;
  *optlen = len;
  return 0;
}

}  // namespace sendoff
