// SPDX-License-Identifier: MIT
#include "source_parse.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace sendoff {
namespace srcparse {

std::string strip_comments(const std::string& t) {
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size();) {
    if (t.compare(i, 2, "//") == 0) {
      while (i < t.size() && t[i] != '\n') ++i;
    } else if (t.compare(i, 2, "/*") == 0) {
      size_t e = t.find("*/", i + 2);
      e = e == std::string::npos ? t.size() : e + 2;
      for (; i < e; ++i)
        if (t[i] == '\n') out += '\n';
    } else if (t[i] == '"') {  // keep string literals whole (extern "C")
      size_t e = i + 1;
      while (e < t.size() && t[e] != '"') e += t[e] == '\\' ? 2 : 1;
      out.append(t, i, e + 1 - i);
      i = e + 1;
    } else {
      out += t[i++];
    }
  }
  return out;
}

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Splits at commas outside (), [], {}, <>.
std::vector<std::string> split_top(const std::string& s) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(' || c == '[' || c == '{' || c == '<') ++depth;
    if (c == ')' || c == ']' || c == '}' || c == '>') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}

// The text between the bracket at `open` and its partner; npos when unbalanced.
size_t matching(const std::string& s, size_t open) {
  const char o = s[open];
  const char c = o == '(' ? ')' : o == '{' ? '}' : o == '[' ? ']' : '>';
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == o) ++depth;
    if (s[i] == c && --depth == 0) return i;
  }
  return std::string::npos;
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Finds `word` as a whole identifier from pos.
size_t find_word(const std::string& s, const std::string& word, size_t pos = 0) {
  for (size_t p = s.find(word, pos); p != std::string::npos; p = s.find(word, p + 1)) {
    bool left = p == 0 || !is_ident_char(s[p - 1]);
    bool right = p + word.size() >= s.size() || !is_ident_char(s[p + word.size()]);
    if (left && right) return p;
  }
  return std::string::npos;
}

class Expr {
 public:
  Expr(const std::string& s, const std::map<std::string, int64_t>& names) : s_(s), names_(names) {}

  bool run(int64_t* v, std::string* err) {
    err_ = err;
    if (!sum(v)) return false;
    skip();
    if (p_ != s_.size()) return fail("unexpected '" + s_.substr(p_) + "'");
    return true;
  }

 private:
  void skip() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  bool fail(const std::string& m) {
    *err_ = "in '" + s_ + "': " + m;
    return false;
  }
  bool sum(int64_t* v) {
    if (!product(v)) return false;
    for (;;) {
      skip();
      if (p_ >= s_.size() || (s_[p_] != '+' && s_[p_] != '-')) return true;
      char op = s_[p_++];
      int64_t r;
      if (!product(&r)) return false;
      *v = op == '+' ? *v + r : *v - r;
    }
  }
  bool product(int64_t* v) {
    if (!unary(v)) return false;
    for (;;) {
      skip();
      if (p_ >= s_.size() || (s_[p_] != '*' && s_[p_] != '/' && s_[p_] != '%')) return true;
      char op = s_[p_++];
      int64_t r;
      if (!unary(&r)) return false;
      if (op != '*' && r == 0) return fail("division by zero");
      *v = op == '*' ? *v * r : op == '/' ? *v / r : *v % r;
    }
  }
  bool unary(int64_t* v) {
    skip();
    if (p_ < s_.size() && s_[p_] == '-') {
      ++p_;
      if (!unary(v)) return false;
      *v = -*v;
      return true;
    }
    return atom(v);
  }
  bool atom(int64_t* v) {
    skip();
    if (p_ >= s_.size()) return fail("expression ends early");
    if (s_[p_] == '(') {
      ++p_;
      if (!sum(v)) return false;
      skip();
      if (p_ >= s_.size() || s_[p_] != ')') return fail("missing ')'");
      ++p_;
      return true;
    }
    if (s_.compare(p_, 7, "$clog2(") == 0) {
      p_ += 6;
      int64_t x;
      if (!atom(&x)) return false;
      int64_t r = 0;
      while ((int64_t{1} << r) < x) ++r;
      *v = r;
      return true;
    }
    if (std::isdigit(static_cast<unsigned char>(s_[p_])) || s_[p_] == '\'') {
      size_t b = p_;
      while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '\'' ||
                                s_[p_] == '_'))
        ++p_;
      std::string lit = s_.substr(b, p_ - b);
      std::string digits;
      for (char c : lit)
        if (c != '_') digits += c;
      size_t q = digits.find('\'');
      int base = 10;
      if (q != std::string::npos) {
        if (q + 1 >= digits.size()) return fail("bad literal " + lit);
        char bc = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[q + 1])));
        base = bc == 'h' ? 16 : bc == 'b' ? 2 : bc == 'o' ? 8 : bc == 'd' ? 10 : 0;
        if (!base) return fail("bad literal " + lit);
        digits = digits.substr(q + 2);
      }
      char* end = nullptr;
      *v = static_cast<int64_t>(std::strtoull(digits.c_str(), &end, base));
      if (digits.empty() || *end) return fail("bad literal " + lit);
      return true;
    }
    if (is_ident_char(s_[p_])) {
      size_t b = p_;
      while (p_ < s_.size() && (is_ident_char(s_[p_]) || s_[p_] == ':')) ++p_;
      std::string id = s_.substr(b, p_ - b);
      auto it = names_.find(id);
      const size_t q = id.rfind("::");
      if (it == names_.end() && q != std::string::npos) it = names_.find(id.substr(q + 2));
      if (it == names_.end()) return fail("unknown name " + id);
      *v = it->second;
      return true;
    }
    return fail(std::string("unexpected '") + s_[p_] + "'");
  }

  const std::string& s_;
  const std::map<std::string, int64_t>& names_;
  size_t p_ = 0;
  std::string* err_ = nullptr;
};

}  // namespace

bool eval(const std::string& expr, const std::map<std::string, int64_t>& names, int64_t* v,
          std::string* err) {
  return Expr(expr, names).run(v, err);
}

// ---------------------------------------------------------------- SystemVerilog

const SvPort* SvModule::port(const std::string& n) const {
  for (const SvPort& p : ports)
    if (p.name == n) return &p;
  return nullptr;
}

bool parse_sv_module(const std::string& text, const std::string& name,
                     const std::map<std::string, int64_t>& overrides, SvModule* m,
                     std::string* err) {
  const std::string t = strip_comments(text);
  size_t at = std::string::npos;
  for (size_t p = find_word(t, "module"); p != std::string::npos; p = find_word(t, "module", p + 1)) {
    size_t n = t.find_first_not_of(" \t\r\n", p + 6);
    size_t e = n;
    while (e < t.size() && is_ident_char(t[e])) ++e;
    if (name.empty() || t.substr(n, e - n) == name) {
      at = e;
      *m = SvModule{};
      m->name = t.substr(n, e - n);
      break;
    }
  }
  if (at == std::string::npos) {
    *err = "no module " + (name.empty() ? std::string("at all") : name);
    return false;
  }
  size_t hdr_end = t.find(';', at);
  // Skip `import pkg::*;` lines between the name and the parameter list.
  for (;;) {
    size_t q = t.find_first_not_of(" \t\r\n", at);
    if (q == std::string::npos || t.compare(q, 6, "import") != 0) break;
    at = t.find(';', q) + 1;
  }
  size_t q = t.find_first_not_of(" \t\r\n", at);
  std::map<std::string, int64_t> names;
  if (q != std::string::npos && t[q] == '#') {
    size_t open = t.find('(', q);
    size_t close = matching(t, open);
    if (close == std::string::npos) {
      *err = m->name + ": unbalanced parameter list";
      return false;
    }
    for (const std::string& decl : split_top(t.substr(open + 1, close - open - 1))) {
      size_t eq = decl.find('=');
      if (eq == std::string::npos) {
        *err = m->name + ": parameter without a default: " + decl;
        return false;
      }
      std::string lhs = trim(decl.substr(0, eq));
      size_t e = lhs.size();
      size_t b = e;
      while (b > 0 && is_ident_char(lhs[b - 1])) --b;
      std::string pname = lhs.substr(b, e - b);
      m->param_src[pname] = trim(decl.substr(eq + 1));
    }
    for (const auto& kv : m->param_src) {
      auto o = overrides.find(kv.first);
      int64_t v;
      std::string e;
      if (o != overrides.end()) names[kv.first] = o->second;
      else if (eval(kv.second, names, &v, &e)) names[kv.first] = v;
    }
    // Parameters may refer to later ones: one more pass.
    for (const auto& kv : m->param_src) {
      int64_t v;
      std::string e;
      if (!names.count(kv.first) && eval(kv.second, names, &v, &e)) names[kv.first] = v;
    }
    at = close + 1;
  }
  m->params = names;
  size_t open = t.find('(', at);
  if (open == std::string::npos || open > t.find(';', at)) {
    *err = m->name + ": no port list";
    return false;
  }
  size_t close = matching(t, open);
  hdr_end = t.find(';', close);
  if (close == std::string::npos || hdr_end == std::string::npos) {
    *err = m->name + ": unbalanced port list";
    return false;
  }
  static const std::regex port_re(
      R"(^\s*(input|output|inout)\s+(?:(?:logic|wire|reg|var)\s+)?(?:signed\s+)?(?:\[([^\]]+)\]\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*$)");
  for (const std::string& decl : split_top(t.substr(open + 1, close - open - 1))) {
    std::smatch mt;
    if (!std::regex_match(decl, mt, port_re)) {
      *err = m->name + ": cannot read port declaration '" + decl + "'";
      return false;
    }
    SvPort p;
    p.dir = mt[1];
    p.range = trim(mt[2]);
    p.name = mt[3];
    if (!p.range.empty()) {
      size_t colon = p.range.find(':');
      int64_t hi, lo;
      std::string e;
      if (colon == std::string::npos || !eval(p.range.substr(0, colon), names, &hi, &e) ||
          !eval(p.range.substr(colon + 1), names, &lo, &e)) {
        *err = m->name + "." + p.name + ": cannot evaluate [" + p.range + "]: " + e;
        return false;
      }
      p.width = hi - lo + 1;
    }
    m->ports.push_back(p);
  }
  return true;
}

bool parse_sv_instance(const std::string& text, const std::string& module, SvInstance* inst,
                       std::string* err) {
  const std::string t = strip_comments(text);
  size_t p = std::string::npos;
  for (size_t q = find_word(t, module); q != std::string::npos; q = find_word(t, module, q + 1)) {
    size_t n = t.find_first_not_of(" \t\r\n", q + module.size());
    if (n != std::string::npos && (t[n] == '#' || is_ident_char(t[n]))) {
      p = n;
      break;
    }
  }
  if (p == std::string::npos) {
    *err = "no instance of " + module;
    return false;
  }
  *inst = SvInstance{};
  inst->module = module;
  auto named = [&](size_t open, std::vector<std::pair<std::string, std::string>>* out) -> size_t {
    size_t close = matching(t, open);
    if (close == std::string::npos) return close;
    for (const std::string& c : split_top(t.substr(open + 1, close - open - 1))) {
      size_t po = c.find('(');
      size_t pc = c.rfind(')');
      if (c.empty() || c[0] != '.' || po == std::string::npos || pc == std::string::npos) {
        *err = module + " instance: not a named connection: '" + c + "'";
        return std::string::npos;
      }
      out->emplace_back(trim(c.substr(1, po - 1)), trim(c.substr(po + 1, pc - po - 1)));
    }
    return close;
  };
  if (t[p] == '#') {
    std::vector<std::pair<std::string, std::string>> ps;
    size_t close = named(t.find('(', p), &ps);
    if (close == std::string::npos) return false;
    for (auto& kv : ps) inst->params[kv.first] = kv.second;
    p = t.find_first_not_of(" \t\r\n", close + 1);
  }
  size_t e = p;
  while (e < t.size() && is_ident_char(t[e])) ++e;
  inst->name = t.substr(p, e - p);
  size_t open = t.find('(', e);
  if (open == std::string::npos) {
    *err = module + " instance " + inst->name + ": no port list";
    return false;
  }
  return named(open, &inst->ports) != std::string::npos;
}

// ---------------------------------------------------------------- HLS C++

const CParam* HlsFunction::param(const std::string& n) const {
  for (const CParam& p : params)
    if (p.name == n) return &p;
  return nullptr;
}

std::vector<const HlsPragma*> HlsFunction::pragmas_for(const std::string& port) const {
  std::vector<const HlsPragma*> out;
  for (const HlsPragma& p : interfaces) {
    auto it = p.kv.find("port");
    if (it != p.kv.end() && it->second == port) out.push_back(&p);
  }
  return out;
}

const HlsIface* HlsFunction::iface(const std::string& port) const {
  auto it = ifaces.find(port);
  return it == ifaces.end() ? nullptr : &it->second;
}

namespace {

std::string kv_or(const HlsPragma& p, const std::string& key, const std::string& dflt) {
  auto it = p.kv.find(key);
  return it == p.kv.end() || it->second.empty() ? dflt : it->second;
}

// Fills f->ifaces from f->interfaces.
bool resolve_interfaces(HlsFunction* f, std::string* err) {
  HlsIface& block = f->ifaces["return"];
  block.mode = "ap_ctrl_hs";
  for (const HlsPragma& p : f->interfaces) {
    const std::string where = f->name + ":" + std::to_string(p.line) + ": ";
    const std::string port = kv_or(p, "port", "");
    const std::string mode = kv_or(p, "mode", "");
    if (port.empty() || mode.empty()) {
      *err = where + "INTERFACE pragma without port= or mode";
      return false;
    }
    if (port != "return" && !f->param(port)) {
      *err = where + "INTERFACE pragma for " + port + ", which is not a parameter";
      return false;
    }
    HlsIface& i = f->ifaces[port];
    if (mode == "s_axilite") {
      if (!i.axilite.empty()) {
        *err = where + port + " has two s_axilite pragmas";
        return false;
      }
      i.axilite = kv_or(p, "bundle", "control");
      if (port != "return" && i.mode.empty()) {
        i.mode = mode;
        i.bundle = i.axilite;
        i.line = p.line;
      }
      continue;
    }
    if (port == "return") {
      if (mode.rfind("ap_ctrl_", 0) != 0) {
        *err = where + "port=return takes s_axilite or ap_ctrl_*, not " + mode;
        return false;
      }
      if (i.line) {
        *err = where + "two block protocols (" + i.mode + ", " + mode + ")";
        return false;
      }
    } else if (i.line && i.mode != "s_axilite") {
      *err = where + port + " has two interfaces (" + i.mode + ", " + mode + ")";
      return false;
    }
    i.mode = mode;
    i.bundle = mode == "m_axi" ? kv_or(p, "bundle", "gmem") : "";
    i.line = p.line;
  }
  return true;
}

}  // namespace

bool parse_hls_functions(const std::string& text, std::vector<HlsFunction>* fs, std::string* err) {
  fs->clear();
  const std::string t = strip_comments(text);
  static const std::regex head_re(R"re(extern\s+"C"\s+void\s+([A-Za-z_][A-Za-z0-9_]*)\s*\()re");
  for (auto it = std::sregex_iterator(t.begin(), t.end(), head_re); it != std::sregex_iterator();
       ++it) {
    const std::string fname = (*it)[1];
    size_t open = static_cast<size_t>(it->position(0) + it->length(0) - 1);
    size_t close = matching(t, open);
    if (close == std::string::npos) {
      *err = fname + ": unbalanced parameter list";
      return false;
    }
    size_t brace = t.find_first_not_of(" \t\r\n", close + 1);
    if (brace == std::string::npos || t[brace] != '{') continue;  // a declaration
    size_t end = matching(t, brace);
    if (end == std::string::npos) {
      *err = fname + ": unbalanced body";
      return false;
    }
    fs->emplace_back();
    HlsFunction* f = &fs->back();
    f->name = fname;
    f->body = t.substr(brace + 1, end - brace - 1);
    for (const std::string& decl : split_top(t.substr(open + 1, close - open - 1))) {
      CParam p;
      std::string d = decl;
      if (!d.empty() && d.back() == ']') {  // T name[N]
        d = trim(d.substr(0, d.find('[')));
        p.pointer = true;
      }
      size_t b = d.size();
      while (b > 0 && is_ident_char(d[b - 1])) --b;
      p.name = d.substr(b);
      p.type = trim(d.substr(0, b));
      if (!p.type.empty() && p.type.back() == '*') p.pointer = true;
      if (!p.type.empty() && p.type.back() == '&') p.reference = true;
      if (p.name.empty() || p.type.empty()) {
        *err = fname + ": cannot read parameter '" + decl + "'";
        return false;
      }
      f->params.push_back(p);
    }
    // Pragmas in the body, with their line numbers in the file.
    const size_t body_line = static_cast<size_t>(std::count(t.begin(), t.begin() + brace, '\n')) + 1;
    std::istringstream lines(f->body);
    std::string line;
    for (int n = 0; std::getline(lines, line); ++n) {
      std::istringstream ws(line);
      std::string a, b, c;
      ws >> a >> b >> c;
      if (a != "#pragma" || b != "HLS" || (c != "INTERFACE" && c != "interface")) continue;
      HlsPragma pr;
      pr.line = static_cast<int>(body_line) + n;
      std::string tok;
      while (ws >> tok) {
        size_t eq = tok.find('=');
        if (eq == std::string::npos) {
          if (!pr.kv.count("mode")) pr.kv["mode"] = tok;  // `INTERFACE m_axi port=...`
          else pr.kv[tok] = "";
        } else {
          pr.kv[tok.substr(0, eq)] = tok.substr(eq + 1);
        }
      }
      f->interfaces.push_back(pr);
    }
  }
  for (HlsFunction& f : *fs)
    if (!resolve_interfaces(&f, err)) return false;
  return true;
}

bool parse_hls_function(const std::string& text, const std::string& name, HlsFunction* f,
                        std::string* err) {
  std::vector<HlsFunction> fs;
  if (!parse_hls_functions(text, &fs, err)) return false;
  for (HlsFunction& g : fs) {
    if (!name.empty() && g.name != name) continue;
    *f = g;
    return true;
  }
  *err = "no definition of extern \"C\" " + (name.empty() ? std::string("function") : name);
  return false;
}

bool parse_call(const std::string& body, const std::string& callee, std::vector<std::string>* args,
                std::string* err) {
  const std::string t = strip_comments(body);
  for (size_t p = find_word(t, callee); p != std::string::npos; p = find_word(t, callee, p + 1)) {
    size_t open = t.find_first_not_of(" \t\r\n", p + callee.size());
    if (open == std::string::npos || t[open] != '(') continue;
    size_t close = matching(t, open);
    if (close == std::string::npos) break;
    *args = split_top(t.substr(open + 1, close - open - 1));
    return true;
  }
  *err = "no call of " + callee;
  return false;
}

bool type_width(const std::string& type, const std::map<std::string, int64_t>& macros,
                int64_t* bits, std::string* err) {
  static const std::regex ap_re(R"((?:ap_uint|ap_int|ap_axiu|ap_axis)\s*<\s*([^,>]+))");
  static const std::regex int_re(R"(\bu?int(8|16|32|64)_t\b)");
  std::smatch m;
  if (std::regex_search(type, m, ap_re)) {
    std::string e;
    if (!eval(trim(m[1]), macros, bits, &e)) {
      *err = "width of " + type + ": " + e;
      return false;
    }
    return true;
  }
  if (std::regex_search(type, m, int_re)) {
    *bits = std::stoi(m[1]);
    return true;
  }
  *err = "cannot tell the width of " + type;
  return false;
}

std::map<std::string, int64_t> int_macros(const std::string& text) {
  std::map<std::string, int64_t> out;
  static const std::regex def_re(R"(^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\s+\(?(\d+)(?:ull|u|ll)?\)?\s*$)");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, def_re)) out[m[1]] = std::stoll(m[2]);
  }
  return out;
}

void add_int_constants(const std::string& text, std::map<std::string, int64_t>* known) {
  static const std::regex const_re(
      R"(^\s*(?:static\s+)?constexpr\s+(?:u?int(?:8|16|32|64)_t|int|unsigned)\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^;]+);)");
  std::istringstream in(strip_comments(text));
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, const_re)) continue;
    std::string src = trim(m[2]);
    while (!src.empty() && (src.back() == 'u' || src.back() == 'U' || src.back() == 'l' ||
                            src.back() == 'L'))
      src.pop_back();
    int64_t v;
    std::string e;
    if (eval(src, *known, &v, &e)) (*known)[m[1]] = v;
  }
}

// ---------------------------------------------------------------- nic_abi.hpp

const AbiConstant* NicAbi::constant(const std::string& n) const {
  for (const AbiConstant& c : constants)
    if (c.name == n) return &c;
  return nullptr;
}

bool parse_nic_abi(const std::string& text, NicAbi* abi, std::string* err) {
  *abi = NicAbi{};
  static const std::regex const_re(
      R"(^\s*constexpr\s+(u?int\d+_t|unsigned)\s+([A-Z][A-Z0-9_]*)\s*=\s*([^;]+);\s*(?://\s*(.*))?$)");
  std::istringstream in(text);
  std::string line;
  bool in_block = false, block_done = false;
  std::map<std::string, int64_t> names;
  std::string section;
  static const std::regex banner_re(R"(^//\s*-{8,}\s*(.+?)\s*$)");
  while (std::getline(in, line)) {
    std::smatch bm;
    if (std::regex_match(line, bm, banner_re)) {
      section = bm[1];
      in_block = section == "register map";
      continue;
    }
    if (in_block && !block_done) {
      if (line.rfind("//", 0) == 0) {
        abi->behaviour += line.size() > 3 ? line.substr(3) : "";
        abi->behaviour += '\n';
        continue;
      }
      block_done = true;
    }
    std::smatch m;
    if (!std::regex_match(line, m, const_re)) continue;
    AbiConstant c;
    c.section = section;
    c.type = m[1];
    c.name = m[2];
    c.value_src = trim(m[3]);
    c.comment = trim(m[4]);
    int64_t v;
    std::string e;
    // Values like `1u << 2` and `A | B`: shifts and ors of known names.
    std::string src = c.value_src;
    static const std::regex shift_re(R"(^(\d+)u?\s*<<\s*(\d+)$)");
    std::smatch sm;
    if (std::regex_match(src, sm, shift_re)) {
      v = std::stoll(sm[1]) << std::stoll(sm[2]);
    } else if (src.find('|') != std::string::npos) {
      v = 0;
      std::istringstream parts(src);
      std::string part;
      while (std::getline(parts, part, '|')) {
        auto it = names.find(trim(part));
        if (it == names.end()) {
          *err = c.name + ": cannot evaluate " + src;
          return false;
        }
        v |= it->second;
      }
    } else {
      std::string s2 = src;  // 0x534E4446, 4096, 64u
      if (s2.size() > 2 && s2[0] == '0' && (s2[1] == 'x' || s2[1] == 'X')) {
        v = static_cast<int64_t>(std::strtoull(s2.c_str(), nullptr, 16));
      } else {
        while (!s2.empty() && (s2.back() == 'u' || s2.back() == 'U')) s2.pop_back();
        if (!eval(s2, names, &v, &e)) {
          *err = c.name + ": " + e;
          return false;
        }
      }
    }
    c.value = static_cast<uint64_t>(v);
    names[c.name] = v;
    abi->constants.push_back(c);
    if (c.name == "REG_SPACE_BYTES") {
      abi->space_bytes = static_cast<uint32_t>(v);
    } else if (c.name.rfind("REG_", 0) == 0) {
      AbiRegister r;
      r.name = c.name;
      r.offset = static_cast<uint32_t>(v);
      std::istringstream cs(c.comment);
      std::string first;
      cs >> first;
      if (first == "RO" || first == "RW" || first == "WO") {
        r.access = first;
        std::getline(cs, r.text);
        r.text = trim(r.text);
      } else {
        r.text = c.comment;
      }
      abi->registers.push_back(r);
    }
  }
  if (abi->registers.empty() || abi->space_bytes == 0) {
    *err = "no REG_* constants or no REG_SPACE_BYTES";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------- Makefile

std::map<std::string, std::string> make_vars(const std::string& text) {
  std::map<std::string, std::string> out;
  static const std::regex var_re(R"(^([A-Za-z_][A-Za-z0-9_]*)\s*(\?=|:=|=)\s*(.*?)\s*$)");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.empty() || line[0] == '\t' || line[0] == '#') continue;
    if (std::regex_match(line, m, var_re)) out[m[1]] = m[3];
  }
  return out;
}

}  // namespace srcparse
}  // namespace sendoff
