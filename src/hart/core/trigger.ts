// Debug triggers (Sdtrig 1.0, native mode): TRIG_N triggers selected by tselect, each an address match of type
// mcontrol (2) or mcontrol6 (6) on instruction fetches, loads and stores, with action 0 (a breakpoint
// exception, cause 3, tval = the address), match kinds equal / greater-or-equal / less-than, in the modes its
// m/s/u bits name. Without tcontrol, a trigger does not fire in M-mode while mstatus.MIE is 0 (so an M-mode
// handler does not re-trigger). A trigger that is not armed costs nothing: execute triggers make the run loop
// take the full path for every instruction (no fast loop, no compiled blocks) only while one is armed, and
// load/store triggers keep the data TLBs empty, so every access takes the slow path that checks them.
// AssemblyScript.
import { MISC_TRIG, TRIG_N } from '../layout';
import { priv, csrGet, csrSet, misc, setMisc, PRV_M, PRV_S } from './state';
import { CSR_TSELECT, CSR_MSTATUS, MSTATUS_MIE } from './encoding.generated';

const TYPE_SHIFT: u64 = 60;
const TYPE_MCONTROL: u64 = 2, TYPE_MCONTROL6: u64 = 6, TYPE_DISABLED: u64 = 15;
const LOAD: u64 = 1, STORE: u64 = 2, EXECUTE: u64 = 4, U: u64 = 8, S: u64 = 0x10, M: u64 = 0x40;
const MATCH_SHIFT: u64 = 7, MATCH_MASK: u64 = <u64>0xf << MATCH_SHIFT;
const MATCH_EQ: u64 = 0, MATCH_GE: u64 = 2, MATCH_LT: u64 = 3;
const HIT_MCONTROL: u64 = <u64>1 << 20, HIT_MCONTROL6: u64 = <u64>1 << 22;
/** tinfo: the types each trigger supports (bit n: type n) and the specification version (1: Sdtrig 1.0). */
const TINFO: u64 = (<u64>1 << 24) | (<u64>1 << TYPE_DISABLED) | (<u64>1 << TYPE_MCONTROL6) | (<u64>1 << TYPE_MCONTROL);

/** Whether an execute trigger / a load or store trigger is armed (derived from the trigger state). */
export let trigExec: bool = false;
export let trigData: bool = false;

@inline function tdata1Of(i: u32): u64 { return misc(MISC_TRIG + 2 * <i32>i); }
@inline function tdata2Of(i: u32): u64 { return misc(MISC_TRIG + 2 * <i32>i + 1); }
@inline function selected(): u32 { return <u32>csrGet(CSR_TSELECT); }

/** Reset: every trigger disabled, trigger 0 selected. */
export function triggersReset(): void {
  for (let i: u32 = 0; i < <u32>TRIG_N; i++) {
    setMisc(MISC_TRIG + 2 * <i32>i, TYPE_DISABLED << TYPE_SHIFT);
    setMisc(MISC_TRIG + 2 * <i32>i + 1, 0);
  }
  csrSet(CSR_TSELECT, 0);
  triggersChanged();
}

/** Recompute trigExec / trigData from the state (after a write, a reset or a restored snapshot). */
export function triggersChanged(): void {
  let ex = false, data = false;
  for (let i: u32 = 0; i < <u32>TRIG_N; i++) {
    const t = tdata1Of(i);
    const ty = t >> TYPE_SHIFT;
    if (ty != TYPE_MCONTROL && ty != TYPE_MCONTROL6) continue;
    if ((t & (M | S | U)) == 0) continue;
    if (t & EXECUTE) ex = true;
    if (t & (LOAD | STORE)) data = true;
  }
  trigExec = ex;
  trigData = data;
}

export function tselectWrite(v: u64): void {
  if (v < <u64>TRIG_N) csrSet(CSR_TSELECT, v); // other values are not kept: a debugger reads back to count triggers
}

export function tdata1Read(): u64 { return tdata1Of(selected()); }
export function tdata2Read(): u64 { return tdata2Of(selected()); }
export function tinfoRead(): u64 { return TINFO; }

/** tdata1 of the selected trigger: the supported fields are kept, the rest reads as zero (WARL). */
export function tdata1Write(v: u64): void {
  const ty = v >> TYPE_SHIFT;
  let nv: u64;
  if (ty == TYPE_MCONTROL || ty == TYPE_MCONTROL6) {
    let match = (v & MATCH_MASK) >> MATCH_SHIFT;
    if (match != MATCH_EQ && match != MATCH_GE && match != MATCH_LT) match = MATCH_EQ;
    // dmode, action (0 only), chain, timing, select, sizes and maskmax are all zero
    nv = (ty << TYPE_SHIFT) | (match << MATCH_SHIFT) | (v & (LOAD | STORE | EXECUTE | U | S | M))
      | (v & (ty == TYPE_MCONTROL ? HIT_MCONTROL : HIT_MCONTROL6));
  } else {
    nv = TYPE_DISABLED << TYPE_SHIFT;
  }
  setMisc(MISC_TRIG + 2 * <i32>selected(), nv);
  triggersChanged();
}

export function tdata2Write(v: u64): void { setMisc(MISC_TRIG + 2 * <i32>selected() + 1, v); }

/**
 * The first trigger with one of the `kinds` bits (LOAD/STORE/EXECUTE) that fires for bytes [a, a + size) in
 * the current mode; sets its hit bit and returns true. The caller raises the breakpoint exception.
 */
function fires(kinds: u64, a: u64, size: u64): bool {
  const modeBit = priv == PRV_M ? M : priv == PRV_S ? S : U;
  if (priv == PRV_M && (csrGet(CSR_MSTATUS) & MSTATUS_MIE) == 0) return false;
  for (let i: u32 = 0; i < <u32>TRIG_N; i++) {
    const t = tdata1Of(i);
    const ty = t >> TYPE_SHIFT;
    if (ty != TYPE_MCONTROL && ty != TYPE_MCONTROL6) continue;
    if ((t & kinds) == 0 || (t & modeBit) == 0) continue;
    const v = tdata2Of(i);
    const match = (t & MATCH_MASK) >> MATCH_SHIFT;
    let hit = false;
    if (match == MATCH_EQ) hit = v >= a && v - a < size;
    else if (match == MATCH_GE) hit = a + size - 1 >= v;
    else hit = a < v;
    if (!hit) continue;
    setMisc(MISC_TRIG + 2 * <i32>i, t | (ty == TYPE_MCONTROL ? HIT_MCONTROL : HIT_MCONTROL6));
    return true;
  }
  return false;
}

/** Whether an execute trigger fires at `pc` (call only while trigExec). */
export function triggerExec(pc: u64): bool { return fires(EXECUTE, pc, 1); }
/** Whether a load (or, with `store`, a store/AMO) trigger fires on [va, va + size) (call only while trigData). */
export function triggerData(va: u64, size: u64, isStore: bool): bool { return fires(isStore ? STORE : LOAD, va, size); }
/** An AMO both loads and stores. */
export function triggerAmo(va: u64, size: u64): bool { return fires(LOAD | STORE, va, size); }
