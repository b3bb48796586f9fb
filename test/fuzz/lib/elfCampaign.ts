// The ELF part of the fuzz suite: mutants of real ELF files (mostly small ones; the static glibc program one
// time in ten) through the reader and disassembler, the kernel model's exec as the program and as the vDSO.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Rng } from './rng';
import { Campaign } from './campaign';
import { mutateElf } from './elfMutate';
import { SEEDS, elfStatic, elfRun, vdsoRun } from './elfTargets';

export interface ElfCampaigns { reader: Campaign; exec: Campaign; vdso: Campaign }

/** `n` mutants through the reader; every `execEvery`-th also through exec and the vDSO loader. Small files get
 *  the full disassembly listing; the big program every `bigListingEvery`-th mutant (0: never; it takes seconds). */
export function fuzzElf(n: number, seed: number, hangMs = 60_000, execEvery = 1, bigListingEvery = 50): ElfCampaigns {
  const dir = mkdtempSync(join(tmpdir(), 'rvl-fuzz-'));
  const small = SEEDS.small.map((p) => readFileSync(p));
  const big = SEEDS.linux.map((p) => readFileSync(p));
  const rng = new Rng(seed);
  // the mutants run a few thousand instructions each: the interpreter (the translator is fuzzed by insnFuzz)
  const jit = process.env.RISCV_VDSO_JIT;
  process.env.RISCV_VDSO_JIT = '0';
  const c: ElfCampaigns = { reader: new Campaign('ELF reader + disasm', hangMs), exec: new Campaign('ELF exec (run)', hangMs), vdso: new Campaign('ELF as vDSO', hangMs) };
  try {
    for (let i = 0; i < n; i++) {
      const useBig = rng.int(10) === 0;
      const pool = useBig ? big : small;
      const si = rng.int(pool.length);
      const m = mutateElf(pool[si], rng);
      const label = `seed ${seed} mutant ${i} of ${useBig ? SEEDS.linux[si] : SEEDS.small[si]}`;
      elfStatic(c.reader, m, label, !useBig || (bigListingEvery > 0 && i % bigListingEvery === 0));
      if (i % execEvery) continue;
      elfRun(c.exec, join(dir, 'prog'), m, label);
      vdsoRun(c.vdso, join(dir, 'vdso.so'), m, label);
    }
  } finally {
    if (jit === undefined) delete process.env.RISCV_VDSO_JIT; else process.env.RISCV_VDSO_JIT = jit;
    rmSync(dir, { recursive: true, force: true });
  }
  return c;
}
