// Diagnostics over LSP from the built server: exact messages, ranges and severities on a fixture with
// mistakes, no false errors on the project's own sources and on the forms gas accepts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import { TestClient } from './client';

const ROOT = join(__dirname, '..', '..');
let c: TestClient;
before(async () => { c = await TestClient.start(); });
after(async () => { await c.stop(); });

test('mistakes.s: one error per wrong line, with the exact message and range', async () => {
  const file = join(__dirname, 'fixtures', 'mistakes.s');
  const diags = await c.open(pathToFileURL(file).href, readFileSync(file, 'utf8'));
  const got = diags.map((d) => [d.range.start.line + 1, d.range.start.character, d.range.end.line + 1, d.range.end.character, d.severity, d.source, d.message]);
  const E = DiagnosticSeverity.Error;
  assert.deepEqual(got, [
    [6, 1, 6, 5, E, 'riscv-asm', "unknown mnemonic 'addx'"],
    [7, 1, 7, 11, E, 'riscv-asm', "'add' takes 3 or 4 operands, got 2 (add rd, rs1, rs2 | add rd, rs1, imm | add rd, rs1, rs2, %tprel_add(sym))"],
    [8, 10, 8, 13, E, 'riscv-asm', "unknown register 'x32'"],
    [9, 14, 9, 18, E, 'riscv-asm', "immediate 2048 out of range for 'addi' (-2048..2047)"],
    [10, 14, 10, 16, E, 'riscv-asm', "shamt 64 out of range for 'slli' (0..63)"],
    [11, 10, 11, 18, E, 'riscv-asm', "unknown CSR 'mstatuss'"],
    [12, 13, 12, 15, E, 'riscv-asm', "expected a floating-point register for fs1, got integer register 'a0'"],
    [13, 9, 13, 19, E, 'riscv-asm', "relocation %lo not allowed in the immediate of 'lui' (use %hi, %pcrel_hi, %tprel_hi, %got_pcrel_hi, %tls_ie_pcrel_hi, %tls_gd_pcrel_hi)"],
    [14, 10, 14, 12, E, 'riscv-asm', "unknown register 't9'"],
    [15, 12, 15, 14, E, 'riscv-asm', "base register must be one of x8-x15 (s0, s1, a0-a5), got 't0'"],
    [16, 8, 16, 13, E, 'riscv-asm', "'li' needs a constant, 'start' is not (use la for addresses)"],
    [17, 3, 17, 5, E, 'riscv-asm', "forward reference to undefined local label '1:'"],
  ]);
});

test('fixing a line clears its diagnostic (didChange)', async () => {
  const uri = 'file:///tmp/change.s';
  assert.equal((await c.open(uri, '\taddi a0, a0, 4096\n')).length, 1);
  assert.deepEqual(await c.change(uri, '\taddi a0, a0, 2047\n'), []);
});

test('the project\'s own .S sources get no diagnostics', async () => {
  const files = ['src/guest/vdso/getcpu.S', 'src/guest/vdso/rt_sigreturn.S', 'src/guest/vdso/note.S', 'src/guest/vdso/flush_icache.S',
    'src/guest/kernel/entry.S', 'test/fixtures/bare/rv64uc.S', 'test/fixtures/bare/trap.S', 'test/fixtures/bare/env/crt.S'];
  for (const f of files) {
    const d = await c.open(pathToFileURL(join(ROOT, f)).href, readFileSync(join(ROOT, f), 'utf8'));
    assert.deepEqual(d, [], f);
  }
});

test('pseudo-instructions, relocations, macros, .equ symbols and C macros are not flagged', async () => {
  const text = [
    '\t.equ\tCSR_X, 0x340', '\t.set\tN, 12', 'SIZE = 16',
    '\t.macro\tPUSH reg, off', '\tsd\t\\reg, \\off(sp)', '\t.endm', '\tPUSH\ts0, 8',
    'f:\tli a0, 0x123456789abcdef0; la a1, f; lla a2, f; call f; tail f; mv a0, a1; not a0, a0; neg a0, a0; negw a0, a0',
    '\tsext.w a0, a0; seqz a0, a0; snez a0, a0; sltz a0, a0; sgtz a0, a0; beqz a0, f; bnez a0, f; blez a0, f; bgez a0, f',
    '\tbltz a0, f; bgtz a0, f; bgt a0, a1, f; ble a0, a1, f; bgtu a0, a1, f; bleu a0, a1, f; j f; jal f; jalr a0; jr a0; ret; nop',
    '\tcsrr a0, CSR_X; csrw mscratch, a0; csrs mstatus, a0; csrc mstatus, a0; csrwi mscratch, 1; csrsi mstatus, 2; csrci mstatus, 8',
    '\trdcycle a0; rdtime a0; rdinstret a0; frcsr a0; fscsr a0; frrm a0; fsrm a0; frflags a0; fsflags a0',
    '\tfmv.s fa0, fa1; fmv.d fa0, fa1; fabs.s fa0, fa1; fabs.d fa0, fa1; fneg.s fa0, fa1; fneg.d fa0, fa1; fence; fence rw, w; fence.i; fence.tso',
    '\tld a0, f; sd a0, f, t0; lw a0, f; sw a0, f, t0; flw fa0, f, t0; fsd fa0, f, t0; la.tls.ie a0, v; la.tls.gd a0, v',
    '1:\tauipc a0, %pcrel_hi(f); addi a0, a0, %pcrel_lo(1b); lui a1, %hi(f); ld a1, %lo(f)(a1); lui a2, %tprel_hi(v)',
    '\tadd a2, a2, tp, %tprel_add(v); sd a0, %tprel_lo(v)(a2); auipc a3, %got_pcrel_hi(f); slli a0, a0, N; addi sp, sp, -SIZE',
    '\tamoswap.w.aqrl a0, a1, (a2); lr.d.aq a0, (a1); sc.d.rl a0, a1, 0(a2); fadd.d fa0, fa1, fa2, rtz; fcvt.w.d a0, fa0, rtz',
    '\tADD a0, a0, a1; add a0, a0, 5; jalr a0, 4(a1); csrrw a0, mstatus, 5; c.addi16sp sp, -512; c.lui a0, 0xfffff; sfence.vma',
  ].join('\n') + '\n';
  assert.deepEqual(await c.open('file:///tmp/accepted.s', text), []);
  const cpp = '#include "x.h"\n#define REG a0\n\tli REG, SOME_CONSTANT\n\tcsrr a0, CSR_FROM_HEADER\n\tFUNC_BEGIN(x)\n\tTEST_CASE(2, a0, 1, li a1, 1; add a0, a1, x0)\n\tld a0, OFFSET(sp)\n\t// comment\n';
  assert.deepEqual(await c.open('file:///tmp/cpp.S', cpp), []);
});

test('.S files still get errors that no macro can explain', async () => {
  const d = await c.open('file:///tmp/bad.S', '#include "x.h"\n\taddi a0, x33, 1\n\taddi a0, a0, 5000\n');
  assert.deepEqual(d.map((x) => x.message), ["unknown register 'x33'", "immediate 5000 out of range for 'addi' (-2048..2047)"]);
});
