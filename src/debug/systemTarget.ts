// A whole system as a debug target (issue 19): firmware, a real kernel and its initramfs on the virt-compatible
// machine (src/hart/virt/). The kernel's symbols, source lines and CFI come from its vmlinux when the launch
// names one ("vmlinux"); the console goes to the debug console's output, and the custom request
// 'consoleInput' types at it (the extension's terminal for the guest console sends what the user types).
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ElfFile, PT } from '../elf/elf';
import { VirtMachine } from '../hart/virt/machine';
import type { Hart } from '../hart/hart';
import type { Mapping } from '../kernel/api';
import { DebugModule } from './modules';
import type { AuxEntry, Target, TargetCapabilities, TargetIo, TargetStop } from './target';

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
  private readonly vdso?: { elf: ElfFile; pa: bigint; size: bigint; path: string };
  /** One module per virtual base the vDSO was met at (each process maps it elsewhere with ASLR). */
  private readonly vdsoModules = new Map<bigint, DebugModule>();

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
    if (config.vmlinux) {
      const elf = ElfFile.parse(new Uint8Array(readFileSync(config.vmlinux)));
      const loads = elf.programHeaders.filter((h) => h.type === PT.LOAD && h.memsz > 0n);
      const start = loads.reduce((m, h) => (h.vaddr < m ? h.vaddr : m), loads[0]?.vaddr ?? 0n);
      const end = loads.reduce((m, h) => (h.vaddr + h.memsz > m ? h.vaddr + h.memsz : m), 0n);
      this.vmlinux = new DebugModule(basename(config.vmlinux), 'program', elf, 0n, start, end, config.vmlinux);
      // the vDSO image is vdso_start..vdso_end of the kernel image; its symbols are in the build's vdso.so.dbg
      const vs = this.vmlinux.lookup('vdso_start'), ve = this.vmlinux.lookup('vdso_end');
      const dbg = [join(dirname(config.vmlinux), 'vdso.so.dbg'), join(dirname(config.vmlinux), 'arch', 'riscv', 'kernel', 'vdso', 'vdso.so.dbg')].find((p) => existsSync(p));
      if (vs !== undefined && ve !== undefined && ve > vs && dbg && layout.kernel) {
        try {
          const vElf = ElfFile.parse(new Uint8Array(readFileSync(dbg)));
          this.vdso = { elf: vElf, pa: vs - start + layout.kernel.start, size: ve - vs, path: dbg };
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

  /** The vDSO as a module at the virtual base the current context maps it at, when the pc runs in it. */
  private vdsoModuleHere(): DebugModule | undefined {
    const v = this.vdso;
    if (!v) return undefined;
    const pc = this.hart.pc;
    const pa = this.hart.translate(pc, 'fetch');
    if (pa === undefined || pa < v.pa || pa >= v.pa + v.size) return undefined;
    const base = pc - (pa - v.pa);
    let m = this.vdsoModules.get(base);
    if (!m) {
      m = new DebugModule('linux-vdso.so.1', 'library', v.elf, base, base, base + v.size, v.path);
      this.vdsoModules.set(base, m);
    }
    return m;
  }

  get hart(): Hart { return this.machine.hart; }

  modules(): DebugModule[] {
    const out = this.vmlinux ? [this.vmlinux] : [];
    const v = this.vdsoModuleHere();
    if (v) out.push(v);
    return out;
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

  run(steps: number): TargetStop {
    const r = this.machine.run(steps);
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
