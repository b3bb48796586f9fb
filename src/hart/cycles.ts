// The cycle model of the emulated machine, in one place: what each instruction class costs, what a trap and an
// xRET cost, the two board profiles (how the `time` CSR is read, the core clock, the calibration of the kernel's
// trap path), and what the kernel model charges for the work it does on the host on the guest's behalf.
// docs/time.md explains the model and lists the sources; the figures below cite them by the numbers in [].
//
// How it is used: the decoder stores each instruction's cost in its decode-cache entry (the core's decoder,
// src/hart/core/decode.ts, from tables scripts/gen-decoder.ts generates), the
// block translator sums the costs of a block at translation time, and the core adds them to its cycle count
// (MISC_CLOCK), from which the `cycle` CSR and virtual time derive (time = cycles / cyclesPerTick). Nothing is
// looked up per instruction at run time. A taken branch or jump adds TAKEN_EXTRA on top of its class cost.
//
// Sources
//  [1] LLVM, RISCVSchedSiFive7.td: the scheduling model of SiFive's 7 series (U74): load latency 3, integer
//      multiply 3, divide 16 (unit busy 15), FP add/mul/fma 5 (single) and 7 (double), FP divide/sqrt 27
//      (single) and 56 (double), FP conversions and sign injection 3, FP loads 2, branch mispredict 3.
//  [2] SiFive E31 Core Complex Manual, "Execution Pipeline": CSR reads have a three-cycle result latency;
//      correctly predicted control flow has no penalty, mispredicted control flow costs 3 cycles.
//  [3] Linux commit 5d5fc33ce58e "riscv: Improve exception and system call latency" (A. Blanchard, 2024):
//      null system call latency, VisionFive 2 (JH7110, U74 at 1.5 GHz) 189.87 ns before / 176.76 ns after;
//      Lichee Pi 4A (TH1520, C910) 666.58 / 636.90 ns.
//  [4] SiFive cores trap `rdtime` to M-mode, where the firmware emulates it (J. Wilson, riscvarchive/riscv-qemu
//      issue 186; OpenSBI sbi_emulate_csr_read); seL4 PR 863 measured ~2 us between two time reads on a 1 GHz
//      SiFive board for this reason; OpenSBI issue 330 calls the emulated rdtime's overhead "huge". We model
//      ~1 us per emulated read (the figure of issue 14).

/** Cycles charged on top of its class cost when an instruction transfers control (taken branch, jump). */
export const TAKEN_EXTRA = 1;
/** Cycles of taking a trap (exception or interrupt): a pipeline flush, like a mispredict [1][2]. */
export const TRAP_CYCLES = 3;
/** Cycles of mret/sret beyond their issue cycle (charged by the core's xRET): a pipeline flush [1][2]. */
export const XRET_CYCLES = 3;

/**
 * Cycles charged when an instruction of this mnemonic retires (compressed forms: pass the base mnemonic).
 * Pipelined operations with result latency L cost 1 + floor((L - 1) / 2): an in-order dual-issue core hides
 * about half of a latency behind independent work (our assumption, stated in docs/time.md); operations that
 * block their unit (divide, square root) cost their whole latency.
 */
export function instructionCycles(name: string): number {
  const pipelined = (latency: number) => 1 + Math.floor((latency - 1) / 2);
  if (/^(lb|lh|lw|ld|lbu|lhu|lwu)$/.test(name)) return pipelined(3);          // [1] LoadLatency 3
  if (/^(sb|sh|sw|sd|fsw|fsd)$/.test(name)) return 1;
  if (/^(flw|fld)$/.test(name)) return pipelined(2);                           // [1] FP loads 2
  if (/^mul/.test(name)) return pipelined(3);                                  // [1] IMul 3
  if (/^(div|divu|rem|remu)w?$/.test(name)) return 16;                         // [1] IDiv 16, unit busy 15
  if (/^f(div|sqrt)\.s$/.test(name)) return 27;                               // [1]
  if (/^f(div|sqrt)\.d$/.test(name)) return 56;                               // [1]
  if (/^f(add|sub|mul|madd|msub|nmadd|nmsub)\.s$/.test(name)) return pipelined(5); // [1]
  if (/^f(add|sub|mul|madd|msub|nmadd|nmsub)\.d$/.test(name)) return pipelined(7); // [1]
  if (/^f(sgnj|sgnjn|sgnjx|min|max)\.[sd]$/.test(name) || /^fcvt\./.test(name)) return pipelined(3); // [1]
  if (/^csrr/.test(name)) return 3;                                            // [2] CSR result latency 3
  if (/^(lr|sc|amo)/.test(name)) return 3;                                     // [1] atomics latency 3, not overlapped
  if (name === 'fence.i' || name === 'sfence.vma') return 5;                   // pipeline + cache/TLB flush (assumed)
  return 1;                                                                    // ALU, branches (+TAKEN_EXTRA), fence, ecall
}

/** How the `time` CSR is read on the modelled board. */
export type TimeCsr = 'hardware' | 'firmware';

export interface BoardProfile {
  timeCsr: TimeCsr;
  /** What the profile stands for. */
  description: string;
  /** Core clock in Hz (with the 10 MHz timebase: cycles per `time` tick = coreHz / 10 MHz). */
  coreHz: number;
  /** Measured null system call round trip on the board this profile calibrates against, in ns [3]. */
  nullSyscallNs: number;
  /** Where nullSyscallNs comes from. */
  nullSyscallSource: string;
  /** One read of `time` from U- or S-mode, in ns, when it is not a plain CSR read (firmware emulation) [4]. */
  rdtimeEmulationNs: number;
}

export const BOARD_PROFILES: Record<TimeCsr, BoardProfile> = {
  hardware: {
    timeCsr: 'hardware',
    description: 'rdtime reads a hardware counter in a few cycles (T-Head C906/C910 class); 1 GHz core',
    coreHz: 1_000_000_000,
    nullSyscallNs: 650,
    nullSyscallSource: 'null system call 636.90-666.58 ns on a Lichee Pi 4A (T-Head C910), Linux commit 5d5fc33ce58e',
    rdtimeEmulationNs: 0,
  },
  firmware: {
    timeCsr: 'firmware',
    description: 'rdtime traps to M-mode firmware that emulates it, ~1 us (SiFive U74 class); 1.5 GHz core',
    coreHz: 1_500_000_000,
    nullSyscallNs: 183,
    nullSyscallSource: 'null system call 176.76-189.87 ns on a VisionFive 2 (SiFive U74, 1.5 GHz), Linux commit 5d5fc33ce58e',
    rdtimeEmulationNs: 1000,
  },
};

/** Nanoseconds to cycles of a profile's core clock. */
export function nsToCycles(p: BoardProfile, ns: number): number { return Math.round((ns * p.coreHz) / 1e9); }

// ---- work the kernel model does on the host, charged to the guest ----------------------------------------------

/**
 * The cycles our guest-side trap path (entry.S: handle_exception's save, the hypercall, ret_from_exception's
 * restore, sret) and the user-side ecall take in this model for one null system call, measured with
 * the getppid loop of test/fixtures/linux/src/timecost.c (uncharged). The host charges the rest of the board's null system call.
 */
export const ENTRY_PATH_CYCLES = 179;

export interface SyscallCost {
  /** Cycles of the call's own work beyond a null system call (the C code of the handler). */
  base: number;
  /** Cycles per byte moved between user and kernel (copy_to/from_user), taken from the result or an argument. */
  perByte?: number;
  /** Which value counts the bytes: the return value (bytes done) or argument i. */
  bytes?: 'ret' | number;
  /** Cycles per 4 KiB page of a length argument i (mapping, unmapping, protection changes). */
  perPage?: number;
  pages?: number;
  /** The call reads the clocksource once (ktime_get): in firmware-time that read is an emulated rdtime too. */
  readsClock?: boolean;
}

/**
 * Work of a system call beyond the null round trip, in cycles. Estimates from the length of Linux's C paths
 * (our assumption, docs/time.md), except where a source is named; copy costs assume 8 bytes per cycle.
 */
export const SYSCALL_COSTS: Record<string, SyscallCost> = {
  getpid: { base: 0 }, getppid: { base: 0 }, gettid: { base: 0 }, getuid: { base: 0 }, geteuid: { base: 0 },
  getgid: { base: 0 }, getegid: { base: 0 },
  // do_clock_gettime -> ktime_get_ts64 (seqcount, clocksource read, mult/shift) -> put_timespec64 (16 bytes)
  clock_gettime: { base: 90, readsClock: true },
  gettimeofday: { base: 100, readsClock: true },
  clock_getres: { base: 40 },
  clock_nanosleep: { base: 400, readsClock: true },
  nanosleep: { base: 400, readsClock: true },
  read: { base: 300, perByte: 0.125, bytes: 'ret' },
  write: { base: 300, perByte: 0.125, bytes: 'ret' },
  pread64: { base: 300, perByte: 0.125, bytes: 'ret' },
  pwrite64: { base: 300, perByte: 0.125, bytes: 'ret' },
  readv: { base: 400, perByte: 0.125, bytes: 'ret' },
  writev: { base: 400, perByte: 0.125, bytes: 'ret' },
  openat: { base: 1500 }, close: { base: 200 }, fstat: { base: 300 }, newfstatat: { base: 800 }, lseek: { base: 100 },
  mmap: { base: 1200, perPage: 20, pages: 1 }, munmap: { base: 1000, perPage: 60, pages: 1 },
  mprotect: { base: 800, perPage: 30, pages: 1 }, brk: { base: 600 },
  rt_sigaction: { base: 150 }, rt_sigprocmask: { base: 100 }, rt_sigreturn: { base: 400 },
  getrandom: { base: 200, perByte: 2, bytes: 'ret' },
};
/** Any system call not in the table. */
export const DEFAULT_SYSCALL_COST: SyscallCost = { base: 300 };

const TWO_32 = 1n << 32n, TWO_40 = 1n << 40n;

/** Cycles of a system call's work (beyond the null round trip) on a profile. */
export function syscallWorkCycles(p: BoardProfile, name: string, args: readonly bigint[], ret: bigint): number {
  const c = SYSCALL_COSTS[name] ?? DEFAULT_SYSCALL_COST;
  let cycles = c.base;
  if (c.perByte && c.bytes !== undefined) {
    const n = c.bytes === 'ret' ? BigInt.asIntN(64, ret) : args[c.bytes];
    if (n > 0n) cycles += Number(n < TWO_32 ? n : TWO_32) * c.perByte;
  }
  if (c.perPage && c.pages !== undefined) {
    const len = args[c.pages];
    if (len > 0n) cycles += Number(((len < TWO_40 ? len : TWO_40) + 4095n) / 4096n) * c.perPage;
  }
  if (c.readsClock) cycles += nsToCycles(p, p.rdtimeEmulationNs);
  return Math.round(cycles);
}

/** The part of a null system call the host charges (the board's measured round trip less our entry path). */
export function syscallEntryCharge(p: BoardProfile): number {
  return Math.max(0, nsToCycles(p, p.nullSyscallNs) - ENTRY_PATH_CYCLES);
}

/**
 * A page fault served by the kernel model (handle_mm_fault: find the VMA, allocate, clear or copy the page,
 * set the PTE): assumed ~1,500 cycles plus 512 to clear or fill the 4 KiB page at 8 bytes per cycle.
 */
export const PAGE_FAULT_CYCLES = 2000;
/** A timer tick (update_process_times, timekeeping_advance, update_vsyscall): assumed ~800 cycles + a clock read. */
export function tickCycles(p: BoardProfile): number { return 800 + nsToCycles(p, p.rdtimeEmulationNs); }
/** The firmware's emulation of one rdtime beyond the core's trap entry and mret (which the core charges). */
export function firmwareRdtimeCycles(p: BoardProfile): number {
  return Math.max(0, nsToCycles(p, p.rdtimeEmulationNs) - TRAP_CYCLES - XRET_CYCLES);
}
