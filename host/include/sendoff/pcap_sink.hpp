// SPDX-License-Identifier: MIT
// PcapSink: writes the NIC's frames to a pcap file (LINKTYPE_ETHERNET,
// microsecond timestamps from the system clock), flushed frame by frame so
// readers see complete records while the device runs.
#ifndef SENDOFF_PCAP_SINK_HPP
#define SENDOFF_PCAP_SINK_HPP

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "sendoff/frame_sink.hpp"

namespace sendoff {

class PcapSink final : public FrameSink {
 public:
  // Creates or truncates `path` and writes the file header. On failure
  // returns nullptr and sets *err to one line naming the file and the reason.
  static std::unique_ptr<PcapSink> open(const std::string& path, std::string* err);
  ~PcapSink() override;
  PcapSink(const PcapSink&) = delete;
  PcapSink& operator=(const PcapSink&) = delete;

  // Returns 0, or -errno when the record could not be written.
  int deliver(const uint8_t* frame, size_t len) override;
  uint64_t frames() const;

  static constexpr uint32_t kSnapLen = 262144;
  static constexpr uint32_t kLinkTypeEthernet = 1;

 private:
  explicit PcapSink(std::FILE* f);
  mutable std::mutex mu_;
  std::FILE* f_;
  uint64_t frames_ = 0;
};

}  // namespace sendoff

#endif  // SENDOFF_PCAP_SINK_HPP
