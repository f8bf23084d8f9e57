// SPDX-License-Identifier: MIT
// CLI11 validators for sendoff's flags. Each failure message says what was
// wrong and what would be valid; CLI11 puts the flag's name in front.
#ifndef SENDOFF_CLI_VALIDATORS_HPP
#define SENDOFF_CLI_VALIDATORS_HPP

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace cli {

// A whole decimal number in [lo, hi].
CLI::Validator whole_number(uint64_t lo, uint64_t hi);
// A probability p with 0 < p <= 1 (a decimal number).
CLI::Validator probability();
// A chance p with 0 <= p <= 1 (0: never).
CLI::Validator chance();
// One of `names`.
CLI::Validator one_of(std::vector<std::string> names);
// "a.b.c.d/len" (NetConfig::set_local).
CLI::Validator ipv4_cidr();
// "a.b.c.d" (NetConfig::set_gateway).
CLI::Validator ipv4_address();
// "a.b.c.d:port", port 1..65535.
CLI::Validator ipv4_endpoint();
// A unicast "xx:xx:xx:xx:xx:xx" (NetConfig::set_mac).
CLI::Validator mac_address();
// "a.b.c.d=xx:xx:xx:xx:xx:xx" (NetConfig::add_neigh).
CLI::Validator neigh_entry();
// A file path whose folder exists (the file itself is created).
CLI::Validator output_file();

// Splits "a.b.c.d:port"; false if it is not one.
bool parse_endpoint(const std::string& s, uint32_t* addr, uint16_t* port);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_VALIDATORS_HPP
