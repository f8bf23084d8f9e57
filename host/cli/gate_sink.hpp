// SPDX-License-Identifier: MIT
// GateSink: the benchmark's MAC. Closed, deliver() blocks — MAC backpressure,
// so the csim NIC stops after at most one descriptor and neither burns the
// other core nor takes the device lock while send calls are being timed.
// Open, it drops every frame at once, so the NIC drains.
#ifndef SENDOFF_CLI_GATE_SINK_HPP
#define SENDOFF_CLI_GATE_SINK_HPP

#include <condition_variable>
#include <mutex>

#include "sendoff/frame_sink.hpp"

namespace sendoff {
namespace cli {

class GateSink : public FrameSink {
 public:
  explicit GateSink(bool open) : open_(open) {}

  int deliver(const uint8_t*, size_t) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
    return 0;
  }

  void set_open(bool open) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = open;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_;
};

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_GATE_SINK_HPP
