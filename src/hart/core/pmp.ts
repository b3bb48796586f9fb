// Physical memory protection (PMP): 16 entries (pmpcfg0/pmpcfg2, pmpaddr0..15), address matching OFF / TOR /
// NA4 / NAPOT with a 4-byte granularity, R/W/X, the L bit (the entry is locked until reset and also binds
// M-mode), priority by entry number. Checked on fetches, loads, stores, AMOs and page-table reads (mmu.ts).
// The TLBs cache a page only when PMP treats the whole page alike, so the fast paths need no check: any write
// of a PMP register flushes them. AssemblyScript.
import { csrGet, csrSet, PRV_M } from './state';
import { CSR_PMPCFG0, CSR_PMPADDR0 } from './encoding.generated';

/** Bits of one entry's configuration byte. */
const R: u64 = 1, W: u64 = 2, X: u64 = 4, A_SHIFT: u64 = 3, L: u64 = 0x80;
const A_OFF: u64 = 0, A_TOR: u64 = 1, A_NA4: u64 = 2, A_NAPOT: u64 = 3;
const ENTRIES: u32 = 16;
/** pmpaddr holds physical address bits 55:2. */
const ADDR_MASK: u64 = (<u64>1 << 54) - 1;
/** The A fields of the 8 entries of one pmpcfg register. */
const A_FIELDS: u64 = 0x1818181818181818;

/** The configuration byte of entry `i`. */
@inline function cfgOf(i: u32): u64 {
  return (csrGet(CSR_PMPCFG0 + ((i >> 3) << 1)) >> (<u64>(i & 7) << 3)) & 0xff;
}

/** Whether any entry is on (cheap: two loads). */
@inline export function pmpAnyOn(): bool {
  return ((csrGet(CSR_PMPCFG0) | csrGet(CSR_PMPCFG0 + 2)) & A_FIELDS) != 0;
}

/** Write pmpcfg0 or pmpcfg2 (`a`): locked entries keep their byte; W without R is not kept (as Spike). */
export function pmpCfgWrite(a: u32, v: u64): void {
  const old = csrGet(a);
  let nv: u64 = 0;
  for (let b: u64 = 0; b < 8; b++) {
    const o = (old >> (b << 3)) & 0xff;
    let c = (v >> (b << 3)) & 0xff;
    if (o & L) c = o;
    else {
      c &= R | W | X | (<u64>3 << A_SHIFT) | L; // bits 6:5 are reserved (zero)
      if ((c & R) == 0) c &= ~W;
    }
    nv |= c << (b << 3);
  }
  csrSet(a, nv);
}

/** Write pmpaddr`i`: ignored when entry i is locked, or entry i+1 is a locked TOR entry (its lower bound). */
export function pmpAddrWrite(i: u32, v: u64): void {
  if (cfgOf(i) & L) return;
  if (i + 1 < ENTRIES) {
    const n = cfgOf(i + 1);
    if ((n & L) != 0 && ((n >> A_SHIFT) & 3) == A_TOR) return;
  }
  csrSet(CSR_PMPADDR0 + i, v & ADDR_MASK);
}

// The range of the entry last looked at by entryRange (globals: the core has no heap).
let lo: u64 = 0;
let hi: u64 = 0; // exclusive; 0 with lo 0 = nothing; a NAPOT entry covering everything ends at 2^56

/** Sets lo/hi to entry i's byte range; false when the entry is off or empty. */
function entryRange(i: u32, cfg: u64): bool {
  const a = (cfg >> A_SHIFT) & 3;
  if (a == A_OFF) return false;
  const addr = csrGet(CSR_PMPADDR0 + i);
  if (a == A_TOR) {
    lo = i == 0 ? 0 : csrGet(CSR_PMPADDR0 + i - 1) << 2;
    hi = addr << 2;
    return lo < hi;
  }
  if (a == A_NA4) { lo = addr << 2; hi = lo + 4; return true; }
  // NAPOT: the trailing ones of pmpaddr give the size, 2^(ones + 3) bytes
  const ones = <u64>ctz(~addr);
  if (ones >= 54) { lo = 0; hi = <u64>1 << 56; return true; }
  const size: u64 = <u64>1 << (ones + 3);
  lo = (addr << 2) & ~(size - 1);
  hi = lo + size;
  return true;
}

/** The permission bit an access needs (acc: 0 fetch, 1 load, 2 store/AMO). */
@inline function need(acc: i32): u64 { return acc == 0 ? X : acc == 1 ? R : W; }

/**
 * Whether privilege `p` may access bytes [pa, pa + size) for `acc` (0 fetch, 1 load, 2 store/AMO). The
 * lowest-numbered entry that matches any byte decides, and it must match all of them; with no match M-mode
 * succeeds and S/U-mode fail (16 entries are implemented).
 */
export function pmpAllows(pa: u64, size: u64, acc: i32, p: i32): bool {
  if (!pmpAnyOn()) return p == PRV_M;
  const end = pa + size;
  for (let i: u32 = 0; i < ENTRIES; i++) {
    const cfg = cfgOf(i);
    if (!entryRange(i, cfg)) continue;
    if (end <= lo || pa >= hi) continue;
    if (pa < lo || end > hi) return false; // partly inside
    if (p == PRV_M && (cfg & L) == 0) return true;
    return (cfg & need(acc)) != 0;
  }
  return p == PRV_M;
}

/**
 * Whether every access of kind `acc` by privilege `p` within the 4 KiB page at `page` gets the same answer
 * as `pmpAllows` at its first byte and that answer is yes: only then may a TLB cache the page.
 */
export function pmpPageAllows(page: u64, acc: i32, p: i32): bool {
  if (!pmpAnyOn()) return p == PRV_M;
  const end = page + 4096;
  for (let i: u32 = 0; i < ENTRIES; i++) {
    const cfg = cfgOf(i);
    if (!entryRange(i, cfg)) continue;
    if (end <= lo || page >= hi) continue;
    if (page < lo || end > hi) return false; // the page is not all on one side of this entry
    if (p == PRV_M && (cfg & L) == 0) return true;
    return (cfg & need(acc)) != 0;
  }
  return p == PRV_M;
}
