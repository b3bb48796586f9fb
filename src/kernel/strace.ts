// models strace's output format (it is not a Linux file: strace(1) decodes what the kernel sees at the
// syscall boundary): name(args) = result, strings quoted and cut at 32 bytes, flags by name, structures
// decoded after the call, errors as "-1 ENOENT (No such file or directory)".
import { errnoName, errnoMessage } from './errno';
import { CLOCK_NAMES } from './vdso/datapage';
import { signalName } from './signal';
import type { MM } from './mm';

export function quote(b: Uint8Array, max = 32): string {
  let s = '"';
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const c = b[i];
    const nextDigit = i + 1 < n && b[i + 1] >= 0x30 && b[i + 1] <= 0x37;
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x0c) s += '\\f';
    else if (c === 0x0b) s += '\\v';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + (nextDigit ? c.toString(8).padStart(3, '0') : c.toString(8));
  }
  s += '"';
  if (b.length > max) s += '...';
  return s;
}

export function flags(v: number, table: [number, string][], zero = '0'): string {
  const out: string[] = [];
  let rest = v;
  for (const [bit, name] of table) if (bit && (rest & bit) === bit) { out.push(name); rest &= ~bit; }
  if (rest) out.push('0x' + rest.toString(16));
  return out.length ? out.join('|') : zero;
}

const O_FLAGS: [number, string][] = [[0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'], [0o4000, 'O_NONBLOCK'], [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'], [0o2000000, 'O_CLOEXEC'],
  [0o10000000, 'O_PATH'], [0o4010000, 'O_SYNC']];
export function openFlags(f: number): string {
  const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '0x3'][f & 3];
  const rest = flags(f & ~3 & ~0o100000, O_FLAGS, '');
  return rest ? `${acc}|${rest}` : acc;
}
const PROT: [number, string][] = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC']];
const MAP: [number, string][] = [[1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'],
  [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'], [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x20000, 'MAP_STACK'],
  [0x100000, 'MAP_FIXED_NOREPLACE']];

export function fd(v: bigint): string { const n = Number(BigInt.asIntN(32, v)); return n === -100 ? 'AT_FDCWD' : String(n); }
export function ptr(v: bigint): string { return v === 0n ? 'NULL' : '0x' + v.toString(16); }
export function sdec(v: bigint): string { return BigInt.asIntN(64, v).toString(); }
export function clockName(v: bigint): string { const n = Number(BigInt.asIntN(32, v)); return CLOCK_NAMES[n] ?? String(n); }

export function timespec(mm: MM, va: bigint): string {
  if (va === 0n) return 'NULL';
  const b = mm.read(va, 16);
  if (!b) return ptr(va);
  const dv = new DataView(b.buffer);
  return `{tv_sec=${dv.getBigInt64(0, true)}, tv_nsec=${dv.getBigInt64(8, true)}}`;
}
export function timeval(mm: MM, va: bigint): string {
  if (va === 0n) return 'NULL';
  const b = mm.read(va, 16);
  if (!b) return ptr(va);
  const dv = new DataView(b.buffer);
  return `{tv_sec=${dv.getBigInt64(0, true)}, tv_usec=${dv.getBigInt64(8, true)}}`;
}
export function timezone(mm: MM, va: bigint): string {
  if (va === 0n) return 'NULL';
  const b = mm.read(va, 8);
  if (!b) return ptr(va);
  const dv = new DataView(b.buffer);
  return `{tz_minuteswest=${dv.getInt32(0, true)}, tz_dsttime=${dv.getInt32(4, true)}}`;
}
export function str(mm: MM, va: bigint, max = 32): string {
  if (va === 0n) return 'NULL';
  const s = mm.readString(va, 4096);
  return s === undefined ? ptr(va) : quote(Buffer.from(s, 'utf8'), max);
}
export function buf(mm: MM, va: bigint, len: bigint): string {
  const n = Number(len > 4096n ? 4096n : len);
  const b = mm.read(va, n < 0 ? 0 : n);
  return b ? quote(b) : ptr(va);
}

/** Result part: "= 3", "= -1 ENOENT (No such file or directory)", "= 0x1000" for addresses. */
export function result(ret: bigint, hex = false): string {
  const s = BigInt.asIntN(64, ret);
  if (s < 0n && s >= -4095n) { const e = Number(-s); return `-1 ${errnoName(e)} (${errnoMessage(e)})`; }
  return hex ? '0x' + ret.toString(16) : s.toString();
}

const failed = (r: bigint): boolean => BigInt.asIntN(64, r) < 0n;

export type ArgFormatter = (mm: MM, a: bigint[], ret: bigint) => string;

const sig = (v: bigint): string => signalName(Number(v));
const sigset = (mm: MM, va: bigint): string => {
  if (va === 0n) return 'NULL';
  const v = mm.read64(va);
  if (v === undefined) return ptr(va);
  const names: string[] = [];
  for (let s = 1; s <= 64; s++) if (v & (1n << BigInt(s - 1))) names.push(signalName(s).replace(/^SIG/, ''));
  return `[${names.join(' ')}]`;
};
const HOW = ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'];

/** Decoders of the arguments, by syscall name (post-call: out-parameters are filled in). */
export const FORMATS: Record<string, ArgFormatter> = {
  read: (m, a, r) => `${fd(a[0])}, ${BigInt.asIntN(64, r) >= 0n ? buf(m, a[1], r) : ptr(a[1])}, ${a[2]}`,
  write: (m, a) => `${fd(a[0])}, ${buf(m, a[1], a[2])}, ${a[2]}`,
  pread64: (m, a, r) => `${fd(a[0])}, ${BigInt.asIntN(64, r) >= 0n ? buf(m, a[1], r) : ptr(a[1])}, ${a[2]}, ${sdec(a[3])}`,
  openat: (m, a) => `${fd(a[0])}, ${str(m, a[1], 4096)}, ${openFlags(Number(a[2]))}` + (Number(a[2]) & 0o100 ? `, 0${Number(a[3]).toString(8)}` : ''),
  close: (_m, a) => fd(a[0]),
  lseek: (_m, a) => `${fd(a[0])}, ${sdec(a[1])}, ${['SEEK_SET', 'SEEK_CUR', 'SEEK_END'][Number(a[2])] ?? a[2]}`,
  newfstatat: (m, a) => `${fd(a[0])}, ${str(m, a[1], 4096)}, ${ptr(a[2])}, ${Number(a[3]) & 0x1000 ? 'AT_EMPTY_PATH' : Number(a[3]) & 0x100 ? 'AT_SYMLINK_NOFOLLOW' : '0'}`,
  fstat: (_m, a) => `${fd(a[0])}, ${ptr(a[1])}`,
  readlinkat: (m, a, r) => `${fd(a[0])}, ${str(m, a[1], 4096)}, ${BigInt.asIntN(64, r) >= 0n ? buf(m, a[2], r) : ptr(a[2])}, ${a[3]}`,
  faccessat: (m, a) => `${fd(a[0])}, ${str(m, a[1], 4096)}, ${flags(Number(a[2]), [[4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK']], 'F_OK')}`,
  clock_gettime: (m, a, r) => `${clockName(a[0])}, ${failed(r) ? ptr(a[1]) : timespec(m, a[1])}`,
  clock_getres: (m, a, r) => `${clockName(a[0])}, ${failed(r) ? ptr(a[1]) : timespec(m, a[1])}`,
  gettimeofday: (m, a, r) => failed(r) ? `${ptr(a[0])}, ${ptr(a[1])}` : `${timeval(m, a[0])}, ${timezone(m, a[1])}`,
  settimeofday: (m, a) => `${timeval(m, a[0])}, ${timezone(m, a[1])}`,
  nanosleep: (m, a) => `${timespec(m, a[0])}, ${ptr(a[1])}`,
  clock_nanosleep: (m, a) => `${clockName(a[0])}, ${Number(a[1]) & 1 ? 'TIMER_ABSTIME' : '0'}, ${timespec(m, a[2])}, ${ptr(a[3])}`,
  mmap: (_m, a) => `${ptr(a[0])}, ${a[1]}, ${flags(Number(a[2]), PROT, 'PROT_NONE')}, ${flags(Number(a[3]), MAP)}, ${fd(a[4])}, 0x${a[5].toString(16)}`,
  mprotect: (_m, a) => `${ptr(a[0])}, ${a[1]}, ${flags(Number(a[2]), PROT, 'PROT_NONE')}`,
  munmap: (_m, a) => `${ptr(a[0])}, ${a[1]}`,
  brk: (_m, a) => ptr(a[0]),
  exit_group: (_m, a) => sdec(a[0]),
  exit: (_m, a) => sdec(a[0]),
  set_tid_address: (_m, a) => ptr(a[0]),
  kill: (_m, a) => `${sdec(a[0])}, ${sig(a[1])}`,
  tgkill: (_m, a) => `${sdec(a[0])}, ${sdec(a[1])}, ${sig(a[2])}`,
  rt_sigprocmask: (m, a) => `${HOW[Number(a[0])] ?? a[0]}, ${sigset(m, a[1])}, ${ptr(a[2])}, ${a[3]}`,
  rt_sigaction: (_m, a) => `${sig(a[0])}, ${ptr(a[1])}, ${ptr(a[2])}, ${a[3]}`,
  getrandom: (_m, a) => `${ptr(a[0])}, ${a[1]}, ${flags(Number(a[2]), [[1, 'GRND_NONBLOCK'], [2, 'GRND_RANDOM'], [4, 'GRND_INSECURE']])}`,
  ioctl: (_m, a) => `${fd(a[0])}, ${({ 0x5401: 'TCGETS', 0x5413: 'TIOCGWINSZ', 0x540f: 'TIOCGPGRP' } as Record<number, string>)[Number(a[1])] ?? '0x' + a[1].toString(16)}, ${ptr(a[2])}`,
  uname: (_m, _a) => '{sysname="Linux", nodename="riscv-vdso-lab", ...}',
  dup: (_m, a) => fd(a[0]),
  dup3: (_m, a) => `${fd(a[0])}, ${fd(a[1])}, ${a[2]}`,
};

export const HEX_RESULT = new Set(['mmap', 'brk', 'mremap']);
