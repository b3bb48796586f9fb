// PMP and debug triggers at the hart's edges the fixtures (test/fixtures/bare/pmp.S, sdtrig.S) do not reach on
// QEMU 7.2: a page PMP splits (fetched through the slow path, instruction by instruction, translator on and off),
// the TOR lock of the entry below, the WARL rules of tdata1 (mcontrol6 too), and a type-6 execute trigger in
// S-mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enc, hartWith, RAM } from './helpers';
import { Hart, PRV_S } from '../../src/hart/hart';
import {
  CSR_MTVEC, CSR_MEPC, CSR_MCAUSE, CSR_MTVAL, CSR_PMPCFG0, CSR_PMPADDR0, CSR_PMPADDR1, CSR_PMPADDR2, CSR_TDATA1, CSR_TDATA2,
  CSR_TSELECT, CSR_TINFO, CAUSE_FETCH_ACCESS, CAUSE_BREAKPOINT,
} from '../../src/isa/encoding.generated';

const NA4 = 2n << 3n, TOR = 1n << 3n, NAPOT = 3n << 3n, R = 1n, W = 2n, X = 4n, L = 0x80n;
const ALL = (1n << 54n) - 1n;

for (const jit of [false, true]) {
  test(`S-mode code runs up to where PMP takes X away in the middle of its page (translator ${jit ? 'on' : 'off'})`, () => {
    // 300 addi, then code at RAM+0x800 in an NA4 entry without X; entry 1 grants the rest
    const h = new Hart({ ramBytes: 1 << 20, jit, jitThreshold: 32 });
    const words = Array.from({ length: 0x200 }, () => enc('addi', { rd: 5, rs1: 5, imm: 1 }));
    h.writePhys(RAM, new Uint8Array(new Uint32Array(words).buffer));
    h.setCsr(CSR_PMPADDR0, (RAM + 0x800n) >> 2n);
    h.setCsr(CSR_PMPADDR1, ALL);
    h.setCsr(CSR_PMPCFG0, ((NAPOT | R | W | X) << 8n) | NA4 | R);
    h.setCsr(CSR_MTVEC, RAM + 0xc00n);
    h.setTrapStops(0xffffn, 0n);
    h.priv = PRV_S;
    h.pc = RAM;
    assert.equal(h.run(10_000).kind, 'trap');
    assert.equal(h.csr(CSR_MCAUSE), BigInt(CAUSE_FETCH_ACCESS));
    assert.equal(h.csr(CSR_MEPC), RAM + 0x800n);
    assert.equal(h.csr(CSR_MTVAL), RAM + 0x800n);
    assert.equal(h.x(5), 0x200n, 'every instruction before it ran once');
  });
}

test('pmpaddr i is locked by a locked TOR entry i+1; a locked entry keeps its byte', () => {
  const h = hartWith([]);
  h.setCsr(CSR_PMPADDR0, 0x1000n);
  h.setCsr(CSR_PMPADDR2, 0x3000n);
  h.setCsr(CSR_PMPCFG0, ((L | TOR | R) << 8n) | (NAPOT | R | W | X)); // entry 1: locked TOR over [pmpaddr0, pmpaddr1)
  h.setCsr(CSR_PMPADDR0, 0x2000n);
  assert.equal(h.csr(CSR_PMPADDR0), 0x1000n, 'the lower bound of a locked TOR entry');
  h.setCsr(CSR_PMPADDR2, 0x4000n);
  assert.equal(h.csr(CSR_PMPADDR2), 0x4000n, 'entry 2 is free');
  h.setCsr(CSR_PMPCFG0, 0n);
  assert.equal(h.csr(CSR_PMPCFG0), (L | TOR | R) << 8n, 'entry 0 cleared, entry 1 kept');
  h.setCsr(CSR_PMPCFG0, W | X); // W without R is not kept
  assert.equal(h.csr(CSR_PMPCFG0) & 0xffn, X);
});

test('tdata1 keeps the supported fields only; tinfo names types 2, 6 and 15, version 1', () => {
  const h = hartWith([]);
  h.setCsr(CSR_TSELECT, 2n);
  assert.equal(h.csr(CSR_TDATA1) >> 60n, 15n, 'disabled at reset');
  // type 2 with dmode, action 1 (debug mode), chain, match 1 (NAPOT, not supported), sizelo 1, hit
  h.setCsr(CSR_TDATA1, (2n << 60n) | (1n << 59n) | (1n << 20n) | (1n << 16n) | (1n << 12n) | (1n << 11n) | (1n << 7n) | 0x44n);
  assert.equal(h.csr(CSR_TDATA1), (2n << 60n) | (1n << 20n) | 0x44n);
  h.setCsr(CSR_TDATA1, (6n << 60n) | (3n << 7n) | (1n << 22n) | 0x19n);
  assert.equal(h.csr(CSR_TDATA1), (6n << 60n) | (3n << 7n) | (1n << 22n) | 0x19n);
  h.setCsr(CSR_TDATA1, 5n << 60n);
  assert.equal(h.csr(CSR_TDATA1), 15n << 60n, 'an unsupported type disables the trigger');
  assert.equal(h.csr(CSR_TINFO), (1n << 24n) | (1n << 15n) | (1n << 6n) | (1n << 2n));
  h.setCsr(CSR_TSELECT, 4n);
  assert.equal(h.csr(CSR_TSELECT), 2n, 'no trigger 4: tselect keeps its value');
});

for (const jit of [false, true]) {
  test(`an mcontrol6 execute trigger fires in S-mode before the instruction, once armed (translator ${jit ? 'on' : 'off'})`, () => {
    const words = [...Array.from({ length: 40 }, () => enc('addi', { rd: 6, rs1: 6, imm: 1 })), enc('jal', { rd: 0, imm: -160 })];
    const h = new Hart({ ramBytes: 1 << 20, jit, jitThreshold: 32 });
    h.writePhys(RAM, new Uint8Array(new Uint32Array(words).buffer));
    h.setCsr(CSR_PMPADDR0, ALL);
    h.setCsr(CSR_PMPCFG0, NAPOT | R | W | X);
    h.setCsr(CSR_MTVEC, RAM + 0x800n);
    h.setTrapStops(0xffffn, 0n);
    h.priv = PRV_S;
    h.pc = RAM;
    h.run(41 * 100 + 7); // compiled by now
    assert.equal(h.pc, RAM + 28n);
    h.setCsr(CSR_TDATA2, RAM + 0x50n);
    h.setCsr(CSR_TDATA1, (6n << 60n) | 0x14n); // S, execute
    assert.equal(h.run(100).kind, 'trap');
    assert.equal(h.csr(CSR_MCAUSE), BigInt(CAUSE_BREAKPOINT));
    assert.equal(h.csr(CSR_MEPC), RAM + 0x50n);
    assert.equal(h.csr(CSR_MTVAL), RAM + 0x50n);
    assert.equal(h.x(6), 100n * 40n + 7n + 13n, 'the instruction at the trigger did not run');
    assert.ok((h.csr(CSR_TDATA1) >> 22n) & 1n, 'hit');
  });
}

test('a 32-bit instruction whose second half PMP does not let S-mode fetch faults at that half', () => {
  // c.nop at RAM+0x7fc (the last X granule of entry 0: TOR up to RAM+0x800), then addi at RAM+0x7fe..0x801
  const h = new Hart({ ramBytes: 1 << 20 });
  const addi = enc('addi', { rd: 5, rs1: 5, imm: 1 });
  h.writePhys(RAM + 0x7fcn, new Uint8Array([0x01, 0x00, addi & 0xff, (addi >> 8) & 0xff, (addi >> 16) & 0xff, addi >>> 24]));
  h.setCsr(CSR_PMPADDR0, (RAM + 0x800n) >> 2n);
  h.setCsr(CSR_PMPADDR1, ALL);
  h.setCsr(CSR_PMPCFG0, ((NAPOT | R | W) << 8n) | TOR | R | X);
  h.setCsr(CSR_MTVEC, RAM + 0xc00n);
  h.setTrapStops(0xffffn, 0n);
  h.priv = PRV_S;
  h.pc = RAM + 0x7fcn;
  assert.equal(h.run(10).kind, 'trap');
  assert.equal(h.csr(CSR_MCAUSE), BigInt(CAUSE_FETCH_ACCESS));
  assert.equal(h.csr(CSR_MEPC), RAM + 0x7fen);
  assert.equal(h.csr(CSR_MTVAL), RAM + 0x800n);
  assert.equal(h.x(5), 0n);
});
