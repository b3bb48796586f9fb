// models kernel/pid.c's pidfds (pidfd_open, pidfd_create) with the parts of kernel/fork.c (pidfd_fops: poll is
// readable once the process has ended, CLONE_PIDFD) and kernel/signal.c (pidfd_send_signal) that act on them: a
// file descriptor that names one process, stable even after its pid could be reused, for signals, polls and
// waitid(P_PIDFD).
import type { LinuxProcess } from './process';
import type { ThreadGroup } from './task';
import { getFile, installFd, O_NONBLOCK, type OpenFile } from './syscalls/fs';
import { KernelError, EINVAL, ESRCH, EFAULT, EPERM, EBADF } from './errno';
import { NSIG, SI_USER } from './signal';

/** The process a pidfd refers to (struct pid's thread group). */
export class PidFd { constructor(readonly group: ThreadGroup) {} }

/** pidfd_create: an O_RDWR | O_CLOEXEC file for `g` (PIDFD_NONBLOCK = O_NONBLOCK). */
export function pidfdCreate(p: LinuxProcess, g: ThreadGroup, flags: number): number {
  const f: OpenFile = { kind: 'anon', path: 'anon_inode:[pidfd]', flags: 2 | (flags & O_NONBLOCK), pos: 0, refs: 1, anon: new PidFd(g) };
  return installFd(p, f, true);
}

/** The process behind a pidfd: EBADF for no file, EINVAL for a file that is no pidfd. */
export function pidfdTarget(p: LinuxProcess, fd: bigint): ThreadGroup {
  let f: OpenFile;
  try { f = getFile(p, fd); } catch { throw new KernelError(EBADF); }
  if (f.kind !== 'anon' || !(f.anon instanceof PidFd)) throw new KernelError(EINVAL);
  return f.anon.group;
}

/** pidfd_poll: POLLIN | POLLRDNORM once every thread of the process has exited (zombie or reaped). */
export function pidfdReady(pf: PidFd): boolean { return pf.group.exit !== undefined; }

/** pidfd_open(pid, flags): the process must exist and `pid` be a thread-group leader. */
export function sysPidfdOpen(p: LinuxProcess, a: bigint[]): bigint {
  const pid = Number(BigInt.asIntN(32, a[0])), flags = Number(a[1] & 0xffffffffn) >>> 0;
  if (flags & ~O_NONBLOCK) throw new KernelError(EINVAL);
  if (pid <= 0) throw new KernelError(EINVAL);
  const g = [...p.processes].find((x) => x.tgid === pid);
  if (!g) {
    if (p.findTask(pid)) throw new KernelError(EINVAL); // a thread that leads no group
    throw new KernelError(ESRCH);
  }
  return BigInt(pidfdCreate(p, g, flags));
}

/** pidfd_send_signal(pidfd, sig, info, flags): kill(2) through a pidfd; `info` as rt_sigqueueinfo's. */
export function sysPidfdSendSignal(p: LinuxProcess, a: bigint[]): bigint {
  const sig = Number(BigInt.asIntN(32, a[1])), flags = Number(a[3] & 0xffffffffn);
  if (flags) throw new KernelError(EINVAL);
  const g = pidfdTarget(p, a[0]);
  if (sig < 0 || sig > NSIG) throw new KernelError(EINVAL);
  let code = SI_USER, pid = p.pid, uid = 1000;
  if (a[2] !== 0n) {
    const b = p.mm.read(a[2], 24);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer, b.byteOffset);
    if (dv.getInt32(0, true) !== sig) throw new KernelError(EINVAL);
    code = dv.getInt32(8, true);
    // another process may not pretend to be the kernel (SI_USER or positive codes): only SI_QUEUE-like codes
    if (g !== p.current.group && (code >= 0 || code === -6)) throw new KernelError(EPERM);
    pid = dv.getInt32(16, true);
    uid = dv.getInt32(20, true);
  }
  if (g.exit !== undefined || !g.alive.length) throw new KernelError(ESRCH);
  if (sig) p.sendGroupSignal(g, { signo: sig, code, pid, uid });
  return 0n;
}
