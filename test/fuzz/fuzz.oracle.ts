// The long part of our fuzz suite (npm run test:oracle in CI, about 3 minutes at the default counts; the counts
// come from FUZZ_ELF, FUZZ_DAP, FUZZ_LAUNCH, FUZZ_INSN and the seed from FUZZ_SEED). Same campaigns as
// fuzz.test.ts with other seeds and more cases; each prints its counts (cases, ok, clean errors, crashes,
// hangs, host RSS ceiling). FUZZ_ELF_EXEC_EVERY=N runs every Nth mutant through exec and the vDSO loader (all
// go through the reader). A long local run: FUZZ_ELF=100000 FUZZ_ELF_EXEC_EVERY=25 FUZZ_DAP=10000 FUZZ_INSN=1000000
// node --import tsx --test test/fuzz/fuzz.oracle.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuilt } from '../dap/helpers';
import { Campaign, check, envCount } from './lib/campaign';
import { fuzzElf } from './lib/elfCampaign';
import { fuzzDap } from './lib/dapFuzz';
import { fuzzInstructions } from './lib/insnFuzz';

const SEED = envCount('FUZZ_SEED', 1818);

test(`fuzz (long): mutated ELF files through the reader, the disassembler, exec and the vDSO loader (seed ${SEED})`, () => {
  ensureBuilt();
  const c = fuzzElf(envCount('FUZZ_ELF', 1500), SEED, 60_000, envCount('FUZZ_ELF_EXEC_EVERY', 1));
  for (const k of ['reader', 'exec', 'vdso'] as const) check(c[k]);
  assert.ok(c.exec.counts.ok > 0 && c.vdso.counts.ok > 0, 'some mutants run as the program and as the vDSO');
});

test(`fuzz (long): random DAP requests and launches of mutated ELFs (seed ${SEED})`, async () => {
  ensureBuilt();
  const c = await fuzzDap(envCount('FUZZ_DAP', 4000), envCount('FUZZ_LAUNCH', 100), SEED);
  check(c.requests);
  check(c.launches);
});

test(`fuzz (long): random instruction words on the hart, with and without the translator (seed ${SEED})`, () => {
  const n = envCount('FUZZ_INSN', 400_000);
  const words = new Campaign('instruction words'), blocks = new Campaign('random code as blocks');
  fuzzInstructions(words, blocks, n, SEED);
  const wordsInterp = new Campaign('instruction words (no translator)'), blocksInterp = new Campaign('random code as blocks (no translator)');
  fuzzInstructions(wordsInterp, blocksInterp, Math.ceil(n / 4), SEED + 1, false);
  for (const c of [words, blocks, wordsInterp, blocksInterp]) check(c);
});
