// SPDX-License-Identifier: MIT
#include "errno_text.hpp"

#include <cstring>

namespace sendoff {
namespace cli {

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);  // glibc >= 2.32
  return name ? name : "errno " + std::to_string(err);
}

std::string errno_message(int err) { return errno_name(err) + " (" + strerror(err) + ")"; }

}  // namespace cli
}  // namespace sendoff
