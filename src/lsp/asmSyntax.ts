// Assembler syntax for the language server: which operand forms GNU as (binutils 2.40, -march=rv64gc) accepts
// for each mnemonic. Instruction facts (names, operands, encodings, extensions) come from the ISA table in
// src/isa/; this module only adds what is assembler syntax: the alias forms gas accepts for real instructions
// (`add rd, rs1, imm`, `jalr rs`, `lw rd, symbol`, optional rounding modes, .aq/.rl suffixes), the
// pseudo-instructions (./pseudo), relocation operators and register/CSR spellings.

import { INSNS, byName } from '../isa/instructions';
import type { InsnDef, OperandKind } from '../isa/types';
import { CSRS } from '../isa/csrs';
import { CSR_STVAL, CSR_MTVAL, CSR_SATP, CSR_MCOUNTINHIBIT, CSR_PMPCFG0, CSR_PMPADDR0 } from '../isa/encoding.generated';
import { XNAMES, FNAMES, csrName } from '../isa/disasm';
import { PSEUDOS, type PseudoDef } from './pseudo';
import { X, F, range, IMM12, UIMM20, MEM12, TARGET, ZIMM, shamt, LO_RELOCS, HI_RELOCS, type Spec, type Form } from './specs';
export type { Spec, Form } from './specs';

// ---- registers ----------------------------------------------------------------------------------------------
/** Register spelling -> number, integer file. */
export const XREGS: ReadonlyMap<string, number> = new Map([
  ...XNAMES.map((n, i) => [n, i] as [string, number]),
  ...Array.from({ length: 32 }, (_, i) => [`x${i}`, i] as [string, number]),
  ['fp', 8],
]);
/** Register spelling -> number, floating-point file. */
export const FREGS: ReadonlyMap<string, number> = new Map([
  ...FNAMES.map((n, i) => [n, i] as [string, number]),
  ...Array.from({ length: 32 }, (_, i) => [`f${i}`, i] as [string, number]),
]);
/** Looks like a register name (so a typo such as x32 or a8 is an unknown register, not a symbol). */
export const REGISTER_LIKE = /^(x\d+|f\d+|[ast]\d+|f[ast]\d+|ft\d+)$/;

// ---- CSRs ---------------------------------------------------------------------------------------------------
/** Every CSR name the assembler accepts -> address: the CSR table, the disassembler's names, and the PMP
 * registers beyond those (gas knows pmpcfg0..15 and pmpaddr0..63). */
export const CSR_NAMES: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (let a = 0; a < 0x1000; a++) {
    const n = csrName(a);
    if (!n.startsWith('0x')) m.set(n, a);
  }
  for (const c of CSRS) m.set(c.name, c.address);
  // names from older privileged specs that gas 2.40 still accepts
  // (utval, dscratch0 and the old counter-enable pair are not in our table: their numbers are gas's)
  for (const [n, a] of [['ubadaddr', 0x043], ['sbadaddr', CSR_STVAL], ['mbadaddr', CSR_MTVAL], ['sptbr', CSR_SATP], ['dscratch', 0x7b2],
    ['mucounteren', CSR_MCOUNTINHIBIT], ['mscounteren', 0x321], ['mhcounteren', 0x322]] as const) m.set(n, a);
  for (let i = 0; i < 16; i++) m.set(`pmpcfg${i}`, CSR_PMPCFG0 + i);
  for (let i = 0; i < 64; i++) m.set(`pmpaddr${i}`, CSR_PMPADDR0 + i);
  return m;
})();

export const ROUNDING_MODES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'] as const;

export const RELOC_OPERATORS = [...LO_RELOCS, ...HI_RELOCS, 'tprel_add'];

/** Shift-amount width of a shift instruction, from its mask: the shamt bits (20..25) the mask leaves free. */
function shamtBits(d: InsnDef): number {
  let n = 0;
  for (let b = 20; b <= 25; b++) if ((d.mask & (1 << b)) === 0) n++;
  return n;
}

// Compressed forms: register sets and immediate ranges of each RVC instruction (RVC spec, chapter 16).
const C_SPECS: Record<string, Spec[]> = {
  'c.addi4spn': [X('rd', 'c'), X('rs1', 'sp'), { k: 'imm', name: 'nzuimm', ranges: [range(4, 1020)], align: 4, relocs: [] }],
  'c.fld': [F('rd', 'c'), { k: 'mem', name: 'uimm(rs1)', min: 0n, max: 248n, align: 8, base: 'c' }],
  'c.lw': [X('rd', 'c'), { k: 'mem', name: 'uimm(rs1)', min: 0n, max: 124n, align: 4, base: 'c' }],
  'c.ld': [X('rd', 'c'), { k: 'mem', name: 'uimm(rs1)', min: 0n, max: 248n, align: 8, base: 'c' }],
  'c.fsd': [F('rs2', 'c'), { k: 'mem', name: 'uimm(rs1)', min: 0n, max: 248n, align: 8, base: 'c' }],
  'c.sw': [X('rs2', 'c'), { k: 'mem', name: 'uimm(rs1)', min: 0n, max: 124n, align: 4, base: 'c' }],
  'c.sd': [X('rs2', 'c'), { k: 'mem', name: 'uimm(rs1)', min: 0n, max: 248n, align: 8, base: 'c' }],
  'c.nop': [],
  'c.addi': [X('rd'), { k: 'imm', name: 'imm', ranges: [range(-32, 31)], relocs: [] }],
  'c.addiw': [X('rd', 'nz'), { k: 'imm', name: 'imm', ranges: [range(-32, 31)], relocs: [] }],
  'c.li': [X('rd'), { k: 'imm', name: 'imm', ranges: [range(-32, 31)], relocs: [] }],
  'c.addi16sp': [X('rd', 'sp'), { k: 'imm', name: 'nzimm', ranges: [range(-512, -16), range(16, 496)], align: 16, relocs: [] }],
  'c.lui': [X('rd', 'nzsp'), { k: 'imm', name: 'nzimm', ranges: [range(1, 31), range(0xfffe0, 0xfffff)], relocs: [] }],
  'c.srli': [X('rd', 'c'), { k: 'imm', name: 'shamt', ranges: [range(1, 63)], relocs: [] }],
  'c.srai': [X('rd', 'c'), { k: 'imm', name: 'shamt', ranges: [range(1, 63)], relocs: [] }],
  'c.andi': [X('rd', 'c'), { k: 'imm', name: 'imm', ranges: [range(-32, 31)], relocs: [] }],
  'c.j': [TARGET],
  'c.beqz': [X('rs1', 'c'), TARGET],
  'c.bnez': [X('rs1', 'c'), TARGET],
  'c.slli': [X('rd'), { k: 'imm', name: 'shamt', ranges: [range(1, 63)], relocs: [] }],
  'c.fldsp': [F('rd'), { k: 'mem', name: 'uimm(sp)', min: 0n, max: 504n, align: 8, base: 'sp' }],
  'c.lwsp': [X('rd', 'nz'), { k: 'mem', name: 'uimm(sp)', min: 0n, max: 252n, align: 4, base: 'sp' }],
  'c.ldsp': [X('rd', 'nz'), { k: 'mem', name: 'uimm(sp)', min: 0n, max: 504n, align: 8, base: 'sp' }],
  'c.jr': [X('rs1', 'nz')],
  'c.mv': [X('rd'), X('rs2', 'nz')],
  'c.ebreak': [],
  'c.jalr': [X('rs1', 'nz')],
  'c.add': [X('rd'), X('rs2', 'nz')],
  'c.fsdsp': [F('rs2'), { k: 'mem', name: 'uimm(sp)', min: 0n, max: 504n, align: 8, base: 'sp' }],
  'c.swsp': [X('rs2'), { k: 'mem', name: 'uimm(sp)', min: 0n, max: 252n, align: 4, base: 'sp' }],
  'c.sdsp': [X('rs2'), { k: 'mem', name: 'uimm(sp)', min: 0n, max: 504n, align: 8, base: 'sp' }],
};
for (const n of ['c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw']) C_SPECS[n] = [X('rd', 'c'), X('rs2', 'c')];

/** Conversions that are exact and so take no rounding-mode operand in gas 2.40. */
const EXACT_CONVERSIONS = new Set(['fcvt.d.s', 'fcvt.d.w', 'fcvt.d.wu']);

function specOf(d: InsnDef, kind: OperandKind): Spec | undefined {
  switch (kind) {
    case 'rd': case 'rs1': case 'rs2': return X(kind);
    case 'fd': case 'fs1': case 'fs2': case 'fs3': return F(kind);
    case 'imm': return IMM12;
    case 'shamt': return shamt(shamtBits(d));
    case 'uimm20': return UIMM20;
    case 'offset': return TARGET;
    case 'mem': return MEM12;
    case 'amo': return { k: 'mem', name: '(rs1)', min: 0n, max: 0n, base: 'any', zeroOnly: true };
    case 'csr': return { k: 'csr', name: 'csr' };
    case 'zimm': return ZIMM;
    case 'rm': return undefined;                // optional: handled by formsOf
    case 'pred': case 'succ': return { k: 'fence', name: kind };
  }
}

/** The operand forms the assembler accepts for a real instruction of the table. */
function formsOfInsn(d: InsnDef): Form[] {
  if (d.length === 2) return [{ specs: C_SPECS[d.name] ?? [] }];
  const base = d.operands.map((k) => specOf(d, k)).filter((s): s is Spec => s !== undefined);
  const forms: Form[] = [{ specs: base }];
  if (d.operands.includes('rm') && !EXACT_CONVERSIONS.has(d.name)) forms.push({ specs: [...base, { k: 'rm', name: 'rm' }] });
  if (d.format === 'FENCE' && d.operands.length > 0) forms.push({ specs: [] });
  if (d.name === 'sfence.vma') forms.push({ specs: [] }, { specs: [X('rs1')] });
  if (d.name === 'jal') forms.push({ specs: [TARGET] }, { specs: [] });
  if (d.name === 'jalr') {
    forms.push({ specs: [X('rs1')] }, { specs: [X('rs1'), IMM12] }, { specs: [X('rd'), X('rs1')] },
      { specs: [X('rd'), X('rs1'), IMM12] }, { specs: [MEM12] });
  }
  if (d.format === 'CSR') forms.push({ specs: [X('rd'), { k: 'csr', name: 'csr' }, ZIMM] });
  // Register-register ALU instructions with an immediate third operand are their immediate forms.
  const immTwin = byName.get(d.name === 'sltu' ? 'sltiu' : d.name.replace(/^(add|and|or|xor|sll|srl|sra|slt)(w?)$/, '$1i$2'));
  if (immTwin && immTwin !== d && d.format === 'R' && d.ext === 'I') {
    forms.push({ specs: [X('rd'), X('rs1'), ...immTwin.operands.slice(2).map((k) => specOf(immTwin, k) as Spec)] });
  }
  if (d.name === 'add') forms.push({ specs: [X('rd'), X('rs1'), X('rs2'), { k: 'tpadd', name: '%tprel_add(sym)' }] });
  // Loads take a symbol (auipc + load); stores a symbol and a temporary register.
  if (d.operands[1] === 'mem' && d.format === 'I' && d.name !== 'jalr') {
    // FP loads need a temporary integer register for the address
    if (d.operands[0] === 'fd') forms.push({ specs: [base[0], { k: 'symbol', name: 'symbol' }, X('rt')] });
    else forms.push({ specs: [base[0], { k: 'symbol', name: 'symbol' }] });
  }
  if (d.operands[1] === 'mem' && d.format === 'S') {
    forms.push({ specs: [base[0], { k: 'symbol', name: 'symbol' }, X('rt')] });
  }
  return forms;
}

// ---- the mnemonic table -------------------------------------------------------------------------------------
export interface Mnemonic {
  readonly name: string;
  /** The ISA table entry (real instructions; for .aq/.rl variants the base entry). */
  readonly insn?: InsnDef;
  readonly pseudo?: PseudoDef;
  readonly forms: readonly Form[];
}

const MNEMONICS = new Map<string, Mnemonic>();
for (const d of INSNS) MNEMONICS.set(d.name, { name: d.name, insn: d, forms: formsOfInsn(d) });
for (const d of INSNS) {
  if (d.format !== 'AMO') continue;
  for (const suffix of ['.aq', '.rl', '.aqrl']) {
    MNEMONICS.set(d.name + suffix, { name: d.name + suffix, insn: d, forms: formsOfInsn(d) });
  }
}
for (const p of PSEUDOS) {
  const forms = p.forms.map((f) => ({ specs: f }));
  const real = MNEMONICS.get(p.name);
  if (real) MNEMONICS.set(p.name, { ...real, pseudo: p, forms: [...real.forms, ...forms] });
  else MNEMONICS.set(p.name, { name: p.name, pseudo: p, forms });
}

export function lookupMnemonic(name: string): Mnemonic | undefined {
  return MNEMONICS.get(name) ?? MNEMONICS.get(name.toLowerCase());
}
export function allMnemonics(): Iterable<Mnemonic> {
  return MNEMONICS.values();
}

/** The assembly syntax of a form: `addi rd, rs1, imm`. */
export function formSyntax(name: string, f: Form): string {
  return f.specs.length === 0 ? name : `${name} ${f.specs.map((s) => (s.k === 'rm' ? '[rm]' : s.name)).join(', ')}`;
}

