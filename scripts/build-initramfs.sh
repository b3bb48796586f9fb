#!/usr/bin/env bash
# Builds the full-system demo initramfs (issue 19): /init from src/guest/fullsys/init.c (static glibc, GNU
# cross toolchain), the seed's sample programs as /bin/vdso, /bin/syscall, /bin/vdso_sym, Linux's vDSO
# selftests as /selftests/vdso_test_* (built static from tools/testing/selftests/vDSO of Debian's
# linux-source-6.1, the programs its Makefile lists for riscv; nothing of them enters the repository), plus
# /dev/console, /dev/mem (init's power-off status) and /proc, in a newc cpio written by scripts/gen-initramfs.ts.
#
# Usage: scripts/build-initramfs.sh [--cached]   prints the cache directory holding initramfs.cpio and init
#   (--cached: only when already built; exit status 3 otherwise)
#   ~/.cache/riscv-vdso-lab/initramfs-KEY/  KEY = hash of the inputs (sources, samples, writer, compiler, the
#   linux-source-6.1 package version).
# Needs: gcc-riscv64-linux-gnu, linux-source-6.1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CROSS="${CROSS:-riscv64-linux-gnu-}"
CACHE="${RISCV_VDSO_CACHE:-$HOME/.cache/riscv-vdso-lab}"
TSX="$ROOT/node_modules/.bin/tsx"
TARBALL="${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}"
die() { [ "${1:-}" = "--cached" ] && exit 3; echo "build-initramfs: $2" >&2; exit 1; }
command -v "${CROSS}gcc" >/dev/null || die "${1:-}" "${CROSS}gcc not found"
[ -f "$TARBALL" ] || die "${1:-}" "$TARBALL not found (apt-get install linux-source-6.1): the vDSO selftests come from it"
PKGVER="$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)"
[ -n "$PKGVER" ] || PKGVER="$(sha256sum "$TARBALL" | cut -c1-16)"

INPUTS=("$ROOT/src/guest/fullsys/init.c" "$ROOT/scripts/gen-initramfs.ts" "$ROOT/scripts/build-initramfs.sh"
  "$ROOT/samples/vdso" "$ROOT/samples/syscall" "$ROOT/samples/vdso_sym")
SELFTESTS=(vdso_test_gettimeofday vdso_test_getcpu vdso_test_abi vdso_test_clock_getres vdso_test_correctness)
KEY="$( { cat "${INPUTS[@]}"; "${CROSS}gcc" --version | head -1; echo "$PKGVER ${SELFTESTS[*]}"; } | sha256sum | cut -c1-12)"
DEST="$CACHE/initramfs-$KEY"
if [ -f "$DEST/initramfs.cpio" ]; then echo "$DEST"; exit 0; fi
[ "${1:-}" = "--cached" ] && exit 3

mkdir -p "$DEST"

# Linux's vDSO selftests: from the tree scripts/build-linux.sh unpacked, else only their directory from the
# tarball. Built as their Makefile builds them (-std=gnu99, parse_vdso.c where it says), static.
TREE="$CACHE/linux-source-$PKGVER"
if [ ! -f "$TREE/.unpacked" ]; then
  TREE="$DEST/linux-source"
  rm -rf "$TREE" && mkdir -p "$TREE"
  tar -xf "$TARBALL" -C "$TREE" --strip-components=1 --wildcards \
    '*/tools/testing/selftests/vDSO/*' '*/tools/testing/selftests/kselftest.h'
fi
ST="$TREE/tools/testing/selftests/vDSO"
mkdir -p "$DEST/selftests"
cpio_selftests=()
for t in "${SELFTESTS[@]}"; do
  srcs=("$ST/$t.c")
  libs=()
  case "$t" in
    vdso_test_gettimeofday|vdso_test_getcpu|vdso_test_abi) srcs+=("$ST/parse_vdso.c") ;;
    vdso_test_correctness) libs=(-ldl) ;; # static dlopen(RTLD_NOLOAD) finds glibc's own linux-vdso.so.1 entry
  esac
  "${CROSS}gcc" -std=gnu99 -O2 -static -march=rv64gc -mabi=lp64d -Wl,--build-id=none \
    -o "$DEST/selftests/$t" "${srcs[@]}" "${libs[@]}" 2>"$DEST/selftests/$t.log" \
    || { cat "$DEST/selftests/$t.log" >&2; exit 1; } # (the log keeps ld's warning on dlopen in a static program)
  cpio_selftests+=("file:selftests/$t:$DEST/selftests/$t")
done
"${CROSS}gcc" -O2 -g -static -march=rv64gc -mabi=lp64d -Wall -Wextra -Werror \
  -ffile-prefix-map="$ROOT"=. -Wl,--build-id=none -o "$DEST/init" "$ROOT/src/guest/fullsys/init.c"
"$TSX" "$ROOT/scripts/gen-initramfs.ts" "$DEST/initramfs.cpio.tmp" \
  dir:dev char:dev/console:5:1 char:dev/mem:1:1 dir:proc dir:bin dir:selftests "${cpio_selftests[@]}" \
  "file:bin/vdso:$ROOT/samples/vdso" "file:bin/syscall:$ROOT/samples/syscall" "file:bin/vdso_sym:$ROOT/samples/vdso_sym" \
  "file:init:$DEST/init"
mv "$DEST/initramfs.cpio.tmp" "$DEST/initramfs.cpio"
echo "$DEST"
