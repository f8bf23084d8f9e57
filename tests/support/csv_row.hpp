// SPDX-License-Identifier: MIT
// One line of a benchmark's CSV as its cells (no quoting: the benchmarks write none).
#ifndef SENDOFF_TESTS_SUPPORT_CSV_ROW_HPP
#define SENDOFF_TESTS_SUPPORT_CSV_ROW_HPP

#include <sstream>
#include <string>
#include <vector>

namespace sendoff {
namespace test {

inline std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  return out;
}

}  // namespace test
}  // namespace sendoff

#endif  // SENDOFF_TESTS_SUPPORT_CSV_ROW_HPP
