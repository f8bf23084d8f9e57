// SPDX-License-Identifier: MIT
// wait_queue_head (include/linux/wait.h) for threads of one process: a
// sequence number that wakers bump and sleepers wait on with a futex, so a
// sleeper is interrupted by a signal handler as a task in the kernel is
// (the futex's own ERESTARTSYS / restart-block semantics), and a waker with
// nobody asleep pays two atomic operations (wq_has_sleeper), no syscall.
#ifndef SENDOFF_NET_WAIT_QUEUE_HPP
#define SENDOFF_NET_WAIT_QUEUE_HPP

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>

namespace sendoff {

// A relative timeout as the futex and ppoll take it (a negative one is 0).
inline timespec to_timespec(std::chrono::nanoseconds d) {
  const long long ns = d.count() < 0 ? 0 : d.count();
  return {static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
}

struct wait_queue_head {
  std::atomic<uint32_t> seq{0};
  std::atomic<int> sleepers{0};

  // Read before checking the condition; wait() returns at once if a wake
  // came since.
  uint32_t prepare() const { return seq.load(std::memory_order_seq_cst); }

  void wake_up_all() {
    seq.fetch_add(1, std::memory_order_seq_cst);
    if (sleepers.load(std::memory_order_seq_cst) != 0)
      syscall(SYS_futex, &seq, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
  }

  // 0 after a wake (or a spurious return: callers re-check), -ETIMEDOUT
  // after rel (nullptr: no limit), -EINTR when a signal handler ran. Without
  // a limit, a handler with SA_RESTART resumes the wait instead, as Linux
  // restarts a call that returned -ERESTARTSYS; with one it never does.
  int wait(uint32_t seen, const timespec* rel) {
    sleepers.fetch_add(1, std::memory_order_seq_cst);
    long r = syscall(SYS_futex, &seq, FUTEX_WAIT_PRIVATE, seen, rel, nullptr, 0);
    const int e = errno;
    sleepers.fetch_sub(1, std::memory_order_seq_cst);
    if (r == 0 || e == EAGAIN) return 0;
    return e == ETIMEDOUT ? -ETIMEDOUT : e == EINTR ? -EINTR : 0;
  }
};

}  // namespace sendoff

#endif  // SENDOFF_NET_WAIT_QUEUE_HPP
