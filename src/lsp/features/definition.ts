// Go to definition and find references of labels (named, numeric local 1b/1f, .equ/.set symbols).

import type { Location } from 'vscode-languageserver';
import { resolveNumeric, type ParsedDoc, type Tok, type LabelDef } from '../parser';
import { targetAt, definitionsOf } from './symbols';

const loc = (uri: string, t: Tok): Location => ({
  uri, range: { start: { line: t.line, character: t.start }, end: { line: t.line, character: t.end } },
});

export function definition(doc: ParsedDoc, uri: string, line: number, character: number): Location[] {
  const t = targetAt(doc, line, character);
  if (!t || t.kind === 'op') return [];
  return definitionsOf(doc, t.tok.text, t.order).map((d) => loc(uri, d.tok));
}

export function references(doc: ParsedDoc, uri: string, line: number, character: number, includeDeclaration: boolean): Location[] {
  const t = targetAt(doc, line, character);
  if (!t || t.kind === 'op') return [];
  const defs = definitionsOf(doc, t.tok.text, t.order);
  if (defs.length === 0) return [];
  const out: Location[] = [];
  if (includeDeclaration) for (const d of defs) out.push(loc(uri, d.tok));
  const numeric = /^\d+$/.test(defs[0].name);
  const same = (d: LabelDef | undefined) => d !== undefined && defs.some((x) => x.tok === d.tok);
  for (const r of doc.refs) {
    if (numeric) {
      if (/^\d+[bf]$/.test(r.name) && r.name.slice(0, -1) === defs[0].name && same(resolveNumeric(doc, r.name, r.order))) out.push(loc(uri, r.tok));
    } else if (r.name === defs[0].name) {
      out.push(loc(uri, r.tok));
    }
  }
  return out;
}
