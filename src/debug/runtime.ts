// The debug runtime: an EventEmitter over the hart and a target (a Linux process of the kernel model, or a
// bare-metal image). It knows nothing of the Debug Adapter Protocol: the session calls its methods and turns
// its events into DAP events. Events (vscode-mock-debug's family):
//   stopOnEntry | stopOnStep | stopOnPause | stopOnBreakpoint(ids, kind) | stopOnInstructionBreakpoint(ids) |
//   stopOnDataBreakpoint(ids, text) | stopOnException(text, details) | breakpointValidated(bp) |
//   moduleLoaded(module) | output(category, text) | end(exitCode, message?)
// The guest runs in slices on setImmediate, so a pause request is seen within one slice (~10 ms).
import { EventEmitter } from 'node:events';
import { PRV_S, PRV_M, PRV_U, type Hart, type Exit } from '../hart/hart';
import { FLAG_SKIP_BP } from '../hart/layout';
import { csrByName, causeName, decodeCsrFields, privilegeName } from '../isa/csrs';
import { CAUSE_USER_ECALL, CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE, CAUSE_ILLEGAL, MCAUSE_INTERRUPT } from '../isa/encoding.generated';
import { XNAMES, FNAMES } from '../isa/disasm';
import type { Target, TargetStop } from './target';
import type { DebugModule, ResolvedLocation } from './modules';
import { BreakpointTable, hitConditionMet, type UserBreakpoint, type DataWatch, type WatchScope } from './breakpoints';
import { evaluateExpr, type ExprEnv } from './expr';
import { createTarget, type LaunchConfig, type ProcessFactory } from './launch';
import { isRdtime } from '../kernel/board';
import { unwindStack, type Frame } from './unwind';
import { continueJob, instructionStepJob, lineStepJob, stepOutJob, afterSyscallJob, type Job, type RunReq, type StopEvent } from './stepping';
import { inlineAt } from './inline';
import { withInlineFrames, guestMemory } from './cframe';
import { tryEvaluateC } from './cnodes';
import { scalar, floatOf } from './cvalue';
import { isFloat } from '../elf/dwarfTypes';

export type { LaunchConfig, ProcessFactory } from './launch';
export type { Frame } from './unwind';

export type ExceptionFilter = 'syscall' | 'interrupt' | 'pagefault' | 'illegal' | 'firmware' | 'signal';
export const EXCEPTION_FILTERS: { filter: ExceptionFilter; label: string; description: string }[] = [
  { filter: 'syscall', label: 'System call (ecall from U-mode)', description: 'Stop on the first instruction of the trap handler after an ecall from U-mode' },
  { filter: 'interrupt', label: 'Interrupt', description: 'Stop when the hart takes any interrupt (timer, software, external)' },
  { filter: 'pagefault', label: 'Page fault', description: 'Stop after an instruction, load or store page fault' },
  { filter: 'illegal', label: 'Illegal instruction', description: 'Stop after an illegal-instruction exception' },
  { filter: 'firmware', label: 'Firmware: rdtime emulated in M-mode', description: 'On a firmware-time board ("timeCsr": "firmware"): stop when rdtime traps to M-mode, before the firmware emulates it and returns with mret' },
  { filter: 'signal', label: 'Signal delivered', description: 'Stop before the kernel delivers a signal to the program' },
];

const hex = (v: bigint) => '0x' + v.toString(16);

/** A failure inside the debugger while running: said once, in words (no exception text or stack for the user). */
function internalError(e: unknown): StopEvent {
  const what = e instanceof RangeError ? 'an address or size out of range' : e instanceof Error && !(e instanceof TypeError) ? e.message : 'an internal error';
  return { event: 'stopOnException', args: [`the debugger stopped the program: ${what}`, 'The program is paused where the debugger failed; continuing may work.'] };
}

export class DebugRuntime extends EventEmitter {
  target?: Target;
  readonly breakpoints = new BreakpointTable();
  private config?: LaunchConfig;
  private job?: Job;
  private jobReq?: RunReq;
  private pauseRequested = false;
  private running = false;
  private ended = false;
  private tempBps = new Set<bigint>();
  private installed = new Set<bigint>();
  private watchCopies = new Map<number, Uint8Array>();
  private filters = new Set<ExceptionFilter>();
  private sliceSize = 20_000;
  private knownModules = new Set<DebugModule>();
  private readonly processFactory: ProcessFactory;
  private watchesInstalled = false;
  private jobStartCycles = 0n;
  /** Inline frames that begin at the stop's pc and are hidden (gdb's skipped frames; see inline.ts). */
  inlineSkip = 0;

  constructor(processFactory: ProcessFactory) {
    super();
    this.processFactory = processFactory;
  }

  get hart(): Hart {
    if (!this.target) throw new Error('no program is running');
    return this.target.hart;
  }
  get isRunning(): boolean { return this.running; }
  get hasEnded(): boolean { return this.ended; }
  get launchConfig(): LaunchConfig | undefined { return this.config; }

  // ---- launch -----------------------------------------------------------------------------------------------

  /** Create the target; stops on entry (stopOnEntry) or runs. */
  start(config: LaunchConfig): void {
    this.config = config;
    this.createTarget(config);
    this.afterLaunch();
  }

  private createTarget(config: LaunchConfig): void {
    this.ended = false;
    this.knownModules.clear();
    this.target = createTarget(config, this.processFactory, {
      stdout: (text) => this.emit('output', 'stdout', text),
      stderr: (text) => this.emit('output', 'stderr', text),
      strace: (line) => this.emit('output', 'strace', line + '\n'),
      warning: (line) => this.emit('output', 'console', `warning: ${line}\n`),
    });
    this.target.onModulesChanged = () => this.modulesChanged();
    this.target.onExec = () => {
      // a new image: its modules replace the old ones and every breakpoint is resolved in them again (a pending
      // one may resolve now, one in the old program goes pending); the vDSO is mapped anew
      const t = this.target!;
      this.emit('output', 'console', `process ${t.pid} exec'd ${t.modules().find((m) => m.kind === 'program')?.name ?? ''}: modules and breakpoints reloaded\n`);
      this.modulesChanged();
    };
    this.breakpoints.physicalResolver = this.target.resolvePhysical ? (name) => this.target?.resolvePhysical?.(name) : undefined;
    this.applyFilters();
    this.installed.clear();
    this.tempBps.clear();
    this.watchesInstalled = false;
    this.modulesChanged();
    this.syncWatches();
  }

  private afterLaunch(): void {
    this.inlineSkip = 0;
    if (this.config?.stopOnEntry) this.emit('stopOnEntry');
    else this.continue();
  }

  restart(): void {
    if (!this.config) throw new Error('restart: nothing was launched');
    this.job = undefined;
    this.running = false;
    this.createTarget(this.config);
    this.afterLaunch();
  }

  terminate(): void {
    this.job = undefined;
    this.running = false;
    if (!this.ended) { this.ended = true; }
  }

  // ---- modules and breakpoints ------------------------------------------------------------------------------

  modules(): DebugModule[] { return this.target?.modules() ?? []; }

  /** Type at the guest's console; false when the target has none (only a full system has one). */
  consoleInput(text: string): boolean {
    if (!this.target?.consoleInput) return false;
    this.target.consoleInput(new TextEncoder().encode(text));
    return true;
  }

  moduleAt(addr: bigint): DebugModule | undefined {
    return this.modules().find((m) => m.contains(addr));
  }

  private modulesChanged(): void {
    const mods = this.modules();
    for (const m of mods) {
      if (!this.knownModules.has(m)) { this.knownModules.add(m); this.emit('moduleLoaded', m); }
    }
    // after an exec the old image's objects are gone
    const now = new Set(mods);
    for (const m of [...this.knownModules]) if (!now.has(m)) { this.knownModules.delete(m); this.emit('moduleRemoved', m); }
    for (const b of this.breakpoints.resolveAll(mods)) this.emit('breakpointValidated', b);
    this.syncBreakpoints();
  }

  setSourceBreakpoints(path: string, specs: { line: number; condition?: string; hitCondition?: string; logMessage?: string }[]): UserBreakpoint[] {
    const r = this.breakpoints.setSource(path, specs, this.target ? this.modules() : undefined);
    this.syncBreakpoints();
    return r;
  }
  setFunctionBreakpoints(specs: { name: string; condition?: string; hitCondition?: string }[]): UserBreakpoint[] {
    const r = this.breakpoints.setFunctions(specs, this.target ? this.modules() : undefined);
    this.syncBreakpoints();
    return r;
  }
  setInstructionBreakpoints(specs: { instructionReference: string; offset?: number; condition?: string; hitCondition?: string }[]): UserBreakpoint[] {
    const r = this.breakpoints.setInstructions(specs, this.target ? this.modules() : undefined);
    this.syncBreakpoints();
    return r;
  }
  setDataBreakpoints(specs: Omit<DataWatch, 'id' | 'hits'>[]): DataWatch[] {
    const r = this.breakpoints.setData(specs);
    this.syncWatches();
    return r;
  }

  describeBreakpoint(b: UserBreakpoint): string { return this.breakpoints.describe(b, this.modules()); }

  private syncBreakpoints(): void {
    if (!this.target) return;
    const want = this.breakpoints.addresses();
    for (const a of this.tempBps) want.add(a);
    for (const w of this.breakpoints.data) if (w.scope) want.add(w.scope.returnPc);
    // a step re-arms the same set many times: setting the hart's breakpoints flushes its decode cache
    this.target.hart.setPhysicalBreakpoints(this.breakpoints.physicalAddresses()); // no flush when unchanged
    if (want.size === this.installed.size && [...want].every((a) => this.installed.has(a))) return;
    this.target.hart.setBreakpoints(want);
    this.installed = want;
  }

  private syncWatches(): void {
    if (!this.target) return;
    const hart = this.target.hart;
    // clearing the core's watch table costs a few ms: only when there is or was something in it
    if (!this.breakpoints.data.length && !this.watchesInstalled) return;
    hart.clearWatches();
    this.watchesInstalled = this.breakpoints.data.length > 0;
    this.watchCopies.clear();
    for (const w of this.breakpoints.data) {
      const kind = w.access === 'read' ? 1 : w.access === 'write' ? 2 : 3;
      if (this.target.watchPhysical) {
        // a full system: watch the memory behind the address (as the stopped context maps it), so the kernel's
        // writes through its own mapping of the page (the linear map) stop too
        const pa = hart.debugTranslate(w.start);
        const last = hart.debugTranslate(w.end - 1n);
        if (pa !== undefined && last === pa + (w.end - 1n - w.start)) {
          w.physStart = pa;
          hart.addWatch(pa, pa + (w.end - w.start), kind, true);
          continue;
        }
      }
      w.physStart = undefined;
      hart.addWatch(w.start, w.end, kind);
      const bytes = hart.readVirt(w.start, Number(w.end - w.start));
      if (bytes) this.watchCopies.set(w.id, bytes);
    }
  }

  setExceptionFilters(filters: string[]): void {
    const known = new Set(EXCEPTION_FILTERS.map((f) => f.filter as string));
    for (const f of filters) if (!known.has(f)) throw new Error(`unknown exception filter '${f}' (known: ${[...known].join(', ')})`);
    this.filters = new Set(filters as ExceptionFilter[]);
    this.applyFilters();
  }

  private applyFilters(): void {
    if (!this.target) return;
    let exc = 0n, irq = 0n;
    const bit = (cause: number) => 1n << BigInt(cause);
    if (this.filters.has('syscall')) exc |= bit(CAUSE_USER_ECALL);
    if (this.filters.has('pagefault')) exc |= bit(CAUSE_FETCH_PAGE) | bit(CAUSE_LOAD_PAGE) | bit(CAUSE_STORE_PAGE);
    if (this.filters.has('illegal') || this.filters.has('firmware')) exc |= bit(CAUSE_ILLEGAL);
    if (this.filters.has('interrupt')) irq |= 0xffffn; // every interrupt cause 0..15
    this.target.setTrapStops(exc, irq);
    this.target.stopOnSignal = this.filters.has('signal');
  }

  // ---- execution control --------------------------------------------------------------------------------------

  continue(): void {
    this.startJob(continueJob());
  }

  /** The thread a step runs on (the other threads stay stopped while it can run), undefined for continue. */
  private jobTid?: number;

  /**
   * Step thread `thread` (default: the one on the hart). Another thread of the stopped process is put on the hart
   * first (the others stay stopped, as gdb's scheduler-locking step); one that sleeps in a system call gets the hart
   * when the call completes (the others run meanwhile), and the step starts from there.
   */
  step(kind: 'stepIn' | 'next' | 'stepOut', granularity: 'instruction' | 'line' = 'line', thread?: number, started?: () => void): void {
    const ctx = this.stepContext();
    const target = ctx.target;
    let resumeAt: bigint | undefined;
    if (thread !== undefined && target.currentTid !== undefined && thread !== target.currentTid) {
      if (this.ended) throw new Error('the program has ended');
      if (this.running) throw new Error('the program is already running');
      const r = target.switchThread ? target.switchThread(thread) : { error: `thread ${thread} is not on the hart and this target cannot put it there: steps run the thread that stopped (${target.currentTid}); continue, or set a breakpoint where thread ${thread} goes` };
      if (typeof r === 'object') throw new Error(r.error);
      if (r === 'sleeps') resumeAt = target.threadContext?.(thread)?.pc;
      if (r === 'sleeps' && resumeAt === undefined) throw new Error(`thread ${thread} has no saved user context`);
      this.inlineSkip = 0;
    }
    const tid = thread ?? target.currentTid;
    const job = kind === 'stepOut' ? stepOutJob(ctx) : granularity === 'instruction' ? instructionStepJob(ctx, kind === 'next') : lineStepJob(ctx, kind === 'next');
    started?.();
    this.startJob(resumeAt === undefined ? job : afterSyscallJob(resumeAt, job), tid);
  }

  private stepContext() {
    const target = this.target;
    if (!target) throw new Error('no program is running');
    return {
      hart: target.hart, target,
      locationAt: (pc: bigint) => this.locationAt(pc),
      moduleAt: (a: bigint) => this.moduleAt(a),
      modules: () => this.modules(),
      stack: (max?: number) => this.stack(max),
      inlineSkip: () => this.inlineSkip,
    };
  }

  pause(): void {
    if (this.running) this.pauseRequested = true;
  }

  private startJob(job: Job, stepTid?: number): void {
    if (!this.target) throw new Error('no program is running');
    if (this.ended) throw new Error('the program has ended');
    if (this.running) throw new Error('the program is already running');
    this.jobTid = stepTid;
    this.target.setSchedulerLock?.(stepTid);
    this.job = job;
    this.pauseRequested = false;
    this.running = true;
    this.advanceJob(true);
  }

  /** Feed the job the result of its last request and take its next one. */
  private advanceJob(ok: boolean, first = false): void {
    const job = this.job!;
    let r: IteratorResult<RunReq, StopEvent | undefined>;
    try {
      r = first ? job.next(true) : job.next(ok);
    } catch (e) {
      this.finishJob(internalError(e));
      return;
    }
    if (r.done) {
      this.finishJob(r.value ?? { event: 'stopOnStep', args: [] });
      return;
    }
    this.jobReq = r.value;
    this.jobStartCycles = this.target?.hart.cycles ?? 0n;
    this.prepareRequest(r.value);
    setImmediate(() => this.tick());
  }

  private prepareRequest(req: RunReq): void {
    this.tempBps.clear();
    if (req.run === 'until' && req.addrs) for (const a of req.addrs) this.tempBps.add(a);
    this.syncBreakpoints();
    if (req.run === 'until' && req.privChangeTo !== undefined) this.target!.hart.stopOnPrivilegeChange = true;
  }

  private finishJob(stop: StopEvent): void {
    // like gdb, a stop where inlined calls begin shows their caller (not after a user breakpoint there, nor stepi)
    if (this.target && stop.event !== 'end') {
      let skip = stop.inlineSkip;
      if (skip === undefined) {
        try { skip = stop.event === 'stopOnBreakpoint' || stop.event === 'stopOnInstructionBreakpoint' ? 0 : inlineAt(this.moduleAt(this.hart.pc), this.hart.pc).entries; } catch { skip = 0; }
      }
      this.inlineSkip = skip;
    }
    if (stop.message) this.emit('output', 'console', stop.message + '\n');
    this.job = undefined;
    this.jobReq = undefined;
    this.running = false;
    this.pauseRequested = false;
    this.jobTid = undefined;
    if (this.target) {
      this.target.setSchedulerLock?.(undefined);
      this.target.hart.stopOnPrivilegeChange = false;
      if (this.tempBps.size) { this.tempBps.clear(); this.syncBreakpoints(); }
    }
    this.emit(stop.event, ...stop.args);
  }

  private tick(): void {
    if (!this.job || !this.target) return;
    const req = this.jobReq!;
    const hart = this.target.hart;
    const t0 = performance.now();
    try {
      if (req.run === 'one') {
        this.skipBreakpointHere();
        let s = this.target.run(1);
        hart.setFlag(FLAG_SKIP_BP, false);
        let stop = this.checkStop(s, true);
        if (stop) return this.finishJob(stop);
        // the stepping thread went to sleep in a system call: the others run until it has the hart again (a
        // breakpoint one of them hits is reported, as gdb does)
        for (let n = 0; n < 100_000 && !this.onJobThread() && !this.ended; n++) {
          s = this.target.run(this.sliceSize);
          stop = this.checkStop(s, false);
          if (stop) return this.finishJob(stop);
          if (this.pauseRequested) return this.finishJob({ event: 'stopOnPause', args: [] });
        }
        return this.advanceJob(true);
      }
      // 'until': run slices until a temp breakpoint / privilege change, a real stop, or a pause
      let first = true;
      for (;;) {
        if (first) { this.skipBreakpointHere(); first = false; }
        const s = this.target.run(this.sliceSize);
        if (s.kind === 'hart' && s.exit.kind === 'breakpoint') {
          const pc = hart.pc;
          if (this.tempBps.has(pc) && this.onJobThread() && (req.priv === undefined || hart.priv === req.priv) &&
              (req.spAtLeast === undefined || hart.x(2) >= req.spAtLeast) && (!req.accept || req.accept())) {
            // a user breakpoint at the same place is reported as such, and so is the end of a watched local's frame
            const user = this.breakpoints.at(pc, this.fetchPhys(pc)).length ? this.userBreakpointStop(pc) : this.scopeExitStop(pc);
            if (user) return this.finishJob(user);
            return this.advanceJob(true);
          }
          const user = this.userBreakpointStop(pc);
          if (user) return this.finishJob(user);
          this.skipBreakpointHere();
          continue;
        }
        if (s.kind === 'hart' && s.exit.kind === 'priv' && req.privChangeTo !== undefined) {
          if (hart.priv === req.privChangeTo) { hart.stopOnPrivilegeChange = false; return this.advanceJob(true); }
          continue;
        }
        const stop = this.checkStop(s, false);
        if (stop) return this.finishJob(stop);
        // a pause stops in the debugged process (another process on the hart runs on to its next switch)
        if (this.pauseRequested && (this.target.inDebuggedProcess?.() ?? true)) return this.finishJob({ event: 'stopOnPause', args: [] });
        if (req.maxSteps !== undefined && hart.cycles - this.jobStartCycles > BigInt(req.maxSteps)) return this.advanceJob(false);
        const dt = performance.now() - t0;
        if (dt > 12) break;
      }
      // adapt the slice so one tick stays around 10 ms
      const dt = performance.now() - t0;
      if (dt < 5 && this.sliceSize < 5_000_000) this.sliceSize *= 2;
      else if (dt > 25 && this.sliceSize > 1000) this.sliceSize = Math.floor(this.sliceSize / 2);
      setImmediate(() => this.tick());
    } catch (e) {
      this.finishJob(internalError(e));
    }
  }

  /** Is the thread on the hart the one the current step runs on (always true outside steps)? */
  private onJobThread(): boolean {
    return this.jobTid === undefined || this.target?.currentTid === undefined || this.target.currentTid === this.jobTid;
  }

  /** Resume over a breakpoint at pc (the core's skip flag stays armed until it meets one: arm it only then). */
  private skipBreakpointHere(): void {
    const hart = this.hart;
    const pa = this.fetchPhys(hart.pc);
    if (hart.hasBreakpoint(hart.pc) || (pa !== undefined && hart.hasPhysicalBreakpoint(pa))) hart.stepOverBreakpointNext();
  }

  /** Turn a target stop into a debugger stop (undefined: keep going). `single`: this was a one-instruction step. */
  private checkStop(s: TargetStop, single: boolean): StopEvent | undefined {
    const hostWrite = this.hostWrittenWatch();
    switch (s.kind) {
      case 'budget':
        return hostWrite;
      case 'exited':
        this.ended = true;
        this.job = undefined;
        return { event: 'end', args: [s.code, s.message] };
      case 'error':
        this.ended = true;
        return { event: 'end', args: [-1, s.message] };
      case 'signal':
        return { event: 'stopOnException', args: [`signal ${s.name} (${s.signal}) is about to be delivered`, `The kernel is delivering ${s.name} to the program.`] };
      case 'deadlock':
        // the program cannot go on, but it is still there: every thread shows where it waits
        return { event: 'stopOnException', args: [s.message, 'Every thread sleeps in a system call that nothing left running can complete (the Threads view shows what each waits on). Continuing reports the same deadlock.'] };
      case 'hart': {
        const e = s.exit;
        if (e.kind === 'breakpoint') return single ? undefined : this.userBreakpointStop(this.hart.pc);
        if (e.kind === 'watch') return this.watchStop(e);
        if (e.kind === 'trap') {
          if (single) return undefined; // a step that entered a trap handler is a step
          return this.trapStop(e);
        }
        if (e.kind === 'priv') return undefined;
        if (e.kind === 'halt') return { event: 'stopOnPause', args: [] };
        if (e.kind === 'budget') return hostWrite;
        return { event: 'stopOnException', args: [`the hart stopped: ${e.kind} at ${hex(e.pc)}`, ''] };
      }
    }
  }

  private trapStop(e: Exit): StopEvent | undefined {
    const t = e.trap!;
    // an rdtime trapping into M-mode is the firmware's emulation (its own filter); other illegal instructions
    // are the 'illegal' filter's
    if (!t.interrupt && t.code === CAUSE_ILLEGAL) {
      const firmware = t.toPriv === PRV_M && isRdtime(t.tval);
      if (!this.filters.has(firmware ? 'firmware' : 'illegal')) return undefined;
      if (firmware) {
        return { event: 'stopOnException', args: ['rdtime trapped to M-mode: the firmware emulates it (firmware-time board)',
          `mcause = 0x2, mtval = ${hex(t.tval)} (rdtime); continuing, the firmware writes the time to rd, sets mepc += 4 and returns with mret; now at ${hex(e.pc)}`] };
      }
    }
    const cause = t.interrupt ? MCAUSE_INTERRUPT | BigInt(t.code) : BigInt(t.code);
    const from = privilegeName(t.fromPriv), to = privilegeName(t.toPriv);
    const text = `${causeName(cause)} (${t.interrupt ? 'interrupt' : 'exception'} ${t.code}) from ${from}-mode to ${to}-mode`;
    return { event: 'stopOnException', args: [text, `${to.toLowerCase()}cause = ${hex(cause)}, ${to.toLowerCase()}tval = ${hex(t.tval)}; now at ${hex(e.pc)}`] };
  }

  private watchStop(e: Exit): StopEvent | undefined {
    const w = e.watch!;
    const hits = this.breakpoints.data.filter((d) => {
      if (w.physical) return d.physStart !== undefined && w.address < d.physStart + (d.end - d.start) && w.address + BigInt(w.size) > d.physStart;
      return d.physStart === undefined && w.address < d.end && w.address + BigInt(w.size) > d.start;
    });
    const stopping: DataWatch[] = [];
    for (const d of hits) {
      d.hits++;
      if (this.conditionHolds(d.condition) && this.safeHit(d.hitCondition, d.hits)) stopping.push(d);
    }
    this.refreshWatchCopies();
    if (!stopping.length) return undefined;
    const text = `${w.kind} of ${w.size} bytes at ${w.physical ? 'physical ' : ''}${hex(w.address)} (${stopping.map((d) => d.label).join(', ')}) by the instruction at ${hex(w.pc)}: ${hex(w.oldValue)} -> ${hex(w.newValue)}`;
    return { event: 'stopOnDataBreakpoint', args: [stopping.map((d) => d.id), text] };
  }

  /** Writes the kernel model makes from the host (update_vsyscall) do not pass through the hart: compare. */
  private hostWrittenWatch(): StopEvent | undefined {
    if (!this.watchCopies.size || !this.target) return undefined;
    for (const w of this.breakpoints.data) {
      if (w.access === 'read') continue;
      const old = this.watchCopies.get(w.id);
      if (!old) continue;
      const now = this.target.hart.readVirt(w.start, old.length);
      if (!now || Buffer.compare(Buffer.from(now), Buffer.from(old)) === 0) continue;
      this.watchCopies.set(w.id, now);
      w.hits++;
      if (!this.conditionHolds(w.condition) || !this.safeHit(w.hitCondition, w.hits)) continue;
      const v = (b: Uint8Array) => hex(b.length >= 8 ? Buffer.from(b).readBigUInt64LE(0) : BigInt(Buffer.from(b).readUIntLE(0, Math.min(6, b.length))));
      return { event: 'stopOnDataBreakpoint', args: [[w.id], `${w.label} written by the kernel (update_vsyscall, host side): ${v(old)} -> ${v(now)}`] };
    }
    return undefined;
  }

  private refreshWatchCopies(): void {
    for (const w of this.breakpoints.data) {
      const b = this.target?.hart.readVirt(w.start, Number(w.end - w.start));
      if (b) this.watchCopies.set(w.id, b);
    }
  }

  private safeHit(cond: string | undefined, hits: number): boolean {
    try { return hitConditionMet(cond, hits); } catch (e) { this.emit('output', 'console', `${(e as Error).message}\n`); return true; }
  }

  /**
   * A breakpoint's condition or a logpoint's {expression} at a hit, in the innermost frame: C over the program's
   * DWARF when the expression names C (locals, members, `i == 2`), as a watch is, else the console's expression
   * language (registers, symbols). C results print as gdb prints them; the others as hex.
   */
  private evaluateAtHit(expr: string): { value: bigint | number; text: string } {
    this.inlineSkip = 0; // conditions are about the pc's innermost function, as gdb's are
    const frame = withInlineFrames(this, this.stack(1))[0];
    const c = tryEvaluateC(this, expr, frame, true);
    if (c) {
      const mem = guestMemory(this);
      const value = isFloat(c.value.type) ? floatOf(c.value, mem) : scalar(c.value, mem);
      if (value === undefined) throw new Error(`'${expr}' is not a number (${c.type})`);
      return { value, text: c.text };
    }
    const v = this.evaluate(expr, frame);
    return { value: v, text: hex(v) };
  }

  private conditionHolds(cond: string | undefined): boolean {
    if (!cond || !cond.trim()) return true;
    try {
      const v = this.evaluateAtHit(cond).value;
      return v !== 0n && v !== 0;
    } catch (e) {
      this.emit('output', 'console', `breakpoint condition '${cond}': ${(e as Error).message} (stopping)\n`);
      return true;
    }
  }

  /** The hart reached a user breakpoint address: conditions, hit counts, logpoints. */
  /** The physical address an instruction fetch at `pc` reads (undefined when unmapped). */
  private fetchPhys(pc: bigint): bigint | undefined { return this.target?.hart.translate(pc, 'fetch'); }

  private userBreakpointStop(pc: bigint): StopEvent | undefined {
    const left = this.scopeExitStop(pc);
    if (left) return left;
    const bps = this.breakpoints.at(pc, this.fetchPhys(pc));
    const stopping: UserBreakpoint[] = [];
    for (const b of bps) {
      if (!this.conditionHolds(b.condition)) continue;
      b.hits++;
      if (!this.safeHit(b.hitCondition, b.hits)) continue;
      if (b.logMessage !== undefined) {
        this.emit('output', 'console', this.interpolate(b.logMessage) + '\n');
        continue;
      }
      stopping.push(b);
    }
    if (!stopping.length) return undefined;
    const kind = stopping[0].kind;
    if (kind === 'instruction') return { event: 'stopOnInstructionBreakpoint', args: [stopping.map((b) => b.id)], inlineSkip: 0 };
    return { event: 'stopOnBreakpoint', args: [stopping.map((b) => b.id), kind], inlineSkip: this.breakpointInlineSkip(pc, stopping) };
  }

  /**
   * The frame of a watched local returned (its caller resumes at the return address with sp at the frame's CFA;
   * a deeper recursion of the same function passes there with a lower sp): the watch is deleted and the program
   * stops, as gdb's "Watchpoint N deleted because the program has left the block in which its expression is valid".
   */
  private scopeExitStop(pc: bigint): StopEvent | undefined {
    const t = this.target;
    if (!t || !this.breakpoints.data.some((w) => w.scope)) return undefined;
    const sp = t.hart.x(2);
    const left = this.breakpoints.data.filter((w) => w.scope && w.scope.returnPc === pc && sp >= w.scope.cfa &&
      (w.scope.tid === undefined || t.currentTid === undefined || w.scope.tid === t.currentTid));
    if (!left.length) return undefined;
    this.breakpoints.data = this.breakpoints.data.filter((w) => !left.includes(w));
    this.syncWatches();
    this.syncBreakpoints();
    for (const w of left) this.emit('dataBreakpointRemoved', w.id);
    const text = `${left.map((w) => `Watchpoint ${w.id} (${w.label})`).join(', ')} deleted because the program has left the block in which ${left.length > 1 ? 'their expressions are' : 'its expression is'} valid.`;
    return { event: 'stopOnDataBreakpoint', args: [left.map((w) => w.id), text], message: text };
  }

  /** The scope of a watch on `addr` when it lies in a frame of the stopped thread's stack (a local or argument). */
  watchScope(addr: bigint): WatchScope | undefined {
    if (!this.target || this.running) return undefined;
    let frames: Frame[];
    try { frames = this.stack(); } catch { return undefined; }
    for (let i = 0; i + 1 < frames.length; i++) {
      const lo = frames[i].regs[2], hi = frames[i + 1].regs[2];
      if (lo === undefined || hi === undefined || frames[i + 1].priv !== frames[i].priv) continue;
      if (addr >= lo && addr < hi) return { returnPc: frames[i + 1].pc, cfa: hi, tid: this.target.currentTid };
    }
    return undefined;
  }

  /**
   * gdb's stopped_by_user_bp_inline_frame: at a user breakpoint the inline frames beginning at the pc stay hidden
   * up to the function the breakpoint names (a line or address breakpoint names the innermost one: none hidden).
   */
  private breakpointInlineSkip(pc: bigint, bps: UserBreakpoint[]): number {
    if (bps.some((b) => b.kind !== 'function')) return 0;
    const names = new Set(bps.map((b) => (b.name ?? '').replace(/^.*!/, '')));
    let at;
    try { at = inlineAt(this.moduleAt(pc), pc); } catch { return 0; }
    let skip = 0;
    for (let i = at.chain.length - 1; i >= at.chain.length - at.entries; i--) {
      if (names.has(at.chain[i].name ?? '')) break;
      skip++;
    }
    return skip;
  }

  interpolate(msg: string): string {
    return msg.replace(/\{([^}]+)\}/g, (_, e: string) => {
      try { return this.evaluateAtHit(e).text; } catch (err) { return `<${(err as Error).message}>`; }
    });
  }

  // ---- state: locations, frames, expressions -----------------------------------------------------------------

  locationAt(pc: bigint): ResolvedLocation | undefined {
    return this.moduleAt(pc)?.addressToLine(pc);
  }

  symbolize(addr: bigint): string | undefined {
    return this.moduleAt(addr)?.describe(addr);
  }

  readU64(addr: bigint): bigint | undefined {
    const b = this.hart.readVirt(addr, 8);
    return b ? Buffer.from(b).readBigUInt64LE(0) : undefined;
  }

  /** Call stack, innermost first (unwind.ts); of thread `tid` when it is another thread than the one on the hart
   *  (from its saved user registers: it sleeps in a system call or waits for the hart). */
  stack(max = 64, tid?: number): Frame[] {
    const target = this.target;
    const otherTid = tid !== undefined && target?.currentTid !== undefined && tid !== target.currentTid ? tid : undefined;
    const other = otherTid !== undefined ? target?.threadContext?.(otherTid) : undefined;
    if (otherTid !== undefined && !other) return [];
    const mark = (f: Frame): Frame => (other ? { ...f, thread: tid, f: other.f, fcsr: other.fcsr } : f);
    const frames = unwindStack({
      hart: this.hart,
      moduleAt: (a) => this.moduleAt(a),
      readU64: (a) => this.readU64(a),
      userContext: target?.capabilities.kernel && target.userContext ? () => target.userContext!() : undefined,
      start: other ? { pc: other.pc, regs: other.regs, priv: other.priv ?? PRV_U } : undefined,
    }, max).map(mark);
    // a whole system: below a task's kernel frames, the user context its trap frame saved
    const last = frames[frames.length - 1];
    if (target?.trapContext && last && last.priv !== PRV_U && frames.length < max) {
      const user = target.trapContext(otherTid);
      if (user) {
        // the user memory of a task that is not on the hart is in another address space: its trap pc only
        const more = otherTid === undefined
          ? unwindStack({ hart: this.hart, moduleAt: (a) => this.moduleAt(a), readU64: (a) => this.readU64(a), start: { pc: user.pc, regs: user.regs, priv: PRV_U } }, max - frames.length)
          : [{ index: 0, pc: user.pc, regs: user.regs, priv: PRV_U, name: `${hex(user.pc)} (user mode)` } as Frame];
        for (const f of more) frames.push(mark({ ...f, index: frames.length }));
      }
    }
    return frames;
  }

  /**
   * Write register `reg` (0 = pc, 1..31 = x, 32..63 = f) as seen in the innermost frame `frame`: the hart's for the
   * thread on the hart, the saved context's for another thread (the frame's copy follows).
   */
  setRegister(frame: Frame | undefined, reg: number, v: bigint): void {
    v = BigInt.asUintN(64, v);
    if (frame?.thread !== undefined) {
      if (!this.target?.setThreadRegister?.(frame.thread, reg, v)) throw new Error(`the registers of thread ${frame.thread} cannot be written`);
      if (reg === 0) frame.pc = v;
      else if (reg < 32) frame.regs[reg] = v;
      else if (frame.f) frame.f[reg - 32] = v;
      return;
    }
    if (reg === 0) this.hart.pc = v;
    else if (reg < 32) this.hart.setX(reg, v);
    else this.hart.setF(reg - 32, v);
    if (frame && reg > 0 && reg < 32) frame.regs[reg] = v;
  }

  /** Register/CSR values by name for expressions: x5, t0, $pc, sstatus, sstatus.SPP, f1 (raw bits). */
  register(name: string, frame?: Frame): bigint | undefined {
    const hart = this.hart;
    if (name === 'pc') return frame ? frame.pc : hart.pc;
    if (name === 'priv') return BigInt(hart.priv);
    let i = XNAMES.indexOf(name);
    if (i < 0 && /^x([0-9]|[12][0-9]|3[01])$/.test(name)) i = Number(name.slice(1));
    if (name === 'fp') i = 8;
    if (i >= 0) return frame ? frame.regs[i] : hart.x(i);
    let f = FNAMES.indexOf(name);
    if (f < 0 && /^f([0-9]|[12][0-9]|3[01])$/.test(name)) f = Number(name.slice(1));
    if (f >= 0) return frame?.f?.[f] ?? hart.f(f);
    const dot = name.indexOf('.');
    const csrName = dot > 0 ? name.slice(0, dot) : name;
    const def = csrByName.get(csrName);
    if (!def) return undefined;
    // the FP control and status of another thread: its saved fcsr (fflags and frm are views of it)
    const saved = frame?.fcsr;
    const v = saved === undefined ? hart.csr(def.address)
      : csrName === 'fcsr' ? saved : csrName === 'fflags' ? saved & 0x1fn : csrName === 'frm' ? (saved >> 5n) & 7n : hart.csr(def.address);
    if (dot < 0) return v;
    const field = name.slice(dot + 1);
    const fd = decodeCsrFields(def.address, v)?.find((x) => x.name.toLowerCase() === field.toLowerCase());
    return fd?.address ?? fd?.value;
  }

  symbol(name: string): bigint | undefined {
    for (const m of this.modules()) {
      const a = m.lookup(name);
      if (a !== undefined) return a;
    }
    return undefined;
  }

  exprEnv(frame?: Frame): ExprEnv {
    return {
      register: (n) => this.register(n, frame),
      symbol: (n) => this.symbol(n),
      read: (addr, size) => {
        const b = this.hart.readVirt(addr, size);
        if (!b) throw new Error(`cannot read ${size} bytes at ${hex(addr)}: not mapped`);
        let v = 0n;
        for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        return v;
      },
    };
  }

  evaluate(expr: string, frame?: Frame): bigint {
    return evaluateExpr(expr, this.exprEnv(frame));
  }

  /** Which mapping (path) holds an address. */
  mappingAt(addr: bigint): { start: bigint; end: bigint; path: string; perms: string } | undefined {
    return this.target?.mappings().find((m) => addr >= m.start && addr < m.end);
  }

  get privName(): string { return privilegeName(this.hart.priv); }
  isKernelMode(): boolean { return this.hart.priv === PRV_S; }
}
