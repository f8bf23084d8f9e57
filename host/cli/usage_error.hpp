// SPDX-License-Identifier: MIT
// UsageError: a bad flag or value found after CLI11 parsed the command line
// (e.g. a config file that does not load). main() prints it as one line and
// exits 2, the same as CLI11's own parse errors.
#ifndef SENDOFF_CLI_USAGE_ERROR_HPP
#define SENDOFF_CLI_USAGE_ERROR_HPP

#include <stdexcept>
#include <string>

namespace sendoff {
namespace cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // runtime failure: a send error, a device that will not open
constexpr int kExitUsage = 2;    // bad flag or value

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_USAGE_ERROR_HPP
