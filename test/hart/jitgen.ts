// Random loops of fast-path instructions for the translator's differential tests (jit.test.ts).
import { enc, RAM, u64 } from './helpers';
import { CSR_MSTATUS } from '../../src/isa/encoding.generated';

export type Word = number | { c: number };

export function bytesOf(words: Word[]): Uint8Array {
  const b: number[] = [];
  for (const w of words) {
    if (typeof w === 'number') b.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
    else b.push(w.c & 0xff, (w.c >>> 8) & 0xff);
  }
  return Uint8Array.from(b);
}

// ---- a deterministic random program generator ----
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s; };
}

const SPECIAL = [0n, 1n, u64(-1n), 1n << 63n, (1n << 63n) - 1n, 0x80000000n, 0x7fffffffn, 0xffffffffn, 31n, 32n, 63n, 64n];
const RR = ['add', 'sub', 'sll', 'srl', 'sra', 'slt', 'sltu', 'xor', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'mul', 'mulw', 'div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw', 'mulh', 'mulhu', 'mulhsu'];
const RI = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
const SH = ['slli', 'srli', 'srai', 'slliw', 'srliw', 'sraiw'];
const LD = ['lb', 'lbu', 'lh', 'lhu', 'lw', 'lwu', 'ld'];
const ST = ['sb', 'sh', 'sw', 'sd'];
const BR = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];
// the data base register points 0x800 before a page end, so offsets near +0x7ff cross into the next page
export const DATA = RAM + 0x200800n;
const OFFS = [0, 8, -8, -0x800, 0x7f8, 0x7f9, 0x7fa, 0x7fc, 0x7fd, 0x7fe, 0x7ff, 100, -100];

const FP_LD = ['flw', 'fld'];
const FP_ST = ['fsw', 'fsd'];
const FP_MV = ['fmv.x.d', 'fmv.d.x', 'fmv.x.w', 'fmv.w.x', 'fsgnj.d', 'fsgnjn.d', 'fsgnjx.d'];
/** F/D instructions the interpreter keeps (rounding, flags): they end a block. */
const FP_ARITH = ['fadd.d', 'fmul.d', 'fsub.s', 'feq.d', 'fcvt.d.l', 'fsgnj.s', 'fmin.d'];

/**
 * A loop of random instructions (operands x0..x15, f0..f15; x20 counts, x21 limits, x22 is the data base, x24
 * must hold RAM + backEdge, where jalr goes). With `fp`, a fifth of them are F/D loads, stores, moves, sign
 * injections and some arithmetic, and x23, x25 must hold mstatus.FS and its Clean value.
 */
export function randomProgram(seed: number, fp = false): { words: number[]; regs: bigint[]; backEdge: bigint } {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[r() % xs.length];
  const reg = () => r() % 16;
  const body: number[] = [];
  const n = 20 + (r() % 40);
  while (body.length < n) {
    if (fp && r() % 5 === 0) {
      const k = r() % 100;
      if (k < 25) body.push(enc(pick(FP_LD), { rd: reg(), rs1: 22, imm: pick(OFFS) }));
      else if (k < 45) body.push(enc(pick(FP_ST), { rs1: 22, rs2: reg(), imm: pick(OFFS) }));
      else if (k < 85) {
        const name = pick(FP_MV);
        body.push(enc(name, name.startsWith('fmv') ? { rd: reg(), rs1: reg() } : { rd: reg(), rs1: reg(), rs2: reg() }));
      } else {
        // rounding mode RNE where there is one; fixed fields (fcvt's rs2, compares' funct3) left alone
        const name = pick(FP_ARITH);
        const rounds = /^(fadd|fsub|fmul)/.test(name);
        body.push(enc(name, name.startsWith('fcvt') ? { rd: reg(), rs1: reg(), rm: 0 } : rounds ? { rd: reg(), rs1: reg(), rs2: reg(), rm: 0 } : { rd: reg(), rs1: reg(), rs2: reg() }));
      }
      continue;
    }
    const k = r() % 100;
    if (k < 35) body.push(enc(pick(RR), { rd: reg(), rs1: reg(), rs2: reg() }));
    else if (k < 45) body.push(enc(pick(RI), { rd: reg(), rs1: reg(), imm: (r() % 4096) - 2048 }));
    else if (k < 52) body.push(enc(pick(SH), { rd: reg(), rs1: reg(), imm: r() % 32 }));
    else if (k < 55) body.push(enc(pick(['lui', 'auipc']), { rd: reg(), imm: r() & 0xfffff000 }));
    else if (k < 68) body.push(enc(pick(LD), { rd: reg(), rs1: 22, imm: pick(OFFS) }));
    else if (k < 78) body.push(enc(pick(ST), { rs1: 22, rs2: reg(), imm: pick(OFFS) }));
    else if (k < 90) body.push(enc(pick(BR), { rs1: reg(), rs2: reg(), imm: 4 * (2 + (r() % 3)) }));
    else if (k < 94) body.push(enc('jal', { rd: reg(), imm: 8 }));
    else if (k < 97) body.push(enc('jalr', { rd: reg(), rs1: 24, imm: 0 })); // x24: the loop's back-edge
    else body.push(enc('fence'));
  }
  // pad so forward branches and jumps land inside the program
  for (let i = 0; i < 4; i++) body.push(enc('addi', { rd: 1, rs1: 1, imm: 1 }));
  // FP: every pass leaves mstatus.FS Clean (x23 = FS, x25 = Clean), as a kernel's context switch does, so
  // compiled code meets FS Clean after its blocks were translated
  if (fp) body.push(enc('csrrc', { rs1: 23, csr: CSR_MSTATUS }), enc('csrrs', { rs1: 25, csr: CSR_MSTATUS }));
  const words = [...body, enc('addi', { rd: 20, rs1: 20, imm: 1 }), enc('blt', { rs1: 20, rs2: 21, imm: -4 * (body.length + 1) }),
    enc('jal', { rd: 0, imm: 0 })];
  const regs: bigint[] = [];
  for (let i = 0; i < 16; i++) regs.push(r() % 3 === 0 ? pick(SPECIAL) : (BigInt(r()) << 32n) | BigInt(r()));
  return { words, regs, backEdge: BigInt(4 * body.length) };
}

