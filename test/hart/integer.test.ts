// RV64I and M semantics with values from the specification's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enc, exec1, u64, RAM } from './helpers';

const R = (name: string, a: bigint, b: bigint): bigint => exec1(enc(name, { rd: 3, rs1: 1, rs2: 2 }), { 1: u64(a), 2: u64(b) }).x(3);
const I = (name: string, a: bigint, imm: number): bigint => exec1(enc(name, { rd: 3, rs1: 1, imm }), { 1: u64(a) }).x(3);
const MIN = -(1n << 63n);

test('add/sub wrap modulo 2^64; addw/subw sign-extend the low 32 bits', () => {
  assert.equal(R('add', (1n << 64n) - 1n, 1n), 0n);
  assert.equal(R('sub', 0n, 1n), u64(-1n));
  assert.equal(R('addw', 0x7fffffffn, 1n), u64(-0x80000000n));
  assert.equal(R('subw', 0n, 0x80000000n), u64(-0x80000000n));
  assert.equal(I('addiw', 0xffffffffn, 1), 0n);
  assert.equal(I('addi', 5n, -6), u64(-1n));
});

test('shifts use 6 bits (RV64) and 5 bits for the w forms', () => {
  assert.equal(R('sll', 1n, 63n), 1n << 63n);
  assert.equal(R('sll', 1n, 64n), 1n); // only the low 6 bits count
  assert.equal(R('srl', MIN, 63n), 1n);
  assert.equal(R('sra', MIN, 63n), u64(-1n));
  assert.equal(R('sllw', 1n, 31n), u64(-0x80000000n));
  assert.equal(R('srlw', 0xffffffff80000000n, 31n), 1n);
  assert.equal(R('sraw', 0x80000000n, 31n), u64(-1n));
  assert.equal(R('sllw', 1n, 32n), 1n);
  assert.equal(I('srai', MIN, 63), u64(-1n));
  assert.equal(I('srliw', 0xffffffffn, 31), 1n);
  assert.equal(I('sraiw', 0x80000000n, 0), u64(-0x80000000n));
});

test('slt/sltu and the immediate forms compare signed and unsigned', () => {
  assert.equal(R('slt', u64(-1n), 0n), 1n);
  assert.equal(R('sltu', u64(-1n), 0n), 0n);
  assert.equal(I('sltiu', 0n, -1), 1n); // the immediate is sign-extended, then compared unsigned
  assert.equal(I('slti', 0n, -1), 0n);
});

test('lui and auipc sign-extend their 32-bit value', () => {
  assert.equal(exec1(enc('lui', { rd: 3, imm: 0x80000000 | 0 })).x(3), u64(-0x80000000n));
  assert.equal(exec1(enc('auipc', { rd: 3, imm: 0x1000 })).x(3), RAM + 0x1000n);
});

test('division edge cases: by zero and -2^63 / -1', () => {
  assert.equal(R('div', 7n, 0n), u64(-1n));
  assert.equal(R('divu', 7n, 0n), u64(-1n));
  assert.equal(R('rem', 7n, 0n), 7n);
  assert.equal(R('remu', 7n, 0n), 7n);
  assert.equal(R('div', MIN, -1n), u64(MIN));
  assert.equal(R('rem', MIN, -1n), 0n);
  assert.equal(R('div', -7n, 2n), u64(-3n)); // rounds toward zero
  assert.equal(R('rem', -7n, 2n), u64(-1n)); // sign of the dividend
  assert.equal(R('divw', 0x80000000n, u64(-1n)), u64(-0x80000000n));
  assert.equal(R('remw', 0x80000000n, u64(-1n)), 0n);
  assert.equal(R('divw', 5n, 0n), u64(-1n));
  assert.equal(R('divuw', 0xffffffffn, 1n), u64(-1n)); // 32-bit result sign-extended
  assert.equal(R('remuw', 0x80000005n, 0n), u64(-0x7ffffffbn));
});

test('multiplication high parts', () => {
  assert.equal(R('mulh', u64(-1n), u64(-1n)), 0n);
  assert.equal(R('mulhu', u64(-1n), u64(-1n)), u64(-2n));
  assert.equal(R('mulhsu', u64(-1n), u64(-1n)), u64(-1n));
  assert.equal(R('mulh', MIN, MIN), 1n << 62n);
  assert.equal(R('mulw', 0x10000n, 0x10000n), 0n);
  assert.equal(R('mulw', 0x7fffffffn, 2n), u64(-2n));
  assert.equal(R('mul', 0x123456789n, 0x987654321n), u64(0x123456789n * 0x987654321n));
});

test('x0 is hard-wired to zero', () => {
  const h = exec1(enc('addi', { rd: 0, rs1: 0, imm: 5 }));
  assert.equal(h.x(0), 0n);
  assert.equal(h.pc, RAM + 4n);
});

test('jal/jalr link and clear bit 0 of the target', () => {
  const h = exec1(enc('jalr', { rd: 1, rs1: 2, imm: 3 }), { 2: RAM + 0x100n });
  assert.equal(h.pc, RAM + 0x102n);
  assert.equal(h.x(1), RAM + 4n);
  const j = exec1(enc('jal', { rd: 1, imm: -4 }));
  assert.equal(j.pc, RAM - 4n);
});
