// What F5 launches when there is no launch.json (or an empty configuration): the pure part of the
// DebugConfigurationProvider, without `vscode`, so it is unit-tested directly (test/extension/config.test.ts).
//
//  * the active file is a RISC-V ELF (e_machine 243)  -> program = that file
//  * the active file is C/C++/assembly                 -> program = its built output next to it: foo.c -> foo,
//                                                         then bin/foo, build/foo, ../bin/foo, ../build/foo, foo.elf
//  * otherwise                                         -> no program (the message names the file)
// and, after VS Code substituted the variables, checkLaunch(): "${file}" on a source file becomes its program,
// then the adapter's launch-argument checks (src/debug/launchArgs.ts) report a bad value before a session starts.
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { LaunchConfig } from '../debug/launch';

export const DEBUG_TYPE = 'riscv-vdso';
/** e_machine of RISC-V, written here so activation loads nothing of src/elf (test/extension/config.test.ts checks it). */
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

export const NAME_PREFIX = 'RISC-V vDSO Lab: ';

/** The one initial configuration (package.json's initialConfigurations is the same) and the snippets' body. */
export const ACTIVE_FILE_CONFIGURATION = {
  type: DEBUG_TYPE, request: 'launch', name: `${NAME_PREFIX}Debug the active file`, program: '${file}', cwd: '${workspaceFolder}', disableRandomization: true,
} as const;

export function isSourceFile(path: string): boolean { return SOURCE_EXTS.has(extname(path)); }

/** The program built from a C/C++/assembly source, or why there is none. */
export function builtProgram(source: string, read: (p: string) => Uint8Array | undefined = readHeader): Guess {
  const found = builtOutputCandidates(source).find((p) => isRiscvElf(p, read));
  if (found) return { program: found };
  return { problem: `No RISC-V program built from ${source} was found (looked for ${builtOutputCandidates(source).map((p) => basename(dirname(p)) + '/' + basename(p)).join(', ')}). Build it with riscv64-linux-gnu-gcc -static -g.` };
}

/** The program to debug for the file in the active editor. */
export function guessProgram(activeFile: string | undefined, read: (p: string) => Uint8Array | undefined = readHeader): Guess {
  if (!activeFile) return { problem: 'There is no file in the editor to debug: open a RISC-V ELF or a C file whose built program is next to it, or add a launch.json with a "program".' };
  if (isSourceFile(activeFile)) return builtProgram(activeFile, read);
  const h = read(activeFile);
  if (h && elfInfo(h)) return { program: activeFile }; // another machine's ELF: checkLaunch() says which
  return { problem: `${activeFile} is neither a RISC-V ELF nor a C/C++/assembly source: open the program (or its source) in the editor, or add a launch.json with a "program".` };
}

/**
 * Fill a configuration the user started with F5 (before VS Code substitutes variables). An empty one (no
 * launch.json) becomes a launch of the guessed program; one from launch.json is left as written.
 */
export function resolveLaunch(config: LaunchAttributes, activeFile: string | undefined, workspaceFolder: string | undefined,
  read: (p: string) => Uint8Array | undefined = readHeader): { config?: LaunchAttributes; problem?: string } {
  const empty = !config.type && !config.request && !config.name;
  if (!empty) return { config: { ...config } };
  const g = guessProgram(activeFile, read);
  if (!g.program) return { problem: g.problem };
  return {
    config: {
      type: DEBUG_TYPE, request: 'launch', name: `${NAME_PREFIX}Debug ${basename(g.program)}`, program: g.program,
      cwd: workspaceFolder ?? dirname(g.program), disableRandomization: true,
    },
  };
}

type LaunchArgsModule = typeof import('../debug/launchArgs');

/**
 * After variable substitution: a C/assembly source as "program" (e.g. "${file}" on vdso.c) becomes its built
 * program, then the adapter's own checks run (src/debug/launchArgs.ts, loaded on demand: a small module
 * without the emulator), so launch.json mistakes are reported before a session starts.
 */
export function checkLaunch(config: LaunchAttributes, read: (p: string) => Uint8Array | undefined = readHeader): { config?: LaunchAttributes; problem?: string } {
  const out: LaunchAttributes = { ...config };
  if (typeof out.program === 'string' && isSourceFile(out.program)) {
    const b = builtProgram(out.program, read);
    if (!b.program) return { problem: b.problem };
    out.program = b.program;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { launchArgumentsProblem } = require('../debug/launchArgs') as LaunchArgsModule;
  const problem = launchArgumentsProblem(out);
  if (problem) return { problem: config.name ? `${problem} (configuration "${config.name}")` : problem };
  return { config: out };
}

export function exists(p: string): boolean { return existsSync(p); }
