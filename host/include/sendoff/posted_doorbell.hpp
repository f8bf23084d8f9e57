// SPDX-License-Identifier: MIT
// The doorbell of a NIC that runs in a host thread (csim, verilator): a
// posted write the NIC thread polls for a while after its last work and then
// sleeps on. The host pays for a wake-up only when the NIC said it stopped
// polling (the event-index idea); otherwise a doorbell is two atomic ops.
#ifndef SENDOFF_POSTED_DOORBELL_HPP
#define SENDOFF_POSTED_DOORBELL_HPP

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sendoff {

class PostedDoorbell {
 public:
  // Host side. The latest index wins (mod 2^32), whichever thread rings
  // last. True when the NIC thread sleeps and no ring since has said so: the
  // caller must wake it. Later rings before the NIC is up again need not (a
  // wake-up is already on its way), so they stay two atomic ops.
  bool ring(uint32_t head) {
    uint32_t cur = head_.load(std::memory_order_relaxed);
    while (static_cast<int32_t>(head - cur) > 0 &&
           !head_.compare_exchange_weak(cur, head, std::memory_order_seq_cst)) {
    }
    count_.fetch_add(1, std::memory_order_seq_cst);
    return sleeping_.exchange(false, std::memory_order_seq_cst);
  }
  // A register write of the producer index: later doorbells count from it.
  void set(uint32_t head) { head_.store(head, std::memory_order_relaxed); }

  // NIC side, under the NIC's lock. True (and *head set) when a doorbell
  // came since the last take.
  bool take(uint32_t* head) {
    const uint64_t n = count_.load(std::memory_order_acquire);
    if (n == taken_) return false;
    taken_ = n;
    *head = head_.load(std::memory_order_acquire);
    return true;
  }
  bool pending() const { return count_.load(std::memory_order_seq_cst) != taken_; }

  // NIC side, under its lock: what poll() compares against.
  uint64_t taken() const { return taken_; }
  // NIC side, without its lock: spins until a doorbell newer than `seen`
  // (taken() before unlocking) comes, `stop` is set or busy_poll_us pass.
  void poll(uint64_t seen, const std::atomic<bool>& stop) const {
    // The poll time is read on every turn: a longer one set meanwhile applies.
    const auto start = std::chrono::steady_clock::now();
    while (count_.load(std::memory_order_acquire) == seen && !stop.load() &&
           std::chrono::steady_clock::now() - start <
               std::chrono::microseconds(busy_poll_us_.load(std::memory_order_relaxed))) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }
  // NIC side, under its lock, before and after sleeping: seq_cst against
  // ring(), so either the NIC sees the doorbell or the host sees it asleep.
  void set_sleeping(bool s) { sleeping_.store(s, std::memory_order_seq_cst); }

  void set_busy_poll(uint32_t us) { busy_poll_us_.store(us, std::memory_order_relaxed); }

 private:
  std::atomic<uint32_t> head_{0};
  std::atomic<uint64_t> count_{0};
  uint64_t taken_ = 0;  // NIC side
  std::atomic<bool> sleeping_{false};
  std::atomic<uint32_t> busy_poll_us_{200};
};

}  // namespace sendoff

#endif  // SENDOFF_POSTED_DOORBELL_HPP
