// Physical breakpoints: an instruction stops at whatever virtual address runs it (two Sv39 aliases of one
// physical page here, as every process maps the same vDSO pages), interpreted and translated (JIT) alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hart, RAM_BASE, PRV_S } from '../../src/hart/hart';
import { enc } from './helpers';
import { CSR_SATP, CSR_PMPADDR0, CSR_PMPCFG0 } from '../../src/isa/encoding.generated';

const A0 = 10, A1 = 11;
const ROOT = RAM_BASE + 0x100000n;
const ALIAS = 0x40000000n; // the second 1 GiB page: the same RAM
/** a0 += 1; a1 += 1; again */
const LOOP = [enc('addi', { rd: A0, rs1: A0, imm: 1 }), enc('addi', { rd: A1, rs1: A1, imm: 1 }), enc('jal', { imm: -8 })];

/**
 * A hart running `prog` from RAM_BASE in S-mode with Sv39 on: the root table at ROOT holds two gigapage leaves
 * (V R W X A D), VA 0 and VA 1 GiB (ALIAS), both to RAM_BASE; PMP entry 0 open over everything (NAPOT, R/W/X), as
 * a firmware leaves it. `jit` unset: the hart's default.
 */
function machine(prog: number[], jit?: boolean): Hart {
  const h = new Hart({ ramBytes: 4 << 20, jit });
  const b = new Uint8Array(prog.length * 4);
  prog.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w, true));
  h.writePhys(RAM_BASE, b);
  const leaf = ((RAM_BASE >> 12n) << 10n) | 0xcfn;
  h.writePhys64(ROOT, leaf);
  h.writePhys64(ROOT + 8n, leaf);
  h.setCsr(CSR_PMPADDR0, (1n << 54n) - 1n);
  h.setCsr(CSR_PMPCFG0, (3n << 3n) | 7n);
  h.setCsr(CSR_SATP, (8n << 60n) | (ROOT >> 12n));
  h.priv = PRV_S;
  h.pc = 0n;
  return h;
}

for (const jit of [false, true]) {
  test(`a physical breakpoint stops every virtual alias of the instruction (jit ${jit ? 'on' : 'off'})`, () => {
    const h = machine(LOOP, jit);
    assert.equal(h.run(200_000).kind, 'budget', 'no breakpoint yet: the loop runs (and gets hot)');
    if (jit) assert.ok(h.jitStats.compiled > 0, 'the loop was translated before the breakpoint was set');
    h.setPhysicalBreakpoints([RAM_BASE + 4n]);
    assert.ok(h.hasPhysicalBreakpoint(RAM_BASE + 4n));
    let e = h.run(1000);
    assert.equal(e.kind, 'breakpoint');
    assert.equal(h.pc, 4n, 'stopped before the second instruction, at the first alias');
    const a1 = h.x(A1);
    h.pc = ALIAS;
    e = h.run(1000);
    assert.equal(e.kind, 'breakpoint');
    assert.equal(h.pc, ALIAS + 4n, 'the same instruction through the other alias');
    assert.equal(h.x(A1), a1, 'stopped before it executed');
    h.setPhysicalBreakpoints([]);
    assert.equal(h.run(1000).kind, 'budget', 'removed: runs on');
    assert.ok(h.x(A1) > a1);
  });
}

test('a physical watch range catches stores through every virtual alias and reports the physical address', () => {
  const T0 = 5;
  const h = machine([
    enc('addi', { rd: A0, imm: 0x55 }),
    enc('sd', { rs1: 0, rs2: A0, imm: 0x700 }),          // alias 1: VA 0x700
    enc('lui', { rd: T0, imm: 0x40000000 }),
    enc('sd', { rs1: T0, rs2: A0, imm: 0x708 }),         // alias 2: VA 0x40000708, not watched
    enc('sd', { rs1: T0, rs2: A0, imm: 0x700 }),         // alias 2: VA 0x40000700
    enc('jal', { imm: 0 }),
  ]);
  h.addWatch(RAM_BASE + 0x700n, RAM_BASE + 0x708n, 2, true);
  let e = h.run(100);
  assert.equal(e.kind, 'watch');
  assert.deepEqual({ pc: e.watch!.pc, address: e.watch!.address, physical: e.watch!.physical, newValue: e.watch!.newValue }, { pc: 4n, address: RAM_BASE + 0x700n, physical: true, newValue: 0x55n });
  e = h.run(100);
  assert.equal(e.kind, 'watch', 'the store through the other alias');
  assert.equal(e.watch!.pc, 16n, 'the store to 0x40000708 (outside the range) did not stop');
  assert.equal(e.watch!.address, RAM_BASE + 0x700n);
  h.clearWatches();
  h.addWatch(0x700n, 0x708n, 2); // a virtual range sees only its own alias
  h.pc = 0x10n;
  assert.equal(h.run(100).kind, 'budget');
});
