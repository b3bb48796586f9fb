// riscv-vdso disasm FILE: an objdump -d style listing of the executable sections of an ELF file.
import { readInputFile } from './inputs';
import { ElfFile, SHF, STT } from '../elf/elf';
import { decode } from '../isa/decode';
import { disassemble, listingLine, newDisasmContext } from '../isa/disasm';

export function disasmListing(bytes: Uint8Array, fileName: string): string {
  const elf = ElfFile.parse(bytes);
  const out: string[] = [`\n${fileName}:     file format elf64-littleriscv\n`];
  const labels = new Map<bigint, string>();
  for (const s of [...elf.symbols(), ...elf.dynamicSymbols()]) {
    // mapping symbols ($x, $d) and assembler-local labels (.L*) are not labels in objdump's listing
    if (s.shndx === 0 || s.name === '' || s.name.startsWith('$') || s.name.startsWith('.L') || s.type === STT.SECTION || s.type === STT.FILE) continue;
    if (!labels.has(s.value) || s.type === STT.FUNC) labels.set(s.value, s.name);
  }
  const gp = elf.symbols().find((s) => s.name === '__global_pointer$')?.value;
  const ctx = newDisasmContext(gp);
  // objdump names an address after the nearest symbol at or below it
  const sorted = [...labels.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const symName = (a: bigint): string | undefined => {
    let lo = 0, hi = sorted.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid][0] <= a) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    const [base, name] = sorted[best];
    return a === base ? name : `${name}+0x${(a - base).toString(16)}`;
  };
  for (const sec of elf.sections) {
    if ((sec.flags & SHF.EXECINSTR) === 0n || sec.size === 0n || sec.type === 8 /* NOBITS */) continue;
    out.push(`\nDisassembly of section ${sec.name}:\n`);
    const data = elf.sectionData(sec);
    let off = 0;
    while (off < data.length) {
      const addr = sec.addr + BigInt(off);
      const label = labels.get(addr);
      if (label !== undefined) out.push(`\n${addr.toString(16).padStart(16, '0')} <${label}>:`);
      if (off + 2 > data.length) break;
      let bits = data[off] | (data[off + 1] << 8);
      let len = 2;
      if ((bits & 3) === 3) {
        if (off + 4 > data.length) break;
        bits = (bits | (data[off + 2] << 16) | (data[off + 3] << 24)) >>> 0;
        len = 4;
      }
      const d = decode(bits);
      const text = d.op < 0 ? `.${len === 2 ? '2byte' : '4byte'}\t0x${bits.toString(16)}` : disassemble(d, addr, symName, ctx).text;
      out.push(listingLine(addr, d, text, sec.addr + sec.size));
      off += len;
    }
  }
  return out.join('\n') + '\n';
}

export function disasmCommand(args: string[]): number {
  const file = args[0];
  if (!file) { process.stderr.write('riscv-vdso: disasm: no file given\n'); return 2; }
  let bytes: Uint8Array;
  try { bytes = readInputFile(file); } catch (e) {
    process.stderr.write(`riscv-vdso: disasm: ${(e as Error).message}\n`);
    return 2;
  }
  process.stdout.write(disasmListing(bytes, file));
  return 0;
}
