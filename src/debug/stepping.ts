// Stepping: each debugger action is a job, a generator that asks the runtime to run (one instruction, or until
// a temporary breakpoint / a privilege change) and looks at where the hart is after each request. The runtime
// (runtime.ts) drives the jobs in slices and turns their result into a stop event.
//
// Line steps run at full speed with temporary breakpoints, not instruction by instruction (like gdb's step
// ranges): on every line start (is_stmt row) where the step may end, on the trap vector (a kernel target's
// system calls), and on the return address of the current function. A predicate decides at each hit whether
// the step ends there; everything else (code without source, however many calls deep, interrupts, page faults
// served by the kernel) runs through. Step Into ends at the first line start of any code with source (the
// program, our vDSO, the kernel's trap entry entered by an ecall); Step Over only at a line start of the same
// function in the same frame; both end in the caller when the function returns, and stop with a message
// instead of letting the program exit or run on without end.
import { PRV_U, PRV_S, type Hart } from '../hart/hart';
import { opIndex } from '../isa/decode';
import { CSR_SCAUSE, CSR_STVEC, CSR_SSTATUS, MSTATUS_SPP } from '../isa/encoding.generated';
import type { DebugModule, ResolvedLocation } from './modules';
import type { Target } from './target';
import { SIGNAL_FRAME_NAME, type Frame } from './unwind';
import { isCall } from './code';
import { inlineAt, inlineBoundaries, callLine, chainRelation } from './inline';

export type RunReq =
  | { run: 'one' }
  | {
    run: 'until'; addrs?: bigint[]; spAtLeast?: bigint; priv?: number; privChangeTo?: number;
    /** At a temporary breakpoint: does the request end here (default yes)? Decided without leaving the run loop. */
    accept?: () => boolean;
    /** Give up (the job is resumed with `false`) after this many instructions. */
    maxSteps?: number;
  };

/**
 * A stop; `message` goes to the Debug Console first. `inlineSkip`: how many inline frames that begin at the pc
 * the stop hides (gdb's skipped frames); when absent the runtime decides by the kind of stop.
 */
export type StopEvent = { event: string; args: unknown[]; message?: string; inlineSkip?: number };
export type Job = Generator<RunReq, StopEvent | undefined, boolean>;

/** What a job looks at between its run requests. */
export interface StepContext {
  readonly hart: Hart;
  readonly target: Target;
  locationAt(pc: bigint): ResolvedLocation | undefined;
  moduleAt(addr: bigint): DebugModule | undefined;
  modules(): DebugModule[];
  stack(max?: number): Frame[];
  /** Inline frames hidden at the current stop (see inline.ts). */
  inlineSkip(): number;
}

const OP_ECALL = opIndex('ecall');
const CAUSE_USER_ECALL = 8n;
/** A line step that has not found its line after this many instructions stops where it is. */
export const STEP_LIMIT = 200_000_000;
const hex = (v: bigint) => '0x' + v.toString(16);

export function* continueJob(): Job {
  yield { run: 'until' };
  return undefined;
}

/**
 * A step of a thread that sleeps in a system call: the other threads run until the call completes and the thread
 * returns to user mode at `pc` (the runtime accepts the stop only on the stepping thread), then `step` runs.
 */
export function* afterSyscallJob(pc: bigint, step: Job): Job {
  yield { run: 'until', addrs: [pc], priv: PRV_U };
  return yield* step;
}

/** One instruction, or over a call / a system call for `next`. */
function* oneInstruction(ctx: StepContext, over: boolean): Generator<RunReq, void, boolean> {
  const hart = ctx.hart;
  const pc = hart.pc;
  const d = hart.instructionAt(pc);
  if (over && d && isCall(d)) {
    yield { run: 'until', addrs: [pc + BigInt(d.length)], spAtLeast: hart.x(2), priv: hart.priv };
    return;
  }
  if (over && d && d.op === OP_ECALL && hart.priv === PRV_U && ctx.target.capabilities.kernel) {
    yield { run: 'until', addrs: [pc + 4n], priv: PRV_U };
    return;
  }
  yield { run: 'one' };
}

export function* instructionStepJob(ctx: StepContext, over: boolean): Job {
  yield* oneInstruction(ctx, over);
  // gdb shows every inline frame after stepi/nexti
  return { event: 'stopOnStep', args: [], inlineSkip: 0 };
}

/** The frame a step starts in: its function, line, canonical frame address and return point. */
interface StepFrame {
  fn?: { start: bigint; end: bigint };
  loc?: ResolvedLocation;
  /** The caller's sp after the return (the CFA of this frame), when the unwinder found the caller. */
  cfa?: bigint;
  ret?: { pc: bigint; priv: number };
}

function currentFrame(ctx: StepContext): StepFrame {
  const hart = ctx.hart;
  const m = ctx.moduleAt(hart.pc);
  const frames = ctx.stack(3);
  let caller = frames[1];
  const cfa = caller?.regs[2];
  // a signal handler returns through the trampoline to the interrupted code: a step goes through the
  // trampoline and its rt_sigreturn (as gdb steps through a SIGTRAMP_FRAME) and ends there
  if (caller?.name === SIGNAL_FRAME_NAME) caller = frames[2];
  return {
    fn: m?.functionRange(hart.pc),
    loc: ctx.locationAt(hart.pc),
    cfa,
    ret: caller ? { pc: caller.pc, priv: caller.priv } : undefined,
  };
}

/** The CFA of the innermost frame now (undefined when the caller cannot be found). */
function cfaNow(ctx: StepContext): bigint | undefined {
  return ctx.stack(2)[1]?.regs[2];
}

function isLineStart(ctx: StepContext, pc: bigint): boolean {
  const loc = ctx.locationAt(pc);
  return !!loc && loc.address === pc && !!ctx.moduleAt(pc)?.lineStarts().includes(pc);
}

/**
 * A line step. `over`: Step Over (calls, inlined calls and system calls are run through). `finishInline`: Finish
 * in an inline frame (gdb: a step in the calling frame with an empty range, over everything, that ends at the
 * first line start outside the inlined block).
 */
export function* lineStepJob(ctx: StepContext, over: boolean, finishInline = false): Job {
  const hart = ctx.hart;
  const target = ctx.target;
  // Step Into where inline frames begin and are hidden: enter one level, as gdb ("step" behaves like "down")
  if (!over && ctx.inlineSkip() > 0) return { event: 'stopOnStep', args: [], inlineSkip: ctx.inlineSkip() - 1 };
  let skip = ctx.inlineSkip();
  for (let round = 0; round < 64; round++) {
    const start = currentFrame(ctx);
    const startPriv = hart.priv;
    const startPc = hart.pc;
    const startModule = ctx.moduleAt(startPc);
    // a kernel model or a whole system: from user mode the kernel is entered through its trap vector
    const kernel = target.capabilities.kernel || !!target.capabilities.system;
    const vector = kernel && startPriv === PRV_U ? hart.csr(CSR_STVEC) & ~3n : undefined;
    // a whole system's kernel assembly (entry.S: labels, no sized functions): stepped by instructions
    if (target.capabilities.system && startPriv !== PRV_U && !start.fn && start.loc && round === 0) return yield* assemblyLineStep(ctx, over, start.loc);
    // the frame the step is in, inline frames included: the visible chain of inlined blocks and its line
    const here = inlineAt(startModule, startPc);
    if (round > 0) skip = here.entries;
    skip = Math.min(skip, here.chain.length);
    let oChain = here.chain.slice(0, here.chain.length - skip);
    // the line stepped from: a frame with hidden inline frames is at their call line; after a return into the
    // middle of a line the step goes on from the line the pc is in (gdb's set_step_info with the pc's line)
    let oLine: number | undefined = skip > 0 && round === 0 ? callLine(here.chain[here.chain.length - skip]) : start.loc?.line;
    let oFile: string | undefined = skip > 0 && round === 0 ? undefined : start.loc?.file;
    if (finishInline && round === 0 && oChain.length) { oChain = oChain.slice(0, -1); oLine = undefined; oFile = undefined; }
    const addrs = new Set<bigint>();
    if (over) {
      if (start.fn && startModule) for (const a of startModule.lineStarts()) if (a >= start.fn.start && a < start.fn.end) addrs.add(a);
    } else {
      // from user mode the kernel is entered through its trap vector only (checked below)
      for (const m of ctx.modules()) if (!((m.kind === 'kernel' || BigInt.asIntN(64, m.start) < 0n) && vector !== undefined)) for (const a of m.lineStarts()) addrs.add(a);
    }
    for (const a of inlineBoundaries(startModule, startPc)) addrs.add(a);
    if (start.ret) addrs.add(start.ret.pc);
    if (vector !== undefined) addrs.add(vector);
    if (!addrs.size) {
      // nothing to run to (no source anywhere, no caller): an instruction is all a step can safely do
      yield* oneInstruction(ctx, over);
      return { event: 'stopOnStep', args: [], message: `step: no line information and no caller at ${hex(startPc)}; stepped one instruction` };
    }
    const hit: { reason: 'line' | 'return' | 'syscall' | 'exit'; skip?: number } = { reason: 'line' };
    const sameFrame = () => {
      if (!start.fn || hart.pc < start.fn.start || hart.pc >= start.fn.end) return false;
      return start.cfa === undefined || cfaNow(ctx) === start.cfa;
    };
    const accept = (): boolean => {
      const pc = hart.pc;
      hit.skip = undefined;
      if (vector !== undefined && pc === vector && hart.priv === PRV_S) {
        // a trap from the stepped code: stop at the kernel's entry for its system calls (Step Into), or before
        // the program ends (any step); interrupts and page faults are served and the step goes on
        const fromUser = ((hart.csr(CSR_SSTATUS) >> 8n) & 1n) === 0n;
        if (!fromUser || hart.csr(CSR_SCAUSE) !== CAUSE_USER_ECALL) return false;
        const nr = Number(hart.x(17));
        if (target.exitSyscalls?.includes(nr)) { hit.reason = 'exit'; return true; }
        if (!over) { hit.reason = 'syscall'; return true; }
        return false;
      }
      if (start.ret && pc === start.ret.pc && hart.priv === start.ret.priv && (start.cfa === undefined || hart.x(2) >= start.cfa)) {
        hit.reason = 'return';
        return true;
      }
      hit.reason = 'line';
      if (sameFrame()) {
        // the same function's frame: inline frames decide as in gdb's process_event_stop_test
        const at = inlineAt(startModule, pc);
        const visible = at.chain.slice(0, at.chain.length - at.entries);
        const rel = chainRelation(visible, oChain);
        if (at.entries > 0 && rel === 'same') {
          // inlined calls begin here, called from the frame being stepped ("calls to inlined functions, part one")
          const fromThisLine = callLine(at.chain[at.chain.length - at.entries]) === oLine;
          if (over) {
            if (fromThisLine) return false; // Step Over runs through an inlined call on its own line
            hit.skip = at.entries; // and stops at a call site on another line
            return true;
          }
          hit.skip = fromThisLine ? at.entries - 1 : at.entries; // Step Into enters a call made on its line
          return true;
        }
        if (rel === 'deeper') {
          // inside an inlined call of the stepped frame ("part two"): Step Into stops, Step Over runs through
          if (over) return false;
          hit.skip = at.entries;
          return true;
        }
        if (!isLineStart(ctx, pc)) {
          // an inlined block ended mid-line: go on stepping from the line and frame the pc is in now (gdb's
          // set_step_info when it lands in the middle of a statement)
          if (rel !== 'same') {
            const loc = ctx.locationAt(pc);
            oChain = visible;
            oLine = loc?.line;
            oFile = loc?.file;
          }
          return false;
        }
        const loc = ctx.locationAt(pc)!;
        const sameLine = oLine !== undefined && loc.line === oLine && (oFile === undefined || loc.file === oFile);
        hit.skip = at.entries;
        return !sameLine;
      }
      // another frame: a line start of a function entered (Step Into only; Step Over runs through calls)
      if (over || !isLineStart(ctx, pc)) return false;
      return true;
    };
    const ok: boolean = yield { run: 'until', addrs: [...addrs], accept, maxSteps: STEP_LIMIT };
    if (!ok) return { event: 'stopOnStep', args: [], message: `step: no next line found within ${STEP_LIMIT.toLocaleString('en-US')} instructions; stopped at ${hex(hart.pc)}` };
    if (hit.reason === 'exit') return { event: 'stopOnStep', args: [], message: `step: the program is about to exit (system call ${hart.x(17)}); stopped at the kernel's trap entry` };
    if (hit.reason === 'syscall') return undefined;
    if (hit.reason === 'return') {
      // in the caller: mid-line in code with source (or at a row that is no statement start), finish that line
      // as a step of its own (gdb's step range); in code without lines the step ends here
      const loc = ctx.locationAt(hart.pc);
      if (loc && !isLineStart(ctx, hart.pc)) continue;
      return undefined;
    }
    // a line start: entering a function, stop after its prologue (where a breakpoint on it would stop)
    const m = ctx.moduleAt(hart.pc);
    const fn = m?.functionRange(hart.pc);
    if (m && fn && fn.start === hart.pc && !sameFrame()) {
      const body = m.afterPrologue(hart.pc);
      if (body !== hart.pc) yield { run: 'until', addrs: [body], priv: hart.priv, maxSteps: 10_000 };
      return undefined;
    }
    return hit.skip !== undefined ? { event: 'stopOnStep', args: [], inlineSkip: hit.skip } : undefined;
  }
  return { event: 'stopOnStep', args: [], message: 'step: gave up after 64 returns into lines without a line start' };
}

/** Instructions an assembly line step runs before it gives up. */
export const ASM_STEP_LIMIT = 100_000;

/**
 * A line step in assembly without sized functions (a whole system's entry.S): instruction by instruction until
 * the pc is at the start of another line (gdb's range stepping); calls are run through for Step Over and
 * entered for Step Into (a function with source stops after its prologue); leaving the privilege level (sret to
 * user mode) ends the step where it lands.
 */
function* assemblyLineStep(ctx: StepContext, over: boolean, from: ResolvedLocation): Job {
  const hart = ctx.hart;
  const priv = hart.priv;
  for (let n = 0; n < ASM_STEP_LIMIT; n++) {
    const pc = hart.pc;
    const d = hart.instructionAt(pc);
    if (over && d && isCall(d)) yield { run: 'until', addrs: [pc + BigInt(d.length)], spAtLeast: hart.x(2), priv };
    else yield { run: 'one' };
    if (hart.priv !== priv) return undefined;
    const now = hart.pc;
    if (!isLineStart(ctx, now)) continue;
    const loc = ctx.locationAt(now)!;
    if (loc.line === from.line && loc.file === from.file) continue;
    const m = ctx.moduleAt(now);
    const fn = m?.functionRange(now);
    if (m && fn && fn.start === now) {
      const body = m.afterPrologue(now);
      if (body !== now) yield { run: 'until', addrs: [body], priv: hart.priv, maxSteps: 10_000 };
    }
    return undefined;
  }
  return { event: 'stopOnStep', args: [], message: `step: no other line within ${ASM_STEP_LIMIT.toLocaleString('en-US')} instructions; stopped at ${hex(hart.pc)}` };
}

export function* stepOutJob(ctx: StepContext): Job {
  const hart = ctx.hart;
  const m = ctx.moduleAt(hart.pc);
  if (hart.priv !== PRV_U && ctx.target.capabilities.kernel && (m?.kind === 'kernel' || !m)) {
    // out of the kernel: until the sret back to user mode
    yield { run: 'until', privChangeTo: PRV_U };
    return undefined;
  }
  // Finish in an inline frame: until the pc leaves the inlined block (the top frame shown is inlined when fewer
  // inline frames are hidden than hold the pc)
  const inl = inlineAt(m, hart.pc);
  if (inl.chain.length > ctx.inlineSkip()) return yield* lineStepJob(ctx, true, true);
  const frames = ctx.stack(2);
  const caller = frames[1];
  // a whole system: the kernel's trap entry, taken from user mode (sstatus.SPP = U), has no kernel caller; out of
  // it is the sret back to user mode (through ret_from_exception)
  if (ctx.target.capabilities.system && hart.priv === PRV_S && (hart.csr(CSR_SSTATUS) & MSTATUS_SPP) === 0n &&
      (!caller || BigInt.asIntN(64, caller.pc) >= 0n)) {
    yield { run: 'until', privChangeTo: PRV_U };
    return undefined;
  }
  if (!caller) {
    yield { run: 'until', addrs: [hart.x(1)], priv: hart.priv };
    return undefined;
  }
  yield { run: 'until', addrs: [caller.pc], spAtLeast: caller.regs[2], priv: caller.priv };
  return undefined;
}
