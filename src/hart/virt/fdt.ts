// Flattened device trees (Devicetree Specification v0.4, chapter 5 "Flattened Devicetree (DTB) Format"): a
// writer for the tree the platform describes itself with, and a reader to parse one back (tests, and trees a
// user brings). Big-endian throughout; version 17, last compatible version 16.
export const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9;
const HEADER_SIZE = 40;

/**
 * A property value: a string, a string list, 32-bit cells, raw bytes, or empty (a boolean property).
 * Use `u64Cells` for 64-bit quantities in #address-cells/#size-cells = 2 form.
 */
export type FdtValue = string | string[] | number[] | Uint8Array | null;

export interface FdtNode {
  name: string;
  props: [string, FdtValue][];
  children: FdtNode[];
}

export function fdtNode(name: string, props: [string, FdtValue][] = [], children: FdtNode[] = []): FdtNode {
  return { name, props, children };
}

/** 64-bit values as pairs of 32-bit cells (high, low). */
export function u64Cells(...values: bigint[]): number[] {
  const out: number[] = [];
  for (const v of values) out.push(Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn));
  return out;
}

function valueBytes(v: FdtValue): Uint8Array {
  const enc = new TextEncoder();
  if (v === null) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return enc.encode(`${v}\0`);
  if (v.length > 0 && typeof v[0] === 'string') return enc.encode((v as string[]).map((s) => `${s}\0`).join(''));
  const cells = v as number[];
  const out = new Uint8Array(cells.length * 4);
  const dv = new DataView(out.buffer);
  cells.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) throw new RangeError(`device tree cell ${c} is not a 32-bit unsigned integer`);
    dv.setUint32(i * 4, c, false);
  });
  return out;
}

/** Serialise a tree (its root's name must be empty) with the given memory reservations. */
export function writeFdt(root: FdtNode, opts: { reserved?: { address: bigint; size: bigint }[]; bootCpuId?: number } = {}): Uint8Array {
  const struct: number[] = [];
  const strings: number[] = [];
  const stringOffsets = new Map<string, number>();
  const enc = new TextEncoder();
  const u32 = (v: number): void => { struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff); };
  const bytes = (b: Uint8Array): void => {
    for (const x of b) struct.push(x);
    while (struct.length % 4) struct.push(0);
  };
  const stringOff = (s: string): number => {
    let off = stringOffsets.get(s);
    if (off === undefined) {
      off = strings.length;
      stringOffsets.set(s, off);
      for (const b of enc.encode(s)) strings.push(b);
      strings.push(0);
    }
    return off;
  };
  const emit = (n: FdtNode): void => {
    u32(FDT_BEGIN_NODE);
    bytes(enc.encode(`${n.name}\0`));
    const seen = new Set<string>();
    for (const [name, v] of n.props) {
      if (seen.has(name)) throw new Error(`device tree node "${n.name}" has property "${name}" twice`);
      seen.add(name);
      const b = valueBytes(v);
      u32(FDT_PROP);
      u32(b.length);
      u32(stringOff(name));
      bytes(b);
    }
    for (const c of n.children) emit(c);
    u32(FDT_END_NODE);
  };
  if (root.name !== '') throw new Error('the root of a device tree has an empty name');
  emit(root);
  u32(FDT_END);

  const reserved = opts.reserved ?? [];
  const rsvOff = HEADER_SIZE; // 8-aligned
  const rsvSize = (reserved.length + 1) * 16;
  const structOff = rsvOff + rsvSize;
  const stringsOff = structOff + struct.length;
  const total = stringsOff + strings.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const header = [FDT_MAGIC, total, structOff, stringsOff, rsvOff, 17, 16, opts.bootCpuId ?? 0, strings.length, struct.length];
  header.forEach((v, i) => dv.setUint32(i * 4, v, false));
  reserved.forEach((r, i) => {
    dv.setBigUint64(rsvOff + i * 16, r.address, false);
    dv.setBigUint64(rsvOff + i * 16 + 8, r.size, false);
  });
  out.set(struct, structOff);
  out.set(strings, stringsOff);
  return out;
}

/** A parsed node: property values are raw bytes (see fdtString, fdtStrings, fdtCells, fdtU64s). */
export interface FdtParsedNode {
  name: string;
  props: Map<string, Uint8Array>;
  children: FdtParsedNode[];
}

export interface ParsedFdt {
  root: FdtParsedNode;
  reserved: { address: bigint; size: bigint }[];
  bootCpuId: number;
  version: number;
}

export class FdtError extends Error {}

/** Parse a DTB; throws FdtError on anything malformed. */
export function readFdt(b: Uint8Array): ParsedFdt {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < HEADER_SIZE) throw new FdtError('not a device tree blob: shorter than its header');
  const h = (i: number): number => dv.getUint32(i * 4, false);
  if (h(0) !== FDT_MAGIC) throw new FdtError(`not a device tree blob: magic 0x${h(0).toString(16)}, expected 0x${FDT_MAGIC.toString(16)}`);
  const [total, structOff, stringsOff, rsvOff, version, , bootCpuId, stringsSize, structSize] = [h(1), h(2), h(3), h(4), h(5), h(6), h(7), h(8), h(9)];
  if (total > b.length) throw new FdtError(`device tree blob truncated: header says ${total} bytes, have ${b.length}`);
  if (version < 16) throw new FdtError(`device tree blob version ${version} is older than 16`);
  if (structOff + structSize > total || stringsOff + stringsSize > total || rsvOff + 16 > total) throw new FdtError('device tree blob: a block lies outside it');
  const reserved: { address: bigint; size: bigint }[] = [];
  for (let o = rsvOff; ; o += 16) {
    if (o + 16 > total) throw new FdtError('device tree blob: unterminated memory reservation block');
    const address = dv.getBigUint64(o, false), size = dv.getBigUint64(o + 8, false);
    if (address === 0n && size === 0n) break;
    reserved.push({ address, size });
  }
  const dec = new TextDecoder();
  const cstr = (start: number, limit: number): [string, number] => {
    let e = start;
    while (e < limit && b[e] !== 0) e++;
    if (e >= limit) throw new FdtError('device tree blob: unterminated string');
    return [dec.decode(b.subarray(start, e)), e + 1];
  };
  const end = structOff + structSize;
  let p = structOff;
  const word = (): number => {
    if (p + 4 > end) throw new FdtError('device tree blob: structure block ends early');
    const v = dv.getUint32(p, false);
    p += 4;
    return v;
  };
  const align = (): void => { p = (p + 3) & ~3; };
  const stack: FdtParsedNode[] = [];
  let root: FdtParsedNode | undefined;
  for (;;) {
    const tok = word();
    if (tok === FDT_NOP) continue;
    if (tok === FDT_BEGIN_NODE) {
      const [name, next] = cstr(p, end);
      p = next;
      align();
      const n: FdtParsedNode = { name, props: new Map(), children: [] };
      if (stack.length) stack[stack.length - 1].children.push(n);
      else if (root) throw new FdtError('device tree blob: more than one root node');
      else root = n;
      stack.push(n);
    } else if (tok === FDT_PROP) {
      const len = word(), nameoff = word();
      if (!stack.length) throw new FdtError('device tree blob: property outside a node');
      if (p + len > end || nameoff >= stringsSize) throw new FdtError('device tree blob: property out of bounds');
      const [name] = cstr(stringsOff + nameoff, stringsOff + stringsSize);
      stack[stack.length - 1].props.set(name, b.slice(p, p + len));
      p += len;
      align();
    } else if (tok === FDT_END_NODE) {
      if (!stack.pop()) throw new FdtError('device tree blob: unbalanced end of node');
    } else if (tok === FDT_END) {
      break;
    } else {
      throw new FdtError(`device tree blob: unknown token 0x${tok.toString(16)} at offset ${p - 4}`);
    }
  }
  if (!root || stack.length) throw new FdtError('device tree blob: unbalanced nodes');
  return { root, reserved, bootCpuId, version };
}

export function fdtString(v: Uint8Array | undefined): string | undefined {
  return v === undefined ? undefined : fdtStrings(v)[0];
}
export function fdtStrings(v: Uint8Array): string[] {
  const s = new TextDecoder().decode(v);
  return (s.endsWith('\0') ? s.slice(0, -1) : s).split('\0');
}
export function fdtCells(v: Uint8Array): number[] {
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: Math.floor(v.length / 4) }, (_, i) => dv.getUint32(i * 4, false));
}
/** Find a node by path ("/soc/serial@10000000"). */
export function fdtFind(root: FdtParsedNode, path: string): FdtParsedNode | undefined {
  let n: FdtParsedNode | undefined = root;
  for (const part of path.split('/').filter(Boolean)) {
    n = n.children.find((c: FdtParsedNode) => c.name === part);
    if (!n) return undefined;
  }
  return n;
}
