// Document symbols: sections, with the labels (functions, objects, global and local labels) defined in them.
// Compiler-internal labels (.L*) and numeric local labels are left out.

import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { ParsedDoc, Tok } from '../parser';

const range = (t: Tok, endLine = t.line, endChar = t.end) => ({ start: { line: t.line, character: t.start }, end: { line: endLine, character: endChar } });

export function documentSymbols(doc: ParsedDoc): DocumentSymbol[] {
  const labels: { name: string; tok: Tok; order: number }[] = [];
  for (const [name, defs] of doc.labels) {
    if (name.startsWith('.L')) continue;
    for (const d of defs) labels.push({ name, tok: d.tok, order: d.order });
  }
  labels.sort((a, b) => a.order - b.order);
  const lastLine = Math.max(0, doc.lines.length - 1);
  const mk = (l: { name: string; tok: Tok }, endLine: number): DocumentSymbol => ({
    name: l.name,
    kind: doc.functions.has(l.name) ? SymbolKind.Function : doc.globals.has(l.name) ? SymbolKind.Variable : SymbolKind.Field,
    detail: [doc.globals.has(l.name) ? 'global' : 'local', doc.functions.has(l.name) ? 'function' : ''].filter(Boolean).join(' '),
    range: range(l.tok, endLine, (doc.lines[endLine] ?? '').length),
    selectionRange: range(l.tok),
  });
  const out: DocumentSymbol[] = [];
  const secs = doc.sections;
  // labels before the first section directive go at the top level
  const endOf = (i: number, list: { order: number }[], stop: number) => {
    const next = list[i + 1];
    const o = next && next.order < stop ? next.order : stop;
    const st = doc.statements[o];
    return st ? Math.max(0, st.line - (next && next.order < stop ? 1 : 0)) : lastLine;
  };
  const firstSec = secs[0]?.order ?? Number.MAX_SAFE_INTEGER;
  const pre = labels.filter((l) => l.order < firstSec);
  pre.forEach((l, i) => out.push(mk(l, Math.min(endOf(i, pre, firstSec), lastLine))));
  secs.forEach((s, si) => {
    const stop = secs[si + 1]?.order ?? doc.statements.length;
    const inside = labels.filter((l) => l.order >= s.order && l.order < stop);
    const endLine = si + 1 < secs.length ? Math.max(s.tok.line, doc.statements[stop].line - 1) : lastLine;
    out.push({
      name: s.name, kind: SymbolKind.Namespace, detail: 'section',
      range: range(s.tok, endLine, (doc.lines[endLine] ?? '').length), selectionRange: range(s.tok),
      children: inside.map((l, i) => mk(l, Math.min(endOf(i, inside, stop), endLine))),
    });
  });
  return out;
}
