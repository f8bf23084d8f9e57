// SPDX-License-Identifier: MIT
// Just enough parsing of the project's own sources for tests/bitstreams to
// derive kernel names, ports and widths from them instead of repeating them:
//  - SystemVerilog: a module's ANSI header (parameters, ports, widths) and
//    the named connections of one instance;
//  - HLS C++: the extern "C" functions of a file, their parameters, what their
//    INTERFACE pragmas make of each port and of the block, and the arguments
//    of a call in a body; `constexpr` integer constants;
//  - nic_abi.hpp: the REG_* constants with their access comments;
//  - Makefile: simple `NAME ?= value` / `NAME := value` assignments.
// Each parser fails with a message rather than guessing.
#ifndef SENDOFF_TESTS_BITSTREAMS_SOURCE_PARSE_HPP
#define SENDOFF_TESTS_BITSTREAMS_SOURCE_PARSE_HPP

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sendoff {
namespace srcparse {

// Removes // and /* */ comments, keeping line breaks.
std::string strip_comments(const std::string& text);

// Integer expressions of parameters: + - * / % ( ) $clog2(), decimal and
// sized literals (64'd0, 3'b000, 'h1F). False when a name is unknown.
bool eval(const std::string& expr, const std::map<std::string, int64_t>& names, int64_t* v,
          std::string* err);

// ---------------------------------------------------------------- SystemVerilog
struct SvPort {
  std::string name;
  std::string dir;    // input, output, inout
  std::string range;  // "DataWidth-1:0", or "" for one bit
  int64_t width = 1;  // evaluated with the module's parameter values
};

struct SvModule {
  std::string name;
  std::map<std::string, int64_t> params;         // defaults (or overrides), evaluated
  std::map<std::string, std::string> param_src;  // as written
  std::vector<SvPort> ports;
  const SvPort* port(const std::string& n) const;
};

// The module `name` in text (all of it when name is empty: the first module).
// Parameter values in `overrides` replace the defaults before widths are
// evaluated.
bool parse_sv_module(const std::string& text, const std::string& name,
                     const std::map<std::string, int64_t>& overrides, SvModule* m,
                     std::string* err);

struct SvInstance {
  std::string module, name;
  std::map<std::string, std::string> params;  // .Name (expr)
  std::vector<std::pair<std::string, std::string>> ports;  // .port (expr), in order
};

// The instance of module `module` in text.
bool parse_sv_instance(const std::string& text, const std::string& module, SvInstance* inst,
                       std::string* err);

// ---------------------------------------------------------------- HLS C++
struct CParam {
  std::string type;  // without the name, e.g. "const ap_uint<512>*"
  std::string name;
  bool pointer = false;    // T* or T name[N]
  bool reference = false;  // T&
};

struct HlsPragma {
  std::map<std::string, std::string> kv;  // mode, port, bundle, offset, ...
  int line = 0;
};

// What the INTERFACE pragmas make of one port. An argument has at most one
// interface of its own (m_axi, axis, bram, ap_none, ... or s_axilite when
// that is all it has) and at most one s_axilite register besides (an m_axi
// pointer's address). The block (port=return) has a protocol, ap_ctrl_hs
// unless an ap_ctrl_* pragma says otherwise, and the s_axilite bundle that
// holds it, if any.
struct HlsIface {
  std::string mode;     // the port's interface, or the block protocol for return
  std::string bundle;   // m_axi: its bundle (default gmem); s_axilite alone: its bundle
  std::string axilite;  // the s_axilite bundle with its register (default control); "" if none
  int line = 0;         // of the pragma that set mode; 0: a default
};

struct HlsFunction {
  std::string name;
  std::vector<CParam> params;
  std::vector<HlsPragma> interfaces;  // #pragma HLS INTERFACE in the body, in order
  std::map<std::string, HlsIface> ifaces;  // per parameter that has pragmas, and "return"
  std::string body;
  const CParam* param(const std::string& n) const;
  // The INTERFACE pragmas for argument `port` (port=return for the block).
  std::vector<const HlsPragma*> pragmas_for(const std::string& port) const;
  // The interface of parameter `port`, or of the block for "return"; nullptr
  // when no pragma names the parameter.
  const HlsIface* iface(const std::string& port) const;
};

// Every extern "C" function defined in text (declarations are skipped), in
// file order. Fails on pragmas that name no parameter, or that give a port
// two interfaces of its own or two s_axilite registers.
bool parse_hls_functions(const std::string& text, std::vector<HlsFunction>* fs, std::string* err);

// The definition of extern "C" function `name` (the first such definition
// when name is empty).
bool parse_hls_function(const std::string& text, const std::string& name, HlsFunction* f,
                        std::string* err);

// The arguments of the first call `callee(...)` in body, as written.
bool parse_call(const std::string& body, const std::string& callee, std::vector<std::string>* args,
                std::string* err);

// The bit width of a C/HLS type: ap_uint<N>/ap_int<N>, ap_axiu<N,...>,
// hls::stream<ap_axiu<N,...>>, (u)intN_t, with macro names resolved from
// `macros`. False when it cannot tell.
bool type_width(const std::string& type, const std::map<std::string, int64_t>& macros,
                int64_t* bits, std::string* err);

// `#define NAME <integer>` lines.
std::map<std::string, int64_t> int_macros(const std::string& text);

// `constexpr <int type> NAME = <expr>;` lines whose expression eval() can
// work out from the constants before them and from `known`, added to `known`.
// eval() finds a qualified name (sendoff::NAME) by its last part.
void add_int_constants(const std::string& text, std::map<std::string, int64_t>* known);

// ---------------------------------------------------------------- nic_abi.hpp
struct AbiRegister {
  std::string name;    // REG_ID
  uint32_t offset = 0;
  std::string access;  // RO, RW, WO; "" when the comment does not say (a *_HI half)
  std::string text;    // the rest of the comment
};

struct AbiConstant {
  std::string name, type, value_src, comment;
  std::string section;  // the banner it sits under: "TX descriptor", "register map", ...
  uint64_t value = 0;
};

struct NicAbi {
  std::vector<AbiRegister> registers;  // REG_* but REG_SPACE_BYTES, in file order
  std::vector<AbiConstant> constants;  // every constexpr integer, in file order
  std::string behaviour;               // the register map's comment block, "//" removed
  uint32_t space_bytes = 0;            // REG_SPACE_BYTES
  const AbiConstant* constant(const std::string& n) const;
};

bool parse_nic_abi(const std::string& text, NicAbi* abi, std::string* err);

// ---------------------------------------------------------------- Makefile
// NAME ?= v, NAME := v, NAME = v at the start of a line (no continuation).
std::map<std::string, std::string> make_vars(const std::string& text);

}  // namespace srcparse
}  // namespace sendoff

#endif  // SENDOFF_TESTS_BITSTREAMS_SOURCE_PARSE_HPP
