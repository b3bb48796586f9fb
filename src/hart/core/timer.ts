// The timebase (`time` CSR, CLINT mtime), the timer comparators (CLINT mtimecmp, Sstc stimecmp) and the
// computation of pending interrupts. AssemblyScript.
//
// Virtual time: time = MISC_TIME_BASE + clock / MISC_TIME_DIV (clock = the modelled core cycles, see
// src/hart/cycles.ts), so a run is reproducible and the cycle at which a comparator fires is known in advance
// (the run loop approaches it in steps; nothing is checked per instruction). Host time: the host supplies
// the value (e.g. from its monotonic clock), and the run loop re-checks comparators at the end of every slice
// the host gives it.
import { clock, cycles, stopAt, csrGet, csrSet, misc, setMisc, MISC_TIME_MODE, MISC_TIME_DIV, MISC_TIME_BASE, MISC_MTIMECMP } from './state';

@external('env', 'hostTime')
declare function hostTime(): f64;

import { CSR_MIP as MIP, CSR_MIE as MIE, CSR_MENVCFG as MENVCFG, CSR_STIMECMP as STIMECMP, MIP_STIP, MIP_MTIP, MENVCFG_STCE } from './encoding.generated';

export function readTime(): u64 {
  if (misc(MISC_TIME_MODE) != 0) return <u64>hostTime();
  const div = misc(MISC_TIME_DIV);
  return misc(MISC_TIME_BASE) + (div > 1 ? clock / div : clock);
}

/** Set the current `time` value (CLINT mtime write, or the host's clock adjustment). */
export function writeTime(v: u64): void {
  if (misc(MISC_TIME_MODE) != 0) return;
  const div = misc(MISC_TIME_DIV);
  setMisc(MISC_TIME_BASE, v - (div > 1 ? clock / div : clock));
}

@inline function sstcEnabled(): bool { return (csrGet(MENVCFG) & MENVCFG_STCE) != 0; }

/** Refresh the timer bits of mip from the comparators. Returns the time it compared. */
export function updateTimerBits(): u64 {
  const t = readTime();
  let mip = csrGet(MIP);
  if (t >= misc(MISC_MTIMECMP)) mip |= MIP_MTIP; else mip &= ~MIP_MTIP;
  if (sstcEnabled()) {
    if (t >= csrGet(STIMECMP)) mip |= MIP_STIP; else mip &= ~MIP_STIP;
  }
  csrSet(MIP, mip);
  return t;
}

/**
 * The clock value (core cycles) at which the next comparator fires in virtual time (u64 max when none will),
 * so the run loop can stop there.
 */
export function nextTimerDeadline(): u64 {
  if (misc(MISC_TIME_MODE) != 0) return <u64>-1;
  return deadlineAt(readTime());
}

/** nextTimerDeadline at time `t` (virtual time). */
function deadlineAt(t: u64): u64 {
  let cmp = misc(MISC_MTIMECMP);
  if (sstcEnabled()) {
    const s = csrGet(STIMECMP);
    if (s < cmp) cmp = s;
  }
  if (cmp <= t) return <u64>-1; // already pending: the level is in mip, nothing new will fire
  const base = misc(MISC_TIME_BASE);
  const div = misc(MISC_TIME_DIV) > 1 ? misc(MISC_TIME_DIV) : 1;
  const delta = cmp - base;
  // (two 32-bit factors cannot overflow: no division on the way of every trap)
  if ((delta | div) >> 32 != 0 && delta > (<u64>-1) / div) return <u64>-1;
  return delta * div;
}

/** Called whenever something that affects pending/enabled interrupts changed: the loop re-checks. */
export function interruptsChanged(): void {
  stopAt = 0;
}

/**
 * After a trap or an xRET: the run loop must re-check interrupts only if one is pending in mip and enabled in
 * mie (a trap never enables more; an xRET may), and its stop must still come before the next timer deadline,
 * which the trap's or xRET's extra cycles brought closer. Recomputing that stop here, as the run loop would
 * (half the distance to the deadline), lets a system call's trap entry and exit run on without leaving the
 * loop, with interrupts taken at the same instructions as when every trap left it.
 */
export function trapRetarget(): void {
  const t = updateTimerBits();
  if ((csrGet(MIP) & csrGet(MIE)) != 0) { stopAt = 0; return; }
  // (the time just read: reading it again gives the same in virtual time)
  const dl = misc(MISC_TIME_MODE) != 0 ? <u64>-1 : deadlineAt(t);
  if (dl == <u64>-1) return;
  if (dl <= clock) { stopAt = 0; return; }
  const left = dl - clock;
  const at = cycles + (left > 1 ? left >> 1 : 1);
  if (at < stopAt) stopAt = at;
}
