// Disassembly for the DAP disassemble request and the console: objdump syntax (src/isa/disasm), with symbols
// and source lines from the loaded modules.
import { decode } from '../isa/decode';
import { disassemble as disasmOne, newDisasmContext } from '../isa/disasm';
import type { DebugRuntime } from './runtime';
import type { ResolvedLocation } from './modules';
import { MAX_DISASSEMBLE_INSTRUCTIONS } from './limits';

export interface InsnLine {
  address: bigint;
  bytes: string;
  text: string;
  symbol?: string;
  location?: ResolvedLocation;
  invalid?: boolean;
  length: number;
}

const hex = (v: bigint) => '0x' + v.toString(16);

function readInsn(rt: DebugRuntime, pc: bigint): { bits: number; length: number } | undefined {
  const lo = rt.hart.readVirt(pc, 2);
  if (!lo) return undefined;
  let bits = lo[0] | (lo[1] << 8);
  if ((bits & 3) !== 3) return { bits, length: 2 };
  const hi = rt.hart.readVirt(pc + 2n, 2);
  if (!hi) return undefined;
  bits = (bits | (hi[0] << 16) | (hi[1] << 24)) >>> 0;
  return { bits, length: 4 };
}

/** Counts of instructions are bounded (docs/limits.md): the work and the answer stay small. */
function checkCount(what: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${what} must be ${min === 0 ? 'a non-negative integer' : 'an integer'} (got ${n})`);
  if (Math.abs(n) > MAX_DISASSEMBLE_INSTRUCTIONS) throw new Error(`${what} ${n}: at most ${MAX_DISASSEMBLE_INSTRUCTIONS} instructions per request (docs/limits.md)`);
}

/** Decode forward from `start`, `count` instructions. */
export function decodeForward(rt: DebugRuntime, start: bigint, count: number): InsnLine[] {
  checkCount('instruction count', count, 0);
  const out: InsnLine[] = [];
  const ctx = newDisasmContext();
  let pc = start;
  const sym = (a: bigint) => rt.symbolize(a);
  for (let i = 0; i < count; i++) {
    const m = rt.moduleAt(pc);
    const named = m?.describe(pc);
    const symbol = named && !named.includes('+') ? named : undefined;
    const r = readInsn(rt, pc);
    if (!r) {
      out.push({ address: pc, bytes: '', text: '<unreadable>', invalid: true, length: 2, symbol });
      pc += 2n;
      continue;
    }
    const d = decode(r.bits);
    const text = d.op < 0 ? `.${r.length === 2 ? 'short' : 'word'}\t${hex(BigInt(r.bits))}` : disasmOne(d, pc, sym, ctx).text;
    const bytes = r.length === 2 ? (r.bits & 0xffff).toString(16).padStart(4, '0') : r.bits.toString(16).padStart(8, '0');
    out.push({ address: pc, bytes, text: text.replace('\t', ' '.repeat(Math.max(1, 8 - text.indexOf('\t')))), symbol, location: m?.addressToLine(pc), invalid: d.op < 0, length: r.length });
    pc += BigInt(r.length);
  }
  return out;
}

/**
 * Instructions around an address: `instructionOffset` (may be negative) and `count` as in DAP. Going backwards
 * on a variable-length ISA needs a known boundary: we decode from the start of the enclosing function (or
 * from far enough back that the stream has resynchronised) up to the address.
 */
export function disassembleAround(rt: DebugRuntime, address: bigint, instructionOffset: number, count: number): InsnLine[] {
  checkCount('instructionCount', count, 0);
  checkCount('instructionOffset', instructionOffset, -MAX_DISASSEMBLE_INSTRUCTIONS);
  let before: InsnLine[] = [];
  if (instructionOffset < 0) {
    const need = -instructionOffset;
    const fnStart = rt.moduleAt(address)?.symbols.functionAt(address)?.address;
    let from = fnStart !== undefined && address - fnStart <= BigInt(need * 4 + 4096) ? fnStart : address - BigInt(need * 4 + 64);
    if (from > address) from = address;
    const lines = decodeForward(rt, from, Number((address - from) / 2n) + 1).filter((l) => l.address < address);
    before = lines.slice(Math.max(0, lines.length - need));
    // pad with placeholders when the function starts later than asked
    const missing = need - before.length;
    if (missing > 0) {
      const first = before.length ? before[0].address : address;
      const pad: InsnLine[] = [];
      for (let i = missing; i > 0; i--) pad.push({ address: first - BigInt(i * 2), bytes: '', text: '', invalid: true, length: 2 });
      before = [...pad, ...before];
    }
    if (before.length >= count) return before.slice(0, count);
    return [...before, ...decodeForward(rt, address, count - before.length)];
  }
  let start = address;
  if (instructionOffset > 0) {
    const skip = decodeForward(rt, address, instructionOffset);
    const last = skip[skip.length - 1];
    start = last.address + BigInt(last.length);
  }
  return decodeForward(rt, start, count);
}
