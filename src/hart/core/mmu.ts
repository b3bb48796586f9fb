// Memory access: address translation (Sv39), the software TLBs, RAM (with HTIF `tohost` and watchpoints), the
// inlined fast paths of fetches, loads and stores, and their slow paths; the devices are in bus.ts. AssemblyScript.
//
// Fast path: the run loop looks a virtual page up in a direct-mapped TLB (one per access kind) and gets the
// wasm address of the page. Each entry is tagged with the context it was made in (see "TLB contexts" below),
// so a change of privilege, of SUM/MXR/MPRV or of address space (satp) needs no flush: entries of another
// context simply miss, and are still there when that context comes back (a system call's U -> S -> U). A TLB entry exists only for RAM pages that are not watched, so anything unusual
// (MMIO, tohost, watchpoints, page-crossing accesses, faults) lands here. PMP (pmp.ts) is checked here too:
// a TLB caches a page only when PMP allows the whole page for that access, and armed load/store triggers
// (trigger.ts) keep the data TLBs empty.
import {
  ITLB, RTLB, WTLB, TLB_N, TLB_ENTRY, RAM_OFF, PAGEFLAGS, PF_WATCH, PF_TOUCHED, TLB_CTX, TLB_FLAGS, TLBF_GLOBAL,
  TLBF_LEVEL_SHIFT, TLB_SLOTS, TLB_SLOTS_N,
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
  MSTATUS_MPP_SHIFT, MSTATUS_SUM, MSTATUS_MXR, SATP_PPN, SATP_MODE_SHIFT, SATP_MODE_SV39, SATP_ASID_SHIFT,
  PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D, PTE_PPN, PTE_PPN_SHIFT, PTE_RESERVED, PTE_PBMT, PTE_N,
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
//
// TLB contexts. Whether a page may be used depends on more than its address: the effective privilege of the
// access (fetches: the current mode; data: MPRV/MPP), SUM (S-mode data access to U pages), MXR (loads from
// execute-only pages), PMP (which treats M-mode apart) and the address space (satp). A tag's low 12 bits (zero
// in a page address) hold that context:
//   bits 0-1  the access's privilege (U 0, S 1, M 3)
//   bit 2     SUM, for translated S-mode data accesses
//   bit 3     MXR, for translated loads
//   bits 4-11 the address-space slot: 0 untranslated (M-mode, or satp.MODE Bare), else 1..255, one per satp
//             value (MODE, ASID, root PPN) seen since the last full flush (TLB_SLOTS)
// Each TLB's current context lives at TLB + TLB_CTX (the translator's code reads it there too); updateCtx
// recomputes the three whenever something they depend on changes. Address-space slots run out after 255
// distinct satp values: then everything is flushed and numbering starts over. Keying slots by the whole satp
// value (not the ASID alone) means a new root table under an old ASID never sees the old table's entries.
// An entry also records its leaf PTE's G bit (or a G bit on the way down) and level, for sfence.vma.

/** Bits of a tag that hold the context. */
const CTX_MASK: u64 = 0xfff;
const CTX_SUM: u64 = 4;
const CTX_MXR: u64 = 8;
const CTX_SLOT_SHIFT: u64 = 4;
/** An invalid entry's tag: never a page address with a context (bits 0-1 = 3 only with slot 0). */
const TLB_INVALID: i64 = -1;

/** Slots in use: 1..nextSlot-1. */
let nextSlot: i32 = 1;
/** The last satp value looked up and its slot (satp never holds MODE 15, so -1 is "none"). */
let lastSatp: u64 = <u64>-1;
let lastSlot: i32 = 0;
/** Some entry was made from a superpage (level > 0): sfence.vma of one address must look at every entry. */
let superpages: bool = false;
/** The G bit and level of the last page walk (set by walk and translate, read by the TLB fills). */
let walkGlobal: bool = false;
let walkLevel: i32 = 0;

@inline function tlbBase(acc: i32): usize {
  return acc == ACC_FETCH ? ITLB : acc == ACC_LOAD ? RTLB : WTLB;
}

/** Empty the three TLBs and forget the address-space slots. */
function tlbClear(): void {
  // tag -1 never equals a page address with its context
  memory.fill(ITLB, 0xff, TLB_N * TLB_ENTRY);
  memory.fill(RTLB, 0xff, TLB_N * TLB_ENTRY);
  memory.fill(WTLB, 0xff, TLB_N * TLB_ENTRY);
  nextSlot = 1;
  lastSatp = <u64>-1;
  superpages = false;
}

export function flushTlb(): void {
  // the run loop keeps the current fetch page in locals: make it leave and start over
  stopAt = 0;
  tlbClear();
  updateCtx();
}

/** The address-space slot of a translating satp value (1..TLB_SLOTS_N-1); may flush to make room. */
function satpSlot(satp: u64): i32 {
  if (satp == lastSatp) return lastSlot;
  let s = 1;
  while (s < nextSlot && load<u64>(TLB_SLOTS + (<usize>s << 3)) != satp) s++;
  if (s == nextSlot) {
    if (nextSlot == TLB_SLOTS_N) { tlbClear(); s = 1; }
    store<u64>(TLB_SLOTS + (<usize>s << 3), satp);
    nextSlot = s + 1;
  }
  lastSatp = satp;
  lastSlot = s;
  return s;
}

/**
 * Recompute the contexts of the three TLBs from the privilege, mstatus and satp. Called on every change of
 * those (traps, xRETs, CSR writes) and when the run loop starts (the host may have edited them).
 */
export function updateCtx(): void {
  const satp = csrGet(SATP);
  const translated = (satp >> SATP_MODE_SHIFT) == SATP_MODE_SV39;
  const slot: u64 = translated ? <u64>satpSlot(satp) << CTX_SLOT_SHIFT : 0;
  const p = <u64>priv;
  store<u64>(ITLB + TLB_CTX, p == PRV_M || !translated ? p : p | slot);
  const d = <u64>dataPriv();
  if (d == PRV_M || !translated) {
    store<u64>(RTLB + TLB_CTX, d);
    store<u64>(WTLB + TLB_CTX, d);
  } else {
    const ms = csrGet(MSTATUS);
    let c = d | slot;
    if (d == PRV_S && (ms & MSTATUS_SUM) != 0) c |= CTX_SUM;
    store<u64>(WTLB + TLB_CTX, c);
    store<u64>(RTLB + TLB_CTX, (ms & MSTATUS_MXR) != 0 ? c | CTX_MXR : c);
  }
}

/** Drop the entries of one TLB that sfence.vma selects (see sfenceVma). */
function sfenceTlb(tlb: usize, va: u64, hasVa: bool, asid: u64, hasAsid: bool): void {
  let i = 0, n = TLB_N;
  if (hasVa && !superpages) { i = <i32>(va >> PAGE_SHIFT) & (TLB_N - 1); n = i + 1; }
  for (; i < n; i++) {
    const e = tlb + <usize>i * TLB_ENTRY;
    const tag = load<u64>(e, TLB_TAG);
    if (<i64>tag == TLB_INVALID) continue;
    const slot = <usize>((tag & CTX_MASK) >> CTX_SLOT_SHIFT);
    if (slot == 0) continue; // untranslated: no translation to drop
    const flags = load<u32>(e, TLB_FLAGS);
    if (hasAsid) {
      if ((flags & TLBF_GLOBAL) != 0) continue;
      if (((load<u64>(TLB_SLOTS + (slot << 3)) >> SATP_ASID_SHIFT) & 0xffff) != asid) continue;
    }
    if (hasVa) {
      // the entry came from the leaf PTE that maps va: same page, or same superpage of its level
      const shift = PAGE_SHIFT + <u64>SV39_VPN_BITS * <u64>(flags >> TLBF_LEVEL_SHIFT);
      if (((tag ^ va) >> shift) != 0) continue;
    }
    store<i64>(e, TLB_INVALID, TLB_TAG);
  }
}

/**
 * sfence.vma: rs1 = x0 and rs2 = x0 flush everything; an address (hasVa) limits it to the entries made from
 * the leaf PTE mapping that address, in every address space; an ASID (hasAsid) limits it to that address
 * space and spares global mappings. (Entries are kept per satp value, so an ASID selects every slot with it.)
 */
export function sfenceVma(va: u64, hasVa: bool, asid: u64, hasAsid: bool): void {
  if (!hasVa && !hasAsid) { flushTlb(); return; }
  sfenceTlb(ITLB, va, hasVa, asid, hasAsid);
  sfenceTlb(RTLB, va, hasVa, asid, hasAsid);
  sfenceTlb(WTLB, va, hasVa, asid, hasAsid);
  stopAt = 0; // the run loop's fetch page
}

/** Drop the store-TLB entry of one virtual page (used for LR reservations). */
export function dropWtlb(va: u64): void {
  const i = WTLB + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  store<i64>(i, TLB_INVALID, TLB_TAG);
}

/** Make the entry of `va`'s page in `tlb`, in the TLB's current context, from the last translation. */
@inline function tlbSet(tlb: usize, va: u64, host: usize): void {
  const e = tlb + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  store<u64>(e, (va & ~PAGE_MASK) | load<u64>(tlb + TLB_CTX), TLB_TAG);
  store<u32>(e, <u32>host, TLB_HOST);
  store<u32>(e, (walkGlobal ? TLBF_GLOBAL : 0) | (<u32>walkLevel << TLBF_LEVEL_SHIFT), TLB_FLAGS);
  if (walkLevel > 0) superpages = true;
}

function tlbFill(acc: i32, va: u64, pa: u64): void {
  if (pa < RAM_BASE || pa - RAM_BASE >= ramSize) return;
  if (trigData) return;
  if (!pmpPageAllows(pa & ~PAGE_MASK, acc, dataPriv())) return;
  const page = <usize>((pa - RAM_BASE) >> PAGE_SHIFT);
  const flags = load<u8>(PAGEFLAGS + page);
  if (flags & PF_WATCH) return;
  if (acc == ACC_STORE) store<u8>(PAGEFLAGS + page, flags | PF_TOUCHED);
  tlbSet(tlbBase(acc), va, RAM_OFF + (page << <usize>PAGE_SHIFT));
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
  if (load<u64>(e, TLB_TAG) == ((pc & ~<u64>PAGE_OFF) | load<u64>(ITLB + TLB_CTX))) return <usize>load<u32>(e, TLB_HOST);
  return 0;
}

/** tlbHost with the TLB's current context given (the fast loops load it once per call: it cannot change there). */
@inline export function tlbHostCtx(tlb: usize, va: u64, ctx: u64): usize {
  const e = tlb + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  if (load<u64>(e, TLB_TAG) == ((va & ~<u64>PAGE_OFF) | ctx)) return <usize>load<u32>(e, TLB_HOST) + (<usize>va & PAGE_OFF);
  return 0;
}

/** The wasm address of `va` through a TLB (ITLB, RTLB or WTLB), or 0 when it has no entry for the page in its current context. */
@inline export function tlbHost(tlb: usize, va: u64): usize {
  const e = tlb + (<usize>(va >> PAGE_SHIFT) & (TLB_N - 1)) * TLB_ENTRY;
  if (load<u64>(e, TLB_TAG) == ((va & ~<u64>PAGE_OFF) | load<u64>(tlb + TLB_CTX))) return <usize>load<u32>(e, TLB_HOST) + (<usize>va & PAGE_OFF);
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
  // a G bit on a non-leaf PTE makes every mapping below it global
  let global = false;
  for (let level = SV39_LEVELS - 1; level >= 0; level--) {
    const vpn = (va >> (PAGE_SHIFT + SV39_VPN_BITS * <u64>level)) & VPN_MASK;
    const pteAddr = a + vpn * 8;
    // page-table reads are checked by PMP as S-mode loads (debugger lookups are not)
    if (!inRam(pteAddr, 8) || (fault && !pmpAllows(pteAddr, 8, ACC_LOAD, PRV_S))) { if (fault) accessFault(acc, va); return -1; }
    const pte = load<u64>(ramHost(pteAddr));
    const v = pte & PTE_V, r = pte & PTE_R, w = pte & PTE_W, x = pte & PTE_X, u = pte & PTE_U;
    if (v == 0 || (r == 0 && w != 0) || (pte & (PTE_RESERVED | PTE_PBMT | PTE_N)) != 0) { if (fault) pageFault(acc, va); return -1; }
    const ppn = (pte & PTE_PPN) >> PTE_PPN_SHIFT;
    if (pte & PTE_G) global = true;
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
    walkGlobal = global;
    walkLevel = level;
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
    walkGlobal = false;
    walkLevel = 0;
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
  tlbSet(ITLB, va, RAM_OFF + <usize>((<u64>pa - RAM_BASE) & ~PAGE_MASK));
  return ramHost(<u64>pa);
}

/** Translate for an AMO/LR/SC (store permission, except LR which is a load); physical address or -1. */
export function amoTranslate(va: u64, isLoad: bool, size: u64, isStore: bool): i64 {
  if (trigData && (isLoad ? triggerData(va, size, false) : isStore ? triggerData(va, size, true) : triggerAmo(va, size))) {
    raise(CAUSE_BREAKPOINT, va);
    return -1;
  }
  // an entry of the store TLB (the load TLB for LR) means this page was translated for that access in this
  // context, PMP allows the whole page and nothing watches it (an AMO is aligned: it stays in the page). The
  // kernel's trap exit does an sc.d every system call: no page walk for it.
  const h = tlbHost(isLoad ? RTLB : WTLB, va);
  if (h != 0) return <i64>(<u64>(h - RAM_OFF) + RAM_BASE);
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
