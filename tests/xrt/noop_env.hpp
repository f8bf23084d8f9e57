// SPDX-License-Identifier: MIT
// XRT's noop shim for this test process: XCL_EMULATION_MODE=noop and
// XILINX_XRT at a temporary folder whose lib/ links to the folder holding
// libxrt_coreutil (and libxrt_noop). XRT reads both when it first opens a
// device, so they are set before any test runs; a watchdog ends the process
// with a message if XRT stops answering.
#ifndef SENDOFF_TESTS_XRT_NOOP_ENV_HPP
#define SENDOFF_TESTS_XRT_NOOP_ENV_HPP

#include <string>

namespace sendoff {
namespace test {

// "" when the noop shim is set up, else why it cannot be.
const std::string& noop_problem();
// The XILINX_XRT folder the test made.
const std::string& noop_xilinx_xrt();
// Seconds after which the watchdog ends the process.
constexpr int kWatchdogSeconds = 90;

}  // namespace test
}  // namespace sendoff

#endif  // SENDOFF_TESTS_XRT_NOOP_ENV_HPP
