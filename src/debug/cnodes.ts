// C variables as Variables-view trees: Arguments, Locals and Globals scopes of a frame, values formatted like
// gdb, children for structs/unions/arrays (paged in groups of 100) and pointers to them, memory references for
// values in memory, setVariable through the C expression evaluator; and the environment C expressions
// (watch, hover, console) are evaluated in.
import { DW_AT, DW_TAG, type Die } from '../elf/dwarfInfo';
import { strip, sizeOf, typeName, typeFromDie, isFloat, type CType } from '../elf/dwarfTypes';
import { formatValue, formatForPrint, member, element, encodeScalar, scalar, floatOf, isCharType, type CValue, type CMemory } from './cvalue';
import { cframe, withInlineFrames, frameArguments, frameLocals, unitGlobals, lookupVariable, storeValue, guestMemory, moduleDwarf, type CFrame, type NamedValue } from './cframe';
import { evaluateC, ExprError, cIdentifiers, type CEnv } from './expr';
import type { DebugRuntime, Frame } from './runtime';
import type { VarNode, ScopeNode } from './variables';

const hex = (v: bigint) => '0x' + v.toString(16);
const PAGE = 100;

/** The C environment of a frame (undefined frame: the innermost). */
export function cEnvFor(rt: DebugRuntime, frame: Frame | undefined, cf?: CFrame): CEnv {
  const mem = cf?.mem ?? guestMemory(rt);
  const units = () => {
    const out: { dwarf: NonNullable<ReturnType<typeof moduleDwarf>>; unit?: CFrame['unit'] }[] = [];
    if (cf) out.push({ dwarf: cf.dwarf, unit: cf.unit });
    for (const m of rt.modules()) {
      if (m === cf?.module || m.kind === 'kernel') continue;
      const d = moduleDwarf(m);
      if (d) out.push({ dwarf: d });
    }
    return out;
  };
  return {
    mem,
    variable: (name) => {
      if (cf) { const v = lookupVariable(cf, name); if (v) return v.value; }
      return cf ? functionValue(cf, name) : undefined;
    },
    register: (name) => rt.register(name, frame),
    symbol: (name) => rt.symbol(name),
    type: (name, tag) => {
      const want = tag === 'struct' ? DW_TAG.structure_type : tag === 'union' ? DW_TAG.union_type : tag === 'enum' ? DW_TAG.enumeration_type : undefined;
      for (const { dwarf, unit } of units().slice(0, 8)) {
        const d = dwarf.findType(unit, name, want);
        if (d) return typeFromDie(d);
      }
      return undefined;
    },
    enumerator: (name) => {
      if (!cf?.unit) return undefined;
      const walk = (d: Die, depth: number): CValue | undefined => {
        if (depth > 3) return undefined;
        for (const k of d.children) {
          if (k.tag === DW_TAG.enumeration_type) {
            const e = k.children.find((x) => x.tag === DW_TAG.enumerator && x.name === name);
            if (e) { const t = typeFromDie(k); return { type: t, bytes: encodeScalar(t, e.num(DW_AT.const_value) ?? 0n) }; }
          } else if (k.tag === DW_TAG.subprogram || k.tag === DW_TAG.lexical_block) {
            if (depth === 0 && !cf.chain.includes(k)) continue;
            const r = walk(k, depth + 1);
            if (r) return r;
          }
        }
        return undefined;
      };
      return walk(cf.unit.root, 0);
    },
  };
}

/**
 * Whether an expression needs the C evaluator: it names a C variable, type, enumerator or (with `functions`) a
 * function with DWARF, uses C-only syntax, or is plain arithmetic on numbers in a frame with DWARF. Register and
 * CSR expressions ($a0, sstatus.SPP) and bare symbols keep the console's own evaluator and format.
 */
export function wantsC(rt: DebugRuntime, expr: string, frame: Frame | undefined, cFirst = false): CFrame | undefined | false {
  // the console's own idioms stay its own: *(u64*)ADDR, *(u8 *)symbol (a bare symbol is its address there)
  if (/\(\s*(const\s+)?[usi](8|16|32|64)\s*\*/.test(expr)) return false;
  const cf = frame ? cframe(rt, frame) : undefined;
  if (/^[A-Za-z_$][\w$]*\.[A-Za-z_]\w*$/.test(expr) && rt.register(expr, frame) !== undefined) return false; // sstatus.SPP
  if (/->|\[|sizeof|\bstruct\b|\bunion\b|\benum\b|'|\d\.\d|\(\s*(const\s+)?(char|short|int|long|unsigned|signed|float|double|_Bool)\b/.test(expr)) return cf;
  if (/(^|[^&])&(?!&)/.test(expr) && !/&\s*[0-9(]/.test(expr)) return cf;
  if (!cf) return false;
  const ids = cIdentifiers(expr);
  const env = cEnvFor(rt, frame, cf);
  let unknown = false;
  for (const id of ids) {
    if (lookupVariable(cf, id) || env.type(id) || env.enumerator?.(id) || (cFirst && functionValue(cf, id))) return cf;
    if (rt.register(id, frame) === undefined && rt.symbol(id) === undefined) unknown = true;
  }
  // watch, hover and p: a name nothing knows gets the C evaluator's message (No symbol "x" in current context.)
  return unknown && cFirst ? cf : false;
}

/** A function with DWARF as a C value ({int (int)} 0x10450 <square>). */
export function functionValue(cf: CFrame, name: string): CValue | undefined {
  const d = cf.dwarf.findFunction(cf.unit, name);
  if (!d) return undefined;
  const lo = d.num(DW_AT.low_pc);
  if (lo === undefined) return undefined;
  return { type: typeFromDie(d), addr: lo + cf.module.bias };
}

export interface CResult { text: string; type: string; node: VarNode; value: CValue }

/** Evaluate a C expression in a frame and describe the result like gdb's print. Throws ExprError. */
export function evaluateCExpression(rt: DebugRuntime, expr: string, frame: Frame | undefined, cf?: CFrame): CResult {
  const env = cEnvFor(rt, frame, cf ?? (frame ? cframe(rt, frame) : undefined));
  const v = evaluateC(expr, env);
  if (v.addr !== undefined && !v.optimized && strip(v.type).kind !== 'func') {
    // gdb reports an unreadable result as an error, not as a value
    const n = Math.min(Math.max(1, sizeOf(v.type)), 4096);
    if (!env.mem.read(v.addr, n)) throw new ExprError(`Cannot access memory at address ${hex(v.addr)}`);
  }
  const node = cNode(rt, cf, env.mem, expr, v, expr);
  return { text: formatForPrint(v, env.mem), type: typeName(v.type), node, value: v };
}

function childEval(parent: string, suffix: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(parent) || /[\])]$/.test(parent) ? parent + suffix : `(${parent})${suffix}`;
}

/** A C value as a Variables-view node. */
export function cNode(rt: DebugRuntime, cf: CFrame | undefined, mem: CMemory, name: string, v: CValue, evaluateName?: string): VarNode {
  const t = strip(v.type);
  const node: VarNode = { name, value: formatValue(v, mem), type: typeName(v.type), evaluateName };
  if (v.addr !== undefined && v.bitSize === undefined) { node.memoryReference = hex(v.addr); node.size = sizeOf(v.type); }
  const ev = evaluateName ?? name;
  if (!v.optimized && !v.error) {
    if (t.kind === 'struct' || t.kind === 'union') {
      node.children = () => t.members().map((m, i) => cNode(rt, cf, mem, m.name ?? `<anonymous ${i}>`, member(v, m), m.name ? childEval(ev, '.' + m.name) : undefined));
    } else if (t.kind === 'array' && t.count) {
      node.children = () => arrayChildren(rt, cf, mem, v, t.elem(), 0, t.count!, ev);
    } else if (t.kind === 'pointer') {
      const target = strip(t.target());
      let p: bigint | undefined;
      try { p = scalar(v, mem); } catch { p = undefined; }
      if (p && target.kind !== 'void' && target.kind !== 'func' && !isCharType(t.target()) && sizeOf(target) > 0) {
        const pv: CValue = { type: t.target(), addr: BigInt.asUintN(64, p) };
        if (target.kind === 'struct' || target.kind === 'union') {
          node.children = () => target.members().map((m, i) => cNode(rt, cf, mem, m.name ?? `<anonymous ${i}>`, member(pv, m), m.name ? childEval(ev, '->' + m.name) : undefined));
        } else {
          node.children = () => [cNode(rt, cf, mem, `*${name}`, pv, `*${childEval(ev, '')}`)];
        }
      }
      if (p && !node.memoryReference) node.memoryReference = hex(BigInt.asUintN(64, p));
    }
  }
  if (isSettable(v)) node.set = (text) => { assign(rt, cf, mem, v, text); return cNode(rt, cf, mem, name, v, evaluateName); };
  return node;
}

function arrayChildren(rt: DebugRuntime, cf: CFrame | undefined, mem: CMemory, v: CValue, elem: CType, from: number, to: number, ev: string): VarNode[] {
  const n = to - from;
  if (n > PAGE) {
    let span = PAGE;
    while (n / span > PAGE) span *= PAGE;
    const out: VarNode[] = [];
    for (let s = from; s < to; s += span) {
      const e = Math.min(to, s + span);
      out.push({ name: `[${s}..${e - 1}]`, value: `${e - s} elements`, children: () => arrayChildren(rt, cf, mem, v, elem, s, e, ev) });
    }
    return out;
  }
  const out: VarNode[] = [];
  for (let i = from; i < to; i++) out.push(cNode(rt, cf, mem, `[${i}]`, element(v, elem, i), `${childEval(ev, '')}[${i}]`));
  return out;
}

function isSettable(v: CValue): boolean {
  const t = strip(v.type);
  if (v.optimized || v.error) return false;
  if (t.kind !== 'base' && t.kind !== 'pointer' && t.kind !== 'enum') return false;
  return v.addr !== undefined || v.reg !== undefined;
}

/** setVariable: evaluate the text as C, convert to the variable's type and store it. */
export function assign(rt: DebugRuntime, cf: CFrame | undefined, mem: CMemory, v: CValue, text: string): void {
  const env = cEnvFor(rt, cf?.frame, cf);
  let nv: CValue;
  const t = strip(v.type);
  if (t.kind === 'enum') {
    const e = t.values().find(([n]) => n === text.trim());
    nv = e ? { type: v.type, bytes: encodeScalar(v.type, e[1]) } : evaluateC(text, env);
  } else nv = evaluateC(text, env);
  let x: bigint | number;
  if (isFloat(v.type)) x = isFloat(nv.type) ? floatOf(nv, env.mem) ?? 0 : Number(scalar(nv, env.mem) ?? 0n);
  else {
    const nt = strip(nv.type);
    if (nt.kind === 'array') { if (nv.addr === undefined) throw new ExprError('the array is not in memory'); x = nv.addr; }
    else if (isFloat(nv.type)) x = BigInt(Math.trunc(floatOf(nv, env.mem) ?? 0));
    else { const s = scalar(nv, env.mem); if (s === undefined) throw new ExprError('value has been optimized out'); x = s; }
  }
  if (v.bitSize !== undefined) {
    if (v.addr === undefined) throw new ExprError('cannot assign to a bitfield that is not in memory');
    const first = v.addr;
    const span = Math.ceil(((v.bitOffset ?? 0) + v.bitSize) / 8);
    const cur = mem.read(first, span);
    if (!cur) throw new ExprError(`Cannot access memory at address ${hex(first)}`);
    let word = 0n;
    for (let i = span - 1; i >= 0; i--) word = (word << 8n) | BigInt(cur[i]);
    const mask = ((1n << BigInt(v.bitSize)) - 1n) << BigInt(v.bitOffset ?? 0);
    word = (word & ~mask) | ((BigInt(x) << BigInt(v.bitOffset ?? 0)) & mask);
    const out = new Uint8Array(span);
    for (let i = 0; i < span; i++) out[i] = Number((word >> BigInt(i * 8)) & 0xffn);
    storeValue(cf, rt, v, out);
    return;
  }
  const bytes = encodeScalar(v.type, x);
  storeValue(cf, rt, v, bytes);
  if (v.bytes) v.bytes.set(bytes.subarray(0, Math.min(bytes.length, v.bytes.length)));
}

function namedNodes(rt: DebugRuntime, cf: CFrame, list: NamedValue[]): VarNode[] {
  return list.map((n) => cNode(rt, cf, cf.mem, n.name, n.value, n.name));
}

/** Arguments, Locals and Globals scopes of a frame; undefined when the frame has no DWARF. */
export function cScopes(rt: DebugRuntime, frame: Frame, inlineDepth = 0): ScopeNode[] | undefined {
  const cf = cframe(rt, frame, inlineDepth);
  if (!cf) return undefined;
  const scopes: ScopeNode[] = [
    { name: 'Arguments', expensive: false, presentationHint: 'arguments', children: () => namedNodes(rt, cf, frameArguments(cf)) },
    { name: 'Locals', expensive: false, presentationHint: 'locals', children: () => namedNodes(rt, cf, frameLocals(cf)) },
    { name: 'Globals', expensive: false, children: () => namedNodes(rt, cf, unitGlobals(cf)) },
  ];
  return scopes;
}

/** gdb's `info args` / `info locals` lines for a frame (the console and the oracle tests use them). */
export function infoLines(rt: DebugRuntime, frame: Frame, what: 'args' | 'locals', inlineDepth = 0): string {
  const cf = cframe(rt, frame, inlineDepth);
  if (!cf) return 'No symbol table info available.';
  const list = what === 'args' ? frameArguments(cf) : frameLocals(cf);
  if (!list.length) return what === 'args' ? 'No arguments.' : 'No locals.';
  return list.map((n) => `${n.name} = ${formatValue(n.value, cf.mem)}`).join('\n');
}

/** A C result for an expression that needs the C evaluator (undefined: leave it to the register/symbol evaluator). */
export function tryEvaluateC(rt: DebugRuntime, expr: string, frame: Frame | undefined, cFirst = false): CResult | undefined {
  if (!frame && rt.target && !rt.isRunning) frame = withInlineFrames(rt, rt.stack(1))[0];
  const cf = wantsC(rt, expr, frame, cFirst);
  if (cf === false) return undefined;
  try {
    return evaluateCExpression(rt, expr, frame, cf);
  } catch (e) {
    if (e instanceof ExprError) throw e;
    // a fault inside the reader: a clear message, never the host exception's text
    throw new ExprError(`cannot evaluate '${expr}': the program's DWARF could not be read here`);
  }
}
