// What F5 launches when there is no launch.json (or an empty configuration): the pure part of the
// DebugConfigurationProvider, without `vscode`, so it is unit-tested directly (test/extension/config.test.ts).
//
//  * the active file is a RISC-V ELF (e_machine 243)  -> program = that file
//  * the active file is C/C++/assembly                 -> program = its built output next to it: foo.c -> foo,
//                                                         then bin/foo, build/foo, ../bin/foo, ../build/foo, foo.elf
//  * otherwise                                         -> no program (the provider then asks for one)
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { LaunchConfig } from '../debug/launch';

export const DEBUG_TYPE = 'riscv-vdso';
export const EM_RISCV = 243;

/**
 * The launch attributes the adapter understands: its own LaunchConfig (src/debug/launch.ts) plus `trace`, and
 * what VS Code adds. A type-only import: activation loads no debugger code for it.
 */
export type LaunchAttributes = Partial<LaunchConfig> & {
  type?: string;
  request?: string;
  name?: string;
  trace?: boolean;
  [key: string]: unknown;
};

export interface ElfInfo {
  class64: boolean;
  machine: number;
  /** ET_EXEC (2) or ET_DYN (3). */
  type: number;
}

/** The identification of an ELF header, or undefined when the bytes are not an ELF. */
export function elfInfo(header: Uint8Array): ElfInfo | undefined {
  if (header.length < 20) return undefined;
  if (header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) return undefined;
  const little = header[5] === 1;
  const u16 = (o: number) => (little ? header[o] | (header[o + 1] << 8) : (header[o] << 8) | header[o + 1]);
  return { class64: header[4] === 2, type: u16(16), machine: u16(18) };
}

export function readHeader(path: string): Uint8Array | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const fd = openSync(path, 'r');
    try {
      const b = new Uint8Array(64);
      const n = readSync(fd, b, 0, 64, 0);
      return b.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

export function isRiscvElf(path: string, read: (p: string) => Uint8Array | undefined = readHeader): boolean {
  const h = read(path);
  const info = h && elfInfo(h);
  return !!info && info.machine === EM_RISCV;
}

const SOURCE_EXTS = new Set(['.c', '.h', '.cc', '.cpp', '.cxx', '.s', '.S']);

/** Where a source file's program may have been built, most likely first. */
export function builtOutputCandidates(source: string): string[] {
  const dir = dirname(source);
  const stem = basename(source, extname(source));
  return [
    join(dir, stem), join(dir, 'bin', stem), join(dir, 'build', stem),
    join(dir, '..', 'bin', stem), join(dir, '..', 'build', stem), join(dir, `${stem}.elf`),
  ];
}

export interface Guess {
  program?: string;
  /** Why no program was found (shown to the user). */
  problem?: string;
}

/** The program to debug for the file in the active editor. */
export function guessProgram(activeFile: string | undefined, read: (p: string) => Uint8Array | undefined = readHeader): Guess {
  if (!activeFile) return { problem: 'Open a RISC-V ELF or a C file whose built program is next to it, or add a launch.json.' };
  if (isRiscvElf(activeFile, read)) return { program: activeFile };
  if (SOURCE_EXTS.has(extname(activeFile))) {
    const found = builtOutputCandidates(activeFile).find((p) => isRiscvElf(p, read));
    if (found) return { program: found };
    return { problem: `No RISC-V program built from ${basename(activeFile)} was found (looked for ${builtOutputCandidates(activeFile).map((p) => basename(dirname(p)) + '/' + basename(p)).join(', ')}). Build it with riscv64-linux-gnu-gcc -static -g.` };
  }
  return { problem: `${basename(activeFile)} is neither a RISC-V ELF nor a C/assembly source.` };
}

/**
 * Fill a configuration the user started with F5. An empty one (no launch.json) becomes a launch of the
 * guessed program; a partial one keeps what the user wrote. Returns the problem when there is no program.
 */
export function resolveLaunch(config: LaunchAttributes, activeFile: string | undefined, workspaceFolder: string | undefined,
  read: (p: string) => Uint8Array | undefined = readHeader): { config?: LaunchAttributes; problem?: string } {
  const out: LaunchAttributes = { ...config };
  const empty = !config.type && !config.request && !config.name;
  if (empty || !out.program) {
    const g = guessProgram(activeFile, read);
    if (!g.program) return { problem: g.problem };
    out.program = g.program;
  }
  out.type = out.type ?? DEBUG_TYPE;
  out.request = out.request ?? 'launch';
  out.name = out.name ?? `Debug ${basename(out.program!)}`;
  if (empty) {
    out.cwd = workspaceFolder ?? dirname(out.program!);
    out.disableRandomization = true;
  }
  return { config: out };
}

export function exists(p: string): boolean { return existsSync(p); }
