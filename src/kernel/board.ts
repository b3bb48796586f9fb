// models the board under the kernel: the M-mode firmware's trap-and-emulate of `rdtime` on firmware-time boards
// (OpenSBI lib/sbi/sbi_illegal_insn.c -> sbi_emulate_csr.c: sbi_emulate_csr_read, and sbi_trap.c:
// sbi_trap_redirect for the illegal instructions it does not emulate), played by the host like the SBI calls;
// and the charges for the work the kernel model does on the host on the guest's behalf. The figures are in
// src/hart/cycles.ts (the one file of the cycle model), the reasoning in docs/time.md.
import { PRV_M, PRV_S, type Hart } from '../hart/hart';
import { FLAG_FW_HOST } from '../hart/layout';
import {
  BOARD_PROFILES, PAGE_FAULT_CYCLES, firmwareRdtimeCycles, syscallEntryCharge, syscallWorkCycles, tickCycles,
  type BoardProfile, type TimeCsr,
} from '../hart/cycles';
import {
  CSR_MCAUSE, CSR_MCOUNTEREN, CSR_MEDELEG, CSR_MEPC, CSR_MSTATUS, CSR_MTVAL, CSR_MTVEC, CSR_SCAUSE, CSR_SEPC,
  CSR_STVAL, CSR_STVEC, CAUSE_ILLEGAL, MCOUNTEREN_TM, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_SIE, MSTATUS_SPIE,
  MSTATUS_SPP, CSR_TIME,
} from '../isa/encoding.generated';
import { byName } from '../isa/instructions';

/** csrrs rd, time, x0 (the `rdtime rd` pseudo-instruction): csrrs's opcode and funct3, csr = time, rs1 = x0, any rd. */
const CSRRS = byName.get('csrrs')!;
const RDTIME_MASK = BigInt(CSRRS.mask) | 0xfff00000n | 0x000f8000n; // + the csr and rs1 fields
const RDTIME = BigInt(CSRRS.match) | (BigInt(CSR_TIME) << 20n);
export function isRdtime(insn: bigint): boolean { return (insn & RDTIME_MASK) === RDTIME; }

/** An `mret`: the instruction at the firmware's trap vector, so a debugger stopped there sees real code. */
const MRET = byName.get('mret')!.match;

export class Board {
  readonly profile: BoardProfile;
  /** Figures for the cost view: cycles the host charged, emulated rdtime reads, redirected traps. */
  chargedCycles = 0;
  rdtimeEmulations = 0;
  redirects = 0;

  constructor(timeCsr: TimeCsr | undefined) {
    const p = BOARD_PROFILES[timeCsr ?? 'hardware'];
    if (!p) throw new Error(`timeCsr must be "hardware" or "firmware" (got ${JSON.stringify(timeCsr)})`);
    this.profile = p;
    this.entryCharge = syscallEntryCharge(p);
  }
  /** syscallEntryCharge of the profile (every system call charges it). */
  private readonly entryCharge: number;

  /** Core cycles per tick of a timebase of `timebaseHz`. */
  cyclesPerTick(timebaseHz: number): number { return Math.max(1, Math.round(this.profile.coreHz / timebaseHz)); }

  /**
   * After the Linux-mode setup: on a firmware-time board `time` is not readable below M-mode (mcounteren.TM
   * clear), illegal instructions are not delegated (the firmware sees them first, as with OpenSBI), and traps
   * into M-mode come to the host; `vector` is a physical page for mtvec.
   */
  setupHart(h: Hart, vector: bigint): void {
    if (this.profile.timeCsr !== 'firmware') return;
    h.setCsr(CSR_MCOUNTEREN, h.csr(CSR_MCOUNTEREN) & ~MCOUNTEREN_TM);
    h.setCsr(CSR_MEDELEG, h.csr(CSR_MEDELEG) & ~(1n << BigInt(CAUSE_ILLEGAL)));
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, MRET, true);
    h.writePhys(vector, b);
    h.setCsr(CSR_MTVEC, vector);
    h.setFlag(FLAG_FW_HOST, true);
  }

  /** A trap into M-mode (the hart is at mtvec): emulate rdtime, or hand the trap to S-mode; then mret. */
  firmwareTrap(h: Hart): 'rdtime' | 'redirected' {
    const cause = h.csr(CSR_MCAUSE);
    const insn = h.csr(CSR_MTVAL);
    if (cause === BigInt(CAUSE_ILLEGAL) && isRdtime(insn)) {
      // the emulation's cost around the read of mtime (the core charged the trap entry and charges the mret)
      const c = firmwareRdtimeCycles(this.profile);
      this.charge(h, Math.floor(c / 2));
      const rd = Number((insn >> 7n) & 31n);
      const t = h.time;
      this.charge(h, c - Math.floor(c / 2));
      h.setX(rd, t);
      h.setCsr(CSR_MEPC, h.csr(CSR_MEPC) + 4n);
      this.rdtimeEmulations++;
      h.hostMret();
      return 'rdtime';
    }
    // sbi_trap_redirect: deliver the trap to S-mode as if it had been delegated
    const ms = h.csr(CSR_MSTATUS);
    const from = Number((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    h.setCsr(CSR_SEPC, h.csr(CSR_MEPC));
    h.setCsr(CSR_SCAUSE, cause);
    h.setCsr(CSR_STVAL, insn);
    let ns = ms & ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_MPP);
    if (from === PRV_S) ns |= MSTATUS_SPP;
    if (ms & MSTATUS_SIE) ns |= MSTATUS_SPIE;
    ns |= BigInt(PRV_S) << MSTATUS_MPP_SHIFT;
    h.setCsr(CSR_MSTATUS, ns);
    h.setCsr(CSR_MEPC, h.csr(CSR_STVEC) & ~3n);
    this.redirects++;
    h.hostMret();
    return 'redirected';
  }

  /** Is the hart in M-mode, i.e. inside a firmware trap the host has not finished? */
  inFirmware(h: Hart): boolean { return this.profile.timeCsr === 'firmware' && h.priv === PRV_M; }

  /** A system call's entry and exit work that our trap entry (entry.S) does not execute as instructions. */
  chargeSyscallEntry(h: Hart): void { this.charge(h, this.entryCharge); }
  /** The work of the system call itself. */
  chargeSyscall(h: Hart, name: string, args: readonly bigint[], ret: bigint): void {
    this.charge(h, syscallWorkCycles(this.profile, name, args, ret));
  }
  chargeTick(h: Hart): void { this.charge(h, tickCycles(this.profile)); }
  chargePageFault(h: Hart): void { this.charge(h, PAGE_FAULT_CYCLES); }

  private charge(h: Hart, cycles: number): void {
    if (cycles <= 0) return;
    h.charge(cycles);
    this.chargedCycles += cycles;
  }
}
