// Operand specifications of assembler forms (shared by the mnemonic table and the pseudo-instruction table).

/** Relocation operators, by the kind of field they fill. */
export const LO_RELOCS = ['lo', 'pcrel_lo', 'tprel_lo'];
export const HI_RELOCS = ['hi', 'pcrel_hi', 'tprel_hi', 'got_pcrel_hi', 'tls_ie_pcrel_hi', 'tls_gd_pcrel_hi'];

export type RegSet = 'any' | 'c' | 'nz' | 'sp' | 'nzsp';

export type Spec =
  | { k: 'x'; set: RegSet; name: string }
  | { k: 'f'; set: 'any' | 'c'; name: string }
  | { k: 'imm'; name: string; ranges: readonly (readonly [bigint, bigint])[]; align?: number; relocs: readonly string[] }
  | { k: 'mem'; name: string; min: bigint; max: bigint; align?: number; base: RegSet; zeroOnly?: boolean }
  | { k: 'csr'; name: string }
  | { k: 'target'; name: string }                 // branch/jump target: any expression, may be empty
  | { k: 'address'; name: string }                // la/lla/call symbol: a symbol (+ constant)
  | { k: 'symbol'; name: string }                 // a symbol that must not be a plain number (lw rd, sym)
  | { k: 'li'; name: string }                     // a 64-bit constant
  | { k: 'rm'; name: string }
  | { k: 'fence'; name: string }
  | { k: 'tpadd'; name: string };

export interface Form {
  readonly specs: readonly Spec[];
}

export const X = (name: string, set: RegSet = 'any'): Spec => ({ k: 'x', set, name });
export const F = (name: string, set: 'any' | 'c' = 'any'): Spec => ({ k: 'f', set, name });
export const range = (lo: number | bigint, hi: number | bigint): readonly [bigint, bigint] => [BigInt(lo), BigInt(hi)];
export const IMM12: Spec = { k: 'imm', name: 'imm', ranges: [range(-2048, 2047)], relocs: LO_RELOCS };
export const UIMM20: Spec = { k: 'imm', name: 'imm', ranges: [range(0, 0xfffff)], relocs: HI_RELOCS };
export const MEM12: Spec = { k: 'mem', name: 'offset(rs1)', min: -2048n, max: 2047n, base: 'any' };
export const TARGET: Spec = { k: 'target', name: 'target' };
export const shamt = (bits: number): Spec => ({ k: 'imm', name: 'shamt', ranges: [range(0, (1 << bits) - 1)], relocs: [] });
export const ZIMM: Spec = { k: 'imm', name: 'uimm5', ranges: [range(0, 31)], relocs: [] };

