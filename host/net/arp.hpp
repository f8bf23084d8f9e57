// SPDX-License-Identifier: MIT
// ARP for IPv4 over Ethernet (RFC 826), after net/ipv4/arp.c: answers
// requests for our address, learns from what it receives as arp_process
// does (arp_accept off), and solicits for the neighbour table.
#ifndef SENDOFF_NET_ARP_HPP
#define SENDOFF_NET_ARP_HPP

#include <cstdint>
#include <memory>

#include "skbuff.hpp"

namespace sendoff {

struct net;
struct neighbour;

// arp_rcv → arp_process: skb->data at the ARP header. Called with the
// stack's lock held. 0, or -1 when dropped.
int arp_rcv(net* n, std::unique_ptr<sk_buff_rx> skb);
// arp_solicit: a request for ne's address, broadcast, or unicast to the
// address it had while ne->probes is within ucast_probes. Under the table's lock.
void arp_solicit(net* n, neighbour* ne);
// arp_error_report: resolution failed for a packet to daddr; its sender
// learns it as an ICMP host unreachable would tell it (udp_err: a connected
// socket gets EHOSTUNREACH in sk_err, an unconnected one nothing).
void arp_error_report(net* n, const sk_buff& skb, uint32_t daddr);

}  // namespace sendoff

#endif  // SENDOFF_NET_ARP_HPP
