// The built-in firmware: a minimal SBI (RISC-V Supervisor Binary Interface specification v1.0.0) served by the
// host, so a kernel boots without an M-mode firmware image. The hart starts in S-mode at the kernel with the
// M-mode state set as a firmware would leave it (delegations, counters, Sstc); an `ecall` from S-mode exits to
// us (the core's FLAG_SBI_HOST) and we answer in a0/a1 and continue after it.
//
// Extensions: base, TIME (stimecmp: the hart has Sstc), IPI and RFENCE (one hart: local), HSM status, SRST, and
// the legacy console putchar/getchar, set_timer, IPIs, fences and shutdown.
import type { Hart } from '../hart';
import {
  CSR_MEDELEG, CSR_MIDELEG, CSR_MCOUNTEREN, CSR_MENVCFG, CSR_SCOUNTEREN, CSR_STIMECMP, CSR_MIP, CSR_MSTATUS,
  MIP_SSIP, MIP_STIP, MIP_SEIP, MENVCFG_STCE, MSTATUS_FS, PRV_S, CSR_PMPADDR0, CSR_PMPCFG0,
  CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_LOAD, CAUSE_LOAD_ACCESS,
  CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL, CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE,
} from '../../isa/encoding.generated';

export const SBI_SUCCESS = 0n;
export const SBI_ERR_FAILED = -1n;
export const SBI_ERR_NOT_SUPPORTED = -2n;
export const SBI_ERR_INVALID_PARAM = -3n;

export const EXT_BASE = 0x10n;
export const EXT_TIME = 0x54494d45n;
export const EXT_IPI = 0x735049n;
export const EXT_RFENCE = 0x52464e43n;
export const EXT_HSM = 0x48534dn;
export const EXT_SRST = 0x53525354n;
/** Legacy extensions 0x00..0x08 (SBI v0.1). */
export const LEGACY_SET_TIMER = 0n, LEGACY_PUTCHAR = 1n, LEGACY_GETCHAR = 2n, LEGACY_CLEAR_IPI = 3n, LEGACY_SEND_IPI = 4n,
  LEGACY_FENCE_I = 5n, LEGACY_SFENCE_VMA = 6n, LEGACY_SFENCE_VMA_ASID = 7n, LEGACY_SHUTDOWN = 8n;

/** SBI spec version 1.0 (major << 24 | minor). */
export const SBI_SPEC_VERSION = 1n << 24n;
/** Implementation id: not one of the registered ones (0 BBL, 1 OpenSBI, 2 Xvisor, 3 KVM, 4 RustSBI, ...). */
export const SBI_IMPL_ID = 0x764c6162n; // "vLab"
export const SBI_IMPL_VERSION = 1n;

const EXTENSIONS = [EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST,
  LEGACY_SET_TIMER, LEGACY_PUTCHAR, LEGACY_GETCHAR, LEGACY_CLEAR_IPI, LEGACY_SEND_IPI, LEGACY_FENCE_I, LEGACY_SFENCE_VMA,
  LEGACY_SFENCE_VMA_ASID, LEGACY_SHUTDOWN];

/** What the firmware delegates to S-mode: everything a kernel handles itself (there is no M-mode code to go to). */
const DELEGATED_EXCEPTIONS = [CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_LOAD,
  CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL, CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE]
  .reduce((m, c) => m | (1n << BigInt(c)), 0n);

export interface SbiConsole {
  putchar(byte: number): void;
  /** A byte typed at the console, or -1. */
  getchar(): number;
}

export type SbiResult = { kind: 'continue' } | { kind: 'reset'; type: 'shutdown' | 'cold' | 'warm'; reason: number; code: number };

const S = (v: bigint): bigint => BigInt.asUintN(64, v);
/** A PMP configuration byte: A = NAPOT, R, W, X. */
const PMP_NAPOT_RWX = (3n << 3n) | 7n;

export class BuiltinSbi {
  constructor(private readonly hart: Hart, private readonly console: SbiConsole) {}

  /** Put the hart in the state a firmware hands to the kernel: S-mode at `entry`, a0 = hart id, a1 = device tree. */
  enterKernel(entry: bigint, fdt: bigint): void {
    const h = this.hart;
    // PMP entry 0 over the whole physical space, R/W/X, as OpenSBI's last entry: with no entry on, S and U-mode
    // can access nothing
    h.setCsr(CSR_PMPADDR0, (1n << 54n) - 1n);
    h.setCsr(CSR_PMPCFG0, PMP_NAPOT_RWX);
    h.setCsr(CSR_MEDELEG, DELEGATED_EXCEPTIONS);
    h.setCsr(CSR_MIDELEG, MIP_SSIP | MIP_STIP | MIP_SEIP);
    h.setCsr(CSR_MCOUNTEREN, 7n); // cycle, time, instret readable from S
    h.setCsr(CSR_SCOUNTEREN, 7n); // and from U (the vDSO reads time), as OpenSBI leaves it
    h.setCsr(CSR_MENVCFG, MENVCFG_STCE);
    h.setCsr(CSR_STIMECMP, S(-1n));
    h.setCsr(CSR_MSTATUS, h.csr(CSR_MSTATUS) & ~MSTATUS_FS);
    h.sbiHost = true;
    h.priv = PRV_S;
    h.pc = entry;
    h.setX(10, 0n);
    h.setX(11, fdt);
  }

  /** Serve the ecall the hart stopped at (an Exit of kind 'sbi'); the hart continues after it. */
  handle(): SbiResult {
    const h = this.hart;
    const ext = h.x(17), fid = h.x(16), a0 = h.x(10), a1 = h.x(11);
    let result: SbiResult = { kind: 'continue' };
    const ret = (err: bigint, value = 0n): void => { h.setX(10, S(err)); h.setX(11, S(value)); };
    if (ext <= LEGACY_SHUTDOWN) {
      // legacy calls return in a0 only
      let v = 0n;
      switch (ext) {
        case LEGACY_SET_TIMER: this.setTimer(a0); break;
        case LEGACY_PUTCHAR: this.console.putchar(Number(a0 & 0xffn)); break;
        case LEGACY_GETCHAR: v = S(BigInt(this.console.getchar())); break;
        case LEGACY_CLEAR_IPI: h.setCsr(CSR_MIP, h.csr(CSR_MIP) & ~MIP_SSIP); break;
        case LEGACY_SEND_IPI: this.ipiSelf(); break;
        case LEGACY_FENCE_I: h.invalidateCode(); break;
        case LEGACY_SFENCE_VMA: case LEGACY_SFENCE_VMA_ASID: h.flushTlbs(); break;
        case LEGACY_SHUTDOWN: result = { kind: 'reset', type: 'shutdown', reason: 0, code: 0 }; break;
      }
      h.setX(10, v);
    } else {
      switch (ext) {
        case EXT_BASE:
          switch (fid) {
            case 0n: ret(SBI_SUCCESS, SBI_SPEC_VERSION); break;
            case 1n: ret(SBI_SUCCESS, SBI_IMPL_ID); break;
            case 2n: ret(SBI_SUCCESS, SBI_IMPL_VERSION); break;
            case 3n: ret(SBI_SUCCESS, EXTENSIONS.includes(a0) ? 1n : 0n); break;
            case 4n: case 5n: case 6n: ret(SBI_SUCCESS, 0n); break; // mvendorid, marchid, mimpid
            default: ret(SBI_ERR_NOT_SUPPORTED);
          }
          break;
        case EXT_TIME:
          if (fid === 0n) { this.setTimer(a0); ret(SBI_SUCCESS); } else ret(SBI_ERR_NOT_SUPPORTED);
          break;
        case EXT_IPI:
          if (fid !== 0n) { ret(SBI_ERR_NOT_SUPPORTED); break; }
          if (this.targetsHart0(a0, a1)) this.ipiSelf();
          ret(SBI_SUCCESS);
          break;
        case EXT_RFENCE:
          if (fid > 6n) { ret(SBI_ERR_NOT_SUPPORTED); break; }
          if (fid >= 3n) { ret(SBI_ERR_NOT_SUPPORTED); break; } // the hypervisor fences: no H extension
          if (this.targetsHart0(a0, a1)) { if (fid === 0n) h.invalidateCode(); else h.flushTlbs(); }
          ret(SBI_SUCCESS);
          break;
        case EXT_HSM:
          // one hart, always started
          if (fid === 2n) ret(a0 === 0n ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM, 0n); // hart_get_status: STARTED
          else if (fid === 0n) ret(a0 === 0n ? -6n : SBI_ERR_INVALID_PARAM); // hart_start: ALREADY_AVAILABLE
          else ret(SBI_ERR_NOT_SUPPORTED);
          break;
        case EXT_SRST: {
          if (fid !== 0n) { ret(SBI_ERR_NOT_SUPPORTED); break; }
          const type = a0 === 0n ? 'shutdown' : a0 === 1n ? 'cold' : a0 === 2n ? 'warm' : undefined;
          if (!type || a1 > 1n) { ret(SBI_ERR_INVALID_PARAM); break; }
          // reason 1 = system failure: report it as a failing exit
          result = { kind: 'reset', type, reason: Number(a1), code: a1 === 1n ? 1 : 0 };
          ret(SBI_SUCCESS);
          break;
        }
        default: ret(SBI_ERR_NOT_SUPPORTED);
      }
    }
    h.pc = h.pc + 4n;
    return result;
  }

  /** TIME.set_timer: the next timer event at `time` value v; with Sstc that is stimecmp (writing it clears STIP). */
  private setTimer(v: bigint): void { this.hart.setCsr(CSR_STIMECMP, v); }

  private ipiSelf(): void { this.hart.setCsr(CSR_MIP, this.hart.csr(CSR_MIP) | MIP_SSIP); }

  /** Whether hart 0 is in the hart mask (mask, base; base = -1 means all harts). */
  private targetsHart0(mask: bigint, base: bigint): boolean {
    if (base === S(-1n)) return true;
    if (base > 0n) return false;
    return (mask & 1n) !== 0n;
  }
}
