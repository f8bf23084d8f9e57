// SPDX-License-Identifier: MIT
// Address syntax is NetConfig's (host/net): the CLI asks it rather than
// keeping a second parser, so flags and config files accept the same text.
#include "validators.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include "sendoff/netconf.hpp"

namespace sendoff {
namespace cli {

namespace {

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

}  // namespace

CLI::Validator whole_number(uint64_t lo, uint64_t hi) {
  std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& in) -> std::string {
        std::string msg = in_quotes(in) + " is not valid; expected a whole number in " + range;
        if (in.empty() || in.size() > 20 || in.find_first_not_of("0123456789") != std::string::npos)
          return msg;
        errno = 0;
        unsigned long long v = strtoull(in.c_str(), nullptr, 10);
        if (errno == ERANGE || v < lo || v > hi) return msg;
        return {};
      },
      "INT in " + range);
}

namespace {
// A decimal number in (0, 1], or [0, 1] when zero_ok.
CLI::Validator unit_interval(bool zero_ok, const std::string& what, const std::string& example) {
  const std::string range = zero_ok ? "[0, 1]" : "(0, 1]";
  return CLI::Validator(
      [=](std::string& in) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double v = in.empty() ? 0.0 : strtod(in.c_str(), &end);
        const bool inside = (zero_ok ? v >= 0.0 : v > 0.0) && v <= 1.0;
        if (in.empty() || errno != 0 || *end != '\0' || !inside)
          return in_quotes(in) + " is not valid; expected " + what + " in " + range + ", e.g. " +
                 example;
        return {};
      },
      "P in " + range);
}
}  // namespace

CLI::Validator probability() { return unit_interval(false, "a probability", "0.5"); }

CLI::Validator chance() { return unit_interval(true, "a chance", "0.01"); }

CLI::Validator one_of(std::vector<std::string> names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return CLI::Validator(
      [names, list](std::string& in) -> std::string {
        for (const auto& n : names)
          if (in == n) return {};
        return in_quotes(in) + " is not valid; expected one of: " + list;
      },
      "one of: " + list);
}

namespace {

// The NetConfig setters' messages already name the value and what they
// want, so they are passed on as they are.
CLI::Validator netconf_check(bool (NetConfig::*set)(const std::string&, std::string*),
                             const std::string& type_name) {
  return CLI::Validator(
      [set](std::string& in) -> std::string {
        NetConfig probe;
        std::string err;
        return (probe.*set)(in, &err) ? std::string{} : err;
      },
      type_name);
}

}  // namespace

CLI::Validator ipv4_cidr() { return netconf_check(&NetConfig::set_local, "IP/LEN"); }
CLI::Validator ipv4_address() { return netconf_check(&NetConfig::set_gateway, "IP"); }
CLI::Validator mac_address() { return netconf_check(&NetConfig::set_mac, "MAC"); }
CLI::Validator neigh_entry() { return netconf_check(&NetConfig::add_neigh, "IP=MAC"); }

CLI::Validator ipv4_endpoint() {
  return CLI::Validator(
      [](std::string& in) -> std::string {
        uint32_t a;
        uint16_t p;
        if (parse_endpoint(in, &a, &p)) return {};
        return in_quotes(in) +
               " is not valid; expected IP:PORT with port 1..65535, e.g. 198.18.0.2:9000";
      },
      "IP:PORT");
}

CLI::Validator output_file() {
  return CLI::Validator(
      [](std::string& in) -> std::string {
        if (in.empty()) return "empty path; expected a file name";
        size_t slash = in.rfind('/');
        std::string dir = slash == std::string::npos ? "." : in.substr(0, slash + 1);
        struct stat st;
        if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
          return in_quotes(in) + " is not valid; folder " + in_quotes(dir) + " does not exist";
        if (stat(in.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
          return in_quotes(in) + " is a folder; expected a file name";
        return {};
      },
      "FILE");
}

bool parse_endpoint(const std::string& s, uint32_t* addr, uint16_t* port) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  std::string p = s.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos)
    return false;
  unsigned long v = std::stoul(p);
  if (v < 1 || v > 65535) return false;
  if (!parse_ipv4(s.substr(0, colon), addr)) return false;
  *port = static_cast<uint16_t>(v);
  return true;
}

}  // namespace cli
}  // namespace sendoff
