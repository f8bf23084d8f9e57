// SPDX-License-Identifier: MIT
// What open_xrt_device() hands the two flavours: the opened device, the
// xclbin's UUID, the sendoff CU and the memory bank of its buffers, cmac_0.
#ifndef SENDOFF_HOST_XRT_XRT_INTERNAL_HPP
#define SENDOFF_HOST_XRT_XRT_INTERNAL_HPP

#include <experimental/xrt_ip.h>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_uuid.h>

#include <memory>
#include <string>

#include "sendoff/xrt_backend.hpp"

namespace sendoff {
namespace xrt_backend {

struct Context {
  xrt::device device;
  xrt::uuid uuid;
  XrtInfo info;
  std::string kernel;       // kXrtKernelRtl or kXrtKernelHls
  std::string cu_instance;  // the CU's name after "kernel:"
  int mem_group = 0;        // memory index (MEM_TOPOLOGY) of the kernel's buffers
  xrt::bo::flags bo_flags = xrt::bo::flags::normal;
  std::string cmac_instance;  // cmac_0's CU name after "cmac_0:"
  xrt::ip cmac;               // its registers (cmac_regs.hpp)
};

// PCIe DMA into host memory snoops the CPU caches on x86 (no flush needed);
// elsewhere the driver keeps syncing.
#if defined(__x86_64__) || defined(__i386__)
constexpr bool kDmaSnoopsCaches = true;
#else
constexpr bool kDmaSnoopsCaches = false;
#endif

// Each returns nullptr with *err set (one line) on failure.
std::unique_ptr<XrtDevice> make_rtl_device(const Context& ctx, bool check_nic, std::string* err);
std::unique_ptr<XrtDevice> make_hls_device(const Context& ctx, bool check_nic, std::string* err);

// An exception's text on one line: XRT's messages may span several.
std::string one_line(const std::string& s);

// The hint appended when the card path cannot work here.
std::string no_card_hint();

}  // namespace xrt_backend
}  // namespace sendoff

#endif  // SENDOFF_HOST_XRT_XRT_INTERNAL_HPP
