// SPDX-License-Identifier: MIT
#include "sendoff/sim/tx_top_sim.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "Vsendoff_tx_top.h"
#include "verilated.h"
#if SENDOFF_SIM_FST
#include "verilated_fst_c.h"
#else
class VerilatedFstC {};
#endif

namespace sendoff::sim {

namespace {

template <typename Wide>
void put_words(Wide& dst, const std::vector<uint32_t>& src) {
  std::memcpy(dst.data(), src.data(), sizeof(uint32_t) * src.size());
}

template <typename Wide>
void get_words(std::vector<uint32_t>& dst, const Wide& src, size_t words) {
  dst.resize(words);
  std::memcpy(dst.data(), src.data(), sizeof(uint32_t) * words);
}

// tkeep: 64 bits (a uint64_t in the model) at 512, 128 (a VlWide) at 1024.
inline void get_keep(std::vector<uint32_t>& dst, uint64_t src) {
  dst.resize(2);
  dst[0] = uint32_t(src);
  dst[1] = uint32_t(src >> 32);
}
template <typename Wide>
void get_keep(std::vector<uint32_t>& dst, const Wide& src) {
  get_words(dst, src, TxTopSim::kDataBits / 256);
}

inline void put_keep(uint64_t& dst, const std::vector<uint32_t>& src) {
  dst = uint64_t(src[0]) | uint64_t(src[1]) << 32;
}
template <typename Wide>
void put_keep(Wide& dst, const std::vector<uint32_t>& src) {
  put_words(dst, src);
}

constexpr size_t kWords = TxTopSim::kDataBits / 32;

}  // namespace

std::string fst_trace_problem(const std::string& path) {
#if SENDOFF_SIM_FST
  // Verilator's FST writer only prints when it cannot create the file: ask first.
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr)
    return "cannot write the FST trace " + path + ": " + std::strerror(errno);
  std::fclose(f);
  return "";
#else
  return "no FST trace to " + path + ": this build has no RTL tracing (configure with "
         "-DSENDOFF_RTL_TRACE=ON)";
#endif
}

TxTopSim::TxTopSim(const TxTopSimConfig& cfg)
    : cfg_(cfg),
      ctx_(std::make_unique<VerilatedContext>()),
      mem_(cfg.mem_base, cfg.mem_size),
      desc_(mem_, kDataBits, cfg.desc_port),
      data_(mem_, kDataBits, cfg.data_port),
      wr_(mem_, kDataBits, cfg.wr_port),
      rx_wr_(mem_, kDataBits, cfg.rx_port),
      sink_(kDataBits, cfg.sink_ready_prob, cfg.seed) {
  static_assert(sizeof(Vsendoff_tx_top::m_axis_tx_tdata) * 8 == kDataBits,
                "model built for another DATA_WIDTH");
  // SENDOFF_RTL_FST names a trace file when the config does not.
  if (cfg_.fst_path.empty()) {
    if (const char* env = std::getenv("SENDOFF_RTL_FST")) cfg_.fst_path = env;
  }
  // Registers without reset start random, so nothing may depend on their first value.
  ctx_->randReset(2);
  ctx_->randSeed(int(cfg.seed));
#if SENDOFF_SIM_FST
  if (!cfg_.fst_path.empty()) ctx_->traceEverOn(true);
#endif
  top_ = std::make_unique<Vsendoff_tx_top>(ctx_.get(), "top");
#if SENDOFF_SIM_FST
  if (!cfg_.fst_path.empty()) {
    fst_ = std::make_unique<VerilatedFstC>();
    top_->trace(fst_.get(), 99);
    fst_->open(cfg_.fst_path.c_str());
  }
#else
  if (!cfg_.fst_path.empty()) throw std::runtime_error(fst_trace_problem(cfg_.fst_path));
#endif
  desc_pins_.rdata.assign(kWords, 0);
  data_pins_.rdata.assign(kWords, 0);
  wr_pins_.wdata.assign(kWords, 0);
  wr_pins_.wstrb.assign(kWords / 8, 0);
  rx_pins_.wdata.assign(kWords, 0);
  rx_pins_.wstrb.assign(kWords / 8, 0);
  top_->clk = 0;
  top_->rst_n = 0;
  top_->eval();
}

TxTopSim::~TxTopSim() {
#if SENDOFF_SIM_FST
  if (fst_) fst_->close();
#endif
  top_->final();
}

void TxTopSim::copy_in() {
  Vsendoff_tx_top& t = *top_;
  t.rst_n = rst_n_;
  t.s_axil_awaddr = axil_pins_.awaddr;
  t.s_axil_awprot = 0;
  t.s_axil_awvalid = axil_pins_.awvalid;
  t.s_axil_wdata = axil_pins_.wdata;
  t.s_axil_wstrb = axil_pins_.wstrb;
  t.s_axil_wvalid = axil_pins_.wvalid;
  t.s_axil_bready = axil_pins_.bready;
  t.s_axil_araddr = axil_pins_.araddr;
  t.s_axil_arprot = 0;
  t.s_axil_arvalid = axil_pins_.arvalid;
  t.s_axil_rready = axil_pins_.rready;

  t.m_axi_desc_arready = desc_pins_.arready;
  put_words(t.m_axi_desc_rdata, desc_pins_.rdata);
  t.m_axi_desc_rresp = desc_pins_.rresp;
  t.m_axi_desc_rlast = desc_pins_.rlast;
  t.m_axi_desc_rvalid = desc_pins_.rvalid;

  t.m_axi_data_arready = data_pins_.arready;
  t.m_axi_data_rid = data_pins_.rid;
  put_words(t.m_axi_data_rdata, data_pins_.rdata);
  t.m_axi_data_rresp = data_pins_.rresp;
  t.m_axi_data_rlast = data_pins_.rlast;
  t.m_axi_data_rvalid = data_pins_.rvalid;

  t.m_axi_wr_awready = wr_pins_.awready;
  t.m_axi_wr_wready = wr_pins_.wready;
  t.m_axi_wr_bresp = wr_pins_.bresp;
  t.m_axi_wr_bvalid = wr_pins_.bvalid;

  t.m_axis_tx_tready = axis_pins_.tready;

  t.m_axi_rx_awready = rx_pins_.awready;
  t.m_axi_rx_wready = rx_pins_.wready;
  t.m_axi_rx_bresp = rx_pins_.bresp;
  t.m_axi_rx_bvalid = rx_pins_.bvalid;
  drive_rx();
}

// One beat of the frame at the queue's head (taken at this clock edge: there is no tready),
// or an idle cycle.
void TxTopSim::drive_rx() {
  Vsendoff_tx_top& t = *top_;
  constexpr size_t kBytes = kDataBits / 8;
  t.s_axis_rx_tvalid = 0;
  if (!rst_n_ || rx_q_.empty()) return;
  if (rx_gap_ > 0) {
    --rx_gap_;
    return;
  }
  const std::vector<uint8_t>& f = rx_q_.front();
  const size_t n = std::min(kBytes, f.size() - rx_off_);
  std::vector<uint32_t> data(kWords, 0), keep(kWords / 8, 0);
  std::memcpy(data.data(), f.data() + rx_off_, n);
  for (size_t i = 0; i < n; ++i) keep[i / 32] |= 1u << (i % 32);
  put_words(t.s_axis_rx_tdata, data);
  put_keep(t.s_axis_rx_tkeep, keep);
  t.s_axis_rx_tlast = rx_off_ + n == f.size();
  t.s_axis_rx_tvalid = 1;
  ++rx_beats_;
  rx_off_ += n;
  if (rx_off_ == f.size()) {
    rx_q_.pop_front();
    rx_off_ = 0;
    rx_gap_ = cfg_.rx_gap_cycles;
  }
}

void TxTopSim::copy_out() {
  const Vsendoff_tx_top& t = *top_;
  axil_pins_.awready = t.s_axil_awready;
  axil_pins_.wready = t.s_axil_wready;
  axil_pins_.bresp = t.s_axil_bresp;
  axil_pins_.bvalid = t.s_axil_bvalid;
  axil_pins_.arready = t.s_axil_arready;
  axil_pins_.rdata = t.s_axil_rdata;
  axil_pins_.rresp = t.s_axil_rresp;
  axil_pins_.rvalid = t.s_axil_rvalid;

  desc_pins_.araddr = t.m_axi_desc_araddr;
  desc_pins_.arlen = t.m_axi_desc_arlen;
  desc_pins_.arsize = t.m_axi_desc_arsize;
  desc_pins_.arburst = t.m_axi_desc_arburst;
  desc_pins_.arvalid = t.m_axi_desc_arvalid;
  desc_pins_.rready = t.m_axi_desc_rready;

  data_pins_.arid = t.m_axi_data_arid;
  data_pins_.araddr = t.m_axi_data_araddr;
  data_pins_.arlen = t.m_axi_data_arlen;
  data_pins_.arsize = t.m_axi_data_arsize;
  data_pins_.arburst = t.m_axi_data_arburst;
  data_pins_.arvalid = t.m_axi_data_arvalid;
  data_pins_.rready = t.m_axi_data_rready;

  wr_pins_.awaddr = t.m_axi_wr_awaddr;
  wr_pins_.awlen = t.m_axi_wr_awlen;
  wr_pins_.awsize = t.m_axi_wr_awsize;
  wr_pins_.awburst = t.m_axi_wr_awburst;
  wr_pins_.awvalid = t.m_axi_wr_awvalid;
  get_words(wr_pins_.wdata, t.m_axi_wr_wdata, kWords);
  get_keep(wr_pins_.wstrb, t.m_axi_wr_wstrb);
  wr_pins_.wlast = t.m_axi_wr_wlast;
  wr_pins_.wvalid = t.m_axi_wr_wvalid;
  wr_pins_.bready = t.m_axi_wr_bready;

  rx_pins_.awaddr = t.m_axi_rx_awaddr;
  rx_pins_.awlen = t.m_axi_rx_awlen;
  rx_pins_.awsize = t.m_axi_rx_awsize;
  rx_pins_.awburst = t.m_axi_rx_awburst;
  rx_pins_.awvalid = t.m_axi_rx_awvalid;
  get_words(rx_pins_.wdata, t.m_axi_rx_wdata, kWords);
  get_keep(rx_pins_.wstrb, t.m_axi_rx_wstrb);
  rx_pins_.wlast = t.m_axi_rx_wlast;
  rx_pins_.wvalid = t.m_axi_rx_wvalid;
  rx_pins_.bready = t.m_axi_rx_bready;

  get_words(axis_pins_.tdata, t.m_axis_tx_tdata, kWords);
  get_keep(axis_pins_.tkeep, t.m_axis_tx_tkeep);
  axis_pins_.tlast = t.m_axis_tx_tlast;
  axis_pins_.tvalid = t.m_axis_tx_tvalid;
}

void TxTopSim::step(uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    // Inputs of this cycle, then the handshakes they make, then the clock edge.
    desc_.drive(desc_pins_, cycle_);
    data_.drive(data_pins_, cycle_);
    wr_.drive(wr_pins_, cycle_);
    rx_wr_.drive(rx_pins_, cycle_);
    axil_.drive(axil_pins_);
    sink_.drive(axis_pins_);
    copy_in();
    top_->clk = 0;
    top_->eval();
#if SENDOFF_SIM_FST
    if (fst_) fst_->dump(ctx_->time());
#endif
    ctx_->timeInc(1);
    copy_out();
    if (rst_n_) {
      desc_.sample(desc_pins_, cycle_);
      data_.sample(data_pins_, cycle_);
      wr_.sample(wr_pins_, cycle_);
      rx_wr_.sample(rx_pins_, cycle_);
      axil_.sample(axil_pins_);
      sink_.sample(axis_pins_, cycle_);
    }
    top_->clk = 1;
    top_->eval();
#if SENDOFF_SIM_FST
    if (fst_) fst_->dump(ctx_->time());
#endif
    ctx_->timeInc(1);
    ++cycle_;
  }
}

void TxTopSim::reset(unsigned cycles) {
  rst_n_ = false;
  step(cycles);
  rst_n_ = true;
}

uint32_t TxTopSim::reg_read(uint32_t off) {
  axil_.start_read(off);
  if (!run_until([&] { return !axil_.busy(); }, 1000)) {
    throw std::runtime_error("AXI4-Lite read timed out");
  }
  return axil_.read_data();
}

void TxTopSim::reg_write(uint32_t off, uint32_t val) {
  axil_.start_write(off, val);
  if (!run_until([&] { return !axil_.busy(); }, 1000)) {
    throw std::runtime_error("AXI4-Lite write timed out");
  }
}

std::vector<std::string> TxTopSim::errors() const {
  std::vector<std::string> all;
  for (const auto& e : desc_.errors()) all.push_back("desc port: " + e);
  for (const auto& e : data_.errors()) all.push_back("data port: " + e);
  for (const auto& e : wr_.errors()) all.push_back("write port: " + e);
  for (const auto& e : rx_wr_.errors()) all.push_back("rx write port: " + e);
  for (const auto& e : sink_.errors()) all.push_back("tx stream: " + e);
  return all;
}

}  // namespace sendoff::sim
