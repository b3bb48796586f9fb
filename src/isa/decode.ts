// Instruction decoder over the ISA table (./instructions). See types.ts for the Decoded contract.
//
// Speed: the table is indexed by major opcode (bits 6:0) for 32-bit instructions and by quadrant + funct3
// for compressed ones, so a lookup scans a short list in table order (first match wins, see the table's
// precedence rule). Results are memoised by raw bits in a bounded Map; the returned objects are shared and
// frozen, so callers must copy before changing them.

import { INSNS, NONZERO } from './instructions';
import type { Decoded, InsnDef } from './types';

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

const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);

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
  const opc = raw & 0x7f;
  const rd = (raw >>> 7) & 31, rs1 = (raw >>> 15) & 31, rs2 = (raw >>> 20) & 31, f3 = (raw >>> 12) & 7;
  const out: Decoded = { op: e.idx, cop: -1, rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, rm: 0, length: 4, raw };
  switch (e.d.format) {
    case 'R':
      out.rd = rd; out.rs1 = rs1; out.rs2 = rs2;
      break;
    case 'R4':
      out.rd = rd; out.rs1 = rs1; out.rs2 = rs2; out.rs3 = raw >>> 27;
      break;
    case 'I':
      out.rd = rd; out.rs1 = rs1; out.imm = raw >> 20;
      break;
    case 'SHIFT':
      out.rd = rd; out.rs1 = rs1; out.imm = (raw >>> 20) & 0x3f;
      break;
    case 'S':
      out.rs1 = rs1; out.rs2 = rs2; out.imm = ((raw >> 25) << 5) | ((raw >>> 7) & 31);
      break;
    case 'B':
      out.rs1 = rs1; out.rs2 = rs2;
      out.imm = ((raw >> 31) << 12) | (((raw >>> 7) & 1) << 11) | (((raw >>> 25) & 0x3f) << 5) | (((raw >>> 8) & 15) << 1);
      break;
    case 'U':
      out.rd = rd; out.imm = (raw & 0xfffff000) | 0;
      break;
    case 'J':
      out.rd = rd;
      out.imm = ((raw >> 31) << 20) | (((raw >>> 12) & 0xff) << 12) | (((raw >>> 20) & 1) << 11) | (((raw >>> 21) & 0x3ff) << 1);
      break;
    case 'CSR':
    case 'CSRI':
      out.rd = rd; out.rs1 = rs1; out.imm = raw >>> 20;
      break;
    case 'AMO':
      out.rd = rd; out.rs1 = rs1; out.rs2 = rs2; out.rm = (raw >>> 25) & 3;
      break;
    case 'FENCE':
      out.rd = rd; out.rs1 = rs1; out.imm = (raw >>> 20) & 0xff;
      break;
    default:
      break;
  }
  // FP computational instructions carry the rounding mode (or a function code) in funct3.
  if (opc === 0x53 || (opc >= 0x43 && opc <= 0x4f && (opc & 3) === 3)) out.rm = f3;
  return out;
}

// Operand helpers for compressed forms.
const cr = (raw: number, lsb: number) => 8 + ((raw >>> lsb) & 7);     // rd'/rs1'/rs2'
const bit = (raw: number, n: number) => (raw >>> n) & 1;
const bits = (raw: number, hi: number, lo: number) => (raw >>> lo) & ((1 << (hi - lo + 1)) - 1);
const ciImm = (raw: number) => sext((bit(raw, 12) << 5) | bits(raw, 6, 2), 6);

let OPS: Record<string, number> | undefined;
function ops(): Record<string, number> {
  if (OPS === undefined) {
    OPS = {};
    for (const n of ['addi', 'addiw', 'fld', 'lw', 'ld', 'fsd', 'sw', 'sd', 'lui', 'srli', 'srai', 'andi', 'sub',
      'xor', 'or', 'and', 'subw', 'addw', 'jal', 'beq', 'bne', 'slli', 'jalr', 'add', 'ebreak']) OPS[n] = opIndex(n);
  }
  return OPS;
}

function decode16(raw: number): Decoded {
  const e = find(index16[(raw & 3) | (((raw >>> 13) & 7) << 2)], raw);
  if (e === undefined || (e.nz !== 0 && (raw & e.nz) === 0)) return illegal(raw, 2);
  const O = ops();
  const out: Decoded = { op: O[e.d.expandsTo!], cop: e.idx, rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, rm: 0, length: 2, raw };
  const r = bits(raw, 11, 7), r2 = bits(raw, 6, 2);
  switch (e.d.name) {
    case 'c.addi4spn':
      out.rd = cr(raw, 2); out.rs1 = 2;
      out.imm = (bits(raw, 12, 11) << 4) | (bits(raw, 10, 7) << 6) | (bit(raw, 6) << 2) | (bit(raw, 5) << 3);
      break;
    case 'c.fld': case 'c.ld':
      out.rd = cr(raw, 2); out.rs1 = cr(raw, 7); out.imm = (bits(raw, 12, 10) << 3) | (bits(raw, 6, 5) << 6);
      break;
    case 'c.lw':
      out.rd = cr(raw, 2); out.rs1 = cr(raw, 7);
      out.imm = (bits(raw, 12, 10) << 3) | (bit(raw, 6) << 2) | (bit(raw, 5) << 6);
      break;
    case 'c.fsd': case 'c.sd':
      out.rs2 = cr(raw, 2); out.rs1 = cr(raw, 7); out.imm = (bits(raw, 12, 10) << 3) | (bits(raw, 6, 5) << 6);
      break;
    case 'c.sw':
      out.rs2 = cr(raw, 2); out.rs1 = cr(raw, 7);
      out.imm = (bits(raw, 12, 10) << 3) | (bit(raw, 6) << 2) | (bit(raw, 5) << 6);
      break;
    case 'c.nop': case 'c.addi': case 'c.addiw':
      out.rd = r; out.rs1 = r; out.imm = ciImm(raw);
      break;
    case 'c.li':
      out.rd = r; out.rs1 = 0; out.imm = ciImm(raw);
      break;
    case 'c.addi16sp':
      out.rd = 2; out.rs1 = 2;
      out.imm = sext((bit(raw, 12) << 9) | (bit(raw, 6) << 4) | (bit(raw, 5) << 6) | (bits(raw, 4, 3) << 7) | (bit(raw, 2) << 5), 10);
      break;
    case 'c.lui':
      out.rd = r; out.imm = ciImm(raw) << 12;
      break;
    case 'c.srli': case 'c.srai':
      out.rd = cr(raw, 7); out.rs1 = out.rd; out.imm = (bit(raw, 12) << 5) | r2;
      break;
    case 'c.andi':
      out.rd = cr(raw, 7); out.rs1 = out.rd; out.imm = ciImm(raw);
      break;
    case 'c.sub': case 'c.xor': case 'c.or': case 'c.and': case 'c.subw': case 'c.addw':
      out.rd = cr(raw, 7); out.rs1 = out.rd; out.rs2 = cr(raw, 2);
      break;
    case 'c.j':
      out.rd = 0;
      out.imm = sext((bit(raw, 12) << 11) | (bit(raw, 11) << 4) | (bits(raw, 10, 9) << 8) | (bit(raw, 8) << 10) |
        (bit(raw, 7) << 6) | (bit(raw, 6) << 7) | (bits(raw, 5, 3) << 1) | (bit(raw, 2) << 5), 12);
      break;
    case 'c.beqz': case 'c.bnez':
      out.rs1 = cr(raw, 7); out.rs2 = 0;
      out.imm = sext((bit(raw, 12) << 8) | (bits(raw, 11, 10) << 3) | (bits(raw, 6, 5) << 6) | (bits(raw, 4, 3) << 1) |
        (bit(raw, 2) << 5), 9);
      break;
    case 'c.slli':
      out.rd = r; out.rs1 = r; out.imm = (bit(raw, 12) << 5) | r2;
      break;
    case 'c.fldsp': case 'c.ldsp':
      out.rd = r; out.rs1 = 2; out.imm = (bit(raw, 12) << 5) | (bits(raw, 6, 5) << 3) | (bits(raw, 4, 2) << 6);
      break;
    case 'c.lwsp':
      out.rd = r; out.rs1 = 2; out.imm = (bit(raw, 12) << 5) | (bits(raw, 6, 4) << 2) | (bits(raw, 3, 2) << 6);
      break;
    case 'c.jr':
      out.rd = 0; out.rs1 = r;
      break;
    case 'c.jalr':
      out.rd = 1; out.rs1 = r;
      break;
    case 'c.mv':
      out.rd = r; out.rs1 = 0; out.rs2 = r2;
      break;
    case 'c.add':
      out.rd = r; out.rs1 = r; out.rs2 = r2;
      break;
    case 'c.ebreak':
      break;
    case 'c.fsdsp': case 'c.sdsp':
      out.rs1 = 2; out.rs2 = r2; out.imm = (bits(raw, 12, 10) << 3) | (bits(raw, 9, 7) << 6);
      break;
    case 'c.swsp':
      out.rs1 = 2; out.rs2 = r2; out.imm = (bits(raw, 12, 9) << 2) | (bits(raw, 8, 7) << 6);
      break;
    default:
      return illegal(raw, 2);
  }
  return out;
}
