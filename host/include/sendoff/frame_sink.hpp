// SPDX-License-Identifier: MIT
// FrameSink: the far side of the NIC's MAC port. Frames are Ethernet frames
// from the destination MAC on, without FCS unless the NIC was told to append
// it (CTRL_FCS_APPEND).
#ifndef SENDOFF_FRAME_SINK_HPP
#define SENDOFF_FRAME_SINK_HPP

#include <cstddef>
#include <cstdint>

namespace sendoff {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // Called by the device for every frame, in order. May block: that is the
  // MAC's backpressure, and it stalls the NIC. Returns 0 or -errno.
  virtual int deliver(const uint8_t* frame, size_t len) = 0;
};

}  // namespace sendoff

#endif  // SENDOFF_FRAME_SINK_HPP
