// Instruction decoder over the ISA table (./instructions). See types.ts for the Decoded contract.
//
// Speed: the table is indexed by major opcode (bits 6:0) for 32-bit instructions and by quadrant + funct3
// for compressed ones, so a lookup scans a short list in table order (first match wins, see the table's
// precedence rule). Results are memoised by raw bits in a bounded Map; the returned objects are shared and
// frozen, so callers must copy before changing them.

import { INSNS, NONZERO } from './instructions';
import type { Decoded, InsnDef } from './types';
import { COMPRESSED_LAYOUTS, FORMAT_LAYOUTS, FP_RM, fieldValue, fpRoundingMode, type Layout } from './operands';

interface Entry { readonly idx: number; readonly d: InsnDef; readonly nz: number }

const index32: Entry[][] = Array.from({ length: 128 }, () => []);
const index16: Entry[][] = Array.from({ length: 32 }, () => []);
const names = new Map<string, number>();

INSNS.forEach((d, idx) => {
  names.set(d.name, idx);
  const e: Entry = { idx, d, nz: NONZERO[d.name] ?? 0 };
  if (d.length === 4) {
    index32[d.match & 0x7f].push(e);
  } else {
    // quadrant + funct3; every compressed entry fixes both
    index16[(d.match & 3) | (((d.match >>> 13) & 7) << 2)].push(e);
  }
});

/** Index into INSNS of the named instruction; throws for an unknown name. */
export function opIndex(name: string): number {
  const i = names.get(name);
  if (i === undefined) throw new Error(`unknown instruction ${name}`);
  return i;
}

const MEMO_MAX = 1 << 16;
const memo = new Map<number, Decoded>();

function illegal(raw: number, length: 2 | 4): Decoded {
  return { op: -1, cop: -1, rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, rm: 0, length, raw };
}

/**
 * Decode an instruction. `bits` holds the instruction: when its low two bits are not 11 only the low 16 bits
 * are used (compressed); otherwise all 32. `raw` in the result is the instruction's own bits (16 or 32,
 * unsigned).
 */
export function decode(bits: number): Decoded {
  const raw = (bits & 3) === 3 ? bits >>> 0 : bits & 0xffff;
  const hit = memo.get(raw);
  if (hit !== undefined) return hit;
  const d = raw > 0xffff || (raw & 3) === 3 ? decode32(raw) : decode16(raw);
  if (memo.size >= MEMO_MAX) memo.clear();
  Object.freeze(d);
  memo.set(raw, d);
  return d;
}

function find(list: Entry[], raw: number): Entry | undefined {
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (((raw & e.d.mask) >>> 0) === e.d.match) return e;
  }
  return undefined;
}

function decode32(raw: number): Decoded {
  const e = find(index32[raw & 0x7f], raw);
  if (e === undefined || (e.nz !== 0 && (raw & e.nz) === 0)) return illegal(raw, 4);
  const out = operands(e.idx, -1, 4, raw, FORMAT_LAYOUTS[e.d.format] ?? {});
  if (fpRoundingMode(raw & 0x7f)) out.rm = fieldValue(FP_RM, raw);
  return out;
}

function operands(op: number, cop: number, length: 2 | 4, raw: number, l: Layout): Decoded {
  return {
    op, cop, rd: fieldValue(l.rd, raw), rs1: fieldValue(l.rs1, raw), rs2: fieldValue(l.rs2, raw), rs3: fieldValue(l.rs3, raw),
    imm: fieldValue(l.imm, raw), rm: fieldValue(l.rm, raw), length, raw,
  };
}

function decode16(raw: number): Decoded {
  const e = find(index16[(raw & 3) | (((raw >>> 13) & 7) << 2)], raw);
  if (e === undefined || (e.nz !== 0 && (raw & e.nz) === 0)) return illegal(raw, 2);
  const l = COMPRESSED_LAYOUTS[e.d.name];
  if (l === undefined) return illegal(raw, 2);
  return operands(opIndex(e.d.expandsTo!), e.idx, 2, raw, l);
}
