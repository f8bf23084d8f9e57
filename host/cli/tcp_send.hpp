// SPDX-License-Identifier: MIT
// `sendoff send --proto tcp`: one connection through the open stack, the
// payload's bytes as a stream, a clean close, and what TCP and the NIC did.
#ifndef SENDOFF_CLI_TCP_SEND_HPP
#define SENDOFF_CLI_TCP_SEND_HPP

#include <netinet/in.h>

#include "counting_sink.hpp"
#include "payload_source.hpp"
#include "send_options.hpp"

namespace sendoff {
namespace cli {

// Connects to dst, sends every chunk of payload (each one send() call),
// shuts the write side, waits until the peer has acknowledged every byte and
// the FIN, closes, and prints the summary. Returns the exit code.
int run_send_tcp(const SendOptions& o, const sockaddr_in& dst, PayloadSource* payload,
                 const CountingSink& frames);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_TCP_SEND_HPP
