// SPDX-License-Identifier: MIT
#include "noop_env.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace sendoff {
namespace test {

namespace {

std::string g_problem = "the noop environment was not set up";
std::string g_xilinx_xrt;

bool exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

class NoopEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    g_problem = setup();
    if (!g_problem.empty()) return;
    // XRT calls that never return would otherwise hang the test until ctest's timeout.
    std::thread([] {
      std::this_thread::sleep_for(std::chrono::seconds(kWatchdogSeconds));
      fprintf(stderr,
              "xrt tests: XRT did not answer within %d s under XCL_EMULATION_MODE=noop "
              "(XILINX_XRT=%s); XRT's noop shim is not usable on this machine\n",
              kWatchdogSeconds, g_xilinx_xrt.c_str());
      fflush(stderr);
      _exit(1);
    }).detach();
  }

  void TearDown() override {
    if (g_xilinx_xrt.empty()) return;
    unlink((g_xilinx_xrt + "/lib").c_str());
    rmdir(g_xilinx_xrt.c_str());
  }

 private:
  static std::string setup() {
    const std::string libdir = SENDOFF_XRT_LIBDIR;
    bool noop = false;
    for (const char* so : {"/libxrt_noop.so", "/libxrt_noop.so.2"}) noop |= exists(libdir + so);
    if (!noop)
      return "XRT's noop shim (libxrt_noop.so) is not in " + libdir +
             "; install XRT with its emulation shims (Debian: libxrt-dev)";
    char tmpl[] = "/tmp/sendoff-xrt-XXXXXX";
    if (!mkdtemp(tmpl)) return std::string("mkdtemp: ") + strerror(errno);
    g_xilinx_xrt = tmpl;
    if (symlink(libdir.c_str(), (g_xilinx_xrt + "/lib").c_str()) != 0)
      return "symlink " + g_xilinx_xrt + "/lib -> " + libdir + ": " + strerror(errno);
    setenv("XILINX_XRT", g_xilinx_xrt.c_str(), 1);
    setenv("XCL_EMULATION_MODE", "noop", 1);
    unsetenv("SENDOFF_XRT_DEVICE");
    unsetenv("SENDOFF_XRT_XCLBIN");
    return {};
  }
};

[[maybe_unused]] const auto* const g_env = ::testing::AddGlobalTestEnvironment(new NoopEnvironment);

}  // namespace

const std::string& noop_problem() { return g_problem; }
const std::string& noop_xilinx_xrt() { return g_xilinx_xrt; }

}  // namespace test
}  // namespace sendoff

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
