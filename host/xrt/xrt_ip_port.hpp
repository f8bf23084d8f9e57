// SPDX-License-Identifier: MIT
// A CmacPort on xrt::ip: cmac_0's registers on the card.
#ifndef SENDOFF_HOST_XRT_XRT_IP_PORT_HPP
#define SENDOFF_HOST_XRT_XRT_IP_PORT_HPP

#include <experimental/xrt_ip.h>

#include <mutex>
#include <string>

#include "sendoff/cmac_port.hpp"

namespace sendoff {
namespace xrt_backend {

class IpPort final : public cmac::CmacPort {
 public:
  // `cu` ("kernel:cu") names the IP in messages.
  IpPort(xrt::ip ip, std::string cu) : ip_(std::move(ip)), cu_(std::move(cu)) {}
  bool read(uint32_t off, uint32_t* val, std::string* err) override;
  bool write(uint32_t off, uint32_t val, std::string* err) override;

 private:
  std::string describe(const char* what, uint32_t off, const std::exception& e) const;

  std::mutex mu_;  // one access at a time, as XRT's register calls are not documented thread-safe
  xrt::ip ip_;
  const std::string cu_;
};

}  // namespace xrt_backend
}  // namespace sendoff

#endif  // SENDOFF_HOST_XRT_XRT_IP_PORT_HPP
