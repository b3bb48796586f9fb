// DWARF attribute forms (DWARF 2..5, section 7.5.6): the one reader of an attribute's encoded value, shared by
// .debug_info (dwarfInfo.ts) and the DWARF 5 .debug_line header's entry formats (dwarfLine.ts).

import { Cursor, ElfError, hex } from './reader';

export const DW_FORM = {
  addr: 0x01, block2: 0x03, block4: 0x04, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08, block: 0x09,
  block1: 0x0a, data1: 0x0b, flag: 0x0c, sdata: 0x0d, strp: 0x0e, udata: 0x0f, ref_addr: 0x10, ref1: 0x11,
  ref2: 0x12, ref4: 0x13, ref8: 0x14, ref_udata: 0x15, indirect: 0x16, sec_offset: 0x17, exprloc: 0x18,
  flag_present: 0x19, strx: 0x1a, addrx: 0x1b, ref_sup4: 0x1c, strp_sup: 0x1d, data16: 0x1e, line_strp: 0x1f,
  ref_sig8: 0x20, implicit_const: 0x21, loclistx: 0x22, rnglistx: 0x23, ref_sup8: 0x24, strx1: 0x25, strx2: 0x26,
  strx3: 0x27, strx4: 0x28, addrx1: 0x29, addrx2: 0x2a, addrx3: 0x2b, addrx4: 0x2c,
} as const;

/** What decoding a form needs from its unit (or line-table header) and the string sections. */
export interface FormEnv {
  offsetSize: number;
  addressSize: number;
  version: number;
  debugStr?: Uint8Array;
  debugLineStr?: Uint8Array;
}

export type FormValue = bigint | string | Uint8Array;

/** The NUL-terminated string at `off` of a string section, with a precise error when it cannot be there. */
export function stringAt(sec: Uint8Array | undefined, off: bigint, what: string): string {
  if (!sec) throw new ElfError(`${what}: section missing for string offset ${hex(off)}`);
  if (off >= BigInt(sec.length)) throw new ElfError(`${what}: string offset ${hex(off)} outside the section (size ${hex(sec.length)})`);
  return new Cursor(sec, what, Number(off)).cstr(what);
}

/**
 * Reads one attribute value: direct strings (string, strp, line_strp) are resolved, blocks come back as bytes,
 * everything else (constants, references, indexes such as strx/addrx, which the caller resolves) as a bigint.
 */
export function readForm(c: Cursor, form: number, env: FormEnv, implicitConst: bigint, depth = 0): FormValue {
  const F = DW_FORM;
  switch (form) {
    case F.addr: return c.uN(env.addressSize, 'DW_FORM_addr');
    case F.data1: case F.ref1: case F.flag: case F.strx1: case F.addrx1: return BigInt(c.u8());
    case F.data2: case F.ref2: case F.strx2: case F.addrx2: return BigInt(c.u16());
    case F.strx3: case F.addrx3: { const lo = c.u16(); return BigInt(lo | (c.u8() << 16)); }
    case F.data4: case F.ref4: case F.ref_sup4: case F.strx4: case F.addrx4: return BigInt(c.u32());
    case F.data8: case F.ref8: case F.ref_sig8: case F.ref_sup8: return c.u64();
    case F.data16: return c.bytes(16, 'DW_FORM_data16');
    case F.sdata: return c.slebBig();
    case F.udata: case F.ref_udata: case F.strx: case F.addrx: case F.loclistx: case F.rnglistx: return c.ulebBig();
    case F.string: return c.cstr('DW_FORM_string');
    case F.strp: return stringAt(env.debugStr, c.uN(env.offsetSize, 'DW_FORM_strp'), '.debug_str');
    case F.line_strp: return stringAt(env.debugLineStr, c.uN(env.offsetSize, 'DW_FORM_line_strp'), '.debug_line_str');
    case F.strp_sup: case F.sec_offset: return c.uN(env.offsetSize, 'section offset');
    case F.ref_addr: return c.uN(env.version <= 2 ? env.addressSize : env.offsetSize, 'DW_FORM_ref_addr');
    case F.block1: return c.bytes(c.u8('block1 length'), 'DW_FORM_block1');
    case F.block2: return c.bytes(c.u16('block2 length'), 'DW_FORM_block2');
    case F.block4: return c.bytes(c.u32('block4 length'), 'DW_FORM_block4');
    case F.block: case F.exprloc: return c.bytes(c.uleb('block length'), 'DW_FORM_block');
    case F.flag_present: return 1n;
    case F.implicit_const: return implicitConst;
    case F.indirect: {
      if (depth > 4) c.fail('DW_FORM_indirect nested too deeply');
      return readForm(c, c.uleb('indirect form'), env, implicitConst, depth + 1);
    }
    default: return c.fail(`unknown DW_FORM ${hex(form)}`);
  }
}
