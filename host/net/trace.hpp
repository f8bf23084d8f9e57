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
    entries().push_back({layer, 0, {}});
    return entries().size() - 1;
  }
  void leave(size_t i, long result, std::string detail) {
    entries()[i].result = result;
    entries()[i].detail = std::move(detail);
  }
  // Called by the outermost layer: reports and clears.
  void flush() {
    for (const auto& e : entries()) fn_(e.layer, e.result, e.detail);
    entries().clear();
  }

 private:
  struct Entry {
    const char* layer;
    long result;
    std::string detail;
  };
  // Each thread records its own calls.
  static std::vector<Entry>& entries() {
    static thread_local std::vector<Entry> e;
    return e;
  }
  TraceFn fn_;
};

// One layer's record: `return ts.ret(err)` on every way out.
class TraceScope {
 public:
  TraceScope(Trace& t, const char* layer) : t_(t.on() ? &t : nullptr) {
    if (t_) i_ = t_->enter(layer);
  }
  long ret(long result) {
    if (t_) t_->leave(i_, result, {});
    return result;
  }
  // A literal becomes text only when tracing is on (no allocation per call).
  long ret(long result, const char* detail) {
    if (t_) t_->leave(i_, result, detail);
    return result;
  }
  long ret(long result, std::string detail) {
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
