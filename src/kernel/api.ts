// The contract between the kernel model (src/kernel/) and its users (the CLI, the debug adapter). The kernel
// model implements `Process`; the debugger only uses what is declared here, so the two can grow separately.
import type { Hart, Exit } from '../hart/hart';
import type { ElfFile } from '../elf/elf';

export interface LaunchOptions {
  /** Host path of the riscv64 ELF program. */
  program: string;
  /** argv[1..] (argv[0] is the program path as given). */
  args?: string[];
  /** The guest's working directory, this host directory at its own path, read-write (default: the program's
   *  directory; the CLI passes the caller's). */
  cwd?: string;
  /** Environment of the guest (default: a small fixed one, not the host's). */
  env?: Record<string, string>;
  /** Where PT_INTERP and shared libraries come from (default /usr/riscv64-linux-gnu when it exists). */
  sysroot?: string;
  /** Map this vdso.so instead of the project's own (it must use the same [vvar] layout). */
  vdso?: string;
  /** Like gdb's disable-randomization: fixed stack, mmap base and vDSO addresses. Default false (ASLR on). */
  disableRandomization?: boolean;
  /** 'virtual' (reproducible, from retired instructions) or 'host' (the host's wall clock). Default 'virtual'. */
  timeMode?: 'host' | 'virtual';
  /**
   * CLOCK_REALTIME at launch, in seconds since 1970-01-01T00:00:00Z (fractions allowed). Default: the host's wall
   * clock at launch, after which virtual time advances with the guest's cycles. Fix it for fully reproducible runs.
   */
  timeEpoch?: number;
  /**
   * The board's `time` CSR (docs/time.md): 'hardware' (rdtime is a CSR read of a few cycles, T-Head C906/C910
   * class, 1 GHz) or 'firmware' (rdtime traps to M-mode firmware that emulates it in ~1 us, SiFive U74 class,
   * 1.5 GHz). Default 'hardware'.
   */
  timeCsr?: 'hardware' | 'firmware';
  /** Timer interrupt rate (default 250). */
  hz?: number;
  /** Trace system calls in strace's format to `onStrace`. */
  strace?: boolean;
  /** Guest RAM in bytes (default 256 MiB). */
  ramBytes?: number;
  /** More host directories the guest may use at their own paths: "DIR" read-write, "DIR:ro" read-only. Anything
   *  outside the program's directory, cwd, the sysroot, /tmp (private) and these is EACCES with one warning. */
  allow?: string[];
  /** Extra host directories the guest may read (the same as allow with DIR:ro). */
  allowRead?: string[];
  /** false: the working directory is read-only (default: read-write). */
  allowWrite?: boolean;
  /** Size of the guest's private /tmp in bytes (default 64 MiB): file data beyond it is ENOSPC. */
  tmpQuota?: number;
  /** Guest stdin (default: empty). */
  stdin?: Uint8Array | (() => Uint8Array | null);
  onStdout?: (data: Uint8Array) => void;
  onStderr?: (data: Uint8Array) => void;
  /** One line per traced syscall, without the trailing newline. */
  onStrace?: (line: string) => void;
  /** Warnings of the model itself (e.g. an unimplemented syscall), one line each. */
  onWarning?: (line: string) => void;
  /** Seed for every random choice (ASLR offsets, AT_RANDOM, getrandom): the same seed gives the same run. */
  seed?: number;
  /** Treat the guest's stdin/stdout/stderr as a terminal (TCGETS succeeds, so stdio line-buffers). Default false. */
  tty?: boolean;
  /** After a fork of the debugged process, keep debugging the parent (default) or switch to the child, like gdb's
   *  follow-fork-mode. Breakpoints stop only in the debugged process; other processes pass over them. */
  followFork?: 'parent' | 'child';
  /** Let settimeofday change the model's CLOCK_REALTIME (default false: EPERM, as for an unprivileged user). */
  allowSetTime?: boolean;
}

/** The registers of an interrupted user context. */
export interface UserContext {
  pc: bigint;
  regs: (bigint | undefined)[];
  /** f0..f31 and fcsr, when known (a thread's saved context; the trap entry leaves them on the hart). */
  f?: bigint[];
  fcsr?: bigint;
}

/** One line of /proc/self/maps. */
export interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;      // e.g. 'r-xp'
  offset: bigint;
  dev: string;        // e.g. '00:00'
  inode: number;
  path: string;       // '' for anonymous, '[heap]', '[stack]', '[vvar]', '[vdso]', or the guest path
}

/** An ELF object mapped in the process (program, interpreter, libraries, the vDSO). */
export interface LoadedObject {
  /** Guest path (or 'linux-vdso.so.1' for the vDSO). */
  name: string;
  /** Host path of the file, when there is one. */
  hostPath?: string;
  /** Load bias: runtime address = link-time address + bias. */
  bias: bigint;
  /** Lowest and highest runtime addresses of its PT_LOAD segments. */
  start: bigint;
  end: bigint;
  elf: ElfFile;
  /** The file with debug info (vdso.so.dbg for our vDSO), when it is a separate file. */
  debugElf?: ElfFile;
  kind: 'program' | 'interpreter' | 'library' | 'vdso';
}

/** One task (thread) of the debugged process, for the debugger's Threads view. */
export interface ThreadInfo {
  tid: number;
  /** comm: the program's name, or what prctl(PR_SET_NAME) / pthread_setname_np set. */
  name: string;
  /** 'running' (on the hart or runnable) or 'blocked' (sleeping in a system call: `waiting` says on what). */
  state: 'running' | 'blocked';
  waiting?: string;
}

/** Why `Process.run` returned. */
export type StopReason =
  | { kind: 'budget' }                               // the step budget was used up
  | { kind: 'exited'; code: number }                 // exit/exit_group
  | { kind: 'killed'; signal: number; name: string } // terminated by a signal (default action)
  | { kind: 'hart'; exit: Exit }                      // the hart stopped for the debugger: breakpoint, watch, trap stop, priv change, halt
  | { kind: 'signal'; signal: number; name: string }  // a signal is about to be delivered (when stopOnSignal)
  | { kind: 'deadlock'; message: string }           // every task waits and nothing can wake one (the tasks stay as they are)
  | { kind: 'error'; message: string };              // the model cannot go on (e.g. out of guest memory)

export interface Process {
  readonly hart: Hart;
  readonly options: LaunchOptions;
  /**
   * Run the guest for at most `steps` instructions, serving system calls and interrupts inside. Returns
   * early when the hart stops for the debugger (breakpoints, watchpoints, trap stops set on the hart) or the
   * process ends. Calling it again resumes.
   */
  run(steps: number): StopReason;
  /** Stop before delivering signals (the debugger's "signal delivered" filter). */
  stopOnSignal: boolean;
  /** Turn strace output on or off while running. */
  strace: boolean;
  /** /proc/self/maps as lines, and structured. */
  mappings(): Mapping[];
  mapsText(): string;
  /** The debugger's read of user memory (access_process_vm, as ptrace PEEKDATA): faults pages in; undefined = EFAULT. */
  accessVm?(va: bigint, len: number): Uint8Array | undefined;
  /** The auxiliary vector given to the program, in order (type, value). */
  auxv(): { type: number; name: string; value: bigint }[];
  /** Objects mapped so far (grows as ld.so maps libraries). */
  objects(): LoadedObject[];
  /**
   * While the hart is in the kernel's trap entry: the user context the trap interrupted (pc and x0..x31,
   * undefined where not recoverable), as ptrace would report it. Undefined when the pc is not in the trap entry.
   */
  userContext(): UserContext | undefined;
  /** Called whenever an object is mapped (pending breakpoints resolve here). */
  onObjectMapped?: (o: LoadedObject) => void;
  /** Runtime address of the vDSO image and of the [vvar] data page. */
  readonly vdsoBase: bigint;
  readonly vvarBase: bigint;
  /** The thread on the hart (its tid). */
  readonly currentTid?: number;
  /** The tasks of the debugged process (after a fork, the process followFork chose), main thread first. */
  threads?(): ThreadInfo[];
  /** The user registers of a thread of the debugged process that is not on the hart (its saved context). */
  threadContext?(tid: number): UserContext | undefined;
  /** Write a register of a thread not on the hart into its saved context (0 = pc, 1..31 = x1..x31, 32..63 = f0..f31). */
  setThreadRegister?(tid: number, reg: number, value: bigint): boolean;
  /**
   * Put thread `tid` of the debugged process on the hart while stopped (the debugger steps it; the one on the
   * hart is saved as a context switch saves it): 'on-hart', 'sleeps' when it waits in a system call (it gets the
   * hart when the call completes), or why not.
   */
  switchThread?(tid: number): 'on-hart' | 'sleeps' | { error: string };
  /** Does the task on the hart belong to the debugged process? (A breakpoint hit elsewhere is passed over.) */
  inDebuggedProcess?(): boolean;
  /** While set, this thread keeps the hart whenever it can run (stepping keeps the other threads stopped); the
   *  others run only while it sleeps, so a step over a call that waits for another thread still completes. */
  schedulerLock?: number;
  /** Called when a process of the model execs: its modules are new (pid, and whether it is the debugged one). */
  onExec?: (pid: number) => void;
  /** The process has ended (exit code or signal), or undefined while alive. */
  readonly ended?: StopReason;
  readonly pid: number;
}
