// SPDX-License-Identifier: MIT
#include "mini_xml.hpp"

#include <cctype>
#include <cstdlib>

namespace sendoff {
namespace xml {

bool Element::has(const std::string& a) const {
  for (const auto& kv : attrs)
    if (kv.first == a) return true;
  return false;
}

std::string Element::attr(const std::string& a) const {
  for (const auto& kv : attrs)
    if (kv.first == a) return kv.second;
  return {};
}

std::vector<const Element*> Element::all(const std::string& n) const {
  std::vector<const Element*> out;
  for (const Element& c : children)
    if (c.name == n) out.push_back(&c);
  return out;
}

const Element* Element::first(const std::string& n) const {
  for (const Element& c : children)
    if (c.name == n) return &c;
  return nullptr;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

class Parser {
 public:
  explicit Parser(const std::string& t) : t_(t) {}

  bool document(Element* root, std::string* err) {
    err_ = err;
    if (!misc()) return false;
    if (!at("<")) return fail("no root element");
    if (!element(root)) return false;
    if (!misc()) return false;
    if (pos_ != t_.size()) return fail("text after the root element");
    return true;
  }

 private:
  bool at(const char* s) const { return t_.compare(pos_, std::char_traits<char>::length(s), s) == 0; }

  bool fail(const std::string& what) {
    int line = 1;
    for (size_t i = 0; i < pos_ && i < t_.size(); ++i) line += t_[i] == '\n';
    *err_ = "line " + std::to_string(line) + ": " + what;
    return false;
  }

  int line_here() const {
    int line = 1;
    for (size_t i = 0; i < pos_; ++i) line += t_[i] == '\n';
    return line;
  }

  void spaces() {
    while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) ++pos_;
  }

  bool skip_past(const char* end, const char* what) {
    size_t e = t_.find(end, pos_);
    if (e == std::string::npos) return fail(std::string("unterminated ") + what);
    pos_ = e + std::char_traits<char>::length(end);
    return true;
  }

  // Whitespace, comments, processing instructions and a DOCTYPE-free prolog.
  bool misc() {
    for (;;) {
      spaces();
      if (at("<!--")) {
        if (!skip_past("-->", "comment")) return false;
      } else if (at("<?")) {
        if (!skip_past("?>", "processing instruction")) return false;
      } else if (at("<!")) {
        return fail("DOCTYPE and CDATA are not supported");
      } else {
        return true;
      }
    }
  }

  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == ':';
  }

  bool name(std::string* out) {
    size_t b = pos_;
    while (pos_ < t_.size() && name_char(t_[pos_])) ++pos_;
    if (pos_ == b) return fail("expected a name");
    *out = t_.substr(b, pos_ - b);
    return true;
  }

  bool unescape(const std::string& raw, std::string* out) {
    out->clear();
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        *out += raw[i];
        continue;
      }
      size_t semi = raw.find(';', i);
      if (semi == std::string::npos) return fail("bad entity in '" + raw + "'");
      std::string ent = raw.substr(i + 1, semi - i - 1);
      if (ent == "amp") *out += '&';
      else if (ent == "lt") *out += '<';
      else if (ent == "gt") *out += '>';
      else if (ent == "quot") *out += '"';
      else if (ent == "apos") *out += '\'';
      else if (!ent.empty() && ent[0] == '#') {
        long v = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X')
                     ? std::strtol(ent.c_str() + 2, nullptr, 16)
                     : std::strtol(ent.c_str() + 1, nullptr, 10);
        if (v <= 0 || v > 0x7F) return fail("only ASCII character references are supported");
        *out += static_cast<char>(v);
      } else {
        return fail("unknown entity &" + ent + ";");
      }
      i = semi;
    }
    return true;
  }

  bool element(Element* e) {
    e->line = line_here();
    ++pos_;  // '<'
    if (!name(&e->name)) return false;
    for (;;) {
      spaces();
      if (at("/>")) {
        pos_ += 2;
        return true;
      }
      if (at(">")) {
        ++pos_;
        break;
      }
      std::string an;
      if (!name(&an)) return false;
      spaces();
      if (!at("=")) return fail("expected '=' after attribute " + an);
      ++pos_;
      spaces();
      if (pos_ >= t_.size() || (t_[pos_] != '"' && t_[pos_] != '\''))
        return fail("expected a quoted value for attribute " + an);
      char q = t_[pos_++];
      size_t end = t_.find(q, pos_);
      if (end == std::string::npos) return fail("unterminated value of attribute " + an);
      std::string v;
      if (!unescape(t_.substr(pos_, end - pos_), &v)) return false;
      pos_ = end + 1;
      if (e->has(an)) return fail("attribute " + an + " given twice");
      e->attrs.emplace_back(an, v);
    }
    // Content: child elements, comments, character data (skipped).
    for (;;) {
      size_t lt = t_.find('<', pos_);
      if (lt == std::string::npos) return fail("element <" + e->name + "> is not closed");
      pos_ = lt;
      if (at("</")) {
        pos_ += 2;
        std::string closing;
        if (!name(&closing)) return false;
        if (closing != e->name)
          return fail("</" + closing + "> closes <" + e->name + ">");
        spaces();
        if (!at(">")) return fail("expected '>'");
        ++pos_;
        return true;
      }
      if (at("<!--")) {
        if (!skip_past("-->", "comment")) return false;
        continue;
      }
      if (at("<?")) {
        if (!skip_past("?>", "processing instruction")) return false;
        continue;
      }
      if (at("<!")) return fail("CDATA is not supported");
      e->children.emplace_back();
      if (!element(&e->children.back())) return false;
    }
  }

  const std::string& t_;
  size_t pos_ = 0;
  std::string* err_ = nullptr;
};

}  // namespace

bool parse(const std::string& text, Element* root, std::string* err) {
  *root = Element{};
  return Parser(text).document(root, err);
}

}  // namespace xml
}  // namespace sendoff
