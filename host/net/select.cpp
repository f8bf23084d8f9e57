// SPDX-License-Identifier: MIT
// poll(2) after fs/select.c (do_sys_poll, do_pollfd): sendoff's sockets
// answer through their proto_ops' poll; any other fd in the set is asked
// of the kernel. A poller sleeps on the stack's poll wait queue, which every
// socket wake-up bumps, so a datagram, shutdown or close ends the sleep at
// once; with kernel fds in the set, or POLLOUT asked (write space comes
// back as the NIC completes, which wakes nobody), it looks again every
// millisecond.
// epoll on a stream socket (sock_ep_watch) is here too: its eventfd mirrors
// the socket's poll.
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "net.hpp"
#include "rcu.hpp"
#include "syscalls.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

// do_pollfd for one of our sockets: the events asked for, and the ones
// always reported.
short sock_pollfd(net* n, const pollfd& p) {
  int err = 0;
  socket* sock = sockfd_lookup_light(n, p.fd, &err);
  if (!sock) return POLLNVAL;  // closed meanwhile
  const unsigned mask = sock->ops->poll(sock);
  return static_cast<short>(mask & (static_cast<unsigned>(static_cast<unsigned short>(p.events)) |
                                    POLLERR | POLLHUP));
}

// The kernel's poll for fds that are not ours, through the syscall: the
// LD_PRELOAD interposer's poll() would come back here.
long kernel_ppoll(pollfd* fds, size_t n, const timespec* rel) {
  long r = syscall(SYS_ppoll, fds, n, rel, nullptr, 8);
  return r < 0 ? -errno : r;
}

// The stream sockets whose eventfd mirrors their poll, each by an fd that
// names it (the pointer is only compared: the socket may be gone). The lock
// also orders refreshers, so the later poll's answer is the one left written.
struct ep_entry {
  int fd;
  const socket* sock;
};
std::mutex ep_mirror_lock;
std::vector<ep_entry> ep_mirrors;
std::atomic<bool> ep_mirror_any{false};

// eventfd_poll: a counter above 0 is EPOLLIN, one below this is EPOLLOUT.
constexpr uint64_t kEventfdFull = UINT64_MAX - 1;

// Raw syscalls: under LD_PRELOAD, read and write on this fd are sendoff's.
void ep_add(sock* sk, uint64_t v) {
  if (syscall(SYS_write, sk->ep_fd, &v, sizeof v) == sizeof v) sk->ep_count += v;
}

void ep_clear(sock* sk) {
  uint64_t v;
  if (syscall(SYS_read, sk->ep_fd, &v, sizeof v) == sizeof v) sk->ep_count = 0;
}

// The counter for a poll mask: 0 is writable only, 1.. readable and
// writable, kEventfdFull readable only. An eventfd is never neither: then it
// shows the event the epoll sets asked for least (EPOLLIN unless they asked
// for EPOLLIN alone), so a set that asks for one event only waits as on
// Linux. Errors and hang-ups are both events, as epoll always reports them.
// A wake-up (woken) while readable is a new EPOLLIN edge for EPOLLET.
void ep_mirror(sock* sk, unsigned mask, bool woken) {
  const bool r = mask & (POLLIN | POLLRDHUP | POLLHUP | POLLERR);
  const bool w = mask & (POLLOUT | POLLHUP | POLLERR);
  const bool full = r ? !w : !w && (sk->ep_events & EPOLLOUT);
  if (full) {
    if (sk->ep_count == kEventfdFull && r && woken) ep_clear(sk);
    if (sk->ep_count != kEventfdFull) ep_add(sk, kEventfdFull - sk->ep_count);
  } else if (!r) {
    if (sk->ep_count) ep_clear(sk);
  } else {
    if (sk->ep_count == kEventfdFull) ep_clear(sk);
    if (sk->ep_count == 0 || (woken && sk->ep_count < kEventfdFull - 1)) ep_add(sk, 1);
  }
}

// One socket's eventfd brought in line with its poll; false when no epoll
// set watches it any more. Under ep_mirror_lock and RCU, without the stack
// lock (a stream socket's poll takes it).
bool ep_refresh(socket* sock) {
  struct sock* sk = &sock->sk;
  const uint32_t wakes = sk->sk_wq.prepare();  // before the poll: a later wake is seen next time
  const unsigned mask = sock->ops->poll(sock);
  std::lock_guard<std::mutex> g(sk->rq_lock);
  if (!sk->ep_watched.load(std::memory_order_relaxed) || !sk->ep_mirror) return false;
  ep_mirror(sk, mask, wakes != sk->ep_wakes);
  sk->ep_wakes = wakes;
  return true;
}

}  // namespace

int sock_ep_watch(net* n, int fd, unsigned events) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  struct sock* sk = &sock->sk;
  // A datagram socket's readiness changes under rq_lock, where sk_ep_sync
  // follows it; a stream socket's under the stack lock.
  if (sock->type != SOCK_STREAM) {
    sk->ep_watched.store(true, std::memory_order_release);
    std::lock_guard<std::mutex> g(sk->rq_lock);
    sk_ep_sync(sk, false);
    return 0;
  }
  std::lock_guard<std::mutex> l(ep_mirror_lock);
  {
    std::lock_guard<std::mutex> g(sk->rq_lock);
    sk->ep_mirror = true;
    sk->ep_events = events;
    sk->ep_watched.store(true, std::memory_order_release);
  }
  if (std::none_of(ep_mirrors.begin(), ep_mirrors.end(),
                   [sock](const ep_entry& e) { return e.sock == sock; }))
    ep_mirrors.push_back({fd, sock});
  ep_mirror_any.store(true, std::memory_order_release);
  ep_refresh(sock);
  return 0;
}

void sock_ep_refresh_fd(int fd) {
  if (!ep_mirror_any.load(std::memory_order_acquire)) return;
  const int saved = errno;  // the call's errno is the caller's answer
  {
    rcu_read_guard rcu;
    net* n = net_get();
    int err;
    socket* sock = n && sock_fd_is_ours(fd) ? sockfd_lookup_light(n, fd, &err) : nullptr;
    if (sock && sock->type == SOCK_STREAM) {
      std::lock_guard<std::mutex> l(ep_mirror_lock);
      ep_refresh(sock);
    }
  }
  errno = saved;
}

// The socket an entry's fd names if it is still the entry's, else another
// fd's (a dup that outlived the closed one, which becomes the entry's), else
// nullptr: the socket is gone. Under RCU.
static socket* ep_lookup(net* n, ep_entry* e) {
  int err;
  socket* s = sock_fd_is_ours(e->fd) ? sockfd_lookup_light(n, e->fd, &err) : nullptr;
  if (s == e->sock) return s;
  for (int fd : sock_open_fds()) {
    s = sockfd_lookup_light(n, fd, &err);
    if (s == e->sock) {
      e->fd = fd;
      return s;
    }
  }
  return nullptr;
}

void sock_ep_refresh_all(net* n) {
  if (!ep_mirror_any.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> l(ep_mirror_lock);
  rcu_read_guard rcu;
  for (size_t i = 0; i < ep_mirrors.size();) {
    socket* sock = ep_lookup(n, &ep_mirrors[i]);
    if (sock && ep_refresh(sock)) {
      ++i;
    } else {
      ep_mirrors[i] = ep_mirrors.back();
      ep_mirrors.pop_back();
    }
  }
  ep_mirror_any.store(!ep_mirrors.empty(), std::memory_order_release);
}

wait_queue_head& poll_wait_queue() {
  static wait_queue_head wq;
  return wq;
}

long sys_poll(pollfd* ufds, unsigned long nfds, int timeout_ms) {
  using clock = std::chrono::steady_clock;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && nfds > lim.rlim_cur) return -EINVAL;
  std::vector<pollfd> fds(nfds);
  if (nfds && copy_from_user(fds.data(), ufds, nfds * sizeof(pollfd))) return -EFAULT;
  const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  std::vector<pollfd> kfds;
  std::vector<size_t> kidx;
  // Only revents goes back, as the kernel writes only that field (0 for a
  // negative fd too).
  auto put_revents = [&]() -> int {
    for (size_t i = 0; i < fds.size(); ++i)
      if (copy_to_user(&ufds[i].revents, &fds[i].revents, sizeof(short))) return -EFAULT;
    return 0;
  };
  for (;;) {
    wait_queue_head& wq = poll_wait_queue();
    const uint32_t seen = wq.prepare();
    bool want_out = false, ours = false;
    kfds.clear();
    kidx.clear();
    {
      rcu_read_guard rcu;  // our sockets stay alive while asked
      net* n = net_get();
      for (size_t i = 0; i < fds.size(); ++i) {
        pollfd& p = fds[i];
        p.revents = 0;
        if (p.fd < 0) continue;  // ignored, as poll(2) says
        if (n && sock_fd_is_ours(p.fd)) {
          ours = true;
          p.revents = sock_pollfd(n, p);
          want_out |= (p.events & POLLOUT) != 0;
        } else {
          kfds.push_back({p.fd, p.events, 0});
          kidx.push_back(i);
        }
      }
      if (want_out) n->nic.reclaim();
    }
    if (!ours && !kfds.empty()) {
      // None of ours (or no stack): the kernel's poll alone, for the whole
      // time left, with its own EINTR and restart rules.
      timespec left{};
      const timespec* rel = nullptr;
      if (timeout_ms >= 0) {
        left = to_timespec(deadline - clock::now());
        rel = &left;
      }
      const long r = kernel_ppoll(kfds.data(), kfds.size(), rel);
      if (r < 0) return r;
      for (size_t k = 0; k < kfds.size(); ++k) fds[kidx[k]].revents = kfds[k].revents;
      const int err = put_revents();
      return err ? err : r;
    }
    if (!kfds.empty()) {
      const timespec zero{0, 0};
      const long r = kernel_ppoll(kfds.data(), kfds.size(), &zero);
      if (r < 0) return r;
      for (size_t k = 0; k < kfds.size(); ++k) fds[kidx[k]].revents = kfds[k].revents;
    }
    long count = 0;
    for (const pollfd& p : fds) count += p.revents != 0;
    const auto now = clock::now();
    if (count || timeout_ms == 0 || (timeout_ms > 0 && now >= deadline)) {
      const int err = put_revents();
      return err ? err : count;
    }
    // Always a bounded sleep: a signal handler then ends it with EINTR, as
    // it ends poll(2) whatever its SA_RESTART.
    auto slice = std::chrono::nanoseconds(std::chrono::seconds(1));
    if (want_out || !kfds.empty()) slice = std::chrono::milliseconds(1);
    if (timeout_ms > 0 && deadline - now < slice)
      slice = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now);
    const timespec rel = to_timespec(slice);
    if (wq.wait(seen, &rel) == -EINTR) return -EINTR;
  }
}

}  // namespace sendoff
