import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INSNS, OVERLAPS, byName, EXTENSIONS, NONZERO } from '../../src/isa/instructions';
import { decode, opIndex } from '../../src/isa/decode';

const name = (i: number) => (i < 0 ? '(illegal)' : INSNS[i].name);

test('table entries are well formed', () => {
  const seen = new Set<string>();
  for (const d of INSNS) {
    assert.ok(!seen.has(d.name), `duplicate ${d.name}`);
    seen.add(d.name);
    assert.equal((d.match & d.mask) >>> 0, d.match, `${d.name}: match has bits outside mask`);
    assert.ok(d.match >= 0 && d.mask >= 0, `${d.name}: unsigned`);
    assert.ok((EXTENSIONS as readonly string[]).includes(d.ext), d.ext);
    if (d.length === 2) {
      assert.ok(d.mask <= 0xffff && (d.match & 3) !== 3, d.name);
      assert.ok(d.expandsTo && byName.has(d.expandsTo), `${d.name} expands to a table entry`);
      assert.equal(d.mask & 0xe003, 0xe003, `${d.name}: fixes quadrant and funct3`);
    } else {
      assert.equal(d.mask & 0x7f, 0x7f, `${d.name}: fixes the opcode`);
      assert.equal(d.expandsTo, undefined);
    }
    assert.equal(byName.get(d.name), d);
  }
  for (const n of Object.keys(NONZERO)) assert.ok(byName.has(n), n);
  for (const n of ['fence.i', 'csrrci', 'mulw', 'remuw', 'amomaxu.d', 'fnmadd.d', 'fcvt.lu.d', 'fmv.d.x',
    'fclass.s', 'sfence.vma', 'wfi', 'c.addi4spn', 'c.sdsp', 'c.ebreak', 'fence.tso']) assert.ok(byName.has(n), n);
});

test('no two same-length entries overlap except the documented precedence pairs', () => {
  const allowed = new Set(OVERLAPS.map(([a, b]) => `${a}|${b}`));
  const found = new Set<string>();
  for (let i = 0; i < INSNS.length; i++) {
    for (let j = i + 1; j < INSNS.length; j++) {
      const a = INSNS[i], b = INSNS[j];
      if (a.length !== b.length) continue;
      if (((a.mask & b.mask & (a.match ^ b.match)) >>> 0) !== 0) continue;
      const key = `${a.name}|${b.name}`;
      assert.ok(allowed.has(key), `undocumented overlap ${a.name} / ${b.name}`);
      // the earlier entry must be the narrower one (its mask includes the other's)
      assert.equal((a.mask & b.mask) >>> 0, b.mask, `${a.name} must be narrower than ${b.name}`);
      found.add(key);
    }
  }
  for (const k of allowed) assert.ok(found.has(k), `listed overlap ${k} does not occur (or is misordered)`);
});

function dec(bits: number) {
  const d = decode(bits);
  return { op: name(d.op), cop: d.cop < 0 ? '' : name(d.cop), rd: d.rd, rs1: d.rs1, rs2: d.rs2, imm: d.imm, len: d.length };
}

test('32-bit formats', () => {
  assert.deepEqual(dec(0x80a5a023), { op: 'sw', cop: '', rd: 0, rs1: 11, rs2: 10, imm: -2048, len: 4 });
  assert.deepEqual(dec(0x80b50063), { op: 'beq', cop: '', rd: 0, rs1: 10, rs2: 11, imm: -4096, len: 4 });
  assert.deepEqual(dec(0x7ffff0ef), { op: 'jal', cop: '', rd: 1, rs1: 0, rs2: 0, imm: 0xffffe, len: 4 });
  assert.deepEqual(dec(0x80000537), { op: 'lui', cop: '', rd: 10, rs1: 0, rs2: 0, imm: -0x80000000, len: 4 });
  assert.deepEqual(dec(0xff010113), { op: 'addi', cop: '', rd: 2, rs1: 2, rs2: 0, imm: -16, len: 4 });
  const f = decode(0x6ac59543);   // fmadd.d fa0,fa1,fa2,fa3,rtz
  assert.equal(name(f.op), 'fmadd.d');
  assert.deepEqual([f.rd, f.rs1, f.rs2, f.rs3, f.rm], [10, 11, 12, 13, 1]);
  const a = decode(0x06b6352f);   // amoadd.d.aqrl a0,a1,(a2)
  assert.equal(name(a.op), 'amoadd.d');
  assert.deepEqual([a.rd, a.rs1, a.rs2, a.rm], [10, 12, 11, 3]);
  const c = decode(0x100fe573);   // csrrsi a0,sstatus,31
  assert.equal(name(c.op), 'csrrsi');
  assert.deepEqual([c.rd, c.rs1, c.imm], [10, 31, 0x100]);
  const fe = decode(0x0310000f);  // fence rw,w
  assert.equal(name(fe.op), 'fence');
  assert.equal(fe.imm, 0x31);
  assert.equal(name(decode(0x8330000f).op), 'fence.tso');
  const sh = decode(0x43f55513);  // srai a0,a0,63
  assert.deepEqual([name(sh.op), sh.imm], ['srai', 63]);
  assert.equal(name(decode(0x12000073).op), 'sfence.vma');
  assert.equal(name(decode(0x30200073).op), 'mret');
});

test('compressed immediates and expansion', () => {
  assert.deepEqual(dec(0x7139), { op: 'addi', cop: 'c.addi16sp', rd: 2, rs1: 2, rs2: 0, imm: -64, len: 2 });
  assert.deepEqual(dec(0x617d), { op: 'addi', cop: 'c.addi16sp', rd: 2, rs1: 2, rs2: 0, imm: 496, len: 2 });
  assert.deepEqual(dec(0x557e), { op: 'lw', cop: 'c.lwsp', rd: 10, rs1: 2, rs2: 0, imm: 252, len: 2 });
  assert.deepEqual(dec(0x747e), { op: 'ld', cop: 'c.ldsp', rd: 8, rs1: 2, rs2: 0, imm: 504, len: 2 });
  assert.deepEqual(dec(0xaffd), { op: 'jal', cop: 'c.j', rd: 0, rs1: 0, rs2: 0, imm: 2046, len: 2 });
  assert.deepEqual(dec(0xb001), { op: 'jal', cop: 'c.j', rd: 0, rs1: 0, rs2: 0, imm: -2048, len: 2 });
  assert.deepEqual(dec(0xcd7d), { op: 'beq', cop: 'c.beqz', rd: 0, rs1: 10, rs2: 0, imm: 254, len: 2 });
  assert.deepEqual(dec(0xf081), { op: 'bne', cop: 'c.bnez', rd: 0, rs1: 9, rs2: 0, imm: -256, len: 2 });
  assert.deepEqual(dec(0x7785), { op: 'lui', cop: 'c.lui', rd: 15, rs1: 0, rs2: 0, imm: 0xfffe1000 | 0, len: 2 });
  assert.deepEqual(dec(0x67fd), { op: 'lui', cop: 'c.lui', rd: 15, rs1: 0, rs2: 0, imm: 0x1f000, len: 2 });
  assert.deepEqual(dec(0x1fe8), { op: 'addi', cop: 'c.addi4spn', rd: 10, rs1: 2, rs2: 0, imm: 1020, len: 2 });
  assert.deepEqual(dec(0x5e6c), { op: 'lw', cop: 'c.lw', rd: 11, rs1: 12, rs2: 0, imm: 124, len: 2 });
  assert.deepEqual(dec(0x7e6c), { op: 'ld', cop: 'c.ld', rd: 11, rs1: 12, rs2: 0, imm: 248, len: 2 });
  assert.deepEqual(dec(0xde6c), { op: 'sw', cop: 'c.sw', rd: 0, rs1: 12, rs2: 11, imm: 124, len: 2 });
  assert.deepEqual(dec(0xff86), { op: 'sd', cop: 'c.sdsp', rd: 0, rs1: 2, rs2: 1, imm: 504, len: 2 });
  assert.deepEqual(dec(0xdf86), { op: 'sw', cop: 'c.swsp', rd: 0, rs1: 2, rs2: 1, imm: 252, len: 2 });
  assert.deepEqual(dec(0x957d), { op: 'srai', cop: 'c.srai', rd: 10, rs1: 10, rs2: 0, imm: 63, len: 2 });
  assert.deepEqual(dec(0x9901), { op: 'andi', cop: 'c.andi', rd: 10, rs1: 10, rs2: 0, imm: -32, len: 2 });
  assert.deepEqual(dec(0x357e), { op: 'fld', cop: 'c.fldsp', rd: 10, rs1: 2, rs2: 0, imm: 504, len: 2 });
  assert.deepEqual(dec(0x0001), { op: 'addi', cop: 'c.nop', rd: 0, rs1: 0, rs2: 0, imm: 0, len: 2 });
  assert.deepEqual(dec(0x8082), { op: 'jalr', cop: 'c.jr', rd: 0, rs1: 1, rs2: 0, imm: 0, len: 2 });
  assert.deepEqual(dec(0x9782), { op: 'jalr', cop: 'c.jalr', rd: 1, rs1: 15, rs2: 0, imm: 0, len: 2 });
  assert.deepEqual(dec(0x9002), { op: 'ebreak', cop: 'c.ebreak', rd: 0, rs1: 0, rs2: 0, imm: 0, len: 2 });
  assert.deepEqual(dec(0x852e), { op: 'add', cop: 'c.mv', rd: 10, rs1: 0, rs2: 11, imm: 0, len: 2 });
  assert.deepEqual(dec(0x952e), { op: 'add', cop: 'c.add', rd: 10, rs1: 10, rs2: 11, imm: 0, len: 2 });
  assert.deepEqual(dec(0x4501), { op: 'addi', cop: 'c.li', rd: 10, rs1: 0, rs2: 0, imm: 0, len: 2 });
  assert.deepEqual(dec(0x2501), { op: 'addiw', cop: 'c.addiw', rd: 10, rs1: 10, rs2: 0, imm: 0, len: 2 });
  assert.deepEqual(dec(0x8d0d), { op: 'sub', cop: 'c.sub', rd: 10, rs1: 10, rs2: 11, imm: 0, len: 2 });
  assert.deepEqual(dec(0x9d2d), { op: 'addw', cop: 'c.addw', rd: 10, rs1: 10, rs2: 11, imm: 0, len: 2 });
  assert.deepEqual(dec(0x1502), { op: 'slli', cop: 'c.slli', rd: 10, rs1: 10, rs2: 0, imm: 32, len: 2 });
  // a 32-bit fetch whose low half is a compressed instruction decodes the low half only
  assert.deepEqual(dec(0x12340001), dec(0x0001));
  assert.equal(decode(0x12340001).raw, 1);
  assert.equal(decode(0xff010113).raw, 0xff010113);
});

test('reserved encodings decode as illegal', () => {
  const illegal = (bits: number, why: string) => {
    const d = decode(bits);
    assert.equal(d.op, -1, `${why}: ${bits.toString(16)} decoded as ${name(d.op)}`);
    assert.equal(d.cop, -1);
  };
  illegal(0x0000, 'all-zero halfword');
  illegal(0x0008, 'c.addi4spn with nzuimm 0');
  illegal(0x6101, 'c.addi16sp with nzimm 0');
  illegal(0x6781, 'c.lui with nzimm 0');
  illegal(0x8002, 'c.jr with rs1 0');
  illegal(0x4002, 'c.lwsp with rd 0');
  illegal(0x6002, 'c.ldsp with rd 0');
  illegal(0x2001, 'c.addiw with rd 0');
  illegal(0x8000, 'quadrant 0 funct3 100');
  illegal(0x9d4d, 'reserved CA slot (funct6 100111, funct2 10)');
  illegal(0x9d6d, 'reserved CA slot (funct6 100111, funct2 11)');
  illegal(0x0200151b, 'slliw with shamt[5] set');
  illegal(0x0200551b, 'srliw with shamt[5] set');
  illegal(0xffffffff, 'all-ones word');
  illegal(0x0000001f, '48-bit encoding space');
  illegal(0x00200073, 'uret (SYSTEM funct3 0, not implemented)');
  illegal(0x4000603b, 'OP-32 funct3 110 funct7 0100000');
  illegal(0x0000a00f, 'MISC-MEM funct3 2');
  illegal(0xc0500553, 'fcvt.?.s with rs2 = 5');
  illegal(0x04b50553, 'OP-FP fmt 10 (Q) not implemented');
});

test('opIndex and memoisation', () => {
  assert.equal(INSNS[opIndex('fadd.d')].name, 'fadd.d');
  assert.throws(() => opIndex('nope'));
  assert.equal(decode(0xff010113), decode(0xff010113));
  assert.ok(Object.isFrozen(decode(0x0001)));
});
