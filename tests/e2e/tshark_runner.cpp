// SPDX-License-Identifier: MIT
#include "tshark_runner.hpp"

#include <sstream>

namespace sendoff {
namespace e2e {


sys::ProcessResult TsharkRunner::run(const std::string& pcap,
                                     const std::vector<std::string>& extra) const {
  std::vector<std::string> argv{"tshark", "-n",
                                "-r",     pcap,
                                "-o",     "ip.defragment:TRUE",
                                "-o",     "ip.check_checksum:TRUE",
                                "-o",     "udp.check_checksum:TRUE",
                                "-d",     "udp.port==" + std::to_string(data_port_) + ",data"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return sys::run_process(argv);
}

std::vector<std::vector<std::string>> TsharkRunner::fields(const std::string& pcap,
                                                           const std::string& filter,
                                                           const std::vector<std::string>& names,
                                                           std::string* err) const {
  std::vector<std::string> extra{"-T", "fields", "-E", "separator=/t"};
  if (!filter.empty()) extra.insert(extra.end(), {"-Y", filter});
  for (const auto& n : names) extra.insert(extra.end(), {"-e", n});
  sys::ProcessResult r = run(pcap, extra);
  std::vector<std::vector<std::string>> rows;
  if (r.exit_code != 0) {
    *err = "tshark exit " + std::to_string(r.exit_code) + ": " + r.err;
    return rows;
  }
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    size_t start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      row.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> TsharkRunner::problems(const std::string& pcap, std::string* err) const {
  auto rows = fields(pcap,
                     "_ws.malformed || _ws.expert.severity >= \"Error\" || "
                     "ip.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\"",
                     {"frame.number"}, err);
  std::vector<std::string> frames;
  for (const auto& r : rows) frames.push_back(r.at(0));
  return frames;
}

std::vector<uint8_t> hex_to_bytes(const std::string& hex) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      continue;  // ':' separators
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

}  // namespace e2e
}  // namespace sendoff
