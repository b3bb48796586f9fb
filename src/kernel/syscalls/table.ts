// models arch/riscv/kernel/syscall_table.c: sys_call_table indexed by the riscv64 __NR_* numbers of
// include/uapi/asm-generic/unistd.h, every slot defaulting to sys_ni_syscall (-ENOSYS, and here one
// warning naming the call the first time a program makes it).
import type { LinuxProcess } from '../process';
import * as fs from './fs';
import * as mm from './mm';
import * as time from './time';
import * as sig from './signal';
import * as proc from './process';
import * as misc from './misc';
import { sysFutex } from '../futex';
import { sysClone, sysClone3 } from '../fork';
import { sysWait4, sysWaitid } from '../exit';
import { sysPidfdOpen, sysPidfdSendSignal } from '../pid';
import { sysExecve, sysExecveat } from '../exec';
import * as ev from './events';
import * as namei from './namei';
import * as sock from './socket';

export type Handler = (p: LinuxProcess, a: bigint[]) => bigint;
export interface SyscallEntry {
  nr: number;
  name: string;
  handler?: Handler;
  /**
   * How many arguments the call takes (its SYSCALL_DEFINEn), where known: the kernel model reads only these
   * from the frame (the others are 0n to the handler); 6 when not given.
   */
  nargs?: number;
}

/**
 * The arguments of the frequent calls (Linux 6.1's SYSCALL_DEFINEn of each). A handler never reads beyond its
 * call's count (test/kernel/syscalls.test.ts checks the handlers' source). Every other call gets all six.
 */
export const SYSCALL_NARGS: Record<string, number> = {
  getpid: 0, getppid: 0, gettid: 0, getuid: 0, geteuid: 0, getgid: 0, getegid: 0, sched_yield: 0,
  close: 1, dup: 1, brk: 1, exit: 1, exit_group: 1, set_tid_address: 1, umask: 1,
  fstat: 2, clock_gettime: 2, clock_getres: 2, gettimeofday: 2, nanosleep: 2, munmap: 2, pipe2: 2,
  read: 3, write: 3, readv: 3, writev: 3, lseek: 3, ioctl: 3, fcntl: 3, dup3: 3, mprotect: 3, madvise: 3,
  getrandom: 3, getdents64: 3,
  pread64: 4, pwrite64: 4, openat: 4, newfstatat: 4, rt_sigaction: 4, rt_sigprocmask: 4, clock_nanosleep: 4,
};

/** riscv64 system call names by number (the ones a glibc program may make, implemented or not). */
export const SYSCALL_NAMES: Record<number, string> = {
  17: 'getcwd', 19: 'eventfd2', 20: 'epoll_create1', 21: 'epoll_ctl', 22: 'epoll_pwait', 23: 'dup', 24: 'dup3', 25: 'fcntl',
  29: 'ioctl', 32: 'flock', 33: 'mknodat', 34: 'mkdirat', 35: 'unlinkat', 36: 'symlinkat', 37: 'linkat', 38: 'renameat',
  43: 'statfs', 44: 'fstatfs', 45: 'truncate', 46: 'ftruncate', 47: 'fallocate', 48: 'faccessat', 49: 'chdir', 50: 'fchdir',
  52: 'fchmod', 53: 'fchmodat', 54: 'fchownat', 55: 'fchown', 56: 'openat', 57: 'close', 59: 'pipe2', 61: 'getdents64',
  62: 'lseek', 63: 'read', 64: 'write', 65: 'readv', 66: 'writev', 67: 'pread64', 68: 'pwrite64', 72: 'pselect6', 73: 'ppoll',
  78: 'readlinkat', 79: 'newfstatat', 80: 'fstat', 82: 'fsync', 83: 'fdatasync', 88: 'utimensat', 93: 'exit', 94: 'exit_group',
  96: 'set_tid_address', 98: 'futex', 99: 'set_robust_list', 100: 'get_robust_list', 101: 'nanosleep', 102: 'getitimer',
  103: 'setitimer', 113: 'clock_gettime', 114: 'clock_getres', 115: 'clock_nanosleep', 117: 'ptrace', 122: 'sched_setaffinity',
  123: 'sched_getaffinity', 124: 'sched_yield', 129: 'kill', 130: 'tkill', 131: 'tgkill', 132: 'sigaltstack', 133: 'rt_sigsuspend',
  134: 'rt_sigaction', 135: 'rt_sigprocmask', 136: 'rt_sigpending', 137: 'rt_sigtimedwait', 139: 'rt_sigreturn',
  144: 'setgid', 146: 'setuid', 153: 'times', 154: 'setpgid', 155: 'getpgid', 156: 'getsid', 157: 'setsid', 158: 'getgroups',
  160: 'uname', 163: 'getrlimit', 164: 'setrlimit', 165: 'getrusage', 166: 'umask', 167: 'prctl', 168: 'getcpu',
  169: 'gettimeofday', 170: 'settimeofday', 172: 'getpid', 173: 'getppid', 174: 'getuid', 175: 'geteuid', 176: 'getgid',
  177: 'getegid', 178: 'gettid', 179: 'sysinfo', 198: 'socket', 203: 'connect', 214: 'brk', 215: 'munmap', 216: 'mremap',
  220: 'clone', 221: 'execve', 222: 'mmap', 226: 'mprotect', 227: 'msync', 228: 'mlock', 229: 'munlock', 233: 'madvise',
  258: 'riscv_hwprobe', 259: 'riscv_flush_icache', 260: 'wait4', 261: 'prlimit64', 276: 'renameat2', 278: 'getrandom',
  279: 'memfd_create', 95: 'waitid', 281: 'execveat', 199: 'socketpair', 200: 'bind', 201: 'listen', 202: 'accept', 242: 'accept4', 204: 'getsockname', 205: 'getpeername', 206: 'sendto', 207: 'recvfrom', 208: 'setsockopt', 209: 'getsockopt', 210: 'shutdown', 211: 'sendmsg', 212: 'recvmsg', 74: 'signalfd4', 85: 'timerfd_create', 86: 'timerfd_settime', 87: 'timerfd_gettime', 441: 'epoll_pwait2', 283: 'membarrier', 291: 'statx', 293: 'rseq', 435: 'clone3', 439: 'faccessat2', 143: 'setregid', 145: 'setreuid', 147: 'setresuid', 148: 'getresuid', 149: 'setresgid', 150: 'getresgid', 151: 'setfsuid', 152: 'setfsgid', 159: 'setgroups', 424: 'pidfd_send_signal', 71: 'sendfile', 223: 'fadvise64', 434: 'pidfd_open',
};

const HANDLERS: Record<string, Handler> = {
  getcwd: fs.sysGetcwd, dup: fs.sysDup, dup3: fs.sysDup3, fcntl: fs.sysFcntl, ioctl: fs.sysIoctl, mkdirat: fs.sysMkdirat,
  unlinkat: fs.sysUnlinkat, ftruncate: fs.sysFtruncate, faccessat: fs.sysFaccessat, faccessat2: fs.sysFaccessat, chdir: fs.sysChdir,
  openat: fs.sysOpenat, close: fs.sysClose, pipe2: fs.sysPipe2, getdents64: fs.sysGetdents64, lseek: fs.sysLseek,
  read: fs.sysRead, sendfile: fs.sysSendfile, fadvise64: fs.sysFadvise64, write: fs.sysWrite, readv: fs.sysReadv, writev: fs.sysWritev, pread64: fs.sysPread64, pwrite64: fs.sysPwrite64,
  readlinkat: fs.sysReadlinkat, newfstatat: fs.sysNewfstatat, fstat: fs.sysFstat, statx: fs.sysStatx,
  fsync: () => 0n, fdatasync: () => 0n,
  exit: proc.sysExitGroup, exit_group: proc.sysExitGroup, set_tid_address: proc.sysSetTidAddress,
  set_robust_list: proc.sysSetRobustList, futex: sysFutex, clone: sysClone, clone3: sysClone3, uname: proc.sysUname, getrlimit: proc.sysGetrlimit, setrlimit: proc.sysSetrlimit,
  prlimit64: proc.sysPrlimit64, umask: proc.sysUmask, getrusage: proc.sysGetrusage, sysinfo: proc.sysSysinfo, prctl: proc.sysPrctl,
  getpid: proc.sysGetpid, gettid: proc.sysGettid, getppid: proc.sysGetppid, getuid: proc.sysGetuid, geteuid: proc.sysGetuid,
  getgid: proc.sysGetgid, getegid: proc.sysGetgid, setuid: proc.sysSetuid, setgid: proc.sysSetgid, setreuid: proc.sysSetreuid,
  setregid: proc.sysSetregid, setresuid: proc.sysSetresuid, setresgid: proc.sysSetresgid, getresuid: proc.sysGetresuid,
  getresgid: proc.sysGetresgid, setfsuid: proc.sysSetfsuid, setfsgid: proc.sysSetfsgid, setgroups: proc.sysSetgroups,
  setpgid: proc.sysSetpgid, getpgid: proc.sysGetpgid, getsid: proc.sysGetsid, setsid: proc.sysSetsid,
  socket: sock.sysSocket, socketpair: sock.sysSocketpair, bind: sock.sysBind, listen: sock.sysListen, accept: sock.sysAccept,
  accept4: sock.sysAccept4, connect: sock.sysConnect, getsockname: sock.sysGetsockname, getpeername: sock.sysGetpeername,
  sendto: sock.sysSendto, recvfrom: sock.sysRecvfrom, sendmsg: sock.sysSendmsg, recvmsg: sock.sysRecvmsg, shutdown: sock.sysShutdown,
  setsockopt: sock.sysSetsockopt, getsockopt: sock.sysGetsockopt,
  wait4: sysWait4, waitid: sysWaitid, pidfd_open: sysPidfdOpen, pidfd_send_signal: sysPidfdSendSignal, execve: sysExecve, execveat: sysExecveat, fchdir: fs.sysFchdir,
  nanosleep: time.sysNanosleep, clock_gettime: time.sysClockGettime, clock_getres: time.sysClockGetres,
  clock_nanosleep: time.sysClockNanosleep, gettimeofday: time.sysGettimeofday, settimeofday: time.sysSettimeofday,
  sched_getaffinity: misc.sysSchedGetaffinity, sched_setaffinity: misc.sysSchedSetaffinity, sched_yield: misc.sysSchedYield, getcpu: misc.sysGetcpu,
  riscv_flush_icache: misc.sysRiscvFlushIcache, riscv_hwprobe: misc.sysRiscvHwprobe, getrandom: misc.sysGetrandom,
  rt_sigpending: sig.sysRtSigpending, rt_sigsuspend: sig.sysRtSigsuspend, rt_sigtimedwait: sig.sysRtSigtimedwait,
  kill: sig.sysKill, tkill: sig.sysTkill, tgkill: sig.sysTgkill, sigaltstack: sig.sysSigaltstack,
  rt_sigaction: sig.sysRtSigaction, rt_sigprocmask: sig.sysRtSigprocmask,
  brk: mm.sysBrk, munmap: mm.sysMunmap, mremap: mm.sysMremap, mmap: mm.sysMmap, mprotect: mm.sysMprotect, madvise: mm.sysMadvise,
  ppoll: ev.sysPpoll, pselect6: ev.sysPselect6, epoll_create1: ev.sysEpollCreate1, epoll_ctl: ev.sysEpollCtl,
  epoll_pwait: ev.sysEpollPwait, epoll_pwait2: ev.sysEpollPwait2, eventfd2: ev.sysEventfd2, timerfd_create: ev.sysTimerfdCreate,
  timerfd_settime: ev.sysTimerfdSettime, timerfd_gettime: ev.sysTimerfdGettime, signalfd4: ev.sysSignalfd4,
  renameat: namei.sysRenameat, renameat2: namei.sysRenameat2, symlinkat: namei.sysSymlinkat, linkat: namei.sysLinkat,
  fchmodat: namei.sysFchmodat, fchmod: namei.sysFchmod, fchownat: namei.sysFchownat, fchown: namei.sysFchown,
  utimensat: namei.sysUtimensat, statfs: namei.sysStatfs, fstatfs: namei.sysFstatfs, flock: namei.sysFlock,
  // rseq: -ENOSYS on purpose (glibc copes: it runs without restartable sequences); rt_sigreturn: handled by the process
};

export const NR_RT_SIGRETURN = 139;
export const NR_EXIT = 93;
export const NR_EXIT_GROUP = 94;

/** The table: one entry per number, the default (no handler) meaning -ENOSYS. */
export const SYS_CALL_TABLE: SyscallEntry[] = (() => {
  const t: SyscallEntry[] = [];
  for (let nr = 0; nr < 512; nr++) {
    const name = SYSCALL_NAMES[nr] ?? `syscall_${nr}`;
    t.push({ nr, name, handler: HANDLERS[name], nargs: SYSCALL_NARGS[name] });
  }
  return t;
})();

const TABLE_LENGTH = BigInt(SYS_CALL_TABLE.length);

export function syscallEntry(nr: bigint): SyscallEntry {
  return nr >= 0n && nr < TABLE_LENGTH ? SYS_CALL_TABLE[Number(nr)] : { nr: Number(BigInt.asIntN(64, nr)), name: `syscall_0x${nr.toString(16)}` };
}
/** syscallEntry of a number 0 <= nr < 2^32 (a7 read without BigInt). */
export function syscallEntryOf(nr: number): SyscallEntry {
  return nr < SYS_CALL_TABLE.length ? SYS_CALL_TABLE[nr] : syscallEntry(BigInt(nr));
}
