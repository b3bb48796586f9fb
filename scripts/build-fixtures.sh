#!/usr/bin/env bash
# Builds the bare-metal fixture tests: test/fixtures/bare/*.S -> test/fixtures/bare/build/NAME.elf + NAME.dump
# Needs riscv64-linux-gnu-gcc / objdump (Debian: gcc-riscv64-linux-gnu, binutils-riscv64-linux-gnu).
# Usage: scripts/build-fixtures.sh [NAME...]   (default: every test)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/test/fixtures/bare"          # relative paths only, so nothing absolute is embedded

CC="${CC:-riscv64-linux-gnu-gcc}"
OBJDUMP="${OBJDUMP:-riscv64-linux-gnu-objdump}"
CFLAGS=(-march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static -mcmodel=medany -fno-pie -no-pie
        -T env/link.ld -I env -Wl,--build-id=none -Wl,--no-warn-rwx-segments -g0)
export SOURCE_DATE_EPOCH=0 LC_ALL=C

mkdir -p build
tmp="build/.obj"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
if [ "$#" -gt 0 ]; then names=("$@"); else names=(); for f in *.S; do names+=("${f%.S}"); done; fi

for name in "${names[@]}"; do
  # assemble to fixed object names first: a one-step build names its temporaries randomly in the ELF
  "$CC" "${CFLAGS[@]}" -c -o "$tmp/crt.o" env/crt.S
  "$CC" "${CFLAGS[@]}" -c -o "$tmp/$name.o" "$name.S"
  "$CC" "${CFLAGS[@]}" -o "build/$name.elf" "$tmp/crt.o" "$tmp/$name.o"
  "$OBJDUMP" -d "build/$name.elf" > "build/$name.dump"
  echo "built build/$name.elf"
done
