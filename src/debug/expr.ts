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

function apply(op: string, a: bigint, b: bigint): bigint {
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
  const toks = lex(text);
  let p = 0;
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
    const t = peek();
    if (t.t === 'op') {
      if (t.v === '-') { p++; return -unary(); }
      if (t.v === '+') { p++; return unary(); }
      if (t.v === '~') { p++; return ~unary(); }
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
