// Hovers: instructions (syntax, meaning, encoding from the ISA table), pseudo-instructions (expansion), CSRs
// (address, privilege, fields), registers, directives and labels.

import type { Hover } from 'vscode-languageserver';
import { csrByName, csrByAddress } from '../../isa/csrs';
import type { InsnDef } from '../../isa/types';
import { CSR_NAMES, FREGS, XREGS, lookupMnemonic, formSyntax, type Mnemonic } from '../asmSyntax';
import { XNAMES, FNAMES } from '../../isa/disasm';
import { DIRECTIVES } from '../directives';
import type { ParsedDoc } from '../parser';
import { targetAt, definitionsOf } from './symbols';

const hex = (n: number, w: number) => '0x' + (n >>> 0).toString(16).padStart(w, '0');

/** The fixed bits of an encoding, most significant first, '-' for operand bits (objdump's opcode style). */
export function bitPattern(d: InsnDef): string {
  let s = '';
  for (let b = d.length * 8 - 1; b >= 0; b--) s += (d.mask >>> b) & 1 ? String((d.match >>> b) & 1) : '-';
  return s;
}

export function instructionHover(m: Mnemonic): string {
  const parts: string[] = [];
  const d = m.insn;
  const summary = d?.summary ?? m.pseudo?.summary ?? '';
  parts.push(`**${m.name}**${m.pseudo && !d ? ' (pseudo-instruction)' : ''}: ${summary}`);
  parts.push('```riscv-asm\n' + m.forms.map((f) => formSyntax(m.name, f)).join('\n') + '\n```');
  if (d) {
    const rows = [`format ${d.format}`, `extension ${d.ext}`, `length ${d.length} bytes`,
      `match ${hex(d.match, d.length * 2)}`, `mask ${hex(d.mask, d.length * 2)}`];
    parts.push(rows.join(' · '));
    parts.push('encoding `' + bitPattern(d) + '`');
    if (d.expandsTo) parts.push(`expands to **${d.expandsTo}** (${d.summary})`);
  }
  if (m.pseudo) parts.push(`${d ? 'pseudo form: ' : ''}expands to \`${m.pseudo.expansion}\``);
  if (m.insn && m.name !== m.insn.name) parts.push(`${m.insn.name} with ordering bits ${m.name.slice(m.insn.name.length + 1)}`);
  return parts.join('\n\n');
}

export function csrHover(name: string): string | undefined {
  const addr = CSR_NAMES.get(name);
  if (addr === undefined) return undefined;
  const c = csrByName.get(name) ?? csrByAddress.get(addr);
  const priv = ['U', 'S', 'H', 'M'][(addr >> 8) & 3];
  const ro = (addr >> 10) === 3;
  const lines = [`**${name}** CSR ${hex(addr, 3)} · privilege ${c?.privilege ?? priv} · ${ro ? 'read-only' : 'read/write'}`];
  if (c) {
    if (c.name !== name) lines.push(`(alias of ${c.name})`);
    lines.push(c.summary);
    if (c.fields.length > 0) {
      lines.push('| bits | field | meaning |\n|---|---|---|\n' + c.fields.map((f) =>
        `| ${f.msb === f.lsb ? f.lsb : `${f.msb}:${f.lsb}`} | ${f.name} | ${f.summary} |`).join('\n'));
    }
  } else {
    lines.push('(not modelled by the lab\'s hart)');
  }
  return lines.join('\n\n');
}

export function registerHover(name: string): string | undefined {
  const x = XREGS.get(name);
  if (x !== undefined) return `**${name}**: integer register x${x} (ABI name ${XNAMES[x]}${x === 8 ? ', also fp' : ''})`;
  const f = FREGS.get(name);
  if (f !== undefined) return `**${name}**: floating-point register f${f} (ABI name ${FNAMES[f]})`;
  return undefined;
}

export function hover(doc: ParsedDoc, line: number, character: number): Hover | null {
  const t = targetAt(doc, line, character);
  if (!t) return null;
  const range = { start: { line: t.tok.line, character: t.tok.start }, end: { line: t.tok.line, character: t.tok.end } };
  const md = (value: string): Hover => ({ contents: { kind: 'markdown', value }, range });
  if (t.kind === 'op') {
    if (t.tok.text.startsWith('.')) {
      const d = DIRECTIVES[t.tok.text.toLowerCase()];
      return d ? md(`**${t.tok.text}**: ${d}`) : null;
    }
    const m = lookupMnemonic(t.tok.text);
    if (m) return md(instructionHover(m));
    const mac = doc.macros.get(t.tok.text);
    if (mac) return md(`**${t.tok.text}**: macro defined on line ${mac.line + 1}`);
    return null;
  }
  const name = t.tok.text;
  const m = t.st.op ? lookupMnemonic(t.st.op.text) : undefined;
  const csrContext = m?.forms.some((f) => f.specs[t.kind === 'ident' ? t.operand : -1]?.k === 'csr') ?? false;
  if (csrContext) { const c = csrHover(name); if (c) return md(c); }
  const r = registerHover(name);
  if (r) return md(r);
  const defs = definitionsOf(doc, name, t.order);
  if (defs.length > 0) {
    const d = defs[0];
    const e = doc.equs.get(name);
    if (e && d.order === -1) return md(`**${name}** = ${e.value !== undefined ? `${e.value} (0x${(e.value & ((1n << 64n) - 1n)).toString(16)})` : 'expression'} (line ${d.tok.line + 1})`);
    return md(`**${name}**: label defined on line ${d.tok.line + 1}`);
  }
  const c = csrHover(name);
  if (c) return md(c);
  return null;
}
