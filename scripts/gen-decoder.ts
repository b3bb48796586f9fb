// Generates src/hart/core/decode.generated.ts (AssemblyScript): the tables of the execution core's instruction
// decoder (src/hart/core/decode.ts), from the ISA table (src/isa/instructions.ts: match/mask in table order,
// NONZERO), the operand layouts (src/isa/operands.ts) and the cycle classes (src/hart/cycles.ts). The decoder
// fills a decode-cache entry (src/hart/layout.ts) exactly as the host's JavaScript decoder does
// (src/hart/hart.ts fillDecodeEntry, the reference): op + 1, the op's cycles, writes to x0 sent to x32,
// registers, rounding mode, length, immediate. test/hart/decoder.test.ts compares the two over all 16-bit words
// and every combination of the 32-bit words' opcode, funct3, rs2 and funct7 bits.
// Tables and not code: a small loop over them compiles in well under a millisecond and costs V8 little to
// optimise (a generated 14 KB function of if-chains took 35-60 ms of TurboFan in every short run).
// Run with `npm run gen`. test/isa/generated.test.ts checks that the committed file is current.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSNS, NONZERO } from '../src/isa/instructions';
import { COMPRESSED_LAYOUTS, FORMAT_LAYOUTS, FP_RM, OPERAND_NAMES, fpRoundingMode, type Field, type Layout } from '../src/isa/operands';
import { instructionCycles } from '../src/hart/cycles';
import * as L from '../src/hart/layout';

export const DECODER_FILE = join(__dirname, '..', 'src', 'hart', 'core', 'decode.generated.ts');

const hex = (v: number) => '0x' + (v >>> 0).toString(16);
/** Byte position of a decode-entry field in the u64 word at DEC_WORD. */
const byteOf = (off: number) => (off - L.DEC_WORD) * 8;

/** The tables' formats, shared with the reader (src/hart/core/decode.ts; the constants are emitted too). */
export const ENTRY_BYTES = 24;       // mask, match, nonzero, word (u64: op + 1, cycles, length), flags | layout << 8
export const LAYOUT_BYTES = 24;      // one field descriptor (u32) per operand, OPERAND_NAMES order
export const FIELD_CONST = 0x80000000; // descriptor: a constant (low 8 bits)
export const FLAG_WRITES_X = 1;      // entry flags: rd is written (0 goes to x32)

/** A field descriptor: constant, or pieces start (bits 0-11), count (12-15), sign top (16-21), add (22-25). */
function descriptor(f: Field | undefined, pieces: number[]): number {
  if (f === undefined) return FIELD_CONST;
  if (typeof f === 'number') return (FIELD_CONST | f) >>> 0;
  const start = pieces.length;
  let top = 0;
  for (const [lo, width, to] of f.pieces) {
    if (width >= 32) throw new Error('a piece of 32 bits');
    pieces.push(lo | (width << 8) | (to << 16));
    top = Math.max(top, to + width);
  }
  const signTop = f.signed && top < 32 ? top : 0;
  if (start > 0xfff || f.pieces.length > 15 || (f.add ?? 0) > 15) throw new Error('field does not fit its descriptor');
  return (start | (f.pieces.length << 12) | (signTop << 16) | ((f.add ?? 0) << 22)) >>> 0;
}

export function generateDecoder(): string {
  const pieces: number[] = [];
  const layouts: number[][] = [];
  const layoutIndex = new Map<string, number>();
  const layoutOf = (l: Layout): number => {
    const key = JSON.stringify(OPERAND_NAMES.map((n) => l[n] ?? null));
    let i = layoutIndex.get(key);
    if (i === undefined) {
      i = layouts.length;
      layoutIndex.set(key, i);
      layouts.push(OPERAND_NAMES.map((n) => descriptor(l[n], pieces)));
    }
    return i;
  };
  // buckets: 32-bit words by opcode (0..127), compressed ones by quadrant + funct3 (128..159), entries in table order
  const buckets: number[][] = Array.from({ length: 160 }, () => []);
  INSNS.forEach((d, i) => {
    if (d.length === 4) buckets[d.match & 0x7f].push(i);
    else buckets[128 + ((d.match & 3) | (((d.match >>> 13) & 7) << 2))].push(i);
  });
  const entries: number[] = [];
  const bucketWords: number[] = [];
  const comments: string[] = [];
  for (const list of buckets) {
    bucketWords.push(((entries.length / 6) << 16) | list.length);
    for (const i of list) {
      const d = INSNS[i];
      let l = d.length === 4 ? FORMAT_LAYOUTS[d.format] : COMPRESSED_LAYOUTS[d.name];
      if (l === undefined) throw new Error(`${d.name}: no operand layout (src/isa/operands.ts)`);
      if (d.length === 4 && fpRoundingMode(d.match & 0x7f)) l = { ...l, rm: FP_RM };
      const op = d.length === 4 ? i : INSNS.findIndex((x) => x.name === d.expandsTo);
      if (op < 0) throw new Error(`${d.name}: expands to unknown ${d.expandsTo}`);
      const base = INSNS[op];
      const cycles = instructionCycles(base.name);
      if (cycles < 0 || cycles > 255) throw new Error(`${d.name}: cycles ${cycles} do not fit in a byte`);
      const word = (BigInt(op + 1) << BigInt(byteOf(L.DEC_OP))) | (BigInt(cycles) << BigInt(byteOf(L.DEC_CYCLES)))
        | (BigInt(d.length) << BigInt(byteOf(L.DEC_LEN)));
      const flags = (base.operands.includes('rd') ? FLAG_WRITES_X : 0) | (layoutOf(l) << 8);
      entries.push(d.mask >>> 0, d.match >>> 0, (NONZERO[d.name] ?? 0) >>> 0, Number(word & 0xffffffffn), Number(word >> 32n), flags);
      comments.push(d.name);
    }
  }
  const illegal = (len: number) => `0x${((1n << BigInt(byteOf(L.DEC_CYCLES))) | (BigInt(len) << BigInt(byteOf(L.DEC_LEN)))).toString(16)}`;
  const rows = (words: number[], per: number, note?: (row: number) => string) => {
    const out: string[] = [];
    for (let r = 0; r * per < words.length; r++) {
      out.push(`  ${words.slice(r * per, (r + 1) * per).map(hex).join(', ')},${note ? ` // ${note(r)}` : ''}`);
    }
    return out;
  };
  const lines = [
    '// GENERATED FILE - do not edit. Generated by scripts/gen-decoder.ts (npm run gen) from src/isa/instructions.ts,',
    '// src/isa/operands.ts and src/hart/cycles.ts: the tables of the core\'s decoder (read by decode.ts), the same',
    '// decoding as src/isa/decode.ts with src/hart/hart.ts fillDecodeEntry (test/hart/decoder.test.ts compares them).',
    '',
    `export const ENTRY_BYTES: u32 = ${ENTRY_BYTES};`,
    `export const LAYOUT_BYTES: u32 = ${LAYOUT_BYTES};`,
    `export const FIELD_CONST: u32 = ${hex(FIELD_CONST)};`,
    `export const FLAG_WRITES_X: u32 = ${FLAG_WRITES_X};`,
    `/** The decode word of an illegal instruction: op 0, 1 cycle, its length. */`,
    `export const ILLEGAL_WORD_32: u64 = ${illegal(4)};`,
    `export const ILLEGAL_WORD_16: u64 = ${illegal(2)};`,
    '',
    '/** Per bucket (32-bit words by opcode 0..127, compressed ones at 128 + quadrant + 4 * funct3): first entry << 16 | count. */',
    'export const BUCKETS: usize = memory.data<u32>([',
    ...rows(bucketWords, 8),
    ']);',
    '',
    '/** Entries in table order per bucket: mask, match, nonzero bits, decode word (lo, hi), FLAG_WRITES_X | layout << 8. */',
    'export const ENTRIES: usize = memory.data<u32>([',
    ...rows(entries, 6, (r) => comments[r]),
    ']);',
    '',
    '/** Operand layouts: rd, rs1, rs2, rs3, imm, rm descriptors (FIELD_CONST | value, or pieces: see decode.ts). */',
    'export const LAYOUTS: usize = memory.data<u32>([',
    ...rows(layouts.flat(), 6),
    ']);',
    '',
    '/** Bit pieces: lo | width << 8 | to << 16. */',
    'export const PIECES: usize = memory.data<u32>([',
    ...rows(pieces, 8),
    ']);',
  ];
  return lines.join('\n') + '\n';
}

if (require.main === module) {
  writeFileSync(DECODER_FILE, generateDecoder());
  console.log(`wrote ${DECODER_FILE}`);
}
