// SPDX-License-Identifier: MIT
#include "trace_sink.hpp"

#include <cstdio>

#include "errno_text.hpp"
#include "sendoff/netconf.hpp"

namespace sendoff {
namespace cli {

namespace {

std::string hex16(uint16_t v) {
  char buf[8];
  snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

std::string hex8(uint8_t v) {
  char buf[8];
  snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

TraceLine udp_line(const DecodedFrame& f) {
  return {"udp_tx", f.udp_len,
          "sport " + std::to_string(f.sport) + " → dport " + std::to_string(f.dport) + " len " +
              std::to_string(f.udp_len) + " csum " + hex16(f.udp_checksum)};
}

TraceLine ip_line(const DecodedFrame& f) {
  std::string d = "id " + std::to_string(f.ip_id);
  if (f.df) d += " DF";
  d += " frag " + std::to_string(f.frag_offset) + "+" + std::to_string(f.ip_payload_len);
  if (f.mf) d += " MF";
  d += " ttl " + std::to_string(f.ttl) + " tos " + hex8(f.tos) + " proto " +
       std::to_string(f.protocol) + " " + format_ipv4(f.saddr) + " → " + format_ipv4(f.daddr) +
       " csum " + hex16(f.ip_checksum);
  return {"ip_tx", f.ip_total_len, d};
}

TraceLine eth_line(const DecodedFrame& f) {
  return {"eth_tx", static_cast<long>(f.len),
          format_mac(f.src) + " → " + format_mac(f.dst) + " " + hex16(f.ethertype) + " " +
              std::to_string(f.len) + " B"};
}

}  // namespace

std::string format_trace_line(const TraceLine& line) {
  std::string result = line.result < 0 ? "-" + errno_name(static_cast<int>(-line.result))
                                       : std::to_string(line.result);
  char buf[64];
  if (line.detail.empty()) {
    snprintf(buf, sizeof buf, "  %-26s -> %s", line.layer.c_str(), result.c_str());
    return buf;
  }
  snprintf(buf, sizeof buf, "  %-26s -> %-10s ", line.layer.c_str(), result.c_str());
  return buf + line.detail;
}

int TraceSink::deliver(const uint8_t* frame, size_t len) {
  DecodedFrame f;
  decode_frame(frame, len, &f);
  {
    std::lock_guard<std::mutex> lock(mu_);
    frames_.push_back(f);
  }
  return next_ ? next_->deliver(frame, len) : 0;
}

std::vector<TraceLine> TraceSink::take_lines() {
  std::vector<DecodedFrame> frames;
  {
    std::lock_guard<std::mutex> lock(mu_);
    frames.swap(frames_);
  }
  std::vector<TraceLine> lines;
  for (const auto& f : frames)
    if (f.has_udp) lines.push_back(udp_line(f));
  for (const auto& f : frames)
    if (f.has_ipv4) lines.push_back(ip_line(f));
  for (const auto& f : frames) lines.push_back(eth_line(f));
  return lines;
}

}  // namespace cli
}  // namespace sendoff
