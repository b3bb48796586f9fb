#!/usr/bin/env bash
# Builds bench/cpu/build/cpu.elf: a static riscv64 Linux user program (no libc, own _start) linked at
# 0x80000000, plus cpu.dump (objdump -d). Needs riscv64-linux-gnu-gcc. Run: qemu-riscv64 build/cpu.elf
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CC="${CC:-riscv64-linux-gnu-gcc}"
OBJDUMP="${OBJDUMP:-riscv64-linux-gnu-objdump}"
mkdir -p build
"$CC" -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -nostdlib -nostartfiles -static -fno-pie -no-pie -ffreestanding \
  -fno-tree-loop-distribute-patterns -fno-stack-protector -fno-asynchronous-unwind-tables -g0 \
  -Wall -Wextra -Wl,-Ttext-segment=0x80000000 -Wl,--build-id=none -Wl,-e,_start \
  -o build/cpu.elf cpu.c
"$OBJDUMP" -d build/cpu.elf > build/cpu.dump
echo "built bench/cpu/build/cpu.elf"
