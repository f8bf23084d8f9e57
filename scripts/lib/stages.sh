# shellcheck shell=bash
# Stage bookkeeping for scripts/test.sh: each stage's wall time, printed as it ends and
# again in a summary when the script exits (also on failure), and the skipped-test count
# of every ctest run (from its JUnit report: ctest counts a skipped test as passed).

declare -a sendoff_stage_lines=()
sendoff_skipped_total=0

# stage NAME CMD...: runs CMD, records "NAME: N s". CMD runs inside `||`, so set -e does not
# stop it midway: a CMD of several steps returns on its own failures.
stage() {
  local name=$1
  shift
  local t0=$SECONDS
  echo "==> stage ${name}"
  local rc=0
  "$@" || rc=$?
  local line
  line=$(printf '%-34s %5d s' "${name}:" $((SECONDS - t0)))
  [ "$rc" -eq 0 ] || line+="  (FAILED, exit ${rc})"
  sendoff_stage_lines+=("$line")
  echo "==> ${line}"
  return "$rc"
}

# ctest_run BUILD_DIR NAME [ctest args...]: ctest with the project's settings; adds the
# run's skipped tests (opt-in tests are disabled, not skipped, and are not counted).
ctest_run() {
  local dir=$1 name=$2
  shift 2
  local junit
  junit="$(cd "$dir" && pwd)/ctest-${name}.xml"
  rm -f "$junit"
  local rc=0
  ctest --test-dir "$dir" --output-on-failure --timeout 900 -j "${CTEST_JOBS:-2}" \
    --output-junit "$junit" "$@" || rc=$?
  local skipped=0
  if [ -f "$junit" ]; then
    skipped=$(sed -n 's/^[[:space:]]*skipped="\([0-9]*\)".*/\1/p' "$junit" | head -n1)
    skipped=${skipped:-0}
  fi
  echo "ctest ${name}: ${skipped} skipped"
  sendoff_skipped_total=$((sendoff_skipped_total + skipped))
  return "$rc"
}

stage_summary() {
  echo
  echo "==> stage times"
  local l
  for l in "${sendoff_stage_lines[@]}"; do echo "    $l"; done
  echo "==> skipped tests: ${sendoff_skipped_total}"
}
