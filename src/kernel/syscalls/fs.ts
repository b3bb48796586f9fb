// models fs/read_write.c, fs/open.c, fs/stat.c, fs/fcntl.c, fs/ioctl.c, fs/pipe.c, fs/readdir.c, fs/d_path.c
// (getcwd) and fs/namei.c (readlinkat, faccessat, unlinkat, mkdirat) over the guest view of vfs.ts.
import * as hostFs from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { LinuxProcess } from '../process';
import type { Node, TmpFile } from '../vfs';
import type { Files, ThreadGroup } from '../task';
import {
  KernelError, EBADF, EFAULT, EINVAL, ENOENT, EISDIR, ENOTDIR, ESPIPE, ENOTTY, EMFILE, EROFS, EACCES, ERANGE, EAGAIN, EEXIST, EPIPE,
  ENAMETOOLONG, ENOSPC,
} from '../errno';
import { MAX_RW_COUNT, IO_CHUNK, PATH_MAX, HOST_FILE_WHOLE_BYTES, DEV_READ_MAX } from '../limits';
import { TASK_SIZE } from '../mm';
import { auxvBytes, cpuinfo, mapsText, statusText, meminfoText } from '../procfs';
import { anonRead, anonWrite, PIPE_BUF_CAPACITY, type AnonFile } from './events';
import { SIGPIPE } from '../signal';
import { sockRecv, sockSend, sockRelease, type UnixSocket } from './socket';
import { fcntlLock, F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW } from './namei';

/** A host file-system call; its error becomes the same errno for the guest. */
export function hostCall<T>(fn: () => T): T {
  try { return fn(); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const errno = code ? (osConstants.errno as Record<string, number>)[code] : undefined;
    if (typeof errno === 'number') throw new KernelError(errno);
    throw e;
  }
}

export const AT_FDCWD = -100;
export const AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;
export const O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000,
  O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000;
const S_IFSOCK = 0o140000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFLNK = 0o120000, S_IFIFO = 0o010000;

/**
 * A pipe's buffer (fs/pipe.c): at most PIPE_BUF_CAPACITY bytes, held as bytes in a ring that grows as it
 * fills (an idle pipe holds nothing), so 510 full pipes cost the host 32 MiB, not a JavaScript array each.
 */
export class Pipe {
  readers = 1;
  writers = 1;
  private ring = new Uint8Array(0);
  private head = 0;
  /** Bytes in the buffer. */
  length = 0;
  /** Counts writes into the pipe (the wake-ups an edge-triggered epoll sees even while it stays readable). */
  writes = 0;

  /** Append up to the free room; returns how many bytes went in. */
  put(data: Uint8Array): number {
    const n = Math.min(data.length, PIPE_BUF_CAPACITY - this.length);
    if (n <= 0) return 0;
    this.writes++;
    if (this.length + n > this.ring.length) {
      const held = this.length;
      const grown = new Uint8Array(Math.min(PIPE_BUF_CAPACITY, Math.max(4096, 2 ** Math.ceil(Math.log2(held + n)))));
      grown.set(this.take(held));
      this.ring = grown;
      this.head = 0;
      this.length = held;
    }
    const cap = this.ring.length;
    let tail = (this.head + this.length) % cap;
    for (let done = 0; done < n;) {
      const k = Math.min(n - done, cap - tail);
      this.ring.set(data.subarray(done, done + k), tail);
      done += k;
      tail = (tail + k) % cap;
    }
    this.length += n;
    return n;
  }

  /** Remove and return up to `max` bytes from the front. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.length);
    const out = new Uint8Array(n);
    const cap = this.ring.length;
    for (let done = 0; done < n;) {
      const k = Math.min(n - done, cap - this.head);
      out.set(this.ring.subarray(this.head, this.head + k), done);
      done += k;
      this.head = (this.head + k) % cap;
    }
    this.length -= n;
    if (this.length === 0) this.head = 0;
    return out;
  }
}

export interface OpenFile {
  kind: 'console' | 'file' | 'tmp' | 'dir' | 'dev' | 'pipe' | 'proc' | 'anon' | 'socket';
  /** An AF_UNIX socket (socket.ts). */
  sock?: UnixSocket;
  /** eventfd, timerfd, signalfd, epoll (events.ts). */
  anon?: AnonFile;
  /** A host file opened for writing (inside a read-write grant): the host's fd. */
  hostFd?: number;
  node?: Node;
  path: string;
  flags: number;
  pos: number;
  /** Contents of a read-only host or proc file. */
  data?: Uint8Array;
  tmp?: TmpFile;
  pipe?: Pipe;
  pipeEnd?: 'r' | 'w';
  /** Console: 0, 1 or 2. */
  console?: number;
  dirEntries?: { name: string; kind: string; ino: number }[];
  refs: number;
}

const i32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

export function getFile(p: LinuxProcess, fd: bigint): OpenFile {
  const n = i32(fd);
  const f = n >= 0 ? p.fds[n] : undefined;
  if (!f) throw new KernelError(EBADF);
  return f;
}

export function installFd(p: LinuxProcess, f: OpenFile, cloexec: boolean, min = 0): number {
  return installFdIn(p.current.files, f, cloexec, min);
}

/** fd_install in a given table (a call that completes after sleeping installs in its caller's table). */
export function installFdIn(files: Files, f: OpenFile, cloexec: boolean, min = 0): number {
  for (let i = min; i < 1024; i++) {
    if (!files.fds[i]) { files.fds[i] = f; files.cloexec[i] = cloexec; return i; }
  }
  throw new KernelError(EMFILE);
}

export function userPath(p: LinuxProcess, va: bigint): string {
  const s = p.mm.readString(va, PATH_MAX);
  // strncpy_from_user: PATH_MAX readable bytes without a NUL is ENAMETOOLONG; a fault before that, EFAULT
  if (s === undefined) throw new KernelError(p.mm.read(va, PATH_MAX) ? ENAMETOOLONG : EFAULT);
  return s;
}

/** The guest directory relative paths of *at() calls start from. */
export function dirOf(p: LinuxProcess, dirfd: bigint, path: string): string {
  if (path.startsWith('/') || i32(dirfd) === AT_FDCWD) return p.vfs.cwd;
  const f = getFile(p, dirfd);
  if (f.kind !== 'dir') throw new KernelError(ENOTDIR);
  return f.path;
}

function procContent(p: LinuxProcess, name: string): Uint8Array {
  switch (name) {
    case '/proc/self/maps': return Buffer.from(mapsText(p.mappings()));
    case '/proc/self/auxv': return auxvBytes(p.auxv());
    case '/proc/cpuinfo': return Buffer.from(cpuinfo());
    case '/proc/self/cmdline': return Buffer.from(p.argv.map((a) => a + '\0').join(''));
    case '/proc/self/status': return Buffer.from(statusText(p.comm, p.pid, p.ppid, p.mm.residentPages * 4));
    case '/proc/self/stat': return Buffer.from(`${p.pid} (${p.comm}) R ${p.ppid} ${p.current.group.pgid} ${p.current.group.sid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0\n`);
    case '/proc/meminfo': return Buffer.from(meminfoText(p.alloc.totalPages * 4, p.alloc.freePages * 4));
  }
  throw new KernelError(ENOENT);
}

export function openNode(p: LinuxProcess, n: Node, flags: number): OpenFile {
  const acc = flags & O_ACCMODE;
  const wants = acc === O_WRONLY || acc === O_RDWR || (flags & O_TRUNC) !== 0;
  if ((flags & O_DIRECTORY) && n.kind !== 'dir') throw new KernelError(ENOTDIR);
  if (n.kind === 'dir') {
    if (wants) throw new KernelError(EISDIR);
    return { kind: 'dir', node: n, path: n.guestPath, flags, pos: 0, refs: 1 };
  }
  switch (n.type) {
    case 'host':
      if (wants && !n.writable) throw new KernelError(EROFS);
      if (wants) {
        if (n.kind !== 'file') throw new KernelError(EACCES);
        const hflags = (acc === O_WRONLY ? hostFs.constants.O_WRONLY : hostFs.constants.O_RDWR) | (flags & O_TRUNC ? hostFs.constants.O_TRUNC : 0);
        return { kind: 'file', node: n, path: n.guestPath, flags, pos: 0, refs: 1, hostFd: hostCall(() => hostFs.openSync(n.hostPath, hflags)) };
      }
      // a big file is read through a host descriptor in pieces, not held whole (nor cached) for the guest
      if (n.stats.isFile() && n.stats.size > HOST_FILE_WHOLE_BYTES) {
        return { kind: 'file', node: n, path: n.guestPath, flags, pos: 0, refs: 1, hostFd: hostCall(() => hostFs.openSync(n.hostPath, hostFs.constants.O_RDONLY)) };
      }
      return { kind: 'file', node: n, path: n.guestPath, flags, pos: 0, data: p.vfs.readHostFile(n), refs: 1 };
    case 'tmpfile':
      if (flags & O_TRUNC) { n.file.size = 0; p.vfs.tmpQuota.fit(n.file, 0, true); }
      n.file.opens = (n.file.opens ?? 0) + 1;
      return { kind: 'tmp', node: n, path: n.guestPath, flags, pos: 0, tmp: n.file, refs: 1 };
    case 'proc':
      if (wants) throw new KernelError(EACCES);
      return { kind: 'proc', node: n, path: n.guestPath, flags, pos: 0, data: procContent(p, n.name), refs: 1 };
    case 'dev':
      return { kind: 'dev', node: n, path: n.guestPath, flags, pos: 0, refs: 1 };
  }
  throw new KernelError(ENOENT);
}

export function sysOpenat(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[1]);
  const flags = Number(a[2]);
  const dir = dirOf(p, a[0], path);
  let node: Node;
  try {
    node = p.vfs.lookup(path, !(flags & O_NOFOLLOW), dir);
    if ((flags & O_CREAT) && (flags & O_EXCL)) throw new KernelError(EEXIST);
  } catch (e) {
    if (!(e instanceof KernelError) || e.errno !== ENOENT || !(flags & O_CREAT)) throw e;
    p.vfs.umask = p.umask;
    node = p.vfs.create(path, Number(a[3]), dir);
  }
  if (node.type === 'proc' && node.kind === 'symlink') throw new KernelError(ENOENT);
  const f = openNode(p, node, flags);
  return BigInt(installFd(p, f, (flags & O_CLOEXEC) !== 0));
}

export function sysClose(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  p.fds[i32(a[0])] = undefined;
  closeFile(p, f, p.current.group);
  return 0n;
}

/** filp_close: one fd of `f` is gone (the table entry already cleared); `owner` is the process whose POSIX locks go. */
export function closeFile(p: LinuxProcess, f: OpenFile, owner: ThreadGroup): void {
  if (f.node && p.locks.posix.size) {
    // closing any fd of a file drops the process's POSIX locks on it (fs/locks.c locks_remove_posix)
    const key = f.node.type === 'host' ? f.node.hostPath : f.node.guestPath;
    const list = p.locks.posix.get(key);
    if (list) { const keep = list.filter((l) => l.owner !== owner); if (keep.length) p.locks.posix.set(key, keep); else p.locks.posix.delete(key); }
  }
  if (f.refs === 1 && (p.locks.flocks.size || p.locks.posix.size)) p.locks.release(f);
  releaseFile(f, p);
}

/** put_files_struct / do_close_on_exec: close every fd of `files` (or only the close-on-exec ones). */
export function closeAll(p: LinuxProcess, files: Files, owner: ThreadGroup, onlyCloexec = false): void {
  files.fds.forEach((f, fd) => {
    if (!f || (onlyCloexec && !files.cloexec[fd])) return;
    files.fds[fd] = undefined;
    files.cloexec[fd] = false;
    closeFile(p, f, owner);
  });
}

export function releaseFile(f: OpenFile, p?: LinuxProcess): void {
  if (--f.refs > 0) return;
  if (f.hostFd !== undefined) { try { hostFs.closeSync(f.hostFd); } catch { /* already gone */ } f.hostFd = undefined; }
  if (f.pipe) { if (f.pipeEnd === 'r') f.pipe.readers--; else f.pipe.writers--; }
  const t = f.tmp;
  if (t && t.opens && --t.opens === 0 && t.unlinked) p?.vfs.tmpQuota.release(t);
  if (f.sock) sockRelease(f.sock);
}

function readFrom(p: LinuxProcess, f: OpenFile, len: number, pos?: number): Uint8Array {
  const at = pos ?? f.pos;
  let out: Uint8Array;
  switch (f.kind) {
    case 'console': {
      if (f.console !== 0) throw new KernelError(EBADF);
      out = p.readStdin(len);
      return out;
    }
    case 'file': case 'proc': if (f.hostFd !== undefined) {
      const b = Buffer.alloc(len);
      out = b.subarray(0, hostCall(() => hostFs.readSync(f.hostFd!, b, 0, len, at)));
      break;
    }
      out = f.data!.subarray(Math.min(at, f.data!.length), Math.min(at + len, f.data!.length)); break;
    case 'tmp': out = f.tmp!.data.subarray(Math.min(at, f.tmp!.size), Math.min(at + len, f.tmp!.size)); break;
    case 'dir': throw new KernelError(EISDIR);
    case 'dev': {
      const name = f.node && f.node.type === 'dev' ? f.node.name : 'null';
      if (name === 'null') return new Uint8Array(0);
      if (name === 'zero') return new Uint8Array(len);
      return p.randomBytes(len);
    }
    case 'pipe': {
      if (f.pipeEnd !== 'r') throw new KernelError(EBADF);
      if (f.pipe!.length === 0) {
        if (f.pipe!.writers > 0) throw new KernelError(EAGAIN); // blocks (blockingIo) unless O_NONBLOCK
        return new Uint8Array(0);
      }
      return f.pipe!.take(len);
    }
    case 'anon': return anonRead(p, f, len);
    case 'socket': return sockRecv(f.sock!, len, 0);
  }
  if (pos === undefined) f.pos += out.length;
  return out;
}

function writeTo(p: LinuxProcess, f: OpenFile, data: Uint8Array, pos?: number): number {
  if (pos !== undefined && !Number.isSafeInteger(pos)) throw new KernelError(EINVAL);
  switch (f.kind) {
    case 'console':
      if (f.console === 0) throw new KernelError(EBADF);
      p.writeConsole(f.console!, data);
      return data.length;
    case 'tmp': {
      if ((f.flags & O_ACCMODE) === 0) throw new KernelError(EBADF);
      const t = f.tmp!;
      let at = pos ?? f.pos;
      if (f.flags & O_APPEND) at = t.size;
      // the private /tmp has a quota (tmpfs size=): what does not fit is a short write, or ENOSPC
      const room = t.data.length + p.vfs.tmpQuota.free - at;
      if (data.length === 0) return 0;
      if (room <= 0) throw new KernelError(ENOSPC);
      if (room < data.length) data = data.subarray(0, room);
      const end = at + data.length;
      p.vfs.tmpQuota.fit(t, end);
      if (at > t.size) t.data.fill(0, t.size, at);
      t.data.set(data, at);
      t.size = Math.max(t.size, end);
      if (pos === undefined) f.pos = end;
      return data.length;
    }
    case 'dev': return data.length;
    case 'file': {
      if (f.hostFd === undefined || (f.flags & O_ACCMODE) === 0) throw new KernelError(EBADF);
      const at = f.flags & O_APPEND ? hostFs.fstatSync(f.hostFd).size : pos ?? f.pos;
      const n = hostCall(() => hostFs.writeSync(f.hostFd!, data, 0, data.length, at));
      if (pos === undefined) f.pos = at + n;
      return n;
    }
    case 'pipe':
      if (f.pipeEnd !== 'w') throw new KernelError(EBADF);
    {
      if (f.pipe!.readers === 0) throw new KernelError(EPIPE); // and SIGPIPE (blockingIo)
      const room = PIPE_BUF_CAPACITY - f.pipe!.length;
      if (room <= 0 || (data.length <= 4096 && room < data.length)) throw new KernelError(EAGAIN); // PIPE_BUF writes are atomic
      return f.pipe!.put(data);
    }
    case 'anon': return anonWrite(p, f, data);
    case 'socket': return sockSend(f.sock!, data);
    default: throw new KernelError(EBADF);
  }
}

/** Run an I/O attempt; when it would block (EAGAIN on a blocking pipe, eventfd, ...), sleep until it can go on.
 *  EPIPE also sends SIGPIPE to the writer. `mm` and the task are the caller's, captured for later attempts. */
function blockingIo(p: LinuxProcess, f: OpenFile, what: () => string, attempt: () => bigint): bigint {
  const task = p.current;
  const run = (): bigint | undefined => {
    try { return attempt(); } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      if (e.errno === EAGAIN && !(f.flags & O_NONBLOCK)) return undefined;
      if (e.errno === EPIPE) p.sendTaskSignal(task, { signo: SIGPIPE, code: 0, pid: task.tgid, uid: 1000 });
      return BigInt(-e.errno);
    }
  };
  const r = run();
  if (r !== undefined) { if (r < 0n) throw new KernelError(Number(-r)); return r; }
  return p.block({ what: what(), restartable: true, check: run });
}

/** access_ok: [va, va+len) lies below TASK_SIZE (else EFAULT before anything moves). */
function accessOk(va: bigint, len: bigint): void {
  if (len > TASK_SIZE || va > TASK_SIZE - len) throw new KernelError(EFAULT);
}
/** A count as Linux takes it: at most MAX_RW_COUNT bytes move in one call. */
function rwCount(v: bigint): number { return v > MAX_RW_COUNT_BIG ? MAX_RW_COUNT : Number(v); }
const MAX_RW_COUNT_BIG = BigInt(MAX_RW_COUNT);
/** A file offset: negative (or beyond what a number holds exactly) is EINVAL. */
function fileOffset(v: bigint, count: number): number {
  const off = BigInt.asIntN(64, v);
  if (off < 0n || off + BigInt(count) > BigInt(Number.MAX_SAFE_INTEGER)) throw new KernelError(EINVAL);
  return Number(off);
}

type Segment = [va: bigint, len: number];

/** copy_to_user that stops at the first page it cannot write: the bytes copied. */
function copyOut(mm: LinuxProcess['mm'], va: bigint, data: Uint8Array): number {
  if (mm.write(va, data)) return data.length;
  let done = 0;
  while (done < data.length) {
    const n = Math.min(data.length - done, 4096 - Number((va + BigInt(done)) & 0xfffn));
    if (!mm.write(va + BigInt(done), data.subarray(done, done + n))) break;
    done += n;
  }
  return done;
}

/**
 * read/pread64/readv: copy_to_user of what the file gives, in pieces of IO_CHUNK (no host buffer of the call's
 * size): stops at a short piece; a fault after some bytes returns those (the position keeps only what was
 * copied), a fault before any is EFAULT. Blocks (blockingIo) while nothing can be read.
 */
function readToUser(p: LinuxProcess, f: OpenFile, segs: Segment[], pos?: number): bigint {
  const mm = p.mm;
  // a device makes its bytes (zeros, random): at most DEV_READ_MAX per call, a short read as getrandom's
  if (f.kind === 'dev') {
    let left = DEV_READ_MAX;
    segs = segs.map(([va, len]) => { const take = Math.min(len, left); left -= take; return [va, take] as Segment; });
  }
  return blockingIo(p, f, () => (f.kind === 'pipe' ? 'read from a pipe' : `read from ${f.path}`), () => {
    let done = 0;
    for (const [va, len] of segs) {
      for (let off = 0; off < len;) {
        const want = Math.min(IO_CHUNK, len - off);
        let data: Uint8Array;
        try { data = readFrom(p, f, want, pos === undefined ? undefined : pos + done); } catch (e) {
          if (done > 0 && e instanceof KernelError) return BigInt(done);
          throw e;
        }
        if (data.length === 0) return BigInt(done);
        const copied = copyOut(mm, va + BigInt(off), data);
        if (copied < data.length) {
          if (pos === undefined && (f.kind === 'file' || f.kind === 'tmp' || f.kind === 'proc')) f.pos -= data.length - copied;
          done += copied;
          if (done === 0) throw new KernelError(EFAULT);
          return BigInt(done);
        }
        done += data.length;
        off += data.length;
        if (data.length < want) return BigInt(done);
      }
    }
    return BigInt(done);
  });
}

/**
 * write/pwrite64/writev: copy_from_user in pieces of IO_CHUNK, each written on. A blocking write to a pipe
 * returns when everything is written (it sleeps while the pipe is full); otherwise a short piece, a fault or
 * a full /tmp after some bytes returns those. /dev/null, zero and random drop the data without reading it.
 */
function writeFromUser(p: LinuxProcess, f: OpenFile, segs: Segment[], pos?: number): bigint {
  if (f.kind === 'dev') return BigInt(segs.reduce((n, s) => n + s[1], 0));
  const mm = p.mm;
  const waits = (f.kind === 'pipe' || f.kind === 'socket') && !(f.flags & O_NONBLOCK);
  let done = 0, seg = 0, off = 0;
  return blockingIo(p, f, () => (f.kind === 'pipe' ? 'write to a full pipe' : `write to ${f.path}`), () => {
    for (; seg < segs.length; seg++, off = 0) {
      const [va, len] = segs[seg];
      while (off < len) {
        const want = Math.min(IO_CHUNK, len - off);
        const data = mm.read(va + BigInt(off), want);
        if (!data) { if (done === 0) throw new KernelError(EFAULT); return BigInt(done); }
        let n: number;
        try { n = writeTo(p, f, data, pos === undefined ? undefined : pos + done); } catch (e) {
          if (done > 0 && e instanceof KernelError && !(waits && e.errno === EAGAIN)) return BigInt(done);
          throw e;
        }
        done += n;
        off += n;
        if (n < want) {
          if (waits) throw new KernelError(EAGAIN); // sleep until a reader makes room, then go on
          return BigInt(done);
        }
      }
    }
    return BigInt(done);
  });
}

/** fadvise64(fd, offset, len, advice) (mm/fadvise.c): advice only, nothing to do for the model's files; a pipe or
 *  socket is ESPIPE, an unknown advice or a negative length EINVAL. */
export function sysFadvise64(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (f.kind === 'pipe' || f.kind === 'socket') throw new KernelError(ESPIPE);
  const advice = Number(BigInt.asIntN(32, a[3]));
  if (advice < 0 || advice > 5 || BigInt.asIntN(64, a[2]) < 0n) throw new KernelError(EINVAL);
  return 0n;
}

/**
 * sendfile(out_fd, in_fd, offset, count) (fs/read_write.c do_sendfile): bytes from a file to any writable file
 * without a user buffer. `in_fd` must be a file with contents (not a pipe, socket or console: EINVAL); with
 * `offset` the bytes come from *offset, which is advanced, and in_fd's position stays; without it the position
 * advances. At most SENDFILE_CHUNK bytes move per call (a short count, as Linux's may be). A full pipe or socket
 * makes the caller sleep, as write(2) does.
 */
const SENDFILE_CHUNK = 1 << 20;
export function sysSendfile(p: LinuxProcess, a: bigint[]): bigint {
  const out = getFile(p, a[0]), inp = getFile(p, a[1]);
  if (!['file', 'tmp', 'proc', 'dev'].includes(inp.kind)) throw new KernelError(EINVAL);
  if ((inp.flags & 3) === 1) throw new KernelError(EBADF);
  if ((out.flags & 3) === 0 && out.kind !== 'console') throw new KernelError(EBADF);
  if (out.flags & O_APPEND) throw new KernelError(EINVAL);
  const mm = p.mm;
  let pos: number | undefined;
  if (a[2] !== 0n) {
    const v = mm.read64(a[2]);
    if (v === undefined) throw new KernelError(EFAULT);
    if (BigInt.asIntN(64, v) < 0n) throw new KernelError(EINVAL);
    pos = Number(v);
  }
  const count = Math.min(rwCount(a[3]), SENDFILE_CHUNK);
  const data = readFrom(p, inp, count, pos ?? inp.pos);
  if (!data.length) return 0n;
  const waits = (out.kind === 'pipe' || out.kind === 'socket') && !(out.flags & O_NONBLOCK);
  let done = 0;
  const finish = (): bigint => {
    if (pos !== undefined) { if (!mm.write64(a[2], BigInt(pos + done))) throw new KernelError(EFAULT); } else inp.pos += done;
    return BigInt(done);
  };
  return blockingIo(p, out, () => (out.kind === 'pipe' ? 'sendfile to a full pipe' : `sendfile to ${out.path}`), () => {
    while (done < data.length) {
      let n: number;
      try { n = writeTo(p, out, data.subarray(done)); } catch (e) {
        if (done > 0 && e instanceof KernelError && !(waits && e.errno === EAGAIN)) return finish();
        throw e;
      }
      done += n;
      if (n === 0 || done < data.length) { if (waits) throw new KernelError(EAGAIN); return finish(); }
    }
    return finish();
  });
}

export function sysRead(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  accessOk(a[1], a[2]);
  return readToUser(p, f, [[a[1], rwCount(a[2])]]);
}
export function sysPread64(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (f.kind === 'pipe' || f.kind === 'console' || f.kind === 'socket') throw new KernelError(ESPIPE);
  accessOk(a[1], a[2]);
  const count = rwCount(a[2]);
  return readToUser(p, f, [[a[1], count]], fileOffset(a[3], count));
}
export function sysWrite(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  accessOk(a[1], a[2]);
  return writeFromUser(p, f, [[a[1], rwCount(a[2])]]);
}
export function sysPwrite64(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (f.kind === 'pipe' || f.kind === 'console' || f.kind === 'socket') throw new KernelError(ESPIPE);
  accessOk(a[1], a[2]);
  const count = rwCount(a[2]);
  return writeFromUser(p, f, [[a[1], count]], fileOffset(a[3], count));
}
function iovecs(p: LinuxProcess, va: bigint, cnt: bigint): Segment[] {
  if (cnt > 1024n) throw new KernelError(EINVAL); // UIO_MAXIOV
  const n = Number(cnt);
  const b = p.mm.read(va, n * 16);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const segs: Segment[] = [];
  for (let i = 0; i < n; i++) if (BigInt.asIntN(64, dv.getBigUint64(i * 16 + 8, true)) < 0n) throw new KernelError(EINVAL);
  // import_iovec: each segment must pass access_ok; the total is cut to MAX_RW_COUNT
  let left = MAX_RW_COUNT;
  for (let i = 0; i < n; i++) {
    const base = dv.getBigUint64(i * 16, true), len = dv.getBigUint64(i * 16 + 8, true);
    accessOk(base, len);
    const take = Math.min(left, rwCount(len));
    left -= take;
    segs.push([base, take]);
  }
  return segs;
}
export function sysWritev(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  return writeFromUser(p, f, iovecs(p, a[1], a[2]));
}
export function sysReadv(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  return readToUser(p, f, iovecs(p, a[1], a[2]));
}

export function sysLseek(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (f.kind === 'pipe' || f.kind === 'console' || f.kind === 'socket') throw new KernelError(ESPIPE);
  const size = f.kind === 'tmp' ? f.tmp!.size : f.hostFd !== undefined ? hostFs.fstatSync(f.hostFd).size : f.data ? f.data.length : 0;
  const off = Number(BigInt.asIntN(64, a[1]));
  const whence = Number(a[2]);
  const np = whence === 0 ? off : whence === 1 ? f.pos + off : whence === 2 ? size + off : NaN;
  if (!Number.isFinite(np) || np < 0) throw new KernelError(EINVAL);
  f.pos = np;
  return BigInt(np);
}

// ---- stat ----

function nodeStat(p: LinuxProcess, n: Node | undefined, f?: OpenFile): { mode: number; size: number; ino: number; nlink: number; uid: number; gid: number; rdev: number; mtimeNs: bigint; blksize: number; dev: number } {
  const base = { nlink: 1, uid: 0, gid: 0, rdev: 0, blksize: 4096, dev: 0x1a, mtimeNs: 1700000000n * 1_000_000_000n };
  if (f?.kind === 'console' && !p.isTty(f.console ?? 0)) return { ...base, mode: S_IFIFO | 0o600, size: 0, ino: 8000 + (f.console ?? 0), uid: 1000, gid: 1000, dev: 0xd };
  if (f?.kind === 'console') return { ...base, mode: S_IFCHR | 0o620, size: 0, ino: 3 + (f.console ?? 0), uid: 1000, gid: 5, rdev: 0x8800 + (f.console ?? 0), dev: 0x17 };
  if (f?.kind === 'socket') return { ...base, mode: S_IFSOCK | 0o777, size: 0, ino: 9100, uid: 1000, gid: 1000, dev: 0x8 };
  if (f?.kind === 'pipe') return { ...base, mode: S_IFIFO | 0o600, size: 0, ino: 9000, uid: 1000, gid: 1000, dev: 0xd };
  if (!n) throw new KernelError(EBADF);
  switch (n.type) {
    case 'host': {
      const s = f?.hostFd !== undefined ? hostFs.fstatSync(f.hostFd) : n.stats;
      const mode = n.kind === 'dir' ? S_IFDIR | 0o755 : n.kind === 'symlink' ? S_IFLNK | 0o777 : S_IFREG | (s.mode & 0o777);
      return { ...base, mode, size: n.kind === 'symlink' ? 0 : Number(s.size), ino: Number(s.ino & 0xffffffff), nlink: Number(s.nlink), mtimeNs: BigInt(Math.floor(s.mtimeMs)) * 1_000_000n, dev: 0xfe01 };
    }
    case 'tmpfile': return { ...base, mode: n.file.mode, size: n.file.size, ino: n.file.ino, uid: 1000, gid: 1000, dev: 0x2d };
    case 'tmpdir': return { ...base, mode: S_IFDIR | 0o1777, size: 40, ino: n.ino, nlink: 2, dev: 0x2d };
    case 'proc': return { ...base, mode: n.kind === 'dir' ? S_IFDIR | 0o555 : n.kind === 'symlink' ? S_IFLNK | 0o777 : S_IFREG | 0o444, size: 0, ino: 4026531840, uid: 1000, gid: 1000, dev: 0x16 };
    case 'dev': return { ...base, mode: S_IFCHR | 0o666, size: 0, ino: 5, rdev: n.name === 'null' ? 0x103 : n.name === 'zero' ? 0x105 : n.name === 'random' ? 0x108 : 0x109, dev: 0x5 };
    case 'root': return { ...base, mode: S_IFDIR | 0o755, size: 4096, ino: 2, nlink: 2 };
  }
}

function encodeStat(s: ReturnType<typeof nodeStat>): Uint8Array {
  const b = Buffer.alloc(128);
  b.writeBigUInt64LE(BigInt(s.dev), 0);
  b.writeBigUInt64LE(BigInt(s.ino), 8);
  b.writeUInt32LE(s.mode, 16);
  b.writeUInt32LE(s.nlink, 20);
  b.writeUInt32LE(s.uid, 24);
  b.writeUInt32LE(s.gid, 28);
  b.writeBigUInt64LE(BigInt(s.rdev), 32);
  b.writeBigInt64LE(BigInt(s.size), 48);
  b.writeInt32LE(s.blksize, 56);
  b.writeBigInt64LE(BigInt(Math.ceil(s.size / 512)), 64);
  for (const off of [72, 88, 104]) { b.writeBigInt64LE(s.mtimeNs / 1_000_000_000n, off); b.writeBigInt64LE(s.mtimeNs % 1_000_000_000n, off + 8); }
  return b;
}

function statTarget(p: LinuxProcess, dirfd: bigint, pathVa: bigint, flags: number): ReturnType<typeof nodeStat> {
  const path = pathVa === 0n ? '' : userPath(p, pathVa);
  if (path === '' && (flags & AT_EMPTY_PATH)) {
    if (i32(dirfd) === AT_FDCWD) return nodeStat(p, p.vfs.lookup(p.vfs.cwd));
    const f = getFile(p, dirfd);
    return nodeStat(p, f.node, f);
  }
  const n = p.vfs.lookup(path, !(flags & AT_SYMLINK_NOFOLLOW), dirOf(p, dirfd, path));
  return nodeStat(p, n);
}

export function sysFstat(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (!p.mm.write(a[1], encodeStat(nodeStat(p, f.node, f)))) throw new KernelError(EFAULT);
  return 0n;
}
export function sysNewfstatat(p: LinuxProcess, a: bigint[]): bigint {
  const s = statTarget(p, a[0], a[1], Number(a[3]));
  if (!p.mm.write(a[2], encodeStat(s))) throw new KernelError(EFAULT);
  return 0n;
}
export function sysStatx(p: LinuxProcess, a: bigint[]): bigint {
  const s = statTarget(p, a[0], a[1], Number(a[2]));
  const b = Buffer.alloc(256);
  b.writeUInt32LE(0x7ff, 0); // STATX_BASIC_STATS
  b.writeUInt32LE(s.blksize, 4);
  b.writeUInt32LE(s.nlink, 16);
  b.writeUInt32LE(s.uid, 20);
  b.writeUInt32LE(s.gid, 24);
  b.writeUInt16LE(s.mode, 28);
  b.writeBigUInt64LE(BigInt(s.ino), 32);
  b.writeBigUInt64LE(BigInt(s.size), 40);
  b.writeBigUInt64LE(BigInt(Math.ceil(s.size / 512)), 48);
  for (const off of [64, 96, 112]) { b.writeBigInt64LE(s.mtimeNs / 1_000_000_000n, off); b.writeUInt32LE(Number(s.mtimeNs % 1_000_000_000n), off + 8); }
  b.writeUInt32LE(s.rdev >> 8, 128); b.writeUInt32LE(s.rdev & 0xff, 132);
  b.writeUInt32LE(s.dev >> 8, 136); b.writeUInt32LE(s.dev & 0xff, 140);
  if (!p.mm.write(a[4], b)) throw new KernelError(EFAULT);
  return 0n;
}

export function sysReadlinkat(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[1]);
  const full = p.vfs.absolute(path, dirOf(p, a[0], path));
  let target: string;
  if (full === '/proc/self/exe') target = p.exePath;
  else {
    const n = p.vfs.lookup(path, false, dirOf(p, a[0], path));
    if (n.kind !== 'symlink' || n.type !== 'host') throw new KernelError(EINVAL);
    const raw = hostFs.readlinkSync(n.hostPath);
    // a link that leads outside what the guest may see does not show the host path
    if (!p.vfs.showsLinkTarget(n.guestPath, raw)) throw new KernelError(EACCES);
    target = raw;
  }
  const bytes = Buffer.from(target).subarray(0, Number(a[3]));
  if (!p.mm.write(a[2], bytes)) throw new KernelError(EFAULT);
  return BigInt(bytes.length);
}

export function sysFaccessat(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[1]);
  const n = p.vfs.lookup(path, true, dirOf(p, a[0], path));
  const mode = Number(a[2]);
  if (mode & 2) {
    if (!p.vfs.writableNode(n)) throw new KernelError(EROFS);
  }
  if (mode & 1 && n.type === 'host' && n.kind === 'file' && !(n.stats.mode & 0o111)) throw new KernelError(EACCES);
  return 0n;
}

export function sysGetcwd(p: LinuxProcess, a: bigint[]): bigint {
  const b = Buffer.from(p.vfs.cwd + '\0');
  if (BigInt(b.length) > a[1]) throw new KernelError(ERANGE);
  if (!p.mm.write(a[0], b)) throw new KernelError(EFAULT);
  return BigInt(b.length);
}

export function sysFchdir(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (f.kind !== 'dir') throw new KernelError(ENOTDIR);
  p.vfs.cwd = f.path;
  p.current.fs.cwd = f.path;
  return 0n;
}

export function sysChdir(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[0]);
  const n = p.vfs.lookup(path);
  if (n.kind !== 'dir') throw new KernelError(ENOTDIR);
  p.vfs.cwd = n.guestPath;
  p.current.fs.cwd = n.guestPath;
  return 0n;
}

export const TCGETS = 0x5401, TIOCGWINSZ = 0x5413, TIOCGPGRP = 0x540f, FIONBIO = 0x5421;
export function sysIoctl(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  const req = Number(a[1] & 0xffffffffn);
  const tty = f.kind === 'console' && p.isTty(f.console!);
  if (req === TCGETS || req === TIOCGWINSZ || req === TIOCGPGRP) {
    if (!tty) throw new KernelError(ENOTTY);
    if (req === TIOCGWINSZ) { const w = Buffer.alloc(8); w.writeUInt16LE(24, 0); w.writeUInt16LE(80, 2); if (!p.mm.write(a[2], w)) throw new KernelError(EFAULT); }
    else if (req === TCGETS) { const t = Buffer.alloc(60); t.writeUInt32LE(0x500, 0); t.writeUInt32LE(0x5, 4); t.writeUInt32LE(0xbf, 8); t.writeUInt32LE(0x8a3b, 12); if (!p.mm.write(a[2], t)) throw new KernelError(EFAULT); }
    else if (!p.mm.write(a[2], Buffer.from([p.pid & 0xff, p.pid >> 8, 0, 0]))) throw new KernelError(EFAULT);
    return 0n;
  }
  if (req === FIONBIO) return 0n;
  throw new KernelError(ENOTTY);
}

export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
export function sysFcntl(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  const fd = i32(a[0]);
  switch (Number(a[1])) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: f.refs++; return BigInt(installFd(p, f, Number(a[1]) === F_DUPFD_CLOEXEC, Number(a[2])));
    case F_GETFD: return p.cloexec[fd] ? 1n : 0n;
    case F_SETFD: p.cloexec[fd] = (Number(a[2]) & 1) !== 0; return 0n;
    case F_GETFL: return BigInt(f.flags | (f.kind === 'console' && f.console ? O_WRONLY : 0));
    case F_SETFL: f.flags = (f.flags & ~(O_APPEND | O_NONBLOCK)) | (Number(a[2]) & (O_APPEND | O_NONBLOCK)); return 0n;
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
      return fcntlLock(p, a[0], Number(a[1]), a[2]);
  }
  throw new KernelError(EINVAL);
}

export function sysDup(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  f.refs++;
  return BigInt(installFd(p, f, false));
}
export function sysDup3(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  const to = i32(a[1]);
  if (to === i32(a[0]) || to < 0 || to >= 1024) throw new KernelError(EINVAL);
  const old = p.fds[to];
  if (old) releaseFile(old, p);
  f.refs++;
  p.fds[to] = f;
  p.cloexec[to] = (Number(a[2]) & O_CLOEXEC) !== 0;
  return BigInt(to);
}

export function sysPipe2(p: LinuxProcess, a: bigint[]): bigint {
  const pipe = new Pipe();
  const flags = Number(a[1]);
  const r = installFd(p, { kind: 'pipe', path: 'pipe:[9000]', flags: flags & O_NONBLOCK, pos: 0, pipe, pipeEnd: 'r', refs: 1 }, (flags & O_CLOEXEC) !== 0);
  const w = installFd(p, { kind: 'pipe', path: 'pipe:[9000]', flags: O_WRONLY | (flags & O_NONBLOCK), pos: 0, pipe, pipeEnd: 'w', refs: 1 }, (flags & O_CLOEXEC) !== 0);
  const b = Buffer.alloc(8);
  b.writeInt32LE(r, 0); b.writeInt32LE(w, 4);
  if (!p.mm.write(a[0], b)) { p.fds[r] = p.fds[w] = undefined; throw new KernelError(EFAULT); }
  return 0n;
}

export function sysGetdents64(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (f.kind !== 'dir') throw new KernelError(ENOTDIR);
  f.dirEntries ??= [{ name: '.', kind: 'dir', ino: 1 }, { name: '..', kind: 'dir', ino: 1 }, ...p.vfs.list(f.node!)];
  const out: Buffer[] = [];
  let used = 0;
  const cap = Number(a[2]);
  while (f.pos < f.dirEntries.length) {
    const e = f.dirEntries[f.pos];
    const name = Buffer.from(e.name + '\0');
    const reclen = (19 + name.length + 7) & ~7;
    if (used + reclen > cap) { if (used === 0) throw new KernelError(EINVAL); break; }
    const r = Buffer.alloc(reclen);
    r.writeBigUInt64LE(BigInt(e.ino || 100 + f.pos), 0);
    r.writeBigInt64LE(BigInt(f.pos + 1), 8);
    r.writeUInt16LE(reclen, 16);
    r.writeUInt8(e.kind === 'dir' ? 4 : e.kind === 'symlink' ? 10 : e.kind === 'chr' ? 2 : 8, 18);
    name.copy(r, 19);
    out.push(r);
    used += reclen;
    f.pos++;
  }
  if (!p.mm.write(a[1], Buffer.concat(out))) throw new KernelError(EFAULT);
  return BigInt(used);
}

export function sysUnlinkat(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[1]);
  const flags = Number(a[2]);
  if (flags & ~AT_REMOVEDIR) throw new KernelError(EINVAL);
  const full = p.vfs.absolute(path, dirOf(p, a[0], path));
  if (flags & AT_REMOVEDIR) p.vfs.rmdir(full); else p.vfs.unlink(full);
  return 0n;
}
export function sysMkdirat(p: LinuxProcess, a: bigint[]): bigint {
  const path = userPath(p, a[1]);
  p.vfs.umask = p.umask;
  p.vfs.mkdir(p.vfs.absolute(path, dirOf(p, a[0], path)), Number(a[2]));
  return 0n;
}
export function sysFtruncate(p: LinuxProcess, a: bigint[]): bigint {
  const f = getFile(p, a[0]);
  if (f.hostFd !== undefined) { hostCall(() => hostFs.ftruncateSync(f.hostFd!, Number(BigInt.asIntN(64, a[1])))); return 0n; }
  if (f.kind !== 'tmp') throw new KernelError(EINVAL);
  const len = BigInt.asIntN(64, a[1]);
  if (len < 0n) throw new KernelError(EINVAL);
  const t = f.tmp!;
  // our /tmp keeps file data whole (no holes): a length beyond the quota is ENOSPC (tmpfs would make it sparse)
  if (len > BigInt(t.data.length + p.vfs.tmpQuota.free)) throw new KernelError(ENOSPC);
  const n = Number(len);
  p.vfs.tmpQuota.fit(t, n, n < t.size);
  if (n > t.size) t.data.fill(0, t.size, n);
  t.size = n;
  return 0n;
}
