// SPDX-License-Identifier: MIT
// C++ entry to the process-wide stack behind the so_* API (sendoff.h).
#ifndef SENDOFF_STACK_HPP
#define SENDOFF_STACK_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "sendoff/device.hpp"
#include "sendoff/netconf.hpp"

namespace sendoff {

// Opens the stack on a new device made from opts. Returns true, or false with
// *err set to one line for a human and *error (when given) to an errno: the
// driver's (ENOMEM when device memory is exhausted), else ENODEV. Fails if a
// stack is already open.
bool stack_init(const NetConfig& cfg, const DeviceOptions& opts, std::string* err,
                int* error = nullptr);
// Waits for the NIC to drain, then closes every socket and the device.
void stack_fini();
// A process's exit before stack_fini: closes every socket, then waits while a
// TCP connection has data or a FIN the peer has not acknowledged, until none
// has or no ACK has come for `idle` (Linux keeps such connections after exit).
void stack_linger(std::chrono::milliseconds idle);
// Replaces the configuration of the open stack (routes, neighbours, MTU):
// cached routes made under the old one are not used again (rt_genid). The
// MAC address cannot change while the NIC is open. False with *err set.
bool stack_reconfigure(const NetConfig& cfg, std::string* err);
// Waits until no datagram waits for ARP (each leaves or is dropped within
// the probes' time) and the NIC has consumed every posted descriptor.
void stack_flush();

// --trace: called once per layer a send passes, with the layer's Linux name
// and its result (bytes, 0, or -errno) and a short detail.
using TraceFn = std::function<void(const char* layer, long result, const std::string& detail)>;
void stack_set_trace(TraceFn fn);
// The NIC's busy-poll time in microseconds (default 200): while it polls, a
// send rings the doorbell without a wake-up (no syscall).
void stack_set_busy_poll(uint32_t us);

// NIC counters read from the device registers.
struct NicCounters {
  uint64_t frames = 0, bytes = 0;
  uint32_t drops = 0, desc_errors = 0;
  uint32_t wb_errors = 0, tx_flushed = 0;  // STAT_WB_ERRORS, STAT_TX_FLUSHED
  // The driver's: datagrams posted, then discarded by a TX ring reset.
  uint64_t tx_dropped = 0;
  // The driver's: payload bytes it copied into its payload buffer, and bytes
  // it posted by reference (a TCP send queue in device memory).
  uint64_t tx_copy_bytes = 0, tx_ref_bytes = 0;
  // Receive (zero where the NIC has no receive path).
  uint64_t rx_frames = 0, rx_bytes = 0;
  uint32_t rx_drop_fcs = 0, rx_drop_nobuf = 0, rx_drop_len = 0;
  // The device layer's (DeviceCounters): doorbells rung, and the DMA syncs the
  // driver asked for where device memory is not host-coherent, with their bytes.
  uint64_t doorbells = 0, dma_syncs = 0, dma_sync_bytes = 0;
};
NicCounters stack_counters();

// One TCP connection's counters (what `sendoff send --proto tcp` reports):
// tcp_info's figures, Linux's per-connection MIB counts, and how the NIC
// carried the stream.
struct TcpStats {
  uint64_t bytes_acked = 0;    // tcpi_bytes_acked
  uint64_t data_descs = 0;     // descriptors that carried data
  uint64_t data_segs = 0;      // the segments they became on the wire (TSO: several each)
  uint64_t retrans = 0;        // segments sent again (tcpi_total_retrans)
  uint64_t fast_retrans = 0;   // recoveries entered on duplicate ACKs (TCPFastRetrans)
  uint64_t rtos = 0;           // retransmission timeouts (TCPTimeouts)
  uint64_t loss_probes = 0;    // tail loss probes sent (TCPLossProbes)
  uint32_t srtt_us = 0, rttvar_us = 0;  // tcpi_rtt, tcpi_rttvar
  uint32_t mss = 0, cwnd = 0;  // tcpi_snd_mss, tcpi_snd_cwnd
  int state = 0;               // tcpi_state: TCP_ESTABLISHED, TCP_FIN_WAIT2, ...
  // Payload copies: bytes tcp_sendmsg copied into the send queue; data bytes
  // of descriptors the driver copied again, and that it posted by reference
  // (retransmissions included); whether the send queue is in device memory.
  uint64_t sendq_copy_bytes = 0, nic_copy_bytes = 0, nic_ref_bytes = 0;
  bool sendq_on_dev = false;
};
// 0, -EBADF/-ENOTSOCK for an fd that is no sendoff socket, -EOPNOTSUPP for
// one that is not TCP.
int stack_tcp_stats(int fd, TcpStats* out);

// A received frame (Ethernet header on, no FCS), handed to the stack as the
// driver's RX poll hands it: netif_receive_skb → ip_rcv → udp_rcv → the
// socket. csum_verified: the NIC checked the L4 checksum (CHECKSUM_UNNECESSARY).
// false when no stack is open.
bool stack_receive_frame(const uint8_t* frame, size_t len, bool csum_verified);

// The receive path's counters: rows of Linux's /proc/net/snmp (Ip:, Udp:).
struct RxCounters {
  uint64_t rx_packets = 0, rx_dropped = 0;
  uint64_t ip_in_receives = 0, ip_in_hdr_errors = 0, ip_in_addr_errors = 0, ip_in_truncated = 0,
           ip_in_unknown_protos = 0, ip_in_delivers = 0, ip_in_csum_errors = 0,
           ip_reasm_reqds = 0, ip_reasm_oks = 0, ip_reasm_fails = 0, ip_reasm_timeout = 0,
           ip_reasm_overlaps = 0;
  uint64_t udp_in_datagrams = 0, udp_no_ports = 0, udp_in_errors = 0, udp_rcvbuf_errors = 0,
           udp_in_csum_errors = 0;
};
RxCounters stack_rx_counters();

// ARP's counters (rows of /proc/net/stat/arp_cache, and what was sent).
struct NeighCounters {
  bool arp = false;  // ARP runs (the NIC receives and sends whole frames)
  uint64_t requests = 0, replies = 0;
  uint64_t res_failed = 0;      // resolutions that failed
  uint64_t unres_discards = 0;  // datagrams dropped from a full queue (unres_qlen_bytes)
  uint64_t failed_drops = 0;    // datagrams dropped with a failed resolution
};
NeighCounters stack_neigh_counters();
// Resolves the next hop towards daddr (host order) before anything is sent:
// 0 at once for a static neighbour, broadcast or multicast, else after ARP
// answers; -EHOSTUNREACH when it does not (with *detail saying what was
// asked), or a routing error.
int stack_resolve_neighbour(uint32_t daddr, std::string* detail);

// The MAC's receive side, as a cable or port delivers: one frame with its
// FCS, into the NIC's RX path (checks, DMA, completion), then the driver's
// poll and the stack. false when no stack is open or the NIC has no
// receive path.
bool stack_mac_rx(const uint8_t* frame, size_t len);
// Resets the NIC's TX ring with whatever is in flight (SendoffNic::reset):
// 0, or -errno with *err one line for a human (-EIO: the NIC did not finish
// its reset; -ENODEV: no stack is open).
int stack_nic_reset(std::string* err);
// The open stack's device (null when none is open), for tools and tests that
// act on the NIC behind the driver's back (fault injection).
Device* stack_device();
// The device's fault (Device::fault()): empty while it is healthy.
std::string stack_device_fault();

}  // namespace sendoff

#endif  // SENDOFF_STACK_HPP
