// SPDX-License-Identifier: MIT
#include "payload_source.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace sendoff {
namespace cli {

unsigned PayloadSource::size_for(uint64_t k) const {
  if (size_max_ <= size_) return size_;
  // A multiplicative hash of the index: every size in the range turns up,
  // in an order that mixes small and large.
  return size_ + static_cast<unsigned>((k * 2654435761u) % (size_max_ - size_ + 1));
}

std::unique_ptr<PayloadSource> PayloadSource::pattern(unsigned size, uint64_t count,
                                                      unsigned size_max) {
  std::unique_ptr<PayloadSource> s(new PayloadSource);
  s->size_ = size;
  s->size_max_ = size_max;
  s->total_datagrams_ = count;
  for (uint64_t k = 0; k < count && size_max > size; ++k) s->total_bytes_ += s->size_for(k);
  if (size_max <= size) s->total_bytes_ = count * size;
  return s;
}

std::unique_ptr<PayloadSource> PayloadSource::file(const std::string& path, unsigned size,
                                                   std::string* err, unsigned size_max) {
  std::unique_ptr<PayloadSource> s(new PayloadSource);
  s->path_ = path;
  s->size_ = size;
  s->size_max_ = size_max;
  s->file_ = fopen(path.c_str(), "rb");
  if (!s->file_) {
    *err = path + ": " + strerror(errno);
    return nullptr;
  }
  struct stat st;
  // A pipe or device has no size up front: totals stay 0 (unknown).
  if (fstat(fileno(s->file_), &st) == 0 && S_ISREG(st.st_mode)) {
    s->total_bytes_ = static_cast<uint64_t>(st.st_size);
    if (size_max <= size) s->total_datagrams_ = (s->total_bytes_ + size - 1) / size;
  }
  return s;
}

PayloadSource::~PayloadSource() {
  if (file_) fclose(file_);
}

bool PayloadSource::next(std::vector<uint8_t>* buf, std::string* err) {
  if (!file_) {
    if (index_ == total_datagrams_) return false;
    const unsigned size = size_for(index_);
    buf->resize(size);
    for (unsigned i = 0; i < size; ++i) (*buf)[i] = static_cast<uint8_t>(index_ + i);
    ++index_;
    return true;
  }
  const unsigned size = size_for(index_);
  buf->resize(size);
  size_t n = fread(buf->data(), 1, size, file_);
  if (n < size && ferror(file_)) {
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
