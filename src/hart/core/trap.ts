// Traps: one `takeTrap` for exceptions and interrupts (delegation, xtvec direct/vectored, xepc/xcause/xtval,
// the status stack), `mret`/`sret`, and the choice of the interrupt to take. AssemblyScript.
import {
  EXIT_TRAP, EXIT_SBI, EXIT_PRIV, EXIT_FIRMWARE, FLAG_SBI_HOST, FLAG_STOP_PRIV, FLAG_FW_HOST,
} from '../layout';
import {
  pc, priv, squashed, trapped, clock, MISC_COST_TRAP, MISC_COST_XRET, PRV_M, PRV_S, PRV_U, csrGet, csrSet, misc, setMisc, requestExit,
  MISC_FLAGS, MISC_STOP_TRAPS, MISC_STOP_IRQS, MISC_EXIT_CAUSE, MISC_EXIT_A, MISC_EXIT_B, MISC_EXIT_D,
  MISC_LAST_PRIV, MISC_WFI,
} from './state';
import { updateCtx } from './mmu';
import {
  CSR_MSTATUS as MSTATUS, CSR_MEDELEG as MEDELEG, CSR_MIDELEG as MIDELEG, CSR_MIE as MIE, CSR_MTVEC as MTVEC,
  CSR_MEPC as MEPC, CSR_MCAUSE as MCAUSE, CSR_MTVAL as MTVAL, CSR_MIP as MIP, CSR_STVEC as STVEC, CSR_SEPC as SEPC,
  CSR_SCAUSE as SCAUSE, CSR_STVAL as STVAL,
  MSTATUS_SIE as SIE, MSTATUS_MIE as MIE_B, MSTATUS_SPIE as SPIE, MSTATUS_MPIE as MPIE, MSTATUS_SPP as SPP,
  MSTATUS_MPP, MSTATUS_MPP_SHIFT as MPP_SHIFT, MSTATUS_MPRV as MPRV, MTVEC_MODE, MTVEC_MODE_VECTORED, MCAUSE_INTERRUPT,
  CAUSE_SUPERVISOR_ECALL, IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
} from './encoding.generated';
import { updateTimerBits, trapRetarget } from './timer';

// CAUSE_* constants that other core files take from here
export { CAUSE_ILLEGAL, CAUSE_BREAKPOINT, CAUSE_USER_ECALL } from './encoding.generated';

/**
 * Change privilege (after a trap or xRET has updated mstatus). TLB entries are tagged with the context they
 * were made in (mmu.ts), so nothing is flushed: the TLBs only switch to the new mode's context (which also
 * follows mstatus.MPRV/MPP, so this runs even when the mode stays).
 */
export function setPrivilege(p: i32): void {
  if (p != priv) {
    setMisc(MISC_LAST_PRIV, <u64>priv);
    priv = p;
    // (the run loop keeps the current fetch page in locals: it drops them when the mode changes)
    if (misc(MISC_FLAGS) & FLAG_STOP_PRIV) requestExit(EXIT_PRIV);
  }
  updateCtx();
}

/** Raise a synchronous exception for the current instruction (at `pc`). */
export function raise(cause: u64, tval: u64): void {
  trapped = true;
  // the faulting instruction does not retire (the loop counted it as started)
  squashed++;
  takeTrap(cause, tval, false);
}

export function takeTrap(cause: u64, tval: u64, isInterrupt: bool): void {
  const from = priv;
  // S-mode ecall served by the host's SBI (the machine has no M-mode firmware in Linux mode)
  if (!isInterrupt && cause == CAUSE_SUPERVISOR_ECALL && (misc(MISC_FLAGS) & FLAG_SBI_HOST) != 0) {
    setMisc(MISC_EXIT_D, pc);
    requestExit(EXIT_SBI);
    return;
  }
  clock += misc(MISC_COST_TRAP); // the pipeline flush of taking a trap (src/hart/cycles.ts)
  const bit: u64 = <u64>1 << (cause & 63);
  const deleg = isInterrupt ? csrGet(MIDELEG) : csrGet(MEDELEG);
  const fullCause: u64 = isInterrupt ? (cause | MCAUSE_INTERRUPT) : cause;
  let ms = csrGet(MSTATUS);
  if (priv <= PRV_S && (deleg & bit) != 0) {
    csrSet(SEPC, pc);
    csrSet(SCAUSE, fullCause);
    csrSet(STVAL, tval);
    ms = (ms & ~SPIE) | ((ms & SIE) != 0 ? SPIE : 0);
    ms = (ms & ~SPP) | (priv == PRV_S ? SPP : 0);
    ms &= ~SIE;
    csrSet(MSTATUS, ms);
    const tv = csrGet(STVEC);
    pc = (tv & ~MTVEC_MODE) + ((tv & MTVEC_MODE) == MTVEC_MODE_VECTORED && isInterrupt ? 4 * cause : 0);
    setPrivilege(PRV_S);
  } else {
    csrSet(MEPC, pc);
    csrSet(MCAUSE, fullCause);
    csrSet(MTVAL, tval);
    ms = (ms & ~MPIE) | ((ms & MIE_B) != 0 ? MPIE : 0);
    ms = (ms & ~MSTATUS_MPP) | (<u64>priv << MPP_SHIFT);
    ms &= ~MIE_B;
    csrSet(MSTATUS, ms);
    const tv = csrGet(MTVEC);
    pc = (tv & ~MTVEC_MODE) + ((tv & MTVEC_MODE) == MTVEC_MODE_VECTORED && isInterrupt ? 4 * cause : 0);
    setPrivilege(PRV_M);
  }
  setMisc(MISC_WFI, 0);
  trapRetarget();
  const mask = isInterrupt ? misc(MISC_STOP_IRQS) : misc(MISC_STOP_TRAPS);
  if ((mask & bit) != 0) {
    setMisc(MISC_EXIT_CAUSE, fullCause);
    setMisc(MISC_EXIT_A, tval);
    setMisc(MISC_EXIT_B, (<u64>from << 8) | <u64>priv);
    requestExit(EXIT_TRAP);
  }
  // the host plays the M-mode firmware (e.g. emulates rdtime): it continues with mret
  if (priv == PRV_M && (misc(MISC_FLAGS) & FLAG_FW_HOST) != 0) requestExit(EXIT_FIRMWARE);
}

export function doMret(): void {
  clock += misc(MISC_COST_XRET);
  let ms = csrGet(MSTATUS);
  const mpp = <i32>((ms & MSTATUS_MPP) >> MPP_SHIFT);
  ms = (ms & ~MIE_B) | ((ms & MPIE) != 0 ? MIE_B : 0);
  ms |= MPIE;
  ms &= ~MSTATUS_MPP; // MPP = U
  if (mpp != PRV_M) ms &= ~MPRV;
  csrSet(MSTATUS, ms);
  pc = csrGet(MEPC);
  setPrivilege(mpp);
  trapRetarget();
}

export function doSret(): void {
  clock += misc(MISC_COST_XRET);
  let ms = csrGet(MSTATUS);
  const spp = (ms & SPP) != 0 ? PRV_S : PRV_U;
  ms = (ms & ~SIE) | ((ms & SPIE) != 0 ? SIE : 0);
  ms |= SPIE;
  ms &= ~SPP;
  ms &= ~MPRV;
  csrSet(MSTATUS, ms);
  pc = csrGet(SEPC);
  setPrivilege(spp);
  trapRetarget();
}

/** The interrupt of highest priority in `set` (MEI, MSI, MTI, SEI, SSI, STI), 64 when none. */
@inline function highestPriority(set: u64): u64 {
  if (set & (<u64>1 << IRQ_M_EXT)) return IRQ_M_EXT;
  if (set & (<u64>1 << IRQ_M_SOFT)) return IRQ_M_SOFT;
  if (set & (<u64>1 << IRQ_M_TIMER)) return IRQ_M_TIMER;
  if (set & (<u64>1 << IRQ_S_EXT)) return IRQ_S_EXT;
  if (set & (<u64>1 << IRQ_S_SOFT)) return IRQ_S_SOFT;
  if (set & (<u64>1 << IRQ_S_TIMER)) return IRQ_S_TIMER;
  return 64;
}

/** Interrupts pending and enabled in the current mode, in priority order; takes one. Returns true if taken. */
export function checkInterrupts(): bool {
  updateTimerBits();
  const pending = csrGet(MIP) & csrGet(MIE);
  if (pending == 0) return false;
  const ms = csrGet(MSTATUS);
  const deleg = csrGet(MIDELEG);
  const mEnabled = priv < PRV_M || (ms & MIE_B) != 0;
  const sEnabled = priv < PRV_S || (priv == PRV_S && (ms & SIE) != 0);
  let m = pending & ~deleg;
  let s = pending & deleg;
  let candidates: u64 = 0;
  if (mEnabled) candidates |= m;
  if (sEnabled) candidates |= s;
  if (candidates == 0) return false;
  // priority: MEI 11, MSI 3, MTI 7, SEI 9, SSI 1, STI 5; M-level interrupts before S-level ones. (No table:
  // an array literal here was allocated on every call, see rt/none.ts.)
  let pick = highestPriority(candidates & m);
  if (pick == 64) pick = highestPriority(candidates);
  if (pick == 64) return false;
  takeTrap(pick, 0, true);
  return true;
}

/** Any interrupt pending at all (wfi wakes on pending & enabled in mie, regardless of global enables). */
export function anyPending(): bool {
  updateTimerBits();
  return (csrGet(MIP) & csrGet(MIE)) != 0;
}

export { PRV_M, PRV_S, PRV_U };
