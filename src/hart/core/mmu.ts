// Memory access: address translation (Sv39), the software TLBs, RAM (with HTIF `tohost` and watchpoints), the
// inlined fast paths of fetches, loads and stores, and their slow paths; the devices are in bus.ts. AssemblyScript.
//
// Fast path: the run loop looks a virtual page up in a direct-mapped TLB (one per access kind) and gets the
// wasm address of the page. A TLB entry exists only for RAM pages that are not watched, so anything unusual
// (MMIO, tohost, watchpoints, page-crossing accesses, faults) lands here. PMP (pmp.ts) is checked here too:
// a TLB caches a page only when PMP allows the whole page for that access, and armed load/store triggers
// (trigger.ts) keep the data TLBs empty.
import {
  ITLB, RTLB, WTLB, TLB_N, TLB_ENTRY, RAM_OFF, PAGEFLAGS, PF_WATCH, PF_TOUCHED,
  WATCH, WATCH_ENTRY, MISC_WATCH_COUNT, EXIT_WATCH, EXIT_HTIF, TLB_TAG, TLB_HOST, WATCH_START,
  WATCH_END, WATCH_KIND, WATCH_PHYSICAL,
} from '../layout';
import {
  pc, priv, trapped, ramSize, stopAt, PRV_M, PRV_S, PRV_U, csrGet, misc, setMisc, requestExit,
  MISC_RES_ADDR, MISC_EXIT_A, MISC_EXIT_B, MISC_EXIT_C, MISC_EXIT_D, MISC_TOHOST,
} from './state';
import { MISC_EXIT_E } from '../layout';
import { raise, CAUSE_BREAKPOINT } from './trap';
import { pmpAllows, pmpPageAllows } from './pmp';
import { trigData, triggerData, triggerAmo } from './trigger';
import { busLoad, busStore } from './bus';
import * as L from '../layout';
import {
  CSR_MSTATUS as MSTATUS, CSR_SATP as SATP, MSTATUS_MPRV, MSTATUS_MPP,
  MSTATUS_MPP_SHIFT, MSTATUS_SUM, MSTATUS_MXR, SATP_PPN, SATP_MODE_SHIFT, SATP_MODE_SV39,
  PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, PTE_PPN, PTE_PPN_SHIFT, PTE_RESERVED, PTE_PBMT, PTE_N,
  PAGE_SHIFT, SV39_LEVELS, SV39_VPN_BITS,
  CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS, CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE,
} from './encoding.generated';

export const ACC_FETCH: i32 = 0;
export const ACC_LOAD: i32 = 1;
export const ACC_STORE: i32 = 2;

const RAM_BASE: u64 = <u64>L.RAM_BASE;
/** Bytes in a page, and the mask of the offset within one. */
const PAGE_SIZE: u64 = <u64>1 << PAGE_SHIFT;
const PAGE_MASK: u64 = PAGE_SIZE - 1;
/** Mask of one level's virtual page number. */
const VPN_MASK: u64 = (<u64>1 << SV39_VPN_BITS) - 1;
/** Sv39: virtual addresses have this many significant bits; the ones above must equal the top one. */
const SV39_VA_BITS: u64 = PAGE_SHIFT + <u64>SV39_LEVELS * SV39_VPN_BITS;

// ---- TLB ---------------------------------------------------------------------------------------------

@inline function tlbBase(acc: i32): usize {
  return acc == ACC_FETCH ? ITLB : acc == ACC_LOAD ? RTLB : WTLB;
}

export function flushTlb(): void {
  // the run loop keeps the current fetch page in locals: make it leave and start over
  stopAt = 0;
  // tag -1 never equals a page address (whose low 12 bits are zero)
  memory.fill(ITLB, 0xff, TLB_N * TLB_ENTRY);
  memory.fill(RTLB, 0xff, TLB_N * TLB_ENTRY);
  memory.fill(WTLB, 0xff, TLB_N * TLB_ENTRY);
}

/** Drop the store-TLB entry of one virtual page (used for LR reservations). */
export function dropWtlb(va: u64): void {
  const i = WTLB + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  store<i64>(i, -1, TLB_TAG);
}

function tlbFill(acc: i32, va: u64, pa: u64): void {
  if (pa < RAM_BASE || pa - RAM_BASE >= ramSize) return;
  if (trigData) return;
  if (!pmpPageAllows(pa & ~PAGE_MASK, acc, dataPriv())) return;
  const page = <usize>((pa - RAM_BASE) >> PAGE_SHIFT);
  const flags = load<u8>(PAGEFLAGS + page);
  if (flags & PF_WATCH) return;
  if (acc == ACC_STORE) store<u8>(PAGEFLAGS + page, flags | PF_TOUCHED);
  const e = tlbBase(acc) + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  store<u64>(e, va & ~PAGE_MASK, TLB_TAG);
  store<u32>(e, <u32>(RAM_OFF + (page << <usize>PAGE_SHIFT)), TLB_HOST);
}

// ---- fast paths (inlined into the run loop and the instruction semantics) -----------------------------

/** Mask of the offset within a page, for wasm addresses. */
export const PAGE_OFF: u32 = (1 << <u32>PAGE_SHIFT) - 1;

/**
 * The fetch page: the wasm address of the start of the page holding `pc` when the fetch TLB has it, else 0.
 * The run loops keep the page the pc is in as two locals (its virtual address and this), so that a fetch in
 * the same page is one compare instead of a TLB load (it shortens the dependent-load chain that bounds an
 * interpreter's speed; docs/performance.md). A TLB flush ends the loops' call, so the locals cannot go stale.
 */
@inline export function fetchPage(pc: u64): usize {
  const e = ITLB + (<usize>(pc >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  if (load<u64>(e, TLB_TAG) == (pc & ~<u64>PAGE_OFF)) return <usize>load<u32>(e, TLB_HOST);
  return 0;
}

/** The wasm address of `va` through a TLB (ITLB, RTLB or WTLB), or 0 when it has no entry for the page. */
@inline export function tlbHost(tlb: usize, va: u64): usize {
  const e = tlb + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  if (load<u64>(e, TLB_TAG) == (va & ~<u64>PAGE_OFF)) return <usize>load<u32>(e, TLB_HOST) + (<usize>va & PAGE_OFF);
  return 0;
}

@inline export function ld64(va: u64): u64 {
  const h = tlbHost(RTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 7) return load<u64>(h);
  return loadSlow(va, 8);
}
@inline export function ld32(va: u64): u64 {
  const h = tlbHost(RTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 3) return <u64>load<u32>(h);
  return loadSlow(va, 4);
}
@inline export function ld16(va: u64): u64 {
  const h = tlbHost(RTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 1) return <u64>load<u16>(h);
  return loadSlow(va, 2);
}
@inline export function ld8(va: u64): u64 {
  const h = tlbHost(RTLB, va);
  if (h != 0) return <u64>load<u8>(h);
  return loadSlow(va, 1);
}
@inline export function st64(va: u64, v: u64): void {
  const h = tlbHost(WTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 7) store<u64>(h, v); else storeSlow(va, 8, v);
}
@inline export function st32(va: u64, v: u64): void {
  const h = tlbHost(WTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 3) store<u32>(h, <u32>v); else storeSlow(va, 4, v);
}
@inline export function st16(va: u64, v: u64): void {
  const h = tlbHost(WTLB, va);
  if (h != 0 && (<u32>va & PAGE_OFF) <= PAGE_OFF - 1) store<u16>(h, <u16>v); else storeSlow(va, 2, v);
}
@inline export function st8(va: u64, v: u64): void {
  const h = tlbHost(WTLB, va);
  if (h != 0) store<u8>(h, <u8>v); else storeSlow(va, 1, v);
}

// ---- translation ------------------------------------------------------------------------------------

/** Privilege used for data accesses (MPRV). */
@inline function dataPriv(): i32 {
  const ms = csrGet(MSTATUS);
  if (priv == PRV_M && (ms & MSTATUS_MPRV) != 0) return <i32>((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
  return priv;
}

function pageFault(acc: i32, va: u64): void {
  raise(acc == ACC_FETCH ? CAUSE_FETCH_PAGE : acc == ACC_LOAD ? CAUSE_LOAD_PAGE : CAUSE_STORE_PAGE, va);
}
export function accessFault(acc: i32, va: u64): void {
  raise(acc == ACC_FETCH ? CAUSE_FETCH_ACCESS : acc == ACC_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, va);
}

@inline function ramHost(pa: u64): usize { return RAM_OFF + <usize>(pa - RAM_BASE); }
@inline function inRam(pa: u64, size: u64): bool {
  return pa >= RAM_BASE && pa - RAM_BASE + size <= ramSize;
}

/**
 * Sv39 page walk. Returns the physical address, or -1 after raising a page/access fault (when `fault`),
 * or -1 silently (debugger lookups: `fault` false, no A/D updates).
 */
export function walk(va: u64, acc: i32, p: i32, fault: bool): i64 {
  const satp = csrGet(SATP);
  // Sv39: bits 63..39 must equal bit 38
  const top = <i64>va >> (SV39_VA_BITS - 1);
  if (top != 0 && top != -1) { if (fault) pageFault(acc, va); return -1; }
  let a: u64 = (satp & SATP_PPN) << PAGE_SHIFT;
  const ms = csrGet(MSTATUS);
  for (let level = SV39_LEVELS - 1; level >= 0; level--) {
    const vpn = (va >> (PAGE_SHIFT + SV39_VPN_BITS * <u64>level)) & VPN_MASK;
    const pteAddr = a + vpn * 8;
    // page-table reads are checked by PMP as S-mode loads (debugger lookups are not)
    if (!inRam(pteAddr, 8) || (fault && !pmpAllows(pteAddr, 8, ACC_LOAD, PRV_S))) { if (fault) accessFault(acc, va); return -1; }
    const pte = load<u64>(ramHost(pteAddr));
    const v = pte & PTE_V, r = pte & PTE_R, w = pte & PTE_W, x = pte & PTE_X, u = pte & PTE_U;
    if (v == 0 || (r == 0 && w != 0) || (pte & (PTE_RESERVED | PTE_PBMT | PTE_N)) != 0) { if (fault) pageFault(acc, va); return -1; }
    const ppn = (pte & PTE_PPN) >> PTE_PPN_SHIFT;
    if (r == 0 && x == 0) {
      if (level == 0) { if (fault) pageFault(acc, va); return -1; }
      a = ppn << PAGE_SHIFT;
      continue;
    }
    // leaf: permissions
    let ok = true;
    if (acc == ACC_FETCH) ok = x != 0;
    else if (acc == ACC_LOAD) ok = r != 0 || (x != 0 && (ms & MSTATUS_MXR) != 0);
    else ok = w != 0;
    if (ok) {
      if (p == PRV_U) ok = u != 0;
      else if (u != 0) ok = acc != ACC_FETCH && (ms & MSTATUS_SUM) != 0; // S-mode on a U page needs SUM
    }
    // superpage alignment
    if (ok && level > 0) {
      const mask: u64 = (<u64>1 << (SV39_VPN_BITS * <u64>level)) - 1;
      if ((ppn & mask) != 0) ok = false;
    }
    if (!ok) { if (fault) pageFault(acc, va); return -1; }
    if (fault) {
      // hardware A/D update
      let npte = pte | PTE_A;
      if (acc == ACC_STORE) npte |= PTE_D;
      if (npte != pte) store<u64>(ramHost(pteAddr), npte);
    }
    const off: u64 = level == 0 ? (va & PAGE_MASK) : (va & ((<u64>1 << (PAGE_SHIFT + SV39_VPN_BITS * <u64>level)) - 1));
    const base: u64 = level == 0 ? (ppn << PAGE_SHIFT) : ((ppn >> (SV39_VPN_BITS * <u64>level)) << (PAGE_SHIFT + SV39_VPN_BITS * <u64>level));
    return <i64>(base | off);
  }
  if (fault) pageFault(acc, va);
  return -1;
}

/** Physical addresses have 56 bits (Sv39's PPN is 44 bits of 4 KiB pages). */
const PA_BITS: u64 = 56;

/** Translate `va` for an access of kind `acc` to `size` bytes, checked by PMP; -1 after raising the fault. */
export function translate(va: u64, acc: i32, size: u64): i64 {
  const p = acc == ACC_FETCH ? priv : dataPriv();
  const satp = csrGet(SATP);
  let pa: i64;
  if (p == PRV_M || (satp >> SATP_MODE_SHIFT) != SATP_MODE_SV39) {
    // untranslated: an address beyond the 56-bit physical address space (e.g. with bit 63 set) reaches
    // nothing. It faults here, so that -1 keeps meaning "fault raised" to every caller.
    if ((va >> PA_BITS) != 0) { accessFault(acc, va); return -1; }
    pa = <i64>va;
  } else {
    pa = walk(va, acc, p, true);
    if (pa < 0) return -1;
  }
  if (!pmpAllows(<u64>pa, size, acc, p)) { accessFault(acc, va); return -1; }
  return pa;
}

/** Translation for the debugger: no faults, no A/D updates. -1 when unmapped. */
export function debugTranslate(va: u64, acc: i32): i64 {
  const p = acc == ACC_FETCH ? priv : dataPriv();
  const satp = csrGet(SATP);
  if (p == PRV_M || (satp >> SATP_MODE_SHIFT) != SATP_MODE_SV39) return (va >> PA_BITS) != 0 ? -1 : <i64>va;
  return walk(va, acc, p, false);
}

// ---- physical bus -----------------------------------------------------------------------------------

// The devices (CLINT, SiFive test finisher) live in bus.ts; an address with neither RAM nor a device faults
// there. HTIF `tohost` is a word of RAM (a watched page, see physStore).

// ---- watchpoints ------------------------------------------------------------------------------------

function checkWatch(va: u64, pa: u64, size: i32, kind: u64, oldV: u64, newV: u64): void {
  const n = <i32>misc(MISC_WATCH_COUNT);
  for (let i = 0; i < n; i++) {
    const e = WATCH + <usize>i * WATCH_ENTRY;
    const s = load<u64>(e, WATCH_START), en = load<u64>(e, WATCH_END), k = load<u64>(e, WATCH_KIND);
    if ((k & kind) == 0) continue;
    // a physical range matches the access's physical address (any alias), and reports it
    const phys = (k & WATCH_PHYSICAL) != 0;
    const a = phys ? pa : va;
    if (a < en && a + <u64>size > s) {
      setMisc(MISC_EXIT_A, a);
      setMisc(MISC_EXIT_B, (<u64>size << 8) | kind | (phys ? <u64>WATCH_PHYSICAL : 0));
      setMisc(MISC_EXIT_C, oldV);
      setMisc(MISC_EXIT_D, pc);
      setMisc(MISC_EXIT_E, newV);
      requestExit(EXIT_WATCH);
      return;
    }
  }
}

// ---- slow paths ------------------------------------------------------------------------------------

@inline function pageFlags(pa: u64): u8 {
  return load<u8>(PAGEFLAGS + <usize>((pa - RAM_BASE) >> PAGE_SHIFT));
}

/** Physical load of `size` bytes (1, 2, 4, 8) that does not cross a page. */
function physLoad(pa: u64, size: i32, va: u64): u64 {
  if (!inRam(pa, <u64>size)) return busLoad(pa, size, va);
  const h = ramHost(pa);
  let v: u64;
  if (size == 1) v = <u64>load<u8>(h);
  else if (size == 2) v = <u64>load<u16>(h);
  else if (size == 4) v = <u64>load<u32>(h);
  else v = load<u64>(h);
  if (pageFlags(pa) & PF_WATCH) checkWatch(va, pa, size, 1, v, v);
  return v;
}

function physStore(pa: u64, size: i32, v: u64, va: u64): void {
  if (!inRam(pa, <u64>size)) { busStore(pa, size, v, va); return; }
  const h = ramHost(pa);
  const flags = pageFlags(pa);
  let old: u64 = 0;
  if (flags & PF_WATCH) {
    if (size == 1) old = <u64>load<u8>(h);
    else if (size == 2) old = <u64>load<u16>(h);
    else if (size == 4) old = <u64>load<u32>(h);
    else old = load<u64>(h);
  }
  if (size == 1) store<u8>(h, <u8>v);
  else if (size == 2) store<u16>(h, <u16>v);
  else if (size == 4) store<u32>(h, <u32>v);
  else store<u64>(h, v);
  store<u8>(PAGEFLAGS + <usize>((pa - RAM_BASE) >> PAGE_SHIFT), flags | PF_TOUCHED);
  // a store to the reserved granule breaks an LR reservation
  if (<i64>misc(MISC_RES_ADDR) != -1 && (misc(MISC_RES_ADDR) >> 3) == (pa >> 3)) setMisc(MISC_RES_ADDR, <u64>-1);
  if (flags & PF_WATCH) {
    const th = misc(MISC_TOHOST);
    if (th != 0 && pa == th && v != 0) { setMisc(MISC_EXIT_A, v); requestExit(EXIT_HTIF); }
    checkWatch(va, pa, size, 2, old, v);
  }
}

/** Load that missed the TLB (or crosses a page). Returns the raw zero-extended value; sets `trapped` on a fault. */
export function loadSlow(va: u64, size: i32): u64 {
  if (trigData && triggerData(va, <u64>size, false)) { raise(CAUSE_BREAKPOINT, va); return 0; }
  if (((<u32>va & <u32>PAGE_MASK) + <u32>size) > <u32>PAGE_SIZE) {
    // page-crossing misaligned access: byte by byte (all bytes are translated before any is used)
    let v: u64 = 0;
    for (let i = 0; i < size; i++) {
      const a = va + <u64>i;
      const pa = translate(a, ACC_LOAD, 1);
      if (pa < 0) return 0;
      v |= physLoad(<u64>pa, 1, a) << (<u64>i * 8);
      if (trapped) return 0;
    }
    return v;
  }
  const pa = translate(va, ACC_LOAD, <u64>size);
  if (pa < 0) return 0;
  const v = physLoad(<u64>pa, size, va);
  if (!trapped) tlbFill(ACC_LOAD, va, <u64>pa);
  return v;
}

export function storeSlow(va: u64, size: i32, v: u64): void {
  if (trigData && triggerData(va, <u64>size, true)) { raise(CAUSE_BREAKPOINT, va); return; }
  if (((<u32>va & <u32>PAGE_MASK) + <u32>size) > <u32>PAGE_SIZE) {
    // translate every byte first so a fault leaves memory untouched
    const pa0 = translate(va, ACC_STORE, 1);
    if (pa0 < 0) return;
    const pa1 = translate(va + <u64>size - 1, ACC_STORE, 1);
    if (pa1 < 0) return;
    for (let i = 0; i < size; i++) {
      const a = va + <u64>i;
      const pa = translate(a, ACC_STORE, 1);
      physStore(<u64>pa, 1, (v >> (<u64>i * 8)) & 0xff, a);
      if (trapped) return;
    }
    return;
  }
  const pa = translate(va, ACC_STORE, <u64>size);
  if (pa < 0) return;
  physStore(<u64>pa, size, v, va);
  if (!trapped) tlbFill(ACC_STORE, va, <u64>pa);
}

/** Set by fetchSlow when the page of the fetch must not be cached (PMP treats its parts differently). */
export let fetchUncached: bool = false;

/**
 * Translate an instruction fetch of the page holding `va` and return the wasm address of `va`, filling the
 * fetch TLB; 0 after raising a fault (instruction memory must be RAM).
 */
export function fetchSlow(va: u64): usize {
  const pa = translate(va, ACC_FETCH, 2);
  if (pa < 0) return 0;
  if (!inRam(<u64>pa, 2)) { accessFault(ACC_FETCH, va); return 0; }
  // a page PMP does not allow as a whole is fetched an instruction at a time (the caller must not keep it)
  fetchUncached = !pmpPageAllows(<u64>pa & ~PAGE_MASK, ACC_FETCH, priv);
  if (fetchUncached) {
    // a 32-bit instruction's second half may lie in another PMP granule (across a page, decodeAt fetches it)
    const h = ramHost(<u64>pa);
    if ((load<u16>(h) & 3) == 3 && (<u64>pa & PAGE_MASK) != PAGE_MASK - 1 && !pmpAllows(<u64>pa + 2, 2, ACC_FETCH, priv)) {
      accessFault(ACC_FETCH, va + 2);
      return 0;
    }
    return h;
  }
  // fetch TLB entries ignore watch flags: watchpoints are on data accesses
  const e = ITLB + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  store<u64>(e, va & ~PAGE_MASK, TLB_TAG);
  store<u32>(e, <u32>(RAM_OFF + <usize>((<u64>pa - RAM_BASE) & ~PAGE_MASK)), TLB_HOST);
  return ramHost(<u64>pa);
}

/** Translate for an AMO/LR/SC (store permission, except LR which is a load); physical address or -1. */
export function amoTranslate(va: u64, isLoad: bool, size: u64, isStore: bool): i64 {
  if (trigData && (isLoad ? triggerData(va, size, false) : isStore ? triggerData(va, size, true) : triggerAmo(va, size))) {
    raise(CAUSE_BREAKPOINT, va);
    return -1;
  }
  const pa = translate(va, isLoad ? ACC_LOAD : ACC_STORE, size);
  if (pa < 0) return -1;
  if (!inRam(<u64>pa, size)) { accessFault(isLoad ? ACC_LOAD : ACC_STORE, va); return -1; }
  return pa;
}
export function amoHost(pa: u64): usize { return ramHost(pa); }
export function amoTouched(pa: u64, va: u64, size: i32, old: u64, nv: u64): void {
  const flags = pageFlags(pa);
  store<u8>(PAGEFLAGS + <usize>((pa - RAM_BASE) >> PAGE_SHIFT), flags | PF_TOUCHED);
  if (flags & PF_WATCH) checkWatch(va, pa, size, 3, old, nv);
}
