// SPDX-License-Identifier: MIT
#include "kernel_decl.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mini_xml.hpp"

namespace sendoff {
namespace xclbin {

bool parse_number(const std::string& s, uint64_t* v) {
  if (s.empty()) return false;
  const char* p = s.c_str();
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    p += 2;
  }
  if (*p == '\0' || *p == '-' || *p == '+') return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long r = std::strtoull(p, &end, base);
  if (errno != 0 || *end != '\0') return false;
  *v = r;
  return true;
}

bool read_file(const std::string& path, std::string* text, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *text = ss.str();
  return true;
}

const PortDecl* KernelDecl::port(const std::string& n) const {
  for (const PortDecl& p : ports)
    if (p.name == n) return &p;
  return nullptr;
}

const ArgDecl* KernelDecl::arg(const std::string& n) const {
  for (const ArgDecl& a : args)
    if (a.name == n) return &a;
  return nullptr;
}

const PortDecl* KernelDecl::control_port() const {
  for (const PortDecl& p : ports)
    if (p.mode == "slave") return &p;
  return nullptr;
}

namespace {

bool number_attr(const xml::Element& e, const char* a, bool required, uint64_t* v,
                 std::string* err) {
  if (!e.has(a)) {
    if (!required) return true;
    *err = "line " + std::to_string(e.line) + ": <" + e.name + "> has no " + a;
    return false;
  }
  if (!parse_number(e.attr(a), v)) {
    *err = "line " + std::to_string(e.line) + ": <" + e.name + "> " + a + "=\"" + e.attr(a) +
           "\" is not a number";
    return false;
  }
  return true;
}

bool text_attr(const xml::Element& e, const char* a, std::string* v, std::string* err) {
  if (!e.has(a) || e.attr(a).empty()) {
    *err = "line " + std::to_string(e.line) + ": <" + e.name + "> has no " + a;
    return false;
  }
  *v = e.attr(a);
  return true;
}

}  // namespace

bool parse_kernel_xml(const std::string& text, KernelDecl* k, std::string* err) {
  xml::Element root;
  if (!xml::parse(text, &root, err)) return false;
  if (root.name != "root") {
    *err = "the root element is <" + root.name + ">, not <root>";
    return false;
  }
  auto kernels = root.all("kernel");
  if (kernels.size() != 1) {
    *err = "expected exactly one <kernel>, found " + std::to_string(kernels.size());
    return false;
  }
  const xml::Element& ke = *kernels[0];
  *k = KernelDecl{};
  if (!text_attr(ke, "name", &k->name, err) || !text_attr(ke, "language", &k->language, err) ||
      !text_attr(ke, "hwControlProtocol", &k->control_protocol, err))
    return false;
  k->interrupt = ke.attr("interrupt") == "true";

  const xml::Element* ports = ke.first("ports");
  const xml::Element* args = ke.first("args");
  if (!ports || !args) {
    *err = "<kernel " + k->name + "> needs <ports> and <args>";
    return false;
  }
  for (const xml::Element* pe : ports->all("port")) {
    PortDecl p;
    p.line = pe->line;
    uint64_t dw = 0;
    if (!text_attr(*pe, "name", &p.name, err) || !text_attr(*pe, "mode", &p.mode, err) ||
        !text_attr(*pe, "portType", &p.port_type, err) ||
        !number_attr(*pe, "dataWidth", true, &dw, err) ||
        !number_attr(*pe, "base", false, &p.base, err) ||
        !number_attr(*pe, "range", p.mode == "slave", &p.range, err))
      return false;
    p.data_width = static_cast<unsigned>(dw);
    if (k->port(p.name)) {
      *err = "line " + std::to_string(p.line) + ": port " + p.name + " declared twice";
      return false;
    }
    k->ports.push_back(p);
  }
  for (const xml::Element* ae : args->all("arg")) {
    ArgDecl a;
    a.line = ae->line;
    uint64_t aq = 0, id = 0;
    if (!text_attr(*ae, "name", &a.name, err) || !text_attr(*ae, "port", &a.port, err) ||
        !text_attr(*ae, "type", &a.type, err) ||
        !number_attr(*ae, "addressQualifier", true, &aq, err) ||
        !number_attr(*ae, "id", true, &id, err) ||
        !number_attr(*ae, "offset", true, &a.offset, err) ||
        !number_attr(*ae, "size", true, &a.size, err) ||
        !number_attr(*ae, "hostOffset", true, &a.host_offset, err) ||
        !number_attr(*ae, "hostSize", true, &a.host_size, err))
      return false;
    a.address_qualifier = static_cast<unsigned>(aq);
    a.id = static_cast<unsigned>(id);
    if (!k->port(a.port)) {
      *err = "line " + std::to_string(a.line) + ": arg " + a.name + " names port " + a.port +
             ", which <ports> does not declare";
      return false;
    }
    k->args.push_back(a);
  }
  for (size_t i = 0; i < k->args.size(); ++i) {
    if (k->args[i].id != i) {
      *err = "line " + std::to_string(k->args[i].line) + ": arg " + k->args[i].name +
             " has id " + std::to_string(k->args[i].id) + "; ids must run 0, 1, ... in order";
      return false;
    }
  }
  return true;
}

bool load_kernel_xml(const std::string& path, KernelDecl* k, std::string* err) {
  std::string text;
  if (!read_file(path, &text, err)) return false;
  if (!parse_kernel_xml(text, k, err)) {
    *err = path + ": " + *err;
    return false;
  }
  k->source = path;
  return true;
}

// ---------------------------------------------------------------- link config

std::string LinkSpec::kernel_of(const std::string& cu) const {
  for (const Nk& n : nk)
    for (const std::string& c : n.cus)
      if (c == cu) return n.kernel;
  return {};
}

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t b = 0;
  for (;;) {
    size_t e = s.find(sep, b);
    out.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) return out;
    b = e + 1;
  }
}

// "<cu>.<port>" at the first dot.
bool cu_dot(const std::string& s, std::string* cu, std::string* rest) {
  size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == s.size()) return false;
  *cu = s.substr(0, dot);
  *rest = s.substr(dot + 1);
  return true;
}

bool decode(const CfgEntry& e, LinkSpec* spec, std::string* err) {
  auto bad = [&](const char* form) {
    *err = "line " + std::to_string(e.line) + ": " + e.key + "=" + e.value + ": expected " + form;
    return false;
  };
  if (e.key == "nk") {
    auto f = split(e.value, ':');
    LinkSpec::Nk n;
    n.line = e.line;
    uint64_t count = 0;
    if (f.size() < 2 || f.size() > 3 || f[0].empty() || !parse_number(f[1], &count) || count == 0)
      return bad("nk=<kernel>:<count>[:<cu>.<cu>...]");
    n.kernel = f[0];
    n.count = static_cast<unsigned>(count);
    if (f.size() == 3) {
      n.cus = split(f[2], '.');
    } else {
      for (unsigned i = 1; i <= n.count; ++i) n.cus.push_back(n.kernel + "_" + std::to_string(i));
    }
    if (n.cus.size() != n.count) return bad("as many CU names as the count");
    spec->nk.push_back(n);
  } else if (e.key == "sp") {
    size_t colon = e.value.rfind(':');
    LinkSpec::Sp s;
    s.line = e.line;
    if (colon == std::string::npos || !cu_dot(e.value.substr(0, colon), &s.cu, &s.iface) ||
        colon + 1 == e.value.size())
      return bad("sp=<cu>.<argument or port>:<memory>");
    s.bank = e.value.substr(colon + 1);
    spec->sp.push_back(s);
  } else if (e.key == "slr") {
    auto f = split(e.value, ':');
    if (f.size() != 2 || f[0].empty() || f[1].rfind("SLR", 0) != 0) return bad("slr=<cu>:SLR<n>");
    spec->slr.push_back({f[0], f[1], e.line});
  } else if (e.key == "stream_connect") {
    auto f = split(e.value, ':');
    LinkSpec::Stream s;
    s.line = e.line;
    uint64_t depth = 0;
    if (f.size() < 2 || f.size() > 3 || !cu_dot(f[0], &s.from_cu, &s.from_port) ||
        !cu_dot(f[1], &s.to_cu, &s.to_port) || (f.size() == 3 && !parse_number(f[2], &depth)))
      return bad("stream_connect=<cu>.<port>:<cu>.<port>[:<depth>]");
    s.depth = static_cast<unsigned>(depth);
    spec->streams.push_back(s);
  } else if (e.key == "connect") {
    // GT lanes and reference clocks to the platform's pins: wiring inside the
    // bitstream that no xclbin section describes.
    if (e.value.find(':') == std::string::npos) return bad("connect=<from>:<to>");
  }
  return true;
}

}  // namespace

bool parse_link_config(const std::string& text, LinkSpec* spec, std::string* err) {
  *spec = LinkSpec{};
  std::string section;
  int line = 0;
  std::istringstream in(text);
  std::string raw;
  while (std::getline(in, raw)) {
    ++line;
    std::string s = trim(raw);
    if (s.empty() || s[0] == '#') continue;
    if (s[0] == '[') {
      if (s.back() != ']') {
        *err = "line " + std::to_string(line) + ": unterminated section header";
        return false;
      }
      section = trim(s.substr(1, s.size() - 2));
      continue;
    }
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      *err = "line " + std::to_string(line) + ": expected key=value";
      return false;
    }
    CfgEntry e{section, trim(s.substr(0, eq)), trim(s.substr(eq + 1)), line};
    spec->entries.push_back(e);
    if (section == "connectivity" && !decode(e, spec, err)) return false;
  }
  return true;
}

bool load_link_config(const std::string& path, LinkSpec* spec, std::string* err) {
  std::string text;
  if (!read_file(path, &text, err)) return false;
  if (!parse_link_config(text, spec, err)) {
    *err = path + ": " + *err;
    return false;
  }
  spec->source = path;
  return true;
}

}  // namespace xclbin
}  // namespace sendoff
