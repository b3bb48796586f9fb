// Privileged behaviour: traps with cause and tval, delegation, counters, Sv39, and the debugger hooks
// (breakpoints, watchpoints, trap stops, snapshots).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enc, hartWith, openPmp, RAM, u64 } from './helpers';
import { Hart, PRV_M, PRV_S, PRV_U } from '../../src/hart/hart';

import {
  CSR_MSTATUS as MSTATUS, CSR_MTVEC as MTVEC, CSR_MEPC as MEPC, CSR_MCAUSE as MCAUSE, CSR_MTVAL as MTVAL,
  CSR_MEDELEG as MEDELEG, CSR_SEPC as SEPC, CSR_SCAUSE as SCAUSE, CSR_STVAL as STVAL, CSR_STVEC as STVEC,
  CSR_SATP as SATP, CSR_MCOUNTEREN as MCOUNTEREN, CSR_SSTATUS as SSTATUS, CSR_TIME, CSR_SCOUNTEREN, CSR_MIE,
  MSTATUS_SIE, MSTATUS_SPP, MSTATUS_SPIE, MSTATUS_MIE, MIE_MTIE, SCOUNTEREN_TM, MCAUSE_INTERRUPT,
  CAUSE_USER_ECALL, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE, IRQ_M_TIMER, CSR_SSCRATCH, CSR_MIP, CSR_MIDELEG as MIDELEG,
  MIP_SSIP, IRQ_S_SOFT,
} from '../../src/isa/encoding.generated';

const bit = (cause: number) => 1n << BigInt(cause);

test('an illegal instruction traps to mtvec with the instruction bits in mtval', () => {
  const h = hartWith([0xffffffff]);
  h.setCsr(MTVEC, RAM + 0x400n);
  h.step();
  assert.equal(h.pc, RAM + 0x400n);
  assert.equal(h.csr(MCAUSE), 2n);
  assert.equal(h.csr(MTVAL), 0xffffffffn);
  assert.equal(h.csr(MEPC), RAM);
  assert.equal(h.priv, PRV_M);
});

test('the all-zero halfword is illegal (compressed, tval = its 16 bits)', () => {
  const h = hartWith([{ c: 0 }]);
  h.setCsr(MTVEC, RAM + 0x400n);
  h.step();
  assert.equal(h.csr(MCAUSE), 2n);
  assert.equal(h.csr(MTVAL), 0n);
});

test('ecall from U is delegated to S by medeleg, with the status stack updated', () => {
  const h = hartWith([enc('ecall')]);
  h.setCsr(MEDELEG, bit(CAUSE_USER_ECALL));
  h.setCsr(STVEC, RAM + 0x800n);
  h.setCsr(SSTATUS, MSTATUS_SIE);
  h.priv = PRV_U;
  h.step();
  assert.equal(h.priv, PRV_S);
  assert.equal(h.pc, RAM + 0x800n);
  assert.equal(h.csr(SCAUSE), 8n);
  assert.equal(h.csr(SEPC), RAM);
  const ss = h.csr(SSTATUS);
  assert.equal((ss >> 8n) & 1n, 0n, 'SPP = U');
  assert.equal((ss >> 5n) & 1n, 1n, 'SPIE = old SIE');
  assert.equal((ss >> 1n) & 1n, 0n, 'SIE cleared');
});

test('ecall from M and S give causes 11 and 9; sret returns to SPP', () => {
  const m = hartWith([enc('ecall')]);
  m.step();
  assert.equal(m.csr(MCAUSE), 11n);
  const s = hartWith([enc('ecall')]);
  s.priv = PRV_S;
  s.step();
  assert.equal(s.csr(MCAUSE), 9n);
  assert.equal((s.csr(MSTATUS) >> 11n) & 3n, 1n, 'MPP = S');
  const r = hartWith([enc('sret')]);
  r.priv = PRV_S;
  r.setCsr(SEPC, RAM + 0x40n);
  r.setCsr(SSTATUS, MSTATUS_SPP | MSTATUS_SPIE); // SPP = S, SPIE
  r.step();
  assert.equal(r.pc, RAM + 0x40n);
  assert.equal(r.priv, PRV_S);
  assert.equal((r.csr(SSTATUS) >> 1n) & 1n, 1n, 'SIE = SPIE');
});

test('U-mode rdtime traps unless mcounteren and scounteren allow it', () => {
  const rdtime = enc('csrrs', { rd: 5, rs1: 0, csr: CSR_TIME });
  const h = hartWith([rdtime]);
  h.priv = PRV_U;
  h.step();
  assert.equal(h.csr(MCAUSE), 2n);
  assert.equal(h.csr(MTVAL), BigInt(rdtime));
  const ok = hartWith([rdtime]);
  ok.setCsr(MCOUNTEREN, 2n);
  ok.setCsr(CSR_SCOUNTEREN, SCOUNTEREN_TM);
  ok.priv = PRV_U;
  ok.time = 12345n;
  ok.step();
  assert.equal(ok.pc, RAM + 4n);
  assert.equal(ok.x(5), 12345n);
});

test('Sv39: a load from an unmapped page faults with the address in stval; mapped pages get A/D set', () => {
  // one 4 KiB page: VA 0x1000 -> PA RAM+0x10000 (RW, U=0), code identity-mapped by a 1 GiB megapage
  const root = RAM + 0x100000n, l1 = RAM + 0x101000n, l0 = RAM + 0x102000n;
  const code = [
    enc('ld', { rd: 5, rs1: 6, imm: 0 }),   // load from VA 0x1000 (mapped)
    enc('sd', { rs1: 6, rs2: 5, imm: 8 }),  // store to VA 0x1008
    enc('ld', { rd: 7, rs1: 8, imm: 0 }),   // load from VA 0x5000 (unmapped)
  ];
  const h = hartWith(code);
  const pte = (pa: bigint, flags: bigint): bigint => ((pa >> 12n) << 10n) | flags;
  h.writePhys64(root + 8n * 2n, pte(RAM, 0xcfn)); // VA 0x80000000.. 1 GiB megapage RWX, A/D preset
  h.writePhys64(root + 0n, pte(l1, 1n));
  h.writePhys64(l1 + 0n, pte(l0, 1n));
  h.writePhys64(l0 + 8n * 1n, pte(RAM + 0x10000n, 0x7n)); // V R W, A = D = 0
  h.writePhys64(RAM + 0x10000n, 0x1122334455667788n);
  h.setCsr(SATP, (8n << 60n) | (root >> 12n));
  h.setCsr(MEDELEG, bit(CAUSE_LOAD_PAGE) | bit(CAUSE_STORE_PAGE));
  h.setCsr(STVEC, RAM + 0x800n);
  h.priv = PRV_S;
  h.setX(6, 0x1000n);
  h.setX(8, 0x5000n);
  h.step();
  assert.equal(h.x(5), 0x1122334455667788n);
  h.step();
  assert.equal(h.readPhys64(RAM + 0x10008n), 0x1122334455667788n);
  const leaf = h.readPhys64(l0 + 8n);
  assert.equal(leaf & 0xc0n, 0xc0n, 'A and D set by the walk');
  h.step();
  assert.equal(h.csr(SCAUSE), 13n);
  assert.equal(h.csr(STVAL), 0x5000n);
  assert.equal(h.csr(SEPC), RAM + 8n);
  assert.equal(h.x(7), 0n, 'rd untouched by the faulting load');
});

test('misaligned loads and stores are performed, also across pages', () => {
  const h = hartWith([enc('sd', { rs1: 1, rs2: 2, imm: 0 }), enc('ld', { rd: 3, rs1: 1, imm: 0 })]);
  h.setX(1, RAM + 0x1ffdn);
  h.setX(2, 0x0102030405060708n);
  h.step();
  h.step();
  assert.equal(h.x(3), 0x0102030405060708n);
  assert.equal(h.csr(MCAUSE), 0n);
});

test('breakpoints stop before the instruction and cost a decode-cache flush only', () => {
  const h = hartWith([enc('addi', { rd: 1, rs1: 1, imm: 1 }), enc('addi', { rd: 1, rs1: 1, imm: 1 }), enc('jal', { rd: 0, imm: -8 })]);
  h.addBreakpoint(RAM + 4n);
  const e = h.run(1000);
  assert.equal(e.kind, 'breakpoint');
  assert.equal(e.pc, RAM + 4n);
  assert.equal(h.x(1), 1n);
  h.stepOverBreakpointNext();
  const e2 = h.run(1000);
  assert.equal(e2.kind, 'breakpoint');
  assert.equal(h.x(1), 3n, 'went round the loop once');
  h.removeBreakpoint(RAM + 4n);
  assert.equal(h.run(30).kind, 'budget');
});

test('watchpoints report pc, address, size, old and new value', () => {
  const h = hartWith([enc('sw', { rs1: 1, rs2: 2, imm: 4 }), enc('lw', { rd: 3, rs1: 1, imm: 4 })]);
  h.setX(1, RAM + 0x3000n);
  h.setX(2, 0xdeadbeefn);
  h.writePhys(RAM + 0x3004n, new Uint8Array([1, 0, 0, 0]), false);
  h.addWatch(RAM + 0x3004n, RAM + 0x3008n, 2);
  const e = h.run(100);
  assert.equal(e.kind, 'watch');
  assert.deepEqual(e.watch, { pc: RAM, address: RAM + 0x3004n, size: 4, kind: 'write', oldValue: 1n, newValue: 0xdeadbeefn, physical: false });
  assert.equal(h.pc, RAM + 4n, 'the store completed');
});

test('trap stops report cause and both modes', () => {
  const h = hartWith([enc('ecall')]);
  h.priv = PRV_U;
  h.setTrapStops(bit(CAUSE_USER_ECALL), 0n);
  const e = h.run(10);
  assert.equal(e.kind, 'trap');
  assert.equal(e.trap?.code, 8);
  assert.equal(e.trap?.fromPriv, PRV_U);
  assert.equal(e.trap?.toPriv, PRV_M);
});

test('machine timer interrupt through CLINT mtimecmp wakes wfi at the deadline (virtual time)', () => {
  // sd x2 -> mtimecmp; wfi; (not reached before the interrupt)
  const h = hartWith([enc('sd', { rs1: 1, rs2: 2, imm: 0 }), enc('wfi'), enc('jal', { rd: 0, imm: 0 })]);
  h.writePhys(RAM + 0x100n, new Uint8Array([0x6f, 0x00, 0x00, 0x00]), true); // handler: j .
  h.setX(1, 0x2004000n);
  h.setX(2, 500n);
  h.setCsr(MTVEC, RAM + 0x100n);
  h.setCsr(CSR_MIE, MIE_MTIE);
  h.setCsr(MSTATUS, MSTATUS_MIE);
  const e = h.run(100000);
  assert.equal(e.kind, 'budget');
  assert.equal(h.csr(MCAUSE), MCAUSE_INTERRUPT | BigInt(IRQ_M_TIMER));
  assert.equal(h.csr(MEPC), RAM + 8n, 'wfi retired; the interrupt is taken after it');
  assert.ok(h.time >= 500n, `time ${h.time} reached the deadline`);
  assert.ok(h.instret < 100000n, 'the wait did not retire instructions');
});

test('snapshot and restore bring back registers, CSRs and memory', () => {
  const h = hartWith([enc('addi', { rd: 1, rs1: 1, imm: 1 }), enc('sd', { rs1: 2, rs2: 1, imm: 0 }), enc('jal', { rd: 0, imm: -8 })]);
  h.setX(2, RAM + 0x2000n);
  h.run(30);
  const snap = h.snapshot();
  const x1 = h.x(1), pc = h.pc, mem = h.readPhys64(RAM + 0x2000n), n = h.instret;
  h.run(300);
  assert.notEqual(h.x(1), x1);
  h.restore(snap);
  assert.equal(h.x(1), x1);
  assert.equal(h.pc, pc);
  assert.equal(h.instret, n);
  assert.equal(h.readPhys64(RAM + 0x2000n), mem);
});

test('setBreakpoints replaces the whole set at once', () => {
  const h = hartWith([enc('addi', { rd: 1, rs1: 1, imm: 1 }), enc('addi', { rd: 1, rs1: 1, imm: 1 }), enc('jal', { rd: 0, imm: -8 })]);
  h.setBreakpoints([RAM + 4n, ...Array.from({ length: 999 }, (_, i) => RAM + 0x10000n + BigInt(i) * 4n)]);
  assert.equal(h.run(1000).kind, 'breakpoint');
  assert.equal(h.pc, RAM + 4n);
  h.setBreakpoints([RAM]);
  assert.equal(h.hasBreakpoint(RAM + 4n), false);
  h.stepOverBreakpointNext();
  const e = h.run(1000);
  assert.equal(e.kind, 'breakpoint');
  assert.equal(e.pc, RAM);
});

test('the CSR accesses the fast loop runs (sscratch, sepc, scause, stval, sstatus) act as the full step: values, masks, a newly set SIE lets a pending interrupt in at once, U-mode traps', () => {
  for (const jit of [false, true]) {
    const words = [
      enc('addi', { rd: 5, rs1: 0, imm: -1 }),
      enc('csrrw', { rd: 6, rs1: 5, csr: CSR_SSCRATCH }), // x6 = 0x1234, sscratch = -1
      enc('csrrs', { rd: 7, rs1: 5, csr: SEPC }), // x7 = 0x40, sepc = -1 without bit 0
      enc('csrrc', { rd: 8, rs1: 5, csr: STVAL }), // x8 = 0x77, stval = 0
      enc('csrrwi', { rd: 9, rs1: 5, csr: SCAUSE }), // x9 = 3, scause = 5
      enc('csrrs', { rd: 10, rs1: 0, csr: SSTATUS }), // x10 = sstatus (SPP set), no write
      enc('csrrci', { rd: 0, rs1: 0x10, csr: SSTATUS }), // clear nothing that is set (bit 4 is no sstatus bit)
      enc('csrrsi', { rd: 0, rs1: 2, csr: SSTATUS }), // SIE = 1: the pending SSI is taken before the next instruction
      enc('addi', { rd: 11, rs1: 0, imm: 1 }),
    ];
    const h = openPmp(new Hart({ ramBytes: 4 * 1024 * 1024, jit }));
    h.writePhys(RAM, new Uint8Array(new Uint32Array(words).buffer));
    h.pc = RAM;
    h.setCsr(CSR_SSCRATCH, 0x1234n);
    h.setCsr(SEPC, 0x40n);
    h.setCsr(STVAL, 0x77n);
    h.setCsr(SCAUSE, 3n);
    h.setCsr(STVEC, RAM + 0x400n);
    h.setCsr(MIDELEG, MIP_SSIP);
    h.setCsr(CSR_MIE, MIP_SSIP);
    h.setCsr(CSR_MIP, MIP_SSIP);
    h.setCsr(SSTATUS, MSTATUS_SPP);
    h.priv = PRV_S;
    h.setTrapStops(0n, bit(IRQ_S_SOFT));
    const e = h.run(1000);
    assert.equal(e.kind, 'trap', `jit ${jit}`);
    assert.equal(h.csr(SEPC), RAM + 32n, 'the interrupt came right after the csrrsi that set SIE');
    assert.equal(h.x(11), 0n);
    assert.equal(h.instret, 8n);
    assert.deepEqual([h.x(6), h.x(7), h.x(8), h.x(9)], [0x1234n, 0x40n, 0x77n, 3n]);
    assert.equal(h.csr(CSR_SSCRATCH), u64(-1n));
    assert.equal(h.csr(STVAL), 0n);
    assert.equal(h.x(10) & MSTATUS_SPP, MSTATUS_SPP);
    assert.equal(h.csr(SCAUSE), MCAUSE_INTERRUPT | BigInt(IRQ_S_SOFT));
    // from U-mode the same access is an illegal instruction, and the CSR keeps its value
    const u = hartWith([enc('csrrw', { rd: 6, rs1: 5, csr: CSR_SSCRATCH })]);
    u.setCsr(MTVEC, RAM + 0x400n);
    u.setCsr(CSR_SSCRATCH, 9n);
    u.setX(5, 1n);
    u.priv = PRV_U;
    u.run(1);
    assert.equal(u.csr(MCAUSE), 2n);
    assert.equal(u.csr(CSR_SSCRATCH), 9n);
    assert.equal(u.x(6), 0n);
  }
});
