// SPDX-License-Identifier: MIT
// The RTL flavour: sendoff_tx_rtl is user-managed and its AXI4-Lite space is
// nic_abi.hpp's register map, so registers go straight to the card through
// xrt::ip. Each dma_alloc is its own xrt::bo; the NIC sees bo.address().
#include <experimental/xrt_ip.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "sendoff/nic_abi.hpp"
#include "xrt_internal.hpp"
#include "xrt_ip_port.hpp"

namespace sendoff {
namespace xrt_backend {
namespace {

class RtlDevice final : public XrtDevice {
 public:
  explicit RtlDevice(const Context& ctx) : ctx_(ctx), cmac_port_(ctx.cmac, ctx.info.cmac) {}

  bool open(bool check_nic, std::string* err) {
    const std::string who = "xrt device " + ctx_.info.device;
    try {
      ip_ = xrt::ip(ctx_.device, ctx_.uuid, ctx_.kernel + ":{" + ctx_.cu_instance + "}");
    } catch (const std::exception& e) {
      *err = who + ": cannot open " + ctx_.info.cu + " (" + one_line(e.what()) + ")";
      return false;
    }
    std::string why;
    if (check_nic && !this->check_nic(&why)) {
      *err = who + ": " + why;
      return false;
    }
    return true;
  }

  bool check_nic(std::string* err) override {
    uint32_t id = 0;
    if (!try_reg_read(abi::REG_ID, &id, err)) {
      *err += "; " + no_card_hint();
      return false;
    }
    return true;  // the driver checks the ID's value and the version itself
  }

  std::string name() const override { return "xrt " + ctx_.info.device + " (" + ctx_.info.cu + ")"; }
  const XrtInfo& info() const override { return ctx_.info; }
  cmac::CmacPort* cmac() override { return &cmac_port_; }

  std::string fault() const override {
    std::lock_guard<std::mutex> g(mu_);
    return failure_;
  }

  bool try_reg_read(uint32_t off, uint32_t* val, std::string* err) override {
    std::lock_guard<std::mutex> g(mu_);
    try {
      *val = ip_.read_register(off);
      return true;
    } catch (const std::exception& e) {
      *err = describe_access("read", off, e);
      return false;
    }
  }

  uint32_t reg_read(uint32_t off) override {
    std::lock_guard<std::mutex> g(mu_);
    if (!failure_.empty()) return failed_read(off);
    try {
      uint32_t v = ip_.read_register(off);
      if (off == abi::REG_RING_HEAD) head_ = v;
      return v;
    } catch (const std::exception& e) {
      fail(describe_access("read", off, e));
      return failed_read(off);
    }
  }

  void reg_write(uint32_t off, uint32_t val) override {
    std::lock_guard<std::mutex> g(mu_);
    if (off == abi::REG_RING_HEAD) head_ = val;
    if (!failure_.empty()) return;
    try {
      ip_.write_register(off, val);
    } catch (const std::exception& e) {
      fail(describe_access("write", off, e));
    }
  }

  DmaBuffer dma_alloc(size_t bytes) override {
    std::lock_guard<std::mutex> g(mu_);
    try {
      xrt::bo bo(ctx_.device, bytes, ctx_.bo_flags, static_cast<xrt::memory_group>(ctx_.mem_group));
      DmaBuffer b{bo.map<uint8_t*>(), bo.address(), bytes};
      bos_.push_back(std::move(bo));
      return b;
    } catch (const std::exception& e) {
      fprintf(stderr, "sendoff: %s: allocating %zu bytes in %s failed: %s\n", name().c_str(), bytes,
              ctx_.info.memory.tag.c_str(), one_line(e.what()).c_str());
      return DmaBuffer{};
    }
  }

  // Host memory (host_only buffers) is read by the card through PCIe, which
  // snoops the CPU's caches on x86: nothing to sync per send there. Card
  // memory (DDR/HBM) needs each write copied over with a sync.
  bool coherent() const override { return ctx_.info.host_memory && kDmaSnoopsCaches; }
  // The RTL writes the block through m_axi_desc; readable in place only in host memory.
  bool tail_writeback() const override { return coherent(); }

  void dma_sync_to_device(const DmaBuffer& buf, size_t off, size_t len) override {
    if (len == 0) return;
    std::lock_guard<std::mutex> g(mu_);
    if (!failure_.empty()) return;
    // Found by host mapping: device addresses need not be unique (the noop shim gives
    // every BO the same one).
    for (xrt::bo& bo : bos_) {
      const uint8_t* map = bo.map<uint8_t*>();
      if (buf.host < map || buf.host >= map + bo.size()) continue;
      try {
        bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, len, static_cast<size_t>(buf.host - map) + off);
      } catch (const std::exception& e) {
        fail("syncing " + std::to_string(len) + " bytes to the card failed (" +
             one_line(e.what()) + ")");
      }
      return;
    }
  }

  // No interrupt: poll RING_TAIL, backing off from 1 to 64 microseconds.
  void wait_progress(uint32_t timeout_us) override {
    std::string err;
    uint32_t tail0 = 0, v = 0;
    if (!fault().empty() || !try_reg_read(abi::REG_RING_TAIL, &tail0, &err)) return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(timeout_us);
    for (uint32_t pause = 1; std::chrono::steady_clock::now() < deadline; pause = pause < 64 ? 2 * pause : 64) {
      if (!try_reg_read(abi::REG_STATUS, &v, &err) || !(v & abi::STATUS_BUSY)) return;
      if (!try_reg_read(abi::REG_RING_TAIL, &v, &err) || v != tail0) return;
      std::this_thread::sleep_for(std::chrono::microseconds(pause));
    }
  }

 private:
  std::string describe_access(const char* what, uint32_t off, const std::exception& e) const {
    char at[16];
    snprintf(at, sizeof at, "0x%03x", off);
    return std::string("register ") + what + " at " + at + " of " + ctx_.info.cu + " failed (" +
           one_line(e.what()) + ")";
  }

  // The card stopped answering: say so once, then let the driver drain.
  void fail(const std::string& why) {
    failure_ = why;
    fprintf(stderr, "sendoff: %s: %s; posted frames are dropped\n", name().c_str(), why.c_str());
  }
  uint32_t failed_read(uint32_t off) const {
    if (off == abi::REG_RING_TAIL) return head_;  // everything posted is done (and lost)
    if (off == abi::REG_STATUS) return 0;
    return 0xFFFFFFFFu;  // what a PCIe read of a missing device returns
  }

  const Context ctx_;
  IpPort cmac_port_;
  mutable std::mutex mu_;
  xrt::ip ip_;
  std::vector<xrt::bo> bos_;
  uint32_t head_ = 0;  // the last RING_HEAD written or read
  std::string failure_;
};

}  // namespace

std::unique_ptr<XrtDevice> make_rtl_device(const Context& ctx, bool check_nic, std::string* err) {
  auto d = std::make_unique<RtlDevice>(ctx);
  if (!d->open(check_nic, err)) return nullptr;
  return d;
}

}  // namespace xrt_backend
}  // namespace sendoff
