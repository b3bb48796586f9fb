// C values: a DWARF type plus where the value lives (memory, a register of a frame, computed bytes, or
// nowhere: optimized out), reading them lazily (a 1 MiB array costs nothing until shown), and gdb's printing
// ({tv_sec = 1, tv_nsec = 2}, 0x10a28 <counter>, "text", '\000' <repeats 15 times>, enum names, bitfields).
import { DW_ATE } from '../elf/dwarfInfo';
import { strip, sizeOf, typeName, isSigned, type CType, type CMember } from '../elf/dwarfTypes';

export interface CMemory {
  read(addr: bigint, size: number): Uint8Array | undefined;
  write(addr: bigint, bytes: Uint8Array): boolean;
  /** '<sym>' / '<sym+off>' for an address that lies inside a sized symbol or function (gdb's print symbol). */
  symbolFor(addr: bigint): string | undefined;
}

export interface CValue {
  type: CType;
  /** In memory at this address. */
  addr?: bigint;
  /** Not in memory: the contents; valid[i] = 0 marks an optimized-out byte. */
  bytes?: Uint8Array;
  valid?: Uint8Array;
  /** In (or starting at) a register of the frame: setVariable writes it there. */
  reg?: number;
  /** A bitfield: bit offset from addr/bytes start and width. */
  bitOffset?: number;
  bitSize?: number;
  /** The whole value is optimized out. */
  optimized?: boolean;
  /** Why the value cannot be read (shown as <error: ...>). */
  error?: string;
}

export class CValueError extends Error {}

const hex = (v: bigint) => '0x' + v.toString(16);
export const MAX_OBJECT = 1 << 20;

/** The raw bytes of a value (undefined bytes in `valid`). Throws CValueError for unreadable memory. */
export function contents(v: CValue, mem: CMemory): { bytes: Uint8Array; valid?: Uint8Array } {
  if (v.optimized) throw new CValueError('optimized out');
  if (v.error) throw new CValueError(v.error);
  const size = Math.min(sizeOf(v.type), MAX_OBJECT);
  if (v.addr !== undefined) {
    const b = mem.read(v.addr, size);
    if (!b) throw new CValueError(`Cannot access memory at address ${hex(v.addr)}`);
    return { bytes: b };
  }
  if (v.bytes) {
    const out = new Uint8Array(size);
    out.set(v.bytes.subarray(0, size));
    const valid = new Uint8Array(size);
    for (let i = 0; i < size; i++) valid[i] = i < v.bytes.length && (!v.valid || v.valid[i]) ? 1 : 0;
    return { bytes: out, valid: valid.every((x) => x) ? undefined : valid };
  }
  throw new CValueError('optimized out');
}

function le(b: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i] ?? 0);
  return v;
}

/** A scalar's bits (sign-extended for signed types), or undefined when optimized out. */
export function scalar(v: CValue, mem: CMemory): bigint | undefined {
  const t = strip(v.type);
  if (v.bitSize !== undefined) {
    const first = Math.floor((v.bitOffset ?? 0) / 8);
    const span = Math.ceil(((v.bitOffset ?? 0) % 8 + v.bitSize) / 8);
    const base: CValue = v.addr !== undefined ? { type: v.type, addr: v.addr + BigInt(first) } : { type: v.type, bytes: v.bytes?.subarray(first), valid: v.valid?.subarray(first) };
    const raw = rawBytes(base, mem, span);
    if (!raw) return undefined;
    let x = (le(raw, 0, span) >> BigInt((v.bitOffset ?? 0) % 8)) & ((1n << BigInt(v.bitSize)) - 1n);
    if (isSigned(t)) x = BigInt.asIntN(v.bitSize, x);
    return x;
  }
  const size = sizeOf(t);
  const c = contents(v, mem);
  if (c.valid && c.valid.some((x) => !x)) return undefined;
  const x = le(c.bytes, 0, Math.min(size, 16));
  return isSigned(t) ? BigInt.asIntN(size * 8, x) : x;
}

function rawBytes(v: CValue, mem: CMemory, n: number): Uint8Array | undefined {
  if (v.addr !== undefined) {
    const b = mem.read(v.addr, n);
    if (!b) throw new CValueError(`Cannot access memory at address ${hex(v.addr)}`);
    return b;
  }
  if (!v.bytes || v.bytes.length < n) return undefined;
  if (v.valid && v.valid.subarray(0, n).some((x) => !x)) return undefined;
  return v.bytes.subarray(0, n);
}

export function member(v: CValue, m: CMember): CValue {
  const out: CValue = { type: m.type, optimized: v.optimized, error: v.error };
  if (m.bitSize !== undefined) {
    const byte = Math.floor((m.bitOffset ?? 0) / 8);
    out.bitSize = m.bitSize;
    out.bitOffset = (m.bitOffset ?? 0) - byte * 8;
    if (v.addr !== undefined) out.addr = v.addr + BigInt(byte);
    else if (v.bytes) { out.bytes = v.bytes.subarray(byte); out.valid = v.valid?.subarray(byte); }
    return out;
  }
  if (v.addr !== undefined) out.addr = v.addr + BigInt(m.offset);
  else if (v.bytes) { out.bytes = v.bytes.subarray(m.offset); out.valid = v.valid?.subarray(m.offset); if (v.reg !== undefined && m.offset === 0) out.reg = v.reg; }
  return out;
}

export function element(v: CValue, elemType: CType, i: number): CValue {
  const size = sizeOf(elemType);
  const out: CValue = { type: elemType, optimized: v.optimized, error: v.error };
  if (v.addr !== undefined) out.addr = v.addr + BigInt(i) * BigInt(size);
  else if (v.bytes) { out.bytes = v.bytes.subarray(i * size); out.valid = v.valid?.subarray(i * size); }
  return out;
}

/** Members of a struct/union, with anonymous members kept as one unnamed entry (gdb shows them nested). */
export function members(t: CType): CMember[] {
  const s = strip(t);
  return s.kind === 'struct' || s.kind === 'union' ? s.members() : [];
}

// ---------------------------------------------------------------- gdb formatting

export interface FormatOptions {
  /** gdb's `print elements` (200). */
  elements: number;
  /** gdb's `print repeats` (10). */
  repeats: number;
  /** Nesting limit for summaries. */
  depth: number;
}
export const GDB_DEFAULTS: FormatOptions = { elements: 200, repeats: 10, depth: 12 };

const NAMED_ESC: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 27: '\\033' };

function escChar(c: number, quote: string): string {
  if (c === quote.charCodeAt(0)) return '\\' + quote;
  if (c === 0x5c) return '\\\\';
  if (NAMED_ESC[c]) return NAMED_ESC[c];
  if (c >= 0x20 && c < 0x7f) return String.fromCharCode(c);
  return '\\' + c.toString(8).padStart(3, '0');
}

/** gdb's wide character types, by their typedef names: the prefix of their literals (L'x', u'x', U'x'). */
export function wideCharPrefix(t: CType): string | undefined {
  let c: CType | undefined = t;
  for (let i = 0; c && i < 16; i++) {
    if (c.kind === 'typedef') {
      if (c.name === 'wchar_t') return 'L';
      if (c.name === 'char16_t') return 'u';
      if (c.name === 'char32_t') return 'U';
      c = c.target();
    } else if (c.kind === 'qual') c = c.target();
    else break;
  }
  const s = strip(t);
  if (s.kind === 'base' && s.encoding === DW_ATE.UTF && s.size === 2) return 'u';
  if (s.kind === 'base' && s.encoding === DW_ATE.UTF && s.size === 4) return 'U';
  return undefined;
}

export function isCharType(t: CType): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.size === 1 && (s.encoding === DW_ATE.signed_char || s.encoding === DW_ATE.unsigned_char || s.encoding === DW_ATE.UTF);
}

/** %g with `digits` significant digits, as gdb prints float (9) and double (17). */
export function formatFloat(x: number, digits: number): string {
  if (Number.isNaN(x)) return x < 0 || Object.is(x, -NaN) ? '-nan(0x8000000000000)' : 'nan(0x8000000000000)';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toPrecision(digits);
  let e = exp;
  const m = /e([+-]\d+)$/.exec(s);
  if (m) e = Number(m[1]);
  else {
    // toPrecision may round up across a power of ten
    const t = x.toExponential(digits - 1);
    e = Number(/e([+-]\d+)$/.exec(t)![1]);
  }
  if (e < -4 || e >= digits) {
    s = x.toExponential(digits - 1);
    const parts = s.split('e');
    let mant = parts[0];
    const ex = parts[1];
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const n = Number(ex);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  s = x.toFixed(Math.max(0, digits - 1 - e));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

function floatValue(bits: bigint, size: number): number {
  const b = Buffer.alloc(16);
  if (size === 4) { b.writeUInt32LE(Number(bits & 0xffffffffn)); return b.readFloatLE(0); }
  if (size === 8) { b.writeBigUInt64LE(BigInt.asUintN(64, bits)); return b.readDoubleLE(0); }
  if (size === 16) {
    // binary128 -> nearest double (enough for display)
    const sign = (bits >> 127n) & 1n, e = Number((bits >> 112n) & 0x7fffn), mant = bits & ((1n << 112n) - 1n);
    if (e === 0x7fff) return mant ? NaN : sign ? -Infinity : Infinity;
    const m = Number(mant >> 60n) / 2 ** 52 + (e ? 1 : 0);
    const v = m * 2 ** ((e || 1) - 16383);
    return sign ? -v : v;
  }
  return NaN;
}

function formatBase(t: Extract<CType, { kind: 'base' }>, x: bigint): string {
  switch (t.encoding) {
    case DW_ATE.boolean: return x === 0n ? 'false' : x === 1n ? 'true' : String(x);
    case DW_ATE.float: return formatFloat(floatValue(x, t.size), t.size === 4 ? 9 : t.size === 8 ? 17 : 36 > 17 ? 17 : 17);
    case DW_ATE.signed_char: case DW_ATE.unsigned_char: case DW_ATE.UTF:
      if (t.size === 1) return `${x} '${escChar(Number(BigInt.asUintN(8, x)), "'")}'`;
      return String(x);
    default: return String(x);
  }
}

function formatEnum(t: Extract<CType, { kind: 'enum' }>, x: bigint): string {
  const vals = t.values();
  const hit = vals.find(([, v]) => v === x);
  if (hit) return hit[0];
  // a "flag enum" (every value a distinct set of bits): (A | B | unknown: 0x8), as gdb does
  const flag = vals.length > 0 && vals.every(([, v]) => v > 0n) && vals.every(([, v], i) => vals.every(([, w], j) => i === j || (v & w) === 0n));
  if (flag && x > 0n) {
    const parts: string[] = [];
    let rest = x;
    for (const [n, v] of vals) if ((rest & v) === v) { parts.push(n); rest &= ~v; }
    if (parts.length) return `(${parts.join(' | ')}${rest ? ` | unknown: ${hex(rest)}` : ''})`;
  }
  return String(x);
}

/** A C string at addr (gdb reads up to `print elements` characters). */
export function readCStr(mem: CMemory, addr: bigint, limit: number): { text: string; truncated: boolean } | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < limit; i++) {
    const b = mem.read(addr + BigInt(i), 1);
    if (!b) return bytes.length ? { text: quoteRun(bytes, 10), truncated: false } : undefined;
    if (b[0] === 0) return { text: quoteRun(bytes, 10), truncated: false };
    bytes.push(b[0]);
  }
  return { text: quoteRun(bytes, 10), truncated: true };
}

/** gdb's string printing: quoted runs, and runs longer than `repeats` as 'c' <repeats N times>. */
function quoteRun(bytes: number[], repeats: number, prefix = ''): string {
  if (!bytes.length) return `${prefix}""`;
  const segs: string[] = [];
  let cur = '';
  let i = 0;
  while (i < bytes.length) {
    let j = i + 1;
    while (j < bytes.length && bytes[j] === bytes[i]) j++;
    const n = j - i;
    if (n > repeats) {
      if (cur) { segs.push(`${prefix}"${cur}"`); cur = ''; }
      segs.push(`${prefix}'${escChar(bytes[i], "'")}' <repeats ${n} times>`);
    } else {
      for (let k = 0; k < n; k++) cur += escChar(bytes[i], '"');
    }
    i = j;
  }
  if (cur) segs.push(`${prefix}"${cur}"`);
  return segs.join(', ');
}

function pointerText(t: Extract<CType, { kind: 'pointer' }>, x: bigint, mem: CMemory, o: FormatOptions): string {
  const addr = BigInt.asUintN(64, x);
  let s = hex(addr);
  const target = strip(t.target());
  const sym = addr !== 0n ? mem.symbolFor(addr) : undefined;
  if (sym) s += ` ${sym}`;
  if (isCharType(t.target()) && addr !== 0n) {
    const str = readCStr(mem, addr, o.elements);
    if (str) s += ` ${str.text}${str.truncated ? '...' : ''}`;
    else s += ` <error: Cannot access memory at address ${hex(addr)}>`;
  }
  void target;
  return s;
}

/** gdb's one-line value text (as in `info locals` / `print` without the type prefix). */
export function formatValue(v: CValue, mem: CMemory, o: FormatOptions = GDB_DEFAULTS, depth = 0): string {
  if (v.optimized) return '<optimized out>';
  if (v.error) return `<error: ${v.error}>`;
  const t = strip(v.type);
  try {
    switch (t.kind) {
      case 'void': return 'void';
      case 'base': case 'enum': case 'pointer': {
        const x = scalar(v, mem);
        if (x === undefined) return '<optimized out>';
        if (t.kind === 'base' && t.encoding === DW_ATE.complex_float) {
          // gdb: re + imi (two floats of half the size each)
          const bits = BigInt.asUintN(t.size * 8, x), half = t.size / 2;
          const re = floatValue(bits & ((1n << BigInt(half * 8)) - 1n), half), im = floatValue(bits >> BigInt(half * 8), half);
          const d = half === 4 ? 9 : 17;
          return `${formatFloat(re, d)} + ${formatFloat(im, d)}i`;
        }
        const wide = t.kind === 'base' ? wideCharPrefix(v.type) : undefined;
        if (wide) return `${x} ${wide}'${escChar(Number(BigInt.asUintN(t.size * 8, x)), "'")}'`;
        if (t.kind === 'base') return formatBase(t, x);
        if (t.kind === 'enum') return formatEnum(t, x);
        const tt = strip(t.target());
        if (tt.kind === 'func') return pointerText(t, x, mem, o);
        return pointerText(t, x, mem, o);
      }
      case 'func': return `{${typeName(v.type)}} ${v.addr !== undefined ? hex(v.addr) : '?'}${v.addr !== undefined && mem.symbolFor(v.addr) ? ' ' + mem.symbolFor(v.addr) : ''}`;
      case 'struct': case 'union': {
        if (depth >= o.depth) return '{...}';
        const parts = t.members().map((m) => {
          const mv = member(v, m);
          const text = formatValue(mv, mem, o, depth + 1);
          return m.name !== undefined ? `${m.name} = ${text}` : text;
        });
        return `{${parts.join(', ')}}`;
      }
      case 'array': return formatArray(v, t, mem, o, depth);
    }
  } catch (e) {
    if (e instanceof CValueError) return e.message === 'optimized out' ? '<optimized out>' : `<error: ${e.message}>`;
    throw e;
  }
  return '?';
}

function formatArray(v: CValue, t: Extract<CType, { kind: 'array' }>, mem: CMemory, o: FormatOptions, depth: number): string {
  const elem = t.elem();
  if (t.count === undefined) {
    // a flexible array member: gdb shows where it starts (and the string for char)
    if (v.addr === undefined) return '<optimized out>';
    return pointerText({ kind: 'pointer', size: 8, target: t.elem }, v.addr, mem, o);
  }
  const count = t.count;
  if (isCharType(elem)) {
    const n = Math.min(count, o.elements);
    const c = contents({ ...v, type: { kind: 'array', elem: t.elem, count: n } }, mem);
    if (c.valid && c.valid.some((x) => !x)) return '<optimized out>';
    let bytes = [...c.bytes.subarray(0, n)];
    // print null-stop off: all elements, except that one trailing NUL is not shown
    const truncated = count > o.elements;
    if (!truncated && bytes.length && bytes[bytes.length - 1] === 0) bytes = bytes.slice(0, -1);
    return quoteRun(bytes, o.repeats) + (truncated ? '...' : '');
  }
  const wide = wideCharPrefix(t.elem());
  const es = sizeOf(elem);
  if (wide && (es === 2 || es === 4)) {
    const n = Math.min(count, o.elements);
    const c = contents({ ...v, type: { kind: 'array', elem: t.elem, count: n } }, mem);
    if (c.valid && c.valid.some((x) => !x)) return '<optimized out>';
    let chars: number[] = [];
    for (let i = 0; i < n; i++) { let u = 0; for (let k = es - 1; k >= 0; k--) u = u * 256 + c.bytes[i * es + k]; chars.push(u); }
    const truncated = count > o.elements;
    if (!truncated && chars.length && chars[chars.length - 1] === 0) chars = chars.slice(0, -1);
    return quoteRun(chars, o.repeats, wide) + (truncated ? '...' : '');
  }
  if (count === 0) return '{}';
  if (depth >= o.depth) return '{...}';
  const parts: string[] = [];
  let shown = 0;
  let i = 0;
  while (i < count && shown < o.elements) {
    const text = formatValue(element(v, elem, i), mem, o, depth + 1);
    let j = i + 1;
    while (j < count && formatValue(element(v, elem, j), mem, o, depth + 1) === text) j++;
    const reps = j - i;
    if (reps > o.repeats) { parts.push(`${text} <repeats ${reps} times>`); i = j; shown += o.repeats; }
    else { parts.push(text); i++; shown++; }
  }
  return `{${parts.join(', ')}${i < count ? '...' : ''}}`;
}

/** `print` prefixes pointers with their type: (struct vlab_timespec *) 0x3fffffe0e8. */
export function formatForPrint(v: CValue, mem: CMemory, o: FormatOptions = GDB_DEFAULTS): string {
  const text = formatValue(v, mem, o);
  const t = strip(v.type);
  if (t.kind === 'pointer' && text !== '<optimized out>') {
    const tt = strip(t.target());
    if (!isCharType(t.target()) || tt.kind !== 'base') return `(${typeName(v.type)}) ${text}`;
  }
  return text;
}

/** An IEEE double's bits as binary128 bits (long double on riscv64): exact, every double is a quad. */
function doubleToBinary128(d: bigint): bigint {
  const sign = (d >> 63n) & 1n;
  let e = Number((d >> 52n) & 0x7ffn);
  let m = d & ((1n << 52n) - 1n);
  let qe: bigint;
  if (e === 0x7ff) qe = 0x7fffn;
  else if (e === 0 && m === 0n) qe = 0n;
  else {
    if (e === 0) { e = 1; while (!(m & (1n << 52n))) { m <<= 1n; e--; } m &= (1n << 52n) - 1n; } // subnormal: normalise
    qe = BigInt(e - 1023 + 16383);
  }
  return (sign << 127n) | (qe << 112n) | (m << 60n);
}

/** Encode a number into a scalar type's bytes (for setVariable and casts). */
export function encodeScalar(t: CType, x: bigint | number): Uint8Array {
  const s = strip(t);
  const size = sizeOf(s);
  const out = new Uint8Array(size);
  let bits: bigint;
  if (s.kind === 'base' && s.encoding === DW_ATE.float) {
    const f = typeof x === 'number' ? x : Number(BigInt.asIntN(64, x));
    const b = Buffer.alloc(8);
    if (size === 4) { b.writeFloatLE(f); bits = BigInt(b.readUInt32LE(0)); } else { b.writeDoubleLE(f); bits = b.readBigUInt64LE(0); }
    if (size === 16) bits = doubleToBinary128(bits);
  } else {
    bits = typeof x === 'number' ? BigInt(Math.trunc(x)) : x;
    if (s.kind === 'base' && s.encoding === DW_ATE.boolean) bits = bits ? 1n : 0n;
  }
  for (let i = 0; i < size; i++) { out[i] = Number((bits >> BigInt(i * 8)) & 0xffn); }
  return out;
}

/** A scalar as a JS number for float types. */
export function floatOf(v: CValue, mem: CMemory): number | undefined {
  const t = strip(v.type);
  const x = scalar(v, mem);
  if (x === undefined || t.kind !== 'base') return undefined;
  return floatValue(BigInt.asUintN(t.size * 8, x), t.size);
}

export { hex as hexOf };
