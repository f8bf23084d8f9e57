// SPDX-License-Identifier: MIT
// --trace: each layer a call passes records itself on entry and its result
// on return; the syscall hands the list, in call order, to the TraceFn.
#ifndef SENDOFF_NET_TRACE_HPP
#define SENDOFF_NET_TRACE_HPP

#include <string>
#include <vector>

#include "sendoff/stack.hpp"

namespace sendoff {

class Trace {
 public:
  bool on() const { return static_cast<bool>(fn_); }
  void set(TraceFn fn) { fn_ = std::move(fn); }
  size_t enter(const char* layer) {
    entries_.push_back({layer, 0, {}});
    return entries_.size() - 1;
  }
  void leave(size_t i, long result, std::string detail) {
    entries_[i].result = result;
    entries_[i].detail = std::move(detail);
  }
  // Called by the outermost layer: reports and clears.
  void flush() {
    for (const auto& e : entries_) fn_(e.layer, e.result, e.detail);
    entries_.clear();
  }

 private:
  struct Entry {
    const char* layer;
    long result;
    std::string detail;
  };
  TraceFn fn_;
  std::vector<Entry> entries_;
};

// One layer's record: `return ts.ret(err)` on every way out.
class TraceScope {
 public:
  TraceScope(Trace& t, const char* layer) : t_(t.on() ? &t : nullptr) {
    if (t_) i_ = t_->enter(layer);
  }
  long ret(long result, std::string detail = {}) {
    if (t_) t_->leave(i_, result, std::move(detail));
    return result;
  }
  bool on() const { return t_ != nullptr; }

 private:
  Trace* t_;
  size_t i_ = 0;
};

}  // namespace sendoff

#endif  // SENDOFF_NET_TRACE_HPP
