// SPDX-License-Identifier: MIT
// cmac_0's registers as values in memory, reached through the same CmacPort
// interface xrt::ip serves on a card. A register read several times can give
// a sequence (a latched status: what it latched, then the present state);
// writes are kept in order and read back, as the configuration registers do.
#ifndef SENDOFF_TESTS_XRT_CMAC_REGISTER_FILE_HPP
#define SENDOFF_TESTS_XRT_CMAC_REGISTER_FILE_HPP

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sendoff/cmac_port.hpp"

namespace sendoff {
namespace test {

class CmacRegisterFile final : public cmac::CmacPort {
 public:
  // Reads of `off` give `values` in turn, then the last one for ever.
  void set(uint32_t off, std::vector<uint32_t> values) {
    regs_[off] = std::deque<uint32_t>(values.begin(), values.end());
  }
  void set(uint32_t off, uint32_t value) { set(off, std::vector<uint32_t>{value}); }
  // Reads of `off` fail from now on.
  void fail(uint32_t off) { failing_[off] = true; }

  bool read(uint32_t off, uint32_t* val, std::string* err) override {
    if (failing_[off]) {
      *err = "register read at " + std::to_string(off) + " failed (test)";
      return false;
    }
    ++reads_[off];
    log_.push_back({false, off, 0});
    std::deque<uint32_t>& q = regs_[off];
    *val = q.empty() ? 0 : q.front();  // an unset register reads 0, as after reset
    if (q.size() > 1) q.pop_front();
    return true;
  }
  bool write(uint32_t off, uint32_t val, std::string*) override {
    writes_.emplace_back(off, val);
    log_.push_back({true, off, val});
    set(off, val);
    return true;
  }

  const std::vector<std::pair<uint32_t, uint32_t>>& writes() const { return writes_; }
  unsigned reads(uint32_t off) { return reads_[off]; }
  // Every access in order.
  struct Access {
    bool write;
    uint32_t off, val;
  };
  const std::vector<Access>& log() const { return log_; }

 private:
  std::map<uint32_t, std::deque<uint32_t>> regs_;
  std::map<uint32_t, bool> failing_;
  std::map<uint32_t, unsigned> reads_;
  std::vector<std::pair<uint32_t, uint32_t>> writes_;
  std::vector<Access> log_;
};

}  // namespace test
}  // namespace sendoff

#endif  // SENDOFF_TESTS_XRT_CMAC_REGISTER_FILE_HPP
