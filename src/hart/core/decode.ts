// The core's instruction decoder: fills a decode-cache entry (src/hart/layout.ts DEC_*) from instruction bits by
// reading the tables that scripts/gen-decoder.ts generates from the ISA table (decode.generated.ts). Same
// decoding as the host's src/isa/decode.ts (test/hart/decoder.test.ts compares them over all 16-bit words and
// every opcode/funct3/rs2/funct7 combination): entries of the word's bucket in table order, the first whose
// mask/match fits decides, a reserved (NONZERO) encoding of it is illegal. Allocates nothing.
import { DEC_IMM, DEC_WORD, DEC_RD, DEC_RS1, DEC_RS2, DEC_RS3, DEC_RM } from '../layout';
import {
  BUCKETS, ENTRIES, LAYOUTS, PIECES, ENTRY_BYTES, LAYOUT_BYTES, FIELD_CONST, FLAG_WRITES_X, ILLEGAL_WORD_32, ILLEGAL_WORD_16,
} from './decode.generated';

/** An operand's value: a constant, or its bit pieces ORed, sign-extended from bit `top` - 1, plus `add`. */
@inline function field(d: u32, raw: u32): u32 {
  if (d & FIELD_CONST) return d & 0xff;
  const start = d & 0xfff, n = (d >> 12) & 0xf;
  let v: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const p = load<u32>(PIECES + ((start + i) << 2));
    v |= ((raw >> (p & 0xff)) & ((1 << ((p >> 8) & 0xff)) - 1)) << (p >> 16);
  }
  const top = (d >> 16) & 0x3f;
  if (top != 0) v = <u32>((<i32>v << (32 - top)) >> (32 - top));
  return v + ((d >> 22) & 0xf);
}

/** Fill the decode entry at `e` for instruction bits `bits` (a compressed one in the low 16 bits). */
export function decodeInsn(bits: u32, e: usize): void {
  let raw: u32, key: u32;
  if ((bits & 3) == 3) {
    raw = bits;
    key = bits & 0x7f;
  } else {
    raw = bits & 0xffff;
    key = 128 + ((raw & 3) | (((raw >> 13) & 7) << 2));
  }
  const b = load<u32>(BUCKETS + (key << 2));
  let p = ENTRIES + <usize>(b >> 16) * ENTRY_BYTES;
  const end = p + <usize>(b & 0xffff) * ENTRY_BYTES;
  for (; p < end; p += ENTRY_BYTES) {
    if ((raw & load<u32>(p)) != load<u32>(p, 4)) continue;
    const nz = load<u32>(p, 8);
    if (nz != 0 && (raw & nz) == 0) break; // a reserved encoding: illegal
    const flags = load<u32>(p, 20);
    const l = LAYOUTS + <usize>(flags >> 8) * LAYOUT_BYTES;
    let rd = field(load<u32>(l), raw);
    // x0 stays zero without a per-instruction check: writes to it go to the scratch slot x32
    if ((flags & FLAG_WRITES_X) != 0 && rd == 0) rd = 32;
    store<i32>(e, <i32>field(load<u32>(l, 16), raw), DEC_IMM);
    store<u64>(e, load<u64>(p, 12)
      | (<u64>rd << ((DEC_RD - DEC_WORD) * 8))
      | (<u64>field(load<u32>(l, 4), raw) << ((DEC_RS1 - DEC_WORD) * 8))
      | (<u64>field(load<u32>(l, 8), raw) << ((DEC_RS2 - DEC_WORD) * 8))
      | (<u64>field(load<u32>(l, 12), raw) << ((DEC_RS3 - DEC_WORD) * 8))
      | (<u64>field(load<u32>(l, 20), raw) << ((DEC_RM - DEC_WORD) * 8)), DEC_WORD);
    return;
  }
  store<i32>(e, 0, DEC_IMM);
  store<u64>(e, (bits & 3) == 3 ? ILLEGAL_WORD_32 : ILLEGAL_WORD_16, DEC_WORD);
}
