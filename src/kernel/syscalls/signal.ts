// models kernel/signal.c's system calls: rt_sigaction, rt_sigprocmask, sigaltstack, kill, tkill, tgkill,
// and arch/riscv/kernel/signal.c's rt_sigreturn (the frame work is in ../signal.ts).
import type { LinuxProcess } from '../process';
import type { ThreadGroup } from '../task';
import { KernelError, EINVAL, EFAULT, ESRCH, ENOMEM, EAGAIN } from '../errno';
import { SIGKILL, SIGSTOP, SI_USER, SI_TKILL, SS_DISABLE, SS_ONSTACK, NSIG, sigBit, encodeSiginfo } from '../signal';

export function sysRtSigaction(p: LinuxProcess, a: bigint[]): bigint {
  const sig = Number(a[0]);
  if (sig < 1 || sig > NSIG || a[3] !== 8n) throw new KernelError(EINVAL);
  const old = p.signals.actions[sig];
  if (a[1] !== 0n) {
    if (sig === SIGKILL || sig === SIGSTOP) throw new KernelError(EINVAL);
    const b = p.mm.read(a[1], 24);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer);
    p.signals.actions[sig] = { handler: dv.getBigUint64(0, true), flags: dv.getBigUint64(8, true), mask: dv.getBigUint64(16, true) };
  }
  if (a[2] !== 0n) {
    const b = Buffer.alloc(24);
    b.writeBigUInt64LE(old.handler, 0); b.writeBigUInt64LE(old.flags, 8); b.writeBigUInt64LE(old.mask, 16);
    if (!p.mm.write(a[2], b)) throw new KernelError(EFAULT);
  }
  return 0n;
}

export function sysRtSigprocmask(p: LinuxProcess, a: bigint[]): bigint {
  if (a[3] !== 8n) throw new KernelError(EINVAL);
  const old = p.signals.blocked;
  if (a[1] !== 0n) {
    const set = p.mm.read64(a[1]);
    if (set === undefined) throw new KernelError(EFAULT);
    switch (Number(a[0])) {
      case 0: p.signals.setBlocked(old | set); break;
      case 1: p.signals.setBlocked(old & ~set); break;
      case 2: p.signals.setBlocked(set); break;
      default: throw new KernelError(EINVAL);
    }
  }
  if (a[2] !== 0n && !p.mm.write64(a[2], old)) throw new KernelError(EFAULT);
  return 0n;
}

export function sysSigaltstack(p: LinuxProcess, a: bigint[]): bigint {
  const st = p.signals.altStack;
  const onStack = p.signals.onAltStack(p.currentSp());
  if (a[1] !== 0n) {
    const b = Buffer.alloc(24);
    b.writeBigUInt64LE(st.sp, 0); b.writeInt32LE(st.flags === SS_DISABLE ? SS_DISABLE : onStack ? SS_ONSTACK : 0, 8); b.writeBigUInt64LE(st.size, 16);
    if (!p.mm.write(a[1], b)) throw new KernelError(EFAULT);
  }
  if (a[0] !== 0n) {
    const b = p.mm.read(a[0], 24);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer);
    const flags = dv.getInt32(8, true);
    if (onStack) throw new KernelError(1);
    if (flags & ~(SS_DISABLE | (1 << 31))) throw new KernelError(EINVAL);
    if (flags & SS_DISABLE) p.signals.altStack = { sp: 0n, size: 0n, flags: SS_DISABLE };
    else {
      const size = dv.getBigUint64(16, true);
      if (size < 2048n) throw new KernelError(ENOMEM);
      p.signals.altStack = { sp: dv.getBigUint64(0, true), size, flags: 0 };
    }
  }
  return 0n;
}

/** rt_sigpending: the signals pending for the thread or the process that it blocks. */
export function sysRtSigpending(p: LinuxProcess, a: bigint[]): bigint {
  if (a[1] > 8n) throw new KernelError(EINVAL);
  const st = p.signals;
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(st.pendingMask() & st.blocked);
  if (!p.mm.write(a[0], b.subarray(0, Number(a[1])))) throw new KernelError(EFAULT);
  return 0n;
}

/** rt_sigsuspend: wait with `mask` as the signal mask until a signal runs a handler (or ends the process); -EINTR.
 *  The caller's mask is what the handler's sigreturn restores (SignalState.savedMask). */
export function sysRtSigsuspend(p: LinuxProcess, a: bigint[]): bigint {
  if (a[1] !== 8n) throw new KernelError(EINVAL);
  const mask = p.mm.read64(a[0]);
  if (mask === undefined) throw new KernelError(EFAULT);
  const st = p.signals;
  st.savedMask = st.blocked;
  st.setBlocked(mask);
  return p.block({ what: 'rt_sigsuspend', check: () => undefined, restartable: false });
}

/** rt_sigtimedwait: take a pending signal of the set (blocked ones included), waiting up to the timeout (EAGAIN). */
export function sysRtSigtimedwait(p: LinuxProcess, a: bigint[]): bigint {
  if (a[3] !== 8n) throw new KernelError(EINVAL);
  const set = p.mm.read64(a[0]);
  if (set === undefined) throw new KernelError(EFAULT);
  const want = set & ~(sigBit(SIGKILL) | sigBit(SIGSTOP));
  let deadline: bigint | undefined;
  if (a[2]) {
    const ts = p.mm.read(a[2], 16);
    if (!ts) throw new KernelError(EFAULT);
    const dv = new DataView(ts.buffer, ts.byteOffset);
    const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
    if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) throw new KernelError(EINVAL);
    deadline = p.deadlineAfter(sec * 1_000_000_000n + nsec);
  }
  const st = p.signals, mm = p.mm, infoVa = a[1];
  const check = (): bigint | undefined => {
    const info = st.firstIn(want);
    if (!info) return undefined;
    st.take(info.signo);
    if (infoVa && !mm.write(infoVa, encodeSiginfo(info))) return BigInt(-EFAULT);
    return BigInt(info.signo);
  };
  return p.block({ what: 'rt_sigtimedwait', check, deadline, timeout: () => BigInt(-EAGAIN), restartable: false });
}

function checkSig(sig: number): void { if (sig < 0 || sig > NSIG) throw new KernelError(EINVAL); }

export function sysKill(p: LinuxProcess, a: bigint[]): bigint {
  const pid = Number(BigInt.asIntN(32, a[0])), sig = Number(a[1]);
  checkSig(sig);
  const info = { signo: sig, code: SI_USER, pid: p.pid, uid: 1000 };
  const me = p.current.group;
  // kill_something_info: one process (a zombie takes nothing), a process group, or every process but the caller
  let targets: ThreadGroup[];
  if (pid > 0) {
    const g = [...p.processes].find((x) => x.tgid === pid) ?? p.findTask(pid)?.group;
    if (!g) throw new KernelError(ESRCH);
    targets = [g];
  } else if (pid === -1) {
    targets = [...p.processes].filter((g) => g !== me);
    if (!targets.length) throw new KernelError(ESRCH);
  } else {
    if (pid === -0x80000000) throw new KernelError(ESRCH);
    const pgid = pid === 0 ? me.pgid : -pid;
    targets = [...p.processes].filter((g) => g.pgid === pgid);
    if (!targets.length) throw new KernelError(ESRCH);
  }
  if (sig) for (const g of targets) if (!g.exit) p.sendGroupSignal(g, info);
  return 0n;
}
export function sysTkill(p: LinuxProcess, a: bigint[]): bigint {
  const tid = Number(BigInt.asIntN(32, a[0])), sig = Number(a[1]);
  checkSig(sig);
  if (tid <= 0) throw new KernelError(EINVAL);
  const t = p.findTask(tid);
  if (!t) throw new KernelError(ESRCH);
  if (sig) p.sendTaskSignal(t, { signo: sig, code: SI_TKILL, pid: p.pid, uid: 1000 });
  return 0n;
}
export function sysTgkill(p: LinuxProcess, a: bigint[]): bigint {
  const tgid = Number(BigInt.asIntN(32, a[0])), tid = Number(BigInt.asIntN(32, a[1]));
  if (tgid <= 0 || tid <= 0) throw new KernelError(EINVAL);
  const t = p.findTask(tid);
  if (!t || t.tgid !== tgid) throw new KernelError(ESRCH);
  return sysTkill(p, [a[1], a[2]]);
}
