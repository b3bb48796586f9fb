// The machine runs as long as the program does: millions of interrupts and traps leave the architectural
// state exactly as a run without them, the core allocates nothing while it runs (the memory below the state
// block, where an AssemblyScript heap would live, never changes), translator on and off, across 2^32 and
// 2^33 instructions. Program: test/fixtures/bare/storm.S (parameters written before the run, stop at
// `storm_done`). And a 10^10-instruction program (test/fixtures/bare/spin.S) to its exact end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStorm, sameState, FLAG_ECALL, FLAG_USER, FLAG_PFAULT, FLAG_MSIP, type StormResult } from './storm';
import { Hart } from '../../src/hart/hart';
import { loadBare } from '../../src/hart/bare';
import { bareImageFromElf } from '../../src/cli/bareImage';
import { ElfFile } from '../../src/elf/elf';

const quiet = new Map<string, StormResult>();
function reference(iterations: bigint, user: boolean): StormResult {
  const k = `${iterations}/${user}`;
  let r = quiet.get(k);
  if (!r) {
    r = runStorm({ iterations, period: 0n, flags: user ? FLAG_USER : 0n, jit: false });
    assert.equal(r.lowMemoryChanged, 0);
    quiet.set(k, r);
  }
  return r;
}

for (const jit of [false, true]) {
  const mode = jit ? 'translator on' : 'translator off';

  test(`1,000,000 timer interrupts leave every register as a run without them (${mode})`, () => {
    // period 6 ticks = 60 modelled cycles (the handler takes ~30 instructions): more than one interrupt an iteration
    const n = 1_000_000n;
    const r = runStorm({ iterations: n, period: 6n, flags: 0n, jit });
    // virtual time follows the modelled cycle count, so the number is exact (and the same with the translator)
    assert.equal(r.counts[0], 1_200_001n, 'timer interrupts');
    assert.equal(r.instret, 76_800_198n, 'instructions retired');
    sameState(r, reference(n, false), mode);
    assert.equal(r.lowMemoryChanged, 0, 'the core wrote below its state block (a heap grew)');
  });

  test(`1,000,000 ecalls among timer interrupts, from U-mode with Sv39 on (${mode})`, () => {
    const n = 1_000_000n;
    const r = runStorm({ iterations: n, period: 7n, flags: FLAG_ECALL | FLAG_USER, jit });
    assert.equal(r.counts[1], n, 'ecalls');
    assert.ok(r.counts[0] > 100_000n, `timer interrupts: ${r.counts[0]}`);
    sameState(r, reference(n, true), mode);
    assert.equal(r.lowMemoryChanged, 0, 'the core wrote below its state block (a heap grew)');
  });

  test(`1,000,000 page faults in a loop (U-mode, Sv39) (${mode})`, () => {
    const n = 1_000_000n;
    const r = runStorm({ iterations: n, period: 0n, flags: FLAG_PFAULT | FLAG_USER, jit });
    assert.equal(r.counts[2], n, 'page faults');
    sameState(r, reference(n, true), mode);
    assert.equal(r.lowMemoryChanged, 0);
  });

  test(`1,000,000 software interrupts (CLINT msip) in M-mode (${mode})`, () => {
    const n = 1_000_000n;
    const r = runStorm({ iterations: n, period: 0n, flags: FLAG_MSIP, jit });
    assert.equal(r.counts[3], n, 'software interrupts');
    sameState(r, reference(n, false), mode);
    assert.equal(r.lowMemoryChanged, 0);
  });

  for (const boundary of [32n, 33n]) {
    test(`past 2^${boundary} instructions with interrupts: same state, exact counts (${mode})`, () => {
      const n = 200_000n;
      const start = (1n << boundary) - 1_000_000n;
      const r = runStorm({ iterations: n, period: 3n, flags: FLAG_ECALL, jit, startCycles: start });
      const q = runStorm({ iterations: n, period: 3n, flags: FLAG_ECALL, jit: !jit, startCycles: start });
      sameState(r, reference(n, false), `${mode}, from 2^${boundary} - 10^6`);
      assert.ok(start + r.cycles > (1n << boundary), 'crossed the boundary');
      // virtual time is a function of the instruction count: the same interrupts at the same places
      assert.equal(r.counts[0], q.counts[0], 'timer interrupts equal with the translator on and off');
      assert.equal(r.instret, q.instret, 'instructions retired');
    });
  }
}

for (const jit of [true, false]) {
  test(`host time mode: timer interrupts and ecalls leave every register as a run without them (translator ${jit ? 'on' : 'off'})`, () => {
    const n = 300_000n;
    // host time: 10 MHz, so 50 ticks = 5 us (a period shorter than the handler would only ever run the handler)
    const r = runStorm({ iterations: n, period: 50n, flags: FLAG_ECALL, jit, timeMode: 'host' });
    assert.equal(r.counts[1], n);
    assert.ok(r.counts[0] > 0n, 'timer interrupts taken');
    sameState(r, reference(n, false), `host time, translator ${jit ? 'on' : 'off'}`);
    assert.equal(r.lowMemoryChanged, 0);
  });
}

// ---- 10^10 instructions: test/fixtures/bare/spin.S, whose end state has a closed form ----------------------

const M64 = (1n << 64n) - 1n;
const LCG_A = 6364136223846793005n, LCG_C = 1442695040888963407n;
/** x after n steps of x = a*x + c (mod 2^64), by squaring the affine map. */
function lcgAfter(x: bigint, n: bigint): bigint {
  let a = LCG_A, c = LCG_C, ra = 1n, rc = 0n; // r = identity; r, then (a, c) squared
  for (let k = n; k > 0n; k >>= 1n) {
    if (k & 1n) { rc = (a * rc + c) & M64; ra = (a * ra) & M64; }
    c = (a * c + c) & M64;
    a = (a * a) & M64;
  }
  return (ra * x + rc) & M64;
}

test('a 10^10-instruction program runs to its exact end across 2^32 and 2^33, with timer interrupts (translator on)', () => {
  const bytes = readFileSync(join(__dirname, '..', 'fixtures', 'bare', 'build', 'spin.elf'));
  const syms = new Map(ElfFile.parse(bytes).symbols().map((s) => [s.name, s.value]));
  const sym = (n: string): bigint => syms.get(n)!;
  const h = new Hart({ ramBytes: 1 << 24, jit: true });
  loadBare(h, bareImageFromElf(bytes));
  const iterations = 2_500_000_000n, seed = 0x1234_5678_9abc_def0n, period = 100_000n;
  h.writePhys64(sym('spin_params'), iterations);
  h.writePhys64(sym('spin_params') + 8n, period);
  h.writePhys64(sym('spin_params') + 16n, seed);
  const runTo = (at: bigint, limit: bigint): void => {
    h.addBreakpoint(at);
    const c0 = h.cycles;
    for (;;) {
      assert.ok(h.cycles - c0 < limit, `no stop at 0x${at.toString(16)} after ${h.cycles - c0} instructions`);
      const e = h.run(1_000_000_000);
      if (e.kind === 'breakpoint') break;
      assert.equal(e.kind, 'budget', `unexpected exit ${e.kind} at pc 0x${e.pc.toString(16)}`);
    }
    h.removeBreakpoint(at);
  };
  runTo(sym('spin_loop'), 1000n);
  const i0 = h.instret;
  const handler = (sym('spin_handler_end') - sym('spin_handler')) / 4n; // no compressed code, no branches
  runTo(sym('spin_done'), 11_000_000_000n);
  const interrupts = h.readPhys64(sym('spin_count'));
  assert.equal(h.x(12), lcgAfter(seed, iterations), 'a2 after 2.5e9 steps');
  assert.equal(h.x(10), 0n, 'a0: iterations left');
  assert.equal(h.instret - i0, 4n * iterations + handler * interrupts, 'instructions retired');
  assert.ok(h.instret > 10_000_000_000n && h.instret > (1n << 33n));
  assert.ok(interrupts > 500n, `timer interrupts: ${interrupts}`);
});
