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
}

/** The credentials of every task: one ordinary user (uid/gid 1000), as an unprivileged run on Linux. */
export const CRED = { uid: 1000, gid: 1000, euid: 1000, egid: 1000 } as const;

export class Task {
  /** Thread id (the pid of task_struct). */
  readonly tid: number;
  /** Thread group id: what getpid returns. */
  tgid: number;
  ppid = 1;
  mm: MM;
  files: Files;
  signals = new SignalState();
  readonly rlimits = new Map<number, [bigint, bigint]>();
  umask = 0o022;
  comm: string;
  /** set_tid_address / CLONE_CHILD_CLEARTID: cleared and futex-woken when the task exits. */
  clearChildTid = 0n;
  /** set_robust_list: the head of the robust futex list. */
  robustList = 0n;

  constructor(tid: number, mm: MM, files: Files, comm: string) {
    this.tid = tid;
    this.tgid = tid;
    this.mm = mm;
    this.files = files;
    this.comm = comm;
  }
}
