// Where each operand of a decoded instruction comes from, as data: per 32-bit format and per compressed form,
// the bit pieces of rd, rs1, rs2, rs3, imm and rm. The JavaScript decoder (./decode.ts) reads these tables at
// run time; scripts/gen-decoder.ts turns the same tables into the execution core's decoder
// (src/hart/core/decode.generated.ts). One source: an operand's layout is written here and nowhere else.

import type { Format } from './types';

/** Bits [lo, lo + width) of the instruction go to bits [to, to + width) of the operand. */
export type Piece = readonly [lo: number, width: number, to: number];

/**
 * An operand: a constant, or the OR of its pieces, sign-extended from its highest bit when `signed`, plus
 * `add` (8 for the x8..x15 registers of the compressed forms).
 */
export type Field = number | { readonly pieces: readonly Piece[]; readonly signed?: boolean; readonly add?: number };

/** The operands an instruction has; missing ones are 0. */
export interface Layout {
  readonly rd?: Field;
  readonly rs1?: Field;
  readonly rs2?: Field;
  readonly rs3?: Field;
  readonly imm?: Field;
  readonly rm?: Field;
}

export const OPERAND_NAMES = ['rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm'] as const;
export type OperandName = (typeof OPERAND_NAMES)[number];

const reg = (lo: number): Field => ({ pieces: [[lo, 5, 0]] });
/** x8..x15 in three bits (rd', rs1', rs2'). */
const creg = (lo: number): Field => ({ pieces: [[lo, 3, 0]], add: 8 });
const RD = reg(7), RS1 = reg(15), RS2 = reg(20);
const imm = (pieces: Piece[], signed = false): Field => ({ pieces, signed });

/** 32-bit formats. */
export const FORMAT_LAYOUTS: Readonly<Partial<Record<Format, Layout>>> = {
  R: { rd: RD, rs1: RS1, rs2: RS2 },
  R4: { rd: RD, rs1: RS1, rs2: RS2, rs3: reg(27) },
  I: { rd: RD, rs1: RS1, imm: imm([[20, 12, 0]], true) },
  SHIFT: { rd: RD, rs1: RS1, imm: imm([[20, 6, 0]]) },
  S: { rs1: RS1, rs2: RS2, imm: imm([[7, 5, 0], [25, 7, 5]], true) },
  B: { rs1: RS1, rs2: RS2, imm: imm([[8, 4, 1], [25, 6, 5], [7, 1, 11], [31, 1, 12]], true) },
  U: { rd: RD, imm: imm([[12, 20, 12]], true) },
  J: { rd: RD, imm: imm([[21, 10, 1], [20, 1, 11], [12, 8, 12], [31, 1, 20]], true) },
  CSR: { rd: RD, rs1: RS1, imm: imm([[20, 12, 0]]) },
  CSRI: { rd: RD, rs1: RS1, imm: imm([[20, 12, 0]]) },
  AMO: { rd: RD, rs1: RS1, rs2: RS2, rm: { pieces: [[25, 2, 0]] } },
  FENCE: { rd: RD, rs1: RS1, imm: imm([[20, 8, 0]]) },
  NONE: {},
};

/** FP computational instructions (OP-FP and the fused multiply-adds) carry the rounding mode in funct3. */
export function fpRoundingMode(opcode: number): boolean {
  return opcode === 0x53 || (opcode >= 0x43 && opcode <= 0x4f && (opcode & 3) === 3);
}
/** The rounding-mode operand of those instructions. */
export const FP_RM: Field = { pieces: [[12, 3, 0]] };

// Compressed immediates, named after the RVC spec's operand diagrams.
const CI_IMM = imm([[2, 5, 0], [12, 1, 5]], true);
const CL_D = imm([[10, 3, 3], [5, 2, 6]]);         // ld/fld/sd/fsd: uimm[5:3|7:6]
const CL_W = imm([[10, 3, 3], [6, 1, 2], [5, 1, 6]]); // lw/sw: uimm[5:3|2|6]
const CSS_D = imm([[10, 3, 3], [7, 3, 6]]);
const CSS_W = imm([[9, 4, 2], [7, 2, 6]]);
const C_SHAMT = imm([[2, 5, 0], [12, 1, 5]]);
const CB_OFF = imm([[3, 2, 1], [10, 2, 3], [2, 1, 5], [5, 2, 6], [12, 1, 8]], true);
const CJ_OFF = imm([[3, 3, 1], [11, 1, 4], [2, 1, 5], [7, 1, 6], [6, 1, 7], [9, 2, 8], [8, 1, 10], [12, 1, 11]], true);
const CR_R = reg(7), CR_R2 = reg(2);
const SP = 2;

/** Compressed forms, by name: the operands of the base instruction they expand to. */
export const COMPRESSED_LAYOUTS: Readonly<Record<string, Layout>> = {
  'c.addi4spn': { rd: creg(2), rs1: SP, imm: imm([[6, 1, 2], [5, 1, 3], [11, 2, 4], [7, 4, 6]]) },
  'c.fld': { rd: creg(2), rs1: creg(7), imm: CL_D },
  'c.ld': { rd: creg(2), rs1: creg(7), imm: CL_D },
  'c.lw': { rd: creg(2), rs1: creg(7), imm: CL_W },
  'c.fsd': { rs2: creg(2), rs1: creg(7), imm: CL_D },
  'c.sd': { rs2: creg(2), rs1: creg(7), imm: CL_D },
  'c.sw': { rs2: creg(2), rs1: creg(7), imm: CL_W },
  'c.nop': { rd: CR_R, rs1: CR_R, imm: CI_IMM },
  'c.addi': { rd: CR_R, rs1: CR_R, imm: CI_IMM },
  'c.addiw': { rd: CR_R, rs1: CR_R, imm: CI_IMM },
  'c.li': { rd: CR_R, rs1: 0, imm: CI_IMM },
  'c.addi16sp': { rd: SP, rs1: SP, imm: imm([[6, 1, 4], [2, 1, 5], [5, 1, 6], [3, 2, 7], [12, 1, 9]], true) },
  'c.lui': { rd: CR_R, imm: imm([[2, 5, 12], [12, 1, 17]], true) },
  'c.srli': { rd: creg(7), rs1: creg(7), imm: C_SHAMT },
  'c.srai': { rd: creg(7), rs1: creg(7), imm: C_SHAMT },
  'c.andi': { rd: creg(7), rs1: creg(7), imm: CI_IMM },
  'c.sub': { rd: creg(7), rs1: creg(7), rs2: creg(2) },
  'c.xor': { rd: creg(7), rs1: creg(7), rs2: creg(2) },
  'c.or': { rd: creg(7), rs1: creg(7), rs2: creg(2) },
  'c.and': { rd: creg(7), rs1: creg(7), rs2: creg(2) },
  'c.subw': { rd: creg(7), rs1: creg(7), rs2: creg(2) },
  'c.addw': { rd: creg(7), rs1: creg(7), rs2: creg(2) },
  'c.j': { rd: 0, imm: CJ_OFF },
  'c.beqz': { rs1: creg(7), rs2: 0, imm: CB_OFF },
  'c.bnez': { rs1: creg(7), rs2: 0, imm: CB_OFF },
  'c.slli': { rd: CR_R, rs1: CR_R, imm: C_SHAMT },
  'c.fldsp': { rd: CR_R, rs1: SP, imm: imm([[12, 1, 5], [5, 2, 3], [2, 3, 6]]) },
  'c.ldsp': { rd: CR_R, rs1: SP, imm: imm([[12, 1, 5], [5, 2, 3], [2, 3, 6]]) },
  'c.lwsp': { rd: CR_R, rs1: SP, imm: imm([[12, 1, 5], [4, 3, 2], [2, 2, 6]]) },
  'c.jr': { rd: 0, rs1: CR_R },
  'c.jalr': { rd: 1, rs1: CR_R },
  'c.mv': { rd: CR_R, rs1: 0, rs2: CR_R2 },
  'c.add': { rd: CR_R, rs1: CR_R, rs2: CR_R2 },
  'c.ebreak': {},
  'c.fsdsp': { rs1: SP, rs2: CR_R2, imm: CSS_D },
  'c.sdsp': { rs1: SP, rs2: CR_R2, imm: CSS_D },
  'c.swsp': { rs1: SP, rs2: CR_R2, imm: CSS_W },
};

/** The value of a field in instruction bits `raw`. */
export function fieldValue(f: Field | undefined, raw: number): number {
  if (f === undefined) return 0;
  if (typeof f === 'number') return f;
  let v = 0, top = 0;
  for (const [lo, width, to] of f.pieces) {
    v |= ((raw >>> lo) & ((1 << width) - 1)) << to;
    top = Math.max(top, to + width);
  }
  if (f.signed && top < 32) v = (v << (32 - top)) >> (32 - top);
  return (v | 0) + (f.add ?? 0);
}
