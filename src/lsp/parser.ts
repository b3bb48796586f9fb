// The one parser of the language server: turns a GNU as source (.s, or .S run through the C preprocessor)
// into statements (labels, mnemonic or directive, operands, each with its position), and collects the
// symbols every feature needs: labels (named and numeric), .equ/.set constants, #define names, .macro names,
// sections and symbol references. Positions are 0-based line/character, as in LSP.

import { evalExpr, type ExprEnv } from './expr';

export interface Tok {
  readonly text: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export interface Statement {
  readonly line: number;
  readonly labels: Tok[];
  /** Mnemonic or directive (directives start with '.'), or an `=` assignment's symbol. */
  readonly op?: Tok;
  readonly operands: Tok[];
  /** Inside a .macro / .rept / .irp body. */
  readonly inMacro: boolean;
  /** End character of the statement on its line. */
  readonly end: number;
}

export interface LabelDef {
  readonly name: string;
  readonly tok: Tok;
  /** Index of the statement that defines it (for ordering numeric labels). */
  readonly order: number;
}

export interface SymbolRef {
  readonly name: string;
  readonly tok: Tok;
  readonly order: number;
}

export interface Section {
  readonly name: string;
  readonly tok: Tok;
}

export interface ParsedDoc {
  readonly lines: readonly string[];
  /** The file goes through the C preprocessor (.S): unknown identifiers may be macros. */
  readonly preprocessed: boolean;
  readonly statements: Statement[];
  /** Named labels (all definitions; a symbol defined twice is an error the assembler reports). */
  readonly labels: Map<string, LabelDef[]>;
  /** Numeric local labels: digits -> definitions in source order. */
  readonly numeric: Map<string, LabelDef[]>;
  readonly equs: Map<string, { tok: Tok; value?: bigint }>;
  readonly defines: Map<string, Tok>;
  readonly macros: Map<string, Tok>;
  readonly globals: Set<string>;
  readonly functions: Set<string>;
  /** Section switches, each with the statement index where it starts. */
  readonly sections: { name: string; tok: Tok; order: number }[];
  readonly refs: SymbolRef[];
  readonly includes: Tok[];
  env: ExprEnv;
}

const PP_DIRECTIVE = /^\s*#\s*(include|include_next|define|undef|if|ifdef|ifndef|elif|else|endif|error|warning|pragma|line|\d+)\b/;
const LABEL = /^\s*([A-Za-z_.$][\w.$]*|\d+)\s*:(?!:)/;
const OP = /^\s*([A-Za-z_.$\\][\w.$\\@]*)/;
const IDENT = /[A-Za-z_.$][\w.$@]*|\b\d+[bf]\b/g;
const SECTION_DIRECTIVES = new Set(['.text', '.data', '.bss', '.rodata', '.section', '.pushsection']);

/** Blanks out comments (keeping columns), returning per line the code text and, for .S, preprocessor lines. */
function stripComments(lines: readonly string[], preprocessed: boolean): { code: string[]; pp: boolean[] } {
  const code: string[] = [];
  const pp: boolean[] = [];
  let inBlock = false;
  let ppContinues = false;
  for (const raw of lines) {
    const isPP: boolean = preprocessed && (ppContinues || (!inBlock && PP_DIRECTIVE.test(raw)));
    if (!inBlock && !/[#"/]/.test(raw)) {
      // fast path: nothing to blank out
      pp.push(isPP);
      ppContinues = isPP && /\\\s*$/.test(raw);
      code.push(raw);
      continue;
    }
    const parts: string[] = [];
    let from = 0;                       // start of the current kept run
    let inStr = false;
    const blank = (a: number, b: number) => { parts.push(raw.slice(from, a), ' '.repeat(b - a)); from = b; };
    let i = 0;
    for (; i < raw.length; i++) {
      const c = raw[i];
      if (inBlock) {
        const end = raw.indexOf('*/', i);
        if (end < 0) { blank(i, raw.length); i = raw.length; break; }
        blank(i, end + 2); i = end + 1; inBlock = false;
        continue;
      }
      if (inStr) {
        if (c === '\\') i++;
        else if (c === '"') inStr = false;
        continue;
      }
      if (c === '"') { inStr = true; continue; }
      if (c === '/' && raw[i + 1] === '*') { inBlock = true; blank(i, i + 2); i++; continue; }
      if ((preprocessed && c === '/' && raw[i + 1] === '/') || (c === '#' && !isPP)) { blank(i, raw.length); i = raw.length; break; }
    }
    parts.push(raw.slice(from));
    const out = parts.join('');
    pp.push(isPP);
    ppContinues = isPP && /\\\s*$/.test(raw);
    code.push(out);
  }
  return { code, pp };
}

/** Splits a statement's operand text at top-level commas. */
function splitOperands(text: string, line: number, offset: number): Tok[] {
  const out: Tok[] = [];
  let depth = 0;
  let inStr = false;
  let start = 0;
  const push = (end: number) => {
    const seg = text.slice(start, end);
    const lead = seg.length - seg.trimStart().length;
    const t = seg.trim();
    out.push({ text: t, line, start: offset + start + lead, end: offset + start + lead + t.length });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) { if (c === '\\') i++; else if (c === '"') inStr = false; continue; }
    if (c === '"') inStr = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { push(i); start = i + 1; }
  }
  push(text.length);
  if (out.length === 1 && out[0].text === '') return [];
  return out;
}

/** Splits a line of code at `;` outside strings. */
function splitStatements(code: string): [number, number][] {
  const parts: [number, number][] = [];
  let inStr = false;
  let start = 0;
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (inStr) { if (c === '\\') i++; else if (c === '"') inStr = false; continue; }
    if (c === '"') inStr = true;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    // a `;` inside parentheses is part of a C macro's argument (TEST_CASE(2, a0, 1, li a1, 1; ...))
    else if (c === ';' && depth === 0) { parts.push([start, i]); start = i + 1; }
  }
  parts.push([start, code.length]);
  return parts;
}

export function isPreprocessedUri(uri: string): boolean {
  return !/\.s$/.test(uri);
}

export function parse(text: string, preprocessed: boolean): ParsedDoc {
  const lines = text.split(/\r?\n/);
  const { code, pp } = stripComments(lines, preprocessed);
  const doc: ParsedDoc = {
    lines, preprocessed, statements: [], labels: new Map(), numeric: new Map(), equs: new Map(), defines: new Map(),
    macros: new Map(), globals: new Set(), functions: new Set(), sections: [], refs: [], includes: [],
    env: { constant: () => undefined, mayBeMacro: () => false },
  };
  const env: ExprEnv = {
    constant: (name) => doc.equs.get(name)?.value,
    mayBeMacro: (name) => preprocessed && !doc.labels.has(name) && !doc.equs.has(name),
  };
  doc.env = env;
  let macroDepth = 0;
  for (let ln = 0; ln < lines.length; ln++) {
    if (pp[ln]) {
      const m = lines[ln].match(/^(\s*#\s*(define|include)\s+)([A-Za-z_]\w*|["<][^">]*[">])/);
      if (m && m[2] === 'define') doc.defines.set(m[3], { text: m[3], line: ln, start: m[1].length, end: m[1].length + m[3].length });
      if (m && m[2] === 'include') doc.includes.push({ text: m[3], line: ln, start: m[1].length, end: m[1].length + m[3].length });
      continue;
    }
    const c = code[ln];
    for (const [s0, s1] of splitStatements(c)) {
      let pos = s0;
      const seg = () => c.slice(pos, s1);
      const labels: Tok[] = [];
      let m: RegExpMatchArray | null;
      while ((m = seg().match(LABEL))) {
        const start = pos + m[0].indexOf(m[1]);
        labels.push({ text: m[1], line: ln, start, end: start + m[1].length });
        pos += m[0].length;
      }
      let op: Tok | undefined;
      let operands: Tok[] = [];
      if ((m = seg().match(OP))) {
        const start = pos + m[0].indexOf(m[1]);
        op = { text: m[1], line: ln, start, end: start + m[1].length };
        pos += m[0].length;
        const rest = seg();
        const eq = rest.match(/^\s*=(?!=)/);
        if (eq) {
          // `sym = expr` is .set
          operands = [op, ...splitOperands(rest.slice(eq[0].length), ln, pos + eq[0].length)];
          op = { text: '=', line: ln, start: pos + eq[0].length - 1, end: pos + eq[0].length };
        } else {
          operands = splitOperands(rest, ln, pos);
        }
      } else if (seg().trim() !== '' && labels.length === 0) {
        continue;
      }
      const st: Statement = { line: ln, labels, op, operands, inMacro: macroDepth > 0, end: s1 };
      const order = doc.statements.length;
      doc.statements.push(st);
      for (const l of labels) {
        const map = /^\d+$/.test(l.text) ? doc.numeric : doc.labels;
        const list = map.get(l.text) ?? [];
        list.push({ name: l.text, tok: l, order });
        map.set(l.text, list);
      }
      if (!op) continue;
      const dir = op.text.toLowerCase();
      if (dir === '.macro') {
        macroDepth++;
        const name = operands[0]?.text.split(/[\s,]/)[0];
        if (name && operands[0]) doc.macros.set(name, { ...operands[0], text: name, end: operands[0].start + name.length });
        continue;
      }
      if (dir === '.rept' || dir === '.irp' || dir === '.irpc') { macroDepth++; continue; }
      if (dir === '.endm' || dir === '.endr') { macroDepth = Math.max(0, macroDepth - 1); continue; }
      if ((dir === '.equ' || dir === '.set' || dir === '.equiv' || dir === '=') && operands.length >= 2) {
        const name = operands[0];
        const v = evalExpr(operands.slice(1).map((o) => o.text).join(','), env);
        doc.equs.set(name.text, { tok: name, value: v.t === 'const' ? v.v : undefined });
        for (const o of operands.slice(1)) collectRefs(doc, o, order);
        continue;
      }
      if (dir === '.globl' || dir === '.global') {
        for (const o of operands) { doc.globals.add(o.text); collectRefs(doc, o, order); }
        continue;
      }
      if (dir === '.type' && operands.length >= 2) {
        if (/function/.test(operands[1].text)) doc.functions.add(operands[0].text);
        collectRefs(doc, operands[0], order);
        continue;
      }
      if (SECTION_DIRECTIVES.has(dir)) {
        const name = dir === '.section' || dir === '.pushsection' ? operands[0]?.text ?? dir : dir;
        doc.sections.push({ name, tok: dir === '.section' || dir === '.pushsection' ? operands[0] ?? op : op, order });
        continue;
      }
      if (dir === '.popsection' || dir === '.previous') continue;
      if (dir.startsWith('.') && /^\.(ascii|asciz|string|file|ident|section|cfi_\w+|loc|option|attribute|align|balign|p2align|size)$/.test(dir)) {
        if (dir === '.size') for (const o of operands) collectRefs(doc, o, order);
        continue;
      }
      for (const o of operands) collectRefs(doc, o, order);
    }
  }
  return doc;
}

function collectRefs(doc: ParsedDoc, o: Tok, order: number): void {
  if (o.text.includes('"')) return;
  IDENT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = IDENT.exec(o.text))) {
    const before = o.text[m.index - 1];
    if (before === '%' || before === '\\' || (before !== undefined && /[\w.$]/.test(before))) continue;
    const start = o.start + m.index;
    doc.refs.push({ name: m[0], tok: { text: m[0], line: o.line, start, end: start + m[0].length }, order });
  }
}

/** Resolves a numeric local label reference (`1b`, `2f`) made from statement `order`. */
export function resolveNumeric(doc: ParsedDoc, ref: string, order: number): LabelDef | undefined {
  const m = ref.match(/^(\d+)([bf])$/);
  if (!m) return undefined;
  const defs = doc.numeric.get(m[1]) ?? [];
  // defs are in statement order: binary search for the first definition after `order`
  let lo = 0;
  let hi = defs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (defs[mid].order <= order) lo = mid + 1; else hi = mid;
  }
  return m[2] === 'b' ? defs[lo - 1] : defs[lo];
}

/** The statement index containing a position, or -1. */
export function statementAt(doc: ParsedDoc, line: number, character: number): number {
  let found = -1;
  for (let i = 0; i < doc.statements.length; i++) {
    const s = doc.statements[i];
    if (s.line < line) continue;
    if (s.line > line) break;
    const begin = s.labels[0]?.start ?? s.op?.start ?? 0;
    if (found < 0 || character >= begin) found = i;
    if (character <= s.end) return found;
  }
  return found;
}
