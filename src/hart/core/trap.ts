// Traps: one `takeTrap` for exceptions and interrupts (delegation, xtvec direct/vectored, xepc/xcause/xtval,
// the status stack), `mret`/`sret`, and the choice of the interrupt to take. AssemblyScript.
import {
  EXIT_TRAP, EXIT_SBI, EXIT_PRIV, FLAG_SBI_HOST, FLAG_STOP_PRIV,
} from '../layout';
import {
  pc, priv, squashed, trapped, PRV_M, PRV_S, PRV_U, csrGet, csrSet, misc, setMisc, requestExit,
  MISC_FLAGS, MISC_STOP_TRAPS, MISC_STOP_IRQS, MISC_EXIT_CAUSE, MISC_EXIT_A, MISC_EXIT_B, MISC_EXIT_D,
  MISC_LAST_PRIV, MISC_WFI,
} from './state';
import { flushTlb } from './mmu';
import { updateTimerBits, interruptsChanged } from './timer';

const MSTATUS: u32 = 0x300;
const MEDELEG: u32 = 0x302;
const MIDELEG: u32 = 0x303;
const MIE: u32 = 0x304;
const MTVEC: u32 = 0x305;
const MEPC: u32 = 0x341;
const MCAUSE: u32 = 0x342;
const MTVAL: u32 = 0x343;
const MIP: u32 = 0x344;
const STVEC: u32 = 0x105;
const SEPC: u32 = 0x141;
const SCAUSE: u32 = 0x142;
const STVAL: u32 = 0x143;

const SIE: u64 = 1 << 1;
const MIE_B: u64 = 1 << 3;
const SPIE: u64 = 1 << 5;
const MPIE: u64 = 1 << 7;
const SPP: u64 = 1 << 8;
const MPP_SHIFT: u64 = 11;
const MPRV: u64 = 1 << 17;

export const CAUSE_ILLEGAL: u64 = 2;
export const CAUSE_BREAKPOINT: u64 = 3;
export const CAUSE_ECALL_U: u64 = 8;

/** Change privilege; TLB entries carry permission decisions of the old mode, so they go. */
export function setPrivilege(p: i32): void {
  if (p != priv) {
    setMisc(MISC_LAST_PRIV, <u64>priv);
    priv = p;
    flushTlb();
    if (misc(MISC_FLAGS) & FLAG_STOP_PRIV) requestExit(EXIT_PRIV);
  }
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
  if (!isInterrupt && cause == 9 && (misc(MISC_FLAGS) & FLAG_SBI_HOST) != 0) {
    setMisc(MISC_EXIT_D, pc);
    requestExit(EXIT_SBI);
    return;
  }
  const bit: u64 = <u64>1 << (cause & 63);
  const deleg = isInterrupt ? csrGet(MIDELEG) : csrGet(MEDELEG);
  const fullCause: u64 = isInterrupt ? (cause | (<u64>1 << 63)) : cause;
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
    pc = (tv & ~<u64>3) + ((tv & 3) == 1 && isInterrupt ? 4 * cause : 0);
    setPrivilege(PRV_S);
  } else {
    csrSet(MEPC, pc);
    csrSet(MCAUSE, fullCause);
    csrSet(MTVAL, tval);
    ms = (ms & ~MPIE) | ((ms & MIE_B) != 0 ? MPIE : 0);
    ms = (ms & ~(<u64>3 << MPP_SHIFT)) | (<u64>priv << MPP_SHIFT);
    ms &= ~MIE_B;
    csrSet(MSTATUS, ms);
    const tv = csrGet(MTVEC);
    pc = (tv & ~<u64>3) + ((tv & 3) == 1 && isInterrupt ? 4 * cause : 0);
    setPrivilege(PRV_M);
  }
  setMisc(MISC_WFI, 0);
  interruptsChanged();
  const mask = isInterrupt ? misc(MISC_STOP_IRQS) : misc(MISC_STOP_TRAPS);
  if ((mask & bit) != 0) {
    setMisc(MISC_EXIT_CAUSE, fullCause);
    setMisc(MISC_EXIT_A, tval);
    setMisc(MISC_EXIT_B, (<u64>from << 8) | <u64>priv);
    requestExit(EXIT_TRAP);
  }
}

export function doMret(): void {
  let ms = csrGet(MSTATUS);
  const mpp = <i32>((ms >> MPP_SHIFT) & 3);
  ms = (ms & ~MIE_B) | ((ms & MPIE) != 0 ? MIE_B : 0);
  ms |= MPIE;
  ms &= ~(<u64>3 << MPP_SHIFT); // MPP = U
  if (mpp != PRV_M) ms &= ~MPRV;
  csrSet(MSTATUS, ms);
  pc = csrGet(MEPC);
  setPrivilege(mpp);
  interruptsChanged();
}

export function doSret(): void {
  let ms = csrGet(MSTATUS);
  const spp = (ms & SPP) != 0 ? PRV_S : PRV_U;
  ms = (ms & ~SIE) | ((ms & SPIE) != 0 ? SIE : 0);
  ms |= SPIE;
  ms &= ~SPP;
  ms &= ~MPRV;
  csrSet(MSTATUS, ms);
  pc = csrGet(SEPC);
  setPrivilege(spp);
  interruptsChanged();
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
  // priority: MEI 11, MSI 3, MTI 7, SEI 9, SSI 1, STI 5
  const order: StaticArray<u32> = [11, 3, 7, 9, 1, 5];
  let pick: u64 = 64;
  for (let i = 0; i < 6; i++) {
    const c = unchecked(order[i]);
    // M-level interrupts first, then S-level
    if ((candidates & m & (<u64>1 << c)) != 0) { pick = c; break; }
  }
  if (pick == 64) {
    for (let i = 0; i < 6; i++) {
      const c = unchecked(order[i]);
      if ((candidates & (<u64>1 << c)) != 0) { pick = c; break; }
    }
  }
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
