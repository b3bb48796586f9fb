// models kernel/fork.c (copy_process, kernel_clone, sys_clone, sys_clone3, fork/vfork): a new task that shares or
// copies its parent's address space (CLONE_VM; without it dup_mmap copies it copy-on-write, mm.ts), files
// (CLONE_FILES), signal handlers (CLONE_SIGHAND) and thread group (CLONE_THREAD; without it a new process, a
// child of the caller's or, with CLONE_PARENT, of its parent, in the same process group and session), starts
// from a copy of the parent's registers with a0 = 0 (its own stack with a new sp, CLONE_SETTLS's tp), and the
// tid words (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID). CLONE_VFORK: the parent sleeps until
// the child execs or exits.
import type { LinuxProcess } from './process';
import { Files, Task } from './task';
import { saveContext, setCtxReg, ctxReg } from './sched';
import { SignalState } from './signal';
import { KernelError, EINVAL, EFAULT, EPERM, EAGAIN } from './errno';
import { defaultNproc, RLIMIT_NPROC } from './limits';
import { PT_REGS } from '../guest/kernel/entrySymbols.generated';
import { pidfdCreate } from './pid';
import { sysClose } from './syscalls/fs';

export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000,
  CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000,
  CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
  CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000, CLONE_NEWCGROUP = 0x2000000,
  CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
  CLONE_NEWNET = 0x40000000, CLONE_IO = 0x80000000;
const NAMESPACES = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

export interface CloneArgs {
  flags: number;
  exitSignal: number;
  /** New stack pointer (0 = the parent's). */
  stack: bigint;
  parentTid: bigint;
  childTid: bigint;
  tls: bigint;
  /** CLONE_PIDFD: where the pidfd goes (clone: parent_tid, so not with CLONE_PARENT_SETTID; clone3: its own field). */
  pidfd?: bigint;
  pidfdShared?: boolean;
}

/** kernel_clone: the new task's tid, in the parent. */
export function kernelClone(p: LinuxProcess, c: CloneArgs): bigint {
  const f = c.flags;
  if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND)) throw new KernelError(EINVAL);
  if ((f & CLONE_SIGHAND) && !(f & CLONE_VM)) throw new KernelError(EINVAL);
  if (f & NAMESPACES) {
    p.warn('clone with new namespaces (CLONE_NEW*) is not modelled: returning -EPERM');
    throw new KernelError(EPERM);
  }
  // CLONE_PIDFD: a pidfd for the child in *pidfd (clone's is parent_tid: not with CLONE_PARENT_SETTID); no thread
  if ((f & CLONE_PIDFD) && ((f & CLONE_THREAD) || (f & CLONE_DETACHED) || (c.pidfdShared && (f & CLONE_PARENT_SETTID)))) throw new KernelError(EINVAL);
  const parent = p.current;
  if ((f & CLONE_PARENT) && (p.isInit(parent.group) || parent.group.parent === undefined) && !(f & CLONE_THREAD)) throw new KernelError(EINVAL);
  // copy_process: a user's tasks are bounded by RLIMIT_NPROC (its default from the RAM, as threads-max): EAGAIN.
  // Without it a guest made thousands of idle threads and every scheduling pass walked them all.
  const nproc = parent.rlimits.get(RLIMIT_NPROC)?.[0] ?? BigInt(defaultNproc(p.hart.ramBytes));
  if (BigInt(p.tasks.filter((t) => t.state !== 'dead').length) >= nproc) throw new KernelError(EAGAIN);
  const tid = p.allocTid();
  let mm = parent.mm;
  if (f & CLONE_VM) parent.mm.users++;
  else mm = parent.mm.fork(p.newPageTable());
  let files = parent.files;
  if (f & CLONE_FILES) files.users++;
  else files = copyFiles(parent.files);
  const child = new Task(tid, mm, files, parent.comm, f & CLONE_THREAD ? parent.group : undefined);
  if (!(f & CLONE_THREAD)) {
    // a new process: whose child it is, its process group and session, what its parent is told at its end
    const g = child.group, pg = f & CLONE_PARENT ? parent.group.parent : parent.group;
    g.parent = pg;
    g.ppid = pg ? pg.tgid : 1;
    pg?.children.add(g);
    p.processes.add(g);
    g.pgid = parent.group.pgid;
    g.sid = parent.group.sid;
    g.exitSignal = f & CLONE_PARENT ? parent.group.exitSignal : c.exitSignal;
    if (f & CLONE_VFORK) g.vforkDone = false;
    // follow-fork-mode child: the debugger moves to the new process
    if (p.options.followFork === 'child' && parent.tgid === p.followTgid) p.followTgid = g.tgid;
  }
  child.fs = f & CLONE_FS ? parent.fs : { cwd: parent.fs.cwd };
  child.signals = new SignalState();
  if (f & CLONE_THREAD) child.signals.shared = parent.signals.shared;
  if (f & CLONE_SIGHAND) child.signals.actions = parent.signals.actions;
  else child.signals.actions = parent.signals.actions.map((a) => ({ ...a }));
  child.signals.setBlocked(parent.signals.blocked);
  if (!(f & CLONE_VM) || (f & CLONE_VFORK)) child.signals.altStack = { ...parent.signals.altStack };
  for (const [k, v] of parent.rlimits) child.rlimits.set(k, v);
  child.umask = parent.umask;

  // the child returns from the same ecall with a0 = 0
  const ctx = saveContext(p.hart, p.framePa);
  setCtxReg(ctx, 0, ctxReg(ctx, 0) + 4n);
  setCtxReg(ctx, 10, 0n);
  if (c.stack) setCtxReg(ctx, 2, c.stack);
  if (f & CLONE_SETTLS) setCtxReg(ctx, 4, c.tls);
  setCtxReg(ctx, PT_REGS.PT_ORIG_A0 / 8, 0n);
  child.ctx = ctx;

  if ((f & CLONE_PARENT_SETTID) && !parent.mm.write32(c.parentTid, tid)) throw new KernelError(EFAULT);
  if (f & CLONE_PIDFD) {
    const fd = pidfdCreate(p, child.group, 0);
    if (!parent.mm.write32(c.pidfd ?? 0n, fd)) { sysClose(p, [BigInt(fd)]); throw new KernelError(EFAULT); }
  }
  if ((f & CLONE_CHILD_SETTID) && !child.mm.write32(c.childTid, tid)) throw new KernelError(EFAULT);
  if (f & CLONE_CHILD_CLEARTID) child.clearChildTid = c.childTid;
  p.tasks.push(child);
  if (f & CLONE_VFORK) {
    // the parent sleeps until the child execs or exits (wait_for_vfork_done); the result is the child's pid
    const g = child.group;
    return p.block({ what: `vfork of ${tid}`, check: () => (g.vforkDone ? BigInt(tid) : undefined), restartable: false, uninterruptible: true });
  }
  return BigInt(tid);
}

/** dup_fd: a copy of the fd table (the open files themselves are shared). */
export function copyFiles(src: Files): Files {
  const f = new Files();
  src.fds.forEach((o, i) => { if (o) { o.refs++; f.fds[i] = o; f.cloexec[i] = !!src.cloexec[i]; } });
  return f;
}

/** clone(flags, newsp, parent_tid, tls, child_tid): the riscv64 (generic) argument order. */
export function sysClone(p: LinuxProcess, a: bigint[]): bigint {
  const flags = Number(a[0] & 0xffffff00n) >>> 0;
  return kernelClone(p, { flags, exitSignal: Number(a[0] & 0xffn), stack: a[1], parentTid: a[2], tls: a[3], childTid: a[4], pidfd: a[2], pidfdShared: true });
}

/** clone3(struct clone_args *, size). */
export function sysClone3(p: LinuxProcess, a: bigint[]): bigint {
  const size = Number(a[1]);
  if (size < 64 || size > 4096) throw new KernelError(EINVAL);
  const b = p.mm.read(a[0], 64);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer);
  const u = (i: number): bigint => dv.getBigUint64(i * 8, true);
  const flags = u(0), exitSignal = u(4), stack = u(5), stackSize = u(6);
  if (flags >> 32n) throw new KernelError(EINVAL);
  if ((stack === 0n) !== (stackSize === 0n)) throw new KernelError(EINVAL);
  return kernelClone(p, {
    flags: Number(flags) >>> 0, exitSignal: Number(exitSignal & 0xffn), stack: stack ? stack + stackSize : 0n,
    parentTid: u(3), childTid: u(2), tls: u(7), pidfd: u(1),
  });
}
