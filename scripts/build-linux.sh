#!/usr/bin/env bash
# Builds the full-system demo kernel (issue 19) from Debian's linux-source-6.1 package:
#   make tinyconfig + src/guest/fullsys/linux.config, cross-compiled for riscv64.
#
# Usage: scripts/build-linux.sh [--cached]   prints the cache directory holding the results (--cached: only when
#   they are already built; exit status 3 otherwise, nothing is built)
#   ~/.cache/riscv-vdso-lab/linux-KEY/{Image,vmlinux,System.map,config,vdso.so.dbg,vdso-lines.so,build.log}
# vdso-lines.so is the vDSO linked again the way the kernel links vdso.so.dbg (its own command, from kbuild's
# .vdso.so.dbg.cmd) but without -S: the same code at the same offsets, with the DWARF the kernel strips, so a
# debugger shows the vDSO's C source. It is made (a one-second link) whenever it is missing, --cached too.
# KEY = the linux-source-6.1 package version + a hash of the config fragment and the cross compiler's
# version, so a new Debian source upload, a changed fragment or a new toolchain builds again and
# everything else reuses the cache (CI keeps ~/.cache). The kernel tree is unpacked once per package
# version beside it. Nothing of the kernel tree enters the repository.
#
# Needs: linux-source-6.1, gcc-riscv64-linux-gnu, flex, bison, bc, libssl-dev, libelf-dev
# (apt-get install linux-source-6.1 ...). Takes ~8 minutes on 2 cores (nice'd).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRAGMENT="$ROOT/src/guest/fullsys/linux.config"
CROSS="${CROSS:-riscv64-linux-gnu-}"
CACHE="${RISCV_VDSO_CACHE:-$HOME/.cache/riscv-vdso-lab}"
TARBALL="${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}"
JOBS="${JOBS:-2}"

die() { echo "build-linux: $*" >&2; exit 1; }
[ "${1:-}" = "--cached" ] && [ ! -f "$TARBALL" ] && exit 3
[ -f "$TARBALL" ] || die "$TARBALL not found (apt-get install linux-source-6.1)"
for tool in "${CROSS}gcc" flex bison bc make; do
  command -v "$tool" >/dev/null || die "$tool not found"
done

PKGVER="$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)"
[ -n "$PKGVER" ] || PKGVER="$(sha256sum "$TARBALL" | cut -c1-16)"
FRAGHASH="$( { cat "$FRAGMENT"; "${CROSS}gcc" --version | head -1; } | sha256sum | cut -c1-12)"
KEY="${PKGVER}-${FRAGHASH}"
DEST="$CACHE/linux-$KEY"

# The vDSO with its DWARF: kbuild's own link command for vdso.so.dbg minus -S (strip debug), into a temporary
# name renamed into place (several callers may race).
vdso_lines() {
  local dir="$DEST/build/arch/riscv/kernel/vdso" cmd
  [ -f "$DEST/vdso-lines.so" ] || [ ! -f "$dir/.vdso.so.dbg.cmd" ] && return 0
  cmd="$(sed -n 's/^cmd_[^ ]*vdso\.so\.dbg := \([^&]*\) -o [^ ]*\.tmp .*/\1/p' "$dir/.vdso.so.dbg.cmd")"
  [ -n "$cmd" ] || return 0
  cmd="${cmd/ -S / }"
  local tmp="$DEST/vdso-lines.so.$$"
  (cd "$DEST/build" && eval "$cmd -o '$tmp'") >/dev/null 2>&1 && mv -f "$tmp" "$DEST/vdso-lines.so" || rm -f "$tmp"
}

if [ -f "$DEST/done" ]; then
  vdso_lines
  echo "$DEST"
  exit 0
fi
[ "${1:-}" = "--cached" ] && exit 3

# 1. The source tree, unpacked once per package version.
SRC="$CACHE/linux-source-$PKGVER"
if [ ! -f "$SRC/.unpacked" ]; then
  echo "build-linux: unpacking $TARBALL into $SRC" >&2
  rm -rf "$SRC" && mkdir -p "$SRC"
  tar -xf "$TARBALL" -C "$SRC" --strip-components=1
  touch "$SRC/.unpacked"
fi

# 2. Configure out of tree: tinyconfig, then the fragment, then olddefconfig to settle dependencies.
BUILD="$DEST/build"
mkdir -p "$BUILD"
export ARCH=riscv CROSS_COMPILE="$CROSS"
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970' KBUILD_BUILD_USER=riscv-vdso-lab KBUILD_BUILD_HOST=build
LOG="$DEST/build.log"
: > "$LOG"
echo "build-linux: configuring in $BUILD (log: $LOG)" >&2
make -C "$SRC" O="$BUILD" tinyconfig >>"$LOG" 2>&1
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "$FRAGMENT" >>"$LOG" 2>&1
make -C "$SRC" O="$BUILD" olddefconfig >>"$LOG" 2>&1

# Every symbol the fragment asks for must have survived (a dependency the fragment misses drops it
# silently otherwise).
missing=()
while IFS= read -r line; do
  case "$line" in
    "# CONFIG_"*" is not set") sym="${line#\# }"; sym="${sym%% *}"; grep -q "^$sym=" "$BUILD/.config" && missing+=("$line") ;;
    CONFIG_*=*) grep -qx "$line" "$BUILD/.config" || missing+=("$line") ;;
  esac
done < "$FRAGMENT"
[ "${#missing[@]}" -eq 0 ] || die "the configuration lost: ${missing[*]} (see $LOG)"

# 3. Build.
echo "build-linux: building Image and vmlinux (-j$JOBS)" >&2
nice -n 10 make -C "$SRC" O="$BUILD" -j"$JOBS" Image vmlinux >>"$LOG" 2>&1 || { tail -30 "$LOG" >&2; die "build failed"; }

cp "$BUILD/arch/riscv/boot/Image" "$BUILD/vmlinux" "$BUILD/System.map" "$DEST/"
cp "$BUILD/.config" "$DEST/config"
cp "$BUILD/arch/riscv/kernel/vdso/vdso.so.dbg" "$DEST/" 2>/dev/null || true
vdso_lines
echo "$KEY" > "$DEST/done"
echo "$DEST"
