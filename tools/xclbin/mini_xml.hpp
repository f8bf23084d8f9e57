// SPDX-License-Identifier: MIT
// A small XML reader for the files this project writes and checks: Vitis
// kernel.xml, the xclbin's embedded metadata. Elements and attributes only;
// character data is skipped, which none of these files use. No DTDs, no
// namespaces, the five predefined entities and numeric character references.
#ifndef SENDOFF_TOOLS_XCLBIN_MINI_XML_HPP
#define SENDOFF_TOOLS_XCLBIN_MINI_XML_HPP

#include <string>
#include <utility>
#include <vector>

namespace sendoff {
namespace xml {

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attrs;
  std::vector<Element> children;
  int line = 0;  // where the start tag is, for messages

  bool has(const std::string& attr) const;
  // The attribute's value, or "" when absent.
  std::string attr(const std::string& attr) const;
  // Children named `name`, in document order.
  std::vector<const Element*> all(const std::string& name) const;
  // The first child named `name`, or nullptr.
  const Element* first(const std::string& name) const;
};

// Parses a whole document into its root element. On error returns false with
// *err = "line N: what".
bool parse(const std::string& text, Element* root, std::string* err);

// Escapes &, <, >, " for an attribute value.
std::string escape(const std::string& s);

}  // namespace xml
}  // namespace sendoff

#endif  // SENDOFF_TOOLS_XCLBIN_MINI_XML_HPP
