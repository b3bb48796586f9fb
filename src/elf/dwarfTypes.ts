// C types from DWARF DIEs: base types of every size and encoding, typedef, const/volatile/restrict/_Atomic,
// pointers, arrays (multi-dimensional, flexible), struct/union with bitfields (DW_AT_data_bit_offset and the
// DWARF 2/3 DW_AT_bit_offset form), enums, function types. Types are built on demand and cached per DIE, so a
// self-referencing struct (a list node) is one object. Names are spelled as gdb spells them.
import { DW_AT, DW_ATE, DW_TAG, type Die } from './dwarfInfo';

export type CType =
  | { kind: 'void'; name: 'void' }
  | { kind: 'base'; name: string; size: number; encoding: number }
  | { kind: 'pointer'; size: number; target: () => CType }
  | { kind: 'typedef'; name: string; target: () => CType }
  | { kind: 'qual'; qual: 'const' | 'volatile' | 'restrict' | '_Atomic'; target: () => CType }
  | { kind: 'struct' | 'union'; tag?: string; size: number; members: () => CMember[]; incomplete: boolean; die?: Die }
  | { kind: 'enum'; tag?: string; size: number; signed: boolean; values: () => [string, bigint][] }
  | { kind: 'array'; elem: () => CType; count: number | undefined }
  | { kind: 'func'; ret: () => CType; params: () => CType[]; variadic: boolean; prototyped: boolean };

export interface CMember {
  name?: string;
  type: CType;
  /** Byte offset of the member (of its storage unit for bitfields). */
  offset: number;
  /** For bitfields: bit offset from the start of the struct, and width. */
  bitOffset?: number;
  bitSize?: number;
}

export const VOID: CType = { kind: 'void', name: 'void' };
const cache = new WeakMap<Die, CType>();
const MAX_TYPE_DEPTH = 64;

/** The type a DIE's DW_AT_type names (void when absent). */
export function typeOf(d: Die): CType {
  const t = d.ref(DW_AT.type);
  return t ? typeFromDie(t) : VOID;
}

export function typeFromDie(d: Die): CType {
  let t = cache.get(d);
  if (t) return t;
  t = build(d);
  cache.set(d, t);
  return t;
}

function num(d: Die, at: number): number | undefined {
  const v = d.num(at);
  return v === undefined ? undefined : Number(BigInt.asIntN(64, v));
}

function build(d: Die): CType {
  const target = () => typeOf(d);
  switch (d.tag) {
    case DW_TAG.base_type:
      return { kind: 'base', name: d.name ?? '?', size: num(d, DW_AT.byte_size) ?? 0, encoding: num(d, DW_AT.encoding) ?? DW_ATE.signed };
    case DW_TAG.pointer_type: case DW_TAG.reference_type:
      return { kind: 'pointer', size: num(d, DW_AT.byte_size) ?? d.unit.addressSize, target };
    case DW_TAG.typedef:
      return { kind: 'typedef', name: d.name ?? '?', target };
    case DW_TAG.const_type: return { kind: 'qual', qual: 'const', target };
    case DW_TAG.volatile_type: return { kind: 'qual', qual: 'volatile', target };
    case DW_TAG.restrict_type: return { kind: 'qual', qual: 'restrict', target };
    case DW_TAG.atomic_type: return { kind: 'qual', qual: '_Atomic', target };
    case DW_TAG.structure_type: case DW_TAG.union_type: {
      let members: CMember[] | undefined;
      return {
        kind: d.tag === DW_TAG.union_type ? 'union' : 'struct', tag: d.name, size: num(d, DW_AT.byte_size) ?? 0, incomplete: d.flag(DW_AT.declaration), die: d,
        members: () => (members ??= readMembers(d)),
      };
    }
    case DW_TAG.enumeration_type: {
      let values: [string, bigint][] | undefined;
      const base = d.ref(DW_AT.type);
      const bt = base ? strip(typeFromDie(base)) : undefined;
      const vals = () => (values ??= d.children.filter((k) => k.tag === DW_TAG.enumerator).map((k) => [k.name ?? '?', k.num(DW_AT.const_value) ?? 0n] as [string, bigint]));
      const signed = bt?.kind === 'base' ? isSigned(bt) : vals().some(([, v]) => (d.form(DW_AT.const_value) === 0x0d) && v < 0n);
      return { kind: 'enum', tag: d.name, size: num(d, DW_AT.byte_size) ?? 4, signed, values: vals };
    }
    case DW_TAG.array_type: {
      const subs = d.children.filter((k) => k.tag === DW_TAG.subrange_type || k.tag === DW_TAG.enumeration_type);
      const elemT = () => typeOf(d);
      if (!subs.length) return { kind: 'array', elem: elemT, count: undefined };
      // int a[2][3]: array of 2 arrays of 3
      let t: CType | undefined;
      for (let i = subs.length - 1; i >= 0; i--) {
        const inner = t;
        const s = subs[i];
        let count: number | undefined = num(s, DW_AT.count);
        if (count === undefined) {
          const ub = s.attr(DW_AT.upper_bound);
          const lb = num(s, DW_AT.lower_bound) ?? 0;
          if (typeof ub === 'bigint') count = Number(BigInt.asIntN(64, ub)) - lb + 1;
        }
        if (count !== undefined && (count < 0 || !Number.isSafeInteger(count))) count = undefined;
        t = { kind: 'array', elem: inner ? () => inner : elemT, count };
      }
      return t!;
    }
    case DW_TAG.subroutine_type: case DW_TAG.subprogram: {
      const ps = d.children.filter((k) => k.tag === DW_TAG.formal_parameter);
      return {
        kind: 'func', ret: target, params: () => ps.map((p) => typeOf(p)), variadic: d.children.some((k) => k.tag === DW_TAG.unspecified_parameters),
        prototyped: d.flag(DW_AT.prototyped),
      };
    }
    default:
      return { kind: 'base', name: `<unknown type tag 0x${d.tag.toString(16)}>`, size: num(d, DW_AT.byte_size) ?? 0, encoding: DW_ATE.unsigned };
  }
}

function readMembers(d: Die): CMember[] {
  const out: CMember[] = [];
  const structSize = num(d, DW_AT.byte_size) ?? 0;
  for (const k of d.children) {
    if (k.tag !== DW_TAG.member) continue;
    const type = typeOf(k);
    let offset = 0;
    const loc = k.attr(DW_AT.data_member_location);
    if (typeof loc === 'bigint') offset = Number(loc);
    else if (loc instanceof Uint8Array && loc.length >= 2 && loc[0] === 0x23) offset = uleb(loc, 1); // DW_OP_plus_uconst
    const m: CMember = { name: k.name, type, offset };
    const bitSize = num(k, DW_AT.bit_size);
    if (bitSize !== undefined) {
      m.bitSize = bitSize;
      const dbo = num(k, DW_AT.data_bit_offset);
      if (dbo !== undefined) m.bitOffset = dbo;
      else {
        // DWARF 2/3: bit_offset counts from the most significant bit of a storage unit of byte_size at offset
        const unit = num(k, DW_AT.byte_size) ?? sizeOf(type);
        const bo = num(k, DW_AT.bit_offset) ?? 0;
        m.bitOffset = offset * 8 + unit * 8 - bo - bitSize;
      }
      m.offset = Math.floor(m.bitOffset / 8);
    }
    void structSize;
    out.push(m);
  }
  return out;
}

function uleb(b: Uint8Array, i: number): number {
  let v = 0, s = 0;
  for (; i < b.length && s < 49; i++, s += 7) { v += (b[i] & 0x7f) * 2 ** s; if (!(b[i] & 0x80)) break; }
  return v;
}

/** Without typedefs and qualifiers. */
export function strip(t: CType): CType {
  for (let i = 0; i < MAX_TYPE_DEPTH; i++) {
    if (t.kind === 'typedef' || t.kind === 'qual') t = t.target();
    else return t;
  }
  return t;
}

export function isSigned(t: CType): boolean {
  const s = strip(t);
  if (s.kind === 'base') return s.encoding === DW_ATE.signed || s.encoding === DW_ATE.signed_char;
  if (s.kind === 'enum') return s.signed;
  return false;
}

export function isFloat(t: CType): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.encoding === DW_ATE.float;
}

export function isScalar(t: CType): boolean {
  const s = strip(t);
  return s.kind === 'base' || s.kind === 'pointer' || s.kind === 'enum';
}

export function sizeOf(t: CType, depth = 0): number {
  if (depth > MAX_TYPE_DEPTH) return 0;
  switch (t.kind) {
    case 'void': return 1;
    case 'base': case 'pointer': case 'struct': case 'union': case 'enum': return t.size;
    case 'typedef': case 'qual': return sizeOf(t.target(), depth + 1);
    case 'array': return t.count === undefined ? 0 : t.count * sizeOf(t.elem(), depth + 1);
    case 'func': return 1;
  }
}

/** gdb prints GCC's base type names in their short C spelling. */
const GDB_BASE_NAMES: Record<string, string> = {
  'long unsigned int': 'unsigned long', 'long int': 'long', 'short int': 'short', 'short unsigned int': 'unsigned short',
  'long long int': 'long long', 'long long unsigned int': 'unsigned long long',
};

/** gdb's spelling of a type: 'struct vlab_timespec *', 'const char *', 'int [4][2]', 'int (*)(int, char *)'. */
export function typeName(t: CType): string {
  return declare(t, '', 0).trim();
}

function declare(t: CType, inner: string, depth: number): string {
  if (depth > MAX_TYPE_DEPTH) return '...' + inner;
  const sp = (s: string) => (s ? ' ' + s : s);
  switch (t.kind) {
    case 'void': return 'void' + sp(inner);
    case 'base': return (GDB_BASE_NAMES[t.name] ?? t.name) + sp(inner);
    case 'typedef': return t.name + sp(inner);
    case 'struct': case 'union': return `${t.kind} ${t.tag ?? '{...}'}` + sp(inner);
    case 'enum': return `enum ${t.tag ?? '{...}'}` + sp(inner);
    case 'qual': {
      const tt = t.target();
      if (tt.kind === 'pointer') return declare(tt, `${t.qual}${inner ? ' ' + inner : ''}`, depth + 1);
      if (tt.kind === 'base' || tt.kind === 'typedef' || tt.kind === 'struct' || tt.kind === 'union' || tt.kind === 'enum' || tt.kind === 'void' || tt.kind === 'qual') {
        return `${t.qual} ${declare(tt, inner, depth + 1)}`;
      }
      return declare(tt, inner, depth + 1);
    }
    case 'pointer': {
      const tt = t.target();
      const needParen = tt.kind === 'array' || tt.kind === 'func';
      const s = '*' + (/^[a-z_]/.test(inner) ? ' ' + inner : inner);
      return declare(tt, needParen ? `(${s})` : s, depth + 1);
    }
    case 'array': return declare(t.elem(), `${inner}[${t.count ?? ''}]`, depth + 1);
    case 'func': {
      const ps = t.params().map((p) => typeName(p));
      if (t.variadic) ps.push('...');
      if (!ps.length && t.prototyped) ps.push('void');
      return declare(t.ret(), `${inner}(${ps.join(', ')})`, depth + 1);
    }
  }
}
