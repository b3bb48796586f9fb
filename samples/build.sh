#!/usr/bin/env bash
# Rebuilds the sample programs (committed, so the workspace works without a RISC-V toolchain): static glibc
# riscv64 binaries next to their sources, with DWARF for the sources (-g), reproducible (no absolute paths,
# no build ids). Needs riscv64-linux-gnu-gcc (Debian: gcc-riscv64-linux-gnu libc6-dev-riscv64-cross).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CC="${CC:-riscv64-linux-gnu-gcc}"
for p in vdso syscall vdso_sym clockloop; do
  "$CC" -Og -g -march=rv64gc -mabi=lp64d -Wall -static -ffile-prefix-map="$PWD"=. -Wl,--build-id=none -o "$p" "$p.c"
done
echo "built vdso syscall vdso_sym clockloop in $PWD"
