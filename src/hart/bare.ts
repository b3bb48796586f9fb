// Bare-metal mode: load an image at its physical addresses, start in M-mode at its entry, and run until the
// program reports through HTIF (`tohost`, the convention of Spike and riscv-tests: exit code = tohost >> 1,
// console output through device 1 command 1) or the SiFive test finisher, as QEMU's virt machine has.
//
// Programs without a `tohost` symbol are treated as Linux user programs of the simplest kind (the benchmark):
// their ecalls are served by a tiny proxy (write to fd 1/2, exit, exit_group), the way riscv-pk proxies
// syscalls for Spike. Everything else is the kernel model's job (src/kernel/).
import { Hart, type Exit } from './hart';
import { causeName } from '../isa/csrs';
import {
  CSR_MSTATUS, CSR_MEPC, CSR_SEPC, CSR_MTVEC, CSR_STVEC, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPIE_SHIFT, MSTATUS_MIE_SHIFT,
  MSTATUS_MPP, MSTATUS_MPP_SHIFT, MTVEC_MODE, CAUSE_MACHINE_ECALL, CAUSE_FETCH_ACCESS, CAUSE_FETCH_PAGE, PRV_M,
} from '../isa/encoding.generated';

export interface BareSegment { paddr: bigint; data: Uint8Array; memsz: bigint; }
export interface BareImage { entry: bigint; segments: BareSegment[]; tohost?: bigint; }

export interface BareResult {
  exitCode: number;
  instructions: bigint;
  reason: 'htif' | 'exit' | 'budget' | 'wfi' | 'trap';
  /** Set when the run ended on something other than a clean report (e.g. an unexpected trap). */
  message?: string;
}

export interface BareRunOptions {
  maxInstructions?: bigint;
  stdout?: (bytes: Uint8Array) => void;
  stderr?: (bytes: Uint8Array) => void;
}

export function loadBare(hart: Hart, image: BareImage): void {
  for (const s of image.segments) {
    if (!hart.isRam(s.paddr, Number(s.memsz))) {
      throw new Error(`segment at physical 0x${s.paddr.toString(16)} (+0x${s.memsz.toString(16)}) is outside RAM`);
    }
    hart.writePhys(s.paddr, s.data);
    if (s.memsz > BigInt(s.data.length)) hart.fillPhys(s.paddr + BigInt(s.data.length), Number(s.memsz) - s.data.length, 0);
  }
  hart.pc = image.entry;
  if (image.tohost !== undefined) hart.setTohost(image.tohost);
}

const SYS_WRITE = 64n;
const SYS_EXIT = 93n;
const SYS_EXIT_GROUP = 94n;
const ENOSYS = BigInt.asUintN(64, -38n);
/** Exceptions that can start an endless trap loop: the handler itself cannot be fetched. */
const FETCH_FAULTS = (1n << BigInt(CAUSE_FETCH_ACCESS)) | (1n << BigInt(CAUSE_FETCH_PAGE));

/** Why a BareMachine.run call returned. 'hart': an exit the machine does not handle (breakpoint, watch, a trap stop the caller asked for...). */
export type BareStop =
  | { kind: 'budget' }
  | { kind: 'exited'; code: number; reason: 'htif' | 'exit' | 'trap' | 'wfi'; message?: string }
  | { kind: 'hart'; exit: Exit };

export interface BareIo {
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
}

/**
 * The bare-metal machine around a hart: HTIF (`tohost` exit codes and console), the syscall proxy for programs
 * without `tohost`, and the report of a trap whose handler cannot be fetched. One implementation for the CLI
 * (`run --bare`), the bench, the tests and the debugger's bare target.
 *
 * Traps run at full speed inside the core: the machine asks to stop only after instruction fetch faults
 * (and ecalls from M for the proxy). A fetch fault whose pc is the trap vector itself means the handler
 * cannot be fetched, which would repeat forever: the run ends with a report. Vectors are virtual addresses
 * whenever translation is on (stvec with Sv39), and they are checked as the hart fetches them.
 */
export class BareMachine {
  readonly proxy: boolean;
  private userExc = 0n;
  private userIrq = 0n;

  constructor(readonly hart: Hart, image: BareImage, private readonly io: BareIo) {
    loadBare(hart, image);
    this.proxy = image.tohost === undefined;
    this.applyTrapStops();
  }

  /** Exceptions / interrupts (bit masks by cause) the caller wants to see as 'hart' stops. */
  setTrapStops(exceptions: bigint, interrupts: bigint): void {
    this.userExc = exceptions;
    this.userIrq = interrupts;
    this.applyTrapStops();
  }
  private applyTrapStops(): void {
    const proxy = this.proxy ? 1n << BigInt(CAUSE_MACHINE_ECALL) : 0n;
    this.hart.setTrapStops(this.userExc | proxy | FETCH_FAULTS, this.userIrq);
  }

  /** Run at most `budget` instructions (up to 2^31 - 1). */
  run(budget: number): BareStop {
    const hart = this.hart;
    let left = budget;
    for (;;) {
      const e = hart.run(left);
      left -= e.steps;
      const more = (): boolean => left > 0;
      if (e.kind === 'budget') return { kind: 'budget' };
      if (e.kind === 'htif') {
        const v = e.value!;
        if (v >> 48n === 0x0101n) {
          // console putchar: print, acknowledge, go on
          this.io.stdout(new Uint8Array([Number(v & 0xffn)]));
          hart.writePhys64(hart.tohost, 0n);
          if (more()) continue;
          return { kind: 'budget' };
        }
        const code = Number((v >> 1n) & 0xffffn);
        return { kind: 'exited', code, reason: 'htif', message: code === 0 ? undefined : `the program reported failure ${code} through tohost` };
      }
      if (e.kind === 'wfi') return { kind: 'exited', code: 125, reason: 'wfi', message: 'wfi with no interrupt that could ever wake the hart' };
      if (e.kind !== 'trap' || !e.trap || e.trap.interrupt) return { kind: 'hart', exit: e };
      const bit = 1n << BigInt(e.trap.code);
      if (this.userExc & bit) return { kind: 'hart', exit: e };
      if (e.trap.code === CAUSE_MACHINE_ECALL && this.proxy) {
        const r = this.serveSyscall();
        if (r) return r;
      } else if (FETCH_FAULTS & bit) {
        const toM = e.trap.toPriv === PRV_M;
        const tvec = hart.csr(toM ? CSR_MTVEC : CSR_STVEC);
        const base = tvec & ~MTVEC_MODE;
        const epc = hart.csr(toM ? CSR_MEPC : CSR_SEPC);
        // direct mode: the handler is at base; vectored: interrupts enter at base + 4 * cause
        const span = (tvec & MTVEC_MODE) === 1n ? 4n * 64n : 4n;
        if (epc >= base && epc - base < span) {
          return {
            kind: 'exited', code: 127, reason: 'trap',
            message: `unhandled trap: the trap handler cannot be fetched (${toM ? 'mtvec' : 'stvec'} = 0x${base.toString(16)}): ${causeName(e.trap.cause)} (cause ${e.trap.code}) at pc 0x${epc.toString(16)}, tval 0x${e.trap.tval.toString(16)}`,
          };
        }
      } else {
        return { kind: 'hart', exit: e };
      }
      if (!more()) return { kind: 'budget' };
    }
  }

  /** The proxy's system calls (write to fd 1/2, exit, exit_group); undefined when the program goes on. */
  private serveSyscall(): BareStop | undefined {
    const hart = this.hart;
    // undo the trap: the proxy serves the call and returns to the instruction after the ecall
    const epc = hart.csr(CSR_MEPC);
    const nr = hart.x(17);
    const a0 = hart.x(10), a1 = hart.x(11), a2 = hart.x(12);
    if (nr === SYS_EXIT || nr === SYS_EXIT_GROUP) return { kind: 'exited', code: Number(a0 & 0xffn), reason: 'exit' };
    let ret = ENOSYS;
    if (nr === SYS_WRITE && (a0 === 1n || a0 === 2n) && hart.isRam(a1, Number(a2))) {
      (a0 === 1n ? this.io.stdout : this.io.stderr).call(this.io, hart.readPhys(a1, Number(a2)));
      ret = a2;
    }
    hart.setX(10, ret);
    // restore the status stack as mret would, then continue after the ecall
    const ms = hart.csr(CSR_MSTATUS);
    const mpie = (ms & MSTATUS_MPIE) >> MSTATUS_MPIE_SHIFT;
    hart.setCsr(CSR_MSTATUS, (ms & ~MSTATUS_MIE) | (mpie << MSTATUS_MIE_SHIFT) | MSTATUS_MPIE);
    hart.priv = Number((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    hart.pc = epc + 4n;
    return undefined;
  }
}

/** Load and run a bare-metal image to its end (or `maxInstructions`, default 10^10). */
export function runBare(hart: Hart, image: BareImage, opts: BareRunOptions = {}): BareResult {
  const machine = new BareMachine(hart, image, {
    stdout: opts.stdout ?? ((b) => process.stdout.write(b)),
    stderr: opts.stderr ?? ((b) => process.stderr.write(b)),
  });
  const max = opts.maxInstructions ?? 10_000_000_000n;
  const start = hart.cycles;
  for (;;) {
    const left = max - (hart.cycles - start);
    if (left <= 0n) return { exitCode: 124, instructions: hart.cycles - start, reason: 'budget', message: 'instruction limit reached' };
    const r = machine.run(Number(left > 100_000_000n ? 100_000_000n : left));
    const instructions = hart.cycles - start;
    if (r.kind === 'budget') continue;
    if (r.kind === 'exited') {
      // a clean HTIF report carries no message; a failure code does, for the caller to print
      return { exitCode: r.code, instructions, reason: r.reason, message: r.reason === 'htif' ? undefined : r.message };
    }
    if (r.exit.kind === 'halt') continue;
    return { exitCode: 126, instructions, reason: 'trap', message: `stopped: ${r.exit.kind} at pc 0x${r.exit.pc.toString(16)}` };
  }
}
