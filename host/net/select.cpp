// SPDX-License-Identifier: MIT
// poll(2) after fs/select.c (do_sys_poll, do_pollfd): sendoff's sockets
// answer through their proto_ops' poll; any other fd in the set is asked
// of the kernel. A poller sleeps on the stack's poll wait queue, which every
// socket wake-up bumps, so a datagram, shutdown or close ends the sleep at
// once; with kernel fds in the set, or POLLOUT asked (write space comes
// back as the NIC completes, which wakes nobody), it looks again every
// millisecond.
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
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

}  // namespace

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
