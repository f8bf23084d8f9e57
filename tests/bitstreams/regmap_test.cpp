// SPDX-License-Identifier: MIT
// docs/regmap.md is what nic_abi.hpp says, and the reader that renders it
// reads every constant as the compiler does (regmap_asserts.cpp, generated,
// is compiled into this test: a misread value fails the build).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "regmap_doc.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

srcparse::NicAbi read_abi() {
  srcparse::NicAbi abi;
  std::string err;
  EXPECT_TRUE(srcparse::parse_nic_abi(
      slurp(std::string(SENDOFF_SOURCE_DIR) + "/hls/include/sendoff/nic_abi.hpp"), &abi, &err))
      << err;
  return abi;
}

TEST(RegisterMapDoc, IsWhatNicAbiSays) {
  const std::string doc = slurp(std::string(SENDOFF_SOURCE_DIR) + "/docs/regmap.md");
  const std::string want = regmap::render_markdown(read_abi());
  EXPECT_EQ(doc, want) << "docs/regmap.md is stale: cmake --build <build> --target regmap_doc";
}

// The few facts a reader of the page relies on most, from the compiler.
TEST(RegisterMapDoc, ReaderAgreesWithTheCompiler) {
  const srcparse::NicAbi abi = read_abi();
  EXPECT_EQ(abi.space_bytes, abi::REG_SPACE_BYTES);
  ASSERT_FALSE(abi.registers.empty());
  EXPECT_EQ(abi.registers.front().name, "REG_ID");
  EXPECT_EQ(abi.registers.front().offset, abi::REG_ID);
  EXPECT_EQ(abi.registers.front().access, "RO");
  for (size_t i = 1; i < abi.registers.size(); ++i)
    EXPECT_LT(abi.registers[i - 1].offset, abi.registers[i].offset)
        << abi.registers[i].name << ": offsets ascend, none twice";
  for (const auto& r : abi.registers)
    EXPECT_EQ(r.offset % 4, 0u) << r.name << " is not 32-bit aligned";
}

}  // namespace
}  // namespace sendoff
