// Interrupt points: the host injects interrupts at random instruction boundaries (runs of 1..400 instructions,
// so also in the middle of translated blocks, whose exits must be exact) and the program's user-visible
// results (every register, pc, privilege, the checksum it stores) equal a run with none. The interrupt is a
// supervisor software interrupt (mip.SSIP, not delegated) that storm.S's M-mode handler clears and counts;
// in M-mode and in U-mode with Sv39 on, translator on and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStorm, sameState, sym, FLAG_USER, type StormResult } from './storm';
import type { Hart } from '../../src/hart/hart';
import { CSR_MIE, CSR_MIP, MIP_SSIP } from '../../src/isa/encoding.generated';

/** xorshift64*: a fixed seed, so a failure can be replayed. */
function rng(seed: bigint): () => number {
  let s = seed;
  return () => {
    s ^= s >> 12n; s ^= (s << 25n) & 0xffffffffffffffffn; s ^= s >> 27n;
    return Number(((s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 40n);
  };
}

const N = 40_000n; // iterations: ~2 M instructions, ~10,000 injections

for (const jit of [false, true]) {
  for (const user of [false, true]) {
    const what = `${user ? 'U-mode, Sv39' : 'M-mode'}, translator ${jit ? 'on' : 'off'}`;
    test(`interrupts injected at random instruction boundaries leave the results of a run without them (${what})`, () => {
      const flags = user ? FLAG_USER : 0n;
      const quiet = runStorm({ iterations: N, period: 0n, flags, jit });
      const next = rng(0x9e3779b97f4a7c15n ^ (jit ? 1n : 0n) ^ (user ? 2n : 0n));
      let injected = 0n;
      const at = new Set<bigint>();
      const loop = sym('storm_loop'), done = sym('storm_done');
      let armed = false;
      const r: StormResult = runStorm({
        iterations: N, period: 0n, flags, jit,
        slice: () => 1 + (next() % 400),
        between: (h: Hart) => {
          // from the loop on (crt.S clears mie and mip at start-up)
          if (!armed) {
            if (h.pc < loop || h.pc >= done) return;
            h.setCsr(CSR_MIE, h.csr(CSR_MIE) | MIP_SSIP);
            armed = true;
          }
          // one pending at a time, so every injection is exactly one interrupt taken
          if ((h.csr(CSR_MIP) & MIP_SSIP) !== 0n) return;
          if (h.pc > loop && h.pc < done) at.add(h.pc);
          h.setCsr(CSR_MIP, h.csr(CSR_MIP) | MIP_SSIP);
          injected++;
        },
      });
      sameState(r, quiet, what);
      // taken: all but possibly the last (injected after the loop's end, at storm_done)
      assert.ok(r.counts[5] === injected || r.counts[5] === injected - 1n, `interrupts taken ${r.counts[5]} of ${injected} injected`);
      assert.ok(injected > 5_000n, `injected ${injected}`);
      // boundaries all over the loop body, not only at block heads (the loop is ~40 instructions)
      assert.ok(at.size >= 30, `distinct interrupted pcs inside the loop: ${at.size}`);
      assert.equal(quiet.counts[5], 0n);
    });
  }
}
