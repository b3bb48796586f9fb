// The core's breakpoint filter (BP_FILTER in ./layout.ts), as the host reads and writes it: one bit per
// 2-byte-aligned address modulo 128 KiB. A breakpoint's virtual address and, for a physical breakpoint, its
// physical address set their bits; an instruction is looked up in the breakpoint sets only when its virtual or
// wasm address hits a set bit (a physical address and its wasm address RAM_OFF + pa - RAM_BASE share the low
// 17 bits), so a breakpoint costs nothing away from it.
import { BP_FILTER, BP_FILTER_BITS } from './layout';

/** The filter bit of an address, from its low 32 bits (a number). */
export function breakpointFilterBit(addressLow: number): number { return (addressLow >>> 1) & (BP_FILTER_BITS - 1); }

/** Rebuild the filter in the core's memory `u8` from the breakpoint addresses. */
export function writeBreakpointFilter(u8: Uint8Array, ...sets: Iterable<bigint>[]): void {
  u8.fill(0, BP_FILTER, BP_FILTER + BP_FILTER_BITS / 8);
  for (const set of sets) {
    for (const a of set) {
      const k = breakpointFilterBit(Number(a & 0xffffffffn));
      u8[BP_FILTER + (k >> 3)] |= 1 << (k & 7);
    }
  }
}

/** Whether the filter has the bit of this address (false: no breakpoint there). */
export function breakpointFilterHas(u8: Uint8Array, addressLow: number): boolean {
  const k = breakpointFilterBit(addressLow);
  return (u8[BP_FILTER + (k >> 3)] & (1 << (k & 7))) !== 0;
}
