// Each vDSO function runs on our hart (bare-metal harness: the committed vdso.so at a base address, a
// hand-filled [vvar] data page two pages below it), including the seqlock retry while seq is odd and the ecall
// fallback when the clock mode says the counter is unusable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hart, RAM_BASE } from '../../src/hart/hart';
import { readGuestImage } from '../../src/guest/images';
import { VDSO_OFFSETS } from '../../src/guest/vdso/vdsoSymbols.generated';
import * as D from '../../src/kernel/vdso/datapage';

const RAM = RAM_BASE;
const BASE = RAM + 0x100000n;          // vDSO text (AT_SYSINFO_EHDR)
const VVAR = D.vvarDataPage(BASE);     // data page
const RET = RAM + 0x10n;               // return address: a breakpoint marks the end of the call
const STACK = RAM + 0x80000n;
const OUT = RAM + 0x90000n;            // result buffers
const SHIFT = 24;
const MULT = 100 << SHIFT;             // 10 MHz timebase: 100 ns per tick, in shifted nanoseconds

function machine(): Hart {
  const h = new Hart({ ramBytes: 8 * 1024 * 1024 });
  h.writePhys(BASE, readGuestImage('vdso.so'));
  h.addBreakpoint(RET);
  return h;
}

function put32(h: Hart, a: bigint, v: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  h.writePhys(a, b, false);
}

/** Fill the data page: realtime base 1,700,000,000 s + 0.5 s at cycle_last = 1000. */
function fillVvar(h: Hart, opts: { seq?: number; clockMode?: number } = {}): void {
  for (const entry of [D.CS_HRES_COARSE, D.CS_RAW]) {
    const vd = VVAR + BigInt(entry * D.VDSO_DATA_SIZE);
    put32(h, vd + BigInt(D.VDSO_DATA_SEQ), opts.seq ?? 2);
    put32(h, vd + BigInt(D.VDSO_DATA_CLOCK_MODE), opts.clockMode ?? D.VDSO_CLOCKMODE_ARCHTIMER);
    h.writePhys64(vd + BigInt(D.VDSO_DATA_CYCLE_LAST), 1000n);
    h.writePhys64(vd + BigInt(D.VDSO_DATA_MASK), (1n << 64n) - 1n);
    put32(h, vd + BigInt(D.VDSO_DATA_MULT), MULT);
    put32(h, vd + BigInt(D.VDSO_DATA_SHIFT), SHIFT);
    put32(h, vd + BigInt(D.VDSO_DATA_HRTIMER_RES), 1);
  }
  const hres = VVAR + BigInt(D.basetimeOffset(D.CS_HRES_COARSE, D.CLOCK_REALTIME));
  h.writePhys64(hres, 1_700_000_000n);
  h.writePhys64(hres + 8n, 500_000_000n << BigInt(SHIFT)); // high-res nsec are stored shifted
  const coarse = VVAR + BigInt(D.basetimeOffset(D.CS_HRES_COARSE, D.CLOCK_REALTIME_COARSE));
  h.writePhys64(coarse, 1_699_999_999n);
  h.writePhys64(coarse + 8n, 996_000_000n);                // coarse nsec are plain
  put32(h, VVAR + BigInt(D.VDSO_DATA_TZ_MINUTESWEST), -60 >>> 0);
  put32(h, VVAR + BigInt(D.VDSO_DATA_TZ_DSTTIME), 1);
}

function call(h: Hart, fn: string, args: bigint[]): void {
  args.forEach((a, i) => h.setX(10 + i, a));
  h.setX(1, RET);
  h.setX(2, STACK);
  h.pc = BASE + BigInt(VDSO_OFFSETS[fn]);
}

test('__vdso_clock_gettime(CLOCK_REALTIME) = base + (time - cycle_last) * mult >> shift', () => {
  const h = machine();
  fillVvar(h);
  h.time = 1000n + 12_345n; // 12,345 ticks of 100 ns after cycle_last
  call(h, '__vdso_clock_gettime', [BigInt(D.CLOCK_REALTIME), OUT]);
  const e = h.run(100_000);
  assert.equal(e.kind, 'breakpoint');
  assert.equal(e.pc, RET);
  assert.equal(h.x(10), 0n);
  const sec = h.readPhys64(OUT), nsec = h.readPhys64(OUT + 8n);
  // the vDSO reads `time` a few instructions after we set it; virtual time advances 1 tick per 10 instructions
  const ticks = (nsec - 500_000_000n) / 100n;
  assert.equal(sec, 1_700_000_000n);
  assert.ok(ticks >= 12_345n && ticks < 12_345n + 20n, `nsec ${nsec}`);
  assert.equal((nsec - 500_000_000n) % 100n, 0n);
});

test('nanoseconds carry into seconds', () => {
  const h = machine();
  fillVvar(h);
  h.time = 1000n + 6_000_000n; // 0.6 s later: 0.5 + 0.6 = 1.1 s
  call(h, '__vdso_clock_gettime', [BigInt(D.CLOCK_REALTIME), OUT]);
  assert.equal(h.run(100_000).kind, 'breakpoint');
  assert.equal(h.readPhys64(OUT), 1_700_000_001n);
  assert.ok(h.readPhys64(OUT + 8n) >= 100_000_000n && h.readPhys64(OUT + 8n) < 100_010_000n);
});

test('coarse clocks return the stored value; clock_getres gives hrtimer_res and the tick', () => {
  const h = machine();
  fillVvar(h);
  call(h, '__vdso_clock_gettime', [BigInt(D.CLOCK_REALTIME_COARSE), OUT]);
  assert.equal(h.run(100_000).kind, 'breakpoint');
  assert.deepEqual([h.readPhys64(OUT), h.readPhys64(OUT + 8n)], [1_699_999_999n, 996_000_000n]);
  call(h, '__vdso_clock_getres', [BigInt(D.CLOCK_MONOTONIC), OUT]);
  assert.equal(h.run(100_000).kind, 'breakpoint');
  assert.deepEqual([h.readPhys64(OUT), h.readPhys64(OUT + 8n)], [0n, 1n]);
  call(h, '__vdso_clock_getres', [BigInt(D.CLOCK_MONOTONIC_COARSE), OUT]);
  assert.equal(h.run(100_000).kind, 'breakpoint');
  assert.deepEqual([h.readPhys64(OUT), h.readPhys64(OUT + 8n)], [0n, BigInt(D.LOW_RES_NSEC)]);
});

test('__vdso_gettimeofday fills timeval (microseconds) and the timezone', () => {
  const h = machine();
  fillVvar(h);
  h.time = 1000n;
  call(h, '__vdso_gettimeofday', [OUT, OUT + 0x100n]);
  assert.equal(h.run(100_000).kind, 'breakpoint');
  assert.equal(h.x(10), 0n);
  assert.equal(h.readPhys64(OUT), 1_700_000_000n);
  const usec = h.readPhys64(OUT + 8n);
  assert.ok(usec >= 500_000n && usec < 500_010n, `usec ${usec}`);
  const tz = h.readPhys(OUT + 0x100n, 8);
  const dv = new DataView(tz.buffer);
  assert.equal(dv.getInt32(0, true), -60);
  assert.equal(dv.getInt32(4, true), 1);
});

test('the reader retries while seq is odd and returns the data of the finished write', () => {
  const h = machine();
  fillVvar(h, { seq: 3 }); // a write is in progress
  h.time = 1000n;
  call(h, '__vdso_clock_gettime', [BigInt(D.CLOCK_REALTIME), OUT]);
  const spinning = h.run(20_000);
  assert.equal(spinning.kind, 'budget', 'still spinning on the odd sequence count');
  // the writer finishes: new base time, seq even again
  const hres = VVAR + BigInt(D.basetimeOffset(D.CS_HRES_COARSE, D.CLOCK_REALTIME));
  h.writePhys64(hres, 1_800_000_000n);
  h.writePhys64(VVAR + BigInt(D.VDSO_DATA_CYCLE_LAST), h.time);
  put32(h, VVAR + BigInt(D.VDSO_DATA_SEQ), 4);
  assert.equal(h.run(100_000).kind, 'breakpoint');
  assert.equal(h.readPhys64(OUT), 1_800_000_000n);
});

test('clock_mode NONE and clocks the vDSO cannot serve fall back to the real system call', () => {
  for (const [clockMode, clock] of [[D.VDSO_CLOCKMODE_NONE, D.CLOCK_REALTIME], [D.VDSO_CLOCKMODE_ARCHTIMER, D.CLOCK_PROCESS_CPUTIME_ID]]) {
    const h = machine();
    fillVvar(h, { clockMode });
    h.setTrapStops(1n << 11n, 0n); // ecall from M-mode
    call(h, '__vdso_clock_gettime', [BigInt(clock), OUT]);
    const e = h.run(100_000);
    assert.equal(e.kind, 'trap', `clock ${clock} mode ${clockMode}`);
    assert.equal(e.trap?.code, 11);
    assert.equal(h.x(17), BigInt(D.NR_CLOCK_GETTIME), 'a7 = __NR_clock_gettime');
    assert.equal(h.x(10), BigInt(clock));
    assert.equal(h.x(11), OUT);
  }
});

test('getcpu, flush_icache and rt_sigreturn are plain system calls', () => {
  for (const [fn, nr] of [['__vdso_getcpu', D.NR_GETCPU], ['__vdso_flush_icache', D.NR_RISCV_FLUSH_ICACHE], ['__vdso_rt_sigreturn', D.NR_RT_SIGRETURN]] as const) {
    const h = machine();
    h.setTrapStops(1n << 11n, 0n);
    call(h, fn, [0n, 0n, 0n]);
    const e = h.run(1000);
    assert.equal(e.kind, 'trap', fn);
    assert.equal(h.x(17), BigInt(nr), fn);
  }
});
