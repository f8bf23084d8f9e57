// SPDX-License-Identifier: MIT
// AXI4-Lite master: one register access at a time, AW and W offered together.
#ifndef SENDOFF_SIM_AXIL_MASTER_HPP
#define SENDOFF_SIM_AXIL_MASTER_HPP

#include <cstdint>

namespace sendoff::sim {

struct AxilPins {
  // master -> slave
  uint32_t awaddr = 0;
  bool awvalid = false;
  uint32_t wdata = 0;
  uint8_t wstrb = 0;
  bool wvalid = false;
  bool bready = false;
  uint32_t araddr = 0;
  bool arvalid = false;
  bool rready = false;
  // slave -> master
  bool awready = false;
  bool wready = false;
  uint8_t bresp = 0;
  bool bvalid = false;
  bool arready = false;
  uint32_t rdata = 0;
  uint8_t rresp = 0;
  bool rvalid = false;
};

class AxilMaster {
 public:
  void start_write(uint32_t addr, uint32_t data, uint8_t strb = 0xF);
  void start_read(uint32_t addr);
  bool busy() const { return op_ != Op::kNone; }
  uint32_t read_data() const { return rdata_; }
  uint8_t resp() const { return resp_; }

  void drive(AxilPins& pins) const;
  void sample(const AxilPins& pins);

 private:
  enum class Op { kNone, kWrite, kRead };
  Op op_ = Op::kNone;
  uint32_t addr_ = 0, data_ = 0, rdata_ = 0;
  uint8_t strb_ = 0, resp_ = 0;
  bool aw_done_ = false, w_done_ = false, a_done_ = false;
};

}  // namespace sendoff::sim

#endif  // SENDOFF_SIM_AXIL_MASTER_HPP
