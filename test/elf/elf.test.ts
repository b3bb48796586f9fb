// Unit tests for src/elf on the committed fixtures (test/fixtures/elf/build, see build.sh).
// Expected values were recorded from riscv64-linux-gnu-readelf / objdump on those binaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfError, ElfFile, PT, SHN, STB, STT, objdumpVersionString } from '../../src/elf/elf';
import { SymbolIndex } from '../../src/elf/symbols';
import { LineIndex } from '../../src/elf/dwarfLine';
import { CfiTable, evalDwarfExpr, formatCfa, formatRule, parseFrameSection } from '../../src/elf/dwarfCfi';

const dir = join(__dirname, '..', 'fixtures', 'elf', 'build');
const load = (n: string) => new Uint8Array(readFileSync(join(dir, n)));
const bare = new ElfFile(load('bare'));
const bareDw4 = new ElfFile(load('bare-dw4'));
const pie = new ElfFile(load('pie'));
const lib = new ElfFile(load('libfix.so'));

test('file header and program headers of the PIE', () => {
  const h = pie.header;
  assert.equal(h.type, 3);
  assert.equal(h.machine, 243);
  assert.equal(h.entry, 0x800n);
  assert.equal(h.phoff, 64n);
  assert.equal(h.shoff, 10608n);
  assert.equal(h.flags, 5);
  assert.equal(h.phnum, 11);
  assert.equal(h.shnum, 37);
  const types = pie.programHeaders.map((p) => p.type);
  assert.deepEqual(types, [PT.PHDR, PT.INTERP, PT.RISCV_ATTRIBUTES, PT.LOAD, PT.LOAD, PT.DYNAMIC, PT.NOTE, PT.TLS, PT.GNU_EH_FRAME, PT.GNU_STACK, PT.GNU_RELRO]);
  const load2 = pie.programHeaders[4];
  assert.deepEqual([load2.offset, load2.vaddr, load2.filesz, load2.memsz, load2.flags, load2.align], [0xdd4n, 0x1dd4n, 0x2acn, 0x2b4n, 6, 0x1000n]);
  const tls = pie.programHeaders[7];
  assert.deepEqual([tls.vaddr, tls.memsz, tls.align], [0x1dd4n, 4n, 4n]);
  assert.equal(pie.interp, '/lib/ld-linux-riscv64-lp64d.so.1');
  assert.equal(bare.interp, undefined);
});

test('sections, symbols, dynamic section and notes', () => {
  assert.equal(bare.header.entry, 0x101e8n);
  assert.equal(bare.sections.length, 19);
  assert.equal(bare.sections[11].name, '.debug_line');
  const text = pie.section('.text')!;
  assert.deepEqual([text.index, text.addr, text.offset, text.size], [12, 0x800n, 0x800n, 0x1a2n]);
  const syms = new Map(bare.symbols().map((s) => [s.name, s]));
  const fib = syms.get('fib')!;
  assert.deepEqual([fib.value, fib.size, fib.type, fib.bind, fib.shndx], [0x1017cn, 44n, STT.FUNC, STB.GLOBAL, 2]);
  const msg = syms.get('message')!;
  assert.deepEqual([msg.value, msg.size, msg.type, msg.shndx], [0x10228n, 14n, STT.OBJECT, 3]);
  assert.equal(syms.get('counter')!.value, 0x11000n);
  assert.equal(syms.get('sys_call3'), undefined, 'static helper is inlined');
  assert.deepEqual(pie.needed, ['libfix.so.1', 'libc.so.6']);
  assert.equal(lib.soname, 'libfix.so.1');
  assert.deepEqual(lib.needed, ['libc.so.6']);
  assert.equal(pie.buildId, 'e9d42c5da0f4ea99801526ed46a678c23928c5ec');
  assert.deepEqual(pie.notes().map((n) => `${n.name}/${n.type}`), ['GNU/3', 'GNU/1']);
  assert.equal(pie.readVaddr(0x2a8n, 4).length, 4);
  assert.equal(String.fromCharCode(...pie.readVaddr(0x2a8n, 4)), '/lib');
});

test('symbol versions as objdump -T shows them', () => {
  const got = lib.dynamicSymbols().slice(1).map((s) => `${s.name} ${objdumpVersionString(s)}`);
  assert.deepEqual(got, [
    ' ', '_ITM_deregisterTMCloneTable Base', 'strlen (GLIBC_2.27)', '__cxa_finalize (GLIBC_2.27)', '_ITM_registerTMCloneTable Base',
    'fix_len FIX_1.0', 'fix_data FIX_1.0', 'fix_calls FIX_2.0', 'fix_scale (FIX_1.0)', 'fix_scale FIX_2.0', 'FIX_2.0 FIX_2.0',
    'FIX_1.0 FIX_1.0', 'fix_add FIX_1.0',
  ]);
  const { defs, needs } = lib.versions();
  assert.deepEqual(defs.map((d) => [d.ndx, d.flags, d.names]), [[1, 1, ['libfix.so.1']], [2, 0, ['FIX_1.0']], [3, 0, ['FIX_2.0', 'FIX_1.0']]]);
  assert.deepEqual(needs.map((n) => [n.file, n.entries.map((e) => `${e.name}:${e.other}`)]), [['libc.so.6', ['GLIBC_2.27:4']]]);
  const pneeds = pie.versions().needs;
  assert.deepEqual(pneeds.map((n) => n.file), ['libfix.so.1', 'libc.so.6']);
  const scale = pie.dynamicSymbols().find((s) => s.name === 'fix_scale')!;
  assert.deepEqual(scale.version, { index: 5, name: 'FIX_2.0', hidden: false, file: 'libfix.so.1' });
  assert.equal(scale.shndx, SHN.UNDEF);
});

test('symbol index: versioned lookup, sym+off, load bias', () => {
  const idx = SymbolIndex.fromElf(bare);
  assert.equal(idx.lookup('fib')!.address, 0x1017cn);
  assert.equal(idx.describe(0x1017cn)!.text, 'fib');
  assert.equal(idx.describe(0x1017cn + 0x1cn)!.text, 'fib+0x1c');
  assert.equal(idx.describe(0x101e8n + 61n)!.text, '_start+0x3d');
  assert.equal(idx.describe(0x101e8n + 62n), undefined, 'past the end of the last function');
  assert.equal(idx.describe(0x10000n), undefined);
  const bias = 0x3fd0000000n;
  const li = SymbolIndex.fromElf(lib, bias);
  assert.equal(li.lookup('fix_scale')!.address, 0x690n + bias, 'default version');
  assert.equal(li.lookup('fix_scale@FIX_1.0')!.address, 0x67cn + bias);
  assert.equal(li.lookup('fix_scale', 'FIX_2.0')!.address, 0x690n + bias);
  assert.equal(li.lookup('fix_scale@@FIX_3.0'), undefined);
  assert.equal(li.describe(0x66an + bias + 4n)!.text, 'fix_add+0x4');
  assert.equal(li.withBias(0n).describe(0x66an)!.text, 'fix_add');
  assert.ok([...li].some((s) => s.name === 'fix_data' && s.address === 0x2008n + bias));
});

test('.debug_line: DWARF 5 and 4 rows and lookups', () => {
  const l5 = LineIndex.fromElf(bare);
  assert.equal(l5.tables[0].header.version, 5);
  // Rows at 0x101d2: 33 x, 34 x, 6 x (inlined sys_call3), 6: the last is_stmt row wins.
  assert.deepEqual(l5.addressToLine(0x101d3n), { file: './bare.c', line: 6, column: 2, address: 0x101d2n });
  // Rows at 0x101d0: 29 x, 30: the is_stmt one wins over the later non-stmt one.
  assert.equal(l5.addressToLine(0x101d0n)!.line, 29);
  assert.deepEqual(l5.lineToAddresses('bare.c', 27), { line: 27, addresses: [0x101a8n, 0x101c6n] });
  assert.deepEqual(l5.lineToAddresses('./bare.c', 29), { line: 29, addresses: [0x101d0n] });
  // Lines 31 and 32 have no code: the next line with an is_stmt row is used.
  assert.deepEqual(l5.lineToAddresses('bare.c', 31), { line: 33, addresses: [0x101d2n] });
  assert.equal(l5.lineToAddresses('other.c', 27), undefined);
  const l4 = LineIndex.fromElf(bareDw4);
  assert.equal(l4.tables[0].header.version, 4);
  assert.equal(l4.addressToLine(0x10120n)!.line, 18);
  const rows = l4.rows();
  assert.equal(rows.at(-1)!.endSequence, true);
  // With a load bias, addresses shift and lookups follow.
  const lp = LineIndex.fromElf(pie, 0x2aaaa000n);
  assert.equal(lp.addressToLine(0x2aaaa000n + 0x8b8n)!.line, 17);
  assert.equal(lp.files().filter((f) => f.endsWith('stdio.h')).length, 1);
});

test('.eh_frame and .debug_frame rows match readelf -wF', () => {
  const expect = ['sp+0 u u u', 'sp+32 u u u', 'sp+32 c-8 c-16 c-24', 'sp+32 u c-16 c-24', 'sp+32 u u c-24', 'sp+32 u u u', 'sp+0 u u u'];
  for (const [elf, start] of [[bare, 0x1017cn], [bareDw4, 0x10120n]] as const) {
    const t = CfiTable.fromElf(elf);
    const fde = t.findFde(start + 4n)!;
    assert.equal(fde.pcBegin, start);
    const rows = t.rows(fde).map((r) => [formatCfa(r.cfa), ...[1, 8, 9].map((n) => formatRule(r.regs.get(n)))].join(' '));
    assert.deepEqual(rows, expect);
    assert.equal(fde.cie.raReg, 1);
    assert.equal(fde.cie.dataAlign, -4n);
  }
});

test('unwindStep recovers the caller from a synthetic stack', () => {
  const t = CfiTable.fromElf(bare);
  const sp = 0x7ff000n;
  const mem = new Map<bigint, bigint>([[sp + 24n, 0x10210n], [sp + 16n, 0xaaaan], [sp + 8n, 0xbbbbn]]);
  const regs: Record<number, bigint> = { 1: 0x1111n, 2: sp, 8: 0x8888n, 9: 0x9999n };
  const readReg = (n: number) => regs[n] ?? 0n;
  const readMem = (a: bigint) => {
    const v = mem.get(a);
    if (v === undefined) throw new Error(`unmapped ${a.toString(16)}`);
    return v;
  };
  const r = t.unwindStep(0x10190n, readReg, readMem)!;
  assert.equal(r.cfa, sp + 32n);
  assert.equal(r.sp, sp + 32n);
  assert.equal(r.pc, 0x10210n);
  assert.equal(r.regs.get(8), 0xaaaan);
  assert.equal(r.regs.get(9), 0xbbbbn);
  // At the entry of fib nothing is saved yet: ra is still live, CFA = sp.
  const e = t.unwindStep(0x1017cn, readReg, readMem)!;
  assert.equal(e.cfa, sp);
  assert.equal(e.pc, 0x1111n);
  assert.equal(t.unwindStep(0x5000n, readReg, readMem), undefined);
});

// ---- robustness ----

function exercise(bytes: Uint8Array): void {
  const e = new ElfFile(bytes);
  void e.interp;
  e.symbols();
  e.dynamicSymbols();
  e.versions();
  e.dynamic();
  e.notes();
  SymbolIndex.fromElf(e).describe(0x10190n);
  const li = LineIndex.fromElf(e);
  li.addressToLine(0x10190n);
  li.lineToAddresses('bare.c', 20);
  const t = CfiTable.fromElf(e);
  for (const f of t.fdes) t.rows(f);
}

function outcome(bytes: Uint8Array): string {
  try {
    exercise(bytes);
    return 'ok';
  } catch (err) {
    if (err instanceof ElfError) return 'ElfError';
    throw new Error(`non-ElfError exception: ${(err as Error)?.stack ?? err}`);
  }
}

test('truncation at every header, table and section boundary throws ElfError', () => {
  for (const elf of [bare, pie, lib]) {
    const d = elf.data;
    const cuts = new Set<number>([0, 3, 15, 16, 40, 63]);
    const h = elf.header;
    for (let i = 0; i <= h.phnum; i++) cuts.add(Number(h.phoff) + i * h.phentsize - 1);
    for (let i = 0; i < h.shnum; i++) cuts.add(Number(h.shoff) + i * h.shentsize + 20);
    for (const s of elf.sections) if (s.size > 0n && s.type !== 8) {
      cuts.add(Number(s.offset) + 1);
      cuts.add(Number(s.offset + s.size / 2n));
      cuts.add(Number(s.offset + s.size) - 1);
    }
    let errors = 0;
    for (const n of cuts) {
      if (n < 0 || n >= d.length) continue;
      const r = outcome(d.slice(0, n));
      if (r === 'ElfError') errors++;
    }
    // The section header table is at the end, so every cut before it must be rejected.
    assert.equal(errors, [...cuts].filter((n) => n >= 0 && n < d.length).length);
  }
  assert.throws(() => new ElfFile(new Uint8Array(10)), (e: unknown) => e instanceof ElfError && /e_ident/.test((e as Error).message));
  assert.throws(() => new ElfFile(bare.data.slice(0, 40)), /ELF64 header.*offset 0x/);
});

test('error messages say what was read, where and why', () => {
  const d = pie.data.slice();
  // Point the section name table (e_shstrndx) past the end.
  d[0x3e] = 200;
  assert.throws(() => new ElfFile(d), /e_shstrndx 200 out of range \(37 sections\) at offset 0x3e/);
  const d2 = bare.data.slice();
  // .symtab's sh_size is at shoff + 17*64 + 32; make it huge.
  const symtab = bare.section('.symtab')!;
  const v = new DataView(d2.buffer);
  v.setBigUint64(Number(bare.header.shoff) + symtab.index * 64 + 32, 0x100000n, true);
  assert.throws(() => new ElfFile(d2).symbols(), /section \d+ \(\.symtab\) contents: range offset 0x[0-9a-f]+ size 0x100000 extends past end of file/);
});

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('seeded random byte flips give ElfError or a valid result, never another exception', () => {
  const rnd = prng(0x5eed);
  const counts = { ok: 0, ElfError: 0 } as Record<string, number>;
  for (const elf of [bare, bareDw4, pie, lib]) {
    for (let i = 0; i < 150; i++) {
      const d = elf.data.slice();
      const flips = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < flips; k++) {
        // Half the flips hit headers and tables (the first 0x400 bytes or the section headers).
        const r = rnd();
        const pos = r < 0.25 ? Math.floor(rnd() * 0x400) : r < 0.5 ? Number(elf.header.shoff) + Math.floor(rnd() * elf.header.shnum * 64) : Math.floor(rnd() * d.length);
        d[Math.min(pos, d.length - 1)] = Math.floor(rnd() * 256);
      }
      counts[outcome(d)]++;
    }
  }
  assert.equal(counts.ok + counts.ElfError, 600);
  assert.ok(counts.ElfError > 0 && counts.ok > 0, JSON.stringify(counts));
});

test('synthetic .debug_frame: every DW_CFA family, remember/restore, expressions, unwind', () => {
  const u32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
  const u64 = (v: number) => [...u32(v), 0, 0, 0, 0];
  const cieBody = [...u32(0xffffffff), 3, 0, 1, 0x7c, 1, 0x0c, 0x02, 0x00];
  const ins = [
    0x41, 0x0e, 0x20, 0x81, 0x02, 0x0a, // adv 1; def_cfa_offset 32; offset r1 c-8; remember
    0x42, 0x14, 0x08, 0x04, 0x09, 0x09, 0x0a, 0x07, 0x12, 0x08, 0x13, 0x10, 0x14, 0x02, 0x72, 0x08, 0x2e, 0x10,
    0x03, 0x10, 0x00, 0x0b, 0xc1, // adv2 16; restore_state; restore r1
    0x02, 0x05, 0x0f, 0x05, 0x72, 0x10, 0x06, 0x23, 0x08, 0x16, 0x08, 0x02, 0x31, 0x22,
    0x04, ...u32(4), 0x12, 0x08, 0x7e, 0x11, 0x01, 0x7e, 0x2f, 0x09, 0x02, 0x05, 0x12, 0x03, 0x15, 0x13, 0x7f, 0x0d, 0x02, 0x13, 0x7c, 0x06, 0x12,
  ];
  const fdeBody = [...u32(0), ...u64(0x1000), ...u64(0x100), ...ins];
  const data = new Uint8Array([...u32(cieBody.length), ...cieBody, ...u32(fdeBody.length), ...fdeBody]);
  const t = new CfiTable([parseFrameSection({ data, isEh: false, address: 0n })]);
  assert.equal(t.fdes.length, 1);
  const rows = t.rows(t.fdes[0]).map((r) => `${r.loc.toString(16)} ${formatCfa(r.cfa)} ${[...r.regs].sort((a, b) => a[0] - b[0]).map(([n, x]) => `${n}=${formatRule(x)}`).join(',')} ${r.argsSize}`);
  assert.deepEqual(rows, [
    '1000 sp+0  0',
    '1001 sp+32 1=c-8 0',
    '1003 sp+32 1=c-8,8=v-16,9=r10 (a0),18=u,19=s,20=exp 16',
    '1013 sp+32  16',
    '1018 exp 8=vexp 16',
    '101c sp+16 1=c+8,8=vexp,9=c+8,19=v+4 16',
  ]);
  const mem = new Map<bigint, bigint>([[0x8018n, 0x4444n], [0x8008n, 0x2020n], [0x8010n, 0x9000n]]);
  const regs: Record<number, bigint> = { 1: 0x1111n, 2: 0x8000n, 10: 0xa0n, 19: 0x19n };
  const rr = (n: number) => regs[n] ?? 0n;
  const rm = (a: bigint) => mem.get(a) ?? 0n;
  const a = t.unwindStep(0x1005n, rr, rm)!;
  assert.deepEqual([a.cfa, a.pc, a.regs.get(8), a.regs.get(9), a.regs.get(18), a.regs.get(19), a.regs.get(20)], [0x8020n, 0x4444n, 0x8010n, 0xa0n, undefined, 0x19n, 0x2020n]);
  const b = t.unwindStep(0x1019n, rr, rm)!;
  assert.deepEqual([b.cfa, b.pc, b.regs.get(8)], [0x9008n, 0x1111n, 0x9009n]);
  // Truncated instruction streams and bad state stacks are ElfErrors.
  const bad = new Uint8Array([...u32(cieBody.length), ...cieBody, ...u32(fdeBody.length - ins.length + 1), ...fdeBody.slice(0, fdeBody.length - ins.length), 0x0b]);
  const tb = new CfiTable([parseFrameSection({ data: bad, isEh: false, address: 0n })]);
  assert.throws(() => tb.rows(tb.fdes[0]), (e: unknown) => e instanceof ElfError && /restore_state with empty stack/.test((e as Error).message));
});

test('DWARF expression evaluator: arithmetic, stack ops, branches', () => {
  const ctx = { readReg: (n: number) => BigInt(n) * 0x100n, readMem64: (a: bigint) => a + 1n };
  const ev = (b: number[], st: bigint[] = []) => evalDwarfExpr(new Uint8Array(b), ctx, st);
  assert.equal(ev([0x35, 0x33, 0x1c]), 2n); // lit5 lit3 minus
  assert.equal(ev([0x11, 0x7f, 0x19]), 1n); // consts -1 abs
  assert.equal(ev([0x32, 0x33, 0x16, 0x1c]), 1n); // lit2 lit3 swap minus = 3-2
  assert.equal(ev([0x72, 0x10, 0x06]), 0x211n); // breg2+16, deref (mem = a+1)
  assert.equal(ev([0x92, 0x05, 0x01]), 0x501n); // bregx r5 +1
  assert.equal(ev([0x30, 0x28, 0x02, 0x00, 0x3a, 0x2f, 0x01, 0x00, 0x3b]), 10n); // lit0 bra(not taken) lit10 skip+1 (over lit11)
  assert.equal(ev([0x31, 0x28, 0x01, 0x00, 0x3a, 0x3b]), 11n); // lit1 bra taken over lit10
  assert.equal(ev([0x38, 0x33, 0x1b]), 2n); // 8/3
  assert.equal(ev([0x12, 0x22], [7n]), 14n); // dup plus on the initial stack
  assert.throws(() => ev([0x22]), ElfError);
  assert.throws(() => ev([0x2f, 0xfd, 0xff]), /did not terminate/); // skip -3: loops forever
  assert.throws(() => ev([0xe0]), /unsupported DW_OP 0xe0/);
});
