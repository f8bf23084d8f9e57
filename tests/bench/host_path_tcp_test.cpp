// SPDX-License-Identifier: MIT
// `sendoff bench --host-path --proto tcp --csv`: a short run whose CSV must be well formed,
// every figure positive, and every stream delivered whole: bytes_delivered is what the kernel
// server read, bytes_sent what the sender handed to send(). The kernel's path makes one
// syscall per send() at least, a floor set by the kernel, not by the code under test.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "csv_row.hpp"
#include "prereq.hpp"
#include "subprocess.hpp"

namespace sendoff {
namespace {

class BenchHostPathTcp : public ::testing::Test {
 protected:
  void SetUp() override {
    SENDOFF_REQUIRE(test::missing_root("network namespaces, a veth pair and a TAP"));
    SENDOFF_REQUIRE(access("/dev/net/tun", R_OK | W_OK) == 0 ? "" : "/dev/net/tun");
    char tmpl[] = "/tmp/sendoff-bench-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (dir_.empty()) return;
    unlink((dir_ + "/out.csv").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(BenchHostPathTcp, CsvIsWellFormedAndEveryStreamDelivered) {
  const std::string csv = dir_ + "/out.csv";
  constexpr unsigned kSends = 32;
  const auto r = sys::run_process({SENDOFF_CLI_PATH, "bench", "--host-path", "--proto", "tcp",
                                   "--count", std::to_string(kSends), "--size", "65536",
                                   "--size", "4096", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("where the CPU went"), std::string::npos) << r.out;
  // Whether a cycle counter could be opened is probed, and said, not assumed.
  EXPECT_NE(r.out.find("cycles: the TSC's (perf_event_open, CPU cycles: "), std::string::npos)
      << r.out;

  std::ifstream in(csv);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const auto header = test::csv_cells(line);
  // The UDP CSV's columns first, in their order; then the stream's.
  const std::vector<std::string> expect = {
      "path", "size_bytes", "threads", "ns_median", "ns_p99", "syscalls_per_send", "sends",
      "bytes_sent", "bytes_delivered", "cycles_median", "cycles_p99", "sender_cpu_ns_per_send",
      "stack_cpu_ns_per_send", "nic_cpu_ns_per_send", "host_cpu_cycles_per_send",
      "host_cpu_ns_per_byte", "cycles_source", "goodput_mbps", "sender_cpu_cycles_per_send"};
  ASSERT_EQ(header, expect) << line;
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;

  std::set<std::pair<std::string, unsigned>> seen;
  while (std::getline(in, line)) {
    const auto c = test::csv_cells(line);
    ASSERT_EQ(c.size(), header.size()) << line;
    const std::string path = c[col["path"]];
    const unsigned size = static_cast<unsigned>(std::stoul(c[col["size_bytes"]]));
    const auto num = [&](const char* name) { return std::stod(c[col[name]]); };
    seen.insert({path, size});
    EXPECT_EQ(num("threads"), 1) << line;
    EXPECT_EQ(num("sends"), kSends) << line;
    EXPECT_GE(num("bytes_sent"), static_cast<double>(kSends) * size) << line;
    EXPECT_EQ(c[col["bytes_delivered"]], c[col["bytes_sent"]]) << "stream cut short: " << line;
    for (const char* name : {"ns_median", "ns_p99", "cycles_median", "cycles_p99",
                             "sender_cpu_ns_per_send", "host_cpu_cycles_per_send",
                             "host_cpu_ns_per_byte", "goodput_mbps", "sender_cpu_cycles_per_send"})
      EXPECT_GT(num(name), 0) << name << ": " << line;
    EXPECT_GE(num("ns_p99"), num("ns_median")) << line;
    EXPECT_GE(num("cycles_p99"), num("cycles_median")) << line;
    EXPECT_EQ(c[col["cycles_source"]], "tsc") << line;
    if (path == "kernel") {
      EXPECT_GE(num("syscalls_per_send"), 1.0) << line;
      // The kernel's sender has no threads beside it: its stack runs in its send() calls.
      EXPECT_EQ(num("stack_cpu_ns_per_send"), 0) << line;
      EXPECT_EQ(num("nic_cpu_ns_per_send"), 0) << line;
    } else {
      ASSERT_EQ(path, "sendoff") << line;
      EXPECT_GE(num("syscalls_per_send"), 0) << line;
      // Its ACKs arrive on the NAPI thread; the simulated NIC sends every segment.
      EXPECT_GT(num("stack_cpu_ns_per_send"), 0) << line;
      EXPECT_GT(num("nic_cpu_ns_per_send"), 0) << line;
    }
  }
  const std::set<std::pair<std::string, unsigned>> want = {
      {"sendoff", 65536}, {"kernel", 65536}, {"sendoff", 4096}, {"kernel", 4096}};
  EXPECT_EQ(seen, want);
}

}  // namespace
}  // namespace sendoff
