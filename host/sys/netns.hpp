// SPDX-License-Identifier: MIT
// Network namespaces and a veth pair between two of them, for the benchmark's
// kernel baseline and the end-to-end tests. Everything created here is
// deleted again by destructors; addresses must lie in 198.18.0.0/15
// (RFC 2544 benchmark range) so no test ever touches a real network.
#ifndef SENDOFF_SYS_NETNS_HPP
#define SENDOFF_SYS_NETNS_HPP

#include <memory>
#include <string>
#include <vector>

namespace sendoff {
namespace sys {

// One named namespace (`ip netns add`), deleted with the object.
class Netns {
 public:
  static std::unique_ptr<Netns> create(const std::string& name, std::string* err);
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }
  // Runs `ip -n <name> args...`.
  bool ip(const std::vector<std::string>& args, std::string* err) const;

 private:
  explicit Netns(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

// Moves the calling thread into a namespace; back to the previous one on
// destruction. Sockets opened meanwhile stay in that namespace for good.
class NetnsScope {
 public:
  NetnsScope(const std::string& name, std::string* err);
  ~NetnsScope();
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;
  bool ok() const { return entered_; }

 private:
  int saved_fd_ = -1;
  bool entered_ = false;
};

struct VethEnd {
  std::string ifname;  // name inside its namespace
  std::string mac;     // e.g. "02:00:00:00:00:01"
  std::string cidr;    // e.g. "198.18.0.1/15"; must be in 198.18.0.0/15
  unsigned mtu = 1500;
};

struct VethSpec {
  // Namespaces are named <prefix><pid>-<n>a and ...b, so that
  // remove_stale_netns(prefix) can tell leftovers of dead processes.
  std::string prefix;
  VethEnd a;
  VethEnd b;
};

// Two namespaces joined by a veth pair: addresses, MACs, MTU, links up,
// no IPv6 link-local addresses (so nothing but our traffic appears), and a
// permanent neighbour entry on each side for the other (no ARP).
class VethPair {
 public:
  static std::unique_ptr<VethPair> create(const VethSpec& spec, std::string* err);

  const Netns& ns_a() const { return *a_; }
  const Netns& ns_b() const { return *b_; }
  const VethSpec& spec() const { return spec_; }

 private:
  VethSpec spec_;
  std::unique_ptr<Netns> a_;
  std::unique_ptr<Netns> b_;
};

// Deletes namespaces named <prefix><pid>... whose process no longer exists
// (left behind by a run that was killed before its destructors ran).
void remove_stale_netns(const std::string& prefix);

// Turns transmit checksum offload of an interface on or off (ethtool -K tx).
// Off, the kernel computes UDP/TCP checksums itself before the frame reaches
// packet taps, so a capture shows the final checksum.
bool set_tx_checksum_offload(const std::string& netns, const std::string& ifname, bool on,
                             std::string* err);

// Opens a socket inside a namespace. Returns the fd, or -1 with *err set.
int socket_in_netns(const std::string& netns, int domain, int type, int protocol, std::string* err);

// True when the dotted-quad address (with optional /len) lies in 198.18.0.0/15.
bool in_benchmark_range(const std::string& addr);

}  // namespace sys
}  // namespace sendoff

#endif  // SENDOFF_SYS_NETNS_HPP
