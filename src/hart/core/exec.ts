// Instruction semantics of the core: what each op number does. execSimple is the call-free part (integer ALU,
// M, branches and jumps, loads and stores whose data TLB hits) that the run loop's fast loops inline; execute
// is the full step (everything, including CSRs, traps, FP, fences). Both read a decode entry (src/hart/layout.ts)
// and return or set the next pc; memory goes through mmu.ts, the run loop is index.ts. AssemblyScript.
import {
  DEC, DEC_N, DEC_ENTRY, ITLB, RTLB, WTLB, TLB_CTX, BLK, BLK_N, BLK_ENTRY, JIT_GEN,
  DEC_IMM, DEC_WORD, DEC_CYCLES, DEC_RD, DEC_RS1, DEC_RS2, DEC_RS3, DEC_RM, DEC_LEN, MISC_WFI as MW,
} from '../layout';
import * as st from './state';
import { PRV_M, PRV_S, PRV_U, xr, xw, fr, fw, csrGet, csrSet, misc, setMisc, MISC_RES_ADDR } from './state';
import {
  sfenceVma, amoTranslate, amoHost, amoTouched, dropWtlb, tlbHost, tlbHostCtx, PAGE_OFF,
  ld8, ld16, ld32, ld64, st8, st16, st32, st64,
} from './mmu';
import { raise, doMret, doSret, anyPending } from './trap';
import {
  CSR_MSTATUS, MSTATUS_FS, MSTATUS_FS_OFF, MSTATUS_TSR, MSTATUS_TW, MSTATUS_TVM, CAUSE_ILLEGAL, CAUSE_BREAKPOINT,
  CAUSE_USER_ECALL, CAUSE_SUPERVISOR_ECALL, CAUSE_MACHINE_ECALL, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE,
  CSR_SSCRATCH, CSR_SSTATUS, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_SIE, csrWriteMask,
} from './encoding.generated';
import { csrAllowed, csrRead, csrWrite, fsDirty, mstatusValue, SSTATUS_MASK, SSTATUS_WMASK } from './csr';
import { interruptsChanged } from './timer';
import { execFp } from './fpu';
import * as O from './ops.generated';

/** Drop every decoded instruction and compiled block (fence.i, host code writes, breakpoints). */
export function flushDecode(): void {
  memory.fill(DEC, 0, DEC_N * DEC_ENTRY);
  // compiled blocks are decodes too: they go with the decode cache
  memory.fill(BLK, 0, BLK_N * BLK_ENTRY);
  store<u32>(JIT_GEN, load<u32>(JIT_GEN) + 1);
}

// Fields of a decode entry: the immediate from the entry, the rest from its decode word (bytes DEC_WORD..DEC_LEN
// loaded as one u64), field F being byte F - DEC_WORD of the word.
const W_CYCLES: u64 = <u64>(DEC_CYCLES - DEC_WORD) * 8;
const W_RD: u32 = <u32>(DEC_RD - DEC_WORD) * 8;
const W_RS1: u32 = <u32>(DEC_RS1 - DEC_WORD) * 8;
const W_RS2: u64 = <u64>(DEC_RS2 - DEC_WORD) * 8;
const W_RS3: u64 = <u64>(DEC_RS3 - DEC_WORD) * 8;
const W_RM: u64 = <u64>(DEC_RM - DEC_WORD) * 8;
const W_LEN: u64 = <u64>(DEC_LEN - DEC_WORD) * 8;
@inline export function fImm(e: usize): u64 { return <u64><i64>load<i32>(e, DEC_IMM); }
@inline export function fOp(w: u64): u32 { return <u32>w & 0xff; }
@inline export function fCycles(w: u64): u64 { return (w >> W_CYCLES) & 0xff; }
@inline export function fRd(w: u64): u32 { return (<u32>w >> W_RD) & 0xff; }
@inline export function fRs1(w: u64): u32 { return <u32>w >> W_RS1; } // the top byte of the low word
@inline export function fRs2(w: u64): u32 { return <u32>(w >> W_RS2) & 0xff; }
@inline export function fRs3(w: u64): u32 { return <u32>(w >> W_RS3) & 0xff; }
@inline export function fRm(w: u64): u32 { return <u32>(w >> W_RM) & 0xff; }
@inline export function fLen(w: u64): u64 { return w >> W_LEN; } // the top byte

/** Next pc meaning "not handled by the fast path" (instruction addresses are even). */
export const SLOW: u64 = 1;

@inline function sx32(v: u64): u64 { return <u64><i64><i32>v; }

@inline function mulhu(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
@inline function mulh(a: u64, b: u64): u64 {
  let r = mulhu(a, b);
  if (<i64>a < 0) r -= b;
  if (<i64>b < 0) r -= a;
  return r;
}
@inline function mulhsu(a: u64, b: u64): u64 {
  let r = mulhu(a, b);
  if (<i64>a < 0) r -= b;
  return r;
}

function illegal(bits: u64): void { raise(CAUSE_ILLEGAL, bits); }

/**
 * The instructions that need no call out of the loop: integer ALU, M, branches and jumps, and loads/stores
 * whose data TLB hits. Returns the next pc, or SLOW to have the full path (execute) do the instruction.
 */
@inline export function execSimple(e: usize, w: u64, pc: u64, rc: u64, wc: u64): u64 {
  const op = <i32>fOp(w);
  switch (op) {
    case O.OP_LUI: xw(fRd(w), fImm(e)); return pc + fLen(w);
    case O.OP_AUIPC: xw(fRd(w), pc + fImm(e)); return pc + fLen(w);
    case O.OP_JAL: xw(fRd(w), pc + fLen(w)); return pc + fImm(e);
    case O.OP_JALR: { const t = (xr(fRs1(w)) + fImm(e)) & ~<u64>1; xw(fRd(w), pc + fLen(w)); return t; }
    case O.OP_BEQ: if (xr(fRs1(w)) == xr(fRs2(w))) { return pc + fImm(e); } return pc + fLen(w);
    case O.OP_BNE: if (xr(fRs1(w)) != xr(fRs2(w))) { return pc + fImm(e); } return pc + fLen(w);
    case O.OP_BLT: if (<i64>xr(fRs1(w)) < <i64>xr(fRs2(w))) { return pc + fImm(e); } return pc + fLen(w);
    case O.OP_BGE: if (<i64>xr(fRs1(w)) >= <i64>xr(fRs2(w))) { return pc + fImm(e); } return pc + fLen(w);
    case O.OP_BLTU: if (xr(fRs1(w)) < xr(fRs2(w))) { return pc + fImm(e); } return pc + fLen(w);
    case O.OP_BGEU: if (xr(fRs1(w)) >= xr(fRs2(w))) { return pc + fImm(e); } return pc + fLen(w);
    case O.OP_ADDI: xw(fRd(w), xr(fRs1(w)) + fImm(e)); return pc + fLen(w);
    case O.OP_SLTI: xw(fRd(w), <i64>xr(fRs1(w)) < <i64>fImm(e) ? 1 : 0); return pc + fLen(w);
    case O.OP_SLTIU: xw(fRd(w), xr(fRs1(w)) < fImm(e) ? 1 : 0); return pc + fLen(w);
    case O.OP_XORI: xw(fRd(w), xr(fRs1(w)) ^ fImm(e)); return pc + fLen(w);
    case O.OP_ORI: xw(fRd(w), xr(fRs1(w)) | fImm(e)); return pc + fLen(w);
    case O.OP_ANDI: xw(fRd(w), xr(fRs1(w)) & fImm(e)); return pc + fLen(w);
    case O.OP_SLLI: xw(fRd(w), xr(fRs1(w)) << (fImm(e) & 63)); return pc + fLen(w);
    case O.OP_SRLI: xw(fRd(w), xr(fRs1(w)) >> (fImm(e) & 63)); return pc + fLen(w);
    case O.OP_SRAI: xw(fRd(w), <u64>(<i64>xr(fRs1(w)) >> <i64>(fImm(e) & 63))); return pc + fLen(w);
    case O.OP_ADD: xw(fRd(w), xr(fRs1(w)) + xr(fRs2(w))); return pc + fLen(w);
    case O.OP_SUB: xw(fRd(w), xr(fRs1(w)) - xr(fRs2(w))); return pc + fLen(w);
    case O.OP_SLL: xw(fRd(w), xr(fRs1(w)) << (xr(fRs2(w)) & 63)); return pc + fLen(w);
    case O.OP_SLT: xw(fRd(w), <i64>xr(fRs1(w)) < <i64>xr(fRs2(w)) ? 1 : 0); return pc + fLen(w);
    case O.OP_SLTU: xw(fRd(w), xr(fRs1(w)) < xr(fRs2(w)) ? 1 : 0); return pc + fLen(w);
    case O.OP_XOR: xw(fRd(w), xr(fRs1(w)) ^ xr(fRs2(w))); return pc + fLen(w);
    case O.OP_SRL: xw(fRd(w), xr(fRs1(w)) >> (xr(fRs2(w)) & 63)); return pc + fLen(w);
    case O.OP_SRA: xw(fRd(w), <u64>(<i64>xr(fRs1(w)) >> <i64>(xr(fRs2(w)) & 63))); return pc + fLen(w);
    case O.OP_OR: xw(fRd(w), xr(fRs1(w)) | xr(fRs2(w))); return pc + fLen(w);
    case O.OP_AND: xw(fRd(w), xr(fRs1(w)) & xr(fRs2(w))); return pc + fLen(w);
    case O.OP_ADDIW: xw(fRd(w), sx32(xr(fRs1(w)) + fImm(e))); return pc + fLen(w);
    case O.OP_SLLIW: xw(fRd(w), sx32(xr(fRs1(w)) << (fImm(e) & 31))); return pc + fLen(w);
    case O.OP_SRLIW: xw(fRd(w), sx32(<u64>(<u32>xr(fRs1(w)) >> <u32>(fImm(e) & 31)))); return pc + fLen(w);
    case O.OP_SRAIW: xw(fRd(w), <u64><i64>(<i32>xr(fRs1(w)) >> <i32>(fImm(e) & 31))); return pc + fLen(w);
    case O.OP_ADDW: xw(fRd(w), sx32(xr(fRs1(w)) + xr(fRs2(w)))); return pc + fLen(w);
    case O.OP_SUBW: xw(fRd(w), sx32(xr(fRs1(w)) - xr(fRs2(w)))); return pc + fLen(w);
    case O.OP_SLLW: xw(fRd(w), sx32(xr(fRs1(w)) << (xr(fRs2(w)) & 31))); return pc + fLen(w);
    case O.OP_SRLW: xw(fRd(w), sx32(<u64>(<u32>xr(fRs1(w)) >> <u32>(xr(fRs2(w)) & 31)))); return pc + fLen(w);
    case O.OP_SRAW: xw(fRd(w), <u64><i64>(<i32>xr(fRs1(w)) >> <i32>(xr(fRs2(w)) & 31))); return pc + fLen(w);
    // loads and stores: only when the data TLB hits and the access stays in its page
    case O.OP_LB: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(RTLB, a, rc); if (h == 0) return SLOW; xw(fRd(w), <u64><i64>load<i8>(h)); return pc + fLen(w); }
    case O.OP_LBU: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(RTLB, a, rc); if (h == 0) return SLOW; xw(fRd(w), <u64>load<u8>(h)); return pc + fLen(w); }
    case O.OP_LH: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(RTLB, a, rc); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 1) return SLOW; xw(fRd(w), <u64><i64>load<i16>(h)); return pc + fLen(w); }
    case O.OP_LHU: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(RTLB, a, rc); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 1) return SLOW; xw(fRd(w), <u64>load<u16>(h)); return pc + fLen(w); }
    case O.OP_LW: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(RTLB, a, rc); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 3) return SLOW; xw(fRd(w), <u64><i64>load<i32>(h)); return pc + fLen(w); }
    case O.OP_LWU: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(RTLB, a, rc); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 3) return SLOW; xw(fRd(w), <u64>load<u32>(h)); return pc + fLen(w); }
    case O.OP_LD: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(RTLB, a, rc); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 7) return SLOW; xw(fRd(w), load<u64>(h)); return pc + fLen(w); }
    case O.OP_SB: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(WTLB, a, wc); if (h == 0) return SLOW; store<u8>(h, <u8>xr(fRs2(w))); return pc + fLen(w); }
    case O.OP_SH: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(WTLB, a, wc); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 1) return SLOW; store<u16>(h, <u16>xr(fRs2(w))); return pc + fLen(w); }
    case O.OP_SW: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(WTLB, a, wc); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 3) return SLOW; store<u32>(h, <u32>xr(fRs2(w))); return pc + fLen(w); }
    case O.OP_SD: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHostCtx(WTLB, a, wc); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 7) return SLOW; store<u64>(h, xr(fRs2(w))); return pc + fLen(w); }
    case O.OP_FENCE: case O.OP_FENCE_TSO: return pc + fLen(w);
    case O.OP_MUL: xw(fRd(w), xr(fRs1(w)) * xr(fRs2(w))); return pc + fLen(w);
    case O.OP_MULH: xw(fRd(w), mulh(xr(fRs1(w)), xr(fRs2(w)))); return pc + fLen(w);
    case O.OP_MULHSU: xw(fRd(w), mulhsu(xr(fRs1(w)), xr(fRs2(w)))); return pc + fLen(w);
    case O.OP_MULHU: xw(fRd(w), mulhu(xr(fRs1(w)), xr(fRs2(w)))); return pc + fLen(w);
    case O.OP_DIV: {
      const a = <i64>xr(fRs1(w)), b = <i64>xr(fRs2(w));
      xw(fRd(w), b == 0 ? <u64>-1 : (a == i64.MIN_VALUE && b == -1) ? <u64>a : <u64>(a / b));
      return pc + fLen(w);
    }
    case O.OP_DIVU: { const a = xr(fRs1(w)), b = xr(fRs2(w)); xw(fRd(w), b == 0 ? <u64>-1 : a / b); return pc + fLen(w); }
    case O.OP_REM: {
      const a = <i64>xr(fRs1(w)), b = <i64>xr(fRs2(w));
      xw(fRd(w), b == 0 ? <u64>a : (a == i64.MIN_VALUE && b == -1) ? 0 : <u64>(a % b));
      return pc + fLen(w);
    }
    case O.OP_REMU: { const a = xr(fRs1(w)), b = xr(fRs2(w)); xw(fRd(w), b == 0 ? a : a % b); return pc + fLen(w); }
    case O.OP_MULW: xw(fRd(w), sx32(xr(fRs1(w)) * xr(fRs2(w)))); return pc + fLen(w);
    case O.OP_DIVW: {
      const a = <i32>xr(fRs1(w)), b = <i32>xr(fRs2(w));
      xw(fRd(w), b == 0 ? <u64>-1 : (a == i32.MIN_VALUE && b == -1) ? <u64><i64>a : <u64><i64>(a / b));
      return pc + fLen(w);
    }
    case O.OP_DIVUW: {
      const a = <u32>xr(fRs1(w)), b = <u32>xr(fRs2(w));
      xw(fRd(w), b == 0 ? <u64>-1 : sx32(<u64>(a / b)));
      return pc + fLen(w);
    }
    case O.OP_REMW: {
      const a = <i32>xr(fRs1(w)), b = <i32>xr(fRs2(w));
      xw(fRd(w), b == 0 ? <u64><i64>a : (a == i32.MIN_VALUE && b == -1) ? 0 : <u64><i64>(a % b));
      return pc + fLen(w);
    }
    case O.OP_REMUW: {
      const a = <u32>xr(fRs1(w)), b = <u32>xr(fRs2(w));
      xw(fRd(w), b == 0 ? sx32(<u64>a) : sx32(<u64>(a % b)));
      return pc + fLen(w);
    }
    case O.OP_CSRRW: case O.OP_CSRRS: case O.OP_CSRRC: case O.OP_CSRRWI: case O.OP_CSRRSI: case O.OP_CSRRCI:
      return plainCsr(e, w, pc, op);
  }
  return SLOW;
}

/**
 * The CSR accesses of a trap entry and exit (entry.S): sscratch, sepc, scause and stval, and sstatus when the
 * write changes nothing but the bits themselves (no SUM/MXR change, no SIE newly set), from S-mode or M-mode.
 * What they do here is exactly what the full step does (csrAllowed, csrRead, csrWrite): these CSRs exist, are
 * read/write at S level, are no counters, and their reads and writes have no side effect. Any other CSR, or
 * U-mode, goes to the full step (SLOW) before anything is changed.
 */
@inline function plainCsr(e: usize, w: u64, pc: u64, op: i32): u64 {
  if (st.priv < PRV_S) return SLOW;
  const a = <u32>fImm(e) & 0xfff;
  const isImm = op >= <i32>O.OP_CSRRWI;
  const src: u64 = isImm ? <u64>fRs1(w) : xr(fRs1(w));
  const isW = op == O.OP_CSRRW || op == O.OP_CSRRWI;
  const writes = isW || fRs1(w) != 0;
  const isSet = op == O.OP_CSRRS || op == O.OP_CSRRSI;
  if ((a & 0xffc) == CSR_SSCRATCH) {
    const old = csrGet(a);
    if (writes) {
      const v = isW ? src : isSet ? old | src : old & ~src;
      const m = csrWriteMask(a);
      csrSet(a, (old & ~m) | (v & m));
    }
    xw(fRd(w), old);
    return pc + fLen(w);
  }
  if (a == CSR_SSTATUS) {
    const ms = csrGet(CSR_MSTATUS);
    const old = mstatusValue(ms) & SSTATUS_MASK;
    if (writes) {
      const v = isW ? src : isSet ? old | src : old & ~src;
      const nv = (ms & ~SSTATUS_WMASK) | (v & SSTATUS_WMASK);
      // a change of the data TLBs' context or a newly enabled interrupt: the full step's side effects
      if (((ms ^ nv) & (MSTATUS_SUM | MSTATUS_MXR)) != 0 || (nv & ~ms & MSTATUS_SIE) != 0) return SLOW;
      csrSet(CSR_MSTATUS, nv);
    }
    xw(fRd(w), old);
    return pc + fLen(w);
  }
  return SLOW;
}

/** Execute one decoded instruction at `pc` (the full step). Sets st.pc to the next pc (or the trap vector). */
@inline export function execute(e: usize, w: u64, pc: u64): void {
  // entry word at +8: op u16 | rd u8 | rs1 u8 | rs2 u8 | rs3 u8 | rm u8 | len u8. Fields are extracted inside
  // each case (fewer values live across the dispatch means fewer spills in the compiled loop).
  const op = <i32>fOp(w);
  const simple = execSimple(e, w, pc, load<u64>(RTLB + TLB_CTX), load<u64>(WTLB + TLB_CTX));
  if (simple != SLOW) { st.pc = simple; return; }
  switch (op) {
    case O.OP_LB: { const v = ld8(xr(fRs1(w)) + fImm(e)); if (st.trapped) return; xw(fRd(w), <u64><i64><i8>v); break; }
    case O.OP_LH: { const v = ld16(xr(fRs1(w)) + fImm(e)); if (st.trapped) return; xw(fRd(w), <u64><i64><i16>v); break; }
    case O.OP_LW: { const v = ld32(xr(fRs1(w)) + fImm(e)); if (st.trapped) return; xw(fRd(w), sx32(v)); break; }
    case O.OP_LD: { const v = ld64(xr(fRs1(w)) + fImm(e)); if (st.trapped) return; xw(fRd(w), v); break; }
    case O.OP_LBU: { const v = ld8(xr(fRs1(w)) + fImm(e)); if (st.trapped) return; xw(fRd(w), v); break; }
    case O.OP_LHU: { const v = ld16(xr(fRs1(w)) + fImm(e)); if (st.trapped) return; xw(fRd(w), v); break; }
    case O.OP_LWU: { const v = ld32(xr(fRs1(w)) + fImm(e)); if (st.trapped) return; xw(fRd(w), v); break; }
    case O.OP_SB: st8(xr(fRs1(w)) + fImm(e), xr(fRs2(w))); if (st.trapped) return; break;
    case O.OP_SH: st16(xr(fRs1(w)) + fImm(e), xr(fRs2(w))); if (st.trapped) return; break;
    case O.OP_SW: st32(xr(fRs1(w)) + fImm(e), xr(fRs2(w))); if (st.trapped) return; break;
    case O.OP_SD: st64(xr(fRs1(w)) + fImm(e), xr(fRs2(w))); if (st.trapped) return; break;
    case O.OP_FENCE: case O.OP_FENCE_TSO: break;
    case O.OP_FENCE_I: flushDecode(); break;
    case O.OP_ECALL: {
      const p = st.priv;
      // an ecall the host serves (SBI) leaves pc at the ecall: the host advances it
      raise(p == PRV_U ? CAUSE_USER_ECALL : p == PRV_S ? CAUSE_SUPERVISOR_ECALL : CAUSE_MACHINE_ECALL, 0);
      return;
    }
    case O.OP_EBREAK: raise(CAUSE_BREAKPOINT, pc); return;
    case O.OP_CSRRW: case O.OP_CSRRS: case O.OP_CSRRC: case O.OP_CSRRWI: case O.OP_CSRRSI: case O.OP_CSRRCI: {
      const a = <u32>fImm(e) & 0xfff;
      const isImm = op == O.OP_CSRRWI || op == O.OP_CSRRSI || op == O.OP_CSRRCI;
      const src: u64 = isImm ? <u64>fRs1(w) : xr(fRs1(w));
      const isW = op == O.OP_CSRRW || op == O.OP_CSRRWI;
      const writes = isW || fRs1(w) != 0;
      if (!csrAllowed(a, writes)) { illegal(instrBits(e)); return; }
      // counters read the count before this instruction retires (the loop already counted it)
      st.cycles--;
      const old = (isW && fRd(w) == 0) ? 0 : csrRead(a);
      st.cycles++;
      if (writes) {
        let nv: u64 = src;
        if (op == O.OP_CSRRS || op == O.OP_CSRRSI) nv = old | src;
        else if (op == O.OP_CSRRC || op == O.OP_CSRRCI) nv = old & ~src;
        csrWrite(a, isW ? src : nv);
      }
      xw(fRd(w), old);
      break;
    }
    case O.OP_LR_W: case O.OP_LR_D: {
      const va = xr(fRs1(w));
      const isW = op == O.OP_LR_W;
      if ((va & (isW ? 3 : 7)) != 0) { raise(CAUSE_MISALIGNED_LOAD, va); return; }
      const pa = amoTranslate(va, true, isW ? 4 : 8, false);
      if (pa < 0) return;
      const h = amoHost(<u64>pa);
      const v: u64 = isW ? sx32(<u64>load<u32>(h)) : load<u64>(h);
      amoTouched(<u64>pa, va, isW ? 4 : 8, v, v);
      setMisc(MISC_RES_ADDR, <u64>pa);
      dropWtlb(va); // stores to this page go the slow way, which breaks the reservation
      xw(fRd(w), v);
      break;
    }
    case O.OP_SC_W: case O.OP_SC_D: {
      const va = xr(fRs1(w));
      const isW = op == O.OP_SC_W;
      if ((va & (isW ? 3 : 7)) != 0) { raise(CAUSE_MISALIGNED_STORE, va); return; }
      const pa = amoTranslate(va, false, isW ? 4 : 8, true);
      if (pa < 0) return;
      const res = misc(MISC_RES_ADDR);
      setMisc(MISC_RES_ADDR, <u64>-1);
      if (res == <u64>pa) {
        const h = amoHost(<u64>pa);
        const nv = xr(fRs2(w));
        if (isW) store<u32>(h, <u32>nv); else store<u64>(h, nv);
        amoTouched(<u64>pa, va, isW ? 4 : 8, 0, nv);
        xw(fRd(w), 0);
      } else {
        xw(fRd(w), 1);
      }
      break;
    }
    case O.OP_AMOSWAP_W: case O.OP_AMOADD_W: case O.OP_AMOXOR_W: case O.OP_AMOAND_W: case O.OP_AMOOR_W:
    case O.OP_AMOMIN_W: case O.OP_AMOMAX_W: case O.OP_AMOMINU_W: case O.OP_AMOMAXU_W: {
      const va = xr(fRs1(w));
      if ((va & 3) != 0) { raise(CAUSE_MISALIGNED_STORE, va); return; }
      const pa = amoTranslate(va, false, 4, false);
      if (pa < 0) return;
      const h = amoHost(<u64>pa);
      const old = load<u32>(h);
      const b = <u32>xr(fRs2(w));
      let nv: u32 = b;
      if (op == O.OP_AMOADD_W) nv = old + b;
      else if (op == O.OP_AMOXOR_W) nv = old ^ b;
      else if (op == O.OP_AMOAND_W) nv = old & b;
      else if (op == O.OP_AMOOR_W) nv = old | b;
      else if (op == O.OP_AMOMIN_W) nv = <i32>old < <i32>b ? old : b;
      else if (op == O.OP_AMOMAX_W) nv = <i32>old > <i32>b ? old : b;
      else if (op == O.OP_AMOMINU_W) nv = old < b ? old : b;
      else if (op == O.OP_AMOMAXU_W) nv = old > b ? old : b;
      store<u32>(h, nv);
      amoTouched(<u64>pa, va, 4, <u64>old, <u64>nv);
      xw(fRd(w), sx32(<u64>old));
      break;
    }
    case O.OP_AMOSWAP_D: case O.OP_AMOADD_D: case O.OP_AMOXOR_D: case O.OP_AMOAND_D: case O.OP_AMOOR_D:
    case O.OP_AMOMIN_D: case O.OP_AMOMAX_D: case O.OP_AMOMINU_D: case O.OP_AMOMAXU_D: {
      const va = xr(fRs1(w));
      if ((va & 7) != 0) { raise(CAUSE_MISALIGNED_STORE, va); return; }
      const pa = amoTranslate(va, false, 8, false);
      if (pa < 0) return;
      const h = amoHost(<u64>pa);
      const old = load<u64>(h);
      const b = xr(fRs2(w));
      let nv: u64 = b;
      if (op == O.OP_AMOADD_D) nv = old + b;
      else if (op == O.OP_AMOXOR_D) nv = old ^ b;
      else if (op == O.OP_AMOAND_D) nv = old & b;
      else if (op == O.OP_AMOOR_D) nv = old | b;
      else if (op == O.OP_AMOMIN_D) nv = <i64>old < <i64>b ? old : b;
      else if (op == O.OP_AMOMAX_D) nv = <i64>old > <i64>b ? old : b;
      else if (op == O.OP_AMOMINU_D) nv = old < b ? old : b;
      else if (op == O.OP_AMOMAXU_D) nv = old > b ? old : b;
      store<u64>(h, nv);
      amoTouched(<u64>pa, va, 8, old, nv);
      xw(fRd(w), old);
      break;
    }
    case O.OP_FLW: case O.OP_FLD: {
      if ((csrGet(CSR_MSTATUS) & MSTATUS_FS) == MSTATUS_FS_OFF) { illegal(instrBits(e)); return; }
      const va = xr(fRs1(w)) + fImm(e);
      if (op == O.OP_FLW) { const v = ld32(va); if (st.trapped) return; fw(fRd(w), v | 0xffffffff00000000); }
      else { const v = ld64(va); if (st.trapped) return; fw(fRd(w), v); }
      fsDirty();
      break;
    }
    case O.OP_FSW: case O.OP_FSD: {
      if ((csrGet(CSR_MSTATUS) & MSTATUS_FS) == MSTATUS_FS_OFF) { illegal(instrBits(e)); return; }
      const va = xr(fRs1(w)) + fImm(e);
      if (op == O.OP_FSW) st32(va, fr(fRs2(w))); else st64(va, fr(fRs2(w)));
      if (st.trapped) return;
      break;
    }
    case O.OP_SRET: {
      if (st.priv < PRV_S || (st.priv == PRV_S && (csrGet(CSR_MSTATUS) & MSTATUS_TSR) != 0)) { illegal(instrBits(e)); return; }
      doSret();
      return;
    }
    case O.OP_MRET: {
      if (st.priv != PRV_M) { illegal(instrBits(e)); return; }
      doMret();
      return;
    }
    case O.OP_WFI: {
      const tw = (csrGet(CSR_MSTATUS) & MSTATUS_TW) != 0;
      if (st.priv == PRV_U || (st.priv == PRV_S && tw)) { illegal(instrBits(e)); return; }
      st.pc = pc + fLen(w);
      if (!anyPending()) { setMisc(MW, 1); interruptsChanged(); }
      return;
    }
    case O.OP_SFENCE_VMA: {
      if (st.priv == PRV_U || (st.priv == PRV_S && (csrGet(CSR_MSTATUS) & MSTATUS_TVM) != 0)) { illegal(instrBits(e)); return; }
      // rs1 = x0: every address; rs2 = x0: every address space (mmu.ts sfenceVma)
      sfenceVma(xr(fRs1(w)), fRs1(w) != 0, xr(fRs2(w)) & 0xffff, fRs2(w) != 0);
      break;
    }
    case O.OP_ILLEGAL: illegal(instrBits(e)); return;
    default: {
      // everything else is F/D arithmetic
      if ((csrGet(CSR_MSTATUS) & MSTATUS_FS) == MSTATUS_FS_OFF) { illegal(instrBits(e)); return; }
      if (!execFp(op, <i32>fRd(w), <i32>fRs1(w), <i32>fRs2(w), <i32>fRs3(w), <i32>fRm(w))) { illegal(instrBits(e)); return; }
      fsDirty();
      break;
    }
  }
  st.pc = pc + fLen(w);
}

/** The raw instruction bits for a decode entry: re-read from memory at pc (only on the illegal-instruction path). */
function instrBits(e: usize): u64 {
  const h = tlbHost(ITLB, st.pc);
  if (h == 0) return 0;
  const lo = <u32>load<u16>(h);
  if ((lo & 3) != 3) return <u64>lo;
  if ((h & PAGE_OFF) == PAGE_OFF - 1) return <u64>lo; // best effort for page-crossing
  return <u64>load<u32>(h);
}
