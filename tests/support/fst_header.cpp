// SPDX-License-Identifier: MIT
#include "fst_header.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace sendoff {
namespace test {

namespace {

constexpr size_t kHeaderBlock = 1 + 329;  // tag byte, then a section of 329 bytes
constexpr double kEndianTest = 2.7182818284590452354;  // e, written in native order

uint64_t be64(const std::vector<uint8_t>& b, size_t off) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = v << 8 | b[off + i];
  return v;
}

}  // namespace

std::string read_fst_header(const std::string& path, FstHeader* h) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "cannot open " + path;
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), {});
  if (b.size() < kHeaderBlock) return path + ": " + std::to_string(b.size()) + " bytes, no header";
  if (b[0] != 0) return path + ": first block is not a header (tag " + std::to_string(b[0]) + ")";
  if (be64(b, 1) != 329) return path + ": header section length " + std::to_string(be64(b, 1));
  double e = 0;
  std::memcpy(&e, &b[25], sizeof e);
  if (e != kEndianTest) return path + ": endian test value is not e";
  h->start_time = be64(b, 9);
  h->end_time = be64(b, 17);
  h->scopes = be64(b, 41);
  h->vars = be64(b, 49);
  h->sections = be64(b, 65);
  return "";
}

}  // namespace test
}  // namespace sendoff
