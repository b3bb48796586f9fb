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
  MSTATUS_MPP, MSTATUS_MPP_SHIFT, MTVEC_MODE, CAUSE_MACHINE_ECALL, PRV_M,
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

export function runBare(hart: Hart, image: BareImage, opts: BareRunOptions = {}): BareResult {
  loadBare(hart, image);
  const proxy = image.tohost === undefined;
  // Stop on every exception: a trap whose handler is not in RAM (mtvec unset) would loop forever on fetch
  // faults, so it ends the run with a report instead; other traps just continue.
  hart.setTrapStops((1n << 16n) - 1n, 0n);
  const max = opts.maxInstructions ?? 10_000_000_000n;
  const stdout = opts.stdout ?? ((b) => process.stdout.write(b));
  const stderr = opts.stderr ?? ((b) => process.stderr.write(b));
  const start = hart.cycles;
  for (;;) {
    const left = max - (hart.cycles - start);
    if (left <= 0n) return { exitCode: 124, instructions: hart.cycles - start, reason: 'budget', message: 'instruction limit reached' };
    const e: Exit = hart.run(Number(left > 100_000_000n ? 100_000_000n : left));
    const done = (r: Omit<BareResult, 'instructions'>): BareResult => ({ ...r, instructions: hart.cycles - start });
    if (e.kind === 'budget' || e.kind === 'halt') continue;
    if (e.kind === 'htif') {
      const v = e.value!;
      if (v >> 48n === 0x0101n) {
        // console putchar: print, acknowledge, go on
        stdout(new Uint8Array([Number(v & 0xffn)]));
        hart.writePhys64(hart.tohost, 0n);
        continue;
      }
      return done({ exitCode: Number((v >> 1n) & 0xffffn), reason: 'htif' });
    }
    if (e.kind === 'trap' && proxy && e.trap?.code === CAUSE_MACHINE_ECALL && !e.trap.interrupt) {
      // undo the trap: the proxy serves the call and returns to the instruction after the ecall
      const epc = hart.csr(CSR_MEPC);
      const nr = hart.x(17);
      const a0 = hart.x(10), a1 = hart.x(11), a2 = hart.x(12);
      if (nr === SYS_EXIT || nr === SYS_EXIT_GROUP) return done({ exitCode: Number(a0 & 0xffn), reason: 'exit' });
      let ret: bigint;
      if (nr === SYS_WRITE && (a0 === 1n || a0 === 2n) && hart.isRam(a1, Number(a2))) {
        (a0 === 1n ? stdout : stderr)(hart.readPhys(a1, Number(a2)));
        ret = a2;
      } else {
        ret = BigInt.asUintN(64, -38n); // -ENOSYS
      }
      hart.setX(10, ret);
      // restore the status stack as mret would, then continue after the ecall
      const ms = hart.csr(CSR_MSTATUS);
      const mpie = (ms & MSTATUS_MPIE) >> MSTATUS_MPIE_SHIFT;
      hart.setCsr(CSR_MSTATUS, (ms & ~MSTATUS_MIE) | (mpie << MSTATUS_MIE_SHIFT) | MSTATUS_MPIE);
      hart.priv = Number((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
      hart.pc = epc + 4n;
      continue;
    }
    if (e.kind === 'trap' && e.trap && !e.trap.interrupt) {
      const vector = hart.csr(e.trap.toPriv === PRV_M ? CSR_MTVEC : CSR_STVEC) & ~MTVEC_MODE;
      if (hart.isRam(vector, 4)) continue;
      const epc = hart.csr(e.trap.toPriv === PRV_M ? CSR_MEPC : CSR_SEPC);
      return done({
        exitCode: 127, reason: 'trap',
        message: `unhandled trap: ${causeName(e.trap.cause)} (cause ${e.trap.code}) at pc 0x${epc.toString(16)}, tval 0x${e.trap.tval.toString(16)}; no trap handler (${e.trap.toPriv === PRV_M ? 'mtvec' : 'stvec'} = 0x${vector.toString(16)})`,
      });
    }
    if (e.kind === 'wfi') return done({ exitCode: 125, reason: 'wfi', message: 'wfi with no interrupt that could ever wake the hart' });
    return done({ exitCode: 126, reason: 'trap', message: `stopped: ${e.kind} at pc 0x${e.pc.toString(16)}` });
  }
}
