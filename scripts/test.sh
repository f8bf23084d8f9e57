#!/usr/bin/env bash
# Sets up, builds and runs every test (README's test command; CI runs it through .ci/run).
#   1. set-up: the Debian packages (scripts/setup.sh)
#   2. the default build (RelWithDebInfo) and the whole suite
#   3. a 1024-bit build (-DSENDOFF_DATA_WIDTH=1024) of the co-simulation, the benchmark and
#      the HLS kernels only: one co-simulation seed, the short benchmark run, the HLS tests
#   4. an ASan+UBSan build and the host, preload, device and e2e suites under it
#   4b. a clang build with libFuzzer (-DSENDOFF_FUZZ=ON, no RTL): each fuzzer for 60 s
#   5. a TSan build of the host tests and the many-thread tests under it
#   6. a Release build and the whole suite again
# Warnings are errors in every build. Prints each stage's time and the number of skipped
# tests; with CI=true a missing prerequisite fails its test, and a skip fails this script.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/stages.sh
. scripts/lib/stages.sh
# shellcheck source=scripts/lib/sanitize_targets.sh
. scripts/lib/sanitize_targets.sh
trap stage_summary EXIT

build=${BUILD_DIR:-build}
jobs=$(nproc)
common=(-G Ninja -DSENDOFF_WERROR=ON)

# configure_and_build DIR [--targets T...] -- CMAKE_ARGS...
configure_and_build() {
  local dir=$1
  shift
  local -a tgt=()
  if [ "${1:-}" = --targets ]; then
    shift
    while [ "$1" != -- ]; do tgt+=("$1"); shift; done
  fi
  [ "${1:-}" = -- ] && shift
  # `stage` runs this inside `||`, where set -e does not apply: stop on a failed configure.
  cmake -S . -B "$dir" "${common[@]}" "$@" || return
  if ((${#tgt[@]})); then
    cmake --build "$dir" -j "$jobs" --target "${tgt[@]}"
  else
    cmake --build "$dir" -j "$jobs"
  fi
}

stage "set-up" bash scripts/setup.sh

stage "build default (RelWithDebInfo)" configure_and_build "$build" -- \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
stage "test default: all suites" ctest_run "$build" default

# The 1024-bit datapath: the RTL top and the C model at that width (both take it at compile
# time), the co-simulation reduced to one seed (tests/cosim: cosim.W1024/...).
stage "build 1024-bit (cosim, bench, hls)" configure_and_build "${build}-w1024" \
  --targets cosim_test bench_rtl_test sendoff hls_tests -- \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENDOFF_DATA_WIDTH=1024
stage "test 1024-bit: cosim bench hls" \
  ctest_run "${build}-w1024" w1024 -R '^(cosim\.W1024/|bench\.|hls\.)'

stage "build asan+ubsan" configure_and_build "${build}-asan" --targets "${sanitize_targets[@]}" -- \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENDOFF_SANITIZE=address,undefined
stage "test asan+ubsan: host preload device e2e support" \
  ctest_run "${build}-asan" asan -L "$sanitize_labels"

# Differential fuzzing (tests/fuzz): clang with libFuzzer, ASan and UBSan; no RTL model, so
# the tree builds fast. Each harness runs 60 s over a copy of its seed corpus; fuzz_syscalls
# needs root for its network namespace and fails without it (never skips).
stage "build fuzz (clang, no RTL)" configure_and_build "${build}-fuzz" \
  --targets fuzz_syscalls fuzz_csim_device -- \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DSENDOFF_RTL=OFF -DSENDOFF_FUZZ=ON
stage "test fuzz: 60 s each" ctest_run "${build}-fuzz" fuzz -L '^fuzz$'

# ThreadSanitizer on the host's many-thread tests (threads sharing a socket and not, close and
# fini while a send is in flight; the receive path's NIC worker, poll thread and a blocked
# receiver; senders syncing card memory per batch). Without the RTL model: these run on
# csim. The seccomp test stays out: the TSan runtime makes syscalls of its own on the
# sending thread.
stage "build tsan (host tests, no RTL)" configure_and_build "${build}-tsan" --targets host_tests -- \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENDOFF_SANITIZE=thread -DSENDOFF_RTL=OFF
stage "test tsan: host threads" \
  ctest_run "${build}-tsan" tsan \
  -R '^host\.(FastPath\.(FourThreads|CloseWhile|FiniWith|CachedRoute)|CardMemory\.SendersOnSeveral|NicRx\.|UdpRecv\.(Blocking|PollWakes|ShutdownWakes|Epoll)|UdpSend\.UnknownNeighbour)'

stage "build release" configure_and_build "${build}-release" -- -DCMAKE_BUILD_TYPE=Release
stage "test release: all suites" ctest_run "${build}-release" release

if [ "${CI:-}" = "true" ] && [ "$sendoff_skipped_total" -ne 0 ]; then
  echo "error: ${sendoff_skipped_total} test(s) skipped; in CI a test never skips" >&2
  exit 1
fi
