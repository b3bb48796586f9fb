// models fs/namei.c (path walk, symlinks, ELOOP) and the mount table of fs/namespace.c, for the guest's view
// of the file system. The guest sees host paths as they are, but only where it was given access:
//   the program's directory       read-only        (so argv[0], /proc/self/exe and messages show the real path)
//   the working directory         read-write       (the caller's cwd on the command line, launch `cwd`)
//   each `allow` directory        read-write, or read-only with DIR:ro
//   /tmp                          a private in-memory tmpfs (unless a grant above covers the path)
//   /proc, /dev/{null,zero,urandom,random}
//   everything else               the sysroot, read-only (ld.so finds /lib/ld-linux-riscv64-lp64d.so.1 and
//                                 /lib/riscv64-linux-gnu/libc.so.6: multiarch directories fall back to its lib/)
// A path outside all of these that exists on the host in a user directory (not /etc, /usr, ...) is EACCES, with one
// warning naming the path and the option that would allow it. Directories above a grant are listed with just the
// way down to it. Symlinks are followed inside this namespace, so a link never leads to a host path outside it, and
// readlink of a link that points outside answers EACCES rather than the host path.
import {
  existsSync, lstatSync, readlinkSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, rmdirSync, unlinkSync, renameSync,
  symlinkSync, linkSync, chmodSync, utimesSync, type Stats,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, join, resolve as hostResolve, basename } from 'node:path';
import {
  KernelError, ENOENT, ENOTDIR, ELOOP, EROFS, EACCES, ENAMETOOLONG, EEXIST, EBUSY, EISDIR, ENOTEMPTY, EXDEV, EINVAL, EPERM, ENXIO, ENOSPC, ENOMEM,
} from './errno';
import { TmpQuota } from './quota';
import { DEFAULT_TMP_QUOTA, HOST_FILE_CACHE_BYTES, MAX_TMP_INODES, MAX_TMP_NAME_BYTES, MAX_PROGRAM_BYTES } from './limits';

/** A host file-system change; its error becomes the same errno for the guest. */
function hostCallV(fn: () => void): void {
  try { fn(); } catch (e) {
    const errno = (osConstants.errno as Record<string, number>)[(e as NodeJS.ErrnoException).code ?? ''];
    if (typeof errno === 'number') throw new KernelError(errno);
    throw e;
  }
}

export type NodeKind = 'file' | 'dir' | 'chr' | 'symlink';

export interface TmpFile {
  data: Buffer; size: number; mode: number; ino: number; mtimeNs: bigint;
  /** Open files referring to it, and whether its name is gone: the quota frees its data at the last close. */
  opens?: number; unlinked?: boolean;
}

export type Node =
  | { type: 'host'; kind: NodeKind; hostPath: string; guestPath: string; writable: boolean; stats: Stats }
  | { type: 'tmpfile'; kind: 'file'; guestPath: string; file: TmpFile }
  | { type: 'tmpdir'; kind: 'dir'; guestPath: string; ino: number }
  | { type: 'proc'; kind: 'file' | 'dir' | 'symlink'; guestPath: string; name: string }
  | { type: 'dev'; kind: 'chr'; guestPath: string; name: 'null' | 'zero' | 'urandom' | 'random' }
  | { type: 'root'; kind: 'dir'; guestPath: string; name: string };

interface Mount { guest: string; host: string; writable: boolean; }
/** A host directory the guest sees at its own path. */
export interface Grant { dir: string; writable: boolean; }

/** Top-level host directories that belong to the system: missing in the sysroot means ENOENT there, not EACCES. */
const SYSTEM_TOP = new Set(['etc', 'usr', 'lib', 'lib32', 'lib64', 'libx32', 'bin', 'sbin', 'var', 'sys', 'run', 'boot', 'opt', 'snap', 'srv', 'proc', 'dev', 'tmp']);

export const MULTIARCH = 'riscv64-linux-gnu';
const PROC_FILES = ['/proc/self/maps', '/proc/self/auxv', '/proc/cpuinfo', '/proc/self/exe', '/proc/self/cmdline',
  '/proc/self/status', '/proc/meminfo', '/proc/self/stat'];
const PROC_DIRS = ['/proc', '/proc/self'];

/** Normalise an absolute guest path (no symlinks): collapse //, ., .. */
export function normalize(p: string): string {
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop(); else out.push(c);
  }
  return '/' + out.join('/');
}

export interface VfsOptions {
  sysroot?: string;
  programDir: string;
  /** The working directory (host path), read-write unless readOnlyCwd. */
  cwd: string;
  readOnlyCwd?: boolean;
  /** More host directories, read-write or read-only. */
  allow?: Grant[];
  /** Told once per directory when the guest is refused a path outside its grants. */
  onDenied?: (path: string) => void;
  /** Size of the private /tmp in bytes (default DEFAULT_TMP_QUOTA, 64 MiB). */
  tmpQuota?: number;
}

export class Vfs {
  private readonly mounts: Mount[] = [];
  readonly tmp = new Map<string, TmpFile>();
  readonly tmpDirs = new Set<string>(['/tmp']);
  readonly tmpQuota: TmpQuota;
  /** Bytes of the names of /tmp's files and directories (the host holds them too): at most MAX_TMP_NAME_BYTES. */
  private tmpNameBytes = 0;
  private nextIno = 1000;
  /** Guest path of the working directory. */
  cwd: string;
  /** Granted host directories (guest path = host path). */
  private readonly grants: string[] = [];
  private readonly denied = new Set<string>();

  constructor(readonly opts: VfsOptions) {
    this.tmpQuota = new TmpQuota(opts.tmpQuota ?? DEFAULT_TMP_QUOTA);
    const add = (guest: string, host: string, writable = false): void => { this.mounts.push({ guest, host: hostResolve(host), writable }); };
    const sr = opts.sysroot;
    if (sr && existsSync(sr)) {
      add('/', sr);
      const lib = join(sr, 'lib');
      for (const alias of [`/lib/${MULTIARCH}`, `/usr/lib/${MULTIARCH}`, '/usr/lib', '/lib64', '/usr/lib64', '/lib64/lp64d', '/usr/lib64/lp64d', '/lib/lp64d']) {
        if (!existsSync(join(sr, alias)) && existsSync(lib)) add(alias, lib);
      }
    }
    const grant = (dir: string, writable: boolean): void => {
      const d = normalize(hostResolve(dir));
      const old = this.mounts.find((m) => m.guest === d && m.host === d);
      if (old) { old.writable ||= writable; return; }
      this.mounts.push({ guest: d, host: d, writable });
      this.grants.push(d);
    };
    grant(opts.programDir, false);
    grant(opts.cwd, !opts.readOnlyCwd);
    for (const g of opts.allow ?? []) grant(g.dir, g.writable);
    this.cwd = normalize(hostResolve(opts.cwd));
    this.mounts.sort((a, b) => b.guest.length - a.guest.length);
  }

  /** Guest path of a host file when it lies in a mounted directory (the program itself), else undefined. */
  guestPathOf(hostPath: string): string | undefined {
    const h = hostResolve(hostPath);
    for (const m of this.mounts) {
      if (h === m.host) return m.guest;
      if (h.startsWith(m.host + '/')) return normalize(m.guest + '/' + h.slice(m.host.length + 1));
    }
    return undefined;
  }

  private mountOf(p: string): Mount | undefined {
    for (const m of this.mounts) if (p === m.guest || p.startsWith(m.guest === '/' ? '/' : m.guest + '/')) return m;
    return undefined;
  }

  /** Is `p` a directory above a grant (the way down to it)? */
  private aboveGrant(p: string): boolean {
    const pre = p === '/' ? '/' : p + '/';
    return this.grants.some((g) => g.startsWith(pre));
  }

  /** The guest is refused `p` (outside every grant): EACCES and one warning per directory, when the host has it in a
   *  user directory; ENOENT otherwise. */
  private refuse(p: string, full = p): never {
    const top = p.split('/')[1] ?? '';
    if (!SYSTEM_TOP.has(top) && existsSync(p)) {
      const dir = dirname(full);
      if (!this.denied.has(dir)) { this.denied.add(dir); this.opts.onDenied?.(full); }
      throw new KernelError(EACCES);
    }
    throw new KernelError(ENOENT);
  }

  /** May the guest see host path `h` (inside a grant or the sysroot)? */
  visibleHost(h: string): boolean {
    const n = normalize(h);
    return this.mounts.some((m) => n === m.host || n.startsWith(m.host === '/' ? '/' : m.host + '/'));
  }

  absolute(path: string, dirGuest = this.cwd): string {
    return normalize(path.startsWith('/') ? path : dirGuest + '/' + path);
  }

  /** Look a guest path up, following symlinks (the last one too when `follow`). */
  /** The current task's program (the target of /proc/self/exe); set by the process. */
  exe?: () => string;

  lookup(path: string, follow = true, dirGuest = this.cwd): Node {
    if (path.length === 0) throw new KernelError(ENOENT);
    if (path.length >= 4096) throw new KernelError(ENAMETOOLONG);
    let p = this.absolute(path, dirGuest);
    for (let hops = 0; hops < 40; hops++) {
      const r = this.walk(p, follow);
      if (typeof r !== 'string') return r;
      p = r; // a symlink rewrote the path: walk again
    }
    throw new KernelError(ELOOP);
  }

  /** Walk once; returns a node, or a new path to walk when a symlink was met. */
  private walk(p: string, follow: boolean): Node | string {
    // /proc/self/exe is a symlink to the running program: followed (exec, open), it is that file
    if (follow && p === '/proc/self/exe' && this.exe) return this.exe();
    const special = this.special(p);
    if (special) return special;
    const parts = p.split('/').filter(Boolean);
    // resolve components one by one so symlinks stay inside the guest namespace
    let cur = '/';
    for (let i = 0; i < parts.length; i++) {
      const next = normalize(cur + '/' + parts[i]);
      const last = i === parts.length - 1;
      const sp = this.special(next);
      if (sp) {
        if (last) return sp;
        if (sp.kind !== 'dir') throw new KernelError(ENOTDIR);
        cur = next;
        continue;
      }
      const m = this.mountOf(next);
      if (!m) { if (this.aboveGrant(next)) { if (last) return { type: 'root', kind: 'dir', guestPath: next, name: next }; cur = next; continue; } this.refuse(next, p); }
      const host = next === m.guest ? m.host : join(m.host, next.slice(m.guest === '/' ? 1 : m.guest.length + 1));
      let st: Stats;
      try { st = lstatSync(host); } catch {
        if (m.guest === '/' || !this.grants.includes(m.guest)) {
          // not in the sysroot: the way down to a grant, or a refused host path
          if (this.aboveGrant(next)) { if (last) return { type: 'root', kind: 'dir', guestPath: next, name: next }; cur = next; continue; }
          this.refuse(next, p);
        }
        throw new KernelError(ENOENT);
      }
      if (st.isSymbolicLink() && (!last || follow)) {
        const target = readlinkSync(host);
        const rest = parts.slice(i + 1).join('/');
        const base = target.startsWith('/') ? target : normalize(dirname(next) + '/' + target);
        return normalize(base + (rest ? '/' + rest : ''));
      }
      if (!last && !st.isDirectory()) throw new KernelError(ENOTDIR);
      if (last) {
        const kind: NodeKind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'chr';
        return { type: 'host', kind, hostPath: host, guestPath: next, writable: m.writable, stats: st };
      }
      cur = next;
    }
    // the root itself
    const m = this.mountOf('/');
    if (m) return { type: 'host', kind: 'dir', hostPath: m.host, guestPath: '/', writable: false, stats: statSync(m.host) };
    return { type: 'root', kind: 'dir', guestPath: '/', name: '/' };
  }

  /** Nodes that do not come from a host directory. */
  private special(p: string): Node | undefined {
    const granted = this.grants.some((g) => p === g || p.startsWith(g + '/'));
    if (!granted && !this.aboveGrant(p) && (p === '/tmp' || this.tmpDirs.has(p))) return { type: 'tmpdir', kind: 'dir', guestPath: p, ino: 1 };
    if (!granted && p.startsWith('/tmp/') && !this.aboveGrant(p)) {
      const f = this.tmp.get(p);
      if (f) return { type: 'tmpfile', kind: 'file', guestPath: p, file: f };
      if (!this.tmpDirs.has(dirname(p))) throw new KernelError(ENOENT);
      throw new KernelError(ENOENT);
    }
    if (PROC_DIRS.includes(p)) return { type: 'proc', kind: 'dir', guestPath: p, name: p };
    if (PROC_FILES.includes(p)) return { type: 'proc', kind: p === '/proc/self/exe' ? 'symlink' : 'file', guestPath: p, name: p };
    if (p.startsWith('/proc/')) throw new KernelError(ENOENT);
    if (p === '/dev/null' || p === '/dev/zero' || p === '/dev/urandom' || p === '/dev/random') {
      return { type: 'dev', kind: 'chr', guestPath: p, name: basename(p) as 'null' };
    }
    if (p === '/dev') return { type: 'root', kind: 'dir', guestPath: p, name: 'dev' };
    if (p.startsWith('/dev/')) throw new KernelError(ENOENT);
    return undefined;
  }

  /** Is `p` in the private /tmp (and not inside a grant)? */
  private isTmp(p: string): boolean {
    return (p === '/tmp' || p.startsWith('/tmp/')) && !this.grants.some((g) => p === g || p.startsWith(g + '/'));
  }

  /** The host path of `p` for a change of the namespace (create, unlink, rename, ...): it must lie in a
   *  read-write grant; its parent must be a directory. */
  private writableHost(p: string): string {
    for (const c of p.split('/')) if (c.length > 255) throw new KernelError(ENAMETOOLONG);
    const m = this.mountOf(p);
    if (!m || !this.grants.includes(m.guest)) {
      if (p.startsWith('/proc') || p.startsWith('/dev')) throw new KernelError(EACCES);
      if (m && m.guest === '/' && !this.aboveGrant(p)) { try { this.lookup(dirname(p)); } catch (e) { throw e; } }
      throw new KernelError(EROFS);
    }
    if (p === m.guest) throw new KernelError(EBUSY);
    if (!m.writable) throw new KernelError(EROFS);
    const dir = this.lookup(dirname(p));
    if (dir.kind !== 'dir') throw new KernelError(ENOTDIR);
    return p;
  }

  /** Create (or truncate) a file for O_CREAT: in /tmp or a read-write grant. */
  create(path: string, mode: number, dirGuest = this.cwd): Node {
    const p = this.absolute(path, dirGuest);
    if (this.isTmp(p)) {
      for (const c of p.split('/')) if (c.length > 255) throw new KernelError(ENAMETOOLONG);
      if (!this.tmpDirs.has(dirname(p))) throw new KernelError(this.tmp.has(dirname(p)) ? ENOTDIR : ENOENT);
      if (!this.tmp.has(p)) this.chargeTmpNames(1, p.length);
      const f: TmpFile = { data: Buffer.alloc(0), size: 0, mode: 0o100000 | (mode & 0o7777 & ~this.umask), ino: this.nextIno++, mtimeNs: 0n };
      this.tmp.set(p, f);
      return { type: 'tmpfile', kind: 'file', guestPath: p, file: f };
    }
    const host = this.writableHost(p);
    hostCallV(() => writeFileSync(host, '', { flag: 'wx', mode: mode & 0o7777 & ~this.umask }));
    return this.lookup(p);
  }

  /** The umask of the calling task, applied to created files and directories. */
  umask = 0o022;

  mkdir(path: string, mode = 0o777): void {
    const p = this.absolute(path);
    if (this.isTmp(p)) {
      for (const c of p.split('/')) if (c.length > 255) throw new KernelError(ENAMETOOLONG);
      if (p === '/tmp' || this.tmpDirs.has(p) || this.tmp.has(p)) throw new KernelError(EEXIST);
      if (!this.tmpDirs.has(dirname(p))) throw new KernelError(this.tmp.has(dirname(p)) ? ENOTDIR : ENOENT);
      this.chargeTmpNames(1, p.length);
      this.tmpDirs.add(p);
      return;
    }
    if (this.existsNoFollow(p)) throw new KernelError(EEXIST);
    const host = this.writableHost(p);
    hostCallV(() => mkdirSync(host, { mode: mode & 0o7777 & ~this.umask }));
  }

  private existsNoFollow(p: string): boolean {
    try { this.lookup(p, false); return true; } catch (e) { if (e instanceof KernelError && e.errno === ENOENT) return false; throw e; }
  }

  rmdir(path: string): void {
    const p = this.absolute(path);
    if (this.isTmp(p)) {
      if (p === '/tmp') throw new KernelError(EBUSY);
      if (!this.tmpDirs.has(p)) throw new KernelError(this.tmp.has(p) ? ENOTDIR : ENOENT);
      const pre = p + '/';
      if ([...this.tmp.keys(), ...this.tmpDirs].some((k) => k.startsWith(pre))) throw new KernelError(ENOTEMPTY);
      this.tmpDirs.delete(p);
      this.tmpNameBytes -= p.length;
      return;
    }
    const n = this.lookup(p, false);
    if (n.kind !== 'dir') throw new KernelError(ENOTDIR);
    const host = this.writableHost(p);
    hostCallV(() => rmdirSync(host));
  }

  unlink(path: string): void {
    const p = this.absolute(path);
    if (this.isTmp(p)) {
      const t = this.tmp.get(p);
      if (t) { this.tmp.delete(p); this.tmpNameBytes -= p.length; this.dropTmpName(t); return; }
      if (p === '/tmp' || this.tmpDirs.has(p)) throw new KernelError(EISDIR);
      throw new KernelError(ENOENT);
    }
    const n = this.lookup(p, false);
    if (n.kind === 'dir') throw new KernelError(EISDIR);
    const host = this.writableHost(p);
    hostCallV(() => unlinkSync(host));
  }

  /** renameat2: RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2. */
  rename(from: string, to: string, flags = 0): void {
    const a = this.absolute(from), b = this.absolute(to);
    if (flags & ~3 || (flags & 3) === 3) throw new KernelError(EINVAL);
    const src = this.lookup(a, false);
    if (flags & 1 && this.existsNoFollow(b)) throw new KernelError(EEXIST);
    if (flags & 2 && !this.existsNoFollow(b)) throw new KernelError(ENOENT);
    if (b === a || b.startsWith(a + '/')) { if (b === a) return; throw new KernelError(EINVAL); }
    if (this.isTmp(a) !== this.isTmp(b)) throw new KernelError(EXDEV);
    if (this.isTmp(a)) {
      if (!this.tmpDirs.has(dirname(b))) throw new KernelError(ENOENT);
      const move = (x: string, y: string): void => {
        const f = this.tmp.get(x), g = this.tmp.get(y);
        this.tmp.delete(x); this.tmp.delete(y);
        if (f) this.tmp.set(y, f);
        if (g && flags & 2) this.tmp.set(x, g);
        else if (g && g !== f) this.dropTmpName(g); // the replaced file loses its name
      };
      if (src.kind === 'dir') {
        if (this.tmp.has(b)) throw new KernelError(ENOTDIR);
        const pre = a + '/';
        let moved = 0;
        for (const k of this.tmp.keys()) if (k.startsWith(pre)) moved++;
        for (const d of this.tmpDirs) if (d === a || d.startsWith(pre)) moved++;
        this.chargeTmpNames(0, moved * (b.length - a.length));
        for (const k of [...this.tmp.keys()]) if (k.startsWith(pre)) { const f = this.tmp.get(k)!; this.tmp.delete(k); this.tmp.set(b + k.slice(a.length), f); }
        for (const d of [...this.tmpDirs]) if (d === a || d.startsWith(pre)) { this.tmpDirs.delete(d); this.tmpDirs.add(b + d.slice(a.length)); }
      } else {
        if (this.tmpDirs.has(b)) throw new KernelError(EISDIR);
        if (!(flags & 2)) this.chargeTmpNames(0, this.tmp.has(b) ? -a.length : b.length - a.length);
        move(a, b);
      }
      return;
    }
    const ha = this.writableHost(a), hb = this.writableHost(b);
    if (flags & 2) {
      const tmp = hb + '.riscv-vdso-exchange';
      hostCallV(() => { renameSync(ha, tmp); renameSync(hb, ha); renameSync(tmp, hb); });
    } else hostCallV(() => renameSync(ha, hb));
  }

  symlink(target: string, linkPath: string): void {
    const p = this.absolute(linkPath);
    if (this.existsNoFollow(p)) throw new KernelError(EEXIST);
    if (this.isTmp(p)) throw new KernelError(EPERM); // the private /tmp holds files and directories only
    const host = this.writableHost(p);
    hostCallV(() => symlinkSync(target, host));
  }

  link(from: string, to: string): void {
    const a = this.absolute(from), b = this.absolute(to);
    const src = this.lookup(a, false);
    if (src.kind === 'dir') throw new KernelError(EPERM);
    if (this.existsNoFollow(b)) throw new KernelError(EEXIST);
    if (this.isTmp(a) !== this.isTmp(b)) throw new KernelError(EXDEV);
    if (this.isTmp(a)) {
      if (!this.tmpDirs.has(dirname(b))) throw new KernelError(ENOENT);
      this.chargeTmpNames(1, b.length);
      this.tmp.set(b, this.tmp.get(a)!);
      return;
    }
    const ha = this.writableHost(a), hb = this.writableHost(b);
    hostCallV(() => linkSync(ha, hb));
  }

  chmod(path: string, mode: number, follow = true): void {
    const n = this.lookup(path, follow);
    if (n.type === 'tmpfile') { n.file.mode = (n.file.mode & ~0o7777) | (mode & 0o7777); return; }
    if (n.type === 'tmpdir') return;
    if (n.type !== 'host') throw new KernelError(EPERM);
    const host = this.writableHost(n.guestPath);
    hostCallV(() => chmodSync(host, mode & 0o7777));
  }

  utimes(path: string, atimeNs: bigint | undefined, mtimeNs: bigint | undefined, follow = true): void {
    const n = this.lookup(path, follow);
    if (n.type === 'tmpfile') { if (mtimeNs !== undefined) n.file.mtimeNs = mtimeNs; return; }
    if (n.type === 'tmpdir') return;
    if (n.type !== 'host') throw new KernelError(EPERM);
    const host = this.writableHost(n.guestPath);
    const st = statSync(host);
    const sec = (v: bigint | undefined, old: number): number => (v === undefined ? old / 1000 : Number(v) / 1e9);
    hostCallV(() => utimesSync(host, sec(atimeNs, st.atimeMs), sec(mtimeNs, st.mtimeMs)));
  }

  /**
   * Room for `count` more /tmp names of `bytes` more bytes (negative: fewer): like tmpfs's nr_inodes, /tmp holds
   * at most MAX_TMP_INODES files and directories, and their names at most MAX_TMP_NAME_BYTES, else ENOSPC.
   */
  private chargeTmpNames(count: number, bytes: number): void {
    if (count > 0 && this.tmp.size + this.tmpDirs.size + count > MAX_TMP_INODES) throw new KernelError(ENOSPC);
    if (bytes > 0 && this.tmpNameBytes + bytes > MAX_TMP_NAME_BYTES) throw new KernelError(ENOSPC);
    this.tmpNameBytes += bytes;
  }

  /** A /tmp file lost a name: its data leaves the quota when no other name (link) and no open file holds it. */
  private dropTmpName(t: TmpFile): void {
    for (const g of this.tmp.values()) if (g === t) return;
    if (t.opens) t.unlinked = true; else this.tmpQuota.release(t);
  }

  /**
   * May readlink show `target` (read from the link at guest path `linkPath`)? Only when it names something the
   * guest reaches: it resolves in the guest's namespace (a grant, the sysroot, the private /tmp, /proc, /dev), or
   * it lies in a grant or on the way down to one (a dangling link there). Any other host path, dangling or not,
   * is never shown.
   */
  showsLinkTarget(linkPath: string, target: string): boolean {
    const abs = normalize(target.startsWith('/') ? target : dirname(linkPath) + '/' + target);
    try { this.lookup(abs, false); return true; } catch (e) { if (!(e instanceof KernelError) || e.errno === EACCES) return false; }
    return this.grants.some((g) => abs === g || abs.startsWith(g + '/')) || this.aboveGrant(abs);
  }

  /** Is node `n` where the guest may write? */
  writableNode(n: Node): boolean {
    return n.type === 'tmpfile' || n.type === 'tmpdir' || n.type === 'dev' || (n.type === 'host' && n.writable);
  }

  /** The next path components from directory `dir` toward the mounts below it. */
  private toward(dir: string): string[] {
    const pre = dir === '/' ? '/' : dir + '/';
    const names = new Set<string>();
    for (const m of this.mounts) if (m.guest.startsWith(pre) && m.guest !== dir) names.add(m.guest.slice(pre.length).split('/')[0]);
    return [...names];
  }

  /** Directory entries (name, kind) of a node. */
  list(n: Node): { name: string; kind: NodeKind; ino: number }[] {
    if (n.type === 'host' && n.kind === 'dir') {
      const out = readdirSync(n.hostPath, { withFileTypes: true }).map((d) => ({
        name: d.name, kind: (d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'symlink' : d.isFile() ? 'file' : 'chr') as NodeKind, ino: 0,
      }));
      for (const name of this.toward(n.guestPath)) if (!out.some((o) => o.name === name)) out.push({ name, kind: 'dir', ino: 0 });
      return out;
    }
    if (n.type === 'root' && n.name !== 'dev') return this.toward(n.guestPath).map((name) => ({ name, kind: 'dir' as const, ino: 0 }));
    if (n.type === 'tmpdir') {
      const pre = n.guestPath + '/';
      const out: { name: string; kind: NodeKind; ino: number }[] = [];
      for (const [p, f] of this.tmp) if (p.startsWith(pre) && !p.slice(pre.length).includes('/')) out.push({ name: p.slice(pre.length), kind: 'file', ino: f.ino });
      for (const d of this.tmpDirs) if (d.startsWith(pre) && !d.slice(pre.length).includes('/')) out.push({ name: d.slice(pre.length), kind: 'dir', ino: 2 });
      return out;
    }
    if (n.type === 'proc' && n.guestPath === '/proc') return [{ name: 'self', kind: 'dir', ino: 0 }, { name: 'cpuinfo', kind: 'file', ino: 0 }, { name: 'meminfo', kind: 'file', ino: 0 }];
    if (n.type === 'proc' && n.guestPath === '/proc/self') return ['maps', 'auxv', 'exe', 'cmdline', 'status', 'stat'].map((name) => ({ name, kind: name === 'exe' ? 'symlink' as const : 'file' as const, ino: 0 }));
    if (n.type === 'root' && n.name === 'dev') return ['null', 'zero', 'urandom', 'random'].map((name) => ({ name, kind: 'chr' as const, ino: 0 }));
    return [];
  }

  readHostFile(n: Node & { type: 'host' }): Uint8Array {
    return readHostCached(n.hostPath, n.stats);
  }
}

const fileCache = new Map<string, { mtimeMs: number; size: number; data: Uint8Array }>();
let fileCacheBytes = 0;
/**
 * Host files are read once (and shared by read() and mmap()) while their mtime and size stay the same, up to
 * HOST_FILE_CACHE_BYTES in all (the least recently read go first). Only regular files: a FIFO, a device or a
 * socket in an allowed directory would block or never end (ENXIO, as for a socket's open on Linux).
 */
export function readHostCached(hostPath: string, st: Stats): Uint8Array {
  if (!st.isFile()) throw new KernelError(ENXIO);
  if (st.size > MAX_PROGRAM_BYTES) throw new KernelError(ENOMEM);
  const c = fileCache.get(hostPath);
  if (c && c.mtimeMs === st.mtimeMs && c.size === st.size) {
    fileCache.delete(hostPath);
    fileCache.set(hostPath, c);
    return c.data;
  }
  if (c) { fileCache.delete(hostPath); fileCacheBytes -= c.data.length; }
  const data = new Uint8Array(readFileSync(hostPath));
  fileCache.set(hostPath, { mtimeMs: st.mtimeMs, size: st.size, data });
  fileCacheBytes += data.length;
  for (const [k, v] of fileCache) {
    if (fileCacheBytes <= HOST_FILE_CACHE_BYTES || k === hostPath) break;
    fileCache.delete(k);
    fileCacheBytes -= v.data.length;
  }
  return data;
}
