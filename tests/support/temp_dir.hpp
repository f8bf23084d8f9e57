// SPDX-License-Identifier: MIT
// TempDir: a fresh folder under $TMPDIR (or /tmp) for one test, removed with
// everything in it at the end.
#ifndef SENDOFF_TESTS_SUPPORT_TEMP_DIR_HPP
#define SENDOFF_TESTS_SUPPORT_TEMP_DIR_HPP

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace sendoff {
namespace test {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/sendoff-test-XXXXXX";
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
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace test
}  // namespace sendoff

#endif  // SENDOFF_TESTS_SUPPORT_TEMP_DIR_HPP
