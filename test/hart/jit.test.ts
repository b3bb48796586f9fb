// The block translator (src/hart/jit/): every case runs the same program on a hart with the translator and
// on one without, and requires identical architectural state (pc, cycles, instret, registers, memory) after
// every run call, plus the case's own expectations. Budgets are odd on purpose so blocks meet the end of
// a budget at every kind of exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enc, RAM, u64, openPmp } from './helpers';
import { Hart, PRV_S, JIT_THRESHOLD, type Exit } from '../../src/hart/hart';
import { decode } from '../../src/isa/decode';
import { INSNS } from '../../src/isa/instructions';
import { randomProgram, rng, bytesOf, DATA, type Word } from './jitgen';

import {
  CSR_MSTATUS as MSTATUS, CSR_FCSR as FCSR, MSTATUS_FS, MSTATUS_FS_SHIFT, CAUSE_ILLEGAL, CSR_MIE as MIE, CSR_MTVEC as MTVEC, CSR_MEPC as MEPC, CSR_MCAUSE as MCAUSE, CSR_SATP as SATP,
  MIE_MTIE, MSTATUS_MIE, CAUSE_LOAD_ACCESS, IRQ_M_TIMER,
} from '../../src/isa/encoding.generated';
const RAM_BYTES = 4 * 1024 * 1024;

function pair(setup: (h: Hart) => void): [Hart, Hart] {
  const hs: [Hart, Hart] = [openPmp(new Hart({ ramBytes: RAM_BYTES, jit: true, jitThreshold: 32 })), openPmp(new Hart({ ramBytes: RAM_BYTES, jit: false }))];
  for (const h of hs) { h.pc = RAM; setup(h); }
  return hs;
}

function state(h: Hart): Record<string, unknown> {
  const x: bigint[] = [];
  for (let i = 0; i < 32; i++) x.push(h.x(i));
  const f: bigint[] = [];
  for (let i = 0; i < 32; i++) f.push(h.f(i));
  return {
    pc: h.pc, cycles: h.cycles, clock: h.clock, time: h.time, instret: h.instret, priv: h.priv, x, f, mepc: h.csr(MEPC), mcause: h.csr(MCAUSE),
    mstatus: h.csr(MSTATUS), fcsr: h.csr(FCSR),
  };
}

/** Run both harts with the same budgets; compare exits and state after each call. Returns the JIT hart's exits. */
function runBoth([j, i]: [Hart, Hart], budgets: number[], mem?: [bigint, number]): Exit[] {
  const exits: Exit[] = [];
  budgets.forEach((b, k) => {
    const ej = j.run(b), ei = i.run(b);
    assert.deepEqual(ej, ei, `exit of run #${k} (budget ${b})`);
    assert.deepEqual(state(j), state(i), `state after run #${k} (budget ${b})`);
    exits.push(ej);
  });
  if (mem) assert.deepEqual(j.readPhys(mem[0], mem[1]), i.readPhys(mem[0], mem[1]), 'memory');
  return exits;
}

// ---- compressed encodings (checked against the decoder below) ----
const cLi = (rd: number, imm: number) => ({ c: (0b010 << 13) | (((imm >> 5) & 1) << 12) | (rd << 7) | ((imm & 31) << 2) | 1 });
const cAddi = (rd: number, imm: number) => ({ c: (((imm >> 5) & 1) << 12) | (rd << 7) | ((imm & 31) << 2) | 1 });
const cMv = (rd: number, rs: number) => ({ c: (0b100 << 13) | (rd << 7) | (rs << 2) | 2 });
const cAdd = (rd: number, rs: number) => ({ c: (0b1001 << 12) | (rd << 7) | (rs << 2) | 2 });
const cBnez = (rs1: number, off: number) => ({
  c: (0b111 << 13) | (((off >> 8) & 1) << 12) | (((off >> 3) & 3) << 10) | ((rs1 - 8) << 7) | (((off >> 6) & 3) << 5) |
    (((off >> 1) & 3) << 3) | (((off >> 5) & 1) << 2) | 1,
});
const cJ = (off: number) => ({
  c: (0b101 << 13) | (((off >> 11) & 1) << 12) | (((off >> 4) & 1) << 11) | (((off >> 8) & 3) << 9) | (((off >> 10) & 1) << 8) |
    (((off >> 6) & 1) << 7) | (((off >> 7) & 1) << 6) | (((off >> 1) & 7) << 3) | (((off >> 5) & 1) << 2) | 1,
});

test('compressed encodings of this file decode as intended', () => {
  const check = (w: { c: number }, name: string, f: Record<string, number>) => {
    const d = decode(w.c);
    assert.equal(INSNS[d.cop].name, name);
    for (const [k, v] of Object.entries(f)) assert.equal((d as unknown as Record<string, number>)[k], v, `${name} ${k}`);
  };
  check(cLi(10, -3), 'c.li', { rd: 10, imm: -3 });
  check(cAddi(11, 7), 'c.addi', { rd: 11, imm: 7 });
  check(cMv(12, 11), 'c.mv', { rd: 12, rs2: 11 });
  check(cAdd(12, 10), 'c.add', { rd: 12, rs2: 10 });
  check(cBnez(11, -6), 'c.bnez', { rs1: 11, imm: -6 });
  check(cJ(-10), 'c.j', { imm: -10 });
});

test('random loops of fast-path instructions: identical state after every budget, with and without the translator', () => {
  for (let seed = 1; seed <= 25; seed++) {
    const p = randomProgram(seed);
    const hs = pair((h) => {
      h.writePhys(RAM, bytesOf(p.words));
      for (let i = 1; i < 16; i++) h.setX(i, p.regs[i]);
      h.setX(21, 300n);
      h.setX(22, DATA);
      h.setX(24, RAM + p.backEdge);
    });
    const r = rng(seed * 7919);
    const budgets: number[] = [];
    for (let i = 0; i < 60; i++) budgets.push(1 + (r() % 700));
    runBoth(hs, budgets, [DATA - 0x1000n, 0x2000]);
    assert.ok(hs[0].jitStats.compiled > 0, `seed ${seed}: blocks were compiled`);
    assert.equal(hs[0].jitStats.failed, 0, `seed ${seed}: no translation failed`);
  }
});

test('random loops with F/D loads, stores, moves, sign injections and arithmetic, FS Off, Initial, Clean, Dirty: identical state, f registers and fcsr included', () => {
  for (let seed = 1; seed <= 24; seed++) {
    const fs = BigInt(seed % 4); // Off, Initial, Clean, Dirty
    const p = randomProgram(1000 + seed, true);
    const r = rng(seed * 104729);
    // f registers: special bit patterns and random ones (doubles, badly NaN-boxed singles)
    const f: bigint[] = [];
    for (let i = 0; i < 16; i++) f.push(i % 3 === 0 ? p.regs[(i + 5) % 16] : (BigInt(r()) << 32n) | BigInt(r()));
    f[1] = 0xffffffff3f800000n; // a NaN-boxed 1.0f
    const hs = pair((h) => {
      h.writePhys(RAM, bytesOf(p.words));
      for (let i = 1; i < 16; i++) h.setX(i, p.regs[i]);
      for (let i = 0; i < 16; i++) h.setF(i, f[i]);
      h.setX(21, 300n);
      h.setX(22, DATA);
      h.setX(24, RAM + p.backEdge);
      h.setX(23, MSTATUS_FS);
      h.setX(25, 2n << MSTATUS_FS_SHIFT);
      h.setCsr(MSTATUS, (h.csr(MSTATUS) & ~MSTATUS_FS) | (fs << MSTATUS_FS_SHIFT));
      h.setTrapStops(1n << BigInt(CAUSE_ILLEGAL), 0n);
    });
    const budgets = (n: number) => Array.from({ length: n }, () => 1 + (r() % 900));
    const exits = runBoth(hs, budgets(30), [DATA - 0x1000n, 0x2000]);
    if (fs === 0n) assert.ok(exits.some((e) => e.kind === 'trap' && e.trap?.code === CAUSE_ILLEGAL), `seed ${seed}: FS Off traps`);
    else assert.ok(hs[0].jitStats.compiled > 0, `seed ${seed}: blocks were compiled`);
    // with blocks compiled, FS goes Clean (as a context switch leaves it) and then Off under them
    for (const next of [2n, 0n]) {
      for (const h of hs) h.setCsr(MSTATUS, (h.csr(MSTATUS) & ~MSTATUS_FS) | (next << MSTATUS_FS_SHIFT));
      runBoth(hs, budgets(10), [DATA - 0x1000n, 0x2000]);
    }
    assert.equal(hs[0].jitStats.failed, 0, `seed ${seed}: no translation failed`);
  }
});

test('blocks in two pages (a call to another page, jalr back, branches in both): same state at every budget, breakpoints still stop', () => {
  // page A: loop: x10++; jal ra, f (page B); x11 += x13; blt x10, x12, loop; j .
  const a = [
    enc('addi', { rd: 10, rs1: 10, imm: 1 }), enc('jal', { rd: 1, imm: 0x1000 - 4 }), enc('add', { rd: 11, rs1: 11, rs2: 13 }),
    enc('blt', { rs1: 10, rs2: 12, imm: -12 }), enc('jal', { rd: 0, imm: 0 }),
  ];
  // page B: f: x13 += 3; x14 = x13 & 7; beq x14, x0, +8; x15++; ret
  const b = [
    enc('addi', { rd: 13, rs1: 13, imm: 3 }), enc('andi', { rd: 14, rs1: 13, imm: 7 }), enc('beq', { rs1: 14, rs2: 0, imm: 8 }),
    enc('addi', { rd: 15, rs1: 15, imm: 1 }), enc('jalr', { rd: 0, rs1: 1, imm: 0 }),
  ];
  const hs = pair((h) => {
    h.writePhys(RAM, bytesOf(a));
    h.writePhys(RAM + 0x1000n, bytesOf(b));
    h.setX(12, 10000n);
  });
  runBoth(hs, [5003, 77, 1, 9999, 12345]);
  assert.ok(hs[0].jitStats.compiled >= 2, 'both pages compiled');
  for (const h of hs) h.addBreakpoint(RAM + 0x100cn); // x15++ in f, reached through the chained call
  const [e] = runBoth(hs, [100000]);
  assert.equal(e.kind, 'breakpoint');
  assert.equal(e.pc, RAM + 0x100cn);
  for (const h of hs) { h.removeBreakpoint(RAM + 0x100cn); }
  runBoth(hs, [3001, 100000, 100000, 50001]);
  assert.equal(hs[0].x(10), hs[0].x(12), 'the loop ran to its end');
  assert.equal(hs[0].x(13), 3n * hs[0].x(12));
});

test('a load that faults in the middle of a block: earlier effects visible, the faulting one not', () => {
  // loop: x5++; sd x5, 0(x6); x7++; ld x8, 0(x9); x10++; x9 += 0x10000; j loop  (x9 walks off the end of RAM)
  const words = [
    enc('addi', { rd: 5, rs1: 5, imm: 1 }), enc('sd', { rs1: 6, rs2: 5, imm: 0 }), enc('addi', { rd: 7, rs1: 7, imm: 1 }),
    enc('ld', { rd: 8, rs1: 9, imm: 0 }), enc('addi', { rd: 10, rs1: 10, imm: 1 }), enc('add', { rd: 9, rs1: 9, rs2: 11 }),
    enc('jal', { rd: 0, imm: -24 }),
  ];
  const hs = pair((h) => {
    h.writePhys(RAM, bytesOf(words));
    h.setX(6, RAM + 0x1000n);
    h.setX(8, 0x5555n);
    h.setX(9, RAM + 0x10000n);
    h.setX(11, 0x1000n);
    h.setCsr(MTVEC, RAM + 0x800n);
    h.setTrapStops(1n << BigInt(CAUSE_LOAD_ACCESS), 0n);
  });
  const [e] = runBoth(hs, [100000]);
  const h = hs[0];
  assert.equal(e.kind, 'trap');
  assert.equal(e.trap?.code, 5);
  assert.equal(h.csr(MEPC), RAM + 12n, 'mepc is the ld');
  assert.equal(h.x(5), h.x(7), 'the instructions before the ld in its pass ran');
  assert.equal(h.x(10), h.x(5) - 1n, 'the instructions after it did not');
  assert.equal(h.readPhys64(RAM + 0x1000n), h.x(5), 'the store before it is in memory');
  assert.equal(e.trap?.tval, RAM + BigInt(RAM_BYTES), 'the faulting address');
  assert.ok(h.jitStats.compiled > 0);
});

test('a breakpoint set after the block was compiled stops exactly there; removing it resumes the compiled loop', () => {
  const words = [
    enc('addi', { rd: 1, rs1: 1, imm: 1 }), enc('addi', { rd: 2, rs1: 2, imm: 2 }), enc('addi', { rd: 3, rs1: 3, imm: 3 }),
    enc('jal', { rd: 0, imm: -12 }),
  ];
  const hs = pair((h) => h.writePhys(RAM, bytesOf(words)));
  runBoth(hs, [1001]);
  assert.ok(hs[0].jitStats.compiled > 0);
  for (const h of hs) h.addBreakpoint(RAM + 8n);
  const [e] = runBoth(hs, [1000]);
  assert.equal(e.kind, 'breakpoint');
  assert.equal(e.pc, RAM + 8n);
  assert.equal(hs[0].x(2), hs[0].x(3) * 2n / 3n + 2n, 'x2 is one step ahead of x3');
  for (const h of hs) h.stepOverBreakpointNext();
  runBoth(hs, [1000]);
  for (const h of hs) h.removeBreakpoint(RAM + 8n);
  runBoth(hs, [777, 5000, 3]);
});

test('self-modifying code: a store over compiled code, then fence.i, runs the new instruction', () => {
  // loop: addi x10, x10, 1 (patched to +100 at iteration 100); x20++; bne x20, x21, loop
  // then: sw x12 -> RAM (the patch); fence.i; x21 += 100; j loop
  const words = [
    enc('addi', { rd: 10, rs1: 10, imm: 1 }), enc('addi', { rd: 20, rs1: 20, imm: 1 }), enc('bne', { rs1: 20, rs2: 21, imm: -8 }),
    enc('sw', { rs1: 11, rs2: 12, imm: 0 }), enc('fence.i'), enc('addi', { rd: 21, rs1: 21, imm: 100 }), enc('jal', { rd: 0, imm: -24 }),
  ];
  const hs = pair((h) => {
    h.writePhys(RAM, bytesOf(words));
    h.setX(11, RAM);
    h.setX(12, BigInt(enc('addi', { rd: 10, rs1: 10, imm: 100 })));
    h.setX(21, 100n);
  });
  runBoth(hs, [100 * 3 + 4 + 3 + 100 * 3]);
  assert.equal(hs[0].x(10), 100n + 100n * 100n);
  assert.ok(hs[0].jitStats.flushes >= 2, 'the fence.i dropped the compiled blocks');
});

test('a block is translated once its head was entered jitThreshold times, not before (default JIT_THRESHOLD)', () => {
  const loop = bytesOf([enc('addi', { rd: 10, rs1: 10, imm: 1 }), enc('jal', { rd: 0, imm: -4 })]);
  for (const threshold of [100, undefined]) {
    const n = threshold ?? JIT_THRESHOLD;
    const h = openPmp(new Hart({ ramBytes: RAM_BYTES, jit: true, jitThreshold: threshold }));
    h.pc = RAM;
    h.writePhys(RAM, loop);
    // each iteration (2 instructions) enters the head once through the taken jal
    h.run(2 * (n - 2));
    assert.equal(h.jitStats.compiled, 0, `threshold ${n}: nothing compiled after ${n - 2} entries`);
    h.run(2 * 4);
    assert.equal(h.jitStats.compiled, 1, `threshold ${n}: the loop compiled after ${n + 2} entries`);
    h.run(2 * 1000);
    assert.equal(h.x(10), BigInt(n + 1002), 'the loop counted every iteration');
  }
});

test('host writes to code drop compiled blocks (writePhys)', () => {
  const hs = pair((h) => h.writePhys(RAM, bytesOf([enc('addi', { rd: 10, rs1: 10, imm: 1 }), enc('jal', { rd: 0, imm: -4 })])));
  runBoth(hs, [1000]);
  assert.equal(hs[0].x(10), 500n);
  for (const h of hs) h.writePhys(RAM, bytesOf([enc('addi', { rd: 10, rs1: 10, imm: 3 })]));
  runBoth(hs, [1000]);
  assert.equal(hs[0].x(10), 2000n);
});

test('a timer deadline inside a would-be block: the interrupt is taken at the same instruction', () => {
  // sd x29 -> mtimecmp (x31 = its CLINT address); then a long loop body. The handler counts in x30 and
  // re-arms the timer 37 ticks (370 cycles) later, so deadlines land all over the loop body.
  const body: number[] = [];
  for (let i = 0; i < 30; i++) body.push(enc('addi', { rd: 1 + (i % 5), rs1: 1 + (i % 5), imm: i + 1 }));
  const words = [enc('sd', { rs1: 31, rs2: 29, imm: 0 }), ...body, enc('jal', { rd: 0, imm: -4 * body.length })];
  const handler = [
    enc('addi', { rd: 30, rs1: 30, imm: 1 }),
    enc('ld', { rd: 29, rs1: 31, imm: 0 }), enc('addi', { rd: 29, rs1: 29, imm: 37 }), enc('sd', { rs1: 31, rs2: 29, imm: 0 }),
    enc('mret'),
  ];
  const hs = pair((h) => {
    h.setTimeMode('virtual', 10); // one tick per 10 cycles: ~10 instructions (ALU 1 cycle, src/hart/cycles.ts)
    h.writePhys(RAM, bytesOf(words));
    h.writePhys(RAM + 0x800n, bytesOf(handler));
    h.setX(29, 41n);
    h.setX(31, 0x2004000n);
    h.setCsr(MTVEC, RAM + 0x800n);
    h.setCsr(MIE, MIE_MTIE);
    h.setCsr(MSTATUS, MSTATUS_MIE);
    h.setTrapStops(0n, 1n << BigInt(IRQ_M_TIMER));
  });
  const exits = runBoth(hs, [100000, 100000, 100000, 333, 100000]);
  assert.equal(exits[0].kind, 'trap');
  assert.equal(exits[0].trap?.interrupt, true);
  assert.equal(hs[0].csr(MEPC) > RAM && hs[0].csr(MEPC) < RAM + 0x80n, true, 'taken inside the loop');
  assert.ok(hs[0].jitStats.compiled > 0);
  hs.forEach((h) => h.setTrapStops(0n, 0n));
  runBoth(hs, [50000, 12345]);
  assert.ok(hs[0].x(30) > 100n, 'the handler ran many times');
});

test('chained blocks (a loop of five blocks joined by taken branches): timer deadlines, a breakpoint set while they chain, fence.i', () => {
  // sd x29 -> mtimecmp; then five chunks of 6 addi, each ending in a taken bne over one addi to x27 (never
  // run), so each chunk is a block whose exit is the next one's head: the trampoline chains them. The timer
  // handler re-arms 37 ticks later, so deadlines land in every block.
  const chunks: number[] = [];
  for (let b = 0; b < 5; b++) {
    for (let i = 0; i < 6; i++) chunks.push(enc('addi', { rd: 1 + ((b + i) % 5), rs1: 1 + ((b + i) % 5), imm: b * 8 + i + 1 }));
    chunks.push(enc('bne', { rs1: 28, rs2: 0, imm: 8 }), enc('addi', { rd: 27, rs1: 27, imm: 1 }));
  }
  const words = [enc('sd', { rs1: 31, rs2: 29, imm: 0 }), ...chunks, enc('jal', { rd: 0, imm: -4 * chunks.length })];
  const handler = [
    enc('addi', { rd: 30, rs1: 30, imm: 1 }),
    enc('ld', { rd: 29, rs1: 31, imm: 0 }), enc('addi', { rd: 29, rs1: 29, imm: 37 }), enc('sd', { rs1: 31, rs2: 29, imm: 0 }),
    enc('mret'),
  ];
  const hs = pair((h) => {
    h.setTimeMode('virtual', 10);
    h.writePhys(RAM, bytesOf(words));
    h.writePhys(RAM + 0x800n, bytesOf(handler));
    h.setX(28, 1n);
    h.setX(29, 41n);
    h.setX(31, 0x2004000n);
    h.setCsr(MTVEC, RAM + 0x800n);
    h.setCsr(MIE, MIE_MTIE);
    h.setCsr(MSTATUS, MSTATUS_MIE);
  });
  runBoth(hs, [100000, 777, 100000, 333, 65537, 100000]);
  assert.ok(hs[0].jitStats.compiled >= 5, 'every chunk compiled');
  assert.ok(hs[0].x(30) > 100n, 'the handler ran many times');
  assert.equal(hs[0].x(27), 0n, 'the skipped instructions never ran');
  // a breakpoint in the fourth chunk, set while the loop runs chained: both stop there
  const bp = RAM + 4n + 3n * 32n + 8n;
  for (const h of hs) h.addBreakpoint(bp);
  const [e] = runBoth(hs, [100000]);
  assert.equal(e.kind, 'breakpoint');
  assert.equal(e.pc, bp);
  for (const h of hs) h.removeBreakpoint(bp);
  runBoth(hs, [5001, 100000]);
  // the third chunk's first addi rewritten (to x26 += 1000) and made visible by fence.i from the handler's page
  const fix = [enc('addi', { rd: 26, rs1: 26, imm: 1000 })];
  for (const h of hs) {
    h.writePhys(RAM + 0xc00n, bytesOf([enc('sw', { rs1: 25, rs2: 24, imm: 0 }), enc('fence.i'), enc('jal', { rd: 0, imm: -(0xc00 + 8 - 4) })]));
    h.setX(24, BigInt(fix[0]));
    h.setX(25, RAM + 4n + 2n * 32n);
    h.pc = RAM + 0xc00n;
  }
  runBoth(hs, [100000, 4097, 100000]);
  assert.ok(hs[0].x(26) >= 1000n, 'the rewritten instruction ran');
});

test('x0: writes are discarded (ALU, loads, jal), reads are zero', () => {
  const words = [
    enc('addi', { rd: 0, rs1: 1, imm: 5 }), enc('add', { rd: 0, rs1: 1, rs2: 1 }), enc('ld', { rd: 0, rs1: 2, imm: 0 }),
    enc('lui', { rd: 0, imm: 0x12345000 }), enc('divw', { rd: 0, rs1: 1, rs2: 0 }),
    enc('add', { rd: 3, rs1: 0, rs2: 1 }), enc('addi', { rd: 4, rs1: 0, imm: -1 }), enc('sd', { rs1: 2, rs2: 0, imm: 8 }),
    enc('addi', { rd: 5, rs1: 5, imm: 1 }), enc('jal', { rd: 0, imm: 4 }), enc('jal', { rd: 0, imm: -40 }),
  ];
  const hs = pair((h) => {
    h.writePhys(RAM, bytesOf(words));
    h.setX(1, 7n);
    h.setX(2, RAM + 0x2000n);
    h.writePhys64(RAM + 0x2008n, 0xffn);
  });
  runBoth(hs, [2001, 999], [RAM + 0x2000n, 16]);
  const h = hs[0];
  assert.equal(h.x(0), 0n);
  assert.equal(h.x(3), 7n);
  assert.equal(h.x(4), u64(-1n));
  assert.equal(h.readPhys64(RAM + 0x2008n), 0n);
  assert.ok(h.jitStats.compiled > 0);
});

test('compressed instructions in blocks (c.li, c.addi, c.mv, c.add, c.bnez, c.j)', () => {
  // x10 = 0; x11 = 50; loop: x10 += x11 (c.add); c.addi x11, -1; c.bnez x11, loop; c.mv x12, x10; c.j .
  const words: Word[] = [cLi(10, 0), cLi(11, 31), cAddi(11, 19), cAdd(10, 11), cAddi(11, -1), cBnez(11, -4), cMv(12, 10), cJ(0)];
  const hs = pair((h) => h.writePhys(RAM, bytesOf(words)));
  runBoth(hs, [7, 13, 1, 300]);
  assert.equal(hs[0].x(12), 50n * 51n / 2n);
  assert.equal(hs[0].pc, RAM + 14n);
  assert.ok(hs[0].jitStats.compiled > 0);
});

test('auipc in a block shared by two virtual aliases of the same physical page computes from each pc', () => {
  // Sv39 in S-mode: gigapages VA 0x40000000 and 0xc0000000 both map PA 0x80000000 (and VA 0x80000000 itself)
  const root = RAM + 0x100000n;
  const leaf = (pa: bigint) => ((pa >> 12n) << 10n) | 0xcfn; // D A X W R V
  const words = [
    enc('auipc', { rd: 10, imm: 0 }), enc('addi', { rd: 11, rs1: 11, imm: 1 }), enc('jal', { rd: 1, imm: 8 }), enc('addi', { rd: 0, rs1: 0, imm: 0 }),
    enc('blt', { rs1: 11, rs2: 12, imm: -16 }), enc('jal', { rd: 0, imm: 0 }),
  ];
  const hs = pair((h) => {
    h.writePhys(RAM + 0x1000n, bytesOf(words));
    h.writePhys64(root + 8n * 1n, leaf(RAM));
    h.writePhys64(root + 8n * 2n, leaf(RAM));
    h.writePhys64(root + 8n * 3n, leaf(RAM));
    h.setCsr(SATP, (8n << 60n) | (root >> 12n));
    h.priv = PRV_S;
    h.pc = 0x40001000n;
    h.setX(12, 200n);
  });
  runBoth(hs, [1001]);
  const h = hs[0];
  assert.equal(h.x(10), 0x40001000n);
  assert.equal(h.x(1), 0x4000100cn);
  const compiled = h.jitStats.compiled;
  assert.ok(compiled > 0);
  for (const g of hs) { g.pc = 0xc0001000n; g.setX(11, 0n); }
  runBoth(hs, [1001]);
  assert.equal(h.x(10), 0xc0001000n, 'auipc from the second alias');
  assert.equal(h.x(1), 0xc000100cn, 'link address from the second alias');
  assert.equal(h.jitStats.compiled, compiled, 'the same translation served both aliases');
});

test('snapshots: restore drops compiled blocks and replays identically', () => {
  const p = randomProgram(99);
  const hs = pair((h) => {
    h.writePhys(RAM, bytesOf(p.words));
    for (let i = 1; i < 16; i++) h.setX(i, p.regs[i]);
    h.setX(21, 300n);
    h.setX(22, DATA);
    h.setX(24, RAM + p.backEdge);
  });
  runBoth(hs, [2000]);
  const snaps = hs.map((h) => h.snapshot());
  const a = runBoth(hs, [3001, 17]);
  hs.forEach((h, i) => h.restore(snaps[i]));
  const b = runBoth(hs, [3001, 17], [DATA - 0x1000n, 0x2000]);
  assert.deepEqual(a, b);
});
