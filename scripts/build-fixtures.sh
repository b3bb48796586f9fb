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
  if [ "$name" = rv64uc ]; then
    # every RV64C instruction must have been emitted in its 16-bit form (c.nop shows as c.addi zero,0,
    # c.ebreak lives in trap.S)
    used="$("$OBJDUMP" -d -M no-aliases "build/$name.elf" | awk '/<test_main>:/,0' | grep -oE '\sc\.[a-z0-9.]+' | tr -d ' \t' | sort -u)"
    for m in c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd c.addi c.addiw c.li c.addi16sp c.lui c.srli c.srai \
             c.andi c.sub c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez c.slli c.fldsp c.lwsp c.ldsp \
             c.jr c.mv c.jalr c.add c.fsdsp c.swsp c.sdsp; do
      grep -qx "$m" <<<"$used" || { echo "rv64uc: no $m in the compressed output" >&2; exit 1; }
    done
    if [ -f build/trap.elf ]; then
      trapdump="$("$OBJDUMP" -d -M no-aliases build/trap.elf)"
      grep -q 'c\.ebreak' <<<"$trapdump" || { echo "trap: no c.ebreak" >&2; exit 1; }
    fi
    echo "rv64uc: all 35 RV64C forms present (plus c.nop; c.ebreak in trap)"
  fi
done
