// The TLBs keep translations apart by context (privilege, SUM, MXR, address space) instead of flushing at every
// change, and sfence.vma drops exactly what the privileged spec says. test/fixtures/bare/tlb.S checks what the
// spec requires (validated on QEMU); here the same program also runs with the translator on (its loads and
// stores read the TLBs inline), and its records show that translations the spec lets a TLB keep are kept: a
// system call, an address-space switch and an ASID fence leave them in place (what makes system calls cheap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hart } from '../../src/hart/hart';
import { runBare } from '../../src/hart/bare';
import { bareImageFromElf } from '../../src/cli/bareImage';
import { ElfFile } from '../../src/elf/elf';
import { enc, hartWith } from './helpers';
import { CSR_SATP, SATP_ASID, SATP_ASID_SHIFT } from '../../src/isa/encoding.generated';

const bytes = readFileSync(join(__dirname, '..', 'fixtures', 'bare', 'build', 'tlb.elf'));
const records = ElfFile.parse(bytes).symbols().find((s) => s.name === 'tlb_records')!.value;

function run(jit: boolean): { records: bigint[]; instructions: bigint } {
  const h = new Hart({ ramBytes: 16 * 1024 * 1024, jit, jitThreshold: 1 });
  const r = runBare(h, bareImageFromElf(bytes), { maxInstructions: 10_000_000n, stdout: () => {} });
  assert.equal(r.reason, 'htif', r.message);
  assert.equal(r.exitCode, 0, `tlb.elf failed test case ${r.exitCode} (jit ${jit})`);
  return { records: [0, 8, 16].map((o) => h.readPhys64(records + BigInt(o))), instructions: r.instructions };
}

test('tlb.elf passes with the translator off and on, with the same records and instruction count', () => {
  const off = run(false);
  const on = run(true);
  assert.deepEqual(on, off);
});

test('translations the spec lets a TLB keep are kept: across a system call, an ASID fence of a global page, an address-space switch', () => {
  const { records: [syscall, global, switched] } = run(false);
  assert.equal(syscall, 0x1001n, 'U reads its old page after U -> S -> U (the PTE changed without sfence.vma)');
  assert.equal(global, 0x1007n, 'sfence.vma x0, ASID spares a global page');
  assert.equal(switched, 0x1000n, 'address space A after a switch to B and back');
});

test('satp keeps 16 ASID bits', () => {
  const h = hartWith([enc('ecall')]);
  h.setCsr(CSR_SATP, (8n << 60n) | SATP_ASID | 0x80010n);
  assert.equal((h.csr(CSR_SATP) & SATP_ASID) >> SATP_ASID_SHIFT, 0xffffn);
  assert.equal(h.csr(CSR_SATP) & 0xfffffffffffn, 0x80010n);
});
