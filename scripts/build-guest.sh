#!/usr/bin/env bash
# Builds the code that runs inside the emulated machine and the tables the TypeScript side reads:
#   src/guest/vdso/datapage.generated.h        (from src/kernel/vdso/datapage.ts)
#   src/guest/vdso/build/vdso.so.dbg, vdso.so  (our vDSO; .dbg keeps DWARF, vdso.so is objcopy -S)
#   src/guest/vdso/vdsoSymbols.generated.ts    (exported dynamic symbols, image size)
#   src/guest/kernel/build/entry.elf           (S-mode trap entry, with DWARF line info)
#   src/guest/kernel/entrySymbols.generated.ts (symbols, link base, pt_regs/task-block offsets)
#
# Usage: scripts/build-guest.sh [OUTDIR]
#   OUTDIR defaults to the repository root; the outputs go to the same relative paths under it (the
#   oracle test builds into a temporary directory and compares bytes with the committed files).
#
# Reproducible and location-independent: sources are copied into a staging directory and compiled with
# relative paths and -ffile-prefix-map=<stage>=. so no absolute path, and no timestamp, reaches the
# outputs; a fresh clone anywhere produces identical bytes (given the same toolchain, Debian 12's
# riscv64-linux-gnu gcc 12.2 / binutils 2.40).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
CROSS="${CROSS:-riscv64-linux-gnu-}"
TSX="$ROOT/node_modules/.bin/tsx"
export LC_ALL=C SOURCE_DATE_EPOCH=0

for tool in gcc objcopy readelf nm; do
  command -v "${CROSS}${tool}" >/dev/null || { echo "build-guest: ${CROSS}${tool} not found" >&2; exit 1; }
done

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

VDSO_SRC=src/guest/vdso
KERN_SRC=src/guest/kernel
mkdir -p "$STAGE/$VDSO_SRC" "$STAGE/$KERN_SRC" "$STAGE/obj" \
  "$OUT/$VDSO_SRC/build" "$OUT/$KERN_SRC/build"

# 1. The data page header, generated from the one TypeScript description.
"$TSX" "$ROOT/scripts/gen-datapage-header.ts" "$OUT/$VDSO_SRC/datapage.generated.h"

# 2. Stage the sources (the generated header from OUT, so a stale committed one cannot leak in).
for f in vgettimeofday.c rt_sigreturn.S getcpu.S flush_icache.S note.S vdso.lds.S vdso.h; do
  cp "$ROOT/$VDSO_SRC/$f" "$STAGE/$VDSO_SRC/$f"
done
cp "$OUT/$VDSO_SRC/datapage.generated.h" "$STAGE/$VDSO_SRC/"
for f in entry.S entry.lds asm-offsets.h; do
  cp "$ROOT/$KERN_SRC/$f" "$STAGE/$KERN_SRC/$f"
done

cd "$STAGE"
CC="${CROSS}gcc"
ARCHFLAGS=(-march=rv64gc -mabi=lp64d)
REPRO=(-ffile-prefix-map="$STAGE"=. -fdebug-prefix-map="$STAGE"=.)

# 3. The vDSO.
VDSO_CFLAGS=("${ARCHFLAGS[@]}" -O2 -g -fPIC -ffreestanding -fno-builtin -fno-stack-protector
  -fno-common -fasynchronous-unwind-tables -Wall -Wextra -Werror -I "$VDSO_SRC" "${REPRO[@]}")
objs=()
for src in vgettimeofday.c rt_sigreturn.S getcpu.S flush_icache.S note.S; do
  o="obj/${src%.*}.o"
  "$CC" "${VDSO_CFLAGS[@]}" -c "$VDSO_SRC/$src" -o "$o"
  objs+=("$o")
done
"$CC" -E -P -undef -D__ASSEMBLER__ -x c -I "$VDSO_SRC" "$VDSO_SRC/vdso.lds.S" -o obj/vdso.lds
"$CC" "${ARCHFLAGS[@]}" -shared -nostdlib -fPIC \
  -Wl,-T,obj/vdso.lds -Wl,-soname=linux-vdso.so.1 -Wl,--hash-style=both -Wl,--eh-frame-hdr \
  -Wl,--build-id=sha1 -Wl,--no-undefined -Wl,-z,noexecstack \
  "${objs[@]}" -o obj/vdso.so.dbg
"${CROSS}objcopy" -S obj/vdso.so.dbg obj/vdso.so

# Like Linux's vdso checks: the image must need no dynamic relocations and have exactly one PT_LOAD.
if "${CROSS}readelf" -rW obj/vdso.so | grep -q '^Relocation section'; then
  "${CROSS}readelf" -rW obj/vdso.so >&2
  echo "build-guest: vdso.so has dynamic relocations" >&2; exit 1
fi
if [ "$("${CROSS}readelf" -lW obj/vdso.so | grep -c '^  LOAD')" != 1 ]; then
  echo "build-guest: vdso.so must have exactly one PT_LOAD" >&2; exit 1
fi

# 4. The kernel trap entry.
# (assemble and link separately: a one-step build would name gcc's random temporary object in .symtab)
"$CC" "${ARCHFLAGS[@]}" -g -I "$KERN_SRC" "${REPRO[@]}" -c "$KERN_SRC/entry.S" -o obj/entry.o
"$CC" "${ARCHFLAGS[@]}" -nostdlib -static -no-pie \
  -Wl,-T,"$KERN_SRC/entry.lds" -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
  obj/entry.o -o obj/entry.elf

cp obj/vdso.so.dbg obj/vdso.so "$OUT/$VDSO_SRC/build/"
cp obj/entry.elf "$OUT/$KERN_SRC/build/"

# 5. Symbol tables for the TypeScript side.
CROSS="$CROSS" "$TSX" "$ROOT/scripts/gen-guest-symbols.ts" \
  "$OUT/$VDSO_SRC/build/vdso.so" "$OUT/$KERN_SRC/build/entry.elf" "$ROOT/$KERN_SRC/asm-offsets.h" \
  "$OUT/$VDSO_SRC/vdsoSymbols.generated.ts" "$OUT/$KERN_SRC/entrySymbols.generated.ts"

echo "build-guest: wrote guest images and tables under $OUT"
