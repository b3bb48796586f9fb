// The TextMate grammar: generated from src/isa/ (staleness check), annotated fixtures run through
// vscode-tmgrammar-test, and every .S file of the project tokenized without a scope left open at a line end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { generateGrammar, GRAMMAR_PATH } from '../../scripts/gen-grammar';
import { INSNS } from '../../src/isa/instructions';
import { CSRS } from '../../src/isa/csrs';
import { tokenize } from './tokenize';

const ROOT = join(__dirname, '..', '..');
const TOOL = join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');

function runTool(glob: string) {
  return spawnSync(process.execPath, [TOOL, '-c', '-g', GRAMMAR_PATH, glob], { cwd: ROOT, encoding: 'utf8' });
}

test('the committed grammar is what scripts/gen-grammar.ts generates from src/isa/', () => {
  assert.equal(readFileSync(GRAMMAR_PATH, 'utf8'), generateGrammar(), 'stale grammar: run npm run gen');
});

test('vscode-tmgrammar-test passes on the annotated fixtures in test/syntaxes/', () => {
  const files = readdirSync(join(ROOT, 'test', 'syntaxes')).filter((f) => f.endsWith('.S'));
  assert.ok(files.length >= 4, files.join());
  const r = runTool('test/syntaxes/*.S');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const f of files) assert.match(r.stdout + r.stderr, new RegExp(`${f.replace('.', '\\.')}`));
});

test('vscode-tmgrammar-test fails on a wrong assertion (the run can fail)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmgrammar-'));
  writeFileSync(join(dir, 'bad.S'), '# SYNTAX TEST "source.riscv-asm" "negative control"\n\taddi a0, a0, 1\n#^^^^ support.constant.csr.riscv-asm\n');
  const r = runTool(join(dir, 'bad.S'));
  assert.notEqual(r.status, 0);
});

test('every ISA-table mnemonic and CSR name gets its scope', async () => {
  const lines = await tokenize(INSNS.map((d) => `\t${d.name}`).join('\n'));
  INSNS.forEach((d, i) => {
    const t = lines[i].tokens.find((x) => x.text === d.name);
    assert.ok(t?.scopes.includes('keyword.other.instruction.riscv-asm'), `${d.name}: ${JSON.stringify(lines[i].tokens)}`);
  });
  const csr = await tokenize(CSRS.map((c) => `\tcsrr a0, ${c.name}`).join('\n'));
  CSRS.forEach((c, i) => {
    const t = csr[i].tokens.find((x) => x.text === c.name);
    assert.ok(t?.scopes.includes('support.constant.csr.riscv-asm'), c.name);
  });
});

function projectAsmFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const n of readdirSync(dir)) {
      if (n === 'node_modules' || n === '.git' || n === 'dist') continue;
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.[sS]$/.test(n)) out.push(p);
    }
  };
  for (const d of ['src', 'test', 'bench', 'samples']) { try { walk(join(ROOT, d)); } catch { /* absent */ } }
  return out;
}

test('no line of the project\'s .S files ends inside an unterminated scope', async () => {
  const files = projectAsmFiles();
  assert.ok(files.some((f) => f.endsWith('entry.S')) && files.some((f) => f.endsWith('getcpu.S')));
  for (const f of files) {
    const lines = await tokenize(readFileSync(f, 'utf8'));
    let inBlock = false;
    lines.forEach((l, i) => {
      // a block comment legitimately stays open when the line opens one without closing it
      const open = l.line.lastIndexOf('/*');
      const close = l.line.lastIndexOf('*/');
      if (open > close) inBlock = true;
      else if (close >= 0) inBlock = false;
      const continued = /\\\s*$/.test(l.line);
      const allowed = (inBlock && l.openAtEnd.every((s) => s === 'comment.block.riscv-asm')) ||
        (continued && l.openAtEnd.every((s) => s.startsWith('meta.preprocessor')));
      assert.ok(l.openAtEnd.length === 0 || allowed, `${f}:${i + 1} ends inside ${l.openAtEnd.join(' ')}: ${l.line}`);
    });
    assert.deepEqual(lines[lines.length - 1].openAtEnd, [], f);
  }
});
