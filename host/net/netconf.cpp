// SPDX-License-Identifier: MIT
#include "sendoff/netconf.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "sendoff/nic_abi.hpp"

namespace sendoff {

bool parse_ipv4(const std::string& s, uint32_t* out) {
  in_addr a;
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return false;
  *out = ntohl(a.s_addr);
  return true;
}

bool parse_mac(const std::string& s, uint8_t out[6]) {
  unsigned v[6];
  char tail;
  if (sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
             &tail) != 6)
    return false;
  for (int i = 0; i < 6; ++i) out[i] = static_cast<uint8_t>(v[i]);
  return true;
}

std::string format_ipv4(uint32_t addr) {
  char b[16];
  snprintf(b, sizeof b, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
           addr & 255);
  return b;
}

std::string format_mac(const uint8_t m[6]) {
  char b[18];
  snprintf(b, sizeof b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return b;
}

bool NetConfig::set_local(const std::string& cidr, std::string* err) {
  size_t slash = cidr.find('/');
  std::string ip = cidr.substr(0, slash);
  int prefix = 32;
  if (slash != std::string::npos) {
    const std::string p = cidr.substr(slash + 1);
    char* end = nullptr;
    long v = strtol(p.c_str(), &end, 10);
    if (p.empty() || *end || v < 0 || v > 32) {
      *err = "local address '" + cidr + "': prefix length must be 0..32";
      return false;
    }
    prefix = static_cast<int>(v);
  }
  uint32_t a;
  if (!parse_ipv4(ip, &a) || a == 0 || (a >> 28) >= 14 || (a >> 24) == 127) {
    *err = "local address '" + cidr + "': want a unicast IPv4 address like 198.18.0.1/15";
    return false;
  }
  addr = a;
  prefix_len = prefix;
  return true;
}

bool NetConfig::set_mac(const std::string& s, std::string* err) {
  uint8_t m[6];
  if (!parse_mac(s, m) || (m[0] & 1)) {
    *err = "MAC '" + s + "': want a unicast MAC like 02:00:00:00:00:01";
    return false;
  }
  std::copy(m, m + 6, mac);
  return true;
}

bool NetConfig::set_mtu(long v, std::string* err) {
  if (v < abi::MIN_MTU || v > abi::MAX_MTU) {
    *err = "MTU " + std::to_string(v) + ": must be " + std::to_string(abi::MIN_MTU) + ".." +
           std::to_string(abi::MAX_MTU);
    return false;
  }
  mtu = static_cast<unsigned>(v);
  return true;
}

bool NetConfig::set_gateway(const std::string& s, std::string* err) {
  uint32_t a;
  if (!parse_ipv4(s, &a) || a == 0) {
    *err = "gateway '" + s + "': want an IPv4 address";
    return false;
  }
  gateway = a;
  return true;
}

bool NetConfig::add_neigh(const std::string& s, std::string* err) {
  size_t eq = s.find('=');
  Neighbour n;
  if (eq == std::string::npos || !parse_ipv4(s.substr(0, eq), &n.ip) ||
      !parse_mac(s.substr(eq + 1), n.mac)) {
    *err = "neighbour '" + s + "': want IP=MAC like 198.18.0.2=02:00:00:00:00:02";
    return false;
  }
  for (Neighbour& e : neigh)
    if (e.ip == n.ip) {
      e = n;
      return true;
    }
  neigh.push_back(n);
  return true;
}

bool NetConfig::load_file(const std::string& path, std::string* err) {
  std::ifstream f(path);
  if (!f) {
    *err = "config file '" + path + "': cannot read it";
    return false;
  }
  std::string line;
  for (int no = 1; std::getline(f, line); ++no) {
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream in(line);
    std::string key, a, b, extra;
    if (!(in >> key)) continue;
    in >> a >> b >> extra;
    std::string e;
    bool ok = !a.empty() && extra.empty();
    if (!ok) e = "want '" + key + " VALUE'";
    else if (key == "local" && b.empty()) ok = set_local(a, &e);
    else if (key == "mac" && b.empty()) ok = set_mac(a, &e);
    else if (key == "mtu" && b.empty()) {
      char* end = nullptr;
      long v = strtol(a.c_str(), &end, 10);
      ok = *end == 0 && set_mtu(v, &e);
      if (*end) e = "MTU '" + a + "': not a number";
    } else if (key == "gateway" && b.empty()) ok = set_gateway(a, &e);
    else if (key == "neigh" && !b.empty()) ok = add_neigh(a + "=" + b, &e);
    else if (key == "tap" && b.empty()) tap = a;
    else {
      ok = false;
      e = "unknown setting '" + key + "' (local, mac, mtu, gateway, neigh, tap)";
    }
    if (!ok) {
      *err = path + ":" + std::to_string(no) + ": " + e;
      return false;
    }
  }
  return true;
}

}  // namespace sendoff
