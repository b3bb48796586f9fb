// A minimal WebAssembly binary encoder for the block translator (./translate.ts): LEB128, the few sections
// the JIT modules need (types, imports of a memory or a table, functions, exports, code) and the opcodes it
// emits. Nothing here knows about RISC-V.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const FUNCREF = 0x70;

/** Opcodes (WebAssembly 2.0 core, plus sign-extension ops which Node 20 has). */
export const Op = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d,
  return: 0x0f, call: 0x10, call_indirect: 0x11, drop: 0x1a, select: 0x1b,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, i64_load: 0x29,
  i64_load8_s: 0x30, i64_load8_u: 0x31, i64_load16_s: 0x32, i64_load16_u: 0x33, i64_load32_s: 0x34, i64_load32_u: 0x35,
  i32_store: 0x36, i64_store: 0x37, i64_store8: 0x3c, i64_store16: 0x3d, i64_store32: 0x3e,
  i32_const: 0x41, i64_const: 0x42,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ne: 0x47, i32_lt_s: 0x48, i32_lt_u: 0x49, i32_gt_s: 0x4a, i32_gt_u: 0x4b,
  i32_le_s: 0x4c, i32_le_u: 0x4d, i32_ge_s: 0x4e, i32_ge_u: 0x4f,
  i64_eqz: 0x50, i64_eq: 0x51, i64_ne: 0x52, i64_lt_s: 0x53, i64_lt_u: 0x54, i64_gt_s: 0x55, i64_gt_u: 0x56,
  i64_le_s: 0x57, i64_le_u: 0x58, i64_ge_s: 0x59, i64_ge_u: 0x5a,
  i32_add: 0x6a, i32_sub: 0x6b, i32_mul: 0x6c, i32_div_s: 0x6d, i32_div_u: 0x6e, i32_rem_s: 0x6f, i32_rem_u: 0x70,
  i32_and: 0x71, i32_or: 0x72, i32_xor: 0x73, i32_shl: 0x74, i32_shr_s: 0x75, i32_shr_u: 0x76,
  i64_add: 0x7c, i64_sub: 0x7d, i64_mul: 0x7e, i64_div_s: 0x7f, i64_div_u: 0x80, i64_rem_s: 0x81, i64_rem_u: 0x82,
  i64_and: 0x83, i64_or: 0x84, i64_xor: 0x85, i64_shl: 0x86, i64_shr_s: 0x87, i64_shr_u: 0x88,
  i32_wrap_i64: 0xa7, i64_extend_i32_s: 0xac, i64_extend_i32_u: 0xad, i64_extend32_s: 0xc4,
} as const;

export function uleb(out: number[], v: number): void {
  v >>>= 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

export function sleb(out: number[], v: number): void {
  v |= 0;
  while (true) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

export function sleb64(out: number[], v: bigint): void {
  v = BigInt.asIntN(64, v);
  if (v >= -0x80000000n && v <= 0x7fffffffn) { sleb(out, Number(v)); return; }
  while (true) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

function name(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/** A function body under construction: instructions only (locals are given to `module`). */
export class Code {
  readonly b: number[] = [];
  op(...xs: number[]): this { for (const x of xs) this.b.push(x); return this; }
  get(l: number): this { this.b.push(Op.local_get); uleb(this.b, l); return this; }
  set(l: number): this { this.b.push(Op.local_set); uleb(this.b, l); return this; }
  tee(l: number): this { this.b.push(Op.local_tee); uleb(this.b, l); return this; }
  i32(v: number): this { this.b.push(Op.i32_const); sleb(this.b, v); return this; }
  i64(v: bigint | number): this {
    this.b.push(Op.i64_const);
    if (typeof v === 'number' && (v | 0) === v) sleb(this.b, v); else sleb64(this.b, BigInt(v));
    return this;
  }
  /** A load or store with its memarg (alignment hint log2, byte offset). */
  mem(op: number, align: number, offset: number): this { this.b.push(op); uleb(this.b, align); uleb(this.b, offset); return this; }
  br(depth: number): this { this.b.push(Op.br); uleb(this.b, depth); return this; }
  brIf(depth: number): this { this.b.push(Op.br_if); uleb(this.b, depth); return this; }
}

export interface FuncType { params: number[]; results: number[] }
export interface Func { type: number; locals: [count: number, type: number][]; code: number[] }
export interface ModuleSpec {
  types: FuncType[];
  /** Imports: a memory (min pages) or a funcref table (min size). */
  imports?: ({ module: string; name: string; kind: 'memory'; min: number } | { module: string; name: string; kind: 'table'; min: number })[];
  funcs: Func[];
  exports?: { name: string; func: number }[];
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  for (const x of body) out.push(x);
}

export function encodeModule(m: ModuleSpec): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  let s: number[] = [];
  uleb(s, m.types.length);
  for (const t of m.types) {
    s.push(0x60);
    uleb(s, t.params.length); s.push(...t.params);
    uleb(s, t.results.length); s.push(...t.results);
  }
  section(out, 1, s);
  if (m.imports?.length) {
    s = [];
    uleb(s, m.imports.length);
    for (const im of m.imports) {
      name(s, im.module); name(s, im.name);
      if (im.kind === 'memory') { s.push(0x02, 0x00); uleb(s, im.min); }
      else { s.push(0x01, FUNCREF, 0x00); uleb(s, im.min); }
    }
    section(out, 2, s);
  }
  s = [];
  uleb(s, m.funcs.length);
  for (const f of m.funcs) uleb(s, f.type);
  section(out, 3, s);
  if (m.exports?.length) {
    s = [];
    uleb(s, m.exports.length);
    for (const e of m.exports) { name(s, e.name); s.push(0x00); uleb(s, e.func); }
    section(out, 7, s);
  }
  s = [];
  uleb(s, m.funcs.length);
  for (const f of m.funcs) {
    const body: number[] = [];
    uleb(body, f.locals.length);
    for (const [n, t] of f.locals) { uleb(body, n); body.push(t); }
    for (const x of f.code) body.push(x);
    body.push(Op.end);
    uleb(s, body.length);
    for (const x of body) s.push(x);
  }
  section(out, 10, s);
  return Uint8Array.from(out);
}
