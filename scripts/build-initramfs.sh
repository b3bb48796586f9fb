#!/usr/bin/env bash
# Builds the full-system demo initramfs (issue 19): /init from src/guest/fullsys/init.c (static glibc, GNU
# cross toolchain) and the seed's sample programs as /bin/vdso, /bin/syscall, /bin/vdso_sym, plus /dev/console
# and /proc, in a newc cpio written by scripts/gen-initramfs.ts.
#
# Usage: scripts/build-initramfs.sh [--cached]   prints the cache directory holding initramfs.cpio and init
#   (--cached: only when already built; exit status 3 otherwise)
#   ~/.cache/riscv-vdso-lab/initramfs-KEY/  KEY = hash of the inputs (sources, samples, writer, compiler).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CROSS="${CROSS:-riscv64-linux-gnu-}"
CACHE="${RISCV_VDSO_CACHE:-$HOME/.cache/riscv-vdso-lab}"
TSX="$ROOT/node_modules/.bin/tsx"
command -v "${CROSS}gcc" >/dev/null || { [ "${1:-}" = "--cached" ] && exit 3; echo "build-initramfs: ${CROSS}gcc not found" >&2; exit 1; }

INPUTS=("$ROOT/src/guest/fullsys/init.c" "$ROOT/scripts/gen-initramfs.ts" "$ROOT/scripts/build-initramfs.sh"
  "$ROOT/samples/vdso" "$ROOT/samples/syscall" "$ROOT/samples/vdso_sym")
KEY="$( { cat "${INPUTS[@]}"; "${CROSS}gcc" --version | head -1; } | sha256sum | cut -c1-12)"
DEST="$CACHE/initramfs-$KEY"
if [ -f "$DEST/initramfs.cpio" ]; then echo "$DEST"; exit 0; fi
[ "${1:-}" = "--cached" ] && exit 3

mkdir -p "$DEST"
"${CROSS}gcc" -O2 -g -static -march=rv64gc -mabi=lp64d -Wall -Wextra -Werror \
  -ffile-prefix-map="$ROOT"=. -Wl,--build-id=none -o "$DEST/init" "$ROOT/src/guest/fullsys/init.c"
"$TSX" "$ROOT/scripts/gen-initramfs.ts" "$DEST/initramfs.cpio.tmp" \
  dir:dev char:dev/console:5:1 dir:proc dir:bin \
  "file:bin/vdso:$ROOT/samples/vdso" "file:bin/syscall:$ROOT/samples/syscall" "file:bin/vdso_sym:$ROOT/samples/vdso_sym" \
  "file:init:$DEST/init"
mv "$DEST/initramfs.cpio.tmp" "$DEST/initramfs.cpio"
echo "$DEST"
