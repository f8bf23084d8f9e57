// SPDX-License-Identifier: MIT
#include "cosim_device.hpp"
#include "csim_device.hpp"
#include "sendoff/device.hpp"
#ifdef SENDOFF_HAVE_VERILATOR
#include "sendoff/sim/verilator_device.hpp"
#endif
#ifdef SENDOFF_HAVE_XRT
#include "sendoff/xrt_backend.hpp"
#endif

namespace sendoff {
namespace {

// A back end whose dma_alloc stops after `limit` bytes (DeviceOptions::dma_limit; 0: no
// limit) and whose REG_CAPS reads without `caps_hidden` (DeviceOptions::caps_hidden);
// everything else goes to the device it wraps.
class DmaLimitDevice final : public Device {
 public:
  DmaLimitDevice(std::unique_ptr<Device> dev, size_t limit, uint32_t caps_hidden)
      : dev_(std::move(dev)), left_(limit ? limit : SIZE_MAX), caps_hidden_(caps_hidden) {}
  std::string name() const override { return dev_->name(); }
  uint32_t reg_read(uint32_t off) override {
    const uint32_t v = dev_->reg_read(off);
    return off == abi::REG_CAPS ? v & ~caps_hidden_ : v;
  }
  void reg_write(uint32_t off, uint32_t val) override { dev_->reg_write(off, val); }
  DmaBuffer dma_alloc(size_t bytes) override {
    std::lock_guard<std::mutex> g(mu_);
    if (bytes > left_) return {};
    DmaBuffer b = dev_->dma_alloc(bytes);
    left_ -= b.size;
    return b;
  }
  void dma_sync_to_device(const DmaBuffer& buf, size_t off, size_t len) override {
    dev_->dma_sync_to_device(buf, off, len);
  }
  bool coherent() const override { return dev_->coherent(); }
  bool tail_writeback() const override { return dev_->tail_writeback(); }
  void doorbell(uint32_t head) override { dev_->doorbell(head); }
  void set_busy_poll(uint32_t us) override { dev_->set_busy_poll(us); }
  void wait_progress(uint32_t timeout_us) override { dev_->wait_progress(timeout_us); }
  bool mac_rx(const uint8_t* frame, size_t len) override { return dev_->mac_rx(frame, len); }
  void wait_rx(uint32_t timeout_us) override { dev_->wait_rx(timeout_us); }
  std::string fault() const override { return dev_->fault(); }

 private:
  const std::unique_ptr<Device> dev_;
  std::mutex mu_;
  size_t left_;
  const uint32_t caps_hidden_;
};

std::unique_ptr<Device> make_backend(const DeviceOptions& opts, std::string* err);

}  // namespace

std::unique_ptr<Device> make_device(const DeviceOptions& opts, std::string* err) {
  std::unique_ptr<Device> dev = make_backend(opts, err);
  if (dev && (opts.dma_limit != 0 || opts.caps_hidden != 0))
    dev = std::make_unique<DmaLimitDevice>(std::move(dev), opts.dma_limit, opts.caps_hidden);
  return dev;
}

namespace {

std::unique_ptr<Device> make_backend(const DeviceOptions& opts, std::string* err) {
  if (opts.cosim && opts.backend != "verilator") {
    if (err != nullptr)
      *err = "--cosim compares the verilator back end with csim: use --backend verilator --cosim";
    return nullptr;
  }
  if (!opts.trace_fst.empty() && opts.backend != "verilator") {
    if (err != nullptr) *err = "--trace-fst writes the RTL's waveform: use --backend verilator";
    return nullptr;
  }
  if ((opts.mem_jitter || opts.tready != 1.0) && opts.backend != "verilator") {
    if (err != nullptr)
      *err = "--mem-jitter and --tready shape the RTL's buses: use --backend verilator";
    return nullptr;
  }
  if (!(opts.tready > 0.0 && opts.tready <= 1.0)) {
    if (err != nullptr) *err = "--tready: the MAC's chance to take a beat must be in (0, 1]";
    return nullptr;
  }
  if (opts.noncoherent && opts.backend != "csim") {
    if (err != nullptr)
      *err = "--card-memory models a card's memory in the C model: use --backend csim (the xrt "
             "back end has the card's own)";
    return nullptr;
  }
  if (opts.backend == "csim")
    return make_csim_device(opts.sink, opts.read_fault, /*tso=*/true, opts.noncoherent);
#ifdef SENDOFF_HAVE_VERILATOR
  if (opts.backend == "verilator") {
    sim::TxTopSimConfig cfg;
    if (opts.mem_jitter) {
      // Each port its own stream of choices, both from mem_seed.
      cfg.desc_port = sim::realistic_memory(opts.mem_seed * 2 + 1, true);
      cfg.data_port = sim::realistic_memory(opts.mem_seed * 2 + 2, true);
      cfg.wr_port = sim::realistic_write_memory(opts.mem_seed * 2 + 3, true);
    }
    cfg.desc_port.fault = opts.read_fault;
    cfg.data_port.fault = opts.read_fault;
    cfg.wr_port.fault = opts.read_fault;  // the poisoned range fails writes too
    cfg.sink_ready_prob = opts.tready;
    cfg.seed = opts.mem_seed;
    cfg.fst_path = opts.trace_fst;
    if (!cfg.fst_path.empty()) {
      const std::string why = sim::fst_trace_problem(cfg.fst_path);
      if (!why.empty()) {
        if (err != nullptr) *err = why;
        return nullptr;
      }
    }
    if (opts.cosim)
      return make_cosim_device([cfg](FrameSink* s) { return make_verilator_device(s, cfg); },
                               [fault = opts.read_fault](FrameSink* s) {
                                 // The RTL has TSO: so has its reference.
                                 return make_csim_device(s, fault, /*tso=*/true);
                               },
                               opts.sink, err);
    return make_verilator_device(opts.sink, cfg);
  }
#endif
#ifdef SENDOFF_HAVE_XRT
  if (opts.backend == "xrt") return make_xrt_device(opts, err);
#endif
  std::string msg;
  if (opts.backend == "verilator" || opts.backend == "xrt") {
    msg = "the " + opts.backend + " back end is not built in this build; use --backend csim";
  } else {
    msg = "unknown backend '" + opts.backend + "': choose csim, verilator or xrt";
  }
  if (err != nullptr) *err = msg;
  return nullptr;
}

}  // namespace
}  // namespace sendoff

