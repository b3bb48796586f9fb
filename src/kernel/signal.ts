// models arch/riscv/kernel/signal.c (setup_rt_frame, sys_rt_sigreturn, do_signal) and kernel/signal.c
// (sigaction, sigprocmask, pending signals, default actions, force_sig_fault). The frame is riscv Linux's
// struct rt_sigframe { struct siginfo info; struct ucontext uc; } (1088 bytes, 16-byte aligned):
//   info 0 (128 bytes) | uc 128: uc_flags +0, uc_link +8, uc_stack +16 (ss_sp, ss_flags, ss_size),
//   uc_sigmask +40 (8 bytes, 120 unused), uc_mcontext +176: sc_regs (pc, x1..x31) then the D state
//   (f0..f31, fcsr) at +256 of it. The handler returns to __vdso_rt_sigreturn (ra), which ecalls 139.
import type { Hart } from '../hart/hart';
import type { MM } from './mm';
import type { PtRegs } from './entry';
import { CSR_FCSR } from '../isa/encoding.generated';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
  SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16,
  SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24,
  SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
export const NSIG = 64;

const NAMES = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN',
  'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS'];
export function signalName(sig: number): string {
  if (sig > 0 && sig < NAMES.length) return NAMES[sig];
  if (sig >= 32 && sig <= 64) return sig === 64 ? 'SIGRTMAX' : `SIGRT_${sig - 32}`;
  return `signal ${sig}`;
}

export const SA_SIGINFO = 4n, SA_ONSTACK = 0x08000000n, SA_RESTART = 0x10000000n, SA_NODEFER = 0x40000000n,
  SA_RESETHAND = 0x80000000n, SA_RESTORER = 0x04000000n;
export const SIG_DFL = 0n, SIG_IGN = 1n;
export const SS_ONSTACK = 1, SS_DISABLE = 2;

// si_code values
export const SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, ILL_ILLOPC = 1, TRAP_BRKPT = 1;

export const RT_SIGFRAME_SIZE = 1088;
export const SIGINFO_SIZE = 128;
const UC = SIGINFO_SIZE;
const UC_STACK = UC + 16, UC_SIGMASK = UC + 40, UC_MCONTEXT = UC + 176;
/** Where struct rt_sigframe keeps the interrupted registers (sc_regs: pc, x1..x31): what an unwinder reads. */
export const RT_SIGFRAME_REGS = UC_MCONTEXT;
const SC_FP = UC_MCONTEXT + 256, SC_FCSR = SC_FP + 256;

/** The signals whose default action stops the process (job control). */
export const STOP_SIGNALS = [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU];
export function isStopSignal(sig: number): boolean { return STOP_SIGNALS.includes(sig); }
export const SA_NOCLDSTOP = 1n;

type Default = 'term' | 'core' | 'ign' | 'stop';
export function defaultAction(sig: number): Default {
  if ([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS].includes(sig)) return 'core';
  if ([SIGCHLD, SIGCONT, SIGURG, SIGWINCH].includes(sig)) return 'ign';
  if ([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU].includes(sig)) return 'stop';
  return 'term';
}

export interface SigAction { handler: bigint; flags: bigint; mask: bigint; }
export interface SigInfo { signo: number; code: number; errno?: number; pid?: number; uid?: number; addr?: bigint; /** SIGCHLD: si_status. */ status?: number; }

export function sigBit(sig: number): bigint { return 1n << BigInt(sig - 1); }
const UNBLOCKABLE = sigBit(SIGKILL) | sigBit(SIGSTOP);

export function encodeSiginfo(i: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, i.signo, true);
  dv.setInt32(4, i.errno ?? 0, true);
  dv.setInt32(8, i.code, true);
  if (i.addr !== undefined) dv.setBigUint64(16, i.addr, true);
  else { dv.setInt32(16, i.pid ?? 0, true); dv.setInt32(20, i.uid ?? 0, true); }
  if (i.status !== undefined) dv.setInt32(24, i.status, true);
  return b;
}

/** Per-process signal state (task_struct's sighand, blocked, pending, sas_ss_*). */
export class SignalState {
  actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0n, mask: 0n }));
  blocked = 0n;
  /** Signals sent to this thread (tkill, faults). */
  readonly pending = new Map<number, SigInfo>();
  /** Signals sent to the process that every thread blocked (signal_struct's shared_pending): the threads of a
   *  process share this map; any of them takes one when it unblocks it or waits for it (sigwait). */
  shared = new Map<number, SigInfo>();
  /** rt_sigsuspend's caller's mask, put in the signal frame (so sigreturn restores it) or back after the call. */
  savedMask?: bigint;
  altStack = { sp: 0n, size: 0n, flags: SS_DISABLE };

  setBlocked(mask: bigint): void { this.blocked = mask & ~UNBLOCKABLE & ((1n << 64n) - 1n); }

  send(info: SigInfo): void {
    if (!this.pending.has(info.signo)) this.pending.set(info.signo, info);
  }

  /** The next deliverable signal (lowest number first; the thread's own before the process's), or undefined. */
  next(): SigInfo | undefined {
    if (this.pending.size === 0 && this.shared.size === 0) return undefined; // every system call asks
    for (const q of [this.pending, this.shared]) {
      for (const [sig, info] of [...q].sort((a, b) => a[0] - b[0])) {
        if (this.blocked & sigBit(sig)) continue;
        return info;
      }
    }
    return undefined;
  }

  /** The lowest pending signal (own or the process's) in `mask`, blocked or not. */
  firstIn(mask: bigint): SigInfo | undefined {
    let best: SigInfo | undefined;
    for (const q of [this.pending, this.shared]) {
      for (const [sig, info] of q) if ((mask & sigBit(sig)) && (!best || sig < best.signo)) best = info;
    }
    return best;
  }

  /** Dequeue `signo` (the thread's own first, else the process's). */
  take(signo: number): SigInfo | undefined {
    const own = this.pending.get(signo);
    if (own) { this.pending.delete(signo); return own; }
    const sh = this.shared.get(signo);
    if (sh) this.shared.delete(signo);
    return sh;
  }

  /** Every pending signal number, the thread's and the process's. */
  pendingMask(): bigint {
    let m = 0n;
    for (const q of [this.pending, this.shared]) for (const sig of q.keys()) m |= sigBit(sig);
    return m;
  }

  onAltStack(sp: bigint): boolean { return sp > this.altStack.sp && sp - this.altStack.sp <= this.altStack.size; }
}

/** setup_rt_frame + the register changes of handle_signal. */
export function setupRtFrame(hart: Hart, mm: MM, st: SignalState, regs: PtRegs, info: SigInfo, act: SigAction, sigreturn: bigint): boolean {
  let sp = regs.x(2);
  const onStack = st.onAltStack(sp);
  if ((act.flags & SA_ONSTACK) && st.altStack.flags !== SS_DISABLE && !onStack) sp = st.altStack.sp + st.altStack.size;
  const frame = (sp - BigInt(RT_SIGFRAME_SIZE)) & ~15n;
  const b = new Uint8Array(RT_SIGFRAME_SIZE);
  const dv = new DataView(b.buffer);
  b.set(encodeSiginfo(info), 0);
  dv.setBigUint64(UC_STACK, st.altStack.sp, true);
  dv.setInt32(UC_STACK + 8, st.altStack.flags === SS_DISABLE ? SS_DISABLE : onStack ? SS_ONSTACK : 0, true);
  dv.setBigUint64(UC_STACK + 16, st.altStack.size, true);
  // the mask sigreturn restores: the one before rt_sigsuspend when the handler interrupts it
  dv.setBigUint64(UC_SIGMASK, st.savedMask ?? st.blocked, true);
  st.savedMask = undefined;
  dv.setBigUint64(UC_MCONTEXT, regs.epc, true);
  for (let i = 1; i < 32; i++) dv.setBigUint64(UC_MCONTEXT + i * 8, regs.x(i), true);
  for (let i = 0; i < 32; i++) dv.setBigUint64(SC_FP + i * 8, hart.f(i), true);
  dv.setUint32(SC_FCSR, Number(hart.csr(CSR_FCSR) & 0xffn), true);
  if (!mm.write(frame, b)) return false;
  regs.epc = act.handler;
  regs.setX(2, frame);
  regs.setX(1, sigreturn);
  regs.setX(10, BigInt(info.signo));
  regs.setX(11, frame);
  regs.setX(12, frame + BigInt(UC));
  let blocked = st.blocked | act.mask;
  if (!(act.flags & SA_NODEFER)) blocked |= sigBit(info.signo);
  st.setBlocked(blocked);
  if (act.flags & SA_RESETHAND) st.actions[info.signo] = { handler: SIG_DFL, flags: 0n, mask: 0n };
  return true;
}

/** sys_rt_sigreturn: restore registers, FP state and the signal mask from the frame at sp. */
export function restoreRtFrame(hart: Hart, mm: MM, st: SignalState, regs: PtRegs): boolean {
  const frame = regs.x(2);
  const b = mm.read(frame, RT_SIGFRAME_SIZE);
  if (!b) return false;
  const dv = new DataView(b.buffer);
  st.setBlocked(dv.getBigUint64(UC_SIGMASK, true));
  regs.epc = dv.getBigUint64(UC_MCONTEXT, true);
  for (let i = 1; i < 32; i++) regs.setX(i, dv.getBigUint64(UC_MCONTEXT + i * 8, true));
  for (let i = 0; i < 32; i++) hart.setF(i, dv.getBigUint64(SC_FP + i * 8, true));
  hart.setCsr(CSR_FCSR, BigInt(dv.getUint32(SC_FCSR, true) & 0xff));
  return true;
}
