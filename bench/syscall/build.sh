#!/usr/bin/env bash
# Builds bench/syscall/build/getpid: a static riscv64 Linux program without libc (own _start). Needs
# riscv64-linux-gnu-gcc. Run: qemu-riscv64 build/getpid 1000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CC="${CC:-riscv64-linux-gnu-gcc}"
mkdir -p build
"$CC" -march=rv64gc -mabi=lp64d -O2 -nostdlib -nostartfiles -static -fno-pie -no-pie -ffreestanding \
  -fno-stack-protector -fno-asynchronous-unwind-tables -g0 -Wall -Wextra -Wl,--build-id=none -Wl,-e,_start \
  -o build/getpid getpid.c
echo "built bench/syscall/build/getpid"
