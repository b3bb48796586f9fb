// DWARF location expressions (DWARF 2..5 and the GNU extensions GCC emits): where a variable lives at a pc.
// The result is a list of pieces, each in memory, in a register, a computed value (stack_value), literal bytes
// (implicit_value), an implicit pointer, or nothing (optimized out). Values the expression needs but the caller
// cannot give (a register not recovered in an outer frame, an entry value with no call site) make the piece
// "optimized out": never a wrong value.
import { Cursor, ElfError, hex } from './reader';
import { stackOp } from './dwarfStack';

export type LocKind =
  | { kind: 'memory'; addr: bigint }
  | { kind: 'register'; reg: number }
  | { kind: 'value'; value: bigint }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'implicit_pointer'; die: bigint; offset: bigint }
  | { kind: 'optimized' };

export interface LocPiece {
  loc: LocKind;
  /** Size of the piece in bits (undefined: the whole object). */
  bits?: number;
  /** Bit offset inside the location (DW_OP_bit_piece). */
  offsetBits?: number;
}

export interface LocContext {
  addressSize?: number;
  /** A register (DWARF number: x0..x31 = 0..31, f0..f31 = 32..63); undefined = not known in this frame. */
  readReg(n: number): bigint | undefined;
  /** size bytes little-endian at addr; undefined = unreadable. */
  readMem(addr: bigint, size: number): bigint | undefined;
  /** DW_AT_frame_base of the function, evaluated (undefined: unknown). */
  frameBase?(): bigint | undefined;
  /** The canonical frame address from the CFI. */
  cfa?(): bigint | undefined;
  /** The link-time -> runtime bias of DW_OP_addr/addrx (the object's load bias). */
  bias?: bigint;
  /** DW_OP_addrx / DW_OP_constx: the unit's .debug_addr entry (link-time). */
  addrIndex?(i: bigint): bigint;
  /** DW_OP_entry_value: the value the sub-expression had on entry to the function, when recoverable. */
  entryValue?(expr: Uint8Array): bigint | undefined;
  /** Thread pointer for DW_OP_form_tls_address (TLS offset + tp). */
  tlsAddress?(offset: bigint): bigint | undefined;
}

class Unavailable extends Error {}
const MAX_STEPS = 10000;

/** Evaluates a location description. Bad bytecode throws ElfError; missing inputs give 'optimized' pieces. */
export function evaluateLocation(expr: Uint8Array, ctx: LocContext, pushObjectAddress?: bigint): LocPiece[] {
  try {
    return run(expr, ctx, pushObjectAddress);
  } catch (e) {
    if (e instanceof Unavailable) return [{ loc: { kind: 'optimized' } }];
    throw e;
  }
}

/** Evaluates a DWARF expression to a value (DW_AT_frame_base, DW_AT_call_value, array bounds). */
export function evaluateValue(expr: Uint8Array, ctx: LocContext): bigint | undefined {
  const p = evaluateLocation(expr, ctx);
  if (p.length !== 1) return undefined;
  const l = p[0].loc;
  if (l.kind === 'memory') return l.addr;
  if (l.kind === 'value') return l.value;
  if (l.kind === 'register') return ctx.readReg(l.reg);
  return undefined;
}

function run(expr: Uint8Array, ctx: LocContext, objectAddress?: bigint): LocPiece[] {
  const c = new Cursor(expr, 'DWARF location expression');
  const st: bigint[] = [];
  const pieces: LocPiece[] = [];
  const u64 = (v: bigint) => BigInt.asUintN(64, v);
  const asize = ctx.addressSize ?? 8;
  const bias = ctx.bias ?? 0n;
  const pop = (): bigint => { if (!st.length) c.fail('stack underflow', c.pos - 1); return st.pop()!; };
  const push = (v: bigint) => { if (st.length > 1024) c.fail('stack overflow'); st.push(u64(v)); };
  const reg = (n: number): bigint => { const v = ctx.readReg(n); if (v === undefined) throw new Unavailable(); return v; };
  const mem = (a: bigint, n: number): bigint => { const v = ctx.readMem(a, n); if (v === undefined) throw new Unavailable(); return v; };
  // the location of the current piece when it is not "memory at top of stack"
  let cur: LocKind | undefined;
  const endPiece = (bits: number | undefined, offsetBits?: number) => {
    let loc: LocKind;
    if (cur) loc = cur;
    else if (st.length) loc = { kind: 'memory', addr: st[st.length - 1] };
    else loc = { kind: 'optimized' };
    pieces.push({ loc, bits, offsetBits });
    cur = undefined;
    st.length = 0;
  };
  let steps = 0;
  while (c.remaining > 0) {
    if (++steps > MAX_STEPS) c.fail('expression did not terminate');
    const at = c.pos;
    const op = c.u8('DW_OP');
    if (cur && op !== 0x93 && op !== 0x9d) c.fail(`${hex(op)} after a register/value location (only DW_OP_piece may follow)`, at);
    if (stackOp(op, c, st, push, pop)) continue;
    if (op >= 0x50 && op <= 0x6f) { cur = { kind: 'register', reg: op - 0x50 }; continue; }
    if (op >= 0x70 && op <= 0x8f) { const off = c.slebBig('DW_OP_breg offset'); push(reg(op - 0x70) + off); continue; }
    switch (op) {
      case 0x03: push(c.uN(asize, 'DW_OP_addr') + bias); break;
      case 0x06: push(mem(pop(), asize)); break;
      case 0x90: cur = { kind: 'register', reg: c.uleb('DW_OP_regx') }; break;
      case 0x91: { // fbreg
        const off = c.slebBig('DW_OP_fbreg offset');
        const fb = ctx.frameBase?.();
        if (fb === undefined) throw new Unavailable();
        push(fb + off);
        break;
      }
      case 0x92: { const r = c.uleb('DW_OP_bregx register'); const off = c.slebBig('DW_OP_bregx offset'); push(reg(r) + off); break; }
      case 0x93: endPiece(c.uleb('DW_OP_piece size') * 8); break;
      case 0x94: {
        const n = c.u8('DW_OP_deref_size');
        if (n < 1 || n > 8) c.fail(`DW_OP_deref_size ${n}`);
        push(mem(pop(), n));
        break;
      }
      case 0x96: break; // nop
      case 0x97: if (objectAddress === undefined) return c.fail('DW_OP_push_object_address without an object'); push(objectAddress); break;
      case 0x9b: case 0xe0: { // form_tls_address, GNU_push_tls_address
        const a = ctx.tlsAddress?.(pop());
        if (a === undefined) throw new Unavailable();
        push(a);
        break;
      }
      case 0x9c: { const v = ctx.cfa?.(); if (v === undefined) throw new Unavailable(); push(v); break; }
      case 0x9d: { const size = c.uleb('DW_OP_bit_piece size'); const off = c.uleb('DW_OP_bit_piece offset'); endPiece(size, off); break; }
      case 0x9e: { const n = c.uleb('DW_OP_implicit_value length'); cur = { kind: 'bytes', bytes: c.bytes(n, 'DW_OP_implicit_value') }; break; }
      case 0x9f: cur = { kind: 'value', value: pop() }; break; // stack_value
      case 0xa0: case 0xf2: { // implicit_pointer, GNU_implicit_pointer
        const die = c.uN(op === 0xf2 && asize === 4 ? 4 : 4, 'implicit pointer DIE');
        cur = { kind: 'implicit_pointer', die, offset: c.slebBig('implicit pointer offset') };
        break;
      }
      case 0xa1: case 0xa2: { // addrx, constx
        const i = c.ulebBig('DW_OP_addrx index');
        if (!ctx.addrIndex) return c.fail('DW_OP_addrx without .debug_addr');
        push(ctx.addrIndex(i) + (op === 0xa1 ? bias : 0n));
        break;
      }
      case 0xa3: case 0xf3: { // entry_value, GNU_entry_value
        const n = c.uleb('DW_OP_entry_value length');
        const sub = c.bytes(n, 'DW_OP_entry_value block');
        const v = ctx.entryValue ? ctx.entryValue(sub) : undefined;
        if (v === undefined) throw new Unavailable();
        push(v);
        break;
      }
      case 0xa4: case 0xf4: { // const_type: base type DIE, then a sized constant
        c.uleb('type'); const n = c.u8('const size'); const b = c.bytes(n, 'constant');
        let v = 0n; for (let i = Math.min(n, 8) - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        push(v);
        break;
      }
      case 0xa5: case 0xf5: { const r = c.uleb('register'); c.uleb('type'); push(reg(r)); break; } // regval_type
      case 0xa6: case 0xf6: { const n = c.u8('size'); c.uleb('type'); push(mem(pop(), n)); break; } // deref_type
      case 0xa8: case 0xa9: case 0xf7: case 0xf9: c.uleb('type'); break; // convert, reinterpret: untyped 64-bit values here
      case 0xfa: throw new Unavailable(); // GNU_parameter_ref: needs call-site parameters
      default: c.fail(`unsupported DW_OP ${hex(op)}`, at);
    }
  }
  if (pieces.length) {
    if (cur || st.length) c.fail('expression continues after its last DW_OP_piece');
    return pieces;
  }
  if (cur) return [{ loc: cur }];
  if (!st.length) return [{ loc: { kind: 'optimized' } }]; // empty expression: optimized out
  return [{ loc: { kind: 'memory', addr: st[st.length - 1] } }];
}

export { ElfError };
