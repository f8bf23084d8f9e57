// SPDX-License-Identifier: MIT
// sendoff's own C-simulation stand-in for Vitis HLS's <hls_stream.h>.
//
// hls::stream<T> is an unbounded FIFO in C simulation, as in Vitis: the
// dataflow processes of a C-simulated top run one after another, so a
// producer writes everything before its consumer starts. Reading an empty
// stream is a bug in the design (a consumer expects more than its producer
// wrote); it aborts with the stream's name rather than returning junk.
// Only for C simulation: synthesis uses Vitis HLS's own header.
#ifndef SENDOFF_COMPAT_HLS_STREAM_H
#define SENDOFF_COMPAT_HLS_STREAM_H

#ifdef __SYNTHESIS__
#error "hls/compat/hls_stream.h is for C simulation only; synthesize with Vitis HLS's headers"
#endif

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace hls {

// DEPTH is accepted for source compatibility; C simulation never blocks.
template <typename T, int DEPTH = 0>
class stream {
 public:
  stream() : name_("hls::stream") {}
  explicit stream(const char* name) : name_(name != nullptr ? name : "hls::stream") {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  bool empty() const { return q_.empty(); }
  bool full() const { return false; }
  std::size_t size() const { return q_.size(); }
  const char* name() const { return name_.c_str(); }

  T read() {
    if (q_.empty()) {
      std::fprintf(stderr,
                   "hls::stream '%s': read while empty (the consumer expects more data than "
                   "its producer wrote)\n",
                   name_.c_str());
      std::abort();
    }
    T v = q_.front();
    q_.pop_front();
    return v;
  }
  void read(T& v) { v = read(); }
  bool read_nb(T& v) {
    if (q_.empty()) return false;
    v = read();
    return true;
  }
  void operator>>(T& v) { read(v); }

  void write(const T& v) { q_.push_back(v); }
  bool write_nb(const T& v) {
    write(v);
    return true;
  }
  void operator<<(const T& v) { write(v); }

 private:
  std::string name_;
  std::deque<T> q_;
};

}  // namespace hls

#endif  // SENDOFF_COMPAT_HLS_STREAM_H
