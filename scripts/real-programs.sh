#!/usr/bin/env bash
# Real programs from Debian source packages, built as static riscv64 Linux binaries with the GNU cross toolchain.
#
#   scripts/real-programs.sh            build what is missing, print the directory of each program (one per line)
#   scripts/real-programs.sh --print    print the directories of what is built (build nothing)
#
# Packages: lua5.4, jq, bzip2, zlib (example + minigzip), sqlite3 (the shell), busybox (sh and the applets: processes,
# pipes, job control), xz-utils (xz, threaded with -T), libzstd (the zstd program, threaded with -T). Each is fetched with
# `apt-get source` (deb-src lines are added when missing: that needs root), unpacked with Debian's patches and
# built with riscv64-linux-gnu-gcc -static. Results are cached in
#   ${XDG_CACHE_HOME:-~/.cache}/riscv-vdso-lab/real-programs/<package>-<version>-<key>/
# where <key> hashes the build recipe of this script for that package, the compiler's version and the flags, so a
# change of any of them builds anew. Each directory holds the binaries under bin/, the package's licence files
# under licences/ and a file `source` naming the package and version. Nothing built here is committed.
# Needed: gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross, dpkg-dev, autoconf, automake, libtool (jq), tclsh (sqlite3).
set -euo pipefail

PACKAGES=(lua5.4 jq bzip2 zlib sqlite3 busybox xz-utils libzstd)
CC=riscv64-linux-gnu-gcc
CFLAGS_REAL="-O2"
LDFLAGS_REAL="-static"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/riscv-vdso-lab/real-programs"
JOBS="$(nproc 2>/dev/null || echo 2)"
print_only=0
[ "${1:-}" = "--print" ] && print_only=1

die() { echo "real-programs: $*" >&2; exit 1; }
command -v "$CC" >/dev/null || die "$CC not found (apt-get install gcc-riscv64-linux-gnu libc6-dev-riscv64-cross)"
command -v apt-get >/dev/null || die "apt-get not found: the sources come from Debian (apt-get source)"

# The recipe of one package: the body of its build function in this file, hashed into the cache key.
recipe_of() { declare -f "build_$(echo "$1" | tr -c 'a-z0-9\n' '_')"; }

key_of() {
  local pkg=$1 version=$2
  { echo "$pkg $version"; recipe_of "$pkg"; "$CC" --version | head -1; echo "$CFLAGS_REAL $LDFLAGS_REAL"; } | sha256sum | cut -c1-12
}

ensure_deb_src() {
  if apt-cache showsrc bzip2 2>/dev/null | grep -q '^Version'; then return; fi
  [ "$(id -u)" = 0 ] || die "no deb-src lines in the apt sources and not root: add deb-src for bookworm and run apt-get update"
  echo "real-programs: adding deb-src lines (/etc/apt/sources.list.d/riscv-vdso-lab-src.sources)" >&2
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    # Same URIs/suites/components as the binary sources, deb-src.
    sed -n '/^Types:.*\bdeb\b/,/^$/p' "$f" | sed 's/^Types:.*/Types: deb-src/'
    echo
  done > /etc/apt/sources.list.d/riscv-vdso-lab-src.sources
  if [ ! -s /etc/apt/sources.list.d/riscv-vdso-lab-src.sources ] && [ -f /etc/apt/sources.list ]; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > /etc/apt/sources.list.d/riscv-vdso-lab-src.list
    rm -f /etc/apt/sources.list.d/riscv-vdso-lab-src.sources
  fi
  apt-get update -q >&2
}

# Fetch and unpack into $2, trying each version apt knows, newest first (a mirror may lack the newest).
# Prints the version that was unpacked.
fetch_source() {
  local pkg=$1 dest=$2 v
  for v in $(apt-cache showsrc "$pkg" | sed -n 's/^Version: //p' | sort -rV | uniq); do
    rm -rf "$dest" && mkdir -p "$dest"
    if (cd "$dest" && apt-get source -q --download-only "$pkg=$v" >&2 2>/dev/null); then
      (cd "$dest" && dpkg-source -x ./*.dsc src >&2) || continue
      echo "$v"
      return 0
    fi
  done
  die "apt-get source $pkg failed for every version apt knows ($(apt-cache showsrc "$pkg" | sed -n 's/^Version: //p' | xargs))"
}

# --- build recipes: run inside the unpacked source tree, install binaries into $OUT/bin, licences into $OUT/licences

build_lua5_4() {
  # Debian's Makefile builds a shared liblua with libtool; the interpreter is lua.c over every core/library file.
  local srcs
  srcs=$(ls src/*.c | grep -v -e '/luac\.c$' -e '/lua\.c$' -e '/onelua\.c$')
  # debian/rules writes this header (the module search path names the multiarch triplet).
  printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "riscv64-linux-gnu"\n#endif\n' \
    > src/lua5.4-deb-multiarch.h
  "$CC" $CFLAGS_REAL -std=gnu99 -DLUA_COMPAT_5_3 -DLUA_USE_LINUX -o "$OUT/bin/lua" src/lua.c $srcs $LDFLAGS_REAL -lm
  # The licence is at the end of lua.h (and in doc/readme.html).
  sed -n '/Copyright (C) 1994/,/\*\//p' src/lua.h > "$OUT/licences/lua.h-licence.txt"
  cp debian/copyright "$OUT/licences/debian-copyright"
}

build_jq() {
  # Without oniguruma (regular-expression builtins report that jq was built without it).
  autoreconf -fi >/dev/null 2>&1
  ./configure -q --host=riscv64-linux-gnu --disable-maintainer-mode --disable-docs --without-oniguruma \
    --disable-shared --enable-static --enable-all-static CC="$CC" CFLAGS="$CFLAGS_REAL" LDFLAGS="$LDFLAGS_REAL" >&2
  make -s src/builtin.inc src/version.h >&2   # the parallel build races on these in jq 1.6
  make -s -j"$JOBS" jq >&2
  cp jq "$OUT/bin/jq"
  cp COPYING "$OUT/licences/COPYING"
  cp debian/copyright "$OUT/licences/debian-copyright"
}

build_bzip2() {
  # Debian's Makefile links the program against the shared libbz2; the objects are the library's, statically.
  "$CC" $CFLAGS_REAL -D_FILE_OFFSET_BITS=64 -o "$OUT/bin/bzip2" bzip2.c blocksort.c huffman.c crctable.c \
    randtable.c compress.c decompress.c bzlib.c $LDFLAGS_REAL
  cp LICENSE "$OUT/licences/LICENSE"
  cp debian/copyright "$OUT/licences/debian-copyright"
}

build_zlib() {
  CC="$CC" CFLAGS="$CFLAGS_REAL" ./configure --static >&2
  make -s -j"$JOBS" LDFLAGS="$LDFLAGS_REAL" example minigzip >&2
  cp example minigzip "$OUT/bin/"
  # zlib's licence is in README (and zlib.h); the dfsg tarball has LICENSE too in newer versions.
  if [ -f LICENSE ]; then cp LICENSE "$OUT/licences/LICENSE"; fi
  sed -n '/^Copyright notice:/,$p' README > "$OUT/licences/README-copyright"
  cp debian/copyright "$OUT/licences/debian-copyright"
}

build_sqlite3() {
  # The amalgamation (generated with tclsh) and the shell; no readline, no tcl, no extensions loaded at run time.
  ./configure -q --host=riscv64-linux-gnu --disable-shared --enable-static --disable-readline --disable-editline \
    --disable-tcl --disable-load-extension CC="$CC" BUILD_CC=gcc CFLAGS="$CFLAGS_REAL" LDFLAGS="$LDFLAGS_REAL" >&2
  # lemon, mkkeywordhash and mksourceid run on the build machine (Debian's patch adds the *-for-build rules)
  make -s -j"$JOBS" CROSS_BUILDING=yes BCC=gcc sqlite3.c shell.c >&2
  # Linked here: libtool takes -static for itself and would link the shell dynamically.
  "$CC" $CFLAGS_REAL -DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION=1 -DSQLITE_ENABLE_MATH_FUNCTIONS -I. \
    -o "$OUT/bin/sqlite3" shell.c sqlite3.c $LDFLAGS_REAL -lm
  cp debian/copyright "$OUT/licences/debian-copyright"   # public domain: the blessing is in debian/copyright
}

build_busybox() {
  # Upstream's defconfig (every applet), linked statically; tc is left out (it needs CBQ definitions that newer
  # kernel headers dropped). The shell runs applets without exec where it can (PREFER_APPLETS, SH_STANDALONE: a
  # NOEXEC applet runs in the forked child), as Debian's busybox-static does: qemu-riscv64 cannot execve a riscv64
  # binary without binfmt_misc, so scripts compared under both fork but do not exec.
  make -s defconfig >&2
  sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' \
    -e 's/^# CONFIG_FEATURE_PREFER_APPLETS is not set/CONFIG_FEATURE_PREFER_APPLETS=y/' \
    -e 's/^# CONFIG_FEATURE_SH_STANDALONE is not set/CONFIG_FEATURE_SH_STANDALONE=y/' .config
  yes '' | make -s oldconfig >/dev/null 2>&1 || true
  make -s -j"$JOBS" CROSS_COMPILE=riscv64-linux-gnu- busybox >&2
  cp busybox "$OUT/bin/busybox"
  cp LICENSE "$OUT/licences/LICENSE"
  cp debian/copyright "$OUT/licences/debian-copyright"
}

build_xz_utils() {
  # xz with liblzma statically; threads (-T) are pthreads.
  ./configure -q --host=riscv64-linux-gnu --disable-shared --enable-static --disable-nls --disable-doc \
    --disable-scripts --disable-lzmadec --disable-lzmainfo --disable-xzdec --disable-lzma-links \
    CC="$CC" CFLAGS="$CFLAGS_REAL" LDFLAGS="$LDFLAGS_REAL" >&2
  make -s -j"$JOBS" -C src/liblzma >&2
  make -s -j"$JOBS" -C src/xz LDFLAGS="$LDFLAGS_REAL -all-static" >&2
  cp src/xz/xz "$OUT/bin/xz"
  cp COPYING "$OUT/licences/COPYING"
  cp debian/copyright "$OUT/licences/debian-copyright"
}

build_libzstd() {
  # The zstd command line program with its multithreaded compressor (pthreads), no zlib/lzma/lz4 formats.
  make -s -j"$JOBS" -C programs zstd CC="$CC" CFLAGS="$CFLAGS_REAL" LDFLAGS="$LDFLAGS_REAL" HAVE_THREAD=1 HAVE_ZLIB=0 \
    HAVE_LZMA=0 HAVE_LZ4=0 >&2
  cp programs/zstd "$OUT/bin/zstd"
  cp LICENSE COPYING "$OUT/licences/"
  cp debian/copyright "$OUT/licences/debian-copyright"
}

# ---

mkdir -p "$CACHE"
if [ "$print_only" = 0 ]; then
  exec 9>"$CACHE/.lock"
  flock 9   # one builder at a time (the bench and CI may start this concurrently)
  ensure_deb_src
fi
for pkg in "${PACKAGES[@]}"; do
  version=$(apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -rV | head -1)
  # A directory for any version of this package built by this recipe counts (the mirror may only serve an older one).
  found=""
  for d in "$CACHE/$pkg"-*; do
    [ -f "$d/source" ] || continue
    v=$(sed -n 's/^version: //p' "$d/source")
    if [ "$(basename "$d")" = "$pkg-${v#*:}-$(key_of "$pkg" "$v")" ]; then found=$d; [ "$v" = "$version" ] && break; fi
  done
  if [ -n "$found" ]; then echo "$found"; continue; fi
  [ "$print_only" = 1 ] && continue
  work=$(mktemp -d "${TMPDIR:-/tmp}/real-programs.XXXXXX")
  echo "real-programs: building $pkg (in $work)" >&2
  v=$(fetch_source "$pkg" "$work")
  OUT="$CACHE/$pkg-${v#*:}-$(key_of "$pkg" "$v")"
  rm -rf "$CACHE/$pkg"-*.tmp; mkdir -p "$OUT.tmp/bin" "$OUT.tmp/licences"
  final=$OUT; OUT="$OUT.tmp"
  set +e   # (errexit is ignored inside an `if` condition: run the recipe with it on, then test its status)
  (set -e; cd "$work/src"; "build_$(echo "$pkg" | tr -c 'a-z0-9\n' '_')") 2> "$work/build.log"
  rc=$?
  set -e
  if [ "$rc" != 0 ]; then
    tail -40 "$work/build.log" >&2
    die "building $pkg failed (log: $work/build.log)"
  fi
  for b in "$OUT"/bin/*; do
    file "$b" | grep -q 'RISC-V.*statically linked' || die "$b is not a static RISC-V executable: $(file -b "$b")"
  done
  printf 'package: %s\nversion: %s\ncompiler: %s\ncflags: %s\nldflags: %s\n' "$pkg" "$v" "$("$CC" --version | head -1)" \
    "$CFLAGS_REAL" "$LDFLAGS_REAL" > "$OUT/source"
  rm -rf "$final"; mv "$OUT" "$final"
  rm -rf "$work"
  echo "$final"
done
