import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateOps, OPS_FILE, opConstName } from '../../scripts/gen-ops';
import { INSNS } from '../../src/isa/instructions';

test('ops.generated.ts is current', () => {
  const committed = readFileSync(OPS_FILE, 'utf8');
  assert.ok(committed === generateOps(), 'ops.generated.ts is stale: run npm run gen');
});

test('op constant names and numbers', () => {
  const text = generateOps();
  assert.equal(opConstName('fadd.d'), 'OP_FADD_D');
  assert.equal(opConstName('c.addi'), 'OP_C_ADDI');
  assert.equal(opConstName('sfence.vma'), 'OP_SFENCE_VMA');
  assert.equal(opConstName('fence.i'), 'OP_FENCE_I');
  assert.equal(opConstName('lr.w'), 'OP_LR_W');
  assert.match(text, /^export const OP_ILLEGAL: u16 = 0;$/m);
  assert.match(text, /^export const OP_BREAKPOINT: u16 = 0xffff;$/m);
  const addi = INSNS.findIndex((d) => d.name === 'addi');
  assert.match(text, new RegExp(`^export const OP_ADDI: u16 = ${addi + 1};$`, 'm'));
  const names = new Set<string>();
  for (const m of text.matchAll(/^export const (OP_\w+): u16/gm)) {
    assert.ok(!names.has(m[1]), `duplicate ${m[1]}`);
    names.add(m[1]);
  }
  assert.ok(/generated/i.test(text.split('\n')[0]) && text.includes('scripts/gen-ops.ts'));
});
