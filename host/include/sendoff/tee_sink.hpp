// SPDX-License-Identifier: MIT
// TeeSink: one frame to two sinks (a TAP port and a pcap file), in order.
#ifndef SENDOFF_TEE_SINK_HPP
#define SENDOFF_TEE_SINK_HPP

#include "sendoff/frame_sink.hpp"

namespace sendoff {

class TeeSink final : public FrameSink {
 public:
  TeeSink(FrameSink* a, FrameSink* b) : a_(a), b_(b) {}
  // Both get the frame; the first error is the result.
  int deliver(const uint8_t* frame, size_t len) override {
    int ra = a_ ? a_->deliver(frame, len) : 0;
    int rb = b_ ? b_->deliver(frame, len) : 0;
    return ra ? ra : rb;
  }

 private:
  FrameSink* a_;
  FrameSink* b_;
};

}  // namespace sendoff

#endif  // SENDOFF_TEE_SINK_HPP
