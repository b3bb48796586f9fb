// Call frame information: .eh_frame and .debug_frame CIE/FDE parsing, the DW_CFA_* row
// machine, a small DWARF expression evaluator and a one-frame unwinder for RISC-V.

import { ElfFile } from './elf';
import { Cursor, ElfError, hex } from './reader';
import { stackOp } from './dwarfStack';
import { XNAMES, FNAMES } from '../isa/registers';

// ---------------------------------------------------------------- pointer encodings

export const DW_EH_PE = {
  absptr: 0x00, uleb128: 0x01, udata2: 0x02, udata4: 0x03, udata8: 0x04, sleb128: 0x09, sdata2: 0x0a, sdata4: 0x0b, sdata8: 0x0c,
  pcrel: 0x10, textrel: 0x20, datarel: 0x30, funcrel: 0x40, aligned: 0x50, indirect: 0x80, omit: 0xff,
} as const;

export interface PointerContext {
  /** Virtual address of data[0] of the section being read (for pcrel). */
  sectionAddress: bigint;
  /** Base for datarel (.got for .eh_frame, the header itself for .eh_frame_hdr). */
  dataBase?: bigint;
  /** Base for textrel (.text). */
  textBase?: bigint;
  /** Base for funcrel (the FDE's initial location). */
  funcBase?: bigint;
  addressSize: number;
  /** Resolves DW_EH_PE_indirect (reads a pointer at a link-time address); if absent the address is returned. */
  deref?: (addr: bigint) => bigint;
}

/**
 * Reads a pointer with a DW_EH_PE_* encoding at the cursor. The cursor's positions must be
 * offsets from `ctx.sectionAddress` (pcrel and aligned use them). `omit` returns undefined.
 */
export function readEncodedPointer(c: Cursor, enc: number, ctx: PointerContext, what = 'encoded pointer'): bigint | undefined {
  if (enc === DW_EH_PE.omit) return undefined;
  const fieldPos = c.pos;
  const app = enc & 0x70;
  if (app === DW_EH_PE.aligned) {
    const rel = c.pos;
    const pad = (ctx.addressSize - (rel % ctx.addressSize)) % ctx.addressSize;
    c.skip(pad, 'aligned pointer padding');
  }
  let v: bigint;
  switch (enc & 0x0f) {
    case 0x00: v = c.uN(ctx.addressSize, what); break;
    case 0x01: v = c.ulebBig(what); break;
    case 0x02: v = BigInt(c.u16(what)); break;
    case 0x03: v = BigInt(c.u32(what)); break;
    case 0x04: v = c.u64(what); break;
    case 0x09: v = c.slebBig(what); break;
    case 0x0a: v = BigInt(c.i16(what)); break;
    case 0x0b: v = BigInt(c.i32(what)); break;
    case 0x0c: v = c.i64(what); break;
    default: return c.fail(`unsupported pointer encoding ${hex(enc)} for ${what}`, fieldPos);
  }
  switch (app) {
    case 0x00: case DW_EH_PE.aligned: break;
    case DW_EH_PE.pcrel: v += ctx.sectionAddress + BigInt(fieldPos); break;
    case DW_EH_PE.textrel:
      if (ctx.textBase === undefined) c.fail(`textrel pointer without a text base for ${what}`, fieldPos);
      v += ctx.textBase;
      break;
    case DW_EH_PE.datarel:
      if (ctx.dataBase === undefined) c.fail(`datarel pointer without a data base for ${what}`, fieldPos);
      v += ctx.dataBase;
      break;
    case DW_EH_PE.funcrel:
      if (ctx.funcBase === undefined) c.fail(`funcrel pointer outside an FDE for ${what}`, fieldPos);
      v += ctx.funcBase;
      break;
    default: return c.fail(`unsupported pointer application ${hex(app)} for ${what}`, fieldPos);
  }
  v = BigInt.asUintN(ctx.addressSize * 8, v);
  if (enc & DW_EH_PE.indirect && ctx.deref) v = ctx.deref(v);
  return v;
}

// ---------------------------------------------------------------- CIE / FDE

export interface Cie {
  offset: number;
  isEh: boolean;
  version: number;
  augmentation: string;
  addressSize: number;
  segmentSize: number;
  codeAlign: bigint;
  dataAlign: bigint;
  raReg: number;
  fdeEncoding: number;
  lsdaEncoding: number;
  personalityEncoding?: number;
  personality?: bigint;
  signalFrame: boolean;
  initialInstructions: Uint8Array;
  /** Position of initialInstructions within the section (for error messages). */
  initialInstructionsOffset: number;
  /** Link-time address of the section holding this CIE (0 for .debug_frame). */
  sectionAddress: bigint;
}

export interface Fde {
  offset: number;
  cie: Cie;
  /** Link-time addresses. */
  pcBegin: bigint;
  pcEnd: bigint;
  lsda?: bigint;
  instructions: Uint8Array;
  instructionsOffset: number;
}

export interface FrameSection {
  data: Uint8Array;
  isEh: boolean;
  /** sh_addr (eh) — needed for pcrel. */
  address: bigint;
  /** File offset for error messages. */
  fileOffset?: number;
  dataBase?: bigint;
  textBase?: bigint;
  deref?: (addr: bigint) => bigint;
}

export function parseFrameSection(sec: FrameSection): { cies: Cie[]; fdes: Fde[] } {
  const name = sec.isEh ? '.eh_frame' : '.debug_frame';
  const d = sec.data;
  const c = new Cursor(d, name, 0, d.length, sec.fileOffset ?? 0);
  const cies = new Map<number, Cie>();
  const fdes: Fde[] = [];
  const ctxBase = { sectionAddress: sec.address, dataBase: sec.dataBase, textBase: sec.textBase, deref: sec.deref };

  const parseCie = (off: number): Cie => {
    const got = cies.get(off);
    if (got) return got;
    const h = entryBounds(off);
    const e = new Cursor(d, `${name} CIE at ${hex(off)}`, h.body, h.end, c.reportBase);
    const id = e.uN(h.offsetSize, 'CIE id');
    const cieId = sec.isEh ? 0n : h.offsetSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    if (id !== cieId) e.fail(`entry is not a CIE (id ${hex(id)})`, off);
    const version = e.u8('CIE version');
    if (version !== 1 && version !== 3 && version !== 4) e.fail(`unsupported CIE version ${version}`, off);
    const augmentation = e.cstr('CIE augmentation');
    let addressSize = 8;
    let segmentSize = 0;
    if (augmentation.includes('eh')) e.uN(8, 'eh_ptr');
    if (version >= 4) {
      addressSize = e.u8('address_size');
      segmentSize = e.u8('segment_size');
      if (addressSize !== 4 && addressSize !== 8) e.fail(`unsupported CIE address_size ${addressSize}`);
    }
    const codeAlign = e.ulebBig('code_alignment_factor');
    const dataAlign = e.slebBig('data_alignment_factor');
    const raReg = version === 1 ? e.u8('return_address_register') : e.uleb('return_address_register');
    const cie: Cie = {
      offset: off, isEh: sec.isEh, version, augmentation, addressSize, segmentSize, codeAlign, dataAlign, raReg,
      fdeEncoding: DW_EH_PE.absptr, lsdaEncoding: DW_EH_PE.omit, signalFrame: false,
      initialInstructions: new Uint8Array(0), initialInstructionsOffset: 0, sectionAddress: sec.address,
    };
    if (augmentation.startsWith('z')) {
      const alen = e.uleb('augmentation length');
      e.need(alen, 'augmentation data');
      const aend = e.pos + alen;
      const a = new Cursor(d, e.what + ' augmentation', e.pos, aend, c.reportBase);
      for (const ch of augmentation.slice(1)) {
        if (ch === 'R') cie.fdeEncoding = a.u8('FDE pointer encoding');
        else if (ch === 'L') cie.lsdaEncoding = a.u8('LSDA encoding');
        else if (ch === 'P') {
          cie.personalityEncoding = a.u8('personality encoding');
          cie.personality = readEncodedPointer(a, cie.personalityEncoding, { ...ctxBase, addressSize }, 'personality routine');
        } else if (ch === 'S') cie.signalFrame = true;
        else if (ch === 'B' || ch === 'G') { /* AArch64 / MTE flags: no data */ }
        else break; // unknown: rest of the data is skipped via the length
      }
      e.pos = aend;
    } else if (augmentation !== '' && augmentation !== 'eh') {
      e.fail(`unknown CIE augmentation "${augmentation}" without 'z'`, off);
    }
    cie.initialInstructionsOffset = e.pos;
    cie.initialInstructions = d.subarray(e.pos, h.end);
    cies.set(off, cie);
    return cie;
  };

  function entryBounds(off: number): { offsetSize: number; body: number; end: number; len: bigint } {
    const e = new Cursor(d, name, off, d.length, c.reportBase);
    let len = BigInt(e.u32('length'));
    let offsetSize = 4;
    if (len === 0xffffffffn) {
      len = e.u64('64-bit length');
      offsetSize = 8;
    }
    if (len > BigInt(e.remaining)) e.fail(`entry length ${hex(len)} runs past end of section`, off);
    return { offsetSize, body: e.pos, end: e.pos + Number(len), len };
  }

  while (c.remaining > 0) {
    const off = c.pos;
    if (sec.isEh && c.remaining < 4) break;
    const h = entryBounds(off);
    if (h.len === 0n) {
      // Zero terminator in .eh_frame (or padding); skip it.
      c.pos = h.end;
      if (sec.isEh) continue;
      continue;
    }
    c.pos = h.end;
    const e = new Cursor(d, `${name} entry at ${hex(off)}`, h.body, h.end, c.reportBase);
    const id = e.uN(h.offsetSize, 'CIE id / pointer');
    const isCie = sec.isEh ? id === 0n : id === (h.offsetSize === 8 ? 0xffffffffffffffffn : 0xffffffffn);
    if (isCie) {
      parseCie(off);
      continue;
    }
    let cieOff: number;
    if (sec.isEh) {
      const p = h.body - Number(id);
      if (id > BigInt(h.body) || p < 0) e.fail(`CIE pointer ${hex(id)} points before section start`, h.body);
      cieOff = p;
    } else {
      if (id >= BigInt(d.length)) e.fail(`CIE pointer ${hex(id)} outside section`, h.body);
      cieOff = Number(id);
    }
    if (cieOff === off) e.fail('FDE points at itself as CIE', h.body);
    const cie = parseCie(cieOff);
    const ctx: PointerContext = { ...ctxBase, addressSize: cie.addressSize };
    if (cie.segmentSize) e.skip(cie.segmentSize, 'segment selector');
    const pcBegin = readEncodedPointer(e, sec.isEh ? cie.fdeEncoding : DW_EH_PE.absptr, ctx, 'FDE pc_begin') ?? 0n;
    const range = readEncodedPointer(e, sec.isEh ? cie.fdeEncoding & 0x0f : DW_EH_PE.absptr, ctx, 'FDE pc_range') ?? 0n;
    let lsda: bigint | undefined;
    if (cie.augmentation.startsWith('z')) {
      const alen = e.uleb('FDE augmentation length');
      e.need(alen, 'FDE augmentation data');
      const aend = e.pos + alen;
      if (cie.lsdaEncoding !== DW_EH_PE.omit) {
        const a = new Cursor(d, e.what + ' augmentation', e.pos, aend, c.reportBase);
        lsda = readEncodedPointer(a, cie.lsdaEncoding, { ...ctx, funcBase: pcBegin }, 'LSDA pointer');
      }
      e.pos = aend;
    }
    fdes.push({
      offset: off, cie, pcBegin, pcEnd: BigInt.asUintN(cie.addressSize * 8, pcBegin + range), lsda,
      instructions: d.subarray(e.pos, h.end), instructionsOffset: e.pos,
    });
  }
  return { cies: [...cies.values()].sort((a, b) => a.offset - b.offset), fdes };
}

// ---------------------------------------------------------------- rules and rows

export type RegRule =
  | { kind: 'undefined' }
  | { kind: 'same' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'val_offset'; offset: bigint }
  | { kind: 'register'; reg: number }
  | { kind: 'expression'; expr: Uint8Array }
  | { kind: 'val_expression'; expr: Uint8Array };

export type CfaRule = { kind: 'reg'; reg: number; offset: bigint } | { kind: 'expression'; expr: Uint8Array };

export interface CfaRow {
  /** Link-time address range [loc, end). */
  loc: bigint;
  end: bigint;
  cfa: CfaRule;
  /** Registers with an explicit rule; absent = unspecified (callee-saved: same value). */
  regs: Map<number, RegRule>;
  argsSize: bigint;
}

interface State {
  cfa: CfaRule;
  regs: Map<number, RegRule>;
}

const cloneState = (s: State): State => ({ cfa: s.cfa, regs: new Map(s.regs) });

const MAX_STATE_STACK = 1024;

/**
 * Runs CFA instructions. Emits one row per advance (like readelf -wF) and a final row.
 * `all nops` (no real instruction) is reported so callers can mimic readelf if they want.
 */
export function executeCfi(cie: Cie, fde: Fde | undefined): { rows: CfaRow[]; initial: State; allNops: boolean } {
  const start = fde ? fde.pcBegin : 0n;
  const end = fde ? fde.pcEnd : 0n;
  const ctx: PointerContext = { sectionAddress: 0n, addressSize: cie.addressSize };
  let state: State = { cfa: { kind: 'reg', reg: 0, offset: 0n }, regs: new Map() };
  const run = (code: Uint8Array, codeOff: number, initial: State | undefined, rows: CfaRow[] | undefined): { allNops: boolean } => {
    const c: Cursor = new Cursor(code, `CFA instructions${fde ? ` of FDE at ${hex(fde.offset)}` : ` of CIE at ${hex(cie.offset)}`}`, 0, code.length, codeOff);
    let loc = start;
    let argsSize = 0n;
    const stack: State[] = [];
    let allNops = true;
    const advanceTo = (next: bigint) => {
      if (rows) rows.push({ loc, end: next, cfa: state.cfa, regs: new Map(state.regs), argsSize });
      loc = next;
    };
    const da = cie.dataAlign;
    const restore = (r: number) => {
      const init = initial?.regs.get(r);
      if (init) state.regs.set(r, init);
      else state.regs.delete(r);
    };
    const setCfaReg = (reg: number) => {
      if (state.cfa.kind === 'reg') state.cfa = { kind: 'reg', reg, offset: state.cfa.offset };
      else state.cfa = { kind: 'reg', reg, offset: 0n };
    };
    const setCfaOff = (offset: bigint) => {
      if (state.cfa.kind !== 'reg') c.fail('DW_CFA_def_cfa_offset with an expression CFA');
      state.cfa = { kind: 'reg', reg: state.cfa.reg, offset };
    };
    while (c.remaining > 0) {
      const op = c.u8('CFA opcode');
      if (op !== 0) allNops = false;
      const hi = op & 0xc0;
      const low = op & 0x3f;
      if (hi === 0x40) { advanceTo(loc + BigInt(low) * cie.codeAlign); continue; }
      if (hi === 0x80) { state.regs.set(low, { kind: 'offset', offset: c.ulebBig('DW_CFA_offset') * da }); continue; }
      if (hi === 0xc0) { restore(low); continue; }
      switch (op) {
        case 0x00: break; // nop
        case 0x01: advanceTo(readEncodedPointer(c, cie.isEh ? cie.fdeEncoding : DW_EH_PE.absptr, { ...ctx, sectionAddress: cie.sectionAddress + BigInt(codeOff) }, 'DW_CFA_set_loc') ?? loc); break;
        case 0x02: advanceTo(loc + BigInt(c.u8('DW_CFA_advance_loc1')) * cie.codeAlign); break;
        case 0x03: advanceTo(loc + BigInt(c.u16('DW_CFA_advance_loc2')) * cie.codeAlign); break;
        case 0x04: advanceTo(loc + BigInt(c.u32('DW_CFA_advance_loc4')) * cie.codeAlign); break;
        case 0x1d: advanceTo(loc + c.u64('DW_CFA_MIPS_advance_loc8') * cie.codeAlign); break;
        case 0x05: { const r = c.uleb('register'); state.regs.set(r, { kind: 'offset', offset: c.ulebBig('offset') * da }); break; }
        case 0x06: restore(c.uleb('register')); break;
        case 0x07: state.regs.set(c.uleb('register'), { kind: 'undefined' }); break;
        case 0x08: state.regs.set(c.uleb('register'), { kind: 'same' }); break;
        case 0x09: { const r = c.uleb('register'); state.regs.set(r, { kind: 'register', reg: c.uleb('register') }); break; }
        case 0x0a:
          if (stack.length >= MAX_STATE_STACK) c.fail('DW_CFA_remember_state stack overflow');
          stack.push(cloneState(state));
          break;
        case 0x0b: {
          const s = stack.pop();
          if (!s) c.fail('DW_CFA_restore_state with empty stack');
          // Restores the CFA rule as well as the register rules, as libgcc, gdb and readelf do.
          state = s;
          break;
        }
        case 0x0c: { const r = c.uleb('register'); state.cfa = { kind: 'reg', reg: r, offset: c.ulebBig('offset') }; break; }
        case 0x0d: setCfaReg(c.uleb('register')); break;
        case 0x0e: setCfaOff(c.ulebBig('offset')); break;
        case 0x0f: state.cfa = { kind: 'expression', expr: c.bytes(c.uleb('expression length'), 'DW_CFA_def_cfa_expression') }; break;
        case 0x10: { const r = c.uleb('register'); state.regs.set(r, { kind: 'expression', expr: c.bytes(c.uleb('expression length'), 'DW_CFA_expression') }); break; }
        case 0x11: { const r = c.uleb('register'); state.regs.set(r, { kind: 'offset', offset: c.slebBig('offset') * da }); break; }
        case 0x12: { const r = c.uleb('register'); state.cfa = { kind: 'reg', reg: r, offset: c.slebBig('offset') * da }; break; }
        case 0x13: setCfaOff(c.slebBig('offset') * da); break;
        case 0x14: { const r = c.uleb('register'); state.regs.set(r, { kind: 'val_offset', offset: c.ulebBig('offset') * da }); break; }
        case 0x15: { const r = c.uleb('register'); state.regs.set(r, { kind: 'val_offset', offset: c.slebBig('offset') * da }); break; }
        case 0x16: { const r = c.uleb('register'); state.regs.set(r, { kind: 'val_expression', expr: c.bytes(c.uleb('expression length'), 'DW_CFA_val_expression') }); break; }
        case 0x2e: argsSize = c.ulebBig('DW_CFA_GNU_args_size'); break;
        case 0x2f: { const r = c.uleb('register'); state.regs.set(r, { kind: 'offset', offset: -c.ulebBig('offset') * da }); break; }
        case 0x2d: break; // DW_CFA_GNU_window_save (SPARC / AArch64 negate_ra_state): no RISC-V meaning
        default: c.fail(`unknown DW_CFA opcode ${hex(op)}`, c.pos - 1);
      }
    }
    if (rows && fde) rows.push({ loc, end: end > loc ? end : loc, cfa: state.cfa, regs: new Map(state.regs), argsSize });
    return { allNops };
  };
  run(cie.initialInstructions, cie.initialInstructionsOffset, undefined, undefined);
  const initial = cloneState(state);
  if (!fde) return { rows: [{ loc: 0n, end: 0n, cfa: state.cfa, regs: new Map(state.regs), argsSize: 0n }], initial, allNops: true };
  const rows: CfaRow[] = [];
  const { allNops } = run(fde.instructions, fde.instructionsOffset, initial, rows);
  return { rows, initial, allNops };
}

// ---------------------------------------------------------------- DWARF expressions

export interface ExprContext {
  readReg(n: number): bigint;
  readMem64(addr: bigint): bigint;
  addressSize?: number;
}

const MAX_EXPR_STEPS = 100000;

/** Evaluates a DWARF expression (stack machine); returns the top of stack. */
export function evalDwarfExpr(expr: Uint8Array, ctx: ExprContext, initialStack: bigint[] = []): bigint {
  const c = new Cursor(expr, 'DWARF expression');
  const st: bigint[] = [...initialStack];
  const u64 = (v: bigint) => BigInt.asUintN(64, v);
  const pop = (): bigint => {
    if (!st.length) c.fail('stack underflow', c.pos - 1);
    return st.pop()!;
  };
  const push = (v: bigint) => {
    if (st.length > 4096) c.fail('stack overflow');
    st.push(u64(v));
  };
  let steps = 0;
  while (c.remaining > 0) {
    if (++steps > MAX_EXPR_STEPS) c.fail('expression did not terminate');
    const op = c.u8('DW_OP');
    if (stackOp(op, c, st, push, pop)) continue;
    if (op >= 0x50 && op <= 0x6f) { push(ctx.readReg(op - 0x50)); continue; }
    if (op >= 0x70 && op <= 0x8f) { push(ctx.readReg(op - 0x70) + c.slebBig('DW_OP_breg offset')); continue; }
    switch (op) {
      case 0x03: push(c.uN(ctx.addressSize ?? 8, 'DW_OP_addr')); break;
      case 0x06: push(ctx.readMem64(pop())); break;
      case 0x90: push(ctx.readReg(c.uleb('DW_OP_regx'))); break;
      case 0x92: { const r = c.uleb('DW_OP_bregx register'); push(ctx.readReg(r) + c.slebBig('DW_OP_bregx offset')); break; }
      case 0x94: {
        const n = c.u8('DW_OP_deref_size');
        if (n < 1 || n > 8) c.fail(`DW_OP_deref_size ${n}`);
        push(BigInt.asUintN(n * 8, ctx.readMem64(pop())));
        break;
      }
      case 0x96: break; // nop
      case 0x9c: c.fail('DW_OP_call_frame_cfa inside CFI'); break;
      default: c.fail(`unsupported DW_OP ${hex(op)}`, c.pos - 1);
    }
  }
  if (!st.length) c.fail('expression left an empty stack');
  return st[st.length - 1];
}

// ---------------------------------------------------------------- table and unwinder

export const RISCV_SP = 2;

export interface UnwindResult {
  cfa: bigint;
  /** Caller's pc (the return address), undefined at the outermost frame. */
  pc: bigint | undefined;
  /** Caller's sp (= CFA). */
  sp: bigint;
  /** Recovered caller registers for every register with a rule (undefined = DW_CFA_undefined). */
  regs: Map<number, bigint | undefined>;
  row: CfaRow;
  fde: Fde;
}

export class CfiTable {
  readonly cies: Cie[];
  readonly fdes: Fde[];
  readonly bias: bigint;
  private sorted: Fde[];
  private rowCache = new Map<Fde, CfaRow[]>();

  constructor(parts: { cies: Cie[]; fdes: Fde[] }[], bias = 0n) {
    this.cies = parts.flatMap((p) => p.cies);
    this.fdes = parts.flatMap((p) => p.fdes);
    this.bias = bias;
    this.sorted = this.fdes.filter((f) => f.pcEnd > f.pcBegin).sort((a, b) => (a.pcBegin < b.pcBegin ? -1 : a.pcBegin > b.pcBegin ? 1 : 0));
  }

  /** .eh_frame (preferred) and .debug_frame of an ELF file; `bias` = runtime base - link base. */
  static fromElf(elf: ElfFile, bias = 0n, which: 'both' | 'eh' | 'debug' = 'both'): CfiTable {
    const parts: { cies: Cie[]; fdes: Fde[] }[] = [];
    const got = elf.section('.got');
    const text = elf.section('.text');
    const deref = (a: bigint) => {
      const b = elf.readVaddr(a, 8);
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    };
    const eh = elf.section('.eh_frame');
    if (eh && which !== 'debug') {
      parts.push(parseFrameSection({ data: elf.sectionData(eh), isEh: true, address: eh.addr, fileOffset: Number(eh.offset), dataBase: got?.addr, textBase: text?.addr, deref }));
    }
    const df = elf.section('.debug_frame');
    if (df && which !== 'eh') parts.push(parseFrameSection({ data: elf.sectionData(df), isEh: false, address: 0n, fileOffset: Number(df.offset) }));
    return new CfiTable(parts, bias);
  }

  /** The FDE covering a runtime pc. */
  findFde(pc: bigint): Fde | undefined {
    const a = pc - this.bias;
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid].pcBegin <= a) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && i >= lo - 4; i--) if (a >= s[i].pcBegin && a < s[i].pcEnd) return s[i];
    return undefined;
  }

  /** All rows of an FDE (link-time addresses). */
  rows(fde: Fde): CfaRow[] {
    let r = this.rowCache.get(fde);
    if (!r) {
      r = executeCfi(fde.cie, fde).rows;
      this.rowCache.set(fde, r);
    }
    return r;
  }

  /** The row in effect at a runtime pc, or undefined when no FDE covers it. */
  rowAt(pc: bigint): { row: CfaRow; fde: Fde } | undefined {
    const fde = this.findFde(pc);
    if (!fde) return undefined;
    const a = pc - this.bias;
    const rows = this.rows(fde);
    let best: CfaRow | undefined;
    for (const r of rows) {
      if (r.loc <= a) best = r;
      else break;
    }
    return best ? { row: best, fde } : undefined;
  }

  /**
   * Unwinds one frame. `pc` is the frame's pc (for caller frames pass pc - 1 as `lookupPc` so a
   * call at the end of a function is attributed to it). Registers are RISC-V DWARF numbers.
   */
  unwindStep(pc: bigint, readReg: (n: number) => bigint, readMem64: (addr: bigint) => bigint, lookupPc: bigint = pc): UnwindResult | undefined {
    const found = this.rowAt(lookupPc);
    if (!found) return undefined;
    const { row, fde } = found;
    const ctx: ExprContext = { readReg, readMem64, addressSize: fde.cie.addressSize };
    const cfa = row.cfa.kind === 'reg' ? BigInt.asUintN(64, readReg(row.cfa.reg) + row.cfa.offset) : evalDwarfExpr(row.cfa.expr, ctx);
    const regs = new Map<number, bigint | undefined>();
    for (const [n, rule] of row.regs) {
      let v: bigint | undefined;
      switch (rule.kind) {
        case 'undefined': v = undefined; break;
        case 'same': v = readReg(n); break;
        case 'offset': v = readMem64(BigInt.asUintN(64, cfa + rule.offset)); break;
        case 'val_offset': v = BigInt.asUintN(64, cfa + rule.offset); break;
        case 'register': v = readReg(rule.reg); break;
        case 'expression': v = readMem64(evalDwarfExpr(rule.expr, ctx, [cfa])); break;
        case 'val_expression': v = evalDwarfExpr(rule.expr, ctx, [cfa]); break;
      }
      regs.set(n, v);
    }
    const ra = fde.cie.raReg;
    let callerPc: bigint | undefined;
    if (regs.has(ra)) callerPc = regs.get(ra);
    else callerPc = readReg(ra); // unspecified: same value (leaf function, ra still live)
    if (!regs.has(RISCV_SP)) regs.set(RISCV_SP, cfa);
    return { cfa, pc: callerPc, sp: regs.get(RISCV_SP) ?? cfa, regs, row, fde };
  }
}

// ---------------------------------------------------------------- readelf-style formatting


/** ABI name of a RISC-V DWARF register number (x0..x31 = 0..31, f0..f31 = 32..63). */
export function riscvRegName(n: number): string {
  if (n >= 0 && n < 32) return XNAMES[n];
  if (n >= 32 && n < 64) return FNAMES[n - 32];
  return `r${n}`;
}

const signed = (v: bigint) => (v < 0n ? `${v}` : `+${v}`);

/** readelf --debug-dump=frames-interp spelling of a CFA rule ('sp+16', 'exp'). */
export function formatCfa(r: CfaRule): string {
  return r.kind === 'reg' ? `${riscvRegName(r.reg)}${signed(r.offset)}` : 'exp';
}

/** readelf spelling of a register rule ('u', 's', 'c-8', 'v+8', 'r8 (s0)', 'exp', 'vexp'); undefined rule = 'u'. */
export function formatRule(r: RegRule | undefined): string {
  if (!r) return 'u';
  switch (r.kind) {
    case 'undefined': return 'u';
    case 'same': return 's';
    case 'offset': return `c${signed(r.offset)}`;
    case 'val_offset': return `v${signed(r.offset)}`;
    case 'register': return `r${r.reg} (${riscvRegName(r.reg)})`;
    case 'expression': return 'exp';
    case 'val_expression': return 'vexp';
  }
}

export { ElfError };
