// Bounds-checked little-endian byte cursor shared by the ELF and DWARF readers.
// Every read that would leave [start, end) throws an ElfError naming what was being read,
// the file offset and the reason; no host exception (RangeError, TypeError) escapes.

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

export const hex = (v: number | bigint): string => '0x' + v.toString(16);

export class Cursor {
  readonly data: Uint8Array;
  private readonly view: DataView;
  /** Current position, absolute index into data. */
  pos: number;
  readonly start: number;
  readonly end: number;
  readonly what: string;
  /** Added to positions in error messages (e.g. a section's file offset when data is the file). */
  readonly reportBase: number;

  constructor(data: Uint8Array, what: string, start = 0, end = data.length, reportBase = 0) {
    if (start < 0 || end > data.length || start > end || !Number.isInteger(start) || !Number.isInteger(end)) {
      throw new ElfError(`${what}: range [${hex(start)}, ${hex(end)}) outside data of size ${hex(data.length)}`);
    }
    this.data = data;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.pos = start;
    this.start = start;
    this.end = end;
    this.what = what;
    this.reportBase = reportBase;
  }

  get remaining(): number {
    return this.end - this.pos;
  }
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(why: string, at = this.pos): never {
    throw new ElfError(`${this.what}: ${why} at offset ${hex(at + this.reportBase)}`);
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      this.fail(`truncated reading ${what} (${n} bytes needed, ${Math.max(0, this.end - this.pos)} left)`);
    }
  }

  seek(pos: number): void {
    if (pos < this.start || pos > this.end || !Number.isInteger(pos)) this.fail(`seek to ${hex(pos)} outside [${hex(this.start)}, ${hex(this.end)})`);
    this.pos = pos;
  }

  skip(n: number, what = 'padding'): void {
    this.need(n, what);
    this.pos += n;
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.data[this.pos++];
  }
  i8(what = 'i8'): number {
    this.need(1, what);
    return this.view.getInt8(this.pos++);
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i16(what = 'i16'): number {
    this.need(2, what);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(what = 'i32'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(what = 'i64'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** Unsigned integer of 1, 2, 4 or 8 bytes as bigint. */
  uN(size: number, what = 'value'): bigint {
    switch (size) {
      case 1: return BigInt(this.u8(what));
      case 2: return BigInt(this.u16(what));
      case 4: return BigInt(this.u32(what));
      case 8: return this.u64(what);
      default: return this.fail(`unsupported ${what} size ${size}`);
    }
  }
  ulebBig(what = 'ULEB128'): bigint {
    let result = 0n;
    let shift = 0n;
    const at = this.pos;
    for (;;) {
      if (this.pos >= this.end) this.fail(`unterminated ${what}`, at);
      const b = this.data[this.pos++];
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
    }
    return BigInt.asUintN(64, result);
  }
  slebBig(what = 'SLEB128'): bigint {
    let result = 0n;
    let shift = 0n;
    let b = 0;
    const at = this.pos;
    for (;;) {
      if (this.pos >= this.end) this.fail(`unterminated ${what}`, at);
      b = this.data[this.pos++];
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
    }
    if (shift < 64n && b & 0x40) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }
  /** ULEB128 that must fit a safe JS number (counts, offsets, register numbers). */
  uleb(what = 'ULEB128'): number {
    const at = this.pos;
    const v = this.ulebBig(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} value ${hex(v)} too large`, at);
    return Number(v);
  }
  sleb(what = 'SLEB128'): number {
    const at = this.pos;
    const v = this.slebBig(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} value ${v} out of range`, at);
    return Number(v);
  }
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const b = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** NUL-terminated string; the NUL must lie before end. */
  cstr(what = 'string'): string {
    const at = this.pos;
    const nul = this.data.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) this.fail(`unterminated ${what}`, at);
    const s = decodeLatin1OrUtf8(this.data.subarray(this.pos, nul));
    this.pos = nul + 1;
    return s;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
export function decodeLatin1OrUtf8(b: Uint8Array): string {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return utf8.decode(b);
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 4096)));
  return s;
}

/** Reads a NUL-terminated string at `off` inside the table `table` (a byte range of data). */
export function stringAt(data: Uint8Array, tableStart: number, tableSize: number, off: number, what: string): string {
  if (!Number.isSafeInteger(off) || off < 0 || off >= tableSize) {
    throw new ElfError(`${what}: string offset ${hex(off)} outside string table of size ${hex(tableSize)} at file offset ${hex(tableStart)}`);
  }
  const end = tableStart + tableSize;
  const nul = data.indexOf(0, tableStart + off);
  if (nul < 0 || nul >= end) throw new ElfError(`${what}: unterminated string at offset ${hex(tableStart + off)} in string table ending at ${hex(end)}`);
  return decodeLatin1OrUtf8(data.subarray(tableStart + off, nul));
}
