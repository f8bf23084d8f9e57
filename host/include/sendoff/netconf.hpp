// SPDX-License-Identifier: MIT
// NetConfig: the one interface sendoff's stack owns (like a net_device with
// its address, route and neighbour tables), from flags or a config file.
//
// Config file: one setting a line, '#' starts a comment.
//   local 198.18.0.1/15      address and prefix length
//   mac 02:00:00:00:00:01    our MAC
//   mtu 1500                 IP MTU, 68..9000
//   gateway 198.18.0.254     default route's next hop (optional)
//   neigh 198.18.0.2 02:00:00:00:00:02   static neighbour entry (repeatable)
//   tap sndf0                the MAC port is this TAP interface (C API, preload)
#ifndef SENDOFF_NETCONF_HPP
#define SENDOFF_NETCONF_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {

struct Neighbour {
  uint32_t ip = 0;  // host order
  uint8_t mac[6] = {};
};

struct NetConfig {
  uint32_t addr = 0xC6120001;  // 198.18.0.1
  int prefix_len = 15;
  uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  unsigned mtu = 1500;
  std::string tap;  // TAP interface for the MAC port; empty: none
  uint32_t gateway = 0;  // 0: no default route
  std::vector<Neighbour> neigh;

  // Each returns true, or false with *err set to one line naming the value.
  bool set_local(const std::string& cidr, std::string* err);
  bool set_mac(const std::string& mac, std::string* err);
  bool set_mtu(long mtu, std::string* err);
  bool set_gateway(const std::string& ip, std::string* err);
  bool add_neigh(const std::string& ip_eq_mac, std::string* err);  // "IP=MAC"
  bool load_file(const std::string& path, std::string* err);
};

bool parse_ipv4(const std::string& s, uint32_t* out);  // host order
bool parse_mac(const std::string& s, uint8_t out[6]);
std::string format_ipv4(uint32_t addr);
std::string format_mac(const uint8_t mac[6]);

}  // namespace sendoff

#endif  // SENDOFF_NETCONF_HPP
