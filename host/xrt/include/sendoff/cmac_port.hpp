// SPDX-License-Identifier: MIT
// Access to cmac_0's AXI4-Lite registers (cmac_regs.hpp). On a card it is
// xrt::ip (xrt_ip_port.hpp); the link logic (cmac_link.hpp) sees only this,
// so that it runs the same on a register file in a test.
#ifndef SENDOFF_CMAC_PORT_HPP
#define SENDOFF_CMAC_PORT_HPP

#include <cstdint>
#include <string>

namespace sendoff {
namespace cmac {

class CmacPort {
 public:
  virtual ~CmacPort() = default;
  // False with *err (one line, naming the register) when the access fails.
  virtual bool read(uint32_t off, uint32_t* val, std::string* err) = 0;
  virtual bool write(uint32_t off, uint32_t val, std::string* err) = 0;
};

}  // namespace cmac
}  // namespace sendoff

#endif  // SENDOFF_CMAC_PORT_HPP
