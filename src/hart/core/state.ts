// Architectural state of the hart that the run loop keeps in wasm globals for speed, plus the
// accessors for the state kept in memory (see ../layout.ts). AssemblyScript.
import {
  XREG, FREG, MISC, CSRS, MISC_PC, MISC_PRIV, MISC_CYCLES, MISC_RES_ADDR, MISC_FLAGS,
  MISC_TIME_MODE, MISC_TIME_DIV, MISC_TIME_BASE, MISC_MTIMECMP, MISC_EXIT_CAUSE, MISC_EXIT_A,
  MISC_EXIT_B, MISC_EXIT_C, MISC_EXIT_D, MISC_STOP_TRAPS, MISC_STOP_IRQS, MISC_TOHOST, MISC_LAST_PRIV,
  MISC_WFI, MISC_FCSR, MISC_SQUASHED, MISC_CLOCK, MISC_COST_TRAP, MISC_COST_XRET,
} from '../layout';

import { PRV_U, PRV_S, PRV_M } from './encoding.generated';
export { PRV_U, PRV_S, PRV_M };

/** Program counter of the instruction being executed. */
export let pc: u64 = 0;
/** Current privilege mode. */
export let priv: i32 = PRV_M;
/** Instructions started (retired + squashed by a trap): the clock of the hart, and what budgets count. */
export let cycles: u64 = 0;
/** Instructions that trapped instead of retiring (instret = cycles - squashed). */
export let squashed: u64 = 0;
/**
 * Modelled core cycles (src/hart/cycles.ts): each started instruction adds its class cost (from its decode
 * entry or its block), traps and xRETs their flush, the host the kernel work it does. `cycle` and virtual
 * time derive from it.
 */
export let clock: u64 = 0;
/** The run loop leaves its inner loop when cycles reaches this value. Setting it to 0 forces a re-check. */
export let stopAt: u64 = 0;
/** Why the run loop must return, -1 when it must not. */
export let exitReason: i32 = -1;
/** Set by a slow memory path or a CSR access when the current instruction trapped. */
export let trapped: bool = false;
/** Size of guest RAM in bytes. */
export let ramSize: u64 = 0;

export function setPc(v: u64): void { pc = v; }
export function setPriv(v: i32): void { priv = v; }
export function setInstret(v: u64): void { cycles = v; }
export function setStopAt(v: u64): void { stopAt = v; }
export function setTrapped(v: bool): void { trapped = v; }
export function setRamSize(v: u64): void { ramSize = v; }

/** Ask the run loop to return with `reason` once the current instruction is done. */
export function requestExit(reason: i32): void {
  if (exitReason < 0) exitReason = reason;
  stopAt = 0;
}
export function clearExit(): void { exitReason = -1; }

@inline export function xr(r: u32): u64 { return load<u64>(<usize>r << 3, XREG); }
@inline export function xw(r: u32, v: u64): void { store<u64>(<usize>r << 3, v, XREG); }
@inline export function fr(r: u32): u64 { return load<u64>(<usize>r << 3, FREG); }
@inline export function fw(r: u32, v: u64): void { store<u64>(<usize>r << 3, v, FREG); }
@inline export function misc(i: i32): u64 { return load<u64>(MISC + (<usize>i << 3)); }
@inline export function setMisc(i: i32, v: u64): void { store<u64>(MISC + (<usize>i << 3), v); }
@inline export function csrGet(a: u32): u64 { return load<u64>(CSRS + (<usize>a << 3)); }
@inline export function csrSet(a: u32, v: u64): void { store<u64>(CSRS + (<usize>a << 3), v); }

/** Copy the loop's globals into the MISC block (so the host sees them). */
export function saveGlobals(): void {
  setMisc(MISC_PC, pc);
  setMisc(MISC_PRIV, <u64>priv);
  setMisc(MISC_CYCLES, cycles);
  setMisc(MISC_SQUASHED, squashed);
  setMisc(MISC_CLOCK, clock);
  store<u64>(XREG, 0);
}
/** Load the loop's globals from the MISC block (the host may have changed them). */
export function loadGlobals(): void {
  pc = misc(MISC_PC);
  priv = <i32>misc(MISC_PRIV);
  cycles = misc(MISC_CYCLES);
  squashed = misc(MISC_SQUASHED);
  clock = misc(MISC_CLOCK);
}

// Re-exported indices so other core files import one module.
export {
  MISC_RES_ADDR, MISC_FLAGS, MISC_TIME_MODE, MISC_TIME_DIV, MISC_TIME_BASE, MISC_MTIMECMP,
  MISC_EXIT_CAUSE, MISC_EXIT_A, MISC_EXIT_B, MISC_EXIT_C, MISC_EXIT_D, MISC_STOP_TRAPS,
  MISC_STOP_IRQS, MISC_TOHOST, MISC_LAST_PRIV, MISC_WFI, MISC_FCSR, MISC_COST_TRAP, MISC_COST_XRET,
};
