// The machine runs as long as the program does: millions of interrupts and traps leave the architectural
// state exactly as a run without them, the core allocates nothing while it runs (the memory below the state
// block, where an AssemblyScript heap would live, never changes), translator on and off, across 2^32 and
// 2^33 instructions. Program: test/fixtures/bare/storm.S (parameters written before the run, stop at
// `storm_done`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hart } from '../../src/hart/hart';
import { loadBare } from '../../src/hart/bare';
import { bareImageFromElf } from '../../src/cli/bareImage';
import { ElfFile } from '../../src/elf/elf';
import * as L from '../../src/hart/layout';
import { CSR_FCSR, CSR_MSTATUS, MSTATUS_MIE, MSTATUS_MIE_SHIFT } from '../../src/isa/encoding.generated';

const elfBytes = readFileSync(join(__dirname, '..', 'fixtures', 'bare', 'build', 'storm.elf'));
const image = bareImageFromElf(elfBytes);
const syms = new Map(ElfFile.parse(elfBytes).symbols().map((s) => [s.name, s.value]));
const sym = (n: string): bigint => { const v = syms.get(n); if (v === undefined) throw new Error(`no ${n}`); return v; };

export const FLAG_ECALL = 1n, FLAG_PFAULT = 2n, FLAG_USER = 4n, FLAG_MSIP = 8n;

interface StormParams {
  iterations: bigint; period: bigint; flags: bigint; jit: boolean; startCycles?: bigint; timeMode?: 'host' | 'virtual';
}
interface StormResult {
  x: bigint[]; f: bigint[]; fcsr: bigint; priv: number; pc: bigint; counts: bigint[]; instret: bigint; cycles: bigint;
  lowMemoryChanged: number; mstatusMie: bigint;
}

/** Bytes [0, STATE) of the core's memory: static data (and, were there one, the heap). */
function low(h: Hart): Uint8Array {
  return new Uint8Array((h as unknown as { core: { memory: WebAssembly.Memory } }).core.memory.buffer, 0, L.STATE).slice();
}

export function runStorm(p: StormParams): StormResult {
  // a tick every 10 modelled cycles: a timer period of a few ticks is a few dozen instructions
  const h = new Hart({ ramBytes: 1 << 24, jit: p.jit, timeMode: p.timeMode, cyclesPerTick: 10 });
  loadBare(h, image);
  if (p.startCycles !== undefined) {
    // start the clock near a boundary (virtual time follows; mtimecmp deadlines are relative to mtime)
    // (both the instruction count and the modelled cycle count that virtual time follows)
    const hs = h as unknown as { setMisc(i: number, v: bigint): void };
    hs.setMisc(L.MISC_CYCLES, p.startCycles);
    hs.setMisc(L.MISC_CLOCK, p.startCycles);
  }
  const params = sym('storm_params');
  h.writePhys64(params, p.iterations);
  h.writePhys64(params + 8n, p.period);
  h.writePhys64(params + 16n, p.flags);
  h.addBreakpoint(sym('storm_done'));
  const before = low(h);
  const c0 = h.cycles, i0 = h.instret;
  // a bound, so a corrupted run fails instead of running forever: the loop is ~50 instructions an iteration
  const limit = 400n * (p.iterations + 1000n);
  for (;;) {
    assert.ok(h.cycles - c0 < limit, `no stop at storm_done after ${h.cycles - c0} instructions (pc 0x${h.pc.toString(16)})`);
    const e = h.run(100_000_000);
    if (e.kind === 'breakpoint') break;
    assert.equal(e.kind, 'budget', `unexpected exit ${e.kind} at pc 0x${e.pc.toString(16)}`);
  }
  const after = low(h);
  let changed = 0;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) changed++;
  const counts = [0, 1, 2, 3, 4].map((i) => h.readPhys64(sym('storm_counts') + BigInt(i * 8)));
  return {
    x: Array.from({ length: 32 }, (_, i) => h.x(i)), f: Array.from({ length: 32 }, (_, i) => h.f(i)),
    fcsr: h.csr(CSR_FCSR), priv: h.priv, pc: h.pc, counts, instret: h.instret - i0, cycles: h.cycles - c0,
    lowMemoryChanged: changed, mstatusMie: (h.csr(CSR_MSTATUS) & MSTATUS_MIE) >> MSTATUS_MIE_SHIFT,
  };
}

function sameState(a: StormResult, b: StormResult, what: string): void {
  for (let i = 0; i < 32; i++) assert.equal(a.x[i].toString(16), b.x[i].toString(16), `${what}: x${i}`);
  for (let i = 0; i < 32; i++) assert.equal(a.f[i], b.f[i], `${what}: f${i}`);
  assert.equal(a.fcsr, b.fcsr, `${what}: fcsr`);
  assert.equal(a.pc, b.pc, `${what}: pc`);
  assert.equal(a.priv, b.priv, `${what}: privilege`);
  assert.equal(a.counts[4], b.counts[4], `${what}: checksum stored in memory`);
}

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
