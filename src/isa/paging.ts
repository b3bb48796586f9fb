// Sv39 virtual memory (RISC-V privileged specification, "Sv39: Page-Based 39-bit Virtual-Memory System"): the
// page-table entry's fields and the walk's geometry. The hart's MMU, the kernel model's page tables and the
// debugger read these through the generated encoding module (scripts/gen-encoding.ts).
import type { CsrField } from './csrs';

/** Bytes per page: 1 << PAGE_SHIFT. */
export const PAGE_SHIFT = 12;
/** Levels of an Sv39 walk, and virtual-page-number bits per level. */
export const SV39_LEVELS = 3;
export const SV39_VPN_BITS = 9;

const bit = (name: string, n: number, summary: string): CsrField => ({ name, lsb: n, msb: n, summary });

/** The fields of an Sv39 page-table entry. */
export const PTE_FIELDS: readonly CsrField[] = [
  bit('V', 0, 'Valid'),
  bit('R', 1, 'Readable'),
  bit('W', 2, 'Writable'),
  bit('X', 3, 'Executable'),
  bit('U', 4, 'Accessible in U-mode'),
  bit('G', 5, 'Global mapping'),
  bit('A', 6, 'Accessed'),
  bit('D', 7, 'Dirty'),
  { name: 'RSW', lsb: 8, msb: 9, summary: 'Reserved for software' },
  { name: 'PPN', lsb: 10, msb: 53, summary: 'Physical page number' },
  { name: 'RESERVED', lsb: 54, msb: 60, summary: 'Reserved (must be zero)' },
  { name: 'PBMT', lsb: 61, msb: 62, summary: 'Svpbmt page-based memory type' },
  bit('N', 63, 'Svnapot contiguous range'),
];
