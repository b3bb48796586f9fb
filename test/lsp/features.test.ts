// Hover, completion, go to definition, references and document symbols over LSP from the built server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SymbolKind, type Hover } from 'vscode-languageserver/node';
import { TestClient, pos } from './client';

const file = join(__dirname, 'fixtures', 'nav.S');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
let c: TestClient;
before(async () => {
  c = await TestClient.start();
  assert.deepEqual(await c.open(uri, text), []);
});
after(async () => { await c.stop(); });

const hoverText = (h: Hover | null) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');
const at = async (needle: string, nth = 1, offset = 0) => { const p = pos(text, needle, nth); return c.hover(uri, p.line, p.character + offset); };

test('hover on an instruction shows syntax, meaning and encoding from the ISA table', async () => {
  const h = hoverText(await at('addi'));
  assert.match(h, /\*\*addi\*\*: rd = rs1 \+ imm/);
  assert.match(h, /addi rd, rs1, imm/);
  assert.match(h, /format I · extension I · length 4 bytes · match 0x00000013 · mask 0x0000707f/);
  assert.match(h, /encoding `-----------------000-----0010011`/);
});

test('hover on a compressed instruction shows its expansion', async () => {
  const h = hoverText(await at('c.addi'));
  assert.match(h, /format CI · extension C · length 2 bytes · match 0x0001 · mask 0xe003/);
  assert.match(h, /expands to \*\*addi\*\* \(addi rd, rd, imm\)/);
});

test('hover on a pseudo-instruction shows its expansion', async () => {
  const h = hoverText(await at('bnez'));
  assert.match(h, /\*\*bnez\*\* \(pseudo-instruction\): Branch if != zero/);
  assert.match(h, /expands to `bne rs, x0, offset`/);
});

test('hover on a CSR shows address, privilege and fields', async () => {
  const h = hoverText(await at('sstatus'));
  assert.match(h, /\*\*sstatus\*\* CSR 0x100 · privilege S · read\/write/);
  assert.match(h, /\| 1 \| SIE \| Supervisor interrupt enable \|/);
  assert.match(h, /\| 14:13 \| FS \| Floating-point unit state \|/);
});

test('hover on registers, labels, .equ symbols and directives', async () => {
  assert.match(hoverText(await at('t0', 1)), /integer register x5 \(ABI name t0\)/);
  assert.match(hoverText(await at('LIMIT', 2)), /\*\*LIMIT\*\* = 10 \(0xa\) \(line 3\)/);
  assert.match(hoverText(await at('count', 4)), /label defined on line 7/);
  assert.match(hoverText(await at('.dword')), /Emit 64-bit values/);
});

test('completion offers mnemonics and directives at the start of a statement', async () => {
  const items = await c.completion(uri, 15, 1);
  const labels = new Set(items.map((i) => i.label));
  for (const m of ['addi', 'c.addi', 'fmadd.d', 'amoswap.w.aqrl', 'li', 'la.tls.ie', 'csrr', '.section', '.cfi_startproc']) assert.ok(labels.has(m), m);
  assert.ok(!labels.has('a0'));
});

test('completion offers registers, CSRs and labels in operands', async () => {
  const p = pos(text, 'sstatus');
  const items = await c.completion(uri, p.line, p.character);
  const labels = new Set(items.map((i) => i.label));
  for (const m of ['a1', 'x31', 'fp', 'sstatus', 'mstatus', 'satp', 'count', 'helper', 'LIMIT']) assert.ok(labels.has(m), m);
  const q = pos(text, 'call\tcount');
  const call = new Set((await c.completion(uri, q.line, q.character + 5)).map((i) => i.label));
  assert.ok(call.has('helper') && call.has('table') && !call.has('sstatus'));
});

test('go to definition of a named label and of numeric local labels 1b/1f', async () => {
  const def = async (needle: string, nth: number) => { const p = pos(text, needle, nth); return (await c.definition(uri, p.line, p.character)).map((l) => [l.range.start.line, l.range.start.character]); };
  assert.deepEqual(await def('count', 6), [[6, 0]]);                 // call count -> count:
  assert.deepEqual(await def('1b', 1), [[8, 0]]);                    // bnez t0, 1b -> first 1:
  assert.deepEqual(await def('1f', 1), [[13, 0]]);                   // beqz a0, 1f -> second 1:
  assert.deepEqual(await def('2f', 1), [[14, 0]]);
  assert.deepEqual(await def('1b', 2), [[13, 0]]);                   // 2: j 1b -> second 1:
  assert.deepEqual(await def('LIMIT', 2), [[2, 6]]);
});

test('references of a label and of a numeric local label', async () => {
  const p = pos(text, 'count:');
  const refs = (await c.references(uri, p.line, p.character)).map((l) => [l.range.start.line, l.range.start.character]);
  assert.deepEqual(refs, [[6, 0], [4, 8], [5, 7], [16, 7], [16, 18], [19, 6], [20, 6], [23, 14]]);
  const q = pos(text, '1:', 2);
  const local = (await c.references(uri, q.line, q.character)).map((l) => [l.range.start.line, l.range.start.character]);
  assert.deepEqual(local, [[13, 0], [10, 10], [14, 5]]);
  const noDecl = await c.references(uri, q.line, q.character, false);
  assert.equal(noDecl.length, 2);
});

test('document symbols: sections with their labels, functions marked', async () => {
  const syms = await c.symbols(uri);
  assert.deepEqual(syms.map((s) => [s.name, s.kind]), [['.text', SymbolKind.Namespace], ['.data', SymbolKind.Namespace]]);
  assert.deepEqual(syms[0].children!.map((s) => [s.name, s.kind, s.detail]), [['count', SymbolKind.Function, 'global function'], ['helper', SymbolKind.Field, 'local']]);
  assert.deepEqual(syms[1].children!.map((s) => s.name), ['table']);
  assert.equal(syms[0].children![0].range.end.line, 17);
});
