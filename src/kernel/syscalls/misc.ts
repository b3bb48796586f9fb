// models drivers/char/random.c (getrandom), kernel/sched/core.c (sched_{get,set}affinity, sched_yield),
// kernel/sys.c (getcpu), arch/riscv/kernel/sys_riscv.c (riscv_flush_icache) and the riscv_hwprobe call
// (arch/riscv/kernel/sys_hwprobe.c in later kernels: keys 0..5, IMA_EXT_0 with FD and C).
import type { LinuxProcess } from '../process';
import { KernelError, EFAULT, EINVAL } from '../errno';
import { HWPROBE_BATCH } from '../limits';

export function sysGetrandom(p: LinuxProcess, a: bigint[]): bigint {
  const n = Number(a[1] > 33554431n ? 33554431n : a[1]);
  if (Number(a[2]) & ~7) throw new KernelError(EINVAL);
  if (!p.mm.write(a[0], p.randomBytes(n))) throw new KernelError(EFAULT);
  return BigInt(n);
}

export function sysSchedGetaffinity(p: LinuxProcess, a: bigint[]): bigint {
  const len = Number(a[1]);
  if (len < 8 || len & 7) throw new KernelError(EINVAL);
  const b = Buffer.alloc(8);
  b[0] = 1;
  if (!p.mm.write(a[2], b)) throw new KernelError(EFAULT);
  return 8n;
}
/** sched_setaffinity: one hart, CPU 0; a mask without it is EINVAL, as on a one-CPU Linux. */
export function sysSchedSetaffinity(p: LinuxProcess, a: bigint[]): bigint {
  const pid = Number(BigInt.asIntN(32, a[0]));
  if (pid !== 0 && !p.findTask(pid)) throw new KernelError(3);
  const len = Number(a[1]);
  if (len < 1) throw new KernelError(EINVAL);
  const b = p.mm.read(a[2], 1);
  if (!b) throw new KernelError(EFAULT);
  if (!(b[0] & 1)) throw new KernelError(EINVAL);
  return 0n;
}
export function sysSchedYield(p: LinuxProcess): bigint { p.needResched = true; return 0n; }

export function sysGetcpu(p: LinuxProcess, a: bigint[]): bigint {
  const z = Buffer.alloc(4);
  if (a[0] !== 0n && !p.mm.write(a[0], z)) throw new KernelError(EFAULT);
  if (a[1] !== 0n && !p.mm.write(a[1], z)) throw new KernelError(EFAULT);
  return 0n;
}

export function sysRiscvFlushIcache(p: LinuxProcess, a: bigint[]): bigint {
  if (Number(a[2]) & ~1) throw new KernelError(EINVAL);
  p.hart.invalidateCode();
  return 0n;
}

const RISCV_HWPROBE_KEY_MVENDORID = 0, KEY_MARCHID = 1, KEY_MIMPID = 2, KEY_BASE_BEHAVIOR = 3, KEY_IMA_EXT_0 = 4, KEY_CPUPERF_0 = 5;
export function sysRiscvHwprobe(p: LinuxProcess, a: bigint[]): bigint {
  if (Number(a[4]) !== 0) throw new KernelError(EINVAL);
  // pair_count is a size_t: the pairs are read and written back a page at a time (one copy each way per page,
  // not two guest accesses per pair), so 2^32 pairs end at the first unmapped page with EFAULT, the pairs
  // before it answered as Linux does one by one
  let left = a[1];
  for (let va = a[0]; left > 0n;) {
    const inPage = Math.max(1, Math.min(HWPROBE_BATCH, Math.floor((4096 - Number(va & 0xfffn)) / 16)));
    const n = Number(left < BigInt(inPage) ? left : BigInt(inPage));
    const b = p.mm.read(va, n * 16);
    if (!b) throw new KernelError(EFAULT);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < n; i++) {
      let v = 0n;
      switch (Number(BigInt.asIntN(64, dv.getBigUint64(i * 16, true)))) {
        case RISCV_HWPROBE_KEY_MVENDORID: case KEY_MARCHID: case KEY_MIMPID: v = 0n; break;
        case KEY_BASE_BEHAVIOR: v = 1n; break; // RISCV_HWPROBE_BASE_BEHAVIOR_IMA
        case KEY_IMA_EXT_0: v = 1n | 2n; break; // IMA_FD | IMA_C
        case KEY_CPUPERF_0: v = 0n; break;
        default: dv.setBigInt64(i * 16, -1n, true); break; // an unknown key becomes -1, its value 0
      }
      dv.setBigUint64(i * 16 + 8, v, true);
    }
    if (!p.mm.write(va, b)) throw new KernelError(EFAULT);
    va += BigInt(n * 16);
    left -= BigInt(n);
  }
  return 0n;
}
