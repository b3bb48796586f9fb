// Launch configuration: what a launch request may ask for, and the target it makes of it (a Linux process of
// the kernel model, or a bare-metal image on a hart). The runtime calls createTarget and then only talks to
// the Target interface.
import { readFileSync } from 'node:fs';
import { launchArgumentsProblem } from './launchArgs';
import { ElfFile, ET } from '../elf/elf';
import { BareTarget, LinuxTarget, type Target } from './target';
import { SystemTarget } from './systemTarget';
import type { LaunchOptions, Process } from '../kernel/api';

export interface LaunchConfig {
  /** The riscv64 ELF to run (a Linux program or a bare-metal ELF); not used with "kernel". */
  program?: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  sysroot?: string;
  stopOnEntry?: boolean;
  vdso?: string;
  disableRandomization?: boolean;
  strace?: boolean;
  timeMode?: 'host' | 'virtual';
  /** CLOCK_REALTIME at launch in seconds since 1970 (default: the host's wall clock at launch). */
  timeEpoch?: number;
  /** The board's `time` CSR: 'hardware' (a CSR read, default) or 'firmware' (rdtime traps to M-mode firmware). */
  timeCsr?: 'hardware' | 'firmware';
  /** Debug a bare-metal ELF (M-mode, HTIF console) instead of a Linux program. */
  bare?: boolean;
  /** More host directories the guest may use: "DIR" read-write, "DIR:ro" read-only. */
  allow?: string[];
  /** After a fork, debug the parent (default) or the child. */
  followFork?: 'parent' | 'child';
  /** Full system (src/hart/virt/): boot this kernel Image on the virt-compatible machine. */
  kernel?: string;
  /** Full system: the initramfs. */
  initrd?: string;
  /** Full system: M-mode firmware (OpenSBI fw_dynamic.bin/fw_jump.bin) or "builtin". */
  firmware?: string;
  /** Full system: the kernel command line. */
  bootargs?: string;
  /** Full system: the kernel's ELF with symbols and DWARF (Linux's vmlinux). */
  vmlinux?: string;
  /** Full system: RAM in MiB. */
  memory?: number;
  /** Full system: host ELFs of guest programs by guest path ("/init": "build/init"), for their symbols. */
  userPrograms?: Record<string, string>;
}

/** A function that creates a kernel-model process (src/kernel provides it). */
export type ProcessFactory = (options: LaunchOptions) => Process;

/** Where the target's output goes (each call is one chunk of text). */
export interface LaunchIo {
  stdout(text: string): void;
  stderr(text: string): void;
  strace(line: string): void;
  warning(line: string): void;
}

/** A bare-metal ELF: statically linked ET_EXEC, no interpreter, with a `tohost` symbol (HTIF). */
function looksBare(program: string): boolean {
  const elf = ElfFile.parse(new Uint8Array(readFileSync(program)));
  return elf.header.type === ET.EXEC && !elf.interp && elf.symbols().some((s) => s.name === 'tohost');
}

export function createTarget(config: LaunchConfig, processFactory: ProcessFactory, io: LaunchIo): Target {
  // The same checks as the launch request's (types, paths, what the program file is): src/debug/launchArgs.ts.
  const problem = launchArgumentsProblem(config);
  if (problem) throw new Error(`launch: ${problem}`);
  const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  if (config.kernel !== undefined) {
    return new SystemTarget({
      kernel: config.kernel, initrd: config.initrd, firmware: config.firmware, bootargs: config.bootargs, vmlinux: config.vmlinux,
      memoryMiB: config.memory, timeMode: config.timeMode, userPrograms: config.userPrograms,
    }, { stdout: (b) => io.stdout(text(b)), stderr: (b) => io.stderr(text(b)) });
  }
  const program = config.program!;
  const bare = config.bare ?? looksBare(program);
  if (bare) {
    return new BareTarget(program, { stdout: (b) => io.stdout(text(b)), stderr: (b) => io.stderr(text(b)) }, { timeMode: config.timeMode });
  }
  const proc = processFactory({
    program, args: config.args, cwd: config.cwd, env: config.env, sysroot: config.sysroot,
    vdso: config.vdso, disableRandomization: config.disableRandomization, timeMode: config.timeMode, timeEpoch: config.timeEpoch, timeCsr: config.timeCsr, strace: config.strace,
    allow: config.allow, followFork: config.followFork,
    onStdout: (b) => io.stdout(text(b)), onStderr: (b) => io.stderr(text(b)),
    onStrace: (line) => io.strace(line), onWarning: (line) => io.warning(line),
  });
  return new LinuxTarget(proc, program);
}
