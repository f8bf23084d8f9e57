// SPDX-License-Identifier: MIT
#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace sendoff {
namespace cli {

namespace {
constexpr auto kFirstDraw = std::chrono::milliseconds(500);
constexpr auto kRedraw = std::chrono::milliseconds(250);
}  // namespace

Progress::Progress(uint64_t total_datagrams, bool wanted)
    : enabled_(wanted && isatty(STDERR_FILENO) == 1),
      total_datagrams_(total_datagrams),
      start_(Clock::now()),
      next_draw_(start_ + kFirstDraw) {}

void Progress::maybe_draw(uint64_t datagrams, uint64_t bytes) {
  Clock::time_point now = Clock::now();
  if (now < next_draw_) return;
  next_draw_ = now + kRedraw;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(datagrams) / secs : 0.0;
  double mb = static_cast<double>(bytes) / 1e6;
  // \r back to column 0, \033[K erases what a longer previous line left.
  if (total_datagrams_)
    fprintf(stderr, "\rsent %llu/%llu datagrams (%.1f %%), %.1f MB, %.0f datagrams/s\033[K",
            static_cast<unsigned long long>(datagrams),
            static_cast<unsigned long long>(total_datagrams_),
            100.0 * static_cast<double>(datagrams) / static_cast<double>(total_datagrams_), mb,
            rate);
  else
    fprintf(stderr, "\rsent %llu datagrams, %.1f MB, %.0f datagrams/s\033[K",
            static_cast<unsigned long long>(datagrams), mb, rate);
  fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
  drawn_ = false;
}

}  // namespace cli
}  // namespace sendoff
