// SPDX-License-Identifier: MIT
// `sendoff bench --backend verilator --csv`: a short run whose CSV must be well formed and
// physically plausible. The bounds come from the bus, not from the code under test: a
// stream of the build's width (SENDOFF_BENCH_DATA_WIDTH bits) cannot carry a frame in fewer
// than ceil(bytes / beat bytes) cycles.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "csv_row.hpp"
#include "fst_header.hpp"
#include "subprocess.hpp"

namespace sendoff {
namespace {

class BenchRtl : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sendoff-bench-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const char* f : {"out.csv", "t-64.fst", "t-65.fst"}) unlink((dir_ + "/" + f).c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(BenchRtl, CsvIsWellFormedAndPlausible) {
  const std::string csv = dir_ + "/out.csv";
  const std::vector<unsigned> sizes = {64, 65, 1518};
  const auto r = sys::run_process({SENDOFF_CLI_PATH, "bench", "--backend", "verilator",
                                   "--sizes", "64", "65", "1518", "--frames", "48", "--csv",
                                   csv});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  std::ifstream in(csv);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const auto header = test::csv_cells(line);
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* name : {"size_bytes", "frames", "cycles", "gbps_322mhz", "mpps_322mhz",
                           "line_rate_fraction", "latency_cycles", "sim_cycles_per_s",
                           "gbps_250mhz", "mpps_250mhz", "line_rate_fraction_250mhz"}) {
    ASSERT_EQ(col.count(name), 1u) << "no column " << name << " in: " << line;
  }
  // The columns of the 1024-bit datapath come after `memory`, which names the memory: each
  // size with the fixed-latency one, then the realistic one. Last, what a row measures:
  // `direction` (tx: the transmit pipeline, every size; then rx: the receive path) and
  // `proto` (udp; then the TSO rows: tx, tcp, one per MSS and memory).
  const std::vector<std::string> tail = {"memory",
                                         "data_width",
                                         "gbps_400mhz",
                                         "mpps_400mhz",
                                         "line_rate_fraction_400g_400mhz",
                                         "beat_bound_fraction_400g_400mhz",
                                         "direction",
                                         "proto"};
  ASSERT_GE(header.size(), tail.size());
  ASSERT_EQ(std::vector<std::string>(header.end() - tail.size(), header.end()), tail) << line;
  const size_t memory_col = col["memory"], direction_col = col["direction"],
               proto_col = col["proto"];
  std::vector<std::vector<double>> rows;
  std::vector<std::string> memory;
  unsigned tcp_rows = 0;
  while (std::getline(in, line)) {
    const auto cells = test::csv_cells(line);
    ASSERT_EQ(cells.size(), header.size()) << line;
    if (cells[proto_col] == "tcp") {
      // After every UDP row: segments of 58 + MSS bytes, MSS 536..8960, near line rate.
      EXPECT_EQ(rows.size(), 4 * sizes.size()) << line;
      EXPECT_EQ(cells[direction_col], "tx") << line;
      const double size = std::strtod(cells[col["size_bytes"]].c_str(), nullptr);
      EXPECT_GE(size, 58 + 536) << line;
      EXPECT_LE(size, 58 + 8960) << line;
      EXPECT_GT(std::strtod(cells[col["line_rate_fraction"]].c_str(), nullptr), 0.5) << line;
      ++tcp_rows;
      continue;
    }
    memory.push_back(cells[memory_col]);
    EXPECT_EQ(cells[direction_col], rows.size() < 2 * sizes.size() ? "tx" : "rx") << line;
    EXPECT_EQ(cells[proto_col], "udp") << line;
    std::vector<double> v;
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string& c = cells[i];
      char* end = nullptr;
      const bool text = i == memory_col || i == direction_col || i == proto_col;
      v.push_back(text ? 0.0 : std::strtod(c.c_str(), &end));
      if (text) continue;
      ASSERT_TRUE(end != c.c_str() && *end == '\0') << "not a number: '" << c << "'";
      ASSERT_TRUE(std::isfinite(v.back())) << line;
    }
    rows.push_back(v);
  }
  const double beat_bytes = SENDOFF_BENCH_DATA_WIDTH / 8.0;
  ASSERT_EQ(rows.size(), 4 * sizes.size());
  EXPECT_EQ(tcp_rows, 10u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& v = rows[i];
    const double size = v[col["size_bytes"]];
    SCOPED_TRACE("size " + std::to_string(size) + ", memory " + memory[i] +
                 (i < 2 * sizes.size() ? ", tx" : ", rx"));
    EXPECT_EQ(size, sizes[(i / 2) % sizes.size()]);
    EXPECT_EQ(memory[i], i % 2 ? "realistic" : "ideal");
    EXPECT_EQ(v[col["frames"]], 48);
    // The NIC appends the FCS by default, so the whole frame crosses the stream.
    const double cycles = v[col["cycles"]];
    // `cycles` is printed to 3 decimals: a rate derived from it carries that rounding.
    const auto tol = [cycles](double rate) { return 0.01 + rate * 0.0005 / cycles; };
    EXPECT_GE(cycles, std::ceil(size / beat_bytes));
    EXPECT_LT(cycles, 4 * std::ceil(size / beat_bytes) + 4);
    EXPECT_NEAR(v[col["mpps_322mhz"]], 322.265625 / cycles, tol(322.265625 / cycles));
    EXPECT_NEAR(v[col["mpps_250mhz"]], 250.0 / cycles, tol(250.0 / cycles));
    EXPECT_NEAR(v[col["gbps_322mhz"]], 322.265625e6 / cycles * size * 8 / 1e9,
                tol(322.265625e6 / cycles * size * 8 / 1e9));
    // A 512-bit stream at 322 MHz carries at most 1.7 times 100GbE; twice as wide, twice that.
    for (const char* f : {"line_rate_fraction", "line_rate_fraction_250mhz"}) {
      EXPECT_GT(v[col[f]], 0.0) << f;
      EXPECT_LT(v[col[f]], 3.0 * beat_bytes / 64) << f;
    }
    // 100GbE carries 1e11 / ((size + 20) * 8) frames per second.
    EXPECT_NEAR(v[col["line_rate_fraction"]],
                v[col["mpps_322mhz"]] * 1e6 / (100e9 / ((size + 20) * 8)), 0.001);
    // 400GbE at 400 MHz: 4e11 / ((size + 20) * 8) frames per second; one frame per beat
    // bounds the rate to 400 MHz / ceil(size / beat bytes).
    EXPECT_EQ(v[col["data_width"]], SENDOFF_BENCH_DATA_WIDTH);
    EXPECT_NEAR(v[col["mpps_400mhz"]], 400.0 / cycles, tol(400.0 / cycles));
    EXPECT_NEAR(v[col["gbps_400mhz"]], 400e6 / cycles * size * 8 / 1e9,
                tol(400e6 / cycles * size * 8 / 1e9));
    EXPECT_NEAR(v[col["line_rate_fraction_400g_400mhz"]],
                v[col["mpps_400mhz"]] * 1e6 / (400e9 / ((size + 20) * 8)), 0.001);
    const double bound = 400e6 / std::ceil(size / beat_bytes) / (400e9 / ((size + 20) * 8));
    EXPECT_NEAR(v[col["beat_bound_fraction_400g_400mhz"]], bound, 0.0001);
    EXPECT_LE(v[col["line_rate_fraction_400g_400mhz"]], bound + 0.0001);
    EXPECT_GT(v[col["latency_cycles"]], 0);
    EXPECT_LT(v[col["latency_cycles"]], 100000);
    EXPECT_GT(v[col["sim_cycles_per_s"]], 0);
  }
}

// One waveform per size, each covering that size's run.
TEST_F(BenchRtl, TraceFstWritesOneWaveformPerSize) {
  const auto r = sys::run_process({SENDOFF_CLI_PATH, "bench", "--backend", "verilator",
                                   "--sizes", "64", "65", "--frames", "8", "--trace-fst",
                                   dir_ + "/t.fst"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* f : {"t-64.fst", "t-65.fst"}) {
    SCOPED_TRACE(f);
    test::FstHeader h;
    ASSERT_EQ(test::read_fst_header(dir_ + "/" + f, &h), "");
    EXPECT_GT(h.vars, 100u);
    EXPECT_GT(h.end_time, h.start_time + 8) << "at least a beat per frame";
  }
}

TEST_F(BenchRtl, TraceFstWithHostPathIsAUsageError) {
  const auto r = sys::run_process(
      {SENDOFF_CLI_PATH, "bench", "--host-path", "--trace-fst", dir_ + "/x.fst"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--trace-fst"), std::string::npos) << r.err;
}

TEST_F(BenchRtl, PlotWithHostPathIsAUsageError) {
  const auto r = sys::run_process(
      {SENDOFF_CLI_PATH, "bench", "--host-path", "--plot", dir_ + "/x.png"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--plot"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sendoff
