// Random instruction words on the hart: decoded and disassembled (src/isa), then executed one by one by the
// interpreter (step) and as blocks (run, the translator on) from random register values, in batches on a
// fresh hart. The hart must return from every call; traps, wfi and halts are outcomes, host exceptions are not.
import { Hart } from '../../../src/hart/hart';
import { decode } from '../../../src/isa/decode';
import { disassemble, newDisasmContext } from '../../../src/isa/disasm';
import { Rng } from './rng';
import type { Campaign } from './campaign';

const RAM = 0x80000000n;
const BATCH = 1024;

function randomWord(rng: Rng): number {
  // half 32-bit words, half pairs of 16-bit (compressed) ones; some from the major opcodes the table uses
  const w = rng.u32();
  switch (rng.int(4)) {
    case 0: return (w & ~0x7f) | rng.pick([0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73]);
    case 1: return w & 0xffff0000 | (w & 0xfffc) | rng.int(3); // a compressed low half
    default: return w;
  }
}

/** `n` words (rounded up to whole batches): one case per word (decode, disassemble, step), one per batch run. */
export function fuzzInstructions(c: Campaign, blocks: Campaign, n: number, seed: number, jit = true): void {
  const rng = new Rng(seed);
  const ctx = newDisasmContext();
  for (let done = 0; done < n; done += BATCH) {
    const words = Array.from({ length: BATCH }, () => randomWord(rng));
    const h = new Hart({ ramBytes: 1 << 20, jit });
    const bytes = new Uint8Array(BATCH * 4);
    const dv = new DataView(bytes.buffer);
    words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
    h.writePhys(RAM, bytes);
    for (let i = 0; i < BATCH; i++) {
      const w = words[i];
      c.run(`word 0x${(w >>> 0).toString(16).padStart(8, '0')} (seed ${seed})`, () => {
        for (const bits of [w >>> 0, w & 0xffff]) {
          const d = decode(bits);
          if (d.op >= 0) disassemble(d, RAM, () => undefined, ctx);
        }
        if ((i & 63) === 0) {
          for (let r = 1; r < 32; r++) h.setX(r, rng.bool() ? RAM + BigInt(rng.int(1 << 20) & ~7) : rng.u64());
        }
        h.pc = RAM + BigInt(i * 4);
        h.step();
      });
    }
    // the page as code, translated to blocks, with traps landing wherever the random CSRs point
    blocks.run(`batch ${done} (seed ${seed})`, () => {
      h.pc = RAM;
      h.run(20_000);
    });
  }
}
