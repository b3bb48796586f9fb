// The platform-level interrupt controller (RISC-V PLIC specification 1.0.0; the layout of SiFive's PLIC and of
// QEMU's virt machine): per-source priorities at 0x0, pending bits at 0x1000, per-context enable bits at
// 0x2000 + 0x80 * context, per-context threshold and claim/complete at 0x200000 + 0x1000 * context.
// Sources are level-triggered (the gateway forwards a request while the line is high and the source is not
// in service); a claim returns the highest-priority pending source enabled for the context above its
// threshold (ties: the lowest id) and takes it out of pending until it is completed. Each context drives one
// external-interrupt line of a hart (MEIP for an M-mode context, SEIP for an S-mode one).
import type { MmioDevice } from './bus';

export const PLIC_PRIORITY = 0x0;
export const PLIC_PENDING = 0x1000;
export const PLIC_ENABLE = 0x2000;
export const PLIC_ENABLE_STRIDE = 0x80;
export const PLIC_CONTEXT = 0x200000;
export const PLIC_CONTEXT_STRIDE = 0x1000;
/** The register window QEMU's virt machine gives its PLIC (it covers 1024 contexts' worth of space). */
export const PLIC_SIZE = 0x600000;
/** Priority bits implemented (QEMU's virt: 7 levels above 0). */
export const PLIC_PRIORITY_MASK = 7;

export class Plic implements MmioDevice {
  readonly size = PLIC_SIZE;
  private readonly priority: Uint32Array;
  private readonly level: Uint8Array;      // the source's line as the device drives it
  private readonly pending: Uint8Array;    // the gateway forwarded a request not yet claimed
  private readonly inService: Uint8Array;  // claimed, not yet completed
  private readonly enable: Uint8Array[];   // per context, per source
  private readonly threshold: Uint32Array;
  private readonly outputs: boolean[];

  /**
   * `sources` = the highest source id (riscv,ndev; 1..sources are real sources, 0 means none); `contexts`: one
   * callback per context, given the level of that context's interrupt line.
   */
  constructor(readonly sources: number, private readonly contexts: ((level: boolean) => void)[]) {
    if (sources < 1 || sources > 1023) throw new Error(`a PLIC has 1..1023 sources (got ${sources})`);
    const n = sources + 1;
    this.priority = new Uint32Array(n);
    this.level = new Uint8Array(n);
    this.pending = new Uint8Array(n);
    this.inService = new Uint8Array(n);
    this.enable = contexts.map(() => new Uint8Array(n));
    this.threshold = new Uint32Array(contexts.length);
    this.outputs = contexts.map(() => false);
  }

  /** A device drives source `id`'s line. */
  setLevel(id: number, high: boolean): void {
    if (id < 1 || id > this.sources) return;
    this.level[id] = high ? 1 : 0;
    this.gateway(id);
    this.update();
  }

  private gateway(id: number): void {
    if (this.level[id] && !this.inService[id]) this.pending[id] = 1;
    // a level-triggered source that drops its line before being claimed withdraws the request
    if (!this.level[id] && !this.inService[id]) this.pending[id] = 0;
  }

  /** The source a claim on `ctx` would return now (0 when none). */
  best(ctx: number): number {
    let best = 0, bestPrio = this.threshold[ctx];
    const en = this.enable[ctx];
    for (let id = 1; id <= this.sources; id++) {
      if (this.pending[id] && en[id] && this.priority[id] > bestPrio) { best = id; bestPrio = this.priority[id]; }
    }
    return best;
  }

  private update(): void {
    for (let c = 0; c < this.contexts.length; c++) {
      const lvl = this.best(c) !== 0;
      if (lvl !== this.outputs[c]) { this.outputs[c] = lvl; this.contexts[c](lvl); }
    }
  }

  private claim(ctx: number): number {
    const id = this.best(ctx);
    if (id !== 0) { this.pending[id] = 0; this.inService[id] = 1; }
    this.update();
    return id;
  }

  private complete(ctx: number, id: number): void {
    // the completion of a source that is not enabled for the context is ignored (spec 1.0.0, 10)
    if (id < 1 || id > this.sources || !this.enable[ctx][id]) return;
    this.inService[id] = 0;
    this.gateway(id);
    this.update();
  }

  read(off: number, size: number): bigint {
    if (size === 8) return this.read(off, 4) | (this.read(off + 4, 4) << 32n);
    if (size !== 4 || off % 4 !== 0) return 0n; // the PLIC's registers are 32-bit
    return BigInt(this.read32(off) >>> 0);
  }

  write(off: number, size: number, value: bigint): void {
    if (size === 8) { this.write(off, 4, value & 0xffffffffn); this.write(off + 4, 4, value >> 32n); return; }
    if (size !== 4 || off % 4 !== 0) return;
    this.write32(off, Number(value & 0xffffffffn));
  }

  private read32(off: number): number {
    if (off < PLIC_PENDING) {
      const id = off / 4;
      return id >= 1 && id <= this.sources ? this.priority[id] : 0;
    }
    if (off < PLIC_ENABLE) return this.bits(this.pending, (off - PLIC_PENDING) / 4);
    if (off < PLIC_CONTEXT) {
      const ctx = Math.floor((off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
      if (ctx >= this.contexts.length) return 0;
      return this.bits(this.enable[ctx], ((off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE) / 4);
    }
    const ctx = Math.floor((off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
    if (ctx >= this.contexts.length) return 0;
    const reg = (off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
    if (reg === 0) return this.threshold[ctx];
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  private write32(off: number, v: number): void {
    if (off < PLIC_PENDING) {
      const id = off / 4;
      if (id >= 1 && id <= this.sources) { this.priority[id] = v & PLIC_PRIORITY_MASK; this.update(); }
      return;
    }
    if (off < PLIC_ENABLE) return; // pending bits are read-only
    if (off < PLIC_CONTEXT) {
      const ctx = Math.floor((off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
      if (ctx >= this.contexts.length) return;
      const word = ((off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE) / 4;
      for (let b = 0; b < 32; b++) {
        const id = word * 32 + b;
        if (id >= 1 && id <= this.sources) this.enable[ctx][id] = (v >>> b) & 1;
      }
      this.update();
      return;
    }
    const ctx = Math.floor((off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
    if (ctx >= this.contexts.length) return;
    const reg = (off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
    if (reg === 0) { this.threshold[ctx] = v & PLIC_PRIORITY_MASK; this.update(); }
    else if (reg === 4) this.complete(ctx, v);
  }

  /** 32 bits of a per-source flag array, word `w` (bit b = source 32 * w + b; source 0 reads 0). */
  private bits(a: Uint8Array, w: number): number {
    let v = 0;
    for (let b = 0; b < 32; b++) {
      const id = w * 32 + b;
      if (id >= 1 && id <= this.sources && a[id]) v |= 1 << b;
    }
    return v >>> 0;
  }
}
