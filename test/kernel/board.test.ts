// The board profiles and the cycle model seen from inside the guest (docs/time.md): the seed's experiment timed
// with clock_gettime by the program itself (test/fixtures/linux/src/timecost.c) gives the ratios real boards
// show, the null system call lands on its published calibration, rdtime on a firmware-time board is a real
// trap to M-mode that the firmware emulates, and the clocks stay monotonic and agree under both profiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFixture, fixture, FIXED_EPOCH } from './helpers';
import { launch, LaunchError } from '../../src/kernel/process';
import { BOARD_PROFILES } from '../../src/hart/cycles';
import { isRdtime } from '../../src/kernel/board';
import { PRV_M, PRV_U } from '../../src/hart/hart';
import { CAUSE_ILLEGAL, CSR_MCOUNTEREN, CSR_MEDELEG, CSR_MEPC, MCOUNTEREN_TM } from '../../src/isa/encoding.generated';

interface Figures { cg: [number, number, number]; gt: [number, number, number]; nullNs: number }

/** The program's own lines: "clock_gettime vdso X ns syscall Y ns ratio R", ..., "null syscall (getppid) Z ns". */
function parse(stdout: string): Figures {
  const row = (name: string): [number, number, number] => {
    const m = new RegExp(`^${name} vdso ([\\d.]+) ns syscall ([\\d.]+) ns ratio ([\\d.]+)$`, 'm').exec(stdout);
    assert.ok(m, `${name} line in\n${stdout}`);
    return [Number(m![1]), Number(m![2]), Number(m![3])];
  };
  const n = /^null syscall \(getppid\) ([\d.]+) ns$/m.exec(stdout);
  assert.ok(n, stdout);
  return { cg: row('clock_gettime'), gt: row('gettimeofday'), nullNs: Number(n![1]) };
}

const timecost = (timeCsr: 'hardware' | 'firmware') => {
  const r = runFixture('timecost', { args: ['400'], timeCsr });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  return { ...parse(r.stdout), r };
};

test('hardware-time board: the vDSO is 4-10x cheaper than the system call, measured inside the guest', () => {
  const f = timecost('hardware');
  for (const [name, [vdso, sys, ratio]] of [['clock_gettime', f.cg], ['gettimeofday', f.gt]] as const) {
    assert.ok(ratio >= 4 && ratio <= 10, `${name}: vdso ${vdso} ns, syscall ${sys} ns, ratio ${ratio}`);
    assert.ok(Math.abs(ratio - sys / vdso) < 0.01);
  }
  // calibrated on the C910's null system call, 636.90-666.58 ns (docs/time.md [3])
  assert.ok(f.nullNs >= 636 && f.nullNs <= 667, `null syscall ${f.nullNs} ns`);
  assert.equal(f.r.proc.board.rdtimeEmulations, 0);
});

test('firmware-time board: every rdtime traps to M-mode, and the vDSO\'s gain collapses to 1.0-1.6x', () => {
  const f = timecost('firmware');
  for (const [name, [vdso, sys, ratio]] of [['clock_gettime', f.cg], ['gettimeofday', f.gt]] as const) {
    assert.ok(ratio >= 1.0 && ratio <= 1.6, `${name}: vdso ${vdso} ns, syscall ${sys} ns, ratio ${ratio}`);
    assert.ok(vdso > 1000, `${name}: a vDSO call pays the ~1 us emulated rdtime (${vdso} ns)`);
  }
  // calibrated on the U74's null system call, 176.76-189.87 ns (docs/time.md [3])
  assert.ok(f.nullNs >= 176 && f.nullNs <= 190, `null syscall ${f.nullNs} ns`);
  assert.ok(f.r.proc.board.rdtimeEmulations >= 2 * 400, `${f.r.proc.board.rdtimeEmulations} emulated reads`);
});

test('rdtime on a firmware-time board is an architectural trap: illegal instruction into M-mode, emulated, mret', () => {
  const p = launch({ program: fixture('vdso'), disableRandomization: true, seed: 1, timeEpoch: FIXED_EPOCH, timeCsr: 'firmware', onStdout: () => {} });
  const h = p.hart;
  assert.equal(h.csr(CSR_MCOUNTEREN) & MCOUNTEREN_TM, 0n, 'mcounteren.TM clear');
  assert.equal(h.csr(CSR_MEDELEG) & (1n << BigInt(CAUSE_ILLEGAL)), 0n, 'illegal instructions reach the firmware');
  h.setTrapStops(1n << BigInt(CAUSE_ILLEGAL), 0n);
  const r = p.run(10_000_000);
  assert.equal(r.kind, 'hart');
  if (r.kind !== 'hart') return;
  assert.equal(r.exit.kind, 'trap');
  assert.equal(r.exit.trap!.code, CAUSE_ILLEGAL);
  assert.equal(r.exit.trap!.fromPriv, PRV_U);
  assert.equal(r.exit.trap!.toPriv, PRV_M);
  assert.ok(isRdtime(r.exit.trap!.tval), `mtval 0x${r.exit.trap!.tval.toString(16)} is an rdtime`);
  assert.equal(h.priv, PRV_M);
  const inVdso = h.csr(CSR_MEPC);
  assert.ok(inVdso >= p.vdsoBase && inVdso < p.vdsoBase + 0x2000n, 'mepc is in the vDSO');
  const clock0 = h.clock;
  // resuming, the firmware finishes: the value lands in rd, mepc + 4, mret to U-mode; ~1 us charged
  h.setTrapStops(0n, 0n);
  const end = p.run(1_000_000_000);
  assert.deepEqual(end, { kind: 'exited', code: 0 });
  assert.ok(p.board.rdtimeEmulations >= 1);
  assert.ok(h.clock - clock0 > BigInt(BOARD_PROFILES.firmware.coreHz / 1e6), 'more than a microsecond of cycles went by');
});

test('other illegal instructions on a firmware-time board are redirected to the kernel: SIGILL as before', () => {
  for (const timeCsr of ['hardware', 'firmware'] as const) {
    const p = launch({ program: fixture('hello'), disableRandomization: true, seed: 1, timeEpoch: FIXED_EPOCH, timeCsr, onStdout: () => {} });
    assert.equal(p.mm.fault(p.entryPoint, 'fetch'), 'ok');
    const pa = p.hart.translate(p.entryPoint, 'fetch');
    assert.ok(pa !== undefined);
    p.hart.writePhys(pa!, new Uint8Array([0, 0, 0, 0])); // the all-zero word is illegal
    const r = p.run(1_000_000);
    assert.deepEqual(r, { kind: 'killed', signal: 4, name: 'SIGILL' }, timeCsr);
    assert.equal(p.board.redirects, timeCsr === 'firmware' ? 1 : 0);
  }
});

test('monotonic and agreeing clocks under both profiles (clocks.c: vDSO vs syscall, ordered reads)', () => {
  const out = (timeCsr: 'hardware' | 'firmware') => runFixture('clocks', { timeCsr }).stdout;
  const hw = out('hardware');
  assert.match(hw, /CLOCK_MONOTONIC +gettime 0\/0 ordered=yes/);
  assert.match(hw, /gettimeofday vdso vs syscall: agree/);
  assert.equal(out('firmware'), hw);
});

test('exactly reproducible with a fixed epoch under both profiles; different boards, different times', () => {
  for (const timeCsr of ['hardware', 'firmware'] as const) {
    const a = runFixture('timecost', { args: ['50'], timeCsr });
    const b = runFixture('timecost', { args: ['50'], timeCsr });
    assert.equal(a.stdout, b.stdout, timeCsr);
    assert.equal(a.proc.hart.clock, b.proc.hart.clock);
  }
  assert.notEqual(runFixture('timecost', { args: ['50'], timeCsr: 'hardware' }).stdout, runFixture('timecost', { args: ['50'], timeCsr: 'firmware' }).stdout);
});

test('a bad timeCsr is a clear launch error', () => {
  assert.throws(() => launch({ program: fixture('hello'), timeCsr: 'fast' as 'hardware' }),
    (e: Error) => e instanceof LaunchError && e.message === 'timeCsr must be "hardware" or "firmware" (got "fast")');
});
