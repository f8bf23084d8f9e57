// SPDX-License-Identifier: MIT
#include "rcu.hpp"

#include <mutex>
#include <thread>
#include <vector>

namespace sendoff {

std::atomic<uint64_t> rcu_epoch{1};

namespace {

// Records are never freed: a thread's record is reused by a later thread,
// so a reader that walks the list never touches freed memory.
std::atomic<rcu_thread*> rcu_threads{nullptr};

struct cb {
  uint64_t stamp;
  std::function<void()> fn;
};
std::mutex cb_lock;
// Never destroyed: a callback still queued when the process exits keeps what
// it would free reachable (a static vector's destructor would drop it, and
// LeakSanitizer then reports a dst_entry a sender freed with call_rcu; found
// by a 240 s fuzz_syscalls run).
std::vector<cb>& cbs = *new std::vector<cb>;
std::atomic<size_t> cb_count{0};

rcu_thread* rcu_thread_register() {
  for (rcu_thread* t = rcu_threads.load(std::memory_order_acquire); t; t = t->next) {
    bool free_rec = false;
    if (t->in_use.compare_exchange_strong(free_rec, true)) return t;
  }
  auto* t = new rcu_thread;
  rcu_thread* head = rcu_threads.load(std::memory_order_relaxed);
  do {
    t->next = head;
  } while (!rcu_threads.compare_exchange_weak(head, t, std::memory_order_release,
                                              std::memory_order_relaxed));
  return t;
}

struct rcu_thread_handle {
  rcu_thread* t = rcu_thread_register();
  ~rcu_thread_handle() {
    t->epoch.store(0, std::memory_order_release);
    t->nesting = 0;
    t->in_use.store(false, std::memory_order_release);
  }
};

// The oldest epoch any thread is reading under (UINT64_MAX: none).
uint64_t oldest_reader() {
  uint64_t oldest = UINT64_MAX;
  for (rcu_thread* t = rcu_threads.load(std::memory_order_acquire); t; t = t->next) {
    uint64_t e = t->epoch.load(std::memory_order_seq_cst);
    if (e != 0 && e < oldest) oldest = e;
  }
  return oldest;
}

}  // namespace

rcu_thread* rcu_thread_self() {
  static thread_local rcu_thread_handle h;
  return h.t;
}

void call_rcu(std::function<void()> fn) {
  // Readers that loaded the epoch before this increment may hold what the
  // caller just unlinked; readers from the new epoch on cannot.
  uint64_t stamp = rcu_epoch.fetch_add(1, std::memory_order_seq_cst) + 1;
  std::lock_guard<std::mutex> g(cb_lock);
  cbs.push_back({stamp, std::move(fn)});
  cb_count.store(cbs.size(), std::memory_order_release);
}

size_t rcu_run_callbacks() {
  std::vector<std::function<void()>> ready;
  size_t left;
  {
    std::lock_guard<std::mutex> g(cb_lock);
    if (cbs.empty()) return 0;
    uint64_t oldest = oldest_reader();
    std::vector<cb> keep;
    for (cb& c : cbs) {
      if (oldest >= c.stamp)
        ready.push_back(std::move(c.fn));
      else
        keep.push_back(std::move(c));
    }
    cbs.swap(keep);
    left = cbs.size();
    cb_count.store(left, std::memory_order_release);
  }
  for (auto& fn : ready) fn();
  return left;
}

bool rcu_callbacks_pending() { return cb_count.load(std::memory_order_acquire) != 0; }

void synchronize_rcu() {
  uint64_t stamp = rcu_epoch.fetch_add(1, std::memory_order_seq_cst) + 1;
  while (oldest_reader() < stamp) std::this_thread::yield();
}

}  // namespace sendoff
