// models kernel/time/timekeeping.c (struct timekeeper, timekeeping_advance, ktime_get_*), with the riscv
// clocksource of drivers/clocksource/timer-riscv.c: the `time` CSR, 64-bit mask, mult/shift from the
// timebase frequency (10 MHz by default). The same arithmetic as the vDSO's reader (lib/vdso/gettimeofday.c),
// so clock_gettime through the syscall and through the vDSO agree to the nanosecond.
import * as D from '../vdso/datapage';

const NSEC = 1_000_000_000n;
const MASK64 = (1n << 64n) - 1n;

export interface Timespec { sec: bigint; nsec: bigint; }

export class Timekeeper {
  readonly mult: bigint;
  readonly shift: bigint;
  readonly mask = MASK64;
  /** Clocksource value at the last update (tk->tkr_mono.cycle_last). */
  cycleLast = 0n;
  /** CLOCK_MONOTONIC at cycleLast, in nanoseconds << shift. */
  monoShifted = 0n;
  /** CLOCK_MONOTONIC_RAW at cycleLast, in nanoseconds << shift. */
  rawShifted = 0n;
  /** CLOCK_REALTIME - CLOCK_MONOTONIC (tk->offs_real), nanoseconds. */
  offsReal = 0n;
  /** CLOCK_BOOTTIME - CLOCK_MONOTONIC (suspend time: always 0 here). */
  offsBoot = 0n;
  /** CLOCK_TAI - CLOCK_REALTIME (tai_offset, 0 by default). */
  taiOffset = 0n;
  tzMinuteswest = 0;
  tzDsttime = 0;
  jiffies = 0n;
  readonly tickNsec: number;
  /** Timebase ticks per jiffy. */
  readonly cyclesPerTick: bigint;

  constructor(readonly timebaseHz: number, readonly hz: number, realtimeAtBootNs: bigint, now: bigint) {
    // clocks_calc_mult_shift: the largest shift that keeps mult in 32 bits
    let shift = 32n, mult = 0n;
    for (; shift > 0n; shift--) {
      mult = ((NSEC << shift) + BigInt(timebaseHz) / 2n) / BigInt(timebaseHz);
      if (mult < 1n << 32n && mult * BigInt(timebaseHz) * 4n < (1n << 64n)) break;
    }
    // prefer an exact mult when the period is a whole number of nanoseconds (10 MHz: 100 ns)
    if (NSEC % BigInt(timebaseHz) === 0n) {
      const per = NSEC / BigInt(timebaseHz);
      for (shift = 24n; shift > 0n && (per << shift) >= 1n << 32n; shift--);
      mult = per << shift;
    }
    this.mult = mult;
    this.shift = shift;
    this.tickNsec = Math.floor((D.NSEC_PER_SEC + hz / 2) / hz);
    this.cyclesPerTick = BigInt(Math.max(1, Math.round(timebaseHz / hz)));
    this.cycleLast = now;
    this.monoShifted = 0n;
    this.rawShifted = 0n;
    this.offsReal = realtimeAtBootNs;
  }

  /** timekeeping_advance: fold the cycles since the last update into the base times. */
  advance(now: bigint): void {
    const delta = (now - this.cycleLast) & this.mask;
    this.monoShifted += delta * this.mult;
    this.rawShifted += delta * this.mult;
    this.cycleLast = now;
  }

  /** Nanoseconds << shift elapsed since cycleLast (the vDSO's vdso_calc_delta). */
  private deltaShifted(now: bigint): bigint { return ((now - this.cycleLast) & this.mask) * this.mult; }

  private split(nsShifted: bigint): Timespec {
    const ns = nsShifted >> this.shift;
    return { sec: ns / NSEC, nsec: ns % NSEC };
  }

  /** Base time of a clock at cycleLast as the vDSO stores it: high-res clocks in shifted ns. */
  basetime(clock: number): Timespec | undefined {
    const sh = this.shift;
    const shifted = (ns: bigint, add: bigint): Timespec => {
      const total = ns + (add << sh);
      const unit = NSEC << sh;
      return { sec: total / unit, nsec: total % unit };
    };
    const coarse = (ts: Timespec): Timespec => ({ sec: ts.sec, nsec: ts.nsec >> sh });
    switch (clock) {
      case D.CLOCK_REALTIME: return shifted(this.monoShifted, this.offsReal);
      case D.CLOCK_MONOTONIC: return shifted(this.monoShifted, 0n);
      case D.CLOCK_BOOTTIME: return shifted(this.monoShifted, this.offsBoot);
      case D.CLOCK_TAI: return shifted(this.monoShifted, this.offsReal + this.taiOffset);
      case D.CLOCK_MONOTONIC_RAW: return shifted(this.rawShifted, 0n);
      case D.CLOCK_REALTIME_COARSE: return coarse(shifted(this.monoShifted, this.offsReal));
      case D.CLOCK_MONOTONIC_COARSE: return coarse(shifted(this.monoShifted, 0n));
    }
    return undefined;
  }

  /** clock_gettime for the clocks the timekeeper owns (undefined for CPU-time and unknown clocks). */
  read(clock: number, now: bigint): Timespec | undefined {
    const b = this.basetime(clock);
    if (!b) return undefined;
    if (clock === D.CLOCK_REALTIME_COARSE || clock === D.CLOCK_MONOTONIC_COARSE) return b;
    const ns = (b.nsec + this.deltaShifted(now)) >> this.shift;
    return { sec: b.sec + ns / NSEC, nsec: ns % NSEC };
  }

  /** do_settimeofday64: set CLOCK_REALTIME (offs_real moves, monotonic does not). */
  setRealtime(ts: Timespec, now: bigint): void {
    this.advance(now);
    const mono = this.monoShifted >> this.shift;
    this.offsReal = ts.sec * NSEC + ts.nsec - mono;
  }

  /** Resolution as clock_getres reports it. */
  resolution(clock: number): number | undefined {
    if (clock === D.CLOCK_REALTIME_COARSE || clock === D.CLOCK_MONOTONIC_COARSE) return this.tickNsec;
    if ([D.CLOCK_REALTIME, D.CLOCK_MONOTONIC, D.CLOCK_BOOTTIME, D.CLOCK_TAI, D.CLOCK_MONOTONIC_RAW,
      D.CLOCK_PROCESS_CPUTIME_ID, D.CLOCK_THREAD_CPUTIME_ID].includes(clock)) return D.HIGH_RES_NSEC;
    return undefined;
  }

  /** Monotonic nanoseconds now (for timers). */
  monoNs(now: bigint): bigint { return (this.monoShifted + this.deltaShifted(now)) >> this.shift; }
}
