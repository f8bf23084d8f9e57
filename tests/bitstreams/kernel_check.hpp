// SPDX-License-Identifier: MIT
// What the bitstream checks share: the source tree, its files and Makefile, and a
// kernel.xml port checked against the SystemVerilog signals that carry it (the AXI signal
// tables are the protocols' own: AXI4, AXI4-Lite, AXI4-Stream).
#ifndef SENDOFF_TESTS_BITSTREAMS_KERNEL_CHECK_HPP
#define SENDOFF_TESTS_BITSTREAMS_KERNEL_CHECK_HPP

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kernel_decl.hpp"
#include "source_parse.hpp"

namespace sendoff {
namespace kcheck {

extern const std::string kRoot;  // the source tree

// A file of the source tree, by its path below kRoot ("" when missing).
std::string slurp(const std::string& rel);
std::vector<std::string> split_list(const std::string& s, char sep);
// log2 of a power of two; -1 otherwise.
int64_t log2_exact(uint64_t v);
// bitstreams/Makefile's simple assignments.
std::map<std::string, std::string> makefile();

// Checks (gtest EXPECTs) the SystemVerilog signals <port>_<suffix> of module w that carry
// kernel.xml port p: present, direction, width; adds their names to *claimed.
void check_interface(const srcparse::SvModule& w, const xclbin::PortDecl& p,
                     std::set<std::string>* claimed);

}  // namespace kcheck
}  // namespace sendoff

#endif  // SENDOFF_TESTS_BITSTREAMS_KERNEL_CHECK_HPP
