// SPDX-License-Identifier: MIT
// What bitstreams/ declares about a kernel and its link, read from the same
// files v++ reads: a Vitis kernel.xml (package_xo's -kernel_xml format) and a
// v++ link config ([connectivity] nk, sp, slr, stream_connect).
#ifndef SENDOFF_TOOLS_XCLBIN_KERNEL_DECL_HPP
#define SENDOFF_TOOLS_XCLBIN_KERNEL_DECL_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace xclbin {

struct PortDecl {
  std::string name;
  std::string mode;       // slave, master, read_only, write_only
  std::string port_type;  // addressable, stream
  uint64_t base = 0;
  uint64_t range = 0;
  unsigned data_width = 0;  // bits
  int line = 0;
};

// addressQualifier values of a kernel argument.
constexpr unsigned ARG_SCALAR = 0;
constexpr unsigned ARG_GLOBAL = 1;  // a buffer address (m_axi)
constexpr unsigned ARG_STREAM = 4;

struct ArgDecl {
  std::string name;
  std::string port;
  std::string type;  // the C type, e.g. "void*", "uint"
  unsigned address_qualifier = 0;
  unsigned id = 0;
  uint64_t offset = 0;  // in the control register space
  uint64_t size = 0;
  uint64_t host_offset = 0;
  uint64_t host_size = 0;
  int line = 0;
};

struct KernelDecl {
  std::string name;
  std::string language;          // ip_c (RTL) or c (HLS)
  std::string control_protocol;  // ap_ctrl_hs, ap_ctrl_chain, ap_ctrl_none, user_managed
  bool interrupt = false;
  std::vector<PortDecl> ports;
  std::vector<ArgDecl> args;
  std::string source;  // the file it came from, for messages

  const PortDecl* port(const std::string& name) const;
  const ArgDecl* arg(const std::string& name) const;
  const PortDecl* control_port() const;  // the AXI4-Lite slave, or nullptr
};

// Parses package_xo's kernel.xml: <root><kernel ...><ports>...</ports>
// <args>...</args></kernel></root>. Exactly one kernel per file.
bool parse_kernel_xml(const std::string& text, KernelDecl* k, std::string* err);
bool load_kernel_xml(const std::string& path, KernelDecl* k, std::string* err);

// ---------------------------------------------------------------- link config
struct CfgEntry {
  std::string section;  // without brackets; "" before the first section
  std::string key;
  std::string value;
  int line = 0;
};

struct LinkSpec {
  struct Nk {
    std::string kernel;
    unsigned count = 0;
    std::vector<std::string> cus;
    int line = 0;
  };
  struct Sp {
    std::string cu, iface, bank;  // iface: an argument or port name
    int line = 0;
  };
  struct Slr {
    std::string cu, slr;
    int line = 0;
  };
  struct Stream {
    std::string from_cu, from_port, to_cu, to_port;
    unsigned depth = 0;
    int line = 0;
  };
  std::vector<Nk> nk;
  std::vector<Sp> sp;
  std::vector<Slr> slr;
  std::vector<Stream> streams;
  std::vector<CfgEntry> entries;  // everything, in file order
  std::string source;

  // The kernel a CU instance belongs to, or "" when no nk line names it.
  std::string kernel_of(const std::string& cu) const;
};

// Reads a v++ config file (INI: [section], key=value, # comments). nk, sp,
// slr and stream_connect in [connectivity] are decoded; connect (GT and clock
// pins) is checked for its form and otherwise ignored; a malformed one is an
// error naming its line.
bool parse_link_config(const std::string& text, LinkSpec* spec, std::string* err);
bool load_link_config(const std::string& path, LinkSpec* spec, std::string* err);

// Parses 0x-prefixed hex or decimal; false on anything else.
bool parse_number(const std::string& s, uint64_t* v);

bool read_file(const std::string& path, std::string* text, std::string* err);

}  // namespace xclbin
}  // namespace sendoff

#endif  // SENDOFF_TOOLS_XCLBIN_KERNEL_DECL_HPP
