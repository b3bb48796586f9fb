// "Show vDSO vs syscall cost"'s measurement on the cycle model: real clockloop runs in the emulator under both
// board profiles. The figures the view charts (cycles, modelled ns) must say what real hardware says: the vDSO
// several times cheaper when rdtime is a hardware counter, barely cheaper when rdtime traps to firmware.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { measureCost } from '../../src/extension/cost/measure';
import { processFactory } from '../../src/debug/kernelLink';
import { BOARD_PROFILES } from '../../src/hart/cycles';

const CLOCKLOOP = join(__dirname, '..', '..', 'samples', 'clockloop');

for (const timeCsr of ['hardware', 'firmware'] as const) {
  test(`cost on the cycle model, ${timeCsr} time CSR: cycles, modelled ns and the ratio`, () => {
    const r = measureCost(processFactory()!, CLOCKLOOP, 300, undefined, timeCsr);
    assert.match(r.cycleModel!, new RegExp(`^${timeCsr} time CSR`));
    for (const w of [r.vdso, r.syscall]) {
      assert.ok(w.cycles! >= w.instructions, 'every instruction costs at least a cycle');
      assert.equal(w.modelNs, (w.cycles! * 1e9) / BOARD_PROFILES[timeCsr].coreHz);
    }
    // both boards side by side (per call), the measured one first with the figures above; each in its range
    assert.deepEqual(r.boards!.map((b) => b.timeCsr), timeCsr === 'hardware' ? ['hardware', 'firmware'] : ['firmware', 'hardware']);
    assert.deepEqual([r.boards![0].vdso.cycles, r.boards![0].syscall.cycles], [r.vdso.cycles! / 300, r.syscall.cycles! / 300]);
    for (const b of r.boards!) {
      assert.equal(b.board, BOARD_PROFILES[b.timeCsr].description);
      const ratio = b.syscall.cycles / b.vdso.cycles;
      assert.equal(b.ratio, ratio);
      if (b.timeCsr === 'hardware') assert.ok(ratio > 3 && ratio < 12, `hardware: ${ratio.toFixed(2)}x`);
      else assert.ok(ratio > 1 && ratio < 1.6, `firmware: ${ratio.toFixed(2)}x`);
    }
  });
}
