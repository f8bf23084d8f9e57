#!/usr/bin/env bash
# Runs a libFuzzer harness of tests/fuzz over a copy of its seed corpus (the seeds in the
# tree stay as they are); what it finds stays in the work folder: new inputs in corpus/,
# a crashing input as crash-*.
#   scripts/fuzz.sh [--seconds N] [--build DIR] [--work DIR] HARNESS [libFuzzer flags...]
# HARNESS: fuzz_syscalls or fuzz_csim_device. --build: a tree configured with
# -DSENDOFF_FUZZ=ON (default build-fuzz); --seconds: default 600. ctest (label fuzz) runs
# each harness for 60 s; a longer run is this script by hand, never CI's.
# fuzz_syscalls moves itself into a network namespace of its own: run as root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=600
build="$root/build-fuzz"
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) break ;;
  esac
done
if [ $# -lt 1 ]; then
  echo "usage: $0 [--seconds N] [--build DIR] [--work DIR] HARNESS [libFuzzer flags...]" >&2
  exit 2
fi
harness=$1
shift
bin="$build/tests/fuzz/$harness"
if [ ! -x "$bin" ]; then
  echo "error: $bin not built: configure with -DSENDOFF_FUZZ=ON (clang) and build $harness" >&2
  exit 2
fi
work=${work:-"$build/tests/fuzz/$harness-run"}
rm -rf "$work"
mkdir -p "$work/corpus"
cp "$root/tests/fuzz/corpus/$harness"/* "$work/corpus/"
cd "$work"
# -timeout: one input taking longer than this is a hang, reported as a failure.
"$bin" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 "$@" corpus
