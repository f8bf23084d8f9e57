// SPDX-License-Identifier: MIT
#include "xrt_ip_port.hpp"

#include <cstdio>

#include "xrt_internal.hpp"

namespace sendoff {
namespace xrt_backend {

bool IpPort::read(uint32_t off, uint32_t* val, std::string* err) {
  std::lock_guard<std::mutex> g(mu_);
  try {
    *val = ip_.read_register(off);
    return true;
  } catch (const std::exception& e) {
    *err = describe("read", off, e);
    return false;
  }
}

bool IpPort::write(uint32_t off, uint32_t val, std::string* err) {
  std::lock_guard<std::mutex> g(mu_);
  try {
    ip_.write_register(off, val);
    return true;
  } catch (const std::exception& e) {
    *err = describe("write", off, e);
    return false;
  }
}

std::string IpPort::describe(const char* what, uint32_t off, const std::exception& e) const {
  char at[16];
  snprintf(at, sizeof at, "0x%04x", off);
  return std::string("register ") + what + " at " + at + " of " + cu_ + " failed (" +
         one_line(e.what()) + ")";
}

}  // namespace xrt_backend
}  // namespace sendoff
