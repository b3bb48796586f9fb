// models kernel/exit.c: what happens to a process's relatives when it ends (exit_notify: its children are
// reparented, its parent gets exit_signal, normally SIGCHLD, or reaps it at once when SIGCHLD is ignored or
// SA_NOCLDWAIT is set) and the waits for children: wait4 and waitid (do_wait over the caller's children with
// the pid / process-group / any selectors, __WCLONE/__WALL, WNOHANG, WNOWAIT), zombies until reaped.
import type { LinuxProcess } from './process';
import type { ThreadGroup } from './task';
import { CRED } from './task';
import type { MM } from './mm';
import { KernelError, ECHILD, EINVAL, EFAULT } from './errno';
import { SIG_IGN, SIGCHLD } from './signal';

export const WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
export const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
export const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
const SA_NOCLDWAIT = 2n;

/** exit_notify: `g` has ended. Its children go to init (outside the model), its parent is told or reaps it. */
export function exitNotify(p: LinuxProcess, g: ThreadGroup): void {
  for (const c of g.children) {
    c.parent = undefined;
    c.ppid = 1;
    if (c.exit) p.processes.delete(c); // init reaps orphaned zombies
  }
  g.children.clear();
  g.vforkDone = true;
  const parent = g.parent;
  const leader = parent?.alive[0];
  if (!parent || parent.exit || !leader) { p.processes.delete(g); return; }
  const act = leader.signals.actions[SIGCHLD];
  // a parent that ignores SIGCHLD (or set SA_NOCLDWAIT) never sees zombies: the child is reaped now
  const autoreap = g.exitSignal === SIGCHLD && (act.handler === SIG_IGN || (act.flags & SA_NOCLDWAIT) !== 0n);
  if (g.exitSignal && !(autoreap && act.handler === SIG_IGN)) {
    const e = g.exit!;
    const code = 'code' in e ? CLD_EXITED : e.core ? CLD_DUMPED : CLD_KILLED;
    p.sendGroupSignal(parent, { signo: g.exitSignal, code, pid: g.tgid, uid: CRED.uid, status: 'code' in e ? e.code : e.signal });
  }
  if (autoreap) { parent.children.delete(g); p.processes.delete(g); }
}

type Selector = { kind: 'all' } | { kind: 'pid'; id: number } | { kind: 'pgid'; id: number };

function selects(g: ThreadGroup, sel: Selector, options: number): boolean {
  if (sel.kind === 'pid' && g.tgid !== sel.id) return false;
  if (sel.kind === 'pgid' && g.pgid !== sel.id) return false;
  // eligible_child: __WALL takes every child, __WCLONE only "clone" children (exit signal other than SIGCHLD)
  if (options & __WALL) return true;
  return ((options & __WCLONE) !== 0) === (g.exitSignal !== SIGCHLD);
}

/**
 * do_wait: the first zombie child that `sel` selects is reported (and reaped unless WNOWAIT); with none, ECHILD
 * when no child matches at all, 0 under WNOHANG, else the caller sleeps until one ends.
 */
function doWait(p: LinuxProcess, sel: Selector, options: number, what: string, report: (mm: MM, z: ThreadGroup) => bigint, none: (mm: MM) => bigint): bigint {
  const me = p.current.group, mm = p.current.mm;
  const check = (): bigint | undefined => {
    const kids = [...me.children].filter((c) => selects(c, sel, options));
    if (!kids.length) return BigInt(-ECHILD);
    const z = kids.find((c) => c.exit !== undefined);
    if (z) {
      const r = report(mm, z);
      if (!(options & WNOWAIT)) { me.children.delete(z); p.processes.delete(z); }
      return r;
    }
    if (options & WNOHANG) return none(mm);
    return undefined;
  };
  return p.block({ what, check, restartable: true });
}

/** wait4(pid, wstatus, options, rusage). */
export function sysWait4(p: LinuxProcess, a: bigint[]): bigint {
  const pid = Number(BigInt.asIntN(32, a[0])), options = Number(a[2] & 0xffffffffn) >>> 0;
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) throw new KernelError(EINVAL);
  if (pid === -0x80000000) throw new KernelError(EINVAL);
  const sel: Selector = pid > 0 ? { kind: 'pid', id: pid } : pid === -1 ? { kind: 'all' } : { kind: 'pgid', id: pid === 0 ? p.current.group.pgid : -pid };
  const status = a[1], rusage = a[3];
  return doWait(p, sel, options, 'wait4', (mm, z) => {
    if (status && !mm.write32(status, z.waitStatus)) return BigInt(-EFAULT);
    if (rusage && !mm.write(rusage, new Uint8Array(144))) return BigInt(-EFAULT);
    return BigInt(z.tgid);
  }, () => 0n);
}

/** waitid(idtype, id, infop, options, rusage). */
export function sysWaitid(p: LinuxProcess, a: bigint[]): bigint {
  const type = Number(a[0]), id = Number(BigInt.asIntN(32, a[1])), options = Number(a[3] & 0xffffffffn) >>> 0;
  if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) throw new KernelError(EINVAL);
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) throw new KernelError(EINVAL);
  let sel: Selector;
  if (type === P_ALL) sel = { kind: 'all' };
  else if (type === P_PID) { if (id <= 0) throw new KernelError(EINVAL); sel = { kind: 'pid', id }; }
  else if (type === P_PGID) { if (id < 0) throw new KernelError(EINVAL); sel = { kind: 'pgid', id: id === 0 ? p.current.group.pgid : id }; }
  else throw new KernelError(EINVAL);
  const infop = a[2], rusage = a[4];
  const siginfo = (mm: MM, z?: ThreadGroup): bigint => {
    if (!infop) return 0n;
    const b = Buffer.alloc(128);
    if (z) {
      const e = z.exit!;
      b.writeInt32LE(SIGCHLD, 0);
      b.writeInt32LE('code' in e ? CLD_EXITED : e.core ? CLD_DUMPED : CLD_KILLED, 8);
      b.writeInt32LE(z.tgid, 16);
      b.writeInt32LE(CRED.uid, 20);
      b.writeInt32LE('code' in e ? e.code : e.signal, 24);
    }
    if (!mm.write(infop, b)) return BigInt(-EFAULT);
    if (rusage && !mm.write(rusage, new Uint8Array(144))) return BigInt(-EFAULT);
    return 0n;
  };
  // only exits are modelled (no stopped or continued children): WEXITED decides whether anything is reported
  if (!(options & WEXITED)) {
    const me = p.current.group, mm = p.current.mm;
    const check = (): bigint | undefined => ([...me.children].some((c) => selects(c, sel, options)) ? (options & WNOHANG ? siginfo(mm) : undefined) : BigInt(-ECHILD));
    return p.block({ what: 'waitid', check, restartable: true });
  }
  return doWait(p, sel, options, 'waitid', (mm, z) => siginfo(mm, z), (mm) => siginfo(mm));
}
