// SPDX-License-Identifier: MIT
// Read-copy-update for the send path, after include/linux/rcupdate.h: a
// sending thread marks itself inside a read-side section (one store to its
// own cache line, no shared write, no lock), and whatever the control path
// unlinks (a closed socket, a replaced route) is freed only after every
// thread that could still hold it has left its section. This is how the fd
// lookup and sk_dst_cache stay lock-free and refcount-free per call.
//
// An epoch scheme: rcu_read_lock records the global epoch in the thread's
// record; call_rcu queues a callback stamped with a newer epoch; a callback
// runs once no record holds an epoch older than its stamp.
#ifndef SENDOFF_NET_RCU_HPP
#define SENDOFF_NET_RCU_HPP

#include <atomic>
#include <cstdint>
#include <functional>

namespace sendoff {

struct rcu_thread {
  alignas(64) std::atomic<uint64_t> epoch{0};  // 0: outside any section
  unsigned nesting = 0;
  rcu_thread* next = nullptr;
  std::atomic<bool> in_use{true};
};

extern std::atomic<uint64_t> rcu_epoch;
rcu_thread* rcu_thread_self();  // registers the calling thread on first use

inline void rcu_read_lock() {
  rcu_thread* t = rcu_thread_self();
  if (t->nesting++ == 0) {
    // seq_cst store then loads: the loads of shared pointers that follow
    // cannot be ordered before it (a full fence on x86).
    t->epoch.store(rcu_epoch.load(std::memory_order_relaxed), std::memory_order_seq_cst);
  }
}

inline void rcu_read_unlock() {
  rcu_thread* t = rcu_thread_self();
  if (--t->nesting == 0) t->epoch.store(0, std::memory_order_release);
}

// RAII for a read-side section.
struct rcu_read_guard {
  rcu_read_guard() { rcu_read_lock(); }
  ~rcu_read_guard() { rcu_read_unlock(); }
  rcu_read_guard(const rcu_read_guard&) = delete;
  rcu_read_guard& operator=(const rcu_read_guard&) = delete;
};

// Queues fn to run after every section that began before this call has
// ended. Thread-safe. Callbacks run in rcu_run_callbacks().
void call_rcu(std::function<void()> fn);
// Runs the callbacks whose grace period has passed; returns how many are left.
// The caller must not be inside a read-side section for its own callbacks to run.
size_t rcu_run_callbacks();
// True when callbacks are queued (a cheap check for the send path).
bool rcu_callbacks_pending();
// Waits until every read-side section that began before the call has ended.
// Not from inside a section.
void synchronize_rcu();

}  // namespace sendoff

#endif  // SENDOFF_NET_RCU_HPP
