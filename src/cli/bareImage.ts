// Turn an ELF file into a bare-metal image: PT_LOAD segments at their physical addresses, the entry point,
// and the HTIF `tohost` symbol when the program has one.
import { ElfFile, PT } from '../elf/elf';
import type { BareImage } from '../hart/bare';

export function bareImageFromElf(bytes: Uint8Array): BareImage {
  const elf = ElfFile.parse(bytes);
  if (elf.header.machine !== 243) throw new Error(`not a RISC-V ELF (e_machine ${elf.header.machine})`);
  const segments = elf.programHeaders
    .filter((p) => p.type === PT.LOAD && p.memsz > 0n)
    .map((p) => ({ paddr: p.paddr, data: elf.segmentData(p), memsz: p.memsz }));
  const tohost = elf.symbols().find((s) => s.name === 'tohost' && s.shndx !== 0)?.value;
  return { entry: elf.header.entry, segments, tohost };
}
