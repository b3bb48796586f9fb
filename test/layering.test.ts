// The layering rule as a test: imports point downward only (isa <- hart <- kernel <- debug <- extension; elf is
// used by kernel and debug; guest holds the built guest images and their generated tables), and nothing below
// src/debug imports vscode or the debug-adapter packages. docs/architecture.md draws the same picture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = join(__dirname, '..', 'src');

/** For each folder under src/, the other folders it may import from. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  isa: [],
  elf: ['isa'],
  hart: ['isa'],
  guest: [],
  kernel: ['isa', 'elf', 'hart', 'guest'],
  debug: ['isa', 'elf', 'hart', 'guest', 'kernel'],
  lsp: ['isa'],
  cli: ['isa', 'elf', 'hart', 'guest', 'kernel', 'debug'],
  extension: ['isa', 'elf', 'hart', 'guest', 'kernel', 'debug', 'lsp'],
};

/** Packages only some folders may import: the editor API and the Debug Adapter Protocol packages. */
const PACKAGES: readonly [RegExp, readonly string[]][] = [
  [/^vscode$/, ['extension']],
  [/^vscode-languageclient(\/|$)/, ['extension']],
  [/^vscode-languageserver(-textdocument)?(\/|$)/, ['lsp']],
  [/^@vscode\/debug(adapter|protocol)(\/|$)/, ['debug', 'extension', 'cli']],
];

/** Every module specifier of a TypeScript source: static imports and re-exports, dynamic import(), require(). */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}

/** The violations of the rules in a set of files ({ path under src/: text }). */
export function violations(files: Readonly<Record<string, string>>): string[] {
  const bad: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const layer = file.split('/')[0];
    const allowed = ALLOWED[layer];
    if (allowed === undefined) { bad.push(`${file}: src/${layer}/ is not a known layer (add it to ALLOWED)`); continue; }
    for (const spec of specifiers(text)) {
      if (spec.startsWith('.')) {
        const target = relative(SRC, resolve(SRC, dirname(file), spec)).split(sep);
        if (target[0] === '..') { bad.push(`${file}: '${spec}' leaves src/`); continue; }
        const to = target.length > 1 ? target[0] : layer;
        if (to !== layer && !allowed.includes(to)) bad.push(`${file}: imports src/${to}/ ('${spec}'), which ${layer} may not`);
      } else {
        for (const [pkg, who] of PACKAGES) {
          if (pkg.test(spec) && !who.includes(layer)) bad.push(`${file}: imports '${spec}', which only ${who.join(', ')} may`);
        }
      }
    }
  }
  return bad;
}

function sources(dir: string, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out[relative(SRC, p).split(sep).join('/')] = readFileSync(p, 'utf8');
  }
  return out;
}

test('imports point downward only, and vscode / DAP packages stay above src/debug', () => {
  const files = sources(SRC);
  assert.ok(Object.keys(files).length > 50, 'the source tree was read');
  assert.deepEqual(violations(files), []);
});

test('the layering check finds upward imports and misplaced packages (it can fail)', () => {
  assert.deepEqual(violations({
    'hart/x.ts': "import { launch } from '../kernel/process';\nimport type { Foo } from './y';",
    'kernel/y.ts': "export { Session } from '../debug/session';\nconst v = require('vscode');",
    'isa/z.ts': "import { DebugSession } from '@vscode/debugadapter';\nconst m = await import('../elf/elf');",
    'debug/w.ts': "import * as vscode from 'vscode';\nimport { ElfFile } from '../elf/elf';",
  }), [
    "hart/x.ts: imports src/kernel/ ('../kernel/process'), which hart may not",
    "kernel/y.ts: imports src/debug/ ('../debug/session'), which kernel may not",
    "kernel/y.ts: imports 'vscode', which only extension may",
    "isa/z.ts: imports '@vscode/debugadapter', which only debug, extension, cli may",
    "isa/z.ts: imports src/elf/ ('../elf/elf'), which isa may not",
    "debug/w.ts: imports 'vscode', which only extension may",
  ]);
});
