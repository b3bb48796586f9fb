// The figures of the cost view and `riscv-vdso cost` (src/kernel/timecost.ts): clockloop's two loops on each
// board profile, per call, from the guest's cycle count at the getppid markers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './helpers';
import { launch } from '../../src/kernel/process';
import { measureBoardCosts } from '../../src/kernel/timecost';
import { BOARD_PROFILES } from '../../src/hart/cycles';

test('per-call cycles and modelled ns on both boards: the vDSO gain of real hardware, and its collapse with firmware time', () => {
  const [hw, fw] = measureBoardCosts(launch, fixture('clockloop'), 300);
  assert.equal(hw.timeCsr, 'hardware');
  assert.equal(fw.timeCsr, 'firmware');
  assert.ok(hw.ratio >= 4 && hw.ratio <= 10, `hardware ${hw.ratio}`);
  assert.ok(fw.ratio >= 1 && fw.ratio <= 1.6, `firmware ${fw.ratio}`);
  for (const b of [hw, fw]) {
    for (const w of [b.vdso, b.syscall]) assert.ok(Math.abs(w.ns - (w.cycles * 1e9) / BOARD_PROFILES[b.timeCsr].coreHz) < 1e-6);
    assert.ok(b.vdso.instructions > 50 && b.vdso.instructions < 150, `${b.vdso.instructions} instructions per vDSO call`);
    assert.ok(b.syscall.instructions > b.vdso.instructions, 'the system call path retires more instructions (entry.S)');
    assert.equal(b.calibration, BOARD_PROFILES[b.timeCsr].nullSyscallSource);
  }
  // the firmware's ~1 us is in both ways on the firmware board
  assert.ok(fw.vdso.ns > 1000 && fw.syscall.ns > 1000);
  assert.throws(() => measureBoardCosts(launch, fixture('hello'), 10), /made 0 getppid\(\) markers, expected 3/);
});
