// The .debug_info reader on committed GCC 12 output (test/fixtures/linux/build/cvars*: -O2 and -O0 DWARF 5,
// -O2 -gdwarf-4; our vDSO's vdso.so.dbg): units, DIE trees, types as gdb names them, ranges, location lists by
// pc, DWARF expressions, and clear errors for malformed input. test/elf/dwarfInfo.oracle.ts checks every DIE
// against readelf.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfFile, ElfError } from '../../src/elf/elf';
import { DwarfInfo, DW_TAG, DW_AT, type Die } from '../../src/elf/dwarfInfo';
import { typeOf, typeName, sizeOf, strip } from '../../src/elf/dwarfTypes';
import { evaluateLocation } from '../../src/elf/dwarfExpr';

const ROOT = join(__dirname, '..', '..');
const BUILD = join(ROOT, 'test', 'fixtures', 'linux', 'build');
const load = (p: string) => DwarfInfo.fromElf(ElfFile.parse(readFileSync(p)));

function fn(d: DwarfInfo, name: string): Die {
  for (const u of d.compileUnits()) for (const k of u.root.children) if (k.tag === DW_TAG.subprogram && k.name === name && k.has(DW_AT.low_pc)) return k;
  throw new Error(`no function ${name}`);
}
const globalsOf = (d: DwarfInfo) => new Map(d.compileUnits().flatMap((u) => u.root.children.filter((k) => k.tag === DW_TAG.variable && k.name).map((k) => [k.name!, k] as const)));

describe('.debug_info reader', () => {
  for (const [file, version] of [['cvars', 5], ['cvars-O0', 5], ['cvars-dwarf4', 4]] as const) {
    test(`${file}: one compile unit of DWARF ${version}, read lazily`, () => {
      const d = load(join(BUILD, file));
      const cus = d.compileUnits();
      assert.equal(cus.length, 1, 'static glibc brings no DWARF of its own');
      assert.equal(cus[0].version, version);
      assert.equal(cus[0].name, 'src/cvars.c');
      assert.equal(cus[0].dies, undefined, 'no DIE tree before something asks');
      assert.ok(cus[0].root.children.length > 20);
      assert.ok(cus[0].dies!.size > 100);
    });

    test(`${file}: globals' types spelled as gdb spells them`, () => {
      const g = globalsOf(load(join(BUILD, file)));
      const ty = (n: string) => typeName(typeOf(g.get(n)!));
      assert.equal(ty('g_counter'), 'int');
      assert.equal(ty('g_message'), 'const char *');
      assert.equal(ty('g_name'), 'char [16]');
      assert.equal(ty('g_matrix'), 'int [2][3]');
      assert.equal(ty('g_big'), 'unsigned long');
      assert.equal(ty('g_neg'), 's64');
      assert.equal(ty('g_list'), 'struct node *');
      assert.equal(ty('g_op'), 'binop');
      assert.equal(typeName(strip(typeOf(g.get('g_op')!))), 'int (*)(int, int)');
      assert.equal(ty('g_word'), 'union word');
      assert.equal(ty('g_color'), 'enum color');
      assert.equal(ty('g_flag'), '_Bool');
      assert.equal(sizeOf(typeOf(g.get('g_matrix')!)), 24);
      assert.equal(sizeOf(typeOf(g.get('s_nodes')!)), 3 * 48);
    });

    test(`${file}: struct members, bitfields and enumerators`, () => {
      const g = globalsOf(load(join(BUILD, file)));
      const bits = strip(typeOf(g.get('g_bits')!));
      assert.equal(bits.kind, 'struct');
      if (bits.kind !== 'struct') return;
      assert.deepEqual(bits.members().map((m) => [m.name, m.bitOffset, m.bitSize]), [
        ['ready', 0, 1], ['mode', 1, 3], ['delta', 4, 5], ['big', 9, 20], ['tail', undefined, undefined],
      ]);
      const perm = strip(typeOf(g.get('g_perm')!));
      assert.ok(perm.kind === 'enum');
      if (perm.kind === 'enum') assert.deepEqual(perm.values(), [['F_READ', 1n], ['F_WRITE', 2n], ['F_EXEC', 4n]]);
      const node = strip((strip(typeOf(g.get('g_list')!)) as { target: () => import('../../src/elf/dwarfTypes').CType }).target());
      assert.ok(node.kind === 'struct');
      if (node.kind === 'struct') assert.deepEqual(node.members().map((m) => [m.name, m.offset, typeName(m.type)]), [
        ['value', 0, 'int'], ['label', 8, 'const char *'], ['next', 16, 'struct node *'], ['where', 24, 'struct point [2]'],
        ['w', 40, 'union word'], ['c', 44, 'enum color'],
      ]);
    });
  }

  test('-O0: locals of locals_demo in a lexical block, frame base DW_OP_call_frame_cfa, fbreg locations', () => {
    const d = load(join(BUILD, 'cvars-O0'));
    const f = fn(d, 'locals_demo');
    assert.deepEqual([...f.attr(DW_AT.frame_base) as Uint8Array], [0x9c]);
    const vars = f.children.filter((k) => k.tag === DW_TAG.variable).map((k) => k.name);
    assert.deepEqual(vars, ['local_pt', 'ts', 'arr', 'buf', 'col', 'perm', 'w', 'bits', 'bl', 'total']);
    const block = f.children.find((k) => k.tag === DW_TAG.lexical_block)!;
    assert.deepEqual(block.children.map((k) => k.name), ['inner']);
    const loc = block.children[0].attr(DW_AT.location) as Uint8Array;
    assert.equal(loc[0], 0x91, 'DW_OP_fbreg');
    const pieces = evaluateLocation(loc, { readReg: () => undefined, readMem: () => undefined, frameBase: () => 0x1000n });
    assert.equal(pieces[0].loc.kind, 'memory');
    assert.ok(pieces[0].loc.kind === 'memory' && pieces[0].loc.addr < 0x1000n);
    // the scope chain at a pc inside the block
    const [lo] = block.ranges()[0];
    assert.deepEqual(d.scopeChain(lo).map((x) => x.tag), [DW_TAG.subprogram, DW_TAG.lexical_block]);
  });

  for (const file of ['cvars', 'cvars-dwarf4']) {
    test(`${file} (-O2): location lists by pc, inlined scale() with ranges and call line`, () => {
      const d = load(join(BUILD, file));
      const walk = fn(d, 'walk');
      const head = walk.children.find((k) => k.name === 'head')!;
      const list = d.locationList(head, DW_AT.location);
      assert.ok(list && list.length >= 1, 'head has a location list');
      const rs = walk.ranges();
      const hi = rs.reduce((m, [, b]) => (b > m ? b : m), 0n);
      assert.ok(list!.every((e) => e.low < e.high && rs.some(([a, b]) => e.low >= a && e.high <= b)), 'entries lie in the function');
      assert.ok(d.locationAt(head, DW_AT.location, list![0].low) !== undefined);
      assert.equal(d.locationAt(head, DW_AT.location, hi + 0x10000n), undefined, 'outside every entry: optimized out');
      const demo = fn(d, 'locals_demo');
      const inl = demo.children.find((k) => k.tag === DW_TAG.inlined_subroutine)!;
      assert.equal(inl.name, 'scale');
      assert.ok(inl.num(DW_AT.call_line)! > 0n);
      const r = inl.ranges();
      assert.ok(r.length >= 1 && r.every(([a, b]) => b > a));
      const chain = d.scopeChain(r[0][0]);
      assert.deepEqual(chain.map((x) => x.name ?? x.tag), ['locals_demo', 'scale', ...chain.slice(2).map((x) => x.name ?? x.tag)]);
    });
  }

  test('the vDSO: __vdso_clock_gettime has clock and ts; struct vdso_data as the DWARF lays it out', () => {
    const d = load(join(ROOT, 'src', 'guest', 'vdso', 'build', 'vdso.so.dbg'));
    const f = fn(d, '__vdso_clock_gettime');
    const params = f.children.filter((k) => k.tag === DW_TAG.formal_parameter);
    assert.deepEqual(params.map((p) => [p.name, typeName(typeOf(p))]), [['clock', 'int'], ['ts', 'struct vlab_timespec *']]);
    const vd = d.findType(undefined, 'vdso_data', DW_TAG.structure_type)!;
    const t = strip(typeOf({ ref: () => vd } as unknown as Die));
    assert.equal(t.kind, 'struct');
    if (t.kind === 'struct') {
      assert.equal(t.size, 240);
      assert.deepEqual(t.members().slice(0, 2).map((m) => [m.name, m.offset]), [['seq', 0], ['clock_mode', 4]]);
    }
  });

  test('DWARF expressions: registers, pieces, stack values, implicit values, entry values without a caller', () => {
    const ctx = { readReg: (n: number) => (n === 10 ? 5n : n === 2 ? 0x3ff000n : undefined), readMem: () => undefined };
    assert.deepEqual(evaluateLocation(Uint8Array.of(0x5a), ctx), [{ loc: { kind: 'register', reg: 10 } }]);
    assert.deepEqual(evaluateLocation(Uint8Array.of(0x72, 0x10), ctx), [{ loc: { kind: 'memory', addr: 0x3ff010n } }]); // breg2 +16
    assert.deepEqual(evaluateLocation(Uint8Array.of(0x7a, 0x01, 0x9f), ctx), [{ loc: { kind: 'value', value: 6n } }]); // breg10+1, stack_value
    assert.deepEqual(evaluateLocation(Uint8Array.of(0x5a, 0x93, 0x04, 0x5b, 0x93, 0x04), ctx), [
      { loc: { kind: 'register', reg: 10 }, bits: 32, offsetBits: undefined }, { loc: { kind: 'register', reg: 11 }, bits: 32, offsetBits: undefined },
    ]);
    assert.deepEqual(evaluateLocation(Uint8Array.of(0x9e, 0x02, 0x34, 0x12), ctx), [{ loc: { kind: 'bytes', bytes: Uint8Array.of(0x34, 0x12) } }]);
    assert.deepEqual(evaluateLocation(Uint8Array.of(0xa3, 0x01, 0x5a, 0x9f), ctx), [{ loc: { kind: 'optimized' } }]);
    assert.deepEqual(evaluateLocation(Uint8Array.of(0x7b, 0x00), ctx), [{ loc: { kind: 'optimized' } }], 'a register the frame does not know');
    assert.deepEqual(evaluateLocation(Uint8Array.of(), ctx), [{ loc: { kind: 'optimized' } }]);
    assert.throws(() => evaluateLocation(Uint8Array.of(0xff), ctx), (e: Error) => e instanceof ElfError && /unsupported DW_OP 0xff/.test(e.message));
    assert.throws(() => evaluateLocation(Uint8Array.of(0x22), ctx), (e: Error) => e instanceof ElfError && /stack underflow/.test(e.message));
  });

  test('seeded random byte flips in every DWARF section: ElfError or a result, never another exception', () => {
    const elf = ElfFile.parse(readFileSync(join(BUILD, 'cvars')));
    const names = ['info', 'abbrev', 'str', 'line_str', 'loclists', 'rnglists'] as const;
    const base = Object.fromEntries(names.map((n) => [n, elf.sectionBytes(`.debug_${n}`)!]));
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    for (let round = 0; round < 150; round++) {
      const secs = Object.fromEntries(names.map((n) => [n, Uint8Array.from(base[n])]));
      const target = secs[names[Math.floor(rnd() * names.length)]];
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) target[Math.floor(rnd() * target.length)] = Math.floor(rnd() * 256);
      try {
        const d = new DwarfInfo(secs);
        for (const u of d.units) {
          const walk = (x: Die, depth: number): void => {
            if (depth > 40) return;
            void x.name; x.ranges();
            for (const a of [DW_AT.location, DW_AT.frame_base]) if (x.has(a)) { const l = d.locationList(x, a); if (!l) { const e = x.attr(a); if (e instanceof Uint8Array) try { evaluateLocation(e, { readReg: () => 0n, readMem: () => 0n, frameBase: () => 0n, cfa: () => 0n }); } catch (err) { if (!(err instanceof ElfError)) throw err; } } }
            if (x.has(DW_AT.type)) { const t = typeOf(x); typeName(t); sizeOf(t); const st = strip(t); if (st.kind === 'struct' || st.kind === 'union') st.members(); }
            for (const k of x.children) walk(k, depth + 1);
          };
          walk(u.root, 0);
        }
        d.scopeChain(0x10700n);
      } catch (e) {
        assert.ok(e instanceof ElfError, `round ${round}: ${(e as Error).stack}`);
      }
    }
  });

  test('malformed input: truncated units, bad abbreviation codes and missing sections are clear ElfErrors', () => {
    const elf = ElfFile.parse(readFileSync(join(BUILD, 'cvars-O0')));
    const info = elf.sectionBytes('.debug_info')!;
    const abbrev = elf.sectionBytes('.debug_abbrev')!;
    const str = elf.sectionBytes('.debug_str');
    const line_str = elf.sectionBytes('.debug_line_str');
    assert.throws(() => new DwarfInfo({ info: info.subarray(0, 20), abbrev }), (e: Error) => e instanceof ElfError && /unit_length .* runs past the end/.test(e.message));
    const bad = Uint8Array.from(info);
    bad[12] = 0x7f; // the unit DIE's abbreviation code
    assert.throws(() => new DwarfInfo({ info: bad, abbrev, str, line_str }).units[0].root, (e: Error) => e instanceof ElfError && /abbrev code 127 not in the unit's abbreviation table/.test(e.message));
    assert.throws(() => new DwarfInfo({ info, str, line_str }).units[0].root, (e: Error) => e instanceof ElfError && /without .debug_abbrev/.test(e.message));
    const v9 = Uint8Array.from(info);
    v9[4] = 9;
    assert.throws(() => new DwarfInfo({ info: v9, abbrev }), (e: Error) => e instanceof ElfError && /unsupported DWARF version 9/.test(e.message));
    // every prefix of the section either parses or fails with an ElfError: never a host exception
    for (let n = 0; n < 400; n += 7) {
      try { const d = new DwarfInfo({ info: info.subarray(0, n), abbrev, str, line_str }); for (const u of d.units) void u.root; } catch (e) { assert.ok(e instanceof ElfError, String(e)); }
    }
  });
});
