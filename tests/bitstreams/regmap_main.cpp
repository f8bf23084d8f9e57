// SPDX-License-Identifier: MIT
// sendoff-regmap: renders docs/regmap.md (and the reader's static_asserts) from nic_abi.hpp.
//   sendoff-regmap <nic_abi.hpp> --markdown docs/regmap.md [--asserts out.cpp]
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "regmap_doc.hpp"

int main(int argc, char** argv) {
  std::string abi_path, markdown, asserts;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--markdown") && i + 1 < argc) markdown = argv[++i];
    else if (!std::strcmp(argv[i], "--asserts") && i + 1 < argc) asserts = argv[++i];
    else if (argv[i][0] != '-' && abi_path.empty()) abi_path = argv[i];
    else {
      fprintf(stderr, "usage: sendoff-regmap <nic_abi.hpp> [--markdown OUT] [--asserts OUT]\n");
      return 2;
    }
  }
  std::ifstream in(abi_path);
  if (abi_path.empty() || !in) {
    fprintf(stderr, "sendoff-regmap: cannot read '%s'\n", abi_path.c_str());
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  sendoff::srcparse::NicAbi abi;
  std::string err;
  if (!sendoff::srcparse::parse_nic_abi(text.str(), &abi, &err)) {
    fprintf(stderr, "sendoff-regmap: %s: %s\n", abi_path.c_str(), err.c_str());
    return 1;
  }
  for (const auto& out : {std::make_pair(markdown, 0), std::make_pair(asserts, 1)}) {
    if (out.first.empty()) continue;
    std::ofstream f(out.first, std::ios::trunc);
    f << (out.second == 0 ? sendoff::regmap::render_markdown(abi)
                          : sendoff::regmap::render_asserts(abi));
    if (!f) {
      fprintf(stderr, "sendoff-regmap: cannot write %s\n", out.first.c_str());
      return 1;
    }
  }
  return 0;
}
