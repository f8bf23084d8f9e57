// SPDX-License-Identifier: MIT
#include "pcap_file.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

namespace sendoff {
namespace test {

std::vector<std::vector<uint8_t>> read_pcap_frames(const std::string& path, std::string* err) {
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::vector<uint8_t>> out;
  if (b.size() < 24) {
    *err = path + ": no pcap header";
    return out;
  }
  for (size_t at = 24; at < b.size();) {
    if (b.size() - at < 16) {
      *err = path + ": a cut record header";
      return out;
    }
    uint32_t incl = 0;
    std::memcpy(&incl, &b[at + 8], 4);
    at += 16;
    if (b.size() - at < incl) {
      *err = path + ": a cut record";
      return out;
    }
    out.emplace_back(b.begin() + static_cast<std::ptrdiff_t>(at),
                     b.begin() + static_cast<std::ptrdiff_t>(at + incl));
    at += incl;
  }
  return out;
}

}  // namespace test
}  // namespace sendoff
