// The hart as the rest of the project sees it: a TypeScript class over the wasm execution core
// (src/hart/core/, built to hart.wasm). Registers, CSRs and RAM are read through views of the core's memory,
// without copies. This file is not on the hot path: BigInt is fine here.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as L from './layout';
import { decode } from '../isa/decode';
import type { Decoded } from '../isa/types';
import { INSNS } from '../isa/instructions';
import { Jit, type JitStats } from './jit/jit';
import { writeBreakpointFilter } from './bpfilter';
import { instructionCycles, TRAP_CYCLES, XRET_CYCLES } from './cycles';

/** Ops whose integer rd is written: a write to x0 is sent to the unused slot 32 instead (see fillDecodeEntry). */
const WRITES_X = INSNS.map((d) => d.operands.includes('rd'));
/** Each op's cycles (src/hart/cycles.ts), stored in its decode entries: compressed forms cost their base's. */
const OP_CYCLES = INSNS.map((d) => instructionCycles(d.expandsTo ?? d.name));

export { PRV_U, PRV_S, PRV_M } from '../isa/encoding.generated';
import { CSR_MIP, MCAUSE_INTERRUPT, MCAUSE_CODE, PAGE_SHIFT, PRV_M, CSR_SATP, SATP_MODE, SATP_MODE_SHIFT, SATP_MODE_SV39, SATP_PPN,
  SV39_LEVELS, SV39_VPN_BITS, PTE_V, PTE_R, PTE_W, PTE_X, PTE_PPN, PTE_PPN_SHIFT } from '../isa/encoding.generated';

export type ExitKind = 'budget' | 'breakpoint' | 'watch' | 'trap' | 'htif' | 'sbi' | 'wfi' | 'priv' | 'halt' | 'firmware';
/** The kind of each EXIT_* code the core returns (src/hart/layout.ts). */
const EXIT_KINDS: ReadonlyMap<number, ExitKind> = new Map([
  [L.EXIT_BUDGET, 'budget'], [L.EXIT_BREAKPOINT, 'breakpoint'], [L.EXIT_WATCH, 'watch'], [L.EXIT_TRAP, 'trap'],
  [L.EXIT_HTIF, 'htif'], [L.EXIT_SBI, 'sbi'], [L.EXIT_WFI, 'wfi'], [L.EXIT_PRIV, 'priv'], [L.EXIT_HALT, 'halt'],
  [L.EXIT_FIRMWARE, 'firmware'],
]);

export interface TrapInfo { cause: bigint; interrupt: boolean; code: number; tval: bigint; fromPriv: number; toPriv: number; }
export interface WatchHit {
  pc: bigint;
  /** The accessed address: virtual, or physical when a physical watch range was hit. */
  address: bigint;
  size: number;
  kind: 'read' | 'write';
  oldValue: bigint;
  newValue: bigint;
  /** A physical watch range was hit (addWatch with physical = true). */
  physical: boolean;
}
export interface Exit {
  kind: ExitKind;
  /** Instructions started during the run call (retired or trapped). */
  steps: number;
  trap?: TrapInfo;
  watch?: WatchHit;
  /** htif: the value written to tohost (or the finisher's translation); breakpoint/trap: the pc. */
  value?: bigint;
  pc: bigint;
}

/**
 * The platform's devices (src/hart/virt/): the core calls this for a physical address that is neither RAM nor
 * one of the core's own devices (CLINT, test finisher). A load returns the value; a store returns anything.
 * `undefined` means no device is there (the access faults).
 */
export interface MmioHandler {
  load(pa: bigint, size: number): bigint | undefined;
  store(pa: bigint, size: number, value: bigint): boolean;
}

export interface HartOptions {
  /** Guest RAM in bytes (a multiple of 64 KiB; at most 1 GiB). Host memory follows what the guest touches. */
  ramBytes?: number;
  /** 'virtual': time follows retired instructions (reproducible); 'host': time follows the host's clock. */
  timeMode?: 'virtual' | 'host';
  /**
   * Virtual time: one `time` tick per this many core cycles (src/hart/cycles.ts; default 100: a 1 GHz core on a
   * 10 MHz timebase).
   */
  cyclesPerTick?: number;
  /** Timebase frequency in Hz (default 10 MHz, like QEMU's virt machine). */
  timebaseHz?: number;
  /**
   * Translate hot blocks of guest code to WebAssembly (src/hart/jit/). Same architectural behaviour, faster.
   * Default: on, unless the environment variable RISCV_VDSO_JIT is 0.
   */
  jit?: boolean;
  /**
   * Entries of a block head before the translator compiles it. Default JIT_THRESHOLD: compiling a block costs
   * ~0.5 ms (V8 compiles the module lazily at its first instantiation), which a block repays only after
   * thousands of runs; a low threshold makes short programs spend more time translating than running
   * (docs/performance.md). Tests of the translator use small values so that short programs exercise it.
   * The environment variable RISCV_VDSO_JIT_THRESHOLD sets the default (e.g. 1 to run riscv-tests translated).
   */
  jitThreshold?: number;
}

/** Default HartOptions.jitThreshold (docs/performance.md: bzip2, lua, sqlite3 measured at 32 to 4096). */
export const JIT_THRESHOLD = 1024;

interface CoreExports {
  memory: WebAssembly.Memory;
  init(ramBytes: number): number;
  reset(): void;
  run(budget: number): number;
  flushDecode(): void;
  flushTlbs(): void;
  debugCsrRead(a: number): bigint;
  debugCsrWrite(a: number, v: bigint): void;
  debugTranslateVa(va: bigint, acc: number): bigint;
  currentTime(): bigint;
  setTime(v: bigint): void;
  setJit(on: number): void;
  setJitThreshold(entries: number): void;
  hostMret(): void;
  staticEnd(): number;
  decodeScratch(bits: number): number;
}

/** A 1 GHz core on the 10 MHz timebase. */
export const DEFAULT_CYCLES_PER_TICK = 100;

const MASK64 = (1n << 64n) - 1n;
const PAGE_SIZE = 1 << Number(PAGE_SHIFT);
/** A bound on RAM offsets: any physical address this far past RAM_BASE is outside RAM (keeps Number() exact). */
const RAM_SPAN = 1n << 40n;
const PAGE_MASK = BigInt(PAGE_SIZE - 1);
/** Guest physical address of the first byte of RAM. */
export const RAM_BASE = BigInt(L.RAM_BASE);

let cachedModule: WebAssembly.Module | undefined;

/**
 * Milliseconds of the host's monotonic clock (time mode 'host'). process.hrtime where there is a process: the
 * `performance` global loads node's perf_hooks on first use, a few ms of every run's start-up.
 */
const hostNowMs: () => number = typeof process !== 'undefined' && typeof process.hrtime?.bigint === 'function'
  ? () => Number(process.hrtime.bigint()) / 1e6
  : () => performance.now();

/** Where the built core is: beside the bundle (dist/) or in build/core/ when running from sources. */
export function coreWasmPath(): string {
  const candidates = [join(__dirname, 'hart.wasm'), join(__dirname, '..', '..', 'build', 'core', 'hart.wasm'), join(__dirname, '..', 'build', 'core', 'hart.wasm')];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`the execution core hart.wasm was not found (looked in ${candidates.join(', ')}): run npm run build`);
}

/**
 * The decode-cache entry (src/hart/layout.ts DEC_*) the host's table-driven decoder (src/isa/decode.ts) makes of
 * `bits`, written at `entry`: the reference for the core's own decoder (src/hart/core/decode.ts, which filled
 * entries through this function before it decoded by itself); test/hart/decoder.test.ts compares the two.
 */
export function fillDecodeEntry(dv: DataView, entry: number, bits: number): void {
  const d = decode(bits >>> 0);
  dv.setInt32(entry + L.DEC_IMM, d.op < 0 ? 0 : d.imm | 0, true);
  dv.setUint8(entry + L.DEC_OP, d.op + 1);
  dv.setUint8(entry + L.DEC_CYCLES, d.op < 0 ? 1 : OP_CYCLES[d.op]);
  // x0 stays zero without a per-instruction check: writes to it go to the scratch slot x32
  dv.setUint8(entry + L.DEC_RD, d.rd === 0 && d.op >= 0 && WRITES_X[d.op] ? 32 : d.rd);
  dv.setUint8(entry + L.DEC_RS1, d.rs1);
  dv.setUint8(entry + L.DEC_RS2, d.rs2);
  dv.setUint8(entry + L.DEC_RS3, d.rs3);
  dv.setUint8(entry + L.DEC_RM, d.rm);
  dv.setUint8(entry + L.DEC_LEN, d.op < 0 ? ((bits & 3) === 3 ? 4 : 2) : d.length);
}

export class Hart {
  private readonly core: CoreExports;
  private u8!: Uint8Array;
  private dv!: DataView;
  private x64!: BigUint64Array;
  readonly ramBytes: number;
  /** RAM_BASE + ramBytes. */
  private readonly ramEnd: bigint;
  readonly timebaseHz: number;
  private readonly breakpoints = new Set<bigint>();
  /** Breakpoints on physical addresses: every virtual alias of the instruction stops (e.g. the vDSO in each process). */
  private readonly physBreakpoints = new Set<bigint>();
  private watches: { start: bigint; end: bigint; kind: number; physical?: boolean }[] = [];
  private hostTimeOrigin = 0;
  private hostTimeBase = 0n;
  private readonly jitCompiler: Jit;
  /** Whether hot blocks are translated to WebAssembly (HartOptions.jit). */
  readonly jit: boolean;

  constructor(opts: HartOptions = {}) {
    this.ramBytes = opts.ramBytes ?? 256 * 1024 * 1024;
    this.ramEnd = RAM_BASE + BigInt(this.ramBytes);
    this.timebaseHz = opts.timebaseHz ?? 10_000_000;
    if (this.ramBytes % 65536 !== 0 || this.ramBytes <= 0 || this.ramBytes > L.PAGEFLAGS_SIZE * PAGE_SIZE) {
      throw new Error(`ramBytes must be a positive multiple of 64 KiB up to 1 GiB (got ${this.ramBytes})`);
    }
    cachedModule ??= new WebAssembly.Module(readFileSync(coreWasmPath()));
    this.jit = opts.jit ?? (typeof process === 'undefined' || process.env.RISCV_VDSO_JIT !== '0');
    this.jitCompiler = new Jit(this.breakpoints, () => (this.physBreakpoints.size ? (h) => this.physBreakpoints.has(this.hostToPhys(h)) : undefined));
    const instance = new WebAssembly.Instance(cachedModule, {
      env: {
        breakpointAt: (pc: bigint, host: number) => (this.breakpointAt(pc, host) ? 1 : 0),
        jitCall: this.jitCompiler.call,
        jitCompile: (pc: bigint, host: number, entry: number) => this.jitCompiler.compile(pc, host, entry),
        hostTime: () => this.hostTime(),
        mmio: (pa: bigint, size: number, write: number, value: bigint) => this.mmioAccess(pa, size, write, value),
        abort: (_msg: number, _file: number, line: number, col: number) => {
          throw new Error(`execution core aborted at ${line}:${col}`);
        },
        // the core has no heap (src/hart/core/rt/none.ts); a build that allocates anyway stops here
        coreAllocated: (size: number) => {
          throw new Error(`the execution core tried to allocate ${size} bytes at run time (it must allocate nothing)`);
        },
      },
    });
    this.core = instance.exports as unknown as CoreExports;
    if (this.core.staticEnd() > L.STATE) {
      throw new Error(`the execution core's static data ends at 0x${this.core.staticEnd().toString(16)}, inside the hart state (0x${L.STATE.toString(16)})`);
    }
    if (!this.core.init(this.ramBytes)) throw new Error(`cannot allocate ${this.ramBytes} bytes of guest RAM`);
    this.jitCompiler.attach(this.core.memory);
    this.core.setJit(this.jit ? 1 : 0);
    const envThreshold = typeof process === 'undefined' ? NaN : Number(process.env.RISCV_VDSO_JIT_THRESHOLD);
    const threshold = opts.jitThreshold ?? (envThreshold >= 1 ? envThreshold : JIT_THRESHOLD);
    this.core.setJitThreshold(Math.max(1, Math.min(0xffffffff, Math.floor(threshold))));
    this.refreshViews();
    this.setCostParameters();
    this.setTimeMode(opts.timeMode ?? 'virtual', opts.cyclesPerTick ?? DEFAULT_CYCLES_PER_TICK);
  }

  /** The costs the core applies itself (trap entry, xRET), from src/hart/cycles.ts. */
  /**
   * The decode entry (bytes DEC_IMM..DEC_LEN, see ./layout.ts) the core's own decoder makes of `bits`, for
   * test/hart/decoder.test.ts.
   */
  coreDecodeEntry(bits: number): Uint8Array {
    const e = this.core.decodeScratch(bits >>> 0);
    return this.u8.slice(e + L.DEC_IMM, e + L.DEC_ENTRY);
  }

  private setCostParameters(): void {
    this.setMisc(L.MISC_COST_TRAP, BigInt(TRAP_CYCLES));
    this.setMisc(L.MISC_COST_XRET, BigInt(XRET_CYCLES));
  }

  private refreshViews(): void {
    const buf = this.core.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.dv = new DataView(buf);
    this.x64 = new BigUint64Array(buf, 0, L.STATE_END / 8);
  }

  /**
   * Whether the instruction at virtual `pc`, wasm address `host`, carries a breakpoint: asked by the core on a
   * decode-cache miss where its breakpoint filter (./bpfilter.ts) has a bit set; it then plants OP_BREAKPOINT.
   */
  private breakpointAt(pc: bigint, host: number): boolean {
    return (this.breakpoints.size > 0 && this.breakpoints.has(BigInt.asUintN(64, pc)))
      || (this.physBreakpoints.size > 0 && this.physBreakpoints.has(this.hostToPhys(host)));
  }

  private mmioHandler: MmioHandler | undefined;
  /** Set by setExternalInterrupts during a device access: the core re-checks interrupts after it. */
  private irqLinesChanged = false;

  /** Attach the platform's devices (undefined: none, every non-RAM address outside the core's devices faults). */
  setMmioHandler(h: MmioHandler | undefined): void { this.mmioHandler = h; }

  private mmioAccess(pa: bigint, size: number, write: number, value: bigint): number {
    const h = this.mmioHandler;
    if (!h) return 0;
    pa = BigInt.asUintN(64, pa);
    let handled: boolean;
    if (write) {
      handled = h.store(pa, size, BigInt.asUintN(64, value));
    } else {
      const v = h.load(pa, size);
      handled = v !== undefined;
      if (handled) this.dv.setBigUint64(L.MMIO_DATA, BigInt.asUintN(64, v!), true);
    }
    const irq = this.irqLinesChanged;
    this.irqLinesChanged = false;
    return (handled ? L.MMIO_HANDLED : 0) | (irq ? L.MMIO_IRQ : 0);
  }

  /**
   * Drive the external-interrupt lines of mip (MEIP, SEIP: the platform's interrupt controller). `mask` selects
   * the bits, `value` their levels. Callable between runs and from inside a device access.
   */
  setExternalInterrupts(mask: bigint, value: bigint): void {
    const off = L.CSRS + CSR_MIP * 8;
    const old = this.dv.getBigUint64(off, true);
    const nv = (old & ~mask) | (value & mask);
    if (nv !== old) {
      this.dv.setBigUint64(off, nv, true);
      this.irqLinesChanged = true;
    }
  }

  private hostTime(): number {
    const ns = (hostNowMs() - this.hostTimeOrigin) * 1e6;
    return Number(this.hostTimeBase) + Math.floor((ns * this.timebaseHz) / 1e9);
  }

  setTimeMode(mode: 'virtual' | 'host', cyclesPerTick = DEFAULT_CYCLES_PER_TICK): void {
    const now = this.core.currentTime();
    this.setMisc(L.MISC_TIME_DIV, BigInt(Math.max(1, Math.floor(cyclesPerTick))));
    this.setMisc(L.MISC_TIME_MODE, mode === 'host' ? 1n : 0n);
    this.hostTimeOrigin = hostNowMs();
    this.hostTimeBase = now;
    this.core.setTime(now);
  }

  // ---- state ---------------------------------------------------------------------------------------------

  private misc(i: number): bigint { return this.x64[(L.MISC >> 3) + i]; }
  private setMisc(i: number, v: bigint): void { this.x64[(L.MISC >> 3) + i] = v & MASK64; }

  /** The low 32 bits of MISC slot i, as a number (no BigInt: the per-system-call paths use these). */
  private miscLo(i: number): number { return this.dv.getUint32(L.MISC + i * 8, true); }
  /** Add n (0 <= n < 2^32) to MISC slot i modulo 2^64, in 32-bit halves. */
  private miscAdd(i: number, n: number): void {
    const off = L.MISC + i * 8;
    const lo = this.dv.getUint32(off, true) + n;
    this.dv.setUint32(off, lo >>> 0, true);
    if (lo > 0xffffffff) this.dv.setUint32(off + 4, (this.dv.getUint32(off + 4, true) + 1) >>> 0, true);
  }

  get pc(): bigint { return this.misc(L.MISC_PC); }
  set pc(v: bigint) { this.setMisc(L.MISC_PC, v); }
  /** pc += n (0 <= n < 2^32), e.g. past an ecall the host served. */
  advancePc(n: number): void { this.miscAdd(L.MISC_PC, n); }
  get priv(): number { return Number(this.misc(L.MISC_PRIV)); }
  set priv(v: number) { this.setMisc(L.MISC_PRIV, BigInt(v)); this.core.flushTlbs(); }
  /** Instructions started (budgets count these; the modelled cycles are `clock`). */
  get cycles(): bigint { return this.misc(L.MISC_CYCLES); }
  /**
   * Modelled core cycles (src/hart/cycles.ts): the `cycle` CSR without its offset; virtual time follows it.
   * Budgets and `cycles` count instructions, this counts what they (and the host's charges) cost.
   */
  get clock(): bigint { return this.misc(L.MISC_CLOCK); }
  /** Charge the guest for work the host did on its behalf (the kernel model's system calls, faults, ticks). */
  charge(cycles: number | bigint): void {
    if (typeof cycles === 'number' && cycles < 0x100000000) {
      // every system call charges: in 32-bit halves, no BigInt
      const c = Math.max(0, Math.round(cycles));
      if (c > 0 && c <= 0xffffffff) { this.miscAdd(L.MISC_CLOCK, c); return; }
    }
    const c = typeof cycles === 'bigint' ? cycles : BigInt(Math.max(0, Math.round(cycles)));
    if (c > 0n) this.setMisc(L.MISC_CLOCK, this.misc(L.MISC_CLOCK) + c);
  }
  /** Virtual time: core cycles per `time` tick. */
  get cyclesPerTick(): number { return Number(this.misc(L.MISC_TIME_DIV)); }
  /** mret as the host playing the M-mode firmware does it (after a 'firmware' exit). */
  hostMret(): void { this.core.hostMret(); }
  /** Instructions retired (cycles less those squashed by traps or spent asleep in wfi). */
  get instret(): bigint { return this.misc(L.MISC_CYCLES) - this.misc(L.MISC_SQUASHED); }
  get lastPriv(): number { return Number(this.misc(L.MISC_LAST_PRIV)); }

  /** Integer register x0..x31 as an unsigned 64-bit value. */
  x(i: number): bigint { return i === 0 ? 0n : this.x64[(L.XREG >> 3) + i]; }
  setX(i: number, v: bigint): void { if (i !== 0) this.x64[(L.XREG >> 3) + i] = v & MASK64; }
  /** x_i == v for a v below 2^32, read in 32-bit halves (no BigInt). */
  xIs(i: number, v: number): boolean {
    const off = L.XREG + i * 8;
    return i === 0 ? v === 0 : this.dv.getUint32(off + 4, true) === 0 && this.dv.getUint32(off, true) === v;
  }
  /** The low / high 32 bits of x_i, as numbers (no BigInt). */
  xLo(i: number): number { return i === 0 ? 0 : this.dv.getUint32(L.XREG + i * 8, true); }
  xHi(i: number): number { return i === 0 ? 0 : this.dv.getUint32(L.XREG + i * 8 + 4, true); }
  /** x_i = v for 0 <= v < 2^32 (no BigInt). */
  setXSmall(i: number, v: number): void {
    if (i === 0) return;
    const off = L.XREG + i * 8;
    this.dv.setUint32(off, v >>> 0, true);
    this.dv.setUint32(off + 4, 0, true);
  }
  /** Floating-point register f0..f31 as its raw 64-bit pattern. */
  f(i: number): bigint { return this.x64[(L.FREG >> 3) + i]; }
  setF(i: number, v: bigint): void { this.x64[(L.FREG >> 3) + i] = v & MASK64; }
  /** A CSR as the debugger sees it (no permission check, no side effects). */
  csr(addr: number): bigint { return BigInt.asUintN(64, this.core.debugCsrRead(addr)); }
  /** Write a CSR with its legal-value rules. */
  setCsr(addr: number, v: bigint): void { this.core.debugCsrWrite(addr, BigInt.asIntN(64, v)); }
  get time(): bigint { return BigInt.asUintN(64, this.core.currentTime()); }
  set time(v: bigint) { this.core.setTime(BigInt.asIntN(64, v)); }

  reset(): void { this.core.reset(); this.setCostParameters(); this.setTimeMode('virtual'); }

  // ---- run control ------------------------------------------------------------------------------------------

  /** Run at most `budget` instructions (up to 2^31 - 1). */
  run(budget: number): Exit {
    const code = this.runCode(budget);
    return this.exitOf(code, this.lastSteps);
  }

  /** Instructions started by the last runCode call. */
  lastSteps = 0;
  /**
   * run() without building the Exit: the core's EXIT_* code (src/hart/layout.ts), the steps in `lastSteps`.
   * The kernel model's loop takes a system call's hypercall (EXIT_SBI) this way, allocating nothing;
   * exitOf(code, steps) gives the Exit of any other stop.
   */
  runCode(budget: number): number {
    // a run is at most 2^31 - 1 instructions: the low 32 bits of the count give the steps (no BigInt)
    const before = this.miscLo(L.MISC_CYCLES);
    const code = this.core.run(Math.min(Math.max(0, Math.floor(budget)), 0x7fffffff));
    this.lastSteps = (this.miscLo(L.MISC_CYCLES) - before) >>> 0;
    return code;
  }

  /** The Exit of a stop with core exit code `code` after `steps` instructions (the state as the core left it). */
  exitOf(code: number, steps: number): Exit {
    const kind = EXIT_KINDS.get(code);
    if (kind === undefined) throw new Error(`the hart's core returned exit code ${code}, which src/hart/hart.ts does not know`);
    const exit: Exit = { kind, steps, pc: this.pc };
    if (kind === 'trap') {
      const cause = this.misc(L.MISC_EXIT_CAUSE);
      const b = Number(this.misc(L.MISC_EXIT_B));
      exit.trap = {
        cause, interrupt: (cause & MCAUSE_INTERRUPT) !== 0n, code: Number(cause & MCAUSE_CODE), tval: this.misc(L.MISC_EXIT_A),
        fromPriv: (b >> 8) & 0xff, toPriv: b & 0xff,
      };
    } else if (kind === 'watch') {
      const b = Number(this.misc(L.MISC_EXIT_B));
      exit.watch = {
        pc: this.misc(L.MISC_EXIT_D), address: this.misc(L.MISC_EXIT_A), size: b >> 8, kind: (b & 2) ? 'write' : 'read',
        oldValue: this.misc(L.MISC_EXIT_C), newValue: this.misc(L.MISC_EXIT_E), physical: (b & L.WATCH_PHYSICAL) !== 0,
      };
    } else if (kind === 'htif') {
      exit.value = this.misc(L.MISC_EXIT_A);
    } else if (kind === 'breakpoint' || kind === 'sbi') {
      exit.value = this.misc(L.MISC_EXIT_D);
    }
    return exit;
  }

  /** Execute exactly one instruction (stepping over a breakpoint at pc), or stop at a trap/exit. */
  step(): Exit {
    this.setMisc(L.MISC_FLAGS, this.misc(L.MISC_FLAGS) | BigInt(L.FLAG_SKIP_BP));
    const e = this.run(1);
    this.setMisc(L.MISC_FLAGS, this.misc(L.MISC_FLAGS) & ~BigInt(L.FLAG_SKIP_BP));
    return e;
  }

  /** Resume after a breakpoint stop: the instruction at pc runs once even though it carries a breakpoint. */
  stepOverBreakpointNext(): void {
    this.setMisc(L.MISC_FLAGS, this.misc(L.MISC_FLAGS) | BigInt(L.FLAG_SKIP_BP));
  }

  /** Stop after taking these exception causes / interrupt causes (bit masks by cause number). */
  setTrapStops(exceptions: bigint, interrupts: bigint): void {
    this.setMisc(L.MISC_STOP_TRAPS, exceptions);
    this.setMisc(L.MISC_STOP_IRQS, interrupts);
  }
  setFlag(flag: number, on: boolean): void {
    const f = this.misc(L.MISC_FLAGS);
    this.setMisc(L.MISC_FLAGS, on ? f | BigInt(flag) : f & ~BigInt(flag));
  }
  /** S-mode ecall exits to the host (the host's SBI) instead of trapping to M-mode. */
  set sbiHost(on: boolean) { this.setFlag(L.FLAG_SBI_HOST, on); }
  /** Exit whenever the privilege mode changes. */
  set stopOnPrivilegeChange(on: boolean) { this.setFlag(L.FLAG_STOP_PRIV, on); }

  // ---- breakpoints and watchpoints ---------------------------------------------------------------------------

  /** Breakpoints live in the decode cache: changing them flushes it, and costs nothing per instruction. */
  addBreakpoint(va: bigint): void {
    va = BigInt.asUintN(64, va);
    if (!this.breakpoints.has(va)) { this.breakpoints.add(va); this.breakpointsChanged(); }
  }
  removeBreakpoint(va: bigint): void {
    if (this.breakpoints.delete(BigInt.asUintN(64, va))) this.breakpointsChanged();
  }
  /** Replace the whole breakpoint set at once: one decode-cache flush however many addresses change. */
  setBreakpoints(addresses: Iterable<bigint>): void {
    const want = new Set<bigint>();
    for (const a of addresses) want.add(BigInt.asUintN(64, a));
    let changed = want.size !== this.breakpoints.size;
    if (!changed) for (const a of want) if (!this.breakpoints.has(a)) { changed = true; break; }
    if (!changed) return;
    this.breakpoints.clear();
    for (const a of want) this.breakpoints.add(a);
    this.breakpointsChanged();
  }
  /**
   * Replace the physical breakpoints: an instruction stops at whatever virtual address it runs, in any address
   * space (the pages of a vDSO that every process maps, a kernel function through any alias).
   */
  setPhysicalBreakpoints(addresses: Iterable<bigint>): void {
    const want = new Set<bigint>();
    for (const a of addresses) want.add(BigInt.asUintN(64, a));
    if (want.size === this.physBreakpoints.size && [...want].every((a) => this.physBreakpoints.has(a))) return;
    this.physBreakpoints.clear();
    for (const a of want) this.physBreakpoints.add(a);
    this.breakpointsChanged();
  }
  /** Whether the physical address carries a physical breakpoint. */
  hasPhysicalBreakpoint(pa: bigint): boolean { return this.physBreakpoints.has(BigInt.asUintN(64, pa)); }
  private hostToPhys(host: number): bigint { return RAM_BASE + BigInt(host - L.RAM_OFF); }

  clearBreakpoints(): void { if (this.breakpoints.size) { this.breakpoints.clear(); this.breakpointsChanged(); } }

  /**
   * After a change of the breakpoint sets: rebuild the core's filter (./bpfilter.ts: the core asks breakpointAt
   * about an instruction only where a bit is set, so a breakpoint costs nothing away from it) and drop the
   * decode cache, whose entries carry the breakpoints.
   */
  private breakpointsChanged(): void {
    writeBreakpointFilter(this.u8, this.breakpoints, this.physBreakpoints);
    this.core.flushDecode();
  }
  hasBreakpoint(va: bigint): boolean { return this.breakpoints.has(BigInt.asUintN(64, va)); }

  /**
   * Watch [start, end) of virtual memory for reads (1), writes (2) or both (3). The physical pages behind the
   * range leave the data TLBs so only their accesses take the checking path.
   */
  addWatch(start: bigint, end: bigint, kind: 1 | 2 | 3, physical = false): void {
    if (this.watches.length >= L.WATCH_MAX) throw new Error(`at most ${L.WATCH_MAX} watch ranges`);
    this.watches.push({ start, end, kind, physical });
    this.syncWatches();
  }
  removeWatch(start: bigint, end: bigint): void {
    this.watches = this.watches.filter((w) => !(w.start === start && w.end === end));
    this.syncWatches();
  }
  clearWatches(): void { this.watches = []; this.syncWatches(); }

  /** Re-apply watch page flags (after the page tables change, the pages behind a range may change). */
  syncWatches(): void {
    for (let p = 0; p < this.ramBytes / PAGE_SIZE; p++) this.u8[L.PAGEFLAGS + p] &= ~L.PF_WATCH;
    this.watches.forEach((w, i) => {
      const e = L.WATCH + i * L.WATCH_ENTRY;
      this.dv.setBigUint64(e + L.WATCH_START, w.start, true);
      this.dv.setBigUint64(e + L.WATCH_END, w.end, true);
      this.dv.setBigUint64(e + L.WATCH_KIND, BigInt(w.kind | (w.physical ? L.WATCH_PHYSICAL : 0)), true);
      for (let a = w.start & ~PAGE_MASK; a < w.end; a += BigInt(PAGE_SIZE)) {
        const pa = w.physical ? a : this.translate(a, 'load');
        if (pa !== undefined) this.markPage(pa, L.PF_WATCH);
      }
    });
    this.setMisc(L.MISC_WATCH_COUNT, BigInt(this.watches.length));
    const th = this.misc(L.MISC_TOHOST);
    if (th !== 0n) this.markPage(th, L.PF_WATCH);
    this.core.flushTlbs();
  }

  private markPage(pa: bigint, flag: number): void {
    if (pa < RAM_BASE || pa >= RAM_BASE + BigInt(this.ramBytes)) return;
    this.u8[L.PAGEFLAGS + Number((pa - RAM_BASE) >> PAGE_SHIFT)] |= flag;
  }

  /** The physical address of the HTIF `tohost` word (0 for none): stores to it end the run with kind 'htif'. */
  setTohost(pa: bigint): void {
    this.setMisc(L.MISC_TOHOST, pa);
    this.syncWatches();
  }
  get tohost(): bigint { return this.misc(L.MISC_TOHOST); }

  // ---- memory -------------------------------------------------------------------------------------------------

  isRam(pa: bigint, len = 1): boolean {
    return pa >= RAM_BASE && pa + BigInt(len) <= this.ramEnd;
  }
  private hostOffset(pa: bigint, len: number): number {
    // one BigInt subtraction; the rest in numbers (RAM is far below 2^53 bytes)
    const d = pa - RAM_BASE;
    const o = d >= 0n && d < RAM_SPAN ? Number(d) : -1;
    if (o < 0 || !(len >= 0) || o + len > this.ramBytes) throw new RangeError(`physical range 0x${pa.toString(16)}+${len} is outside RAM`);
    return L.RAM_OFF + o;
  }
  /**
   * Where `len` bytes of physical RAM at `pa` are in the core's memory (checked once), for readRam64/writeRam64:
   * a caller that accesses one structure many times (the kernel model's pt_regs frame) converts its address once.
   */
  ramOffset(pa: bigint, len: number): number { return this.hostOffset(pa, len); }
  readRam64(off: number): bigint { return this.dv.getBigUint64(off, true); }
  readRam32(off: number): number { return this.dv.getUint32(off, true); }
  writeRam32(off: number, v: number): void { this.dv.setUint32(off, v >>> 0, true); }
  writeRam64(off: number, v: bigint): void { this.dv.setBigUint64(off, v & MASK64, true); }
  /** A view (not a copy) of physical RAM. */
  physView(pa: bigint, len: number): Uint8Array {
    const off = this.hostOffset(pa, len);
    return this.u8.subarray(off, off + len);
  }
  readPhys(pa: bigint, len: number): Uint8Array { return this.physView(pa, len).slice(); }
  /** Write physical RAM. Code may have changed, so cached decodes of it go (like a fence.i). */
  writePhys(pa: bigint, data: Uint8Array, isCode = true): void {
    const off = this.hostOffset(pa, data.length);
    this.u8.set(data, off);
    const first = Math.floor((off - L.RAM_OFF) / PAGE_SIZE), last = Math.floor((off - L.RAM_OFF + data.length - 1) / PAGE_SIZE);
    for (let p = first; p <= last && data.length > 0; p++) this.u8[L.PAGEFLAGS + p] |= L.PF_TOUCHED;
    if (isCode) this.core.flushDecode();
  }
  readPhys64(pa: bigint): bigint { return this.dv.getBigUint64(this.hostOffset(pa, 8), true); }
  writePhys64(pa: bigint, v: bigint): void { this.dv.setBigUint64(this.hostOffset(pa, 8), v & MASK64, true); }
  fillPhys(pa: bigint, len: number, value = 0): void { this.physView(pa, len).fill(value); }

  /** Translate a virtual address as the current mode would (no faults, no A/D updates). */
  translate(va: bigint, access: 'fetch' | 'load' | 'store' = 'load'): bigint | undefined {
    const r = this.core.debugTranslateVa(BigInt.asIntN(64, va), access === 'fetch' ? 0 : access === 'load' ? 1 : 2);
    return r < 0n ? undefined : r;
  }
  /**
   * Translate for a debugger: through the page tables of the stopped context (satp; M-mode sees physical
   * memory) with the debugger's rights: any valid leaf maps, whatever its U/R/W/X bits, SUM or MXR say; no
   * faults, no A/D updates, no TLB fill. undefined when unmapped.
   */
  debugTranslate(va: bigint): bigint | undefined {
    const satp = this.csr(CSR_SATP);
    if (this.priv === PRV_M || (satp & SATP_MODE) >> SATP_MODE_SHIFT !== SATP_MODE_SV39) return BigInt.asUintN(64, va);
    const sva = BigInt.asIntN(64, va);
    const top = sva >> 38n;
    if (top !== 0n && top !== -1n) return undefined;
    let table = (satp & SATP_PPN) << BigInt(PAGE_SHIFT);
    for (let level = SV39_LEVELS - 1; level >= 0; level--) {
      const shift = BigInt(PAGE_SHIFT) + SV39_VPN_BITS * BigInt(level);
      const pteAddr = table + ((BigInt.asUintN(64, va) >> shift) & ((1n << SV39_VPN_BITS) - 1n)) * 8n;
      if (!this.isRam(pteAddr, 8)) return undefined;
      const pte = this.readPhys64(pteAddr);
      if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W)) === PTE_W) return undefined;
      const ppn = (pte & PTE_PPN) >> PTE_PPN_SHIFT;
      if (!(pte & (PTE_R | PTE_X))) { table = ppn << BigInt(PAGE_SHIFT); continue; }
      const pageMask = (1n << shift) - 1n;
      return ((ppn << BigInt(PAGE_SHIFT)) & ~pageMask) | (BigInt.asUintN(64, va) & pageMask);
    }
    return undefined;
  }
  /** Read virtual memory as a debugger sees it (debugTranslate); undefined if any byte is unmapped or not RAM. */
  readVirt(va: bigint, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const a = BigInt.asUintN(64, va + BigInt(done));
      const pa = this.debugTranslate(a);
      const chunk = Math.min(len - done, PAGE_SIZE - Number(a & PAGE_MASK));
      if (pa === undefined || !this.isRam(pa, chunk)) return undefined;
      out.set(this.physView(pa, chunk), done);
      done += chunk;
    }
    return out;
  }
  /** The instruction at a virtual address as a debugger reads it (16 or 32 bits), or undefined when unreadable. */
  instructionAt(pc: bigint): Decoded | undefined {
    const lo = this.readVirt(pc, 2);
    if (!lo) return undefined;
    let bits = lo[0] | (lo[1] << 8);
    if ((bits & 3) === 3) {
      const hi = this.readVirt(pc + 2n, 2);
      if (!hi) return undefined;
      bits |= (hi[0] << 16) | (hi[1] << 24);
    }
    return decode(bits >>> 0);
  }
  /** Write virtual memory as a debugger (debugTranslate: read-only pages too); false if any byte is unmapped. */
  writeVirt(va: bigint, data: Uint8Array): boolean {
    const parts: [bigint, number, number][] = [];
    let done = 0;
    while (done < data.length) {
      const a = BigInt.asUintN(64, va + BigInt(done));
      const pa = this.debugTranslate(a);
      const chunk = Math.min(data.length - done, PAGE_SIZE - Number(a & PAGE_MASK));
      if (pa === undefined || !this.isRam(pa, chunk)) return false;
      parts.push([pa, done, chunk]);
      done += chunk;
    }
    for (const [pa, off, n] of parts) this.writePhys(pa, data.subarray(off, off + n));
    return true;
  }

  /** Counters of the block translator (blocks compiled, modules created, flushes seen). */
  get jitStats(): JitStats { return { ...this.jitCompiler.stats }; }

  /** Drop cached decodes (after code in memory changed outside the guest's own fence.i). */
  invalidateCode(): void { this.core.flushDecode(); }
  /** Drop cached translations (after the host changed page tables). */
  flushTlbs(): void { this.core.flushTlbs(); }

  // ---- snapshots ----------------------------------------------------------------------------------------------

  /**
   * A snapshot of the whole machine: the architectural state block and every RAM page ever written.
   * Its cost follows the memory the guest has touched, not the RAM size.
   */
  snapshot(): Snapshot {
    const state = this.u8.slice(L.STATE, L.STATE_END);
    const pages = new Map<number, Uint8Array>();
    const n = this.ramBytes / PAGE_SIZE;
    for (let p = 0; p < n; p++) {
      if (this.u8[L.PAGEFLAGS + p] & L.PF_TOUCHED) {
        const off = L.RAM_OFF + p * PAGE_SIZE;
        pages.set(p, this.u8.slice(off, off + PAGE_SIZE));
      }
    }
    return { state, pages, watches: this.watches.map((w) => ({ ...w })), hostTimeBase: this.hostTimeBase, hostTimeOrigin: this.hostTimeOrigin };
  }

  restore(s: Snapshot): void {
    this.u8.set(s.state, L.STATE);
    const n = this.ramBytes / PAGE_SIZE;
    for (let p = 0; p < n; p++) {
      const snap = s.pages.get(p);
      const off = L.RAM_OFF + p * PAGE_SIZE;
      if (snap) this.u8.set(snap, off);
      else if (this.u8[L.PAGEFLAGS + p] & L.PF_TOUCHED) this.u8.fill(0, off, off + PAGE_SIZE);
      this.u8[L.PAGEFLAGS + p] = snap ? L.PF_TOUCHED : 0;
    }
    this.watches = s.watches.map((w) => ({ ...w }));
    this.hostTimeBase = s.hostTimeBase;
    this.hostTimeOrigin = s.hostTimeOrigin;
    this.syncWatches();
    this.core.flushDecode();
  }
}

export interface Snapshot {
  readonly state: Uint8Array;
  readonly pages: Map<number, Uint8Array>;
  readonly watches: { start: bigint; end: bigint; kind: number; physical?: boolean }[];
  readonly hostTimeBase: bigint;
  readonly hostTimeOrigin: number;
}
