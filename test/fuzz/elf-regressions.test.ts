// Regression tests of issue 18 on ELF input: files that are not regular files are refused by type, corrupt
// tables give ElfError messages naming what is wrong (never Node's buffer errors), and a program with
// 65,534 PT_LOAD segments is refused up front (Linux's 64 KiB program header table) instead of loading for minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { ElfFile, SHT } from '../../src/elf/elf';
import { launch } from '../../src/kernel/process';
import { DebugModule } from '../../src/debug/modules';
import { withManyLoads } from './lib/elfCraft';
import { MAX_ELF_SECTIONS } from '../../src/elf/limits';
import { HELLO } from './lib/elfTargets';

const dir = mkdtempSync(join(tmpdir(), 'rvl-elf-'));
const hello = readFileSync(HELLO);
const quiet = { onStdout: () => {}, onStderr: () => {}, onWarning: () => {} };

test('65,534 PT_LOAD segments: exec refuses the 3.5 MiB program header table at once (Linux: at most 64 KiB)', () => {
  const path = join(dir, 'many');
  writeFileSync(path, withManyLoads(hello, 65_534));
  assert.throws(() => launch({ program: path, ...quiet }),
    { message: `${path}: 65534 program headers (3669904 bytes): Linux loads at most 65536 bytes of them (1170 entries)` });
  // 1,170 entries are still a program: it loads (and the extra one-page segments do no harm)
  writeFileSync(path, withManyLoads(hello, 1170));
  const p = launch({ program: path, disableRandomization: true, seed: 1, ...quiet });
  assert.equal(p.mappings().filter((m) => m.path.endsWith('/many')).length >= 1000, true);
});

test('a corrupt .strtab gives an ElfError naming the section, not Node\'s "offset is outside of buffer bounds"', () => {
  const bad = new Uint8Array(hello);
  const elf = ElfFile.parse(bad);
  const symtab = elf.sections.find((s) => s.type === SHT.SYMTAB)!;
  const strtab = elf.sections[symtab.link];
  // point .strtab's sh_offset past the end of the file
  const dv = new DataView(bad.buffer, bad.byteOffset, bad.byteLength);
  dv.setBigUint64(Number(elf.header.shoff) + strtab.index * 64 + 24, BigInt(bad.length + 4096), true);
  const broken = ElfFile.parse(bad);
  assert.throws(() => broken.symbols(), { name: 'ElfError' });
  const m = new DebugModule('hello', 'program', broken, 0n, 0n, 0x100000n, HELLO);
  assert.throws(() => m.lookup('main'), (e: Error) => e.name === 'ElfError' && /section \d+ \(\.strtab\) contents: range offset 0x[0-9a-f]+ size 0x[0-9a-f]+ extends past end of file/.test(e.message));
});

test('not regular files are refused by type: /dev/zero as the program or the vDSO, a FIFO, a directory', () => {
  assert.throws(() => launch({ program: '/dev/zero', ...quiet }), { message: '/dev/zero: not a regular file' });
  assert.throws(() => launch({ program: HELLO, vdso: '/dev/zero', ...quiet }), { message: 'vDSO /dev/zero: not a regular file' });
  assert.throws(() => launch({ program: dir, ...quiet }), { message: `${dir}: not a regular file` });
  const fifo = join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  assert.throws(() => launch({ program: fifo, ...quiet }), { message: `${fifo}: not a regular file` });
  assert.throws(() => launch({ program: HELLO, vdso: fifo, ...quiet }), { message: `vDSO ${fifo}: not a regular file` });
});

test('a section header table of 10^6 entries is refused at once with the bound (it took 7.7 s and 420 MB to read)', () => {
  // hello with its section headers moved to the end and grown with empty entries (extended numbering: e_shnum 0)
  const dv0 = new DataView(hello.buffer, hello.byteOffset, hello.byteLength);
  const shoff = Number(dv0.getBigUint64(40, true)), shnum = dv0.getUint16(60, true);
  const grown = (n: number): Uint8Array => {
    const start = Math.ceil(hello.length / 8) * 8;
    const out = new Uint8Array(start + n * 64);
    out.set(hello);
    out.set(hello.subarray(shoff, shoff + shnum * 64), start);
    const dv = new DataView(out.buffer);
    for (let i = shnum; i < n; i++) dv.setUint32(start + i * 64 + 4, 1, true); // SHT_PROGBITS, empty
    dv.setBigUint64(40, BigInt(start), true);
    dv.setUint16(60, 0, true);
    dv.setBigUint64(start + 32, BigInt(n), true); // section 0's sh_size holds the count
    return out;
  };
  assert.throws(() => ElfFile.parse(grown(1_000_000)).sections,
    { name: 'ElfError', message: `section header table: 1000000 sections; at most ${MAX_ELF_SECTIONS} are read (docs/limits.md)` });
  // at the bound the file still reads, with its symbols
  const ok = ElfFile.parse(grown(MAX_ELF_SECTIONS));
  assert.equal(ok.sections.length, MAX_ELF_SECTIONS);
  assert.ok(ok.symbols().some((s) => s.name === 'main'));
});

test('the command line refuses inputs that are not regular files by type (disasm and vdso of /dev/zero read without end)', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });
  for (const [args, message] of [
    [['disasm', '/dev/zero'], 'riscv-vdso: disasm: /dev/zero: not a regular file'],
    [['vdso', '/dev/zero'], 'riscv-vdso: vdso: /dev/zero: not a regular file'],
    [['vdso', dir], `riscv-vdso: vdso: ${dir}: not a regular file`],
    [['disasm', join(dir, 'missing')], `riscv-vdso: disasm: ${join(dir, 'missing')}: no such file`],
    [['run', '--bare', '/dev/zero'], 'riscv-vdso: /dev/zero: not a regular file'],
  ] as const) {
    const r = cli(...args);
    assert.equal(r.error, undefined, `${args.join(' ')}: ${r.error}`);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim(), message);
  }
});
