// Control and status registers: permission checks, read values (aliases and counters), and the legal-value
// rules of every write (WARL masks). One function per direction with a case per register that differs from a
// plain read/write slot; every CSR lives in the CSRS block of the wasm memory (see ../layout.ts), addressed by
// its number. AssemblyScript.
import { MISC_FCSR } from '../layout';
import { priv, cycles, squashed, PRV_M, PRV_S, PRV_U, csrGet, csrSet, misc, setMisc } from './state';
import { flushTlb } from './mmu';
import { readTime, interruptsChanged } from './timer';

const SSTATUS_MASK: u64 = (1 << 1) | (1 << 5) | (1 << 6) | (1 << 8) | (3 << 13) | (3 << 15) | (1 << 18) | (1 << 19)
  | (<u64>3 << 32) | (<u64>1 << 63);
const MSTATUS_WMASK: u64 = (1 << 1) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 8) | (3 << 11) | (3 << 13) | (1 << 17)
  | (1 << 18) | (1 << 19) | (1 << 20) | (1 << 21) | (1 << 22);
const SSTATUS_WMASK: u64 = (1 << 1) | (1 << 5) | (1 << 8) | (3 << 13) | (1 << 18) | (1 << 19);
const MIP_S_MASK: u64 = (1 << 1) | (1 << 5) | (1 << 9);
const MIE_MASK: u64 = (1 << 1) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 11);
/** misa: RV64 (MXL = 2) with A C D F I M S U. */
export const MISA: u64 = (<u64>2 << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);

/** Reset values of the CSRs that are not zero at reset. */
export function csrReset(): void {
  // UXL = SXL = 2 (64-bit)
  csrSet(0x300, (<u64>2 << 32) | (<u64>2 << 34));
  csrSet(0x301, MISA);
  csrSet(0x14d, <u64>-1); // stimecmp
}

/** mstatus with SD computed from FS. */
function mstatusValue(): u64 {
  let v = csrGet(0x300) & ~(<u64>1 << 63);
  if (((v >> 13) & 3) == 3) v |= <u64>1 << 63;
  return v;
}

/** Whether a CSR number exists on this hart. */
function exists(a: u32): bool {
  switch (a) {
    case 0x001: case 0x002: case 0x003:
    case 0xc00: case 0xc01: case 0xc02:
    case 0x100: case 0x104: case 0x105: case 0x106: case 0x10a: case 0x140: case 0x141: case 0x142: case 0x143:
    case 0x144: case 0x14d: case 0x180:
    case 0x300: case 0x301: case 0x302: case 0x303: case 0x304: case 0x305: case 0x306: case 0x30a: case 0x310:
    case 0x320: case 0x340: case 0x341: case 0x342: case 0x343: case 0x344: case 0x34a: case 0x34b:
    case 0xb00: case 0xb02: case 0xf11: case 0xf12: case 0xf13: case 0xf14: case 0xf15:
      return true;
  }
  if (a >= 0xc03 && a <= 0xc1f) return true;      // hpmcounter3..31 (read as zero)
  if (a >= 0xb03 && a <= 0xb1f) return true;      // mhpmcounter3..31
  if (a >= 0x323 && a <= 0x33f) return true;      // mhpmevent3..31
  if (a >= 0x3a0 && a <= 0x3ef) return true;      // pmpcfg/pmpaddr (no PMP: read zero, writes ignored)
  return false;
}

/**
 * Whether the current privilege may access CSR `a` (write when `write`). The caller raises illegal
 * instruction on false.
 */
export function csrAllowed(a: u32, write: bool): bool {
  if (!exists(a)) return false;
  if (<i32>((a >> 8) & 3) > priv) return false;
  if (write && ((a >> 10) & 3) == 3) return false;
  // floating-point CSRs need mstatus.FS != Off
  if (a <= 3 && ((csrGet(0x300) >> 13) & 3) == 0) return false;
  // counters from S/U are gated by mcounteren / scounteren
  if (a >= 0xc00 && a <= 0xc1f) {
    const bit: u64 = <u64>1 << (a - 0xc00);
    if (priv < PRV_M && (csrGet(0x306) & bit) == 0) return false;
    if (priv == PRV_U && (csrGet(0x106) & bit) == 0) return false;
  }
  // satp and sfence.vma from S are trapped by mstatus.TVM
  if (a == 0x180 && priv == PRV_S && (csrGet(0x300) & (1 << 20)) != 0) return false;
  // stimecmp from S needs menvcfg.STCE (and mcounteren.TM)
  if (a == 0x14d && priv == PRV_S && ((csrGet(0x30a) >> 63) == 0 || (csrGet(0x306) & 2) == 0)) return false;
  return true;
}

/** Read a CSR (no permission check, no side effects). */
export function csrRead(a: u32): u64 {
  switch (a) {
    case 0x001: return misc(MISC_FCSR) & 0x1f;
    case 0x002: return (misc(MISC_FCSR) >> 5) & 7;
    case 0x003: return misc(MISC_FCSR) & 0xff;
    // cycle counts started instructions, instret those that retired; mcycle/minstret writes are kept as
    // offsets so that the count that drives virtual time never jumps
    case 0xc00: case 0xb00: return cycles + csrGet(0xb00);
    case 0xc02: case 0xb02: return cycles - squashed + csrGet(0xb02);
    case 0xc01: return readTime();
    case 0x300: return mstatusValue();
    case 0x100: return mstatusValue() & SSTATUS_MASK;
    case 0x104: return csrGet(0x304) & csrGet(0x303);
    case 0x144: return csrGet(0x344) & csrGet(0x303);
    case 0x301: return MISA;
  }
  if ((a >= 0xc03 && a <= 0xc1f) || (a >= 0xb03 && a <= 0xb1f) || (a >= 0x323 && a <= 0x33f) || (a >= 0x3a0 && a <= 0x3ef)) return 0;
  return csrGet(a);
}

/** Mark the FP state dirty (mstatus.FS = 3). */
@inline export function fsDirty(): void {
  csrSet(0x300, csrGet(0x300) | (<u64>3 << 13));
}

/** Write a CSR with its legal-value rules (permission already checked). */
export function csrWrite(a: u32, v: u64): void {
  switch (a) {
    case 0x001: setMisc(MISC_FCSR, (misc(MISC_FCSR) & ~<u64>0x1f) | (v & 0x1f)); fsDirty(); return;
    case 0x002: setMisc(MISC_FCSR, (misc(MISC_FCSR) & 0x1f) | ((v & 7) << 5)); fsDirty(); return;
    case 0x003: setMisc(MISC_FCSR, v & 0xff); fsDirty(); return;
    case 0x300: {
      const old = csrGet(0x300);
      let nv = (old & ~MSTATUS_WMASK) | (v & MSTATUS_WMASK);
      // MPP: 2 is reserved; keep the old value
      if (((nv >> 11) & 3) == 2) nv = (nv & ~(<u64>3 << 11)) | (old & (<u64>3 << 11));
      csrSet(0x300, nv);
      if (((old ^ nv) & ((1 << 17) | (1 << 18) | (1 << 19) | (3 << 11))) != 0) flushTlb();
      interruptsChanged();
      return;
    }
    case 0x100: {
      const old = csrGet(0x300);
      const nv = (old & ~SSTATUS_WMASK) | (v & SSTATUS_WMASK);
      csrSet(0x300, nv);
      if (((old ^ nv) & ((1 << 18) | (1 << 19))) != 0) flushTlb();
      interruptsChanged();
      return;
    }
    case 0x301: return; // misa is read-only here
    case 0x302: csrSet(a, v & 0xb3ff & ~(<u64>1 << 11)); return; // medeleg: 0..15 but not ecall-from-M
    case 0x303: csrSet(a, v & MIP_S_MASK); interruptsChanged(); return;
    case 0x304: csrSet(a, v & MIE_MASK); interruptsChanged(); return;
    case 0x104: {
      const d = csrGet(0x303);
      csrSet(0x304, (csrGet(0x304) & ~d) | (v & d & MIE_MASK));
      interruptsChanged();
      return;
    }
    case 0x344: {
      // software-writable bits: SSIP, SEIP, and STIP unless Sstc drives it
      let wm: u64 = (1 << 1) | (1 << 9);
      if ((csrGet(0x30a) >> 63) == 0) wm |= 1 << 5;
      csrSet(a, (csrGet(a) & ~wm) | (v & wm));
      interruptsChanged();
      return;
    }
    case 0x144: {
      const wm: u64 = csrGet(0x303) & (1 << 1);
      csrSet(0x344, (csrGet(0x344) & ~wm) | (v & wm));
      interruptsChanged();
      return;
    }
    case 0x305: case 0x105: {
      // direct (0) or vectored (1); reserved modes keep direct
      const mode = v & 3;
      csrSet(a, (v & ~<u64>3) | (mode == 1 ? 1 : 0));
      return;
    }
    case 0x341: case 0x141: csrSet(a, v & ~<u64>1); return;
    case 0x180: {
      const mode = v >> 60;
      if (mode != 0 && mode != 8) return; // unsupported mode: the write has no effect
      csrSet(a, v & ((<u64>0xf << 60) | 0xfffffffffff)); // ASID is WARL with no bits implemented
      flushTlb();
      return;
    }
    case 0x14d: csrSet(a, v); interruptsChanged(); return;
    case 0x30a: csrSet(a, v & ((<u64>1 << 63) | 1)); interruptsChanged(); return;
    case 0x10a: csrSet(a, v & 1); return;
    case 0x306: case 0x106: csrSet(a, v & 0xffffffff); return;
    case 0xb00: csrSet(a, v - cycles); return;
    case 0xb02: csrSet(a, v - (cycles - squashed)); return;
    case 0x320: return;
    case 0xf11: case 0xf12: case 0xf13: case 0xf14: case 0xf15: return;
  }
  if ((a >= 0xb03 && a <= 0xb1f) || (a >= 0x323 && a <= 0x33f) || (a >= 0x3a0 && a <= 0x3ef)) return;
  csrSet(a, v);
}

export { PRV_U };
