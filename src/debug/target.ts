// What the debug runtime drives: a bare-metal image on a hart, or a Linux process of the kernel model.
// Both present the same face (run a budget, say why it stopped, list modules and mappings), so the runtime
// does not care which one it has.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Hart, type Exit } from '../hart/hart';
import { BareMachine, type BareImage } from '../hart/bare';
import { ElfFile, EM_RISCV, PT } from '../elf/elf';
import { loadImage } from '../elf/image';
import type { Mapping, Process, LoadedObject, UserContext, ThreadInfo } from '../kernel/api';
import { DebugModule } from './modules';
import type { CType } from '../elf/dwarfTypes';
import { NR_EXIT, NR_EXIT_GROUP } from '../kernel/syscalls/table';
import { guestImagePath } from '../guest/images';
import { PAGE_SHIFT } from '../isa/encoding.generated';

const PAGE_OFFSET_MASK = (1n << PAGE_SHIFT) - 1n;

export type TargetStop =
  | { kind: 'budget' }
  | { kind: 'hart'; exit: Exit }
  | { kind: 'exited'; code: number; message?: string }
  | { kind: 'signal'; signal: number; name: string }
  | { kind: 'deadlock'; message: string }
  | { kind: 'error'; message: string };

export interface AuxEntry { type: number; name: string; value: bigint }

/** What a target can do beyond running code; the runtime and the session ask these, never the target's kind. */
export interface TargetCapabilities {
  /** A process of an operating system: pid, argv, auxiliary vector, strace, signals. */
  readonly process: boolean;
  /**
   * A kernel serves traps from U-mode: an ecall returns to the next instruction once served, and the kernel's
   * trap entry leads back to the interrupted user context (Target.userContext).
   */
  readonly kernel: boolean;
  /**
   * A whole machine (src/hart/virt/): firmware, a real kernel and its processes all run on the hart; the kernel's
   * trap entry is code like any other, and leaving it from a trap taken in user mode is the return to user mode.
   */
  readonly system?: boolean;
}

export interface Target {
  readonly capabilities: TargetCapabilities;
  readonly hart: Hart;
  readonly pid: number;
  readonly programPath: string;
  run(steps: number): TargetStop;
  modules(): DebugModule[];
  mappings(): Mapping[];
  auxv(): AuxEntry[];
  readonly vdsoBase?: bigint;
  readonly vvarBase?: bigint;
  strace: boolean;
  stopOnSignal: boolean;
  /** Exceptions / interrupts (bit masks by cause) the debugger wants to stop after. */
  setTrapStops(exceptions: bigint, interrupts: bigint): void;
  /** Called when new objects have been mapped. */
  onModulesChanged?: () => void;
  /** System call numbers that end the process (kernel targets): a step stops before them. */
  readonly exitSyscalls?: readonly number[];
  /** While the hart is in the kernel's trap entry: the user context the trap interrupted (kernel targets). */
  userContext?(): UserContext | undefined;
  /** User memory as ptrace reads it, faulting in pages not touched yet (process targets). */
  accessVm?(addr: bigint, len: number): Uint8Array | undefined;
  /** Threads of the debugged process (Linux targets): the Threads view; the one on the hart is `currentTid`. */
  threads?(): (ThreadInfo & { label?: string })[];
  readonly currentTid?: number;
  /** The saved registers of a thread that is not on the hart (user registers unless `priv` says otherwise). */
  threadContext?(tid: number): (UserContext & { priv?: number }) | undefined;
  /**
   * A whole system: the user context a task's kernel frames lead to (its trap frame), for the stack below the
   * kernel's; of the task on the hart when `tid` is undefined.
   */
  trapContext?(tid?: number): (UserContext & { priv?: number }) | undefined;
  /**
   * A whole system: the vDSO data page of the process on the hart, with the kernel's type for it (or why not):
   * where the process maps [vvar], where the kernel keeps the page, how many struct vdso_data it holds.
   */
  kernelVvar?(): { userAddr?: bigint; kernelAddr: bigint; type: CType; count: number; task?: string } | string;
  /** Write a register of a thread not on the hart (0 = pc, 1..31 = x, 32..63 = f) into its saved context. */
  setThreadRegister?(tid: number, reg: number, value: bigint): boolean;
  /** Put a thread on the hart while stopped, to step it (see Process.switchThread). */
  switchThread?(tid: number): 'on-hart' | 'sleeps' | { error: string };
  /** Keep this thread on the hart whenever it can run (stepping), or undefined to schedule freely. */
  setSchedulerLock?(tid: number | undefined): void;
  /** Is the code on the hart the debugged process's? (Other processes pass over breakpoints.) */
  inDebuggedProcess?(): boolean;
  /** Called when the debugged process execs: its modules were replaced. */
  onExec?: () => void;
  /** Data breakpoints watch the physical memory behind their address (a full system: every alias writes it). */
  readonly watchPhysical?: boolean;
  /** The physical address of a function every address space maps at its own virtual address (a full system's vDSO). */
  resolvePhysical?(name: string): bigint | undefined;
  /** Bytes typed at the guest's console (a full system: its UART's receiver). */
  consoleInput?(bytes: Uint8Array): void;
}

export interface TargetIo {
  stdout(b: Uint8Array): void;
  stderr(b: Uint8Array): void;
  strace?(line: string): void;
  warning?(line: string): void;
}

// ---- bare metal -----------------------------------------------------------------------------------------

export class BareTarget implements Target {
  readonly capabilities: TargetCapabilities = { process: false, kernel: false };
  readonly hart: Hart;
  readonly pid = 1;
  strace = false;
  stopOnSignal = false;
  private readonly module: DebugModule;
  /** The one bare-metal machine (src/hart/bare.ts): HTIF, the syscall proxy, unfetchable trap handlers. */
  private readonly machine: BareMachine;
  private pending: number[] = [];

  constructor(readonly programPath: string, private readonly io: TargetIo, opts: { timeMode?: 'host' | 'virtual' } = {}) {
    const bytes = new Uint8Array(readFileSync(programPath));
    const elf = ElfFile.parse(bytes);
    if (elf.header.machine !== EM_RISCV) throw new Error(`${programPath} is not a RISC-V ELF (e_machine ${elf.header.machine})`);
    const loads = elf.programHeaders.filter((p) => p.type === PT.LOAD && p.memsz > 0n);
    const image: BareImage = loadImage(elf);
    const start = loads.reduce((m, p) => (p.vaddr < m ? p.vaddr : m), loads[0]?.vaddr ?? 0n);
    const end = loads.reduce((m, p) => (p.vaddr + p.memsz > m ? p.vaddr + p.memsz : m), 0n);
    this.module = new DebugModule(basename(programPath), 'program', elf, 0n, start, end, programPath);
    this.hart = new Hart({ ramBytes: 64 * 1024 * 1024, timeMode: opts.timeMode });
    this.machine = new BareMachine(this.hart, image, {
      stdout: (b) => { for (const c of b) this.pending.push(c); },
      stderr: (b) => this.io.stderr(b),
    });
  }

  modules(): DebugModule[] { return [this.module]; }

  mappings(): Mapping[] {
    return this.module.elf.programHeaders.filter((p) => p.type === PT.LOAD && p.memsz > 0n).map((p) => ({
      start: p.vaddr & ~PAGE_OFFSET_MASK, end: (p.vaddr + p.memsz + PAGE_OFFSET_MASK) & ~PAGE_OFFSET_MASK,
      perms: `${p.flags & 4 ? 'r' : '-'}${p.flags & 2 ? 'w' : '-'}${p.flags & 1 ? 'x' : '-'}p`,
      offset: p.offset & ~PAGE_OFFSET_MASK, dev: '00:00', inode: 0, path: this.programPath,
    }));
  }

  auxv(): AuxEntry[] { return []; }

  setTrapStops(exceptions: bigint, interrupts: bigint): void { this.machine.setTrapStops(exceptions, interrupts); }

  run(steps: number): TargetStop {
    try {
      const r = this.machine.run(steps);
      if (r.kind === 'exited') return { kind: 'exited', code: r.code, message: r.message };
      return r;
    } finally {
      // console output in one write per run call
      if (this.pending.length) { this.io.stdout(new Uint8Array(this.pending)); this.pending = []; }
    }
  }
}

// ---- Linux process --------------------------------------------------------------------------------------

const KERNEL_NAME = '[kernel] entry.elf';

export class LinuxTarget implements Target {
  readonly capabilities: TargetCapabilities = { process: true, kernel: true };
  readonly exitSyscalls = [NR_EXIT, NR_EXIT_GROUP];
  private readonly cache = new Map<LoadedObject, DebugModule>();
  private kernel?: DebugModule;
  private known = 0;
  onModulesChanged?: () => void;

  onExec?: () => void;

  constructor(readonly process: Process, readonly programPath: string) {
    process.onObjectMapped = () => this.onModulesChanged?.();
    process.onExec = () => { if (this.inDebuggedProcess()) this.onExec?.(); };
  }

  get currentTid(): number { return this.process.currentTid ?? this.process.pid; }
  threads(): ThreadInfo[] { return this.process.threads?.() ?? [{ tid: this.process.pid, name: basename(this.programPath).slice(0, 15), state: 'running' }]; }
  threadContext(tid: number): UserContext | undefined { return this.process.threadContext?.(tid); }
  switchThread(tid: number): 'on-hart' | 'sleeps' | { error: string } {
    if (!this.process.switchThread) return tid === this.currentTid ? 'on-hart' : { error: `thread ${tid} cannot be put on the hart` };
    return this.process.switchThread(tid);
  }
  setThreadRegister(tid: number, reg: number, value: bigint): boolean { return this.process.setThreadRegister?.(tid, reg, value) ?? false; }
  setSchedulerLock(tid: number | undefined): void { this.process.schedulerLock = tid; }
  inDebuggedProcess(): boolean { return this.process.inDebuggedProcess?.() ?? true; }

  get hart(): Hart { return this.process.hart; }
  get pid(): number { return this.process.pid; }
  get vdsoBase(): bigint { return this.process.vdsoBase; }
  get vvarBase(): bigint { return this.process.vvarBase; }
  get strace(): boolean { return this.process.strace; }
  set strace(v: boolean) { this.process.strace = v; }
  get stopOnSignal(): boolean { return this.process.stopOnSignal; }
  set stopOnSignal(v: boolean) { this.process.stopOnSignal = v; }

  setTrapStops(exceptions: bigint, interrupts: bigint): void { this.hart.setTrapStops(exceptions, interrupts); }

  run(steps: number): TargetStop {
    let r = this.process.run(steps);
    // a breakpoint hit by another process (a forked child not followed, a vfork child before its exec) is
    // passed over: breakpoints belong to the debugged process, as with gdb's detach-on-fork
    for (let n = 0; n < 10_000 && r.kind === 'hart' && r.exit.kind === 'breakpoint' && !this.inDebuggedProcess(); n++) {
      this.hart.stepOverBreakpointNext();
      r = this.process.run(Math.max(1, steps));
    }
    const n = this.process.objects().length;
    if (n !== this.known) { this.known = n; this.onModulesChanged?.(); }
    switch (r.kind) {
      case 'budget': return r;
      case 'exited': return { kind: 'exited', code: r.code };
      case 'killed': return { kind: 'exited', code: 128 + r.signal, message: `killed by ${r.name}` };
      case 'hart': return r;
      case 'signal': return r;
      case 'deadlock': return r;
      case 'error': return r;
    }
  }

  modules(): DebugModule[] {
    const out: DebugModule[] = [];
    for (const o of this.process.objects()) {
      let m = this.cache.get(o);
      if (!m) {
        const name = o.kind === 'vdso' ? 'linux-vdso.so.1' : o.name;
        m = new DebugModule(name, o.kind, o.elf, o.bias, o.start, o.end, o.hostPath, o.debugElf);
        this.cache.set(o, m);
      }
      out.push(m);
    }
    if (!this.kernel) {
      try {
        const p = guestImagePath('entry.elf');
        const elf = ElfFile.parse(new Uint8Array(readFileSync(p)));
        const loads = elf.programHeaders.filter((h) => h.type === PT.LOAD && h.memsz > 0n);
        const start = loads.reduce((m, h) => (h.vaddr < m ? h.vaddr : m), loads[0].vaddr);
        const end = loads.reduce((m, h) => (h.vaddr + h.memsz > m ? h.vaddr + h.memsz : m), 0n);
        this.kernel = new DebugModule(KERNEL_NAME, 'kernel', elf, 0n, start, end, p);
      } catch { /* no kernel image: no kernel frames */ }
    }
    if (this.kernel) out.push(this.kernel);
    return out;
  }

  mappings(): Mapping[] { return this.process.mappings(); }
  auxv(): AuxEntry[] { return this.process.auxv(); }
  userContext(): UserContext | undefined { return this.process.userContext(); }
  /** Read user memory the way ptrace does (pages not yet faulted in are populated). */
  accessVm(addr: bigint, len: number): Uint8Array | undefined { return this.process.accessVm?.(addr, len); }
}
