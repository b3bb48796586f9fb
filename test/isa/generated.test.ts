import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateOps, OPS_FILE, opConstName } from '../../scripts/gen-ops';
import { generateDecoder, DECODER_FILE } from '../../scripts/gen-decoder';
import { INSNS } from '../../src/isa/instructions';
import { generateEncodingAs, generateEncodingTs, ENCODING_AS_FILE, ENCODING_TS_FILE } from '../../scripts/gen-encoding';
import { CSRS, EXCEPTIONS } from '../../src/isa/csrs';
import * as E from '../../src/isa/encoding.generated';

test('ops.generated.ts is current', () => {
  const committed = readFileSync(OPS_FILE, 'utf8');
  assert.ok(committed === generateOps(), 'ops.generated.ts is stale: run npm run gen');
});

test('the core\'s decoder (decode.generated.ts) is current', () => {
  assert.ok(readFileSync(DECODER_FILE, 'utf8') === generateDecoder(), 'src/hart/core/decode.generated.ts is stale: run npm run gen');
});

test('op constant names and numbers', () => {
  const text = generateOps();
  assert.equal(opConstName('fadd.d'), 'OP_FADD_D');
  assert.equal(opConstName('c.addi'), 'OP_C_ADDI');
  assert.equal(opConstName('sfence.vma'), 'OP_SFENCE_VMA');
  assert.equal(opConstName('fence.i'), 'OP_FENCE_I');
  assert.equal(opConstName('lr.w'), 'OP_LR_W');
  assert.match(text, /^export const OP_ILLEGAL: u16 = 0;$/m);
  assert.match(text, /^export const OP_BREAKPOINT: u16 = 0xff; \/\/ src\/hart\/layout.ts$/m); // ops are one byte of a decode entry (src/hart/layout.ts)
  const addi = INSNS.findIndex((d) => d.name === 'addi');
  assert.match(text, new RegExp(`^export const OP_ADDI: u16 = ${addi + 1};$`, 'm'));
  const names = new Set<string>();
  for (const m of text.matchAll(/^export const (OP_\w+): u16/gm)) {
    assert.ok(!names.has(m[1]), `duplicate ${m[1]}`);
    names.add(m[1]);
  }
  assert.ok(/generated/i.test(text.split('\n')[0]) && text.includes('scripts/gen-ops.ts'));
});

test('the encoding modules (AssemblyScript and TypeScript) are current', () => {
  assert.ok(readFileSync(ENCODING_AS_FILE, 'utf8') === generateEncodingAs(), 'src/hart/core/encoding.generated.ts is stale: run npm run gen');
  assert.ok(readFileSync(ENCODING_TS_FILE, 'utf8') === generateEncodingTs(), 'src/isa/encoding.generated.ts is stale: run npm run gen');
});

test('encoding constants: the same names in both languages, values from the CSR and cause tables', () => {
  const names = (text: string) => [...text.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(names(generateEncodingAs()), names(generateEncodingTs()));
  for (const c of CSRS) assert.equal((E as Record<string, unknown>)[`CSR_${c.name.toUpperCase()}`], c.address, c.name);
  for (const c of EXCEPTIONS) assert.equal((E as Record<string, unknown>)[c.constName], c.code, c.constName);
  assert.equal(E.CSR_MSTATUS, 0x300);
  assert.equal(E.MSTATUS_MPP, 3n << 11n);
  assert.equal(E.MSTATUS_MPP_SHIFT, 11n);
  assert.equal(E.MSTATUS_FS_DIRTY, 3n);
  assert.equal(E.SATP_MODE_SV39, 8n);
  assert.equal(E.MIP_STIP, 1n << BigInt(E.IRQ_S_TIMER));
  assert.equal(E.CAUSE_USER_ECALL, 8);
  assert.equal(E.PTE_PPN, ((1n << 44n) - 1n) << 10n);
  assert.equal(E.PRV_M, 3);
  assert.match(generateEncodingAs(), /^export const CSR_SATP: u32 = 0x180;$/m);
  assert.match(generateEncodingAs(), /^export const MSTATUS_SD: u64 = 0x8000000000000000;$/m);
});

test('page sizes written outside the encoding module agree with PAGE_SHIFT', async () => {
  const { PAGE_SIZE } = await import('../../src/kernel/vdso/datapage');
  assert.equal(PAGE_SIZE, 1 << Number(E.PAGE_SHIFT));
});
