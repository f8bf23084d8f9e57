// SPDX-License-Identifier: MIT
// Progress: one status line on stderr, rewritten in place at most four times
// a second, only when stderr is a terminal (logs stay clean) and only once a
// run has lasted long enough for anyone to wonder.
#ifndef SENDOFF_CLI_PROGRESS_HPP
#define SENDOFF_CLI_PROGRESS_HPP

#include <chrono>
#include <cstdint>

namespace sendoff {
namespace cli {

class Progress {
 public:
  // total_datagrams 0: unknown (an --input that is not a regular file).
  // wanted false: never draw (e.g. --trace already writes a line per layer).
  Progress(uint64_t total_datagrams, bool wanted);
  ~Progress() { finish(); }

  // Cheap when nothing is due: one clock read every 256 calls.
  void update(uint64_t datagrams, uint64_t bytes) {
    if ((++calls_ & 0xFF) == 0 && enabled_) maybe_draw(datagrams, bytes);
  }
  // Erases the line, if one was drawn.
  void finish();

 private:
  void maybe_draw(uint64_t datagrams, uint64_t bytes);

  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  uint64_t calls_ = 0;
  uint64_t total_datagrams_;
  Clock::time_point start_;
  Clock::time_point next_draw_;
};

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_PROGRESS_HPP
