// Control and status registers: permission checks, read values (aliases and counters), and the legal-value
// rules of every write (WARL masks). Which CSRs exist and the masks of plain writes come from the table
// (src/isa/csrs.ts, through the generated encoding module); the cases here are the CSRs whose reads or writes
// have side effects or depend on other state. Every CSR lives in the CSRS block of the wasm memory (see
// ../layout.ts), addressed by its number. AssemblyScript.
import { MISC_FCSR } from '../layout';
import { priv, cycles, clock, squashed, stopAt, PRV_M, PRV_S, PRV_U, csrGet, csrSet, misc, setMisc } from './state';
import { flushTlb, updateCtx } from './mmu';
import { readTime, interruptsChanged } from './timer';
import { pmpCfgWrite, pmpAddrWrite } from './pmp';
import { triggersReset, tselectWrite, tdata1Read, tdata1Write, tdata2Read, tdata2Write, tinfoRead } from './trigger';
import {
  CSR_FFLAGS, CSR_FRM, CSR_FCSR, CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_HPMCOUNTER31, CSR_SSTATUS, CSR_SIE, CSR_STVEC,
  CSR_SCOUNTEREN, CSR_SIP, CSR_STIMECMP, CSR_SATP, CSR_MSTATUS, CSR_MISA, CSR_MIDELEG, CSR_MIE, CSR_MTVEC,
  CSR_MCOUNTEREN, CSR_MENVCFG, CSR_MIP, CSR_MCYCLE, CSR_MINSTRET,
  MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_UBE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP, MSTATUS_MPP_SHIFT,
  MSTATUS_FS, MSTATUS_FS_SHIFT, MSTATUS_FS_OFF, MSTATUS_FS_DIRTY, MSTATUS_XS, MSTATUS_MPRV, MSTATUS_SUM,
  MSTATUS_MXR, MSTATUS_TVM, MSTATUS_TW, MSTATUS_TSR, MSTATUS_UXL, MSTATUS_UXL_SHIFT, MSTATUS_SXL_SHIFT, MSTATUS_SD,
  MIP_SSIP, MIP_STIP, MIP_SEIP, MIE_SSIE, MIE_MSIE, MIE_STIE, MIE_MTIE, MIE_SEIE, MIE_MEIE, MENVCFG_STCE, MENVCFG_FIOM, MCOUNTEREN_TM,
  MTVEC_MODE, MTVEC_MODE_VECTORED, MTVEC_MODE_DIRECT, SATP_MODE, SATP_MODE_SHIFT, SATP_MODE_BARE, SATP_MODE_SV39,
  SATP_PPN, SATP_ASID, FCSR_FRM, FCSR_FRM_SHIFT, FCSR_NX, FCSR_UF, FCSR_OF, FCSR_DZ, FCSR_NV,
  MISA_MXL_SHIFT, MISA_A, MISA_C, MISA_D, MISA_F, MISA_I, MISA_M, MISA_S, MISA_U,
  CSR_PMPCFG0, CSR_PMPCFG2, CSR_PMPADDR0, CSR_PMPADDR15, CSR_TSELECT, CSR_TDATA1, CSR_TDATA2, CSR_TINFO,
  csrExists, csrReadsZero, csrWriteMask,
} from './encoding.generated';

export const SSTATUS_MASK: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_XS
  | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD;
const MSTATUS_WMASK: u64 = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP
  | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
export const SSTATUS_WMASK: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
const MIP_S_MASK: u64 = MIP_SSIP | MIP_STIP | MIP_SEIP;
const MIE_MASK: u64 = MIE_SSIE | MIE_MSIE | MIE_STIE | MIE_MTIE | MIE_SEIE | MIE_MEIE;
/** fflags within fcsr. */
const FFLAGS_MASK: u64 = FCSR_NX | FCSR_UF | FCSR_OF | FCSR_DZ | FCSR_NV;
/** XLEN encoding of 64 bits (misa.MXL, mstatus.UXL/SXL). */
const XL_64: u64 = 2;
/** misa: RV64 with A C D F I M S U. */
export const MISA: u64 = (XL_64 << MISA_MXL_SHIFT) | MISA_A | MISA_C | MISA_D | MISA_F | MISA_I | MISA_M | MISA_S | MISA_U;

/** Reset values of the CSRs that are not zero at reset. */
export function csrReset(): void {
  csrSet(CSR_MSTATUS, (XL_64 << MSTATUS_UXL_SHIFT) | (XL_64 << MSTATUS_SXL_SHIFT));
  csrSet(CSR_MISA, MISA);
  csrSet(CSR_STIMECMP, <u64>-1);
  triggersReset();
}

/** mstatus (its stored value `ms`) with SD computed from FS. */
@inline export function mstatusValue(ms: u64): u64 {
  let v = ms & ~MSTATUS_SD;
  if ((v & MSTATUS_FS) == MSTATUS_FS_DIRTY << MSTATUS_FS_SHIFT) v |= MSTATUS_SD;
  return v;
}

@inline function sstcEnabled(): bool { return (csrGet(CSR_MENVCFG) & MENVCFG_STCE) != 0; }

/**
 * Whether the current privilege may access CSR `a` (write when `write`). The caller raises illegal
 * instruction on false.
 */
export function csrAllowed(a: u32, write: bool): bool {
  if (!csrExists(a)) return false;
  if (<i32>((a >> 8) & 3) > priv) return false;          // address bits 9:8: lowest privilege
  if (write && ((a >> 10) & 3) == 3) return false;       // address bits 11:10 = 3: read-only
  // floating-point CSRs need mstatus.FS != Off
  if (a <= CSR_FCSR && (csrGet(CSR_MSTATUS) & MSTATUS_FS) == MSTATUS_FS_OFF) return false;
  // counters from S/U are gated by mcounteren / scounteren
  if (a >= CSR_CYCLE && a <= CSR_HPMCOUNTER31) {
    const bit: u64 = <u64>1 << (a - CSR_CYCLE);
    if (priv < PRV_M && (csrGet(CSR_MCOUNTEREN) & bit) == 0) return false;
    if (priv == PRV_U && (csrGet(CSR_SCOUNTEREN) & bit) == 0) return false;
  }
  // satp and sfence.vma from S are trapped by mstatus.TVM
  if (a == CSR_SATP && priv == PRV_S && (csrGet(CSR_MSTATUS) & MSTATUS_TVM) != 0) return false;
  // stimecmp from S needs menvcfg.STCE (and mcounteren.TM)
  if (a == CSR_STIMECMP && priv == PRV_S && (!sstcEnabled() || (csrGet(CSR_MCOUNTEREN) & MCOUNTEREN_TM) == 0)) return false;
  return true;
}

/** Read a CSR (no permission check, no side effects). */
export function csrRead(a: u32): u64 {
  switch (a) {
    case CSR_FFLAGS: return misc(MISC_FCSR) & FFLAGS_MASK;
    case CSR_FRM: return (misc(MISC_FCSR) & FCSR_FRM) >> FCSR_FRM_SHIFT;
    case CSR_FCSR: return misc(MISC_FCSR) & (FCSR_FRM | FFLAGS_MASK);
    // cycle counts the modelled core cycles (src/hart/cycles.ts), instret the instructions that retired;
    // mcycle/minstret writes are kept as offsets so that the count that drives virtual time never jumps
    case CSR_CYCLE: case CSR_MCYCLE: return clock + csrGet(CSR_MCYCLE);
    case CSR_INSTRET: case CSR_MINSTRET: return cycles - squashed + csrGet(CSR_MINSTRET);
    case CSR_TIME: return readTime();
    case CSR_MSTATUS: return mstatusValue(csrGet(CSR_MSTATUS));
    case CSR_SSTATUS: return mstatusValue(csrGet(CSR_MSTATUS)) & SSTATUS_MASK;
    case CSR_SIE: return csrGet(CSR_MIE) & csrGet(CSR_MIDELEG);
    case CSR_SIP: return csrGet(CSR_MIP) & csrGet(CSR_MIDELEG);
    case CSR_MISA: return MISA;
    case CSR_TDATA1: return tdata1Read();
    case CSR_TDATA2: return tdata2Read();
    case CSR_TINFO: return tinfoRead();
  }
  if (csrReadsZero(a)) return 0;
  return csrGet(a);
}

/** Mark the FP state dirty (mstatus.FS = Dirty). */
@inline export function fsDirty(): void {
  csrSet(CSR_MSTATUS, csrGet(CSR_MSTATUS) | (MSTATUS_FS_DIRTY << MSTATUS_FS_SHIFT));
}

/** Write a CSR with its legal-value rules (permission already checked). */
export function csrWrite(a: u32, v: u64): void {
  switch (a) {
    case CSR_FFLAGS: setMisc(MISC_FCSR, (misc(MISC_FCSR) & ~FFLAGS_MASK) | (v & FFLAGS_MASK)); fsDirty(); return;
    case CSR_FRM: setMisc(MISC_FCSR, (misc(MISC_FCSR) & FFLAGS_MASK) | ((v << FCSR_FRM_SHIFT) & FCSR_FRM)); fsDirty(); return;
    case CSR_FCSR: setMisc(MISC_FCSR, v & (FCSR_FRM | FFLAGS_MASK)); fsDirty(); return;
    case CSR_MSTATUS: {
      const old = csrGet(CSR_MSTATUS);
      let nv = (old & ~MSTATUS_WMASK) | (v & MSTATUS_WMASK);
      // MPP: 2 is reserved; keep the old value
      if ((nv & MSTATUS_MPP) == <u64>2 << MSTATUS_MPP_SHIFT) nv = (nv & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
      csrSet(CSR_MSTATUS, nv);
      // the data TLBs' context follows these (mmu.ts): no flush
      if (((old ^ nv) & (MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPP)) != 0) updateCtx();
      // only a newly set global enable can let an interrupt in (the trap entry and exit of every system call
      // write sstatus with SIE clear: they need no re-check)
      if ((nv & ~old & (MSTATUS_MIE | MSTATUS_SIE)) != 0) interruptsChanged();
      return;
    }
    case CSR_SSTATUS: {
      const old = csrGet(CSR_MSTATUS);
      const nv = (old & ~SSTATUS_WMASK) | (v & SSTATUS_WMASK);
      csrSet(CSR_MSTATUS, nv);
      if (((old ^ nv) & (MSTATUS_SUM | MSTATUS_MXR)) != 0) updateCtx();
      if ((nv & ~old & MSTATUS_SIE) != 0) interruptsChanged();
      return;
    }
    case CSR_MIDELEG: csrSet(a, v & MIP_S_MASK); interruptsChanged(); return;
    case CSR_MIE: csrSet(a, v & MIE_MASK); interruptsChanged(); return;
    case CSR_SIE: {
      const d = csrGet(CSR_MIDELEG);
      csrSet(CSR_MIE, (csrGet(CSR_MIE) & ~d) | (v & d & MIE_MASK));
      interruptsChanged();
      return;
    }
    case CSR_MIP: {
      // software-writable bits: SSIP, SEIP, and STIP unless Sstc drives it
      let wm: u64 = MIP_SSIP | MIP_SEIP;
      if (!sstcEnabled()) wm |= MIP_STIP;
      csrSet(a, (csrGet(a) & ~wm) | (v & wm));
      interruptsChanged();
      return;
    }
    case CSR_SIP: {
      const wm: u64 = csrGet(CSR_MIDELEG) & MIP_SSIP;
      csrSet(CSR_MIP, (csrGet(CSR_MIP) & ~wm) | (v & wm));
      interruptsChanged();
      return;
    }
    case CSR_MTVEC: case CSR_STVEC: {
      // direct or vectored; reserved modes keep direct
      const mode = v & MTVEC_MODE;
      csrSet(a, (v & ~MTVEC_MODE) | (mode == MTVEC_MODE_VECTORED ? MTVEC_MODE_VECTORED : MTVEC_MODE_DIRECT));
      return;
    }
    case CSR_SATP: {
      const mode = (v & SATP_MODE) >> SATP_MODE_SHIFT;
      if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39) return; // unsupported mode: the write has no effect
      // 16 ASID bits (as QEMU). Writing satp flushes nothing (the privileged spec: software uses sfence.vma);
      // the TLBs switch to the address space of the new value (mmu.ts), whose old entries, if any, come back
      csrSet(a, v & (SATP_MODE | SATP_ASID | SATP_PPN));
      updateCtx();
      stopAt = 0; // the run loop's fetch page may map elsewhere now
      return;
    }
    case CSR_STIMECMP: csrSet(a, v); interruptsChanged(); return;
    case CSR_MENVCFG: csrSet(a, v & (MENVCFG_STCE | MENVCFG_FIOM)); interruptsChanged(); return;
    case CSR_MCYCLE: csrSet(a, v - clock); return;
    case CSR_MINSTRET: csrSet(a, v - (cycles - squashed)); return;
    // PMP decisions are cached in the TLBs (a page at a time): any change empties them
    case CSR_PMPCFG0: case CSR_PMPCFG2: pmpCfgWrite(a, v); flushTlb(); return;
    case CSR_TSELECT: tselectWrite(v); return;
    // armed load/store triggers keep the data TLBs empty (trigger.ts)
    case CSR_TDATA1: tdata1Write(v); flushTlb(); return;
    case CSR_TDATA2: tdata2Write(v); return;
  }
  if (a >= CSR_PMPADDR0 && a <= CSR_PMPADDR15) { pmpAddrWrite(a - CSR_PMPADDR0, v); flushTlb(); return; }
  const m = csrWriteMask(a);
  if (m != 0) csrSet(a, (csrGet(a) & ~m) | (v & m));
}

export { PRV_U };
