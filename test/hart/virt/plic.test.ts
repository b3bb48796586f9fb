// The PLIC against the RISC-V PLIC specification 1.0.0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plic, PLIC_PENDING, PLIC_ENABLE, PLIC_ENABLE_STRIDE, PLIC_CONTEXT, PLIC_CONTEXT_STRIDE } from '../../../src/hart/virt/plic';

function plic(): { p: Plic; lines: boolean[][] } {
  const lines: boolean[][] = [[], []];
  const p = new Plic(96, [(l) => lines[0].push(l), (l) => lines[1].push(l)]);
  return { p, lines };
}
const w = (p: Plic, off: number, v: number): void => p.write(off, 4, BigInt(v));
const r = (p: Plic, off: number): number => Number(p.read(off, 4));
const prio = (id: number): number => 4 * id;
const enable = (ctx: number, word = 0): number => PLIC_ENABLE + PLIC_ENABLE_STRIDE * ctx + 4 * word;
const threshold = (ctx: number): number => PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * ctx;
const claim = (ctx: number): number => PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * ctx + 4;

test('priorities are WARL with 3 bits; source 0 does not exist', () => {
  const { p } = plic();
  w(p, prio(10), 0xff);
  assert.equal(r(p, prio(10)), 7);
  w(p, prio(0), 5);
  assert.equal(r(p, prio(0)), 0);
});

test('a pending source interrupts only the contexts that enable it, above their threshold', () => {
  const { p, lines } = plic();
  w(p, prio(10), 1);
  p.setLevel(10, true);
  assert.equal(r(p, PLIC_PENDING), 1 << 10, 'pending bit 10');
  assert.deepEqual(lines, [[], []], 'not enabled anywhere: no line');
  w(p, enable(1), 1 << 10);
  assert.deepEqual(lines, [[], [true]], 'context 1 (S-mode) raised');
  w(p, threshold(1), 1);
  assert.deepEqual(lines[1], [true, false], 'priority 1 is not above threshold 1');
  w(p, threshold(1), 0);
  assert.equal(r(p, claim(0)), 0, 'context 0 does not enable it: claims nothing');
  assert.equal(r(p, claim(1)), 10);
  assert.equal(r(p, PLIC_PENDING), 0, 'a claim clears the pending bit');
  assert.deepEqual(lines[1], [true, false, true, false]);
});

test('claim picks the highest priority, the lowest id among equals', () => {
  const { p } = plic();
  w(p, enable(0, 0), 0xffffffff);
  w(p, enable(0, 1), 0xffffffff);
  for (const [id, pr] of [[3, 2], [5, 6], [40, 6], [7, 1]]) { w(p, prio(id), pr); p.setLevel(id, true); }
  assert.equal(r(p, enable(0, 1)), 0xffffffff >>> 0);
  assert.deepEqual([r(p, claim(0)), r(p, claim(0)), r(p, claim(0)), r(p, claim(0)), r(p, claim(0))], [5, 40, 3, 7, 0]);
});

test('a level source stays in service until completed, then pends again while its line is high', () => {
  const { p, lines } = plic();
  w(p, prio(10), 1);
  w(p, enable(1), 1 << 10);
  p.setLevel(10, true);
  assert.equal(r(p, claim(1)), 10);
  assert.equal(r(p, claim(1)), 0, 'in service: not pending again while the line stays high');
  w(p, enable(1), 0);
  w(p, claim(1), 10);
  assert.equal(r(p, PLIC_PENDING), 0, 'completion for a source the context does not enable is ignored');
  w(p, enable(1), 1 << 10);
  w(p, claim(1), 10);
  assert.equal(r(p, PLIC_PENDING), 1 << 10, 'completed while the line is high: pending again');
  p.setLevel(10, false);
  assert.equal(r(p, PLIC_PENDING), 0, 'the line dropped before the claim: the request is withdrawn');
  assert.equal(lines[1][lines[1].length - 1], false);
});

test('sources beyond riscv,ndev read as zero and cannot be enabled', () => {
  const { p } = plic();
  w(p, enable(0, 3), 0xffffffff);
  assert.equal(r(p, enable(0, 3)), 1, 'ids 96..127: only 96 exists');
  w(p, prio(97), 3);
  assert.equal(r(p, prio(97)), 0);
  p.setLevel(97, true);
  assert.equal(r(p, PLIC_PENDING + 12), 0);
  assert.throws(() => new Plic(0, []), /1\.\.1023/);
});
