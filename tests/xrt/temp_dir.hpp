// SPDX-License-Identifier: MIT
// A temporary folder for one test, removed with everything in it at the end.
#ifndef SENDOFF_TESTS_XRT_TEMP_DIR_HPP
#define SENDOFF_TESTS_XRT_TEMP_DIR_HPP

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace sendoff {
namespace test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sendoff-xrt-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (ok()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace test
}  // namespace sendoff

#endif  // SENDOFF_TESTS_XRT_TEMP_DIR_HPP
