// SPDX-License-Identifier: MIT
// WireFrame: the test's own reading of an Ethernet/IPv4 frame, field by
// field, and the Internet checksum (RFC 1071) — written from the RFCs, apart
// from anything in host/ or hls/, so a shared mistake cannot hide.
#ifndef SENDOFF_E2E_WIRE_FRAME_HPP
#define SENDOFF_E2E_WIRE_FRAME_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace e2e {

struct WireFrame {
  std::vector<uint8_t> eth_dst, eth_src;
  uint16_t ethertype = 0;

  uint8_t version = 0, ihl = 0, tos = 0, ttl = 0, protocol = 0;
  uint16_t total_length = 0, id = 0, checksum = 0;
  bool flag_reserved = false, df = false, mf = false;
  uint16_t frag_offset = 0;  // in 8-byte units, as on the wire
  uint32_t saddr = 0, daddr = 0;

  std::vector<uint8_t> ip_header;   // ihl * 4 bytes
  std::vector<uint8_t> ip_payload;  // total_length - header bytes
  std::vector<uint8_t> trailer;     // frame bytes after the IP packet (padding)

  bool is_fragment() const { return mf || frag_offset != 0; }
};

// Parses frame; returns false with *err set if it is not a whole IPv4 frame.
bool parse_wire_frame(const std::vector<uint8_t>& frame, WireFrame* out, std::string* err);

// One's-complement sum over data, folded, not inverted (RFC 1071).
uint32_t ones_sum(const uint8_t* data, size_t len, uint32_t sum = 0);
uint16_t fold(uint32_t sum);

bool ipv4_header_checksum_ok(const WireFrame& f);
// The UDP checksum of a whole (reassembled) datagram with its pseudo-header
// (RFC 768): 0 means "none", else it must verify.
bool udp_checksum_ok(uint32_t saddr, uint32_t daddr, const std::vector<uint8_t>& udp);

}  // namespace e2e
}  // namespace sendoff

#endif  // SENDOFF_E2E_WIRE_FRAME_HPP
