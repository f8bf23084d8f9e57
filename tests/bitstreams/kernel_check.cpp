// SPDX-License-Identifier: MIT
#include "kernel_check.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace sendoff {
namespace kcheck {

using srcparse::SvModule;
using srcparse::SvPort;
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

std::map<std::string, std::string> makefile() {
  return srcparse::make_vars(slurp("bitstreams/Makefile"));
}

namespace {

// ---------------------------------------------------------------- AXI signals
struct Signal {
  const char* suffix;
  bool out;          // driven by the kernel
  bool required;
  enum Width { ONE, DATA, STRB, ADDR, FIXED, ID } width;  // ID: the width of <port>_arid
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
    {"rready", true, true, Signal::ONE},       {"arid", true, false, Signal::ID},
    {"rid", false, false, Signal::ID}};

// AXI4 master, write channels: all or none.
const std::vector<Signal> kAxiWriteMaster = {
    {"awaddr", true, true, Signal::FIXED, 64}, {"awvalid", true, true, Signal::ONE},
    {"awready", false, true, Signal::ONE},     {"awlen", true, false, Signal::FIXED, 8},
    {"awsize", true, false, Signal::FIXED, 3}, {"awburst", true, false, Signal::FIXED, 2},
    {"wdata", true, true, Signal::DATA},       {"wstrb", true, true, Signal::STRB},
    {"wlast", true, true, Signal::ONE},        {"wvalid", true, true, Signal::ONE},
    {"wready", false, true, Signal::ONE},      {"bresp", false, false, Signal::FIXED, 2},
    {"bvalid", false, true, Signal::ONE},      {"bready", true, true, Signal::ONE},
    {"awcache", true, false, Signal::FIXED, 4}, {"awprot", true, false, Signal::FIXED, 3}};

// AXI4-Stream source (write_only port); a read_only port mirrors the directions.
static const std::vector<Signal> kAxisSource = {
    {"tdata", true, true, Signal::DATA}, {"tkeep", true, false, Signal::STRB},
    {"tstrb", true, false, Signal::STRB}, {"tlast", true, false, Signal::ONE},
    {"tvalid", true, true, Signal::ONE}, {"tready", false, true, Signal::ONE}};

}  // namespace

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
    // Read channels, write channels or both (m_axi_rx only writes); never neither.
    bool reads = false;
    for (const Signal& s : kAxiReadMaster) reads |= w.port(p.name + "_" + s.suffix) != nullptr;
    for (const Signal& s : kAxiWriteMaster) writes |= w.port(p.name + "_" + s.suffix) != nullptr;
    EXPECT_TRUE(reads || writes) << w.name << " has no signal of kernel.xml port " << p.name;
    static const std::vector<Signal> kNone;
    base = reads || !writes ? &kAxiReadMaster : &kNone;
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
      case Signal::ID: {
        const SvPort* arid = w.port(p.name + "_arid");
        EXPECT_NE(arid, nullptr) << n << " without " << p.name << "_arid";
        want = arid ? arid->width : 0;
        EXPECT_TRUE(want >= 1 && want <= 16) << n << ": AXI ID of " << want << " bits";
        break;
      }
    }
    EXPECT_EQ(sp->width, want) << n << " [" << sp->range << "] against kernel.xml port " << p.name
                               << " (dataWidth " << p.data_width << ")";
  }
}

}  // namespace kcheck
}  // namespace sendoff
