// SPDX-License-Identifier: MIT
// The Verilated RTL as a Device. A NIC thread runs the simulation while the
// NIC has work (slices of kSlice cycles, delivering frames to the sink as
// they come out); when it is idle the thread polls for a doorbell for a
// while (bounded spinning) and then sleeps until one comes, so a doorbell is
// an atomic store and pays for a wake-up only when the NIC said it stopped
// polling. Host register accesses take the simulation lock between slices.
//
// Receive: mac_rx() queues a frame from the wire (the MAC's side; the NIC is
// never waited for). The NIC thread hands queued frames to the RTL's
// s_axis_rx, a beat a cycle, and runs the clock while frames are in flight and
// for a while after (kRxLinger: the FIFO drains, the partial completion line
// goes out at idle). The RTL writes buffers, completions and RX_TAIL's
// write-back straight into the memory the host reads; each slice in which it
// wrote wakes wait_rx(), the receive interrupt.
#include "sendoff/sim/verilator_device.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "sendoff/nic_abi.hpp"
#include "sendoff/posted_doorbell.hpp"
#include "sendoff/sim/tx_top_sim.hpp"

namespace sendoff {
namespace {

namespace abi = sendoff::abi;

// Address 0 .. kFirstAddr-1 is never handed out, so 0 is no buffer (as in csim).
constexpr uint64_t kFirstAddr = 4096;
// Cycles the NIC thread runs between two looks at the host's side.
constexpr uint64_t kSlice = 512;
// Slices without progress after which a busy NIC counts as stuck.
constexpr unsigned kStuckSlices = 64;
// Slices the clock keeps running after the last received frame went in.
constexpr unsigned kRxLinger = 8;

class VerilatorDevice final : public Device {
 public:
  VerilatorDevice(FrameSink* sink, const sim::TxTopSimConfig& cfg) : sink_(sink), sim_(cfg) {
    sim_.reset();
    tail_pub_.store(sim_.reg_read(abi::REG_RING_TAIL));
    worker_ = std::thread([this] { nic_main(); });
  }

  ~VerilatorDevice() override {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    stopping_.store(true);
    work_cv_.notify_all();
    worker_.join();
  }

  std::string name() const override { return "verilator"; }

  uint32_t reg_read(uint32_t off) override {
    // Under the lock, after the slice in progress: RING_TAIL is never behind the
    // write-back word it already wrote (the driver reads that word, not this).
    std::lock_guard<std::mutex> lk(mu_);
    take_doorbell();
    const uint32_t v = sim_.reg_read(off);
    deliver();
    publish_tail();
    return v;
  }

  void reg_write(uint32_t off, uint32_t val) override {
    {
      std::lock_guard<std::mutex> lk(mu_);
      take_doorbell();  // an earlier posted doorbell lands first
      sim_.reg_write(off, val);
      ++kicks_;
      if (off == abi::REG_RING_HEAD) db_.set(val);
      deliver();
      publish_tail();
    }
    work_cv_.notify_all();
  }

  void doorbell(uint32_t head) override {
    if (db_.ring(head)) {
      std::lock_guard<std::mutex> lk(mu_);
      work_cv_.notify_all();
    }
  }

  // The host writes straight into the simulated memory: nothing to copy.
  bool coherent() const override { return true; }
  bool tail_writeback() const override { return true; }
  void set_busy_poll(uint32_t us) override { db_.set_busy_poll(us); }
  void dma_sync_to_device(const DmaBuffer&, size_t, size_t) override {}

  DmaBuffer dma_alloc(size_t bytes) override {
    std::lock_guard<std::mutex> lk(mu_);
    DmaBuffer b;
    const uint64_t rounded = (uint64_t(bytes) + 63) & ~uint64_t{63};
    if (bytes == 0 || rounded > sim_.memory().size() - next_) return b;
    b.host = sim_.memory().at(next_, bytes);
    b.dev_addr = next_;
    b.size = bytes;
    next_ += rounded;
    return b;
  }

  // A bus-protocol error seen by the harness makes the whole run untrustworthy.
  std::string fault() const override {
    if (!faulted_.load(std::memory_order_acquire)) return {};
    std::lock_guard<std::mutex> lk(mu_);
    const auto errs = sim_.errors();
    if (errs.empty()) return {};
    std::string s = "verilator: bus protocol error: " + errs.front();
    if (errs.size() > 1) s += " (and " + std::to_string(errs.size() - 1) + " more)";
    return s;
  }

  bool mac_rx(const uint8_t* frame, size_t len) override {
    {
      std::lock_guard<std::mutex> g(rx_mu_);
      rx_in_.emplace_back(frame, frame + len);
    }
    rx_pending_.store(true, std::memory_order_release);
    std::lock_guard<std::mutex> lk(mu_);
    work_cv_.notify_all();
    return true;
  }

  void wait_rx(uint32_t timeout_us) override {
    std::unique_lock<std::mutex> g(rx_mu_);
    const uint64_t seen = rx_done_;
    rx_cv_.wait_for(g, std::chrono::microseconds(timeout_us),
                    [&] { return rx_done_ != seen || stopping_.load(); });
  }

  void wait_progress(uint32_t timeout_us) override {
    std::unique_lock<std::mutex> lk(mu_);
    take_doorbell();
    if (!busy()) return;  // nothing will change on its own
    const uint64_t seen = progress_;
    ++kicks_;
    work_cv_.notify_all();
    progress_cv_.wait_for(lk, std::chrono::microseconds(timeout_us),
                          [&] { return progress_ != seen || stop_; });
  }

 private:
  // mu_ held. Applies a posted doorbell to the RTL's RING_HEAD.
  void take_doorbell() {
    uint32_t head;
    if (!db_.take(&head)) return;
    sim_.reg_write(abi::REG_RING_HEAD, head);
    deliver();
    publish_tail();
  }

  // Every register access runs the clock, so the NIC may move during one:
  // whatever it sent and consumed meanwhile is delivered and published here.
  bool busy() {
    const bool b = (sim_.reg_read(abi::REG_STATUS) & abi::STATUS_BUSY) != 0;
    deliver();
    publish_tail();
    return b;
  }

  void publish_tail() {
    const uint32_t t = sim_.reg_read(abi::REG_RING_TAIL);
    if (t != tail_pub_.load(std::memory_order_relaxed)) {
      tail_pub_.store(t, std::memory_order_release);
      ++progress_;
      progress_cv_.notify_all();
    }
    if (!sim_.errors().empty()) faulted_.store(true, std::memory_order_release);
  }

  // mu_ held. Frames from the wire to the RTL's MAC side; true while the
  // receive path has work (frames in flight, or the linger after them).
  bool take_rx() {
    if (rx_pending_.load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> g(rx_mu_);
      for (auto& f : rx_in_) sim_.mac_rx(std::move(f));
      rx_in_.clear();
      rx_pending_.store(false, std::memory_order_release);
      rx_linger_ = kRxLinger;
    }
    return sim_.rx_queued() != 0 || rx_linger_ != 0 || !sim_.rx_port().idle();
  }

  // mu_ held, after a slice: wakes wait_rx() when the RTL wrote something.
  void publish_rx() {
    if (sim_.rx_queued() == 0 && rx_linger_ != 0) --rx_linger_;
    const uint64_t bursts = sim_.rx_port().bursts();
    if (bursts == rx_bursts_) return;
    rx_bursts_ = bursts;
    std::lock_guard<std::mutex> g(rx_mu_);
    ++rx_done_;
    rx_cv_.notify_all();
  }

  void nic_main() {
    std::unique_lock<std::mutex> lk(mu_);
    unsigned still = 0;  // slices in a row in which the tail did not move
    while (!stop_) {
      take_doorbell();
      const bool rx = take_rx();
      // A NIC that is busy but stuck (disabled with work queued, a MAC that
      // takes nothing) is left alone until the host does something.
      if ((busy() && still < kStuckSlices) || rx) {
        const uint32_t before = tail_pub_.load(std::memory_order_relaxed);
        sim_.step(kSlice);
        deliver();
        publish_tail();
        publish_rx();
        still = tail_pub_.load(std::memory_order_relaxed) == before && !rx ? still + 1 : 0;
        // Let waiting host calls in between slices.
        lk.unlock();
        std::this_thread::yield();
        lk.lock();
        continue;
      }
      const uint64_t kicks = kicks_;
      const bool stuck = still >= kStuckSlices;
      const uint64_t seen = db_.taken();
      lk.unlock();
      db_.poll(seen, stopping_);
      lk.lock();
      // A doorbell ended the poll: go on without passing through "asleep",
      // where a ringing host would have to take mu_ to wake us.
      if (db_.pending()) {
        still = 0;
        continue;
      }
      db_.set_sleeping(true);
      work_cv_.wait(lk, [&] {
        return stop_ || db_.pending() || kicks_ != kicks ||
               rx_pending_.load(std::memory_order_acquire) || (!stuck && busy());
      });
      db_.set_sleeping(false);
      still = 0;
    }
  }

  void deliver() {
    auto& frames = sim_.sink().frames();
    while (!frames.empty()) {
      const auto& f = frames.front().bytes;
      if (sink_ != nullptr) sink_->deliver(f.data(), f.size());
      frames.pop_front();
    }
  }

  FrameSink* const sink_;
  mutable std::mutex mu_;  // the simulation and everything below
  std::condition_variable work_cv_, progress_cv_;
  sim::TxTopSim sim_;
  uint64_t next_ = kFirstAddr;
  uint64_t progress_ = 0;
  uint64_t kicks_ = 0;  // host register writes and waits: a stuck NIC looks again
  bool stop_ = false;
  PostedDoorbell db_;  // take() under mu_
  std::atomic<bool> stopping_{false}, faulted_{false};
  std::atomic<uint32_t> tail_pub_{0};
  unsigned rx_linger_ = 0;   // under mu_
  uint64_t rx_bursts_ = 0;   // under mu_: the receive port's bursts already signalled
  std::mutex rx_mu_;         // the frames from the wire and the receive interrupt
  std::condition_variable rx_cv_;
  std::deque<std::vector<uint8_t>> rx_in_;
  std::atomic<bool> rx_pending_{false};
  uint64_t rx_done_ = 0;     // under rx_mu_
  std::thread worker_;
};

}  // namespace

std::unique_ptr<Device> make_verilator_device(FrameSink* sink) {
  return make_verilator_device(sink, sim::TxTopSimConfig{});
}

std::unique_ptr<Device> make_verilator_device(FrameSink* sink, const sim::TxTopSimConfig& cfg) {
  return std::unique_ptr<Device>(new VerilatorDevice(sink, cfg));
}

}  // namespace sendoff
