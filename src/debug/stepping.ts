// Stepping: each debugger action is a job, a generator that asks the runtime to run (one instruction, or until
// a temporary breakpoint / a privilege change) and looks at where the hart is after each request. The runtime
// (runtime.ts) drives the jobs in slices and turns their result into a stop event.
import { PRV_U, type Hart } from '../hart/hart';
import { opIndex } from '../isa/decode';
import type { DebugModule, ResolvedLocation } from './modules';
import type { Target } from './target';
import type { Frame } from './unwind';
import { instructionAt, isCall } from './code';

export type RunReq =
  | { run: 'one' }
  | { run: 'until'; addrs?: bigint[]; spAtLeast?: bigint; priv?: number; privChangeTo?: number };

export type StopEvent = { event: string; args: unknown[] };
export type Job = Generator<RunReq, StopEvent | undefined, boolean>;

/** What a job looks at between its run requests. */
export interface StepContext {
  readonly hart: Hart;
  readonly target: Target;
  locationAt(pc: bigint): ResolvedLocation | undefined;
  moduleAt(addr: bigint): DebugModule | undefined;
  stack(max?: number): Frame[];
}

const OP_ECALL = opIndex('ecall');

export function* continueJob(): Job {
  yield { run: 'until' };
  return undefined;
}

/** One instruction, or over a call / a system call for `next`. */
function* oneInstruction(ctx: StepContext, over: boolean): Generator<RunReq, void, boolean> {
  const hart = ctx.hart;
  const pc = hart.pc;
  const d = instructionAt(hart, pc);
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
  return undefined;
}

export function* lineStepJob(ctx: StepContext, over: boolean): Job {
  const hart = ctx.hart;
  const startLoc = ctx.locationAt(hart.pc);
  if (!startLoc) {
    yield* oneInstruction(ctx, over);
    return undefined;
  }
  const startPriv = hart.priv;
  for (let n = 0; ; n++) {
    const pc = hart.pc;
    const d = instructionAt(hart, pc);
    const wasCall = isCall(d);
    const spBefore = hart.x(2);
    yield* oneInstruction(ctx, over);
    const now = hart.pc;
    if (hart.priv !== startPriv) {
      // entered or left the kernel: stop if there is source here (the trap entry has its line table)
      if (ctx.locationAt(now)) return undefined;
      continue;
    }
    const loc = ctx.locationAt(now);
    if (!loc) {
      if (!over && wasCall) {
        // a function without line info: run until it returns
        yield { run: 'until', addrs: [pc + BigInt(d!.length)], spAtLeast: spBefore, priv: hart.priv };
      }
      continue;
    }
    if (loc.address !== now) continue; // mid-line (e.g. back from a call): go on to a line start
    if (loc.line !== startLoc.line || loc.file !== startLoc.file) return undefined;
  }
}

export function* stepOutJob(ctx: StepContext): Job {
  const hart = ctx.hart;
  const m = ctx.moduleAt(hart.pc);
  if (hart.priv !== PRV_U && ctx.target.capabilities.kernel && (m?.kind === 'kernel' || !m)) {
    // out of the kernel: until the sret back to user mode
    yield { run: 'until', privChangeTo: PRV_U };
    return undefined;
  }
  const frames = ctx.stack(2);
  const caller = frames[1];
  if (!caller) {
    yield { run: 'until', addrs: [hart.x(1)], priv: hart.priv };
    return undefined;
  }
  yield { run: 'until', addrs: [caller.pc], spAtLeast: caller.regs[2], priv: caller.priv };
  return undefined;
}
