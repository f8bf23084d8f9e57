#!/usr/bin/env bash
# Builds a sanitizer tree and runs the host, preload, device, e2e and support suites in it.
#   bash scripts/sanitize.sh address,undefined|thread [BUILD_DIR]
# (scripts/test.sh runs the ASan+UBSan one; ctest -L tsan runs the TSan one.)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/sanitize_targets.sh
. scripts/lib/sanitize_targets.sh
kind=${1:?usage: sanitize.sh address,undefined|thread [BUILD_DIR]}
case $kind in
  address,undefined) dir=${2:-build-asan} ;;
  thread) dir=${2:-build-tsan} ;;
  *) echo "sanitize.sh: unknown sanitizer set '$kind' (address,undefined or thread)" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja -DSENDOFF_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSENDOFF_SANITIZE="$kind"
cmake --build "$dir" -j "$(nproc)" --target "${sanitize_targets[@]}"
ctest --test-dir "$dir" --output-on-failure --timeout 900 -j "${CTEST_JOBS:-2}" \
  -L "$sanitize_labels"
