// SPDX-License-Identifier: MIT
#include "installed_xclbin.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <vector>

namespace sendoff {
namespace xrt_backend {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The data folders in the specification's order. It says to ignore relative paths.
std::vector<std::string> data_dirs() {
  std::vector<std::string> dirs;
  auto add = [&](const std::string& d) {
    if (!d.empty() && d[0] == '/') dirs.push_back(d);
  };
  const std::string home = env("XDG_DATA_HOME");
  if (!home.empty()) add(home);
  else if (!env("HOME").empty()) add(env("HOME") + "/.local/share");
  std::string list = env("XDG_DATA_DIRS");
  if (list.empty()) list = "/usr/local/share:/usr/share";
  for (size_t b = 0;;) {
    size_t e = list.find(':', b);
    add(list.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  return dirs;
}

}  // namespace

std::string find_installed_xclbin(std::string* looked) {
  looked->clear();
  for (std::string d : data_dirs()) {
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    const std::string path = d + "/" + kInstalledXclbin;
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return path;
    *looked += (looked->empty() ? "" : ", ") + d;
  }
  return "";
}

}  // namespace xrt_backend
}  // namespace sendoff
