// SPDX-License-Identifier: MIT
// The HLS flavour: sendoff_tx_hls (bitstreams/hls) is an ap_ctrl_chain kernel
// whose registers are its arguments, so nic_abi.hpp's register map lives here,
// as in the csim back end, and the card does the data path:
//  - device memory is one xrt::bo of DEV_MEM_BYTES; the NIC's addresses are
//    offsets into it (the kernel's mem argument);
//  - FLOW_COMMIT writes the entry into the flows buffer, synced to the card
//    before the next run;
//  - a doorbell (or any register write while descriptors wait) starts one run
//    over tail..head-1 when none is in flight; the run writes its new tail,
//    its counts and the seq it was given to the status buffer;
//  - RING_TAIL, STATUS, the counters and CAPS reflect the last completed run.
// The seq echo tells a run that executed from one that merely completed (the
// noop shim's): such a device fails at open, not later.
#include <xrt/xrt_kernel.h>

#include <cstdio>
#include <cstring>
#include <mutex>

#include "sendoff/host_registers.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff_tx_hls.hpp"
#include "xrt_internal.hpp"
#include "xrt_ip_port.hpp"

namespace sendoff {
namespace xrt_backend {
namespace {

using namespace hls_kernel;

// The first address dma_alloc hands out: 0 is never a buffer, as in csim.
constexpr uint64_t kFirstAddr = 4096;
constexpr uint64_t kAlign = 4096;

uint32_t get32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t get64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

class HlsDevice final : public XrtDevice {
 public:
  explicit HlsDevice(const Context& ctx) : ctx_(ctx), cmac_port_(ctx.cmac, ctx.info.cmac) {}

  bool open(bool check_nic, std::string* err) {
    const std::string who = "xrt device " + ctx_.info.device;
    try {
      kernel_ = xrt::kernel(ctx_.device, ctx_.uuid, ctx_.kernel + ":{" + ctx_.cu_instance + "}");
      const auto grp = static_cast<xrt::memory_group>(ctx_.mem_group);
      mem_ = xrt::bo(ctx_.device, DEV_MEM_BYTES, ctx_.bo_flags, grp);
      flows_ = xrt::bo(ctx_.device, abi::FLOW_TABLE_SIZE * FLOW_ENTRY_BYTES, ctx_.bo_flags, grp);
      status_ = xrt::bo(ctx_.device, STATUS_BYTES, ctx_.bo_flags, grp);
      mem_map_ = mem_.map<uint8_t*>();
      flows_map_ = flows_.map<uint8_t*>();
      status_map_ = status_.map<uint8_t*>();
      std::memset(flows_map_, 0, abi::FLOW_TABLE_SIZE * FLOW_ENTRY_BYTES);
      std::memset(status_map_, 0, STATUS_BYTES);
      flows_.sync(XCL_BO_SYNC_BO_TO_DEVICE);
      status_.sync(XCL_BO_SYNC_BO_TO_DEVICE);
      run_ = xrt::run(kernel_);
      run_.set_arg(ARG_MEM, mem_);
      run_.set_arg(ARG_FLOWS, flows_);
      run_.set_arg(ARG_STATUS, status_);
    } catch (const std::exception& e) {
      *err = who + ": setting up " + ctx_.info.cu + " failed (" + one_line(e.what()) + ")";
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
    std::lock_guard<std::mutex> g(mu_);
    if (!failure_.empty()) {
      *err = failure_;
      return false;
    }
    if (in_flight_ || regs_.head != regs_.tail) {
      *err = "the NIC is busy; check it while idle";
      return false;
    }
    // A run with CTRL_ENABLE clear reads no descriptor but writes the status.
    const uint32_t ctrl = regs_.ctrl;
    regs_.ctrl = 0;
    std::string why;
    bool ok = start_locked(&why);
    regs_.ctrl = ctrl;
    if (ok) {
      try {
        run_.wait(std::chrono::milliseconds(2000));
      } catch (const std::exception& e) {
        why = "waiting for the run failed (" + one_line(e.what()) + ")";
        ok = false;
      }
    }
    if (ok) {
      Collect c = collect_locked(&why);
      if (c == Collect::pending) why = "a run of " + ctx_.info.cu + " did not finish within 2 s";
      ok = c == Collect::done;
    }
    if (!ok) *err = why + "; " + no_card_hint();
    return ok;
  }

  std::string name() const override { return "xrt " + ctx_.info.device + " (" + ctx_.info.cu + ")"; }
  const XrtInfo& info() const override { return ctx_.info; }
  cmac::CmacPort* cmac() override { return &cmac_port_; }

  std::string fault() const override {
    std::lock_guard<std::mutex> g(mu_);
    return failure_;
  }

  bool try_reg_read(uint32_t off, uint32_t* val, std::string* err) override {
    *val = reg_read(off);
    std::lock_guard<std::mutex> g(mu_);
    if (failure_.empty()) return true;
    *err = failure_;
    return false;
  }

  uint32_t reg_read(uint32_t off) override {
    std::lock_guard<std::mutex> g(mu_);
    if (off == abi::REG_RING_TAIL || off == abi::REG_STATUS || off == abi::REG_STAT_FRAMES_LO ||
        off == abi::REG_STAT_BYTES_LO || off == abi::REG_STAT_DROPS ||
        off == abi::REG_STAT_DESC_ERRORS)
      poll_locked();
    return regs_.read(off, busy_locked());
  }

  void reg_write(uint32_t off, uint32_t val) override {
    std::lock_guard<std::mutex> g(mu_);
    stuck_ = false;  // a usable ring may be one write away
    // A run takes its arguments when it starts: a reset ends at once, and the next run
    // starts from the RING_HEAD it left.
    HostRegisters::Write w = regs_.write(off, val);
    regs_.finish_reset();
    if (w == HostRegisters::Write::flow_data || w == HostRegisters::Write::ignored) return;
    if (w == HostRegisters::Write::flow_commit) {
      std::memcpy(flows_map_ + size_t{regs_.flow_index} * FLOW_ENTRY_BYTES, regs_.flow_data,
                  sizeof regs_.flow_data);
      flows_dirty_ = true;
    }
    poll_locked();
    kick_locked();
  }

  DmaBuffer dma_alloc(size_t bytes) override {
    std::lock_guard<std::mutex> g(mu_);
    const uint64_t start = (next_ + kAlign - 1) / kAlign * kAlign;
    if (bytes == 0 || start > DEV_MEM_BYTES || bytes > DEV_MEM_BYTES - start) return DmaBuffer{};
    next_ = start + bytes;
    return DmaBuffer{mem_map_ + start, start, bytes};
  }

  // Host memory (host_only buffers) is read by the card through PCIe, which
  // snoops the CPU's caches on x86: nothing to sync per send there. Card
  // memory (DDR/HBM) needs each write copied over with a sync.
  bool coherent() const override { return ctx_.info.host_memory && kDmaSnoopsCaches; }

  void dma_sync_to_device(const DmaBuffer& buf, size_t off, size_t len) override {
    if (len == 0) return;
    std::lock_guard<std::mutex> g(mu_);
    if (!failure_.empty()) return;
    try {
      mem_.sync(XCL_BO_SYNC_BO_TO_DEVICE, len, buf.dev_addr + off);
    } catch (const std::exception& e) {
      fail_locked("syncing " + std::to_string(len) + " bytes to the card failed (" +
                  one_line(e.what()) + ")");
    }
  }

  void wait_progress(uint32_t timeout_us) override {
    xrt::run run;
    {
      std::lock_guard<std::mutex> g(mu_);
      poll_locked();
      if (!in_flight_) return;
      run = run_;
    }
    // xrt::run::wait takes milliseconds, and 0 means for ever.
    const auto ms = std::chrono::milliseconds(timeout_us / 1000 ? timeout_us / 1000 : 1);
    try {
      run.wait(ms);
    } catch (const std::exception&) {
      // poll_locked() reads the run's state and reports the failure.
    }
    std::lock_guard<std::mutex> g(mu_);
    poll_locked();
  }

 private:
  bool busy_locked() const {
    return in_flight_ || ((regs_.ctrl & abi::CTRL_ENABLE) && regs_.head != regs_.tail && !stuck_);
  }

  void kick_locked() {
    if (!failure_.empty() || in_flight_ || stuck_) return;
    if (!(regs_.ctrl & abi::CTRL_ENABLE) || regs_.head == regs_.tail) return;
    std::string why;
    if (!start_locked(&why)) fail_locked(why);
  }

  // Starts a run over tail..head-1 with the current registers.
  bool start_locked(std::string* why) {
    try {
      if (flows_dirty_) {
        flows_.sync(XCL_BO_SYNC_BO_TO_DEVICE);
        flows_dirty_ = false;
      }
      ++seq_;
      run_.set_arg(ARG_RING_BASE, regs_.ring_base);
      run_.set_arg(ARG_RING_SIZE, regs_.ring_size);
      run_.set_arg(ARG_HEAD, regs_.head);
      run_.set_arg(ARG_TAIL, regs_.tail);
      run_.set_arg(ARG_CTRL, regs_.ctrl);
      run_.set_arg(ARG_SEQ, seq_);
      run_.start();
      in_flight_ = true;
      return true;
    } catch (const std::exception& e) {
      *why = "starting " + ctx_.info.cu + " failed (" + one_line(e.what()) + ")";
      return false;
    }
  }

  enum class Collect { pending, done, failed };

  // Takes a finished run's status into the registers.
  Collect collect_locked(std::string* why) {
    ert_cmd_state st;
    try {
      st = run_.state();
    } catch (const std::exception& e) {
      *why = "reading the run's state failed (" + one_line(e.what()) + ")";
      return Collect::failed;
    }
    if (st == ERT_CMD_STATE_ERROR || st == ERT_CMD_STATE_ABORT || st == ERT_CMD_STATE_TIMEOUT ||
        st == ERT_CMD_STATE_NORESPONSE || st == ERT_CMD_STATE_SKERROR) {
      *why = "run " + std::to_string(seq_) + " of " + ctx_.info.cu + " ended in ERT state " +
             std::to_string(st);
      return Collect::failed;
    }
    if (st != ERT_CMD_STATE_COMPLETED) return Collect::pending;
    in_flight_ = false;
    try {
      // In host memory the kernel's write is already where the CPU reads it.
      if (!coherent()) status_.sync(XCL_BO_SYNC_BO_FROM_DEVICE);
    } catch (const std::exception& e) {
      *why = "reading the run's status failed (" + one_line(e.what()) + ")";
      return Collect::failed;
    }
    if (get32(status_map_ + STATUS_SEQ_OFF) != seq_) {
      *why = "run " + std::to_string(seq_) + " of " + ctx_.info.cu +
             " completed without writing its status (the kernel did not execute)";
      return Collect::failed;
    }
    // CAPS is what the kernel says it implements (CAPS_TSO since tcp_tx_hls; 0 from a
    // bitstream built before): the open's check run sets it before the driver reads it.
    regs_.caps = get32(status_map_ + STATUS_CAPS_OFF);
    const uint32_t old_tail = regs_.tail;
    regs_.tail = get32(status_map_ + STATUS_TAIL_OFF);
    regs_.frames += get64(status_map_ + STATUS_FRAMES_OFF);
    regs_.bytes += get64(status_map_ + STATUS_BYTES_OFF);
    regs_.drops += get32(status_map_ + STATUS_DROPS_OFF);
    regs_.desc_errors += get32(status_map_ + STATUS_DESC_ERRORS_OFF);
    // Nothing consumed although descriptors wait: the ring is unusable until
    // the next register write changes something.
    stuck_ = regs_.tail == old_tail && regs_.head != regs_.tail;
    return Collect::done;
  }

  // Collects a finished run, then starts the next one if descriptors wait.
  void poll_locked() {
    if (!in_flight_ || !failure_.empty()) return;
    std::string why;
    switch (collect_locked(&why)) {
      case Collect::pending: return;
      case Collect::failed: fail_locked(why); return;
      case Collect::done: kick_locked(); return;
    }
  }

  // The card stopped answering: say so once, and complete everything posted
  // (unsent) so that the driver drains instead of waiting for ever.
  void fail_locked(const std::string& why) {
    if (!failure_.empty()) return;
    failure_ = why;
    in_flight_ = false;
    fprintf(stderr, "sendoff: %s: %s; posted frames are dropped\n", name().c_str(), why.c_str());
    regs_.drops += regs_.head - regs_.tail;
    regs_.tail = regs_.head;
  }

  const Context ctx_;
  IpPort cmac_port_;
  mutable std::mutex mu_;
  xrt::kernel kernel_;
  xrt::run run_;
  xrt::bo mem_, flows_, status_;
  uint8_t* mem_map_ = nullptr;
  uint8_t* flows_map_ = nullptr;
  uint8_t* status_map_ = nullptr;
  uint64_t next_ = kFirstAddr;

  // The register map.
  HostRegisters regs_;

  bool flows_dirty_ = false;
  bool in_flight_ = false;
  bool stuck_ = false;
  uint32_t seq_ = 0;
  std::string failure_;
};

}  // namespace

std::unique_ptr<XrtDevice> make_hls_device(const Context& ctx, bool check_nic, std::string* err) {
  auto d = std::make_unique<HlsDevice>(ctx);
  if (!d->open(check_nic, err)) return nullptr;
  return d;
}

}  // namespace xrt_backend
}  // namespace sendoff
