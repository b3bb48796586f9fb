// The block translator: compiles a hot run of guest code into one WebAssembly function that shares the
// core's memory, with the guest registers it uses kept in wasm locals.
//
// A block starts at a host (physical) code address and follows the code within its 4 KiB page: the
// fall-through of conditional branches (a taken branch leaves the block: a side exit) and unconditional jal
// to code not yet in the block. It ends before an instruction it does not do (CSR, AMO, LR/SC, F/D
// arithmetic, system; it does the core's fast path plus F/D loads, stores, moves and sign injections), before a
// breakpointed address, at jalr, at the page end, after MAX_SIDE_EXITS conditional branches or after
// MAX_INSNS. A
// branch or jal back to the block's first instruction loops inside the function while the slice's budget
// allows another full pass. Loads and stores use the core's data TLBs inline exactly like its fast path (the
// tag compared with the page address ORed with the TLB's current context, read once at block entry); on a
// miss or a page-crossing access the block returns before that instruction, which the interpreter then runs
// through the slow path (faults, MMIO, watchpoints, TLB fills). So every exit is at an instruction boundary,
// with registers written back, the next pc returned, the count of executed instructions stored at
// JIT_DONE and their cycles (src/hart/cycles.ts, summed here at translation time) at JIT_CYCLES: the core's
// instruction and cycle counts stay exact.
//
// Chaining: after a transfer (taken branch, fall-through, jal, jalr) a block also returns the table index of
// the compiled block at the next pc when the core's blockLoop would run that one next (emitNext), and the
// trampoline calls it without returning to the core, carrying the counts along.
//
// The code never depends on the virtual address it runs at: the block's virtual pc is the function's first
// parameter (pc-relative values such as auipc and link addresses are computed from it), so one translation
// serves every virtual alias of the physical page.
import { decode } from '../../isa/decode';
import { INSNS } from '../../isa/instructions';
import type { Decoded } from '../../isa/types';
import {
  XREG, FREG, CSRS, ITLB, RTLB, WTLB, JIT_DONE, JIT_CYCLES, TLB_N, TLB_ENTRY, TLB_TAG, TLB_HOST, TLB_CTX, BLK, BLK_N, BLK_ENTRY,
  BLK_TAG, BLK_STATE, BLK_PASS,
} from '../layout';
import { PAGE_SHIFT, CSR_MSTATUS, MSTATUS_FS } from '../../isa/encoding.generated';
import { instructionCycles, TAKEN_EXTRA } from '../cycles';
import { Code, Op, I32, I64, encodeModule, type Func } from './wasm';

const PAGE_SIZE = 1 << Number(PAGE_SHIFT);

export const MAX_INSNS = 64;
/** A block follows the fall-through of at most this many conditional branches (side exits). */
export const MAX_SIDE_EXITS = 4;

/**
 * Type of a block function: (pc: i64, budget: i32, done: i32, cycles: i32) -> (next pc: i64, next block: i32,
 * done: i32, cycles: i32). The `done` and `cycles` given are the counts of the blocks the trampoline ran before
 * this one in the same call from the core; returned, they include this block's. The next block is the
 * function-table index of the compiled block at the next pc, which the trampoline runs next (chaining), or -1
 * to return to the core.
 */
export const BLOCK_TYPE = { params: [I64, I32, I32, I32], results: [I64, I32, I32, I32] };

const LOADS: Record<string, [op: number, size: number]> = {
  lb: [Op.i64_load8_s, 1], lbu: [Op.i64_load8_u, 1], lh: [Op.i64_load16_s, 2], lhu: [Op.i64_load16_u, 2],
  lw: [Op.i64_load32_s, 4], lwu: [Op.i64_load32_u, 4], ld: [Op.i64_load, 8],
};
const STORES: Record<string, [op: number, size: number]> = {
  sb: [Op.i64_store8, 1], sh: [Op.i64_store16, 2], sw: [Op.i64_store32, 4], sd: [Op.i64_store, 8],
};
const BRANCHES: Record<string, number> = {
  beq: Op.i64_eq, bne: Op.i64_ne, blt: Op.i64_lt_s, bge: Op.i64_ge_s, bltu: Op.i64_lt_u, bgeu: Op.i64_ge_u,
};
const ALU_RR: Record<string, number> = {
  add: Op.i64_add, sub: Op.i64_sub, sll: Op.i64_shl, srl: Op.i64_shr_u, sra: Op.i64_shr_s, xor: Op.i64_xor,
  or: Op.i64_or, and: Op.i64_and, mul: Op.i64_mul,
};
const ALU_RI: Record<string, number> = {
  addi: Op.i64_add, xori: Op.i64_xor, ori: Op.i64_or, andi: Op.i64_and, slli: Op.i64_shl, srli: Op.i64_shr_u,
  srai: Op.i64_shr_s,
};
/** 32-bit forms done on i32 values, then sign-extended. */
const ALU_W: Record<string, number> = {
  addw: Op.i32_add, subw: Op.i32_sub, sllw: Op.i32_shl, srlw: Op.i32_shr_u, sraw: Op.i32_shr_s, mulw: Op.i32_mul,
  addiw: Op.i32_add, slliw: Op.i32_shl, srliw: Op.i32_shr_u, sraiw: Op.i32_shr_s,
};
const OTHER = new Set(['lui', 'auipc', 'jal', 'jalr', 'slt', 'sltu', 'slti', 'sltiu', 'fence', 'fence.tso',
  'mulh', 'mulhu', 'mulhsu', 'div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw']);

/**
 * F/D instructions in blocks: loads, stores and the moves and sign injections of doubles, which need no
 * rounding and set no flags (arithmetic, compares and conversions stay with the interpreter's soft float).
 * F registers stay in memory (FREG).
 */
const FP_LOADS: Record<string, number> = { flw: 4, fld: 8 };
const FP_STORES: Record<string, number> = { fsw: 4, fsd: 8 };
const FP_OTHER = new Set(['fmv.x.d', 'fmv.d.x', 'fmv.x.w', 'fmv.w.x', 'fsgnj.d', 'fsgnjn.d', 'fsgnjx.d']);
const isFp = (name: string) => name in FP_LOADS || name in FP_STORES || FP_OTHER.has(name);
const FS_MASK = Number(MSTATUS_FS);
const MSTATUS_ADDR = CSRS + 8 * CSR_MSTATUS;

/** Instructions emitBlock has an emitter for (test/hart/jit.test.ts: exactly the table's `jit` instructions). */
export function hasEmitter(name: string): boolean {
  return isFp(name) || name in LOADS || name in STORES || name in BRANCHES || name in ALU_RR || name in ALU_RI || name in ALU_W || OTHER.has(name);
}

/** The x registers an item reads and the one it writes (0: none); f-register operands are not x registers. */
function xRegs({ d, name }: Item): { reads: number[]; write: number } {
  if (name in FP_LOADS || name in FP_STORES || name === 'fmv.d.x' || name === 'fmv.w.x') return { reads: [d.rs1], write: 0 };
  if (name === 'fmv.x.d' || name === 'fmv.x.w') return { reads: [], write: d.rd };
  if (isFp(name)) return { reads: [], write: 0 };
  const write = name in STORES || name in BRANCHES || name === 'fence' || name === 'fence.tso' ? 0 : d.rd;
  return { reads: [d.rs1, d.rs2], write };
}

interface Item { d: Decoded; name: string; /** pc - block pc */ delta: number; len: number }

export interface Block {
  items: Item[];
  /** How the block ends after its last item: at `endDelta` (fall-through), unless the last item is a jump. */
  endDelta: number;
  /** Index of the item whose jal jumps back to the block's start, or -1. */
  loopJal: number;
}

export interface CodeSource {
  /** The core's memory. */
  u8: Uint8Array;
  /**
   * Whether the instruction at virtual `va`, wasm address `host`, carries a breakpoint (called only when
   * `anyBreakpoints` is true and `mayBreak` says yes).
   */
  isBreakpoint(va: bigint, host: number): boolean;
  /** A quick test before isBreakpoint (the core's filter, src/hart/bpfilter.ts): false means no breakpoint. */
  mayBreak?(vaLow: number, host: number): boolean;
  anyBreakpoints: boolean;
}

/** Scan the block at host address `host` (virtual `pc`). Undefined when its first instruction cannot be translated. */
export function scanBlock(src: CodeSource, host: number, pc: bigint): Block | undefined {
  const u8 = src.u8;
  const entryOff = host & (PAGE_SIZE - 1);
  const pageBase = host - entryOff;
  const items: Item[] = [];
  const seen = new Set<number>();
  let off = entryOff;
  let delta = 0;
  let loopJal = -1;
  let branches = 0;
  const pcLow = src.anyBreakpoints ? Number(pc & 0xffffffffn) : 0;
  const checkBp = (d: number) => src.anyBreakpoints && (src.mayBreak === undefined || src.mayBreak((pcLow + d) >>> 0, host + d)) &&
    src.isBreakpoint(BigInt.asUintN(64, pc + BigInt(d)), host + d);
  while (items.length < MAX_INSNS && off + 2 <= PAGE_SIZE) {
    let bits = u8[pageBase + off] | (u8[pageBase + off + 1] << 8);
    if ((bits & 3) === 3) {
      if (off + 4 > PAGE_SIZE) break;
      bits = (bits | (u8[pageBase + off + 2] << 16) | (u8[pageBase + off + 3] << 24)) >>> 0;
    }
    if (checkBp(delta)) break;
    const d = decode(bits);
    if (d.op < 0) break;
    const def = INSNS[d.op];
    const nm = def.name;
    if (!def.jit) break;
    items.push({ d, name: nm, delta, len: d.length });
    seen.add(off);
    if (def.endsBlock) return { items, endDelta: delta + d.length, loopJal };
    if (nm in BRANCHES && ++branches >= MAX_SIDE_EXITS) return { items, endDelta: delta + d.length, loopJal };
    if (nm === 'jal') {
      const t = off + d.imm;
      if (t === entryOff) { loopJal = items.length - 1; return { items, endDelta: delta + d.length, loopJal }; }
      if (t < 0 || t >= PAGE_SIZE || seen.has(t) || (t & 1) !== 0) return { items, endDelta: delta + d.length, loopJal };
      off = t;
      delta += d.imm;
      continue;
    }
    off += d.length;
    delta += d.length;
  }
  if (items.length === 0) return undefined;
  return { items, endDelta: delta, loopJal };
}

/** What the translation of a block depends on: its instructions (raw bits, pc offsets) and its shape. */
export function blockKey(blk: Block): string {
  let k = `${blk.endDelta}:${blk.loopJal}`;
  for (const it of blk.items) k += `,${it.d.raw.toString(36)}@${it.delta}`;
  return k;
}

// locals of a block function: parameters pc, budget, n (instructions done), k (their cycles); i32 e (TLB or
// block-cache entry, temporary), h (host address, table index), ch (1: the exit is a transfer, which may
// chain); i64 ret (next pc), a (address), t (temporary), x (a static exit), u, v (temporaries); then the guest
// registers
// and the data TLBs' contexts
const L_PC = 0, L_BUDGET = 1, L_N = 2, L_K = 3, L_E = 4, L_H = 5, L_CH = 6, L_RET = 7, L_A = 8, L_T = 9, L_X = 10, L_U = 11, L_V = 12, L_REG0 = 13;

/**
 * A static exit (its next pc, instructions and cycles known at translation time) as one i64 constant, which
 * the shared exit code of the function decodes: pc offset from the block's pc (signed, low 32 bits),
 * instructions done (bits 32..38), whether it is a transfer (bit 39: the trampoline may chain), their cycles
 * (bits 40..63). One constant and a branch per exit keep the
 * code small (the optimizing compiler's time grows with it).
 */
function staticExit(delta: number, done: number, cycles: number, transfer: boolean): bigint {
  if (done > 0x7f || cycles > 0xffffff || delta !== (delta | 0)) throw new Error('translator: exit out of range');
  return BigInt.asIntN(64, BigInt(delta >>> 0) | (BigInt(done) << 32n) | (transfer ? 1n << 39n : 0n) | (BigInt(cycles) << 40n));
}

/** Emit the WebAssembly function for a scanned block. */
export function emitBlock(blk: Block): Func {
  const { items } = blk;
  const count = items.length;
  const used = new Set<number>();
  const written = new Set<number>();
  for (const it of items) {
    const { reads, write } = xRegs(it);
    for (const r of reads) if (r) used.add(r);
    if (write) { used.add(write); written.add(write); }
  }
  const regs = [...used].sort((a, b) => a - b);
  // cycles of the first k items (pre[k]), as the interpreter charges them: class cost, +TAKEN_EXTRA for a
  // jal the block follows (to a target other than the next instruction)
  const pre = [0];
  items.forEach((it, k) => {
    const followed = it.name === 'jal' && k !== count - 1 && k !== blk.loopJal && it.d.imm !== it.len;
    pre.push(pre[k] + instructionCycles(INSNS[it.d.op].expandsTo ?? it.name) + (followed ? TAKEN_EXTRA : 0));
  });
  const takenExtra = (it: Item) => (it.d.imm !== it.len ? TAKEN_EXTRA : 0);
  const local = new Map<number, number>();
  regs.forEach((r, i) => local.set(r, L_REG0 + i));

  const c = new Code();
  const get = (r: number) => (r === 0 ? c.i64(0) : c.get(local.get(r)!));
  const set = (r: number) => (r === 0 ? c.op(Op.drop) : c.set(local.get(r)!));
  // pc of the instruction at `delta` (+ k)
  const pcAt = (v: number) => (v === 0 ? c.get(L_PC) : c.get(L_PC).i64(v).op(Op.i64_add));

  // prologue: the registers the block uses, into locals; the data TLBs' contexts (nothing in a block changes them)
  for (const r of regs) c.i32(0).mem(Op.i64_load, 3, XREG + 8 * r).set(local.get(r)!);
  const L_RC = L_REG0 + regs.length, L_WC = L_RC + 1;
  c.i32(0).mem(Op.i64_load, 3, RTLB + TLB_CTX).set(L_RC).i32(0).mem(Op.i64_load, 3, WTLB + TLB_CTX).set(L_WC);
  // block $out; block $static; loop $top
  c.op(Op.block, 0x40, Op.block, 0x40, Op.loop, 0x40);
  let depth = 1; // labels between the current position and $static (the loop); $out is one further
  /** Leave the block: ret = (pushed value), n += done, k += their cycles + extra. */
  const exitWith = (done: number, extra = 0) => {
    c.set(L_RET);
    if (done) c.get(L_N).i32(done).op(Op.i32_add).set(L_N);
    if (pre[done] + extra) c.get(L_K).i32(pre[done] + extra).op(Op.i32_add).set(L_K);
    c.br(depth + 1);
  };
  /** Leave the block at pc + `delta` after `done` items (+ extra cycles): a static exit. */
  const exitAt = (delta: number, done: number, extra = 0, transfer = true) => {
    c.i64(staticExit(delta, done, pre[done] + extra, transfer && done > 0)).set(L_X).br(depth);
  };
  /** Back to the start (a taken transfer): n += done, loop again if a whole pass still fits in the budget, else leave at pc. */
  const loopBack = (done: number) => {
    c.get(L_K).i32(pre[done] + TAKEN_EXTRA).op(Op.i32_add).set(L_K);
    c.get(L_N).i32(done).op(Op.i32_add).tee(L_N).i32(count).op(Op.i32_add).get(L_BUDGET).op(Op.i32_le_s).brIf(depth - 1);
    c.get(L_PC).set(L_RET).br(depth + 1);
  };
  const ifThen = (body: () => void) => { c.op(Op.if, 0x40); depth++; body(); depth--; c.op(Op.end); };
  /**
   * An F/D instruction runs in the block only if mstatus.FS is Dirty (one after which the interpreter leaves
   * it Dirty: all but stores) or not Off (a store); else the block leaves before it, and the interpreter raises
   * the illegal instruction or marks FS Dirty.
   */
  const fsGuard = (delta: number, k: number, dirties: boolean) => {
    c.i32(0).mem(Op.i64_load, 3, MSTATUS_ADDR).i64(FS_MASK).op(Op.i64_and);
    if (dirties) c.i64(FS_MASK).op(Op.i64_ne); else c.op(Op.i64_eqz);
    ifThen(() => exitAt(delta, k, 0, false));
  };

  items.forEach((it, k) => {
    const { d, name, delta, len } = it;
    if (name in ALU_RR) {
      if (d.rd === 0) return;
      get(d.rs1); get(d.rs2); c.op(ALU_RR[name]); set(d.rd);
    } else if (name in ALU_RI) {
      if (d.rd === 0) return;
      get(d.rs1); c.i64(d.imm).op(ALU_RI[name]); set(d.rd);
    } else if (name in ALU_W) {
      if (d.rd === 0) return;
      get(d.rs1); c.op(Op.i32_wrap_i64);
      if (name.endsWith('iw')) c.i32(d.imm); else { get(d.rs2); c.op(Op.i32_wrap_i64); }
      c.op(ALU_W[name], Op.i64_extend_i32_s); set(d.rd);
    } else if (name in LOADS || name in STORES || name in FP_LOADS || name in FP_STORES) {
      const fp = name in FP_LOADS || name in FP_STORES;
      if (fp) fsGuard(delta, k, name in FP_LOADS);
      const isLoad = name in LOADS || name in FP_LOADS;
      const [op, size] = name in LOADS ? LOADS[name] : name in STORES ? STORES[name]
        : name in FP_LOADS ? [FP_LOADS[name] === 8 ? Op.i64_load : Op.i64_load32_u, FP_LOADS[name]]
          : [FP_STORES[name] === 8 ? Op.i64_store : Op.i64_store32, FP_STORES[name]];
      const tlb = isLoad ? RTLB : WTLB;
      get(d.rs1); if (d.imm) c.i64(d.imm).op(Op.i64_add); c.tee(L_A);
      // the TLB entry of the address's page: its tag vs the page of the access's last byte (so an access that
      // crosses into the next page misses too: that page has another entry)
      c.i64(Number(PAGE_SHIFT) - Math.log2(TLB_ENTRY)).op(Op.i64_shr_u, Op.i32_wrap_i64).i32((TLB_N - 1) * TLB_ENTRY).op(Op.i32_and).tee(L_E);
      c.mem(Op.i64_load, 3, tlb + TLB_TAG).get(L_A);
      if (size > 1) c.i64(size - 1).op(Op.i64_add);
      c.i64(-PAGE_SIZE).op(Op.i64_and).get(isLoad ? L_RC : L_WC).op(Op.i64_or, Op.i64_ne);
      ifThen(() => exitAt(delta, k, 0, false));
      c.get(L_E).mem(Op.i32_load, 2, tlb + TLB_HOST).get(L_A).op(Op.i32_wrap_i64).i32(PAGE_SIZE - 1).op(Op.i32_and, Op.i32_add);
      if (fp) {
        // a single is NaN-boxed in its register
        if (isLoad) { c.mem(op, 0, 0); if (size === 4) c.i64(-0x100000000).op(Op.i64_or); c.set(L_T).i32(0).get(L_T).mem(Op.i64_store, 3, FREG + 8 * d.rd); }
        else c.i32(0).mem(Op.i64_load, 3, FREG + 8 * d.rs2).mem(op, 0, 0);
      } else if (isLoad) { c.mem(op, 0, 0); set(d.rd); } else { get(d.rs2); c.mem(op, 0, 0); }
    } else if (FP_OTHER.has(name)) {
      fsGuard(delta, k, true);
      const f = (r: number) => c.i32(0).mem(Op.i64_load, 3, FREG + 8 * r);
      const toF = (r: number) => { c.set(L_T).i32(0).get(L_T).mem(Op.i64_store, 3, FREG + 8 * r); };
      const SIGN = -0x8000000000000000n;
      switch (name) {
        case 'fmv.x.d': if (d.rd) { f(d.rs1); set(d.rd); } break;
        case 'fmv.x.w': if (d.rd) { f(d.rs1); c.op(Op.i32_wrap_i64, Op.i64_extend_i32_s); set(d.rd); } break;
        case 'fmv.d.x': get(d.rs1); toF(d.rd); break;
        case 'fmv.w.x': get(d.rs1); c.i64(0xffffffff).op(Op.i64_and).i64(-0x100000000).op(Op.i64_or); toF(d.rd); break;
        default:
          // sign injection: the magnitude of rs1, the sign of rs2 (fsgnj), its inverse (fsgnjn), or their xor (fsgnjx)
          if (name === 'fsgnjx.d') { f(d.rs1); f(d.rs2); c.i64(SIGN).op(Op.i64_and, Op.i64_xor); } else {
            f(d.rs1); c.i64(~SIGN).op(Op.i64_and);
            f(d.rs2); if (name === 'fsgnjn.d') c.i64(-1).op(Op.i64_xor);
            c.i64(SIGN).op(Op.i64_and, Op.i64_or);
          }
          toF(d.rd);
      }
    } else if (name in BRANCHES) {
      get(d.rs1); get(d.rs2); c.op(BRANCHES[name]);
      const target = delta + d.imm;
      ifThen(() => { if (target === 0) loopBack(k + 1); else exitAt(target, k + 1, takenExtra(it)); });
    } else {
      switch (name) {
        case 'lui': if (d.rd) { c.i64(d.imm); set(d.rd); } break;
        case 'auipc': if (d.rd) { pcAt(delta + d.imm); set(d.rd); } break;
        case 'slt': case 'sltu': if (d.rd) { get(d.rs1); get(d.rs2); c.op(name === 'slt' ? Op.i64_lt_s : Op.i64_lt_u, Op.i64_extend_i32_u); set(d.rd); } break;
        case 'slti': case 'sltiu': if (d.rd) { get(d.rs1); c.i64(d.imm).op(name === 'slti' ? Op.i64_lt_s : Op.i64_lt_u, Op.i64_extend_i32_u); set(d.rd); } break;
        case 'fence': case 'fence.tso': break;
        case 'jal':
          if (d.rd) { pcAt(delta + len); set(d.rd); }
          if (k === blk.loopJal) loopBack(k + 1);
          else if (k === count - 1) exitAt(delta + d.imm, k + 1, takenExtra(it));
          // otherwise the block goes on at the target
          break;
        case 'jalr':
          get(d.rs1); if (d.imm) c.i64(d.imm).op(Op.i64_add); c.i64(-2).op(Op.i64_and).set(L_T);
          if (d.rd) { pcAt(delta + len); set(d.rd); }
          // a jalr to the next instruction is not a taken transfer (as the interpreter counts it)
          c.get(L_K).get(L_T); pcAt(delta + len); c.op(Op.i64_ne, Op.i32_add).set(L_K);
          c.i32(1).set(L_CH).get(L_T); exitWith(k + 1);
          break;
        case 'mulh': case 'mulhu': case 'mulhsu':
          if (!d.rd) break;
          get(d.rs1); c.set(L_A); get(d.rs2); c.set(L_T);
          emitMulhu(c, L_A, L_T, L_U, L_V);
          // signed corrections: - (a < 0 ? b : 0) for mulh and mulhsu, - (b < 0 ? a : 0) for mulh
          if (name !== 'mulhu') c.get(L_A).i64(63).op(Op.i64_shr_s).get(L_T).op(Op.i64_and, Op.i64_sub);
          if (name === 'mulh') c.get(L_T).i64(63).op(Op.i64_shr_s).get(L_A).op(Op.i64_and, Op.i64_sub);
          set(d.rd);
          break;
        case 'div': case 'divu': case 'rem': case 'remu': {
          if (!d.rd) break;
          const signed = name === 'div' || name === 'rem';
          const isDiv = name.startsWith('div');
          get(d.rs2); c.set(L_T);
          c.get(L_T).op(Op.i64_eqz, Op.if, I64);
          if (isDiv) c.i64(-1); else get(d.rs1);
          c.op(Op.else);
          if (signed) {
            // b == -1: div is the wrapping negation (covers -2^63 / -1), rem is 0; wasm traps on the former
            c.get(L_T).i64(-1).op(Op.i64_eq, Op.if, I64);
            if (isDiv) { c.i64(0); get(d.rs1); c.op(Op.i64_sub); } else c.i64(0);
            c.op(Op.else);
            get(d.rs1); c.get(L_T).op(isDiv ? Op.i64_div_s : Op.i64_rem_s);
            c.op(Op.end);
          } else {
            get(d.rs1); c.get(L_T).op(isDiv ? Op.i64_div_u : Op.i64_rem_u);
          }
          c.op(Op.end);
          set(d.rd);
          break;
        }
        case 'divw': case 'divuw': case 'remw': case 'remuw': {
          if (!d.rd) break;
          const signed = name === 'divw' || name === 'remw';
          const isDiv = name.startsWith('div');
          get(d.rs2); c.op(Op.i32_wrap_i64).set(L_E);
          c.get(L_E).op(Op.i32_eqz, Op.if, I64);
          if (isDiv) c.i64(-1); else { get(d.rs1); c.op(Op.i32_wrap_i64, Op.i64_extend_i32_s); }
          c.op(Op.else);
          if (signed) {
            c.get(L_E).i32(-1).op(Op.i32_eq, Op.if, I64);
            if (isDiv) { c.i32(0); get(d.rs1); c.op(Op.i32_wrap_i64, Op.i32_sub, Op.i64_extend_i32_s); } else c.i64(0);
            c.op(Op.else);
            get(d.rs1); c.op(Op.i32_wrap_i64).get(L_E).op(isDiv ? Op.i32_div_s : Op.i32_rem_s, Op.i64_extend_i32_s);
            c.op(Op.end);
          } else {
            get(d.rs1); c.op(Op.i32_wrap_i64).get(L_E).op(isDiv ? Op.i32_div_u : Op.i32_rem_u, Op.i64_extend_i32_s);
          }
          c.op(Op.end);
          set(d.rd);
          break;
        }
        default: throw new Error(`translator: unexpected ${name}`);
      }
    }
  });
  const last = items[count - 1];
  if (last.name !== 'jal' && last.name !== 'jalr') exitAt(blk.endDelta, count);
  c.op(Op.end, Op.end); // $top, $static
  // a static exit: ret = pc + offset, n += instructions, k += cycles
  c.get(L_PC).get(L_X).op(Op.i32_wrap_i64, Op.i64_extend_i32_s, Op.i64_add).set(L_RET);
  c.get(L_N).get(L_X).i64(32).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(0x7f).op(Op.i32_and, Op.i32_add).set(L_N);
  c.get(L_X).i64(39).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(1).op(Op.i32_and).set(L_CH);
  c.get(L_K).get(L_X).i64(40).op(Op.i64_shr_u, Op.i32_wrap_i64, Op.i32_add).set(L_K);
  c.op(Op.end); // $out
  // epilogue: registers back to memory, the count to JIT_DONE, the next pc
  for (const r of regs) if (written.has(r)) c.i32(0).get(local.get(r)!).mem(Op.i64_store, 3, XREG + 8 * r);
  c.i32(JIT_DONE).get(L_N).mem(Op.i32_store, 2, 0);
  c.i32(JIT_CYCLES).get(L_K).mem(Op.i32_store, 2, 0);
  c.get(L_RET);
  emitNext(c);
  c.get(L_N).get(L_K);
  return { type: 0, locals: [[3, I32], [6 + regs.length + 2, I64]], code: c.b };
}

/**
 * Push the table index of the compiled block to run next, or a negative number (back to the core). After a transfer (L_CH
 * set; its target pc in L_RET) it is the block at the target if blockLoop (src/hart/core/index.ts) would run
 * it next: the fetch TLB has the target's page in its current context, the block cache's entry for that host
 * address is that block and compiled, and its pass fits in what is left of the budget. So the core's counts,
 * timer deadlines and breakpoints (which flush the block cache) are as if the core had dispatched it.
 */
function emitNext(c: Code): void {
  // (branch-free: every load is in the core's tables whatever the values, and the optimizing compiler spends
  // less on a few ands than on a chain of conditional branches)
  const tlbOk = () => {
    c.get(L_RET).i64(Number(PAGE_SHIFT) - Math.log2(TLB_ENTRY)).op(Op.i64_shr_u, Op.i32_wrap_i64).i32((TLB_N - 1) * TLB_ENTRY).op(Op.i32_and).tee(L_E);
    c.mem(Op.i64_load, 3, ITLB + TLB_TAG).get(L_RET).i64(-PAGE_SIZE).op(Op.i64_and).i32(0).mem(Op.i64_load, 3, ITLB + TLB_CTX).op(Op.i64_or, Op.i64_eq);
  };
  // h = host address of the target, e = its block-cache entry
  tlbOk();
  c.get(L_E).mem(Op.i32_load, 2, ITLB + TLB_HOST).get(L_RET).op(Op.i32_wrap_i64).i32(PAGE_SIZE - 1).op(Op.i32_and, Op.i32_add).tee(L_H);
  c.i32(1).op(Op.i32_shr_u).i32(BLK_N - 1).op(Op.i32_and).i32(Math.log2(BLK_ENTRY)).op(Op.i32_shl).tee(L_E);
  c.mem(Op.i32_load, 2, BLK + BLK_TAG).get(L_H).op(Op.i32_eq, Op.i32_and);
  c.get(L_N).get(L_E).mem(Op.i32_load, 2, BLK + BLK_PASS).op(Op.i32_add).get(L_BUDGET).op(Op.i32_le_s, Op.i32_and);
  c.get(L_CH).op(Op.i32_and).set(L_H);
  // the entry's state (a table index when compiled, else negative: the trampoline returns) if all holds, else -1
  c.get(L_E).mem(Op.i32_load, 2, BLK + BLK_STATE).i32(-1).get(L_H).op(Op.select);
}

/**
 * Push the high 64 bits of the unsigned 128-bit product of locals a and b (left unchanged), from four 32x32
 * products; u and v are scratch.
 */
function emitMulhu(c: Code, a: number, b: number, u: number, v: number): void {
  const lo = (x: number) => c.get(x).i64(0xffffffff).op(Op.i64_and);
  const hi = (x: number) => c.get(x).i64(32).op(Op.i64_shr_u);
  // u = a_lo * b_hi; v = a_hi * b_lo
  lo(a); hi(b); c.op(Op.i64_mul).set(u);
  hi(a); lo(b); c.op(Op.i64_mul).set(v);
  // mid = (a_lo * b_lo >> 32) + (u & mask) + (v & mask)  (fits: < 3 * 2^32)
  lo(a); lo(b); c.op(Op.i64_mul).i64(32).op(Op.i64_shr_u);
  lo(u); c.op(Op.i64_add); lo(v); c.op(Op.i64_add);
  c.i64(32).op(Op.i64_shr_u);
  // hi = a_hi * b_hi + (u >> 32) + (v >> 32) + (mid >> 32)
  hi(a); hi(b); c.op(Op.i64_mul, Op.i64_add);
  hi(u); c.op(Op.i64_add); hi(v); c.op(Op.i64_add);
}

/** One module of compiled blocks importing the core's memory as env.m; exports f0, f1, ... */
export function blockModule(funcs: Func[]): Uint8Array {
  return encodeModule({
    types: [BLOCK_TYPE],
    imports: [{ module: 'env', name: 'm', kind: 'memory', min: 0 }],
    funcs,
    exports: funcs.map((_, i) => ({ name: `f${i}`, func: i })),
  });
}

/**
 * The trampoline, through which the core (one import) runs compiled blocks: call(idx, pc, budget) runs block
 * idx, then, as long as a block returns the index of the next one (chaining), that one with the counts so
 * far; it returns the pc where the last one stopped (JIT_DONE and JIT_CYCLES hold the totals).
 */
export function trampolineModule(): Uint8Array {
  const P_IDX = 0, P_PC = 1, P_BUDGET = 2, L_TN = 3, L_TK = 4;
  const c = new Code().op(Op.loop, 0x40);
  c.get(P_PC).get(P_BUDGET).get(L_TN).get(L_TK).get(P_IDX).op(Op.call_indirect, 0, 0).set(L_TK).set(L_TN).set(P_IDX).set(P_PC);
  c.get(P_IDX).i32(0).op(Op.i32_ge_s).brIf(0);
  c.op(Op.end).get(P_PC);
  return encodeModule({
    types: [BLOCK_TYPE, { params: [I32, I64, I32], results: [I64] }],
    imports: [{ module: 'env', name: 't', kind: 'table', min: 0 }],
    funcs: [{ type: 1, locals: [[2, I32]], code: c.b }],
    exports: [{ name: 'call', func: 0 }],
  });
}
