// SPDX-License-Identifier: MIT
// The bitstream recipes against the sources they build. Nothing here repeats
// a name or a width: each is read from where it is defined —
//  - the RTL flavour: rtl/kernel.xml against the Vitis wrapper's ports
//    (bitstreams/rtl/sendoff_tx_rtl.sv), the wrapper against the RTL top it
//    instantiates (rtl/sendoff_tx_top.sv), and the control space against
//    nic_abi.hpp's register map;
//  - the HLS flavour: its kernels (every extern "C" function of
//    bitstreams/hls/*.cpp) against what Vitis allows (no m_axi or s_axilite on
//    the free-running stream kernels), hls/kernel.xml against the memory-facing
//    kernel's signature and INTERFACE pragmas, and the Makefile's kernel list;
//  - every link config against the flavour's kernels: each instantiated once,
//    each stream_connect from an output to an input of the same width, the
//    streams one chain from the kernel the host starts (host/xrt's name) to
//    the CMAC at its width;
//  - the Makefile's source lists against the CMake build's, and its commands.
// The CMAC kernel (bitstreams/cmac) has its checks in cmac_check_test.cpp.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "kernel_check.hpp"
#include "kernel_decl.hpp"
#include "prereq.hpp"
#include "sendoff/xrt_backend.hpp"
#include "sendoff_tx_hls.hpp"
#include "source_parse.hpp"
#include "subprocess.hpp"

namespace sendoff {
namespace {

using namespace srcparse;
using xclbin::ArgDecl;
using xclbin::KernelDecl;
using xclbin::LinkSpec;
using xclbin::PortDecl;

using namespace kcheck;

// ---------------------------------------------------------------- RTL flavour
class RtlKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(xclbin::load_kernel_xml(kRoot + "/bitstreams/rtl/kernel.xml", &k_, &err)) << err;
    ASSERT_TRUE(parse_sv_module(slurp("bitstreams/rtl/sendoff_tx_rtl.sv"), "", {}, &wrapper_, &err))
        << err;
    ASSERT_TRUE(parse_sv_instance(slurp("bitstreams/rtl/sendoff_tx_rtl.sv"), "sendoff_tx_top",
                                  &inst_, &err))
        << err;
    // The top with the parameter values the wrapper gives it.
    std::map<std::string, int64_t> over;
    for (const auto& kv : inst_.params) {
      int64_t v;
      ASSERT_TRUE(eval(kv.second, wrapper_.params, &v, &err)) << kv.first << ": " << err;
      over[kv.first] = v;
    }
    ASSERT_TRUE(parse_sv_module(slurp("rtl/sendoff_tx_top.sv"), "sendoff_tx_top", over, &top_, &err))
        << err;
    ASSERT_TRUE(parse_nic_abi(slurp("hls/include/sendoff/nic_abi.hpp"), &abi_, &err)) << err;
  }
  KernelDecl k_;
  SvModule wrapper_, top_;
  SvInstance inst_;
  NicAbi abi_;
};

TEST_F(RtlKernel, NameIsTheWrapperModuleAndWhatTheHostLooksFor) {
  EXPECT_EQ(k_.name, wrapper_.name);
  EXPECT_EQ(k_.name, kXrtKernelRtl);
  EXPECT_EQ(makefile()["KERNEL_rtl"], k_.name);
  // User-managed: its registers are nic_abi.hpp's map, reached through xrt::ip.
  EXPECT_EQ(k_.control_protocol, "ap_ctrl_none");
  EXPECT_EQ(k_.language, "ip_c");
}

TEST_F(RtlKernel, EveryKernelXmlPortMatchesTheWrapperSignals) {
  std::set<std::string> claimed = {"ap_clk", "ap_rst_n"};
  for (const char* clk : {"ap_clk", "ap_rst_n"}) {
    ASSERT_NE(wrapper_.port(clk), nullptr) << wrapper_.name << " lacks " << clk;
    EXPECT_EQ(wrapper_.port(clk)->dir, "input");
    EXPECT_EQ(wrapper_.port(clk)->width, 1);
  }
  for (const PortDecl& p : k_.ports) check_interface(wrapper_, p, &claimed);
  for (const SvPort& sp : wrapper_.ports)
    EXPECT_TRUE(claimed.count(sp.name)) << wrapper_.name << "." << sp.name
                                        << " belongs to no port of kernel.xml";
}

TEST_F(RtlKernel, WrapperConnectsEveryTopPortWithItsWidth) {
  std::map<std::string, std::string> conn;
  for (const auto& kv : inst_.ports) {
    EXPECT_FALSE(conn.count(kv.first)) << kv.first << " connected twice";
    conn[kv.first] = kv.second;
  }
  for (const SvPort& tp : top_.ports) {
    auto it = conn.find(tp.name);
    if (it == conn.end()) {
      ADD_FAILURE() << "sendoff_tx_top." << tp.name << " is not connected in " << wrapper_.name;
      continue;
    }
    const std::string& e = it->second;
    if (const SvPort* wp = wrapper_.port(e)) {
      EXPECT_EQ(wp->width, tp.width) << tp.name << " [" << tp.range << "] <- " << e << " ["
                                     << wp->range << "]";
      EXPECT_EQ(wp->dir, tp.dir) << tp.name << " <- " << e;
    } else {
      // A constant tie-off: an input, sized to the port.
      EXPECT_EQ(tp.dir, "input") << "output " << tp.name << " tied to " << e;
      std::smatch m;
      ASSERT_TRUE(std::regex_match(e, m, std::regex(R"((\d+)'[bdh][0-9a-fA-F_]+)")))
          << tp.name << " <- " << e << ": neither a wrapper port nor a sized constant";
      EXPECT_EQ(std::stoll(m[1]), tp.width) << tp.name << " <- " << e;
    }
    conn.erase(it);
  }
  for (const auto& kv : conn) ADD_FAILURE() << kv.first << " is not a port of sendoff_tx_top";
  // The wrapper's widths are the top's: the parameters pass straight through.
  EXPECT_EQ(top_.params.at("DataWidth"), wrapper_.params.at("DataWidth"));
  EXPECT_EQ(top_.params.at("AxilAddrWidth"), wrapper_.params.at("AxilAddrWidth"));
}

// Each of the top's interfaces leaves on one kernel.xml port, every signal of it: the tail
// write-back (m_axi_wr) on m_axi_desc's write channels, so that the block is written in the
// ring's bank; the receive path's writes on m_axi_rx, its frames in on s_axis_rx.
TEST_F(RtlKernel, TopInterfacesLeaveOnTheirKernelPorts) {
  const std::vector<std::string> axi_write = {"awaddr", "awlen",  "awsize", "awburst", "awvalid",
                                              "awready", "wdata", "wstrb",  "wlast",   "wvalid",
                                              "wready", "bresp",  "bvalid", "bready"};
  const std::vector<std::string> axis_in = {"tdata", "tkeep", "tlast", "tvalid"};
  const struct {
    const char* top;
    const char* port;
    const std::vector<std::string>* signals;
  } kWays[] = {{"m_axi_wr_", "m_axi_desc", &axi_write},
               {"m_axi_rx_", "m_axi_rx", &axi_write},
               {"s_axis_rx_", "s_axis_rx", &axis_in}};
  std::map<std::string, std::string> conn(inst_.ports.begin(), inst_.ports.end());
  for (const auto& way : kWays) {
    const std::string top = way.top;
    EXPECT_NE(k_.port(way.port), nullptr) << "kernel.xml lacks " << way.port;
    for (const SvPort& tp : top_.ports) {
      if (tp.name.rfind(top, 0) != 0) continue;
      EXPECT_EQ(conn[tp.name], std::string(way.port) + "_" + tp.name.substr(top.size())) << tp.name;
    }
    for (const std::string& s : *way.signals)
      EXPECT_NE(top_.port(top + s), nullptr) << "sendoff_tx_top lacks " << top << s;
  }
}

TEST_F(RtlKernel, ControlSpaceHoldsTheRegisterMap) {
  const PortDecl* ctl = k_.control_port();
  ASSERT_NE(ctl, nullptr);
  EXPECT_GE(ctl->range, abi_.space_bytes) << "REG_SPACE_BYTES does not fit the control port";
  EXPECT_EQ(int64_t{1} << wrapper_.params.at("AxilAddrWidth"), static_cast<int64_t>(ctl->range));
  for (const AbiRegister& r : abi_.registers) EXPECT_LT(r.offset, ctl->range) << r.name;
}

// ring_base is RING_BASE_LO/HI and rx_buf_base RX_BUF_BASE_LO/HI; any other buffer argument
// must sit where no register is, so that XRT or a tool writing it changes nothing.
TEST_F(RtlKernel, ArgumentsSitOnTheRegisterMap) {
  std::map<std::string, uint64_t> on_reg;  // argument -> its _LO register's offset
  for (const auto& kv : {std::pair<const char*, const char*>{"ring_base", "RING_BASE"},
                         {"rx_buf_base", "RX_BUF_BASE"}}) {
    const AbiConstant* lo = abi_.constant(std::string("REG_") + kv.second + "_LO");
    const AbiConstant* hi = abi_.constant(std::string("REG_") + kv.second + "_HI");
    ASSERT_TRUE(lo && hi) << kv.second;
    ASSERT_EQ(hi->value, lo->value + 4) << kv.second;
    on_reg[kv.first] = lo->value;
  }
  std::set<std::string> seen;
  for (const ArgDecl& a : k_.args) {
    if (a.address_qualifier == xclbin::ARG_STREAM) {
      const PortDecl* p = k_.port(a.port);
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(p->port_type, "stream") << a.name;
      continue;
    }
    EXPECT_EQ(a.address_qualifier, xclbin::ARG_GLOBAL) << a.name << ": only buffers are arguments";
    EXPECT_EQ(a.size, 8u) << a.name;
    EXPECT_EQ(k_.port(a.port)->mode, "master") << a.name;
    if (on_reg.count(a.name)) {
      seen.insert(a.name);
      EXPECT_EQ(a.offset, on_reg[a.name]) << a.name << " is not on its register";
      continue;
    }
    for (const AbiRegister& r : abi_.registers)
      EXPECT_FALSE(a.offset < r.offset + 4 && r.offset < a.offset + a.size)
          << a.name << " at 0x" << std::hex << a.offset << " overlaps " << r.name;
    const uint64_t flow_data = abi_.constant("REG_FLOW_DATA")->value;
    const uint64_t flow_end = flow_data + 4 * abi_.constant("FLOW_WORDS")->value;
    EXPECT_FALSE(a.offset < flow_end && flow_data < a.offset + a.size)
        << a.name << " overlaps the FLOW_DATA words";
  }
  for (const auto& kv : on_reg) EXPECT_TRUE(seen.count(kv.first)) << "kernel.xml has no " << kv.first;
  // Every master port carries a buffer argument, so that sp= can place it.
  for (const PortDecl& p : k_.ports) {
    if (p.mode != "master") continue;
    EXPECT_TRUE(std::any_of(k_.args.begin(), k_.args.end(),
                            [&](const ArgDecl& a) { return a.port == p.name; }))
        << p.name << " has no argument";
  }
}

// The host's driver reaches the receive path through nic_abi.hpp's names: every RX register
// it reads or writes is in the map, with an access that allows it (RX_TAIL is read-only), and
// it sets up what rx_buf_base and the other receive registers name.
TEST_F(RtlKernel, HostUsesTheReceiveRegistersAsTheMapDefinesThem) {
  std::map<std::string, const AbiRegister*> regs;
  for (const AbiRegister& r : abi_.registers) regs[r.name] = &r;
  std::set<std::string> written;
  size_t uses = 0;
  const std::regex use(R"(reg_(read|write)\((?:abi::)?(REG_RX_\w+))");
  for (const auto& e : std::filesystem::recursive_directory_iterator(kRoot + "/host")) {
    if (e.path().extension() != ".cpp" || e.path().string().find("test") != std::string::npos)
      continue;
    const std::string text = slurp(std::filesystem::relative(e.path(), kRoot).string());
    for (std::sregex_iterator m(text.begin(), text.end(), use), end; m != end; ++m) {
      ++uses;
      const std::string name = (*m)[2];
      ASSERT_TRUE(regs.count(name)) << e.path() << ": " << name << " is not in nic_abi.hpp";
      const std::string& access = regs[name]->access;
      if ((*m)[1] == "write") {
        written.insert(name);
        EXPECT_NE(access, "RO") << e.path() << " writes read-only " << name;
      } else {
        EXPECT_NE(access, "WO") << e.path() << " reads write-only " << name;
      }
    }
  }
  EXPECT_GT(uses, 0u) << "no host file uses an RX register";
  for (const char* r : {"REG_RX_BUF_BASE_LO", "REG_RX_BUF_BASE_HI", "REG_RX_CPL_BASE_LO",
                        "REG_RX_CPL_BASE_HI", "REG_RX_RING_SIZE", "REG_RX_BUF_SIZE", "REG_RX_HEAD"})
    EXPECT_TRUE(written.count(r)) << "the host never writes " << r;
}

// The port check fails when a kernel.xml port names no wrapper signals (a misspelt m_axi_rx or
// s_axis_rx), and passes for the real ones.
TEST_F(RtlKernel, PortCheckCatchesAWrongName) {
  for (const char* name : {"m_axi_rx", "s_axis_rx"}) {
    ASSERT_NE(k_.port(name), nullptr) << name;
    for (const std::string& as : {std::string(name), std::string(name) + "x"}) {
      PortDecl p = *k_.port(name);
      p.name = as;
      ::testing::TestPartResultArray failures;
      {
        ::testing::ScopedFakeTestPartResultReporter intercept(
            ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
        std::set<std::string> claimed;
        check_interface(wrapper_, p, &claimed);
      }
      EXPECT_EQ(failures.size() > 0, as != name) << as;
    }
  }
}

TEST_F(RtlKernel, WrapperLintsCleanWithTheRtl) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_VERILATOR));
  // -I: rtl/crc32_rows.svh, the CRC matrices eth_fcs and rx_parse include.
  std::vector<std::string> argv = {SENDOFF_VERILATOR, "--lint-only", "-Wall", "-I" + kRoot + "/rtl",
                                   "--top-module", wrapper_.name};
  for (const std::string& s : split_list(SENDOFF_CMAKE_RTL_SOURCES, '|')) argv.push_back(s);
  argv.push_back(kRoot + "/bitstreams/rtl/sendoff_tx_rtl.sv");
  auto r = sys::run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << sys::describe_failure(argv, r);
}

// ---------------------------------------------------------------- the HLS parser
// What the checks below rely on, on sources written for the purpose.
TEST(HlsParse, ReadsEveryKernelOfAFileAndWhatItsPragmasMake) {
  const std::string text = R"(
extern "C" void decl_only(int a);
extern "C" void mem_kernel(const ap_uint<512>* mem, ap_uint<32> n,
                           hls::stream<ap_axiu<W, 0, 0, 0>>& m_axis_out) {
#pragma HLS INTERFACE mode=m_axi port=mem offset=slave bundle=gmem1
#pragma HLS INTERFACE mode=s_axilite port=mem bundle=control
#pragma HLS INTERFACE mode=s_axilite port=n
#pragma HLS INTERFACE mode=axis port=m_axis_out
#pragma HLS INTERFACE mode=s_axilite port=return bundle=control
#pragma HLS INTERFACE mode=ap_ctrl_chain port=return bundle=control
}
// extern "C" void commented_out(int x) { }
extern "C" void free_kernel(hls::stream<ap_axiu<W, 0, 0, 0>>& s_axis_in) {
#pragma HLS INTERFACE mode=ap_ctrl_none port=return
#pragma HLS INTERFACE axis port=s_axis_in
}
)";
  std::vector<HlsFunction> fs;
  std::string err;
  ASSERT_TRUE(parse_hls_functions(text, &fs, &err)) << err;
  ASSERT_EQ(fs.size(), 2u);
  const HlsFunction& m = fs[0];
  EXPECT_EQ(m.name, "mem_kernel");
  ASSERT_NE(m.iface("mem"), nullptr);
  EXPECT_EQ(m.iface("mem")->mode, "m_axi");
  EXPECT_EQ(m.iface("mem")->bundle, "gmem1");
  EXPECT_EQ(m.iface("mem")->axilite, "control");
  EXPECT_EQ(m.iface("n")->mode, "s_axilite");
  EXPECT_EQ(m.iface("n")->axilite, "control");
  EXPECT_EQ(m.iface("m_axis_out")->mode, "axis");
  EXPECT_EQ(m.iface("m_axis_out")->axilite, "");
  EXPECT_EQ(m.iface("return")->mode, "ap_ctrl_chain");
  EXPECT_EQ(m.iface("return")->axilite, "control");
  const HlsFunction& f = fs[1];
  EXPECT_EQ(f.name, "free_kernel");
  EXPECT_EQ(f.iface("return")->mode, "ap_ctrl_none");
  EXPECT_EQ(f.iface("return")->axilite, "");
  EXPECT_EQ(f.iface("s_axis_in")->mode, "axis");
  int64_t bits = 0;
  ASSERT_TRUE(type_width(f.params[0].type, {{"W", 128}}, &bits, &err)) << err;
  EXPECT_EQ(bits, 128);
}

TEST(HlsParse, RejectsPragmasThatCannotHoldTogether) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"#pragma HLS INTERFACE mode=axis port=p\n#pragma HLS INTERFACE mode=m_axi port=p",
       "two interfaces"},
      {"#pragma HLS INTERFACE mode=s_axilite port=p\n#pragma HLS INTERFACE mode=s_axilite port=p",
       "two s_axilite"},
      {"#pragma HLS INTERFACE mode=axis port=q", "not a parameter"},
      {"#pragma HLS INTERFACE mode=ap_ctrl_none port=return\n"
       "#pragma HLS INTERFACE mode=ap_ctrl_chain port=return",
       "two block protocols"},
      {"#pragma HLS INTERFACE mode=axis port=return", "port=return takes"}};
  for (const auto& b : bad) {
    std::vector<HlsFunction> fs;
    std::string err;
    const std::string text = "extern \"C\" void k(int* p) {\n" + b.first + "\n}";
    EXPECT_FALSE(parse_hls_functions(text, &fs, &err)) << b.first;
    EXPECT_NE(err.find(b.second), std::string::npos) << err;
  }
}

TEST(HlsParse, ReadsConstexprConstantsAndQualifiedNames) {
  std::map<std::string, int64_t> names = {{"BASE", 64}};
  add_int_constants("namespace x {\nconstexpr int A = 2 * BASE;  // 128\n"
                    "constexpr unsigned B = A + 8u;\nconstexpr int C = unknown + 1;\n}",
                    &names);
  EXPECT_EQ(names["A"], 128);
  EXPECT_EQ(names["B"], 136);
  EXPECT_EQ(names.count("C"), 0u);
  int64_t v = 0;
  std::string err;
  ASSERT_TRUE(eval("sendoff::x::A / 2", names, &v, &err)) << err;
  EXPECT_EQ(v, 64);
}

// ---------------------------------------------------------------- HLS flavour
// The HLS flavour's Vitis kernels: every extern "C" definition in
// bitstreams/hls/*.cpp, with the names their stream widths use.
struct HlsSources {
  std::vector<HlsFunction> kernels;
  std::map<std::string, std::string> file_of;  // kernel -> bitstreams/hls/<file>
  std::map<std::string, int64_t> names;

  const HlsFunction* kernel(const std::string& n) const {
    for (const HlsFunction& f : kernels)
      if (f.name == n) return &f;
    return nullptr;
  }
};

std::vector<std::string> files_in(const std::string& rel, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(kRoot + "/" + rel))
    if (e.path().extension() == ext) out.push_back(rel + "/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool load_hls_sources(HlsSources* s, std::string* err) {
  for (const std::string& file : files_in("bitstreams/hls", ".cpp")) {
    std::vector<HlsFunction> fs;
    if (!parse_hls_functions(slurp(file), &fs, err)) {
      *err = file + ": " + *err;
      return false;
    }
    for (HlsFunction& f : fs) {
      if (s->file_of.count(f.name)) {
        *err = f.name + " is defined in " + s->file_of[f.name] + " and " + file;
        return false;
      }
      s->file_of[f.name] = file;
      s->kernels.push_back(f);
    }
  }
  s->names = int_macros(slurp("hls/include/sendoff/hls_beat.hpp"));
  s->names["SENDOFF_DATA_WIDTH"] = SENDOFF_CMAKE_DATA_WIDTH;  // the build's value wins
  for (const std::string& file : files_in("bitstreams/hls", ".hpp"))
    add_int_constants(slurp(file), &s->names);
  return true;
}

int64_t type_bits(const std::string& type, const std::map<std::string, int64_t>& names) {
  int64_t bits = 0;
  std::string err;
  EXPECT_TRUE(type_width(type, names, &bits, &err)) << err;
  return bits;
}

// A stream port of a kernel: whether it leaves the kernel, and its tdata width.
struct StreamPort {
  bool out = false;
  int64_t width = 0;
};
using StreamPorts = std::map<std::string, StreamPort>;

// An HLS kernel's axis ports. Vitis HLS infers a stream's direction from the
// body, which this parser does not read; the names say it (m_axis_* leaves,
// s_axis_* enters), and HlsKernel.StreamPortsSayTheirDirection holds them to it.
StreamPorts hls_stream_ports(const HlsFunction& f, const std::map<std::string, int64_t>& names) {
  StreamPorts out;
  for (const CParam& c : f.params) {
    const HlsIface* i = f.iface(c.name);
    if (!i || i->mode != "axis") continue;
    out[c.name] = {c.name.rfind("m_axis_", 0) == 0, type_bits(c.type, names)};
  }
  return out;
}

// A kernel.xml's stream ports (the RTL flavour's kernel).
StreamPorts xml_stream_ports(const KernelDecl& k) {
  StreamPorts out;
  for (const PortDecl& p : k.ports)
    if (p.port_type == "stream") out[p.name] = {p.mode == "write_only", p.data_width};
  return out;
}

// What is wrong with a link config's stream_connect lines: each joins an output (a kernel's, or
// the CMAC's M_AXIS) to an input (a kernel's, or the CMAC's S_AXIS) of the same width.
std::vector<std::string> stream_problems(const LinkSpec& spec,
                                         const std::map<std::string, StreamPorts>& ports,
                                         const std::string& cmac, int64_t cmac_bits) {
  std::map<std::string, StreamPort> cmac_ports = {{"S_AXIS", {false, cmac_bits}},
                                                  {"M_AXIS", {true, cmac_bits}}};
  auto find = [&](const std::string& cu, const std::string& name) -> const StreamPort* {
    const std::map<std::string, StreamPort>* m = nullptr;
    if (cu == cmac) {
      m = &cmac_ports;
    } else {
      auto k = ports.find(spec.kernel_of(cu));
      if (k == ports.end()) return nullptr;
      m = &k->second;
    }
    auto p = m->find(name);
    return p == m->end() ? nullptr : &p->second;
  };
  std::vector<std::string> out;
  for (const auto& s : spec.streams) {
    const std::string line = spec.source + ":" + std::to_string(s.line) + ": ";
    const StreamPort* from = find(s.from_cu, s.from_port);
    const StreamPort* to = find(s.to_cu, s.to_port);
    if (!from) out.push_back(line + s.from_cu + "." + s.from_port + " is no stream port");
    if (!to) out.push_back(line + s.to_cu + "." + s.to_port + " is no stream port");
    if (!from || !to) continue;
    if (!from->out) out.push_back(line + s.from_cu + "." + s.from_port + " is an input");
    if (to->out) out.push_back(line + s.to_cu + "." + s.to_port + " is an output");
    if (from->width != to->width)
      out.push_back(line + std::to_string(from->width) + " bits to " + std::to_string(to->width));
  }
  return out;
}

bool memory_facing(const HlsFunction& f) {
  return std::any_of(f.interfaces.begin(), f.interfaces.end(),
                     [](const HlsPragma& p) { return p.kv.at("mode") == "m_axi"; });
}

class HlsKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(xclbin::load_kernel_xml(kRoot + "/bitstreams/hls/kernel.xml", &k_, &err)) << err;
    ASSERT_TRUE(load_hls_sources(&src_, &err)) << err;
    mem_ = src_.kernel(k_.name);
    ASSERT_NE(mem_, nullptr) << "kernel.xml's " << k_.name << " is in no bitstreams/hls/*.cpp";
  }

  int64_t width(const std::string& type) const { return type_bits(type, src_.names); }

  // The free-running stream kernels: all but the memory-facing ones (sendoff_tx_hls and
  // rx_dma_hls, those with an m_axi port).
  std::vector<const HlsFunction*> stream_kernels() const {
    std::vector<const HlsFunction*> out;
    for (const HlsFunction& f : src_.kernels)
      if (!memory_facing(f)) out.push_back(&f);
    return out;
  }

  KernelDecl k_;
  HlsSources src_;
  const HlsFunction* mem_ = nullptr;
};

// The host starts the memory-facing kernel by name, with ap_ctrl_chain
// through s_axilite; kernel.xml says the same.
TEST_F(HlsKernel, TheMemoryKernelIsWhatTheHostLooksFor) {
  EXPECT_EQ(k_.name, kXrtKernelHls);
  EXPECT_EQ(makefile()["KERNEL_hls"], k_.name);
  EXPECT_EQ(k_.language, "c");
  const HlsIface* ret = mem_->iface("return");
  ASSERT_NE(ret, nullptr);
  EXPECT_EQ(ret->mode, "ap_ctrl_chain") << k_.name << " feeds free-running kernels";
  EXPECT_EQ(k_.control_protocol, ret->mode);
  ASSERT_FALSE(ret->axilite.empty()) << "no s_axilite port=return: no control block";
  ASSERT_NE(k_.control_port(), nullptr);
  EXPECT_EQ(k_.control_port()->name, "s_axi_" + ret->axilite);
}

// What v++ -c accepts at a Vitis kernel boundary, for every kernel.
TEST_F(HlsKernel, EveryInterfaceIsAVitisKernelInterface) {
  ASSERT_GE(src_.kernels.size(), 2u);
  for (const HlsFunction& f : src_.kernels) {
    for (const HlsPragma& p : f.interfaces) {
      const std::string& mode = p.kv.at("mode");
      EXPECT_TRUE(mode == "m_axi" || mode == "s_axilite" || mode == "axis" ||
                  mode == "ap_ctrl_chain" || mode == "ap_ctrl_none" || mode == "ap_ctrl_hs")
          << src_.file_of[f.name] << ":" << p.line << ": mode=" << mode;
      if (mode == "m_axi") {
        EXPECT_EQ(p.kv.count("offset") ? p.kv.at("offset") : "slave", "slave") << p.line;
      }
    }
    for (const CParam& c : f.params) {
      const HlsIface* i = f.iface(c.name);
      ASSERT_NE(i, nullptr) << f.name << "." << c.name << " has no INTERFACE pragma";
      if (i->mode == "axis") {
        EXPECT_TRUE(c.reference && c.type.rfind("hls::stream<", 0) == 0) << f.name << "." << c.name;
      }
    }
  }
}

// Vitis allows no m_axi on a free-running kernel; with no s_axilite either, the
// stream kernels have nothing the host could reach.
TEST_F(HlsKernel, StreamKernelsRunFreeWithStreamsOnly) {
  ASSERT_FALSE(stream_kernels().empty());
  for (const HlsFunction* f : stream_kernels()) {
    const HlsIface* ret = f->iface("return");
    EXPECT_EQ(ret->mode, "ap_ctrl_none") << f->name;
    EXPECT_EQ(ret->axilite, "") << f->name << " has a control block";
    for (const HlsPragma& p : f->interfaces) {
      const std::string& mode = p.kv.at("mode");
      EXPECT_TRUE(mode != "m_axi" && mode != "s_axilite")
          << src_.file_of[f->name] << ":" << p.line << ": " << mode << " on a free-running kernel";
    }
    for (const CParam& c : f->params) {
      const HlsIface* i = f->iface(c.name);
      ASSERT_NE(i, nullptr) << f->name << "." << c.name;
      EXPECT_EQ(i->mode, "axis") << f->name << "." << c.name;
    }
    EXPECT_FALSE(hls_stream_ports(*f, src_.names).empty()) << f->name;
  }
}

TEST_F(HlsKernel, StreamPortsSayTheirDirection) {
  for (const HlsFunction& f : src_.kernels)
    for (const auto& kv : hls_stream_ports(f, src_.names))
      EXPECT_TRUE(kv.first.rfind("m_axis_", 0) == 0 || kv.first.rfind("s_axis_", 0) == 0)
          << f.name << "." << kv.first << ": neither m_axis_* (out) nor s_axis_* (in)";
}

// The Makefile builds one .xo per kernel the sources define, the memory kernel first.
TEST_F(HlsKernel, MakefileBuildsEveryKernel) {
  const auto listed = split_list(makefile()["HLS_KERNELS"], ' ');
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed.front(), k_.name);
  std::set<std::string> defined;
  for (const HlsFunction& f : src_.kernels) defined.insert(f.name);
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), defined);
  EXPECT_EQ(listed.size(), defined.size()) << "a kernel listed twice";
}

// Names carry across layers: <stage>_hls wraps hls/<stage>, and the memory
// kernel wraps hls/'s desc_fetch.
TEST_F(HlsKernel, EveryKernelWrapsTheHlsStageOfItsName) {
  for (const HlsFunction& f : src_.kernels) {
    std::string stage = &f == mem_ ? "desc_fetch" : f.name;
    if (&f != mem_) {
      ASSERT_GT(stage.size(), 4u);
      ASSERT_EQ(stage.substr(stage.size() - 4), "_hls") << f.name;
      stage.resize(stage.size() - 4);
      // hls/<stage>/<stage>.cpp, or a file of that name in its path's folder (sendoff_rx).
      bool found = false;
      for (const auto& d : std::filesystem::directory_iterator(kRoot + "/hls"))
        found |= std::filesystem::exists(d.path() / (stage + ".cpp"));
      EXPECT_TRUE(found) << f.name << ": no hls/*/" << stage << ".cpp";
    }
    std::vector<std::string> args;
    std::string err;
    EXPECT_TRUE(parse_call(slurp(src_.file_of[f.name]), stage, &args, &err))
        << src_.file_of[f.name] << ": " << err;
  }
}

// Ports: m_axi_<bundle> per m_axi bundle, s_axi_<bundle> per s_axilite
// bundle, one stream port per axis argument, named after it. What differs.
std::vector<std::string> kernel_xml_port_problems(const HlsFunction& mem, const KernelDecl& k,
                                                  const std::map<std::string, int64_t>& names) {
  std::vector<std::string> out;
  std::map<std::string, int64_t> want;  // port -> data width
  std::map<std::string, std::string> mode;
  for (const CParam& c : mem.params) {
    const HlsIface* i = mem.iface(c.name);
    if (!i) {
      out.push_back(c.name + " has no INTERFACE pragma");
      continue;
    }
    if (i->mode == "m_axi") {
      const std::string port = "m_axi_" + i->bundle;
      want[port] = std::max(want[port], type_bits(c.type, names));
      mode[port] = "master";
    }
    if (!i->axilite.empty()) {
      want["s_axi_" + i->axilite] = 32;
      mode["s_axi_" + i->axilite] = "slave";
    }
  }
  for (const auto& kv : hls_stream_ports(mem, names)) {
    want[kv.first] = kv.second.width;
    mode[kv.first] = kv.second.out ? "write_only" : "read_only";
  }
  if (const HlsIface* ret = mem.iface("return")) {
    const std::string ctl = "s_axi_" + ret->axilite;
    want[ctl] = 32;
    mode[ctl] = "slave";
  }
  std::map<std::string, int64_t> got;
  for (const PortDecl& p : k.ports) {
    got[p.name] = p.data_width;
    if (!mode.count(p.name)) {
      out.push_back("kernel.xml port " + p.name + " is no port of " + mem.name);
    } else if (p.mode != mode[p.name]) {
      out.push_back("kernel.xml port " + p.name + ": mode " + p.mode + ", not " + mode[p.name]);
    }
  }
  for (const auto& kv : want) {
    auto g = got.find(kv.first);
    if (g == got.end()) {
      out.push_back("kernel.xml lacks port " + kv.first);
    } else if (g->second != kv.second) {
      out.push_back("kernel.xml port " + kv.first + ": dataWidth " + std::to_string(g->second) +
                    ", not " + std::to_string(kv.second));
    }
  }
  return out;
}

TEST_F(HlsKernel, KernelXmlPortsFollowThePragmas) {
  for (const std::string& p : kernel_xml_port_problems(*mem_, k_, src_.names)) ADD_FAILURE() << p;
}

// kernel.xml without one of the kernel's stream ports, the TSO path's among them, fails:
// with its <port> line deleted, loading it fails (its argument names the port); with the port
// gone from the loaded declaration, the check above fails.
TEST_F(HlsKernel, PortCheckCatchesAPortMissingFromKernelXml) {
  const std::string text = slurp("bitstreams/hls/kernel.xml");
  const StreamPorts streams = hls_stream_ports(*mem_, src_.names);
  for (const char* name : {"m_axis_route", "m_axis_tcp_meta", "m_axis_tcp_payload"})
    EXPECT_TRUE(streams.count(name)) << k_.name << " has no " << name;
  for (const auto& kv : streams) {
    std::string cut;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      if (line.find("<port name=\"" + kv.first + "\"") == std::string::npos) cut += line + "\n";
    ASSERT_NE(cut.size(), text.size()) << kv.first << " is not in kernel.xml";
    KernelDecl k;
    std::string err;
    EXPECT_FALSE(xclbin::parse_kernel_xml(cut, &k, &err)) << "without " << kv.first;
    k = k_;
    k.ports.erase(std::remove_if(k.ports.begin(), k.ports.end(),
                                 [&](const PortDecl& p) { return p.name == kv.first; }),
                  k.ports.end());
    ASSERT_EQ(k.ports.size() + 1, k_.ports.size()) << kv.first;
    EXPECT_FALSE(kernel_xml_port_problems(*mem_, k, src_.names).empty()) << kv.first;
  }
}

// Arguments: one per parameter, in order; offsets as Vitis HLS lays out the
// control block (ap_ctrl at 0x00-0x0F, then 12 bytes per 64-bit value and 8
// per 32-bit one).
TEST_F(HlsKernel, KernelXmlArgumentsFollowTheSignature) {
  ASSERT_EQ(k_.args.size(), mem_->params.size());
  uint64_t offset = 0x10;
  for (size_t i = 0; i < k_.args.size(); ++i) {
    const ArgDecl& a = k_.args[i];
    const CParam& c = mem_->params[i];
    EXPECT_EQ(a.name, c.name) << "argument " << i;
    EXPECT_EQ(a.id, i);
    const HlsIface* f = mem_->iface(c.name);
    ASSERT_NE(f, nullptr) << c.name;
    if (f->mode == "axis") {
      EXPECT_EQ(a.address_qualifier, xclbin::ARG_STREAM) << a.name;
      EXPECT_EQ(a.port, c.name);
      EXPECT_EQ(a.host_size, static_cast<uint64_t>(width(c.type) / 8)) << a.name;
      continue;
    }
    ASSERT_FALSE(f->axilite.empty()) << c.name << ": no s_axilite register";
    const bool buffer = f->mode == "m_axi";
    const uint64_t bytes = buffer ? 8 : static_cast<uint64_t>(width(c.type) / 8);
    EXPECT_EQ(a.address_qualifier, buffer ? xclbin::ARG_GLOBAL : xclbin::ARG_SCALAR) << a.name;
    EXPECT_EQ(a.size, bytes) << a.name;
    EXPECT_EQ(a.offset, offset) << a.name;
    EXPECT_EQ(a.port, buffer ? "m_axi_" + f->bundle : "s_axi_" + f->axilite) << a.name;
    offset += bytes == 8 ? 12 : 8;
  }
  EXPECT_LE(offset, k_.control_port()->range);
}

// The host sets arguments by index (sendoff_tx_hls.hpp's Arg): each names
// the parameter at its place.
TEST_F(HlsKernel, HostArgumentIndicesFollowTheSignature) {
  const std::vector<std::pair<int, const char*>> host = {
      {hls_kernel::ARG_MEM, "mem"},         {hls_kernel::ARG_FLOWS, "flows"},
      {hls_kernel::ARG_STATUS, "status"},   {hls_kernel::ARG_RING_BASE, "ring_base"},
      {hls_kernel::ARG_RING_SIZE, "ring_size"}, {hls_kernel::ARG_HEAD, "head"},
      {hls_kernel::ARG_TAIL, "tail"},       {hls_kernel::ARG_CTRL, "ctrl"},
      {hls_kernel::ARG_SEQ, "seq"},         {hls_kernel::ARG_WB_BASE, "wb_base"},
      {hls_kernel::ARG_WB_FORCE, "wb_force"}, {hls_kernel::ARG_M_AXIS_UDP_META, "m_axis_udp_meta"},
      {hls_kernel::ARG_M_AXIS_PAYLOAD, "m_axis_payload"},
      {hls_kernel::ARG_M_AXIS_ROUTE, "m_axis_route"},
      {hls_kernel::ARG_M_AXIS_TCP_META, "m_axis_tcp_meta"},
      {hls_kernel::ARG_M_AXIS_TCP_PAYLOAD, "m_axis_tcp_payload"}};
  ASSERT_EQ(host.size(), mem_->params.size());
  for (const auto& a : host) {
    ASSERT_LT(static_cast<size_t>(a.first), mem_->params.size());
    EXPECT_EQ(mem_->params[static_cast<size_t>(a.first)].name, a.second);
  }
}

// ---------------------------------------------------------------- link configs
struct Cfg {
  std::string card, flavour;
};
void PrintTo(const Cfg& c, std::ostream* os) { *os << c.card << "_" << c.flavour << ".cfg"; }

class LinkConfig : public ::testing::TestWithParam<Cfg> {
 protected:
  void SetUp() override {
    std::string err;
    const Cfg c = GetParam();
    ASSERT_TRUE(xclbin::load_link_config(
        kRoot + "/bitstreams/link/" + c.card + "_" + c.flavour + ".cfg", &spec_, &err))
        << err;
    ASSERT_TRUE(xclbin::load_kernel_xml(kRoot + "/bitstreams/" + c.flavour + "/kernel.xml", &k_,
                                        &err))
        << err;
    mk_ = makefile();
    cmac_ = mk_["CMAC_CU"];
    // The flavour's kernels, in stream order, and their stream ports.
    if (c.flavour == "hls") {
      HlsSources src;
      ASSERT_TRUE(load_hls_sources(&src, &err)) << err;
      rx_order_ = split_list(mk_["HLS_RX_KERNELS"], ' ');
      for (const std::string& k : split_list(mk_["HLS_KERNELS"], ' '))
        if (std::find(rx_order_.begin(), rx_order_.end(), k) == rx_order_.end())
          order_.push_back(k);
      for (const HlsFunction& f : src.kernels) {
        ports_[f.name] = hls_stream_ports(f, src.names);
        for (const auto& kv : f.ifaces)
          if (kv.second.mode == "m_axi") masters_[f.name].insert("m_axi_" + kv.second.bundle);
      }
    } else {
      order_ = {k_.name};
      rx_order_ = {k_.name};
      ports_[k_.name] = xml_stream_ports(k_);
      for (const PortDecl& p : k_.ports)
        if (p.mode == "master") masters_[k_.name].insert(p.name);
    }
  }
  std::string sendoff_cu() const {
    for (const auto& nk : spec_.nk)
      if (nk.kernel == k_.name) return nk.cus.front();
    return {};
  }
  // The stream port a CU's port names, or nullptr.
  const StreamPort* port(const std::string& cu, const std::string& name) const {
    auto k = ports_.find(spec_.kernel_of(cu));
    if (k == ports_.end()) return nullptr;
    auto p = k->second.find(name);
    return p == k->second.end() ? nullptr : &p->second;
  }
  LinkSpec spec_;
  KernelDecl k_;
  std::map<std::string, std::string> mk_;
  std::string cmac_;
  std::vector<std::string> order_;     // transmit: from the CU the host starts to the CMAC
  std::vector<std::string> rx_order_;  // receive: from the CMAC's M_AXIS on
  std::map<std::string, StreamPorts> ports_;  // kernel -> its stream ports
  std::map<std::string, std::set<std::string>> masters_;  // kernel -> its m_axi ports
};

TEST_P(LinkConfig, InstantiatesEachFlavourKernelOnceAndTheCmac) {
  std::set<std::string> kernels;
  for (const auto& nk : spec_.nk) {
    kernels.insert(nk.kernel);
    EXPECT_EQ(nk.count, 1u) << nk.kernel << " (the host drives one sendoff CU)";
    EXPECT_TRUE(nk.kernel == cmac_ || ports_.count(nk.kernel))
        << "nk=" << nk.kernel << ": no such kernel in the " << GetParam().flavour << " sources";
  }
  std::set<std::string> want = {cmac_};
  for (const auto& kv : ports_) want.insert(kv.first);
  EXPECT_EQ(kernels, want);
  EXPECT_EQ(spec_.kernel_of(cmac_), cmac_);
}

TEST_P(LinkConfig, PlacesEveryBufferArgumentInOneBank) {
  const std::string cu = sendoff_cu();
  std::set<std::string> banks;
  for (const ArgDecl& a : k_.args) {
    if (a.address_qualifier != xclbin::ARG_GLOBAL) continue;
    std::string bank;
    for (const auto& sp : spec_.sp)
      if (sp.cu == cu && (sp.iface == a.name || sp.iface == a.port)) bank = sp.bank;
    EXPECT_FALSE(bank.empty()) << "no sp= for " << cu << "." << a.name << " (" << a.port << ")";
    if (!bank.empty()) banks.insert(bank);
  }
  // Every m_axi port of every CU has its sp= line, in that same bank.
  for (const auto& nk : spec_.nk)
    for (const std::string& c : nk.cus)
      for (const std::string& m : masters_[nk.kernel]) {
        std::string bank;
        for (const auto& sp : spec_.sp)
          if (sp.cu == c && sp.iface == m) bank = sp.bank;
        if (bank.empty() && c == cu) continue;  // placed through its argument, above
        // rx_dma_hls has no kernel.xml yet, and tools/xclbin refuses sp= for its CU.
        if (bank.empty() && nk.kernel == "rx_dma_hls") continue;
        EXPECT_FALSE(bank.empty()) << "no sp= for " << c << "." << m;
        if (!bank.empty()) banks.insert(bank);
      }
  EXPECT_EQ(banks.size(), 1u) << "the xrt back end allocates every buffer from one bank";
  for (const auto& sp : spec_.sp) {
    const std::string kernel = spec_.kernel_of(sp.cu);
    EXPECT_TRUE(masters_[kernel].count(sp.iface) ||
                (kernel == k_.name && (k_.port(sp.iface) || k_.arg(sp.iface))))
        << "sp=" << sp.cu << "." << sp.iface << ": no such m_axi port";
    EXPECT_TRUE(std::regex_match(sp.bank, std::regex(R"((DDR|HBM|HOST|PLRAM)\[\d+\])")))
        << sp.bank;
  }
}

// Every CU next to the CMAC: no stream crosses an SLR.
TEST_P(LinkConfig, PinsEveryComputeUnitToTheCmacsSlr) {
  std::map<std::string, std::string> slr;
  for (const auto& s : spec_.slr) slr[s.cu] = s.slr;
  ASSERT_TRUE(slr.count(cmac_)) << cmac_ << " has no slr=";
  for (const auto& nk : spec_.nk)
    for (const std::string& cu : nk.cus) {
      ASSERT_TRUE(slr.count(cu)) << cu << " has no slr=";
      EXPECT_EQ(slr[cu], slr[cmac_]) << cu;
    }
}

TEST_P(LinkConfig, EveryStreamJoinsAnOutputToAnInputOfItsWidth) {
  ASSERT_FALSE(spec_.streams.empty());
  for (const std::string& p : stream_problems(spec_, ports_, cmac_, std::stoll(mk_["CMAC_AXIS_BITS"])))
    ADD_FAILURE() << p;
}

// The check above catches a misspelt port on either side, the CMAC's included.
TEST(LinkConfigs, StreamCheckCatchesAWrongName) {
  KernelDecl k;
  std::string err;
  ASSERT_TRUE(xclbin::load_kernel_xml(kRoot + "/bitstreams/rtl/kernel.xml", &k, &err)) << err;
  const std::map<std::string, StreamPorts> ports = {{k.name, xml_stream_ports(k)}};
  const std::string text = slurp("bitstreams/link/u250_rtl.cfg");
  LinkSpec good;
  ASSERT_TRUE(xclbin::parse_link_config(text, &good, &err)) << err;
  EXPECT_TRUE(stream_problems(good, ports, "cmac_0", 512).empty());
  for (const auto& wrong : {std::pair<const char*, const char*>{".s_axis_rx", ".s_axis_rxd"},
                            {"cmac_0.M_AXIS", "cmac_0.M_AXI"},
                            {"sendoff_tx_1.m_axis_tx", "sendoff_tx_1.s_axis_rx"}}) {
    std::string t = text;
    const size_t at = t.find(wrong.first);
    ASSERT_NE(at, std::string::npos) << wrong.first;
    t.replace(at, std::string(wrong.first).size(), wrong.second);
    LinkSpec bad;
    ASSERT_TRUE(xclbin::parse_link_config(t, &bad, &err)) << err;
    EXPECT_FALSE(stream_problems(bad, ports, "cmac_0", 512).empty()) << wrong.second;
  }
}

// The stream ports of every CU that are not joined by exactly one stream_connect.
std::vector<std::string> connection_problems(const LinkSpec& spec,
                                             const std::map<std::string, StreamPorts>& ports,
                                             const std::string& cmac) {
  std::vector<std::string> out;
  std::map<std::string, int> uses;  // cu.port
  for (const auto& s : spec.streams) {
    ++uses[s.from_cu + "." + s.from_port];
    ++uses[s.to_cu + "." + s.to_port];
  }
  for (const auto& nk : spec.nk) {
    if (nk.kernel == cmac) continue;
    auto k = ports.find(nk.kernel);
    if (k == ports.end()) continue;
    for (const std::string& cu : nk.cus)
      for (const auto& kv : k->second) {
        const int n = uses[cu + "." + kv.first];
        if (n != 1) out.push_back(cu + "." + kv.first + " is connected " + std::to_string(n) + " times");
      }
  }
  if (uses[cmac + ".S_AXIS"] != 1) out.push_back(cmac + ".S_AXIS is not connected once");
  if (uses[cmac + ".M_AXIS"] > 1) out.push_back(cmac + ".M_AXIS is connected more than once");
  return out;
}

TEST_P(LinkConfig, ConnectsEveryStreamPortOnce) {
  for (const std::string& p : connection_problems(spec_, ports_, cmac_)) ADD_FAILURE() << p;
}

// The check above fails when a link config lacks the stream_connect of any stream port (each
// line deleted in turn), the TSO kernels' among them.
TEST_P(LinkConfig, ConnectionCheckCatchesAMissingStream) {
  std::string text;
  std::string err;
  ASSERT_TRUE(xclbin::read_file(spec_.source, &text, &err)) << err;
  if (GetParam().flavour == "hls") {
    for (const char* cu : {"tcp_tx_1.", "tx_merge_1."})
      EXPECT_NE(text.find(std::string("stream_connect=") + cu), std::string::npos) << cu;
  }
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  size_t tried = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("stream_connect=", 0) != 0) continue;
    ++tried;
    std::string cut;
    for (size_t j = 0; j < lines.size(); ++j)
      if (j != i) cut += lines[j] + "\n";
    LinkSpec bad;
    ASSERT_TRUE(xclbin::parse_link_config(cut, &bad, &err)) << err;
    EXPECT_FALSE(connection_problems(bad, ports_, cmac_).empty()) << "without " << lines[i];
  }
  EXPECT_EQ(tried, spec_.streams.size());
}

// From the CU the host starts the streams reach every transmit kernel, each
// stream runs from a kernel to one later in the Makefile's stream order (the
// transport stages side by side, udp_tx before tcp_tx, then the merge), and
// only the last kernel streams to the CMAC, at the Makefile's data width.
TEST_P(LinkConfig, StreamsChainTheKernelsFromTheMemoryKernelToTheCmac) {
  std::map<std::string, std::set<std::string>> next;  // cu -> the CUs it streams to
  for (const auto& s : spec_.streams) next[s.from_cu].insert(s.to_cu);
  std::map<std::string, size_t> rank;  // kernel -> its place in order_
  for (size_t i = 0; i < order_.size(); ++i) rank[order_[i]] = i;
  const std::string first = sendoff_cu();
  ASSERT_FALSE(first.empty()) << "no nk line for " << k_.name;
  std::set<std::string> reached = {first};
  std::vector<std::string> todo = {first};
  std::set<std::string> kernels;
  while (!todo.empty()) {
    const std::string cu = todo.back();
    todo.pop_back();
    const std::string kernel = spec_.kernel_of(cu);
    ASSERT_TRUE(rank.count(kernel)) << cu << " (" << kernel << ") is not a transmit kernel";
    kernels.insert(kernel);
    EXPECT_FALSE(next[cu].empty()) << "the streams from " << cu << " never reach " << cmac_;
    for (const std::string& to : next[cu]) {
      if (to == cmac_) {
        EXPECT_EQ(kernel, order_.back()) << cu << " streams to " << cmac_;
        continue;
      }
      const std::string to_kernel = spec_.kernel_of(to);
      ASSERT_TRUE(rank.count(to_kernel)) << cu << " streams to " << to;
      EXPECT_LT(rank[kernel], rank[to_kernel]) << cu << " streams back to " << to;
      if (reached.insert(to).second) todo.push_back(to);
    }
  }
  EXPECT_EQ(kernels, std::set<std::string>(order_.begin(), order_.end()));
  for (const auto& s : spec_.streams)
    if (s.to_cu == cmac_) {
      const StreamPort* p = port(s.from_cu, s.from_port);
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(std::to_string(p->width), mk_["DATA_WIDTH"]);
    }
}

// From the CMAC's M_AXIS each CU streams to at most one next CU, through the receive kernels
// in the Makefile's order (the RTL flavour: its one kernel).
TEST_P(LinkConfig, ReceivedFramesRunFromTheCmacThroughTheReceiveKernels) {
  std::map<std::string, std::set<std::string>> next;
  std::string cu;
  for (const auto& s : spec_.streams) {
    if (s.from_cu == cmac_ && s.from_port == "M_AXIS") cu = s.to_cu;
    if (s.to_cu != cmac_) next[s.from_cu].insert(s.to_cu);
  }
  ASSERT_FALSE(cu.empty()) << "no stream_connect=" << cmac_ << ".M_AXIS:...";
  std::vector<std::string> path;
  while (!cu.empty() && path.size() <= spec_.nk.size()) {
    path.push_back(spec_.kernel_of(cu));
    ASSERT_LE(next[cu].size(), 1u) << cu << " streams to " << next[cu].size() << " CUs";
    cu = next[cu].empty() ? std::string() : *next[cu].begin();
  }
  EXPECT_EQ(path, rx_order_);
}

TEST_P(LinkConfig, NamesThePlatformTheMakefileUses) {
  const std::string platform = mk_["PLATFORM_" + GetParam().card];
  ASSERT_FALSE(platform.empty());
  std::string text;
  std::string err;
  ASSERT_TRUE(xclbin::read_file(spec_.source, &text, &err));
  EXPECT_NE(text.find(platform), std::string::npos) << spec_.source << " does not name " << platform;
}

INSTANTIATE_TEST_SUITE_P(Cards, LinkConfig,
                         ::testing::Values(Cfg{"u250", "hls"}, Cfg{"u250", "rtl"},
                                           Cfg{"u280", "hls"}, Cfg{"u280", "rtl"},
                                           Cfg{"u55c", "hls"}, Cfg{"u55c", "rtl"}),
                         [](const ::testing::TestParamInfo<Cfg>& p) {
                           return p.param.card + "_" + p.param.flavour;
                         });

TEST(LinkConfigs, OneForEachCardAndFlavourTheMakefileOffers) {
  const auto mk = makefile();
  std::set<std::string> cards;
  for (const auto& kv : mk)
    if (kv.first.rfind("PLATFORM_", 0) == 0) cards.insert(kv.first.substr(9));
  EXPECT_EQ(cards, (std::set<std::string>{"u250", "u280", "u55c"}));
  for (const std::string& c : cards)
    for (const char* fl : {"hls", "rtl"}) {
      std::ifstream f(kRoot + "/bitstreams/link/" + c + "_" + fl + ".cfg");
      EXPECT_TRUE(f.good()) << "no bitstreams/link/" << c << "_" << fl << ".cfg";
    }
}

// ---------------------------------------------------------------- the recipe
std::vector<std::string> make_print(const char* target) {
  std::vector<std::string> argv = {SENDOFF_MAKE, "-s", "-C", kRoot + "/bitstreams", target};
  auto r = sys::run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << sys::describe_failure(argv, r);
  return split_list(std::regex_replace(r.out, std::regex(R"(\s+)"), " "), ' ');
}

// The kernel wrappers first, one per kernel and named after it, then the CMake
// build's HLS sources; the wrappers are every bitstreams/hls/*.cpp (what the
// C-simulation build compiles).
TEST(Recipe, HlsSourcesAreTheCmakeBuildsPlusTheWrappers) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_MAKE));
  const auto kernels = make_print("print-hls-kernels");
  const auto srcs = make_print("print-hls-srcs");
  ASSERT_FALSE(kernels.empty());
  ASSERT_GT(srcs.size(), kernels.size());
  std::set<std::string> wrappers;
  for (size_t i = 0; i < kernels.size(); ++i) {
    EXPECT_EQ(srcs[i], kRoot + "/bitstreams/hls/" + kernels[i] + ".cpp");
    wrappers.insert(srcs[i]);
  }
  std::set<std::string> on_disk;
  for (const std::string& f : files_in("bitstreams/hls", ".cpp")) on_disk.insert(kRoot + "/" + f);
  EXPECT_EQ(wrappers, on_disk);
  std::set<std::string> got(srcs.begin() + static_cast<std::ptrdiff_t>(kernels.size()), srcs.end());
  std::set<std::string> want;
  for (const std::string& s : split_list(SENDOFF_CMAKE_HLS_SOURCES, '|')) want.insert(s);
  EXPECT_EQ(got, want);
}

// `make -n`: one compile per kernel of the flavour, and one link of all of
// them with the CMAC and the card's link config: as it is for MEM=card, made
// with every bank HOST[0] for MEM=host (the default).
TEST(Recipe, BuildsOneXoPerKernelAndLinksThemAll) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_MAKE));
  const auto mk = makefile();
  for (const char* mem : {"", "host", "card"})
  for (const char* flavour : {"hls", "rtl"}) {
    std::vector<std::string> argv = {SENDOFF_MAKE, "-n", "-C", kRoot + "/bitstreams",
                                     "CARD=u250", std::string("FLAVOUR=") + flavour,
                                     "CMAC_XO=/nonexistent/cmac_0.xo",
                                     "BUILD=/nonexistent/build"};
    if (*mem) argv.push_back(std::string("MEM=") + mem);
    auto r = sys::run_process(argv);
    ASSERT_EQ(r.exit_code, 0) << sys::describe_failure(argv, r);
    const std::string out = std::regex_replace(r.out, std::regex(R"(\\\n\s*)"), " ");
    std::string link;
    for (const std::string& line : split_list(out, '\n'))
      if (line.find(" -l ") != std::string::npos) link = line;
    ASSERT_FALSE(link.empty()) << "no v++ -l line:\n" << out;
    const std::string source = kRoot + "/bitstreams/link/u250_" + flavour + ".cfg";
    if (std::string(mem) == "card") {
      EXPECT_NE(link.find("--config " + source), std::string::npos) << link;
    } else {
      const std::string made = "/nonexistent/build/u250_" + std::string(flavour) + "_host.cfg";
      EXPECT_NE(link.find("--config " + made), std::string::npos) << link;
      EXPECT_NE(out.find(source + " > " + made), std::string::npos)
          << "the host-memory config is not made from " << source << ":\n" << out;
    }
    EXPECT_NE(link.find("/nonexistent/cmac_0.xo"), std::string::npos) << link;
    const bool hls = std::string(flavour) == "hls";
    const auto kernels = hls ? split_list(mk.at("HLS_KERNELS"), ' ')
                             : std::vector<std::string>{mk.at("KERNEL_rtl")};
    for (const std::string& k : kernels) {
      EXPECT_NE(link.find(" /nonexistent/build/" + k + ".xo"), std::string::npos)
          << k << " is not linked: " << link;
      if (hls) {
        EXPECT_NE(out.find(" -c -t hw --platform " + mk.at("PLATFORM_u250") + " -k " + k + " "),
                  std::string::npos) << "no v++ -c -k " << k << ":\n" << out;
      }
    }
  }
}

TEST(Recipe, RtlSourcesAreTheCmakeBuildsPlusTheWrapper) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_MAKE));
  auto srcs = make_print("print-rtl-srcs");
  auto want = split_list(SENDOFF_CMAKE_RTL_SOURCES, '|');
  ASSERT_GE(srcs.size(), 2u);
  EXPECT_EQ(srcs.front(), want.front()) << "the package compiles first";
  EXPECT_EQ(srcs.back(), kRoot + "/bitstreams/rtl/sendoff_tx_rtl.sv");
  EXPECT_EQ(std::set<std::string>(srcs.begin(), srcs.end() - 1),
            std::set<std::string>(want.begin(), want.end()));
}

// The HLS kernel's device-memory window (v++ -c -D) is the one the host's
// xrt back end allocates (the CMake build's SENDOFF_DEV_MEM_BYTES).
TEST(Recipe, HlsDeviceMemoryWindowMatchesTheHost) {
  EXPECT_EQ(makefile()["DEV_MEM_BYTES"], std::to_string(SENDOFF_CMAKE_DEV_MEM_BYTES));
  EXPECT_EQ(makefile()["DATA_WIDTH"], std::to_string(SENDOFF_CMAKE_DATA_WIDTH));
}

TEST(Recipe, ReadmeGivesTheCommandsForEveryCard) {
  const std::string readme = slurp("bitstreams/README.md");
  for (const auto& kv : makefile()) {
    if (kv.first.rfind("PLATFORM_", 0) != 0) continue;
    const std::string card = kv.first.substr(9);
    EXPECT_NE(readme.find(kv.second), std::string::npos) << "README lacks " << kv.second;
    for (const char* fl : {"hls", "rtl"})
      EXPECT_NE(readme.find("CARD=" + card + " FLAVOUR=" + fl), std::string::npos)
          << "README lacks the " << card << "/" << fl << " command";
  }
}

}  // namespace
}  // namespace sendoff
