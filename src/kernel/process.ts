// models kernel/fork.c + fs/exec.c (a new process: mm, files, signal state; bprm_execve -> load_elf_binary)
// and the run loop of the hart in Linux mode: arch/riscv/kernel/head.S/setup.c's part of hart setup
// (delegation, counters, stvec, satp) and entry-common's exit-to-user work. The Process contract is api.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { randomBytes as hostRandomBytes } from 'node:crypto';
import { Hart, PRV_U, type Exit } from '../hart/hart';
import { ElfFile, PT, ET } from '../elf/elf';
import type { LaunchOptions, Mapping, LoadedObject, Process, StopReason } from './api';
import { PageAllocator, PageTable, PTE_R, PTE_W, PTE_X, PTE_G, pageDown, pageUp } from './pagetable';
import { MM, PROT_READ, PROT_WRITE, protString, type FileBacking } from './mm';
import { Vfs, readHostCached } from './vfs';
import { Timekeeper } from './time/timekeeping';
import { updateVsyscall, updateVsyscallTz } from './time/vsyscall';
import { loadVdsoImage, VdsoPages, setupAdditionalPages, type VdsoImage } from './vdso/vdso';
import { readGuestImage } from '../guest/images';
import { ENTRY_SYMBOLS, ENTRY_LINK_BASE, PT_REGS } from '../guest/kernel/entrySymbols.generated';
import {
  handleHypercall, finishHypercall, PtRegs, framePhys, ENTRY_PHYS_BASE, SR_FS_INITIAL, SR_SPIE,
  CAUSE_ILLEGAL, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_FETCH, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE,
  CAUSE_FETCH_PAGE, CAUSE_STORE_PAGE, type TrapHandler,
} from './entry';
import {
  SignalState, setupRtFrame, restoreRtFrame, defaultAction, signalName, sigBit, SIG_DFL, SIG_IGN, SIGSEGV, SIGILL,
  SIGTRAP, SIGBUS, SIGKILL, SEGV_MAPERR, SEGV_ACCERR, ILL_ILLOPC, TRAP_BRKPT, BUS_ADRALN, type SigInfo,
} from './signal';
import {
  createElfTables, mapElf, parseElf, chooseLayout, ExecError, HWCAP_IMAFDC, STACK_EXPAND, type AuxEntry,
  AT_SYSINFO_EHDR, AT_MINSIGSTKSZ, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS,
  AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_EXECFN,
} from './binfmtElf';
import { mapsText as renderMaps } from './procfs';
import { KernelError, ENOSYS } from './errno';
import { syscallEntry, NR_RT_SIGRETURN } from './syscalls/table';
import { FORMATS, HEX_RESULT, result as straceResult, ptr } from './strace';
import type { OpenFile } from './syscalls/fs';
import * as D from './vdso/datapage';

const DEFAULT_ENV: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: '/tmp', LANG: 'C' };
const DEFAULT_SYSROOT = '/usr/riscv64-linux-gnu';
const MEDELEG_USER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15].reduce((m, c) => m | (1n << BigInt(c)), 0n);
const MIDELEG_S = (1n << 1n) | (1n << 5n) | (1n << 9n);
const CSR = { sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, sscratch: 0x140, stimecmp: 0x14d, satp: 0x180,
  medeleg: 0x302, mideleg: 0x303, mcounteren: 0x306, menvcfg: 0x30a } as const;
/** The realtime clock of a virtual-time run at boot: 2024-01-01T00:00:00Z. */
export const VIRTUAL_EPOCH_NS = 1704067200n * 1_000_000_000n;
/** sizeof(struct rt_sigframe) rounded like the kernel reports AT_MINSIGSTKSZ. */
const MINSIGSTKSZ = 1088n;

export class LaunchError extends Error {}

function sym(name: string): bigint {
  const s = ENTRY_SYMBOLS.find((x) => x.name === name);
  if (!s) throw new Error(`entry.elf has no symbol ${name}`);
  return s.address;
}

/** A small deterministic PRNG (xorshift128+) for seeded runs. */
function seededRandom(seed: number): (n: number) => Uint8Array {
  let s0 = BigInt(seed >>> 0) | 0x9e3779b97f4a7c15n, s1 = 0xbf58476d1ce4e5b9n ^ BigInt(seed >>> 0);
  const M = (1n << 64n) - 1n;
  const next = (): bigint => {
    let x = s0; const y = s1;
    s0 = y; x = (x ^ (x << 23n)) & M; s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (s1 + y) & M;
  };
  return (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = Number(next() & 0xffn); return b; };
}

export class LinuxProcess implements Process, TrapHandler {
  readonly hart: Hart;
  readonly options: LaunchOptions;
  readonly alloc: PageAllocator;
  readonly pt: PageTable;
  readonly mm: MM;
  readonly vfs: Vfs;
  readonly tk: Timekeeper;
  readonly signals = new SignalState();
  readonly fds: (OpenFile | undefined)[] = [];
  readonly cloexec: boolean[] = [];
  readonly rlimits = new Map<number, [bigint, bigint]>();
  readonly pid: number;
  readonly ppid = 1;
  stopOnSignal = false;
  strace: boolean;
  onObjectMapped?: (o: LoadedObject) => void;
  vdsoBase = 0n;
  vvarBase = 0n;
  ended?: StopReason;
  comm: string;
  argv: string[];
  exePath: string;
  umask = 0o022;
  clearChildTid = 0n;
  robustList = 0n;
  readonly vdso: VdsoImage;
  private vdsoPages!: VdsoPages;
  private savedAuxv: AuxEntry[] = [];
  private readonly loaded: LoadedObject[] = [];
  private readonly backings = new Map<string, FileBacking>();
  private readonly random: (n: number) => Uint8Array;
  private stdinBuf: Uint8Array | undefined;
  private stdinPos = 0;
  private readonly warned = new Set<string>();
  /** A hypercall left open because run() stopped to report a signal. */
  private openHypercall = false;
  private reportedSignal = 0;
  readonly entryPoint: bigint;
  readonly initialSp: bigint;
  /** Counters for figures: system calls and timer ticks served. */
  syscalls = 0;
  ticks = 0;

  constructor(options: LaunchOptions) {
    this.options = options;
    this.strace = !!options.strace;
    this.random = options.seed !== undefined ? seededRandom(options.seed) : (n) => hostRandomBytes(n);
    this.pid = options.seed !== undefined || options.disableRandomization ? 4242 : 1000 + (Buffer.from(this.random(2)).readUInt16LE(0) % 30000);
    const hostProgram = resolve(options.program);
    let progData: Uint8Array;
    try {
      if (!statSync(hostProgram).isFile()) throw new LaunchError(`${options.program}: not a regular file`);
      progData = new Uint8Array(readFileSync(hostProgram));
    } catch (e) {
      if (e instanceof LaunchError) throw e;
      throw new LaunchError(`${options.program}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`);
    }
    const progElf = parseElf(progData, options.program);
    this.vdso = loadVdsoImage(options.vdso);

    const sysroot = options.sysroot ?? (existsSync(DEFAULT_SYSROOT) ? DEFAULT_SYSROOT : undefined);
    this.vfs = new Vfs({ sysroot, programDir: dirname(hostProgram), cwd: options.cwd ?? dirname(hostProgram), allowRead: options.allowRead, allowWrite: options.allowWrite });
    this.exePath = this.vfs.guestPathOf(hostProgram) ?? '/program/' + basename(hostProgram);
    this.argv = [options.program, ...(options.args ?? [])];
    this.comm = basename(hostProgram).slice(0, 15);

    // ---- the machine
    this.hart = new Hart({ ramBytes: options.ramBytes ?? 256 * 1024 * 1024, timeMode: options.timeMode ?? 'virtual' });
    const hart = this.hart;
    const entryElf = new ElfFile(readGuestImage('entry.elf'));
    const entryEnd = sym('_end');
    this.alloc = new PageAllocator(hart, Number(pageUp(entryEnd - ENTRY_LINK_BASE)));
    this.pt = new PageTable(hart, this.alloc);
    this.mapKernel(entryElf);
    this.mm = new MM(hart, this.alloc, this.pt);

    // ---- time
    const hz = options.hz ?? D.HZ;
    const realAtBoot = options.timeMode === 'host' ? BigInt(Date.now()) * 1_000_000n : VIRTUAL_EPOCH_NS;
    this.tk = new Timekeeper(hart.timebaseHz, hz, realAtBoot, hart.time);
    if (options.timeMode === 'host') this.tk.offsReal = realAtBoot - this.tk.monoNs(hart.time);

    // ---- console
    this.fds[0] = { kind: 'console', console: 0, path: '/dev/pts/0', flags: 2, pos: 0, refs: 1 };
    this.fds[1] = { kind: 'console', console: 1, path: '/dev/pts/0', flags: 2, pos: 0, refs: 1 };
    this.fds[2] = { kind: 'console', console: 2, path: '/dev/pts/0', flags: 2, pos: 0, refs: 1 };

    // ---- exec: layout, program, interpreter, vDSO, stack
    const randomize = !options.disableRandomization;
    const rand = (bits: number): bigint => { const b = Buffer.from(this.random(4)); return BigInt(b.readUInt32LE(0)) & ((1n << BigInt(bits)) - 1n); };
    const layout = chooseLayout(rand, randomize);
    this.mm.mmapBase = layout.mmapBase;
    this.mm.stackTop = layout.stackTop;
    this.mm.mapFixed({ start: layout.stackTop - STACK_EXPAND - 0x1000n, end: layout.stackTop, prot: PROT_READ | PROT_WRITE, shared: false, pgoff: 0n, name: '[stack]', growsDown: true });

    const progFile = this.fileBacking(this.exePath, progData, Number(statSync(hostProgram).ino & 0xffffffff));
    const interpPath = progElf.interp;
    const prog = mapElf(this.mm, progElf, progFile, options.program, progElf.header.type === ET.DYN && interpPath ? layout.etDynBase : undefined);
    this.loaded.push({ name: this.exePath, hostPath: hostProgram, bias: prog.bias, start: prog.start, end: prog.end, elf: progElf, kind: 'program' });
    let entry = prog.entry;
    let interpBase = 0n;
    if (interpPath) {
      let node;
      try { node = this.vfs.lookup(interpPath); } catch {
        throw new LaunchError(`${options.program}: interpreter ${interpPath} not found in the sysroot (${sysroot ?? 'none'}); use -L SYSROOT`);
      }
      if (node.type !== 'host' || node.kind !== 'file') throw new LaunchError(`${options.program}: interpreter ${interpPath} is not a file`);
      const data = readHostCached(node.hostPath, node.stats);
      const ielf = parseElf(data, interpPath);
      if (ielf.header.type !== ET.DYN) throw new LaunchError(`${interpPath}: the interpreter must be ET_DYN`);
      const interp = mapElf(this.mm, ielf, this.fileBacking(node.guestPath, data, Number(node.stats.ino & 0xffffffff)), interpPath, undefined);
      this.loaded.push({ name: node.guestPath, hostPath: node.hostPath, bias: interp.bias, start: interp.start, end: interp.end, elf: ielf, kind: 'interpreter' });
      interpBase = interp.start;
      entry = interp.entry;
    }
    // brk after the program's highest segment (randomized like arch_randomize_brk)
    this.mm.startBrk = this.mm.brk = pageUp(prog.end) + layout.brkOffset;

    this.vdsoPages = new VdsoPages(this.alloc, (pa, d) => hart.writePhys(pa, d, false), this.vdso);
    const vm = setupAdditionalPages(this.mm, this.vdsoPages);
    this.vdsoBase = vm.vdsoBase;
    this.vvarBase = vm.vvarBase;
    this.loaded.push({
      name: 'linux-vdso.so.1', hostPath: this.vdso.hostPath, bias: vm.vdsoBase, start: vm.vdsoBase, end: vm.vdsoBase + this.vdsoPages.textLen,
      elf: this.vdso.elf, kind: 'vdso',
      debugElf: options.vdso ? undefined : (() => { try { return new ElfFile(readGuestImage('vdso.so.dbg')); } catch { return undefined; } })(),
    });
    this.publishTime();

    const env = options.env ?? DEFAULT_ENV;
    const envp = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const aux: [number, bigint][] = [
      [AT_SYSINFO_EHDR, vm.vdsoBase], [AT_MINSIGSTKSZ, MINSIGSTKSZ], [AT_HWCAP, HWCAP_IMAFDC], [AT_PAGESZ, 4096n],
      [AT_CLKTCK, 100n], [AT_PHDR, prog.phdr], [AT_PHENT, 56n], [AT_PHNUM, BigInt(progElf.header.phnum)], [AT_BASE, interpBase],
      [AT_FLAGS, 0n], [AT_ENTRY, prog.entry], [AT_UID, 1000n], [AT_EUID, 1000n], [AT_GID, 1000n], [AT_EGID, 1000n],
      [AT_SECURE, 0n], [AT_RANDOM, 0n], [AT_EXECFN, 0n],
    ];
    const { sp, auxv } = createElfTables(this, layout.stackTop, layout.stackAlign, this.argv, envp, options.program, aux, this.random(16));
    this.savedAuxv = auxv;
    this.entryPoint = entry;
    this.initialSp = sp;
    this.setupHart(entry, sp);
  }

  /** entry.elf's PT_LOADs at their link addresses, supervisor-only, backed by the start of RAM. */
  private mapKernel(elf: ElfFile): void {
    for (const p of elf.programHeaders) {
      if (p.type !== PT.LOAD) continue;
      const pa = p.vaddr - ENTRY_LINK_BASE + ENTRY_PHYS_BASE;
      if (p.filesz > 0n) this.hart.writePhys(pa, elf.segmentData(p));
      let flags = PTE_G | PTE_R;
      if (p.flags & 2) flags |= PTE_W;
      if (p.flags & 1) flags |= PTE_X;
      for (let va = pageDown(p.vaddr); va < p.vaddr + p.memsz; va += 4096n) {
        if (!this.pt.map(va, va - ENTRY_LINK_BASE + ENTRY_PHYS_BASE, flags)) throw new Error('out of guest memory for the kernel');
      }
    }
  }

  private setupHart(entry: bigint, sp: bigint): void {
    const h = this.hart;
    h.sbiHost = true;
    h.setCsr(CSR.medeleg, MEDELEG_USER);
    h.setCsr(CSR.mideleg, MIDELEG_S);
    h.setCsr(CSR.menvcfg, 1n << 63n);
    h.setCsr(CSR.mcounteren, 7n);
    h.setCsr(CSR.scounteren, 7n);
    h.setCsr(CSR.stvec, sym('handle_exception'));
    h.setCsr(CSR.sscratch, sym('init_task'));
    h.setCsr(CSR.satp, this.pt.satp);
    h.setCsr(CSR.sie, 1n << 5n);
    h.setCsr(CSR.sstatus, SR_FS_INITIAL | SR_SPIE);
    h.setCsr(CSR.stimecmp, h.time + this.tk.cyclesPerTick);
    for (let i = 1; i < 32; i++) h.setX(i, 0n);
    h.setX(2, sp);
    h.priv = PRV_U;
    h.pc = entry;
    h.flushTlbs();
  }

  // ---- Process ----------------------------------------------------------------------------------------------

  run(steps: number): StopReason {
    if (this.ended) return this.ended;
    try {
      if (this.openHypercall) {
        this.openHypercall = false;
        const regs = new PtRegs(this.hart, framePhys(this.hart.x(10)));
        if (this.signals_(regs) === 'stop') { this.openHypercall = true; return this.signalStop(); }
        if (this.ended) return this.ended;
        this.afterHypercall();
        finishHypercall(this.hart);
      }
      let left = Math.max(0, Math.floor(steps));
      while (left > 0) {
        const e: Exit = this.hart.run(Math.min(left, 0x7fffffff));
        left -= e.steps;
        if (e.kind === 'sbi') {
          const r = handleHypercall(this.hart, this);
          if (r === 'ended') return this.ended!;
          if (r === 'stop-signal') { this.openHypercall = true; return this.signalStop(); }
          if (typeof r === 'object') return { kind: 'error', message: r.error };
          this.afterHypercall();
          finishHypercall(this.hart);
          continue;
        }
        if (e.kind === 'budget') continue;
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

  mappings(): Mapping[] {
    return this.mm.vmas.map((v) => ({
      start: v.start, end: v.end, perms: protString(v), offset: v.file ? v.pgoff : 0n,
      dev: v.file ? v.file.dev : '00:00', inode: v.file ? v.file.inode : 0, path: v.file ? v.file.path : v.name,
    }));
  }
  mapsText(): string { return renderMaps(this.mappings()); }
  auxv(): { type: number; name: string; value: bigint }[] { return this.savedAuxv.map((a) => ({ ...a })); }
  objects(): LoadedObject[] { return [...this.loaded]; }

  // ---- helpers for the system calls ---------------------------------------------------------------------------

  /** A stable inode number for a guest path (host inode numbers would make runs differ between checkouts). */
  static inodeOf(path: string): number {
    let h = 2166136261;
    for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619) >>> 0;
    return 100000 + (h % 900000);
  }

  fileBacking(path: string, data: Uint8Array, _hostInode: number): FileBacking {
    const inode = LinuxProcess.inodeOf(path);
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

  readStdin(len: number): Uint8Array {
    const src = this.options.stdin;
    if (!src) return new Uint8Array(0);
    if (src instanceof Uint8Array) {
      const out = src.subarray(this.stdinPos, this.stdinPos + len);
      this.stdinPos += out.length;
      return out;
    }
    if (!this.stdinBuf || this.stdinPos >= this.stdinBuf.length) {
      const chunk = src();
      if (!chunk) return new Uint8Array(0);
      this.stdinBuf = chunk;
      this.stdinPos = 0;
    }
    const out = this.stdinBuf.subarray(this.stdinPos, this.stdinPos + len);
    this.stdinPos += out.length;
    return out;
  }

  writeConsole(fd: number, data: Uint8Array): void {
    const copy = new Uint8Array(data);
    if (fd === 2) (this.options.onStderr ?? ((d: Uint8Array) => process.stderr.write(d)))(copy);
    else (this.options.onStdout ?? ((d: Uint8Array) => process.stdout.write(d)))(copy);
  }

  isTty(_fd: number): boolean { return !!this.options.tty; }

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

  exit(code: number): void {
    this.straceLine(`+++ exited with ${code} +++`);
    this.ended = { kind: 'exited', code };
  }

  private kill(sig: number): void {
    this.straceLine(`+++ killed by ${signalName(sig)}${defaultAction(sig) === 'core' ? ' (core dumped)' : ''} +++`);
    this.ended = { kind: 'killed', signal: sig, name: signalName(sig) };
  }

  sendSignal(info: SigInfo): void { this.signals.send(info); }

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

  /** Sleep: virtual time jumps ahead; host time really waits. */
  sleepNs(ns: bigint): void {
    if (ns <= 0n) return;
    if (this.options.timeMode === 'host') {
      const ms = Number(ns / 1_000_000n);
      if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(ms, 60_000));
    } else {
      const ticks = (ns * BigInt(this.hart.timebaseHz) + 999_999_999n) / 1_000_000_000n;
      this.hart.time = this.hart.time + ticks;
    }
    this.publishTime();
  }

  // ---- TrapHandler (entry.ts) ---------------------------------------------------------------------------------

  syscall(regs: PtRegs): 'done' | 'noreturn' | 'restored' {
    this.syscalls++;
    const nr = regs.x(17);
    if (nr === BigInt(NR_RT_SIGRETURN)) {
      if (!restoreRtFrame(this.hart, this.mm, this.signals, regs)) {
        this.straceLine('rt_sigreturn() = ? <bad frame>');
        this.forceSignal({ signo: SIGSEGV, code: 0x80 });
        return 'restored';
      }
      this.straceLine(`rt_sigreturn({mask=[]}) = ${BigInt.asIntN(64, regs.x(10))}`);
      return 'restored';
    }
    const e = syscallEntry(nr);
    const args = [10, 11, 12, 13, 14, 15].map((i) => regs.x(i));
    const fmt = FORMATS[e.name];
    if (e.name === 'exit' || e.name === 'exit_group') {
      this.straceLine(`${e.name}(${fmt(this.mm, args, 0n)}) = ?`);
      this.exit(Number(args[0] & 0xffn));
      return 'noreturn';
    }
    let ret: bigint;
    if (!e.handler) {
      this.warn(`unimplemented system call ${e.name} (${nr}): returning -ENOSYS`);
      ret = BigInt(-ENOSYS);
    } else {
      try { ret = e.handler(this, args); } catch (err) {
        if (!(err instanceof KernelError)) throw err;
        ret = BigInt(-err.errno);
      }
    }
    regs.setX(10, BigInt.asUintN(64, ret));
    regs.epc = regs.epc + 4n;
    if (this.strace) {
      const argText = fmt ? fmt(this.mm, args, BigInt.asUintN(64, ret)) : args.slice(0, 3).map((a) => (a > 0xffffn ? ptr(a) : String(BigInt.asIntN(64, a)))).join(', ');
      this.straceLine(`${e.name}(${argText}) = ${straceResult(BigInt.asUintN(64, ret), HEX_RESULT.has(e.name) && BigInt.asIntN(64, ret) >= 0n)}`);
    }
    return this.ended ? 'noreturn' : 'done';
  }

  /** The timer interrupt: tick the timekeeper, publish it, program the next stimecmp. */
  tick(_regs: PtRegs): void {
    this.ticks++;
    this.tk.jiffies++;
    this.publishTime();
    this.hart.setCsr(CSR.stimecmp, this.hart.time + this.tk.cyclesPerTick);
  }

  pageFault(regs: PtRegs, code: number): void {
    const addr = regs.badaddr;
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
  hasEnded(): boolean { return this.ended !== undefined; }

  private signals_(regs: PtRegs): 'ok' | 'stop' {
    for (let n = 0; n < 65; n++) {
      const info = this.signals.next();
      if (!info) return 'ok';
      if (this.stopOnSignal && this.reportedSignal !== info.signo) { this.reportedSignal = info.signo; return 'stop'; }
      this.reportedSignal = 0;
      this.signals.pending.delete(info.signo);
      const act = this.signals.actions[info.signo];
      const name = signalName(info.signo);
      this.straceLine(`--- ${name} {si_signo=${name}, si_code=${info.code}${info.addr !== undefined ? `, si_addr=${ptr(info.addr)}` : `, si_pid=${info.pid ?? 0}, si_uid=${info.uid ?? 0}`}} ---`);
      if (info.signo === SIGKILL) { this.kill(SIGKILL); return 'ok'; }
      if (act.handler === SIG_IGN) continue;
      if (act.handler === SIG_DFL) {
        const d = defaultAction(info.signo);
        if (d === 'ign') continue;
        if (d === 'stop') { this.warn(`${name}: stopping is not modelled, ignored`); continue; }
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
