// The part of the DWARF expression stack machine that location expressions (dwarfExpr.ts) and call-frame
// expressions (dwarfCfi.ts) share: literals and constants, stack manipulation, arithmetic and logic, comparisons
// and branches (DWARF 5 sections 2.5.1.1-2.5.1.5). What differs between the two (registers, memory, addresses,
// pieces) stays with each caller.
import type { Cursor } from './reader';

const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/**
 * Applies `op` (already read from `c`) to the stack `st` through the caller's `push` (which wraps to 64 bits and
 * bounds the depth) and `pop` (which fails on underflow). Returns false, having done nothing, when `op` is not a
 * shared operation.
 */
export function stackOp(op: number, c: Cursor, st: bigint[], push: (v: bigint) => void, pop: () => bigint): boolean {
  if (op >= 0x30 && op <= 0x4f) { push(BigInt(op - 0x30)); return true; }
  switch (op) {
    case 0x08: push(BigInt(c.u8())); return true;
    case 0x09: push(BigInt(c.i8())); return true;
    case 0x0a: push(BigInt(c.u16())); return true;
    case 0x0b: push(BigInt(c.i16())); return true;
    case 0x0c: push(BigInt(c.u32())); return true;
    case 0x0d: push(BigInt(c.i32())); return true;
    case 0x0e: push(c.u64()); return true;
    case 0x0f: push(c.i64()); return true;
    case 0x10: push(c.ulebBig()); return true;
    case 0x11: push(c.slebBig()); return true;
    case 0x12: { const v = pop(); push(v); push(v); return true; }
    case 0x13: pop(); return true;
    case 0x14: { if (st.length < 2) c.fail('stack underflow'); push(st[st.length - 2]); return true; }
    case 0x15: { const i = c.u8('pick index'); if (i >= st.length) c.fail('DW_OP_pick out of range'); push(st[st.length - 1 - i]); return true; }
    case 0x16: { const a = pop(), b = pop(); push(a); push(b); return true; }
    case 0x17: { const a = pop(), b = pop(), d = pop(); push(a); push(d); push(b); return true; }
    case 0x19: { const a = s64(pop()); push(a < 0n ? -a : a); return true; }
    case 0x1a: { const a = pop(), b = pop(); push(b & a); return true; }
    case 0x1b: { const a = s64(pop()), b = s64(pop()); if (a === 0n) c.fail('division by zero'); push(b / a); return true; }
    case 0x1c: { const a = pop(), b = pop(); push(b - a); return true; }
    case 0x1d: { const a = pop(), b = pop(); if (a === 0n) c.fail('modulo by zero'); push(b % a); return true; }
    case 0x1e: { const a = pop(), b = pop(); push(b * a); return true; }
    case 0x1f: push(-s64(pop())); return true;
    case 0x20: push(~pop()); return true;
    case 0x21: { const a = pop(), b = pop(); push(b | a); return true; }
    case 0x22: { const a = pop(), b = pop(); push(b + a); return true; }
    case 0x23: push(pop() + c.ulebBig('DW_OP_plus_uconst')); return true;
    case 0x24: { const a = pop(), b = pop(); push(a >= 64n ? 0n : b << a); return true; }
    case 0x25: { const a = pop(), b = pop(); push(a >= 64n ? 0n : b >> a); return true; }
    case 0x26: { const a = pop(), b = s64(pop()); push(b >> (a >= 64n ? 63n : a)); return true; }
    case 0x27: { const a = pop(), b = pop(); push(b ^ a); return true; }
    case 0x28: { const off = c.i16('DW_OP_bra offset'); if (pop() !== 0n) c.seek(c.pos + off); return true; }
    case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: {
      const a = s64(pop()), b = s64(pop());
      const r = op === 0x29 ? b === a : op === 0x2a ? b >= a : op === 0x2b ? b > a : op === 0x2c ? b <= a : op === 0x2d ? b < a : b !== a;
      push(r ? 1n : 0n);
      return true;
    }
    case 0x2f: { const off = c.i16('DW_OP_skip offset'); c.seek(c.pos + off); return true; }
    default: return false;
  }
}
