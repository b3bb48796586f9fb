import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSRS, csrByName, csrByAddress, decodeCsrFields, EXCEPTION_CAUSES, INTERRUPT_CAUSES, causeName } from '../../src/isa/csrs';
import { csrName } from '../../src/isa/disasm';

test('table: addresses, privilege, read-only, field layout', () => {
  const required = ['fflags', 'frm', 'fcsr', 'cycle', 'time', 'instret', 'sstatus', 'sie', 'stvec', 'scounteren',
    'senvcfg', 'sscratch', 'sepc', 'scause', 'stval', 'sip', 'satp', 'stimecmp', 'mvendorid', 'marchid', 'mimpid',
    'mhartid', 'mconfigptr', 'mstatus', 'misa', 'medeleg', 'mideleg', 'mie', 'mtvec', 'mcounteren', 'menvcfg',
    'mscratch', 'mepc', 'mcause', 'mtval', 'mip', 'mcycle', 'minstret', 'mcountinhibit'];
  for (const n of required) assert.ok(csrByName.has(n), n);
  assert.equal(csrByName.get('stimecmp')!.address, 0x14d);
  assert.equal(csrByName.get('satp')!.address, 0x180);
  assert.equal(csrByName.get('mstatus')!.privilege, 'M');
  assert.equal(csrByName.get('sepc')!.privilege, 'S');
  assert.equal(csrByName.get('cycle')!.privilege, 'U');
  assert.equal(csrByName.get('mhartid')!.readOnly, true);
  assert.equal(csrByName.get('time')!.readOnly, true);
  assert.equal(csrByName.get('mepc')!.readOnly, false);
  assert.equal(csrByAddress.size, CSRS.length, 'addresses are unique');
  for (const c of CSRS) {
    let used = 0n;
    for (const f of c.fields) {
      assert.ok(f.lsb <= f.msb && f.msb < 64, `${c.name}.${f.name}`);
      const m = ((1n << BigInt(f.msb - f.lsb + 1)) - 1n) << BigInt(f.lsb);
      assert.equal(used & m, 0n, `${c.name}.${f.name} overlaps another field`);
      used |= m;
    }
    // the names agree with the disassembler's, where objdump knows the CSR
    const dn = csrName(c.address);
    if (!dn.startsWith('0x')) assert.equal(dn, c.name);
  }
});

test('sstatus is a subset of mstatus with the same positions', () => {
  const m = new Map(csrByName.get('mstatus')!.fields.map((f) => [f.name, f]));
  for (const f of csrByName.get('sstatus')!.fields) {
    const g = m.get(f.name);
    assert.ok(g, f.name);
    assert.deepEqual([g.lsb, g.msb], [f.lsb, f.msb], f.name);
  }
});

test('decodeCsrFields names values', () => {
  const st = decodeCsrFields(0x300, (3n << 11n) | (3n << 13n) | (1n << 63n) | (2n << 32n) | 8n)!;
  const get = (n: string) => st.find((f) => f.name === n)!;
  assert.deepEqual([get('MPP').value, get('MPP').meaning], [3n, 'M']);
  assert.deepEqual([get('FS').value, get('FS').meaning], [3n, 'Dirty']);
  assert.equal(get('SD').value, 1n);
  assert.equal(get('MIE').value, 1n);
  assert.equal(get('UXL').meaning, '64-bit');
  const sp = decodeCsrFields(0x100, 1n << 8n)!.find((f) => f.name === 'SPP')!;
  assert.equal(sp.meaning, 'S');
  const satp = decodeCsrFields(0x180, (8n << 60n) | (5n << 44n) | 0x80123n)!;
  assert.deepEqual(satp.map((f) => [f.name, f.value, f.meaning]), [['PPN', 0x80123n, undefined], ['ASID', 5n, undefined], ['MODE', 8n, 'Sv39']]);
  const tv = decodeCsrFields(0x105, 0x80200001n)!;
  assert.deepEqual(tv.map((f) => [f.name, f.value, f.meaning]), [['MODE', 1n, 'Vectored'], ['BASE', 0x80200001n >> 2n, undefined]]);
  const sc = decodeCsrFields(0x142, (1n << 63n) | 5n)!;
  assert.equal(sc.find((f) => f.name === 'Code')!.meaning, 'supervisor timer interrupt');
  assert.equal(decodeCsrFields(0x342, 13n)!.find((f) => f.name === 'Code')!.meaning, 'load page fault');
  assert.equal(decodeCsrFields(0x342, -1n)!.find((f) => f.name === 'Interrupt')!.value, 1n);
  assert.equal(decodeCsrFields(0x7ff, 0n), undefined);
});

test('cause tables', () => {
  assert.equal(EXCEPTION_CAUSES[8], 'environment call from U-mode');
  assert.equal(EXCEPTION_CAUSES[13], 'load page fault');
  assert.equal(INTERRUPT_CAUSES[5], 'supervisor timer interrupt');
  assert.equal(causeName(2n), 'illegal instruction');
  assert.equal(causeName((1n << 63n) | 9n), 'supervisor external interrupt');
});
