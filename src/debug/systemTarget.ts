// A whole system as a debug target (issue 19): firmware, a real kernel and its initramfs on the virt-compatible
// machine (src/hart/virt/). The kernel's symbols, source lines and CFI come from its vmlinux when the launch
// names one ("vmlinux"); the console goes to the debug console's output, and the custom request
// 'consoleInput' types at it (the extension's terminal for the guest console sends what the user types).
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ElfFile, PT, ET } from '../elf/elf';
import { DwarfInfo } from '../elf/dwarfInfo';
import { typeOf, strip, type CType } from '../elf/dwarfTypes';
import { VirtMachine } from '../hart/virt/machine';
import type { Hart } from '../hart/hart';
import type { Mapping, ThreadInfo } from '../kernel/api';
import { PRV_U, PRV_S } from '../hart/hart';
import { CSR_SSCRATCH, CSR_SEPC, CSR_SATP } from '../isa/encoding.generated';
import { DebugModule } from './modules';
import { LinuxKernel, type KernelTask, type SavedContext } from './linuxTasks';
import type { AuxEntry, Target, TargetCapabilities, TargetIo, TargetStop } from './target';

/**
 * The Threads view's id of the idle task (pid 0; DAP thread ids start at 1): above the default pid_max (32768) and
 * low enough that the session's frame ids (tid * 1000 + n) stay 32-bit.
 */
export const IDLE_THREAD_ID = 2_000_000;
const KERNEL_HALF = 1n << 63n;
const PAGE = 4096n;

export const DEBIAN_OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';

export interface SystemConfig {
  kernel: string;
  initrd?: string;
  /** Firmware image, or 'builtin' (default: Debian's OpenSBI when installed, else builtin). */
  firmware?: string;
  bootargs?: string;
  /** The kernel's ELF with symbols and DWARF (Linux's vmlinux). */
  vmlinux?: string;
  memoryMiB?: number;
  timeMode?: 'host' | 'virtual';
  /** Host ELFs of guest programs by guest path ("/init"): a process named like the file shows its symbols. */
  userPrograms?: Record<string, string>;
}

export const DEFAULT_BOOTARGS = 'console=ttyS0 earlycon=sbi';

export class SystemTarget implements Target {
  readonly capabilities: TargetCapabilities = { process: false, kernel: false, system: true };
  readonly pid = 1;
  strace = false;
  stopOnSignal = false;
  readonly watchPhysical = true;
  readonly machine: VirtMachine;
  readonly programPath: string;
  private readonly vmlinux?: DebugModule;
  /** The kernel's vDSO: where its image lies in physical memory (inside the kernel image) and its symbols. */
  private readonly vdso?: { elf: ElfFile; pa: bigint; size: bigint; path: string; debugElf?: ElfFile };
  /** One module per virtual base the vDSO was met at (each process maps it elsewhere with ASLR). */
  private readonly vdsoModules = new Map<bigint, DebugModule>();
  /** The running kernel as vmlinux's DWARF describes it (tasks, trap frames, the vDSO data page). */
  readonly kernel?: LinuxKernel;
  private readonly userPrograms: { guest: string; host: string; comm: string; elf?: ElfFile | null; modules: Map<bigint, DebugModule> }[];
  /** modules() for the context last asked about (tp, sscratch, satp, priv, pc): the answer while stopped. */
  private moduleCache?: { key: string; modules: DebugModule[]; task?: KernelTask };
  onModulesChanged?: () => void;
  private lastTaskKey = '';

  constructor(config: SystemConfig, private readonly io: TargetIo) {
    const fw = config.firmware ?? (existsSync(DEBIAN_OPENSBI) ? DEBIAN_OPENSBI : 'builtin');
    this.machine = new VirtMachine({
      memoryMiB: config.memoryMiB, timeMode: config.timeMode, console: (b) => this.io.stdout(b),
    });
    const layout = this.machine.boot({
      firmware: fw === 'builtin' ? 'builtin' : new Uint8Array(readFileSync(fw)),
      kernel: new Uint8Array(readFileSync(config.kernel)),
      initrd: config.initrd ? new Uint8Array(readFileSync(config.initrd)) : undefined,
      bootargs: config.bootargs ?? DEFAULT_BOOTARGS,
    });
    this.programPath = config.vmlinux ?? config.kernel;
    this.userPrograms = Object.entries(config.userPrograms ?? {}).map(([guest, host]) => ({ guest, host, comm: basename(guest).slice(0, 15), modules: new Map() }));
    if (config.vmlinux) {
      const elf = ElfFile.parse(new Uint8Array(readFileSync(config.vmlinux)));
      const loads = elf.programHeaders.filter((h) => h.type === PT.LOAD && h.memsz > 0n);
      const start = loads.reduce((m, h) => (h.vaddr < m ? h.vaddr : m), loads[0]?.vaddr ?? 0n);
      const end = loads.reduce((m, h) => (h.vaddr + h.memsz > m ? h.vaddr + h.memsz : m), 0n);
      this.vmlinux = new DebugModule(basename(config.vmlinux), 'program', elf, 0n, start, end, config.vmlinux);
      this.kernel = new LinuxKernel(this.vmlinux, (a, n) => this.hart.readVirt(a, n));
      // the vDSO image is vdso_start..vdso_end of the kernel image; its symbols are in the build's vdso.so.dbg
      const vs = this.vmlinux.lookup('vdso_start'), ve = this.vmlinux.lookup('vdso_end');
      const dbg = [join(dirname(config.vmlinux), 'vdso.so.dbg'), join(dirname(config.vmlinux), 'arch', 'riscv', 'kernel', 'vdso', 'vdso.so.dbg')].find((p) => existsSync(p));
      if (vs !== undefined && ve !== undefined && ve > vs && dbg && layout.kernel) {
        try {
          const vElf = ElfFile.parse(new Uint8Array(readFileSync(dbg)));
          // the build's vDSO linked again with its DWARF (scripts/build-linux.sh: vdso-lines.so), for its source lines
          const linesPath = join(dirname(config.vmlinux), 'vdso-lines.so');
          let debugElf: ElfFile | undefined;
          try { if (existsSync(linesPath)) debugElf = ElfFile.parse(new Uint8Array(readFileSync(linesPath))); } catch { debugElf = undefined; }
          this.vdso = { elf: vElf, pa: vs - start + layout.kernel.start, size: ve - vs, path: dbg, debugElf };
        } catch { /* an unreadable vdso.so.dbg: no vDSO symbols */ }
      }
    }
  }

  /** Physical address of a vDSO function (every process's mapping runs the same physical code). */
  resolvePhysical(name: string): bigint | undefined {
    const v = this.vdso;
    if (!v) return undefined;
    const s = v.elf.symbols().find((x) => x.name === name && x.shndx !== 0 && x.type === 2); // STT_FUNC
    return s !== undefined && s.value < v.size ? v.pa + s.value : undefined;
  }

  /** The vDSO as a module at a virtual base (each process maps it elsewhere with ASLR). */
  private vdsoModuleAt(base: bigint): DebugModule | undefined {
    const v = this.vdso;
    if (!v) return undefined;
    let m = this.vdsoModules.get(base);
    if (!m) {
      m = new DebugModule('linux-vdso.so.1', 'library', v.elf, base, base, base + v.size, v.path, v.debugElf);
      this.vdsoModules.set(base, m);
    }
    return m;
  }

  /** The vDSO's base when the pc runs in it (the current context's mapping of the kernel's vDSO pages). */
  private vdsoBaseFromPc(): bigint | undefined {
    const v = this.vdso;
    if (!v) return undefined;
    const pc = this.hart.pc;
    const pa = this.hart.translate(pc, 'fetch');
    if (pa === undefined || pa < v.pa || pa >= v.pa + v.size) return undefined;
    return pc - (pa - v.pa);
  }

  get hart(): Hart { return this.machine.hart; }

  /** The kernel's task on the hart (current), when the kernel runs with its page tables. */
  currentTask(): KernelTask | undefined {
    const k = this.kernel;
    if (!k) return undefined;
    const h = this.hart;
    const a = k.currentTask(h.priv, h.x(4), h.csr(CSR_SSCRATCH));
    return a !== undefined ? k.task(a) : undefined;
  }

  /** The Threads view's id of a task: its pid (the idle task, pid 0, gets IDLE_THREAD_ID). */
  static threadId(t: KernelTask): number { return t.pid === 0 ? IDLE_THREAD_ID : t.pid; }

  get currentTid(): number | undefined {
    const t = this.currentTask();
    return t ? SystemTarget.threadId(t) : undefined;
  }

  /** The kernel's tasks (init_task's list) as threads; before the kernel has tasks, the hart. */
  threads(): (ThreadInfo & { label: string })[] {
    const cur = this.currentTask();
    const list = cur ? this.kernel!.tasks() : [];
    if (!list.length) return [{ tid: 1, name: 'hart 0', state: 'running', label: 'hart 0' }];
    return list.map((t) => {
      const running = t.addr === cur!.addr;
      const state = running ? 'on the hart' : t.state === 0n ? 'runnable' : 'sleeping';
      const kind = t.mm ? '' : ', kernel thread';
      return { tid: SystemTarget.threadId(t), name: t.comm, state: running || t.state === 0n ? 'running' : 'blocked', label: `${t.comm} (pid ${t.pid}${kind}, ${state})` };
    });
  }

  private taskByTid(tid: number): KernelTask | undefined {
    return this.kernel?.tasks().find((t) => SystemTarget.threadId(t) === tid);
  }

  /** A task that is not on the hart: the registers __switch_to saved (it resumes in the kernel, in S-mode). */
  threadContext(tid: number): SavedContext | undefined {
    const t = this.taskByTid(tid);
    return t ? this.kernel!.switchContext(t.addr) : undefined;
  }

  /**
   * The user context below a task's kernel frames: the trap frame at the top of its kernel stack, when it
   * entered the kernel from user mode; for the task on the hart right at the trap entry (its sp is not on its
   * kernel stack yet) the live registers and sepc.
   */
  trapContext(tid?: number): SavedContext | undefined {
    const k = this.kernel;
    const cur = this.currentTask();
    const t = tid === undefined || (cur && SystemTarget.threadId(cur) === tid) ? cur : this.taskByTid(tid);
    if (!k || !t) return undefined;
    const h = this.hart;
    if (t === cur && h.priv === PRV_S) {
      const range = k.stackRange(t.addr);
      const sp = h.x(2);
      if (range && (sp < range[0] || sp >= range[1]) && sp < KERNEL_HALF) {
        const regs = Array.from({ length: 32 }, (_, i) => h.x(i)) as (bigint | undefined)[];
        if (h.x(4) === t.addr) regs[4] = h.csr(CSR_SSCRATCH); // tp swapped: the user's tp is in sscratch
        return { pc: h.csr(CSR_SEPC), regs, priv: PRV_U };
      }
    }
    return k.userContext(t.addr);
  }

  /** The named user program a task runs (by its comm), at the task's load address. */
  private userModule(t: KernelTask): DebugModule | undefined {
    const p = this.userPrograms.find((u) => u.comm === t.comm);
    if (!p || !t.mm) return undefined;
    if (p.elf === undefined) {
      try { p.elf = ElfFile.parse(new Uint8Array(readFileSync(p.host))); } catch { p.elf = null; }
    }
    const elf = p.elf;
    if (!elf) return undefined;
    const loads = elf.programHeaders.filter((h) => h.type === PT.LOAD && h.memsz > 0n);
    if (!loads.length) return undefined;
    const lo = loads.reduce((m, h) => (h.vaddr < m ? h.vaddr : m), loads[0].vaddr);
    const hi = loads.reduce((m, h) => (h.vaddr + h.memsz > m ? h.vaddr + h.memsz : m), 0n);
    let bias = 0n;
    if (elf.header.type === ET.DYN) {
      // a PIE: mm->start_code is where its first executable segment was loaded
      const text = loads.find((h) => h.flags & 1);
      const sc = this.kernel!.startCode(t);
      if (!text || sc === undefined) return undefined;
      bias = sc - (text.vaddr & ~(PAGE - 1n));
    }
    let m = p.modules.get(bias);
    if (!m) {
      m = new DebugModule(p.guest, 'program', elf, bias, lo + bias, hi + bias, p.host);
      p.modules.set(bias, m);
    }
    return m;
  }

  modules(): DebugModule[] {
    const h = this.hart;
    const key = `${h.x(4)},${h.csr(CSR_SSCRATCH)},${h.csr(CSR_SATP)},${h.priv},${this.vdso ? h.pc : 0n}`;
    if (this.moduleCache?.key === key) return this.moduleCache.modules;
    const out = this.vmlinux ? [this.vmlinux] : [];
    const task = this.currentTask();
    if (task) {
      const u = this.userModule(task);
      if (u) out.push(u);
    }
    const base = (task && this.kernel!.vdsoBase(task)) ?? this.vdsoBaseFromPc();
    const v = base !== undefined ? this.vdsoModuleAt(base) : undefined;
    if (v) out.push(v);
    this.moduleCache = { key, modules: out, task };
    return out;
  }

  /** [vvar] of the process on the hart: where it maps the data page, and the kernel's type for it. */
  kernelVvar(): { userAddr?: bigint; kernelAddr: bigint; type: CType; count: number; vvarPages: number; task?: string } | string {
    const k = this.kernel;
    if (!k) return 'no "vmlinux": the kernel\'s types are not known';
    const d = k.vdsoData();
    if (typeof d === 'string') return d;
    const t = this.currentTask();
    const base = t ? k.vdsoBase(t) : undefined;
    return { ...d, count: this.vdsoDataCount() ?? d.count, userAddr: base !== undefined ? base - BigInt(d.vvarPages) * PAGE : undefined, task: t && t.mm ? t.comm : undefined };
  }

  private dataCount?: number | null;
  /** CS_BASES: the vDSO's own declaration of its data (extern struct vdso_data _vdso_data[CS_BASES]). */
  private vdsoDataCount(): number | undefined {
    if (this.dataCount === undefined) {
      this.dataCount = null;
      try {
        const e = this.vdso?.debugElf ?? this.vdso?.elf;
        const dw = e && e.section('.debug_info') ? DwarfInfo.fromElf(e) : undefined;
        const g = dw?.findGlobal(undefined, '_vdso_data');
        const t = g && strip(typeOf(g));
        if (t?.kind === 'array' && t.count) this.dataCount = t.count;
      } catch { /* no DWARF in vdso.so.dbg */ }
    }
    return this.dataCount ?? undefined;
  }

  /** The kernel image's sections as the debugger's memory map (physical memory is not a process's map). */
  mappings(): Mapping[] {
    const m = this.vmlinux;
    if (!m) return [];
    return m.elf.programHeaders.filter((p) => p.type === PT.LOAD && p.memsz > 0n).map((p) => ({
      start: p.vaddr, end: p.vaddr + p.memsz, perms: `${p.flags & 4 ? 'r' : '-'}${p.flags & 2 ? 'w' : '-'}${p.flags & 1 ? 'x' : '-'}p`,
      offset: p.offset, dev: '00:00', inode: 0, path: m.hostPath ?? m.name,
    }));
  }

  auxv(): AuxEntry[] { return []; }

  setTrapStops(exceptions: bigint, interrupts: bigint): void { this.hart.setTrapStops(exceptions, interrupts); }

  consoleInput(bytes: Uint8Array): void { this.machine.input(bytes); }

  /** Tell the runtime when another task (another program, another vDSO base) is on the hart after a run. */
  private noticeTask(): void {
    if (!this.onModulesChanged || !this.kernel) return;
    const mods = this.modules();
    const key = mods.map((m) => m.id).join(',');
    if (key !== this.lastTaskKey) { this.lastTaskKey = key; this.onModulesChanged(); }
  }

  run(steps: number): TargetStop {
    let r = this.machine.run(steps);
    this.noticeTask();
    // a breakpoint of a user program other than the one on the hart (static programs share addresses): the
    // breakpoints were re-resolved for this task just now; go on when none is left at the pc
    for (let n = 0; n < 10_000 && r.kind === 'hart' && r.exit.kind === 'breakpoint' && this.hart.priv === PRV_U && this.userPrograms.length; n++) {
      const pa = this.hart.translate(this.hart.pc, 'fetch');
      if (this.hart.hasBreakpoint(this.hart.pc) || (pa !== undefined && this.hart.hasPhysicalBreakpoint(pa))) break;
      r = this.machine.run(Math.max(1, steps));
      this.noticeTask();
    }
    switch (r.kind) {
      case 'budget': return r;
      case 'poweroff': return { kind: 'exited', code: r.code, message: r.code === 0 ? undefined : `the guest powered off with failure ${r.code}` };
      // waiting for the console with no timer armed: nothing happens until input comes
      case 'idle': return { kind: 'budget' };
      case 'hart':
        if (r.exit.kind === 'firmware') return { kind: 'error', message: `a trap reached M-mode at pc 0x${r.exit.pc.toString(16)}, where the built-in SBI has no handler` };
        return r;
    }
  }
}
