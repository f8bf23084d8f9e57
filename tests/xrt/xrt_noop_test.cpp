// SPDX-License-Identifier: MIT
// The xrt back end on XRT's noop shim (XCL_EMULATION_MODE=noop, see
// noop_env.hpp), with the test xclbins sendoff-xclbin writes from bitstreams/.
//
// What runs for real here: XRT opening the device, reading and loading each
// xclbin, finding the sendoff CU (xrt::ip for the RTL flavour, xrt::kernel
// for HLS), allocating, mapping and syncing xrt::bo buffers in the bank the
// link config names, and starting and completing xrt::run.
//
// What the noop shim cannot do: execute a kernel (a run completes having done
// nothing) and access registers (xrt::ip reads and writes fail with
// "Operation not permitted"). So no frame is sent and no register of a card
// is read here; the tests check that the back end says so clearly instead of
// hanging. The register path and the data path behind it are exercised on the
// RTL itself by the verilator back end (tests/rtl/verilator_device_test.cpp):
// the same Device interface and register map that the driver
// (host/drivers/net/sendoff/sendoff_nic.cpp) uses on every back end, xrt included.
#include <gtest/gtest.h>
#include <xclbin.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "kernel_decl.hpp"
#include "mini_xml.hpp"
#include "noop_env.hpp"
#include "sendoff/device.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/xrt_backend.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"

namespace sendoff {
namespace {

using namespace abi;

struct Image {
  std::string card, flavour;
  std::string path() const {
    return std::string(SENDOFF_XCLBIN_DIR) + "/sendoff_" + card + "_" + flavour + ".xclbin";
  }
  std::string config() const {
    return std::string(SENDOFF_SOURCE_DIR) + "/bitstreams/link/" + card + "_" + flavour + ".cfg";
  }
  std::string kernel() const { return flavour == "rtl" ? kXrtKernelRtl : kXrtKernelHls; }
  std::string kernel_xml() const {
    return std::string(SENDOFF_SOURCE_DIR) + "/bitstreams/" + flavour + "/kernel.xml";
  }
};
std::string cmac_kernel_xml() {
  return std::string(SENDOFF_SOURCE_DIR) + "/bitstreams/cmac/kernel.xml";
}
void PrintTo(const Image& im, std::ostream* os) { *os << im.card << "_" << im.flavour; }

std::vector<Image> all_images() {
  std::vector<Image> v;
  for (const char* card : {"u250", "u280", "u55c"})
    for (const char* fl : {"hls", "rtl"}) v.push_back({card, fl});
  return v;
}

// The UUID bytes of an xclbin file as text, read from the file itself.
std::string file_uuid(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t off = offsetof(axlf, m_header) + offsetof(axlf_header, uuid);
  if (bytes.size() < off + 16) return "(short file)";
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    unsigned char b = static_cast<unsigned char>(bytes[off + i]);
    s += hex[b >> 4];
    s += hex[b & 15];
  }
  return s;
}

// ---------------------------------------------------------------- the image
// The test xclbin, read back section by section with xclbin.h (not through
// XRT, not through the writer), describes exactly what bitstreams/ declares.
class XclbinImage : public ::testing::TestWithParam<Image> {};

struct Sections {
  std::vector<char> bytes;
  const axlf* top() const { return reinterpret_cast<const axlf*>(bytes.data()); }
  const char* get(axlf_section_kind kind, size_t* size) const {
    for (uint32_t i = 0; i < top()->m_header.m_numSections; ++i) {
      const axlf_section_header& h = top()->m_sections[i];
      if (h.m_sectionKind != static_cast<uint32_t>(kind)) continue;
      *size = h.m_sectionSize;
      return bytes.data() + h.m_sectionOffset;
    }
    *size = 0;
    return nullptr;
  }
};

TEST_P(XclbinImage, DescribesExactlyWhatBitstreamsDeclares) {
  const Image im = GetParam();
  std::string err;
  // The writer's input: the flavour's kernel, then cmac_0's, in that order.
  std::vector<xclbin::KernelDecl> ks(2);
  xclbin::LinkSpec link;
  ASSERT_TRUE(xclbin::load_kernel_xml(im.kernel_xml(), &ks[0], &err)) << err;
  ASSERT_TRUE(xclbin::load_kernel_xml(cmac_kernel_xml(), &ks[1], &err)) << err;
  ASSERT_TRUE(xclbin::load_link_config(im.config(), &link, &err)) << err;

  Sections x;
  std::ifstream f(im.path(), std::ios::binary);
  x.bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  ASSERT_GE(x.bytes.size(), sizeof(axlf));
  ASSERT_EQ(std::string(x.top()->m_magic), "xclbin2");
  ASSERT_EQ(x.top()->m_header.m_length, x.bytes.size());

  // IP_LAYOUT: one kernel CU per nk instance of a described kernel.
  size_t n = 0;
  const auto* ips = reinterpret_cast<const ip_layout*>(x.get(IP_LAYOUT, &n));
  ASSERT_NE(ips, nullptr);
  struct WantCu {
    const xclbin::KernelDecl* k;
    std::string cu;
  };
  std::vector<WantCu> cus;
  for (const auto& k : ks)
    for (const auto& nk : link.nk)
      if (nk.kernel == k.name)
        for (const auto& cu : nk.cus) cus.push_back({&k, cu});
  ASSERT_EQ(static_cast<size_t>(ips->m_count), cus.size());
  for (int i = 0; i < ips->m_count; ++i) {
    const xclbin::KernelDecl& k = *cus[i].k;
    const unsigned want_ctrl = k.control_protocol == "ap_ctrl_none"    ? AP_CTRL_NONE
                               : k.control_protocol == "ap_ctrl_chain" ? AP_CTRL_CHAIN
                                                                       : AP_CTRL_HS;
    EXPECT_EQ(ips->m_ip_data[i].m_type, static_cast<uint32_t>(IP_KERNEL));
    EXPECT_EQ(reinterpret_cast<const char*>(ips->m_ip_data[i].m_name), k.name + ":" + cus[i].cu);
    EXPECT_EQ((ips->m_ip_data[i].properties & IP_CONTROL_MASK) >> IP_CONTROL_SHIFT, want_ctrl);
  }
  // cmac_0 is there, with no memory of its own: only streams.
  ASSERT_EQ(cus.back().k->name, kXrtKernelCmac);

  // CONNECTIVITY + MEM_TOPOLOGY: each buffer argument in its sp= bank, each
  // stream argument (sendoff to the MAC, the MAC to sendoff) on its stream_connect.
  const auto* mems = reinterpret_cast<const mem_topology*>(x.get(MEM_TOPOLOGY, &n));
  const auto* conns = reinterpret_cast<const connectivity*>(x.get(CONNECTIVITY, &n));
  ASSERT_TRUE(mems && conns);
  std::map<std::pair<int, int>, std::string> placed;  // (CU, arg) -> memory tag
  for (int i = 0; i < conns->m_count; ++i) {
    const connection& c = conns->m_connection[i];
    ASSERT_LT(c.m_ip_layout_index, ips->m_count);
    ASSERT_LT(c.mem_data_index, mems->m_count);
    placed[{c.m_ip_layout_index, c.arg_index}] =
        reinterpret_cast<const char*>(mems->m_mem_data[c.mem_data_index].m_tag);
  }
  std::map<std::pair<int, int>, std::string> want;
  for (size_t i = 0; i < cus.size(); ++i) {
    const std::string& cu = cus[i].cu;
    for (const auto& a : cus[i].k->args) {
      const std::pair<int, int> at{static_cast<int>(i), static_cast<int>(a.id)};
      if (a.address_qualifier == xclbin::ARG_GLOBAL) {
        for (const auto& sp : link.sp)
          if (sp.cu == cu && (sp.iface == a.name || sp.iface == a.port)) want[at] = sp.bank;
      } else if (a.address_qualifier == xclbin::ARG_STREAM) {
        for (const auto& st : link.streams)
          if ((st.from_cu == cu && st.from_port == a.port) ||
              (st.to_cu == cu && st.to_port == a.port))
            want[at] = "stream" + std::to_string(&st - link.streams.data());
      }
    }
  }
  EXPECT_EQ(placed, want);

  // EMBEDDED_METADATA: the kernel XML carries each kernel.xml's ports and arguments.
  const char* meta = x.get(EMBEDDED_METADATA, &n);
  ASSERT_NE(meta, nullptr);
  xml::Element root;
  ASSERT_TRUE(xml::parse(std::string(meta, n), &root, &err)) << err;
  const xml::Element* core = root.first("platform");
  for (const char* step : {"device", "core"}) core = core ? core->first(step) : nullptr;
  ASSERT_NE(core, nullptr);
  auto kernels = core->all("kernel");
  ASSERT_EQ(kernels.size(), ks.size());
  for (size_t ki = 0; ki < ks.size(); ++ki) {
    const xclbin::KernelDecl& k = ks[ki];
    const xml::Element& ke = *kernels[ki];
    EXPECT_EQ(ke.attr("name"), k.name);
    EXPECT_EQ(ke.attr("hwControlProtocol"), k.control_protocol);
    auto ports = ke.all("port");
    ASSERT_EQ(ports.size(), k.ports.size());
    for (size_t i = 0; i < ports.size(); ++i) {
      EXPECT_EQ(ports[i]->attr("name"), k.ports[i].name);
      EXPECT_EQ(ports[i]->attr("mode"), k.ports[i].mode);
      EXPECT_EQ(ports[i]->attr("dataWidth"), std::to_string(k.ports[i].data_width));
    }
    auto args = ke.all("arg");
    ASSERT_EQ(args.size(), k.args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      uint64_t off = 0, size = 0;
      EXPECT_EQ(args[i]->attr("name"), k.args[i].name);
      EXPECT_EQ(args[i]->attr("port"), k.args[i].port);
      EXPECT_EQ(args[i]->attr("id"), std::to_string(k.args[i].id));
      EXPECT_EQ(args[i]->attr("addressQualifier"), std::to_string(k.args[i].address_qualifier));
      ASSERT_TRUE(xclbin::parse_number(args[i]->attr("offset"), &off));
      ASSERT_TRUE(xclbin::parse_number(args[i]->attr("size"), &size));
      EXPECT_EQ(off, k.args[i].offset) << k.args[i].name;
      EXPECT_EQ(size, k.args[i].size) << k.args[i].name;
    }
    auto insts = ke.all("instance");
    std::vector<std::string> want_insts, got_insts;
    for (const auto& c : cus)
      if (c.k == &k) want_insts.push_back(c.cu);
    for (const auto* e : insts) got_insts.push_back(e->attr("name"));
    EXPECT_EQ(got_insts, want_insts);
  }
}

INSTANTIATE_TEST_SUITE_P(Images, XclbinImage, ::testing::ValuesIn(all_images()),
                         [](const ::testing::TestParamInfo<Image>& p) {
                           return p.param.card + "_" + p.param.flavour;
                         });

class XrtNoop : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(test::noop_problem(), "") << "cannot run the xrt tests"; }

  static std::unique_ptr<XrtDevice> open(const Image& im, bool check_nic, std::string* err) {
    XrtOptions o;
    o.device = "0";
    o.xclbin = im.path();
    o.check_nic = check_nic;
    return open_xrt_device(o, err);
  }
};

class XrtNoopImage : public XrtNoop, public ::testing::WithParamInterface<Image> {};

#ifdef SENDOFF_XCLBIN_TOOL
// Writes an xclbin from `cfg` with sendoff-xclbin (im's kernel and cmac_0) and
// opens it without the NIC check; nullptr with *err on failure.
std::unique_ptr<XrtDevice> open_from_config(const Image& im, const std::string& cfg,
                                            const std::string& out, std::string* err) {
  auto r = sys::run_process({SENDOFF_XCLBIN_TOOL, "--kernel-xml", im.kernel_xml(), "--kernel-xml",
                             cmac_kernel_xml(), "--config", cfg, "--platform", "noop_" + im.card,
                             "-o", out});
  if (r.exit_code != 0) {
    *err = "sendoff-xclbin: " + r.err;
    return nullptr;
  }
  XrtOptions o;
  o.device = "0";
  o.xclbin = out;
  o.check_nic = false;
  return open_xrt_device(o, err);
}
#endif

TEST_P(XrtNoopImage, OpensTheDeviceLoadsTheXclbinAndFindsTheKernel) {
  const Image im = GetParam();
  xclbin::LinkSpec link;
  std::string err;
  ASSERT_TRUE(xclbin::load_link_config(im.config(), &link, &err)) << err;
  ASSERT_FALSE(link.sp.empty());

  auto dev = open(im, false, &err);
  ASSERT_NE(dev, nullptr) << err;
  EXPECT_EQ(dev->fault(), "");
  const XrtInfo& info = dev->info();
  EXPECT_EQ(info.device, "0");
  EXPECT_EQ(info.xclbin, im.path());
  EXPECT_EQ(info.uuid, file_uuid(im.path()));
  EXPECT_EQ(info.flavour, im.flavour);
  EXPECT_EQ(info.cu, im.kernel() + ":" + link.nk.front().cus.front());
  EXPECT_EQ(info.memory.tag, link.sp.front().bank);
  EXPECT_FALSE(info.host_memory);  // the recipes place buffers in DDR or HBM
  EXPECT_EQ(info.cmac, "cmac_0:cmac_0");
  ASSERT_EQ(info.cus.size(), 2u);
  EXPECT_EQ(info.cus[0].control, im.flavour == "rtl" ? "ap_ctrl_none" : "ap_ctrl_chain");
  EXPECT_EQ(info.cus[1].name, "cmac_0:cmac_0");
  EXPECT_EQ(info.cus[1].control, "ap_ctrl_none");
}

TEST_P(XrtNoopImage, AllocatesMapsAndSyncsBuffers) {
  std::string err;
  auto dev = open(GetParam(), false, &err);
  ASSERT_NE(dev, nullptr) << err;
  // The driver's two buffers: the descriptor ring and the payload area.
  DmaBuffer ring = dev->dma_alloc(1024 * TXD_BYTES);
  DmaBuffer pay = dev->dma_alloc(16u << 20);
  ASSERT_EQ(ring.size, 1024u * TXD_BYTES);
  ASSERT_EQ(pay.size, 16u << 20);
  ASSERT_NE(ring.host, nullptr);
  ASSERT_NE(pay.host, nullptr);
  for (size_t i = 0; i < pay.size; i += 4096) pay.host[i] = static_cast<uint8_t>(i >> 12);
  std::memset(ring.host, 0x5A, ring.size);
  dev->dma_sync_to_device(ring, 0, ring.size);
  dev->dma_sync_to_device(pay, 4096, 8192);
  EXPECT_EQ(dev->fault(), "");
  EXPECT_EQ(pay.host[8192], 2);  // the mapping stays the host's view
  if (GetParam().flavour == "hls") {
    // Offsets into the kernel's device memory: never 0, aligned, apart.
    EXPECT_GE(ring.dev_addr, 4096u);
    EXPECT_EQ(ring.dev_addr % 64, 0u);
    EXPECT_GE(pay.dev_addr, ring.dev_addr + ring.size);
  } else {
    EXPECT_NE(ring.dev_addr, 0u);  // bo.address(); the noop shim's is a fixed marker
  }
}

#if defined(SENDOFF_XCLBIN_TOOL) && defined(SENDOFF_MAKE)
// `make MEM=host` (the recipe's default) links every buffer of the NIC to HOST[0]:
// the back end then allocates host-memory BOs, the driver syncs nothing per send
// (coherent) and reads the NIC's tail write-back in place.
TEST_P(XrtNoopImage, TheHostMemoryBuildPutsEveryBufferInHostMemory) {
  const Image im = GetParam();
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string cfg = dir.path() + "/" + im.card + "_" + im.flavour + "_host.cfg";
  auto r = sys::run_process({SENDOFF_MAKE, "-s", "-C", std::string(SENDOFF_SOURCE_DIR) + "/bitstreams",
                             "CARD=" + im.card, "FLAVOUR=" + im.flavour, "BUILD=" + dir.path(), cfg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  xclbin::LinkSpec link;
  std::string err;
  ASSERT_TRUE(xclbin::load_link_config(cfg, &link, &err)) << err;
  ASSERT_FALSE(link.sp.empty());
  for (const auto& sp : link.sp) EXPECT_EQ(sp.bank, "HOST[0]") << sp.cu << "." << sp.iface;
  auto dev = open_from_config(im, cfg, dir.path() + "/host.xclbin", &err);
  ASSERT_NE(dev, nullptr) << err;
  EXPECT_EQ(dev->info().memory.tag, "HOST[0]");
  EXPECT_EQ(dev->info().memory.type, "host");
  EXPECT_TRUE(dev->info().host_memory);
  EXPECT_TRUE(dev->coherent());
  EXPECT_TRUE(dev->tail_writeback() || im.flavour == "hls");
  DmaBuffer ring = dev->dma_alloc(1024 * TXD_BYTES);
  ASSERT_EQ(ring.size, 1024u * TXD_BYTES) << "a host-memory BO";
  ASSERT_NE(ring.host, nullptr);
}
#endif

TEST_P(XrtNoopImage, CheckingTheNicFailsWithOneClearLine) {
  std::string err;
  EXPECT_EQ(open(GetParam(), true, &err), nullptr);
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  EXPECT_EQ(err.rfind("xrt device 0: ", 0), 0u) << err;
  EXPECT_NE(err.find("XCL_EMULATION_MODE=noop"), std::string::npos) << err;
  EXPECT_NE(err.find("--backend verilator"), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Images, XrtNoopImage, ::testing::ValuesIn(all_images()),
                         [](const ::testing::TestParamInfo<Image>& p) {
                           return p.param.card + "_" + p.param.flavour;
                         });

// ---------------------------------------------------------------- HLS flavour
// The register map lives in this process (the kernel's registers are its
// arguments), so it answers under noop as nic_abi.hpp describes it.
TEST_F(XrtNoop, HlsRegisterMapBehavesAsNicAbiSays) {
  std::string err;
  auto dev = open({"u250", "hls"}, false, &err);
  ASSERT_NE(dev, nullptr) << err;
  EXPECT_EQ(dev->reg_read(REG_ID), ID_VALUE);
  EXPECT_EQ(dev->reg_read(REG_VERSION), VERSION_VALUE);
  for (uint32_t off : {REG_CTRL, REG_STATUS, REG_RING_BASE_LO, REG_RING_BASE_HI, REG_RING_SIZE,
                       REG_RING_HEAD, REG_RING_TAIL, REG_FLOW_INDEX, REG_STAT_FRAMES_LO,
                       REG_STAT_FRAMES_HI, REG_STAT_BYTES_LO, REG_STAT_BYTES_HI, REG_STAT_DROPS,
                       REG_STAT_DESC_ERRORS})
    EXPECT_EQ(dev->reg_read(off), 0u) << "reset value at " << off;
  // CAPS is what the kernel's status word says (CAPS_TSO from a TSO build); opened without the
  // check run, no run has said anything yet.
  EXPECT_EQ(dev->reg_read(REG_CAPS), 0u);
  dev->reg_write(REG_RING_BASE_LO, 0x1000);
  dev->reg_write(REG_RING_BASE_HI, 0x2);
  dev->reg_write(REG_RING_SIZE, 256);
  dev->reg_write(REG_FLOW_INDEX, 7);
  dev->reg_write(REG_FLOW_DATA + 4 * 3, 0xCAFE);
  // All ones but CTRL_RESET (which would clear CTRL_ENABLE: below).
  dev->reg_write(REG_CTRL, 0xFFFFFFFF & ~CTRL_RESET);
  EXPECT_EQ(dev->reg_read(REG_RING_BASE_LO), 0x1000u);
  EXPECT_EQ(dev->reg_read(REG_RING_BASE_HI), 0x2u);
  EXPECT_EQ(dev->reg_read(REG_RING_SIZE), 256u);
  EXPECT_EQ(dev->reg_read(REG_FLOW_INDEX), 7u);
  EXPECT_EQ(dev->reg_read(REG_FLOW_DATA + 4 * 3), 0xCAFEu);
  EXPECT_EQ(dev->reg_read(REG_CTRL), CTRL_ENABLE | CTRL_FCS_APPEND);  // only the CTRL_* bits
  // CTRL_RESET (ABI 2.2) clears CTRL_ENABLE whatever the write says; on this back end a run
  // takes its arguments when it starts, so the reset is over at once.
  dev->reg_write(REG_CTRL, 0xFFFFFFFF);
  EXPECT_EQ(dev->reg_read(REG_CTRL), CTRL_FCS_APPEND);
  dev->reg_write(REG_CTRL, CTRL_ENABLE | CTRL_FCS_APPEND);
  EXPECT_EQ(dev->reg_read(REG_CTRL), CTRL_ENABLE | CTRL_FCS_APPEND);
  dev->reg_write(REG_ID, 1);               // read-only
  dev->reg_write(REG_RING_TAIL, 5);        // read-only
  dev->reg_write(REG_STAT_DROPS, 9);       // read-only
  EXPECT_EQ(dev->reg_read(REG_ID), ID_VALUE);
  EXPECT_EQ(dev->reg_read(REG_RING_TAIL), 0u);
  EXPECT_EQ(dev->reg_read(REG_STAT_DROPS), 0u);
  EXPECT_EQ(dev->reg_read(REG_FLOW_COMMIT), 0u);
  EXPECT_EQ(dev->reg_read(0x1F0), 0u);     // unmapped
  EXPECT_EQ(dev->fault(), "");           // head == tail: nothing to run yet
}

// A doorbell starts a real xrt::run (arguments set, started, completed). The
// noop shim completes it without executing the kernel; the back end notices
// the missing status, reports it once and completes the posted descriptors
// unsent, so that a driver drains instead of waiting for ever.
TEST_F(XrtNoop, HlsDoorbellRunsTheKernelAndNoticesItDidNotExecute) {
  std::string err;
  auto dev = open({"u55c", "hls"}, false, &err);
  ASSERT_NE(dev, nullptr) << err;
  DmaBuffer ring = dev->dma_alloc(16 * TXD_BYTES);
  ASSERT_EQ(ring.size, 16u * TXD_BYTES);
  std::memset(ring.host, 0, ring.size);
  dev->dma_sync_to_device(ring, 0, ring.size);
  dev->reg_write(REG_RING_BASE_LO, static_cast<uint32_t>(ring.dev_addr));
  dev->reg_write(REG_RING_BASE_HI, static_cast<uint32_t>(ring.dev_addr >> 32));
  dev->reg_write(REG_RING_SIZE, 16);
  dev->reg_write(REG_CTRL, CTRL_ENABLE);
  dev->reg_write(REG_RING_HEAD, 3);  // the doorbell: three descriptors
  for (int i = 0; i < 100 && dev->fault().empty(); ++i) dev->wait_progress(10000);
  EXPECT_NE(dev->fault().find("completed without writing its status"), std::string::npos)
      << dev->fault();
  EXPECT_EQ(dev->reg_read(REG_RING_TAIL), 3u);  // drained, not sent
  EXPECT_EQ(dev->reg_read(REG_STAT_FRAMES_LO), 0u);
  EXPECT_EQ(dev->reg_read(REG_STAT_DROPS), 3u);
  EXPECT_EQ(dev->reg_read(REG_STATUS) & STATUS_BUSY, 0u);
}

// ---------------------------------------------------------------- RTL flavour
// xrt::ip opens the CU, but the noop shim refuses register access.
TEST_F(XrtNoop, RtlRegisterAccessFailsUnderNoop) {
  std::string err;
  auto dev = open({"u280", "rtl"}, false, &err);
  ASSERT_NE(dev, nullptr) << err;
  uint32_t v = 0;
  EXPECT_FALSE(dev->try_reg_read(REG_ID, &v, &err));
  EXPECT_NE(err.find("register read at 0x000 of sendoff_tx_rtl:sendoff_tx_1 failed"),
            std::string::npos) << err;
  EXPECT_NE(err.find("Operation not permitted"), std::string::npos) << err;
  EXPECT_EQ(dev->fault(), "");  // a checked read reports, it does not fail the device

  dev->reg_write(REG_RING_HEAD, 4);  // refused: the device is now failed
  EXPECT_NE(dev->fault().find("register write at 0x01c"), std::string::npos) << dev->fault();
  EXPECT_EQ(dev->reg_read(REG_RING_TAIL), 4u);  // completes what was posted
  EXPECT_EQ(dev->reg_read(REG_ID), 0xFFFFFFFFu);
}

// ---------------------------------------------------------------- make_device
TEST_F(XrtNoop, MakeDeviceRoutesXrtHere) {
  setenv("SENDOFF_XRT_XCLBIN", Image{"u250", "rtl"}.path().c_str(), 1);
  DeviceOptions o;
  o.backend = "xrt";
  std::string err;
  EXPECT_EQ(make_device(o, &err), nullptr);
  unsetenv("SENDOFF_XRT_XCLBIN");
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  EXPECT_NE(err.find("xrt device 0: register read"), std::string::npos) << err;
  EXPECT_NE(err.find("--backend verilator"), std::string::npos) << err;
}

// ---------------------------------------------------------------- which xclbin
// Sets (or, with nullptr, unsets) an environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_) setenv(name_.c_str(), old_.c_str(), 1);
    else unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

// The data folders of the XDG specification, as make -C bitstreams install
// fills them: $XDG_DATA_HOME (empty here) and one folder of $XDG_DATA_DIRS.
class XrtNoopInstalled : public XrtNoop {
 protected:
  void SetUp() override {
    XrtNoop::SetUp();
    ASSERT_TRUE(home_.ok() && dirs_.ok());
  }
  std::string install(const std::string& root, const Image& im) {
    std::filesystem::create_directories(root + "/sendoff");
    const std::string to = root + "/sendoff/sendoff.xclbin";
    std::filesystem::copy_file(im.path(), to);
    return to;
  }
  static std::unique_ptr<XrtDevice> open_default(std::string* err) {
    XrtOptions o;
    o.device = "0";
    o.check_nic = false;
    return open_xrt_device(o, err);
  }
  test::TempDir home_, dirs_;
  ScopedEnv no_env_xclbin_{"SENDOFF_XRT_XCLBIN", nullptr};
  ScopedEnv data_home_{"XDG_DATA_HOME", home_.path().c_str()};
  ScopedEnv data_dirs_{"XDG_DATA_DIRS", ("/nonexistent-sendoff-test:" + dirs_.path()).c_str()};
};

TEST_F(XrtNoopInstalled, WithoutXclbinLoadsTheInstalledOne) {
  const Image im{"u250", "rtl"};
  const std::string installed = install(dirs_.path(), im);
  std::string err;
  auto dev = open_default(&err);
  ASSERT_NE(dev, nullptr) << err;
  EXPECT_EQ(dev->info().xclbin, installed);
  EXPECT_EQ(dev->info().uuid, file_uuid(im.path()));
  EXPECT_EQ(dev->info().cmac, "cmac_0:cmac_0");
  bool cmac = false;
  for (const XrtComputeUnit& cu : dev->info().cus) cmac |= cu.name == "cmac_0:cmac_0";
  EXPECT_TRUE(cmac);
}

TEST_F(XrtNoopInstalled, DataHomeComesBeforeDataDirs) {
  install(dirs_.path(), {"u250", "rtl"});
  const Image mine{"u280", "hls"};
  const std::string installed = install(home_.path(), mine);
  std::string err;
  auto dev = open_default(&err);
  ASSERT_NE(dev, nullptr) << err;
  EXPECT_EQ(dev->info().xclbin, installed);
  EXPECT_EQ(dev->info().uuid, file_uuid(mine.path()));
}

TEST_F(XrtNoopInstalled, WithoutAnyOneLineSaysWhereItLookedAndHowToInstall) {
  std::string err;
  EXPECT_EQ(open_default(&err), nullptr);
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  EXPECT_EQ(err.rfind("xrt device 0: no xclbin: sendoff/sendoff.xclbin is not in " + home_.path() +
                          ", /nonexistent-sendoff-test, " + dirs_.path() + "; ",
                      0),
            0u)
      << err;
  EXPECT_NE(err.find("make -C bitstreams CARD=... FLAVOUR=... install"), std::string::npos) << err;
  EXPECT_NE(err.find("--xclbin FILE"), std::string::npos) << err;
}

TEST_F(XrtNoop, AnXclbinWithoutCmacIsRefusedNamingWhatItHas) {
  const std::string path = std::string(SENDOFF_XCLBIN_DIR) + "/sendoff_u250_rtl_nocmac.xclbin";
  XrtOptions o;
  o.device = "0";
  o.xclbin = path;
  o.check_nic = false;
  std::string err;
  EXPECT_EQ(open_xrt_device(o, &err), nullptr);
  EXPECT_EQ(err, "xrt device 0: " + path + ": xclbin " + file_uuid(path) +
                     " has no cmac_0 compute unit (it has: sendoff_tx_rtl:sendoff_tx_1); build "
                     "one with bitstreams/ (its link configs add nk=cmac_0:1:cmac_0)");
}

// ---------------------------------------------------------------- connect=
// GT lanes and reference clocks (connect=, as the CMAC link configs have them)
// describe wiring no xclbin section holds: read and left out.
const char kConnectLines[] =
    "connect=cmac_0/gt_serial_port:io_gt_qsfp0_00\n"
    "connect=io_clk_qsfp0_refclkb_00:cmac_0/gt_ref_clk\n";

TEST(XclbinConfig, ConnectLinesAreAcceptedAndChangeNothing) {
  const Image im{"u250", "rtl"};
  std::ifstream f(im.config());
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_NE(text.find("[connectivity]"), std::string::npos);
  xclbin::LinkSpec plain, with;
  std::string err;
  ASSERT_TRUE(xclbin::parse_link_config(text, &plain, &err)) << err;
  ASSERT_TRUE(xclbin::parse_link_config(text + kConnectLines, &with, &err)) << err;
  ASSERT_EQ(with.nk.size(), plain.nk.size());
  EXPECT_EQ(with.sp.size(), plain.sp.size());
  EXPECT_EQ(with.streams.size(), plain.streams.size());
  EXPECT_FALSE(xclbin::parse_link_config(text + "connect=cmac_0/gt_serial_port\n", &with, &err));
  EXPECT_NE(err.find("expected connect=<from>:<to>"), std::string::npos) << err;
}

#ifdef SENDOFF_XCLBIN_TOOL
TEST_F(XrtNoop, AConfigWithConnectLinesStillMakesAnXclbinXrtLoads) {
  const Image im{"u250", "rtl"};
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::ifstream in(im.config());
  const std::string cfg = dir.path() + "/u250_rtl_gt.cfg", out = dir.path() + "/gt.xclbin";
  std::ofstream(cfg) << in.rdbuf() << kConnectLines;
  std::string err;
  auto dev = open_from_config(im, cfg, out, &err);
  ASSERT_NE(dev, nullptr) << err;
  EXPECT_EQ(dev->info().cmac, "cmac_0:cmac_0");
  EXPECT_EQ(dev->info().cu, "sendoff_tx_rtl:sendoff_tx_1");
}
#endif

// ---------------------------------------------------------------- the CLI
#ifdef SENDOFF_CLI
sys::ProcessResult run_cli(const std::vector<std::string>& env, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back("timeout");
  argv.push_back("60");
  argv.push_back(SENDOFF_CLI);
  argv.insert(argv.end(), args.begin(), args.end());
  return sys::run_process(argv);
}

size_t lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST_F(XrtNoop, InfoPrintsDeviceUuidAndKernelsThenNamesWhatIsMissing) {
  const Image im{"u250", "hls"};
  auto r = run_cli({}, {"info", "--backend", "xrt", "--device", "0", "--xclbin", im.path()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(file_uuid(im.path())), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sendoff_tx_hls:sendoff_tx_1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DDR[2]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nkernel    cmac_0:cmac_0 ap_ctrl_none at 0x"), std::string::npos) << r.out;
  // The link's line comes last: cmac_0's registers do not answer under noop.
  EXPECT_NE(r.out.find("\nlink      unknown (cmac_0 registers unreadable: register read at 0x8000 "
                       "of cmac_0:cmac_0 failed ("),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1, 10), "link      ") << r.out;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("--backend verilator"), std::string::npos) << r.err;
}

// Without --xclbin the CLI loads the one installed in the XDG data folders.
TEST_F(XrtNoop, InfoWithoutXclbinLoadsTheInstalledOne) {
  const Image im{"u55c", "rtl"};
  test::TempDir home, dirs;
  ASSERT_TRUE(home.ok() && dirs.ok());
  std::filesystem::create_directories(dirs.path() + "/sendoff");
  const std::string installed = dirs.path() + "/sendoff/sendoff.xclbin";
  std::filesystem::copy_file(im.path(), installed);
  auto r = run_cli({"-u", "SENDOFF_XRT_XCLBIN", "XDG_DATA_HOME=" + home.path(),
                    "XDG_DATA_DIRS=" + dirs.path()},
                   {"info", "--backend", "xrt", "--device", "0"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the NIC does not answer under noop
  EXPECT_NE(r.out.find("\nxclbin    " + installed + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nuuid      " + file_uuid(im.path()) + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nlink      unknown ("), std::string::npos) << r.out;

  std::filesystem::remove(installed);
  r = run_cli({"-u", "SENDOFF_XRT_XCLBIN", "XDG_DATA_HOME=" + home.path(),
               "XDG_DATA_DIRS=" + dirs.path()},
              {"info", "--backend", "xrt", "--device", "0"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "sendoff: xrt device 0: no xclbin: sendoff/sendoff.xclbin is not in " +
                       home.path() + ", " + dirs.path() +
                       "; install one with make -C bitstreams CARD=... FLAVOUR=... install, or "
                       "pass --xclbin FILE (or set SENDOFF_XRT_XCLBIN)\n");
}

// send checks cmac_0's link before it builds anything: under noop its first
// register read fails, and that is the one line.
TEST_F(XrtNoop, SendChecksTheLinkFirst) {
  const Image im{"u250", "rtl"};
  for (const char* fec : {"on", "off"}) {
    auto r = run_cli({"SENDOFF_XRT_XCLBIN=" + im.path()},
                     {"send", "--backend", "xrt", "--rs-fec", fec, "--count", "1"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("sendoff: xrt device 0: register read at 0x8000 of cmac_0:cmac_0 failed", 0),
              0u)
        << r.err;
    EXPECT_NE(r.err.find("--backend verilator"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  auto r = run_cli({}, {"send", "--backend", "xrt", "--rs-fec", "maybe"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

// The C API (and so the preload) opens the card through the same path: the link's
// FEC from SENDOFF_XRT_RS_FEC, the link checked before the NIC.
TEST_F(XrtNoop, TheCApiTakesTheLinksFecFromTheEnvironment) {
  const Image im{"u250", "rtl"};
  ASSERT_EQ(setenv("SENDOFF_XRT_XCLBIN", im.path().c_str(), 1), 0);
  ASSERT_EQ(setenv("SENDOFF_XRT_RS_FEC", "maybe", 1), 0);
  errno = 0;
  EXPECT_EQ(sendoff_init(nullptr, "xrt", nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(std::string(sendoff_strerror()), "SENDOFF_XRT_RS_FEC=maybe: choose on or off");
  for (const char* fec : {"on", "off"}) {
    ASSERT_EQ(setenv("SENDOFF_XRT_RS_FEC", fec, 1), 0);
    EXPECT_EQ(sendoff_init(nullptr, "xrt", nullptr), -1);
    const std::string why = sendoff_strerror();
    EXPECT_EQ(why.rfind("xrt device 0: register read at 0x8000 of cmac_0:cmac_0 failed", 0), 0u)
        << why;
  }
  unsetenv("SENDOFF_XRT_RS_FEC");
  unsetenv("SENDOFF_XRT_XCLBIN");
}

// No noop shim, and a BDF no machine has (function 7 of device 0x1f on bus
// 0xff): XRT finds no such device. One line naming it.
TEST_F(XrtNoop, WithoutACardOneLineNamesTheDeviceAndSuggestsVerilator) {
  const std::string bdf = "0000:ff:1f.7";
  const std::vector<std::string> no_card = {"-u", "XCL_EMULATION_MODE",
                                            "XILINX_XRT=" + test::noop_xilinx_xrt()};
  auto r = run_cli(no_card, {"info", "--backend", "xrt", "--device", bdf});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("xrt device " + bdf + ": "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--backend verilator"), std::string::npos) << r.err;

  // The same through make_device, as `sendoff send` opens it ($SENDOFF_XRT_DEVICE).
  std::vector<std::string> env = no_card;
  env.push_back("SENDOFF_XRT_DEVICE=" + bdf);
  r = run_cli(env, {"send", "--backend", "xrt", "--count", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("xrt device " + bdf + ": "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--backend verilator"), std::string::npos) << r.err;
}
#endif

}  // namespace
}  // namespace sendoff
