// The execution core of the hart: the run loop and the exports the TypeScript side (src/hart/hart.ts) drives.
// AssemblyScript, compiled to build/core/hart.wasm by `npm run build:core`. What each instruction does is in
// exec.ts, memory access (TLBs, Sv39, RAM) in mmu.ts, devices in bus.ts, CSRs in csr.ts, traps in trap.ts.
//
// The loop: translate pc through the fetch TLB, look the instruction's wasm address up in the decode cache
// (a miss runs the core's decoder, decode.ts, over tables generated from the ISA table; the host is asked
// whether a breakpoint is there only where BP_FILTER in src/hart/layout.ts has a bit set), dispatch on the op
// number with one switch. Nothing is allocated and no per-instruction check of breakpoints, watchpoints or
// timers happens: breakpoints are decode-cache entries with op OP_BREAKPOINT, watched pages never enter the
// data TLBs, and the loop runs until `stopAt`, the earlier of the budget and the next timer deadline.
// Cycles (src/hart/cycles.ts): every decode entry carries its instruction's cost, and compiled blocks report
// the cost of what they ran, so the modelled cycle count (st.clock) costs one add per instruction.
import {
  XREG, DEC, DEC_N, DEC_ENTRY, SCRATCH, STATE, STATE_END, PAGEFLAGS, PAGEFLAGS_SIZE,
  RAM_OFF, EXIT_BUDGET, EXIT_BREAKPOINT, EXIT_WFI, EXIT_HALT, FLAG_SKIP_BP, MISC_WFI as MW,
  BLK, BLK_N, BLK_COUNTING, JIT_DONE, JIT_CYCLES, BLK_ENTRY, BLK_TAG, BLK_STATE, BLK_PASS, BLK_HITS, DEC_TAG, DEC_WORD,
  BP_FILTER, BP_FILTER_BITS, DEC_OP, DEC_LEN,
} from '../layout';
import { decodeInsn } from './decode';
import * as L from '../layout';
import * as st from './state';
import { PRV_M, misc, setMisc, requestExit, clearExit, MISC_FLAGS, MISC_EXIT_D } from './state';
import { flushTlb, updateCtx, fetchSlow, fetchUncached, fetchPage, debugTranslate, PAGE_OFF } from './mmu';
import { doMret, checkInterrupts, anyPending, raise, CAUSE_BREAKPOINT } from './trap';
import { trigExec, triggerExec, triggersChanged } from './trigger';
import { csrRead, csrWrite, csrReset } from './csr';
import { nextTimerDeadline, readTime, writeTime } from './timer';
import { execSimple, execute, flushDecode, fOp, fCycles, fLen, SLOW } from './exec';
import * as O from './ops.generated';

export { flushDecode };

/** Whether the instruction at virtual `pc`, wasm address `host`, carries a breakpoint (asked when BP_FILTER hits). */
@external('env', 'breakpointAt')
declare function hostBreakpointAt(pc: u64, host: usize): i32;
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
/** Instructions per call of the inner loop. */
const SLICE: u64 = 1 << 16;
/** A block head is translated after this many entries (the host sets it: HartOptions.jitThreshold). */
let blkHot: u32 = 1024;
/** Whether hot blocks are translated to WebAssembly (src/hart/jit/). */
let jitOn: bool = false;
export function setJit(on: i32): void { jitOn = on != 0; }
export function setJitThreshold(entries: u32): void { blkHot = entries > 0 ? entries : 1; }

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
  triggersChanged(); // the host may have restored a snapshot
  updateCtx(); // ... or changed the privilege or satp
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


// ---- the run loop ----------------------------------------------------------------------------------------

/** The decode-cache entry of the instruction at wasm address `host`. */
@inline function decEntry(host: usize): usize { return DEC + ((host >> 1) & (DEC_N - 1)) * DEC_ENTRY; }
/** The block-cache entry of a block whose head is at wasm address `host`. */
@inline function blkEntry(host: usize): usize { return BLK + ((host >> 1) & (BLK_N - 1)) * BLK_ENTRY; }

/**
 * Counts an entry of the block head at wasm address `host` (block-cache entry `b`): a head not seen before
 * starts counting. True when the block is compiled, or has just been entered often enough to be worth it.
 */
@inline function blockEntered(b: usize, host: usize): bool {
  if (load<u32>(b, BLK_TAG) != <u32>host) {
    store<u32>(b, <u32>host, BLK_TAG);
    store<i32>(b, BLK_COUNTING, BLK_STATE);
    store<u32>(b, 1, BLK_HITS);
    return false;
  }
  const state = load<i32>(b, BLK_STATE);
  if (state >= 0) return true;
  if (state != BLK_COUNTING) return false;
  const hits = load<u32>(b, BLK_HITS) + 1;
  store<u32>(b, hits, BLK_HITS);
  return hits >= blkHot;
}

/** Whether a breakpoint may be at virtual `pc` or wasm address `host` (BP_FILTER; false: certainly none). */
@inline function breakpointMayBe(pc: u64, host: usize): bool {
  const mask: u32 = BP_FILTER_BITS - 1;
  const kv = (<u32>pc >> 1) & mask, kh = (<u32>host >> 1) & mask;
  return ((load<u8>(BP_FILTER + (kv >> 3)) >> (kv & 7)) & 1 | (load<u8>(BP_FILTER + (kh >> 3)) >> (kh & 7)) & 1) != 0;
}

/**
 * Decode into entry `e`, or plant a breakpoint there (op OP_BREAKPOINT, no cycles, the instruction's length)
 * when the host says one is at this instruction; it is asked only where BP_FILTER has a bit set.
 */
@inline function decodeInto(pc: u64, bits: u32, e: usize, noBp: i32, host: usize): void {
  if (noBp == 0 && breakpointMayBe(pc, host) && hostBreakpointAt(pc, host) != 0) {
    store<u64>(e, <u64>O.OP_BREAKPOINT << ((DEC_OP - DEC_WORD) * 8) | <u64>((bits & 3) == 3 ? 4 : 2) << ((DEC_LEN - DEC_WORD) * 8), DEC_WORD);
  } else {
    decodeInsn(bits, e);
  }
}

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
      decodeInto(pc, bits, SCRATCH_ENTRY, noBp, host);
      return SCRATCH_ENTRY;
    }
    bits = load<u32>(host);
  }
  if (noBp) e = SCRATCH_ENTRY;
  else e = decEntry(host);
  decodeInto(pc, bits, e, noBp, host);
  if (!noBp) store<u32>(e, <u32>host, DEC_TAG);
  return e;
}

/** The core's decoder on its own (no breakpoints), into the scratch entry: for test/hart/decoder.test.ts. */
export function decodeScratch(bits: u32): usize {
  decodeInsn(bits, SCRATCH_ENTRY);
  return SCRATCH_ENTRY;
}

function inner(): void {
  // The page the pc is in, kept in locals: a TLB flush or satp write ends this call, and a change of mode
  // (trap, xRET) drops them below, so they cannot go stale.
  let pageVa: u64 = 1; // never a page address
  let pageHost: usize = 0;
  // the next instruction is a system one (CSR access, ecall, xRET, sc): it goes straight to the full path
  let direct = false;
  while (st.cycles < st.stopAt) {
    // an armed execute trigger (trigger.ts) checks every pc, so only this full path runs meanwhile
    if (direct) {
      direct = false;
    } else if (trigExec) {
      // nothing: the full path below
    } else if (jitOn) {
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
    if ((pc & ~<u64>PAGE_OFF) != pageVa) {
      let page = fetchPage(pc);
      if (page == 0) {
        // not in the fetch TLB: translate (a fault traps, which ends this call)
        const h = fetchSlow(pc);
        if (h == 0) continue;
        page = h - (<usize>pc & PAGE_OFF);
        // PMP splits this page: it is not cached, and every fetch in it is checked
        if (fetchUncached) pageVa = 1; else pageVa = pc & ~<u64>PAGE_OFF;
      } else {
        pageVa = pc & ~<u64>PAGE_OFF;
      }
      pageHost = page;
    }
    const host = pageHost + (<usize>pc & PAGE_OFF);
    let e = decEntry(host);
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
    // (traps do not end this call: the flag is for this instruction only)
    st.trapped = false;
    if (trigExec && triggerExec(pc)) { raise(CAUSE_BREAKPOINT, pc); continue; }
    const mode = st.priv;
    execute(e, w, pc);
    // the instruction's class cost, after it ran (a counter it reads does not include itself), and the
    // extra cycle of a taken branch or jump (a trap's flush is charged by takeTrap)
    st.clock += fCycles(w) + (!st.trapped && st.pc - pc != fLen(w) ? 1 : 0);
    if (st.exitReason >= 0) break;
    if (st.priv != mode) { pageVa = 1; continue; } // the fetch TLB's context changed
    // a system instruction next in this page (the trap entry and exit of a system call read and write CSRs
    // in a row): skip the fast loops, which would only stop at it
    const np = st.pc;
    if ((np & ~<u64>PAGE_OFF) == pageVa) {
      const nh = pageHost + (<usize>np & PAGE_OFF);
      const ne = decEntry(nh);
      if (load<u32>(ne, DEC_TAG) == <u32>nh) direct = isSystemOp(fOp(load<u64>(ne, DEC_WORD)));
    }
  }
}

/** Ops only the full path runs and that come in runs in kernel code: ecall, xRETs, SC (the CSR accesses of a
 * trap entry and exit run in the fast loops: exec.ts plainCsr). */
@inline function isSystemOp(op: u32): bool {
  return op == <u32>O.OP_ECALL || op == <u32>O.OP_SRET || op == <u32>O.OP_MRET || op == <u32>O.OP_SC_D || op == <u32>O.OP_SC_W;
}

/**
 * The hot loop: runs simple instructions until one needs the full path, a TLB or decode-cache miss, or the
 * slice ends. It calls nothing, so V8 keeps pc and the cycle count in registers.
 */
function fastLoop(): void {
  // the data TLBs' contexts: nothing in this loop changes them (no CSR access, trap or xRET runs here)
  const rc = load<u64>(L.RTLB + L.TLB_CTX), wc = load<u64>(L.WTLB + L.TLB_CTX);
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
    if ((pc & ~<u64>PAGE_OFF) != pageVa) {
      pageHost = fetchPage(pc);
      if (pageHost == 0) break;
      pageVa = pc & ~<u64>PAGE_OFF;
    }
    const host = pageHost + (<usize>pc & PAGE_OFF);
    const e = decEntry(host);
    if (load<u32>(e) != <u32>host) break;
    const w = load<u64>(e, DEC_WORD);
    const n = execSimple(e, w, pc, rc, wc);
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
 * entries of block heads (targets of taken branches and jumps, instructions after a CSR access) and returns true at the head of a compiled or
 * newly hot block, so that inner() runs it with blockLoop. The first instruction is never such a stop, so
 * every call makes progress.
 */
function fastLoopJit(): bool {
  const rc = load<u64>(L.RTLB + L.TLB_CTX), wc = load<u64>(L.WTLB + L.TLB_CTX);
  let pc = st.pc;
  let c = st.cycles;
  let k = st.clock;
  const stop = st.stopAt;
  let head = false;
  let toBlocks = false;
  let pageVa: u64 = 1;
  let pageHost: usize = 0;
  while (c < stop) {
    if ((pc & ~<u64>PAGE_OFF) != pageVa) {
      pageHost = fetchPage(pc);
      if (pageHost == 0) break;
      pageVa = pc & ~<u64>PAGE_OFF;
    }
    const host = pageHost + (<usize>pc & PAGE_OFF);
    if (head) {
      head = false;
      if (blockEntered(blkEntry(host), host)) { toBlocks = true; break; }
    }
    const e = decEntry(host);
    if (load<u32>(e) != <u32>host) break;
    const w = load<u64>(e, DEC_WORD);
    const n = execSimple(e, w, pc, rc, wc);
    if (n == SLOW) break;
    const taken = n - pc != fLen(w);
    // a block head: the target of a taken branch or jump, or what follows a CSR access (no block holds one:
    // the register saves and restores of a trap entry and exit between them run as blocks)
    if (taken || <u32>fOp(w) - <u32>O.OP_CSRRW <= <u32>(O.OP_CSRRCI - O.OP_CSRRW)) head = true;
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
    if ((pc & ~<u64>PAGE_OFF) != pageVa) {
      pageHost = fetchPage(pc);
      if (pageHost == 0) break;
      pageVa = pc & ~<u64>PAGE_OFF;
    }
    const host = pageHost + (<usize>pc & PAGE_OFF);
    const b = blkEntry(host);
    if (!blockEntered(b, host)) break;
    let state = load<i32>(b, BLK_STATE);
    if (state < 0) {
      // just became hot: translate it
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
