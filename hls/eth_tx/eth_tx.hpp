// SPDX-License-Identifier: MIT
// eth_tx: puts an Ethernet II header in front of each IPv4 packet, pads the
// frame to ETH_ZLEN (60) bytes with zeros, and appends the IEEE 802.3 FCS
// when asked (CTRL_FCS_APPEND; otherwise the MAC adds it). Counts frames and
// frame bytes (without FCS).
#ifndef SENDOFF_ETH_TX_HPP
#define SENDOFF_ETH_TX_HPP

#include <stdint.h>

#include "sendoff/hls_beat.hpp"

namespace sendoff {

// One IPv4 packet on eth_tx's input. MAC addresses hold wire byte k in bits
// 8k+7:8k (the first byte on the wire is the low byte).
struct EthTxMeta {
  bool end;         // no more packets in this run: eth_tx returns
  uint16_t ip_len;  // bytes of the IP packet on the stream (20..65535)
  uint64_t dmac;    // next hop's MAC
  uint64_t smac;    // our MAC
  bool fcs;         // append the FCS
};

// Per packet: one meta, then beats_for(ip_len) beats of the packet on ip_in.
// Writes each frame to m_axis; *frames and *bytes count this run's frames.
void eth_tx(hls::stream<EthTxMeta>& meta_in, hls::stream<axis_t>& ip_in,
            hls::stream<axis_t>& m_axis, ap_uint<64>* frames, ap_uint<64>* bytes);

}  // namespace sendoff

#endif  // SENDOFF_ETH_TX_HPP
