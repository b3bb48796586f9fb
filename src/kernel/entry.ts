// models arch/riscv/kernel/entry.S's C side and arch/riscv/kernel/traps.c: the host end of the "handle trap"
// hypercall (docs/kernel-entry.md). The guest's trap entry saved struct pt_regs and did an S-mode ecall,
// which the hart returns to us as an Exit of kind 'sbi'. We read scause from the frame and dispatch:
// a system call (do_trap_ecall_u), a timer interrupt (the tick), a page fault (do_page_fault) or another
// exception (do_trap_*: a signal). Then the scheduler may switch to another task (the frame is swapped in
// place), pending signals are delivered (do_notify_resume), and the
// hypercall returns a0 = 0, a1 = 0 with pc past the ecall, so ret_from_exception restores the frame.
import { RAM_BASE, type Hart } from '../hart/hart';
import {
  SSTATUS_SPP, IRQ_S_TIMER, CAUSE_USER_ECALL, CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE,
} from '../isa/encoding.generated';
import { PT_REGS, ENTRY_LINK_BASE, VLAB_SBI_EXT, VLAB_FN_HANDLE_TRAP } from '../guest/kernel/entrySymbols.generated';

/** Where entry.elf's first byte lives in guest physical memory: the start of RAM. */
export const ENTRY_PHYS_BASE = RAM_BASE;

const SPP = Number(SSTATUS_SPP);

/** A view of the struct pt_regs frame the trap entry built (read and written in guest physical memory). */
export class PtRegs {
  /** The frame's place in the core's memory (RAM-checked once: every system call reads it many times). */
  private readonly off: number;
  constructor(private readonly hart: Hart, readonly pa: bigint) { this.off = hart.ramOffset(pa, PT_REGS.PT_SIZE_ON_STACK); }
  private get(off: number): bigint { return this.hart.readRam64(this.off + off); }
  private set(off: number, v: bigint): void { this.hart.writeRam64(this.off + off, v); }
  /** x1..x31 as saved (slot i of pt_regs is x_i; slot 0 is epc). */
  x(i: number): bigint { return i === 0 ? 0n : this.get(i * 8); }
  setX(i: number, v: bigint): void { if (i !== 0) this.set(i * 8, v); }
  /** x_i = v for 0 <= v < 2^32 (no BigInt: most system calls' results). */
  setXSmall(i: number, v: number): void {
    if (i === 0) return;
    this.hart.writeRam32(this.off + i * 8, v);
    this.hart.writeRam32(this.off + i * 8 + 4, 0);
  }
  /** x_i as a number when it is below 2^32, else -1 (no BigInt: a7 of every system call). */
  xSmall(i: number): number {
    if (i === 0) return 0;
    return this.hart.readRam32(this.off + i * 8 + 4) === 0 ? this.hart.readRam32(this.off + i * 8) : -1;
  }
  /** The system-call arguments a0..a5 as saved, the first `n` read and the rest 0n. */
  args(n: number): bigint[] {
    const r: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
    for (let i = 0; i < n; i++) r[i] = this.get((10 + i) * 8);
    return r;
  }
  get epc(): bigint { return this.get(PT_REGS.PT_EPC); }
  set epc(v: bigint) { this.set(PT_REGS.PT_EPC, v); }
  get status(): bigint { return this.get(PT_REGS.PT_STATUS); }
  set status(v: bigint) { this.set(PT_REGS.PT_STATUS, v); }
  get badaddr(): bigint { return this.get(PT_REGS.PT_BADADDR); }
  get cause(): bigint { return this.get(PT_REGS.PT_CAUSE); }
  /** scause's interrupt bit (63) and exception code, without BigInt (every trap reads them); a code that does
   * not fit 31 bits (none is defined) reads as -1. */
  get causeInterrupt(): boolean { return (this.hart.readRam32(this.off + PT_REGS.PT_CAUSE + 4) & 0x80000000) !== 0; }
  get causeCode(): number {
    const lo = this.hart.readRam32(this.off + PT_REGS.PT_CAUSE), hi = this.hart.readRam32(this.off + PT_REGS.PT_CAUSE + 4);
    return (hi & 0x7fffffff) === 0 && lo <= 0x7fffffff ? lo : -1;
  }
  /** status.SPP: the trap came from S-mode. */
  get fromSupervisor(): boolean { return (this.hart.readRam32(this.off + PT_REGS.PT_STATUS) & SPP) !== 0; }
  /** epc += n (0 <= n < 2^32), in 32-bit halves: past the ecall of a system call. */
  advanceEpc(n: number): void {
    const o = this.off + PT_REGS.PT_EPC;
    const lo = this.hart.readRam32(o) + n;
    this.hart.writeRam32(o, lo);
    if (lo > 0xffffffff) this.hart.writeRam32(o + 4, this.hart.readRam32(o + 4) + 1);
  }
  get origA0(): bigint { return this.get(PT_REGS.PT_ORIG_A0); }
  /** The frame as an array: [epc, x1..x31] (user_regs_struct order). */
  all(): bigint[] { return Array.from({ length: 32 }, (_, i) => this.get(i * 8)); }
}

/** Kernel virtual address of the frame (a0 of the hypercall) to its physical address. */
export function framePhys(va: bigint): bigint { return va - ENTRY_LINK_BASE + ENTRY_PHYS_BASE; }

/**
 * The frame a hypercall's a0 points at. Every trap of a task builds its frame at the same place (the top of its
 * kernel stack), so the last one is kept and reused while a0 is the same (compared in 32-bit halves): a system
 * call allocates no PtRegs and converts no address.
 */
export class FrameCache {
  private lo = -1;
  private hi = -1;
  private regs: PtRegs | undefined;
  constructor(private readonly hart: Hart) {}
  /** The frame at a0 of the current hypercall. */
  current(): PtRegs {
    const lo = this.hart.xLo(10), hi = this.hart.xHi(10);
    if (this.regs !== undefined && lo === this.lo && hi === this.hi) return this.regs;
    const regs = new PtRegs(this.hart, framePhys(this.hart.x(10)));
    this.regs = regs;
    this.lo = lo;
    this.hi = hi;
    return regs;
  }
}

export interface TrapHandler {
  syscall(regs: PtRegs): 'done' | 'noreturn' | 'restored';
  tick(regs: PtRegs): void;
  pageFault(regs: PtRegs, code: number): void;
  exception(regs: PtRegs, code: number): void;
  /** Pick the task to return to (it may switch the frame to another task's). */
  schedule(regs: PtRegs): void;
  /** Deliver pending signals before returning to user mode; 'stop' = report to the debugger first. */
  deliverSignals(regs: PtRegs): 'ok' | 'stop';
  hasEnded(): boolean;
}

export type HypercallResult = 'resume' | 'ended' | 'stop-signal' | { error: string };

/**
 * Serve one "handle trap" hypercall. The hart is stopped at the S-mode ecall in handle_trap_hypercall. `frames`
 * keeps the frame of the last one (a new PtRegs when absent).
 */
export function handleHypercall(hart: Hart, k: TrapHandler, frames?: FrameCache): HypercallResult {
  if (!hart.xIs(17, VLAB_SBI_EXT) || !hart.xIs(16, VLAB_FN_HANDLE_TRAP)) {
    return { error: `unknown SBI call a7=0x${hart.x(17).toString(16)} a6=${hart.x(16)} at pc 0x${hart.pc.toString(16)}` };
  }
  const regs = frames ? frames.current() : new PtRegs(hart, framePhys(hart.x(10)));
  const interrupt = regs.causeInterrupt;
  const code = regs.causeCode;
  if (regs.fromSupervisor) {
    return { error: `trap from S-mode (scause 0x${regs.cause.toString(16)}, sepc 0x${regs.epc.toString(16)}, stval 0x${regs.badaddr.toString(16)})` };
  }
  if (interrupt) {
    if (code === IRQ_S_TIMER) k.tick(regs);
  } else if (code === CAUSE_USER_ECALL) {
    const r = k.syscall(regs);
    if (r === 'noreturn' || k.hasEnded()) return 'ended';
  } else if (code === CAUSE_FETCH_PAGE || code === CAUSE_LOAD_PAGE || code === CAUSE_STORE_PAGE) {
    k.pageFault(regs, code);
  } else {
    k.exception(regs, code);
  }
  if (k.hasEnded()) return 'ended';
  k.schedule(regs);
  if (k.hasEnded()) return 'ended';
  if (k.deliverSignals(regs) === 'stop') return 'stop-signal';
  if (k.hasEnded()) return 'ended';
  return 'resume';
}

/** Return from the hypercall: SBI success, resume this frame, continue after the ecall. */
export function finishHypercall(hart: Hart): void {
  hart.setXSmall(10, 0);
  hart.setXSmall(11, 0);
  hart.advancePc(4);
}
