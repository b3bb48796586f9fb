// Oracle checks of the guest build with the riscv64-linux-gnu toolchain: the committed images are exactly
// what scripts/build-guest.sh produces, objdump -T agrees with the seed's listing, and the C compiler's
// offsetof agrees with src/kernel/vdso/datapage.ts for every field of the data page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as D from '../../src/kernel/vdso/datapage';

const ROOT = join(__dirname, '..', '..');
const CROSS = process.env.CROSS ?? 'riscv64-linux-gnu-';

function files(dir: string): string[] {
  const out: string[] = [];
  (function walk(d: string) {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  })(dir);
  return out.sort();
}

test('committed guest images and generated files are up to date', () => {
  const out = mkdtempSync(join(tmpdir(), 'vlab-guest-'));
  try {
    execFileSync('bash', [join(ROOT, 'scripts', 'build-guest.sh'), out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const built = files(out);
    for (const want of ['src/guest/vdso/build/vdso.so', 'src/guest/vdso/build/vdso.so.dbg', 'src/guest/kernel/build/entry.elf',
      'src/guest/vdso/vdsoSymbols.generated.ts', 'src/guest/kernel/entrySymbols.generated.ts', 'src/guest/vdso/datapage.generated.h']) {
      assert.ok(built.includes(want), `build-guest.sh did not write ${want}`);
    }
    const stale = built.filter((f) => {
      let committed: Buffer;
      try { committed = readFileSync(join(ROOT, f)); } catch { return true; }
      return !committed.equals(readFileSync(join(out, f)));
    });
    assert.deepEqual(stale, [], `committed guest images are stale: run npm run build:guest (${stale.join(', ')})`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('objdump -T of vdso.so shows the six functions and the LINUX_4.15 version symbol', () => {
  const text = execFileSync(`${CROSS}objdump`, ['-T', join(ROOT, 'src/guest/vdso/build/vdso.so')], { encoding: 'utf8' });
  // 0000000000000a64 g    DF .text  000000000000018a  LINUX_4.15  __vdso_gettimeofday
  const rows = new Map<string, { flags: string; section: string; size: number; version: string }>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{16}) (.{7}) (\S+)\s+([0-9a-f]{16})\s+(\S+)\s+(\S+)$/.exec(line);
    if (m && m[2].startsWith('g')) rows.set(m[6], { flags: m[2].replace(/\s+/g, ' ').trim(), section: m[3], size: parseInt(m[4], 16), version: m[5] });
  }
  const funcs = ['__vdso_gettimeofday', '__vdso_clock_getres', '__vdso_rt_sigreturn', '__vdso_clock_gettime', '__vdso_flush_icache', '__vdso_getcpu'];
  assert.deepEqual([...rows.keys()].sort(), [...funcs, 'LINUX_4.15'].sort(), text);
  for (const f of funcs) {
    assert.deepEqual({ ...rows.get(f)!, size: rows.get(f)!.size > 0 }, { flags: 'g DF', section: '.text', size: true, version: 'LINUX_4.15' }, f);
  }
  assert.deepEqual(rows.get('LINUX_4.15'), { flags: 'g DO', section: '*ABS*', size: 0, version: 'LINUX_4.15' });
  assert.equal(rows.get('__vdso_rt_sigreturn')!.size, 8);
  assert.equal(rows.get('__vdso_getcpu')!.size, 10);
  assert.equal(rows.get('__vdso_flush_icache')!.size, 10);
  // And the rest of the image is as Linux builds it: soname, one PT_LOAD, the Linux note, no relocations.
  const so = join(ROOT, 'src/guest/vdso/build/vdso.so');
  const re = execFileSync(`${CROSS}readelf`, ['-W', '-d', '-l', '-n', '-r', so], { encoding: 'utf8' });
  assert.match(re, /Library soname: \[linux-vdso\.so\.1\]/);
  assert.equal(re.split('\n').filter((l) => /^\s+LOAD\s/.test(l)).length, 1);
  assert.match(re, /Linux\s+0x00000004\s+(Unknown note type: \(0x00000000\)|NT_VERSION)[^\n]*\n\s*(description data: 00 01 06 00|version: 393472)?/);
  assert.doesNotMatch(re, /^Relocation section/m);
  assert.match(re, /GNU_EH_FRAME/);
});

test('offsetof in the generated C struct equals datapage.ts for every field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlab-offsetof-'));
  try {
    // Each designator is valid C: the header defines CLOCK_* as macros.
    const items: { label: string; expr: string; want: number }[] = [];
    D.DATAPAGE_FIELDS.forEach((f, i) => {
      items.push({ label: `off_${i}`, expr: `__builtin_offsetof(struct vlab_page, ${f.name})`, want: f.offset });
      items.push({ label: `size_${i}`, expr: `sizeof(((struct vlab_page *)0)->${f.name})`, want: f.size });
    });
    for (const f of D.VDSO_DATA_FIELDS) {
      items.push({ label: `member_${f.name}`, expr: `__builtin_offsetof(struct vdso_data, ${f.name})`, want: f.offset });
      if (f.alias) items.push({ label: `member_${f.alias}`, expr: `__builtin_offsetof(struct vdso_data, ${f.alias})`, want: f.offset });
    }
    const consts: [string, number][] = [
      ['sizeof(struct vdso_data)', D.VDSO_DATA_SIZE], ['sizeof(struct vlab_page)', D.VDSO_DATA_ARRAY_SIZE],
      ['sizeof(struct vdso_timestamp)', D.VDSO_TIMESTAMP_SIZE], ['VDSO_BASES', D.VDSO_BASES], ['CS_RAW', D.CS_RAW],
      ['VDSO_HRES', D.VDSO_HRES], ['VDSO_COARSE', D.VDSO_COARSE], ['VDSO_RAW', D.VDSO_RAW], ['LOW_RES_NSEC', D.LOW_RES_NSEC],
      ['VDSO_CLOCKMODE_ARCHTIMER', D.VDSO_CLOCKMODE_ARCHTIMER], ['PAGE_SIZE', D.PAGE_SIZE],
    ];
    consts.forEach(([e, v], i) => items.push({ label: `const_${i}`, expr: `(${e})`, want: v }));
    const c = [
      '#include "datapage.generated.h"',
      'struct vlab_page { struct vdso_data vd[CS_BASES]; };',
      ...items.map((it) => `const unsigned long ${it.label} = ${it.expr};`),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'offsets.c'), c);
    execFileSync(`${CROSS}gcc`, ['-march=rv64gc', '-mabi=lp64d', '-O2', '-S', '-I', join(ROOT, 'src/guest/vdso'), '-o', join(dir, 'offsets.s'), join(dir, 'offsets.c')]);
    const asm = readFileSync(join(dir, 'offsets.s'), 'utf8');
    const got = new Map<string, number>();
    // `x: .dword N`, or `x: .zero 8` for a zero value.
    for (const m of asm.matchAll(/^(\w+):\s*\n\s*\.(dword\s+(-?\d+)|zero\s+8)\s*$/gm)) got.set(m[1], m[3] === undefined ? 0 : Number(m[3]));
    for (const it of items) {
      assert.equal(got.get(it.label), it.want, `${it.expr}: compiler says ${got.get(it.label)}, datapage.ts says ${it.want}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
