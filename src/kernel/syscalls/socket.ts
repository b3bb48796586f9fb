// models net/socket.c (socket, socketpair, bind, listen, accept4, connect, getsockname, getpeername, sendto,
// recvfrom, sendmsg, recvmsg, shutdown, setsockopt, getsockopt) and net/unix/af_unix.c: AF_UNIX stream, seqpacket
// and datagram sockets between the tasks of the model, named by a path or in the abstract namespace. There is no
// network: AF_INET and AF_INET6 sockets fail with EACCES (one warning naming why), other families with
// EAFNOSUPPORT. Blocking, readiness (poll/epoll) and SIGPIPE follow pipes (fs.ts, events.ts). Open files pass
// between processes as SCM_RIGHTS control messages (net/core/scm.c): in flight they hold a reference, the
// receiver gets new fds for them (MSG_CTRUNC when its buffer is short), and a stream read stops after the
// bytes that carried them.
import type { LinuxProcess } from '../process';
import {
  KernelError, EFAULT, EINVAL, EAGAIN, EPIPE, EACCES, EAFNOSUPPORT, ENOTSOCK, EOPNOTSUPP, EPROTONOSUPPORT,
  EADDRINUSE, ECONNREFUSED, ENOTCONN, EISCONN, EDESTADDRREQ, ENOENT, EMSGSIZE, ENOPROTOOPT, ENOBUFS,
} from '../errno';
import { getFile, installFdIn, releaseFile, type OpenFile } from './fs';
import type { Files } from '../task';
import type { MM } from '../mm';
import { SIGPIPE } from '../signal';

export const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
// (fs.ts imports this file, so its O_* constants are not read at load time: SOCK_NONBLOCK = O_NONBLOCK, SOCK_CLOEXEC = O_CLOEXEC)
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5, SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
export const MSG_PEEK = 2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOS = 0x80, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000,
  MSG_CMSG_CLOEXEC = 0x40000000, MSG_CTRUNC = 0x8;
const SCM_RIGHTS = 1, SCM_CREDENTIALS = 2, SCM_MAX_FD = 253;
const SOL_SOCKET = 1, SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_PASSCRED = 16, SO_PEERCRED = 17,
  SO_ACCEPTCONN = 30, SO_DOMAIN = 39, SO_PROTOCOL = 38;
/** The default socket buffer (net.core.wmem_default) and the stream capacity that goes with it. */
const SOCK_BUF = 212992;
const SUN_PATH_MAX = 108;
const O_RDWR = 2;

export class UnixSocket {
  /** Received bytes (stream) or messages (datagram, seqpacket). */
  readonly rx: Uint8Array[] = [];
  rxBytes = 0;
  /** SCM_RIGHTS files riding on a received chunk (each holds a reference until received or dropped). */
  readonly rxFds = new Map<Uint8Array, OpenFile[]>();
  peer?: UnixSocket;
  /** The address it is bound to ('' = unnamed; abstract names start with NUL). */
  name = '';
  listening = false;
  readonly backlog: UnixSocket[] = [];
  /** This side can no longer receive / send (shutdown or the other side's close). */
  rdShut = false;
  wrShut = false;
  /** The other end will send no more (it shut down writing or closed): reads see EOF. */
  eof = false;
  /** The other end closed: writes fail with EPIPE. */
  peerClosed = false;
  closed = false;
  /** The name table it is bound in. */
  table?: Map<string, UnixSocket>;
  constructor(readonly type: number, readonly owner: number) {}
  get message(): boolean { return this.type !== SOCK_STREAM; }
}

/** Bound AF_UNIX names of the whole model (the file-system name space and the abstract one). */
const names = new WeakMap<LinuxProcess, Map<string, UnixSocket>>();
function nameTable(p: LinuxProcess): Map<string, UnixSocket> {
  let m = names.get(p);
  if (!m) { m = new Map(); names.set(p, m); }
  return m;
}

/** A new open socket file in `files` (the caller's: accept may complete while another task runs). */
function sockFile(files: Files, s: UnixSocket, flags: number): number {
  const f: OpenFile = { kind: 'socket', sock: s, path: `socket:[${9100 + s.owner}]`, flags: O_RDWR | (flags & SOCK_NONBLOCK), pos: 0, refs: 1 };
  return installFdIn(files, f, (flags & SOCK_CLOEXEC) !== 0);
}

function sockOf(p: LinuxProcess, fd: bigint): { f: OpenFile; s: UnixSocket } {
  const f = getFile(p, fd);
  if (f.kind !== 'socket' || !f.sock) throw new KernelError(ENOTSOCK);
  return { f, s: f.sock };
}

function checkType(type: number): number {
  const t = type & 0xf;
  if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) throw new KernelError(EINVAL);
  if (t !== SOCK_STREAM && t !== SOCK_DGRAM && t !== SOCK_SEQPACKET) throw new KernelError(EPROTONOSUPPORT);
  return t;
}

function family(p: LinuxProcess, domain: number): void {
  if (domain === AF_UNIX) return;
  if (domain === AF_INET || domain === AF_INET6) {
    p.warn('the guest has no network: AF_INET and AF_INET6 sockets fail with EACCES (AF_UNIX sockets between its tasks work)');
    throw new KernelError(EACCES);
  }
  throw new KernelError(EAFNOSUPPORT);
}

export function sysSocket(p: LinuxProcess, a: bigint[]): bigint {
  const domain = Number(a[0]), type = Number(a[1] & 0xffffffffn);
  family(p, domain);
  const t = checkType(type);
  if (a[2] !== 0n) throw new KernelError(EPROTONOSUPPORT);
  return BigInt(sockFile(p.current.files, new UnixSocket(t, p.pid), type));
}

export function sysSocketpair(p: LinuxProcess, a: bigint[]): bigint {
  const domain = Number(a[0]), type = Number(a[1] & 0xffffffffn);
  family(p, domain);
  const t = checkType(type);
  if (a[2] !== 0n) throw new KernelError(EPROTONOSUPPORT);
  const x = new UnixSocket(t, p.pid), y = new UnixSocket(t, p.pid);
  x.peer = y; y.peer = x;
  const fx = sockFile(p.current.files, x, type);
  let fy: number;
  try { fy = sockFile(p.current.files, y, type); } catch (e) { p.fds[fx] = undefined; throw e; }
  const b = Buffer.alloc(8);
  b.writeInt32LE(fx, 0); b.writeInt32LE(fy, 4);
  if (!p.mm.write(a[3], b)) { p.fds[fx] = undefined; p.fds[fy] = undefined; throw new KernelError(EFAULT); }
  return 0n;
}

/** A sockaddr_un from the guest: the name (abstract names keep their leading NUL). */
function readAddr(p: LinuxProcess, va: bigint, len: number): string {
  if (len < 2 || len > 2 + SUN_PATH_MAX) throw new KernelError(EINVAL);
  const b = p.mm.read(va, len);
  if (!b) throw new KernelError(EFAULT);
  const fam = b[0] | (b[1] << 8);
  if (fam !== AF_UNIX) {
    if (fam === AF_INET || fam === AF_INET6) { family(p, fam); }
    throw new KernelError(EAFNOSUPPORT);
  }
  const path = b.subarray(2);
  if (path.length === 0) throw new KernelError(EINVAL);
  if (path[0] === 0) return '\0' + Buffer.from(path.subarray(1)).toString('latin1');
  const end = path.indexOf(0);
  const name = Buffer.from(end < 0 ? path : path.subarray(0, end)).toString();
  return p.vfs.absolute(name);
}

function writeAddr(mm: MM, name: string, va: bigint, lenVa: bigint): void {
  if (!va) return;
  const have = mm.read(lenVa, 4);
  if (!have) throw new KernelError(EFAULT);
  const max = Buffer.from(have).readInt32LE(0);
  if (max < 0) throw new KernelError(EINVAL);
  const body = name.startsWith('\0') ? Buffer.from(name, 'latin1') : name ? Buffer.concat([Buffer.from(name), Buffer.alloc(1)]) : Buffer.alloc(0);
  const b = Buffer.concat([Buffer.from([AF_UNIX, 0]), body]);
  if (!mm.write(va, b.subarray(0, Math.min(max, b.length)))) throw new KernelError(EFAULT);
  const l = Buffer.alloc(4); l.writeInt32LE(b.length);
  if (!mm.write(lenVa, l)) throw new KernelError(EFAULT);
}

export function sysBind(p: LinuxProcess, a: bigint[]): bigint {
  const { s } = sockOf(p, a[0]);
  const name = readAddr(p, a[1], Number(a[2]));
  if (s.name) throw new KernelError(EINVAL);
  const t = nameTable(p);
  if (t.has(name)) throw new KernelError(EADDRINUSE);
  if (!name.startsWith('\0')) {
    // a path name needs its directory, and takes the name in the file system (here: the model's table)
    const dir = name.slice(0, name.lastIndexOf('/')) || '/';
    const d = p.vfs.lookup(dir);
    if (d.kind !== 'dir') throw new KernelError(ENOENT);
  }
  s.name = name;
  s.table = t;
  t.set(name, s);
  return 0n;
}

export function sysListen(p: LinuxProcess, a: bigint[]): bigint {
  const { s } = sockOf(p, a[0]);
  if (s.type === SOCK_DGRAM) throw new KernelError(EOPNOTSUPP);
  if (s.peer) throw new KernelError(EINVAL);
  s.listening = true;
  return 0n;
}

export function sysConnect(p: LinuxProcess, a: bigint[]): bigint {
  const { s } = sockOf(p, a[0]);
  const name = readAddr(p, a[1], Number(a[2]));
  const target = nameTable(p).get(name);
  if (!target || target.closed) throw new KernelError(name.startsWith('\0') ? ECONNREFUSED : ENOENT);
  if (target.type !== s.type) throw new KernelError(ECONNREFUSED);
  if (s.type === SOCK_DGRAM) { s.peer = target; return 0n; }
  if (s.peer) throw new KernelError(EISCONN);
  if (!target.listening) throw new KernelError(ECONNREFUSED);
  // the server's end of the connection waits in the backlog for accept
  const server = new UnixSocket(s.type, target.owner);
  server.name = target.name;
  server.peer = s; s.peer = server;
  target.backlog.push(server);
  return 0n;
}

export function sysAccept4(p: LinuxProcess, a: bigint[]): bigint {
  const { f, s } = sockOf(p, a[0]);
  const flags = Number(a[3] ?? 0n);
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) throw new KernelError(EINVAL);
  if (!s.listening) throw new KernelError(EINVAL);
  const addr = a[1], lenVa = a[2], files = p.current.files, mm = p.current.mm;
  const take = (): bigint | undefined => {
    if (!s.backlog.length) return f.flags & SOCK_NONBLOCK ? BigInt(-EAGAIN) : undefined;
    try {
      const fd = sockFile(files, s.backlog[0], flags);
      s.backlog.shift();
      writeAddr(mm, '', addr, lenVa);
      return BigInt(fd);
    } catch (e) { if (e instanceof KernelError) return BigInt(-e.errno); throw e; }
  };
  return p.block({ what: 'accept', check: take, restartable: true });
}
export function sysAccept(p: LinuxProcess, a: bigint[]): bigint { return sysAccept4(p, [a[0], a[1], a[2], 0n]); }

export function sysGetsockname(p: LinuxProcess, a: bigint[]): bigint {
  const { s } = sockOf(p, a[0]);
  writeAddr(p.mm, s.name, a[1], a[2]);
  return 0n;
}
export function sysGetpeername(p: LinuxProcess, a: bigint[]): bigint {
  const { s } = sockOf(p, a[0]);
  if (!s.peer || s.peerClosed) throw new KernelError(ENOTCONN);
  writeAddr(p.mm, s.peer.name, a[1], a[2]);
  return 0n;
}

export function sysShutdown(p: LinuxProcess, a: bigint[]): bigint {
  const { s } = sockOf(p, a[0]);
  const how = Number(a[1]);
  if (how < 0 || how > 2) throw new KernelError(EINVAL);
  if (!s.peer) throw new KernelError(ENOTCONN);
  if (how !== 1) s.rdShut = true;
  if (how !== 0) { s.wrShut = true; if (s.peer) s.peer.eof = true; }
  return 0n;
}

/** The socket is closed (the last fd): the peer sees EOF / EPIPE, a bound name goes. */
export function sockRelease(s: UnixSocket): void {
  s.closed = true;
  if (s.peer && s.peer.peer === s) { s.peer.peerClosed = true; s.peer.eof = true; }
  for (const c of s.backlog) if (c.peer) { c.peer.peerClosed = true; c.peer.eof = true; }
  if (s.table?.get(s.name) === s) s.table.delete(s.name);
  // files in flight to a socket nobody will read go (unix_release_sock purges the queue)
  for (const files of s.rxFds.values()) for (const f of files) releaseFile(f);
  s.rxFds.clear();
}

/** poll: what is ready on `s`. */
export function sockReadiness(s: UnixSocket): number {
  const POLLIN = 1, POLLOUT = 4, POLLHUP = 0x10, POLLRDNORM = 0x40, POLLWRNORM = 0x100, POLLRDHUP = 0x2000;
  if (s.listening) return s.backlog.length ? POLLIN | POLLRDNORM : 0;
  let m = 0;
  if (s.rx.length || s.rdShut) m |= POLLIN | POLLRDNORM;
  if (s.eof) m |= POLLIN | POLLRDNORM | POLLRDHUP;
  if (s.peerClosed && s.type !== SOCK_DGRAM) m |= POLLHUP;
  const peer = s.peer;
  if (s.type === SOCK_DGRAM) { if (!peer || peer.rxBytes < SOCK_BUF) m |= POLLOUT | POLLWRNORM; }
  else if (peer && !s.peerClosed && peer.rxBytes < SOCK_BUF) m |= POLLOUT | POLLWRNORM;
  if (s.type !== SOCK_DGRAM && peer && s.peerClosed && s.wrShut) m |= POLLHUP;
  if (s.type !== SOCK_DGRAM && !peer && !s.listening) m |= POLLOUT | POLLHUP;
  return m;
}

/**
 * Receive up to `len` bytes (EAGAIN when it would block; blocking is the caller's). Files passed with the data
 * go to `fds` (references handed over; with MSG_PEEK new ones), or are dropped when the caller takes none (read).
 */
export function sockRecv(s: UnixSocket, len: number, flags: number, fds?: OpenFile[]): Uint8Array {
  if (!s.rx.length) {
    if (s.rdShut || s.eof || (s.type !== SOCK_DGRAM && !s.peer)) {
      if (s.type !== SOCK_DGRAM && !s.peer) throw new KernelError(EINVAL);
      return new Uint8Array(0);
    }
    throw new KernelError(EAGAIN);
  }
  const takeFds = (c: Uint8Array): boolean => {
    const files = s.rxFds.get(c);
    if (!files) return false;
    if (flags & MSG_PEEK) { if (fds) for (const f of files) { f.refs++; fds.push(f); } return true; }
    s.rxFds.delete(c);
    if (fds) fds.push(...files); else for (const f of files) releaseFile(f);
    return true;
  };
  if (s.message) {
    const m = s.rx[0];
    takeFds(m);
    if (!(flags & MSG_PEEK)) { s.rx.shift(); s.rxBytes -= m.length; }
    return m.subarray(0, Math.min(len, m.length));
  }
  const want = Math.min(len, s.rxBytes);
  const parts: Uint8Array[] = [];
  let n = 0, i = 0;
  while (n < want && i < s.rx.length) {
    const c = s.rx[flags & MSG_PEEK ? i : 0];
    const k = Math.min(c.length, want - n);
    parts.push(c.subarray(0, k));
    n += k;
    const carried = takeFds(c);
    if (flags & MSG_PEEK) i++;
    else if (k === c.length) s.rx.shift();
    else s.rx[0] = c.subarray(k);
    // unix_stream_read_generic: the read ends with the bytes that carried files
    if (carried) break;
  }
  if (!(flags & MSG_PEEK)) s.rxBytes -= n;
  return parts.length === 1 ? Uint8Array.from(parts[0]) : Buffer.concat(parts);
}

/** Send `data` to `to` (the peer, or a datagram's destination); the number of bytes taken, EAGAIN when full.
 *  `fds` ride on the first bytes queued (their references taken now). */
export function sockSend(s: UnixSocket, data: Uint8Array, to?: UnixSocket, fds?: OpenFile[]): number {
  if (s.wrShut) throw new KernelError(EPIPE);
  const peer = to ?? s.peer;
  if (!peer) throw new KernelError(s.type === SOCK_DGRAM ? EDESTADDRREQ : ENOTCONN);
  if (s.type !== SOCK_DGRAM && (s.peerClosed || peer.closed || peer.rdShut)) throw new KernelError(EPIPE);
  if (s.type === SOCK_DGRAM && peer.closed) throw new KernelError(ECONNREFUSED);
  if (s.message) {
    if (data.length > SOCK_BUF) throw new KernelError(EMSGSIZE);
    if (peer.rxBytes + data.length > SOCK_BUF && peer.rx.length) throw new KernelError(EAGAIN);
    const m = Uint8Array.from(data);
    peer.rx.push(m);
    peer.rxBytes += data.length;
    attachFds(peer, m, fds);
    return data.length;
  }
  const room = SOCK_BUF - peer.rxBytes;
  if (room <= 0) throw new KernelError(EAGAIN);
  const n = Math.min(room, data.length);
  // the files ride on this chunk (a zero-length stream send carries none, as unix_stream_sendmsg's loop)
  if (n === 0) return 0;
  const c = Uint8Array.from(data.subarray(0, n));
  peer.rx.push(c);
  peer.rxBytes += n;
  attachFds(peer, c, fds);
  return n;
}

function attachFds(peer: UnixSocket, chunk: Uint8Array, fds?: OpenFile[]): void {
  if (!fds?.length) return;
  for (const f of fds) f.refs++;
  peer.rxFds.set(chunk, [...fds]);
}

/** Run a socket transfer, sleeping while it would block (unless O_NONBLOCK or MSG_DONTWAIT). EPIPE sends SIGPIPE
 *  unless MSG_NOSIGNAL. */
function transfer(p: LinuxProcess, f: OpenFile, flags: number, what: string, attempt: () => bigint): bigint {
  const task = p.current;
  const run = (): bigint | undefined => {
    try { return attempt(); } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      if (e.errno === EAGAIN && !(f.flags & SOCK_NONBLOCK) && !(flags & MSG_DONTWAIT)) return undefined;
      if (e.errno === EPIPE && !(flags & MSG_NOSIGNAL)) p.sendTaskSignal(task, { signo: SIGPIPE, code: 0, pid: task.tgid, uid: 1000 });
      return BigInt(-e.errno);
    }
  };
  return p.block({ what, check: run, restartable: true });
}

/** The iovecs of a user array as (address, length) pairs. */
function iovecs(p: LinuxProcess, va: bigint, n: number): [bigint, number][] {
  if (n < 0 || n > 1024) throw new KernelError(EINVAL);
  const b = p.mm.read(va, n * 16);
  if (!b && n) throw new KernelError(EFAULT);
  const out: [bigint, number][] = [];
  for (let i = 0; i < n; i++) {
    const dv = new DataView(b!.buffer, b!.byteOffset);
    out.push([dv.getBigUint64(i * 16, true), Number(dv.getBigUint64(i * 16 + 8, true) & 0x7fffffffn)]);
  }
  return out;
}

function send(p: LinuxProcess, fd: bigint, parts: [bigint, number][], flags: number, toAddr?: string, fds?: OpenFile[]): bigint {
  const { f, s } = sockOf(p, fd);
  const chunks: Uint8Array[] = [];
  for (const [va, len] of parts) {
    const d = p.mm.read(va, len);
    if (!d) throw new KernelError(EFAULT);
    chunks.push(d);
  }
  const data = Buffer.concat(chunks);
  let to: UnixSocket | undefined;
  if (toAddr !== undefined) {
    if (s.type !== SOCK_DGRAM && s.peer) throw new KernelError(EISCONN);
    to = nameTable(p).get(toAddr);
    if (!to) throw new KernelError(toAddr.startsWith('\0') ? ECONNREFUSED : ENOENT);
  }
  let done = 0, carried = false;
  return transfer(p, f, flags, 'send on a socket', () => {
    if (s.message) return BigInt(sockSend(s, data, to, fds));
    try {
      const k = sockSend(s, data.subarray(done), to, carried ? undefined : fds);
      carried = true;
      done += k;
    } catch (e) {
      if (done > 0 && e instanceof KernelError && e.errno === EAGAIN && ((f.flags & SOCK_NONBLOCK) || (flags & MSG_DONTWAIT))) return BigInt(done);
      throw e;
    }
    if (done < data.length) throw new KernelError(EAGAIN);
    return BigInt(done);
  });
}

function recv(p: LinuxProcess, fd: bigint, parts: [bigint, number][], flags: number, after?: (n: number, full: number, fds: OpenFile[]) => void, wantFds = false): bigint {
  const { f, s } = sockOf(p, fd);
  const mm = p.mm;
  const total = parts.reduce((n, [, l]) => n + l, 0);
  return transfer(p, f, flags, 'recv on a socket', () => {
    const full = s.message && s.rx.length ? s.rx[0].length : 0;
    const fds: OpenFile[] = [];
    const d = sockRecv(s, total, flags, wantFds ? fds : undefined);
    let off = 0;
    for (const [va, len] of parts) {
      if (off >= d.length) break;
      const k = Math.min(len, d.length - off);
      if (!mm.write(va, d.subarray(off, off + k))) throw new KernelError(EFAULT);
      off += k;
    }
    after?.(d.length, full, fds);
    return BigInt(flags & MSG_TRUNC && s.message ? full : d.length);
  });
}

export function sysSendto(p: LinuxProcess, a: bigint[]): bigint {
  const to = a[4] ? readAddr(p, a[4], Number(a[5])) : undefined;
  return send(p, a[0], [[a[1], Number(a[2] & 0x7fffffffn)]], Number(a[3]), to);
}

export function sysRecvfrom(p: LinuxProcess, a: bigint[]): bigint {
  const { s } = sockOf(p, a[0]);
  const mm = p.mm;
  return recv(p, a[0], [[a[1], Number(a[2] & 0x7fffffffn)]], Number(a[3]), () => { if (a[4]) writeAddr(mm, s.peer?.name ?? '', a[4], a[5]); });
}

// struct msghdr { void *name; socklen_t namelen; struct iovec *iov; size_t iovlen; void *control; size_t controllen; int flags; }
function msghdr(p: LinuxProcess, va: bigint): { name: bigint; namelen: number; iov: bigint; iovlen: number; control: bigint; controllen: bigint } {
  const b = p.mm.read(va, 56);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer);
  return {
    name: dv.getBigUint64(0, true), namelen: dv.getUint32(8, true), iov: dv.getBigUint64(16, true), iovlen: Number(dv.getBigUint64(24, true)),
    control: dv.getBigUint64(32, true), controllen: dv.getBigUint64(40, true),
  };
}

/** __scm_send: the control messages of a sendmsg; the files of its SCM_RIGHTS (credentials are the sender's anyway). */
function scmSend(p: LinuxProcess, control: bigint, controllen: bigint): OpenFile[] {
  const fds: OpenFile[] = [];
  if (!controllen) return fds;
  if (controllen > 65536n) throw new KernelError(ENOBUFS);
  const b = p.mm.read(control, Number(controllen));
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  for (let o = 0; o + 16 <= b.length;) {
    const len = Number(dv.getBigUint64(o, true)), level = dv.getInt32(o + 8, true), type = dv.getInt32(o + 12, true);
    if (len < 16 || o + len > b.length) throw new KernelError(EINVAL);
    if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      const n = (len - 16) >> 2;
      if (n <= 0 || fds.length + n > SCM_MAX_FD) throw new KernelError(EINVAL);
      for (let i = 0; i < n; i++) fds.push(getFile(p, BigInt(dv.getInt32(o + 16 + i * 4, true))));
    } else if (!(level === SOL_SOCKET && type === SCM_CREDENTIALS)) throw new KernelError(EINVAL);
    o += (len + 7) & ~7;
  }
  return fds;
}

export function sysSendmsg(p: LinuxProcess, a: bigint[]): bigint {
  const m = msghdr(p, a[1]);
  const fds = scmSend(p, m.control, m.controllen);
  const to = m.name ? readAddr(p, m.name, m.namelen) : undefined;
  return send(p, a[0], iovecs(p, m.iov, m.iovlen), Number(a[2]), to, fds);
}

export function sysRecvmsg(p: LinuxProcess, a: bigint[]): bigint {
  const m = msghdr(p, a[1]);
  const { s } = sockOf(p, a[0]);
  const mm = p.mm, hdr = a[1], files = p.current.files, flags = Number(a[2]);
  return recv(p, a[0], iovecs(p, m.iov, m.iovlen), flags, (n, full, fds) => {
    // SCM_RIGHTS: new fds in the receiver (as many as the control buffer holds: MSG_CTRUNC and the rest dropped);
    // MSG_TRUNC in msg_flags when a message did not fit
    let used = 0, ctrunc = false;
    if (fds.length) {
      const room = m.controllen >= 16n ? Number((m.controllen - 16n) >> 2n) : 0;
      const k = Math.min(fds.length, room);
      if (k < fds.length) ctrunc = true;
      for (const f of fds.slice(k)) releaseFile(f);
      if (k > 0) {
        const cm = Buffer.alloc(16 + 4 * k);
        cm.writeBigUInt64LE(BigInt(16 + 4 * k), 0); cm.writeInt32LE(SOL_SOCKET, 8); cm.writeInt32LE(SCM_RIGHTS, 12);
        for (let i = 0; i < k; i++) cm.writeInt32LE(installFdIn(files, fds[i], (flags & MSG_CMSG_CLOEXEC) !== 0), 16 + 4 * i);
        if (!mm.write(m.control, cm)) throw new KernelError(EFAULT);
        used = Math.min(Number(m.controllen), (16 + 4 * k + 7) & ~7);
      }
    }
    const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(used));
    if (!mm.write(hdr + 40n, b)) throw new KernelError(EFAULT);
    const fl = Buffer.alloc(4); fl.writeInt32LE((s.message && full > n ? MSG_TRUNC : 0) | (ctrunc ? MSG_CTRUNC : 0));
    if (!mm.write(hdr + 48n, fl)) throw new KernelError(EFAULT);
    if (m.name) {
      const l = Buffer.alloc(4); l.writeUInt32LE(2);
      if (!mm.write(hdr + 8n, l)) throw new KernelError(EFAULT);
      if (!mm.write(m.name, Buffer.from([AF_UNIX, 0]))) throw new KernelError(EFAULT);
    }
  }, true);
}

export function sysSetsockopt(p: LinuxProcess, a: bigint[]): bigint {
  sockOf(p, a[0]);
  if (Number(a[1]) !== SOL_SOCKET) throw new KernelError(ENOPROTOOPT);
  return 0n;
}

export function sysGetsockopt(p: LinuxProcess, a: bigint[]): bigint {
  const { s } = sockOf(p, a[0]);
  if (Number(a[1]) !== SOL_SOCKET) throw new KernelError(ENOPROTOOPT);
  const opt = Number(a[2]);
  let v: number | Buffer;
  switch (opt) {
    case SO_TYPE: v = s.type; break;
    case SO_ERROR: v = 0; break;
    case SO_SNDBUF: case SO_RCVBUF: v = SOCK_BUF; break;
    case SO_ACCEPTCONN: v = s.listening ? 1 : 0; break;
    case SO_DOMAIN: v = AF_UNIX; break;
    case SO_PROTOCOL: v = 0; break;
    case SO_PASSCRED: v = 0; break;
    case SO_PEERCRED: { v = Buffer.alloc(12); v.writeInt32LE(s.peer?.owner ?? 0, 0); v.writeUInt32LE(1000, 4); v.writeUInt32LE(1000, 8); break; }
    default: throw new KernelError(ENOPROTOOPT);
  }
  const out = typeof v === 'number' ? (() => { const b = Buffer.alloc(4); b.writeInt32LE(v as number); return b; })() : v;
  const lenB = p.mm.read(a[4], 4);
  if (!lenB) throw new KernelError(EFAULT);
  const max = Buffer.from(lenB).readInt32LE(0);
  if (max < 0) throw new KernelError(EINVAL);
  if (!p.mm.write(a[3], out.subarray(0, Math.min(max, out.length)))) throw new KernelError(EFAULT);
  const l = Buffer.alloc(4); l.writeInt32LE(Math.min(max, out.length));
  if (!p.mm.write(a[4], l)) throw new KernelError(EFAULT);
  return 0n;
}

