// The storm program (test/fixtures/bare/storm.S) on a hart: parameters written before the run, a stop at
// `storm_done`, and the whole architectural state afterwards, for the long-run and interrupt-injection tests.
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
export const sym = (n: string): bigint => { const v = syms.get(n); if (v === undefined) throw new Error(`no ${n}`); return v; };

export const FLAG_ECALL = 1n, FLAG_PFAULT = 2n, FLAG_USER = 4n, FLAG_MSIP = 8n;

export interface StormParams {
  iterations: bigint; period: bigint; flags: bigint; jit: boolean; startCycles?: bigint; timeMode?: 'host' | 'virtual';
  /** Called with the hart after every run slice of at most `slice` instructions (default 10^8): the caller may inject. */
  between?: (h: Hart) => void;
  slice?: () => number;
}
export interface StormResult {
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
    const e = h.run(p.slice ? p.slice() : 100_000_000);
    if (e.kind === 'breakpoint') break;
    assert.equal(e.kind, 'budget', `unexpected exit ${e.kind} at pc 0x${e.pc.toString(16)}`);
    p.between?.(h);
  }
  const after = low(h);
  let changed = 0;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) changed++;
  const counts = [0, 1, 2, 3, 4, 5].map((i) => h.readPhys64(sym('storm_counts') + BigInt(i * 8)));
  return {
    x: Array.from({ length: 32 }, (_, i) => h.x(i)), f: Array.from({ length: 32 }, (_, i) => h.f(i)),
    fcsr: h.csr(CSR_FCSR), priv: h.priv, pc: h.pc, counts, instret: h.instret - i0, cycles: h.cycles - c0,
    lowMemoryChanged: changed, mstatusMie: (h.csr(CSR_MSTATUS) & MSTATUS_MIE) >> MSTATUS_MIE_SHIFT,
  };
}

export function sameState(a: StormResult, b: StormResult, what: string): void {
  for (let i = 0; i < 32; i++) assert.equal(a.x[i].toString(16), b.x[i].toString(16), `${what}: x${i}`);
  for (let i = 0; i < 32; i++) assert.equal(a.f[i], b.f[i], `${what}: f${i}`);
  assert.equal(a.fcsr, b.fcsr, `${what}: fcsr`);
  assert.equal(a.pc, b.pc, `${what}: pc`);
  assert.equal(a.priv, b.priv, `${what}: privilege`);
  assert.equal(a.counts[4], b.counts[4], `${what}: checksum stored in memory`);
}

