// Evaluation of GNU as operand expressions, as far as the language server needs it: a constant (BigInt, with
// the assembler's 64-bit wrap-around), a relocation operator (%lo(sym), %pcrel_hi(sym), ...), or something
// symbolic whose value the assembler only knows later (a label, `.`, a numeric local label reference).
// `unknown` means "cannot tell": a C preprocessor macro, a .macro argument (\arg), or syntax we do not model.

export type ExprValue =
  | { readonly t: 'const'; readonly v: bigint; readonly big?: boolean }
  | { readonly t: 'reloc'; readonly op: string }
  | { readonly t: 'sym'; readonly ids: readonly string[] }
  | { readonly t: 'unknown' }
  /** Not an expression: a memory operand `off(reg)` or trailing text the assembler rejects. */
  | { readonly t: 'bad' };

export interface ExprEnv {
  /** Value of an .equ/.set symbol (or a #define of a plain number), if known to be constant. */
  constant(name: string): bigint | undefined;
  /** True when the identifier may be a C preprocessor macro we cannot see (in .S files). */
  mayBeMacro(name: string): boolean;
}

const MASK64 = (1n << 64n) - 1n;
const wrap = (v: bigint): bigint => {
  const u = v & MASK64;
  return u >= 1n << 63n ? u - (1n << 64n) : u;
};

type Tok = { k: 'num'; v: bigint } | { k: 'id'; s: string } | { k: 'op'; s: string } | { k: 'rel'; s: string };

function tokenize(src: string): Tok[] | undefined {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '\\') return undefined;
    const rest = src.slice(i);
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^%([A-Za-z_][\w]*)\s*\(/))) { out.push({ k: 'rel', s: m[1] }); i += m[0].length; continue; }
    if ((m = rest.match(/^0[xX][0-9a-fA-F]+/))) { out.push({ k: 'num', v: BigInt(m[0]) }); i += m[0].length; continue; }
    if ((m = rest.match(/^0[bB][01]+/))) { out.push({ k: 'num', v: BigInt(m[0]) }); i += m[0].length; continue; }
    if ((m = rest.match(/^[0-9]+[bf]\b/))) { out.push({ k: 'id', s: m[0] }); i += m[0].length; continue; }
    if ((m = rest.match(/^0[0-7]+\b/))) { out.push({ k: 'num', v: BigInt('0o' + m[0].slice(1)) }); i += m[0].length; continue; }
    if ((m = rest.match(/^[0-9]+\b/))) { out.push({ k: 'num', v: BigInt(m[0]) }); i += m[0].length; continue; }
    if ((m = rest.match(/^'(\\.|[^\\])'?/))) {
      const ch = m[1].length === 2 ? ({ n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39 } as Record<string, number>)[m[1][1]] ?? m[1].charCodeAt(1) : m[1].charCodeAt(0);
      out.push({ k: 'num', v: BigInt(ch) }); i += m[0].length; continue;
    }
    if ((m = rest.match(/^[A-Za-z_.$][\w.$@]*/))) { out.push({ k: 'id', s: m[0] }); i += m[0].length; continue; }
    if ((m = rest.match(/^(<<|>>|&&|\|\||==|!=|<=|>=|<>|[-+*/%&|^~!()<>])/))) { out.push({ k: 'op', s: m[0] }); i += m[0].length; continue; }
    return undefined;
  }
  return out;
}

/** Thrown (not an Error: no stack to capture) when the value cannot be known. */
const UNKNOWN = { unknown: true } as const;

/** Evaluates an operand expression. */
export function evalExpr(src: string, env: ExprEnv): ExprValue {
  const toks = tokenize(src.trim());
  if (!toks || toks.length === 0) return { t: 'unknown' };
  let p = 0;
  let reloc: string | undefined;
  const ids: string[] = [];
  let symbolic = false;
  // a literal wider than 64 bits is an error only on its own (inside an expression gas truncates it)
  const lit = toks.filter((t) => !(t.k === 'op' && (t.s === '-' || t.s === '+' || t.s === '(' || t.s === ')')));
  const big = lit.length === 1 && lit[0].k === 'num' && lit[0].v > MASK64;
  if (toks.some((t) => t.k === 'rel') && !relocPlacementOk(toks)) return { t: 'bad' };
  const peek = () => toks[p];
  const isOp = (s: string) => { const t = toks[p]; return t !== undefined && t.k === 'op' && t.s === s; };
  // Returns undefined for a symbolic value.
  const primary = (): bigint | undefined => {
    const t = toks[p++];
    if (!t) throw UNKNOWN;
    if (t.k === 'num') return wrap(t.v);
    if (t.k === 'rel') {
      // %op(expr): the argument is a symbol expression; its value does not matter here.
      let depth = 1;
      while (p < toks.length && depth > 0) {
        const u = toks[p++];
        if (u.k === 'op' && u.s === '(') depth++;
        else if (u.k === 'rel') depth++;
        else if (u.k === 'op' && u.s === ')') depth--;
      }
      if (depth !== 0) throw UNKNOWN;
      reloc = reloc === undefined ? t.s : reloc;
      return undefined;
    }
    if (t.k === 'id') {
      const c = env.constant(t.s);
      if (c !== undefined) return c;
      if (env.mayBeMacro(t.s)) throw UNKNOWN;
      ids.push(t.s);
      symbolic = true;
      return undefined;
    }
    if (t.s === '(') {
      const v = binary(0);
      if (!isOp(')')) throw UNKNOWN;
      p++;
      return v;
    }
    if (t.s === '-' || t.s === '~' || t.s === '!' || t.s === '+') {
      const v = primary();
      if (v === undefined) return undefined;
      return t.s === '-' ? wrap(-v) : t.s === '~' ? wrap(~v) : t.s === '!' ? (v === 0n ? 1n : 0n) : v;
    }
    throw UNKNOWN;
  };
  const PREC: Record<string, number> = {
    '||': 1, '&&': 2, '==': 3, '!=': 3, '<>': 3, '<': 3, '>': 3, '<=': 3, '>=': 3,
    '+': 4, '-': 4, '|': 5, '^': 5, '&': 5, '!': 5, '*': 6, '/': 6, '%': 6, '<<': 6, '>>': 6,
  };
  const binary = (min: number): bigint | undefined => {
    let l = primary();
    for (;;) {
      const t = peek();
      if (!t || t.k !== 'op' || PREC[t.s] === undefined || PREC[t.s] < min) return l;
      p++;
      const r = binary(PREC[t.s] + 1);
      if (l === undefined || r === undefined) { l = undefined; continue; }
      switch (t.s) {
        case '+': l = wrap(l + r); break;
        case '-': l = wrap(l - r); break;
        case '*': l = wrap(l * r); break;
        case '/': if (r === 0n) throw UNKNOWN; l = wrap(l / r); break;
        case '%': if (r === 0n) throw UNKNOWN; l = wrap(l % r); break;
        case '<<': l = r >= 64n || r < 0n ? 0n : wrap(l << r); break;
        case '>>': l = r >= 64n || r < 0n ? 0n : wrap(l >> r); break;
        case '&': l = wrap(l & r); break;
        case '|': l = wrap(l | r); break;
        case '^': l = wrap(l ^ r); break;
        case '!': l = wrap(l | ~r); break;
        case '&&': l = l !== 0n && r !== 0n ? 1n : 0n; break;
        case '||': l = l !== 0n || r !== 0n ? 1n : 0n; break;
        // gas comparisons yield -1 for true
        case '==': l = l === r ? -1n : 0n; break;
        case '!=': case '<>': l = l !== r ? -1n : 0n; break;
        case '<': l = l < r ? -1n : 0n; break;
        case '>': l = l > r ? -1n : 0n; break;
        case '<=': l = l <= r ? -1n : 0n; break;
        case '>=': l = l >= r ? -1n : 0n; break;
      }
    }
  };
  try {
    const v = binary(0);
    if (p !== toks.length) {
      const rest = toks[p];
      return rest.k === 'op' && rest.s === '(' ? { t: 'bad' } : { t: 'unknown' };
    }
    if (reloc !== undefined) return { t: 'reloc', op: reloc };
    if (symbolic || v === undefined) return { t: 'sym', ids };
    return big ? { t: 'const', v, big } : { t: 'const', v };
  } catch (e) {
    if (e === UNKNOWN) return { t: 'unknown' };
    throw e;
  }
}

/**
 * gas accepts a relocation operator only at the start of an expression (optionally parenthesised), followed by
 * nothing or by `+`/`-` and a constant: `%lo(x)+4` and `(%lo(x))` but not `4+%lo(x)`, `-%lo(x)`, `%lo(x)<<3`.
 */
function relocPlacementOk(toks: Tok[]): boolean {
  let k = 0;
  while (toks[k]?.k === 'op' && (toks[k] as { s: string }).s === '(') k++;
  if (toks[k]?.k !== 'rel') return false;
  let depth = 1;
  let i = k + 1;
  for (; i < toks.length && depth > 0; i++) {
    const t = toks[i];
    if (t.k === 'rel' || (t.k === 'op' && t.s === '(')) depth++;
    else if (t.k === 'op' && t.s === ')') depth--;
  }
  for (let c = 0; c < k; c++, i++) if (!(toks[i]?.k === 'op' && (toks[i] as { s: string }).s === ')')) return false;
  if (i === toks.length) return true;
  const next = toks[i];
  return next.k === 'op' && (next.s === '+' || next.s === '-') && !toks.slice(i).some((t) => t.k === 'rel');
}
