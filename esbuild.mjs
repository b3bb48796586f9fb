// One bundler script, one entry per process (extension host, debug adapter, language server, CLI), plus the
// files loaded beside the bundles at run time. A missing entry or file is an error that names it.
import { build } from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';

const entries = [
  // The language client is its own bundle (about 1 MB of libraries): the extension requires it only when the
  // first riscv-asm document opens, so activation for a debug session does not load it.
  { in: 'src/extension/extension.ts', out: 'extension', external: ['vscode', './lspClient'] },
  { in: 'src/extension/lspClient.ts', out: 'lspClient', external: ['vscode'] },
  { in: 'src/debug/debugAdapter.ts', out: 'debugAdapter' },
  { in: 'src/lsp/server.ts', out: 'lspServer' },
  // The CLI: its bundle, and the small launcher that compiles it through V8's code cache (src/cli/codeCache.ts),
  // which carries the bundle's hash (the cache's key), so it is built after it.
  { in: 'src/cli/main.ts', out: 'cliMain' },
  { in: 'src/cli/bin.ts', out: 'cli', banner: '#!/usr/bin/env node', hashOf: 'cliMain' },
];

/** Fail with the path and how to make it, instead of leaving a bundle or a run-time file out. */
function need(path, how) {
  if (!existsSync(path)) throw new Error(`esbuild.mjs: ${path} is missing (${how})`);
  return path;
}

mkdirSync('dist', { recursive: true });
for (const e of entries) {
  need(e.in, 'an entry of esbuild.mjs');
  await build({
    entryPoints: [e.in],
    outfile: `dist/${e.out}.js`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external: e.external ?? [],
    banner: e.banner ? { js: e.banner } : undefined,
    define: e.hashOf ? { CLI_BUNDLE_HASH: JSON.stringify(createHash('sha256').update(readFileSync(`dist/${e.hashOf}.js`)).digest('hex')) } : undefined,
    logLevel: 'warning',
  });
}
// The wasm core and the guest images are loaded at run time from beside the bundles.
copyFileSync(need('build/core/hart.wasm', 'npm run build:core'), 'dist/hart.wasm');
mkdirSync('dist/guest', { recursive: true });
for (const f of ['src/guest/vdso/build/vdso.so', 'src/guest/vdso/build/vdso.so.dbg', 'src/guest/kernel/build/entry.elf']) {
  copyFileSync(need(f, 'committed; npm run build:guest rebuilds it'), `dist/guest/${basename(f)}`);
}
