// SPDX-License-Identifier: MIT
// PayloadSource: the datagrams `sendoff send` sends, either a generated
// pattern (--size, --count) or an --input file cut into --size pieces. With
// --size-max the sizes vary over size..size_max in a fixed sequence.
#ifndef SENDOFF_CLI_PAYLOAD_SOURCE_HPP
#define SENDOFF_CLI_PAYLOAD_SOURCE_HPP

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sendoff {
namespace cli {

class PayloadSource {
 public:
  // count datagrams of size bytes; datagram k holds bytes (k + i) mod 256, so
  // neighbouring datagrams differ and a shift or mix-up shows in a capture.
  static std::unique_ptr<PayloadSource> pattern(unsigned size, uint64_t count,
                                                unsigned size_max = 0);
  // The file's bytes, size (>= 1) per datagram, the last one shorter.
  static std::unique_ptr<PayloadSource> file(const std::string& path, unsigned size,
                                             std::string* err, unsigned size_max = 0);
  ~PayloadSource();

  // The next datagram, or false at the end (or on a read error: then *err).
  bool next(std::vector<uint8_t>* buf, std::string* err);

  uint64_t total_datagrams() const { return total_datagrams_; }
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  PayloadSource() = default;
  // Datagram k's size: size_, or with size_max_ a spread over size_..size_max_.
  unsigned size_for(uint64_t k) const;
  FILE* file_ = nullptr;
  std::string path_;
  unsigned size_ = 0;
  unsigned size_max_ = 0;
  uint64_t index_ = 0;
  uint64_t total_datagrams_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_PAYLOAD_SOURCE_HPP
