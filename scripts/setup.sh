#!/usr/bin/env bash
# Installs every Debian package sendoff needs (Debian 12). Idempotent.
set -euo pipefail
pkgs=(cmake ninja-build g++ pkg-config googletest libgtest-dev libgmock-dev libcli11-dev
      verilator libxrt-dev uuid-dev tshark iproute2 gnuplot yosys python3 make
      clang-14 libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
