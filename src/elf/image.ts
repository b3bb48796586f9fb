// A program as a bare-metal machine loads it: the PT_LOAD segments at their physical addresses, the entry point,
// and the HTIF `tohost` symbol when the program has one (the convention of Spike and riscv-tests). The hart's
// bare-metal machine (src/hart/bare.ts BareImage) takes this shape; the CLI, the bench, the tests and the
// debugger's bare target all build it here.
import { ElfFile, PT } from './elf';

export interface LoadSegment { paddr: bigint; data: Uint8Array; memsz: bigint }
export interface LoadImage { entry: bigint; segments: LoadSegment[]; tohost?: bigint }

export function loadImage(elf: ElfFile): LoadImage {
  const segments = elf.programHeaders
    .filter((p) => p.type === PT.LOAD && p.memsz > 0n)
    .map((p) => ({ paddr: p.paddr, data: elf.segmentData(p), memsz: p.memsz }));
  const tohost = elf.symbols().find((s) => s.name === 'tohost' && s.shndx !== 0)?.value;
  return { entry: elf.header.entry, segments, tohost };
}
