// models kernel/futex/ (waitwake.c, requeue.c, core.c's exit_robust_list): wait queues keyed like get_futex_key
// (mm.futexKey: a word in a MAP_SHARED mapping by its physical page, so it works across fork; any other by the
// address space and address, so a page shared copy-on-write after fork wakes no one in the other process), FUTEX_WAIT/WAIT_BITSET with timeouts on the guest clock (relative, or absolute on CLOCK_MONOTONIC /
// CLOCK_REALTIME), WAKE/WAKE_BITSET, REQUEUE/CMP_REQUEUE, WAKE_OP; FUTEX_PRIVATE_FLAG is accepted (the key is the
// same). The PI operations are ENOSYS (glibc only uses them for PTHREAD_PRIO_INHERIT mutexes).
import type { LinuxProcess } from './process';
import type { Task } from './task';
import { KernelError, EAGAIN, EFAULT, EINVAL, ENOSYS, ETIMEDOUT } from './errno';
import * as D from './vdso/datapage';

export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5,
  FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256, FUTEX_BITSET_MATCH_ANY = 0xffffffff;
const FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;

interface Waiter { task: Task; bitset: number; woken: boolean; }

export class Futexes {
  private readonly queues = new Map<bigint, Waiter[]>();

  private queue(key: bigint): Waiter[] {
    let q = this.queues.get(key);
    if (!q) { q = []; this.queues.set(key, q); }
    return q;
  }

  add(key: bigint, w: Waiter): void { this.queue(key).push(w); }

  remove(key: bigint, w: Waiter): void {
    const q = this.queues.get(key);
    if (!q) return;
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    if (!q.length) this.queues.delete(key);
  }

  /** Wake up to `n` waiters on `key` whose bitset meets `bitset`; the number woken. */
  wake(key: bigint, n: number, bitset = FUTEX_BITSET_MATCH_ANY): number {
    const q = this.queues.get(key);
    if (!q) return 0;
    let woken = 0;
    for (const w of [...q]) {
      if (woken >= n) break;
      if (!(w.bitset & bitset)) continue;
      w.woken = true;
      this.remove(key, w);
      woken++;
    }
    return woken;
  }

  /** Move up to `n` waiters from `from` to `to`; the number moved. */
  requeue(from: bigint, to: bigint, n: number): number {
    const q = this.queues.get(from);
    if (!q) return 0;
    let moved = 0;
    for (const w of [...q]) {
      if (moved >= n) break;
      this.remove(from, w);
      this.add(to, w);
      (w as Waiter & { key?: bigint }).key = to;
      moved++;
    }
    return moved;
  }
}

function word(p: LinuxProcess, va: bigint): { key: bigint; value: number } {
  if (va & 3n) throw new KernelError(EINVAL);
  const key = p.mm.futexKey(va);
  const pa = p.mm.physAddr(va, 'load');
  if (key === undefined || pa === undefined) throw new KernelError(EFAULT);
  return { key, value: Number(p.hart.readPhys64(pa & ~7n) >> ((pa & 4n) * 8n) & 0xffffffffn) };
}

function readTimeout(p: LinuxProcess, va: bigint): bigint {
  const b = p.mm.read(va, 16);
  if (!b) throw new KernelError(EFAULT);
  const dv = new DataView(b.buffer);
  const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) throw new KernelError(EINVAL);
  return sec * 1_000_000_000n + nsec;
}

/** sys_futex. */
export function sysFutex(p: LinuxProcess, a: bigint[]): bigint {
  const [uaddr, opB, valB, timeoutB, uaddr2, val3B] = a;
  const opFull = Number(opB);
  const op = opFull & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const val = Number(valB & 0xffffffffn);
  const val3 = Number(val3B & 0xffffffffn);
  switch (op) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
      const bitset = op === FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;
      if (bitset === 0) throw new KernelError(EINVAL);
      let deadline: bigint | undefined;
      if (timeoutB !== 0n) {
        const ns = readTimeout(p, timeoutB);
        if (op === FUTEX_WAIT) deadline = p.deadlineAfter(ns);
        else deadline = p.deadlineAt(opFull & FUTEX_CLOCK_REALTIME ? D.CLOCK_REALTIME : D.CLOCK_MONOTONIC, ns);
      }
      const w0 = word(p, uaddr);
      if (w0.value !== val) throw new KernelError(EAGAIN);
      const waiter: Waiter & { key?: bigint } = { task: p.current, bitset, woken: false, key: w0.key };
      p.futexes.add(w0.key, waiter);
      return p.block({
        what: `futex 0x${uaddr.toString(16)}`, restartable: true,
        check: () => (waiter.woken ? 0n : undefined),
        deadline, timeout: () => BigInt(-ETIMEDOUT),
        cancel: () => p.futexes.remove(waiter.key!, waiter),
      });
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET: {
      const bitset = op === FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3;
      if (bitset === 0) throw new KernelError(EINVAL);
      const key = p.mm.futexKey(uaddr);
      if (key === undefined) throw new KernelError(EFAULT);
      return BigInt(p.futexes.wake(key, val, bitset));
    }
    case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: {
      const w1 = word(p, uaddr);
      if (op === FUTEX_CMP_REQUEUE && w1.value !== val3) throw new KernelError(EAGAIN);
      const k2 = word(p, uaddr2).key;
      const nRequeue = Number(timeoutB & 0x7fffffffn);
      const woken = p.futexes.wake(w1.key, val);
      return BigInt(woken + p.futexes.requeue(w1.key, k2, nRequeue));
    }
    case FUTEX_WAKE_OP: {
      const k1 = word(p, uaddr).key;
      const w2 = word(p, uaddr2);
      const opcode = (val3 >>> 28) & 7, cmp = (val3 >>> 24) & 15;
      let oparg = (val3 << 8) >> 20, cmparg = (val3 << 20) >> 20;
      if (val3 & (8 << 28)) oparg = 1 << (oparg & 31);
      const old = w2.value | 0;
      let nv: number;
      switch (opcode) {
        case 0: nv = oparg; break;
        case 1: nv = old + oparg; break;
        case 2: nv = old | oparg; break;
        case 3: nv = old & ~oparg; break;
        case 4: nv = old ^ oparg; break;
        default: throw new KernelError(ENOSYS);
      }
      if (!p.mm.write32(uaddr2, nv >>> 0)) throw new KernelError(EFAULT);
      cmparg |= 0;
      let ok: boolean;
      switch (cmp) {
        case 0: ok = old === cmparg; break;
        case 1: ok = old !== cmparg; break;
        case 2: ok = old < cmparg; break;
        case 3: ok = old <= cmparg; break;
        case 4: ok = old > cmparg; break;
        case 5: ok = old >= cmparg; break;
        default: throw new KernelError(ENOSYS);
      }
      let n = p.futexes.wake(k1, val);
      if (ok) n += p.futexes.wake(w2.key, Number(timeoutB & 0x7fffffffn));
      return BigInt(n);
    }
    case FUTEX_LOCK_PI: case FUTEX_UNLOCK_PI: case FUTEX_TRYLOCK_PI: case FUTEX_FD:
      throw new KernelError(ENOSYS);
  }
  throw new KernelError(ENOSYS);
}

/** mm_release at a task's exit: the robust list's held locks get FUTEX_OWNER_DIED (one waiter woken each), then
 *  clear_child_tid is zeroed and woken (pthread_join's wait). */
export function exitFutexes(p: LinuxProcess, t: Task): void {
  if (t.robustList) {
    // struct robust_list_head { next; long futex_offset; list_op_pending }
    const head = t.robustList;
    const off = t.mm.read64(head + 8n);
    let entry = t.mm.read64(head);
    const pending = t.mm.read64(head + 16n);
    const handle = (e: bigint): void => {
      if (off === undefined) return;
      const ua = BigInt.asUintN(64, (e & ~1n) + BigInt.asIntN(64, off));
      const v = t.mm.read(ua, 4);
      if (!v) return;
      const cur = new DataView(v.buffer).getUint32(0, true);
      if ((cur & FUTEX_TID_MASK) !== t.tid) return;
      t.mm.write32(ua, ((cur & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0);
      const key = t.mm.futexKey(ua);
      if (key !== undefined) p.futexes.wake(key, 1);
    };
    for (let n = 0; entry !== undefined && entry !== head && n < 2048; n++) {
      handle(entry);
      entry = t.mm.read64(entry & ~1n);
    }
    if (pending) handle(pending);
  }
  if (t.clearChildTid && t.mm.users > 1) {
    if (t.mm.write32(t.clearChildTid, 0)) {
      const key = t.mm.futexKey(t.clearChildTid);
      if (key !== undefined) p.futexes.wake(key, 1);
    }
  }
}
