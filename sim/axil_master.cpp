// SPDX-License-Identifier: MIT
#include "sendoff/sim/axil_master.hpp"

namespace sendoff::sim {

void AxilMaster::start_write(uint32_t addr, uint32_t data, uint8_t strb) {
  op_ = Op::kWrite;
  addr_ = addr;
  data_ = data;
  strb_ = strb;
  aw_done_ = w_done_ = false;
}

void AxilMaster::start_read(uint32_t addr) {
  op_ = Op::kRead;
  addr_ = addr;
  a_done_ = false;
}

void AxilMaster::drive(AxilPins& p) const {
  p.awvalid = op_ == Op::kWrite && !aw_done_;
  p.awaddr = addr_;
  p.wvalid = op_ == Op::kWrite && !w_done_;
  p.wdata = data_;
  p.wstrb = strb_;
  p.bready = op_ == Op::kWrite && aw_done_ && w_done_;
  p.arvalid = op_ == Op::kRead && !a_done_;
  p.araddr = addr_;
  p.rready = op_ == Op::kRead && a_done_;
}

void AxilMaster::sample(const AxilPins& p) {
  if (op_ == Op::kWrite) {
    if (p.bready && p.bvalid) {
      resp_ = p.bresp;
      op_ = Op::kNone;
    }
    if (p.awvalid && p.awready) aw_done_ = true;
    if (p.wvalid && p.wready) w_done_ = true;
  } else if (op_ == Op::kRead) {
    if (p.rready && p.rvalid) {
      rdata_ = p.rdata;
      resp_ = p.rresp;
      op_ = Op::kNone;
    }
    if (p.arvalid && p.arready) a_done_ = true;
  }
}

}  // namespace sendoff::sim
