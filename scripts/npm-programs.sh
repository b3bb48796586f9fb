#!/usr/bin/env bash
# Real riscv64 Linux programs published on npm, for the oracle suite (test/kernel/programs.oracle.ts):
#   esbuild (Go)           @esbuild/linux-riscv64
#   dprint (Rust)          @dprint/linux-riscv64-glibc, with its JSON plugin @dprint/json (a wasm file)
#   dart-sass (Dart, AOT)  sass-embedded-linux-riscv64 (the Dart runtime and the sass snapshot)
#
#   scripts/npm-programs.sh            fetch what is missing, print NAME=DIRECTORY per package
#   scripts/npm-programs.sh --print    print what is there (fetch nothing)
#
# Versions are pinned below; each package is fetched with `npm pack` (the registry's integrity check) and unpacked
# into ${XDG_CACHE_HOME:-~/.cache}/riscv-vdso-lab/npm-programs/<name>-<version>/ (the package under package/).
# Nothing fetched here is committed. Exit status 2: npm or the registry is not reachable.
set -euo pipefail

PACKAGES=(
  esbuild=@esbuild/linux-riscv64@0.28.2
  dprint=@dprint/linux-riscv64-glibc@0.54.0
  dprint-json=@dprint/json@0.24.0
  sass=sass-embedded-linux-riscv64@1.105.0
)
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/riscv-vdso-lab/npm-programs"
print_only=0
[ "${1:-}" = "--print" ] && print_only=1

mkdir -p "$CACHE"
for entry in "${PACKAGES[@]}"; do
  name=${entry%%=*}
  spec=${entry#*=}
  pkg=${spec%@*}
  version=${spec##*@}
  dir="$CACHE/$(echo "$pkg" | tr -d '@' | tr '/' '-')-$version"
  if [ ! -f "$dir/package/package.json" ]; then
    [ "$print_only" = 1 ] && continue
    command -v npm >/dev/null || { echo "npm-programs: npm not found" >&2; exit 2; }
    tmp="$(mktemp -d "$CACHE/.fetch-XXXXXX")"
    if ! (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/err"); then
      echo "npm-programs: npm pack $spec failed: $(tail -3 "$tmp/err")" >&2
      rm -rf "$tmp"
      exit 2
    fi
    mkdir -p "$tmp/out"
    tar xzf "$tmp"/*.tgz -C "$tmp/out"
    rm -rf "$dir"
    mv "$tmp/out" "$dir"
    rm -rf "$tmp"
  fi
  echo "$name=$dir/package"
done
