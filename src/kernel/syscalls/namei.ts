// models fs/namei.c (renameat2, symlinkat, linkat), fs/open.c (fchmodat, fchmod, fchownat, fchown), fs/utimes.c
// (utimensat), fs/statfs.c (statfs, fstatfs) and fs/locks.c (flock; fcntl F_GETLK/F_SETLK/F_SETLKW and the OFD
// variants) over vfs.ts. Record locks conflict between different owners (a process for classic POSIX locks, an
// open file description for OFD locks and flock); F_SETLKW and a blocking flock sleep until the conflict is gone.
import type { LinuxProcess } from '../process';
import { getFile, userPath, dirOf, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, type OpenFile } from './fs';
import { KernelError, EFAULT, EINVAL, EAGAIN, EBADF, EPERM, ENOLCK, EDEADLK } from '../errno';
import { CRED } from '../task';

export function sysRenameat2(p: LinuxProcess, a: bigint[]): bigint {
  const from = userPath(p, a[1]), to = userPath(p, a[3]);
  p.vfs.rename(p.vfs.absolute(from, dirOf(p, a[0], from)), p.vfs.absolute(to, dirOf(p, a[2], to)), Number(a[4] ?? 0n));
  return 0n;
}
export function sysRenameat(p: LinuxProcess, a: bigint[]): bigint { return sysRenameat2(p, [a[0], a[1], a[2], a[3], 0n]); }

export function sysSymlinkat(p: LinuxProcess, a: bigint[]): bigint {
  const target = userPath(p, a[0]), link = userPath(p, a[2]);
  if (!target) throw new KernelError(2);
  p.vfs.symlink(target, p.vfs.absolute(link, dirOf(p, a[1], link)));
  return 0n;
}

export function sysLinkat(p: LinuxProcess, a: bigint[]): bigint {
  const from = userPath(p, a[1]), to = userPath(p, a[3]);
  if (Number(a[4]) & ~(0x400 | AT_EMPTY_PATH)) throw new KernelError(EINVAL);
  p.vfs.link(p.vfs.absolute(from, dirOf(p, a[0], from)), p.vfs.absolute(to, dirOf(p, a[2], to)));
  return 0n;
}

export function sysFchmodat(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[1]);
  p.vfs.chmod(p.vfs.absolute(path, dirOf(p, a[0], path)), Number(a[2]));
  return 0n;
}
export function sysFchmod(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (!f.node) throw new KernelError(EBADF);
  p.vfs.chmod(f.node.guestPath, Number(a[1]));
  return 0n;
}

/** chown to anything but our own ids needs CAP_CHOWN: EPERM; to our own ids it succeeds (after the lookup). */
function chownCheck(uid: bigint, gid: bigint): void {
  const u = Number(BigInt.asIntN(32, uid)), g = Number(BigInt.asIntN(32, gid));
  if ((u !== -1 && u !== CRED.uid) || (g !== -1 && g !== CRED.gid)) throw new KernelError(EPERM);
}
export function sysFchownat(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[1]);
  const flags = Number(a[4]);
  if (path === '' && (flags & AT_EMPTY_PATH)) getFile(p, a[0]);
  else p.vfs.lookup(path, !(flags & AT_SYMLINK_NOFOLLOW), dirOf(p, a[0], path));
  chownCheck(a[2], a[3]);
  return 0n;
}
export function sysFchown(p: LinuxProcess, a: bigint[]): bigint { getFile(p, a[0]); chownCheck(a[1], a[2]); return 0n; }

const UTIME_NOW = (1n << 30n) - 1n, UTIME_OMIT = (1n << 30n) - 2n;
export function sysUtimensat(p: LinuxProcess, a: bigint[]): bigint {
  const flags = Number(a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new KernelError(EINVAL);
  let path: string;
  if (a[1] === 0n) {
    const f = getFile(p, a[0]);
    if (!f.node) throw new KernelError(EBADF);
    path = f.node.guestPath;
  } else {
    const rel = userPath(p, a[1]);
    path = p.vfs.absolute(rel, dirOf(p, a[0], rel));
  }
  const now = p.tk.read(0, p.hart.time)!;
  const nowNs = now.sec * 1_000_000_000n + now.nsec;
  let at: bigint | undefined = nowNs, mt: bigint | undefined = nowNs;
  if (a[2] !== 0n) {
    const b = p.mm.read(a[2], 32);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer);
    const one = (o: number): bigint | undefined => {
      const sec = dv.getBigInt64(o, true), nsec = dv.getBigInt64(o + 8, true);
      if (nsec === UTIME_OMIT) return undefined;
      if (nsec === UTIME_NOW) return nowNs;
      if (nsec < 0n || nsec >= 1_000_000_000n) throw new KernelError(EINVAL);
      return sec * 1_000_000_000n + nsec;
    };
    at = one(0); mt = one(16);
  }
  p.vfs.utimes(path, at, mt, !(flags & AT_SYMLINK_NOFOLLOW));
  return 0n;
}

/** struct statfs (riscv64 generic, 120 bytes): f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_fsid,
 *  f_namelen, f_frsize, f_flags. */
function writeStatfs(p: LinuxProcess, va: bigint, guestPath: string): void {
  const tmp = guestPath === '/tmp' || guestPath.startsWith('/tmp/');
  const proc = guestPath.startsWith('/proc');
  const b = Buffer.alloc(120);
  b.writeBigInt64LE(tmp ? 0x01021994n : proc ? 0x9fa0n : 0xef53n, 0); // TMPFS_MAGIC, PROC_SUPER_MAGIC, EXT4_SUPER_MAGIC
  b.writeBigInt64LE(4096n, 8);
  b.writeBigUInt64LE(tmp ? 16384n : 1n << 24n, 16);
  b.writeBigUInt64LE(tmp ? 16000n : 1n << 23n, 24);
  b.writeBigUInt64LE(tmp ? 16000n : 1n << 23n, 32);
  b.writeBigUInt64LE(1n << 20n, 40);
  b.writeBigUInt64LE(1n << 19n, 48);
  b.writeBigInt64LE(255n, 64);
  b.writeBigInt64LE(4096n, 72);
  b.writeBigInt64LE(p.vfs.writableNode(p.vfs.lookup(guestPath)) ? 0x400n : 0x401n, 80); // ST_NOATIME | ST_RDONLY
  if (!p.mm.write(va, b)) throw new KernelError(EFAULT);
}
export function sysStatfs(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[0]);
  const n = p.vfs.lookup(path);
  writeStatfs(p, a[1], n.guestPath);
  return 0n;
}
export function sysFstatfs(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  writeStatfs(p, a[1], f.node ? f.node.guestPath : '/');
  return 0n;
}

// ---- locks ----------------------------------------------------------------------------------------------------

interface Lock { owner: object; write: boolean; start: bigint; end: bigint; pid: number; }
const MAX = (1n << 63n) - 1n;

/** The lock tables of one kernel (per file, by guest path). */
export class Locks {
  readonly posix = new Map<string, Lock[]>();
  readonly flocks = new Map<string, Lock[]>();

  conflict(list: Lock[] | undefined, l: Lock): Lock | undefined {
    return list?.find((o) => o.owner !== l.owner && o.start <= l.end && l.start <= o.end && (o.write || l.write));
  }

  /** Set (or with unlock, clear) `l`'s range for its owner, splitting that owner's other locks. */
  set(table: Map<string, Lock[]>, key: string, l: Lock, unlock: boolean): void {
    const list = table.get(key) ?? [];
    const out: Lock[] = [];
    for (const o of list) {
      if (o.owner !== l.owner || o.end < l.start || o.start > l.end) { out.push(o); continue; }
      if (o.start < l.start) out.push({ ...o, end: l.start - 1n });
      if (o.end > l.end) out.push({ ...o, start: l.end + 1n });
    }
    if (!unlock) out.push(l);
    if (out.length) table.set(key, out); else table.delete(key);
  }

  /** Drop every lock of `owner` (close of the last fd of a process / of the open file description). */
  release(owner: object): void {
    for (const table of [this.posix, this.flocks]) {
      for (const [k, list] of table) {
        const keep = list.filter((l) => l.owner !== owner);
        if (keep.length) table.set(k, keep); else table.delete(k);
      }
    }
  }
}

function lockKey(f: OpenFile): string {
  if (!f.node) throw new KernelError(EBADF);
  return f.node.type === 'host' ? f.node.hostPath : f.node.guestPath;
}

export const F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

/** fcntl's record locks (struct flock: l_type, l_whence (shorts), l_start, l_len, l_pid). */
export function fcntlLock(p: LinuxProcess, fdB: bigint, cmd: number, arg: bigint): bigint {
  const f = getFile(p, fdB);
  const b = p.mm.read(arg, 32);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer);
  const type = dv.getInt16(0, true), whence = dv.getInt16(2, true);
  let start = dv.getBigInt64(8, true);
  const len = dv.getBigInt64(16, true);
  const ofd = cmd >= F_OFD_GETLK;
  if (ofd && dv.getInt32(24, true) !== 0) throw new KernelError(EINVAL);
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) throw new KernelError(EINVAL);
  if (whence === 1) start += BigInt(f.pos);
  else if (whence === 2) start += BigInt(f.tmp ? f.tmp.size : f.data ? f.data.length : 0);
  else if (whence !== 0) throw new KernelError(EINVAL);
  let end = len === 0n ? MAX : start + len - 1n;
  if (len < 0n) { end = start - 1n; start += len; }
  if (start < 0n) throw new KernelError(EINVAL);
  const owner: object = ofd ? f : p.current.group;
  const key = lockKey(f);
  const l: Lock = { owner, write: type === F_WRLCK, start, end, pid: ofd ? -1 : p.pid };
  const locks = p.locks;
  if (cmd === F_GETLK || cmd === F_OFD_GETLK) {
    const c = type === F_UNLCK ? undefined : locks.conflict(locks.posix.get(key), l);
    const o = Buffer.from(b);
    if (!c) o.writeInt16LE(F_UNLCK, 0);
    else {
      o.writeInt16LE(c.write ? F_WRLCK : F_RDLCK, 0); o.writeInt16LE(0, 2);
      o.writeBigInt64LE(c.start, 8); o.writeBigInt64LE(c.end === MAX ? 0n : c.end - c.start + 1n, 16); o.writeInt32LE(c.pid, 24);
    }
    if (!p.mm.write(arg, o)) throw new KernelError(EFAULT);
    return 0n;
  }
  if ((type === F_RDLCK && (f.flags & 3) === 1) || (type === F_WRLCK && (f.flags & 3) === 0)) throw new KernelError(EBADF);
  const tryIt = (): bigint | undefined => {
    if (type !== F_UNLCK && locks.conflict(locks.posix.get(key), l)) return undefined;
    locks.set(locks.posix, key, l, type === F_UNLCK);
    return 0n;
  };
  const r = tryIt();
  if (r !== undefined) return r;
  if (cmd === F_SETLK || cmd === F_OFD_SETLK) throw new KernelError(EAGAIN);
  if (locks.posix.get(key)!.every((o) => o.owner === owner)) throw new KernelError(EDEADLK);
  return p.block({ what: `fcntl lock on ${f.path}`, restartable: true, check: tryIt });
}

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
export function sysFlock(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  const op = Number(a[1]);
  const kind = op & ~LOCK_NB;
  if (kind !== LOCK_SH && kind !== LOCK_EX && kind !== LOCK_UN) throw new KernelError(EINVAL);
  if (f.kind === 'pipe' || f.kind === 'anon') throw new KernelError(ENOLCK);
  const key = lockKey(f);
  const l: Lock = { owner: f, write: kind === LOCK_EX, start: 0n, end: MAX, pid: p.pid };
  const locks = p.locks;
  const tryIt = (): bigint | undefined => {
    if (kind !== LOCK_UN && locks.conflict(locks.flocks.get(key), l)) return undefined;
    locks.set(locks.flocks, key, l, kind === LOCK_UN);
    return 0n;
  };
  const r = tryIt();
  if (r !== undefined) return r;
  if (op & LOCK_NB) throw new KernelError(EAGAIN);
  return p.block({ what: `flock on ${f.path}`, restartable: true, check: tryIt });
}
