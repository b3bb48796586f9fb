// Turn an ELF file into a bare-metal image (src/elf/image.ts), refusing anything but RISC-V.
import { ElfFile, EM_RISCV } from '../elf/elf';
import { loadImage } from '../elf/image';
import type { BareImage } from '../hart/bare';

export function bareImageFromElf(bytes: Uint8Array): BareImage {
  const elf = ElfFile.parse(bytes);
  if (elf.header.machine !== EM_RISCV) throw new Error(`not a RISC-V ELF (e_machine ${elf.header.machine})`);
  return loadImage(elf);
}
