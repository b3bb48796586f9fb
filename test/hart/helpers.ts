// Test helpers: encode single instructions from the ISA table and run them on a fresh hart.
import { INSNS } from '../../src/isa/instructions';
import { Hart, RAM_BASE } from '../../src/hart/hart';
import { CSR_PMPADDR0, CSR_PMPCFG0 } from '../../src/isa/encoding.generated';

const byName = new Map(INSNS.map((d) => [d.name, d]));

export interface Fields { rd?: number; rs1?: number; rs2?: number; rs3?: number; imm?: number; rm?: number; csr?: number; }

/** Encode a 32-bit instruction from the table's match value and the given fields. */
export function enc(name: string, f: Fields = {}): number {
  const d = byName.get(name);
  if (!d) throw new Error(`no instruction ${name}`);
  if (d.length !== 4) throw new Error(`${name} is compressed: give its bits directly`);
  let w = d.match;
  const imm = f.imm ?? 0;
  w |= (f.rd ?? 0) << 7 | (f.rs1 ?? 0) << 15 | (f.rs2 ?? 0) << 20;
  if (f.rs3 !== undefined) w |= f.rs3 << 27;
  if (f.rm !== undefined) w = (w & ~(7 << 12)) | (f.rm << 12);
  switch (d.format) {
    case 'I': case 'SHIFT': w |= (imm & 0xfff) << 20; break;
    case 'CSR': case 'CSRI': w |= ((f.csr ?? 0) & 0xfff) << 20; break;
    case 'S': w |= (imm & 0x1f) << 7 | ((imm >> 5) & 0x7f) << 25; break;
    case 'B': w |= ((imm >> 11) & 1) << 7 | ((imm >> 1) & 0xf) << 8 | ((imm >> 5) & 0x3f) << 25 | ((imm >> 12) & 1) << 31; break;
    case 'U': w |= imm & 0xfffff000; break;
    case 'J': w |= ((imm >> 12) & 0xff) << 12 | ((imm >> 11) & 1) << 20 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 20) & 1) << 31; break;
  }
  return w >>> 0;
}

export const RAM = RAM_BASE;

/**
 * PMP entry 0 over all of memory with R/W/X, as firmware leaves it before it enters S or U-mode (with no
 * entry on, S and U-mode can access nothing).
 */
export function openPmp(h: Hart): Hart {
  h.setCsr(CSR_PMPADDR0, (1n << 54n) - 1n);
  h.setCsr(CSR_PMPCFG0, 0x1fn);
  return h;
}

/** A hart with a program of instruction words (32-bit, or 16-bit given as { c: bits }) at RAM base; PMP open. */
export function hartWith(words: (number | { c: number })[], ramBytes = 4 * 1024 * 1024): Hart {
  const h = openPmp(new Hart({ ramBytes }));
  const bytes: number[] = [];
  for (const w of words) {
    if (typeof w === 'number') bytes.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
    else bytes.push(w.c & 0xff, (w.c >>> 8) & 0xff);
  }
  h.writePhys(RAM, new Uint8Array(bytes));
  h.pc = RAM;
  return h;
}

/** Run one instruction with the given integer registers and return the hart. */
export function exec1(word: number | { c: number }, regs: Record<number, bigint> = {}): Hart {
  const h = hartWith([word]);
  for (const [r, v] of Object.entries(regs)) h.setX(Number(r), v);
  h.step();
  return h;
}

export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
