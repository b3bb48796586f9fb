#!/usr/bin/env bash
# Counts the instructions bench/cpu/build/cpu.elf retires under qemu-riscv64 (about a minute):
# QEMU logs every translated block (-d in_asm: its instructions) and, with chaining off, every
# execution of a block (-d exec,nochain); count-insns.awk sums executions x block sizes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
qemu-riscv64 -d in_asm,exec,nochain -D /dev/stderr build/cpu.elf 2>&1 >/dev/null | awk -f count-insns.awk
