#!/usr/bin/env bash
# Sets up, builds and runs the demo: a UDP send through the default backend,
# frames written to out/demo.pcap (README's main command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j "$(nproc)" --target sendoff
mkdir -p out
"$build/host/cli/sendoff" send --proto udp --local 198.18.0.1/15 --dst 198.18.0.2:9000 \
  --size 1400 --count 1000 --pcap out/demo.pcap "$@"
