// What a mutated ELF goes through: the ELF reader and its indexes (symbols, lines, CFI), the disassembler
// (`riscv-vdso disasm`), the kernel model's exec as the program and as the vDSO, each bounded in work.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfFile } from '../../../src/elf/elf';
import { SymbolIndex } from '../../../src/elf/symbols';
import { LineIndex } from '../../../src/elf/dwarfLine';
import { CfiTable } from '../../../src/elf/dwarfCfi';
import { disasmListing } from '../../../src/cli/disasm';
import { launch } from '../../../src/kernel/process';
import { Campaign } from './campaign';

export const ROOT = join(__dirname, '..', '..', '..');
export const SEEDS = {
  small: [join(ROOT, 'dist', 'guest', 'vdso.so'), join(ROOT, 'dist', 'guest', 'vdso.so.dbg'), join(ROOT, 'test', 'dap', 'fixtures', 'counter.elf'),
    join(ROOT, 'test', 'fixtures', 'bare', 'build', 'hello.elf'), join(ROOT, 'dist', 'guest', 'entry.elf')],
  linux: [join(ROOT, 'test', 'fixtures', 'linux', 'build', 'hello')],
};
export const HELLO = SEEDS.linux[0];
/** Guest RAM of a fuzz launch: a mutant runs a few thousand instructions, and a small hart starts faster. */
const RAM = 16 * 1024 * 1024;

/** The reader, its indexes and the disassembler over one file (the full listing only for small files or when asked). */
export function elfStatic(c: Campaign, bytes: Uint8Array, label: string, full = bytes.length <= 65536): void {
  c.run(`${label} reader`, () => {
    const elf = ElfFile.parse(bytes);
    void elf.interp;
    const parts: (() => unknown)[] = [
      () => elf.symbols(), () => elf.dynamicSymbols(), () => SymbolIndex.fromElf(elf), () => LineIndex.fromElf(elf),
      () => CfiTable.fromElf(elf), ...(full ? [() => disasmListing(bytes, 'mutant')] : []),
    ];
    // each part on its own: a clean refusal of one must not hide a crash of the next
    let firstClean: unknown;
    for (const p of parts) {
      try { p(); } catch (e) {
        if (e instanceof Error && e.name === 'ElfError') { firstClean ??= e; continue; }
        throw e;
      }
    }
    if (firstClean) throw firstClean;
  });
}

/** The kernel model's exec of the file as the program (as given: it must be refused or run, bounded). */
export function elfRun(c: Campaign, path: string, bytes: Uint8Array, label: string, steps = 5_000): void {
  writeFileSync(path, bytes);
  c.run(`${label} run`, () => {
    const p = launch({ program: path, disableRandomization: true, seed: 1, ramBytes: RAM, onStdout: () => {}, onStderr: () => {}, onWarning: () => {} });
    p.run(steps);
  });
}

/** The kernel model's exec of a good program with the file as its vDSO. */
export function vdsoRun(c: Campaign, path: string, bytes: Uint8Array, label: string, steps = 5_000): void {
  writeFileSync(path, bytes);
  c.run(`${label} vdso`, () => {
    const p = launch({ program: HELLO, vdso: path, disableRandomization: true, seed: 1, ramBytes: RAM, onStdout: () => {}, onStderr: () => {}, onWarning: () => {} });
    p.run(steps);
  });
}
