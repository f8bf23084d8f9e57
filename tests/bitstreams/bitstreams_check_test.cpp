// SPDX-License-Identifier: MIT
// The bitstream recipes against the sources they build. Nothing here repeats
// a name or a width: each is read from where it is defined —
//  - the RTL flavour: rtl/kernel.xml against the Vitis wrapper's ports
//    (bitstreams/rtl/sendoff_tx_rtl.sv), the wrapper against the RTL top it
//    instantiates (rtl/sendoff_tx_top.sv), and the control space against
//    nic_abi.hpp's register map;
//  - the HLS flavour: hls/kernel.xml against the wrapper's signature and
//    INTERFACE pragmas (bitstreams/hls/sendoff_tx_hls.cpp), and the wrapper
//    against the HLS top it calls (hls/sendoff_tx/sendoff_tx.hpp/.cpp);
//  - every link config against both kernels, the CMAC's stream width, and the
//    kernel names the host looks for (host/xrt);
//  - the Makefile's source lists against the CMake build's.
// The AXI signal tables below are the protocols' own (AXI4, AXI4-Lite,
// AXI4-Stream), not the project's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "kernel_decl.hpp"
#include "prereq.hpp"
#include "sendoff/xrt_backend.hpp"
#include "source_parse.hpp"
#include "subprocess.hpp"

namespace sendoff {
namespace {

using namespace srcparse;
using xclbin::ArgDecl;
using xclbin::KernelDecl;
using xclbin::LinkSpec;
using xclbin::PortDecl;

const std::string kRoot = SENDOFF_SOURCE_DIR;

std::string slurp(const std::string& rel) {
  std::ifstream f(kRoot + "/" + rel);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

int64_t log2_exact(uint64_t v) {
  int64_t r = 0;
  while ((uint64_t{1} << r) < v) ++r;
  return (uint64_t{1} << r) == v ? r : -1;
}

std::map<std::string, std::string> makefile() { return make_vars(slurp("bitstreams/Makefile")); }

// ---------------------------------------------------------------- AXI signals
struct Signal {
  const char* suffix;
  bool out;          // driven by the kernel
  bool required;
  enum Width { ONE, DATA, STRB, ADDR, FIXED } width;
  int fixed = 0;
};

// AXI4-Lite slave (the kernel's control port).
const std::vector<Signal> kAxiLiteSlave = {
    {"awaddr", false, true, Signal::ADDR}, {"awvalid", false, true, Signal::ONE},
    {"awready", true, true, Signal::ONE},  {"wdata", false, true, Signal::DATA},
    {"wstrb", false, true, Signal::STRB},  {"wvalid", false, true, Signal::ONE},
    {"wready", true, true, Signal::ONE},   {"bresp", true, true, Signal::FIXED, 2},
    {"bvalid", true, true, Signal::ONE},   {"bready", false, true, Signal::ONE},
    {"araddr", false, true, Signal::ADDR}, {"arvalid", false, true, Signal::ONE},
    {"arready", true, true, Signal::ONE},  {"rdata", true, true, Signal::DATA},
    {"rresp", true, true, Signal::FIXED, 2}, {"rvalid", true, true, Signal::ONE},
    {"rready", false, true, Signal::ONE},  {"awprot", false, false, Signal::FIXED, 3},
    {"arprot", false, false, Signal::FIXED, 3}};

// AXI4 master, read channels (Vitis masters carry 64-bit addresses).
const std::vector<Signal> kAxiReadMaster = {
    {"araddr", true, true, Signal::FIXED, 64}, {"arvalid", true, true, Signal::ONE},
    {"arready", false, true, Signal::ONE},     {"arlen", true, false, Signal::FIXED, 8},
    {"arsize", true, false, Signal::FIXED, 3}, {"arburst", true, false, Signal::FIXED, 2},
    {"arcache", true, false, Signal::FIXED, 4}, {"arprot", true, false, Signal::FIXED, 3},
    {"rdata", false, true, Signal::DATA},      {"rresp", false, false, Signal::FIXED, 2},
    {"rlast", false, true, Signal::ONE},       {"rvalid", false, true, Signal::ONE},
    {"rready", true, true, Signal::ONE}};

// AXI4 master, write channels: all or none.
const std::vector<Signal> kAxiWriteMaster = {
    {"awaddr", true, true, Signal::FIXED, 64}, {"awvalid", true, true, Signal::ONE},
    {"awready", false, true, Signal::ONE},     {"awlen", true, false, Signal::FIXED, 8},
    {"awsize", true, false, Signal::FIXED, 3}, {"awburst", true, false, Signal::FIXED, 2},
    {"wdata", true, true, Signal::DATA},       {"wstrb", true, true, Signal::STRB},
    {"wlast", true, true, Signal::ONE},        {"wvalid", true, true, Signal::ONE},
    {"wready", false, true, Signal::ONE},      {"bresp", false, false, Signal::FIXED, 2},
    {"bvalid", false, true, Signal::ONE},      {"bready", true, true, Signal::ONE}};

// AXI4-Stream source (write_only port); a read_only port mirrors the directions.
const std::vector<Signal> kAxisSource = {
    {"tdata", true, true, Signal::DATA}, {"tkeep", true, false, Signal::STRB},
    {"tstrb", true, false, Signal::STRB}, {"tlast", true, false, Signal::ONE},
    {"tvalid", true, true, Signal::ONE}, {"tready", false, true, Signal::ONE}};

// Checks the wrapper's signals of one kernel.xml port; adds them to *claimed.
void check_interface(const SvModule& w, const PortDecl& p, std::set<std::string>* claimed) {
  // Built by construction, not by copy-assigning into an empty vector: g++ 12 at -O3 flags
  // that assignment's memmove with a false -Wnonnull.
  const std::vector<Signal>* base = nullptr;
  bool flip = false;
  bool writes = false;
  int64_t addr_bits = 0;
  if (p.mode == "slave") {
    base = &kAxiLiteSlave;
    addr_bits = log2_exact(p.range);
    EXPECT_GT(addr_bits, 0) << p.name << ": range 0x" << std::hex << p.range << " is not 2^n";
  } else if (p.mode == "master") {
    base = &kAxiReadMaster;
    for (const Signal& s : kAxiWriteMaster) writes |= w.port(p.name + "_" + s.suffix) != nullptr;
  } else if (p.port_type == "stream") {
    base = &kAxisSource;
    flip = p.mode == "read_only";
    EXPECT_TRUE(p.mode == "read_only" || p.mode == "write_only") << p.name << ": mode " << p.mode;
  } else {
    ADD_FAILURE() << p.name << ": unknown mode " << p.mode;
    return;
  }
  std::vector<Signal> table(base->begin(), base->end());
  if (writes) table.insert(table.end(), kAxiWriteMaster.begin(), kAxiWriteMaster.end());
  for (const Signal& s : table) {
    const std::string n = p.name + "_" + s.suffix;
    const SvPort* sp = w.port(n);
    if (!sp) {
      EXPECT_FALSE(s.required) << w.name << " lacks " << n << " for kernel.xml port " << p.name;
      continue;
    }
    claimed->insert(n);
    const bool out = s.out != flip;
    EXPECT_EQ(sp->dir, out ? "output" : "input") << n;
    int64_t want = 1;
    switch (s.width) {
      case Signal::ONE: want = 1; break;
      case Signal::DATA: want = p.data_width; break;
      case Signal::STRB: want = p.data_width / 8; break;
      case Signal::ADDR: want = addr_bits; break;
      case Signal::FIXED: want = s.fixed; break;
    }
    EXPECT_EQ(sp->width, want) << n << " [" << sp->range << "] against kernel.xml port " << p.name
                               << " (dataWidth " << p.data_width << ")";
  }
}

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

TEST_F(RtlKernel, ControlSpaceHoldsTheRegisterMap) {
  const PortDecl* ctl = k_.control_port();
  ASSERT_NE(ctl, nullptr);
  EXPECT_GE(ctl->range, abi_.space_bytes) << "REG_SPACE_BYTES does not fit the control port";
  EXPECT_EQ(int64_t{1} << wrapper_.params.at("AxilAddrWidth"), static_cast<int64_t>(ctl->range));
  for (const AbiRegister& r : abi_.registers) EXPECT_LT(r.offset, ctl->range) << r.name;
}

// ring_base is RING_BASE_LO/HI; any other buffer argument must sit where no
// register is, so that XRT or a tool writing it changes nothing.
TEST_F(RtlKernel, ArgumentsSitOnTheRegisterMap) {
  const AbiConstant* lo = abi_.constant("REG_RING_BASE_LO");
  const AbiConstant* hi = abi_.constant("REG_RING_BASE_HI");
  ASSERT_TRUE(lo && hi);
  ASSERT_EQ(hi->value, lo->value + 4);
  bool ring = false;
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
    if (a.name == "ring_base") {
      ring = true;
      EXPECT_EQ(a.offset, lo->value) << "ring_base must be REG_RING_BASE_LO";
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
  EXPECT_TRUE(ring) << "kernel.xml has no ring_base argument";
  // Every master port carries a buffer argument, so that sp= can place it.
  for (const PortDecl& p : k_.ports) {
    if (p.mode != "master") continue;
    EXPECT_TRUE(std::any_of(k_.args.begin(), k_.args.end(),
                            [&](const ArgDecl& a) { return a.port == p.name; }))
        << p.name << " has no argument";
  }
}

TEST_F(RtlKernel, WrapperLintsCleanWithTheRtl) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_VERILATOR));
  std::vector<std::string> argv = {SENDOFF_VERILATOR, "--lint-only", "-Wall", "--top-module",
                                   wrapper_.name};
  for (const std::string& s : split_list(SENDOFF_CMAKE_RTL_SOURCES, '|')) argv.push_back(s);
  argv.push_back(kRoot + "/bitstreams/rtl/sendoff_tx_rtl.sv");
  auto r = cli::run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << cli::describe_failure(argv, r);
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
    EXPECT_FALSE(parse_hls_functions("extern \"C\" void k(int* p) {\n" + b.first + "\n}", &fs, &err))
        << b.first;
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
class HlsKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(xclbin::load_kernel_xml(kRoot + "/bitstreams/hls/kernel.xml", &k_, &err)) << err;
    ASSERT_TRUE(parse_hls_function(slurp("bitstreams/hls/sendoff_tx_hls.cpp"), "", &wrapper_, &err))
        << err;
    ASSERT_TRUE(parse_hls_function(slurp("hls/sendoff_tx/sendoff_tx.cpp"), "sendoff_tx", &top_, &err))
        << err;
    macros_ = int_macros(slurp("hls/include/sendoff/hls_beat.hpp"));
    macros_["SENDOFF_DATA_WIDTH"] = SENDOFF_CMAKE_DATA_WIDTH;  // the build's value wins
  }

  // The single INTERFACE pragma of an argument (other than s_axilite offsets).
  const HlsPragma* iface(const HlsFunction& f, const std::string& port) const {
    const HlsPragma* found = nullptr;
    for (const HlsPragma* p : f.pragmas_for(port)) {
      if (p->kv.at("mode") == "s_axilite" && f.pragmas_for(port).size() > 1) continue;
      EXPECT_EQ(found, nullptr) << f.name << ": two interfaces for " << port;
      found = p;
    }
    return found;
  }

  int64_t width(const std::string& type) const {
    int64_t bits = 0;
    std::string err;
    EXPECT_TRUE(type_width(type, macros_, &bits, &err)) << err;
    return bits;
  }

  KernelDecl k_;
  HlsFunction wrapper_, top_;
  std::map<std::string, int64_t> macros_;
};

TEST_F(HlsKernel, NameIsTheWrapperFunctionAndWhatTheHostLooksFor) {
  EXPECT_EQ(k_.name, wrapper_.name);
  EXPECT_EQ(k_.name, kXrtKernelHls);
  EXPECT_EQ(makefile()["KERNEL_hls"], k_.name);
  EXPECT_EQ(k_.language, "c");
  const HlsPragma* ret = iface(wrapper_, "return");
  ASSERT_NE(ret, nullptr) << "no s_axilite port=return: no control block";
  EXPECT_EQ(ret->kv.at("mode"), "s_axilite");
  // ap_ctrl_hs unless a pragma asks otherwise.
  std::string ctrl = "ap_ctrl_hs";
  for (const HlsPragma* p : wrapper_.pragmas_for("return"))
    if (p->kv.at("mode").rfind("ap_ctrl_", 0) == 0) ctrl = p->kv.at("mode");
  EXPECT_EQ(k_.control_protocol, ctrl);
}

// What v++ -c accepts at a Vitis kernel boundary.
TEST_F(HlsKernel, EveryInterfaceIsAVitisKernelInterface) {
  for (const HlsPragma& p : wrapper_.interfaces) {
    const std::string& mode = p.kv.at("mode");
    EXPECT_TRUE(mode == "m_axi" || mode == "s_axilite" || mode == "axis")
        << "sendoff_tx_hls.cpp:" << p.line << ": mode=" << mode;
    if (mode == "m_axi") {
      EXPECT_EQ(p.kv.count("offset") ? p.kv.at("offset") : "slave", "slave") << p.line;
    }
  }
  for (const CParam& c : wrapper_.params)
    EXPECT_FALSE(wrapper_.pragmas_for(c.name).empty()) << c.name << " has no INTERFACE pragma";
}

// Ports: m_axi_<bundle> per m_axi bundle, s_axi_<bundle> per s_axilite
// bundle, one stream port per axis argument, named after it.
TEST_F(HlsKernel, KernelXmlPortsFollowThePragmas) {
  std::map<std::string, int64_t> want;  // port -> data width
  std::map<std::string, std::string> mode;
  for (const CParam& c : wrapper_.params) {
    const HlsPragma* p = iface(wrapper_, c.name);
    ASSERT_NE(p, nullptr) << c.name;
    const std::string& m = p->kv.at("mode");
    if (m == "m_axi") {
      const std::string port = "m_axi_" + (p->kv.count("bundle") ? p->kv.at("bundle") : "gmem");
      want[port] = std::max(want[port], width(c.type));
      mode[port] = "master";
    } else if (m == "axis") {
      want[c.name] = width(c.type);
      mode[c.name] = c.name.rfind("m_axis", 0) == 0 ? "write_only" : "read_only";
    }
  }
  for (const HlsPragma& p : wrapper_.interfaces) {
    if (p.kv.at("mode") != "s_axilite") continue;
    const std::string port = "s_axi_" + (p.kv.count("bundle") ? p.kv.at("bundle") : "control");
    want[port] = 32;
    mode[port] = "slave";
  }
  std::map<std::string, int64_t> got;
  for (const PortDecl& p : k_.ports) {
    got[p.name] = p.data_width;
    EXPECT_EQ(p.mode, mode[p.name]) << p.name;
  }
  EXPECT_EQ(got, want);
}

// Arguments: one per parameter, in order; offsets as Vitis HLS lays out the
// control block (ap_ctrl at 0x00-0x0F, then 12 bytes per 64-bit value and 8
// per 32-bit one).
TEST_F(HlsKernel, KernelXmlArgumentsFollowTheSignature) {
  ASSERT_EQ(k_.args.size(), wrapper_.params.size());
  uint64_t offset = 0x10;
  for (size_t i = 0; i < k_.args.size(); ++i) {
    const ArgDecl& a = k_.args[i];
    const CParam& c = wrapper_.params[i];
    EXPECT_EQ(a.name, c.name) << "argument " << i;
    EXPECT_EQ(a.id, i);
    const std::string m = iface(wrapper_, c.name)->kv.at("mode");
    if (m == "axis") {
      EXPECT_EQ(a.address_qualifier, xclbin::ARG_STREAM) << a.name;
      EXPECT_EQ(a.port, c.name);
      continue;
    }
    const uint64_t bytes = m == "m_axi" ? 8 : static_cast<uint64_t>(width(c.type) / 8);
    EXPECT_EQ(a.address_qualifier, m == "m_axi" ? xclbin::ARG_GLOBAL : xclbin::ARG_SCALAR)
        << a.name;
    EXPECT_EQ(a.size, bytes) << a.name;
    EXPECT_EQ(a.offset, offset) << a.name;
    EXPECT_EQ(a.port, m == "m_axi" ? "m_axi_" + iface(wrapper_, c.name)->kv.at("bundle")
                                   : k_.control_port()->name)
        << a.name;
    offset += bytes == 8 ? 12 : 8;
  }
  EXPECT_LE(offset, k_.control_port()->range);
}

// The wrapper hands sendoff_tx its own memory and stream interfaces
// unchanged: same argument, same type, same port kind and bundle.
TEST_F(HlsKernel, WrapperCallsTheHlsTopWithItsInterfaces) {
  std::vector<std::string> args;
  std::string err;
  ASSERT_TRUE(parse_call(wrapper_.body, "sendoff_tx", &args, &err)) << err;
  ASSERT_EQ(args.size(), top_.params.size()) << "sendoff_tx takes " << top_.params.size();
  int passed = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const CParam& tp = top_.params[i];
    const CParam* wp = wrapper_.param(args[i]);
    const HlsPragma* ti = iface(top_, tp.name);
    ASSERT_NE(ti, nullptr) << "sendoff_tx." << tp.name << " has no INTERFACE pragma";
    const std::string tmode = ti->kv.at("mode");
    if (!wp) {
      // Adapted by the wrapper: only what a Vitis kernel cannot expose as is.
      EXPECT_TRUE(tmode == "bram" || tmode == "ap_memory" || tp.pointer)
          << "sendoff_tx." << tp.name << " (" << tmode << ") gets '" << args[i]
          << "', not a kernel argument";
      continue;
    }
    ++passed;
    EXPECT_EQ(wp->type, tp.type) << tp.name;
    const HlsPragma* wi = iface(wrapper_, wp->name);
    ASSERT_NE(wi, nullptr);
    EXPECT_EQ(wi->kv.at("mode"), tmode) << tp.name;
    if (tmode == "m_axi") {
      EXPECT_EQ(wi->kv.at("bundle"), ti->kv.at("bundle")) << tp.name;
    }
    if (tmode == "axis") {
      EXPECT_EQ(wp->name, tp.name) << "the stream port keeps sendoff_tx's name";
      const PortDecl* kp = k_.port(wp->name);
      ASSERT_NE(kp, nullptr);
      EXPECT_EQ(kp->data_width, width(tp.type));
    }
  }
  EXPECT_GT(passed, 0);
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
  }
  std::string sendoff_cu() const {
    for (const auto& nk : spec_.nk)
      if (nk.kernel == k_.name) return nk.cus.front();
    return {};
  }
  LinkSpec spec_;
  KernelDecl k_;
  std::map<std::string, std::string> mk_;
};

TEST_P(LinkConfig, InstantiatesTheFlavourKernelOnceAndTheCmac) {
  std::set<std::string> kernels;
  for (const auto& nk : spec_.nk) {
    kernels.insert(nk.kernel);
    EXPECT_EQ(nk.count, 1u) << nk.kernel << " (the host drives one sendoff CU)";
  }
  EXPECT_EQ(kernels, (std::set<std::string>{k_.name, mk_["CMAC_CU"]}));
  EXPECT_EQ(spec_.kernel_of(mk_["CMAC_CU"]), mk_["CMAC_CU"]);
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
  EXPECT_EQ(banks.size(), 1u) << "the xrt back end allocates every buffer from one bank";
  for (const auto& sp : spec_.sp) {
    EXPECT_EQ(sp.cu, cu);
    EXPECT_TRUE(k_.port(sp.iface) || k_.arg(sp.iface)) << sp.iface << " is not in kernel.xml";
    EXPECT_TRUE(std::regex_match(sp.bank, std::regex(R"((DDR|HBM|HOST|PLRAM)\[\d+\])")))
        << sp.bank;
  }
}

TEST_P(LinkConfig, PinsEveryComputeUnitToOneSlr) {
  std::map<std::string, std::string> slr;
  for (const auto& s : spec_.slr) slr[s.cu] = s.slr;
  for (const auto& nk : spec_.nk)
    for (const std::string& cu : nk.cus) EXPECT_TRUE(slr.count(cu)) << cu << " has no slr=";
  // Next to the CMAC: the stream crosses no SLR.
  EXPECT_EQ(slr[sendoff_cu()], slr[mk_["CMAC_CU"]]);
}

TEST_P(LinkConfig, StreamsTheTxPortToTheCmacAtItsWidth) {
  ASSERT_EQ(spec_.streams.size(), 1u);
  const auto& s = spec_.streams.front();
  EXPECT_EQ(s.from_cu, sendoff_cu());
  const PortDecl* p = k_.port(s.from_port);
  ASSERT_NE(p, nullptr) << s.from_port << " is not a port of " << k_.name;
  EXPECT_EQ(p->port_type, "stream");
  EXPECT_EQ(p->mode, "write_only");
  EXPECT_EQ(s.to_cu, mk_["CMAC_CU"]);
  EXPECT_EQ(s.to_port, "S_AXIS");
  EXPECT_EQ(std::to_string(p->data_width), mk_["CMAC_AXIS_BITS"]);
  EXPECT_EQ(std::to_string(p->data_width), mk_["DATA_WIDTH"]);
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
  auto r = cli::run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << cli::describe_failure(argv, r);
  return split_list(std::regex_replace(r.out, std::regex(R"(\s+)"), " "), ' ');
}

TEST(Recipe, HlsSourcesAreTheCmakeBuildsPlusTheWrapper) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_MAKE));
  auto srcs = make_print("print-hls-srcs");
  ASSERT_FALSE(srcs.empty());
  EXPECT_EQ(srcs.front(), kRoot + "/bitstreams/hls/sendoff_tx_hls.cpp");
  std::set<std::string> got(srcs.begin() + 1, srcs.end());
  std::set<std::string> want;
  for (const std::string& s : split_list(SENDOFF_CMAKE_HLS_SOURCES, '|')) want.insert(s);
  EXPECT_EQ(got, want);
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

// Every environment variable the post-link hook reads is set on the v++ -l line.
TEST(Recipe, PostLinkHookGetsEveryNameItReads) {
  const std::string tcl = slurp("bitstreams/scripts/post_link_gt.tcl");
  const std::string mk = slurp("bitstreams/Makefile");
  std::set<std::string> read;
  std::regex env_re(R"(sendoff_env\s+(SENDOFF_[A-Z_]+))");
  for (auto it = std::sregex_iterator(tcl.begin(), tcl.end(), env_re); it != std::sregex_iterator();
       ++it)
    read.insert((*it)[1]);
  ASSERT_FALSE(read.empty());
  for (const std::string& v : read)
    EXPECT_NE(mk.find(v + "=$("), std::string::npos) << "the Makefile does not set " << v;
  EXPECT_NE(mk.find("compiler.userPostSysLinkOverlayTcl=$(HERE)/scripts/post_link_gt.tcl"),
            std::string::npos);
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
