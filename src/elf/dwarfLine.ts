// .debug_line (DWARF 2..5) decoder and address <-> source line lookups.
// Compile-unit names/comp_dir come from the first DIE of each .debug_info unit (for DWARF < 5
// whose directory 0 is implicit).

import { ElfFile } from './elf';
import { Cursor, hex } from './reader';
import { DW_FORM, FormEnv, FormValue, readForm } from './dwarfForm';

export interface DwarfSections {
  debug_line?: Uint8Array;
  debug_line_str?: Uint8Array;
  debug_str?: Uint8Array;
  debug_info?: Uint8Array;
  debug_abbrev?: Uint8Array;
  /** File offsets of the sections, used only for error messages. */
  offsets?: Partial<Record<'debug_line' | 'debug_info' | 'debug_abbrev', number>>;
}

export function dwarfSectionsFromElf(elf: ElfFile): DwarfSections {
  const off = (n: string) => {
    const s = elf.section(n);
    return s ? Number(s.offset) : undefined;
  };
  return {
    debug_line: elf.sectionBytes('.debug_line'),
    debug_line_str: elf.sectionBytes('.debug_line_str'),
    debug_str: elf.sectionBytes('.debug_str'),
    debug_info: elf.sectionBytes('.debug_info'),
    debug_abbrev: elf.sectionBytes('.debug_abbrev'),
    offsets: { debug_line: off('.debug_line'), debug_info: off('.debug_info'), debug_abbrev: off('.debug_abbrev') },
  };
}

// ---------------------------------------------------------------- compile units

export interface CompileUnitInfo {
  offset: number;
  version: number;
  name?: string;
  compDir?: string;
  stmtList?: bigint;
  lowPc?: bigint;
}

const DW_AT_name = 0x03;
const DW_AT_stmt_list = 0x10;
const DW_AT_low_pc = 0x11;
const DW_AT_comp_dir = 0x1b;

/** Name, comp_dir and DW_AT_stmt_list of every compile unit (first DIE only). */
export function readCompileUnits(secs: DwarfSections): CompileUnitInfo[] {
  const info = secs.debug_info;
  if (!info) return [];
  const abbrev = secs.debug_abbrev;
  const out: CompileUnitInfo[] = [];
  const c = new Cursor(info, '.debug_info', 0, info.length, secs.offsets?.debug_info ?? 0);
  while (c.remaining > 0) {
    const unitStart = c.pos;
    let len = BigInt(c.u32('unit_length'));
    let offsetSize = 4;
    if (len === 0xffffffffn) {
      len = c.u64('64-bit unit_length');
      offsetSize = 8;
    } else if (len >= 0xfffffff0n) c.fail(`reserved unit_length ${hex(len)}`, unitStart);
    if (len > BigInt(c.remaining)) c.fail(`unit_length ${hex(len)} runs past end of section`, unitStart);
    const end = c.pos + Number(len);
    const u = new Cursor(info, '.debug_info unit', c.pos, end, c.reportBase);
    c.pos = end;
    const version = u.u16('version');
    if (version < 2 || version > 5) continue;
    let addressSize: number;
    let abbrevOff: bigint;
    if (version >= 5) {
      const unitType = u.u8('unit_type');
      addressSize = u.u8('address_size');
      abbrevOff = u.uN(offsetSize, 'debug_abbrev_offset');
      if (unitType === 2 || unitType === 6) u.skip(8 + offsetSize, 'type unit header'); // type units
      else if (unitType === 4 || unitType === 5) u.skip(8, 'dwo id');
    } else {
      abbrevOff = u.uN(offsetSize, 'debug_abbrev_offset');
      addressSize = u.u8('address_size');
    }
    const cu: CompileUnitInfo = { offset: unitStart, version };
    out.push(cu);
    if (!abbrev) continue;
    if (addressSize !== 4 && addressSize !== 8) u.fail(`unsupported address_size ${addressSize}`);
    const code = u.uleb('abbrev code');
    if (code === 0) continue;
    // Find the abbreviation.
    if (abbrevOff >= BigInt(abbrev.length)) u.fail(`debug_abbrev_offset ${hex(abbrevOff)} outside .debug_abbrev`);
    const a = new Cursor(abbrev, '.debug_abbrev', Number(abbrevOff), abbrev.length, secs.offsets?.debug_abbrev ?? 0);
    let specs: { at: number; form: number; ic: bigint }[] | undefined;
    while (a.remaining > 0) {
      const acode = a.uleb('abbrev code');
      if (acode === 0) break;
      a.uleb('tag');
      a.u8('has_children');
      const list: { at: number; form: number; ic: bigint }[] = [];
      for (;;) {
        const at = a.uleb('attribute');
        const form = a.uleb('form');
        const ic = form === DW_FORM.implicit_const ? a.slebBig('implicit_const') : 0n;
        if (at === 0 && form === 0) break;
        list.push({ at, form, ic });
      }
      if (acode === code) {
        specs = list;
        break;
      }
    }
    if (!specs) u.fail(`abbrev code ${code} not found`);
    const env: FormEnv = { offsetSize, addressSize, version, debugStr: secs.debug_str, debugLineStr: secs.debug_line_str };
    for (const s of specs ?? []) {
      const v = readForm(u, s.form, env, s.ic);
      if (s.at === DW_AT_name && typeof v === 'string') cu.name = v;
      else if (s.at === DW_AT_comp_dir && typeof v === 'string') cu.compDir = v;
      else if (s.at === DW_AT_stmt_list && typeof v === 'bigint') cu.stmtList = v;
      else if (s.at === DW_AT_low_pc && typeof v === 'bigint' && s.form === DW_FORM.addr) cu.lowPc = v;
    }
  }
  return out;
}

// ---------------------------------------------------------------- line programs

export interface LineFileEntry {
  name: string;
  dirIndex: number;
  mtime: bigint;
  length: bigint;
  md5?: Uint8Array;
  /** Directory joined with name (relative directories joined with the comp dir). */
  path: string;
}

export interface LineProgramHeader {
  offset: number;
  offsetSize: number;
  version: number;
  addressSize: number;
  segmentSelectorSize: number;
  minInstLength: number;
  maxOpsPerInst: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  standardOpcodeLengths: number[];
  /** Directories in the file's own numbering (index 0 = comp dir for all versions here). */
  dirs: string[];
  /** Files in the program's numbering: v5 from 0, v2-4 from 1 (index 0 then unused/comp unit). */
  files: (LineFileEntry | undefined)[];
  compDir?: string;
}

export interface LineRow {
  address: bigint;
  opIndex: number;
  fileIndex: number;
  /** Full path of the file ('' if the index is out of range). */
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
  basicBlock: boolean;
  endSequence: boolean;
  prologueEnd: boolean;
  epilogueBegin: boolean;
  isa: number;
  discriminator: number;
}

export interface LineTable {
  header: LineProgramHeader;
  rows: LineRow[];
}

const isAbs = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
function joinPath(dir: string | undefined, name: string): string {
  if (isAbs(name) || !dir) return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

const DW_LNCT_path = 1, DW_LNCT_directory_index = 2, DW_LNCT_timestamp = 3, DW_LNCT_size = 4, DW_LNCT_MD5 = 5;

function readEntryTable(c: Cursor, env: FormEnv, what: string): Record<number, FormValue>[] {
  const fmtCount = c.u8(`${what} entry format count`);
  const fmt: { type: number; form: number }[] = [];
  for (let i = 0; i < fmtCount; i++) fmt.push({ type: c.uleb(`${what} content type`), form: c.uleb(`${what} form`) });
  const count = c.uleb(`${what} count`);
  // Every entry takes at least one byte unless the format is empty.
  if (fmtCount > 0 && count > c.remaining) c.fail(`${what} count ${count} exceeds remaining header bytes`);
  if (fmtCount === 0 && count > 0) c.fail(`${what} has ${count} entries but no format`);
  const out: Record<number, FormValue>[] = [];
  for (let i = 0; i < count; i++) {
    const e: Record<number, FormValue> = {};
    for (const f of fmt) e[f.type] = readForm(c, f.form, env, 0n);
    out.push(e);
  }
  return out;
}

const asNum = (v: FormValue): number => (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : 0);
const asBig = (v: FormValue): bigint => (typeof v === 'bigint' ? v : 0n);
const asStr = (v: FormValue): string => (typeof v === 'string' ? v : '');

/** Decodes every line program in .debug_line. */
export function parseDebugLine(secs: DwarfSections, cus?: CompileUnitInfo[]): LineTable[] {
  const data = secs.debug_line;
  if (!data) return [];
  const units = cus ?? readCompileUnits(secs);
  const byStmt = new Map<bigint, CompileUnitInfo>();
  for (const u of units) if (u.stmtList !== undefined) byStmt.set(u.stmtList, u);
  const out: LineTable[] = [];
  const c = new Cursor(data, '.debug_line', 0, data.length, secs.offsets?.debug_line ?? 0);
  while (c.remaining > 0) {
    const start = c.pos;
    let len = BigInt(c.u32('unit_length'));
    let offsetSize = 4;
    if (len === 0xffffffffn) {
      len = c.u64('64-bit unit_length');
      offsetSize = 8;
    } else if (len >= 0xfffffff0n) c.fail(`reserved unit_length ${hex(len)}`, start);
    if (len > BigInt(c.remaining)) c.fail(`unit_length ${hex(len)} runs past end of section`, start);
    const end = c.pos + Number(len);
    const u = new Cursor(data, `.debug_line program at ${hex(start)}`, c.pos, end, c.reportBase);
    c.pos = end;
    out.push(parseProgram(u, start, offsetSize, secs, byStmt.get(BigInt(start))));
  }
  return out;
}

function parseProgram(u: Cursor, start: number, offsetSize: number, secs: DwarfSections, cu: CompileUnitInfo | undefined): LineTable {
  const version = u.u16('version');
  if (version < 2 || version > 5) u.fail(`unsupported .debug_line version ${version}`, start);
  let addressSize = 8;
  let segmentSelectorSize = 0;
  if (version >= 5) {
    addressSize = u.u8('address_size');
    segmentSelectorSize = u.u8('segment_selector_size');
  }
  const headerLength = u.uN(offsetSize, 'header_length');
  if (headerLength > BigInt(u.remaining)) u.fail(`header_length ${hex(headerLength)} runs past end of program`);
  const progStart = u.pos + Number(headerLength);
  const h = new Cursor(u.data, u.what + ' header', u.pos, progStart, u.reportBase);
  const minInstLength = h.u8('minimum_instruction_length');
  const maxOpsPerInst = version >= 4 ? h.u8('maximum_operations_per_instruction') : 1;
  const defaultIsStmt = h.u8('default_is_stmt') !== 0;
  const lineBase = h.i8('line_base');
  const lineRange = h.u8('line_range');
  const opcodeBase = h.u8('opcode_base');
  if (lineRange === 0) h.fail('line_range is 0');
  if (maxOpsPerInst === 0) h.fail('maximum_operations_per_instruction is 0');
  const standardOpcodeLengths = [0];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(h.u8('standard_opcode_lengths'));
  const env: FormEnv = { offsetSize, addressSize, version, debugStr: secs.debug_str, debugLineStr: secs.debug_line_str };
  let dirs: string[] = [];
  const files: (LineFileEntry | undefined)[] = [];
  let compDir = cu?.compDir;
  if (version >= 5) {
    dirs = readEntryTable(h, env, 'directory table').map((e) => asStr(e[DW_LNCT_path]));
    if (compDir === undefined && dirs.length) compDir = dirs[0];
    for (const e of readEntryTable(h, env, 'file name table')) {
      const dirIndex = asNum(e[DW_LNCT_directory_index]);
      const name = asStr(e[DW_LNCT_path]);
      const md5 = e[DW_LNCT_MD5];
      files.push({ name, dirIndex, mtime: asBig(e[DW_LNCT_timestamp]), length: asBig(e[DW_LNCT_size]), md5: md5 instanceof Uint8Array ? md5 : undefined, path: '' });
    }
  } else {
    dirs.push(compDir ?? '');
    for (;;) {
      const d = h.cstr('include_directories entry');
      if (d === '') break;
      dirs.push(d);
    }
    files.push(undefined);
    for (;;) {
      const name = h.cstr('file_names entry');
      if (name === '') break;
      files.push({ name, dirIndex: h.uleb('directory index'), mtime: h.ulebBig('mtime'), length: h.ulebBig('length'), path: '' });
    }
  }
  const resolveDir = (i: number): string | undefined => {
    const d = dirs[i];
    if (d === undefined) return undefined;
    if (i === 0 || isAbs(d) || !compDir) return d;
    return joinPath(compDir, d);
  };
  for (const f of files) if (f) f.path = joinPath(resolveDir(f.dirIndex), f.name);
  const header: LineProgramHeader = {
    offset: start, offsetSize, version, addressSize, segmentSelectorSize, minInstLength, maxOpsPerInst, defaultIsStmt,
    lineBase, lineRange, opcodeBase, standardOpcodeLengths, dirs, files, compDir,
  };

  const defineFile = (f: LineFileEntry) => {
    f.path = joinPath(resolveDir(f.dirIndex), f.name);
    files.push(f);
  };
  const rows = runProgram(new Cursor(u.data, u.what + ' opcodes', progStart, u.end, u.reportBase), header, defineFile);
  return { header, rows };
}

function runProgram(c: Cursor, h: LineProgramHeader, defineFile: (f: LineFileEntry) => void): LineRow[] {
  const rows: LineRow[] = [];
  let st!: Omit<LineRow, 'file'>;
  const reset = () => {
    st = { address: 0n, opIndex: 0, fileIndex: 1, line: 1, column: 0, isStmt: h.defaultIsStmt, basicBlock: false, endSequence: false, prologueEnd: false, epilogueBegin: false, isa: 0, discriminator: 0 };
  };
  reset();
  const emit = () => {
    const f = h.files[st.fileIndex];
    rows.push({ ...st, file: f ? f.path : '' });
    st.basicBlock = false;
    st.prologueEnd = false;
    st.epilogueBegin = false;
    st.discriminator = 0;
  };
  const advance = (opAdvance: bigint) => {
    const minLen = BigInt(h.minInstLength);
    if (h.maxOpsPerInst === 1) {
      st.address = BigInt.asUintN(64, st.address + minLen * opAdvance);
    } else {
      const maxOps = BigInt(h.maxOpsPerInst);
      const t = BigInt(st.opIndex) + opAdvance;
      st.address = BigInt.asUintN(64, st.address + minLen * (t / maxOps));
      st.opIndex = Number(t % maxOps);
    }
  };
  while (c.remaining > 0) {
    const op = c.u8('opcode');
    if (op >= h.opcodeBase) {
      const adj = op - h.opcodeBase;
      advance(BigInt(Math.floor(adj / h.lineRange)));
      st.line += h.lineBase + (adj % h.lineRange);
      emit();
      continue;
    }
    switch (op) {
      case 0: {
        const len = c.uleb('extended opcode length');
        if (len === 0) c.fail('zero-length extended opcode');
        c.need(len, 'extended opcode');
        const next = c.pos + len;
        const eop = c.u8('extended opcode');
        if (eop === 1) {
          st.endSequence = true;
          emit();
          reset();
        } else if (eop === 2) {
          const n = len - 1;
          st.address = n === 8 || n === 4 || n === 2 || n === 1 ? c.uN(n, 'DW_LNE_set_address operand') : c.fail(`DW_LNE_set_address with ${n}-byte operand`);
          st.opIndex = 0;
        } else if (eop === 3) {
          const e = new Cursor(c.data, c.what, c.pos, next, c.reportBase);
          defineFile({ name: e.cstr('DW_LNE_define_file name'), dirIndex: e.uleb(), mtime: e.ulebBig(), length: e.ulebBig(), path: '' });
        } else if (eop === 4) {
          const e = new Cursor(c.data, c.what, c.pos, next, c.reportBase);
          st.discriminator = e.uleb('discriminator');
        }
        c.pos = next;
        break;
      }
      case 1: emit(); break;
      case 2: advance(c.ulebBig('DW_LNS_advance_pc')); break;
      case 3: st.line += c.sleb('DW_LNS_advance_line'); break;
      case 4: st.fileIndex = c.uleb('DW_LNS_set_file'); break;
      case 5: st.column = c.uleb('DW_LNS_set_column'); break;
      case 6: st.isStmt = !st.isStmt; break;
      case 7: st.basicBlock = true; break;
      case 8: advance(BigInt(Math.floor((255 - h.opcodeBase) / h.lineRange))); break;
      case 9: st.address = BigInt.asUintN(64, st.address + BigInt(c.u16('DW_LNS_fixed_advance_pc'))); st.opIndex = 0; break;
      case 10: st.prologueEnd = true; break;
      case 11: st.epilogueBegin = true; break;
      case 12: st.isa = c.uleb('DW_LNS_set_isa'); break;
      default:
        for (let i = 0; i < h.standardOpcodeLengths[op]; i++) c.ulebBig('unknown opcode operand');
    }
  }
  return rows;
}

// ---------------------------------------------------------------- lookups

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** Runtime address of the row that matched. */
  address: bigint;
}

interface Seq {
  start: bigint;
  end: bigint;
  rows: LineRow[]; // without the end_sequence row
}

export class LineIndex {
  readonly tables: LineTable[];
  readonly bias: bigint;
  private readonly seqs: Seq[] = [];

  constructor(tables: LineTable[], bias = 0n) {
    this.tables = tables;
    this.bias = bias;
    for (const t of tables) {
      let cur: LineRow[] = [];
      for (const r of t.rows) {
        if (r.endSequence) {
          if (cur.length && r.address > cur[0].address) this.seqs.push({ start: cur[0].address, end: r.address, rows: cur });
          cur = [];
        } else cur.push(r);
      }
    }
    this.seqs.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  static fromElf(elf: ElfFile, bias = 0n): LineIndex {
    return new LineIndex(parseDebugLine(dwarfSectionsFromElf(elf)), bias);
  }

  /** All rows of all tables, in table order. */
  rows(): LineRow[] {
    return this.tables.flatMap((t) => t.rows);
  }

  /** The source line for a runtime address: the last is_stmt row (else the last row) at the greatest address <= pc. */
  addressToLine(address: bigint): SourceLocation | undefined {
    const a = address - this.bias;
    for (const s of this.seqs) {
      if (s.start > a) break;
      if (a >= s.end) continue;
      let lo = 0;
      let hi = s.rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s.rows[mid].address <= a) lo = mid + 1;
        else hi = mid;
      }
      let i = lo - 1;
      if (i < 0) continue;
      // Like gdb: among rows at that address prefer the last is_stmt one.
      for (let j = i; j >= 0 && s.rows[j].address === s.rows[i].address; j--) {
        if (s.rows[j].isStmt) {
          i = j;
          break;
        }
      }
      const r = s.rows[i];
      if (r) return { file: r.file, line: r.line, column: r.column, address: r.address + this.bias };
    }
    return undefined;
  }

  /** Paths of all files named in line tables. */
  files(): string[] {
    const set = new Set<string>();
    for (const t of this.tables) for (const f of t.header.files) if (f) set.add(f.path);
    return [...set];
  }

  /**
   * Breakpoint addresses for file:line. The file matches by full path or by trailing path
   * components ('pie.c', 'src/pie.c'). Uses is_stmt rows; if no row has exactly `line`, the
   * smallest line after it that has code is used. Returns the line chosen and the first address
   * of each block of rows for that line (runtime addresses, ascending).
   */
  lineToAddresses(file: string, line: number): { line: number; addresses: bigint[] } | undefined {
    const norm = file.replace(/\\/g, '/').replace(/^\.\//, '');
    const matches = (p: string) => {
      const q = p.replace(/\\/g, '/');
      if (q === file || q === norm) return true;
      return q.endsWith('/' + norm) || q.replace(/^\.\//, '') === norm;
    };
    let best = Infinity;
    const cand: { seq: Seq; i: number }[] = [];
    for (const s of this.seqs) {
      for (let i = 0; i < s.rows.length; i++) {
        const r = s.rows[i];
        if (!r.isStmt || r.line < line || r.line > best || !matches(r.file)) continue;
        if (r.line < best) {
          best = r.line;
          cand.length = 0;
        }
        cand.push({ seq: s, i });
      }
    }
    if (!cand.length) return undefined;
    const addrs = new Set<bigint>();
    for (const { seq, i } of cand) {
      const r = seq.rows[i];
      // Skip rows continuing a statement of the same line (a previous statement row of the same file/line); a
      // statement row after non-statement rows of its line is where the line's statement begins (GCC -O2).
      const prev = i > 0 ? seq.rows[i - 1] : undefined;
      if (prev && prev.isStmt && prev.line === r.line && prev.file === r.file) continue;
      addrs.add(r.address + this.bias);
    }
    const addresses = [...addrs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { line: best, addresses };
  }
}
