// models fs/select.c (poll, ppoll, pselect6), fs/eventpoll.c (epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2),
// fs/eventfd.c (eventfd2), fs/timerfd.c (timerfd_create/settime/gettime on the guest clock) and fs/signalfd.c
// (signalfd4), over one readiness function per open file (the f_op->poll of each kind). Waiting is the scheduler's:
// a call that finds nothing ready sleeps until a check finds something, its timeout (guest time) or a timer's next
// expiry comes, or a signal interrupts it (EINTR: these calls are never restarted).
import type { LinuxProcess } from '../process';
import type { Task, Wait } from '../task';
import { getFile, installFd, O_NONBLOCK, O_CLOEXEC, type OpenFile } from './fs';
import { KernelError, EBADF, EFAULT, EINVAL, EAGAIN, EEXIST, ENOENT, EPERM } from '../errno';
import { encodeSiginfo, sigBit, SIGKILL, SIGSTOP } from '../signal';
import * as D from '../vdso/datapage';
import { sockReadiness } from './socket';
import { PidFd, pidfdReady } from '../pid';

export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20, POLLRDNORM = 0x40,
  POLLWRNORM = 0x100, POLLRDHUP = 0x2000;
export const EPOLLET = 1 << 31, EPOLLONESHOT = 1 << 30, EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29;
const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
export const PIPE_BUF_CAPACITY = 65536;

export class EventFd {
  /** Counts writes (an edge-triggered epoll wakes on each, even while the count stays non-zero). */
  writes = 0;
  constructor(public count: bigint, readonly semaphore: boolean) {}
}
export class TimerFd {
  /** Guest time (time CSR ticks) of the next expiry, undefined when disarmed; interval in ticks (0 = one shot). */
  next?: bigint;
  interval = 0n;
  expirations = 0n;
  constructor(readonly clock: number) {}
}
export class SignalFd { constructor(public mask: bigint, readonly task: Task) {} }
/** An epoll interest: `seen` and `seq` are what an edge-triggered one last reported (ep_send_events). */
interface EpItem { file: OpenFile; events: number; data: bigint; disabled: boolean; seen: number; seq?: number }
export class Epoll { readonly items = new Map<number, EpItem>(); }
export type AnonFile = EventFd | TimerFd | SignalFd | Epoll | PidFd;

const i32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** Bring a timerfd's expiration count up to guest time `now`. */
function timerAdvance(t: TimerFd, now: bigint): void {
  if (t.next === undefined || now < t.next) return;
  if (t.interval > 0n) {
    const n = (now - t.next) / t.interval + 1n;
    t.expirations += n;
    t.next += n * t.interval;
  } else {
    t.expirations += 1n;
    t.next = undefined;
  }
}

/**
 * f_op->poll: the events ready on `f` now, and the guest time something may become ready by itself; `seq` counts
 * the wake-ups of a file that can stay ready while more arrives (a pipe's writes), for edge-triggered epoll.
 */
export function readiness(p: LinuxProcess, f: OpenFile): { mask: number; wakeAt?: bigint; seq?: number } {
  switch (f.kind) {
    case 'pipe': {
      const pipe = f.pipe!;
      if (f.pipeEnd === 'r') return { mask: (pipe.length ? POLLIN | POLLRDNORM : 0) | (pipe.writers === 0 ? POLLHUP : 0), seq: pipe.writes };
      return { mask: pipe.readers === 0 ? POLLERR : pipe.length < PIPE_BUF_CAPACITY ? POLLOUT | POLLWRNORM : 0 };
    }
    case 'socket': return { mask: sockReadiness(f.sock!) };
    case 'console': return { mask: f.console === 0 ? POLLIN | POLLRDNORM : POLLOUT | POLLWRNORM };
    case 'anon': {
      const o = f.anon!;
      if (o instanceof EventFd) return { mask: (o.count > 0n ? POLLIN : 0) | (o.count < 0xfffffffffffffffen ? POLLOUT : 0), seq: o.writes };
      if (o instanceof TimerFd) { timerAdvance(o, p.hart.time); return { mask: o.expirations > 0n ? POLLIN : 0, wakeAt: o.next }; }
      if (o instanceof SignalFd) return { mask: pendingFor(o) !== undefined ? POLLIN : 0 };
      if (o instanceof PidFd) return { mask: pidfdReady(o) ? POLLIN | POLLRDNORM : 0 };
      let mask = 0, wakeAt: bigint | undefined;
      for (const it of o.items.values()) {
        if (it.disabled) continue;
        const r = readiness(p, it.file);
        if (r.mask & (it.events | POLLERR | POLLHUP)) mask = POLLIN;
        if (r.wakeAt !== undefined && (wakeAt === undefined || r.wakeAt < wakeAt)) wakeAt = r.wakeAt;
      }
      return { mask, wakeAt };
    }
    default: return { mask: POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM };
  }
}

function pendingFor(s: SignalFd): number | undefined {
  return s.task.signals.firstIn(s.mask)?.signo;
}

/** read(2) on an eventfd, timerfd or signalfd; EAGAIN when it would block. */
export function anonRead(p: LinuxProcess, f: OpenFile, len: number): Uint8Array {
  const o = f.anon!;
  if (o instanceof EventFd) {
    if (len < 8) throw new KernelError(EINVAL);
    if (o.count === 0n) throw new KernelError(EAGAIN);
    const v = o.semaphore ? 1n : o.count;
    o.count -= v;
    const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b;
  }
  if (o instanceof TimerFd) {
    if (len < 8) throw new KernelError(EINVAL);
    timerAdvance(o, p.hart.time);
    if (o.expirations === 0n) throw new KernelError(EAGAIN);
    const b = Buffer.alloc(8); b.writeBigUInt64LE(o.expirations); o.expirations = 0n; return b;
  }
  if (o instanceof SignalFd) {
    if (len < 128) throw new KernelError(EINVAL);
    const out: Uint8Array[] = [];
    while ((out.length + 1) * 128 <= len) {
      const sig = pendingFor(o);
      if (sig === undefined) break;
      const info = o.task.signals.take(sig)!;
      // struct signalfd_siginfo: ssi_signo, ssi_errno, ssi_code, ssi_pid, ssi_uid, ... (128 bytes)
      const b = Buffer.alloc(128);
      b.writeUInt32LE(info.signo, 0); b.writeInt32LE(info.errno ?? 0, 4); b.writeInt32LE(info.code, 8);
      b.writeUInt32LE(info.pid ?? 0, 12); b.writeUInt32LE(info.uid ?? 0, 16);
      if (info.addr !== undefined) b.writeBigUInt64LE(info.addr, 72);
      void encodeSiginfo;
      out.push(b);
    }
    if (!out.length) throw new KernelError(EAGAIN);
    return Buffer.concat(out);
  }
  throw new KernelError(EINVAL);
}

export function anonWrite(_p: LinuxProcess, f: OpenFile, data: Uint8Array): number {
  const o = f.anon!;
  if (o instanceof EventFd) {
    if (data.length < 8) throw new KernelError(EINVAL);
    const v = Buffer.from(data.buffer, data.byteOffset, 8).readBigUInt64LE(0);
    if (v === 0xffffffffffffffffn) throw new KernelError(EINVAL);
    if (o.count + v > 0xfffffffffffffffen) throw new KernelError(EAGAIN);
    o.count += v;
    o.writes++;
    return 8;
  }
  throw new KernelError(EINVAL);
}

function anonFd(p: LinuxProcess, name: string, anon: AnonFile, flags: number): bigint {
  const f: OpenFile = { kind: 'anon', path: `anon_inode:${name}`, flags: 2 | (flags & O_NONBLOCK), pos: 0, refs: 1, anon };
  return BigInt(installFd(p, f, (flags & O_CLOEXEC) !== 0));
}

// ---- eventfd, timerfd, signalfd -----------------------------------------------------------------------------

export function sysEventfd2(p: LinuxProcess, a: bigint[]): bigint {
  const flags = Number(a[1]);
  if (flags & ~(O_NONBLOCK | O_CLOEXEC | 1)) throw new KernelError(EINVAL);
  return anonFd(p, '[eventfd]', new EventFd(a[0] & 0xffffffffn, (flags & 1) !== 0), flags);
}

export function sysTimerfdCreate(p: LinuxProcess, a: bigint[]): bigint {
  const clock = i32(a[0]), flags = Number(a[1]);
  if (![D.CLOCK_REALTIME, D.CLOCK_MONOTONIC, D.CLOCK_BOOTTIME, 8, 9].includes(clock)) throw new KernelError(EINVAL);
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) throw new KernelError(EINVAL);
  return anonFd(p, '[timerfd]', new TimerFd(clock === 8 ? D.CLOCK_REALTIME : clock === 9 ? D.CLOCK_BOOTTIME : clock), flags);
}

function timerOf(p: LinuxProcess, fd: bigint): TimerFd {
  const f = getFile(p, fd);
  if (f.kind !== 'anon' || !(f.anon instanceof TimerFd)) throw new KernelError(EINVAL);
  return f.anon;
}

const NS = 1_000_000_000n;
function ticksToNs(p: LinuxProcess, t: bigint): bigint { return (t * NS) / BigInt(p.hart.timebaseHz); }

function writeItimerspec(p: LinuxProcess, va: bigint, t: TimerFd): void {
  timerAdvance(t, p.hart.time);
  const b = Buffer.alloc(32);
  const iv = ticksToNs(p, t.interval), left = t.next === undefined ? 0n : ticksToNs(p, t.next - p.hart.time);
  b.writeBigInt64LE(iv / NS, 0); b.writeBigInt64LE(iv % NS, 8); b.writeBigInt64LE(left / NS, 16); b.writeBigInt64LE(left % NS, 24);
  if (!p.mm.write(va, b)) throw new KernelError(EFAULT);
}

export function sysTimerfdSettime(p: LinuxProcess, a: bigint[]): bigint {
  const t = timerOf(p, a[0]);
  const flags = Number(a[1]);
  const b = p.mm.read(a[2], 32);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer);
  const v = [0, 8, 16, 24].map((o) => dv.getBigInt64(o, true));
  if (v.some((x, i) => x < 0n || (i % 2 === 1 && x >= NS))) throw new KernelError(EINVAL);
  if (a[3] !== 0n) writeItimerspec(p, a[3], t);
  const interval = v[0] * NS + v[1], value = v[2] * NS + v[3];
  t.expirations = 0n;
  t.interval = interval ? (interval * BigInt(p.hart.timebaseHz) + NS - 1n) / NS : 0n;
  if (value === 0n) t.next = undefined;
  else t.next = flags & 1 ? p.deadlineAt(t.clock, value) : p.deadlineAfter(value);
  return 0n;
}

export function sysTimerfdGettime(p: LinuxProcess, a: bigint[]): bigint {
  writeItimerspec(p, a[1], timerOf(p, a[0]));
  return 0n;
}

export function sysSignalfd4(p: LinuxProcess, a: bigint[]): bigint {
  const fd = i32(a[0]), flags = Number(a[3]);
  if (a[2] !== 8n || (flags & ~(O_NONBLOCK | O_CLOEXEC))) throw new KernelError(EINVAL);
  const m = p.mm.read64(a[1]);
  if (m === undefined) throw new KernelError(EFAULT);
  const mask = m & ~(sigBit(SIGKILL) | sigBit(SIGSTOP));
  if (fd !== -1) {
    const f = getFile(p, a[0]);
    if (f.kind !== 'anon' || !(f.anon instanceof SignalFd)) throw new KernelError(EINVAL);
    f.anon.mask = mask;
    return BigInt(fd);
  }
  return anonFd(p, '[signalfd]', new SignalFd(mask, p.current), flags);
}

// ---- poll, ppoll, pselect6 ----------------------------------------------------------------------------------

/** A wait for readiness: the result of `scan` once it is non-zero, else 0 at the deadline; a timer's next expiry
 *  (wakeAt) wakes the wait early to scan again. `sigmask` replaces the blocked mask while it waits. */
function waitReady(p: LinuxProcess, what: string, scan: () => { n: number; wakeAt?: bigint }, deadline: bigint | undefined,
  onDone: () => void, sigmask?: bigint): bigint {
  const first = scan();
  if (first.n > 0 || (deadline !== undefined && deadline <= p.hart.time)) { onDone(); return BigInt(first.n); }
  const task = p.current;
  const saved = task.signals.blocked;
  if (sigmask !== undefined) task.signals.setBlocked(sigmask);
  const restore = (): void => { if (sigmask !== undefined) task.signals.setBlocked(saved); };
  const earliest = (w?: bigint): bigint | undefined => (w !== undefined && (deadline === undefined || w < deadline) ? w : deadline);
  const wait: Wait = {
    what, restartable: false, deadline: earliest(first.wakeAt),
    check: () => {
      const s = scan();
      if (s.n > 0) { restore(); onDone(); return BigInt(s.n); }
      wait.deadline = earliest(s.wakeAt);
      return undefined;
    },
    timeout: () => { restore(); onDone(); return 0n; },
    cancel: restore,
  };
  return p.block(wait);
}

function pollScan(p: LinuxProcess, files: (OpenFile | undefined)[], fds: { fd: number; events: number }[]): { n: number; wakeAt?: bigint; revents: number[] } {
  let n = 0, wakeAt: bigint | undefined;
  const revents = fds.map(({ fd, events }, i) => {
    if (fd < 0) return 0;
    const f = files[i];
    if (!f) { n++; return POLLNVAL; }
    const r = readiness(p, f);
    if (r.wakeAt !== undefined && (wakeAt === undefined || r.wakeAt < wakeAt)) wakeAt = r.wakeAt;
    const m = r.mask & (events | POLLERR | POLLHUP | POLLNVAL);
    if (m) n++;
    return m;
  });
  return { n, wakeAt, revents };
}

function doPoll(p: LinuxProcess, fdsVa: bigint, nfds: number, deadline: bigint | undefined, sigmask?: bigint): bigint {
  if (nfds < 0 || nfds > 1024) throw new KernelError(EINVAL);
  const mm = p.mm;
  const b = nfds ? mm.read(fdsVa, nfds * 8) : new Uint8Array(0);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer);
  const fds = Array.from({ length: nfds }, (_, i) => ({ fd: dv.getInt32(i * 8, true), events: dv.getUint16(i * 8 + 4, true) }));
  const table = p.fds;
  const files = fds.map(({ fd }) => (fd >= 0 ? table[fd] : undefined));
  let last: number[] = [];
  const scan = (): { n: number; wakeAt?: bigint } => { const s = pollScan(p, files, fds); last = s.revents; return s; };
  const onDone = (): void => {
    last.forEach((r, i) => dv.setUint16(i * 8 + 6, r, true));
    if (nfds && !mm.write(fdsVa, b)) throw new KernelError(EFAULT);
  };
  return waitReady(p, 'poll', scan, deadline, onDone, sigmask);
}

function readTimespec(p: LinuxProcess, va: bigint): bigint {
  const b = p.mm.read(va, 16);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer);
  const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= NS) throw new KernelError(EINVAL);
  return sec * NS + nsec;
}

function readSigmask(p: LinuxProcess, va: bigint, size: bigint): bigint | undefined {
  if (va === 0n) return undefined;
  if (size !== 8n) throw new KernelError(EINVAL);
  const m = p.mm.read64(va);
  if (m === undefined) throw new KernelError(EFAULT);
  return m;
}

export function sysPpoll(p: LinuxProcess, a: bigint[]): bigint {
  const deadline = a[2] === 0n ? undefined : p.deadlineAfter(readTimespec(p, a[2]));
  return doPoll(p, a[0], Number(a[1]), deadline, readSigmask(p, a[3], a[4]));
}

export function sysPselect6(p: LinuxProcess, a: bigint[]): bigint {
  const n = i32(a[0]);
  if (n < 0 || n > 1024) throw new KernelError(EINVAL);
  const words = Math.ceil(n / 64);
  const mm = p.mm;
  const sets = [a[1], a[2], a[3]].map((va) => {
    if (va === 0n || !words) return undefined;
    const b = mm.read(va, words * 8);
    if (!b) throw new KernelError(EFAULT);
    return b;
  });
  const bit = (b: Uint8Array, fd: number): boolean => (b[fd >> 3] & (1 << (fd & 7))) !== 0;
  const fds: { fd: number; events: number }[] = [];
  for (let fd = 0; fd < n; fd++) {
    let ev = 0;
    if (sets[0] && bit(sets[0], fd)) ev |= POLLIN;
    if (sets[1] && bit(sets[1], fd)) ev |= POLLOUT;
    if (sets[2] && bit(sets[2], fd)) ev |= POLLPRI;
    if (ev) { if (!p.fds[fd]) throw new KernelError(EBADF); fds.push({ fd, events: ev }); }
  }
  const files = fds.map(({ fd }) => p.fds[fd]);
  let out: Uint8Array[] = [];
  const scan = (): { n: number; wakeAt?: bigint } => {
    const s = pollScan(p, files, fds);
    out = sets.map(() => new Uint8Array(words * 8));
    let count = 0;
    s.revents.forEach((r, i) => {
      const fd = fds[i].fd, set = (k: number): void => { out[k][fd >> 3] |= 1 << (fd & 7); count++; };
      if ((r & (POLLIN | POLLHUP | POLLERR)) && (fds[i].events & POLLIN)) set(0);
      if ((r & (POLLOUT | POLLERR)) && (fds[i].events & POLLOUT)) set(1);
      if ((r & POLLPRI) && (fds[i].events & POLLPRI)) set(2);
    });
    return { n: count, wakeAt: s.wakeAt };
  };
  const onDone = (): void => { sets.forEach((s, k) => { if (s && !mm.write([a[1], a[2], a[3]][k], out[k])) throw new KernelError(EFAULT); }); };
  const deadline = a[4] === 0n ? undefined : p.deadlineAfter(readTimespec(p, a[4]));
  let sigmask: bigint | undefined;
  if (a[5] !== 0n) {
    // struct { const sigset_t *ss; size_t ss_len; }
    const b = mm.read(a[5], 16);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer);
    sigmask = readSigmask(p, dv.getBigUint64(0, true), dv.getBigUint64(8, true));
  }
  return waitReady(p, 'select', scan, deadline, onDone, sigmask);
}

// ---- epoll -------------------------------------------------------------------------------------------------

export function sysEpollCreate1(p: LinuxProcess, a: bigint[]): bigint {
  const flags = Number(a[0]);
  if (flags & ~O_CLOEXEC) throw new KernelError(EINVAL);
  return anonFd(p, '[eventpoll]', new Epoll(), flags);
}

function epollOf(p: LinuxProcess, fd: bigint): Epoll {
  const f = getFile(p, fd);
  if (f.kind !== 'anon' || !(f.anon instanceof Epoll)) throw new KernelError(EINVAL);
  return f.anon;
}

export function sysEpollCtl(p: LinuxProcess, a: bigint[]): bigint {
  const ep = epollOf(p, a[0]);
  const op = Number(a[1]), fd = i32(a[2]);
  const target = getFile(p, a[2]);
  if (target.anon === ep) throw new KernelError(EINVAL);
  if (target.kind === 'file' || target.kind === 'tmp' || target.kind === 'dir') throw new KernelError(EPERM);
  let events = 0, data = 0n;
  if (op !== EPOLL_CTL_DEL) {
    const b = p.mm.read(a[3], 16);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer);
    events = dv.getUint32(0, true);
    data = dv.getBigUint64(8, true);
  }
  switch (op) {
    case EPOLL_CTL_ADD:
      if (ep.items.has(fd)) throw new KernelError(EEXIST);
      ep.items.set(fd, { file: target, events, data, disabled: false, seen: 0 });
      return 0n;
    case EPOLL_CTL_MOD: {
      const it = ep.items.get(fd);
      if (!it) throw new KernelError(ENOENT);
      // a MOD re-arms: what is ready now is reported again (ep_modify polls the file), edge-triggered or not
      it.events = events; it.data = data; it.disabled = false; it.seen = 0; it.seq = undefined;
      return 0n;
    }
    case EPOLL_CTL_DEL:
      if (!ep.items.delete(fd)) throw new KernelError(ENOENT);
      return 0n;
  }
  throw new KernelError(EINVAL);
}

function doEpollWait(p: LinuxProcess, epfd: bigint, eventsVa: bigint, max: number, deadline: bigint | undefined, sigmask?: bigint): bigint {
  const ep = epollOf(p, epfd);
  if (max <= 0 || max > 65536) throw new KernelError(EINVAL);
  const mm = p.mm;
  let ready: { events: number; item: EpItem; seq?: number }[] = [];
  const scan = (): { n: number; wakeAt?: bigint } => {
    ready = [];
    let wakeAt: bigint | undefined;
    for (const [fd, it] of ep.items) {
      if (it.disabled) continue;
      if (it.file.refs <= 0) { ep.items.delete(fd); continue; }
      const r = readiness(p, it.file);
      if (r.wakeAt !== undefined && (wakeAt === undefined || r.wakeAt < wakeAt)) wakeAt = r.wakeAt;
      const m = r.mask & (it.events | POLLERR | POLLHUP);
      if (it.events & EPOLLET) {
        // edge-triggered: only a change is an event (an event that went away may come again; a pipe written to
        // again while still readable is a new wake-up); level-triggered: whatever is ready now
        it.seen &= m;
        const fresh = (m & ~it.seen) !== 0 || (m !== 0 && r.seq !== undefined && r.seq !== it.seq);
        if (!fresh) continue;
      }
      if (m && ready.length < max) ready.push({ events: m, item: it, seq: r.seq });
    }
    return { n: ready.length, wakeAt };
  };
  const onDone = (): void => {
    const b = Buffer.alloc(ready.length * 16);
    ready.forEach((e, i) => { b.writeUInt32LE(e.events, i * 16); b.writeBigUInt64LE(e.item.data, i * 16 + 8); });
    if (ready.length && !mm.write(eventsVa, b)) throw new KernelError(EFAULT);
    for (const e of ready) {
      if (e.item.events & EPOLLET) { e.item.seen |= e.events; e.item.seq = e.seq; }
      // one-shot: reported once, then disabled until EPOLL_CTL_MOD re-arms it
      if (e.item.events & EPOLLONESHOT) e.item.disabled = true;
    }
  };
  return waitReady(p, 'epoll_wait', scan, deadline, onDone, sigmask);
}

export function sysEpollPwait(p: LinuxProcess, a: bigint[]): bigint {
  const ms = i32(a[3]);
  return doEpollWait(p, a[0], a[1], i32(a[2]), ms < 0 ? undefined : p.deadlineAfter(BigInt(ms) * 1_000_000n), readSigmask(p, a[4], a[5]));
}

export function sysEpollPwait2(p: LinuxProcess, a: bigint[]): bigint {
  const deadline = a[3] === 0n ? undefined : p.deadlineAfter(readTimespec(p, a[3]));
  return doEpollWait(p, a[0], a[1], i32(a[2]), deadline, readSigmask(p, a[4], a[5]));
}
