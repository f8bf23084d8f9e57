// SPDX-License-Identifier: MIT
// TempDir: a fresh folder under $TMPDIR (or /tmp), removed with its files.
#ifndef SENDOFF_E2E_TEMP_DIR_HPP
#define SENDOFF_E2E_TEMP_DIR_HPP

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sendoff {
namespace e2e {

class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/sendoff-e2e-XXXXXX";
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace e2e
}  // namespace sendoff

#endif  // SENDOFF_E2E_TEMP_DIR_HPP
