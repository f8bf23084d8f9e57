// SPDX-License-Identifier: MIT
// `sendoff send`: opens the stack on a device, sends datagrams through the
// so_* API, and reports what the NIC put on the wire.
#ifndef SENDOFF_CLI_SEND_COMMAND_HPP
#define SENDOFF_CLI_SEND_COMMAND_HPP

#include "send_options.hpp"

namespace sendoff {
namespace cli {

// Returns the process exit code; throws UsageError for bad flag values.
int run_send(const SendOptions& o);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_SEND_COMMAND_HPP
