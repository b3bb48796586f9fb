// ELF64 little-endian reader. Every offset, size and count taken from the file is checked
// against the file size before use; malformed input throws ElfError (see reader.ts).

import { Cursor, ElfError, decodeLatin1OrUtf8, hex, stringAt } from './reader';
import { MAX_ELF_PROGRAM_HEADERS, MAX_ELF_SECTIONS } from './limits';

export { ElfError } from './reader';

export const ET = { NONE: 0, REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;
export const EM_RISCV = 243;

export const PT = {
  NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, SHLIB: 5, PHDR: 6, TLS: 7,
  GNU_EH_FRAME: 0x6474e550, GNU_STACK: 0x6474e551, GNU_RELRO: 0x6474e552, GNU_PROPERTY: 0x6474e553,
  RISCV_ATTRIBUTES: 0x70000003,
} as const;
export const PF = { X: 1, W: 2, R: 4 } as const;

export const SHT = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, REL: 9,
  SHLIB: 10, DYNSYM: 11, INIT_ARRAY: 14, FINI_ARRAY: 15, PREINIT_ARRAY: 16, GROUP: 17, SYMTAB_SHNDX: 18,
  GNU_HASH: 0x6ffffff6, GNU_VERDEF: 0x6ffffffd, GNU_VERNEED: 0x6ffffffe, GNU_VERSYM: 0x6fffffff,
  RISCV_ATTRIBUTES: 0x70000003,
} as const;
export const SHF = { WRITE: 1n, ALLOC: 2n, EXECINSTR: 4n, MERGE: 0x10n, STRINGS: 0x20n, INFO_LINK: 0x40n, TLS: 0x400n } as const;
export const SHN = { UNDEF: 0, LORESERVE: 0xff00, ABS: 0xfff1, COMMON: 0xfff2, XINDEX: 0xffff } as const;

export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, COMMON: 5, TLS: 6, GNU_IFUNC: 10 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;
export const STV = { DEFAULT: 0, INTERNAL: 1, HIDDEN: 2, PROTECTED: 3 } as const;

export const DT = {
  NULL: 0, NEEDED: 1, PLTRELSZ: 2, PLTGOT: 3, HASH: 4, STRTAB: 5, SYMTAB: 6, RELA: 7, RELASZ: 8, RELAENT: 9,
  STRSZ: 10, SYMENT: 11, INIT: 12, FINI: 13, SONAME: 14, RPATH: 15, SYMBOLIC: 16, REL: 17, RELSZ: 18, RELENT: 19,
  PLTREL: 20, DEBUG: 21, TEXTREL: 22, JMPREL: 23, BIND_NOW: 24, INIT_ARRAY: 25, FINI_ARRAY: 26,
  INIT_ARRAYSZ: 27, FINI_ARRAYSZ: 28, RUNPATH: 29, FLAGS: 30, PREINIT_ARRAY: 32, PREINIT_ARRAYSZ: 33,
  GNU_HASH: 0x6ffffef5, VERSYM: 0x6ffffff0, RELACOUNT: 0x6ffffff9, RELCOUNT: 0x6ffffffa, FLAGS_1: 0x6ffffffb,
  VERDEF: 0x6ffffffc, VERDEFNUM: 0x6ffffffd, VERNEED: 0x6ffffffe, VERNEEDNUM: 0x6fffffff,
} as const;

const STT_NAMES: Record<number, string> = { 0: 'NOTYPE', 1: 'OBJECT', 2: 'FUNC', 3: 'SECTION', 4: 'FILE', 5: 'COMMON', 6: 'TLS', 10: 'IFUNC' };
const STB_NAMES: Record<number, string> = { 0: 'LOCAL', 1: 'GLOBAL', 2: 'WEAK', 10: 'UNIQUE' };
const STV_NAMES = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];
/** readelf's spelling of a symbol type / binding / visibility. */
export const symTypeName = (t: number): string => STT_NAMES[t] ?? `<unknown>: ${t}`;
export const symBindName = (b: number): string => STB_NAMES[b] ?? `<unknown>: ${b}`;
export const symVisName = (v: number): string => STV_NAMES[v & 3];

export interface ElfHeader {
  /** EI_OSABI */
  osabi: number;
  abiVersion: number;
  type: number;
  machine: number;
  version: number;
  entry: bigint;
  phoff: bigint;
  shoff: bigint;
  flags: number;
  ehsize: number;
  phentsize: number;
  /** Real program header count (PN_XNUM resolved through section 0). */
  phnum: number;
  shentsize: number;
  /** Real section count (0 in e_shnum resolved through section 0's sh_size). */
  shnum: number;
  /** Real section-name string table index (SHN_XINDEX resolved through section 0's sh_link). */
  shstrndx: number;
}

export interface ProgramHeader {
  index: number;
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export interface SectionHeader {
  index: number;
  name: string;
  nameOffset: number;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
  addralign: bigint;
  entsize: bigint;
}

export interface SymbolVersion {
  /** Raw .gnu.version entry (bit 15 = hidden). */
  index: number;
  /** Version name, '' for index 0 (local) and the file's base/global entry for 1. */
  name: string;
  /** Bit 15 set: a non-default version (shown as sym@VER rather than sym@@VER). */
  hidden: boolean;
  /** For references to another object's version (from .gnu.version_r): that object's file name. */
  file?: string;
}

export interface ElfSymbol {
  index: number;
  name: string;
  value: bigint;
  size: bigint;
  type: number;
  bind: number;
  visibility: number;
  /** Section index (SHN_* for special ones; SHN_XINDEX resolved when .symtab_shndx is present). */
  shndx: number;
  other: number;
  /** Only for .dynsym entries of files with .gnu.version. */
  version?: SymbolVersion;
}

export interface VersionDef {
  version: number;
  flags: number;
  ndx: number;
  count: number;
  hash: number;
  /** First name is the version itself, the rest are parents. */
  names: string[];
}

export interface VersionNeedAux {
  hash: number;
  flags: number;
  other: number;
  name: string;
}
export interface VersionNeed {
  version: number;
  file: string;
  entries: VersionNeedAux[];
}

export interface DynamicEntry {
  tag: bigint;
  value: bigint;
  /** For string-valued tags (NEEDED, SONAME, RPATH, RUNPATH) when the string table is readable. */
  str?: string;
}

export interface ElfNote {
  name: string;
  type: number;
  desc: Uint8Array;
  /** File offset of the note header. */
  offset: number;
  /** Section name or 'PT_NOTE' if read from a segment. */
  source: string;
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;

export class ElfFile {
  readonly data: Uint8Array;
  readonly header: ElfHeader;
  readonly programHeaders: ProgramHeader[];
  readonly sections: SectionHeader[];
  private symCache = new Map<number, ElfSymbol[]>();
  private verCache?: { defs: VersionDef[]; needs: VersionNeed[] };

  constructor(data: Uint8Array) {
    this.data = data;
    this.header = this.readHeader();
    this.sections = this.readSections();
    this.programHeaders = this.readProgramHeaders();
  }

  static parse(data: Uint8Array): ElfFile {
    return new ElfFile(data);
  }

  // ---- headers ----

  private readHeader(): ElfHeader {
    const d = this.data;
    if (d.length < 16) throw new ElfError(`ELF header: file too small for e_ident (${d.length} bytes, need 16) at offset 0x0`);
    if (d[0] !== 0x7f || d[1] !== 0x45 || d[2] !== 0x4c || d[3] !== 0x46) throw new ElfError('ELF header: bad magic (not an ELF file) at offset 0x0');
    if (d[4] !== 2) throw new ElfError(`ELF header: EI_CLASS ${d[4]} is not ELFCLASS64 at offset 0x4`);
    if (d[5] !== 1) throw new ElfError(`ELF header: EI_DATA ${d[5]} is not little-endian at offset 0x5`);
    const c = new Cursor(d, 'ELF header');
    c.need(EHDR_SIZE, 'ELF64 header');
    c.pos = 7;
    const osabi = c.u8();
    const abiVersion = c.u8();
    c.pos = 16;
    const type = c.u16();
    const machine = c.u16();
    const version = c.u32();
    const entry = c.u64();
    const phoff = c.u64();
    const shoff = c.u64();
    const flags = c.u32();
    const ehsize = c.u16();
    const phentsize = c.u16();
    let phnum = c.u16();
    const shentsize = c.u16();
    let shnum = c.u16();
    let shstrndx = c.u16();
    // Extended numbering lives in section header 0.
    if (shoff !== 0n && (shnum === 0 || shstrndx === SHN.XINDEX || phnum === 0xffff)) {
      if (shentsize < SHDR_SIZE) throw new ElfError(`ELF header: e_shentsize ${shentsize} smaller than ${SHDR_SIZE} at offset 0x3a`);
      const off = this.checkRange(shoff, BigInt(SHDR_SIZE), 'section header 0 (extended numbering)');
      const s0 = new Cursor(d, 'section header 0', off, off + SHDR_SIZE);
      s0.pos = off + 32;
      const size = s0.u64();
      const link = s0.u32();
      const info = s0.u32();
      if (shnum === 0) {
        if (size > BigInt(d.length)) throw new ElfError(`section header 0: extended section count ${size} exceeds file size at offset ${hex(off + 32)}`);
        shnum = Number(size);
      }
      if (shstrndx === SHN.XINDEX) shstrndx = link;
      if (phnum === 0xffff) phnum = info;
    }
    return { osabi, abiVersion, type, machine, version, entry, phoff, shoff, flags, ehsize, phentsize, phnum, shentsize, shnum, shstrndx };
  }

  /** Checks that [off, off+size) lies inside the file; returns off as a number. */
  checkRange(off: bigint, size: bigint, what: string): number {
    if (off < 0n || size < 0n || off + size > BigInt(this.data.length)) {
      throw new ElfError(`${what}: range offset ${hex(off)} size ${hex(size)} extends past end of file (size ${hex(this.data.length)})`);
    }
    return Number(off);
  }

  private readProgramHeaders(): ProgramHeader[] {
    const h = this.header;
    if (h.phnum === 0 || h.phoff === 0n) return [];
    if (h.phentsize < PHDR_SIZE) throw new ElfError(`ELF header: e_phentsize ${h.phentsize} smaller than ${PHDR_SIZE} at offset 0x36`);
    if (h.phnum > MAX_ELF_PROGRAM_HEADERS) throw new ElfError(`program header table: ${h.phnum} entries; at most ${MAX_ELF_PROGRAM_HEADERS} are read (docs/limits.md)`);
    const total = BigInt(h.phentsize) * BigInt(h.phnum);
    const base = this.checkRange(h.phoff, total, `program header table (${h.phnum} entries of ${h.phentsize} bytes)`);
    const out: ProgramHeader[] = [];
    for (let i = 0; i < h.phnum; i++) {
      const off = base + i * h.phentsize;
      const c = new Cursor(this.data, `program header ${i}`, off, off + PHDR_SIZE);
      out.push({
        index: i, type: c.u32(), flags: c.u32(), offset: c.u64(), vaddr: c.u64(), paddr: c.u64(),
        filesz: c.u64(), memsz: c.u64(), align: c.u64(),
      });
    }
    return out;
  }

  private readSections(): SectionHeader[] {
    const h = this.header;
    if (h.shnum === 0 || h.shoff === 0n) return [];
    if (h.shentsize < SHDR_SIZE) throw new ElfError(`ELF header: e_shentsize ${h.shentsize} smaller than ${SHDR_SIZE} at offset 0x3a`);
    if (h.shnum > MAX_ELF_SECTIONS) throw new ElfError(`section header table: ${h.shnum} sections; at most ${MAX_ELF_SECTIONS} are read (docs/limits.md)`);
    const total = BigInt(h.shentsize) * BigInt(h.shnum);
    const base = this.checkRange(h.shoff, total, `section header table (${h.shnum} entries of ${h.shentsize} bytes)`);
    const out: SectionHeader[] = [];
    for (let i = 0; i < h.shnum; i++) {
      const off = base + i * h.shentsize;
      const c = new Cursor(this.data, `section header ${i}`, off, off + SHDR_SIZE);
      out.push({
        index: i, name: '', nameOffset: c.u32(), type: c.u32(), flags: c.u64(), addr: c.u64(), offset: c.u64(),
        size: c.u64(), link: c.u32(), info: c.u32(), addralign: c.u64(), entsize: c.u64(),
      });
    }
    if (h.shstrndx !== SHN.UNDEF) {
      if (h.shstrndx >= out.length) throw new ElfError(`ELF header: e_shstrndx ${h.shstrndx} out of range (${out.length} sections) at offset 0x3e`);
      const strtab = out[h.shstrndx];
      if (strtab.type === SHT.NOBITS) throw new ElfError(`section name table (section ${h.shstrndx}) has no file data`);
      const soff = this.checkRange(strtab.offset, strtab.size, `section name string table (section ${h.shstrndx})`);
      for (const s of out) s.name = stringAt(this.data, soff, Number(strtab.size), s.nameOffset, `name of section ${s.index}`);
    }
    return out;
  }

  // ---- sections ----

  section(name: string): SectionHeader | undefined {
    return this.sections.find((s) => s.name === name);
  }

  sectionsOfType(type: number): SectionHeader[] {
    return this.sections.filter((s) => s.type === type);
  }

  /** The section's bytes (empty for SHT_NOBITS). Throws if they lie outside the file. */
  sectionData(s: SectionHeader): Uint8Array {
    if (s.type === SHT.NOBITS || s.type === SHT.NULL) return new Uint8Array(0);
    const off = this.checkRange(s.offset, s.size, `section ${s.index} (${s.name || 'unnamed'}) contents`);
    return this.data.subarray(off, off + Number(s.size));
  }

  /** The bytes of a section by name, or undefined if absent. */
  sectionBytes(name: string): Uint8Array | undefined {
    const s = this.section(name);
    return s ? this.sectionData(s) : undefined;
  }

  private sectionByIndex(i: number, what: string): SectionHeader {
    if (i < 0 || i >= this.sections.length) throw new ElfError(`${what}: section index ${i} out of range (${this.sections.length} sections)`);
    return this.sections[i];
  }

  private strtabString(strIndex: number, off: number, what: string): string {
    const st = this.sectionByIndex(strIndex, `${what} string table link`);
    if (st.type === SHT.NOBITS) throw new ElfError(`${what}: string table section ${strIndex} has no file data`);
    const base = this.checkRange(st.offset, st.size, `string table section ${strIndex} (${st.name})`);
    return stringAt(this.data, base, Number(st.size), off, what);
  }

  // ---- segments ----

  segmentsOfType(type: number): ProgramHeader[] {
    return this.programHeaders.filter((p) => p.type === type);
  }

  segmentData(p: ProgramHeader): Uint8Array {
    const off = this.checkRange(p.offset, p.filesz, `program header ${p.index} file contents`);
    return this.data.subarray(off, off + Number(p.filesz));
  }

  /** The PT_INTERP string (without its NUL), or undefined. */
  get interp(): string | undefined {
    const p = this.programHeaders.find((x) => x.type === PT.INTERP);
    if (!p) return undefined;
    const b = this.segmentData(p);
    const c = new Cursor(b, `PT_INTERP (program header ${p.index})`, 0, b.length, Number(p.offset));
    return c.cstr('interpreter path');
  }

  /** Maps a link-time virtual address to a file offset through PT_LOAD segments. */
  vaddrToOffset(vaddr: bigint, size = 1n): number | undefined {
    for (const p of this.programHeaders) {
      if (p.type !== PT.LOAD) continue;
      if (vaddr >= p.vaddr && vaddr + size <= p.vaddr + p.filesz) {
        const off = p.offset + (vaddr - p.vaddr);
        if (off + size > BigInt(this.data.length)) return undefined;
        return Number(off);
      }
    }
    return undefined;
  }

  /** Reads `size` bytes at a link-time virtual address (file-backed part of a PT_LOAD, or an allocated section). */
  readVaddr(vaddr: bigint, size: number): Uint8Array {
    let off = this.vaddrToOffset(vaddr, BigInt(size));
    if (off === undefined) {
      for (const s of this.sections) {
        if (s.type === SHT.NOBITS || !(s.flags & SHF.ALLOC)) continue;
        if (vaddr >= s.addr && vaddr + BigInt(size) <= s.addr + s.size) {
          off = this.checkRange(s.offset + (vaddr - s.addr), BigInt(size), `section ${s.name} at address ${hex(vaddr)}`);
          break;
        }
      }
    }
    if (off === undefined) throw new ElfError(`virtual address ${hex(vaddr)} (+${size}) is not backed by file data`);
    return this.data.subarray(off, off + size);
  }

  // ---- symbols ----

  /** Symbols of .symtab (empty if the file is stripped). Index 0 (the null symbol) included. */
  symbols(): ElfSymbol[] {
    const s = this.sections.find((x) => x.type === SHT.SYMTAB);
    return s ? this.readSymbolTable(s) : [];
  }

  /** Symbols of .dynsym with their versions (when .gnu.version exists). */
  dynamicSymbols(): ElfSymbol[] {
    const s = this.sections.find((x) => x.type === SHT.DYNSYM);
    if (!s) return [];
    const syms = this.readSymbolTable(s);
    const vs = this.sections.find((x) => x.type === SHT.GNU_VERSYM);
    if (vs && syms.length && syms[0].version === undefined) {
      const d = this.sectionData(vs);
      const n = Math.min(syms.length, Math.floor(d.length / 2));
      const c = new Cursor(d, `.gnu.version (section ${vs.index})`, 0, d.length, Number(vs.offset));
      const { defs, needs } = this.versions();
      const defByNdx = new Map<number, VersionDef>();
      for (const v of defs) if (!defByNdx.has(v.ndx)) defByNdx.set(v.ndx, v);
      const needByNdx = new Map<number, { file: string; name: string }>();
      for (const n of needs) for (const a of n.entries) if (!needByNdx.has(a.other)) needByNdx.set(a.other, { file: n.file, name: a.name });
      for (let i = 0; i < n; i++) {
        const raw = c.u16(`version of dynamic symbol ${i}`);
        const ndx = raw & 0x7fff;
        const hidden = (raw & 0x8000) !== 0;
        let ver: SymbolVersion;
        if (ndx === 0) ver = { index: raw, name: '', hidden };
        else {
          const def = defByNdx.get(ndx);
          const need = needByNdx.get(ndx);
          if (def && (ndx !== 1 || !(def.flags & 1))) ver = { index: raw, name: def.names[0] ?? '', hidden };
          else if (ndx === 1) ver = { index: raw, name: 'Base', hidden };
          else if (need) ver = { index: raw, name: need.name, hidden, file: need.file };
          else ver = { index: raw, name: ndx === 1 ? 'Base' : '', hidden };
        }
        syms[i].version = ver;
      }
    }
    return syms;
  }

  /** Reads any SHT_SYMTAB/SHT_DYNSYM section. */
  readSymbolTable(s: SectionHeader): ElfSymbol[] {
    const cached = this.symCache.get(s.index);
    if (cached) return cached;
    const what = `symbol table ${s.name || s.index}`;
    if (s.type !== SHT.SYMTAB && s.type !== SHT.DYNSYM) throw new ElfError(`${what}: section ${s.index} is not a symbol table`);
    const ent = s.entsize === 0n ? BigInt(SYM_SIZE) : s.entsize;
    if (ent < BigInt(SYM_SIZE) || ent > 4096n) throw new ElfError(`${what}: bad sh_entsize ${s.entsize} in section header ${s.index}`);
    const d = this.sectionData(s);
    const entsize = Number(ent);
    const count = Math.floor(d.length / entsize);
    const base = Number(s.offset);
    const strIndex = s.link;
    const st = this.sectionByIndex(strIndex, `${what} sh_link`);
    if (st.type === SHT.NOBITS) throw new ElfError(`${what}: string table section ${strIndex} has no file data`);
    const stOff = this.checkRange(st.offset, st.size, `string table section ${strIndex} (${st.name}) of ${what}`);
    const stSize = Number(st.size);
    // Extended section indices.
    let xindex: Cursor | undefined;
    const shx = this.sections.find((x) => x.type === SHT.SYMTAB_SHNDX && x.link === s.index);
    if (shx) {
      const xd = this.sectionData(shx);
      xindex = new Cursor(xd, `.symtab_shndx (section ${shx.index})`, 0, xd.length, Number(shx.offset));
    }
    const out: ElfSymbol[] = [];
    for (let i = 0; i < count; i++) {
      const c = new Cursor(d, `${what} entry ${i}`, i * entsize, i * entsize + SYM_SIZE, base);
      const nameOff = c.u32();
      const info = c.u8();
      const other = c.u8();
      let shndx = c.u16();
      const value = c.u64();
      const size = c.u64();
      if (shndx === SHN.XINDEX && xindex) {
        xindex.seek(i * 4);
        shndx = xindex.u32(`extended section index of symbol ${i}`);
      }
      const name = nameOff === 0 ? '' : stringAt(this.data, stOff, stSize, nameOff, `name of ${what} entry ${i}`);
      out.push({ index: i, name, value, size, type: info & 0xf, bind: info >> 4, visibility: other & 3, other, shndx });
    }
    this.symCache.set(s.index, out);
    return out;
  }

  // ---- versions ----

  /** .gnu.version_d and .gnu.version_r contents. */
  versions(): { defs: VersionDef[]; needs: VersionNeed[] } {
    if (this.verCache) return this.verCache;
    const defs: VersionDef[] = [];
    const needs: VersionNeed[] = [];
    const vd = this.sections.find((x) => x.type === SHT.GNU_VERDEF);
    if (vd) {
      const d = this.sectionData(vd);
      const what = `.gnu.version_d (section ${vd.index})`;
      let off = 0;
      // Each entry is at least 20 bytes, so the chain cannot be longer than size/20 (+ sh_info guard).
      const maxEntries = Math.floor(d.length / 20);
      for (let n = 0; n < maxEntries; n++) {
        const c = new Cursor(d, what, 0, d.length, Number(vd.offset));
        c.seek(off);
        const version = c.u16('vd_version');
        const flags = c.u16('vd_flags');
        const ndx = c.u16('vd_ndx');
        const count = c.u16('vd_cnt');
        const hash = c.u32('vd_hash');
        const aux = c.u32('vd_aux');
        const next = c.u32('vd_next');
        const names: string[] = [];
        let aoff = off + aux;
        const maxAux = Math.min(count, Math.floor(d.length / 8));
        for (let k = 0; k < maxAux; k++) {
          if (aoff + 8 > d.length) c.fail(`verdaux ${k} of entry at ${hex(off)} outside section`, off);
          c.seek(aoff);
          const name = c.u32('vda_name');
          const anext = c.u32('vda_next');
          names.push(this.strtabString(vd.link, name, `${what} version name`));
          if (anext === 0) break;
          aoff += anext;
        }
        defs.push({ version, flags, ndx, count, hash, names });
        if (next === 0) break;
        off += next;
        if (off >= d.length) throw new ElfError(`${what}: vd_next points past end of section at offset ${hex(Number(vd.offset) + off - next)}`);
      }
    }
    const vn = this.sections.find((x) => x.type === SHT.GNU_VERNEED);
    if (vn) {
      const d = this.sectionData(vn);
      const what = `.gnu.version_r (section ${vn.index})`;
      let off = 0;
      const maxEntries = Math.floor(d.length / 16);
      for (let n = 0; n < maxEntries; n++) {
        const c = new Cursor(d, what, 0, d.length, Number(vn.offset));
        c.seek(off);
        const version = c.u16('vn_version');
        const cnt = c.u16('vn_cnt');
        const fileOff = c.u32('vn_file');
        const aux = c.u32('vn_aux');
        const next = c.u32('vn_next');
        const file = this.strtabString(vn.link, fileOff, `${what} file name`);
        const entries: VersionNeedAux[] = [];
        let aoff = off + aux;
        const maxAux = Math.min(cnt, Math.floor(d.length / 16));
        for (let k = 0; k < maxAux; k++) {
          if (aoff + 16 > d.length) c.fail(`vernaux ${k} of entry at ${hex(off)} outside section`, off);
          c.seek(aoff);
          const hash = c.u32('vna_hash');
          const flags = c.u16('vna_flags');
          const other = c.u16('vna_other');
          const name = this.strtabString(vn.link, c.u32('vna_name'), `${what} version name`);
          const anext = c.u32('vna_next');
          entries.push({ hash, flags, other, name });
          if (anext === 0) break;
          aoff += anext;
        }
        needs.push({ version, file, entries });
        if (next === 0) break;
        off += next;
        if (off >= d.length) throw new ElfError(`${what}: vn_next points past end of section at offset ${hex(Number(vn.offset) + off - next)}`);
      }
    }
    this.verCache = { defs, needs };
    return this.verCache;
  }

  // ---- dynamic section ----

  dynamic(): DynamicEntry[] {
    let d: Uint8Array;
    let base: number;
    let strSec: SectionHeader | undefined;
    const sec = this.sections.find((x) => x.type === SHT.DYNAMIC);
    if (sec) {
      d = this.sectionData(sec);
      base = Number(sec.offset);
      if (sec.link > 0 && sec.link < this.sections.length) strSec = this.sections[sec.link];
    } else {
      const p = this.programHeaders.find((x) => x.type === PT.DYNAMIC);
      if (!p) return [];
      d = this.segmentData(p);
      base = Number(p.offset);
    }
    const c = new Cursor(d, 'dynamic section', 0, d.length, base);
    const out: DynamicEntry[] = [];
    while (c.remaining >= 16) {
      const tag = c.i64('d_tag');
      const value = c.u64('d_val');
      out.push({ tag, value });
      if (tag === 0n) break;
    }
    // String table: the section link, else DT_STRTAB/DT_STRSZ mapped through PT_LOAD.
    let strOff: number | undefined;
    let strSize = 0;
    if (strSec && strSec.type === SHT.STRTAB) {
      strOff = this.checkRange(strSec.offset, strSec.size, `dynamic string table (section ${strSec.index})`);
      strSize = Number(strSec.size);
    } else {
      const st = out.find((e) => e.tag === BigInt(DT.STRTAB));
      const sz = out.find((e) => e.tag === BigInt(DT.STRSZ));
      if (st && sz && sz.value <= BigInt(this.data.length)) {
        strOff = this.vaddrToOffset(st.value, sz.value);
        strSize = Number(sz.value);
      }
    }
    if (strOff !== undefined) {
      const strTags = [DT.NEEDED, DT.SONAME, DT.RPATH, DT.RUNPATH].map(BigInt);
      for (const e of out) {
        if (strTags.includes(e.tag)) {
          if (e.value >= BigInt(strSize)) throw new ElfError(`dynamic entry tag ${e.tag}: string offset ${hex(e.value)} outside dynamic string table of size ${hex(strSize)}`);
          e.str = stringAt(this.data, strOff, strSize, Number(e.value), `dynamic entry tag ${e.tag} string`);
        }
      }
    }
    return out;
  }

  get needed(): string[] {
    return this.dynamic().filter((e) => e.tag === BigInt(DT.NEEDED) && e.str !== undefined).map((e) => e.str!);
  }

  get soname(): string | undefined {
    return this.dynamic().find((e) => e.tag === BigInt(DT.SONAME))?.str;
  }

  // ---- notes ----

  /** Notes from SHT_NOTE sections, or from PT_NOTE segments when there are no section headers. */
  notes(): ElfNote[] {
    const out: ElfNote[] = [];
    const secs = this.sections.filter((s) => s.type === SHT.NOTE);
    if (secs.length) {
      for (const s of secs) out.push(...this.parseNotes(this.sectionData(s), Number(s.offset), s.addralign === 8n ? 8 : 4, s.name));
    } else {
      for (const p of this.programHeaders) {
        if (p.type === PT.NOTE) out.push(...this.parseNotes(this.segmentData(p), Number(p.offset), p.align === 8n ? 8 : 4, 'PT_NOTE'));
      }
    }
    return out;
  }

  private parseNotes(d: Uint8Array, base: number, align: number, source: string): ElfNote[] {
    const out: ElfNote[] = [];
    const c = new Cursor(d, `notes in ${source}`, 0, d.length, base);
    const pad = (n: number) => (n + align - 1) & ~(align - 1);
    while (c.remaining > 0) {
      const at = c.pos;
      const namesz = c.u32('note namesz');
      const descsz = c.u32('note descsz');
      const type = c.u32('note type');
      const nameBytes = c.bytes(namesz, `note name (${namesz} bytes)`);
      let nlen = namesz;
      while (nlen > 0 && nameBytes[nlen - 1] === 0) nlen--;
      const name = decodeLatin1OrUtf8(nameBytes.subarray(0, nlen));
      c.skip(Math.min(pad(12 + namesz) - 12 - namesz, c.remaining), 'note name padding');
      const desc = c.bytes(descsz, `note desc (${descsz} bytes)`);
      c.skip(Math.min(pad(descsz) - descsz, c.remaining), 'note desc padding');
      out.push({ name, type, desc, offset: base + at, source });
    }
    return out;
  }

  /** NT_GNU_BUILD_ID as lowercase hex, if present. */
  get buildId(): string | undefined {
    const n = this.notes().find((x) => x.name === 'GNU' && x.type === 3);
    return n ? Array.from(n.desc, (b) => b.toString(16).padStart(2, '0')).join('') : undefined;
  }
}

/** objdump -T's rendering of a dynamic symbol's version: ' VER', '(VER)' for hidden/needed, ' Base', or ''. */
export function objdumpVersionString(s: ElfSymbol): string {
  const v = s.version;
  if (!v) return '';
  const ndx = v.index & 0x7fff;
  if (ndx === 0) return '';
  if (v.file !== undefined) return `(${v.name})`;
  return v.hidden ? `(${v.name})` : v.name;
}
