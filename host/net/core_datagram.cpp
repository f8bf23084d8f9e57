// SPDX-License-Identifier: MIT
// Datagram queueing and waiting, after net/core/datagram.c and the receive
// half of net/core/sock.c: the socket's receive queue, charged against
// SO_RCVBUF; readers wait on it as MSG_DONTWAIT and SO_RCVTIMEO say.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <sys/syscall.h>
#include <unistd.h>

#include "net.hpp"
#include "uaccess.hpp"

namespace sendoff {

bool sock_queue_rcv_skb(sock* sk, std::unique_ptr<sk_buff_rx> skb) {
  // __udp_enqueue_schedule_skb: a datagram is refused only when the queue
  // already holds more than sk_rcvbuf, so one always fits an empty queue.
  std::lock_guard<std::mutex> g(sk->rq_lock);
  if (sk->dead || sk->rmem_alloc.load(std::memory_order_relaxed) > sk->rcvbuf) {
    sk->drops.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  sk->rmem_alloc.fetch_add(static_cast<int>(skb->truesize), std::memory_order_relaxed);
  sk->receive_queue.push_back(std::move(skb));
  sk_ep_sync(sk, true);
  sk_wake_receivers(sk);
  return true;
}

void sk_ep_sync(sock* sk, bool arrival) {
  if (!sk->ep_watched.load(std::memory_order_acquire) || sk->ep_mirror) return;
  const bool readable = !sk->receive_queue.empty() || (sk->shutdown & RCV_SHUTDOWN) ||
                        !sk->error_queue.empty() || sk->sk_err.load(std::memory_order_relaxed);
  // Raw syscalls: under LD_PRELOAD, read and write on this fd are sendoff's.
  if (readable && (!sk->ep_readable || arrival)) {
    const uint64_t one = 1;
    if (syscall(SYS_write, sk->ep_fd, &one, sizeof one) != sizeof one) return;
  } else if (!readable && sk->ep_readable) {
    uint64_t v;
    if (syscall(SYS_read, sk->ep_fd, &v, sizeof v) != sizeof v) return;
  }
  sk->ep_readable = readable;
}

void sk_wake_receivers(sock* sk) {
  sk->sk_wq.wake_up_all();
  poll_wait_queue().wake_up_all();
}

std::unique_ptr<sk_buff_rx> skb_recv_datagram(sock* sk, int flags, int* err) {
  using clock = std::chrono::steady_clock;
  net* n = sk->sk_net;
  const bool nonblock = (flags & MSG_DONTWAIT) || sk->rcvtimeo_us < 0;
  const auto deadline = clock::now() + std::chrono::microseconds(sk->rcvtimeo_us);
  std::unique_lock<std::mutex> g(sk->rq_lock);
  for (;;) {
    // An asynchronous error is reported before any queued datagram.
    if (int e = sock_error(sk)) {
      sk_ep_sync(sk, false);
      *err = e;
      return nullptr;
    }
    if (!sk->receive_queue.empty()) {
      *err = 0;
      if (flags & MSG_PEEK) {
        const sk_buff_rx& h = *sk->receive_queue.front();
        return skb_copy_rx(h, h.data, h.len);
      }
      std::unique_ptr<sk_buff_rx> skb = std::move(sk->receive_queue.front());
      sk->receive_queue.pop_front();
      sk_ep_sync(sk, false);
      sk->rmem_alloc.fetch_sub(static_cast<int>(skb->truesize), std::memory_order_relaxed);
      return skb;
    }
    // A call that may not wait is EAGAIN even after SHUT_RD: Linux checks the shutdown only
    // in __skb_wait_for_more_packets (found by fuzz_syscalls: sendoff returned 0).
    if (nonblock) {
      *err = -EAGAIN;
      return nullptr;
    }
    // __skb_wait_for_more_packets: shutdown ends the wait with no error.
    if (sk->shutdown & RCV_SHUTDOWN) {
      *err = 0;
      return nullptr;
    }
    if (sk->dead || n->dying.load(std::memory_order_acquire)) {
      *err = -EBADF;
      return nullptr;
    }
    // Sleep until a wake-up (a datagram, shutdown, close) or SO_RCVTIMEO.
    const uint32_t seen = sk->sk_wq.prepare();
    g.unlock();
    timespec rel{};
    if (sk->rcvtimeo_us > 0) {
      const auto left = deadline - clock::now();
      if (left <= clock::duration::zero()) {
        *err = -EAGAIN;  // SO_RCVTIMEO ran out (sock_rcvtimeo)
        return nullptr;
      }
      rel = to_timespec(left);
    }
    // sock_intr_errno: a handler that ran ends the wait with EINTR (without
    // a timeout, SA_RESTART handlers resume it: the futex restarts as
    // Linux restarts -ERESTARTSYS).
    const int w = sk->sk_wq.wait(seen, sk->rcvtimeo_us > 0 ? &rel : nullptr);
    if (w == -EINTR) {
      *err = -EINTR;
      return nullptr;
    }
    g.lock();
  }
}

unsigned datagram_poll(sock* sk) {
  unsigned mask = 0;
  std::lock_guard<std::mutex> g(sk->rq_lock);
  if (sk->sk_err.load(std::memory_order_acquire) || !sk->error_queue.empty()) mask |= POLLERR;
  if (sk->shutdown & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
  if (sk->shutdown == SHUTDOWN_MASK) mask |= POLLHUP;
  if (!sk->receive_queue.empty()) mask |= POLLIN | POLLRDNORM;
  // sock_writeable: sk_wmem_alloc (with its 1) under half of sk_sndbuf.
  if (sk->wmem_alloc.load(std::memory_order_relaxed) < static_cast<size_t>(sk->sndbuf >> 1))
    mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
  return mask;
}

int skb_copy_datagram_msg(const uint8_t* data, size_t len, msghdr_k* msg) {
  for (size_t i = 0; i < msg->iovlen && len; ++i) {
    size_t chunk = msg->iov[i].iov_len < len ? msg->iov[i].iov_len : len;
    if (chunk && copy_to_user(msg->iov[i].iov_base, data, chunk)) return -EFAULT;
    data += chunk;
    len -= chunk;
  }
  return 0;
}

}  // namespace sendoff
