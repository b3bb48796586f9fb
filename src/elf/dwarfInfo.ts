// .debug_info reader (DWARF 2..5 as GCC emits it): unit headers, abbreviations, every attribute form
// (DWARF 5 .debug_str_offsets, .debug_addr, .debug_line_str), DIE trees, .debug_rnglists/.debug_ranges and
// .debug_loclists/.debug_loc. Lazy: opening an object reads only the unit headers; a unit's DIE tree is parsed
// the first time something asks for it, and the pc -> unit map reads only each unit's first DIE.
// Every offset taken from the file is bounds-checked; malformed input throws ElfError naming the section.
import { ElfFile } from './elf';
import { Cursor, ElfError, hex } from './reader';
import { DW_FORM, FormEnv, readForm, stringAt } from './dwarfForm';

export const DW_TAG = {
  array_type: 0x01, enumeration_type: 0x04, formal_parameter: 0x05, lexical_block: 0x0b, member: 0x0d,
  pointer_type: 0x0f, reference_type: 0x10, compile_unit: 0x11, structure_type: 0x13, subroutine_type: 0x15,
  typedef: 0x16, union_type: 0x17, unspecified_parameters: 0x18, variant: 0x19, inlined_subroutine: 0x1d,
  subrange_type: 0x21, base_type: 0x24, const_type: 0x26, enumerator: 0x28, subprogram: 0x2e, variable: 0x34,
  volatile_type: 0x35, restrict_type: 0x37, partial_unit: 0x3c, type_unit: 0x41, atomic_type: 0x47,
  call_site: 0x48, call_site_parameter: 0x49, skeleton_unit: 0x4a, GNU_call_site: 0x4109, GNU_call_site_parameter: 0x410a,
} as const;

export const DW_AT = {
  sibling: 0x01, location: 0x02, name: 0x03, byte_size: 0x0b, bit_offset: 0x0c, bit_size: 0x0d, stmt_list: 0x10,
  low_pc: 0x11, high_pc: 0x12, language: 0x13, comp_dir: 0x1b, const_value: 0x1c, inline: 0x20, producer: 0x25,
  prototyped: 0x27, lower_bound: 0x22, upper_bound: 0x2f, abstract_origin: 0x31, artificial: 0x34, count: 0x37,
  data_member_location: 0x38, decl_file: 0x3a, decl_line: 0x3b, declaration: 0x3c, encoding: 0x3e, external: 0x3f,
  frame_base: 0x40, specification: 0x47, type: 0x49, entry_pc: 0x52, ranges: 0x55, call_column: 0x57, call_file: 0x58,
  call_line: 0x59, data_bit_offset: 0x6b, linkage_name: 0x6e, str_offsets_base: 0x72, addr_base: 0x73,
  rnglists_base: 0x74, dwo_name: 0x76, call_return_pc: 0x7d, call_value: 0x7e, call_origin: 0x7f,
  loclists_base: 0x8c, GNU_dwo_name: 0x2130, GNU_call_site_value: 0x2111,
} as const;

export const DW_ATE = {
  address: 1, boolean: 2, complex_float: 3, float: 4, signed: 5, signed_char: 6, unsigned: 7, unsigned_char: 8, UTF: 0x10,
} as const;

const DW_UT = { compile: 1, type: 2, partial: 3, skeleton: 4, split_compile: 5, split_type: 6 } as const;

export interface DwarfInfoSections {
  info?: Uint8Array;
  abbrev?: Uint8Array;
  str?: Uint8Array;
  line_str?: Uint8Array;
  str_offsets?: Uint8Array;
  addr?: Uint8Array;
  rnglists?: Uint8Array;
  ranges?: Uint8Array;
  loclists?: Uint8Array;
  loc?: Uint8Array;
  types?: Uint8Array;
}

/** An attribute value: numbers and offsets as bigint, strings resolved, blocks as bytes. */
export type AttrValue = bigint | string | Uint8Array;

interface AbbrevSpec { at: number; form: number; ic: bigint }
interface Abbrev { code: number; tag: number; children: boolean; specs: AbbrevSpec[] }

export class Die {
  children: Die[] = [];
  parent?: Die;
  constructor(
    readonly unit: Unit,
    readonly offset: number,
    readonly tag: number,
    /** [at, form, raw value] triples in file order. */
    readonly raw: { at: number; form: number; v: AttrValue }[],
  ) {}

  has(at: number): boolean { return this.raw.some((a) => a.at === at); }
  form(at: number): number | undefined { return this.raw.find((a) => a.at === at)?.form; }

  /** The value of an attribute with strx/addrx resolved (refs are NOT resolved: see ref()). */
  attr(at: number): AttrValue | undefined {
    const a = this.raw.find((x) => x.at === at);
    return a ? this.unit.info.resolve(this.unit, a.form, a.v) : undefined;
  }
  num(at: number): bigint | undefined {
    const v = this.attr(at);
    return typeof v === 'bigint' ? v : undefined;
  }
  str(at: number): string | undefined {
    const v = this.attr(at);
    return typeof v === 'string' ? v : undefined;
  }
  flag(at: number): boolean { return !!this.num(at); }
  /** The DIE a reference attribute points at. */
  ref(at: number): Die | undefined {
    const a = this.raw.find((x) => x.at === at);
    return a ? this.unit.info.follow(this.unit, a.form, a.v) : undefined;
  }
  /** The name, following DW_AT_abstract_origin and DW_AT_specification (as gdb does). */
  get name(): string | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let d: Die | undefined = this;
    for (let i = 0; d && i < 8; i++) {
      const n = d.str(DW_AT.name);
      if (n !== undefined) return n;
      d = d.ref(DW_AT.abstract_origin) ?? d.ref(DW_AT.specification);
    }
    return undefined;
  }
  /** An attribute looked up on this DIE, then its abstract origin / specification. */
  inherited(at: number): Die | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let d: Die | undefined = this;
    for (let i = 0; d && i < 8; i++) {
      if (d.has(at)) return d;
      d = d.ref(DW_AT.abstract_origin) ?? d.ref(DW_AT.specification);
    }
    return undefined;
  }
  /** Link-time address ranges of the DIE ([low, high) pairs). */
  ranges(): [bigint, bigint][] { return this.unit.info.dieRanges(this); }
  containsPc(pc: bigint): boolean { return this.ranges().some(([lo, hi]) => pc >= lo && pc < hi); }
}

export class Unit {
  /** Attribute bases from the unit DIE (DWARF 5). */
  strOffsetsBase = 8n;
  addrBase = 8n;
  rnglistsBase = 0n;
  loclistsBase = 0n;
  /** Link-time base address for location/range lists (the unit DIE's DW_AT_low_pc). */
  baseAddress = 0n;
  private rootDie?: Die;
  private top?: Die;
  dies?: Map<number, Die>;
  constructor(
    readonly info: DwarfInfo,
    readonly section: 'info' | 'types',
    readonly offset: number,
    readonly end: number,
    readonly version: number,
    readonly unitType: number,
    readonly addressSize: number,
    readonly offsetSize: number,
    readonly abbrevOffset: number,
    readonly dieStart: number,
    readonly typeSignature?: bigint,
    readonly typeOffset?: number,
  ) {}

  /** The unit DIE without its children (cheap: used to map pcs to units). */
  get unitDie(): Die {
    if (this.rootDie) return this.rootDie;
    if (!this.top) {
      this.top = this.info.parseDies(this, true);
      this.applyBases(this.top);
    }
    return this.top;
  }

  /** The whole DIE tree (parsed on first use). */
  get root(): Die {
    if (!this.rootDie) {
      this.dies = new Map();
      const r = this.info.parseDies(this, false);
      this.applyBases(r);
      this.rootDie = r;
    }
    return this.rootDie;
  }

  private applyBases(d: Die): void {
    const n = (at: number) => { const a = d.raw.find((x) => x.at === at); return a && typeof a.v === 'bigint' ? a.v : undefined; };
    this.strOffsetsBase = n(DW_AT.str_offsets_base) ?? this.strOffsetsBase;
    this.addrBase = n(DW_AT.addr_base) ?? this.addrBase;
    this.rnglistsBase = n(DW_AT.rnglists_base) ?? this.rnglistsBase;
    this.loclistsBase = n(DW_AT.loclists_base) ?? this.loclistsBase;
    const low = d.raw.find((x) => x.at === DW_AT.low_pc);
    if (low) { const v = this.info.resolve(this, low.form, low.v); if (typeof v === 'bigint') this.baseAddress = v; }
  }

  get name(): string | undefined { return this.unitDie.str(DW_AT.name); }
}

/** Where a location list says a variable lives over a pc range. */
export interface LocListEntry { low: bigint; high: bigint; expr: Uint8Array }

const MAX_DIES_PER_UNIT = 4_000_000;
const MAX_DEPTH = 256;

export class DwarfInfo {
  readonly units: Unit[] = [];
  private infoUnits: Unit[] = [];
  private abbrevCache = new Map<number, Map<number, Abbrev>>();
  private sigs = new Map<bigint, Unit>();
  private pcUnits?: { lo: bigint; hi: bigint; unit: Unit }[];

  constructor(readonly secs: DwarfInfoSections) {
    if (secs.info) this.scanUnits('info', secs.info);
    if (secs.types) this.scanUnits('types', secs.types);
  }

  static fromElf(elf: ElfFile): DwarfInfo {
    const b = (n: string) => elf.sectionBytes(n);
    if (elf.section('.debug_info.dwo')) throw new ElfError('split DWARF (.dwo sections) is not supported');
    return new DwarfInfo({
      info: b('.debug_info'), abbrev: b('.debug_abbrev'), str: b('.debug_str'), line_str: b('.debug_line_str'),
      str_offsets: b('.debug_str_offsets'), addr: b('.debug_addr'), rnglists: b('.debug_rnglists'), ranges: b('.debug_ranges'),
      loclists: b('.debug_loclists'), loc: b('.debug_loc'), types: b('.debug_types'),
    });
  }

  private scanUnits(section: 'info' | 'types', data: Uint8Array): void {
    const what = `.debug_${section}`;
    const c = new Cursor(data, what);
    while (c.remaining > 0) {
      const start = c.pos;
      let len = BigInt(c.u32('unit_length'));
      let offsetSize = 4;
      if (len === 0xffffffffn) { len = c.u64('64-bit unit_length'); offsetSize = 8; } else if (len >= 0xfffffff0n) c.fail(`reserved unit_length ${hex(len)}`, start);
      if (len > BigInt(c.remaining)) c.fail(`unit_length ${hex(len)} runs past the end of the section`, start);
      const end = c.pos + Number(len);
      const version = c.u16('version');
      if (version < 2 || version > 5) c.fail(`unsupported DWARF version ${version}`, start);
      let unitType: number = DW_UT.compile;
      let addressSize: number;
      let abbrevOffset: bigint;
      let sig: bigint | undefined;
      let typeOff: number | undefined;
      if (version >= 5) {
        unitType = c.u8('unit_type');
        addressSize = c.u8('address_size');
        abbrevOffset = c.uN(offsetSize, 'debug_abbrev_offset');
        if (unitType === DW_UT.type || unitType === DW_UT.split_type) { sig = c.u64('type_signature'); typeOff = Number(c.uN(offsetSize, 'type_offset')); }
        else if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) c.skip(8, 'dwo_id');
      } else {
        abbrevOffset = c.uN(offsetSize, 'debug_abbrev_offset');
        addressSize = c.u8('address_size');
        if (section === 'types') { unitType = DW_UT.type; sig = c.u64('type_signature'); typeOff = Number(c.uN(offsetSize, 'type_offset')); }
      }
      if (addressSize !== 4 && addressSize !== 8) c.fail(`unsupported address_size ${addressSize}`, start);
      const u = new Unit(this, section, start, end, version, unitType, addressSize, offsetSize, Number(abbrevOffset), c.pos, sig, typeOff);
      this.units.push(u);
      if (section === 'info') this.infoUnits.push(u);
      if (sig !== undefined) this.sigs.set(sig, u);
      c.seek(end);
    }
  }

  private abbrevs(off: number): Map<number, Abbrev> {
    let m = this.abbrevCache.get(off);
    if (m) return m;
    const data = this.secs.abbrev;
    if (!data) throw new ElfError('.debug_info without .debug_abbrev');
    if (off >= data.length) throw new ElfError(`.debug_abbrev: offset ${hex(off)} outside the section (size ${hex(data.length)})`);
    m = new Map();
    const a = new Cursor(data, '.debug_abbrev', off);
    while (a.remaining > 0) {
      const code = a.uleb('abbrev code');
      if (code === 0) break;
      const tag = a.uleb('tag');
      const children = a.u8('has_children') !== 0;
      const specs: AbbrevSpec[] = [];
      for (let i = 0; ; i++) {
        if (i > 1000) a.fail('abbreviation with more than 1000 attributes');
        const at = a.uleb('attribute');
        const form = a.uleb('form');
        if (at === 0 && form === 0) break;
        specs.push({ at, form, ic: form === DW_FORM.implicit_const ? a.slebBig('implicit_const') : 0n });
      }
      m.set(code, { code, tag, children, specs });
    }
    this.abbrevCache.set(off, m);
    return m;
  }

  /** Parses the unit's DIEs (only the first one when `topOnly`). */
  parseDies(u: Unit, topOnly: boolean): Die {
    const data = u.section === 'info' ? this.secs.info! : this.secs.types!;
    const c = new Cursor(data, `.debug_${u.section} unit at ${hex(u.offset)}`, u.dieStart, u.end);
    const abbrevs = this.abbrevs(u.abbrevOffset);
    const env: FormEnv = { offsetSize: u.offsetSize, addressSize: u.addressSize, version: u.version, debugStr: this.secs.str, debugLineStr: this.secs.line_str };
    const stack: Die[] = [];
    let root: Die | undefined;
    let count = 0;
    while (c.remaining > 0) {
      const off = c.pos;
      const code = c.uleb('abbrev code');
      if (code === 0) {
        stack.pop();
        if (!stack.length) break;
        continue;
      }
      const ab = abbrevs.get(code);
      if (!ab) return c.fail(`abbrev code ${code} not in the unit's abbreviation table at ${hex(u.abbrevOffset)}`, off);
      const raw: { at: number; form: number; v: AttrValue }[] = [];
      for (const s of ab.specs) {
        let form = s.form;
        if (form === DW_FORM.indirect) form = c.uleb('indirect form');
        raw.push({ at: s.at, form, v: readForm(c, form, env, s.ic) });
      }
      const d = new Die(u, off, ab.tag, raw);
      if (++count > MAX_DIES_PER_UNIT) c.fail('more DIEs than a unit may hold');
      if (!root) {
        root = d;
        if (ab.tag === DW_TAG.skeleton_unit || u.unitType === DW_UT.skeleton || raw.some((a) => a.at === DW_AT.GNU_dwo_name || a.at === DW_AT.dwo_name)) {
          throw new ElfError(`compile unit at ${hex(u.offset)} uses split DWARF (a .dwo file): not supported, build without -gsplit-dwarf`);
        }
        if (topOnly) return d;
      } else {
        const parent = stack[stack.length - 1];
        if (!parent) break;
        d.parent = parent;
        parent.children.push(d);
      }
      u.dies?.set(off, d);
      if (ab.children) {
        if (stack.length >= MAX_DEPTH) c.fail(`DIEs nested deeper than ${MAX_DEPTH}`, off);
        stack.push(d);
      } else if (stack.length === 0) break; // a childless unit DIE
    }
    if (!root) throw new ElfError(`.debug_${u.section}: unit at ${hex(u.offset)} has no DIE`);
    return root;
  }

  /** Resolves indexed forms (strx, addrx) against the unit's bases. */
  resolve(u: Unit, form: number, v: AttrValue): AttrValue {
    const F = DW_FORM;
    if (typeof v !== 'bigint') return v;
    switch (form) {
      case F.strx: case F.strx1: case F.strx2: case F.strx3: case F.strx4: {
        const so = this.secs.str_offsets;
        if (!so) throw new ElfError('DW_FORM_strx without .debug_str_offsets');
        const at = u.strOffsetsBase + v * BigInt(u.offsetSize);
        const c = new Cursor(so, '.debug_str_offsets');
        if (at + BigInt(u.offsetSize) > BigInt(so.length)) c.fail(`string index ${v} outside the section`);
        c.seek(Number(at));
        return stringAt(this.secs.str, c.uN(u.offsetSize), '.debug_str');
      }
      case F.addrx: case F.addrx1: case F.addrx2: case F.addrx3: case F.addrx4:
        return this.addrIndex(u, v);
      default: return v;
    }
  }

  addrIndex(u: Unit, i: bigint): bigint {
    const a = this.secs.addr;
    if (!a) throw new ElfError('DW_FORM_addrx without .debug_addr');
    const at = u.addrBase + i * BigInt(u.addressSize);
    const c = new Cursor(a, '.debug_addr');
    if (at + BigInt(u.addressSize) > BigInt(a.length)) c.fail(`address index ${i} outside the section`);
    c.seek(Number(at));
    return c.uN(u.addressSize, 'address');
  }

  /** The DIE a reference points at (unit-relative refs, ref_addr into .debug_info, ref_sig8 type units). */
  follow(u: Unit, form: number, v: AttrValue): Die | undefined {
    if (typeof v !== 'bigint') return undefined;
    const F = DW_FORM;
    if (form === F.ref_sig8) {
      const tu = this.sigs.get(v);
      if (!tu || tu.typeOffset === undefined) return undefined;
      void tu.root; // parses the unit's DIEs
      return tu.dies!.get(tu.offset + tu.typeOffset);
    }
    if (form === F.ref_addr) return this.dieAtInfoOffset(Number(v));
    if (form === F.ref1 || form === F.ref2 || form === F.ref4 || form === F.ref8 || form === F.ref_udata) {
      void u.root; // parses the unit's DIEs
      return u.dies!.get(u.offset + Number(v));
    }
    return undefined;
  }

  /** The unit of .debug_info holding an offset. */
  unitAt(off: number): Unit | undefined {
    const l = this.infoUnits;
    let lo = 0, hi = l.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (l[m].offset <= off) lo = m + 1; else hi = m; }
    const u = l[lo - 1];
    return u && off < u.end ? u : undefined;
  }

  dieAtInfoOffset(off: number): Die | undefined {
    const u = this.unitAt(off);
    if (!u) return undefined;
    void u.root; // parses the unit's DIEs
    return u.dies!.get(off);
  }

  /** Compile units (not type units). */
  compileUnits(): Unit[] { return this.units.filter((u) => u.unitType === DW_UT.compile || u.unitType === DW_UT.partial); }

  /** The compile unit whose ranges hold a link-time pc (reads each unit's first DIE once). */
  unitForPc(pc: bigint): Unit | undefined {
    if (!this.pcUnits) {
      const list: { lo: bigint; hi: bigint; unit: Unit }[] = [];
      for (const u of this.compileUnits()) {
        let rs: [bigint, bigint][] = [];
        try { rs = this.dieRanges(u.unitDie); } catch { rs = []; }
        for (const [lo, hi] of rs) if (hi > lo) list.push({ lo, hi, unit: u });
      }
      list.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
      this.pcUnits = list;
    }
    const l = this.pcUnits;
    let lo = 0, hi = l.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (l[m].lo <= pc) lo = m + 1; else hi = m; }
    for (let i = lo - 1; i >= 0 && i >= lo - 64; i--) if (pc >= l[i].lo && pc < l[i].hi) return l[i].unit;
    // a unit whose ranges we could not read: find it among those without ranges by scanning its subprograms
    return undefined;
  }

  /** Link-time [low, high) ranges of a DIE (low_pc/high_pc or DW_AT_ranges). */
  dieRanges(d: Die): [bigint, bigint][] {
    const u = d.unit;
    const low = d.num(DW_AT.low_pc);
    if (low !== undefined && d.has(DW_AT.high_pc)) {
      const hf = d.form(DW_AT.high_pc)!;
      const h = d.num(DW_AT.high_pc) ?? 0n;
      const high = hf === DW_FORM.addr || hf === DW_FORM.addrx || (hf >= DW_FORM.addrx1 && hf <= DW_FORM.addrx4) ? h : low + h;
      return [[low, high]];
    }
    const rv = d.raw.find((a) => a.at === DW_AT.ranges);
    if (rv && typeof rv.v === 'bigint') {
      const base = d.tag === DW_TAG.compile_unit ? (low ?? 0n) : u.baseAddress;
      return this.rangeList(u, rv.form, rv.v, base).filter(([a, b]) => b > a); // empty entries are allowed
    }
    if (low !== undefined) return [[low, low + 1n]];
    return [];
  }

  private rangeList(u: Unit, form: number, v: bigint, base: bigint): [bigint, bigint][] {
    const out: [bigint, bigint][] = [];
    const max = 1 << 20;
    if (u.version >= 5) {
      const data = this.secs.rnglists;
      if (!data) throw new ElfError('DW_AT_ranges without .debug_rnglists');
      let off = v;
      if (form === DW_FORM.rnglistx) off = u.rnglistsBase + this.offsetEntry(data, '.debug_rnglists', u.rnglistsBase + v * BigInt(u.offsetSize), u.offsetSize);
      const c = new Cursor(data, '.debug_rnglists');
      if (off >= BigInt(data.length)) c.fail(`range list offset ${hex(off)} outside the section`);
      c.seek(Number(off));
      for (let n = 0; n < max; n++) {
        const k = c.u8('DW_RLE');
        if (k === 0) break;
        switch (k) {
          case 1: base = this.addrIndex(u, c.ulebBig()); break;
          case 2: { const a = this.addrIndex(u, c.ulebBig()); out.push([a, this.addrIndex(u, c.ulebBig())]); break; }
          case 3: { const a = this.addrIndex(u, c.ulebBig()); out.push([a, a + c.ulebBig()]); break; }
          case 4: { const a = c.ulebBig(), b = c.ulebBig(); out.push([base + a, base + b]); break; }
          case 5: base = c.uN(u.addressSize); break;
          case 6: { const a = c.uN(u.addressSize); out.push([a, c.uN(u.addressSize)]); break; }
          case 7: { const a = c.uN(u.addressSize); out.push([a, a + c.ulebBig()]); break; }
          default: c.fail(`unknown DW_RLE ${k}`, c.pos - 1);
        }
      }
    } else {
      const data = this.secs.ranges;
      if (!data) throw new ElfError('DW_AT_ranges without .debug_ranges');
      const c = new Cursor(data, '.debug_ranges');
      if (v >= BigInt(data.length)) c.fail(`range list offset ${hex(v)} outside the section`);
      c.seek(Number(v));
      const all = u.addressSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
      for (let n = 0; n < max; n++) {
        const a = c.uN(u.addressSize), b = c.uN(u.addressSize);
        if (a === 0n && b === 0n) break;
        if (a === all) { base = b; continue; }
        out.push([base + a, base + b]);
      }
    }
    return out;
  }

  private offsetEntry(data: Uint8Array, what: string, at: bigint, size: number): bigint {
    const c = new Cursor(data, what);
    if (at + BigInt(size) > BigInt(data.length)) c.fail(`offset table entry at ${hex(at)} outside the section`);
    c.seek(Number(at));
    return c.uN(size);
  }

  /** A DW_AT_location (or similar) that is a location list: its entries (link-time addresses). */
  locationList(d: Die, at: number): LocListEntry[] | undefined {
    const a = d.raw.find((x) => x.at === at);
    if (!a || typeof a.v !== 'bigint') return undefined;
    const u = d.unit;
    const isList = a.form === DW_FORM.sec_offset || a.form === DW_FORM.loclistx || (u.version < 4 && (a.form === DW_FORM.data4 || a.form === DW_FORM.data8));
    if (!isList) return undefined;
    const out: LocListEntry[] = [];
    let base = u.baseAddress;
    const max = 1 << 20;
    if (u.version >= 5) {
      const data = this.secs.loclists;
      if (!data) throw new ElfError('location list without .debug_loclists');
      let off = a.v;
      if (a.form === DW_FORM.loclistx) off = u.loclistsBase + this.offsetEntry(data, '.debug_loclists', u.loclistsBase + a.v * BigInt(u.offsetSize), u.offsetSize);
      const c = new Cursor(data, '.debug_loclists');
      if (off >= BigInt(data.length)) c.fail(`location list offset ${hex(off)} outside the section`);
      c.seek(Number(off));
      const expr = () => c.bytes(c.uleb('expression length'), 'location expression');
      for (let n = 0; n < max; n++) {
        const k = c.u8('DW_LLE');
        if (k === 0) break;
        switch (k) {
          case 1: base = this.addrIndex(u, c.ulebBig()); break;
          case 2: { const lo = this.addrIndex(u, c.ulebBig()); const hi = this.addrIndex(u, c.ulebBig()); out.push({ low: lo, high: hi, expr: expr() }); break; }
          case 3: { const lo = this.addrIndex(u, c.ulebBig()); const hi = lo + c.ulebBig(); out.push({ low: lo, high: hi, expr: expr() }); break; }
          case 4: { const lo = base + c.ulebBig(); const hi = base + c.ulebBig(); out.push({ low: lo, high: hi, expr: expr() }); break; }
          case 5: out.push({ low: 0n, high: 0xffffffffffffffffn, expr: expr() }); break;
          case 6: base = c.uN(u.addressSize); break;
          case 7: { const lo = c.uN(u.addressSize); const hi = c.uN(u.addressSize); out.push({ low: lo, high: hi, expr: expr() }); break; }
          case 8: { const lo = c.uN(u.addressSize); const hi = lo + c.ulebBig(); out.push({ low: lo, high: hi, expr: expr() }); break; }
          default: c.fail(`unknown DW_LLE ${k}`, c.pos - 1);
        }
      }
    } else {
      const data = this.secs.loc;
      if (!data) throw new ElfError('location list without .debug_loc');
      const c = new Cursor(data, '.debug_loc');
      if (a.v >= BigInt(data.length)) c.fail(`location list offset ${hex(a.v)} outside the section`);
      c.seek(Number(a.v));
      const all = u.addressSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
      for (let n = 0; n < max; n++) {
        const lo = c.uN(u.addressSize), hi = c.uN(u.addressSize);
        if (lo === 0n && hi === 0n) break;
        if (lo === all) { base = hi; continue; }
        out.push({ low: base + lo, high: base + hi, expr: c.bytes(c.u16('expression length'), 'location expression') });
      }
    }
    return out;
  }

  /**
   * The location expression of an attribute at a link-time pc: the block itself, the list entry covering pc,
   * or undefined (not available at this pc: optimized out there).
   */
  locationAt(d: Die, at: number, pc: bigint): Uint8Array | undefined {
    const list = this.locationList(d, at);
    if (list) return list.find((e) => pc >= e.low && pc < e.high)?.expr;
    const v = d.attr(at);
    return v instanceof Uint8Array ? v : undefined;
  }

  // ---- scopes ---------------------------------------------------------------------------------------------

  /** The chain of DIEs holding a link-time pc, outermost first: subprogram, lexical blocks, inlined subroutines. */
  scopeChain(pc: bigint): Die[] {
    const u = this.unitForPc(pc) ?? this.scanForPc(pc);
    if (!u) return [];
    const chain: Die[] = [];
    const walk = (d: Die, depth: number) => {
      if (depth > MAX_DEPTH) return;
      for (const k of d.children) {
        if (k.tag === DW_TAG.subprogram || k.tag === DW_TAG.lexical_block || k.tag === DW_TAG.inlined_subroutine) {
          if (k.tag === DW_TAG.subprogram && k.flag(DW_AT.declaration)) continue;
          if (k.containsPc(pc)) { chain.push(k); walk(k, depth + 1); return; }
        }
      }
    };
    walk(u.root, 0);
    return chain;
  }

  /** Units without readable ranges: find the subprogram holding pc among them (rare; bounded by the unit count). */
  private scanForPc(pc: bigint): Unit | undefined {
    for (const u of this.compileUnits()) {
      let rs: [bigint, bigint][] = [];
      try { rs = this.dieRanges(u.unitDie); } catch { rs = []; }
      if (rs.length) continue;
      if (u.root.children.some((k) => k.tag === DW_TAG.subprogram && !k.flag(DW_AT.declaration) && k.containsPc(pc))) return u;
    }
    return undefined;
  }

  /** Named global/static variables of a unit (those with a location or a constant value). */
  unitVariables(u: Unit): Die[] {
    return u.root.children.filter((k) => k.tag === DW_TAG.variable && (k.has(DW_AT.location) || k.has(DW_AT.const_value)) && !!k.name);
  }

  /** A unit's named types (struct/union/enum tags and typedefs) by name, for casts and sizeof. */
  findType(u: Unit | undefined, name: string, tag?: number): Die | undefined {
    const units = u ? [u, ...this.compileUnits().filter((x) => x !== u)] : this.compileUnits();
    for (const x of units.slice(0, 1 + 256)) {
      for (const k of x.root.children) {
        if (tag !== undefined ? k.tag === tag : (k.tag === DW_TAG.typedef || k.tag === DW_TAG.base_type)) {
          if (k.str(DW_AT.name) === name && !k.flag(DW_AT.declaration)) return k;
        }
      }
    }
    return undefined;
  }

  /** A function (subprogram with code) by name in any unit (the given unit first). */
  findFunction(u: Unit | undefined, name: string): Die | undefined {
    const units = u ? [u, ...this.compileUnits().filter((x) => x !== u)] : this.compileUnits();
    for (const x of units.slice(0, 1 + 256)) {
      for (const k of x.root.children) if (k.tag === DW_TAG.subprogram && k.has(DW_AT.low_pc) && k.name === name) return k;
    }
    return undefined;
  }

  /** A global variable by name in any unit (the given unit first). */
  findGlobal(u: Unit | undefined, name: string): Die | undefined {
    const units = u ? [u, ...this.compileUnits().filter((x) => x !== u)] : this.compileUnits();
    let decl: Die | undefined;
    for (const x of units.slice(0, 1 + 256)) {
      for (const k of x.root.children) {
        if (k.tag !== DW_TAG.variable || k.name !== name) continue;
        if (k.has(DW_AT.location) || k.has(DW_AT.const_value)) return k;
        decl ??= k;
      }
    }
    return decl;
  }
}
