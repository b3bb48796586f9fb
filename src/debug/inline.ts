// Inlined functions as gdb steps through them (gdb 13's inline-frame.c and infrun.c): at a pc where inlined
// blocks begin, gdb hides those frames (the stop shows the caller at the call line, "skipped" frames); Step
// Into then enters one level without running, Step Over runs through an inlined call, Finish in an inline frame
// runs until the pc leaves its block. These helpers answer, for a pc, which inlined blocks hold it and how many
// of the innermost ones begin there, and where the inlined blocks of a function begin and end.
import { DW_AT, DW_TAG, type Die } from '../elf/dwarfInfo';
import { moduleDwarf } from './cframe';
import type { DebugModule } from './modules';

export interface InlineAt {
  /** The DW_TAG_inlined_subroutine DIEs holding the pc, outermost first. */
  chain: Die[];
  /** How many of the innermost of them begin at the pc (gdb's skip_inline_frames). */
  entries: number;
}

const NONE: InlineAt = { chain: [], entries: 0 };

/**
 * Does an inlined block begin at a link-time pc? gdb 13: its entry pc (the first address range as listed) is
 * the pc, or the instruction before the pc lies outside the block (the start of another of its ranges).
 */
export function blockStartsAt(d: Die, pc: bigint): boolean {
  const rs = d.ranges();
  if (!rs.length) return false;
  if (rs[0][0] === pc) return true;
  return d.containsPc(pc) && !d.containsPc(pc - 1n);
}

/** The inlined blocks holding a runtime pc of a module with DWARF. */
export function inlineAt(m: DebugModule | undefined, pc: bigint): InlineAt {
  if (!m || m.kind === 'kernel') return NONE;
  const dwarf = moduleDwarf(m);
  if (!dwarf) return NONE;
  const link = pc - m.bias;
  let chain: Die[];
  try { chain = dwarf.scopeChain(link).filter((d) => d.tag === DW_TAG.inlined_subroutine); } catch { return NONE; }
  let entries = 0;
  for (let i = chain.length - 1; i >= 0 && blockStartsAt(chain[i], link); i--) entries++;
  return { chain, entries };
}

/** The line an inlined block was called from. */
export function callLine(d: Die): number {
  return Number(d.num(DW_AT.call_line) ?? 0n);
}

/**
 * Where the inlined blocks of the function holding a runtime pc begin and end (runtime addresses): the points
 * where a line step must look at the inline frames, even when no line starts there.
 */
export function inlineBoundaries(m: DebugModule | undefined, pc: bigint): bigint[] {
  if (!m || m.kind === 'kernel') return [];
  const dwarf = moduleDwarf(m);
  if (!dwarf) return [];
  let fn: Die | undefined;
  try { fn = dwarf.scopeChain(pc - m.bias).find((d) => d.tag === DW_TAG.subprogram); } catch { return []; }
  if (!fn) return [];
  const out = new Set<bigint>();
  const walk = (d: Die, depth: number) => {
    if (depth > 64) return;
    for (const k of d.children) {
      if (k.tag === DW_TAG.inlined_subroutine) {
        try { for (const [lo, hi] of k.ranges()) { out.add(lo + m.bias); out.add(hi + m.bias); } } catch { /* unreadable ranges: no stops */ }
      }
      if (k.tag === DW_TAG.inlined_subroutine || k.tag === DW_TAG.lexical_block) walk(k, depth + 1);
    }
  };
  walk(fn, 0);
  return [...out];
}

/** How a chain of inlined blocks at a pc relates to the chain a step started in. */
export function chainRelation(now: Die[], origin: Die[]): 'same' | 'deeper' | 'outer' | 'other' {
  const n = Math.min(now.length, origin.length);
  for (let i = 0; i < n; i++) if (now[i].offset !== origin[i].offset || now[i].unit !== origin[i].unit) return 'other';
  return now.length === origin.length ? 'same' : now.length > origin.length ? 'deeper' : 'outer';
}

/** Per module: function name -> out-of-line entries (subprograms with code) and inlined instances' entries. */
const byName = new WeakMap<DebugModule, Map<string, { outOfLine: bigint[]; inlined: bigint[] }>>();

/**
 * Where gdb's `break NAME` puts its locations from DWARF (runtime addresses): each out-of-line copy of the
 * function (GCC's fact.constprop.0 is `fact`), whose prologue the caller skips, and the entry of each inlined
 * instance (no prologue). Read once per module on the first function breakpoint; not for the kernel's image.
 */
export function dwarfFunctionEntries(m: DebugModule, name: string): { outOfLine: bigint[]; inlined: bigint[] } {
  let map = byName.get(m);
  if (!map) {
    map = new Map();
    byName.set(m, map);
    const dwarf = m.kind === 'kernel' ? undefined : moduleDwarf(m);
    const add = (n: string | undefined, key: 'outOfLine' | 'inlined', a: bigint) => {
      if (!n) return;
      let e = map!.get(n);
      if (!e) map!.set(n, (e = { outOfLine: [], inlined: [] }));
      if (!e[key].includes(a)) e[key].push(a);
    };
    const walk = (d: Die, depth: number) => {
      if (depth > 64) return;
      for (const k of d.children) {
        try {
          if (k.tag === DW_TAG.subprogram && k.has(DW_AT.low_pc)) add(k.name, 'outOfLine', k.num(DW_AT.low_pc)! + m.bias);
          else if (k.tag === DW_TAG.subprogram && k.has(DW_AT.ranges)) { const r = k.ranges()[0]; if (r) add(k.name, 'outOfLine', r[0] + m.bias); }
          else if (k.tag === DW_TAG.inlined_subroutine) { const r = k.ranges()[0]; if (r) add(k.name, 'inlined', r[0] + m.bias); }
        } catch { /* a DIE that cannot be read places no breakpoint */ }
        if (k.children.length) walk(k, depth + 1);
      }
    };
    if (dwarf) for (const u of dwarf.compileUnits()) { try { walk(u.root, 0); } catch { /* unreadable unit */ } }
  }
  return map.get(name) ?? { outOfLine: [], inlined: [] };
}
