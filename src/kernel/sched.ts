// models kernel/sched/core.c on one hart: the run queue (round-robin, the timer tick is the slice), schedule()
// picking the next runnable task, context_switch (the U-mode pt_regs frame and FP state swapped in place, satp
// switched with the address space), and idling: when every task waits, guest time jumps to the earliest deadline
// (virtual time) or the host sleeps until it (host time); when no wait has a deadline and nothing can wake one,
// that is a deadlock, reported with what each task waits on, never a busy loop.
import type { Hart } from '../hart/hart';
import { PT_REGS } from '../guest/kernel/entrySymbols.generated';
import type { SavedContext, Task } from './task';

import { CSR_FCSR as FCSR, CSR_SATP as SATP } from '../isa/encoding.generated';

/** Thrown by a system call that must wait (LinuxProcess.block): the task sleeps, the call completes later. */
export class Blocked {
  readonly blocked = true;
}

/** Save the frame at `framePa` and the FP registers. */
export function saveContext(hart: Hart, framePa: bigint): SavedContext {
  const frame = new Uint8Array(hart.physView(framePa, PT_REGS.PT_SIZE_ON_STACK));
  const f: bigint[] = [];
  for (let i = 0; i < 32; i++) f.push(hart.f(i));
  return { frame, f, fcsr: hart.csr(FCSR) };
}

/** Put a saved context back on the hart: its frame at `framePa`, its FP registers. */
export function loadContext(hart: Hart, framePa: bigint, ctx: SavedContext): void {
  hart.writePhys(framePa, ctx.frame, false);
  for (let i = 0; i < 32; i++) hart.setF(i, ctx.f[i]);
  hart.setCsr(FCSR, ctx.fcsr);
}

/** Registers of a saved frame (x1..x31; 0 = epc), for a task not on the hart. */
export function ctxReg(ctx: SavedContext, i: number): bigint {
  return new DataView(ctx.frame.buffer, ctx.frame.byteOffset).getBigUint64(i * 8, true);
}
export function setCtxReg(ctx: SavedContext, i: number, v: bigint): void {
  new DataView(ctx.frame.buffer, ctx.frame.byteOffset).setBigUint64(i * 8, BigInt.asUintN(64, v), true);
}

/** Switch the hart from `prev` (saved unless dead) to `next` (its saved context loaded). */
export function contextSwitch(hart: Hart, framePa: bigint, prev: Task, next: Task): void {
  if (prev === next) return;
  if (prev.state !== 'dead') prev.ctx = saveContext(hart, framePa);
  loadContext(hart, framePa, next.ctx!);
  next.ctx = undefined;
  if (prev.mm !== next.mm) {
    hart.setCsr(SATP, next.mm.pt.satp);
    hart.flushTlbs();
    hart.invalidateCode();
  }
}

/** The run queue order: the tasks after `current`, then `current` itself last. */
export function roundRobin(tasks: Task[], current: Task): Task[] {
  const i = tasks.indexOf(current);
  return i < 0 ? [...tasks] : [...tasks.slice(i + 1), ...tasks.slice(0, i + 1)];
}
