// Breakpoints as the runtime keeps them: source lines, function names and instruction addresses resolve to
// addresses in the loaded modules (pending until an object defining them is mapped), data breakpoints are
// watch ranges. Conditions, hit counts and log messages are checked here when the hart stops at an address.
import { normalize } from 'node:path';
import type { DebugModule } from './modules';
import { parseNumber } from './expr';
import { MAX_DATA_BREAKPOINT_BYTES } from './limits';
import { WATCH_MAX } from '../hart/layout';
import { dwarfFunctionEntries } from './inline';

export type BreakpointKind = 'source' | 'function' | 'instruction';

export interface UserBreakpoint {
  id: number;
  kind: BreakpointKind;
  /** source: host path and requested line; function: name; instruction: reference + offset. */
  path?: string;
  requestedLine?: number;
  name?: string;
  reference?: string;
  offset?: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  // resolution
  addresses: bigint[];
  /**
   * Physical addresses (function breakpoints on code every address space maps, like the kernel's vDSO): the
   * instruction stops at whatever virtual address runs it.
   */
  physical?: bigint[];
  line?: number;
  verified: boolean;
  message?: string;
  hits: number;
}

export interface DataWatch {
  id: number;
  dataId: string;
  start: bigint;
  end: bigint;
  access: 'read' | 'write' | 'readWrite';
  condition?: string;
  hitCondition?: string;
  hits: number;
  /** Human name (the [vvar] field or the range). */
  label: string;
  /** Set when the target watches physical memory (a full system): where start lies in physical memory. */
  physStart?: bigint;
  /**
   * A watch on an object in a stack frame (a C local or argument) ends when that frame returns, as gdb's does:
   * the caller's resume address and its sp (the frame's CFA), and the thread.
   */
  scope?: WatchScope;
}

export interface WatchScope { returnPc: bigint; cfa: bigint; tid?: number }

let nextId = 1;

const hex = (v: bigint) => '0x' + v.toString(16);

export class BreakpointTable {
  private source = new Map<string, UserBreakpoint[]>();
  private functions: UserBreakpoint[] = [];
  private instructions: UserBreakpoint[] = [];
  data: DataWatch[] = [];

  all(): UserBreakpoint[] {
    return [...[...this.source.values()].flat(), ...this.functions, ...this.instructions];
  }

  setSource(path: string, specs: { line: number; condition?: string; hitCondition?: string; logMessage?: string }[], modules: DebugModule[] | undefined): UserBreakpoint[] {
    const key = normalize(path);
    const list = specs.map((s) => this.make({ kind: 'source', path: key, requestedLine: s.line, condition: s.condition, hitCondition: s.hitCondition, logMessage: s.logMessage }));
    this.source.set(key, list);
    if (modules) for (const b of list) this.resolve(b, modules);
    return list;
  }

  setFunctions(specs: { name: string; condition?: string; hitCondition?: string }[], modules: DebugModule[] | undefined): UserBreakpoint[] {
    this.functions = specs.map((s) => this.make({ kind: 'function', name: s.name.trim(), condition: s.condition, hitCondition: s.hitCondition }));
    if (modules) for (const b of this.functions) this.resolve(b, modules);
    return this.functions;
  }

  setInstructions(specs: { instructionReference: string; offset?: number; condition?: string; hitCondition?: string }[], modules: DebugModule[] | undefined): UserBreakpoint[] {
    this.instructions = specs.map((s) => this.make({ kind: 'instruction', reference: s.instructionReference, offset: s.offset ?? 0, condition: s.condition, hitCondition: s.hitCondition }));
    if (modules) for (const b of this.instructions) this.resolve(b, modules);
    return this.instructions;
  }

  private make(p: Partial<UserBreakpoint> & { kind: BreakpointKind }): UserBreakpoint {
    const pending = p.kind === 'instruction' ? 'not yet resolved' : 'pending: waiting for the program and its libraries to be loaded';
    return { id: nextId++, addresses: [], verified: false, hits: 0, message: pending, ...p };
  }

  /**
   * Names of code at fixed physical addresses (the target's answer, e.g. the kernel's vDSO in a full system):
   * function breakpoints resolve there too.
   */
  physicalResolver?: (name: string) => bigint | undefined;

  /** Try to resolve one breakpoint against the modules; returns true when its resolution changed. */
  resolve(b: UserBreakpoint, modules: DebugModule[]): boolean {
    const before = b.addresses.join(',') + (b.physical ?? []).join(',') + b.verified + b.message;
    if (b.kind === 'instruction') {
      const base = parseNumber(b.reference ?? '');
      if (base === undefined) {
        b.verified = false;
        b.message = `'${b.reference}' is not an address`;
      } else {
        b.addresses = [BigInt.asUintN(64, base + BigInt(b.offset ?? 0))];
        b.verified = true;
        b.message = undefined;
      }
    } else if (b.kind === 'function') {
      const name = b.name ?? '';
      const addrs: bigint[] = [];
      const direct = name.startsWith('*') ? parseNumber(name.slice(1)) : undefined;
      if (direct !== undefined) addrs.push(direct);
      else {
        // 'module!name' restricts to one object.
        const bang = name.indexOf('!');
        const modName = bang > 0 ? name.slice(0, bang) : undefined;
        const sym = bang > 0 ? name.slice(bang + 1) : name;
        for (const m of modules) {
          if (modName && m.name !== modName && !m.name.endsWith('/' + modName)) continue;
          const a = m.lookup(sym);
          // where gdb stops for "break NAME": after the prologue, by the line table
          if (a !== undefined && m.contains(a)) addrs.push(m.afterPrologue(a));
          // and, from DWARF, copies named otherwise in the symbol table (fact.constprop.0) and inlined instances
          const d = dwarfFunctionEntries(m, sym);
          for (const e of d.outOfLine) if (m.contains(e)) addrs.push(m.afterPrologue(e));
          for (const e of d.inlined) if (m.contains(e)) addrs.push(e);
        }
      }
      b.addresses = [...new Set(addrs)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const pa = direct === undefined && !name.includes('!') ? this.physicalResolver?.(name) : undefined;
      b.physical = pa !== undefined ? [pa] : undefined;
      b.verified = b.addresses.length > 0 || b.physical !== undefined;
      // still pending: an object loaded later (dlopen) may define it
      b.message = b.verified ? undefined : `no function ${name} in the loaded objects`;
    } else {
      let best: { line: number; addresses: bigint[] } | undefined;
      for (const m of modules) {
        const r = m.lineToAddresses(b.path!, b.requestedLine!);
        if (!r) continue;
        if (!best || r.line < best.line) best = { line: r.line, addresses: [...r.addresses] };
        else if (r.line === best.line) best.addresses.push(...r.addresses);
      }
      if (best) {
        b.addresses = best.addresses;
        b.line = best.line;
        b.verified = true;
        b.message = best.line !== b.requestedLine ? `line ${b.requestedLine} has no code: moved to line ${best.line}` : undefined;
      } else {
        b.verified = false;
        b.message = `pending: no line-table entry for this file at or after line ${b.requestedLine} in the loaded objects`;
      }
    }
    return before !== b.addresses.join(',') + (b.physical ?? []).join(',') + b.verified + b.message;
  }

  /** Resolve every breakpoint again (new modules mapped); returns those that changed. */
  resolveAll(modules: DebugModule[]): UserBreakpoint[] {
    // a resolved instruction breakpoint is an address: no module can change it (1,000 of them made every
    // mapping of an object cost milliseconds, scripts/bench-debug.ts)
    return this.all().filter((b) => !(b.kind === 'instruction' && b.verified) && this.resolve(b, modules));
  }

  /** Every address that must carry a hart breakpoint. */
  addresses(): Set<bigint> {
    const s = new Set<bigint>();
    for (const b of this.all()) if (b.verified) for (const a of b.addresses) s.add(a);
    return s;
  }

  /** Every physical address that must carry a hart breakpoint. */
  physicalAddresses(): Set<bigint> {
    const s = new Set<bigint>();
    for (const b of this.all()) if (b.verified && b.physical) for (const a of b.physical) s.add(a);
    return s;
  }

  /** The breakpoints at virtual `pc` (or at its physical address `pa`, when known). */
  at(pc: bigint, pa?: bigint): UserBreakpoint[] {
    return this.all().filter((b) => b.verified && (b.addresses.includes(pc) || (pa !== undefined && !!b.physical?.includes(pa))));
  }

  describe(b: UserBreakpoint, modules: DebugModule[]): string {
    return [...b.addresses.map((a) => {
      const m = modules.find((x) => x.contains(a));
      return m ? `${hex(a)} (${m.name} + ${hex(a - m.start)})` : hex(a);
    }), ...(b.physical ?? []).map((a) => `physical ${hex(a)} (every address space)`)].join(', ');
  }

  setData(specs: Omit<DataWatch, 'id' | 'hits'>[]): DataWatch[] {
    if (specs.length > WATCH_MAX) throw new Error(`${specs.length} data breakpoints: the hart watches at most ${WATCH_MAX} ranges (docs/limits.md)`);
    for (const s of specs) checkWatchRange(s.start, s.end, s.label);
    this.data = specs.map((s) => ({ ...s, id: nextId++, hits: 0 }));
    return this.data;
  }
}

/** A data breakpoint watches [start, end): at least 1 and at most MAX_DATA_BREAKPOINT_BYTES bytes, inside 64 bits. */
export function checkWatchRange(start: bigint, end: bigint, label: string): void {
  const size = end - start;
  if (start < 0n || end > 1n << 64n) throw new Error(`data breakpoint ${label}: the range ${hex(start)}..${hex(end)} leaves the 64-bit address space`);
  if (size < 1n) throw new Error(`data breakpoint ${label}: the size must be at least 1 byte`);
  if (size > BigInt(MAX_DATA_BREAKPOINT_BYTES)) throw new Error(`data breakpoint ${label}: ${size} bytes; at most ${MAX_DATA_BREAKPOINT_BYTES} bytes per data breakpoint (docs/limits.md)`);
}

/** Does a hit count condition ('3', '>= 3', '% 2', '== 5') allow a stop at hit number `hits`? */
export function hitConditionMet(cond: string | undefined, hits: number): boolean {
  if (!cond || !cond.trim()) return true;
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) throw new Error(`malformed hit count '${cond}' (use N, >= N, > N, == N, % N)`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '>': return hits > n;
    case '<': return hits < n;
    case '<=': return hits <= n;
    case '==': return hits === n;
    case '%': return n > 0 && hits % n === 0;
    case '>=': case undefined: return hits >= n;
  }
  return true;
}
