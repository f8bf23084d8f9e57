// SPDX-License-Identifier: MIT
// tx_merge: the transport stages' outputs into ip_tx, in descriptor order.
// desc_fetch sends a UDP/RAW/ETH descriptor to udp_tx and a TCP one to
// tcp_tx, and writes a route token per descriptor in ring order; tx_merge
// forwards that descriptor's segments (one from udp_tx, tcp_segs() from
// tcp_tx), each a meta and beats_for(l4_len) beats, before it takes the next
// token. So frames leave in ring order whichever stage built them, and
// RING_TAIL's "all frames handed on" holds.
//
// Free-running: each call is one clock cycle and moves at most one beat (a
// segment's meta with its first beat; a segment without beats, udp_tx's empty
// RAW one, is its meta alone).
#ifndef SENDOFF_TX_MERGE_HPP
#define SENDOFF_TX_MERGE_HPP

#include <stdint.h>

#include "ip_tx/ip_tx.hpp"
#include "sendoff/hls_beat.hpp"

namespace sendoff {

// One descriptor's place in the order: which stage builds it, and how many
// segments it becomes.
struct TxRoute {
  bool tcp;
  uint32_t segs;
};

struct TxMergeState {
  bool busy = false;       // a descriptor's segments are being forwarded
  bool tcp = false;
  uint32_t segs_left = 0;
  bool have_meta = false;  // m: the next segment's meta, taken, not yet passed on
  IpTxMeta m = {};
  unsigned beats_left = 0;  // of the segment being forwarded

  bool idle() const { return !busy; }
};

template <template <class> class S>
void tx_merge_step(TxMergeState& s, S<TxRoute>& route_in, S<IpTxMeta>& udp_meta,
                   S<axis_t>& udp_l4, S<IpTxMeta>& tcp_meta, S<axis_t>& tcp_l4,
                   S<IpTxMeta>& meta_out, S<axis_t>& l4_out) {
  if (!s.busy) {
    if (route_in.empty()) return;
    const TxRoute r = route_in.read();
    s.busy = true;
    s.tcp = r.tcp;
    s.segs_left = r.segs;
  }
  S<IpTxMeta>& mi = s.tcp ? tcp_meta : udp_meta;
  S<axis_t>& li = s.tcp ? tcp_l4 : udp_l4;
  if (s.beats_left != 0) {
    if (li.empty() || l4_out.full()) return;
    l4_out.write(li.read());
    s.beats_left -= 1;
  } else {
    // The meta waits in a register until its first beat can go with it (a stream cannot
    // be peeked), so ip_tx sees both in one cycle and no cycle is lost per segment.
    if (!s.have_meta) {
      if (mi.empty()) return;
      s.m = mi.read();
      s.have_meta = true;
    }
    const unsigned beats = beats_for(s.m.l4_len);
    if (meta_out.full() || (beats != 0 && (li.empty() || l4_out.full()))) return;
    meta_out.write(s.m);
    s.have_meta = false;
    if (beats != 0) {
      l4_out.write(li.read());
      s.beats_left = beats - 1;
    }
  }
  if (s.beats_left == 0) {
    s.segs_left -= 1;
    if (s.segs_left == 0) s.busy = false;
  }
}

// The free-running kernel: state in statics, one call per clock.
void tx_merge(hls::stream<TxRoute>& route_in, hls::stream<IpTxMeta>& udp_meta,
              hls::stream<axis_t>& udp_l4, hls::stream<IpTxMeta>& tcp_meta,
              hls::stream<axis_t>& tcp_l4, hls::stream<IpTxMeta>& meta_out,
              hls::stream<axis_t>& l4_out);

}  // namespace sendoff

#endif  // SENDOFF_TX_MERGE_HPP
