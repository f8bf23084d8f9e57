#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Area estimate of rtl/ with yosys synth_xilinx: LUT, FF, BRAM, URAM, DSP per module and in
# total. No timing: yosys has no Xilinx timing model. Debian 12's yosys 0.23 reads neither
# package imports nor a few other SystemVerilog forms, so it reads a package-free copy that
# scripts/sv_flatten_pkg.py writes to a temporary folder; rtl/ is not touched.
#
#   scripts/synth.sh [--family xcup|xcu|xc7] [--keep DIR]
#
# eth_fcs is kept as a blackbox: its CRC matrices are constant functions returning 2-D packed
# arrays, which yosys 0.23 cannot parse, so its cells are not in the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
family=xcup
keep=
while [ $# -gt 0 ]; do
  case $1 in
    --family) family=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: $0 [--family xcup|xcu|xc7] [--keep DIR]" >&2; exit 2 ;;
  esac
done
command -v yosys >/dev/null || { echo "synth.sh: yosys not found (scripts/setup.sh installs it)" >&2; exit 1; }

if [ -n "$keep" ]; then
  work=$keep
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
modules=()
for f in "$root"/rtl/*.sv; do
  [ "$(basename "$f")" = sendoff_pkg.sv ] || modules+=("$f")
done
python3 "$root/scripts/sv_flatten_pkg.py" --blackbox eth_fcs "$work/sendoff_flat.sv" \
  "$root/rtl/sendoff_pkg.sv" "${modules[@]}"
# -qq: the full log (warnings included: BRAM port resizing, registers for small memories) goes
# to yosys.log only.
yosys -qq -l "$work/yosys.log" -p "read_verilog -sv $work/sendoff_flat.sv; \
  synth_xilinx -family $family -top sendoff_tx_top; tee -q -o $work/stat.txt stat"

echo "yosys $(yosys -V | awk '{print $2}') synth_xilinx -family $family, top sendoff_tx_top" \
     "(eth_fcs not included)"
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
        if label == 'eth_fcs':
            continue
    print(fmt.format(label, int(c['LUT']), int(c['LUTRAM']), int(c['FF']), int(c['CARRY']),
                     f"{c['BRAM36']:g}", int(c['URAM']), int(c['DSP'])))
if total is None:
    sys.exit('synth.sh: no design hierarchy in the yosys statistics')
print('per-module lines count one instance; total counts every instance')
PY
