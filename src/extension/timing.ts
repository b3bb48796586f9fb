// Where the time from F5 to the first stop goes, on the extension's side: loading the bundle, activation,
// configuration resolution (resolveDebugConfiguration .. WithSubstitutedVariables), the adapter's start
// (createDebugAdapterDescriptor: the inline adapter loads the debugger here), then the adapter's own part from
// the launch request to the first stopped event. One line per session in the "RISC-V vDSO Lab" output channel;
// the e2e suite reads it (test/e2e/extension.e2e.ts) and the figures are in docs/extension.md.
import { performance } from 'node:perf_hooks';

/** Set when the bundle starts to evaluate (extension.ts imports this module first). */
export const BUNDLE_T0 = performance.now();

export interface SessionTiming {
  resolveStart?: number;
  resolveEnd?: number;
  adapterStart?: number;
  adapterEnd?: number;
  launch?: number;
  stopped?: number;
}

export class Timings {
  activation?: { start: number; end: number };
  /** Activation is counted in the first session after it only. */
  private activationCounted = false;
  /** The configuration being resolved: it has no session id yet, so the next session started takes it. */
  private pending: SessionTiming = {};
  private readonly sessions = new Map<string, SessionTiming>();

  now(): number { return performance.now(); }

  resolveStarted(): void { this.pending = { resolveStart: this.now() }; }
  resolveEnded(): void { this.pending.resolveEnd = this.now(); }

  adapterStarted(sessionId: string): void {
    const t = { ...this.pending, adapterStart: this.now() };
    this.pending = {};
    this.sessions.set(sessionId, t);
  }
  adapterEnded(sessionId: string): void { const t = this.sessions.get(sessionId); if (t) t.adapterEnd = this.now(); }
  launchSent(sessionId: string): void { const t = this.sessions.get(sessionId); if (t && t.launch === undefined) t.launch = this.now(); }

  /** At the first stop of a session: the report line, else undefined. */
  firstStop(sessionId: string, name: string): string | undefined {
    const t = this.sessions.get(sessionId);
    if (!t || t.stopped !== undefined || t.launch === undefined) return undefined;
    t.stopped = this.now();
    const ms = (a?: number, b?: number) => (a !== undefined && b !== undefined ? Math.max(0, b - a) : 0);
    const act = !this.activationCounted && this.activation ? this.activation : undefined;
    this.activationCounted = true;
    const load = act ? ms(BUNDLE_T0, act.start) : 0;
    const activation = act ? ms(act.start, act.end) : 0;
    const config = ms(t.resolveStart, t.resolveEnd);
    const adapter = ms(t.adapterStart, t.adapterEnd);
    const own = ms(t.launch, t.stopped);
    const f = (v: number) => v.toFixed(1);
    return `first stop of "${name}": extension ${f(load + activation + config + adapter)} ms (bundle load ${f(load)}, activation ${f(activation)}, `
      + `configuration ${f(config)}, adapter start ${f(adapter)}); adapter launch request -> stopped ${f(own)} ms`;
  }

  ended(sessionId: string): void { this.sessions.delete(sessionId); }
}
