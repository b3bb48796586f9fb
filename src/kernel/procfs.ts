// models fs/proc/task_mmu.c (show_map_vma: /proc/self/maps), fs/proc/base.c (auxv, exe, cmdline, status,
// stat) and arch/riscv/kernel/cpu.c (c_show: /proc/cpuinfo in riscv's format).
import type { Mapping } from './api';

/** One maps line exactly as show_map_vma prints it (the name padded to column 73). */
export function mapsLine(m: Mapping): string {
  const hex8 = (v: bigint): string => v.toString(16).padStart(8, '0');
  const head = `${hex8(m.start)}-${hex8(m.end)} ${m.perms} ${hex8(m.offset)} ${m.dev} ${m.inode} `;
  if (!m.path) return head;
  return head.padEnd(73, ' ') + m.path;
}

export function mapsText(ms: Mapping[]): string {
  return ms.map((m) => mapsLine(m) + '\n').join('');
}

/** /proc/self/auxv: the saved auxv as raw (type, value) u64 pairs, AT_NULL included. */
export function auxvBytes(auxv: { type: number; value: bigint }[]): Uint8Array {
  const b = Buffer.alloc(auxv.length * 16 + 16);
  auxv.forEach((e, i) => { b.writeBigUInt64LE(BigInt(e.type), i * 16); b.writeBigUInt64LE(e.value, i * 16 + 8); });
  return b;
}

/** /proc/cpuinfo as riscv Linux 6.1 prints it for one hart. */
export function cpuinfo(): string {
  return [
    'processor\t: 0',
    'hart\t\t: 0',
    'isa\t\t: rv64imafdc',
    'mmu\t\t: sv39',
    'uarch\t\t: riscv-vdso-lab,rv64gc',
    'mvendorid\t: 0x0',
    'marchid\t\t: 0x0',
    'mimpid\t\t: 0x0',
    '',
    '',
  ].join('\n');
}

export function statusText(name: string, pid: number, ppid: number, vmRssKb: number): string {
  return `Name:\t${name.slice(0, 15)}\nUmask:\t0022\nState:\tR (running)\nTgid:\t${pid}\nNgid:\t0\nPid:\t${pid}\nPPid:\t${ppid}\n` +
    `TracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nFDSize:\t64\nVmRSS:\t${vmRssKb} kB\nThreads:\t1\n`;
}

export function meminfoText(totalKb: number, freeKb: number): string {
  return `MemTotal:       ${String(totalKb).padStart(8)} kB\nMemFree:        ${String(freeKb).padStart(8)} kB\nMemAvailable:   ${String(freeKb).padStart(8)} kB\n`;
}
