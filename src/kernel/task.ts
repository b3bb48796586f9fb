// models include/linux/sched.h's task_struct and the parts of it that fork.c shares or copies: the ids (pid =
// thread id, tgid = the process id), the open files (files_struct of fs/file.c: fds and close-on-exec bits),
// the credentials (include/linux/cred.h: one unprivileged user), the resource limits (signal_struct's rlim),
// umask and comm, the signal state, the thread-exit words (set_tid_address, set_robust_list) and the address
// space it runs in. One process today has one task; threads (clone with CLONE_VM|CLONE_FILES|...) are tasks
// that share `mm`, `files` and the signal handlers, each with its own tid, blocked mask and saved registers.
import type { MM } from './mm';
import { SignalState } from './signal';
import type { OpenFile } from './syscalls/fs';

/** files_struct: the fd table and its close-on-exec bits (shared by CLONE_FILES). */
export class Files {
  readonly fds: (OpenFile | undefined)[] = [];
  readonly cloexec: boolean[] = [];
  /** Tasks sharing this table (files_struct's count): the files close when the last one exits or execs. */
  users = 1;
}

/** The credentials of every task: one ordinary user (uid/gid 1000), as an unprivileged run on Linux. */
export const CRED = { uid: 1000, gid: 1000, euid: 1000, egid: 1000 } as const;

/** signal_struct + the thread list: what the threads of one process (CLONE_THREAD) share. */
export class ThreadGroup {
  readonly tasks = new Set<Task>();
  /** Set once the whole group has exited (exit_group, the last thread's exit, or a fatal signal): a zombie until reaped. */
  exit?: { code: number } | { signal: number; core?: boolean };
  /** The parent process (real_parent); undefined once reparented to init, which is outside the model. */
  parent?: ThreadGroup;
  /** getppid: the parent's tgid, 1 after reparenting. */
  ppid = 1;
  /** The children not reaped yet (live or zombies). */
  readonly children = new Set<ThreadGroup>();
  /** The signal the parent gets when this process ends (clone's exit_signal; SIGCHLD for fork). */
  exitSignal = 17;
  /** Process group and session ids. */
  pgid: number;
  sid: number;
  /** A vfork child: its parent waits until it execs or exits. */
  vforkDone = true;
  /** execve has run in this process since fork (setpgid on a child that exec'd is EACCES). */
  execed = false;
  /** Group stop (job control): every thread is stopped by this signal until SIGCONT or SIGKILL (SIGNAL_STOP_STOPPED). */
  stopped?: number;
  /** A stop not reported to wait4(WUNTRACED)/waitid(WSTOPPED) yet (the signal), and a continue not reported to
   *  WCONTINUED yet (signal_struct's group_exit_code and SIGNAL_STOP_CONTINUED). */
  stopReport?: number;
  continuedReport = false;
  constructor(readonly tgid: number) { this.pgid = tgid; this.sid = tgid; }
  get alive(): Task[] { return [...this.tasks].filter((t) => t.state !== 'dead'); }
  /** The status word wait4 reports for an ended process (WEXITSTATUS << 8, or the signal | 0x80 for a core). */
  get waitStatus(): number {
    const e = this.exit;
    if (!e) return 0;
    return 'code' in e ? (e.code & 0xff) << 8 : (e.signal & 0x7f) | (e.core ? 0x80 : 0);
  }
}

/** A system call waiting for something (a futex wake, a child, data, a deadline): kernel/sched/wait.c's role. */
export interface Wait {
  /** What it waits on, for the deadlock report and the debugger ("futex 0x... ", "wait4", "read from a pipe"). */
  what: string;
  /** The result when the wait is over, else undefined. */
  check(): bigint | undefined;
  /** Guest time (time CSR ticks) at which it gives up with timeout(). */
  deadline?: bigint;
  timeout?(): bigint;
  /** Leave wait queues (the wait ended by a signal or a timeout). */
  cancel?(): void;
  /** An interrupted call is restarted under SA_RESTART (read, write, wait4, futex) or fails with EINTR (poll, sleep). */
  restartable: boolean;
  /** TASK_UNINTERRUPTIBLE (vfork's wait for the child): only SIGKILL ends it. */
  uninterruptible?: boolean;
  /** The strace line of the call once it completes with result r. */
  straceDone?: (r: bigint) => string;
}

/** The registers of a task that is not on the hart: its pt_regs frame and the FP state. */
export interface SavedContext {
  frame: Uint8Array;
  f: bigint[];
  fcsr: bigint;
}

export class Task {
  /** Thread id (the pid of task_struct). */
  readonly tid: number;
  /** Thread group id: what getpid returns. */
  readonly tgid: number;
  get ppid(): number { return this.group.ppid; }
  mm: MM;
  files: Files;
  signals = new SignalState();
  readonly rlimits = new Map<number, [bigint, bigint]>();
  umask = 0o022;
  /** fs_struct: the working directory (shared with CLONE_FS). */
  fs: { cwd: string } = { cwd: '/' };
  comm: string;
  /** set_tid_address / CLONE_CHILD_CLEARTID: cleared and futex-woken when the task exits. */
  clearChildTid = 0n;
  /** set_robust_list: the head of the robust futex list. */
  robustList = 0n;

  group: ThreadGroup;
  state: 'running' | 'blocked' | 'dead' = 'running';
  wait?: Wait;
  /** Saved registers while another task runs (undefined while this one is `current`). */
  ctx?: SavedContext;

  constructor(tid: number, mm: MM, files: Files, comm: string, group?: ThreadGroup) {
    this.tid = tid;
    this.group = group ?? new ThreadGroup(tid);
    this.group.tasks.add(this);
    this.tgid = this.group.tgid;
    this.mm = mm;
    this.files = files;
    this.comm = comm;
  }
}
