// One bundler script, one entry per process (extension host, debug adapter, language server, CLI).
// Entries that do not exist yet are skipped, so the script works as the project grows.
import { build } from 'esbuild';
import { existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { basename } from 'node:path';

const entries = [
  // The language client is its own bundle (about 1 MB of libraries): the extension requires it only when the
  // first riscv-asm document opens, so activation for a debug session does not load it.
  { in: 'src/extension/extension.ts', out: 'extension', external: ['vscode', './lspClient'] },
  { in: 'src/extension/lspClient.ts', out: 'lspClient', external: ['vscode'] },
  { in: 'src/debug/debugAdapter.ts', out: 'debugAdapter' },
  { in: 'src/lsp/server.ts', out: 'lspServer' },
  { in: 'src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node' },
];

mkdirSync('dist', { recursive: true });
for (const e of entries) {
  if (!existsSync(e.in)) continue;
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
    logLevel: 'warning',
  });
}
// The wasm core and the guest images are loaded at run time from beside the bundles.
if (existsSync('build/core/hart.wasm')) copyFileSync('build/core/hart.wasm', 'dist/hart.wasm');
mkdirSync('dist/guest', { recursive: true });
for (const f of ['src/guest/vdso/build/vdso.so', 'src/guest/vdso/build/vdso.so.dbg', 'src/guest/kernel/build/entry.elf']) {
  if (existsSync(f)) copyFileSync(f, `dist/guest/${basename(f)}`);
}
