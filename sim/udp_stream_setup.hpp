// SPDX-License-Identifier: MIT
// The set-up the throughput measurements share: one UDP flow (198.18.0.1:5000 ->
// 198.18.0.2:9000) of the given MTU in flow 0, one payload in device memory, and a ring of
// `descriptors` UDP descriptors that all send it (IP IDs 0, 1, ...). CTRL is the caller's.
// The payload sits payload_offset bytes past a 4 KiB boundary; payload_address() says where.
#ifndef SENDOFF_SIM_UDP_STREAM_SETUP_HPP
#define SENDOFF_SIM_UDP_STREAM_SETUP_HPP

#include <cstdint>

#include "sendoff/sim/tx_top_sim.hpp"

namespace sendoff::sim {

void load_udp_stream(TxTopSim& sim, uint16_t mtu, uint32_t payload_len, unsigned descriptors,
                     unsigned payload_offset = 0);
uint64_t payload_address(TxTopSim& sim, unsigned payload_offset);

}  // namespace sendoff::sim

#endif  // SENDOFF_SIM_UDP_STREAM_SETUP_HPP
