// Expressions of the debug console, breakpoint conditions and watches, over 64-bit integers:
//   registers and CSRs ($a0, a0, x10, $pc, $sstatus, sstatus.SPP, $scause.Code), symbols (main, __vdso_clock_gettime),
//   numbers (0x10, 42, 0b101), memory (*ADDR reads 8 bytes; *(u32*)ADDR, *(uint8_t *)ADDR pick the width),
//   C operators: unary - ~ ! *, * / % + - << >> < <= > >= == != & ^ | && ||, parentheses.
export interface ExprEnv {
  /** A register, CSR or CSR field by name (without '$'); undefined when there is no such name. */
  register(name: string): bigint | undefined;
  /** A symbol's runtime address; undefined when no loaded object defines it. */
  symbol(name: string): bigint | undefined;
  /** Read `size` bytes (1, 2, 4, 8) little-endian; throws when unmapped. */
  read(addr: bigint, size: number): bigint;
}

export class ExprError extends Error {}

import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from './limits';

const TYPES: Record<string, [number, boolean]> = {
  u8: [1, false], u16: [2, false], u32: [4, false], u64: [8, false],
  i8: [1, true], i16: [2, true], i32: [4, true], i64: [8, true], s8: [1, true], s16: [2, true], s32: [4, true], s64: [8, true],
  uint8_t: [1, false], uint16_t: [2, false], uint32_t: [4, false], uint64_t: [8, false],
  int8_t: [1, true], int16_t: [2, true], int32_t: [4, true], int64_t: [8, true],
  char: [1, true], short: [2, true], int: [4, true], long: [8, true], 'unsigned char': [1, false],
  'unsigned short': [2, false], 'unsigned int': [4, false], 'unsigned long': [8, false], unsigned: [4, false],
  'long long': [8, true], 'unsigned long long': [8, false], 'void': [8, false], size_t: [8, false],
};

type Tok = { t: 'num'; v: bigint } | { t: 'id'; v: string; reg: boolean } | { t: 'op'; v: string } | { t: 'end' };

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(0x[0-9a-f_]+|0b[01_]+|0o[0-7_]+|[0-9][0-9_]*)/i.exec(s.slice(i));
    if (num) {
      const text = num[1].replace(/_/g, '');
      out.push({ t: 'num', v: BigInt(text.toLowerCase().startsWith('0') && /^0[0-7]+$/.test(text) ? '0o' + text.slice(1) : text) });
      i += num[1].length;
      if (/[a-z_$]/i.test(s[i] ?? '')) throw new ExprError(`malformed number near '${s.slice(i - num[1].length, i + 4)}'`);
      continue;
    }
    const id = /^\$?[A-Za-z_.][A-Za-z0-9_.@$]*/.exec(s.slice(i));
    if (id) {
      const reg = id[0].startsWith('$');
      out.push({ t: 'id', v: reg ? id[0].slice(1) : id[0], reg });
      i += id[0].length;
      continue;
    }
    const op = /^(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!<>()])/.exec(s.slice(i));
    if (op) { out.push({ t: 'op', v: op[1] }); i += op[1].length; continue; }
    throw new ExprError(`unexpected character '${c}' at column ${i + 1}`);
  }
  out.push({ t: 'end' });
  return out;
}

const BIN: [string[], (a: bigint, b: bigint) => bigint][] = [
  [['||'], (a, b) => (a || b ? 1n : 0n)],
  [['&&'], (a, b) => (a && b ? 1n : 0n)],
  [['|'], (a, b) => a | b],
  [['^'], (a, b) => a ^ b],
  [['&'], (a, b) => a & b],
  [['==', '!='], () => 0n],
  [['<', '<=', '>', '>='], () => 0n],
  [['<<', '>>'], () => 0n],
  [['+', '-'], () => 0n],
  [['*', '/', '%'], () => 0n],
];

/** Every operation reduces to 64 bits as it goes: a product of 20,000 factors stays a 64-bit multiply each. */
function apply(op: string, a: bigint, b: bigint): bigint {
  return BigInt.asUintN(64, apply64(op, a, b));
}

function apply64(op: string, a: bigint, b: bigint): bigint {
  const sa = BigInt.asIntN(64, a), sb = BigInt.asIntN(64, b);
  switch (op) {
    case '||': return a || b ? 1n : 0n;
    case '&&': return a && b ? 1n : 0n;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return sa < sb ? 1n : 0n;
    case '<=': return sa <= sb ? 1n : 0n;
    case '>': return sa > sb ? 1n : 0n;
    case '>=': return sa >= sb ? 1n : 0n;
    case '<<': return a << (b & 63n);
    case '>>': return a >> (b & 63n);
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': if (b === 0n) throw new ExprError('division by zero'); return sa / sb;
    case '%': if (b === 0n) throw new ExprError('division by zero'); return sa % sb;
  }
  throw new ExprError(`unknown operator ${op}`);
}

/** Evaluate an expression to an unsigned 64-bit value. */
export function evaluateExpr(text: string, env: ExprEnv): bigint {
  if (!text.trim()) throw new ExprError('empty expression');
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExprError(`an expression of ${text.length} characters: at most ${MAX_EXPRESSION_LENGTH} (docs/limits.md)`);
  const toks = lex(text);
  let p = 0;
  let depth = 0;
  const enter = () => {
    if (++depth > MAX_EXPRESSION_DEPTH) throw new ExprError(`the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels (docs/limits.md)`);
  };
  const peek = () => toks[p];
  const isOp = (v: string) => { const t = toks[p]; return t.t === 'op' && t.v === v; };
  const expectOp = (v: string) => {
    if (!isOp(v)) throw new ExprError(`expected '${v}' ${describeTok(peek())}`);
    p++;
  };
  const describeTok = (t: Tok) => (t.t === 'end' ? 'at the end' : `before '${t.t === 'num' ? '0x' + t.v.toString(16) : t.v}'`);

  const castAhead = (): [number, boolean] | undefined => {
    // '(' typename ['*'] ')' : a cast; returns [size, signed] of the pointee (or of the value when no '*').
    if (!isOp('(')) return undefined;
    let q = p + 1;
    const words: string[] = [];
    while (toks[q].t === 'id' && !(toks[q] as { reg: boolean }).reg) { words.push((toks[q] as { v: string }).v); q++; }
    if (!words.length) return undefined;
    const name = words.filter((w) => w !== 'const' && w !== 'volatile').join(' ');
    const ty = TYPES[name];
    if (!ty) return undefined;
    let ptr = false;
    if (toks[q].t === 'op' && (toks[q] as { v: string }).v === '*') { ptr = true; q++; }
    if (!(toks[q].t === 'op' && (toks[q] as { v: string }).v === ')')) return undefined;
    p = q + 1;
    return ptr ? [ty[0] + 100, ty[1]] : ty; // +100 marks a pointer cast
  };

  const unary = (): bigint => {
    enter();
    try { return unary1(); } finally { depth--; }
  };
  const unary1 = (): bigint => {
    const t = peek();
    if (t.t === 'op') {
      if (t.v === '-') { p++; return BigInt.asUintN(64, -unary()); }
      if (t.v === '+') { p++; return unary(); }
      if (t.v === '~') { p++; return BigInt.asUintN(64, ~unary()); }
      if (t.v === '!') { p++; return unary() === 0n ? 1n : 0n; }
      if (t.v === '*') {
        p++;
        const save = p;
        const cast = castAhead();
        if (cast && cast[0] > 100) {
          const [size, signed] = [cast[0] - 100, cast[1]];
          const v = env.read(BigInt.asUintN(64, unary()), size);
          return signed ? BigInt.asIntN(size * 8, v) : v;
        }
        p = save;
        return env.read(BigInt.asUintN(64, unary()), 8);
      }
      const cast = castAhead();
      if (cast) {
        const v = unary();
        if (cast[0] > 100) return v;
        return cast[1] ? BigInt.asIntN(cast[0] * 8, v) : BigInt.asUintN(cast[0] * 8, v);
      }
    }
    return primary();
  };

  const primary = (): bigint => {
    const t = peek();
    if (t.t === 'num') { p++; return t.v; }
    if (t.t === 'id') {
      p++;
      if (t.reg) {
        const r = env.register(t.v);
        if (r === undefined) throw new ExprError(`no register or CSR named $${t.v}`);
        return r;
      }
      const r = env.register(t.v) ?? env.symbol(t.v);
      if (r === undefined) throw new ExprError(`no symbol, register or CSR named '${t.v}' in the loaded objects`);
      return r;
    }
    if (t.t === 'op' && t.v === '(') {
      p++;
      const v = binary(0);
      expectOp(')');
      return v;
    }
    throw new ExprError(`expected a value ${describeTok(t)}`);
  };

  const binary = (level: number): bigint => {
    if (level >= BIN.length) return unary();
    let a = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t.t !== 'op' || !BIN[level][0].includes(t.v)) return a;
      p++;
      const b = binary(level + 1);
      a = apply(t.v, a, b);
    }
  };

  const v = binary(0);
  if (peek().t !== 'end') throw new ExprError(`unexpected ${describeTok(peek()).replace(/^before /, '')} in '${text}'`);
  return BigInt.asUintN(64, v);
}

/** Parse a number written as in expressions (0x..., decimal, 0b...). */
export function parseNumber(text: string): bigint | undefined {
  const t = text.trim().replace(/_/g, '');
  if (!/^-?(0x[0-9a-f]+|0b[01]+|[0-9]+)$/i.test(t)) return undefined;
  const neg = t.startsWith('-');
  const v = BigInt(neg ? t.slice(1) : t);
  return BigInt.asUintN(64, neg ? -v : v);
}

// ================================================================ C expressions over DWARF-typed values
// Names in scope, -> . [] unary * & - + ! ~, sizeof, casts to base types and to the program's types
// ((struct vdso_data *)0x...), arithmetic and comparisons with C's integer promotions and usual arithmetic
// conversions on 64-bit values, pointer arithmetic, ?:, registers ($a0, $pc) and CSRs ($sstatus). Bounded: at
// most MAX_C_LENGTH characters, MAX_C_DEPTH nesting; every error is an ExprError with a message for users.
import { DW_ATE } from '../elf/dwarfInfo';
import { strip, sizeOf, typeName, isSigned, isFloat, type CType } from '../elf/dwarfTypes';
import { member, members, scalar, floatOf, encodeScalar, CValueError, type CValue, type CMemory } from './cvalue';

export interface CEnv {
  mem: CMemory;
  /** A variable in scope (locals, arguments, globals); undefined when not known. */
  variable(name: string): CValue | undefined;
  /** A register, CSR or CSR field (without '$'). */
  register(name: string): bigint | undefined;
  /** A symbol's address (functions and data without debug info). */
  symbol(name: string): bigint | undefined;
  /** A type by name: 'int', 'vlab_u64', or a tag with tag kind ('struct', 'union', 'enum'). */
  type(name: string, tag?: 'struct' | 'union' | 'enum'): CType | undefined;
  /** An enumerator constant by name. */
  enumerator?(name: string): CValue | undefined;
}

export const MAX_C_LENGTH = 1000;
export const MAX_C_DEPTH = 64;

const base = (name: string, size: number, encoding: number): CType => ({ kind: 'base', name, size, encoding });
export const C_TYPES: Record<string, CType> = {
  char: base('char', 1, DW_ATE.signed_char), 'signed char': base('signed char', 1, DW_ATE.signed_char), 'unsigned char': base('unsigned char', 1, DW_ATE.unsigned_char),
  short: base('short', 2, DW_ATE.signed), 'unsigned short': base('unsigned short', 2, DW_ATE.unsigned),
  int: base('int', 4, DW_ATE.signed), 'unsigned int': base('unsigned int', 4, DW_ATE.unsigned),
  long: base('long', 8, DW_ATE.signed), 'unsigned long': base('unsigned long', 8, DW_ATE.unsigned),
  'long long': base('long long', 8, DW_ATE.signed), 'unsigned long long': base('unsigned long long', 8, DW_ATE.unsigned),
  float: base('float', 4, DW_ATE.float), double: base('double', 8, DW_ATE.float), 'long double': base('long double', 16, DW_ATE.float),
  _Bool: base('_Bool', 1, DW_ATE.boolean),
  u8: base('u8', 1, DW_ATE.unsigned), u16: base('u16', 2, DW_ATE.unsigned), u32: base('u32', 4, DW_ATE.unsigned), u64: base('u64', 8, DW_ATE.unsigned),
  s8: base('s8', 1, DW_ATE.signed), s16: base('s16', 2, DW_ATE.signed), s32: base('s32', 4, DW_ATE.signed), s64: base('s64', 8, DW_ATE.signed),
  i8: base('i8', 1, DW_ATE.signed), i16: base('i16', 2, DW_ATE.signed), i32: base('i32', 4, DW_ATE.signed), i64: base('i64', 8, DW_ATE.signed),
};
const WORDS_NORMAL: Record<string, string> = {
  'short int': 'short', 'signed short': 'short', 'short signed int': 'short', 'short unsigned int': 'unsigned short', 'unsigned short int': 'unsigned short',
  signed: 'int', 'signed int': 'int', unsigned: 'unsigned int', 'long int': 'long', 'signed long': 'long', 'long signed int': 'long',
  'long unsigned int': 'unsigned long', 'unsigned long int': 'unsigned long', 'long long int': 'long long', 'long long unsigned int': 'unsigned long long',
  'unsigned long long int': 'unsigned long long', 'long long signed int': 'long long',
};
const VOID_T: CType = { kind: 'void', name: 'void' };
const TYPE_WORDS = new Set(['char', 'short', 'int', 'long', 'signed', 'unsigned', 'float', 'double', '_Bool', 'void', 'const', 'volatile', 'struct', 'union', 'enum']);

type CTok = { t: 'num'; v: bigint; float?: number; unsigned?: boolean; long?: boolean } | { t: 'id'; v: string } | { t: 'reg'; v: string } | { t: 'op'; v: string } | { t: 'char'; v: number } | { t: 'end' };

function clex(s: string): CTok[] {
  const out: CTok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    const rest = s.slice(i);
    const fl = /^(\d+\.\d*(e[+-]?\d+)?|\d+e[+-]?\d+|\.\d+(e[+-]?\d+)?)f?/i.exec(rest);
    if (fl) { out.push({ t: 'num', v: 0n, float: Number(fl[0].replace(/f$/i, '')) }); i += fl[0].length; continue; }
    const num = /^(0x[0-9a-f]+|0b[01]+|[0-9]+)([ul]*)/i.exec(rest);
    if (num) {
      const text = num[1];
      const v = BigInt(/^0[0-7]+$/.test(text) ? '0o' + text.slice(1) : text);
      out.push({ t: 'num', v, unsigned: /u/i.test(num[2]), long: /l/i.test(num[2]) });
      i += num[0].length;
      if (/[a-z_$]/i.test(s[i] ?? '')) throw new ExprError(`malformed number near '${s.slice(i - num[0].length, i + 4)}'`);
      continue;
    }
    const ch = /^'(\\[0-7]{1,3}|\\x[0-9a-f]+|\\.|[^'\\])'/i.exec(rest);
    if (ch) {
      const b = ch[1];
      let v: number;
      if (b.startsWith('\\x')) v = parseInt(b.slice(2), 16);
      else if (/^\\[0-7]/.test(b)) v = parseInt(b.slice(1), 8);
      else if (b.startsWith('\\')) v = ({ n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, e: 27 } as Record<string, number>)[b[1]] ?? b.charCodeAt(1);
      else v = b.charCodeAt(0);
      out.push({ t: 'char', v: v & 0xff });
      i += ch[0].length;
      continue;
    }
    const reg = /^\$[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/.exec(rest);
    if (reg) { out.push({ t: 'reg', v: reg[0].slice(1) }); i += reg[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (id) { out.push({ t: 'id', v: id[0] }); i += id[0].length; continue; }
    const op = /^(->|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!<>()[\].?:,])/.exec(rest);
    if (op) { out.push({ t: 'op', v: op[1] }); i += op[1].length; continue; }
    throw new ExprError(`unexpected character '${c}' at column ${i + 1}`);
  }
  out.push({ t: 'end' });
  return out;
}

/** Identifiers (not registers, not keywords) an expression names: the session uses it to pick the C evaluator. */
export function cIdentifiers(text: string): string[] {
  try { return clex(text).filter((t): t is { t: 'id'; v: string } => t.t === 'id').map((t) => t.v).filter((v) => v !== 'sizeof' && !TYPE_WORDS.has(v)); } catch { return []; }
}

function rv(type: CType, x: bigint | number): CValue {
  return { type, bytes: encodeScalar(type, x) };
}

/** Evaluate a C expression to a typed value. */
export function evaluateC(text: string, env: CEnv): CValue {
  if (text.length > MAX_C_LENGTH) throw new ExprError(`expression longer than ${MAX_C_LENGTH} characters`);
  if (!text.trim()) throw new ExprError('empty expression');
  const toks = clex(text);
  let p = 0;
  let depth = 0;
  const peek = (k = 0) => toks[Math.min(p + k, toks.length - 1)];
  const isOp = (v: string, k = 0) => { const t = peek(k); return t.t === 'op' && t.v === v; };
  const expect = (v: string) => { if (!isOp(v)) throw new ExprError(`expected '${v}' ${where()}`); p++; };
  const where = () => { const t = peek(); return t.t === 'end' ? 'at the end' : `before '${'v' in t ? t.v : ''}'`; };
  const enter = () => { if (++depth > MAX_C_DEPTH) throw new ExprError(`expression nested deeper than ${MAX_C_DEPTH}`); };
  const leave = () => { depth--; };

  const num = (v: CValue): bigint => {
    try {
      const x = scalar(v, env.mem);
      if (x === undefined) throw new ExprError('value has been optimized out');
      return x;
    } catch (e) {
      if (e instanceof CValueError) throw new ExprError(e.message === 'optimized out' ? 'value has been optimized out' : e.message);
      throw e;
    }
  };
  const fnum = (v: CValue): number => {
    if (isFloat(v.type)) { const f = floatOf(v, env.mem); if (f === undefined) throw new ExprError('value has been optimized out'); return f; }
    const x = num(v);
    return Number(x);
  };
  /** Arrays decay to pointers, functions to function pointers. */
  const decay = (v: CValue): CValue => {
    const t = strip(v.type);
    if (t.kind === 'array') {
      if (v.addr === undefined) throw new ExprError('the array is not in memory');
      const elem = t.elem;
      return rv({ kind: 'pointer', size: 8, target: elem }, v.addr);
    }
    if (t.kind === 'func') return rv({ kind: 'pointer', size: 8, target: () => v.type }, v.addr ?? 0n);
    return v;
  };
  const kind = (v: CValue) => strip(v.type).kind;
  const isInt = (v: CValue) => { const k = strip(v.type); return (k.kind === 'base' && k.encoding !== DW_ATE.float) || k.kind === 'enum'; };
  const promote = (v: CValue): CType => {
    const t = strip(v.type);
    if (t.kind === 'enum') return t.size < 4 || t.signed || t.size === 4 ? C_TYPES.int : C_TYPES['unsigned long'];
    if (t.kind === 'base' && t.encoding !== DW_ATE.float && t.size < 4) return C_TYPES.int;
    return t.kind === 'base' ? t : C_TYPES.long;
  };
  const common = (a: CValue, b: CValue): CType => {
    if (isFloat(a.type) || isFloat(b.type)) {
      const sa = isFloat(a.type) ? sizeOf(a.type) : 0, sb = isFloat(b.type) ? sizeOf(b.type) : 0;
      return sa >= sb ? strip(a.type) : strip(b.type);
    }
    const ta = promote(a), tb = promote(b);
    const za = sizeOf(ta), zb = sizeOf(tb);
    const ua = !isSigned(ta), ub = !isSigned(tb);
    if (za === zb) return ua || ub ? (za === 8 ? C_TYPES['unsigned long'] : C_TYPES['unsigned int']) : (za === 8 ? C_TYPES.long : C_TYPES.int);
    return za > zb ? (za === 8 ? (ua ? C_TYPES['unsigned long'] : C_TYPES.long) : ta) : (zb === 8 ? (ub ? C_TYPES['unsigned long'] : C_TYPES.long) : tb);
  };
  const truthy = (v: CValue): boolean => (isFloat(v.type) ? fnum(v) !== 0 : num(decay(v)) !== 0n);

  const deref = (v: CValue): CValue => {
    v = decay(v);
    const t = strip(v.type);
    if (t.kind !== 'pointer') throw new ExprError(`attempt to take the contents of a non-pointer value (${typeName(v.type)})`);
    const target = t.target();
    if (strip(target).kind === 'void') throw new ExprError('attempt to take the contents of a void pointer');
    return { type: target, addr: BigInt.asUintN(64, num(v)) };
  };
  const memberOf = (v: CValue, name: string): CValue => {
    const t = strip(v.type);
    if (t.kind !== 'struct' && t.kind !== 'union') throw new ExprError(`attempt to extract a component of a value that is not a structure (${typeName(v.type)})`);
    const find = (val: CValue, d: number): CValue | undefined => {
      if (d > 8) return undefined;
      for (const m of members(val.type)) {
        if (m.name === name) return member(val, m);
        if (m.name === undefined) { const r = find(member(val, m), d + 1); if (r) return r; }
      }
      return undefined;
    };
    const r = find(v, 0);
    if (!r) throw new ExprError(`There is no member named ${name}.`);
    return r;
  };

  // a type name at p: base words, typedef names, struct/union/enum tags, then '*'s; undefined when not a type
  const typeAhead = (): { type: CType; len: number } | undefined => {
    let q = p;
    const words: string[] = [];
    let tag: 'struct' | 'union' | 'enum' | undefined;
    let t: CType | undefined;
    for (;;) {
      const tk = toks[q];
      if (tk.t !== 'id') break;
      if (tk.v === 'const' || tk.v === 'volatile') { q++; continue; }
      if (tk.v === 'struct' || tk.v === 'union' || tk.v === 'enum') {
        tag = tk.v;
        const n = toks[q + 1];
        if (n.t !== 'id') throw new ExprError(`expected a name after '${tk.v}'`);
        t = env.type(n.v, tag);
        if (!t) throw new ExprError(`No ${tag} type named ${n.v}.`);
        q += 2;
        break;
      }
      if (TYPE_WORDS.has(tk.v) && tk.v !== 'struct') { words.push(tk.v); q++; continue; }
      if (!words.length && env.variable(tk.v) === undefined) {
        const td = env.type(tk.v) ?? C_TYPES[tk.v];
        if (td) { t = td; q++; }
      }
      break;
    }
    if (!t && words.length) {
      let name = words.join(' ');
      name = WORDS_NORMAL[name] ?? name;
      t = name === 'void' ? VOID_T : C_TYPES[name];
      if (!t) throw new ExprError(`unknown type '${words.join(' ')}'`);
    }
    if (!t) return undefined;
    for (;;) {
      const tk = toks[q];
      if (tk.t === 'op' && tk.v === '*') { const inner: CType = t; t = { kind: 'pointer', size: 8, target: () => inner }; q++; continue; }
      if (tk.t === 'id' && (tk.v === 'const' || tk.v === 'volatile')) { q++; continue; }
      break;
    }
    return { type: t, len: q - p };
  };

  const cast = (v: CValue, t: CType): CValue => {
    const s = strip(t);
    if (s.kind === 'void') return { type: t, bytes: new Uint8Array(0) };
    if (s.kind === 'struct' || s.kind === 'union' || s.kind === 'array') {
      if (v.addr === undefined) throw new ExprError(`Invalid cast to ${typeName(t)}`);
      return { type: t, addr: v.addr };
    }
    const dv = decay(v);
    if (isFloat(t)) return rv(t, fnum(dv));
    if (isFloat(dv.type)) return rv(t, BigInt(Math.trunc(fnum(dv))));
    return rv(t, num(dv));
  };

  const arith = (op: string, a: CValue, b: CValue): CValue => {
    a = decay(a); b = decay(b);
    const pa = kind(a) === 'pointer', pb = kind(b) === 'pointer';
    if ((op === '+' || op === '-') && (pa || pb)) {
      if (pa && pb) {
        if (op !== '-') throw new ExprError('cannot add two pointers');
        const sz = BigInt(Math.max(1, sizeOf((strip(a.type) as { target: () => CType }).target())));
        return rv(C_TYPES.long, BigInt.asIntN(64, num(a) - num(b)) / sz);
      }
      const [ptr, idx] = pa ? [a, b] : [b, a];
      if (!isInt(idx)) throw new ExprError('pointer arithmetic needs an integer');
      if (op === '-' && !pa) throw new ExprError('cannot subtract a pointer from an integer');
      const sz = BigInt(Math.max(1, sizeOf((strip(ptr.type) as { target: () => CType }).target())));
      const d = num(idx) * sz;
      return rv(ptr.type, BigInt.asUintN(64, op === '+' ? num(ptr) + d : num(ptr) - d));
    }
    const cmp = ['==', '!=', '<', '<=', '>', '>='].includes(op);
    if (pa || pb) {
      if (!cmp && !['&&', '||'].includes(op)) throw new ExprError(`operator ${op} on a pointer`);
      const x = BigInt.asUintN(64, num(a)), y = BigInt.asUintN(64, num(b));
      return rv(C_TYPES.int, compare(op, x, y) ? 1n : 0n);
    }
    for (const v of [a, b]) { const k = kind(v); if (k !== 'base' && k !== 'enum') throw new ExprError(`operator ${op} needs numbers, not ${typeName(v.type)}`); }
    const t = common(a, b);
    if (isFloat(t)) {
      const x = fnum(a), y = fnum(b);
      if (cmp) return rv(C_TYPES.int, compare(op, x, y) ? 1n : 0n);
      switch (op) {
        case '+': return rv(t, x + y);
        case '-': return rv(t, x - y);
        case '*': return rv(t, x * y);
        case '/': return rv(t, x / y);
        default: throw new ExprError(`operator ${op} on floating-point values`);
      }
    }
    const bits = sizeOf(t) * 8;
    const norm = (x: bigint) => (isSigned(t) ? BigInt.asIntN(bits, x) : BigInt.asUintN(bits, x));
    const x = norm(num(a)), y = norm(num(b));
    if (cmp) return rv(C_TYPES.int, compare(op, x, y) ? 1n : 0n);
    let r: bigint;
    switch (op) {
      case '+': r = x + y; break;
      case '-': r = x - y; break;
      case '*': r = x * y; break;
      case '/': if (y === 0n) throw new ExprError('Division by zero'); r = x / y; break;
      case '%': if (y === 0n) throw new ExprError('Division by zero'); r = x % y; break;
      case '&': r = x & y; break;
      case '|': r = x | y; break;
      case '^': r = x ^ y; break;
      case '<<': { const tp = promote(a); return rv(tp, BigInt.asUintN(sizeOf(tp) * 8, norm(num(a)) << (BigInt.asUintN(64, num(b)) & 63n))); }
      case '>>': { const tp = promote(a); const xa = isSigned(tp) ? BigInt.asIntN(sizeOf(tp) * 8, num(a)) : BigInt.asUintN(sizeOf(tp) * 8, num(a)); return rv(tp, xa >> (BigInt.asUintN(64, num(b)) & 63n)); }
      default: throw new ExprError(`unknown operator ${op}`);
    }
    return rv(t, norm(r));
  };

  const postfix = (v: CValue): CValue => {
    for (;;) {
      if (isOp('[')) {
        p++;
        const i = expr();
        expect(']');
        const base = decay(v);
        const bt = strip(base.type);
        if (bt.kind !== 'pointer') throw new ExprError(`cannot subscript something of type \`${typeName(v.type)}'`);
        v = deref(arith('+', base, i));
        continue;
      }
      if (isOp('.') || isOp('->')) {
        const arrow = isOp('->');
        p++;
        const n = peek();
        if (n.t !== 'id') throw new ExprError(`expected a member name ${where()}`);
        p++;
        v = memberOf(arrow ? deref(v) : v, n.v);
        continue;
      }
      return v;
    }
  };

  const primary = (): CValue => {
    const t = peek();
    if (t.t === 'num') {
      p++;
      if (t.float !== undefined) return rv(C_TYPES.double, t.float);
      const fitsInt = t.v <= 0x7fffffffn;
      const ty = t.long || !fitsInt && !(t.unsigned && t.v <= 0xffffffffn) ? (t.unsigned || t.v > 0x7fffffffffffffffn ? C_TYPES['unsigned long'] : C_TYPES.long) : t.unsigned ? C_TYPES['unsigned int'] : C_TYPES.int;
      return rv(ty, t.v);
    }
    if (t.t === 'char') { p++; return rv(C_TYPES.char, BigInt(t.v)); }
    if (t.t === 'reg') {
      p++;
      const r = env.register(t.v);
      if (r === undefined) throw new ExprError(`no register or CSR named $${t.v}`);
      return rv(C_TYPES.long, r);
    }
    if (t.t === 'id') {
      p++;
      const v = env.variable(t.v);
      if (v) return v;
      const e = env.enumerator?.(t.v);
      if (e) return e;
      const r = env.register(t.v);
      if (r !== undefined) return rv(C_TYPES.long, r);
      const a = env.symbol(t.v);
      if (a !== undefined) return { type: C_TYPES.int, addr: a, bytes: undefined };
      throw new ExprError(`No symbol "${t.v}" in current context.`);
    }
    if (isOp('(')) {
      p++;
      const v = expr();
      expect(')');
      return v;
    }
    throw new ExprError(`expected a value ${where()}`);
  };

  const unary = (): CValue => {
    enter();
    try {
      const t = peek();
      if (t.t === 'id' && t.v === 'sizeof') {
        p++;
        if (isOp('(')) {
          const save = p;
          p++;
          const ty = typeAhead();
          if (ty && toks[p + ty.len].t === 'op' && (toks[p + ty.len] as { v: string }).v === ')') { p += ty.len + 1; return rv(C_TYPES['unsigned long'], BigInt(sizeOf(ty.type))); }
          p = save;
        }
        const v = unary();
        return rv(C_TYPES['unsigned long'], BigInt(sizeOf(v.type)));
      }
      if (t.t === 'op') {
        switch (t.v) {
          case '-': { p++; const v = unary(); if (isFloat(v.type)) return rv(strip(v.type), -fnum(v)); const ty = promote(v); return rv(ty, -num(v)); }
          case '+': { p++; const v = unary(); return isFloat(v.type) ? v : rv(promote(v), num(v)); }
          case '~': { p++; const v = unary(); if (!isInt(v)) throw new ExprError('~ needs an integer'); return rv(promote(v), ~num(v)); }
          case '!': { p++; const v = unary(); return rv(C_TYPES.int, truthy(v) ? 0n : 1n); }
          case '*': { p++; return deref(unary()); }
          case '&': {
            p++;
            const v = unary();
            if (v.addr === undefined || v.bitSize !== undefined) throw new ExprError('Attempt to take address of value not located in memory.');
            const target = v.type;
            return rv({ kind: 'pointer', size: 8, target: () => target }, v.addr);
          }
          case '(': {
            const save = p;
            p++;
            const ty = typeAhead();
            if (ty && toks[p + ty.len].t === 'op' && (toks[p + ty.len] as { v: string }).v === ')') {
              p += ty.len + 1;
              return cast(unary(), ty.type);
            }
            p = save;
            break;
          }
        }
      }
      return postfix(primary());
    } finally { leave(); }
  };

  const LEVELS: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  const binary = (level: number): CValue => {
    if (level >= LEVELS.length) return unary();
    enter();
    try {
      let a = binary(level + 1);
      for (;;) {
        const t = peek();
        if (t.t !== 'op' || !LEVELS[level].includes(t.v)) return a;
        p++;
        if (t.v === '&&' || t.v === '||') {
          const b = binary(level + 1);
          const r = t.v === '&&' ? truthy(a) && truthy(b) : truthy(a) || truthy(b);
          a = rv(C_TYPES.int, r ? 1n : 0n);
          continue;
        }
        a = arith(t.v, a, binary(level + 1));
      }
    } finally { leave(); }
  };
  const expr = (): CValue => {
    const c = binary(0);
    if (isOp('?')) {
      p++;
      const x = expr();
      expect(':');
      const y = expr();
      return truthy(c) ? x : y;
    }
    return c;
  };

  const v = expr();
  if (peek().t !== 'end') throw new ExprError(`unexpected ${where().replace(/^before /, '')} in '${text}'`);
  return v;
}

function compare(op: string, x: bigint | number, y: bigint | number): boolean {
  switch (op) {
    case '==': return x === y;
    case '!=': return x !== y;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
  }
  return false;
}

