// SPDX-License-Identifier: MIT
// Where `make -C bitstreams install` puts the xclbin ($(prefix)/share/
// sendoff/sendoff.xclbin), found as the XDG Base Directory specification
// finds data files: $XDG_DATA_HOME (default $HOME/.local/share), then each
// folder of $XDG_DATA_DIRS (default /usr/local/share:/usr/share).
#ifndef SENDOFF_HOST_XRT_INSTALLED_XCLBIN_HPP
#define SENDOFF_HOST_XRT_INSTALLED_XCLBIN_HPP

#include <string>

namespace sendoff {
namespace xrt_backend {

// The path under each data folder.
constexpr const char kInstalledXclbin[] = "sendoff/sendoff.xclbin";

// The first existing file, or "" with *looked set to the folders searched ("a, b, c").
std::string find_installed_xclbin(std::string* looked);

}  // namespace xrt_backend
}  // namespace sendoff

#endif  // SENDOFF_HOST_XRT_INSTALLED_XCLBIN_HPP
