// SPDX-License-Identifier: MIT
// TraceSink: a FrameSink decorator for --trace. It decodes every frame the NIC
// delivers into the NIC layers that built it (udp_tx, ip_tx, eth_tx) and
// keeps the lines until the CLI, after stack_flush(), prints them under the
// send that caused them.
#ifndef SENDOFF_CLI_TRACE_SINK_HPP
#define SENDOFF_CLI_TRACE_SINK_HPP

#include <mutex>
#include <string>
#include <vector>

#include "frame_decode.hpp"
#include "sendoff/frame_sink.hpp"

namespace sendoff {
namespace cli {

// One trace line: the layer's name, its result, what it did.
struct TraceLine {
  std::string layer;
  long result = 0;
  std::string detail;
};

// "  udp_sendmsg                 -> 64        dport 9000 ..." (one line, no '\n').
std::string format_trace_line(const TraceLine& line);

class TraceSink : public FrameSink {
 public:
  explicit TraceSink(FrameSink* next) : next_(next) {}

  int deliver(const uint8_t* frame, size_t len) override;

  // The NIC-layer lines for the frames delivered since the last call: the
  // transport layer first, then ip_tx per frame, then eth_tx per frame, the
  // order the layers run in on the NIC.
  std::vector<TraceLine> take_lines();

 private:
  FrameSink* next_;
  std::mutex mu_;
  std::vector<DecodedFrame> frames_;
};

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_TRACE_SINK_HPP
