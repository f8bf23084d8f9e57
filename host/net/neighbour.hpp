// SPDX-License-Identifier: MIT
// The neighbour table (net/core/neighbour.c) with ARP as its one protocol
// (net/ipv4/arp.c): the NUD states, timers and queue of unresolved packets
// as Linux keeps them, with the defaults of /proc/sys/net/ipv4/neigh/default.
//
// Sends read an entry's state without a lock: a route holds its neighbour
// and, while the state is NUD_CONNECTED and the address the route was made
// with is still the entry's, the send goes straight to the NIC. Every other
// case takes the table's lock (neigh_resolve_output). Entries live as long
// as the stack, so a route's pointer never dangles.
#ifndef SENDOFF_NET_NEIGHBOUR_HPP
#define SENDOFF_NET_NEIGHBOUR_HPP

#include <sys/uio.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "skbuff.hpp"

namespace sendoff {

struct net;

// include/uapi/linux/neighbour.h
enum : uint8_t {
  NUD_NONE = 0x00,
  NUD_INCOMPLETE = 0x01,
  NUD_REACHABLE = 0x02,
  NUD_STALE = 0x04,
  NUD_DELAY = 0x08,
  NUD_PROBE = 0x10,
  NUD_FAILED = 0x20,
  NUD_NOARP = 0x40,
  NUD_PERMANENT = 0x80,
};
constexpr uint8_t NUD_IN_TIMER = NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE;
constexpr uint8_t NUD_VALID =
    NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;
constexpr uint8_t NUD_CONNECTED = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;

// The name `ip neigh` prints for a state.
const char* neigh_state_name(uint8_t nud_state);

// struct neigh_parms, read from /proc/sys/net/ipv4/neigh/default (Linux's
// defaults when unreadable).
struct neigh_parms {
  long base_reachable_time_ms = 30000;
  long retrans_time_ms = 1000;
  long delay_probe_time_ms = 5000;  // delay_first_probe_time (s in the sysctl)
  int ucast_probes = 3, mcast_probes = 3, app_probes = 0, mcast_reprobes = 0;
  long queue_len_bytes = 212992;  // unres_qlen_bytes (SK_WMEM_MAX)
  long locktime_ms = 1000;        // locktime (jiffies in the sysctl; USER_HZ 100)
  void load();
};

// A packet waiting for its neighbour (the arp_queue's sk_buff): the send
// path's skb with its payload copied out of the user's memory, still charged
// to its socket, and the route fields the NIC flow needs once resolved.
struct neigh_skb {
  sk_buff skb;
  std::vector<uint8_t> payload;
  iovec iov{};
  uint32_t saddr = 0, daddr = 0;
  unsigned mtu = 0;
  size_t truesize = 0;
};

struct neighbour {
  uint32_t primary_key = 0;  // the next hop's IPv4 address
  // The link-layer address; written under the table's lock, and ha_gen
  // moves with every change (a route made before uses the slow path).
  uint8_t ha[6] = {};
  std::atomic<uint32_t> ha_gen{0};
  std::atomic<uint8_t> nud_state{NUD_NONE};
  using clock = std::chrono::steady_clock;
  clock::time_point confirmed{}, updated{}, used{};
  clock::time_point timer{};  // when the state is in NUD_IN_TIMER
  int probes = 0;
  std::deque<std::unique_ptr<neigh_skb>> arp_queue;
  size_t arp_queue_len_bytes = 0;
};

// /proc/net/stat/arp_cache's rows that sendoff moves.
struct neigh_statistics {
  std::atomic<uint64_t> allocs{0}, lookups{0}, hits{0}, res_failed{0}, unres_discards{0},
      rcv_probes_mcast{0}, rcv_probes_ucast{0};
  // Not a Linux row: packets freed because their neighbour failed.
  std::atomic<uint64_t> failed_drops{0};
};

struct neigh_table {
  neigh_parms parms;
  long reachable_time_ms = 30000;  // neigh_rand_reach_time(base): 0.5..1.5 x base
  neighbour::clock::time_point reachable_drawn{};
  std::mutex lock;
  std::map<uint32_t, std::unique_ptr<neighbour>> hash;
  neigh_statistics stats;
  // Replies and requests sent, for tests and `sendoff send`'s summary.
  std::atomic<uint64_t> requests_sent{0}, replies_sent{0};
  // The ARP output: sends one whole Ethernet frame through the NIC; false
  // when the NIC cannot take it (no L2 descriptors, or none free now).
  bool (*xmit)(net* n, const uint8_t* frame, size_t len) = nullptr;
};

// Truesize Linux gives the skbs of one datagram of l3_len bytes (IPv4 header
// included) through a device of this MTU: what unres_qlen_bytes counts.
size_t ip_skb_truesize(size_t l3_len, unsigned mtu);

// __neigh_lookup with creation (called under the stack's lock by routing).
neighbour* neigh_lookup_create(net* n, uint32_t ip);
// neigh_resolve_output: a send whose neighbour is not NUD_CONNECTED (or
// whose route predates the entry's address): sends it, queues it while the
// address is resolved, or drops it. 0 or -errno as dev_queue_xmit.
int neigh_resolve_output(net* n, neighbour* ne, uint32_t route_gen, sk_buff* skb,
                         uint32_t saddr, uint32_t daddr, unsigned mtu);
// Starts resolving ne without a packet (as a first send would) and waits
// until it is valid (0) or failed (-EHOSTUNREACH), or the stack closes
// (-ENETDOWN). Not under any lock.
int neigh_resolve_wait(net* n, neighbour* ne);
// neigh_update from ARP: lladdr with the new state (NUD_REACHABLE or
// NUD_STALE); override as Linux's NEIGH_UPDATE_F_OVERRIDE. Sends what was
// queued once the entry becomes valid.
void neigh_update(net* n, neighbour* ne, const uint8_t lladdr[6], uint8_t new_state,
                  bool override);
// __neigh_lookup without creation, or nullptr. Under the table's lock.
neighbour* neigh_lookup(net* n, uint32_t ip);
// neigh_timer_handler for every entry whose timer has run out (the poll
// thread calls it on each pass).
void neigh_run_timers(net* n);
// True while some packet waits for its neighbour (it leaves, or is dropped,
// within the probes' time).
bool neigh_pending(net* n);
// At close: what is still queued is dropped and its sockets uncharged.
void neigh_table_clear(net* n);

}  // namespace sendoff

#endif  // SENDOFF_NET_NEIGHBOUR_HPP
