// The fast part of our fuzz suite (npm test, about half a minute): seeded, so every run meets the same cases.
// Mutated ELFs through the reader, disassembler and the kernel model's exec (as the program and as the
// vDSO); random DAP requests with wrong types and launches of mutated ELFs against the built adapter; random
// instruction words on the hart. Counts are printed; crashes and hangs must be 0. The long part with bigger
// counts is fuzz.oracle.ts (npm run test:oracle; FUZZ_* variables set the counts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuilt } from '../dap/helpers';
import { Campaign, check } from './lib/campaign';
import { fuzzElf } from './lib/elfCampaign';
import { fuzzDap, LEAK } from './lib/dapFuzz';
import { fuzzInstructions } from './lib/insnFuzz';

test('the leak pattern tells the JavaScript engine\'s error text from our messages', () => {
  // found by the long campaign (seed 1818): a clean ElfError was counted as a crash for its words 'out of range'
  for (const ours of ['ELF header: e_shstrndx 27 out of range (25 sections) at offset 0x3e', 'disassemble: instructionCount 50000000 is more than 100000']) {
    assert.equal(LEAK.test(ours), false, ours);
  }
  for (const node of ['The value of "offset" is out of range. It must be >= 0 and <= 7. Received 9', 'Index out of range',
    'Offset is outside the bounds of the DataView', 'Invalid typed array length: 1099511627776', "Cannot read properties of undefined (reading 'x')"]) {
    assert.equal(LEAK.test(node), true, node);
  }
});

test('fuzz: 120 mutated ELF files through the reader and the disassembler, 40 of them through exec and the vDSO loader', () => {
  ensureBuilt();
  // the full listing of the 0.5 MB program (seconds) is left to fuzz.oracle.ts
  const c = fuzzElf(120, 18, 60_000, 3, 0);
  for (const k of ['reader', 'exec', 'vdso'] as const) check(c[k]);
  assert.ok(c.reader.counts.clean > 0 && c.reader.counts.ok > 0, 'the mutants both pass and fail the reader');
  // some mutants still run (as the program and as the vDSO): a harness that cannot run anything (no hart.wasm,
  // a broken launch) would count every case as a clean refusal
  assert.ok(c.exec.counts.ok > 0 && c.vdso.counts.ok > 0, 'some mutants run as the program and as the vDSO');
});

test('fuzz: 600 random DAP requests (wrong types, null, huge counts) and 8 launches of mutated ELFs', async () => {
  ensureBuilt();
  const c = await fuzzDap(600, 8, 18);
  check(c.requests);
  assert.ok(c.requests.counts.clean > 50 && c.requests.counts.ok > 50, 'requests both succeed and are refused');
  check(c.launches);
});

test('fuzz: 50,000 random instruction words decoded, disassembled and executed (interpreter and translated blocks)', () => {
  const words = new Campaign('instruction words'), blocks = new Campaign('random code as blocks');
  fuzzInstructions(words, blocks, 50_000, 18);
  check(words);
  check(blocks);
});
