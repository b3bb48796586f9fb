// models kernel/time/posix-timers.c (clock_gettime, clock_getres, clock_nanosleep), kernel/time/time.c
// (gettimeofday, settimeofday) and kernel/time/hrtimer.c (nanosleep). Virtual time: sleeping advances the
// hart's clock; host time: the host sleeps.
import type { LinuxProcess } from '../process';
import { KernelError, EINVAL, EFAULT, EPERM } from '../errno';
import * as D from '../vdso/datapage';

function writeTs(p: LinuxProcess, va: bigint, sec: bigint, nsec: bigint): void {
  const b = Buffer.alloc(16);
  b.writeBigInt64LE(sec, 0); b.writeBigInt64LE(nsec, 8);
  if (!p.mm.write(va, b)) throw new KernelError(EFAULT);
}
function readTs(p: LinuxProcess, va: bigint): { sec: bigint; nsec: bigint } {
  const b = p.mm.read(va, 16);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer);
  const ts = { sec: dv.getBigInt64(0, true), nsec: dv.getBigInt64(8, true) };
  if (ts.sec < 0n || ts.nsec < 0n || ts.nsec >= 1_000_000_000n) throw new KernelError(EINVAL);
  return ts;
}

/** The kernel's view of a clock now; CPU-time clocks count the modelled core cycles at the board's clock. */
export function clockNow(p: LinuxProcess, clock: number): { sec: bigint; nsec: bigint } {
  if (clock === D.CLOCK_PROCESS_CPUTIME_ID || clock === D.CLOCK_THREAD_CPUTIME_ID) {
    const ns = (p.hart.clock * 1_000_000_000n) / BigInt(p.board.profile.coreHz);
    return { sec: ns / 1_000_000_000n, nsec: ns % 1_000_000_000n };
  }
  const t = p.tk.read(clock, p.hart.time);
  if (!t) throw new KernelError(EINVAL);
  return t;
}

export function sysClockGettime(p: LinuxProcess, a: bigint[]): bigint {
  const t = clockNow(p, Number(BigInt.asIntN(32, a[0])));
  writeTs(p, a[1], t.sec, t.nsec);
  return 0n;
}
export function sysClockGetres(p: LinuxProcess, a: bigint[]): bigint {
  const r = p.tk.resolution(Number(BigInt.asIntN(32, a[0])));
  if (r === undefined) throw new KernelError(EINVAL);
  if (a[1] !== 0n) writeTs(p, a[1], 0n, BigInt(r));
  return 0n;
}
export function sysGettimeofday(p: LinuxProcess, a: bigint[]): bigint {
  if (a[0] !== 0n) {
    const t = p.tk.read(D.CLOCK_REALTIME, p.hart.time)!;
    writeTs(p, a[0], t.sec, t.nsec / 1000n);
  }
  if (a[1] !== 0n) {
    const b = Buffer.alloc(8);
    b.writeInt32LE(p.tk.tzMinuteswest, 0); b.writeInt32LE(p.tk.tzDsttime, 4);
    if (!p.mm.write(a[1], b)) throw new KernelError(EFAULT);
  }
  return 0n;
}
export function sysSettimeofday(p: LinuxProcess, a: bigint[]): bigint {
  if (!p.options.allowSetTime) throw new KernelError(EPERM);
  if (a[1] !== 0n) {
    const b = p.mm.read(a[1], 8);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer);
    p.tk.tzMinuteswest = dv.getInt32(0, true);
    p.tk.tzDsttime = dv.getInt32(4, true);
    p.publishTz();
  }
  if (a[0] !== 0n) {
    const b = p.mm.read(a[0], 16);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer);
    const usec = dv.getBigInt64(8, true);
    if (usec < 0n || usec >= 1_000_000n) throw new KernelError(EINVAL);
    p.tk.setRealtime({ sec: dv.getBigInt64(0, true), nsec: usec * 1000n }, p.hart.time);
    p.publishTime();
  }
  return 0n;
}

/** Sleep until guest time `deadline`: other tasks run meanwhile; a handled signal ends it with EINTR. */
function sleepUntil(p: LinuxProcess, deadline: bigint): bigint {
  return p.block({ what: 'nanosleep', restartable: false, check: () => undefined, deadline, timeout: () => 0n });
}

export function sysNanosleep(p: LinuxProcess, a: bigint[]): bigint {
  const ts = readTs(p, a[0]);
  return sleepUntil(p, p.deadlineAfter(ts.sec * 1_000_000_000n + ts.nsec));
}
export function sysClockNanosleep(p: LinuxProcess, a: bigint[]): bigint {
  const clock = Number(BigInt.asIntN(32, a[0]));
  const ts = readTs(p, a[2]);
  let ns = ts.sec * 1_000_000_000n + ts.nsec;
  if (Number(a[1]) & 1) {
    const now = clockNow(p, clock);
    ns -= now.sec * 1_000_000_000n + now.nsec;
  } else clockNow(p, clock);
  if (ns <= 0n) return 0n;
  return sleepUntil(p, p.deadlineAfter(ns));
}
