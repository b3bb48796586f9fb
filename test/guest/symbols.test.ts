// Checks of the committed guest images and their generated tables; no toolchain needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as V from '../../src/guest/vdso/vdsoSymbols.generated';
import * as K from '../../src/guest/kernel/entrySymbols.generated';
import * as D from '../../src/kernel/vdso/datapage';
import { guestImagePath, readGuestImage } from '../../src/guest/images';
import { datapageHeader } from '../../scripts/gen-datapage-header';

const SIX = ['__vdso_clock_getres', '__vdso_clock_gettime', '__vdso_flush_icache', '__vdso_getcpu', '__vdso_gettimeofday', '__vdso_rt_sigreturn'];
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const EM_RISCV = 243;

test('the vDSO table lists exactly the six __vdso_* functions at LINUX_4.15, inside the image', () => {
  const funcs = V.VDSO_SYMBOLS.filter((s) => s.type === 'FUNC');
  assert.deepEqual(funcs.map((s) => s.name).sort(), SIX);
  for (const s of funcs) {
    assert.equal(s.version, 'LINUX_4.15', s.name);
    assert.equal(s.section, '.text', s.name);
    assert.ok(s.size > 0, `${s.name} has size 0`);
    assert.ok(s.offset >= 0x800 && s.offset + s.size <= V.VDSO_IMAGE_SIZE, `${s.name} outside the image`);
    assert.equal(V.VDSO_OFFSETS[s.name], s.offset);
  }
  // The trampolines are exactly Linux's sizes: li a7,N (4) + ecall (4) [+ c.ret (2)].
  const size = (n: string) => funcs.find((s) => s.name === n)!.size;
  assert.equal(size('__vdso_rt_sigreturn'), 8);
  assert.equal(size('__vdso_getcpu'), 10);
  assert.equal(size('__vdso_flush_icache'), 10);
  // The version definition symbol, and nothing else exported.
  const others = V.VDSO_SYMBOLS.filter((s) => s.type !== 'FUNC');
  assert.deepEqual(others.map((s) => [s.name, s.type, s.section]), [['LINUX_4.15', 'OBJECT', 'ABS']]);
});

test('the committed vdso.so is an RV64 ELF shared object matching the table', () => {
  const img = readGuestImage('vdso.so');
  assert.deepEqual([...img.subarray(0, 4)], ELF_MAGIC);
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  assert.equal(img[4], 2, 'ELFCLASS64');
  assert.equal(dv.getUint16(16, true), 3, 'ET_DYN');
  assert.equal(dv.getUint16(18, true), EM_RISCV);
  assert.equal(img.length, V.VDSO_IMAGE_SIZE);
  assert.equal(V.VDSO_IMAGE_PAGES, Math.ceil(img.length / D.PAGE_SIZE));
  assert.equal(createHash('sha256').update(img).digest('hex'), V.VDSO_IMAGE_SHA256,
    'vdso.so does not match vdsoSymbols.generated.ts: run npm run build:guest');
  // The function bytes sit where the table says: rt_sigreturn is `li a7,139; ecall`.
  const o = V.VDSO_OFFSETS.__vdso_rt_sigreturn;
  assert.equal(dv.getUint32(o, true), 0x08b00893); // addi a7, zero, 139
  assert.equal(dv.getUint32(o + 4, true), 0x00000073); // ecall
  // vdso.so.dbg is the same image with its debug sections kept: bigger, same ELF header class/machine.
  const dbg = readGuestImage('vdso.so.dbg');
  assert.deepEqual([...dbg.subarray(0, 4)], ELF_MAGIC);
  assert.ok(dbg.length > img.length);
});

test('the kernel entry table has handle_exception and ret_from_exception at the link base', () => {
  const sym = (n: string) => K.ENTRY_SYMBOLS.find((s) => s.name === n);
  const he = sym('handle_exception');
  const rfe = sym('ret_from_exception');
  assert.ok(he && rfe);
  assert.equal(he.type, 'FUNC');
  assert.equal(rfe.type, 'FUNC');
  assert.ok(he.size > 0 && rfe.size > 0);
  assert.equal(K.ENTRY_LINK_BASE, 0xffffffff80000000n);
  assert.equal(he.address, K.ENTRY_LINK_BASE);
  assert.equal(K.ENTRY_ELF_ENTRY, he.address);
  assert.equal(he.address % 4n, 0n, 'stvec needs 4-byte alignment');
  for (const n of ['restore_all', 'resume_userspace', 'resume_kernel', '_save_context', 'init_task', 'init_stack', 'init_stack_top']) {
    assert.ok(sym(n), `missing ${n}`);
  }
  assert.equal(sym('init_stack_top')!.address - sym('init_stack')!.address, BigInt(K.INIT_STACK_SIZE));
  assert.equal(K.VLAB_SBI_EXT, 0x564c4142);
  assert.equal(Buffer.from('VLAB').readUInt32BE(0), K.VLAB_SBI_EXT);
  const elf = readGuestImage('entry.elf');
  assert.deepEqual([...elf.subarray(0, 4)], ELF_MAGIC);
});

test('pt_regs offsets follow Linux riscv order, 8 bytes apart', () => {
  const order = ['EPC', 'RA', 'SP', 'GP', 'TP', 'T0', 'T1', 'T2', 'S0', 'S1', 'A0', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7',
    'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10', 'S11', 'T3', 'T4', 'T5', 'T6', 'STATUS', 'BADADDR', 'CAUSE', 'ORIG_A0'];
  const pt = K.PT_REGS as Record<string, number>;
  order.forEach((n, i) => assert.equal(pt[`PT_${n}`], i * 8, n));
  assert.equal(pt.PT_SIZE, order.length * 8);
  assert.equal(pt.PT_SIZE_ON_STACK % 16, 0);
  assert.equal(K.TASK_BLOCK.TASK_KERNEL_SP, 0);
  assert.equal(K.TASK_BLOCK.TASK_USER_SP, 8);
});

test('data page description: fields tile struct vdso_data, constants agree', () => {
  assert.equal(D.VDSO_BASES, 12);
  assert.equal(D.VDSO_HRES, 0x883);
  assert.equal(D.VDSO_COARSE, 0x60);
  assert.equal(D.VDSO_RAW, 0x10);
  assert.equal(D.LOW_RES_NSEC, 4_000_000);
  assert.equal(D.NR_RISCV_FLUSH_ICACHE, 244 + 15);
  let end = 0;
  for (const f of D.VDSO_DATA_FIELDS) {
    assert.equal(f.offset % Math.max(1, Math.min(8, f.size)), 0, `${f.name} misaligned`);
    assert.ok(f.offset >= end, `${f.name} overlaps`);
    end = f.offset + f.size * f.count;
  }
  assert.equal(end, D.VDSO_DATA_SIZE);
  // The flat description: every scalar of both entries, no overlap, within the used part of the page.
  const fields = [...D.DATAPAGE_FIELDS].sort((a, b) => a.offset - b.offset);
  assert.equal(fields.length, 2 * (10 + 2 * D.VDSO_BASES));
  for (let i = 1; i < fields.length; i++) assert.ok(fields[i - 1].offset + fields[i - 1].size <= fields[i].offset);
  assert.equal(fields[fields.length - 1].offset + fields[fields.length - 1].size, D.VDSO_DATA_ARRAY_SIZE);
  assert.equal(D.DATAPAGE_FIELDS.find((f) => f.name === 'vd[1].basetime[CLOCK_MONOTONIC_RAW].nsec')!.offset,
    D.basetimeOffset(D.CS_RAW, D.CLOCK_MONOTONIC_RAW) + 8);
  assert.equal(D.clockEntry(D.CLOCK_MONOTONIC_RAW), D.CS_RAW);
  assert.equal(D.clockEntry(D.CLOCK_REALTIME_COARSE), D.CS_HRES_COARSE);
  assert.equal(D.clockEntry(D.CLOCK_PROCESS_CPUTIME_ID), -1);
  assert.equal(D.vvarDataPage(0x3fff000000n), 0x3fff000000n - 0x2000n);
  assert.equal(D.vvarTimensPage(0x3fff000000n), 0x3fff000000n - 0x1000n);
  // decodeDataPage reads what a kernel model would write.
  const page = new Uint8Array(D.PAGE_SIZE);
  const dv = new DataView(page.buffer);
  dv.setUint32(D.VDSO_DATA_SEQ, 6, true);
  dv.setInt32(D.VDSO_DATA_TZ_MINUTESWEST, -60, true);
  dv.setBigUint64(D.basetimeOffset(0, D.CLOCK_TAI), 1234n, true);
  const m = D.decodeDataPage(page);
  assert.equal(m.get('vd[0].seq'), 6n);
  assert.equal(m.get('vd[0].tz_minuteswest'), -60n);
  assert.equal(m.get('vd[0].basetime[CLOCK_TAI].sec'), 1234n);
});

test('the committed datapage.generated.h is what datapage.ts generates', () => {
  const committed = readFileSync(join(__dirname, '../../src/guest/vdso/datapage.generated.h'), 'utf8');
  assert.equal(committed, datapageHeader(), 'datapage.generated.h is stale: run npm run gen');
});

test('guestImagePath finds images in the source layout and in a dist/ layout', () => {
  assert.match(guestImagePath('vdso.so'), /src[\\/]guest[\\/]vdso[\\/]build[\\/]vdso\.so$/);
  assert.match(guestImagePath('entry.elf'), /src[\\/]guest[\\/]kernel[\\/]build[\\/]entry\.elf$/);
  const dist = mkdtempSync(join(tmpdir(), 'vlab-dist-'));
  try {
    mkdirSync(join(dist, 'guest'));
    writeFileSync(join(dist, 'guest', 'vdso.so'), Buffer.from([1, 2, 3]));
    assert.equal(guestImagePath('vdso.so', dist), join(dist, 'guest', 'vdso.so'));
    assert.deepEqual([...readGuestImage('vdso.so', dist)], [1, 2, 3]);
    assert.throws(() => guestImagePath('entry.elf', dist), /not found/);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
