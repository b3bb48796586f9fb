// The host side of the block translator: owns the function table the core calls blocks through (via a tiny
// trampoline module, so the core needs only one imported function), compiles hot blocks on request and
// keeps compiled functions by host address until the decode cache is flushed.
import { BLK_NEVER, BLK_STATE, BLK_PASS, JIT_GEN } from '../layout';
import { scanBlock, emitBlock, blockModule, blockKey, trampolineModule, type CodeSource } from './translate';
import { breakpointFilterHas } from '../bpfilter';

let trampoline: WebAssembly.Module | undefined;

/**
 * Compiled modules by what they translate (blockKey), shared by all harts of the process: the code is
 * position-independent and imports only the memory, so a new hart, or the same code after a flush of the
 * decode cache (breakpoint changes, fence.i), needs only a new instance.
 */
const moduleCache = new Map<string, WebAssembly.Module>();
const MODULE_CACHE_MAX = 4096;

interface Compiled { idx: number; count: number }

export interface JitStats {
  /** Blocks given a table slot. */
  compiled: number;
  /** WebAssembly modules created (the others came from the process-wide module cache). */
  modules: number;
  /** Flushes of the decode cache seen (each drops all compiled blocks). */
  flushes: number;
  /** Translations that failed (the block stays interpreted); always 0 unless the translator has a bug. */
  failed: number;
  /** Bytes of WebAssembly in the modules created. */
  bytes: number;
}

export class Jit {
  private readonly table = new WebAssembly.Table({ element: 'anyfunc', initial: 256 });
  /** The trampoline's export, given to the core as its `jitCall` import. */
  readonly call: unknown;
  private memory!: WebAssembly.Memory;
  private gen = -1;
  private next = 0;
  private readonly byHost = new Map<number, Compiled>();
  readonly stats: JitStats = { compiled: 0, modules: 0, flushes: 0, failed: 0, bytes: 0 };
  lastError: unknown;

  /**
   * `breakpoints`: virtual addresses; `physical`: whether a wasm (host) address holds a physical breakpoint,
   * undefined when there are none.
   */
  constructor(private readonly breakpoints: ReadonlySet<bigint>, private readonly physical: () => ((host: number) => boolean) | undefined = () => undefined) {
    trampoline ??= new WebAssembly.Module(trampolineModule());
    this.call = new WebAssembly.Instance(trampoline, { env: { t: this.table } }).exports.call;
  }

  attach(memory: WebAssembly.Memory): void { this.memory = memory; }

  /**
   * Called by the core (import jitCompile) when the block at `host` (virtual `pc`) became hot: fill its
   * block-cache entry at `entry` and return its state (table index, or BLK_NEVER).
   */
  compile(pc: bigint, host: number, entry: number): number {
    const buf = this.memory.buffer;
    const dv = new DataView(buf);
    const gen = dv.getUint32(JIT_GEN, true);
    if (gen !== this.gen) {
      // the decode cache was flushed since: compiled code may be stale, table slots are free again
      this.gen = gen;
      this.byHost.clear();
      this.next = 0;
      this.stats.flushes++;
    }
    let b = this.byHost.get(host);
    if (b === undefined) {
      let f: unknown;
      let count = 0;
      try {
        const bps = this.breakpoints;
        const phys = this.physical();
        const u8 = new Uint8Array(buf);
        const src: CodeSource = {
          u8, anyBreakpoints: bps.size > 0 || phys !== undefined,
          isBreakpoint: (va, h) => bps.has(va) || (phys !== undefined && phys(h)),
          mayBreak: (vaLow, h) => breakpointFilterHas(u8, vaLow) || breakpointFilterHas(u8, h),
        };
        const blk = scanBlock(src, host, BigInt.asUintN(64, pc));
        if (blk !== undefined) {
          const key = blockKey(blk);
          let mod = moduleCache.get(key);
          if (mod === undefined) {
            const bytes = blockModule([emitBlock(blk)]);
            mod = new WebAssembly.Module(bytes);
            this.stats.bytes += bytes.length;
            if (moduleCache.size >= MODULE_CACHE_MAX) moduleCache.clear();
            moduleCache.set(key, mod);
            this.stats.modules++;
          }
          f = new WebAssembly.Instance(mod, { env: { m: this.memory } }).exports.f0;
          count = blk.items.length;
        }
      } catch (e) {
        // a translator bug must not break the run: the block stays interpreted
        this.stats.failed++;
        this.lastError = e;
        f = undefined;
      }
      if (f === undefined) {
        dv.setInt32(entry + BLK_STATE, BLK_NEVER, true);
        return BLK_NEVER;
      }
      if (this.next >= this.table.length) this.table.grow(this.table.length);
      this.table.set(this.next, f);
      b = { idx: this.next++, count };
      this.byHost.set(host, b);
      this.stats.compiled++;
    }
    dv.setInt32(entry + BLK_STATE, b.idx, true);
    dv.setUint32(entry + BLK_PASS, b.count, true);
    return b.idx;
  }
}
