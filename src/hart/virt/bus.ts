// The platform's device bus on the host side: memory-mapped devices at physical windows, served when the
// core calls its `mmio` import (see ../core/bus.ts). Registers are at most 64 bits; offsets are numbers.
import type { MmioHandler } from '../hart';

export interface MmioDevice {
  /** Size in bytes of the register window. */
  readonly size: number;
  /** Read `size` bytes (1, 2, 4 or 8) at byte offset `off`. */
  read(off: number, size: number): bigint;
  /** Write `size` bytes at byte offset `off`. */
  write(off: number, size: number, value: bigint): void;
}

interface Window { base: bigint; end: bigint; device: MmioDevice; name: string; }

export class DeviceBus implements MmioHandler {
  private readonly windows: Window[] = [];

  /** Map `device` at physical `base`; windows may not overlap. */
  map(name: string, base: bigint, device: MmioDevice): void {
    const end = base + BigInt(device.size);
    for (const w of this.windows) {
      if (base < w.end && w.base < end) throw new Error(`device ${name} at 0x${base.toString(16)} overlaps ${w.name} at 0x${w.base.toString(16)}`);
    }
    this.windows.push({ base, end, device, name });
    this.windows.sort((a, b) => (a.base < b.base ? -1 : 1));
  }

  private find(pa: bigint, size: number): Window | undefined {
    for (const w of this.windows) if (pa >= w.base && pa + BigInt(size) <= w.end) return w;
    return undefined;
  }

  load(pa: bigint, size: number): bigint | undefined {
    const w = this.find(pa, size);
    return w ? w.device.read(Number(pa - w.base), size) : undefined;
  }

  store(pa: bigint, size: number, value: bigint): boolean {
    const w = this.find(pa, size);
    if (!w) return false;
    w.device.write(Number(pa - w.base), size, value);
    return true;
  }
}
