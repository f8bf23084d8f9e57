// SPDX-License-Identifier: MIT
// The test as a TCP peer (198.18.0.2): it reads the segments our side sent and
// answers with segments it builds itself, so a test can script the other end
// of a connection (a SYN-ACK, silence, a RST). Two wires: sendoff's NIC (its
// frames in memory, answers through stack_receive_frame) and the kernel's
// veth (an AF_PACKET socket on the far end, so1), so one script runs against
// both and the kernel is the oracle.
#ifndef SENDOFF_TESTS_TCP_PEER_HPP
#define SENDOFF_TESTS_TCP_PEER_HPP

#include <cstdint>
#include <memory>
#include <vector>

#include "test_env.hpp"

namespace tcp_peer {

using test_env::Frame;

constexpr uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20;

uint16_t be16(const uint8_t* p);
uint32_t be32(const uint8_t* p);
void put16(uint8_t* p, uint16_t v);
void put32(uint8_t* p, uint32_t v);

// The TCP checksum over the pseudo-header and segment (RFC 1071), written out
// here rather than taken from the code under test: 0 for a valid segment.
uint16_t tcp_checksum(uint32_t saddr, uint32_t daddr, const uint8_t* seg, size_t len);

struct Seg {
  uint16_t sport = 0, dport = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint16_t win = 0, urg_ptr = 0;
  std::vector<uint8_t> opts, data;
  bool csum_ok = false, df = false;
};

// The TCP segments among the frames, from our port `sport` (0: any).
std::vector<Seg> segments(const std::vector<Frame>& frames, uint16_t sport);

// A frame from the peer (198.18.0.2, its MAC) to us, checksums filled in.
Frame peer_frame(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                 uint16_t win, const std::vector<uint8_t>& opts = {},
                 const std::vector<uint8_t>& data = {});

// The peer's SYN-ACK options: MSS 1460, SACK permitted, timestamps, wscale 7.
std::vector<uint8_t> synack_opts(uint32_t tsecr);
// Two NOPs and a timestamp option.
std::vector<uint8_t> ts_opts(uint32_t tsval, uint32_t tsecr);
// The TSval of a segment's timestamp option (0: none).
uint32_t tsval_of(const Seg& s);

// The far end of our side's link.
class Wire {
 public:
  virtual ~Wire() = default;
  // The frames our side sent since the last take.
  virtual std::vector<Frame> take() = 0;
  // A frame to our side. False if it could not be delivered.
  virtual bool put(const Frame& f) = 0;
  // Our segments from `sport`, waiting up to wait_ms for the first.
  std::vector<Seg> take_segments(uint16_t sport, int wait_ms);
};

std::unique_ptr<Wire> sendoff_wire();
// The kernel's: an AF_PACKET socket on the veth's far end (so1); nullptr when it cannot open.
std::unique_ptr<Wire> kernel_wire();

}  // namespace tcp_peer

#endif  // SENDOFF_TESTS_TCP_PEER_HPP
