// SPDX-License-Identifier: MIT
// The CMAC kernel's recipe (bitstreams/cmac) against everything that names it, with no
// Vivado: each name and number is read where it is defined and compared where it is used.
//  - kernel.xml against the wrapper's ports (cmac_krnl.sv) and the VLNV and top that
//    package_cmac.tcl packages; the GT interfaces that the Tcl creates against the ports
//    they map;
//  - the host's register names (host/xrt/include/sendoff/cmac_regs.hpp): the IP's below
//    KRNL_BASE, in the window the wrapper passes through; the wrapper's, decoded by it;
//  - every link config's connect= lines against those interfaces and the platform names
//    of the Makefile's per-card table, which the README states too;
//  - the Makefile: the CMAC rule's prerequisites and its arguments in the Tcl's order,
//    RSFEC in the .xo's path, install;
//  - the wrapper, lint-clean with Verilator against port-shape stubs of the Xilinx IP.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <set>

#include "kernel_check.hpp"
#include "kernel_decl.hpp"
#include "prereq.hpp"
#include "source_parse.hpp"
#include "subprocess.hpp"

namespace sendoff {
namespace {

using namespace srcparse;
using namespace kcheck;
using xclbin::KernelDecl;
using xclbin::LinkSpec;
using xclbin::PortDecl;

const char* const kCards[] = {"u250", "u280", "u55c"};

// ---------------------------------------------------------------- package_cmac.tcl
// `set <name> <word>` lines at the start of a line.
std::map<std::string, std::string> tcl_sets(const std::string& tcl) {
  std::map<std::string, std::string> out;
  std::regex re(R"(^set\s+(\w+)\s+([^\s\[\]$]+)\s*$)", std::regex::multiline);
  for (auto it = std::sregex_iterator(tcl.begin(), tcl.end(), re); it != std::sregex_iterator();
       ++it)
    out[(*it)[1]] = (*it)[2];
  return out;
}

// The interfaces `sendoff_new_busif $core <name> <abstraction> <bus> <mode> {LOGICAL port ...}`
// creates: name -> (mode, logical -> port).
struct TclBusif {
  std::string abstraction, mode;
  std::map<std::string, std::string> ports;
};
std::map<std::string, TclBusif> tcl_busifs(const std::string& tcl) {
  std::map<std::string, TclBusif> out;
  const std::string flat = std::regex_replace(tcl, std::regex(R"(\\\n\s*)"), " ");
  std::regex re(R"(sendoff_new_busif\s+\$core\s+(\w+)\s+(\S+)\s+(\S+)\s+(master|slave)\s+\{([^}]*)\})");
  for (auto it = std::sregex_iterator(flat.begin(), flat.end(), re); it != std::sregex_iterator();
       ++it) {
    TclBusif b;
    b.abstraction = (*it)[2];
    b.mode = (*it)[4];
    auto words = split_list(std::regex_replace(std::string((*it)[5]), std::regex(R"(\s+)"), " "), ' ');
    for (size_t i = 0; i + 1 < words.size(); i += 2) b.ports[words[i]] = words[i + 1];
    out[(*it)[1]] = b;
  }
  return out;
}

// ---------------------------------------------------------------- cmac_regs.hpp
// A register offset, or a field of the register named in the `// NAME` line above it.
struct RegConst {
  std::string name;
  uint64_t value = 0;
  std::string field_of;  // "" for an offset (or a value: KRNL_ID_VALUE, KRNL_SPACE_BYTES)
  bool wrapper = false;  // under the wrapper's banner
  std::string comment;
};

std::vector<RegConst> parse_cmac_regs(const std::string& text) {
  std::vector<RegConst> out;
  std::string field_of;
  bool wrapper = false;
  std::regex banner(R"(^// --- (.*)$)");
  std::regex group(R"(^// ([A-Z][A-Z0-9_]+)\s*$)");
  std::regex cst(R"(^constexpr uint32_t (\w+) = (0x[0-9A-Fa-f]+|\d+)u?(?: << (\d+))?;\s*(?://\s*(.*))?$)");
  for (const std::string& line : split_list(text, '\n')) {
    std::smatch m;
    if (std::regex_match(line, m, banner)) {
      field_of.clear();
      wrapper = m[1].str().find("wrapper") != std::string::npos;
    } else if (std::regex_match(line, m, group)) {
      field_of = m[1];
    } else if (std::regex_match(line, m, cst)) {
      RegConst c;
      c.name = m[1];
      c.value = std::stoull(m[2], nullptr, 0);
      if (m[3].matched) c.value <<= std::stoul(m[3]);
      c.field_of = field_of;
      c.wrapper = wrapper;
      c.comment = m[4];
      out.push_back(c);
    }
  }
  return out;
}

// The wrapper's `localparam logic [..] NAME = <n>'h<hex>;` values.
std::map<std::string, uint64_t> sv_hex_localparams(const std::string& sv) {
  std::map<std::string, uint64_t> out;
  std::regex re(R"(localparam\s+logic\s*\[[^\]]*\]\s*(\w+)\s*=\s*\d+'h([0-9A-Fa-f_]+)\s*;)");
  for (auto it = std::sregex_iterator(sv.begin(), sv.end(), re); it != std::sregex_iterator(); ++it)
    out[(*it)[1]] = std::stoull(std::regex_replace(std::string((*it)[2]), std::regex("_"), ""),
                                nullptr, 16);
  return out;
}

// The items `NAME:` of the case statements in the wrapper.
std::set<std::string> sv_case_items(const std::string& sv) {
  std::set<std::string> out;
  std::regex re(R"(^\s*([A-Z][A-Z0-9_]+)\s*:)", std::regex::multiline);
  for (auto it = std::sregex_iterator(sv.begin(), sv.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

// ---------------------------------------------------------------- the kernel
class CmacKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(xclbin::load_kernel_xml(kRoot + "/bitstreams/cmac/kernel.xml", &k_, &err)) << err;
    sv_ = strip_comments(slurp("bitstreams/cmac/cmac_krnl.sv"));
    ASSERT_TRUE(parse_sv_module(sv_, "", {}, &wrapper_, &err)) << err;
    regs_sv_ = strip_comments(slurp("bitstreams/cmac/cmac_axil_regs.sv"));
    ASSERT_TRUE(parse_sv_module(regs_sv_, "", {}, &regs_block_, &err)) << err;
    tcl_ = slurp("bitstreams/cmac/package_cmac.tcl");
    ASSERT_FALSE(tcl_.empty());
    sets_ = tcl_sets(tcl_);
    busifs_ = tcl_busifs(tcl_);
    regs_ = parse_cmac_regs(slurp("host/xrt/include/sendoff/cmac_regs.hpp"));
    ASSERT_FALSE(regs_.empty());
    mk_ = makefile();
  }
  const RegConst* reg(const std::string& n) const {
    for (const RegConst& r : regs_)
      if (r.name == n) return &r;
    return nullptr;
  }
  KernelDecl k_;
  std::string sv_, regs_sv_, tcl_;  // cmac_krnl.sv and its register block, cmac_axil_regs.sv
  SvModule wrapper_, regs_block_;
  std::map<std::string, std::string> sets_;
  std::map<std::string, TclBusif> busifs_;
  std::vector<RegConst> regs_;
  std::map<std::string, std::string> mk_;
};

TEST_F(CmacKernel, IsTheKernelTheTclPackagesAndTheLinkConfigsName) {
  EXPECT_EQ(k_.name, mk_["CMAC_CU"]);
  EXPECT_EQ(sets_["kernel"], k_.name);
  EXPECT_EQ(sets_["top"], wrapper_.name);
  EXPECT_EQ(wrapper_.name, "cmac_krnl") << "the file is named after its module";
  // tools/xclbin's reader keeps no VLNV: read it here.
  std::smatch vlnv;
  const std::string xml = slurp("bitstreams/cmac/kernel.xml");
  ASSERT_TRUE(std::regex_search(xml, vlnv, std::regex(R"re(vlnv="([^"]+)")re")));
  EXPECT_EQ(vlnv[1], sets_["vendor"] + ":" + sets_["library"] + ":" + sets_["kernel"] + ":" +
                         sets_["version"]);
  EXPECT_NE(tcl_.find("sendoff_kernel_ip_open $work $vendor $library $kernel $version"),
            std::string::npos);
  EXPECT_EQ(k_.control_protocol, "ap_ctrl_none") << "user-managed: the host uses xrt::ip";
  // The instance the wrapper makes is the IP module the Tcl generates.
  SvInstance inst;
  std::string err;
  ASSERT_TRUE(parse_sv_instance(sv_, sets_["ip_name"], &inst, &err)) << err;
}

TEST_F(CmacKernel, EveryKernelXmlPortMatchesTheWrapperSignals) {
  std::set<std::string> claimed = {"ap_clk", "ap_rst_n"};
  for (const PortDecl& p : k_.ports) check_interface(wrapper_, p, &claimed);
  for (const char* s : {"S_AXIS", "M_AXIS"}) {
    const PortDecl* p = k_.port(s);
    ASSERT_NE(p, nullptr) << s;
    EXPECT_EQ(p->data_width, std::stoll(mk_["CMAC_AXIS_BITS"])) << s;
    EXPECT_EQ(p->mode, std::string(s) == "S_AXIS" ? "read_only" : "write_only") << s;
  }
  std::set<std::string> streams;
  for (const PortDecl& p : k_.ports)
    if (p.port_type == "stream") streams.insert(p.name);
  EXPECT_EQ(streams, (std::set<std::string>{"S_AXIS", "M_AXIS"})) << "what stream_connect names";
  // The rest are the GT interfaces' ports, each mapped once.
  for (const auto& b : busifs_)
    for (const auto& lp : b.second.ports) {
      EXPECT_NE(wrapper_.port(lp.second), nullptr) << b.first << "." << lp.first << ": no port "
                                                   << lp.second;
      EXPECT_TRUE(claimed.insert(lp.second).second) << lp.second << " mapped twice";
    }
  for (const SvPort& p : wrapper_.ports) EXPECT_TRUE(claimed.count(p.name)) << p.name << " unmapped";
}

// The GT side: four lanes each way (CAUI-4), a differential reference clock and a clock.
TEST_F(CmacKernel, GtInterfacesAreTheOnesTheLinkConfigsConnect) {
  ASSERT_EQ(busifs_.size(), 3u);
  const TclBusif& gt = busifs_["gt_serial_port"];
  EXPECT_EQ(gt.abstraction, "xilinx.com:interface:gt_rtl:1.0");
  EXPECT_EQ(gt.mode, "master");
  const std::map<std::string, std::string> dirs = {
      {"GRX_P", "input"}, {"GRX_N", "input"}, {"GTX_P", "output"}, {"GTX_N", "output"}};
  ASSERT_EQ(gt.ports.size(), dirs.size());
  for (const auto& d : dirs) {
    ASSERT_TRUE(gt.ports.count(d.first)) << d.first;
    const SvPort* p = wrapper_.port(gt.ports.at(d.first));
    ASSERT_NE(p, nullptr) << d.first;
    EXPECT_EQ(p->dir, d.second) << p->name;
    EXPECT_EQ(p->width, 4) << p->name;
  }
  const TclBusif& rc = busifs_["gt_ref_clk"];
  EXPECT_EQ(rc.abstraction, "xilinx.com:interface:diff_clock_rtl:1.0");
  EXPECT_EQ(rc.mode, "slave");
  EXPECT_EQ(rc.ports, (std::map<std::string, std::string>{{"CLK_P", "gt_ref_clk_p"},
                                                          {"CLK_N", "gt_ref_clk_n"}}));
  const TclBusif& ic = busifs_["init_clk"];
  EXPECT_EQ(ic.mode, "slave");
  EXPECT_EQ(ic.ports, (std::map<std::string, std::string>{{"CLK", "init_clk"}}));
}

TEST_F(CmacKernel, ControlSpaceIsTheHostsAndHoldsEveryRegister) {
  const PortDecl* ctl = k_.port("s_axi_control");
  ASSERT_NE(ctl, nullptr);
  ASSERT_NE(reg("KRNL_SPACE_BYTES"), nullptr);
  ASSERT_NE(reg("KRNL_BASE"), nullptr);
  EXPECT_EQ(ctl->range, reg("KRNL_SPACE_BYTES")->value);
  const uint64_t base = reg("KRNL_BASE")->value;
  EXPECT_EQ(wrapper_.params.at("AxilAddrWidth"), log2_exact(ctl->range));
  // The register block is the wrapper's, at its width, and splits the space where the host
  // does.
  SvInstance inst;
  std::string err;
  ASSERT_TRUE(parse_sv_instance(sv_, regs_block_.name, &inst, &err)) << err;
  EXPECT_EQ(inst.params["AddrWidth"], "AxilAddrWidth");
  const auto lp = sv_hex_localparams(regs_sv_);
  ASSERT_TRUE(lp.count("KRNL_BASE"));
  EXPECT_EQ(lp.at("KRNL_BASE"), base);
  EXPECT_NE(regs_sv_.find("s_axil_awaddr >= KRNL_BASE"), std::string::npos);
  EXPECT_NE(regs_sv_.find("s_axil_araddr >= KRNL_BASE"), std::string::npos);
}

// The IP's registers lie in the window passed through to it, and each field belongs to one.
TEST_F(CmacKernel, IpRegistersLieBelowTheWrappers) {
  const uint64_t base = reg("KRNL_BASE")->value;
  size_t offsets = 0;
  for (const RegConst& r : regs_) {
    if (r.wrapper) continue;
    if (!r.field_of.empty()) {
      const RegConst* owner = reg(r.field_of);
      ASSERT_NE(owner, nullptr) << r.name << ": field of unknown register " << r.field_of;
      EXPECT_TRUE(owner->field_of.empty() && !owner->wrapper) << r.field_of << " is no IP register";
      EXPECT_EQ(r.value & (r.value - 1), 0u) << r.name << ": one bit";
      continue;
    }
    ++offsets;
    EXPECT_LT(r.value, base) << r.name << " is not in the pass-through window";
    EXPECT_EQ(r.value % 4, 0u) << r.name;
  }
  EXPECT_GT(offsets, 10u);
}

// What is wrong with the register block `sv` against the host's names: every wrapper
// register of `regs` a localparam at the same offset, inside [KRNL_BASE, KRNL_SPACE_BYTES),
// and a case item of the read decoder; every KRNL_* case item a register the host names.
std::vector<std::string> register_problems(const std::vector<RegConst>& regs, const std::string& sv) {
  std::vector<std::string> out;
  std::map<std::string, uint64_t> host;
  for (const RegConst& r : regs) host[r.name] = r.value;
  const uint64_t base = host["KRNL_BASE"], space = host["KRNL_SPACE_BYTES"];
  const auto lp = sv_hex_localparams(sv);
  const auto items = sv_case_items(sv);
  for (const RegConst& r : regs) {
    if (!r.wrapper || r.name == "KRNL_BASE" || r.name == "KRNL_SPACE_BYTES") continue;
    auto l = lp.find(r.name);
    if (l == lp.end()) {
      out.push_back("no localparam " + r.name);
      continue;
    }
    if (l->second != r.value) out.push_back(r.name + " at another offset");
    if (r.name.size() > 6 && r.name.compare(r.name.size() - 6, 6, "_VALUE") == 0) continue;
    if (r.value < base || r.value >= space) out.push_back(r.name + " outside the wrapper's range");
    if (!items.count(r.name)) out.push_back(r.name + " is not a case item of the read decoder");
  }
  if (lp.count("KRNL_BASE") == 0 || lp.at("KRNL_BASE") != base) out.push_back("KRNL_BASE differs");
  for (const std::string& i : items)
    if (i.rfind("KRNL_", 0) == 0 && !host.count(i)) out.push_back(i + ": unknown to the host");
  return out;
}

// Every wrapper register the host names is decoded by the block at the same offset.
TEST_F(CmacKernel, WrapperDecodesEveryRegisterTheHostNames) {
  size_t named = 0;
  for (const RegConst& r : regs_) named += r.wrapper;
  EXPECT_EQ(named, 7u) << "KRNL_BASE, four registers, KRNL_ID_VALUE, KRNL_SPACE_BYTES";
  for (const std::string& p : register_problems(regs_, regs_sv_)) ADD_FAILURE() << p;
}

// The check above catches a register misspelt, moved or not decoded, on either side.
TEST_F(CmacKernel, RegisterCheckCatchesAMisspeltOrMovedRegister) {
  ASSERT_TRUE(register_problems(regs_, regs_sv_).empty());
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"KRNL_RX_DROPPED   = 16'h8008", "KRNL_RX_DROPED    = 16'h8008"},
      {"KRNL_RX_DROPPED   = 16'h8008", "KRNL_RX_DROPPED   = 16'h8010"},
      {"KRNL_TX_UNDERFLOW: s_axil_rdata", "KRNL_TX_UNDERFLO: s_axil_rdata"},
      {"KRNL_ID_VALUE     = 32'h434D4143", "KRNL_ID_VALUE     = 32'h434D4144"},
      {"KRNL_BASE         = 16'h8000", "KRNL_BASE         = 16'h4000"}};
  for (const auto& e : edits) {
    std::string sv = regs_sv_;
    const size_t at = sv.find(e.first);
    ASSERT_NE(at, std::string::npos) << e.first;
    sv.replace(at, e.first.size(), e.second);
    EXPECT_FALSE(register_problems(regs_, sv).empty()) << e.second;
  }
  auto regs = regs_;
  for (RegConst& r : regs)
    if (r.name == "KRNL_CONFIG") r.name = "KRNL_CONFIGURATION";
  EXPECT_FALSE(register_problems(regs, regs_sv_).empty()) << "a host name the block lacks";
}

// KRNL_CONFIG's card numbers (its comment) are the Makefile's, and the wrapper builds the
// register from the parameters the Tcl sets.
TEST_F(CmacKernel, ConfigRegisterCarriesTheBuildsCardAndRsFec) {
  const RegConst* cfg = reg("KRNL_CONFIG");
  ASSERT_NE(cfg, nullptr);
  std::map<std::string, std::string> ids;
  std::regex re(R"((\d+) (u\d+\w*))");
  for (auto it = std::sregex_iterator(cfg->comment.begin(), cfg->comment.end(), re);
       it != std::sregex_iterator(); ++it)
    ids[(*it)[2]] = (*it)[1];
  for (const char* c : kCards) EXPECT_EQ(ids[c], mk_["CARD_ID_" + std::string(c)]) << c;
  EXPECT_NE(tcl_.find("foreach {name value} [list RsFec $rsfec Card $card_id]"), std::string::npos);
  EXPECT_TRUE(wrapper_.params.count("RsFec") && wrapper_.params.count("Card"));
  EXPECT_NE(sv_.find(".krnl_config     ({28'd0, 3'(Card), RsFec})"), std::string::npos);
  EXPECT_NE(regs_sv_.find("KRNL_CONFIG:       s_axil_rdata <= krnl_config;"), std::string::npos);
}

TEST_F(CmacKernel, TclConfiguresTheIpFromItsArguments) {
  const std::string flat = std::regex_replace(tcl_, std::regex(R"(\\\n\s*)"), " ");
  // The argument order the Makefile's rule follows (Recipe test below).
  EXPECT_NE(flat.find("lassign $argv xo kernel_xml part card_id cmac_site gt_group refclk_mhz "
                      "init_mhz rsfec"),
            std::string::npos);
  for (const char* kv : {"CONFIG.CMAC_CORE_SELECT $cmac_site", "CONFIG.GT_GROUP_SELECT $gt_group",
                         "CONFIG.GT_REF_CLK_FREQ $refclk_mhz", "CONFIG.GT_DRP_CLK $init_mhz",
                         "CONFIG.INCLUDE_RS_FEC $rsfec", "CONFIG.USER_INTERFACE {AXIS}",
                         "CONFIG.ENABLE_AXI_INTERFACE {1}", "CONFIG.CMAC_CAUI4_MODE {1}"}) {
    std::string want = std::regex_replace(std::string(kv), std::regex(" "), R"(\s+)");
    want = std::regex_replace(want, std::regex(R"([${}.])"), R"(\$&)");
    EXPECT_TRUE(std::regex_search(flat, std::regex(want))) << kv;
  }
}

// The per-card table: a CMAC site and the four GT channels of one quad, a reference clock
// the CMAC supports, a card number.
TEST(CmacCards, MakefileGivesEveryCardItsCmacSiteQuadAndClocks) {
  auto mk = makefile();
  std::set<std::string> ids;
  for (const char* c : kCards) {
    const std::string card = c;
    EXPECT_TRUE(std::regex_match(mk["CMAC_SITE_" + card], std::regex(R"(CMACE4_X\dY\d+)"))) << c;
    std::smatch m;
    const std::string group = mk["CMAC_GT_GROUP_" + card];
    ASSERT_TRUE(std::regex_match(group, m, std::regex(R"(X(\d)Y(\d+)~X(\d)Y(\d+))"))) << group;
    EXPECT_EQ(m[1], m[3]) << group;
    EXPECT_EQ(std::stoi(m[4]) - std::stoi(m[2]), 3) << group << ": four channels";
    EXPECT_EQ(std::stoi(m[2]) % 4, 0) << group << ": one quad";
    const std::string mhz = mk["GT_REFCLK_MHZ_" + card];
    EXPECT_TRUE(mhz == "156.25" || mhz == "161.1328125") << c << ": " << mhz;
    EXPECT_FALSE(mk["INIT_CLK_MHZ_" + card].empty()) << c;
    EXPECT_TRUE(ids.insert(mk["CARD_ID_" + card]).second) << c;
    for (const char* v : {"GT_PORT_", "GT_REFCLK_", "FREERUN_CLK_"})
      EXPECT_FALSE(mk[v + card].empty()) << v << card;
  }
}

// ---------------------------------------------------------------- link configs
// What is wrong with the connect= lines of a config that instantiates cmac: exactly one line
// per GT interface, cmac_0's side an interface the Tcl creates, the platform's side the
// card's name in `names` (interface -> platform name), in the direction of the signal.
std::vector<std::string> connect_problems(const LinkSpec& spec, const std::string& cmac,
                                          const std::map<std::string, TclBusif>& busifs,
                                          const std::map<std::string, std::string>& names) {
  std::vector<std::string> out;
  std::map<std::string, int> seen;
  for (const auto& e : spec.entries) {
    if (e.section != "connectivity" || e.key != "connect") continue;
    auto f = split_list(e.value, ':');
    if (f.size() != 2) {
      out.push_back("connect=" + e.value + ": expected <from>:<to>");
      continue;
    }
    const std::string pre = cmac + "/";
    const bool from_cmac = f[0].rfind(pre, 0) == 0;
    const std::string mine = from_cmac ? f[0].substr(pre.size())
                                       : (f[1].rfind(pre, 0) == 0 ? f[1].substr(pre.size()) : "");
    const std::string theirs = from_cmac ? f[1] : f[0];
    auto b = busifs.find(mine);
    if (b == busifs.end()) {
      out.push_back("connect=" + e.value + ": no interface " + cmac + "/" + mine);
      continue;
    }
    ++seen[mine];
    if (from_cmac != (b->second.mode == "master"))
      out.push_back("connect=" + e.value + ": " + mine + " is a " + b->second.mode);
    auto n = names.find(mine);
    if (n == names.end() || theirs != n->second)
      out.push_back("connect=" + e.value + ": the platform side should be " +
                    (n == names.end() ? std::string("?") : n->second));
  }
  for (const auto& b : busifs)
    if (seen[b.first] != 1)
      out.push_back(cmac + "/" + b.first + " is connected " + std::to_string(seen[b.first]) +
                    " times");
  return out;
}

std::map<std::string, std::string> platform_names(const std::map<std::string, std::string>& mk,
                                                  const std::string& card) {
  return {{"gt_serial_port", mk.at("GT_PORT_" + card)},
          {"gt_ref_clk", mk.at("GT_REFCLK_" + card)},
          {"init_clk", mk.at("FREERUN_CLK_" + card)}};
}

struct CfgName {
  std::string card, flavour;
};
void PrintTo(const CfgName& c, std::ostream* os) { *os << c.card << "_" << c.flavour << ".cfg"; }

class CmacLink : public ::testing::TestWithParam<CfgName> {};

TEST_P(CmacLink, WiresTheGtSideToTheCardsQsfp0) {
  std::string err;
  LinkSpec spec;
  ASSERT_TRUE(xclbin::load_link_config(
      kRoot + "/bitstreams/link/" + GetParam().card + "_" + GetParam().flavour + ".cfg", &spec, &err))
      << err;
  const auto mk = makefile();
  const std::string cmac = mk.at("CMAC_CU");
  ASSERT_EQ(spec.kernel_of(cmac), cmac) << "nk=" << cmac << " missing";
  const auto busifs = tcl_busifs(slurp("bitstreams/cmac/package_cmac.tcl"));
  for (const std::string& p : connect_problems(spec, cmac, busifs, platform_names(mk, GetParam().card)))
    ADD_FAILURE() << p;
  // No other key reaches into the CMAC's GT side (a leftover hook parameter, say).
  for (const auto& e : spec.entries)
    EXPECT_EQ(e.value.find("PostSysLink"), std::string::npos) << e.key << "=" << e.value;
}

INSTANTIATE_TEST_SUITE_P(All, CmacLink,
                         ::testing::Values(CfgName{"u250", "hls"}, CfgName{"u250", "rtl"},
                                           CfgName{"u280", "hls"}, CfgName{"u280", "rtl"},
                                           CfgName{"u55c", "hls"}, CfgName{"u55c", "rtl"}),
                         [](const ::testing::TestParamInfo<CfgName>& p) {
                           return p.param.card + "_" + p.param.flavour;
                         });

// The check above catches a misspelt name on either side, a line missing, doubled or turned.
TEST(CmacLinkCheck, CatchesAWrongConnectLine) {
  const std::map<std::string, TclBusif> busifs = {
      {"gt_serial_port", {"", "master", {}}}, {"gt_ref_clk", {"", "slave", {}}},
      {"init_clk", {"", "slave", {}}}};
  const std::map<std::string, std::string> names = {{"gt_serial_port", "io_gt_qsfp0_00"},
                                                    {"gt_ref_clk", "io_clk_qsfp0_refclka_00"},
                                                    {"init_clk", "freerun/clk"}};
  const std::vector<std::string> good = {"connect=cmac_0/gt_serial_port:io_gt_qsfp0_00",
                                         "connect=io_clk_qsfp0_refclka_00:cmac_0/gt_ref_clk",
                                         "connect=freerun/clk:cmac_0/init_clk"};
  auto spec_of = [](const std::vector<std::string>& lines) {
    std::string text = "[connectivity]\nnk=cmac_0:1:cmac_0\n";
    for (const std::string& l : lines) text += l + "\n";
    LinkSpec s;
    std::string err;
    EXPECT_TRUE(xclbin::parse_link_config(text, &s, &err)) << err;
    return s;
  };
  EXPECT_TRUE(connect_problems(spec_of(good), "cmac_0", busifs, names).empty());
  const std::vector<std::pair<size_t, std::string>> bad = {
      {0, "connect=cmac_0/gt_serial_prt:io_gt_qsfp0_00"},
      {0, "connect=cmac_0/gt_serial_port:io_gt_qsfp1_00"},
      {0, "connect=io_gt_qsfp0_00:cmac_0/gt_serial_port"},
      {1, "connect=io_clk_qsfp0_refclkb_00:cmac_0/gt_ref_clk"},
      {1, "connect=io_clk_qsfp0_refclka_00:cmac_1/gt_ref_clk"},
      {2, "connect=freerun/clk:cmac_0/init_clock"},
      {2, "connect=cmac_0/gt_serial_port:io_gt_qsfp0_00"}};
  for (const auto& b : bad) {
    auto lines = good;
    lines[b.first] = b.second;
    EXPECT_FALSE(connect_problems(spec_of(lines), "cmac_0", busifs, names).empty()) << b.second;
  }
  for (size_t i = 0; i < good.size(); ++i) {
    auto lines = good;
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(connect_problems(spec_of(lines), "cmac_0", busifs, names).empty())
        << "without " << good[i];
  }
}

// ---------------------------------------------------------------- README
// Every platform name a card owner must check, with the card's CMAC site and clock.
TEST(CmacReadme, StatesEveryCardsGtNamesAndHowToCheckThem) {
  const std::string readme = slurp("bitstreams/README.md");
  const auto mk = makefile();
  for (const char* c : kCards) {
    const std::string card = c;
    // One table row per card (| U55C | ...) holds them all.
    std::string upper = card;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    bool row = false;
    for (const std::string& line : split_list(readme, '\n')) {
      if (line.rfind("| " + upper + " ", 0) != 0) continue;
      bool all = true;
      for (const char* v : {"GT_PORT_", "GT_REFCLK_", "FREERUN_CLK_", "CMAC_SITE_",
                            "CMAC_GT_GROUP_", "GT_REFCLK_MHZ_"})
        all &= line.find("`" + mk.at(v + card) + "`") != std::string::npos ||
               line.find(" " + mk.at(v + card) + " ") != std::string::npos;
      row |= all;
    }
    EXPECT_TRUE(row) << "README: no table row for " << card << " with all of its GT names";
  }
  EXPECT_NE(readme.find("platforminfo -p"), std::string::npos);
  EXPECT_EQ(readme.find("post_link_gt"), std::string::npos);
}

// ---------------------------------------------------------------- the recipe
std::string make_dry(const std::vector<std::string>& args, int* code = nullptr) {
  std::vector<std::string> argv = {SENDOFF_MAKE, "-n", "-C", kRoot + "/bitstreams",
                                   "BUILD=/nonexistent/build"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = sys::run_process(argv);
  if (code) {
    *code = r.exit_code;
  } else {
    EXPECT_EQ(r.exit_code, 0) << sys::describe_failure(argv, r);
  }
  return std::regex_replace(std::regex_replace(r.out, std::regex(R"(\\\n\s*)"), " "),
                            std::regex("[ \t]+"), " ");
}

std::string line_with(const std::string& out, const std::string& what) {
  for (const std::string& l : split_list(out, '\n'))
    if (l.find(what) != std::string::npos) return l;
  return {};
}

// Without CMAC_XO, make packages the CMAC for the card, with its row of the table and
// RSFEC, in the Tcl's argument order, and links that .xo.
TEST(CmacRecipe, BuildsTheCmacForTheCardAndLinksIt) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_MAKE));
  const auto mk = makefile();
  for (const char* c : kCards)
    for (const char* rsfec : {"0", "1"}) {
      const std::string card = c;
      const std::string out = make_dry({"CARD=" + card, "FLAVOUR=rtl", std::string("RSFEC=") + rsfec});
      const std::string xo = "/nonexistent/build/cmac_rsfec" + std::string(rsfec) + "/cmac_0.xo";
      const std::string pkg = line_with(out, "package_cmac.tcl");
      ASSERT_FALSE(pkg.empty()) << out;
      const std::string want = "-tclargs " + xo + " " + kRoot + "/bitstreams/cmac/kernel.xml " +
                               mk.at("PART_" + card) + " " + mk.at("CARD_ID_" + card) + " " +
                               mk.at("CMAC_SITE_" + card) + " " + mk.at("CMAC_GT_GROUP_" + card) +
                               " " + mk.at("GT_REFCLK_MHZ_" + card) + " " +
                               mk.at("INIT_CLK_MHZ_" + card) + " " + rsfec + " " +
                               kRoot + "/bitstreams/cmac/cmac_rx_drop.sv " +
                               kRoot + "/bitstreams/cmac/cmac_axil_regs.sv " +
                               kRoot + "/bitstreams/cmac/cmac_krnl.sv";
      EXPECT_NE(pkg.find(want), std::string::npos) << pkg << "\nwant: " << want;
      const std::string link = line_with(out, " -l ");
      EXPECT_NE(link.find(" " + xo), std::string::npos) << link;
      EXPECT_EQ(link.find("PostSysLink"), std::string::npos) << link;
    }
}

// The .xo rule depends on every CMAC source, the Tcl, kernel.xml; the xclbin on the .xo.
TEST(CmacRecipe, RebuildsWhenTheWrapperTclOrRsFecChange) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_MAKE));
  std::vector<std::string> argv = {SENDOFF_MAKE, "-pn", "-C", kRoot + "/bitstreams",
                                   "BUILD=/nonexistent/build", "CARD=u55c", "FLAVOUR=hls"};
  auto r = sys::run_process(argv);
  ASSERT_EQ(r.exit_code, 0) << sys::describe_failure(argv, r);
  std::map<std::string, std::set<std::string>> deps;
  for (const std::string& l : split_list(r.out, '\n')) {
    std::smatch m;
    if (std::regex_match(l, m, std::regex(R"((/nonexistent/build/\S+):(?!=)\s*(.*))")))
      for (const std::string& d : split_list(m[2], ' ')) deps[m[1]].insert(d);
  }
  const auto& xo = deps["/nonexistent/build/cmac_rsfec1/cmac_0.xo"];
  std::set<std::string> want = {kRoot + "/bitstreams/cmac/package_cmac.tcl",
                                kRoot + "/bitstreams/scripts/kernel_ip.tcl",
                                kRoot + "/bitstreams/cmac/kernel.xml"};
  for (const auto& e : std::filesystem::directory_iterator(kRoot + "/bitstreams/cmac"))
    if (e.path().extension() == ".sv") want.insert(e.path().string());
  for (const std::string& w : want) EXPECT_TRUE(xo.count(w)) << "cmac_0.xo does not depend on " << w;
  const auto& xclbin = deps["/nonexistent/build/sendoff_hls.xclbin"];
  EXPECT_TRUE(xclbin.count("/nonexistent/build/cmac_rsfec1/cmac_0.xo"));
  EXPECT_TRUE(xclbin.count("/nonexistent/build/cmac_xo.stamp")) << "RSFEC back and forth relinks";
  // print-cmac-srcs, what the lint below compiles, is every .sv of bitstreams/cmac, top last.
  const auto mk = makefile();
  auto srcs = split_list(
      std::regex_replace(std::regex_replace(mk.at("CMAC_SRCS"), std::regex(R"(\$\(HERE\))"),
                                            kRoot + "/bitstreams"), std::regex(R"(\s+)"), " "), ' ');
  ASSERT_FALSE(srcs.empty());
  EXPECT_EQ(srcs.back(), kRoot + "/bitstreams/cmac/cmac_krnl.sv");
  want.erase(kRoot + "/bitstreams/cmac/package_cmac.tcl");
  want.erase(kRoot + "/bitstreams/scripts/kernel_ip.tcl");
  want.erase(kRoot + "/bitstreams/cmac/kernel.xml");
  EXPECT_EQ(std::set<std::string>(srcs.begin(), srcs.end()), want);
}

TEST(CmacRecipe, RefusesAnRsFecThatIsNotZeroOrOne) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_MAKE));
  int code = 0;
  make_dry({"CARD=u250", "RSFEC=2"}, &code);
  EXPECT_NE(code, 0);
}

// make install puts the xclbin where the host's default --xclbin looks.
TEST(CmacRecipe, InstallsTheXclbinUnderDatadir) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_MAKE));
  const std::string out = make_dry({"CARD=u280", "FLAVOUR=rtl", "install", "DESTDIR=/stage",
                                    "prefix=/opt/sendoff"});
  EXPECT_NE(out.find("install -m 0644 /nonexistent/build/sendoff_rtl.xclbin "
                     "/stage/opt/sendoff/share/sendoff/sendoff.xclbin"),
            std::string::npos) << out;
  const std::string dflt = make_dry({"CARD=u280", "FLAVOUR=rtl", "install"});
  EXPECT_NE(dflt.find(" /usr/local/share/sendoff/sendoff.xclbin"), std::string::npos) << dflt;
}

// ---------------------------------------------------------------- lint
TEST(CmacLint, WrapperLintsCleanAgainstTheIpStubs) {
  SENDOFF_REQUIRE(test::missing_program(SENDOFF_VERILATOR));
  std::vector<std::string> argv = {SENDOFF_VERILATOR, "--lint-only", "-Wall", "--top-module",
                                   "cmac_krnl"};
  for (const auto& e : std::filesystem::directory_iterator(kRoot + "/tests/bitstreams/xilinx_stubs"))
    argv.push_back(e.path().string());
  for (const std::string& f : split_list(makefile().at("CMAC_SRCS"), ' '))
    argv.push_back(std::regex_replace(f, std::regex(R"(\$\(HERE\))"), kRoot + "/bitstreams"));
  auto r = sys::run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << sys::describe_failure(argv, r);
}

}  // namespace
}  // namespace sendoff
