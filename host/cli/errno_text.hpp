// SPDX-License-Identifier: MIT
// errno values as people read them: "EMSGSIZE (Message too long)".
#ifndef SENDOFF_CLI_ERRNO_TEXT_HPP
#define SENDOFF_CLI_ERRNO_TEXT_HPP

#include <string>

namespace sendoff {
namespace cli {

std::string errno_name(int err);     // "EMSGSIZE"; "errno 4242" when unknown
std::string errno_message(int err);  // "EMSGSIZE (Message too long)"

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_ERRNO_TEXT_HPP
