// SPDX-License-Identifier: MIT
// Reads back the headers the NIC wrote (Ethernet, IPv4, UDP) from a frame,
// for --trace: what eth_tx, ip_tx and udp_tx put on the wire.
#ifndef SENDOFF_CLI_FRAME_DECODE_HPP
#define SENDOFF_CLI_FRAME_DECODE_HPP

#include <cstddef>
#include <cstdint>

namespace sendoff {
namespace cli {

struct DecodedFrame {
  size_t len = 0;
  uint8_t dst[6] = {};
  uint8_t src[6] = {};
  uint16_t ethertype = 0;

  bool has_ipv4 = false;
  uint8_t tos = 0;
  uint16_t ip_total_len = 0;
  uint16_t ip_id = 0;
  bool df = false;
  bool mf = false;
  uint32_t frag_offset = 0;  // bytes
  uint8_t ttl = 0;
  uint8_t protocol = 0;
  uint16_t ip_checksum = 0;
  uint32_t saddr = 0;  // host order
  uint32_t daddr = 0;
  uint32_t ip_payload_len = 0;  // bytes after the IPv4 header

  bool has_udp = false;  // only the first fragment carries the UDP header
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint16_t udp_len = 0;
  uint16_t udp_checksum = 0;
};

// Fills *out as far as the frame goes; returns false if not even an Ethernet
// header fits. Truncated inner headers leave has_ipv4/has_udp false.
bool decode_frame(const uint8_t* frame, size_t len, DecodedFrame* out);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_FRAME_DECODE_HPP
