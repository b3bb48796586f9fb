// C variables of a stack frame from DWARF: the function (or inlined function) and lexical blocks that hold the
// frame's pc, their arguments and locals, the compile unit's globals and statics, each as a CValue located
// through DW_AT_location (location lists by pc, DW_AT_frame_base = DW_OP_call_frame_cfa from the CFI, registers
// of outer frames recovered by the unwinder, entry values through the caller's call-site parameters).
import { DW_AT, DW_TAG, DwarfInfo, type Die, type Unit } from '../elf/dwarfInfo';
import { evaluateLocation, evaluateValue, type LocContext, type LocPiece } from '../elf/dwarfExpr';
import { typeOf, sizeOf, strip, type CType } from '../elf/dwarfTypes';
import type { CMemory, CValue } from './cvalue';
import type { DebugModule } from './modules';
import type { DebugRuntime, Frame } from './runtime';

const hex = (v: bigint) => '0x' + v.toString(16);

/** The DWARF of a module, read lazily (undefined when it has none or it cannot be read). */
const dwarfCache = new WeakMap<DebugModule, DwarfInfo | null>();
const dwarfErrors = new WeakMap<DebugModule, string>();
export function moduleDwarf(m: DebugModule): DwarfInfo | undefined {
  let d = dwarfCache.get(m);
  if (d === undefined) {
    d = null;
    for (const e of [m.debugElf, m.elf]) {
      if (!e || !e.section('.debug_info')) continue;
      try { d = DwarfInfo.fromElf(e); break; } catch (err) { dwarfErrors.set(m, (err as Error).message); }
    }
    dwarfCache.set(m, d);
  }
  return d ?? undefined;
}
export function moduleDwarfError(m: DebugModule): string | undefined { return dwarfErrors.get(m); }

/** Memory of the stopped guest, with gdb's <symbol> annotation of data and code addresses. */
export function guestMemory(rt: DebugRuntime): CMemory {
  return {
    read: (a, n) => {
      if (n <= 0) return new Uint8Array(0);
      a = BigInt.asUintN(64, a);
      const b = rt.hart.readVirt(a, n);
      if (b || !rt.target?.accessVm || rt.hart.priv !== 0) return b;
      return rt.target.accessVm(a, n); // a demand-paged page nobody touched yet (gdb reads it through ptrace)
    },
    write: (a, b) => rt.hart.writeVirt(BigInt.asUintN(64, a), b),
    symbolFor: (a) => symbolFor(rt, a),
  };
}

type SizedSym = { start: bigint; end: bigint; name: string };
const symCache = new WeakMap<DebugModule, SizedSym[]>();
function symbolFor(rt: DebugRuntime, addr: bigint): string | undefined {
  const m = rt.moduleAt(addr);
  if (!m) return undefined;
  let list = symCache.get(m);
  if (!list) {
    list = [];
    for (const s of m.symbols) {
      if (s.shndx === 0 || s.shndx >= 0xff00 || !s.name || s.name.startsWith('$') || s.name.startsWith('.L')) continue;
      if (s.type !== 1 && s.type !== 2 && s.type !== 10) continue; // OBJECT, FUNC, IFUNC
      list.push({ start: s.address, end: s.address + (s.size > 0n ? s.size : 1n), name: s.name });
    }
    // prefer globals: the symbol table order puts locals first; keep the last seen for equal starts
    list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    symCache.set(m, list);
  }
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid].start <= addr) lo = mid + 1; else hi = mid; }
  for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) {
    const s = list[i];
    if (addr >= s.start && addr < s.end) return `<${s.name}${addr === s.start ? '' : '+' + (addr - s.start)}>`;
  }
  return undefined;
}

/** The physical frame index (inline frames share their function's registers). */
const phys = (f: Frame) => f.physical ?? f.index;

/**
 * Expands physical frames into gdb's inline frames: a pc inside inlined subroutines gives one frame per
 * inlined function (innermost first, at the pc's line) and then the function that holds them (at the call line
 * of the outermost inlined call). Frames are renumbered; `physical` keeps the unwinder's index. At the top, the
 * inline frames the stop hides (`rt.inlineSkip`) are left out, so the first frame is their caller at the call line.
 */
export function withInlineFrames(rt: DebugRuntime, frames: Frame[]): Frame[] {
  const out: Frame[] = [];
  for (const f of frames) {
    let inl: Die[] = [];
    try { inl = inlineDepthAt(rt, f); } catch { inl = []; }
    // the inline frames that begin at the stop's pc and are hidden (gdb's skipped frames; inline.ts)
    const skip = f.index === 0 ? Math.min(rt.inlineSkip, inl.length) : 0;
    for (let d = skip; d <= inl.length; d++) {
      const inner = inl[inl.length - d]; // the inlined call this frame made (d > 0)
      const fnDie = d < inl.length ? inl[inl.length - 1 - d] : undefined;
      let location = f.location;
      if (d > 0 && inner && f.location) {
        const line = Number(inner.num(DW_AT.call_line) ?? 0n);
        location = { ...f.location, line, column: Number(inner.num(DW_AT.call_column) ?? 0n) };
        // the call site's file (DW_AT_call_file, an index into the unit's line-table files): an inline function
        // from a header is called from the .c file
        const file = f.module ? callFile(f.module, inner) : undefined;
        if (file !== undefined) location = { ...location, file, hostPath: f.module!.sourceHostPath(file) };
      }
      out.push({ ...f, index: out.length, physical: f.index, inlineDepth: d, name: fnDie?.name ?? (d === inl.length ? subprogramName(f) : undefined) ?? f.name, location });
    }
  }
  return out;
}

/** The file of an inlined subroutine's call site, from its unit's line table (undefined when unknown). */
function callFile(m: DebugModule, inlined: Die): string | undefined {
  const index = inlined.num(DW_AT.call_file);
  const stmtList = inlined.unit.unitDie.num(DW_AT.stmt_list);
  if (index === undefined || stmtList === undefined) return undefined;
  const table = m.lines?.tables.find((t) => BigInt(t.header.offset) === stmtList);
  const f = table?.header.files[Number(index)];
  return f ? f.path : undefined;
}

export interface CFrame {
  rt: DebugRuntime;
  frame: Frame;
  module: DebugModule;
  dwarf: DwarfInfo;
  unit?: Unit;
  /** Link-time pc used for scope and location-list lookups (pc - 1 in caller frames). */
  linkPc: bigint;
  /** subprogram, blocks and inlined subroutines holding the pc, outermost first. */
  chain: Die[];
  /** Index in `chain` of the function this (possibly inline) frame shows. */
  fnIndex: number;
  /** Index in `chain` where this frame's blocks end (exclusive): the next inlined subroutine, or the end. */
  endIndex: number;
  mem: CMemory;
  cfaCache?: bigint | null;
  fpCache?: (bigint | undefined)[];
}

/**
 * The C view of a frame; undefined when its module has no DWARF for the pc. `inlineDepth` selects an inline
 * frame: 0 = the innermost inlined function at the pc, 1 = its caller, ... (the physical function last).
 */
export function cframe(rt: DebugRuntime, frame: Frame, inlineDepth = 0): CFrame | undefined {
  const m = frame.module;
  if (!m || m.kind === 'kernel') return undefined;
  const dwarf = moduleDwarf(m);
  if (!dwarf) return undefined;
  const lookup = phys(frame) > 0 ? frame.pc - 1n : frame.pc;
  const linkPc = lookup - m.bias;
  inlineDepth = frame.inlineDepth ?? inlineDepth;
  let chain: Die[];
  try { chain = dwarf.scopeChain(linkPc); } catch { return undefined; }
  if (!chain.length) return undefined;
  const fnIdx = chain.map((d, i) => (d.tag === DW_TAG.subprogram || d.tag === DW_TAG.inlined_subroutine ? i : -1)).filter((i) => i >= 0);
  const k = Math.max(0, fnIdx.length - 1 - inlineDepth);
  const fnIndex = fnIdx[k] ?? 0;
  const endIndex = fnIdx[k + 1] ?? chain.length;
  return { rt, frame, module: m, dwarf, unit: chain[0].unit, linkPc, chain, fnIndex, endIndex, mem: guestMemory(rt) };
}

/** The DWARF name of a physical frame's function (gdb's: `fact` for GCC's fact.constprop.0), when it has one. */
function subprogramName(frame: Frame): string | undefined {
  const m = frame.module;
  if (!m || m.kind === 'kernel' || !frame.location) return undefined;
  const dwarf = moduleDwarf(m);
  if (!dwarf) return undefined;
  const lookup = phys(frame) > 0 ? frame.pc - 1n : frame.pc;
  try { return dwarf.scopeChain(lookup - m.bias).find((d) => d.tag === DW_TAG.subprogram)?.name; } catch { return undefined; }
}

/** How many inline frames the pc of a physical frame has (inlined subroutines holding it). */
export function inlineDepthAt(_rt: DebugRuntime, frame: Frame): Die[] {
  const m = frame.module;
  if (!m || m.kind === 'kernel') return [];
  const dwarf = moduleDwarf(m);
  if (!dwarf) return [];
  const lookup = phys(frame) > 0 ? frame.pc - 1n : frame.pc;
  try { return dwarf.scopeChain(lookup - m.bias).filter((d) => d.tag === DW_TAG.inlined_subroutine); } catch { return []; }
}

function readReg(cf: CFrame, n: number): bigint | undefined {
  if (n < 32) return n === 0 ? 0n : cf.frame.regs[n];
  if (n < 64) return fpRegs(cf)[n - 32];
  return undefined;
}

/** f0..f31 as known in the frame: the live registers, then the CFI's saves frame by frame (fs0-fs11 in callers). */
function fpRegs(cf: CFrame): (bigint | undefined)[] {
  if (cf.fpCache) return cf.fpCache;
  // another thread's frames start from its saved FP registers, the stopped thread's from the hart's
  const fp: (bigint | undefined)[] = Array.from({ length: 32 }, (_, i) => cf.frame.f?.[i] ?? cf.rt.hart.f(i));
  const target = phys(cf.frame);
  if (target > 0) {
    const frames = cf.rt.stack(target + 1, cf.frame.thread);
    for (let j = 0; j < target && j < frames.length; j++) {
      const f = frames[j];
      const cfi = f.module?.cfi;
      let r;
      try {
        r = cfi?.unwindStep(f.pc, (n) => {
          const v = n < 32 ? f.regs[n] : n < 64 ? fp[n - 32] : undefined;
          if (v === undefined) throw new Error('reg');
          return v;
        }, (a) => {
          const b = cf.mem.read(a, 8);
          if (!b) throw new Error('mem');
          return Buffer.from(b).readBigUInt64LE(0);
        }, j > 0 ? f.pc - 1n : f.pc);
      } catch { r = undefined; }
      if (r) for (const [n, v] of r.regs) if (n >= 32 && n < 64) fp[n - 32] = v;
    }
  }
  cf.fpCache = fp;
  return fp;
}

function cfa(cf: CFrame): bigint | undefined {
  if (cf.cfaCache !== undefined) return cf.cfaCache ?? undefined;
  cf.cfaCache = null;
  const lookup = phys(cf.frame) > 0 ? cf.frame.pc - 1n : cf.frame.pc;
  try {
    const r = cf.module.cfi?.unwindStep(cf.frame.pc, (n) => { const v = readReg(cf, n); if (v === undefined) throw new Error('reg'); return v; }, (a) => {
      const b = cf.rt.hart.readVirt(a, 8);
      if (!b) throw new Error('mem');
      return Buffer.from(b).readBigUInt64LE(0);
    }, lookup);
    if (r) cf.cfaCache = r.cfa;
  } catch { /* no CFA */ }
  return cf.cfaCache ?? undefined;
}

/** The physical function (subprogram) of the frame, for DW_AT_frame_base. */
function subprogram(cf: CFrame): Die | undefined {
  return cf.chain.find((d) => d.tag === DW_TAG.subprogram);
}

function locContext(cf: CFrame, unit: Unit, depth = 0): LocContext {
  const ctx: LocContext = {
    addressSize: unit.addressSize,
    bias: cf.module.bias,
    readReg: (n) => readReg(cf, n),
    readMem: (a, n) => {
      const b = cf.mem.read(a, n);
      if (!b) return undefined;
      let v = 0n;
      for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
      return v;
    },
    cfa: () => cfa(cf),
    frameBase: () => {
      const sp = subprogram(cf);
      const fb = sp && cf.dwarf.locationAt(sp, DW_AT.frame_base, cf.linkPc);
      if (!fb) return undefined;
      return evaluateValue(fb, { ...ctx, frameBase: undefined });
    },
    addrIndex: (i) => cf.dwarf.addrIndex(unit, i),
    entryValue: (sub) => (depth > 2 ? undefined : entryValue(cf, sub, depth)),
  };
  return ctx;
}

/**
 * DW_OP_entry_value(DW_OP_regN): the value register N had when the function was called, found like gdb does
 * from the caller's DW_TAG_call_site (whose DW_AT_call_return_pc is our return address) and its parameter for
 * register N (DW_AT_call_value evaluated in the caller's frame). Undefined when the caller says nothing.
 */
function entryValue(cf: CFrame, sub: Uint8Array, depth: number): bigint | undefined {
  let reg: number | undefined;
  if (sub.length === 1 && sub[0] >= 0x50 && sub[0] <= 0x6f) reg = sub[0] - 0x50;
  else if (sub.length >= 2 && sub[0] === 0x90) reg = sub[1] & 0x7f;
  if (reg === undefined) return undefined;
  // only for the physical frame's own function (inline frames share the caller's registers)
  // inline frames share the physical frame's entry values: only the outermost function of the frame was called
  if (cf.fnIndex !== cf.chain.findIndex((d) => d.tag === DW_TAG.subprogram)) return undefined;
  const frames = cf.rt.stack(phys(cf.frame) + 2);
  const caller = frames[phys(cf.frame) + 1];
  if (!caller || !caller.module) return undefined;
  const ccf = cframe(cf.rt, caller, Number.MAX_SAFE_INTEGER);
  if (!ccf) return undefined;
  const ret = caller.pc - caller.module.bias;
  const site = findCallSite(ccf.chain[0], ret);
  if (!site) return undefined;
  for (const p of site.children) {
    if (p.tag !== DW_TAG.call_site_parameter && p.tag !== DW_TAG.GNU_call_site_parameter) continue;
    const l = p.attr(DW_AT.location);
    if (!(l instanceof Uint8Array) || l.length < 1) continue;
    const pr = l[0] >= 0x50 && l[0] <= 0x6f ? l[0] - 0x50 : l[0] === 0x90 ? l[1] & 0x7f : -1;
    if (pr !== reg) continue;
    const cv = p.attr(DW_AT.call_value) ?? p.attr(DW_AT.GNU_call_site_value);
    if (!(cv instanceof Uint8Array)) return undefined;
    const ctx = locContext(ccf, ccf.unit!, depth + 1);
    try {
      const pieces = evaluateLocation(cv, ctx);
      if (pieces.length !== 1) return undefined;
      const loc = pieces[0].loc;
      if (loc.kind === 'value') return loc.value;
      if (loc.kind === 'memory') return loc.addr; // a DWARF expression's value (not a location) per DW_AT_call_value
      if (loc.kind === 'register') return ctx.readReg(loc.reg);
    } catch { return undefined; }
    return undefined;
  }
  return undefined;
}

function findCallSite(fn: Die, ret: bigint): Die | undefined {
  const stack: Die[] = [fn];
  let n = 0;
  while (stack.length && n++ < 100000) {
    const d = stack.pop()!;
    if ((d.tag === DW_TAG.call_site || d.tag === DW_TAG.GNU_call_site)) {
      const r = d.num(DW_AT.call_return_pc) ?? d.num(DW_AT.low_pc);
      if (r === ret) return d;
    }
    for (const k of d.children) stack.push(k);
  }
  return undefined;
}

function regBytes(cf: CFrame, n: number, size: number): { bytes: Uint8Array; ok: boolean } {
  const v = readReg(cf, n);
  const b = new Uint8Array(Math.max(size, 8));
  if (v === undefined) return { bytes: b, ok: false };
  let x = v;
  // a float in an FP register: NaN-boxed single precision is the low 32 bits
  for (let i = 0; i < 8; i++) { b[i] = Number(x & 0xffn); x >>= 8n; }
  return { bytes: b, ok: true };
}

/** Turn evaluated pieces into a CValue of the given type. */
export function valueFromPieces(cf: CFrame, type: CType, pieces: LocPiece[]): CValue {
  const size = sizeOf(type);
  if (pieces.length === 1 && pieces[0].bits === undefined) {
    const l = pieces[0].loc;
    switch (l.kind) {
      case 'memory': return { type, addr: BigInt.asUintN(64, l.addr) };
      case 'optimized': return { type, optimized: true };
      case 'register': {
        const r = regBytes(cf, l.reg, size);
        return r.ok ? { type, bytes: r.bytes, reg: l.reg } : { type, optimized: true };
      }
      case 'value': {
        const b = new Uint8Array(Math.max(size, 8));
        let x = BigInt.asUintN(64, l.value);
        for (let i = 0; i < 8; i++) { b[i] = Number(x & 0xffn); x >>= 8n; }
        return { type, bytes: b };
      }
      case 'bytes': return { type, bytes: l.bytes };
      case 'implicit_pointer': return { type, error: 'synthetic pointer' };
    }
  }
  // pieces: assemble bytes with a validity mask
  const total = Math.max(size, Math.ceil(pieces.reduce((s, p) => s + (p.bits ?? size * 8), 0) / 8));
  const bytes = new Uint8Array(total);
  const valid = new Uint8Array(total);
  let bitPos = 0;
  for (const p of pieces) {
    const bits = p.bits ?? size * 8;
    const nbytes = Math.ceil(bits / 8);
    let src: Uint8Array | undefined;
    const l = p.loc;
    if (l.kind === 'memory') src = cf.mem.read(l.addr, nbytes);
    else if (l.kind === 'register') { const r = regBytes(cf, l.reg, nbytes); src = r.ok ? r.bytes : undefined; }
    else if (l.kind === 'value') { src = new Uint8Array(8); let x = BigInt.asUintN(64, l.value); for (let i = 0; i < 8; i++) { src[i] = Number(x & 0xffn); x >>= 8n; } }
    else if (l.kind === 'bytes') src = l.bytes;
    const offBits = p.offsetBits ?? 0;
    for (let b = 0; b < bits; b++) {
      const dst = bitPos + b;
      if (dst >= total * 8) break;
      const sb = offBits + b;
      if (src && (sb >> 3) < src.length) {
        if ((src[sb >> 3] >> (sb & 7)) & 1) bytes[dst >> 3] |= 1 << (dst & 7);
        valid[dst >> 3] = 1;
      }
    }
    bitPos += bits;
  }
  return { type, bytes, valid };
}

/** The value of a variable or parameter DIE in this frame. */
export function variableValue(cf: CFrame, d: Die): CValue {
  const typeDie = d.inherited(DW_AT.type);
  const type = typeDie ? typeOf(typeDie) : typeOf(d);
  const constDie = d.inherited(DW_AT.const_value);
  try {
    if (constDie && !d.has(DW_AT.location)) {
      const v = constDie.attr(DW_AT.const_value);
      if (v instanceof Uint8Array) return { type, bytes: v };
      if (typeof v === 'bigint') return valueFromPieces(cf, type, [{ loc: { kind: 'value', value: v } }]);
      if (typeof v === 'string') return { type, bytes: new TextEncoder().encode(v + '\0') };
    }
    const locDie = d.has(DW_AT.location) ? d : d.ref(DW_AT.specification);
    if (!locDie || !locDie.has(DW_AT.location)) {
      // an extern declaration: the symbol table knows where it is (as gdb's minimal symbols do)
      const name = d.name;
      if (name && d.flag(DW_AT.declaration)) {
        const a = cf.rt.symbol(name);
        if (a !== undefined) return { type, addr: BigInt.asUintN(64, a) };
      }
      return { type, optimized: true };
    }
    const expr = cf.dwarf.locationAt(locDie, DW_AT.location, cf.linkPc);
    if (!expr) return { type, optimized: true };
    return valueFromPieces(cf, type, evaluateLocation(expr, locContext(cf, locDie.unit)));
  } catch (e) {
    return { type, error: `cannot read the location: ${(e as Error).message}` };
  }
}

export interface NamedValue { name: string; value: CValue; die: Die }

/** The function DIE this frame shows (a subprogram or an inlined subroutine). */
export function frameFunction(cf: CFrame): Die { return cf.chain[cf.fnIndex]; }

/**
 * The children of a scope DIE as gdb reads them: its own, plus the children of its DW_AT_abstract_origin that
 * none of its own children stand for (an inlined parameter with no concrete DIE is <optimized out>); an abstract
 * lexical block without addresses gives its children to the enclosing scope (gdb's inherit_abstract_dies).
 */
function scopeChildren(d: Die): Die[] {
  const origin = d.ref(DW_AT.abstract_origin);
  if (!origin) return d.children;
  const out = [...d.children];
  const referenced = new Set<Die>();
  for (const k of d.children) { const o = k.ref(DW_AT.abstract_origin); if (o) referenced.add(o); }
  const add = (list: Die[], depth: number) => {
    for (const a of list) {
      if (referenced.has(a)) continue;
      if (a.tag === DW_TAG.lexical_block && !a.has(DW_AT.low_pc) && !a.has(DW_AT.ranges)) { if (depth < 16) add(a.children, depth + 1); }
      else if (a.tag === DW_TAG.variable || a.tag === DW_TAG.formal_parameter) out.push(a);
    }
  };
  add(origin.children, 0);
  return out;
}

export function frameArguments(cf: CFrame): NamedValue[] {
  const fn = frameFunction(cf);
  return scopeChildren(fn).filter((k) => k.tag === DW_TAG.formal_parameter).map((k) => ({ name: k.name ?? '?', value: variableValue(cf, k), die: k }));
}

/** Locals of the blocks in scope, innermost block first (as gdb's info locals). */
export function frameLocals(cf: CFrame): NamedValue[] {
  const out: NamedValue[] = [];
  for (let i = cf.endIndex - 1; i >= cf.fnIndex; i--) {
    for (const k of scopeChildren(cf.chain[i])) {
      if (k.tag !== DW_TAG.variable || !k.name) continue;
      if (k.flag(DW_AT.declaration) && !k.has(DW_AT.location)) continue;
      out.push({ name: k.name, value: variableValue(cf, k), die: k });
    }
  }
  return out;
}

/** Globals and file statics of the frame's compile unit. */
export function unitGlobals(cf: CFrame): NamedValue[] {
  if (!cf.unit) return [];
  const seen = new Set<string>();
  const out: NamedValue[] = [];
  for (const k of cf.unit.root.children) {
    if (k.tag !== DW_TAG.variable) continue;
    const name = k.name;
    if (!name || seen.has(name)) continue;
    if (!k.has(DW_AT.location) && !k.has(DW_AT.const_value)) {
      if (!k.flag(DW_AT.declaration)) continue;
      // a declaration: shown when the definition (same unit) or a symbol gives an address
      const def = cf.unit.root.children.find((x) => x !== k && x.tag === DW_TAG.variable && x.ref(DW_AT.specification) === k);
      if (def) continue;
      if (cf.rt.symbol(name) === undefined) continue;
    }
    seen.add(name);
    out.push({ name, value: variableValue(cf, k), die: k });
  }
  return out;
}

/** A name in scope: locals (innermost first), arguments, then the unit's and other units' globals. */
export function lookupVariable(cf: CFrame, name: string): NamedValue | undefined {
  for (let i = cf.endIndex - 1; i >= cf.fnIndex; i--) {
    const d = scopeChildren(cf.chain[i]).find((k) => (k.tag === DW_TAG.variable || k.tag === DW_TAG.formal_parameter) && k.name === name);
    if (d) return { name, value: variableValue(cf, d), die: d };
  }
  const g = cf.dwarf.findGlobal(cf.unit, name);
  if (g) return { name, value: variableValue(cf, g), die: g };
  return undefined;
}

/** Write bytes into where a value lives (memory, or a register of the innermost frame). */
export function storeValue(cf: CFrame | undefined, rt: DebugRuntime, v: CValue, bytes: Uint8Array): void {
  if (v.addr !== undefined) {
    if (!rt.hart.writeVirt(v.addr, bytes)) throw new Error(`cannot write memory at ${hex(v.addr)}`);
    return;
  }
  if (v.reg !== undefined && cf && phys(cf.frame) === 0) {
    let x = 0n;
    for (let i = Math.min(bytes.length, 8) - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]);
    if (v.reg < 32) {
      const t = strip(v.type);
      const size = sizeOf(t);
      // registers hold sign-extended 32-bit values on RV64
      if (size === 4) x = BigInt.asUintN(64, BigInt.asIntN(32, x));
      rt.setRegister(cf.frame, v.reg, x); // the frame's view (shared with the session's frames) reads it back
    } else if (v.reg < 64) rt.setRegister(cf.frame, v.reg, sizeOf(v.type) === 4 ? (0xffffffff00000000n | x) : x);
    return;
  }
  if (v.optimized) throw new Error('cannot assign to a value that is optimized out');
  if (v.reg !== undefined) throw new Error('this value lives in a register of an outer frame: select the innermost frame to change it');
  throw new Error('this value is not in memory or a register (a computed value) and cannot be changed');
}
