// SPDX-License-Identifier: MIT
#include "info_command.hpp"

#include <cinttypes>
#include <cstdio>
#include <functional>

#include "sendoff/device.hpp"
#include "sendoff/nic_abi.hpp"
#include "usage_error.hpp"
#include "validators.hpp"
#ifdef SENDOFF_HAVE_XRT
#include "sendoff/cmac_link.hpp"
#include "sendoff/xrt_backend.hpp"
#endif

namespace sendoff {
namespace cli {

void add_info_options(CLI::App* cmd, InfoOptions* o) {
  cmd->add_option("--backend", o->backend, "Device back end")
      ->check(one_of({"csim", "verilator", "xrt"}))
      ->capture_default_str();
  cmd->add_option("--device", o->device,
                  "xrt: device index or PCIe BDF (default: $SENDOFF_XRT_DEVICE, else 0)");
  cmd->add_option("--xclbin", o->xclbin,
                  "xrt: xclbin to load (default: $SENDOFF_XRT_XCLBIN, else sendoff/sendoff.xclbin "
                  "in $XDG_DATA_HOME or $XDG_DATA_DIRS, where make -C bitstreams install puts it)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--rs-fec", o->rs_fec,
                  "xrt: bring cmac_0's link up with RS-FEC on or off first, as send does "
                  "(default: report the link as it is)")
      ->check(one_of({"on", "off"}));
}

namespace {

using RegRead = std::function<bool(uint32_t, uint32_t*, std::string*)>;

// Registers and counters; false with *err when one cannot be read.
bool print_registers(const RegRead& rd, std::string* err) {
  using namespace abi;
  uint32_t id, version, ctrl, status, base_lo, base_hi, size, head, tail;
  uint32_t frames_lo, frames_hi, bytes_lo, bytes_hi, drops, desc_errors, wb_errors, flushed;
  // *_LO before *_HI: reading LO latches HI.
  if (!rd(REG_ID, &id, err) || !rd(REG_VERSION, &version, err) || !rd(REG_CTRL, &ctrl, err) ||
      !rd(REG_STATUS, &status, err) || !rd(REG_RING_BASE_LO, &base_lo, err) ||
      !rd(REG_RING_BASE_HI, &base_hi, err) || !rd(REG_RING_SIZE, &size, err) ||
      !rd(REG_RING_HEAD, &head, err) || !rd(REG_RING_TAIL, &tail, err) ||
      !rd(REG_STAT_FRAMES_LO, &frames_lo, err) || !rd(REG_STAT_FRAMES_HI, &frames_hi, err) ||
      !rd(REG_STAT_BYTES_LO, &bytes_lo, err) || !rd(REG_STAT_BYTES_HI, &bytes_hi, err) ||
      !rd(REG_STAT_DROPS, &drops, err) || !rd(REG_STAT_DESC_ERRORS, &desc_errors, err) ||
      !rd(REG_STAT_WB_ERRORS, &wb_errors, err) || !rd(REG_STAT_TX_FLUSHED, &flushed, err))
    return false;
  printf("registers ID 0x%08x%s VERSION 0x%08x CTRL 0x%08x%s%s%s STATUS 0x%08x%s\n", id,
         id == ID_VALUE ? " (SNDF)" : " (not a sendoff NIC)", version, ctrl,
         ctrl & CTRL_ENABLE ? " enable" : "", ctrl & CTRL_FCS_APPEND ? " fcs" : "",
         ctrl & CTRL_RESET ? " reset" : "", status, status & STATUS_BUSY ? " busy" : "");
  printf("ring      base 0x%08x%08x size %u head %u tail %u\n", base_hi, base_lo, size, head, tail);
  // desc_errors include descriptors whose ring entry or payload read failed (SLVERR).
  printf("counters  frames %" PRIu64 " bytes %" PRIu64
         " drops %u desc_errors %u wb_errors %u tx_flushed %u\n",
         (uint64_t{frames_hi} << 32) | frames_lo, (uint64_t{bytes_hi} << 32) | bytes_lo, drops,
         desc_errors, wb_errors, flushed);
  uint32_t caps;
  if (!rd(REG_CAPS, &caps, err)) return false;
  printf("caps      0x%08x%s%s%s\n", caps, caps & CAPS_RX ? " rx" : "",
         caps & CAPS_TSO ? " tso" : "", caps & CAPS_TX_UNALIGNED ? " tx_unaligned" : "");
  if (!(caps & CAPS_RX)) {
    printf("rx        none (CAPS_RX clear: this NIC transmits only)\n");
    return true;
  }
  uint32_t b_lo, b_hi, c_lo, c_hi, rsize, bsize, rhead, rtail;
  uint32_t rf_lo, rf_hi, rb_lo, rb_hi, fcs, nobuf, len;
  if (!rd(REG_RX_BUF_BASE_LO, &b_lo, err) || !rd(REG_RX_BUF_BASE_HI, &b_hi, err) ||
      !rd(REG_RX_CPL_BASE_LO, &c_lo, err) || !rd(REG_RX_CPL_BASE_HI, &c_hi, err) ||
      !rd(REG_RX_RING_SIZE, &rsize, err) || !rd(REG_RX_BUF_SIZE, &bsize, err) ||
      !rd(REG_RX_HEAD, &rhead, err) || !rd(REG_RX_TAIL, &rtail, err) ||
      !rd(REG_STAT_RX_FRAMES_LO, &rf_lo, err) || !rd(REG_STAT_RX_FRAMES_HI, &rf_hi, err) ||
      !rd(REG_STAT_RX_BYTES_LO, &rb_lo, err) || !rd(REG_STAT_RX_BYTES_HI, &rb_hi, err) ||
      !rd(REG_STAT_RX_DROP_FCS, &fcs, err) || !rd(REG_STAT_RX_DROP_NOBUF, &nobuf, err) ||
      !rd(REG_STAT_RX_DROP_LEN, &len, err))
    return false;
  printf("rx ring   buffers 0x%08x%08x completions 0x%08x%08x size %u buffer %u head %u tail %u%s\n",
         b_hi, b_lo, c_hi, c_lo, rsize, bsize, rhead, rtail,
         ctrl & CTRL_RX_ENABLE ? " enabled" : " disabled");
  printf("rx        frames %" PRIu64 " bytes %" PRIu64 " drop_fcs %u drop_nobuf %u drop_len %u\n",
         (uint64_t{rf_hi} << 32) | rf_lo, (uint64_t{rb_hi} << 32) | rb_lo, fcs, nobuf, len);
  return true;
}

#ifdef SENDOFF_HAVE_XRT
// cmac_0's link, RS-FEC and counters; "link unknown" when its registers do not answer.
void print_link(XrtDevice* d, const std::string& rs_fec) {
  cmac::CmacStatus s;
  std::string err;
  const bool read = rs_fec.empty()
                        ? cmac::read_cmac_status(d->cmac(), &s, &err)
                        : cmac::bring_up_link(d->cmac(), rs_fec == "on", cmac::kLinkWait, &s, &err);
  if (!read) {
    printf("link      unknown (%s%s)\n",
           err.rfind("register ", 0) == 0 ? "cmac_0 registers unreadable: " : "", err.c_str());
    return;
  }
  fputs(cmac::info_lines(s).c_str(), stdout);
}

int run_xrt_info(const InfoOptions& o) {
  XrtOptions xo;
  xo.device = o.device;
  xo.xclbin = o.xclbin;
  xo.check_nic = false;  // report what is there, then what does not answer
  std::string err;
  auto dev = open_xrt_device(xo, &err);
  if (!dev) {
    fprintf(stderr, "sendoff: %s\n", err.c_str());
    return kExitFailure;
  }
  const XrtInfo& in = dev->info();
  std::string about;
  for (const std::string& s : {in.bdf, in.name})
    if (!s.empty()) about += (about.empty() ? "" : ", ") + s;
  printf("backend   xrt\n");
  printf("device    %s%s%s%s\n", in.device.c_str(), about.empty() ? "" : " (", about.c_str(),
         about.empty() ? "" : ")");
  printf("xclbin    %s\n", in.xclbin.c_str());
  printf("uuid      %s\n", in.uuid.c_str());
  printf("sendoff   %s (%s flavour)\n", in.cu.c_str(), in.flavour.c_str());
  for (const XrtComputeUnit& cu : in.cus)
    printf("kernel    %s %s at 0x%" PRIx64 "\n", cu.name.c_str(), cu.control.c_str(), cu.base);
  printf("memory    %s (%s, %" PRIu64 " MiB at 0x%" PRIx64 "), %s BOs\n", in.memory.tag.c_str(),
         in.memory.type.c_str(), in.memory.size >> 20, in.memory.base,
         in.host_memory ? "host-memory" : "device");
  fflush(stdout);
  XrtDevice* d = dev.get();
  const bool ok = d->check_nic(&err) && print_registers([d](uint32_t off, uint32_t* v, std::string* e) {
    return d->try_reg_read(off, v, e);
  }, &err);
  // The link lines come last, also when the NIC does not answer: a link down explains that.
  print_link(d, o.rs_fec);
  fflush(stdout);
  if (!ok) {
    fprintf(stderr, "sendoff: xrt device %s: %s\n", in.device.c_str(), err.c_str());
    return kExitFailure;
  }
  return kExitOk;
}
#endif

}  // namespace

int run_info(const InfoOptions& o) {
  if (o.backend == "xrt") {
#ifdef SENDOFF_HAVE_XRT
    return run_xrt_info(o);
#else
    fprintf(stderr, "sendoff: the xrt back end is not built in this build (XRT was not found)\n");
    return kExitFailure;
#endif
  }
  if (!o.device.empty() || !o.xclbin.empty() || !o.rs_fec.empty())
    throw UsageError("--device, --xclbin and --rs-fec are for --backend xrt");
  DeviceOptions dopts;
  dopts.backend = o.backend;
  std::string err;
  auto dev = make_device(dopts, &err);
  if (!dev) {
    fprintf(stderr, "sendoff: %s\n", err.c_str());
    return kExitFailure;
  }
  printf("backend   %s\n", dev->name().c_str());
  Device* d = dev.get();
  print_registers([d](uint32_t off, uint32_t* v, std::string*) {
    *v = d->reg_read(off);
    return true;
  }, &err);
  return kExitOk;
}

}  // namespace cli
}  // namespace sendoff
