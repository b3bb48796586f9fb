// The memory view's model: a window of guest memory (whole pages from the page of the memoryReference on),
// what changed since the previous stop, and the names of known fields over the bytes ([vvar]'s struct
// vdso_data, Linux 6.1 layout from src/kernel/vdso/datapage.ts). Pure (no `vscode`): memoryView.ts reads the
// bytes over DAP, media/memory.js draws the message.
import { DATAPAGE_FIELDS, PAGE_SIZE } from '../../kernel/vdso/datapage';

export const MEMORY_PAGE = PAGE_SIZE;
/** At most this many bytes are kept and re-read at every stop (16 pages). */
export const MEMORY_MAX = 16 * PAGE_SIZE;

export interface MemoryField {
  /** Byte offset in the window. */
  offset: number;
  size: number;
  name: string;
}

export interface MemoryMessage {
  type: 'memory';
  /** What was opened: "[vvar]", a variable's name, an expression. */
  title: string;
  /** The memoryReference and the address it stands for. */
  reference: string;
  target: string;
  /** Address of the window's first byte (page aligned), hex. */
  start: string;
  /** The bytes as hex, two digits each; "??" for an unreadable byte. */
  bytes: string;
  /** Offsets (in the window) of bytes that differ from the previous stop. */
  changed: number[];
  fields: MemoryField[];
  /** "stop #3 (step)", or why the view is not live. */
  status: string;
  /** The window can grow further (scrolling loads the next page). */
  more: boolean;
  writable: boolean;
}

export const hex = (v: bigint) => '0x' + v.toString(16);

/** The page-aligned start of the page holding `address`. */
export function pageStart(address: bigint): bigint {
  return address & ~BigInt(PAGE_SIZE - 1);
}

/** Hex text of bytes; positions beyond `readable` are unreadable ("??"). */
export function toHex(bytes: Uint8Array, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += i < bytes.length ? bytes[i].toString(16).padStart(2, '0') : '??';
  return s;
}

/** Offsets that differ between two reads of the same window (only where both were readable). */
export function changedOffsets(previous: Uint8Array | undefined, now: Uint8Array): number[] {
  if (!previous) return [];
  const out: number[] = [];
  const n = Math.min(previous.length, now.length);
  for (let i = 0; i < n; i++) if (previous[i] !== now[i]) out.push(i);
  return out;
}

/** The [vvar] fields that lie inside the window [start, start + length), when the data page is at `vvar`. */
export function vvarFields(start: bigint, length: number, vvar: bigint | undefined): MemoryField[] {
  if (vvar === undefined) return [];
  const out: MemoryField[] = [];
  for (const f of DATAPAGE_FIELDS) {
    const off = vvar + BigInt(f.offset) - start;
    if (off >= 0n && off + BigInt(f.size) <= BigInt(length)) out.push({ offset: Number(off), size: f.size, name: f.name });
  }
  return out;
}

/** Parse "de ad be ef", "deadbeef" or "0xde,0xad" into bytes; undefined if it is not whole hex bytes. */
export function parseHexBytes(text: string): Uint8Array | undefined {
  const parts = text.trim().split(/[\s,]+/).filter(Boolean).map((p) => p.replace(/^0x/i, ''));
  const digits = parts.map((p) => (p.length % 2 ? '0' + p : p)).join('');
  if (!digits.length || !/^[0-9a-f]+$/i.test(digits) || digits.length > 2 * 4096) return undefined;
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
