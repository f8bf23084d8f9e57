// SPDX-License-Identifier: MIT
// The xrt back end: sendoff::Device on an Alveo card through the XRT native
// C++ API (xrt::device, xrt::xclbin, xrt::ip / xrt::kernel, xrt::bo).
//
// It drives either kernel flavour bitstreams/ builds, found by name in the
// xclbin's IP_LAYOUT:
//  - sendoff_tx_rtl (user-managed): its AXI4-Lite space is nic_abi.hpp's
//    register map; reg_read/reg_write go to the card through xrt::ip.
//    Buffers are one xrt::bo per dma_alloc, addressed by their device address.
//  - sendoff_tx_hls (ap_ctrl_chain): the register map lives in this process, as
//    in the csim back end; a doorbell starts one xrt::run over the pending
//    descriptors; the flow table and the run's results travel in buffers.
//    Device memory is one xrt::bo of DEV_MEM_BYTES; addresses are offsets.
// Buffers are host-memory BOs (xrt::bo::flags::host_only) when the kernel's
// memory bank in the xclbin is host memory, normal BOs otherwise.
// cmac_0 (bitstreams/cmac), the MAC the frames leave through, is opened too
// (xrt::ip): its registers tell the link's state (cmac_link.hpp).
//
// The xclbin is always loaded from its file: XRT opens kernels and IPs only
// for an xclbin this process loaded, not for one a card already runs.
//
// Without a card XRT's noop shim (XCL_EMULATION_MODE=noop) opens devices,
// loads xclbins, allocates, maps and syncs BOs and completes runs without
// running anything; its register access fails. open_xrt_device() checks the
// NIC by default (reads REG_ID, or runs the HLS kernel once) so that such a
// device fails at open, with a message, instead of hanging the driver later.
#ifndef SENDOFF_XRT_BACKEND_HPP
#define SENDOFF_XRT_BACKEND_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sendoff/cmac_port.hpp"
#include "sendoff/cmac_status.hpp"
#include "sendoff/device.hpp"

namespace sendoff {

// The kernels bitstreams/ builds (tests/bitstreams checks these names).
constexpr const char kXrtKernelRtl[] = "sendoff_tx_rtl";
constexpr const char kXrtKernelHls[] = "sendoff_tx_hls";
constexpr const char kXrtKernelCmac[] = "cmac_0";

struct XrtOptions {
  // A device index ("0") or PCIe BDF ("0000:65:00.1"). Empty: $SENDOFF_XRT_DEVICE, else "0".
  std::string device;
  // The xclbin to load. Empty: $SENDOFF_XRT_XCLBIN, else the one `make -C bitstreams
  // install` put in the data folders (installed_xclbin.hpp: sendoff/sendoff.xclbin under
  // $XDG_DATA_HOME, then $XDG_DATA_DIRS).
  std::string xclbin;
  // Check at open that the NIC answers (REG_ID through xrt::ip, or one run of the HLS
  // kernel). Off for `sendoff info`, which reports what it can without it.
  bool check_nic = true;
};

struct XrtComputeUnit {
  std::string name;      // "kernel:cu" as in IP_LAYOUT
  std::string control;   // ap_ctrl_hs, ap_ctrl_chain, ap_ctrl_none, ...
  uint64_t base = 0;     // control register base on the card
};

struct XrtMemory {
  std::string tag;       // DDR[0], HBM[0], HOST[0], ...
  std::string type;      // ddr4, hbm, host, ...
  uint64_t base = 0;
  uint64_t size = 0;     // bytes
};

struct XrtInfo {
  std::string device;       // what was opened: "0" or a BDF
  std::string bdf;          // as XRT reports it; "" when it cannot tell
  std::string name;         // the shell/platform name XRT reports; "" when it cannot tell
  std::string xclbin;       // the file loaded
  std::string uuid;         // the xclbin's UUID
  std::string flavour;      // "rtl" or "hls"
  std::string cu;           // the sendoff compute unit, "kernel:cu"
  std::string cmac;         // the CMAC's compute unit, "cmac_0:cu"
  std::vector<XrtComputeUnit> cus;  // every CU of the xclbin
  XrtMemory memory;         // the bank sendoff's buffers live in
  bool host_memory = false; // buffers are host-memory BOs
};

class XrtDevice : public Device {
 public:
  virtual const XrtInfo& info() const = 0;
  // reg_read that reports failure instead of returning 0xFFFFFFFF.
  virtual bool try_reg_read(uint32_t off, uint32_t* val, std::string* err) = 0;
  // Does the NIC answer? RTL: REG_ID reads back through xrt::ip. HLS: one run
  // with CTRL_ENABLE clear executes and writes its status. On failure *err
  // says why, with what to do instead.
  virtual bool check_nic(std::string* err) = 0;
  // cmac_0's registers (cmac_regs.hpp), for cmac_link.hpp.
  virtual cmac::CmacPort* cmac() = 0;
  // fault() (Device): set once the card stopped answering (a register access,
  // sync or run failed), "" while healthy. The driver then refuses new sends;
  // the device completes what was posted without sending it, so that the
  // driver drains instead of waiting for ever.
};

// Opens the device, loads the xclbin, finds the sendoff kernel, its memory
// bank and cmac_0. On failure returns nullptr and sets *err to one line that
// names the device and, when no card answers, suggests `--backend verilator`;
// with no xclbin given or installed, where it looked and how to install one.
std::unique_ptr<XrtDevice> open_xrt_device(const XrtOptions& opts, std::string* err);

// make_device("xrt"): open_xrt_device with the environment's choices, then
// cmac_0's link brought up with RS-FEC as opts.rs_fec says (bring_up_link),
// then the NIC check. A link that does not come up fails the open with one
// line naming the device and why, as "xrt device 0: cmac_0 link down: <why>;
// check the cable and the peer's FEC (RS-FEC on here)": a send would otherwise
// wait for a MAC that never takes a frame. On a card the frames leave through
// the CMAC, so opts.sink receives nothing.
std::unique_ptr<Device> make_xrt_device(const DeviceOptions& opts, std::string* err);

}  // namespace sendoff

#endif  // SENDOFF_XRT_BACKEND_HPP
