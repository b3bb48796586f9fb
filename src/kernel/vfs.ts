// models fs/namei.c (path walk, symlinks, ELOOP) and the mount table of fs/namespace.c, for the guest's view
// of the file system. The guest sees only:
//   /            the sysroot, read-only (so the dynamic loader finds /lib/ld-linux-riscv64-lp64d.so.1 and
//                /lib/riscv64-linux-gnu/libc.so.6: the multiarch directories fall back to the sysroot's lib/)
//   /program     the program's directory, read-only
//   /cwd         the working directory (read-only unless allowWrite); it is /program when they are the same
//   /tmp         an in-memory tmpfs, writable
//   /proc        procfs.ts;  /dev/null, /dev/zero, /dev/urandom, /dev/random
//   each allowRead directory at its own absolute path, read-only
// Everything else is ENOENT; writes outside /tmp (and cwd with allowWrite) are EROFS. Symlinks are followed
// inside the guest namespace, so a link can never lead to a host path outside these directories.
import { existsSync, lstatSync, readlinkSync, readdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve as hostResolve, basename } from 'node:path';
import { KernelError, ENOENT, ENOTDIR, ELOOP, EROFS, EACCES, ENAMETOOLONG, EEXIST } from './errno';

export type NodeKind = 'file' | 'dir' | 'chr' | 'symlink';

export interface TmpFile { data: Buffer; size: number; mode: number; ino: number; mtimeNs: bigint; }

export type Node =
  | { type: 'host'; kind: NodeKind; hostPath: string; guestPath: string; writable: boolean; stats: Stats }
  | { type: 'tmpfile'; kind: 'file'; guestPath: string; file: TmpFile }
  | { type: 'tmpdir'; kind: 'dir'; guestPath: string; ino: number }
  | { type: 'proc'; kind: 'file' | 'dir' | 'symlink'; guestPath: string; name: string }
  | { type: 'dev'; kind: 'chr'; guestPath: string; name: 'null' | 'zero' | 'urandom' | 'random' }
  | { type: 'root'; kind: 'dir'; guestPath: string; name: string };

interface Mount { guest: string; host: string; writable: boolean; }

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
  cwd: string;
  allowRead?: string[];
  allowWrite?: boolean;
}

export class Vfs {
  private readonly mounts: Mount[] = [];
  readonly tmp = new Map<string, TmpFile>();
  readonly tmpDirs = new Set<string>(['/tmp']);
  private nextIno = 1000;
  /** Guest path of the working directory. */
  cwd: string;
  readonly programGuestDir = '/program';

  constructor(readonly opts: VfsOptions) {
    const add = (guest: string, host: string, writable = false): void => { this.mounts.push({ guest, host: hostResolve(host), writable }); };
    const sr = opts.sysroot;
    if (sr && existsSync(sr)) {
      add('/', sr);
      const lib = join(sr, 'lib');
      for (const alias of [`/lib/${MULTIARCH}`, `/usr/lib/${MULTIARCH}`, '/usr/lib', '/lib64', '/usr/lib64', '/lib64/lp64d', '/usr/lib64/lp64d', '/lib/lp64d']) {
        if (!existsSync(join(sr, alias)) && existsSync(lib)) add(alias, lib);
      }
    }
    add('/program', opts.programDir);
    const cwdHost = hostResolve(opts.cwd);
    if (cwdHost === hostResolve(opts.programDir) && !opts.allowWrite) this.cwd = '/program';
    else { add('/cwd', cwdHost, !!opts.allowWrite); this.cwd = '/cwd'; }
    for (const d of opts.allowRead ?? []) add(normalize(hostResolve(d)), d);
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

  absolute(path: string, dirGuest = this.cwd): string {
    return normalize(path.startsWith('/') ? path : dirGuest + '/' + path);
  }

  /** Look a guest path up, following symlinks (the last one too when `follow`). */
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
      if (!m) throw new KernelError(ENOENT);
      const host = next === m.guest ? m.host : join(m.host, next.slice(m.guest === '/' ? 1 : m.guest.length + 1));
      let st: Stats;
      try { st = lstatSync(host); } catch { throw new KernelError(ENOENT); }
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
    if (p === '/tmp' || this.tmpDirs.has(p)) return { type: 'tmpdir', kind: 'dir', guestPath: p, ino: 1 };
    if (p.startsWith('/tmp/')) {
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
    if ((p === '/program' || p === '/cwd') && !this.mountOf(p)) throw new KernelError(ENOENT);
    return undefined;
  }

  /** Create (or truncate) a file for O_CREAT: only /tmp and a writable cwd. */
  create(path: string, mode: number, dirGuest = this.cwd): Node {
    const p = this.absolute(path, dirGuest);
    if (p.startsWith('/tmp/')) {
      if (!this.tmpDirs.has(dirname(p))) throw new KernelError(ENOENT);
      const f: TmpFile = { data: Buffer.alloc(0), size: 0, mode: 0o100000 | (mode & 0o7777), ino: this.nextIno++, mtimeNs: 0n };
      this.tmp.set(p, f);
      return { type: 'tmpfile', kind: 'file', guestPath: p, file: f };
    }
    const m = this.mountOf(p);
    if (!m || p === m.guest) throw new KernelError(p.startsWith('/proc') || p.startsWith('/dev') ? EACCES : EROFS);
    const parent = dirname(p);
    let dir: Node;
    try { dir = this.lookup(parent); } catch (e) { throw e; }
    if (dir.kind !== 'dir') throw new KernelError(ENOTDIR);
    if (!m.writable || dir.type !== 'host' || !dir.writable) throw new KernelError(EROFS);
    const host = join(dir.hostPath, basename(p));
    writeFileSync(host, '');
    return this.lookup(p);
  }

  mkdirTmp(path: string): void {
    const p = this.absolute(path);
    if (!p.startsWith('/tmp/')) throw new KernelError(EROFS);
    if (this.tmpDirs.has(p) || this.tmp.has(p)) throw new KernelError(EEXIST);
    if (!this.tmpDirs.has(dirname(p))) throw new KernelError(this.tmp.has(dirname(p)) ? ENOTDIR : ENOENT);
    this.tmpDirs.add(p);
  }

  unlink(path: string): void {
    const p = this.absolute(path);
    if (this.tmp.delete(p)) return;
    this.lookup(p, false);
    throw new KernelError(EROFS);
  }

  /** Directory entries (name, kind) of a node. */
  list(n: Node): { name: string; kind: NodeKind; ino: number }[] {
    if (n.type === 'host' && n.kind === 'dir') {
      const out = readdirSync(n.hostPath, { withFileTypes: true }).map((d) => ({
        name: d.name, kind: (d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'symlink' : d.isFile() ? 'file' : 'chr') as NodeKind, ino: 0,
      }));
      // mount points below this directory
      for (const m of this.mounts) {
        if (m.guest !== n.guestPath && dirname(m.guest) === n.guestPath && !out.some((o) => o.name === basename(m.guest))) out.push({ name: basename(m.guest), kind: 'dir', ino: 0 });
      }
      return out;
    }
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
/** Host files are read once (and shared by read() and mmap()) while their mtime and size stay the same. */
export function readHostCached(hostPath: string, st: Stats): Uint8Array {
  const c = fileCache.get(hostPath);
  if (c && c.mtimeMs === st.mtimeMs && c.size === st.size) return c.data;
  const data = new Uint8Array(readFileSync(hostPath));
  fileCache.set(hostPath, { mtimeMs: st.mtimeMs, size: st.size, data });
  return data;
}
