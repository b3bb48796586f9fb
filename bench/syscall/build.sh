#!/usr/bin/env bash
# Builds bench/syscall/build/getpid and build/smallio: static riscv64 Linux programs without libc (own _start).
# Needs riscv64-linux-gnu-gcc. Run: qemu-riscv64 build/getpid 1000; qemu-riscv64 build/smallio FILE [OUT]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CC="${CC:-riscv64-linux-gnu-gcc}"
mkdir -p build
for p in getpid smallio; do
  "$CC" -march=rv64gc -mabi=lp64d -O2 -nostdlib -nostartfiles -static -fno-pie -no-pie -ffreestanding \
    -fno-stack-protector -fno-asynchronous-unwind-tables -g0 -Wall -Wextra -Wl,--build-id=none -Wl,-e,_start \
    -o "build/$p" "$p.c"
  echo "built bench/syscall/build/$p"
done
