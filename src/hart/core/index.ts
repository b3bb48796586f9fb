// The execution core of the hart: the run loop, instruction semantics, and the exports the TypeScript side
// (src/hart/hart.ts) drives. AssemblyScript, compiled to build/core/hart.wasm by `npm run build:core`.
//
// The loop: translate pc through the fetch TLB, look the instruction's wasm address up in the decode cache
// (a miss asks the host's table-driven decoder, src/isa/decode.ts, to fill the entry), dispatch on the op
// number with one switch. Nothing is allocated and no per-instruction check of breakpoints, watchpoints or
// timers happens: breakpoints are decode-cache entries with op OP_BREAKPOINT, watched pages never enter the
// data TLBs, and the loop runs until `stopAt`, the earlier of the budget and the next timer deadline.
// Cycles (src/hart/cycles.ts): every decode entry carries its instruction's cost, and compiled blocks report
// the cost of what they ran, so the modelled cycle count (st.clock) costs one add per instruction.
import {
  XREG, DEC, DEC_N, DEC_ENTRY, ITLB, RTLB, WTLB, TLB_N, SCRATCH, STATE, STATE_END, PAGEFLAGS, PAGEFLAGS_SIZE,
  RAM_OFF, EXIT_BUDGET, EXIT_BREAKPOINT, EXIT_WFI, EXIT_HALT, FLAG_SKIP_BP, MISC_WFI as MW,
  BLK, BLK_N, BLK_COUNTING, JIT_DONE, JIT_CYCLES, JIT_GEN, BLK_ENTRY, BLK_TAG, BLK_STATE, BLK_PASS, BLK_HITS,
  TLB_ENTRY, TLB_TAG, TLB_HOST, DEC_TAG, DEC_IMM, DEC_WORD, DEC_CYCLES, DEC_RD, DEC_RS1, DEC_RS2, DEC_RS3, DEC_RM, DEC_LEN,
} from '../layout';
import * as L from '../layout';
import * as st from './state';
import {
  PRV_M, PRV_S, PRV_U, xr, xw, fr, fw, csrGet, misc, setMisc, requestExit, clearExit,
  MISC_FLAGS, MISC_RES_ADDR, MISC_EXIT_D, MISC_FCSR,
} from './state';
import { flushTlb, loadSlow, storeSlow, fetchSlow, amoTranslate, amoHost, amoTouched, dropWtlb, debugTranslate, ACC_FETCH } from './mmu';
import { raise, takeTrap, doMret, doSret, checkInterrupts, anyPending } from './trap';
import {
  CSR_MSTATUS, MSTATUS_FS, MSTATUS_FS_OFF, MSTATUS_TSR, MSTATUS_TW, MSTATUS_TVM, CAUSE_ILLEGAL, CAUSE_BREAKPOINT,
  PAGE_SHIFT, CAUSE_USER_ECALL, CAUSE_SUPERVISOR_ECALL, CAUSE_MACHINE_ECALL, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE,
} from './encoding.generated';
import { csrAllowed, csrRead, csrWrite, csrReset, fsDirty } from './csr';
import { nextTimerDeadline, readTime, writeTime, interruptsChanged } from './timer';
import { execFp } from './fpu';
import * as O from './ops.generated';

@external('env', 'decode')
declare function hostDecode(pc: u64, bits: u32, entry: usize, noBreakpoint: i32): void;
/** Run compiled block `idx` (a function-table index) at virtual pc `pc`, with at most `budget` instructions. */
@external('env', 'jitCall')
declare function jitCall(idx: i32, pc: u64, budget: i32): u64;
/** Translate the block at `pc` (host address `host`) and fill its block-cache entry; returns its state. */
@external('env', 'jitCompile')
declare function jitCompile(pc: u64, host: u32, entry: u32): i32;

const RAM_BASE: u64 = <u64>L.RAM_BASE;
const FLAG_SKIP: u64 = FLAG_SKIP_BP;
/** Decode entry used for instructions that are not cached (page-crossing, breakpoint step-over). */
const SCRATCH_ENTRY: usize = SCRATCH;
/** Mask of the offset within a page. */
const PAGE_OFF: u32 = (1 << <u32>PAGE_SHIFT) - 1;
/** Instructions per call of the inner loop. */
const SLICE: u64 = 1 << 16;
/** A block head is translated after this many entries. */
const BLK_HOT: u32 = 32;
/** Whether hot blocks are translated to WebAssembly (src/hart/jit/). */
let jitOn: bool = false;
export function setJit(on: i32): void { jitOn = on != 0; }

// ---- exports for the host ------------------------------------------------------------------------------

/**
 * End of the core's static data (strings, tables): the memory below STATE must hold all of it, and nothing
 * else ever grows there (the core has no heap: rt/none.ts). The host checks this at start-up.
 */
export function staticEnd(): usize { return __heap_base; }

/** Size guest RAM (bytes, multiple of 64 KiB) and reset the machine. Returns false if memory cannot grow. */
export function init(ramBytes: u32): bool {
  const needPages = <i32>((RAM_OFF + <usize>ramBytes + 0xffff) >> 16);
  const have = memory.size();
  if (needPages > have) {
    if (memory.grow(needPages - have) < 0) return false;
  }
  st.ramSize = <u64>ramBytes;
  reset();
  return true;
}

export function reset(): void {
  memory.fill(STATE, 0, STATE_END - STATE);
  memory.fill(PAGEFLAGS, 0, PAGEFLAGS_SIZE);
  csrReset();
  setMisc(st.MISC_TIME_DIV, 10);
  setMisc(st.MISC_RES_ADDR, <u64>-1);
  setMisc(st.MISC_MTIMECMP, <u64>-1);
  st.pc = RAM_BASE;
  st.priv = PRV_M;
  st.cycles = 0;
  st.squashed = 0;
  st.clock = 0;
  st.saveGlobals();
  flushTlb();
  flushDecode();
}

export function flushDecode(): void {
  memory.fill(DEC, 0, DEC_N * DEC_ENTRY);
  // compiled blocks are decodes too: they go with the decode cache (fence.i, host code writes, breakpoints)
  memory.fill(BLK, 0, BLK_N * BLK_ENTRY);
  store<u32>(JIT_GEN, load<u32>(JIT_GEN) + 1);
}

export function flushTlbs(): void { flushTlb(); }

/** Read a CSR as the debugger sees it (no permission checks, no side effects). */
export function debugCsrRead(a: u32): u64 {
  st.loadGlobals();
  return csrRead(a);
}
/** Write a CSR with its legal-value rules, as if from M-mode. */
export function debugCsrWrite(a: u32, v: u64): void {
  st.loadGlobals();
  csrWrite(a, v);
  st.saveGlobals();
}
/** Virtual to physical for the debugger (no faults, no A/D updates): -1 when not mapped. */
export function debugTranslateVa(va: u64, acc: i32): i64 {
  st.loadGlobals();
  return debugTranslate(va, acc);
}
export function currentTime(): u64 {
  st.loadGlobals();
  return readTime();
}
export function setTime(v: u64): void {
  st.loadGlobals();
  writeTime(v);
}

/** mret done by the host playing the M-mode firmware (after EXIT_FIRMWARE). */
export function hostMret(): void {
  st.loadGlobals();
  doMret();
  st.saveGlobals();
}

/** Ask a running core to stop at the next instruction boundary (called from a host import, e.g. a timer). */
export function halt(): void { requestExit(EXIT_HALT); }

/**
 * Run at most `budget` instructions. Returns an EXIT_* reason; details in the MISC_EXIT_* slots.
 * Globals are loaded from and saved to the MISC block, so the host may edit state between calls.
 */
export function run(budget: i32): i32 {
  st.loadGlobals();
  clearExit();
  const end: u64 = st.cycles + <u64>budget;
  while (true) {
    if (st.exitReason >= 0) break;
    if (st.cycles >= end) { st.exitReason = EXIT_BUDGET; break; }
    checkInterrupts();
    if (st.exitReason >= 0) break;
    if (misc(MW) != 0) {
      // waiting for an interrupt: skip virtual time ahead to the next timer deadline
      if (anyPending()) { setMisc(MW, 0); continue; }
      const dl = nextTimerDeadline();
      if (dl == <u64>-1 || dl - st.clock > end - st.cycles) { st.exitReason = EXIT_WFI; break; }
      const asleep = dl - st.clock;
      st.squashed += asleep; // asleep: the clock runs (and the budget with it), nothing retires
      st.cycles += asleep;
      st.clock = dl;
      continue;
    }
    let limit = end;
    const dl = nextTimerDeadline();
    if (dl != <u64>-1) {
      // the deadline is in cycles, the loop counts instructions (each costs >= 1 cycle): approach it in
      // halving steps, so an interrupt comes within an instruction of its deadline unless code runs above 2 CPI
      const left = dl > st.clock ? dl - st.clock : 1;
      const step = left > 1 ? left >> 1 : 1;
      if (step < end - st.cycles) limit = st.cycles + step;
    }
    // V8 tiers a wasm function up only between calls: run the inner loop in slices so it gets optimised
    if (limit - st.cycles > SLICE) limit = st.cycles + SLICE;
    st.stopAt = limit;
    inner();
  }
  st.saveGlobals();
  return st.exitReason;
}

// ---- helpers for the loop --------------------------------------------------------------------------------

@inline function sx32(v: u64): u64 { return <u64><i64><i32>v; }

@inline function tlbHost(tlb: usize, va: u64): usize {
  const e = tlb + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  if (load<u64>(e, TLB_TAG) == (va & ~<u64>PAGE_OFF)) return <usize>load<u32>(e, TLB_HOST) + (<usize>va & PAGE_OFF);
  return 0;
}

@inline function ld64(va: u64): u64 {
  const h = tlbHost(RTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 7) return load<u64>(h);
  return loadSlow(va, 8);
}
@inline function ld32(va: u64): u64 {
  const h = tlbHost(RTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 3) return <u64>load<u32>(h);
  return loadSlow(va, 4);
}
@inline function ld16(va: u64): u64 {
  const h = tlbHost(RTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 1) return <u64>load<u16>(h);
  return loadSlow(va, 2);
}
@inline function ld8(va: u64): u64 {
  const h = tlbHost(RTLB, va);
  if (h != 0) return <u64>load<u8>(h);
  return loadSlow(va, 1);
}
@inline function st64(va: u64, v: u64): void {
  const h = tlbHost(WTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 7) store<u64>(h, v); else storeSlow(va, 8, v);
}
@inline function st32(va: u64, v: u64): void {
  const h = tlbHost(WTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 3) store<u32>(h, <u32>v); else storeSlow(va, 4, v);
}
@inline function st16(va: u64, v: u64): void {
  const h = tlbHost(WTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 1) store<u16>(h, <u16>v); else storeSlow(va, 2, v);
}
@inline function st8(va: u64, v: u64): void {
  const h = tlbHost(WTLB, va);
  if (h != 0) store<u8>(h, <u8>v); else storeSlow(va, 1, v);
}

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

/** Fetch the instruction at pc into a decode entry; returns the entry's address or 0 after a fetch fault. */
function decodeAt(host: usize, noBp: i32): usize {
  const pc = st.pc;
  let bits: u32 = <u32>load<u16>(host);
  let e: usize;
  if ((bits & 3) == 3) {
    if ((host & PAGE_OFF) == PAGE_OFF - 1) {
      // a 32-bit instruction crossing a page: fetch the second half through its own translation
      const h2 = fetchSlow(pc + 2);
      if (h2 == 0) return 0;
      bits |= <u32>load<u16>(h2) << 16;
      hostDecode(pc, bits, SCRATCH_ENTRY, noBp);
      return SCRATCH_ENTRY;
    }
    bits = load<u32>(host);
  }
  if (noBp) e = SCRATCH_ENTRY;
  else e = DEC + ((host >> 1) & (DEC_N - 1)) * DEC_ENTRY;
  hostDecode(pc, bits, e, noBp);
  if (!noBp) store<u32>(e, <u32>host, DEC_TAG);
  return e;
}

function inner(): void {
  // Nothing below has trapped yet: every trap ends this call (it sets stopAt = 0), so the flag only needs
  // clearing here.
  st.trapped = false;
  // The page the pc is in, kept in locals: a TLB flush also ends this call, so they cannot go stale.
  let pageVa: u64 = 1; // never a page address
  let pageHost: usize = 0;
  while (st.cycles < st.stopAt) {
    if (jitOn) {
      blockLoop();
      if (st.cycles >= st.stopAt) break;
      if (fastLoopJit()) continue; // stopped at the head of a compiled (or hot) block
    } else {
      fastLoop();
    }
    if (st.cycles >= st.stopAt) break;
    // one instruction through the full path
    store<u64>(XREG, 0);
    const pc = st.pc;
    st.cycles++;
    let host: usize;
    if ((pc & ~<u64>PAGE_OFF) == pageVa) {
      host = pageHost + (<usize>pc & PAGE_OFF);
    } else {
      host = tlbHost(ITLB, pc);
      if (host == 0) {
        host = fetchSlow(pc);
        if (host == 0) continue;
      }
      pageVa = pc & ~<u64>PAGE_OFF;
      pageHost = host - (<usize>pc & PAGE_OFF);
    }
    let e = DEC + ((host >> 1) & (DEC_N - 1)) * DEC_ENTRY;
    if (load<u32>(e, DEC_TAG) != <u32>host) {
      e = decodeAt(host, 0);
      if (e == 0) continue;
    }
    let w = load<u64>(e, DEC_WORD);
    if (fOp(w) == O.OP_BREAKPOINT) {
      if ((misc(MISC_FLAGS) & FLAG_SKIP) != 0) {
        setMisc(MISC_FLAGS, misc(MISC_FLAGS) & ~FLAG_SKIP);
        e = decodeAt(host, 1);
        if (e == 0) continue;
        w = load<u64>(e, DEC_WORD);
      } else {
        st.cycles--;
        setMisc(MISC_EXIT_D, pc);
        requestExit(EXIT_BREAKPOINT);
        break;
      }
    }
    execute(e, w, pc);
    // the instruction's class cost, after it ran (a counter it reads does not include itself), and the
    // extra cycle of a taken branch or jump (a trap's flush is charged by takeTrap)
    st.clock += fCycles(w) + (!st.trapped && st.pc - pc != fLen(w) ? 1 : 0);
    if (st.exitReason >= 0) break;
  }
}

/** Execute one decoded instruction at `pc`. Sets st.pc to the next pc (or the trap vector). */
// Fields of a decode entry: the immediate from the entry, the rest from its decode word (bytes DEC_WORD..DEC_LEN
// loaded as one u64), field F being byte F - DEC_WORD of the word.
const W_CYCLES: u64 = <u64>(DEC_CYCLES - DEC_WORD) * 8;
const W_RD: u32 = <u32>(DEC_RD - DEC_WORD) * 8;
const W_RS1: u32 = <u32>(DEC_RS1 - DEC_WORD) * 8;
const W_RS2: u64 = <u64>(DEC_RS2 - DEC_WORD) * 8;
const W_RS3: u64 = <u64>(DEC_RS3 - DEC_WORD) * 8;
const W_RM: u64 = <u64>(DEC_RM - DEC_WORD) * 8;
const W_LEN: u64 = <u64>(DEC_LEN - DEC_WORD) * 8;
@inline function fImm(e: usize): u64 { return <u64><i64>load<i32>(e, DEC_IMM); }
@inline function fOp(w: u64): u32 { return <u32>w & 0xff; }
@inline function fCycles(w: u64): u64 { return (w >> W_CYCLES) & 0xff; }
@inline function fRd(w: u64): u32 { return (<u32>w >> W_RD) & 0xff; }
@inline function fRs1(w: u64): u32 { return <u32>w >> W_RS1; } // the top byte of the low word
@inline function fRs2(w: u64): u32 { return <u32>(w >> W_RS2) & 0xff; }
@inline function fRs3(w: u64): u32 { return <u32>(w >> W_RS3) & 0xff; }
@inline function fRm(w: u64): u32 { return <u32>(w >> W_RM) & 0xff; }
@inline function fLen(w: u64): u64 { return w >> W_LEN; } // the top byte

/** Next pc meaning "not handled by the fast path" (instruction addresses are even). */
const SLOW: u64 = 1;

/**
 * The instructions that need no call out of the loop: integer ALU, M, branches and jumps, and loads/stores
 * whose data TLB hits. Returns the next pc, or SLOW to have the full path (execute) do the instruction.
 */
@inline function execSimple(e: usize, w: u64, pc: u64): u64 {
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
    case O.OP_LB: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(RTLB, a); if (h == 0) return SLOW; xw(fRd(w), <u64><i64>load<i8>(h)); return pc + fLen(w); }
    case O.OP_LBU: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(RTLB, a); if (h == 0) return SLOW; xw(fRd(w), <u64>load<u8>(h)); return pc + fLen(w); }
    case O.OP_LH: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(RTLB, a); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 1) return SLOW; xw(fRd(w), <u64><i64>load<i16>(h)); return pc + fLen(w); }
    case O.OP_LHU: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(RTLB, a); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 1) return SLOW; xw(fRd(w), <u64>load<u16>(h)); return pc + fLen(w); }
    case O.OP_LW: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(RTLB, a); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 3) return SLOW; xw(fRd(w), <u64><i64>load<i32>(h)); return pc + fLen(w); }
    case O.OP_LWU: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(RTLB, a); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 3) return SLOW; xw(fRd(w), <u64>load<u32>(h)); return pc + fLen(w); }
    case O.OP_LD: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(RTLB, a); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 7) return SLOW; xw(fRd(w), load<u64>(h)); return pc + fLen(w); }
    case O.OP_SB: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(WTLB, a); if (h == 0) return SLOW; store<u8>(h, <u8>xr(fRs2(w))); return pc + fLen(w); }
    case O.OP_SH: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(WTLB, a); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 1) return SLOW; store<u16>(h, <u16>xr(fRs2(w))); return pc + fLen(w); }
    case O.OP_SW: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(WTLB, a); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 3) return SLOW; store<u32>(h, <u32>xr(fRs2(w))); return pc + fLen(w); }
    case O.OP_SD: { const a = xr(fRs1(w)) + fImm(e); const h = tlbHost(WTLB, a); if (h == 0 || (<u32>a & PAGE_OFF) > PAGE_OFF - 7) return SLOW; store<u64>(h, xr(fRs2(w))); return pc + fLen(w); }
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
  }
  return SLOW;
}

/**
 * The hot loop: runs simple instructions until one needs the full path, a TLB or decode-cache miss, or the
 * slice ends. It calls nothing, so V8 keeps pc and the cycle count in registers.
 */
function fastLoop(): void {
  let pc = st.pc;
  let c = st.cycles;
  let k = st.clock;
  const stop = st.stopAt;
  // the page the pc is in: one compare instead of a TLB load per instruction (shortens the dependent-load
  // chain that bounds an interpreter's speed); valid for the whole call since nothing here changes the TLB
  let pageVa: u64 = 1;
  let pageHost: usize = 0;
  while (c < stop) {
    // (x0 needs no reset here: the decoder sends writes to x0 to the scratch slot x32)
    let host: usize;
    if ((pc & ~<u64>PAGE_OFF) == pageVa) {
      host = pageHost + (<usize>pc & PAGE_OFF);
    } else {
      host = tlbHost(ITLB, pc);
      if (host == 0) break;
      pageVa = pc & ~<u64>PAGE_OFF;
      pageHost = host - (<usize>pc & PAGE_OFF);
    }
    const e = DEC + ((host >> 1) & (DEC_N - 1)) * DEC_ENTRY;
    if (load<u32>(e) != <u32>host) break;
    const w = load<u64>(e, DEC_WORD);
    const n = execSimple(e, w, pc);
    if (n == SLOW) break;
    k += fCycles(w) + <u64>(n - pc != fLen(w));
    pc = n;
    c++;
  }
  st.pc = pc;
  st.cycles = c;
  st.clock = k;
}

/**
 * fastLoop with the translator on (a copy, so the interpreter alone keeps its tighter loop): it also counts
 * entries of block heads (targets of taken branches and jumps) and returns true at the head of a compiled or
 * newly hot block, so that inner() runs it with blockLoop. The first instruction is never such a stop, so
 * every call makes progress.
 */
function fastLoopJit(): bool {
  let pc = st.pc;
  let c = st.cycles;
  let k = st.clock;
  const stop = st.stopAt;
  let head = false;
  let toBlocks = false;
  let pageVa: u64 = 1;
  let pageHost: usize = 0;
  while (c < stop) {
    let host: usize;
    if ((pc & ~<u64>PAGE_OFF) == pageVa) {
      host = pageHost + (<usize>pc & PAGE_OFF);
    } else {
      host = tlbHost(ITLB, pc);
      if (host == 0) break;
      pageVa = pc & ~<u64>PAGE_OFF;
      pageHost = host - (<usize>pc & PAGE_OFF);
    }
    if (head) {
      head = false;
      const b = BLK + ((host >> 1) & (BLK_N - 1)) * BLK_ENTRY;
      if (load<u32>(b) == <u32>host) {
        const state = load<i32>(b, BLK_STATE);
        if (state >= 0) { toBlocks = true; break; }
        if (state == BLK_COUNTING) {
          const hits = load<u32>(b, BLK_HITS) + 1;
          store<u32>(b, hits, BLK_HITS);
          if (hits >= BLK_HOT) { toBlocks = true; break; }
        }
      } else {
        store<u32>(b, <u32>host, BLK_TAG);
        store<i32>(b, BLK_COUNTING, BLK_STATE);
        store<u32>(b, 1, BLK_HITS);
      }
    }
    const e = DEC + ((host >> 1) & (DEC_N - 1)) * DEC_ENTRY;
    if (load<u32>(e) != <u32>host) break;
    const w = load<u64>(e, DEC_WORD);
    const n = execSimple(e, w, pc);
    if (n == SLOW) break;
    const taken = n - pc != fLen(w);
    if (taken) head = true;
    k += fCycles(w) + <u64>taken;
    pc = n;
    c++;
  }
  st.pc = pc;
  st.cycles = c;
  st.clock = k;
  return toBlocks;
}

/**
 * Runs compiled blocks from pc for as long as the next pc is the head of one and its longest pass fits in
 * the slice (so the cycle count is exact at every exit, and timer deadlines are met); counts entries of
 * blocks not yet compiled and compiles the hot ones. Returns to the interpreter on anything else.
 */
function blockLoop(): void {
  let pc = st.pc;
  let c = st.cycles;
  let k = st.clock;
  const stop = st.stopAt;
  let pageVa: u64 = 1;
  let pageHost: usize = 0;
  while (c < stop) {
    let host: usize;
    if ((pc & ~<u64>PAGE_OFF) == pageVa) {
      host = pageHost + (<usize>pc & PAGE_OFF);
    } else {
      host = tlbHost(ITLB, pc);
      if (host == 0) break;
      pageVa = pc & ~<u64>PAGE_OFF;
      pageHost = host - (<usize>pc & PAGE_OFF);
    }
    const b = BLK + ((host >> 1) & (BLK_N - 1)) * BLK_ENTRY;
    if (load<u32>(b) != <u32>host) {
      store<u32>(b, <u32>host, BLK_TAG);
      store<i32>(b, BLK_COUNTING, BLK_STATE);
      store<u32>(b, 1, BLK_HITS);
      break;
    }
    let state = load<i32>(b, BLK_STATE);
    if (state < 0) {
      if (state != BLK_COUNTING) break;
      const hits = load<u32>(b, BLK_HITS) + 1;
      store<u32>(b, hits, BLK_HITS);
      if (hits < BLK_HOT) break;
      state = jitCompile(pc, <u32>host, <u32>b);
      if (state < 0) break;
    }
    if (c + <u64>load<u32>(b, BLK_PASS) > stop) break;
    pc = jitCall(state, pc, <i32>(stop - c));
    const done = load<u32>(JIT_DONE);
    c += <u64>done;
    k += <u64>load<u32>(JIT_CYCLES);
    if (done == 0) break; // the first instruction needs the slow path (e.g. a TLB miss)
  }
  st.pc = pc;
  st.cycles = c;
  st.clock = k;
}

@inline function execute(e: usize, w: u64, pc: u64): void {
  // entry word at +8: op u16 | rd u8 | rs1 u8 | rs2 u8 | rs3 u8 | rm u8 | len u8. Fields are extracted inside
  // each case (fewer values live across the dispatch means fewer spills in the compiled loop).
  const op = <i32>fOp(w);
  const simple = execSimple(e, w, pc);
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
      const pa = amoTranslate(va, true, isW ? 4 : 8);
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
      const pa = amoTranslate(va, false, isW ? 4 : 8);
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
      const pa = amoTranslate(va, false, 4);
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
      const pa = amoTranslate(va, false, 8);
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
      flushTlb();
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
