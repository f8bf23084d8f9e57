// SPDX-License-Identifier: MIT
#include "payload_source.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace sendoff {
namespace cli {

std::unique_ptr<PayloadSource> PayloadSource::pattern(unsigned size, uint64_t count) {
  std::unique_ptr<PayloadSource> s(new PayloadSource);
  s->size_ = size;
  s->total_datagrams_ = count;
  s->total_bytes_ = count * size;
  return s;
}

std::unique_ptr<PayloadSource> PayloadSource::file(const std::string& path, unsigned size,
                                                   std::string* err) {
  std::unique_ptr<PayloadSource> s(new PayloadSource);
  s->path_ = path;
  s->size_ = size;
  s->file_ = fopen(path.c_str(), "rb");
  if (!s->file_) {
    *err = path + ": " + strerror(errno);
    return nullptr;
  }
  struct stat st;
  // A pipe or device has no size up front: totals stay 0 (unknown).
  if (fstat(fileno(s->file_), &st) == 0 && S_ISREG(st.st_mode)) {
    s->total_bytes_ = static_cast<uint64_t>(st.st_size);
    s->total_datagrams_ = (s->total_bytes_ + size - 1) / size;
  }
  return s;
}

PayloadSource::~PayloadSource() {
  if (file_) fclose(file_);
}

bool PayloadSource::next(std::vector<uint8_t>* buf, std::string* err) {
  if (!file_) {
    if (index_ == total_datagrams_) return false;
    buf->resize(size_);
    for (unsigned i = 0; i < size_; ++i) (*buf)[i] = static_cast<uint8_t>(index_ + i);
    ++index_;
    return true;
  }
  buf->resize(size_);
  size_t n = fread(buf->data(), 1, size_, file_);
  if (n < size_ && ferror(file_)) {
    *err = path_ + ": " + strerror(errno);
    return false;
  }
  if (n == 0) return false;
  buf->resize(n);
  ++index_;
  return true;
}

}  // namespace cli
}  // namespace sendoff
