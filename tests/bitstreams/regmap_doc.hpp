// SPDX-License-Identifier: MIT
// docs/regmap.md, rendered from nic_abi.hpp: the register table (offset,
// name, access, reset value, description), the bit fields, the values, and
// the behaviour block of the header, verbatim. A test renders it again and
// compares; a second output, static_asserts over every constant read, makes
// the compiler check the reader.
#ifndef SENDOFF_TESTS_BITSTREAMS_REGMAP_DOC_HPP
#define SENDOFF_TESTS_BITSTREAMS_REGMAP_DOC_HPP

#include <string>

#include "source_parse.hpp"

namespace sendoff {
namespace regmap {

// The Markdown of docs/regmap.md.
std::string render_markdown(const srcparse::NicAbi& abi);

// C++ that fails to compile unless every constant read from nic_abi.hpp has
// the value the compiler gives it.
std::string render_asserts(const srcparse::NicAbi& abi);

}  // namespace regmap
}  // namespace sendoff

#endif  // SENDOFF_TESTS_BITSTREAMS_REGMAP_DOC_HPP
