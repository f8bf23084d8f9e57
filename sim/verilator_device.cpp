// SPDX-License-Identifier: MIT
#include "sendoff/sim/verilator_device.hpp"

#include <chrono>
#include <mutex>

#include "sendoff/nic_abi.hpp"
#include "sendoff/sim/tx_top_sim.hpp"

namespace sendoff {
namespace {

namespace abi = sendoff::abi;

// Address 0 .. kFirstAddr-1 is never handed out, so 0 is no buffer (as in csim).
constexpr uint64_t kFirstAddr = 4096;
// Cycles run between two looks at RING_TAIL in wait_progress().
constexpr uint64_t kSlice = 512;

class VerilatorDevice final : public Device {
 public:
  VerilatorDevice(FrameSink* sink, const sim::TxTopSimConfig& cfg) : sink_(sink), sim_(cfg) {
    sim_.reset();
  }

  std::string name() const override { return "verilator"; }

  uint32_t reg_read(uint32_t off) override {
    std::lock_guard<std::mutex> lk(mu_);
    const uint32_t v = sim_.reg_read(off);
    deliver();
    return v;
  }

  void reg_write(uint32_t off, uint32_t val) override {
    std::lock_guard<std::mutex> lk(mu_);
    sim_.reg_write(off, val);
    deliver();
  }

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
    std::lock_guard<std::mutex> lk(mu_);
    const auto errs = sim_.errors();
    if (errs.empty()) return {};
    std::string s = "verilator: bus protocol error: " + errs.front();
    if (errs.size() > 1) s += " (and " + std::to_string(errs.size() - 1) + " more)";
    return s;
  }

  // The host writes straight into the simulated memory; nothing to copy.
  void dma_sync_to_device(const DmaBuffer&, size_t, size_t) override {}

  void wait_progress(uint32_t timeout_us) override {
    std::lock_guard<std::mutex> lk(mu_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(timeout_us);
    const uint32_t tail = sim_.reg_read(abi::REG_RING_TAIL);
    while ((sim_.reg_read(abi::REG_STATUS) & abi::STATUS_BUSY) != 0) {
      sim_.step(kSlice);
      deliver();
      if (sim_.reg_read(abi::REG_RING_TAIL) != tail) break;
      if (std::chrono::steady_clock::now() >= deadline) break;
    }
    deliver();
  }

 private:
  void deliver() {
    auto& frames = sim_.sink().frames();
    while (!frames.empty()) {
      const auto& f = frames.front().bytes;
      if (sink_ != nullptr) sink_->deliver(f.data(), f.size());
      frames.pop_front();
    }
  }

  FrameSink* const sink_;
  mutable std::mutex mu_;
  sim::TxTopSim sim_;
  uint64_t next_ = kFirstAddr;
};

}  // namespace

std::unique_ptr<Device> make_verilator_device(FrameSink* sink) {
  return make_verilator_device(sink, sim::TxTopSimConfig{});
}

std::unique_ptr<Device> make_verilator_device(FrameSink* sink, const sim::TxTopSimConfig& cfg) {
  return std::unique_ptr<Device>(new VerilatorDevice(sink, cfg));
}

}  // namespace sendoff
