#!/usr/bin/env bash
# Installs code-server (VS Code's workbench + extension host, served on localhost) into a cache directory
# outside the repository, for the end-to-end suite (test/e2e/). Cached: a second run returns at once.
# Prints the install directory on its last line.
#
# Works offline once npm's cache has the tarballs, and needs no download at install time:
#  * npm install --ignore-scripts (code-server's pinned @vscode/ripgrep would download a binary);
#  * the native modules (code-server's argon2, lib/vscode's node-pty, kerberos, spdlog, ...) are rebuilt
#    against this Node with node-gyp (needs build-essential, python3, libkrb5-dev);
#  * Debian's ripgrep binary is put where @vscode/ripgrep expects its own.
# Env: CODE_SERVER_VERSION (default 4.100.3: engines.node 20), RVL_CACHE (default ~/.cache/riscv-vdso-lab).
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${RVL_CACHE:-$HOME/.cache/riscv-vdso-lab}"
DIR="$CACHE/code-server/$VERSION"
CS="$DIR/node_modules/code-server"
log() { echo "install-code-server: $*" >&2; }

if [ -f "$DIR/.complete" ] && [ -f "$CS/out/node/entry.js" ]; then echo "$DIR"; exit 0; fi

missing=()
command -v rg >/dev/null || missing+=(ripgrep)
command -v chromium >/dev/null || missing+=(chromium)
command -v g++ >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "missing: ${missing[*]} (install them with apt-get)"; exit 1
  fi
fi

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{ "name": "rvl-code-server", "private": true }' > package.json
export npm_config_unsafe_perm=true
log "npm install code-server@$VERSION --ignore-scripts"
npm install --no-audit --no-fund --ignore-scripts --no-save "code-server@$VERSION" node-gyp@10 >&2

GYP="$DIR/node_modules/node-gyp/bin/node-gyp.js"
export npm_config_node_gyp="$GYP"
export PATH="$DIR/node_modules/.bin:$PATH"

# code-server's postinstall installs lib/vscode's own dependencies; do it without scripts, then rebuild.
if [ -f "$CS/lib/vscode/package.json" ] && [ ! -d "$CS/lib/vscode/node_modules" ]; then
  log "npm install in lib/vscode (--ignore-scripts)"
  (cd "$CS/lib/vscode" && npm install --omit=dev --no-audit --no-fund --ignore-scripts --no-save >&2)
fi

rebuild() { # dir: rebuild every module with a binding.gyp under dir/node_modules (one level and scoped)
  local root="$1" m
  for m in "$root"/node_modules/*/binding.gyp "$root"/node_modules/@*/*/binding.gyp; do
    [ -f "$m" ] || continue
    m="$(dirname "$m")"
    case "$(basename "$m")" in windows-*|@vscode/windows-*) continue ;; esac
    log "node-gyp rebuild $(basename "$m")"
    # node-pre-gyp modules (argon2) name their output in package.json "binary": pass those variables.
    local pre
    pre="$(cd "$m" && node -e '
      const b = require("./package.json").binary; if (!b || !b.module_name || !b.module_path) process.exit(0);
      const napi = String((b.napi_versions || [3])[0]);
      const path = require("path").resolve(b.module_path.replace("{napi_build_version}", napi));
      console.log(`--module_name=${b.module_name} --module_path=${path} --napi_build_version=${napi}`);')"
    # shellcheck disable=SC2086
    (cd "$m" && node "$GYP" rebuild --release -j 2 "${NODEDIR[@]}" $pre >&2) || log "warning: $(basename "$m") did not build"
  done
}
# Node's headers: Debian's nodejs ships them in /usr/include/node (no download), else node-gyp fetches them.
NODEDIR=()
[ -f /usr/include/node/node.h ] && NODEDIR=(--nodedir=/usr)
rebuild "$DIR"               # code-server's own dependencies (argon2, ...) are hoisted here
rebuild "$CS/lib/vscode"     # the workbench's (node-pty, spdlog, kerberos, @parcel/watcher, ...)
# argon2 ships node-gyp-build prebuilds for linux-x64; use them when the rebuild is not possible.

# ripgrep: Debian's binary where @vscode/ripgrep looks for its own.
for rgdir in "$CS"/lib/vscode/node_modules/@vscode/ripgrep "$CS"/node_modules/@vscode/ripgrep; do
  [ -d "$rgdir" ] || continue
  mkdir -p "$rgdir/bin" && ln -sf "$(command -v rg)" "$rgdir/bin/rg"
done

touch "$DIR/.complete"
echo "$DIR"
