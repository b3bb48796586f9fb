// A fuzz campaign: run cases, classify each outcome, keep counts and the host RSS ceiling.
//   ok      the input was accepted and handled
//   clean   the input was refused with an error written for the user (ElfError, LaunchError, a DAP error
//           response without exception text, a Linux errno to the guest)
//   crash   a host exception (TypeError, RangeError, ...), exception text in a DAP answer, a dead adapter
//   hang    a case that took longer than the campaign's hang bound (or a DAP request with no answer)
import assert from 'node:assert/strict';
import { userMessage } from '../../../src/debug/errors';

export type Outcome = 'ok' | 'clean' | 'crash' | 'hang';

export interface Counts { cases: number; ok: number; clean: number; crashes: number; hangs: number; rssMiB: number; seconds: number; }

export class Campaign {
  readonly counts: Counts = { cases: 0, ok: 0, clean: 0, crashes: 0, hangs: 0, rssMiB: 0, seconds: 0 };
  /** The first few crashes and hangs, to print. */
  readonly findings: string[] = [];
  private readonly t0 = Date.now();
  constructor(readonly name: string, readonly hangMs = 10_000) {}

  record(outcome: Outcome, detail?: string, ms = 0): void {
    let o = outcome;
    if (o !== 'hang' && ms > this.hangMs) o = 'hang';
    this.counts.cases++;
    if (o === 'ok') this.counts.ok++;
    else if (o === 'clean') this.counts.clean++;
    else if (o === 'crash') this.counts.crashes++;
    else this.counts.hangs++;
    if ((o === 'crash' || o === 'hang') && this.findings.length < 10) this.findings.push(`${o}: ${detail ?? ''}${o === 'hang' ? ` (${ms} ms)` : ''}`);
    if ((this.counts.cases & 63) === 0) this.sampleRss();
  }

  /** Run one synchronous case: its result is ok, a thrown user error is clean, anything else a crash. */
  run(label: string, fn: () => void): Outcome {
    const t = Date.now();
    let o: Outcome = 'ok', detail = '';
    try { fn(); } catch (e) {
      if (userMessage(e) !== undefined) o = 'clean';
      else { o = 'crash'; detail = `${label}: ${e instanceof Error ? e.stack?.split('\n').slice(0, 4).join(' | ') : String(e)}`; }
    }
    const ms = Date.now() - t;
    this.record(o, detail || label, ms);
    return ms > this.hangMs ? 'hang' : o;
  }

  sampleRss(extra = 0): void {
    const mib = Math.round(Math.max(process.memoryUsage().rss, extra) / 1048576);
    if (mib > this.counts.rssMiB) this.counts.rssMiB = mib;
  }

  /** The one line a CI log shows. */
  summary(): string {
    this.sampleRss();
    this.counts.seconds = Math.round((Date.now() - this.t0) / 100) / 10;
    const c = this.counts;
    return `fuzz ${this.name}: cases ${c.cases}, ok ${c.ok}, clean errors ${c.clean}, crashes ${c.crashes}, hangs ${c.hangs}, host RSS ceiling ${c.rssMiB} MiB, ${c.seconds} s`
      + (this.findings.length ? '\n  ' + this.findings.join('\n  ') : '');
  }
}

/** Counts from the environment (FUZZ_ELF=100000 ...), else the default. */
export function envCount(name: string, dflt: number): number {
  const v = Number(process.env[name]);
  return Number.isSafeInteger(v) && v > 0 ? v : dflt;
}

/** Prints a campaign's counts and fails when it crashed or hung. */
export function check(c: Campaign): void {
  console.log(c.summary());
  assert.equal(c.counts.crashes, 0, c.summary());
  assert.equal(c.counts.hangs, 0, c.summary());
}
