// Unwinding: the call stack at a stop, innermost first. Per module: DWARF CFI (.eh_frame/.debug_frame), else
// a prologue scan (much of static glibc has no CFI); the kernel's trap entry leads to the user context the trap
// interrupted, which the kernel model gives (Target.userContext), so this file knows nothing of entry.S. A signal
// trampoline's frame leads to the context the signal interrupted (struct rt_sigframe, as gdb's sigtramp unwinder).
import { PRV_U, type Hart } from '../hart/hart';
import { opIndex } from '../isa/decode';
import type { DebugModule, ResolvedLocation } from './modules';
import type { UserContext } from '../kernel/api';
import { isControlTransfer } from './code';
import { RT_SIGFRAME_REGS } from '../kernel/signal';

/** The name gdb gives the frame of a signal trampoline. */
export const SIGNAL_FRAME_NAME = '<signal handler called>';

export interface Frame {
  index: number;
  pc: bigint;
  /** x0..x31 as known in this frame (undefined = not recovered). */
  regs: (bigint | undefined)[];
  priv: number;
  module?: DebugModule;
  name: string;
  location?: ResolvedLocation;
  /** A frame of another thread than the one on the hart (its registers come from its saved context). */
  thread?: number;
  /** That thread's f0..f31 and fcsr as saved (frames of the thread on the hart read the hart's). */
  f?: bigint[];
  fcsr?: bigint;
  /** Inline frames (see cframe.ts withInlineFrames): 0 = the innermost inlined function at this pc. */
  inlineDepth?: number;
  /** The index of the physical frame an inline frame belongs to. */
  physical?: number;
}

/** What the unwinder reads: the stopped hart, modules, and the kernel's answer for trap frames. */
export interface UnwindContext {
  readonly hart: Hart;
  moduleAt(addr: bigint): DebugModule | undefined;
  readU64(addr: bigint): bigint | undefined;
  /** The interrupted user context while in the kernel's trap entry (absent: no kernel). */
  userContext?(): UserContext | undefined;
  /** Unwind from these registers instead of the hart's (a thread that is not on the hart). */
  start?: { pc: bigint; regs: (bigint | undefined)[]; priv: number };
}

const OP_ADDI = opIndex('addi');
const OP_SD = opIndex('sd');
const hex = (v: bigint) => '0x' + v.toString(16);

export function unwindStack(ctx: UnwindContext, max = 64): Frame[] {
  const hart = ctx.hart;
  const frames: Frame[] = [];
  let regs: (bigint | undefined)[] = ctx.start ? [...ctx.start.regs] : Array.from({ length: 32 }, (_, i) => hart.x(i));
  let pc = ctx.start ? ctx.start.pc : hart.pc;
  let priv = ctx.start ? ctx.start.priv : hart.priv;
  let returnAddress = false;
  for (let i = 0; i < max; i++) {
    const m = ctx.moduleAt(pc);
    // a handler's return address is a signal trampoline (an FDE marked 'S', as __vdso_rt_sigreturn): the frame
    // below is the context the signal interrupted, saved in the struct rt_sigframe at sp (Linux's user ABI)
    if (returnAddress && m?.cfi?.findFde(pc)?.cie.signalFrame) {
      frames.push({ index: i, pc, regs, priv, module: m, name: SIGNAL_FRAME_NAME });
      const sp = regs[2];
      if (sp === undefined) break;
      const base = sp + BigInt(RT_SIGFRAME_REGS);
      const saved = Array.from({ length: 32 }, (_, n) => ctx.readU64(base + BigInt(8 * n)));
      if (saved[0] === undefined) break;
      pc = saved[0];
      regs = [0n, ...saved.slice(1)];
      returnAddress = false;
      continue;
    }
    const lookup = returnAddress ? pc - 1n : pc;
    const loc = m?.addressToLine(lookup);
    frames.push({ index: i, pc, regs, priv, module: m, name: m?.functionName(lookup) ?? hex(pc), location: loc && returnAddress ? { ...loc } : loc });
    if (m?.kind === 'kernel' && ctx.userContext) {
      const user = ctx.userContext();
      if (!user) break;
      regs = user.regs;
      pc = user.pc;
      priv = PRV_U;
      returnAddress = false;
      continue;
    }
    if (!m) break;
    const cur = regs;
    let r;
    try {
      r = m.cfi?.unwindStep(pc, (n) => (n < 32 ? cur[n] ?? 0n : 0n), (a) => {
        const v = ctx.readU64(a);
        if (v === undefined) throw new Error(`unreadable ${hex(a)}`);
        return v;
      }, lookup);
    } catch { r = undefined; }
    let next: (bigint | undefined)[];
    let callerPc: bigint | undefined;
    if (r) {
      next = [...cur];
      for (const [n, v] of r.regs) if (n < 32) next[n] = v;
      next[2] = r.cfa;
      callerPc = r.pc;
    } else {
      // no CFI here (much of static glibc has none): read the prologue, as gdb's riscv_scan_prologue does
      const p = prologueUnwind(ctx, m, pc, lookup, cur, !returnAddress);
      if (!p) break;
      next = p.regs;
      callerPc = p.pc;
    }
    if (callerPc === undefined || callerPc === 0n || (callerPc === pc && next[2] === cur[2])) break;
    regs = next;
    pc = callerPc;
    returnAddress = true;
  }
  return frames;
}

/**
 * Unwind one frame without CFI: scan the function's prologue up to pc for `addi sp,sp,-N` and the saves
 * of ra and s0 (`sd ra,off(sp)`). Without a save of ra the function is a leaf: ra is still live (frame 0 only).
 * The scan runs over branches (GCC shrink-wraps: a test may come before the frame is made); when the return
 * address that gives is no code, the stores it counted were a cold path's (glibc's call to __libc_fatal after a
 * system call, laid out before pc), and the prologue is taken to end at the first jump or branch instead.
 */
function prologueUnwind(ctx: UnwindContext, m: DebugModule, pc: bigint, lookup: bigint, regs: (bigint | undefined)[], innermost: boolean): { pc: bigint | undefined; regs: (bigint | undefined)[] } | undefined {
  const overBranches = prologueScan(ctx, m, pc, lookup, regs, innermost, false);
  const ra = overBranches?.pc;
  if (ra !== undefined && ctx.moduleAt(ra)?.symbols.functionAt(ra) !== undefined) return overBranches;
  return prologueScan(ctx, m, pc, lookup, regs, innermost, true) ?? overBranches;
}

function prologueScan(ctx: UnwindContext, m: DebugModule, pc: bigint, lookup: bigint, regs: (bigint | undefined)[], innermost: boolean, straight: boolean): { pc: bigint | undefined; regs: (bigint | undefined)[] } | undefined {
  const fn = m.symbols.functionAt(lookup);
  const sp = regs[2];
  if (!fn || sp === undefined) return undefined;
  let frame = 0n;
  let raOff: bigint | undefined, s0Off: bigint | undefined;
  for (let a = fn.address, n = 0; a < pc && n < 64; n++) {
    const d = ctx.hart.instructionAt(a);
    if (!d || (straight && isControlTransfer(d))) break;
    if (d.op === OP_ADDI && d.rd === 2 && d.rs1 === 2 && d.imm < 0) frame += BigInt(-d.imm);
    else if (d.op === OP_SD && d.rs1 === 2 && d.rs2 === 1 && raOff === undefined) raOff = BigInt(d.imm) - frame;
    else if (d.op === OP_SD && d.rs1 === 2 && d.rs2 === 8 && s0Off === undefined) s0Off = BigInt(d.imm) - frame;
    a += BigInt(d.length);
  }
  const cfa = sp + frame;
  const next = [...regs];
  next[2] = cfa;
  if (raOff !== undefined) next[1] = ctx.readU64(cfa + raOff);
  else if (!innermost) return undefined;
  if (s0Off !== undefined) next[8] = ctx.readU64(cfa + s0Off);
  return { pc: next[1], regs: next };
}
