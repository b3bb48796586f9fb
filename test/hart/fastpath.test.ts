// The execution properties of the ISA table (src/isa/instructions.ts: fast, jit, endsBlock) against the code
// that implements them: the core's call-free fast path and the block translator's emitters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSNS } from '../../src/isa/instructions';
import { opConstName } from '../../scripts/gen-ops';
import { hasEmitter } from '../../src/hart/jit/translate';

const base = INSNS.filter((d) => d.expandsTo === undefined);

/** The op constants of the `case` labels of the core's execSimple (its call-free fast path). */
function coreFastPath(): Set<string> {
  const src = readFileSync(join(__dirname, '../../src/hart/core/exec.ts'), 'utf8');
  const start = src.indexOf('function execSimple(');
  assert.ok(start >= 0, 'execSimple not found in src/hart/core/exec.ts');
  const end = src.indexOf('\n}\n', start);
  return new Set([...src.slice(start, end).matchAll(/case O\.(OP_\w+)/g)].map((m) => m[1]));
}

test('the core fast path runs exactly the instructions the ISA table marks fast', () => {
  const core = coreFastPath();
  const table = new Set(base.filter((d) => d.fast).map((d) => opConstName(d.name)));
  assert.ok(table.size > 40, 'the table marks the fast path');
  assert.deepEqual([...core].filter((o) => !table.has(o)), [], 'in execSimple but not marked fast in the table');
  assert.deepEqual([...table].filter((o) => !core.has(o)), [], 'marked fast in the table but not in execSimple');
});

test('the translator has an emitter for exactly the instructions the table allows in blocks', () => {
  for (const d of base) assert.equal(hasEmitter(d.name), d.jit, `${d.name}: jit ${d.jit}, emitter ${hasEmitter(d.name)}`);
});

test('execution properties are consistent and shared by compressed forms', () => {
  for (const d of INSNS) {
    const b = d.expandsTo === undefined ? d : INSNS.find((x) => x.name === d.expandsTo)!;
    // off the fast path, blocks take only F/D loads, stores, moves and sign injections (no rounding, no flags)
    if (d.jit && !d.fast) assert.ok((b.ext === 'F' || b.ext === 'D') && /^(fl[wd]|fs[wd]|fmv\.|fsgnj)/.test(b.name), `${d.name}: in blocks but not on the fast path`);
    if (d.endsBlock) assert.ok(d.jit, `${d.name}: ends a block it cannot be in`);
    assert.deepEqual([d.fast, d.jit, d.endsBlock], [b.fast, b.jit, b.endsBlock], d.name);
  }
  assert.ok(INSNS.find((d) => d.name === 'jalr')!.endsBlock);
  assert.ok(INSNS.find((d) => d.name === 'mulh')!.jit && INSNS.find((d) => d.name === 'mulh')!.fast);
  assert.ok(INSNS.find((d) => d.name === 'fld')!.jit && !INSNS.find((d) => d.name === 'fadd.d')!.jit);
  assert.ok(INSNS.find((d) => d.name === 'csrrw')!.fast && !INSNS.find((d) => d.name === 'csrrw')!.jit);
  assert.ok(!INSNS.find((d) => d.name === 'ecall')!.fast && !INSNS.find((d) => d.name === 'sret')!.fast);
});
