// models the kernel around the tasks: kernel/sched/ (one hart, the task `current` the system calls run for),
// init/main.c's start of the first user program (run_init_process: exec.ts on a fresh task), the hypercall
// dispatch of entry.ts and entry-common's exit-to-user work (signals), and the run loop of the hart in Linux
// mode. Who does what: exec.ts (fs/exec.c + binfmtElf.ts), task.ts (task_struct: ids, files, creds, limits),
// tty.ts (the console), setup.ts (arch hart setup). The Process contract is api.ts.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { hostRandomBytes } from './random';
import { Hart, PRV_U, type Exit } from '../hart/hart';
import { EXIT_SBI, EXIT_BUDGET } from '../hart/layout';
import { Board } from './board';
import { ElfFile, ET, PT } from '../elf/elf';
import type { LaunchOptions, Mapping, LoadedObject, Process, StopReason, UserContext, ThreadInfo } from './api';
import { interruptedUserContext } from './ptrace';
import { PageAllocator, PageTable, pageDown, pageUp } from './pagetable';
import { MM, protString, type FileBacking } from './mm';
import { Vfs } from './vfs';
import { Timekeeper } from './time/timekeeping';
import { updateVsyscall, updateVsyscallTz } from './time/vsyscall';
import { loadVdsoImage, VdsoPages, type VdsoImage } from './vdso/vdso';
import { readGuestImage } from '../guest/images';
import { ENTRY_LINK_BASE, PT_REGS } from '../guest/kernel/entrySymbols.generated';
import {
  handleHypercall, finishHypercall, PtRegs, framePhys, FrameCache, type TrapHandler,
} from './entry';
import {
  CSR_STIMECMP, CAUSE_ILLEGAL, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_FETCH, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE,
  CAUSE_FETCH_PAGE, CAUSE_STORE_PAGE, CSR_SATP,
} from '../isa/encoding.generated';
import {
  setupRtFrame, restoreRtFrame, defaultAction, signalName, sigBit, SIG_DFL, SIG_IGN, SIGSEGV, SIGILL, SA_RESTART,
  SIGTRAP, SIGBUS, SIGKILL, SEGV_MAPERR, SEGV_ACCERR, ILL_ILLOPC, TRAP_BRKPT, BUS_ADRALN, type SigInfo, type SignalState,
  SIGCONT, SIGCHLD, SA_NOCLDSTOP, STOP_SIGNALS, isStopSignal,
} from './signal';
import { MAX_PROGRAM_BYTES } from './limits';
import { parseElf, ExecError } from './binfmtElf';
import { mapsText as renderMaps } from './procfs';
import { KernelError, ENOSYS, EINTR } from './errno';
import { syscallEntry, syscallEntryOf, NR_RT_SIGRETURN } from './syscalls/table';
import { FORMATS, HEX_RESULT, result as straceResult, ptr } from './strace';
import type { OpenFile } from './syscalls/fs';
import { Task, Files, CRED, type Wait, type ThreadGroup } from './task';
import { exitNotify, CLD_STOPPED, CLD_CONTINUED } from './exit';
import { closeAll } from './syscalls/fs';
import { Futexes, exitFutexes } from './futex';
import { Locks } from './syscalls/namei';
import { Blocked, contextSwitch, roundRobin, ctxReg, setCtxReg, saveContext, loadContext } from './sched';
import { Tty } from './tty';
import { execImage, LaunchError, type ExecContext } from './exec';
import { mapKernel, setupHart, entrySymbol } from './setup';
import * as D from './vdso/datapage';

export { LaunchError };

const DEFAULT_ENV: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: '/tmp', LANG: 'C' };
const DEFAULT_SYSROOT = '/usr/riscv64-linux-gnu';
/**
 * CLOCK_REALTIME at launch in nanoseconds: `timeEpoch` seconds when given (fractions allowed, split so that no
 * nanosecond is lost to floating point), else the host's wall clock now.
 */
export function realtimeAtLaunchNs(timeEpoch: number | undefined): bigint {
  if (timeEpoch === undefined) return BigInt(Date.now()) * 1_000_000n;
  if (typeof timeEpoch !== 'number' || !Number.isFinite(timeEpoch) || timeEpoch < 0 || timeEpoch > 1e12) {
    throw new LaunchError(`timeEpoch must be a number of seconds since 1970-01-01 between 0 and 1e12 (got ${JSON.stringify(timeEpoch)})`);
  }
  const sec = Math.floor(timeEpoch);
  return BigInt(sec) * 1_000_000_000n + BigInt(Math.round((timeEpoch - sec) * 1e9));
}

/** "DIR" (read-write) or "DIR:ro" (read-only). */
function parseAllow(spec: string): { dir: string; writable: boolean } {
  if (spec.endsWith(':ro')) return { dir: spec.slice(0, -3), writable: false };
  if (spec.endsWith(':rw')) return { dir: spec.slice(0, -3), writable: true };
  return { dir: spec, writable: true };
}

/** A small deterministic PRNG (xorshift128+) for seeded runs. */
function seededRandom(seed: number): (n: number) => Uint8Array {
  // xorshift128+ on two 64-bit words kept as int32 halves (small integers to V8) (the low byte of each sum is one output byte): the
  // same sequence as the BigInt form, without a BigInt per byte (192 MiB from /dev/urandom took 150 s that way)
  const s0 = BigInt(seed >>> 0) | 0x9e3779b97f4a7c15n, s1 = 0xbf58476d1ce4e5b9n ^ BigInt(seed >>> 0);
  let s0h = Number(BigInt.asIntN(32, s0 >> 32n)), s0l = Number(BigInt.asIntN(32, s0));
  let s1h = Number(BigInt.asIntN(32, s1 >> 32n)), s1l = Number(BigInt.asIntN(32, s1));
  return (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      let xh = s0h, xl = s0l;
      const yh = s1h, yl = s1l;
      s0h = yh; s0l = yl;
      // x ^= x << 23
      xh ^= (xh << 23) | (xl >>> 9); xl ^= xl << 23;
      // s1 = x ^ y ^ (x >> 17) ^ (y >> 26)
      s1h = xh ^ yh ^ (xh >>> 17) ^ (yh >>> 26);
      s1l = xl ^ yl ^ ((xl >>> 17) | (xh << 15)) ^ ((yl >>> 26) | (yh << 6));
      b[i] = (s1l + yl) & 0xff;
    }
    return b;
  };
}

/** rt_sigreturn's number, compared with a7 at every system call. */

export class LinuxProcess implements Process, TrapHandler, ExecContext {
  readonly hart: Hart;
  readonly options: LaunchOptions;
  readonly alloc: PageAllocator;
  /** swapper_pg_dir: the kernel half every address space's root shares (no user mappings of its own). */
  readonly pt: PageTable;
  readonly vfs: Vfs;
  readonly tk: Timekeeper;
  /** The board profile (how `time` is read, the core clock) and the charges for the model's host-side work. */
  readonly board: Board;
  readonly tty: Tty;
  /** The task the hart runs and the system calls act for (Linux's `current`). */
  current: Task;
  /** Every live task, in run-queue order. */
  readonly tasks: Task[] = [];
  /** Every process (thread group) not reaped yet: live ones and zombies. */
  readonly processes = new Set<ThreadGroup>();
  /** execve replaced the current task's registers: the system call must not write a0 or move the pc. */
  frameReplaced = false;
  /** Called when a process execs (the debugger reloads its modules). */
  onExec?: (pid: number) => void;
  /** The process the debugger debugs (follow-fork-mode): the first, or after a fork the child with followFork 'child'. */
  followTgid = 0;
  /** The thread that keeps the hart whenever it can run (the debugger's stepping), or undefined. */
  schedulerLock?: number;
  readonly futexes = new Futexes();
  /** Record locks and flocks (fs/locks.c). */
  readonly locks = new Locks();
  /** Set by the tick, yields, wake-ups: pick a task again at the end of this trap. */
  needResched = false;
  /** The first task's thread group: its exit status is the run's. */
  private initGroup!: ThreadGroup;
  /** How the first process ended, while processes it left behind still hold the console (runEnded). */
  private initExit?: StopReason;
  private nextTid = 0;
  /** Physical address of the U-mode pt_regs frame of the trap being served. */
  framePa = 0n;
  stopOnSignal = false;
  strace: boolean;
  onObjectMapped?: (o: LoadedObject) => void;
  ended?: StopReason;
  /** Every task waits and nothing can wake one: run() reports it (again) and the tasks stay for inspection. */
  deadlock?: string;
  readonly vdso: VdsoImage;
  private vdsoPagesMade?: VdsoPages;
  /** Address spaces whose last user has gone, torn down once the hart no longer runs on them. */
  private readonly deadMms: MM[] = [];
  private readonly backings = new Map<string, FileBacking>();
  private readonly random: (n: number) => Uint8Array;
  private readonly warned = new Set<string>();
  /** The pt_regs frame of the last hypercall, reused while a0 stays (entry.ts FrameCache). */
  private readonly frames: FrameCache;
  /** A hypercall left open because run() stopped to report a signal. */
  private openHypercall = false;
  private reportedSignal = 0;
  readonly entryPoint: bigint;
  readonly initialSp: bigint;
  /** Counters for figures: system calls and timer ticks served. */
  syscalls = 0;
  ticks = 0;

  /** The vDSO's and [vvar]'s physical pages, made when the first exec maps them (kernel-wide, like vdso_init). */
  get vdsoPages(): VdsoPages {
    this.vdsoPagesMade ??= new VdsoPages(this.alloc, (pa, d) => this.hart.writePhys(pa, d, false), this.vdso);
    return this.vdsoPagesMade;
  }

  // the current task's state, as the system calls see it
  get mm(): MM { return this.current.mm; }
  // what exec set up in the current address space
  get vdsoBase(): bigint { return this.mm.vdsoBase; }
  get vvarBase(): bigint { return this.mm.vvarBase; }
  get argv(): string[] { return this.mm.argv; }
  get exePath(): string { return this.mm.exePath; }
  private get loaded(): LoadedObject[] { return this.mm.objects; }
  get pid(): number { return this.current.tgid; }
  get ppid(): number { return this.current.ppid; }
  get fds(): (OpenFile | undefined)[] { return this.current.files.fds; }
  get cloexec(): boolean[] { return this.current.files.cloexec; }
  get signals(): SignalState { return this.current.signals; }
  get rlimits(): Map<number, [bigint, bigint]> { return this.current.rlimits; }
  get comm(): string { return this.current.comm; }
  set comm(v: string) { this.current.comm = v; }
  get umask(): number { return this.current.umask; }
  set umask(v: number) { this.current.umask = v; }
  get clearChildTid(): bigint { return this.current.clearChildTid; }
  set clearChildTid(v: bigint) { this.current.clearChildTid = v; }
  get robustList(): bigint { return this.current.robustList; }
  set robustList(v: bigint) { this.current.robustList = v; }

  constructor(options: LaunchOptions) {
    this.options = options;
    this.strace = !!options.strace;
    this.random = options.seed !== undefined ? seededRandom(options.seed) : (n) => hostRandomBytes(n);
    const pid = options.seed !== undefined || options.disableRandomization ? 4242 : 1000 + (Buffer.from(this.random(2)).readUInt16LE(0) % 30000);
    const hostProgram = resolve(options.program);
    let progData: Uint8Array;
    try {
      const st = statSync(hostProgram);
      if (!st.isFile()) throw new LaunchError(`${options.program}: not a regular file`);
      if (st.size > MAX_PROGRAM_BYTES) throw new LaunchError(`${options.program}: ${st.size} bytes; a program file is at most ${MAX_PROGRAM_BYTES} bytes`);
      progData = new Uint8Array(readFileSync(hostProgram));
    } catch (e) {
      if (e instanceof LaunchError) throw e;
      throw new LaunchError(`${options.program}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`);
    }
    parseElf(progData, options.program);
    this.vdso = loadVdsoImage(options.vdso);

    const sysroot = options.sysroot ?? (existsSync(DEFAULT_SYSROOT) ? DEFAULT_SYSROOT : undefined);
    const allow = [...(options.allowRead ?? []).map((dir) => ({ dir, writable: false })), ...(options.allow ?? []).map(parseAllow)];
    this.vfs = new Vfs({
      sysroot, programDir: dirname(hostProgram), cwd: options.cwd ?? dirname(hostProgram), readOnlyCwd: options.allowWrite === false, allow, tmpQuota: options.tmpQuota,
      onDenied: (path) => this.warn(`${path}: outside what the guest may use (EACCES); allow it with --allow ${dirname(path)}[:ro] (launch.json: "allow")`),
    });
    this.tty = new Tty(options);
    this.vfs.exe = () => this.exePath;

    // ---- the machine
    try { this.board = new Board(options.timeCsr); } catch (e) { throw new LaunchError((e as Error).message); }
    this.hart = new Hart({ ramBytes: options.ramBytes ?? 256 * 1024 * 1024, timeMode: options.timeMode ?? 'virtual', cyclesPerTick: this.board.cyclesPerTick(10_000_000) });
    this.frames = new FrameCache(this.hart);
    const hart = this.hart;
    const entryElf = new ElfFile(readGuestImage('entry.elf'));
    this.alloc = new PageAllocator(hart, Number(pageUp(entrySymbol('_end') - ENTRY_LINK_BASE)));
    this.pt = new PageTable(hart, this.alloc);
    mapKernel(hart, this.pt, entryElf);
    const mm = new MM(hart, this.alloc, this.newPageTable());
    mm.exePath = hostProgram;
    mm.argv = [options.program, ...(options.args ?? [])];

    // ---- the first task: console on fds 0-2
    const files = new Files();
    for (const n of [0, 1, 2] as const) files.fds[n] = Tty.openConsole(n);
    this.current = new Task(pid, mm, files, basename(hostProgram).slice(0, 15));
    this.current.fs.cwd = this.vfs.cwd;
    this.tasks.push(this.current);
    this.initGroup = this.current.group;
    this.processes.add(this.initGroup);
    this.followTgid = this.initGroup.tgid;
    this.nextTid = pid + 1;

    // ---- time
    const hz = options.hz ?? D.HZ;
    // CLOCK_REALTIME starts at the host's wall clock (or timeEpoch); in virtual time it then advances with
    // the guest's cycles, in host time with the host's clock
    const realAtBoot = realtimeAtLaunchNs(options.timeEpoch);
    this.tk = new Timekeeper(hart.timebaseHz, hz, realAtBoot, hart.time);
    if (options.timeMode === 'host') this.tk.offsReal = realAtBoot - this.tk.monoNs(hart.time);

    // ---- exec: layout, program, interpreter, vDSO, stack
    const env = options.env ?? DEFAULT_ENV;
    const img = execImage(this, this.current.mm, {
      hostPath: hostProgram, data: progData, guestPath: this.exePath, inode: Number(statSync(hostProgram).ino & 0xffffffff),
      filename: options.program, argv: this.argv, envp: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      randomize: !options.disableRandomization,
    });
    this.publishTime();
    this.entryPoint = img.entry;
    this.initialSp = img.sp;
    setupHart(hart, mm.pt.satp, img.entry, img.sp, hart.time + this.tk.cyclesPerTick);
    this.board.setupHart(hart, this.alloc.alloc() ?? 0n);
  }

  // ---- Process ----------------------------------------------------------------------------------------------

  run(steps: number): StopReason {
    if (this.ended) return this.ended;
    if (this.deadlock !== undefined) return { kind: 'deadlock', message: this.deadlock };
    try {
      if (this.openHypercall) {
        this.openHypercall = false;
        const regs = new PtRegs(this.hart, framePhys(this.hart.x(10)));
        if (this.signals_(regs) === 'stop') { this.openHypercall = true; return this.signalStop(); }
        if (this.ended) return this.ended;
        this.afterHypercall();
        finishHypercall(this.hart);
      }
      // a debugger stop at the firmware's trap vector: the firmware finishes its trap first
      if (this.board.inFirmware(this.hart)) this.board.firmwareTrap(this.hart);
      let left = Math.max(0, Math.floor(steps));
      while (left > 0) {
        // the hypercall of a trap (every system call) is taken without building an Exit
        const code = this.hart.runCode(Math.min(left, 0x7fffffff));
        left -= this.hart.lastSteps;
        if (code === EXIT_SBI) {
          const r = handleHypercall(this.hart, this, this.frames);
          if (r === 'ended') return this.ended ?? { kind: 'deadlock', message: this.deadlock! };
          if (r === 'stop-signal') { this.openHypercall = true; return this.signalStop(); }
          if (typeof r === 'object') return { kind: 'error', message: r.error };
          this.afterHypercall();
          finishHypercall(this.hart);
          continue;
        }
        if (code === EXIT_BUDGET) continue;
        const e: Exit = this.hart.exitOf(code, this.hart.lastSteps);
        if (e.kind === 'firmware') { this.board.firmwareTrap(this.hart); continue; }
        return { kind: 'hart', exit: e };
      }
      return { kind: 'budget' };
    } catch (e) {
      return { kind: 'error', message: (e as Error).message };
    }
  }

  private signalStop(): StopReason { return { kind: 'signal', signal: this.reportedSignal, name: signalName(this.reportedSignal) }; }

  private afterHypercall(): void {
    if (this.alloc.codeFreed) { this.alloc.codeFreed = false; this.hart.invalidateCode(); }
  }

  /** access_process_vm for the debugger: reads user memory, populating demand-paged pages as a fault would. */
  accessVm(va: bigint, len: number): Uint8Array | undefined {
    return this.mm.read(va, len);
  }

  mappings(): Mapping[] {
    return this.mm.vmas.map((v) => ({
      start: v.start, end: v.end, perms: protString(v), offset: v.file ? v.pgoff : 0n,
      dev: v.file ? v.file.dev : '00:00', inode: v.file ? v.file.inode : 0, path: v.file ? v.file.path : v.name,
    }));
  }
  mapsText(): string { return renderMaps(this.mappings()); }
  auxv(): { type: number; name: string; value: bigint }[] { return this.mm.auxv.map((a) => ({ ...a })); }
  objects(): LoadedObject[] { return [...this.loaded]; }
  userContext(): UserContext | undefined { return interruptedUserContext(this.hart); }

  // ---- helpers for the system calls ---------------------------------------------------------------------------

  /** A stable inode number for a guest path (host inode numbers would make runs differ between checkouts). */
  static inodeOf(path: string, data?: Uint8Array): number {
    // from the file's name and contents, not its directory: the same program has the same inode in every checkout
    let h = 2166136261;
    const name = basename(path);
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
    if (data) {
      h = Math.imul(h ^ data.length, 16777619) >>> 0;
      for (let i = 0; i < Math.min(data.length, 4096); i++) h = Math.imul(h ^ data[i], 16777619) >>> 0;
    }
    return 100000 + (h % 900000);
  }

  fileBacking(path: string, data: Uint8Array, _hostInode: number): FileBacking {
    const inode = LinuxProcess.inodeOf(path, data);
    const key = `${path}\0${data.length}`;
    let b = this.backings.get(key);
    if (!b || b.data !== data) { b = { data, path, dev: path.startsWith('/tmp/') ? '00:2d' : 'fe:01', inode }; this.backings.set(key, b); }
    return b;
  }

  /** ld.so mapped an ELF file at offset 0: record it as a loaded object. */
  noteMappedFile(file: FileBacking, start: bigint): void {
    const d = file.data;
    if (d.length < 64 || d[0] !== 0x7f || d[1] !== 0x45 || d[2] !== 0x4c || d[3] !== 0x46) return;
    if (this.loaded.some((o) => o.start === start)) return;
    let elf: ElfFile;
    try { elf = new ElfFile(d); } catch { return; }
    if (elf.header.type !== ET.DYN) return;
    const loads = elf.programHeaders.filter((p) => p.type === PT.LOAD);
    if (!loads.length) return;
    const lo = pageDown(loads[0].vaddr);
    const hi = pageUp(loads.reduce((m, p) => (p.vaddr + p.memsz > m ? p.vaddr + p.memsz : m), 0n));
    const bias = start - lo;
    if (this.loaded.some((o) => o.name === file.path && o.bias === bias)) return;
    let hostPath: string | undefined;
    try { const n = this.vfs.lookup(file.path); if (n.type === 'host') hostPath = n.hostPath; } catch { /* not a host file */ }
    const o: LoadedObject = { name: file.path, hostPath, bias, start, end: hi + bias, elf, kind: 'library' };
    this.loaded.push(o);
    this.onObjectMapped?.(o);
  }

  randomBytes(n: number): Uint8Array { return this.random(n); }

  readStdin(len: number): Uint8Array { return this.tty.read(len); }
  writeConsole(fd: number, data: Uint8Array): void { this.tty.write(fd, data); }
  isTty(_fd: number): boolean { return this.tty.isTerminal; }

  warn(line: string): void {
    if (this.warned.has(line)) return;
    this.warned.add(line);
    (this.options.onWarning ?? ((l: string) => process.stderr.write(`riscv-vdso: warning: ${l}\n`)))(line);
  }

  private straceLine(line: string): void {
    if (this.strace) (this.options.onStrace ?? ((l: string) => process.stderr.write(l + '\n')))(line);
  }

  /** The user sp of the current trap (sigaltstack needs it). */
  currentSp(): bigint {
    return this.hart.readPhys64(framePhys(this.hart.x(10)) + BigInt(PT_REGS.PT_SP));
  }

  // ---- the debugger's view of the tasks (api.ts) ---------------------------------------------------------------

  get currentTid(): number { return this.current.tid; }

  threads(): ThreadInfo[] {
    return this.tasks.filter((t) => t.tgid === this.followTgid && t.state !== 'dead')
      .sort((a, b) => a.tid - b.tid)
      .map((t) => (t.group.stopped !== undefined
        ? { tid: t.tid, name: t.comm, state: 'blocked', waiting: `stopped by ${signalName(t.group.stopped)}` }
        : { tid: t.tid, name: t.comm, state: t.state === 'blocked' ? 'blocked' : 'running', waiting: t.wait?.what }));
  }

  threadContext(tid: number): UserContext | undefined {
    const t = this.tasks.find((x) => x.tid === tid && x.state !== 'dead');
    if (!t || t === this.current || !t.ctx) return undefined;
    const regs: bigint[] = [0n];
    for (let i = 1; i < 32; i++) regs.push(ctxReg(t.ctx, i));
    return { pc: ctxReg(t.ctx, 0), regs, f: [...t.ctx.f], fcsr: t.ctx.fcsr };
  }

  /** The debugger writes a register of a thread not on the hart (0 = pc, 1..31 = x, 32..63 = f) into its saved context. */
  setThreadRegister(tid: number, reg: number, v: bigint): boolean {
    const t = this.tasks.find((x) => x.tid === tid && x.state !== 'dead');
    if (!t || t === this.current || !t.ctx || reg < 0 || reg >= 64) return false;
    if (reg < 32) setCtxReg(t.ctx, reg, v);
    else t.ctx.f[reg - 32] = BigInt.asUintN(64, v);
    return true;
  }

  /**
   * The debugger steps thread `tid` while everything is stopped (gdb's scheduler-locking step): a context switch
   * done at the user-mode stop instead of in schedule(). The thread on the hart keeps its user registers (pc, x,
   * f, fcsr) as its saved context, `tid`'s are loaded into the hart, and it becomes `current`. A thread that
   * sleeps in a system call cannot run user code until the call completes: 'sleeps' (the step then waits for it).
   */
  switchThread(tid: number): 'on-hart' | 'sleeps' | { error: string } {
    const t = this.tasks.find((x) => x.tid === tid && x.state !== 'dead');
    if (!t || t.tgid !== this.followTgid) return { error: `no thread ${tid} in the debugged process` };
    if (t === this.current) return 'on-hart';
    if (t.group.stopped !== undefined) return { error: `thread ${tid} is stopped by ${signalName(t.group.stopped)} (job control): it runs again after a SIGCONT` };
    if (t.state === 'blocked') return 'sleeps';
    if (this.ended) return { error: 'the program has ended' };
    if (this.openHypercall || this.hart.priv !== PRV_U || !t.ctx || this.current.state !== 'running') {
      return { error: `thread ${this.current.tid} is in the kernel (the hart is in the trap entry): step or continue until it is back in user mode, then step thread ${tid}` };
    }
    const prev = this.current;
    const ctx = saveContext(this.hart, this.framePa);
    setCtxReg(ctx, 0, this.hart.pc);
    for (let i = 1; i < 32; i++) setCtxReg(ctx, i, this.hart.x(i));
    const next = t.ctx;
    loadContext(this.hart, this.framePa, next);
    for (let i = 1; i < 32; i++) this.hart.setX(i, ctxReg(next, i));
    this.hart.pc = ctxReg(next, 0);
    prev.ctx = ctx;
    t.ctx = undefined;
    if (prev.mm !== t.mm) {
      this.hart.setCsr(CSR_SATP, t.mm.pt.satp);
      this.hart.flushTlbs();
      this.hart.invalidateCode();
    }
    this.current = t;
    this.vfs.cwd = t.fs.cwd;
    return 'on-hart';
  }

  inDebuggedProcess(): boolean { return this.current.tgid === this.followTgid; }

  /** The first process: its end ends the run. */
  isInit(g: ThreadGroup): boolean { return g === this.initGroup; }

  /** A fresh address space's page table (the kernel half shared). */
  newPageTable(): PageTable { return new PageTable(this.hart, this.alloc, this.pt); }

  /** exit_group of the current thread group. */
  exit(code: number): void { this.groupExit(this.current.group, { code }); }

  private kill(sig: number): void { this.groupExit(this.current.group, { signal: sig }); }

  /** do_group_exit: every thread of `g` ends; the first process's end ends the run. */
  groupExit(g: Task['group'], how: { code: number } | { signal: number }): void {
    for (const t of g.alive) this.taskDies(t);
    if (g.exit) return;
    g.exit = how; // no core file is written, so WCOREDUMP stays clear (as with Linux's default RLIMIT_CORE of 0)
    const pre = g === this.initGroup || this.processes.size <= 1 ? '' : `[pid ${g.tgid}] `;
    if ('code' in how) this.straceLine(`${pre}+++ exited with ${how.code} +++`);
    else this.straceLine(`${pre}+++ killed by ${signalName(how.signal)}${defaultAction(how.signal) === 'core' ? ' (core dumped)' : ''} +++`);
    if (g === this.initGroup) {
      // the run's status is the first process's; its children run on, reparented (the run ends with the last
      // holder of our stdout/stderr, as a reader of qemu-riscv64's output waits for it: runEnded)
      this.initExit = 'code' in how ? { kind: 'exited', code: how.code } : { kind: 'killed', signal: how.signal, name: signalName(how.signal) };
      exitNotify(this, g);
      this.runEnded();
    } else {
      // the debugged process is gone: the debugger goes back to its parent (or the first process)
      if (g.tgid === this.followTgid) this.followTgid = g.parent && !g.parent.exit ? g.parent.tgid : this.initGroup.tgid;
      exitNotify(this, g);
    }
    this.needResched = true;
  }

  /** do_exit of one thread (sys_exit): the group ends with it when it was the last. */
  threadExit(t: Task, code: number): void {
    if (t.group.alive.length <= 1) { this.groupExit(t.group, { code }); return; }
    this.straceLine(`+++ ${t.tid} exited with ${code} +++`);
    this.taskDies(t);
  }

  private taskDies(t: Task): void {
    if (t.state === 'dead') return;
    if (t.wait) { t.wait.cancel?.(); t.wait = undefined; }
    exitFutexes(this, t);
    t.state = 'dead';
    if (--t.mm.users === 0) this.deadMms.push(t.mm);
    if (--t.files.users === 0) closeAll(this, t.files, t.group);
    this.needResched = true;
  }

  /** A thread of a process that execs (de_thread): it ends now. */
  killThread(t: Task): void { this.taskDies(t); }

  /** An address space the current task no longer uses (exec, exit): torn down once the hart has left it. */
  dropMm(mm: MM): void { if (--mm.users === 0) this.deadMms.push(mm); }

  findTask(tid: number): Task | undefined { return this.tasks.find((t) => t.tid === tid && t.state !== 'dead'); }

  allocTid(): number { return this.nextTid++; }

  /** A signal for the current task (the calling thread). */
  sendSignal(info: SigInfo): void { this.prepareSignal(this.current.group, info.signo); this.signals.send(info); }

  /**
   * prepare_signal's job control, when a signal is sent (not when delivered): a stop signal discards a pending
   * SIGCONT; SIGCONT discards pending stop signals and continues a stopped process at once, whether or not it
   * blocks, ignores or handles SIGCONT (its parent gets SIGCHLD with CLD_CONTINUED); SIGKILL ends a stop too.
   */
  private prepareSignal(g: ThreadGroup, sig: number): void {
    const queues = g.alive.flatMap((t) => [t.signals.pending, t.signals.shared]);
    if (isStopSignal(sig)) for (const q of queues) q.delete(SIGCONT);
    if (sig === SIGCONT) {
      for (const q of queues) for (const s of STOP_SIGNALS) q.delete(s);
      if (g.stopped !== undefined) {
        g.stopped = undefined;
        g.stopReport = undefined;
        g.continuedReport = true;
        // no resched: the sender goes on (on Linux it returns to user mode, taking its own signals, while the
        // woken process waits for a CPU)
        this.notifyParentStop(g, CLD_CONTINUED, SIGCONT);
      }
    }
    if (sig === SIGKILL && g.stopped !== undefined) { g.stopped = undefined; this.needResched = true; }
  }

  /** do_notify_parent_cldstop: SIGCHLD to the parent for a stop or a continue, unless it set SA_NOCLDSTOP. */
  private notifyParentStop(g: ThreadGroup, code: number, sig: number): void {
    const parent = g.parent;
    const leader = parent?.alive[0];
    if (!parent || parent.exit || !leader) return;
    const act = leader.signals.actions[SIGCHLD];
    if (act.flags & SA_NOCLDSTOP) return;
    if (act.handler === SIG_IGN) return;
    this.sendGroupSignal(parent, { signo: SIGCHLD, code, pid: g.tgid, uid: CRED.uid, status: sig });
  }

  /** do_signal_stop: the current process stops on `sig` (every thread), its parent is told, another task runs. */
  private groupStop(regs: PtRegs, sig: number): void {
    const g = this.current.group;
    g.stopped = sig;
    g.stopReport = sig;
    g.continuedReport = false;
    this.straceLine(`${this.tidPrefix()}--- stopped by ${signalName(sig)} ---`);
    this.notifyParentStop(g, CLD_STOPPED, sig);
    this.needResched = true;
    this.schedule(regs);
  }

  /** Can `t` run (or finish its wait)? Not while its process is stopped. */
  private schedulable(t: Task): boolean { return t.group.stopped === undefined; }

  /** A signal for a thread group (kill): the first thread that does not block it takes it (complete_signal); when
   *  every thread blocks it, it stays pending for the process (shared_pending) until one unblocks or sigwaits it. */
  sendGroupSignal(g: Task['group'], info: SigInfo): void {
    const alive = g.alive;
    if (!alive.length) return;
    this.prepareSignal(g, info.signo);
    const t = alive.find((x) => !(x.signals.blocked & sigBit(info.signo)));
    if (t) { this.sendTaskSignal(t, info); return; }
    const shared = alive[0].signals.shared;
    if (!shared.has(info.signo)) shared.set(info.signo, info);
    this.needResched = true;
  }

  /** A signal for one thread (tgkill). */
  sendTaskSignal(t: Task, info: SigInfo): void {
    this.prepareSignal(t.group, info.signo);
    t.signals.send(info);
    // a sleeping target may be interrupted: schedule() looks at it now; a runnable one takes the signal when it
    // runs (the sender goes on, as on Linux, where it returns to user mode taking its own signals first)
    if (t !== this.current && t.state === 'blocked') this.needResched = true;
  }

  // ---- waiting and scheduling (sched.ts) ------------------------------------------------------------------

  /** Wait for `w`: its result now when ready, else the current task sleeps and the call completes later. */
  block(w: Wait): bigint {
    const r = w.check();
    if (r !== undefined) return r;
    if (w.deadline !== undefined && this.hart.time >= w.deadline) { w.cancel?.(); return w.timeout ? w.timeout() : 0n; }
    this.current.wait = w;
    this.current.state = 'blocked';
    throw new Blocked();
  }

  /** Guest-time deadline `ns` nanoseconds from now. */
  deadlineAfter(ns: bigint): bigint {
    return this.hart.time + (ns * BigInt(this.hart.timebaseHz) + 999_999_999n) / 1_000_000_000n;
  }

  /** Guest-time deadline when `clock` reads `ns`. */
  deadlineAt(clock: number, ns: bigint): bigint {
    const now = this.tk.read(clock, this.hart.time);
    const nowNs = now ? now.sec * 1_000_000_000n + now.nsec : 0n;
    return ns <= nowNs ? this.hart.time : this.deadlineAfter(ns - nowNs);
  }

  private writeResult(t: Task, r: bigint): void {
    if (t === this.current) this.hart.writePhys64(this.framePa + BigInt(PT_REGS.PT_A0), BigInt.asUintN(64, r));
    else setCtxReg(t.ctx!, PT_REGS.PT_A0 / 8, r);
  }

  /** End `t`'s wait if it is over (result, deadline, or a signal that interrupts it). */
  private tryWake(t: Task): void {
    const w = t.wait!;
    let r = w.check();
    if (r === undefined && w.deadline !== undefined && this.hart.time >= w.deadline) { w.cancel?.(); r = w.timeout ? w.timeout() : 0n; }
    if (r === undefined) {
      const info = t.signals.next();
      if (info && !this.ignored(t, info.signo) && (!w.uninterruptible || info.signo === SIGKILL)) {
        w.cancel?.();
        const act = t.signals.actions[info.signo];
        // a stop (SIG_DFL stop signal) runs no handler: the call is restarted once the process continues
        const stops = act.handler === SIG_DFL && defaultAction(info.signo) === 'stop';
        if ((w.restartable && (act.flags & SA_RESTART) && act.handler !== SIG_DFL) || stops) {
          // -ERESTARTSYS under SA_RESTART: back to the ecall with the first argument again
          const get = (i: number): bigint => (t === this.current ? this.hart.readPhys64(this.framePa + BigInt(i * 8)) : ctxReg(t.ctx!, i));
          const set = (i: number, v: bigint): void => { if (t === this.current) this.hart.writePhys64(this.framePa + BigInt(i * 8), v); else setCtxReg(t.ctx!, i, v); };
          set(0, get(0) - 4n);
          set(10, get(PT_REGS.PT_ORIG_A0 / 8));
          t.wait = undefined;
          t.state = 'running';
          return;
        }
        r = BigInt(-EINTR);
      }
    }
    if (r === undefined) return;
    t.wait = undefined;
    t.state = 'running';
    this.writeResult(t, r);
    if (this.strace && w.straceDone) this.straceLine(w.straceDone(r));
  }

  private ignored(t: Task, sig: number): boolean {
    const act = t.signals.actions[sig];
    return act.handler === SIG_IGN || (act.handler === SIG_DFL && defaultAction(sig) === 'ign');
  }

  /** schedule(): at the end of a trap, when needed, pick the next runnable task and switch to it. */
  schedule(regs: PtRegs): void {
    this.framePa = regs.pa;
    if (this.ended) return;
    if (!this.needResched && this.current.state === 'running' && this.schedulable(this.current)) return;
    this.needResched = false;
    for (;;) {
      const prev = this.current;
      let next: Task | undefined;
      // the debugger's step: the locked thread keeps the hart whenever it can run
      const locked = this.schedulerLock !== undefined ? this.tasks.find((t) => t.tid === this.schedulerLock) : undefined;
      for (const t of locked ? [locked, ...roundRobin(this.tasks, prev).filter((x) => x !== locked)] : roundRobin(this.tasks, prev)) {
        if (!this.schedulable(t)) continue;
        if (t.state === 'blocked') this.tryWake(t);
        if (t.state === 'running') { next = t; break; }
      }
      if (next) {
        contextSwitch(this.hart, this.framePa, prev, next);
        this.current = next;
        this.vfs.cwd = next.fs.cwd;
        for (let i = this.tasks.length - 1; i >= 0; i--) if (this.tasks[i].state === 'dead') this.tasks.splice(i, 1);
        // the hart runs on next's address space now: the ones nobody uses any more go
        for (const m of this.deadMms.splice(0)) if (m !== next.mm) m.destroy();
        return;
      }
      if (this.ended) return;
      const waiting = this.tasks.filter((t) => t.state === 'blocked' && this.schedulable(t));
      const stopped = this.tasks.filter((t) => t.state !== 'dead' && !this.schedulable(t));
      const deadlines = waiting.map((t) => t.wait!.deadline).filter((d): d is bigint => d !== undefined);
      if (!waiting.length && !stopped.length) { this.ended = this.initExit ?? { kind: 'error', message: 'no task left to run' }; return; }
      // the first process has exited and what is left waits forever: the run ends with its status
      if (this.initExit && !deadlines.length) { this.ended = this.initExit; return; }
      if (!deadlines.length) {
        // a stopped process (job control) waits for a SIGCONT that nothing left running can send
        const what = [...waiting.map((t) => `task ${t.tid} (${t.comm}) in ${t.wait!.what}`),
          ...stopped.map((t) => `task ${t.tid} (${t.comm}) stopped by ${signalName(t.group.stopped!)}`)].join(', ');
        // not an end: the debugger shows every thread where it waits (the hypercall stays open)
        this.deadlock = `deadlock: every task waits and nothing can wake one: ${what}`;
        return;
      }
      this.idleUntil(deadlines.reduce((m, d) => (d < m ? d : m)));
    }
  }

  /** The idle task: nothing runs until `deadline` (guest time). */
  private idleUntil(deadline: bigint): void {
    if (deadline <= this.hart.time) return;
    if (this.options.timeMode === 'host') {
      const ms = Number(((deadline - this.hart.time) * 1000n) / BigInt(this.hart.timebaseHz));
      if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(ms, 60_000));
      else this.hart.time = deadline;
    } else {
      this.hart.time = deadline;
    }
    this.publishTime();
  }

  /** force_sig_fault: a synchronous signal that cannot be ignored or blocked away. */
  forceSignal(info: SigInfo): void {
    const act = this.signals.actions[info.signo];
    if ((this.signals.blocked & sigBit(info.signo)) || act.handler === SIG_IGN) {
      this.signals.actions[info.signo] = { handler: SIG_DFL, flags: 0n, mask: 0n };
      this.signals.setBlocked(this.signals.blocked & ~sigBit(info.signo));
    }
    this.signals.pending.delete(info.signo);
    this.signals.send(info);
  }

  publishTime(): void {
    this.tk.advance(this.hart.time);
    updateVsyscall(this.hart, this.vdsoPages.dataPagePa, this.tk);
  }
  publishTz(): void { updateVsyscallTz(this.hart, this.vdsoPages.dataPagePa, this.tk); }

  // ---- TrapHandler (entry.ts) ---------------------------------------------------------------------------------

  syscall(regs: PtRegs): 'done' | 'noreturn' | 'restored' {
    this.syscalls++;
    this.board.chargeSyscallEntry(this.hart);
    // a7 as a number (no BigInt) unless it does not fit 32 bits
    const n = regs.xSmall(17);
    if (n === NR_RT_SIGRETURN) {
      if (!restoreRtFrame(this.hart, this.mm, this.signals, regs)) {
        this.straceLine('rt_sigreturn() = ? <bad frame>');
        this.forceSignal({ signo: SIGSEGV, code: 0x80 });
        return 'restored';
      }
      this.straceLine(`rt_sigreturn({mask=[]}) = ${BigInt.asIntN(64, regs.x(10))}`);
      return 'restored';
    }
    const e = n >= 0 ? syscallEntryOf(n) : syscallEntry(regs.x(17));
    // only the arguments the call takes are read (strace shows all six, as before)
    const args = regs.args(this.strace ? 6 : e.nargs ?? 6);
    if (e.name === 'exit' || e.name === 'exit_group') {
      this.straceLine(`${this.tidPrefix()}${e.name}(${FORMATS[e.name](this.mm, args, 0n)}) = ?`);
      if (e.name === 'exit') this.threadExit(this.current, Number(args[0] & 0xffn));
      else this.exit(Number(args[0] & 0xffn));
      return this.ended ? 'noreturn' : 'done';
    }
    // (the strace formatter: looked up only when strace is on)
    const fmt = this.strace ? FORMATS[e.name] : undefined;
    let ret: bigint;
    this.frameReplaced = false;
    if (!e.handler) {
      this.warn(`unimplemented system call ${e.name} (${n >= 0 ? n : regs.x(17)}): returning -ENOSYS`);
      ret = BigInt(-ENOSYS);
    } else {
      try { ret = e.handler(this, args); } catch (err) {
        if (err instanceof Blocked) {
          regs.epc = regs.epc + 4n;
          this.needResched = true;
          const w = this.current.wait;
          if (w && this.strace) {
            const argText = fmt ? fmt(this.mm, args, 0n) : args.slice(0, 3).map((a) => (a > 0xffffn ? ptr(a) : String(BigInt.asIntN(64, a)))).join(', ');
            const many = this.tasks.length > 1, pre = this.tidPrefix();
            if (many) this.straceLine(`${pre}${e.name}(${argText} <unfinished ...>`);
            w.straceDone = (r) => `${pre}${many ? `<... ${e.name} resumed>` : `${e.name}(${argText}`}) = ${straceResult(BigInt.asUintN(64, r), false)}`;
          }
          return 'done';
        }
        if (!(err instanceof KernelError)) throw err;
        ret = BigInt(-err.errno);
      }
    }
    this.board.chargeSyscall(this.hart, e.name, args, ret);
    if (this.frameReplaced) {
      // execve: the task starts the new program (its registers are set); the strace line says 0
      this.frameReplaced = false;
      ret = 0n;
    } else {
      if (ret >= 0n && ret <= 0xffffffffn) regs.setXSmall(10, Number(ret)); else regs.setX(10, BigInt.asUintN(64, ret));
      regs.advanceEpc(4);
    }
    if (this.strace) {
      const argText = fmt ? fmt(this.mm, args, BigInt.asUintN(64, ret)) : args.slice(0, 3).map((a) => (a > 0xffffn ? ptr(a) : String(BigInt.asIntN(64, a)))).join(', ');
      this.straceLine(`${this.tidPrefix()}${e.name}(${argText}) = ${straceResult(BigInt.asUintN(64, ret), HEX_RESULT.has(e.name) && BigInt.asIntN(64, ret) >= 0n)}`);
    }
    return this.ended ? 'noreturn' : 'done';
  }

  private tidPrefix(): string { return this.tasks.length > 1 ? `[pid ${this.current.tid}] ` : ''; }

  /** The timer interrupt: tick the timekeeper, publish it, program the next stimecmp; the slice ends. */
  tick(_regs: PtRegs): void {
    this.ticks++;
    if (this.tasks.length > 1) this.needResched = true;
    this.board.chargeTick(this.hart);
    this.tk.jiffies++;
    this.publishTime();
    this.hart.setCsr(CSR_STIMECMP, this.hart.time + this.tk.cyclesPerTick);
  }

  pageFault(regs: PtRegs, code: number): void {
    const addr = regs.badaddr;
    this.board.chargePageFault(this.hart);
    const r = this.mm.fault(addr, code === CAUSE_FETCH_PAGE ? 'fetch' : code === CAUSE_STORE_PAGE ? 'store' : 'load');
    if (r === 'ok') return;
    if (r === 'oom') {
      this.warn(`out of guest memory (${this.hart.ramBytes >> 20} MiB) at 0x${addr.toString(16)}: killing the process`);
      this.forceSignal({ signo: SIGKILL, code: 0x80 });
      return;
    }
    this.forceSignal({ signo: SIGSEGV, code: r === 'maperr' ? SEGV_MAPERR : SEGV_ACCERR, addr });
  }

  exception(regs: PtRegs, code: number): void {
    if (code === CAUSE_ILLEGAL) this.forceSignal({ signo: SIGILL, code: ILL_ILLOPC, addr: regs.epc });
    else if (code === CAUSE_BREAKPOINT) this.forceSignal({ signo: SIGTRAP, code: TRAP_BRKPT, addr: regs.epc });
    else if (code === CAUSE_MISALIGNED_FETCH || code === CAUSE_MISALIGNED_LOAD || code === CAUSE_MISALIGNED_STORE) this.forceSignal({ signo: SIGBUS, code: BUS_ADRALN, addr: regs.badaddr });
    else this.forceSignal({ signo: SIGSEGV, code: SEGV_ACCERR, addr: regs.badaddr });
  }

  deliverSignals(regs: PtRegs): 'ok' | 'stop' { return this.signals_(regs); }
  hasEnded(): boolean { return this.runEnded() || this.deadlock !== undefined; }

  /**
   * Has the run ended? When the first process has exited, once no live process holds the console's stdout or
   * stderr (a reparented child that still writes there keeps it going; one that closed them, a daemon, does not).
   */
  private runEnded(): boolean {
    if (this.ended) return true;
    if (!this.initExit) return false;
    const holds = (t: Task): boolean => t.files.fds.some((f) => f?.kind === 'console' && (f.console === 1 || f.console === 2));
    if (this.tasks.some((t) => t.state !== 'dead' && holds(t))) return false;
    this.ended = this.initExit;
    return true;
  }

  private signals_(regs: PtRegs): 'ok' | 'stop' {
    const r = this.deliver(regs);
    // rt_sigsuspend returned without a handler frame taking its mask: the caller's mask comes back now
    const st = this.signals;
    if (r === 'ok' && st.savedMask !== undefined && this.current.state === 'running' && !this.ended) { st.setBlocked(st.savedMask); st.savedMask = undefined; }
    return r;
  }

  private deliver(regs: PtRegs): 'ok' | 'stop' {
    for (let n = 0; n < 65; n++) {
      const info = this.signals.next();
      if (!info) return 'ok';
      if (this.stopOnSignal && this.reportedSignal !== info.signo) { this.reportedSignal = info.signo; return 'stop'; }
      this.reportedSignal = 0;
      this.signals.take(info.signo);
      const act = this.signals.actions[info.signo];
      const name = signalName(info.signo);
      this.straceLine(`--- ${name} {si_signo=${name}, si_code=${info.code}${info.addr !== undefined ? `, si_addr=${ptr(info.addr)}` : `, si_pid=${info.pid ?? 0}, si_uid=${info.uid ?? 0}`}} ---`);
      if (info.signo === SIGKILL) { this.kill(SIGKILL); return 'ok'; }
      if (act.handler === SIG_IGN) continue;
      if (act.handler === SIG_DFL) {
        const d = defaultAction(info.signo);
        if (d === 'ign') continue;
        if (d === 'stop') { this.groupStop(regs, info.signo); if (this.hasEnded()) return 'ok'; continue; }
        this.kill(info.signo);
        return 'ok';
      }
      const sigreturn = this.vdsoBase + BigInt(this.vdso.offsets['__vdso_rt_sigreturn'] ?? 0);
      if (!setupRtFrame(this.hart, this.mm, this.signals, regs, info, act, sigreturn)) {
        this.kill(SIGSEGV); // force_sigsegv: the frame could not be written
        return 'ok';
      }
    }
    return 'ok';
  }
}

/** Start a Linux process (exec) on a fresh hart. Throws LaunchError/ExecError with a precise message. */
export function launch(options: LaunchOptions): LinuxProcess {
  try {
    return new LinuxProcess(options);
  } catch (e) {
    if (e instanceof ExecError) throw new LaunchError(e.message);
    throw e;
  }
}
