// models kernel/exit.c: what happens to a process's relatives when it ends (exit_notify: its children are
// reparented, its parent gets exit_signal, normally SIGCHLD, or reaps it at once when SIGCHLD is ignored or
// SA_NOCLDWAIT is set) and the waits for children: wait4 and waitid (do_wait over the caller's children with
// the pid / process-group / any selectors, __WCLONE/__WALL, WNOHANG, WNOWAIT), zombies until reaped.
import type { LinuxProcess } from './process';
import type { ThreadGroup } from './task';
import { CRED } from './task';
import type { MM } from './mm';
import { KernelError, ECHILD, EINVAL, EFAULT } from './errno';
import { SIG_IGN, SIGCHLD, SIGCONT } from './signal';
import { pidfdTarget } from './pid';

export const WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
export const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
export const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;
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

/** What do_wait reports about a child: its end, a stop (job control) or a continue. */
export type ChildEvent = 'exited' | 'stopped' | 'continued';

/**
 * do_wait: the first child that `sel` selects with something to report (wait_consider_task: an end, else a stop
 * not reported yet under WUNTRACED/WSTOPPED, else a continue under WCONTINUED) is reported, and the report is
 * consumed unless WNOWAIT (an ended child is reaped); with none, ECHILD when no child matches at all, 0 under
 * WNOHANG, else the caller sleeps until one has something. `exits`: ends are reported (waitid needs WEXITED).
 */
function doWait(p: LinuxProcess, sel: Selector, options: number, exits: boolean, what: string,
  report: (mm: MM, z: ThreadGroup, ev: ChildEvent) => bigint, none: (mm: MM) => bigint): bigint {
  const me = p.current.group, mm = p.current.mm;
  const check = (): bigint | undefined => {
    const kids = [...me.children].filter((c) => selects(c, sel, options));
    if (!kids.length) return BigInt(-ECHILD);
    for (const c of kids) {
      const ev: ChildEvent | undefined = c.exit !== undefined ? (exits ? 'exited' : undefined)
        : (options & WUNTRACED) && c.stopReport !== undefined ? 'stopped'
          : (options & WCONTINUED) && c.continuedReport ? 'continued' : undefined;
      if (!ev) continue;
      const r = report(mm, c, ev);
      if (!(options & WNOWAIT)) {
        if (ev === 'exited') { me.children.delete(c); p.processes.delete(c); }
        else if (ev === 'stopped') c.stopReport = undefined;
        else c.continuedReport = false;
      }
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
  return doWait(p, sel, options, true, 'wait4', (mm, z, ev) => {
    // WIFSTOPPED: signal << 8 | 0x7f; WIFCONTINUED: 0xffff; else the exit status
    const word = ev === 'stopped' ? ((z.stopReport! & 0xff) << 8) | 0x7f : ev === 'continued' ? 0xffff : z.waitStatus;
    if (status && !mm.write32(status, word)) return BigInt(-EFAULT);
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
  else if (type === P_PIDFD) sel = { kind: 'pid', id: pidfdTarget(p, a[1]).tgid };
  else throw new KernelError(EINVAL);
  const infop = a[2], rusage = a[4];
  const siginfo = (mm: MM, z?: ThreadGroup, ev?: ChildEvent): bigint => {
    if (!infop) return 0n;
    const b = Buffer.alloc(128);
    if (z) {
      const e = z.exit;
      b.writeInt32LE(SIGCHLD, 0);
      const code = ev === 'stopped' ? CLD_STOPPED : ev === 'continued' ? CLD_CONTINUED : e && 'code' in e ? CLD_EXITED : e?.core ? CLD_DUMPED : CLD_KILLED;
      b.writeInt32LE(code, 8);
      b.writeInt32LE(z.tgid, 16);
      b.writeInt32LE(CRED.uid, 20);
      b.writeInt32LE(ev === 'stopped' ? z.stopReport! : ev === 'continued' ? SIGCONT : e && 'code' in e ? e.code : (e as { signal: number }).signal, 24);
    }
    if (!mm.write(infop, b)) return BigInt(-EFAULT);
    if (rusage && !mm.write(rusage, new Uint8Array(144))) return BigInt(-EFAULT);
    return 0n;
  };
  return doWait(p, sel, options, (options & WEXITED) !== 0, 'waitid', (mm, z, ev) => siginfo(mm, z, ev), (mm) => siginfo(mm));
}
