// Mutated ELF files: structure-aware mutations of real ELF files (header fields, program and section header
// fields, string tables, DWARF and CFI section contents), plus bit flips, interesting values and truncation.
import { Rng } from './rng';

const INTERESTING_64 = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffff000n, 0x1000n, 0x3fffffffffn];

interface Field { off: number; width: 2 | 4 | 8 }

const EHDR_FIELDS: Field[] = [
  { off: 16, width: 2 }, { off: 18, width: 2 }, { off: 24, width: 8 }, { off: 32, width: 8 }, { off: 40, width: 8 },
  { off: 54, width: 2 }, { off: 56, width: 2 }, { off: 58, width: 2 }, { off: 60, width: 2 }, { off: 62, width: 2 },
];
const PHDR_FIELDS: Field[] = [0, 4, 8, 16, 24, 32, 40, 48].map((off) => ({ off, width: off < 8 ? 4 : 8 }) as Field);
const SHDR_FIELDS: Field[] = [0, 4, 8, 16, 24, 32, 40, 44, 48, 56].map((off) => ({ off, width: off === 0 || off === 4 || off === 40 || off === 44 ? 4 : 8 }) as Field);

function put(b: Uint8Array, off: number, width: number, v: bigint): void {
  for (let i = 0; i < width && off + i < b.length; i++) b[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}
function get(b: Uint8Array, off: number, width: number): bigint {
  let v = 0n;
  for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i] ?? 0);
  return v;
}

function value(rng: Rng, old: bigint, fileSize: number): bigint {
  switch (rng.int(6)) {
    case 0: return rng.pick(INTERESTING_64);
    case 1: return BigInt(fileSize + rng.int(3) - 1);
    case 2: return old + BigInt(rng.int(17) - 8);
    case 3: return old ^ (1n << BigInt(rng.int(64)));
    case 4: return BigInt(rng.int(0x10000));
    default: return rng.u64();
  }
}

/** One mutant of `seed` (1 to 4 mutations). */
export function mutateElf(seed: Uint8Array, rng: Rng): Uint8Array {
  let b = new Uint8Array(seed);
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const size = b.length;
    const phoff = Number(get(b, 32, 8)), shoff = Number(get(b, 40, 8));
    const phnum = Number(get(b, 56, 2)), shnum = Number(get(b, 60, 2));
    switch (rng.int(8)) {
      case 0: { // a bit anywhere
        const i = rng.int(size);
        b[i] ^= 1 << rng.int(8);
        break;
      }
      case 1: { // a header field
        const f = rng.pick(EHDR_FIELDS);
        put(b, f.off, f.width, value(rng, get(b, f.off, f.width), size));
        break;
      }
      case 2: case 3: { // a program header field
        if (!phnum || phoff + 56 * phnum > size) break;
        const base = phoff + 56 * rng.int(phnum), f = rng.pick(PHDR_FIELDS);
        put(b, base + f.off, f.width, value(rng, get(b, base + f.off, f.width), size));
        break;
      }
      case 4: case 5: { // a section header field
        if (!shnum || shoff + 64 * shnum > size) break;
        const base = shoff + 64 * rng.int(shnum), f = rng.pick(SHDR_FIELDS);
        put(b, base + f.off, f.width, value(rng, get(b, base + f.off, f.width), size));
        break;
      }
      case 6: { // bytes inside a section's contents (string tables, symbols, DWARF, CFI)
        if (!shnum || shoff + 64 * shnum > size) break;
        const base = shoff + 64 * rng.int(shnum);
        const off = Number(get(b, base + 24, 8)), len = Number(get(b, base + 32, 8));
        if (off >= size || len === 0) break;
        for (let j = 0, m = 1 + rng.int(8); j < m; j++) {
          const i = off + rng.int(Math.min(len, size - off));
          b[i] = rng.bool() ? rng.int(256) : Number(rng.pick(INTERESTING_64) & 0xffn);
        }
        break;
      }
      default: { // truncate or extend
        if (rng.bool(0.7)) b = b.slice(0, rng.int(size));
        else { const c = new Uint8Array(size + rng.int(4096)); c.set(b); b = c; }
      }
    }
  }
  return b;
}
