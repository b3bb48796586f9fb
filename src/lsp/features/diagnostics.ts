// Diagnostics: unknown mnemonic, wrong operand count or kind, unknown register or CSR, immediate out of range.
// The assembler is the oracle: what riscv64-linux-gnu-as -march=rv64gc accepts gets no error. In .S files an
// identifier may be a C macro we cannot see, so anything that could be one is left alone.

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { evalExpr } from '../expr';
import { CSR_NAMES, FREGS, REGISTER_LIKE, ROUNDING_MODES, XREGS, lookupMnemonic, formSyntax, type Mnemonic } from '../asmSyntax';
import { isKnownDirective } from '../directives';
import { LO_RELOCS, type Form, type RegSet, type Spec } from '../specs';
import { resolveNumeric, type ParsedDoc, type Statement, type Tok } from '../parser';

export const SOURCE = 'riscv-asm';

interface Problem {
  readonly message: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

const fmtRanges = (rs: readonly (readonly [bigint, bigint])[]) => rs.map(([a, b]) => `${a}..${b}`).join(' or ');
const IDENT_ONLY = /^[A-Za-z_.$][\w.$]*$/;

function problem(t: Tok, message: string): Problem {
  return { message, line: t.line, start: t.start, end: t.end };
}

const REG_SET_TEXT: Record<RegSet, string> = {
  any: '', c: 'one of x8-x15 (s0, s1, a0-a5)', nz: 'a register other than x0', sp: 'sp', nzsp: 'a register other than x0 and sp',
};

function checkXReg(doc: ParsedDoc, t: Tok, set: RegSet, what: string): Problem | undefined {
  const r = XREGS.get(t.text);
  if (r === undefined) {
    if (FREGS.has(t.text)) return problem(t, `expected an integer register for ${what}, got floating-point register '${t.text}'`);
    if (IDENT_ONLY.test(t.text)) {
      if (doc.env.mayBeMacro(t.text) && !REGISTER_LIKE.test(t.text)) return undefined;
      return problem(t, `unknown register '${t.text}'`);
    }
    return problem(t, `expected an integer register for ${what}, got '${t.text}'`);
  }
  const ok = set === 'any' || (set === 'c' && r >= 8 && r <= 15) || (set === 'nz' && r !== 0) || (set === 'sp' && r === 2) ||
    (set === 'nzsp' && r !== 0 && r !== 2);
  return ok ? undefined : problem(t, `${what} must be ${REG_SET_TEXT[set]}, got '${t.text}'`);
}

function checkFReg(doc: ParsedDoc, t: Tok, set: 'any' | 'c', what: string): Problem | undefined {
  const r = FREGS.get(t.text);
  if (r === undefined) {
    if (XREGS.has(t.text)) return problem(t, `expected a floating-point register for ${what}, got integer register '${t.text}'`);
    if (IDENT_ONLY.test(t.text)) {
      if (doc.env.mayBeMacro(t.text) && !REGISTER_LIKE.test(t.text)) return undefined;
      return problem(t, `unknown register '${t.text}'`);
    }
    return problem(t, `expected a floating-point register for ${what}, got '${t.text}'`);
  }
  return set === 'c' && (r < 8 || r > 15) ? problem(t, `${what} must be one of f8-f15 (fs0, fs1, fa0-fa5), got '${t.text}'`) : undefined;
}

function checkImm(doc: ParsedDoc, t: Tok, ranges: readonly (readonly [bigint, bigint])[], align: number | undefined,
  relocs: readonly string[], what: string, mn: string): Problem | undefined {
  const v = evalExpr(t.text, doc.env);
  switch (v.t) {
    case 'unknown': return undefined;
    case 'bad': return problem(t, `expected an immediate for '${mn}', got '${t.text}'`);
    case 'reloc':
      if (relocs.includes(v.op)) return undefined;
      return problem(t, relocs.length === 0
        ? `relocation %${v.op} not allowed in the ${what} of '${mn}'`
        : `relocation %${v.op} not allowed in the ${what} of '${mn}' (use ${relocs.map((r) => '%' + r).join(', ')})`);
    case 'sym':
      return problem(t, `${what} of '${mn}' must be a constant, '${t.text}' is not`);
    case 'const':
      if (v.big || !ranges.some(([a, b]) => v.v >= a && v.v <= b)) {
        return problem(t, `${what} ${v.big ? t.text : v.v} out of range for '${mn}' (${fmtRanges(ranges)})`);
      }
      if (align !== undefined && v.v % BigInt(align) !== 0n) return problem(t, `${what} ${v.v} of '${mn}' must be a multiple of ${align}`);
      return undefined;
  }
}

/** Splits `offset(reg)` into its offset text and register token. */
export function splitMem(t: Tok): { off: Tok; reg: Tok } | undefined {
  const m = t.text.match(/^(.*?)\(\s*([^()]*?)\s*\)$/s);
  if (!m || !t.text.endsWith(')')) return undefined;
  // the base register is the last parenthesised group
  const open = t.text.lastIndexOf('(');
  const inner = t.text.slice(open + 1, -1);
  const lead = inner.length - inner.trimStart().length;
  const off = t.text.slice(0, open).trim();
  if (off !== '' && !/[\w)'$.]$/.test(off)) return undefined;
  return {
    off: { text: off, line: t.line, start: t.start, end: t.start + off.length },
    reg: { text: inner.trim(), line: t.line, start: t.start + open + 1 + lead, end: t.start + open + 1 + lead + inner.trim().length },
  };
}

function checkOperand(doc: ParsedDoc, t: Tok, s: Spec, mn: string): Problem | undefined {
  if (t.text === '') return s.k === 'target' ? undefined : problem(t, `missing operand (${s.name}) for '${mn}'`);
  switch (s.k) {
    case 'x': return checkXReg(doc, t, s.set, s.name);
    case 'f': return checkFReg(doc, t, s.set, s.name);
    case 'imm': return checkImm(doc, t, s.ranges, s.align, s.relocs, s.name === 'imm' ? 'immediate' : s.name, mn);
    case 'mem': {
      const m = splitMem(t);
      if (!m) return problem(t, `expected ${s.name} for '${mn}', got '${t.text}'`);
      const r = checkXReg(doc, m.reg, s.base, 'base register');
      if (r) return r;
      if (m.off.text === '') return undefined;
      const relocs = s.zeroOnly || s.base !== 'any' ? [] : LO_RELOCS;
      return checkImm(doc, m.off, [[s.min, s.max]], s.align, relocs, 'offset', mn);
    }
    case 'csr': {
      if (CSR_NAMES.has(t.text)) return undefined;
      const v = evalExpr(t.text, doc.env);
      if (v.t === 'unknown') return undefined;
      if (v.t === 'const') return v.v >= 0n && v.v <= 0xfffn ? undefined : problem(t, `CSR address ${v.v} out of range (0..4095)`);
      if (v.t === 'bad') return problem(t, `expected a CSR for '${mn}', got '${t.text}'`);
      return problem(t, `unknown CSR '${t.text}'`);
    }
    case 'target': {
      const v = evalExpr(t.text, doc.env);
      if (v.t === 'bad') return problem(t, `expected a label for '${mn}', got '${t.text}'`);
      if (v.t === 'reloc') return problem(t, `relocation %${v.op} not allowed in the target of '${mn}'`);
      if (t.text.includes('@')) return problem(t, `'${mn}' takes no @plt/@ suffix (use call or tail)`);
      if (v.t === 'const' && (v.v < -(1n << 31n) || v.v >= 1n << 32n)) return problem(t, `target address ${t.text} does not fit in 32 bits`);
      return undefined;
    }
    case 'address': {
      const v = evalExpr(t.text, doc.env);
      if (v.t === 'bad') return problem(t, `expected a symbol for '${mn}', got '${t.text}'`);
      if (v.t === 'reloc') return problem(t, `relocation %${v.op} not allowed in the symbol of '${mn}'`);
      if (t.text.includes('@') && mn !== 'call' && mn !== 'tail') return problem(t, `'${mn}' takes no @ suffix`);
      if (v.t === 'sym' && new Set(v.ids).size >= 2 && !t.text.includes('-')) return problem(t, `'${t.text}' adds two symbols: not an address`);
      return undefined;
    }
    case 'symbol': {
      if (splitMem(t)) return problem(t, `expected a symbol for '${mn}', got '${t.text}'`);
      const v = evalExpr(t.text, doc.env);
      return v.t === 'const' ? problem(t, `expected offset(register) or a symbol for '${mn}', got '${t.text}'`) : undefined;
    }
    case 'li': {
      const v = evalExpr(t.text, doc.env);
      if (v.t === 'const' && v.big) return problem(t, `constant ${t.text} does not fit in 64 bits`);
      if (v.t === 'sym') return problem(t, `'li' needs a constant, '${t.text}' is not (use la for addresses)`);
      if (v.t === 'reloc' && !LO_RELOCS.includes(v.op)) return problem(t, `'li' needs a constant, not %${v.op}`);
      if (v.t === 'bad') return problem(t, `'li' needs a constant, got '${t.text}'`);
      return undefined;
    }
    case 'rm':
      return (ROUNDING_MODES as readonly string[]).includes(t.text) ? undefined : problem(t, `unknown rounding mode '${t.text}'`);
    case 'fence':
      return /^(?=.)i?o?r?w?$/.test(t.text) ? undefined : problem(t, `invalid fence set '${t.text}' (a subset of iorw, in that order)`);
    case 'tpadd': {
      const v = evalExpr(t.text, doc.env);
      return v.t === 'reloc' && v.op === 'tprel_add' ? undefined : problem(t, `expected %tprel_add(symbol), got '${t.text}'`);
    }
  }
}

/** Operands we cannot judge: .macro arguments and, in .S, macro calls. */
function opaque(doc: ParsedDoc, t: Tok): boolean {
  return t.text.includes('\\') || (doc.preprocessed && /^[A-Za-z_]\w*\s*\(/.test(t.text) && !t.text.startsWith('%'));
}

function checkForm(doc: ParsedDoc, st: Statement, f: Form, mn: string): Problem | undefined {
  for (let i = 0; i < f.specs.length; i++) {
    const t = st.operands[i];
    if (opaque(doc, t)) continue;
    const p = checkOperand(doc, t, f.specs[i], mn);
    if (p) return p;
  }
  return undefined;
}

function countText(forms: readonly Form[]): string {
  const ns = [...new Set(forms.map((f) => f.specs.length))].sort((a, b) => a - b);
  const words = ns.map(String);
  const list = words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
  return `${list} operand${ns.length === 1 && ns[0] === 1 ? '' : 's'}`;
}

function checkStatement(doc: ParsedDoc, st: Statement, m: Mnemonic, op: Tok): Problem | undefined {
  const n = st.operands.length;
  const candidates = m.forms.filter((f) => f.specs.length === n);
  if (candidates.length === 0) {
    // a .S macro argument may stand for several operands
    if (st.operands.some((o) => opaque(doc, o))) return undefined;
    const last = st.operands[n - 1] ?? op;
    const forms = m.forms.map((f) => formSyntax(m.name, f)).join(' | ');
    return { message: `'${op.text}' takes ${countText(m.forms)}, got ${n} (${forms})`, line: op.line, start: op.start, end: last.end };
  }
  let best: { p: Problem; i: number } | undefined;
  for (const f of candidates) {
    const p = checkForm(doc, st, f, op.text);
    if (!p) return undefined;
    const i = st.operands.findIndex((o) => p.start >= o.start && p.start <= o.end);
    if (!best || i > best.i) best = { p, i };
  }
  return best?.p;
}

export function computeDiagnostics(doc: ParsedDoc): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Numeric local label references with no label to resolve to (in .S only when no macro could define one).
  if (!doc.preprocessed || (doc.defines.size === 0 && doc.includes.length === 0)) {
    for (const r of doc.refs) {
      if (!/^\d+[bf]$/.test(r.name) || resolveNumeric(doc, r.name, r.order)) continue;
      const st = doc.statements[r.order];
      if (st.inMacro || st.op?.text.startsWith('.')) continue;
      const t = r.tok;
      out.push({
        range: { start: { line: t.line, character: t.start }, end: { line: t.line, character: t.end } },
        severity: DiagnosticSeverity.Error, source: SOURCE,
        message: `${r.name.endsWith('b') ? 'backward' : 'forward'} reference to undefined local label '${r.name.slice(0, -1)}:'`,
      });
    }
  }
  for (const st of doc.statements) {
    const op = st.op;
    if (!op || op.text === '=') continue;
    if (op.text.startsWith('.')) {
      if (!st.inMacro && !isKnownDirective(op.text) && !doc.macros.has(op.text)) {
        out.push({
          range: { start: { line: op.line, character: op.start }, end: { line: op.line, character: op.end } },
          severity: DiagnosticSeverity.Error, source: SOURCE, message: `unknown directive '${op.text}'`,
        });
      }
      continue;
    }
    if (op.text.includes('\\')) continue;
    if (st.inMacro && st.operands.some((o) => o.text.includes('\\'))) continue;
    const m = lookupMnemonic(op.text);
    let p: Problem | undefined;
    if (!m) {
      if (doc.macros.has(op.text)) continue;
      if (doc.preprocessed) {
        if (doc.defines.has(op.text) || /[A-Z]/.test(op.text) || st.operands[0]?.text.startsWith('(')) continue;
        const rest = doc.lines[op.line].slice(op.end).trimStart();
        if (rest.startsWith('(')) continue;
      }
      p = problem(op, `unknown mnemonic '${op.text}'`);
    } else {
      p = checkStatement(doc, st, m, op);
    }
    if (p) {
      out.push({
        range: { start: { line: p.line, character: p.start }, end: { line: p.line, character: p.end } },
        severity: DiagnosticSeverity.Error, source: SOURCE, message: p.message,
      });
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
