// SPDX-License-Identifier: MIT
#include "regmap_doc.hpp"

#include <cstdio>
#include <regex>
#include <sstream>

namespace sendoff {
namespace regmap {

using srcparse::AbiConstant;
using srcparse::AbiRegister;
using srcparse::NicAbi;

namespace {

std::string hex(uint64_t v, int digits) {
  char b[32];
  snprintf(b, sizeof b, "0x%0*llX", digits, static_cast<unsigned long long>(v));
  return b;
}

std::string bare(const std::string& reg) { return reg.substr(4); }  // REG_CTRL -> CTRL

// A single-bit constant written `1u << n`: its bit, else -1.
int bit_of(const AbiConstant& c) {
  static const std::regex bit_re(R"(^1u?\s*<<\s*(\d+)$)");
  std::smatch m;
  return std::regex_match(c.value_src, m, bit_re) ? std::stoi(m[1]) : -1;
}

// The register a *_HI half belongs to.
const AbiRegister* low_half(const NicAbi& abi, const AbiRegister& r) {
  if (r.name.size() < 3 || r.name.compare(r.name.size() - 3, 3, "_HI") != 0) return nullptr;
  const std::string lo = r.name.substr(0, r.name.size() - 3) + "_LO";
  for (const AbiRegister& x : abi.registers)
    if (x.name == lo) return &x;
  return nullptr;
}

// "FLOW_WORDS words, ..." : a register that spans a constant's number of words.
uint64_t span_words(const NicAbi& abi, const AbiRegister& r) {
  static const std::regex span_re(R"(^([A-Z][A-Z0-9_]*) words\b)");
  std::smatch m;
  if (!std::regex_search(r.text, m, span_re)) return 1;
  const AbiConstant* c = abi.constant(m[1]);
  return c ? c->value : 1;
}

}  // namespace

std::string render_markdown(const NicAbi& abi) {
  std::ostringstream o;
  o << "<!-- Generated from hls/include/sendoff/nic_abi.hpp by sendoff-regmap "
       "(tests/bitstreams); do not edit.\n"
       "     Regenerate: cmake --build <build> --target regmap_doc -->\n"
       "# sendoff register map\n\n"
       "The NIC's control registers, one definition in `hls/include/sendoff/nic_abi.hpp` for "
       "the host driver (`host/drivers/net/sendoff/sendoff_nic.cpp`), the HLS kernels and the csim back end; "
       "the RTL mirrors it in `rtl/sendoff_pkg.sv`, and `tests/bitstreams` checks that this "
       "page, the RTL kernel's `kernel.xml` and the header agree.\n\n"
       "AXI4-Lite, 32-bit registers at byte offsets; the space is "
    << hex(abi.space_bytes, 3)
    << " bytes. How each back end reaches it:\n\n"
       "- **csim**, **verilator**: in process (verilator drives the RTL's AXI4-Lite port).\n"
       "- **xrt, RTL flavour** (`sendoff_tx_rtl`, user-managed): these are the kernel's own "
       "registers, read and written through `xrt::ip`.\n"
       "- **xrt, HLS flavour** (`sendoff_tx_hls`, ap_ctrl_hs): the map is kept by the host "
       "back end, as csim keeps it; a doorbell starts a kernel run (see "
       "`bitstreams/hls/sendoff_tx_hls.hpp`).\n\n";

  o << "## Registers\n\n"
       "| offset | register | access | reset | description |\n"
       "| --- | --- | --- | --- | --- |\n";
  for (const AbiRegister& r : abi.registers) {
    const AbiRegister* lo = low_half(abi, r);
    std::string access = r.access.empty() && lo ? lo->access : r.access;
    std::string text = r.text.empty() && lo ? "upper 32 bits of " + bare(lo->name) : r.text;
    const AbiConstant* reset = abi.constant(bare(r.name) + "_VALUE");
    const uint64_t words = span_words(abi, r);
    std::string off = hex(r.offset, 3);
    if (words > 1) off += "–" + hex(r.offset + 4 * (words - 1), 3);
    std::string resetv = access == "WO" ? "—" : reset ? hex(reset->value, 8) : "0";
    o << "| " << off << " | " << bare(r.name) << (words > 1 ? "[" + std::to_string(words) + "]" : "")
      << " | " << access << " | " << resetv << " | " << text << " |\n";
  }

  o << "\n## Fields\n\n| register | bit | name | meaning |\n| --- | --- | --- | --- |\n";
  for (const AbiRegister& r : abi.registers) {
    const std::string prefix = bare(r.name) + "_";
    for (const AbiConstant& c : abi.constants) {
      int bit = bit_of(c);
      if (bit < 0 || c.name.compare(0, prefix.size(), prefix) != 0) continue;
      o << "| " << bare(r.name) << " | " << bit << " | " << c.name << " | " << c.comment << " |\n";
    }
  }

  o << "\n## Values\n\n| name | value | meaning |\n| --- | --- | --- |\n";
  // The register section's own constants, and those its text names.
  std::string mentions = abi.behaviour;
  for (const AbiRegister& r : abi.registers) mentions += " " + r.text;
  for (const AbiConstant& c : abi.constants) {
    if (c.name.rfind("REG_", 0) == 0 || bit_of(c) >= 0) continue;
    const bool named = std::regex_search(mentions, std::regex("\\b" + c.name + "\\b"));
    if (c.section != "register map" && !named) continue;
    const bool value = c.name.size() > 6 && c.name.compare(c.name.size() - 6, 6, "_VALUE") == 0;
    o << "| " << c.name << " | " << (value ? hex(c.value, 8) : std::to_string(c.value)) << " | "
      << c.comment << " |\n";
  }

  o << "\n## Behaviour\n\nAs `nic_abi.hpp` states it:\n\n";
  std::istringstream b(abi.behaviour);
  std::string line;
  while (std::getline(b, line)) o << (line.empty() ? "" : "> " + line) << (line.empty() ? ">\n" : "\n");
  return o.str();
}

std::string render_asserts(const NicAbi& abi) {
  std::ostringstream o;
  o << "// Generated by sendoff-regmap from nic_abi.hpp: the reader against the compiler.\n"
       "#include \"sendoff/nic_abi.hpp\"\n\n";
  for (const AbiConstant& c : abi.constants)
    o << "static_assert(static_cast<unsigned long long>(sendoff::abi::" << c.name
      << ") == " << c.value << "ull, \"sendoff-regmap misread " << c.name << "\");\n";
  o << "static_assert(" << abi.registers.size() << " > 0, \"registers\");\n";
  return o.str();
}

}  // namespace regmap
}  // namespace sendoff
