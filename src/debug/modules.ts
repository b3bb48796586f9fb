// What the debugger knows about one mapped ELF object: symbols, the DWARF line table and CFI, all at the
// object's runtime addresses (link address + bias). Built lazily: a library nobody stops in costs nothing.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { ElfFile, SHT } from '../elf/elf';
import { SymbolIndex } from '../elf/symbols';
import { LineIndex, type SourceLocation } from '../elf/dwarfLine';
import { CfiTable } from '../elf/dwarfCfi';
import { moduleDwarf } from './cframe';
import { VDSO_OFFSETS } from '../guest/vdso/vdsoSymbols.generated';

export type ModuleKind = 'program' | 'interpreter' | 'library' | 'vdso' | 'kernel';

let nextModuleId = 1;

/** The project root (where src/guest lives): DWARF paths of our vDSO and kernel entry are relative to it. */
let repoRootCache: string | null | undefined;
export function repoRoot(): string | undefined {
  if (repoRootCache !== undefined) return repoRootCache ?? undefined;
  let d = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'src', 'guest', 'vdso', 'vgettimeofday.c'))) return (repoRootCache = d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  repoRootCache = null;
  return undefined;
}

export interface ResolvedLocation extends SourceLocation {
  /** Host path of the source file (when it could be found) or the DWARF path. */
  hostPath: string;
}

export class DebugModule {
  readonly id = nextModuleId++;
  private symbolCache?: SymbolIndex;
  private lineCache?: LineIndex | null;
  private cfiCache?: CfiTable | null;
  private hostPathCache = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly kind: ModuleKind,
    readonly elf: ElfFile,
    readonly bias: bigint,
    readonly start: bigint,
    readonly end: bigint,
    readonly hostPath?: string,
    readonly debugElf?: ElfFile,
    /** Extra directories where relative DWARF paths may resolve. */
    readonly searchDirs: string[] = [],
  ) {}

  contains(addr: bigint): boolean { return addr >= this.start && addr < this.end; }

  get symbols(): SymbolIndex {
    if (!this.symbolCache) {
      const full = this.debugElf ?? this.elf;
      let symtab = [] as ReturnType<ElfFile['symbols']>;
      let dynsym = [] as ReturnType<ElfFile['dynamicSymbols']>;
      try { symtab = full.symbols(); } catch { /* no .symtab */ }
      try { dynsym = this.elf.dynamicSymbols(); } catch { /* no .dynsym */ }
      this.symbolCache = new SymbolIndex({ symtab, dynsym }, this.bias);
    }
    return this.symbolCache;
  }

  get lines(): LineIndex | undefined {
    if (this.lineCache === undefined) {
      this.lineCache = null;
      for (const e of [this.debugElf, this.elf]) {
        if (!e || !e.section('.debug_line')) continue;
        try { this.lineCache = LineIndex.fromElf(e, this.bias); break; } catch { /* unreadable DWARF: no lines */ }
      }
    }
    return this.lineCache ?? undefined;
  }

  /** Whether a line table exists, without parsing it (the module list shows this for every object). */
  get hasLines(): boolean {
    if (this.lineCache !== undefined) return this.lineCache !== null;
    return [this.debugElf, this.elf].some((e) => !!e?.section('.debug_line'));
  }

  get cfi(): CfiTable | undefined {
    if (this.cfiCache === undefined) {
      const parts: { cies: CfiTable['cies']; fdes: CfiTable['fdes'] }[] = [];
      try { const t = CfiTable.fromElf(this.elf, 0n); parts.push({ cies: t.cies, fdes: t.fdes }); } catch { /* none */ }
      if (this.debugElf) {
        try { const t = CfiTable.fromElf(this.debugElf, 0n, 'debug'); parts.push({ cies: t.cies, fdes: t.fdes }); } catch { /* none */ }
      }
      this.cfiCache = parts.some((p) => p.fdes.length) ? new CfiTable(parts, this.bias) : null;
    }
    return this.cfiCache ?? undefined;
  }

  /** Runtime address of a symbol (vDSO names through the generated offset table first). */
  lookup(name: string): bigint | undefined {
    if (this.kind === 'vdso' && Object.prototype.hasOwnProperty.call(VDSO_OFFSETS, name)) return this.start + BigInt(VDSO_OFFSETS[name]);
    // pending breakpoints are resolved against every object as it maps: answer "not here" without building
    // the full symbol index (thousands of names in static glibc) when no symbol table names it at all
    if (!this.symbolCache && !name.includes('@') && !this.mayDefine(name)) return undefined;
    const s = this.symbols.lookup(name);
    if (!s || s.shndx === 0) return undefined;
    return s.address;
  }

  /**
   * Whether some symbol of .symtab/.dynsym has this exact name: its bytes plus NUL are searched in the string
   * table (native indexOf) and the symbol entries' st_name compared with the offsets found; no name is decoded.
   */
  private mayDefine(name: string): boolean {
    const needle = Buffer.from(name + '\0', 'utf8');
    const tables: [ElfFile, number][] = [[this.debugElf ?? this.elf, SHT.SYMTAB], [this.elf, SHT.DYNSYM]];
    for (const [elf, type] of tables) {
      for (const sec of elf.sections) {
        if (sec.type !== type) continue;
        const str = elf.sections[sec.link];
        if (!str || str.type === SHT.NOBITS) return true; // unusual: let the full index decide
        // sectionData checks the ranges against the file (a corrupt table is an ElfError naming it)
        const strBytes = elf.sectionData(str);
        const strData = Buffer.from(strBytes.buffer, strBytes.byteOffset, strBytes.byteLength);
        const offsets = new Set<number>();
        for (let i = strData.indexOf(needle); i >= 0; i = strData.indexOf(needle, i + 1)) offsets.add(i);
        if (!offsets.size) continue;
        const ent = Number(sec.entsize) || 24;
        const symBytes = elf.sectionData(sec);
        const dv = new DataView(symBytes.buffer, symBytes.byteOffset, symBytes.byteLength);
        for (let o = 0; o + 24 <= dv.byteLength; o += ent) if (offsets.has(dv.getUint32(o, true))) return true;
      }
    }
    return false;
  }

  private labelCache?: { address: bigint; name: string }[];

  /** Labels (assembly code has NOTYPE symbols only): the nearest defined symbol at or before addr. */
  private nearestLabel(addr: bigint): { address: bigint; name: string } | undefined {
    if (!this.labelCache) {
      this.labelCache = [...this.symbols]
        .filter((s) => s.shndx !== 0 && s.shndx < 0xff00 && (s.type === 0 || s.type === 2) && !s.name.startsWith('$') && !s.name.startsWith('.L'))
        .map((s) => ({ address: s.address, name: s.name }))
        .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    }
    const a = this.labelCache;
    let lo = 0, hi = a.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid].address <= addr) lo = mid + 1; else hi = mid; }
    return lo > 0 ? a[lo - 1] : undefined;
  }

  /** 'name+0x10' for an address inside this module. */
  describe(addr: bigint): string | undefined {
    const d = this.symbols.describe(addr)?.text;
    if (d !== undefined || !this.contains(addr)) return d;
    const l = this.nearestLabel(addr);
    return l ? (l.address === addr ? l.name : `${l.name}+0x${(addr - l.address).toString(16)}`) : undefined;
  }

  functionName(addr: bigint): string | undefined {
    return this.symbols.functionAt(addr)?.name ?? (this.contains(addr) ? this.nearestLabel(addr)?.name : undefined);
  }

  /** Host path of a DWARF file name (relative names are tried against the object's directory and the project). */
  sourceHostPath(file: string): string {
    let p = this.hostPathCache.get(file);
    if (p !== undefined) return p;
    p = file;
    if (isAbsolute(file)) {
      p = normalize(file);
    } else {
      // the object's directory and the two above it (a build directory next to the sources, compiled with
      // -ffile-prefix-map=$PWD=.), extra search directories, the project, the working directory
      const near: string[] = [];
      if (this.hostPath) for (let d = dirname(this.hostPath), i = 0; i < 3; i++, d = dirname(d)) near.push(d);
      const dirs = [...near, ...this.searchDirs, repoRoot(), process.cwd()].filter((d): d is string => !!d);
      for (const d of dirs) {
        const c = resolve(d, file);
        if (existsSync(c)) { p = c; break; }
      }
    }
    this.hostPathCache.set(file, p);
    return p;
  }

  addressToLine(addr: bigint): ResolvedLocation | undefined {
    const l = this.lines?.addressToLine(addr);
    if (!l) return undefined;
    return { ...l, hostPath: this.sourceHostPath(l.file) };
  }

  /** DWARF file names of this module that are the given host file. */
  dwarfNamesFor(hostFile: string): string[] {
    const li = this.lines;
    if (!li) return [];
    const want = normalize(hostFile);
    // a relative DWARF name also matches a host file by its trailing components ('src/vdso.c')
    return li.files().filter((f) => this.sourceHostPath(f) === want || normalize(f) === want || (!isAbsolute(f) && want.endsWith(sep + normalize(f))));
  }

  /** Breakpoint addresses for a host file and line (the first line at or after `line` with code). */
  lineToAddresses(hostFile: string, line: number): { line: number; addresses: bigint[] } | undefined {
    const li = this.lines;
    if (!li) return undefined;
    let best: { line: number; addresses: bigint[] } | undefined;
    for (const f of this.dwarfNamesFor(hostFile)) {
      const r = li.lineToAddresses(f, line);
      if (r && (!best || r.line < best.line)) best = r;
    }
    return best && { line: best.line, addresses: this.firstPerBlock(best.addresses) };
  }

  /**
   * gdb's filter for a line's locations (linespec.c): of several addresses in the same innermost block (a
   * function, lexical block or inlined call) only the first is kept, so `break LINE` on a loop's line stops
   * once at the loop, not at each of the line's pieces. Without .debug_info every address stays.
   */
  private firstPerBlock(addresses: bigint[]): bigint[] {
    const dwarf = this.kind === 'kernel' ? undefined : moduleDwarf(this);
    if (!dwarf || addresses.length < 2) return addresses;
    const seen = new Set<unknown>();
    return addresses.filter((a) => {
      let block: unknown;
      try { const c = dwarf.scopeChain(a - this.bias); block = c[c.length - 1]; } catch { block = undefined; }
      if (block === undefined) return true;
      if (seen.has(block)) return false;
      seen.add(block);
      return true;
    });
  }

  private lineStartCache?: bigint[];

  /** Every is_stmt row's address (runtime, ascending, unique): where a source line begins. */
  lineStarts(): bigint[] {
    if (!this.lineStartCache) {
      const li = this.lines;
      const set = new Set<bigint>();
      if (li) for (const r of li.rows()) if (r.isStmt && !r.endSequence) set.add(r.address + li.bias);
      this.lineStartCache = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    return this.lineStartCache;
  }

  /** The function symbol containing an address (start and size), when the symbol table has one. */
  functionRange(addr: bigint): { name: string; start: bigint; end: bigint } | undefined {
    const f = this.symbols.functionAt(addr);
    return f ? { name: f.name, start: f.address, end: f.address + (f.size > 0n ? f.size : 1n) } : undefined;
  }

  /**
   * Where a debugger stops for "break FUNCTION" (gdb's skip_prologue_using_sal): the row marked prologue_end when
   * there is one; else the first is_stmt row of a different line than the function's opening line; else the
   * function's first address.
   */
  afterPrologue(fnStart: bigint): bigint {
    const li = this.lines;
    const fn = this.functionRange(fnStart);
    if (!li || !fn || fn.start !== fnStart) return fnStart;
    const lo = fn.start - li.bias, hi = fn.end - li.bias;
    const rows = li.rows().filter((r) => !r.endSequence && r.address >= lo && r.address < hi).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    if (!rows.length || rows[0].address !== lo) return fnStart;
    const pe = rows.find((r) => r.prologueEnd);
    if (pe) return pe.address + li.bias;
    const first = rows[0];
    const next = rows.find((r) => r.isStmt && r.line !== first.line);
    return next ? next.address + li.bias : fnStart;
  }

  /** Host paths of every source file this module's line table names. */
  sourceFiles(): string[] {
    return [...new Set((this.lines?.files() ?? []).map((f) => this.sourceHostPath(f)))];
  }
}
