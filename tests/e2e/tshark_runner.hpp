// SPDX-License-Identifier: MIT
// Runs tshark on a pcap with the settings every e2e check wants: IP and UDP
// checksum validation on, and the test port decoded as plain data (random
// payloads otherwise trip heuristic dissectors into false "Malformed").
#ifndef SENDOFF_E2E_TSHARK_RUNNER_HPP
#define SENDOFF_E2E_TSHARK_RUNNER_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "subprocess.hpp"

namespace sendoff {
namespace e2e {

class TsharkRunner {
 public:
  explicit TsharkRunner(uint16_t data_port = 9000) : data_port_(data_port) {}

  // tshark -r pcap <common settings> extra...
  sys::ProcessResult run(const std::string& pcap, const std::vector<std::string>& extra) const;

  // -Y filter -T fields -e f1 -e f2 ...: one row per packet, one string per
  // field. Sets *err and returns an empty list when tshark fails.
  std::vector<std::vector<std::string>> fields(const std::string& pcap, const std::string& filter,
                                               const std::vector<std::string>& names,
                                               std::string* err) const;

  // Frame numbers tshark flags: malformed, an expert error, or a bad IP/UDP
  // checksum.
  std::vector<std::string> problems(const std::string& pcap, std::string* err) const;

 private:
  uint16_t data_port_;
};

// tshark prints FT_BYTES as hex, with or without ':' between bytes by version.
std::vector<uint8_t> hex_to_bytes(const std::string& hex);

}  // namespace e2e
}  // namespace sendoff

#endif  // SENDOFF_E2E_TSHARK_RUNNER_HPP
