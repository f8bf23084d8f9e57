// SPDX-License-Identifier: MIT
// Opening the card: device by index or BDF, the xclbin loaded from its file
// (always: XRT hands out kernels and IPs only for an xclbin this process
// loaded), the sendoff CU and cmac_0 from IP_LAYOUT, the sendoff CU's memory
// bank from CONNECTIVITY and MEM_TOPOLOGY.
#include <xclbin.h>
#include <experimental/xrt_ip.h>
#include <experimental/xrt_xclbin.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <set>

#include "installed_xclbin.hpp"
#include "sendoff/cmac_link.hpp"
#include "xrt_internal.hpp"

namespace sendoff {
namespace xrt_backend {

std::string one_line(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string no_card_hint() {
  const char* mode = std::getenv("XCL_EMULATION_MODE");
  if (mode && std::strcmp(mode, "noop") == 0)
    return "XRT's noop shim (XCL_EMULATION_MODE=noop) runs no kernels and has no registers; "
           "use --backend verilator";
  const char* xrt = std::getenv("XILINX_XRT");
  if (!xrt || !*xrt)
    return "with a card, source /opt/xilinx/xrt/setup.sh (XILINX_XRT); without one use "
           "--backend verilator";
  return "without an Alveo card use --backend verilator";
}

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

const char* control_name(uint32_t properties) {
  switch ((properties & IP_CONTROL_MASK) >> IP_CONTROL_SHIFT) {
    case AP_CTRL_HS: return "ap_ctrl_hs";
    case AP_CTRL_CHAIN: return "ap_ctrl_chain";
    case AP_CTRL_NONE: return "ap_ctrl_none";
    case AP_CTRL_ME: return "ap_ctrl_me";
    case ACCEL_ADAPTER: return "accel_adapter";
    case FAST_ADAPTER: return "fast_adapter";
    default: return "unknown";
  }
}

const char* mem_type_name(uint8_t t) {
  switch (t) {
    case MEM_DDR3: return "ddr3";
    case MEM_DDR4: return "ddr4";
    case MEM_DRAM: return "dram";
    case MEM_HBM: return "hbm";
    case MEM_BRAM: return "bram";
    case MEM_URAM: return "uram";
    case MEM_HOST: return "host";
    case MEM_STREAMING: return "streaming";
    case MEM_STREAMING_CONNECTION: return "stream-connection";
    default: return "other";
  }
}

std::string fixed_string(const unsigned char* p, size_t cap) {
  size_t n = 0;
  while (n < cap && p[n]) ++n;
  return std::string(reinterpret_cast<const char*>(p), n);
}

// A section of an xclbin image, bounded by its header; {nullptr, 0} when absent.
std::pair<const char*, size_t> image_section(const axlf* top, axlf_section_kind kind) {
  for (uint32_t i = 0; i < top->m_header.m_numSections; ++i) {
    const axlf_section_header& h = top->m_sections[i];
    if (h.m_sectionKind != static_cast<uint32_t>(kind)) continue;
    if (h.m_sectionOffset + h.m_sectionSize > top->m_header.m_length) return {nullptr, 0};
    return {reinterpret_cast<const char*>(top) + h.m_sectionOffset,
            static_cast<size_t>(h.m_sectionSize)};
  }
  return {nullptr, 0};
}

template <typename T>
const T* section_as(const axlf* top, axlf_section_kind kind, size_t* size) {
  auto s = image_section(top, kind);
  *size = s.second;
  return reinterpret_cast<const T*>(s.first);
}

bool describe(const axlf* top, Context* ctx, std::string* err) {
  const std::string where = "xclbin " + ctx->info.uuid;
  size_t ip_size = 0, mem_size = 0, conn_size = 0;
  const auto* ips = section_as<ip_layout>(top, IP_LAYOUT, &ip_size);
  // Memory group ids, which xrt::bo takes, index the group topology when the xclbin has
  // one (v++ adds it; its first entries are MEM_TOPOLOGY's), else MEM_TOPOLOGY.
  const auto* mems = section_as<mem_topology>(top, ASK_GROUP_TOPOLOGY, &mem_size);
  const auto* conns = section_as<connectivity>(top, ASK_GROUP_CONNECTIVITY, &conn_size);
  if (!mems || !conns) {
    mems = section_as<mem_topology>(top, MEM_TOPOLOGY, &mem_size);
    conns = section_as<connectivity>(top, CONNECTIVITY, &conn_size);
  }
  if (!ips || ip_size < sizeof(int32_t) || ips->m_count < 0 ||
      ip_size < offsetof(ip_layout, m_ip_data) + sizeof(ip_data) * size_t(ips->m_count)) {
    *err = where + " has no usable IP_LAYOUT section";
    return false;
  }

  int sendoff_ip = -1;
  std::string found;
  for (int32_t i = 0; i < ips->m_count; ++i) {
    const ip_data& d = ips->m_ip_data[i];
    if (d.m_type != IP_KERNEL) continue;
    std::string name = fixed_string(d.m_name, sizeof d.m_name);
    ctx->info.cus.push_back({name, control_name(d.properties), d.m_base_address});
    found += (found.empty() ? "" : ", ") + name;
    if (name.rfind(std::string(kXrtKernelCmac) + ":", 0) == 0) {
      if (!ctx->info.cmac.empty()) {
        *err = where + " has more than one " + kXrtKernelCmac + " CU (" + ctx->info.cmac + ", " +
               name + "); sendoff drives one port";
        return false;
      }
      ctx->info.cmac = name;
      ctx->cmac_instance = name.substr(std::strlen(kXrtKernelCmac) + 1);
    }
    for (const char* k : {kXrtKernelRtl, kXrtKernelHls}) {
      if (name.rfind(std::string(k) + ":", 0) != 0) continue;
      if (sendoff_ip >= 0) {
        *err = where + " has more than one sendoff CU (" + ctx->info.cu + ", " + name +
               "); build it with one";
        return false;
      }
      sendoff_ip = i;
      ctx->kernel = k;
      ctx->info.cu = name;
      ctx->cu_instance = name.substr(std::strlen(k) + 1);
    }
  }
  if (sendoff_ip < 0) {
    *err = where + " has no " + kXrtKernelRtl + " or " + kXrtKernelHls + " compute unit (it has: " +
           (found.empty() ? "none" : found) + "); build one with bitstreams/";
    return false;
  }
  // The frames leave through the CMAC; without it nothing could send or tell the link.
  if (ctx->info.cmac.empty()) {
    *err = where + " has no " + kXrtKernelCmac + " compute unit (it has: " + found +
           "); build one with bitstreams/ (its link configs add nk=cmac_0:1:cmac_0)";
    return false;
  }
  const uint32_t control =
      (ips->m_ip_data[sendoff_ip].properties & IP_CONTROL_MASK) >> IP_CONTROL_SHIFT;
  const bool rtl = ctx->kernel == kXrtKernelRtl;
  ctx->info.flavour = rtl ? "rtl" : "hls";
  if (rtl != (control == AP_CTRL_NONE)) {
    *err = where + ": " + ctx->info.cu + " is " + control_name(ips->m_ip_data[sendoff_ip].properties) +
           ", but the " + ctx->info.flavour + " flavour is " +
           (rtl ? "ap_ctrl_none (user-managed)" : "ap_ctrl_chain or ap_ctrl_hs");
    return false;
  }

  if (!mems || !conns || mem_size < sizeof(int32_t) || conn_size < sizeof(int32_t) ||
      mems->m_count < 0 || conns->m_count < 0 ||
      mem_size < offsetof(mem_topology, m_mem_data) + sizeof(mem_data) * size_t(mems->m_count) ||
      conn_size <
          offsetof(connectivity, m_connection) + sizeof(connection) * size_t(conns->m_count)) {
    *err = where + " has no usable MEM_TOPOLOGY or CONNECTIVITY section";
    return false;
  }
  // The banks of the CU's buffer arguments: its connections to memory, not to streams.
  std::set<int32_t> banks;
  for (int32_t i = 0; i < conns->m_count; ++i) {
    const connection& c = conns->m_connection[i];
    if (c.m_ip_layout_index != sendoff_ip) continue;
    if (c.mem_data_index < 0 || c.mem_data_index >= mems->m_count) {
      *err = where + ": CONNECTIVITY names memory " + std::to_string(c.mem_data_index) +
             ", which MEM_TOPOLOGY does not have";
      return false;
    }
    const uint8_t type = mems->m_mem_data[c.mem_data_index].m_type;
    if (type != MEM_STREAMING && type != MEM_STREAMING_CONNECTION) banks.insert(c.mem_data_index);
  }
  if (banks.empty()) {
    *err = where + ": CONNECTIVITY places no buffer of " + ctx->info.cu + " in memory";
    return false;
  }
  if (banks.size() != 1) {
    *err = where + ": the buffers of " + ctx->info.cu +
           " sit in different memory banks; link them to one (sp=) so that one allocator serves all";
    return false;
  }
  const mem_data& m = mems->m_mem_data[*banks.begin()];
  ctx->mem_group = *banks.begin();
  ctx->info.memory = {fixed_string(m.m_tag, sizeof m.m_tag), mem_type_name(m.m_type),
                      m.m_base_address, m.m_size * 1024};
  ctx->info.host_memory = m.m_type == MEM_HOST;
  ctx->bo_flags = ctx->info.host_memory ? xrt::bo::flags::host_only : xrt::bo::flags::normal;
  return true;
}

}  // namespace
}  // namespace xrt_backend

using namespace xrt_backend;

std::unique_ptr<XrtDevice> open_xrt_device(const XrtOptions& opts, std::string* err) {
  Context ctx;
  const std::string dev = opts.device.empty() ? env_or("SENDOFF_XRT_DEVICE", "0") : opts.device;
  ctx.info.device = dev;
  const std::string who = "xrt device " + dev;
  try {
    ctx.device = all_digits(dev) ? xrt::device(static_cast<unsigned>(std::stoul(dev)))
                                 : xrt::device(dev);
  } catch (const std::exception& e) {
    *err = who + ": cannot open it (" + one_line(e.what()) + "); " + no_card_hint();
    return nullptr;
  }
  try {
    ctx.info.bdf = one_line(ctx.device.get_info<xrt::info::device::bdf>());
  } catch (const std::exception&) {
  }
  try {
    ctx.info.name = one_line(ctx.device.get_info<xrt::info::device::name>());
  } catch (const std::exception&) {
  }

  // Always a file: XRT hands out kernels and IPs only for an xclbin this process loaded.
  std::string file = opts.xclbin.empty() ? env_or("SENDOFF_XRT_XCLBIN", "") : opts.xclbin;
  if (file.empty()) {
    std::string looked;
    file = find_installed_xclbin(&looked);
    if (file.empty()) {
      *err = who + ": no xclbin: " + kInstalledXclbin + " is not in " + looked +
             "; install one with make -C bitstreams CARD=... FLAVOUR=... install, or pass "
             "--xclbin FILE (or set SENDOFF_XRT_XCLBIN)";
      return nullptr;
    }
  }
  try {
    xrt::xclbin xclbin;
    try {
      xclbin = xrt::xclbin(file);
    } catch (const std::exception& e) {
      *err = who + ": cannot read xclbin " + file + " (" + one_line(e.what()) + ")";
      return nullptr;
    }
    ctx.uuid = ctx.device.load_xclbin(xclbin);
    ctx.info.xclbin = file;
    ctx.info.uuid = ctx.uuid.to_string();
    if (!describe(xclbin.get_axlf(), &ctx, err)) {
      *err = who + ": " + file + ": " + *err;
      return nullptr;
    }
  } catch (const std::exception& e) {
    *err = who + ": loading the xclbin failed (" + one_line(e.what()) + ")";
    return nullptr;
  }
  try {
    ctx.cmac = xrt::ip(ctx.device, ctx.uuid,
                       std::string(kXrtKernelCmac) + ":{" + ctx.cmac_instance + "}");
  } catch (const std::exception& e) {
    *err = who + ": cannot open " + ctx.info.cmac + " (" + one_line(e.what()) + ")";
    return nullptr;
  }

  return ctx.kernel == kXrtKernelRtl ? make_rtl_device(ctx, opts.check_nic, err)
                                     : make_hls_device(ctx, opts.check_nic, err);
}

std::unique_ptr<Device> make_xrt_device(const DeviceOptions& opts, std::string* err) {
  std::string e;
  XrtOptions o;
  o.check_nic = false;  // the link first: a NIC behind a dead link is no use
  std::unique_ptr<XrtDevice> d = open_xrt_device(o, &e);
  if (d) {
    const std::string who = "xrt device " + d->info().device;
    cmac::CmacStatus link;
    std::string why;
    if (!cmac::link_ready_for_send(who, d->cmac(), opts.rs_fec, cmac::kLinkWait, &link, &e)) {
      // Register access failing is what a machine without a card shows.
      if (e.rfind(who + ": register ", 0) == 0) e += "; " + no_card_hint();
      d.reset();
    } else if (!d->check_nic(&why)) {
      e = who + ": " + why;
      d.reset();
    }
  }
  if (!d && err) *err = e;
  return d;
}

}  // namespace sendoff
