#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Area and logic-depth estimate of rtl/ with yosys synth_xilinx. No timing: yosys has no
# Xilinx timing model. Debian 12's yosys 0.23 reads neither package imports nor a few other
# SystemVerilog forms, so it reads a package-free copy that scripts/sv_flatten_pkg.py writes
# to a temporary folder; rtl/ is not touched.
#
#   scripts/synth.sh [--family xcup|xcu|xc7] [--keep DIR] [--no-depth]
#
# Two syntheses of sendoff_tx_top, side by side (one core each, ~5 CPU minutes each):
#   - hierarchical: LUT, FF, BRAM, URAM, DSP per module and in total; then each module,
#     flattened on its own as top, gives its depth (scripts/logic_depth.py --table);
#   - flattened (-flatten, skipped with --no-depth): the whole design's longest path in
#     logic levels (scripts/logic_depth.py), printed as `logic levels: N` and its cells.
# Both are out of context (-noiopad -noclkbuf): a Vitis kernel's ports meet the shell, not
# package pins, so no I/O or clock buffers sit on its ports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
family=xcup
keep=
depth=1
while [ $# -gt 0 ]; do
  case $1 in
    --family) family=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --no-depth) depth=; shift ;;
    *) echo "usage: $0 [--family xcup|xcu|xc7] [--keep DIR] [--no-depth]" >&2; exit 2 ;;
  esac
done
command -v yosys >/dev/null || { echo "synth.sh: yosys not found (scripts/setup.sh installs it)" >&2; exit 1; }

flat_pid=
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  work=$(cd "$keep" && pwd)
  trap '[ -z "$flat_pid" ] || kill "$flat_pid" 2>/dev/null || true' EXIT
else
  work=$(mktemp -d)
  trap '[ -z "$flat_pid" ] || kill "$flat_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
fi
modules=()
for f in "$root"/rtl/*.sv; do
  [ "$(basename "$f")" = sendoff_pkg.sv ] || modules+=("$f")
done
python3 "$root/scripts/sv_flatten_pkg.py" "$work/sendoff_flat.sv" \
  "$root/rtl/sendoff_pkg.sv" "${modules[@]}"
# -nowidelut: abc otherwise builds 7- to 9-input functions (wide XOR trees of the CRC and the
# checksums) as LUT6 + MUXF7/8/9 chains, which count as up to four levels where LUT6s alone
# need two; Vivado maps XOR trees into LUT6s too.
synth="synth_xilinx -family $family -noiopad -noclkbuf -nowidelut -top sendoff_tx_top"
flat_synth="synth_xilinx -family $family -noiopad -noclkbuf -nowidelut -flatten -top sendoff_tx_top"

# -qq: the full log (warnings included: BRAM port resizing, registers for small memories)
# goes to the log file only; its end is shown if yosys fails. yosys runs in $work and reads
# the copy by its plain name, so that cell names carry no machine path.
cd "$work"
failed() {  # LOG
  echo "synth.sh: yosys failed; end of its log:" >&2
  tail -n 20 "$1" >&2
  exit 1
}
if [ -n "$depth" ]; then
  yosys -qq -l flat.log -p "read_verilog -sv sendoff_flat.sv; $flat_synth; write_json flat.json" \
    >/dev/null 2>&1 &
  flat_pid=$!
  json="write_json hier.json"
fi
yosys -qq -l yosys.log \
  -p "read_verilog -sv sendoff_flat.sv; $synth; tee -q -o stat.txt stat; ${json:-}" \
  >/dev/null 2>&1 || failed yosys.log

echo "yosys $(yosys -V | awk '{print $2}') $synth"
python3 - "$work/stat.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()

def kinds(block):
    c = {k: 0.0 for k in ('LUT', 'LUTRAM', 'FF', 'CARRY', 'BRAM36', 'URAM', 'DSP')}
    for cell, n in re.findall(r'^\s+(\S+)\s+(\d+)\s*$', block, re.M):
        n = int(n)
        if re.fullmatch(r'LUT[1-6]', cell): c['LUT'] += n
        elif re.fullmatch(r'RAM\d+[MX]\S*|RAM\d+X\d+\S*|SRL\S*', cell): c['LUTRAM'] += n
        elif re.fullmatch(r'FD[RSCPE]+', cell): c['FF'] += n
        elif cell in ('CARRY8', 'CARRY4'): c['CARRY'] += n
        elif cell in ('RAMB36E2', 'RAMB36E1'): c['BRAM36'] += n
        elif cell in ('RAMB18E2', 'RAMB18E1'): c['BRAM36'] += n / 2
        elif cell == 'URAM288': c['URAM'] += n
        elif cell.startswith('DSP48'): c['DSP'] += n
    return c

sections = re.split(r'^=== (.+?) ===\s*$', text, flags=re.M)
fmt = '{:<16} {:>8} {:>7} {:>8} {:>7} {:>7} {:>5} {:>4}'
print(fmt.format('module', 'LUT', 'LUTRAM', 'FF', 'CARRY', 'BRAM36', 'URAM', 'DSP'))
total = None
for name, block in zip(sections[1::2], sections[2::2]):
    c = kinds(block)
    if name == 'design hierarchy':
        label, total = 'total', c
    else:
        # $paramod$<hash>\sync_fifo or $paramod\sync_fifo\Width=...: one line per variant.
        m = re.search(r'\\(\w+)', name)
        label = m.group(1) if name.startswith('$paramod') and m else name
    print(fmt.format(label, int(c['LUT']), int(c['LUTRAM']), int(c['FF']), int(c['CARRY']),
                     f"{c['BRAM36']:g}", int(c['URAM']), int(c['DSP'])))
if total is None:
    sys.exit('synth.sh: no design hierarchy in the yosys statistics')
print('per-module lines count one instance; total counts every instance')
PY

[ -n "$depth" ] || exit 0
echo
python3 "$root/scripts/logic_depth.py" --table "$work/hier.json"
echo "depth: LUT, INV and MUXF7/8/9 one level each, a CARRY chain one; from and to FFs, RAMs," \
     "SRLs, DSPs and the module's own ports; each module flattened on its own as top"
wait "$flat_pid" || failed flat.log
flat_pid=
echo
echo "$flat_synth, the whole design's longest path:"
python3 "$root/scripts/logic_depth.py" "$work/flat.json"
