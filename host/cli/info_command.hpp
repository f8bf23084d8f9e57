// SPDX-License-Identifier: MIT
// `sendoff info`: what a back end is — for xrt the device, the xclbin and its
// UUID, the compute units, the memory bank — and the NIC's registers and
// counters; for xrt then cmac_0's link, RS-FEC and MAC counters.
#ifndef SENDOFF_CLI_INFO_COMMAND_HPP
#define SENDOFF_CLI_INFO_COMMAND_HPP

#include <CLI/CLI.hpp>
#include <string>

namespace sendoff {
namespace cli {

struct InfoOptions {
  std::string backend = "xrt";
  std::string device;  // xrt: index or BDF
  std::string xclbin;  // xrt: file to load
  std::string rs_fec;  // xrt: "on"/"off" brings the link up first; "": report it as it is
};

void add_info_options(CLI::App* cmd, InfoOptions* o);
int run_info(const InfoOptions& o);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_INFO_COMMAND_HPP
