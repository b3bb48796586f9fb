// models kernel/exit.c (exit, exit_group), kernel/sys.c (getpid & co, uname, prlimit64, umask, prctl,
// getrusage, sysinfo) and kernel/fork.c (set_tid_address). clone and futex: ../fork.ts, ../futex.ts.
import type { LinuxProcess } from '../process';
import { KernelError, EFAULT, EINVAL, EPERM, ESRCH, EACCES } from '../errno';
import type { ThreadGroup } from '../task';
import { PAGE_BYTES } from '../pagetable';
import { defaultNproc, RLIMIT_NPROC } from '../limits';

export const UID = 1000n, GID = 1000n;

export function sysExitGroup(p: LinuxProcess, a: bigint[]): bigint { p.exit(Number(a[0] & 0xffn)); return 0n; }
export function sysGetpid(p: LinuxProcess): bigint { return BigInt(p.pid); }
export function sysGetppid(p: LinuxProcess): bigint { return BigInt(p.ppid); }
export function sysGetuid(): bigint { return UID; }
export function sysGetgid(): bigint { return GID; }
// kernel/sys.c's set*id for an unprivileged user (no CAP_SETUID/CAP_SETGID): every id of the one user is 1000, so
// an id may be "set" to 1000 (or left alone with -1 where the call allows it); anything else is EPERM. Programs
// that drop privileges at start (busybox's applets, daemons) call these and stop when they fail.
const KEEP = 0xffffffffn;
function sameIds(ids: bigint[], own: bigint, keepAllowed: boolean): bigint {
  for (const v of ids) {
    const id = v & 0xffffffffn;
    if (keepAllowed && id === KEEP) continue;
    if (id !== own) throw new KernelError(id === KEEP ? EINVAL : EPERM);
  }
  return 0n;
}
export function sysSetuid(_p: LinuxProcess, a: bigint[]): bigint { return sameIds([a[0]], UID, false); }
export function sysSetgid(_p: LinuxProcess, a: bigint[]): bigint { return sameIds([a[0]], GID, false); }
export function sysSetreuid(_p: LinuxProcess, a: bigint[]): bigint { return sameIds([a[0], a[1]], UID, true); }
export function sysSetregid(_p: LinuxProcess, a: bigint[]): bigint { return sameIds([a[0], a[1]], GID, true); }
export function sysSetresuid(_p: LinuxProcess, a: bigint[]): bigint { return sameIds([a[0], a[1], a[2]], UID, true); }
export function sysSetresgid(_p: LinuxProcess, a: bigint[]): bigint { return sameIds([a[0], a[1], a[2]], GID, true); }
/** getresuid/getresgid: the real, effective and saved ids, all the one user's. */
function getres(p: LinuxProcess, a: bigint[], id: bigint): bigint {
  for (const va of a.slice(0, 3)) if (!p.mm.write32(va, Number(id))) throw new KernelError(EFAULT);
  return 0n;
}
export function sysGetresuid(p: LinuxProcess, a: bigint[]): bigint { return getres(p, a, UID); }
export function sysGetresgid(p: LinuxProcess, a: bigint[]): bigint { return getres(p, a, GID); }
/** setfsuid/setfsgid return the previous id and change nothing an unprivileged caller may not. */
export function sysSetfsuid(): bigint { return UID; }
export function sysSetfsgid(): bigint { return GID; }
/** setgroups needs CAP_SETGID. */
export function sysSetgroups(): bigint { throw new KernelError(EPERM); }

export function sysSetTidAddress(p: LinuxProcess, a: bigint[]): bigint { p.clearChildTid = a[0]; return BigInt(p.current.tid); }
export function sysGettid(p: LinuxProcess): bigint { return BigInt(p.current.tid); }
export function sysSetRobustList(p: LinuxProcess, a: bigint[]): bigint {
  if (a[1] !== 24n) throw new KernelError(EINVAL);
  p.robustList = a[0];
  return 0n;
}

function utsField(s: string): Buffer { const b = Buffer.alloc(65); b.write(s); return b; }
export function sysUname(p: LinuxProcess, a: bigint[]): bigint {
  const b = Buffer.concat(['Linux', 'riscv-vdso-lab', '6.1.0', '#1 SMP PREEMPT riscv-vdso-lab', 'riscv64', '(none)'].map(utsField));
  if (!p.mm.write(a[0], b)) throw new KernelError(EFAULT);
  return 0n;
}

const RLIM_INFINITY = (1n << 64n) - 1n;
const RLIMITS: Record<number, [bigint, bigint]> = {
  3: [8n * 1024n * 1024n, RLIM_INFINITY], // RLIMIT_STACK
  7: [1024n, 1048576n], // RLIMIT_NOFILE
  4: [0n, RLIM_INFINITY], // RLIMIT_CORE
};
export function sysPrlimit64(p: LinuxProcess, a: bigint[]): bigint {
  const pid = Number(a[0]);
  if (pid !== 0 && pid !== p.pid) throw new KernelError(3);
  const res = Number(a[1]);
  if (res < 0 || res > 15) throw new KernelError(EINVAL);
  const nproc = (): [bigint, bigint] => { const n = BigInt(defaultNproc(p.hart.ramBytes)); return [n, n]; };
  const cur = p.rlimits.get(res) ?? RLIMITS[res] ?? (res === RLIMIT_NPROC ? nproc() : [RLIM_INFINITY, RLIM_INFINITY]);
  if (a[3] !== 0n) {
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(cur[0], 0); b.writeBigUInt64LE(cur[1], 8);
    if (!p.mm.write(a[3], b)) throw new KernelError(EFAULT);
  }
  if (a[2] !== 0n) {
    const b = p.mm.read(a[2], 16);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer);
    const soft = dv.getBigUint64(0, true), hard = dv.getBigUint64(8, true);
    if (soft > hard) throw new KernelError(EINVAL);
    if (hard > cur[1]) throw new KernelError(EPERM);
    p.rlimits.set(res, [soft, hard]);
  }
  return 0n;
}
export function sysGetrlimit(p: LinuxProcess, a: bigint[]): bigint { return sysPrlimit64(p, [0n, a[0], 0n, a[1]]); }
/** setrlimit (riscv64 has it: __ARCH_WANT_SET_GET_RLIMIT): prlimit64 on the caller without the old value. Go's
 *  runtime raises RLIMIT_NOFILE's soft limit with it at start. */
export function sysSetrlimit(p: LinuxProcess, a: bigint[]): bigint { return sysPrlimit64(p, [0n, a[0], a[1], 0n]); }

export function sysUmask(p: LinuxProcess, a: bigint[]): bigint { const old = p.umask; p.umask = Number(a[0]) & 0o777; return BigInt(old); }

export function sysGetrusage(p: LinuxProcess, a: bigint[]): bigint {
  const b = Buffer.alloc(144);
  const us = (p.hart.clock * 1_000_000n) / BigInt(p.board.profile.coreHz); // the modelled cycles at the board's clock
  b.writeBigInt64LE(us / 1_000_000n, 0); b.writeBigInt64LE(us % 1_000_000n, 8);
  b.writeBigInt64LE(BigInt(p.mm.populated * 4), 32); // ru_maxrss (KiB)
  if (!p.mm.write(a[1], b)) throw new KernelError(EFAULT);
  return 0n;
}

export function sysSysinfo(p: LinuxProcess, a: bigint[]): bigint {
  const b = Buffer.alloc(112);
  const up = p.tk.read(1, p.hart.time)!;
  b.writeBigInt64LE(up.sec, 0);
  b.writeBigUInt64LE(BigInt(p.alloc.totalPages) * PAGE_BYTES, 32);
  b.writeBigUInt64LE(BigInt(p.alloc.freePages) * PAGE_BYTES, 40);
  b.writeUInt16LE(1, 80);
  b.writeUInt32LE(1, 104);
  if (!p.mm.write(a[0], b)) throw new KernelError(EFAULT);
  return 0n;
}

export function sysPrctl(p: LinuxProcess, a: bigint[]): bigint {
  const PR_SET_NAME = 15, PR_GET_NAME = 16;
  if (Number(a[0]) === PR_SET_NAME) { p.comm = (p.mm.readString(a[1], 16) ?? p.comm).slice(0, 15); return 0n; }
  if (Number(a[0]) === PR_GET_NAME) { const b = Buffer.alloc(16); b.write(p.comm.slice(0, 15)); if (!p.mm.write(a[1], b)) throw new KernelError(EFAULT); return 0n; }
  throw new KernelError(EINVAL);
}

// ---- process groups and sessions (kernel/sys.c) -----------------------------------------------------------------

function processOf(p: LinuxProcess, pid: number): ThreadGroup {
  if (pid === 0) return p.current.group;
  for (const g of p.processes) if (g.tgid === pid) return g;
  throw new KernelError(ESRCH);
}

export function sysSetpgid(p: LinuxProcess, a: bigint[]): bigint {
  const pid = Number(BigInt.asIntN(32, a[0])), pgidArg = Number(BigInt.asIntN(32, a[1]));
  if (pid < 0 || pgidArg < 0) throw new KernelError(EINVAL);
  const me = p.current.group;
  const g = processOf(p, pid);
  if (g !== me) {
    // only the caller itself or one of its children
    if (g.parent !== me) throw new KernelError(ESRCH);
    if (g.sid !== me.sid) throw new KernelError(EPERM);
    if (g.execed) throw new KernelError(EACCES);
  }
  if (g.sid === g.tgid) throw new KernelError(EPERM); // a session leader keeps its group
  const pgid = pgidArg === 0 ? g.tgid : pgidArg;
  if (pgid !== g.tgid && ![...p.processes].some((x) => x.pgid === pgid && x.sid === me.sid && !x.exit)) throw new KernelError(EPERM);
  g.pgid = pgid;
  return 0n;
}

export function sysGetpgid(p: LinuxProcess, a: bigint[]): bigint {
  return BigInt(processOf(p, Number(BigInt.asIntN(32, a[0]))).pgid);
}

export function sysGetsid(p: LinuxProcess, a: bigint[]): bigint {
  return BigInt(processOf(p, Number(BigInt.asIntN(32, a[0]))).sid);
}

export function sysSetsid(p: LinuxProcess): bigint {
  const g = p.current.group;
  // a process-group leader (or any process whose pid is some group's id) cannot start a session
  if ([...p.processes].some((x) => x.pgid === g.tgid)) throw new KernelError(EPERM);
  g.sid = g.pgid = g.tgid;
  return BigInt(g.sid);
}
