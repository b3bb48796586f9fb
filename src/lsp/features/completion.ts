// Completion: mnemonics and directives at the start of a statement; registers, CSRs, labels, rounding
// modes and relocation operators in operands.

import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { CSR_NAMES, FREGS, XREGS, ROUNDING_MODES, RELOC_OPERATORS, allMnemonics, lookupMnemonic, formSyntax } from '../asmSyntax';
import { DIRECTIVES } from '../directives';
import type { ParsedDoc } from '../parser';

function mnemonicItems(doc: ParsedDoc): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const m of allMnemonics()) {
    out.push({
      label: m.name, kind: CompletionItemKind.Keyword,
      detail: m.forms.length > 0 ? formSyntax(m.name, m.forms[0]) : m.name,
      documentation: m.insn?.summary ?? m.pseudo?.summary,
    });
  }
  for (const [name, doc_] of Object.entries(DIRECTIVES)) out.push({ label: name, kind: CompletionItemKind.Function, detail: doc_ });
  for (const name of doc.macros.keys()) out.push({ label: name, kind: CompletionItemKind.Snippet, detail: 'macro' });
  return out;
}

function operandItems(doc: ParsedDoc, mnemonic: string | undefined): CompletionItem[] {
  const out: CompletionItem[] = [];
  const m = mnemonic ? lookupMnemonic(mnemonic) : undefined;
  const wantsCsr = m?.forms.some((f) => f.specs.some((s) => s.k === 'csr')) ?? false;
  const wantsF = m?.forms.some((f) => f.specs.some((s) => s.k === 'f')) ?? true;
  for (const r of XREGS.keys()) out.push({ label: r, kind: CompletionItemKind.Variable, detail: `x${XREGS.get(r)}` });
  if (wantsF) for (const r of FREGS.keys()) out.push({ label: r, kind: CompletionItemKind.Variable, detail: `f${FREGS.get(r)}` });
  if (wantsCsr || !m) {
    for (const [c, a] of CSR_NAMES) out.push({ label: c, kind: CompletionItemKind.Constant, detail: `CSR 0x${a.toString(16).padStart(3, '0')}` });
  }
  if (m?.forms.some((f) => f.specs.some((s) => s.k === 'rm'))) {
    for (const r of ROUNDING_MODES) out.push({ label: r, kind: CompletionItemKind.EnumMember, detail: 'rounding mode' });
  }
  for (const r of RELOC_OPERATORS) out.push({ label: `%${r}`, kind: CompletionItemKind.Operator, insertText: `%${r}()`, detail: 'relocation operator' });
  for (const [name, defs] of doc.labels) out.push({ label: name, kind: CompletionItemKind.Reference, detail: `label, line ${defs[0].tok.line + 1}` });
  for (const [name, e] of doc.equs) out.push({ label: name, kind: CompletionItemKind.Constant, detail: e.value !== undefined ? `= ${e.value}` : 'symbol' });
  return out;
}

export function complete(doc: ParsedDoc, line: number, character: number): CompletionItem[] {
  const text = doc.lines[line] ?? '';
  const before = text.slice(0, character);
  // the statement part before the cursor, after labels
  const stmt = before.slice(before.lastIndexOf(';') + 1).replace(/^\s*((?:[A-Za-z_.$][\w.$]*|\d+)\s*:\s*)*/, '');
  const m = stmt.match(/^\s*([A-Za-z_.$][\w.$]*)\s+/);
  if (!m) return mnemonicItems(doc);
  return operandItems(doc, m[1]);
}
