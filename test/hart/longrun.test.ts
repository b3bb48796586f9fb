// The machine runs as long as the program does: millions of interrupts and traps leave the architectural
// state exactly as a run without them, the core allocates nothing while it runs (the memory below the state
// block, where an AssemblyScript heap would live, never changes), translator on and off, across 2^32 and
// 2^33 instructions. Program: test/fixtures/bare/storm.S (parameters written before the run, stop at
// `storm_done`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStorm, sameState, FLAG_ECALL, FLAG_USER, FLAG_PFAULT, FLAG_MSIP, type StormResult } from './storm';

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

test('host time mode: timer interrupts and ecalls leave every register as a run without them', () => {
  const n = 300_000n;
  // host time: 10 MHz, so 50 ticks = 5 us (a period shorter than the handler would only ever run the handler)
  const r = runStorm({ iterations: n, period: 50n, flags: FLAG_ECALL, jit: true, timeMode: 'host' });
  assert.equal(r.counts[1], n);
  assert.ok(r.counts[0] > 0n, 'timer interrupts taken');
  sameState(r, reference(n, false), 'host time');
  assert.equal(r.lowMemoryChanged, 0);
});
