// The vDSO on the hart against a hand-filled [vvar]: each exported function is called directly (pc = its
// address, ra = a breakpoint), including the seqlock retry while seq is odd and the ecall fallback when
// clock_mode is VDSO_CLOCKMODE_NONE. The timer is stopped so the kernel does not rewrite the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, type LinuxProcess } from '../../src/kernel/process';
import { fixture, FIXED_EPOCH } from './helpers';
import * as D from '../../src/kernel/vdso/datapage';
import { CSR_STIMECMP } from '../../src/isa/encoding.generated';
import { VDSO_OFFSETS, VDSO_IMAGE_SIZE } from '../../src/guest/vdso/vdsoSymbols.generated';

interface Ctx { p: LinuxProcess; page: bigint; scratch: bigint; ret: bigint; strace: string[]; }

function setup(timeCsr: 'hardware' | 'firmware' = 'hardware'): Ctx {
  const strace: string[] = [];
  const p = launch({ program: fixture('hello'), disableRandomization: true, seed: 3, timeEpoch: FIXED_EPOCH, timeCsr, strace: true, onStrace: (l) => strace.push(l), onStdout: () => {} });
  const h = p.hart;
  h.setCsr(CSR_STIMECMP, (1n << 64n) - 1n); // stimecmp: no ticks, so nobody rewrites the hand-filled page
  const page = h.translate(p.vvarBase, 'load')!;
  assert.ok(page !== undefined, '[vvar] is readable from U-mode');
  h.fillPhys(page, 4096, 0);
  const ret = p.entryPoint; // mapped, executable: a breakpoint there catches the return
  h.addBreakpoint(ret);
  return { p, page, scratch: p.initialSp - 0x400n, ret, strace };
}

function fill(c: Ctx, f: { seq?: number; mode?: number; mult?: number; shift?: number; cycleLast?: bigint; base?: Record<number, [bigint, bigint]>; tz?: [number, number] }): void {
  const b = Buffer.alloc(D.VDSO_DATA_ARRAY_SIZE);
  for (const e of [D.CS_HRES_COARSE, D.CS_RAW]) {
    const o = e * D.VDSO_DATA_SIZE;
    b.writeUInt32LE(f.seq ?? 2, o + D.VDSO_DATA_SEQ);
    b.writeInt32LE(f.mode ?? D.VDSO_CLOCKMODE_ARCHTIMER, o + D.VDSO_DATA_CLOCK_MODE);
    b.writeBigUInt64LE(f.cycleLast ?? 0n, o + D.VDSO_DATA_CYCLE_LAST);
    b.writeBigUInt64LE((1n << 64n) - 1n, o + D.VDSO_DATA_MASK);
    b.writeUInt32LE(f.mult ?? 0, o + D.VDSO_DATA_MULT);
    b.writeUInt32LE(f.shift ?? 24, o + D.VDSO_DATA_SHIFT);
  }
  for (const [clock, [sec, nsec]] of Object.entries(f.base ?? {})) {
    const o = D.basetimeOffset(D.clockEntry(Number(clock)), Number(clock));
    b.writeBigUInt64LE(sec, o); b.writeBigUInt64LE(nsec, o + 8);
  }
  b.writeInt32LE(f.tz?.[0] ?? 0, D.VDSO_DATA_TZ_MINUTESWEST);
  b.writeInt32LE(f.tz?.[1] ?? 0, D.VDSO_DATA_TZ_DSTTIME);
  b.writeUInt32LE(D.HIGH_RES_NSEC, D.VDSO_DATA_HRTIMER_RES);
  c.p.hart.writePhys(c.page, b, false);
}

function start(c: Ctx, fn: string, args: bigint[]): void {
  const h = c.p.hart;
  h.pc = c.p.vdsoBase + BigInt(VDSO_OFFSETS[fn]);
  h.setX(1, c.ret);
  h.setX(2, c.p.initialSp - 0x1000n);
  args.forEach((a, i) => h.setX(10 + i, a));
}

function call(c: Ctx, fn: string, args: bigint[]): bigint {
  start(c, fn, args);
  const r = c.p.run(100_000);
  assert.equal(r.kind, 'hart', `${fn} returned: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
  if (r.kind === 'hart') { assert.equal(r.exit.kind, 'breakpoint'); assert.equal(r.exit.pc, c.ret); }
  return BigInt.asIntN(64, c.p.hart.x(10));
}

const ts = (c: Ctx, va: bigint): [bigint, bigint] => {
  const b = Buffer.from(c.p.hart.readVirt(va, 16)!);
  return [b.readBigInt64LE(0), b.readBigInt64LE(8)];
};

const SH = 24n;

test('__vdso_clock_gettime: base times from [vvar], shifted nsec, carry into seconds, coarse and raw clocks', () => {
  const c = setup();
  fill(c, { base: {
    [D.CLOCK_REALTIME]: [1000n, 1_500_000_000n << SH], // more than a second of shifted ns: carries
    [D.CLOCK_MONOTONIC]: [5n, 123n << SH],
    [D.CLOCK_REALTIME_COARSE]: [77n, 4_000_000n], // coarse: plain ns, returned as stored
    [D.CLOCK_MONOTONIC_RAW]: [9n, 42n << SH],
  } });
  assert.equal(call(c, '__vdso_clock_gettime', [BigInt(D.CLOCK_REALTIME), c.scratch]), 0n);
  assert.deepEqual(ts(c, c.scratch), [1001n, 500_000_000n]);
  assert.equal(call(c, '__vdso_clock_gettime', [BigInt(D.CLOCK_MONOTONIC), c.scratch]), 0n);
  assert.deepEqual(ts(c, c.scratch), [5n, 123n]);
  assert.equal(call(c, '__vdso_clock_gettime', [BigInt(D.CLOCK_REALTIME_COARSE), c.scratch]), 0n);
  assert.deepEqual(ts(c, c.scratch), [77n, 4_000_000n]);
  assert.equal(call(c, '__vdso_clock_gettime', [BigInt(D.CLOCK_MONOTONIC_RAW), c.scratch]), 0n);
  assert.deepEqual(ts(c, c.scratch), [9n, 42n]);
  assert.ok(!c.strace.some((l) => l.startsWith('clock_gettime(')), 'no system call');
});

test('__vdso_clock_gettime: the counter delta scales by mult >> shift', () => {
  const c = setup();
  const now = c.p.hart.time;
  fill(c, { mult: 100 << 24, cycleLast: now, base: { [D.CLOCK_MONOTONIC]: [1n, 0n] } });
  call(c, '__vdso_clock_gettime', [BigInt(D.CLOCK_MONOTONIC), c.scratch]);
  const [sec, nsec] = ts(c, c.scratch);
  const after = c.p.hart.time;
  assert.equal(sec, 1n);
  assert.ok(nsec >= 0n && nsec <= (after - now) * 100n, `nsec ${nsec} within the ${after - now} ticks elapsed`);
  assert.equal(nsec % 100n, 0n, '100 ns per tick at 10 MHz');
});

for (const timeCsr of ['hardware', 'firmware'] as const) test(`seqlock (${timeCsr}-time board): the reader spins while seq is odd and finishes once the writer makes it even`, () => {
  const c = setup(timeCsr);
  fill(c, { seq: 3, base: { [D.CLOCK_MONOTONIC]: [12n, 34n << SH] } });
  start(c, '__vdso_clock_gettime', [BigInt(D.CLOCK_MONOTONIC), c.scratch]);
  const r1 = c.p.run(20_000);
  assert.equal(r1.kind, 'budget', 'still retrying');
  const pc = c.p.hart.pc;
  assert.ok(pc >= c.p.vdsoBase + 0x800n && pc < c.p.vdsoBase + BigInt(VDSO_IMAGE_SIZE), `pc 0x${pc.toString(16)} inside the vDSO's .text`);
  const seq = Buffer.alloc(4); seq.writeUInt32LE(4);
  c.p.hart.writePhys(c.page, seq, false);
  const r2 = c.p.run(100_000);
  assert.equal(r2.kind, 'hart');
  assert.equal(BigInt.asIntN(64, c.p.hart.x(10)), 0n);
  assert.deepEqual(ts(c, c.scratch), [12n, 34n]);
});

test('fallback: clock_mode NONE and unknown clocks make the real system call (ecall a7=113)', () => {
  const c = setup();
  fill(c, { mode: D.VDSO_CLOCKMODE_NONE, base: { [D.CLOCK_MONOTONIC]: [999n, 0n] } });
  assert.equal(call(c, '__vdso_clock_gettime', [BigInt(D.CLOCK_MONOTONIC), c.scratch]), 0n);
  assert.ok(c.strace.some((l) => l.startsWith('clock_gettime(CLOCK_MONOTONIC, {tv_sec=')), c.strace.join('\n'));
  assert.notEqual(ts(c, c.scratch)[0], 999n, 'the kernel answered, not the page');
  c.strace.length = 0;
  assert.equal(call(c, '__vdso_clock_gettime', [12345n, c.scratch]), -22n);
  assert.ok(c.strace.some((l) => l.startsWith('clock_gettime(12345,')));
});

test('__vdso_gettimeofday: microseconds and the timezone from [vvar]', () => {
  const c = setup();
  fill(c, { base: { [D.CLOCK_REALTIME]: [1657201564n, 553_206_999n << SH] }, tz: [-60, 1] });
  assert.equal(call(c, '__vdso_gettimeofday', [c.scratch, c.scratch + 16n]), 0n);
  assert.deepEqual(ts(c, c.scratch), [1657201564n, 553206n]);
  const tz = Buffer.from(c.p.hart.readVirt(c.scratch + 16n, 8)!);
  assert.deepEqual([tz.readInt32LE(0), tz.readInt32LE(4)], [-60, 1]);
  assert.ok(!c.strace.some((l) => l.startsWith('gettimeofday(')));
});

test('__vdso_clock_getres: hrtimer_res for high-res clocks, LOW_RES_NSEC for coarse ones', () => {
  const c = setup();
  fill(c, {});
  assert.equal(call(c, '__vdso_clock_getres', [BigInt(D.CLOCK_MONOTONIC), c.scratch]), 0n);
  assert.deepEqual(ts(c, c.scratch), [0n, 1n]);
  assert.equal(call(c, '__vdso_clock_getres', [BigInt(D.CLOCK_MONOTONIC_COARSE), c.scratch]), 0n);
  assert.deepEqual(ts(c, c.scratch), [0n, BigInt(D.LOW_RES_NSEC)]);
});

test('__vdso_getcpu and __vdso_flush_icache ecall into the kernel', () => {
  const c = setup();
  fill(c, {});
  const b = Buffer.alloc(8, 0xff);
  c.p.hart.writeVirt(c.scratch, b);
  assert.equal(call(c, '__vdso_getcpu', [c.scratch, c.scratch + 4n, 0n]), 0n);
  assert.deepEqual([...c.p.hart.readVirt(c.scratch, 8)!], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(call(c, '__vdso_flush_icache', [c.scratch, c.scratch + 8n, 0n]), 0n);
  assert.ok(c.strace.some((l) => l.startsWith('getcpu(')));
  assert.ok(c.strace.some((l) => l.startsWith('riscv_flush_icache(')));
});

test('the kernel is the only writer: a tick rewrites [vvar] with an even seq and the live clocks', () => {
  const c = setup();
  c.p.hart.setCsr(CSR_STIMECMP, c.p.hart.time); // a tick is due now
  c.p.hart.pc = c.p.entryPoint;
  c.p.hart.removeBreakpoint(c.ret);
  c.p.run(50_000);
  const page = D.decodeDataPage(c.p.hart.readPhys(c.page, D.VDSO_DATA_ARRAY_SIZE));
  assert.equal(page.get('vd[0].seq')! % 2n, 0n);
  assert.ok(page.get('vd[0].seq')! > 0n);
  assert.equal(page.get('vd[0].clock_mode'), BigInt(D.VDSO_CLOCKMODE_ARCHTIMER));
  assert.equal(page.get('vd[0].mult'), 100n << 24n);
  assert.equal(page.get('vd[0].shift'), 24n);
  assert.equal(page.get('vd[0].basetime[CLOCK_REALTIME].sec'), BigInt(FIXED_EPOCH));
  assert.ok(c.p.ticks >= 1);
});
