// The one ISA table of the project: every instruction of RV64GC plus the privileged instructions the hart
// implements, as match/mask pairs. Everything else (decoder, generated op numbers, disassembler, language
// server) reads this table.
//
// PRECEDENCE RULE. Decoding scans the entries of the right length in table order and the FIRST entry with
// (bits & mask) === match decides. Where a narrower encoding is carved out of a wider one the narrower entry
// comes first (fence.tso before fence, c.nop before c.addi, c.addi16sp before c.lui, c.jr before c.mv,
// c.ebreak before c.jalr before c.add). Every such overlapping pair is listed in OVERLAPS below, and the unit
// test proves there are no others.
//
// RESERVED ENCODINGS. Some encodings that match an entry are reserved by the spec when a field is zero
// (c.addi4spn with nzuimm = 0, c.lui / c.addi16sp with nzimm = 0, c.jr with rs1 = 0, c.lwsp / c.ldsp with
// rd = 0, c.addiw with rd = 0). NONZERO lists, per entry, the bits of which at least one must be set; when
// the first matching entry fails that test the bits are illegal (the scan does NOT go on to later entries).
// Encodings that match no entry (all-zero halfword, RV32-only forms such as slliw with shamt[5] = 1,
// quadrant-0 funct3 = 100, c.subw-space reserved slots, ...) are illegal too.

import type { Format, InsnDef, OperandKind } from './types';

export const EXTENSIONS = ['I', 'M', 'A', 'F', 'D', 'C', 'Zicsr', 'Zifencei', 'Priv'] as const;
export type Extension = (typeof EXTENSIONS)[number];

const T: InsnDef[] = [];

function add(name: string, match: number, mask: number, format: Format, ext: Extension,
  operands: OperandKind[], summary: string, expandsTo?: string): void {
  const length = (match & 3) === 3 ? 4 : 2;
  const x = { fast: false, jit: false, endsBlock: false }; // set by markExecution below
  const d: InsnDef = expandsTo === undefined
    ? { name, match: match >>> 0, mask: mask >>> 0, length, format, ext, operands, summary, ...x }
    : { name, match: match >>> 0, mask: mask >>> 0, length, format, ext, operands, expandsTo, summary, ...x };
  T.push(d);
}

// ---- 32-bit field masks -------------------------------------------------------------------------------
const OPC = 0x7f;
const F3 = 0x7 << 12;
const F7 = 0x7f << 25;
const RS2 = 0x1f << 20;
const RD = 0x1f << 7;
const F3M = OPC | F3;                 // opcode + funct3
const RM = OPC | F3 | F7;             // R-type
const op3 = (opc: number, f3: number) => opc | (f3 << 12);
const op37 = (opc: number, f3: number, f7: number) => opc | (f3 << 12) | (f7 << 25);

// ---- RV64I ---------------------------------------------------------------------------------------------
add('lui', 0x37, OPC, 'U', 'I', ['rd', 'uimm20'], 'Load upper immediate: rd = imm << 12 (sign-extended)');
add('auipc', 0x17, OPC, 'U', 'I', ['rd', 'uimm20'], 'Add upper immediate to pc: rd = pc + (imm << 12)');
add('jal', 0x6f, OPC, 'J', 'I', ['rd', 'offset'], 'Jump and link: rd = pc + 4; pc += offset');
add('jalr', op3(0x67, 0), F3M, 'I', 'I', ['rd', 'mem'], 'Jump and link register: rd = pc + 4; pc = (rs1 + imm) & ~1');
const BR: [string, number, string][] = [
  ['beq', 0, 'equal'], ['bne', 1, 'not equal'], ['blt', 4, 'less than (signed)'],
  ['bge', 5, 'greater or equal (signed)'], ['bltu', 6, 'less than (unsigned)'], ['bgeu', 7, 'greater or equal (unsigned)'],
];
for (const [n, f3, s] of BR) add(n, op3(0x63, f3), F3M, 'B', 'I', ['rs1', 'rs2', 'offset'], `Branch if rs1 ${s} rs2`);
const LD: [string, number, string][] = [
  ['lb', 0, 'byte, sign-extended'], ['lh', 1, 'halfword, sign-extended'], ['lw', 2, 'word, sign-extended'],
  ['ld', 3, 'doubleword'], ['lbu', 4, 'byte, zero-extended'], ['lhu', 5, 'halfword, zero-extended'],
  ['lwu', 6, 'word, zero-extended'],
];
for (const [n, f3, s] of LD) add(n, op3(0x03, f3), F3M, 'I', 'I', ['rd', 'mem'], `Load ${s}: rd = mem[rs1 + imm]`);
const ST: [string, number, string][] = [['sb', 0, 'byte'], ['sh', 1, 'halfword'], ['sw', 2, 'word'], ['sd', 3, 'doubleword']];
for (const [n, f3, s] of ST) add(n, op3(0x23, f3), F3M, 'S', 'I', ['rs2', 'mem'], `Store ${s}: mem[rs1 + imm] = rs2`);
const ALUI: [string, number, string][] = [
  ['addi', 0, 'rd = rs1 + imm'], ['slti', 2, 'rd = rs1 < imm (signed)'], ['sltiu', 3, 'rd = rs1 < imm (unsigned)'],
  ['xori', 4, 'rd = rs1 ^ imm'], ['ori', 6, 'rd = rs1 | imm'], ['andi', 7, 'rd = rs1 & imm'],
];
for (const [n, f3, s] of ALUI) add(n, op3(0x13, f3), F3M, 'I', 'I', ['rd', 'rs1', 'imm'], s);
// RV64 shifts: 6-bit shamt, funct6 in bits 31:26.
const SH6 = F3M | (0x3f << 26);
add('slli', op3(0x13, 1), SH6, 'SHIFT', 'I', ['rd', 'rs1', 'shamt'], 'Shift left logical immediate');
add('srli', op3(0x13, 5), SH6, 'SHIFT', 'I', ['rd', 'rs1', 'shamt'], 'Shift right logical immediate');
add('srai', op3(0x13, 5) | (0x10 << 26), SH6, 'SHIFT', 'I', ['rd', 'rs1', 'shamt'], 'Shift right arithmetic immediate');
const ALU: [string, number, number, string][] = [
  ['add', 0, 0, 'rd = rs1 + rs2'], ['sub', 0, 0x20, 'rd = rs1 - rs2'], ['sll', 1, 0, 'rd = rs1 << rs2[5:0]'],
  ['slt', 2, 0, 'rd = rs1 < rs2 (signed)'], ['sltu', 3, 0, 'rd = rs1 < rs2 (unsigned)'], ['xor', 4, 0, 'rd = rs1 ^ rs2'],
  ['srl', 5, 0, 'rd = rs1 >> rs2[5:0] (logical)'], ['sra', 5, 0x20, 'rd = rs1 >> rs2[5:0] (arithmetic)'],
  ['or', 6, 0, 'rd = rs1 | rs2'], ['and', 7, 0, 'rd = rs1 & rs2'],
];
for (const [n, f3, f7, s] of ALU) add(n, op37(0x33, f3, f7), RM, 'R', 'I', ['rd', 'rs1', 'rs2'], s);
add('addiw', op3(0x1b, 0), F3M, 'I', 'I', ['rd', 'rs1', 'imm'], 'rd = sext32(rs1 + imm)');
// W shifts: 5-bit shamt, funct7 masked, so shamt[5] = 1 is reserved (matches nothing).
add('slliw', op37(0x1b, 1, 0), RM, 'SHIFT', 'I', ['rd', 'rs1', 'shamt'], 'rd = sext32(rs1 << shamt)');
add('srliw', op37(0x1b, 5, 0), RM, 'SHIFT', 'I', ['rd', 'rs1', 'shamt'], 'rd = sext32(rs1[31:0] >> shamt) (logical)');
add('sraiw', op37(0x1b, 5, 0x20), RM, 'SHIFT', 'I', ['rd', 'rs1', 'shamt'], 'rd = sext32(rs1[31:0] >> shamt) (arithmetic)');
const ALUW: [string, number, number, string][] = [
  ['addw', 0, 0, 'rd = sext32(rs1 + rs2)'], ['subw', 0, 0x20, 'rd = sext32(rs1 - rs2)'],
  ['sllw', 1, 0, 'rd = sext32(rs1 << rs2[4:0])'], ['srlw', 5, 0, 'rd = sext32(rs1[31:0] >> rs2[4:0]) (logical)'],
  ['sraw', 5, 0x20, 'rd = sext32(rs1[31:0] >> rs2[4:0]) (arithmetic)'],
];
for (const [n, f3, f7, s] of ALUW) add(n, op37(0x3b, f3, f7), RM, 'R', 'I', ['rd', 'rs1', 'rs2'], s);
// fence.tso is fence with fm = 1000, pred = succ = rw; it must precede fence.
add('fence.tso', 0x8330000f, 0xfff0707f, 'FENCE', 'I', [], 'Total-store-order fence');
add('fence', op3(0x0f, 0), F3M, 'FENCE', 'I', ['pred', 'succ'], 'Order memory accesses (pred before succ)');
add('ecall', 0x00000073, 0xffffffff, 'NONE', 'I', [], 'Environment call (system call / SBI call)');
add('ebreak', 0x00100073, 0xffffffff, 'NONE', 'I', [], 'Breakpoint exception');

// ---- Zifencei / Zicsr ----------------------------------------------------------------------------------
add('fence.i', op3(0x0f, 1), F3M, 'FENCE', 'Zifencei', [], 'Synchronise instruction fetch with prior stores');
const CSR: [string, number, string][] = [
  ['csrrw', 1, 'rd = csr; csr = rs1'], ['csrrs', 2, 'rd = csr; csr |= rs1'], ['csrrc', 3, 'rd = csr; csr &= ~rs1'],
];
for (const [n, f3, s] of CSR) add(n, op3(0x73, f3), F3M, 'CSR', 'Zicsr', ['rd', 'csr', 'rs1'], `Atomic CSR access: ${s}`);
for (const [n, f3, s] of CSR) {
  add(n + 'i', op3(0x73, f3 + 4), F3M, 'CSRI', 'Zicsr', ['rd', 'csr', 'zimm'],
    `Atomic CSR access with immediate: ${s.replace('rs1', 'zimm')}`);
}

// ---- M -------------------------------------------------------------------------------------------------
const MUL: [string, number, string][] = [
  ['mul', 0, 'rd = (rs1 * rs2)[63:0]'], ['mulh', 1, 'rd = (rs1 * rs2)[127:64] (signed x signed)'],
  ['mulhsu', 2, 'rd = (rs1 * rs2)[127:64] (signed x unsigned)'], ['mulhu', 3, 'rd = (rs1 * rs2)[127:64] (unsigned)'],
  ['div', 4, 'rd = rs1 / rs2 (signed)'], ['divu', 5, 'rd = rs1 / rs2 (unsigned)'],
  ['rem', 6, 'rd = rs1 % rs2 (signed)'], ['remu', 7, 'rd = rs1 % rs2 (unsigned)'],
];
for (const [n, f3, s] of MUL) add(n, op37(0x33, f3, 1), RM, 'R', 'M', ['rd', 'rs1', 'rs2'], s);
for (const [n, f3, s] of MUL) {
  if (f3 >= 1 && f3 <= 3) continue;
  add(n + 'w', op37(0x3b, f3, 1), RM, 'R', 'M', ['rd', 'rs1', 'rs2'], `32-bit: ${s}, sign-extended`);
}

// ---- A -------------------------------------------------------------------------------------------------
const AMOM = F3M | (0x1f << 27);      // aq/rl (bits 26:25) are don't-care
for (const [w, f3] of [['w', 2], ['d', 3]] as const) {
  const size = w === 'w' ? 'word' : 'doubleword';
  add(`lr.${w}`, op3(0x2f, f3) | (0x02 << 27), AMOM | RS2, 'AMO', 'A', ['rd', 'amo'], `Load-reserved ${size}`);
  add(`sc.${w}`, op3(0x2f, f3) | (0x03 << 27), AMOM, 'AMO', 'A', ['rd', 'rs2', 'amo'], `Store-conditional ${size}: rd = 0 on success`);
  const AMO: [string, number, string][] = [
    ['amoswap', 0x01, 'swap'], ['amoadd', 0x00, 'add'], ['amoxor', 0x04, 'xor'], ['amoand', 0x0c, 'and'],
    ['amoor', 0x08, 'or'], ['amomin', 0x10, 'signed minimum'], ['amomax', 0x14, 'signed maximum'],
    ['amominu', 0x18, 'unsigned minimum'], ['amomaxu', 0x1c, 'unsigned maximum'],
  ];
  for (const [n, f5, s] of AMO) {
    add(`${n}.${w}`, op3(0x2f, f3) | (f5 << 27), AMOM, 'AMO', 'A', ['rd', 'rs2', 'amo'], `Atomic ${s} ${size}: rd = mem[rs1]; mem[rs1] = op(rd, rs2)`);
  }
}

// ---- F and D -------------------------------------------------------------------------------------------
const R4M = OPC | (3 << 25);          // rm don't-care
const FRM = OPC | F7;                 // R-type with rm don't-care
const FR2M = OPC | F7 | RS2;          // one source, rm don't-care
const FFIX = OPC | F7 | RS2 | F3;     // one source, funct3 fixed
for (const [p, fmt, ext, prec] of [['s', 0, 'F', 'single'], ['d', 1, 'D', 'double']] as const) {
  const e = ext as Extension;
  const xlen = p === 's' ? 'w' : 'd';
  add(`fl${xlen}`, op3(0x07, 2 + fmt), F3M, 'I', e, ['fd', 'mem'], `Load ${prec}-precision value`);
  add(`fs${xlen}`, op3(0x27, 2 + fmt), F3M, 'S', e, ['fs2', 'mem'], `Store ${prec}-precision value`);
  const FMA: [string, number, string][] = [
    ['fmadd', 0x43, 'fs1 * fs2 + fs3'], ['fmsub', 0x47, 'fs1 * fs2 - fs3'],
    ['fnmsub', 0x4b, '-(fs1 * fs2) + fs3'], ['fnmadd', 0x4f, '-(fs1 * fs2) - fs3'],
  ];
  for (const [n, opc, s] of FMA) add(`${n}.${p}`, opc | (fmt << 25), R4M, 'R4', e, ['fd', 'fs1', 'fs2', 'fs3', 'rm'], `Fused: fd = ${s}`);
  const ARITH: [string, number, string][] = [['fadd', 0x00, '+'], ['fsub', 0x04, '-'], ['fmul', 0x08, '*'], ['fdiv', 0x0c, '/']];
  for (const [n, f7, s] of ARITH) add(`${n}.${p}`, 0x53 | ((f7 | fmt) << 25), FRM, 'R', e, ['fd', 'fs1', 'fs2', 'rm'], `fd = fs1 ${s} fs2`);
  add(`fsqrt.${p}`, 0x53 | ((0x2c | fmt) << 25), FR2M, 'R', e, ['fd', 'fs1', 'rm'], 'fd = sqrt(fs1)');
  const SGN: [string, number, string][] = [['fsgnj', 0, 'sign of fs2'], ['fsgnjn', 1, 'negated sign of fs2'], ['fsgnjx', 2, 'sign of fs1 xor sign of fs2']];
  for (const [n, f3, s] of SGN) add(`${n}.${p}`, op37(0x53, f3, 0x10 | fmt), RM, 'R', e, ['fd', 'fs1', 'fs2'], `fd = magnitude of fs1 with ${s}`);
  add(`fmin.${p}`, op37(0x53, 0, 0x14 | fmt), RM, 'R', e, ['fd', 'fs1', 'fs2'], 'fd = minimum(fs1, fs2)');
  add(`fmax.${p}`, op37(0x53, 1, 0x14 | fmt), RM, 'R', e, ['fd', 'fs1', 'fs2'], 'fd = maximum(fs1, fs2)');
  if (p === 's') {
    add('fcvt.s.d', 0x53 | (0x20 << 25) | (1 << 20), FR2M, 'R', 'D', ['fd', 'fs1', 'rm'], 'Convert double to single');
  } else {
    add('fcvt.d.s', 0x53 | (0x21 << 25) | (0 << 20), FR2M, 'R', 'D', ['fd', 'fs1', 'rm'], 'Convert single to double (exact)');
  }
  const CMP: [string, number, string][] = [['feq', 2, 'fs1 == fs2'], ['flt', 1, 'fs1 < fs2'], ['fle', 0, 'fs1 <= fs2']];
  for (const [n, f3, s] of CMP) add(`${n}.${p}`, op37(0x53, f3, 0x50 | fmt), RM, 'R', e, ['rd', 'fs1', 'fs2'], `rd = ${s}`);
  add(`fclass.${p}`, op37(0x53, 1, 0x70 | fmt), FFIX, 'R', e, ['rd', 'fs1'], 'rd = class mask of fs1');
  const INT: [string, number, string][] = [['w', 0, 'signed word'], ['wu', 1, 'unsigned word'], ['l', 2, 'signed doubleword'], ['lu', 3, 'unsigned doubleword']];
  for (const [i, r2, s] of INT) {
    add(`fcvt.${i}.${p}`, 0x53 | ((0x60 | fmt) << 25) | (r2 << 20), FR2M, 'R', e, ['rd', 'fs1', 'rm'], `Convert ${prec} to ${s}`);
  }
  for (const [i, r2, s] of INT) {
    add(`fcvt.${p}.${i}`, 0x53 | ((0x68 | fmt) << 25) | (r2 << 20), FR2M, 'R', e, ['fd', 'rs1', 'rm'], `Convert ${s} to ${prec}`);
  }
  add(`fmv.x.${xlen}`, op37(0x53, 0, 0x70 | fmt), FFIX, 'R', e, ['rd', 'fs1'], `Move ${prec} bits to integer register`);
  add(`fmv.${xlen}.x`, op37(0x53, 0, 0x78 | fmt), FFIX, 'R', e, ['fd', 'rs1'], `Move integer bits to ${prec} register`);
}

// ---- Privileged ----------------------------------------------------------------------------------------
add('sret', 0x10200073, 0xffffffff, 'NONE', 'Priv', [], 'Return from supervisor trap');
add('mret', 0x30200073, 0xffffffff, 'NONE', 'Priv', [], 'Return from machine trap');
add('wfi', 0x10500073, 0xffffffff, 'NONE', 'Priv', [], 'Wait for interrupt');
add('sfence.vma', 0x12000073, F7 | RD | F3 | OPC, 'R', 'Priv', ['rs1', 'rs2'], 'Flush address-translation caches (rs1 = address, rs2 = ASID)');

// ---- C (RV64) ------------------------------------------------------------------------------------------
// Compressed masks: quadrant (bits 1:0) + funct3 (bits 15:13) plus whatever distinguishes the form.
const CQ = 0xe003;
const cq = (q: number, f3: number) => q | (f3 << 13);
const CRD = 0x0f80;                   // rd/rs1 in bits 11:7
const CRS2 = 0x007c;                  // rs2 in bits 6:2
// Quadrant 0
add('c.addi4spn', cq(0, 0), CQ, 'CIW', 'C', ['rd', 'rs1', 'imm'], 'addi rd\', sp, nzuimm', 'addi');
add('c.fld', cq(0, 1), CQ, 'CL', 'C', ['fd', 'mem'], 'fld fd\', uimm(rs1\')', 'fld');
add('c.lw', cq(0, 2), CQ, 'CL', 'C', ['rd', 'mem'], 'lw rd\', uimm(rs1\')', 'lw');
add('c.ld', cq(0, 3), CQ, 'CL', 'C', ['rd', 'mem'], 'ld rd\', uimm(rs1\')', 'ld');
add('c.fsd', cq(0, 5), CQ, 'CS', 'C', ['fs2', 'mem'], 'fsd fs2\', uimm(rs1\')', 'fsd');
add('c.sw', cq(0, 6), CQ, 'CS', 'C', ['rs2', 'mem'], 'sw rs2\', uimm(rs1\')', 'sw');
add('c.sd', cq(0, 7), CQ, 'CS', 'C', ['rs2', 'mem'], 'sd rs2\', uimm(rs1\')', 'sd');
// Quadrant 1
add('c.nop', cq(1, 0), CQ | CRD, 'CI', 'C', [], 'addi x0, x0, imm (no operation; imm != 0 is a hint)', 'addi');
add('c.addi', cq(1, 0), CQ, 'CI', 'C', ['rd', 'imm'], 'addi rd, rd, imm', 'addi');
add('c.addiw', cq(1, 1), CQ, 'CI', 'C', ['rd', 'imm'], 'addiw rd, rd, imm', 'addiw');
add('c.li', cq(1, 2), CQ, 'CI', 'C', ['rd', 'imm'], 'addi rd, x0, imm', 'addi');
add('c.addi16sp', cq(1, 3) | (2 << 7), CQ | CRD, 'CI', 'C', ['rd', 'imm'], 'addi sp, sp, nzimm (multiple of 16)', 'addi');
add('c.lui', cq(1, 3), CQ, 'CI', 'C', ['rd', 'uimm20'], 'lui rd, nzimm', 'lui');
add('c.srli', cq(1, 4) | (0 << 10), CQ | 0x0c00, 'CB', 'C', ['rd', 'shamt'], 'srli rd\', rd\', shamt', 'srli');
add('c.srai', cq(1, 4) | (1 << 10), CQ | 0x0c00, 'CB', 'C', ['rd', 'shamt'], 'srai rd\', rd\', shamt', 'srai');
add('c.andi', cq(1, 4) | (2 << 10), CQ | 0x0c00, 'CB', 'C', ['rd', 'imm'], 'andi rd\', rd\', imm', 'andi');
const CAM = CQ | 0x1c60;              // funct6 (bits 15:10) + funct2 (bits 6:5)
const CA: [string, number, number, string][] = [
  ['c.sub', 0, 0, 'sub'], ['c.xor', 0, 1, 'xor'], ['c.or', 0, 2, 'or'], ['c.and', 0, 3, 'and'],
  ['c.subw', 1, 0, 'subw'], ['c.addw', 1, 1, 'addw'],
];
for (const [n, b12, f2, base] of CA) {
  add(n, cq(1, 4) | (b12 << 12) | (3 << 10) | (f2 << 5), CAM, 'CA', 'C', ['rd', 'rs2'], `${base} rd', rd', rs2'`, base);
}
add('c.j', cq(1, 5), CQ, 'CJ', 'C', ['offset'], 'jal x0, offset', 'jal');
add('c.beqz', cq(1, 6), CQ, 'CB', 'C', ['rs1', 'offset'], 'beq rs1\', x0, offset', 'beq');
add('c.bnez', cq(1, 7), CQ, 'CB', 'C', ['rs1', 'offset'], 'bne rs1\', x0, offset', 'bne');
// Quadrant 2
add('c.slli', cq(2, 0), CQ, 'CI', 'C', ['rd', 'shamt'], 'slli rd, rd, shamt', 'slli');
add('c.fldsp', cq(2, 1), CQ, 'CI', 'C', ['fd', 'mem'], 'fld fd, uimm(sp)', 'fld');
add('c.lwsp', cq(2, 2), CQ, 'CI', 'C', ['rd', 'mem'], 'lw rd, uimm(sp)', 'lw');
add('c.ldsp', cq(2, 3), CQ, 'CI', 'C', ['rd', 'mem'], 'ld rd, uimm(sp)', 'ld');
add('c.jr', cq(2, 4), CQ | 0x1000 | CRS2, 'CR', 'C', ['rs1'], 'jalr x0, 0(rs1)', 'jalr');
add('c.mv', cq(2, 4), CQ | 0x1000, 'CR', 'C', ['rd', 'rs2'], 'add rd, x0, rs2', 'add');
add('c.ebreak', 0x9002, 0xffff, 'CR', 'C', [], 'ebreak', 'ebreak');
add('c.jalr', cq(2, 4) | 0x1000, CQ | 0x1000 | CRS2, 'CR', 'C', ['rs1'], 'jalr ra, 0(rs1)', 'jalr');
add('c.add', cq(2, 4) | 0x1000, CQ | 0x1000, 'CR', 'C', ['rd', 'rs2'], 'add rd, rd, rs2', 'add');
add('c.fsdsp', cq(2, 5), CQ, 'CSS', 'C', ['fs2', 'mem'], 'fsd fs2, uimm(sp)', 'fsd');
add('c.swsp', cq(2, 6), CQ, 'CSS', 'C', ['rs2', 'mem'], 'sw rs2, uimm(sp)', 'sw');
add('c.sdsp', cq(2, 7), CQ, 'CSS', 'C', ['rs2', 'mem'], 'sd rs2, uimm(sp)', 'sd');

// ---- execution properties ------------------------------------------------------------------------------
/**
 * What the core's call-free fast loop runs: integer ALU, branches and jumps, TLB-hit loads and stores, fences,
 * and the CSR accesses of a trap entry and exit (sscratch, sepc, scause, stval, and sstatus writes without side
 * effects, from S-mode; any other CSR access goes on to the full step).
 */
const FAST_PATH = [
  'lui', 'auipc', 'jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu',
  'addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'slli', 'srli', 'srai',
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
  'addiw', 'slliw', 'srliw', 'sraiw', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'lb', 'lbu', 'lh', 'lhu', 'lw', 'lwu', 'ld', 'sb', 'sh', 'sw', 'sd', 'fence', 'fence.tso',
  'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw',
  'csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci',
];
/** Fast-path instructions that a translated block may not contain (CSR accesses: the fast loops do the plain ones). */
const NOT_IN_BLOCKS = ['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci'];
/**
 * Instructions outside the fast path that a translated block does contain (src/hart/jit/translate.ts): F/D
 * loads and stores (behind a check of mstatus.FS) and the moves and sign injections of doubles (exact: no
 * rounding, no flags).
 */
const ONLY_IN_BLOCKS = ['flw', 'fld', 'fsw', 'fsd', 'fmv.x.d', 'fmv.d.x', 'fmv.x.w', 'fmv.w.x', 'fsgnj.d', 'fsgnjn.d', 'fsgnjx.d'];
/** Instructions after which a translated block ends: the next pc is known only at run time. */
const ENDS_BLOCK = ['jalr'];

function markExecution(): void {
  const flags = (name: string) => {
    const fast = FAST_PATH.includes(name);
    return { fast, jit: (fast && !NOT_IN_BLOCKS.includes(name)) || ONLY_IN_BLOCKS.includes(name), endsBlock: ENDS_BLOCK.includes(name) };
  };
  for (let i = 0; i < T.length; i++) T[i] = { ...T[i], ...flags(T[i].expandsTo ?? T[i].name) };
}
markExecution();

export const INSNS: readonly InsnDef[] = T;

/** Instruction name -> definition. */
export const byName: ReadonlyMap<string, InsnDef> = new Map(T.map((d) => [d.name, d]));

/**
 * Reserved-when-zero fields: for these entries at least one of the given bits must be set, otherwise the
 * encoding is reserved (illegal). See the header comment.
 */
export const NONZERO: Readonly<Record<string, number>> = {
  'c.addi4spn': 0x1fe0,               // nzuimm
  'c.addiw': CRD,                     // rd = 0 reserved
  'c.addi16sp': 0x107c,               // nzimm
  'c.lui': 0x107c,                    // nzimm
  'c.lwsp': CRD,                      // rd = 0 reserved
  'c.ldsp': CRD,                      // rd = 0 reserved
  'c.jr': CRD,                        // rs1 = 0 reserved
};

/**
 * Every pair of same-length entries whose encodings overlap, as [narrower, wider]: the narrower entry comes
 * first in the table and wins.
 */
export const OVERLAPS: readonly (readonly [string, string])[] = [
  ['fence.tso', 'fence'],
  ['c.nop', 'c.addi'],
  ['c.addi16sp', 'c.lui'],
  ['c.jr', 'c.mv'],
  ['c.ebreak', 'c.jalr'],
  ['c.ebreak', 'c.add'],
  ['c.jalr', 'c.add'],
];
