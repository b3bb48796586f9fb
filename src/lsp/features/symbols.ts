// What is under the cursor: the statement, and the mnemonic, label or identifier token at a position.

import { statementAt, resolveNumeric, type ParsedDoc, type Statement, type Tok, type LabelDef } from '../parser';

export type Target =
  | { kind: 'op'; st: Statement; order: number; tok: Tok }
  | { kind: 'label'; st: Statement; order: number; tok: Tok }
  | { kind: 'ident'; st: Statement; order: number; tok: Tok; operand: number };

const IDENT = /%?[A-Za-z_.$][\w.$@]*|\b\d+[bf]\b/g;

export function targetAt(doc: ParsedDoc, line: number, character: number): Target | undefined {
  const order = statementAt(doc, line, character);
  if (order < 0) return undefined;
  const st = doc.statements[order];
  const inTok = (t: Tok) => character >= t.start && character <= t.end;
  for (const l of st.labels) if (inTok(l)) return { kind: 'label', st, order, tok: l };
  if (st.op && inTok(st.op) && st.op.text !== '=') return { kind: 'op', st, order, tok: st.op };
  for (let i = 0; i < st.operands.length; i++) {
    const o = st.operands[i];
    if (!inTok(o)) continue;
    IDENT.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = IDENT.exec(o.text))) {
      const start = o.start + m.index;
      const end = start + m[0].length;
      if (character >= start && character <= end && !m[0].startsWith('%')) {
        return { kind: 'ident', st, order, operand: i, tok: { text: m[0], line: o.line, start, end } };
      }
    }
  }
  return undefined;
}

/** The label definitions a name (or numeric reference) at statement `order` refers to. */
export function definitionsOf(doc: ParsedDoc, name: string, order: number): LabelDef[] {
  if (/^\d+[bf]$/.test(name)) {
    const d = resolveNumeric(doc, name, order);
    return d ? [d] : [];
  }
  if (/^\d+$/.test(name)) {
    const d = (doc.numeric.get(name) ?? []).find((x) => x.order === order);
    return d ? [d] : [];
  }
  const defs = [...(doc.labels.get(name) ?? [])];
  const e = doc.equs.get(name);
  if (e) defs.push({ name, tok: e.tok, order: -1 });
  return defs;
}
