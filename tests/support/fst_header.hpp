// SPDX-License-Identifier: MIT
// Reads the header block of an FST waveform (the format GTKWave opens; the layout is the
// writer's in GTKWave's fstapi.c, which Verilator ships): enough to tell that a file is a
// finished FST with signals and simulated time, without GTKWave.
#pragma once

#include <cstdint>
#include <string>

namespace sendoff {
namespace test {

struct FstHeader {
  uint64_t start_time = 0;
  uint64_t end_time = 0;
  uint64_t scopes = 0;
  uint64_t vars = 0;
  uint64_t sections = 0;  // value-change sections written
};

// Empty and *h filled when `path` starts with a complete FST header block; else why not.
std::string read_fst_header(const std::string& path, FstHeader* h);

}  // namespace test
}  // namespace sendoff
