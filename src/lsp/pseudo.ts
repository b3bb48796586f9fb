// Pseudo-instructions GNU as (binutils 2.40, rv64gc) accepts: assembler syntax, not ISA facts. Each has its
// operand forms, the base instruction(s) it stands for (for hovers) and a one-line meaning. Real instructions
// that also have pseudo forms (jal rd-less, fence without sets, ...) get their extra forms in asmSyntax.ts.

import { X, F, IMM12, MEM12, TARGET, ZIMM, type Spec } from './specs';

export interface PseudoDef {
  readonly name: string;
  readonly forms: readonly (readonly Spec[])[];
  /** The expansion, in assembly. */
  readonly expansion: string;
  readonly summary: string;
}

const CSR: Spec = { k: 'csr', name: 'csr' };
const SYM: Spec = { k: 'address', name: 'symbol' };

const P: PseudoDef[] = [];
const def = (name: string, forms: Spec[][], expansion: string, summary: string) => P.push({ name, forms, expansion, summary });

def('nop', [[]], 'addi x0, x0, 0', 'No operation');
def('unimp', [[]], 'csrrw x0, cycle, x0 (c.unimp: 0x0000)', 'Guaranteed illegal instruction');
def('li', [[X('rd'), { k: 'li', name: 'imm' }]], 'lui/addi(w)/slli sequence', 'Load a 64-bit constant');
def('la', [[X('rd'), SYM]], 'auipc rd, %pcrel_hi(sym); addi rd, rd, %pcrel_lo(1b) (ld from the GOT when PIC)', 'Load address of a symbol');
def('lla', [[X('rd'), SYM]], 'auipc rd, %pcrel_hi(sym); addi rd, rd, %pcrel_lo(1b)', 'Load local address (pc-relative, never through the GOT)');
def('la.tls.ie', [[X('rd'), SYM]], 'auipc rd, %tls_ie_pcrel_hi(sym); ld rd, %pcrel_lo(1b)(rd)', 'Load the TP offset of a TLS symbol (initial-exec)');
def('la.tls.gd', [[X('rd'), SYM]], 'auipc rd, %tls_gd_pcrel_hi(sym); addi rd, rd, %pcrel_lo(1b)', 'Load the GOT address of a TLS symbol (global-dynamic)');
def('call', [[], [SYM], [X('rd'), SYM]], 'auipc ra, %pcrel_hi(sym); jalr ra, %pcrel_lo(1b)(ra)', 'Call a far-away function');
def('tail', [[], [SYM]], 'auipc t1, %pcrel_hi(sym); jalr x0, %pcrel_lo(1b)(t1)', 'Tail-call a far-away function');
def('jump', [[SYM, X('rt')]], 'auipc rt, %pcrel_hi(sym); jalr x0, %pcrel_lo(1b)(rt)', 'Jump to a far-away label using a temporary');
def('mv', [[X('rd'), X('rs')]], 'addi rd, rs, 0', 'Copy register');
def('not', [[X('rd'), X('rs')]], 'xori rd, rs, -1', "One's complement");
def('neg', [[X('rd'), X('rs')]], 'sub rd, x0, rs', "Two's complement");
def('negw', [[X('rd'), X('rs')]], 'subw rd, x0, rs', "Two's complement word");
def('sext.w', [[X('rd'), X('rs')]], 'addiw rd, rs, 0', 'Sign-extend word');
def('sext.b', [[X('rd'), X('rs')]], 'slli rd, rs, 56; srai rd, rd, 56', 'Sign-extend byte');
def('sext.h', [[X('rd'), X('rs')]], 'slli rd, rs, 48; srai rd, rd, 48', 'Sign-extend halfword');
def('zext.b', [[X('rd'), X('rs')]], 'andi rd, rs, 255', 'Zero-extend byte');
def('zext.h', [[X('rd'), X('rs')]], 'slli rd, rs, 48; srli rd, rd, 48', 'Zero-extend halfword');
def('zext.w', [[X('rd'), X('rs')]], 'slli rd, rs, 32; srli rd, rd, 32', 'Zero-extend word');
def('seqz', [[X('rd'), X('rs')]], 'sltiu rd, rs, 1', 'Set if = zero');
def('snez', [[X('rd'), X('rs')]], 'sltu rd, x0, rs', 'Set if != zero');
def('sltz', [[X('rd'), X('rs')]], 'slt rd, rs, x0', 'Set if < zero');
def('sgtz', [[X('rd'), X('rs')]], 'slt rd, x0, rs', 'Set if > zero');
def('fmv.s', [[F('rd'), F('rs')]], 'fsgnj.s rd, rs, rs', 'Copy single-precision register');
def('fabs.s', [[F('rd'), F('rs')]], 'fsgnjx.s rd, rs, rs', 'Single-precision absolute value');
def('fneg.s', [[F('rd'), F('rs')]], 'fsgnjn.s rd, rs, rs', 'Single-precision negate');
def('fmv.d', [[F('rd'), F('rs')]], 'fsgnj.d rd, rs, rs', 'Copy double-precision register');
def('fabs.d', [[F('rd'), F('rs')]], 'fsgnjx.d rd, rs, rs', 'Double-precision absolute value');
def('fneg.d', [[F('rd'), F('rs')]], 'fsgnjn.d rd, rs, rs', 'Double-precision negate');
def('fmv.x.s', [[X('rd'), F('rs')]], 'fmv.x.w rd, rs', 'Move single-precision bits to integer register (old name)');
def('fmv.s.x', [[F('rd'), X('rs')]], 'fmv.w.x rd, rs', 'Move integer bits to single-precision register (old name)');
for (const [n, op, cond] of [['beqz', 'beq rs, x0', '= zero'], ['bnez', 'bne rs, x0', '!= zero'], ['blez', 'bge x0, rs', '<= zero'],
  ['bgez', 'bge rs, x0', '>= zero'], ['bltz', 'blt rs, x0', '< zero'], ['bgtz', 'blt x0, rs', '> zero']] as const) {
  def(n, [[X('rs'), TARGET]], `${op}, offset`, `Branch if ${cond}`);
}
for (const [n, op, cond] of [['bgt', 'blt rt, rs', '>'], ['ble', 'bge rt, rs', '<='], ['bgtu', 'bltu rt, rs', '> (unsigned)'],
  ['bleu', 'bgeu rt, rs', '<= (unsigned)']] as const) {
  def(n, [[X('rs'), X('rt'), TARGET]], `${op}, offset`, `Branch if rs ${cond} rt`);
}
def('j', [[], [TARGET]], 'jal x0, offset', 'Jump');
def('jr', [[X('rs')], [X('rs'), IMM12], [MEM12]], 'jalr x0, 0(rs)', 'Jump register');
def('ret', [[]], 'jalr x0, 0(ra)', 'Return from subroutine');
def('csrr', [[X('rd'), CSR]], 'csrrs rd, csr, x0', 'Read CSR');
def('csrw', [[CSR, X('rs')], [CSR, ZIMM]], 'csrrw x0, csr, rs', 'Write CSR');
def('csrs', [[CSR, X('rs')], [CSR, ZIMM]], 'csrrs x0, csr, rs', 'Set bits in CSR');
def('csrc', [[CSR, X('rs')], [CSR, ZIMM]], 'csrrc x0, csr, rs', 'Clear bits in CSR');
def('csrwi', [[CSR, ZIMM]], 'csrrwi x0, csr, imm', 'Write CSR, immediate');
def('csrsi', [[CSR, ZIMM]], 'csrrsi x0, csr, imm', 'Set bits in CSR, immediate');
def('csrci', [[CSR, ZIMM]], 'csrrci x0, csr, imm', 'Clear bits in CSR, immediate');
def('rdcycle', [[X('rd')]], 'csrrs rd, cycle, x0', 'Read cycle counter');
def('rdtime', [[X('rd')]], 'csrrs rd, time, x0', 'Read real-time clock');
def('rdinstret', [[X('rd')]], 'csrrs rd, instret, x0', 'Read instructions-retired counter');
def('frcsr', [[X('rd')]], 'csrrs rd, fcsr, x0', 'Read FP control/status register');
def('fscsr', [[X('rs')], [X('rd'), X('rs')]], 'csrrw rd, fcsr, rs', 'Swap FP control/status register');
def('frrm', [[X('rd')]], 'csrrs rd, frm, x0', 'Read FP rounding mode');
def('fsrm', [[X('rs')], [X('rd'), X('rs')]], 'csrrw rd, frm, rs', 'Swap FP rounding mode');
def('fsrmi', [[ZIMM], [X('rd'), ZIMM]], 'csrrwi rd, frm, imm', 'Swap FP rounding mode, immediate');
def('frflags', [[X('rd')]], 'csrrs rd, fflags, x0', 'Read FP exception flags');
def('fsflags', [[X('rs')], [X('rd'), X('rs')]], 'csrrw rd, fflags, rs', 'Swap FP exception flags');
def('fsflagsi', [[ZIMM], [X('rd'), ZIMM]], 'csrrwi rd, fflags, imm', 'Swap FP exception flags, immediate');
def('c.unimp', [[]], '0x0000', 'Guaranteed illegal compressed instruction');

export const PSEUDOS: readonly PseudoDef[] = P;
