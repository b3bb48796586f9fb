// The .debug_info reader against readelf --debug-dump=info on real GCC 12 output: every DIE's offset, depth and
// tag, its attribute count, and the values of DW_AT_name, DW_AT_decl_line, DW_AT_byte_size and DW_AT_low_pc.
// Objects: cvars (-O2/-O0 DWARF 5, -O2 DWARF 4; static and dynamic) and our vDSO's vdso.so.dbg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ElfFile } from '../../src/elf/elf';
import { DwarfInfo, DW_TAG, DW_AT, type Die } from '../../src/elf/dwarfInfo';

const ROOT = join(__dirname, '..', '..');
const FIX = join(ROOT, 'test', 'fixtures', 'linux');
const TAG_NAMES = new Map<number, string>(Object.entries(DW_TAG).map(([k, v]) => [v, `DW_TAG_${k}`]));

interface RDie { depth: number; offset: number; tag: string; attrs: Map<string, string>; count: number }

function readelfDies(file: string): RDie[] {
  const r = spawnSync('readelf', ['--debug-dump=info', '-W', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`readelf failed: ${r.stderr}`);
  const out: RDie[] = [];
  let cur: RDie | undefined;
  for (const line of r.stdout.split('\n')) {
    const d = /^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((\S+)\))?/.exec(line);
    if (d) {
      cur = undefined;
      if (d[3] === '0') continue; // end of siblings
      cur = { depth: Number(d[1]), offset: parseInt(d[2], 16), tag: d[4] ?? '', attrs: new Map(), count: 0 };
      out.push(cur);
      continue;
    }
    const a = /^\s*<[0-9a-f]+>\s+(DW_AT_\w+|Unknown AT value: \w+)\s*:\s?(.*)$/.exec(line);
    if (a && cur) {
      cur.count++;
      // '(form) (offset: 0x3): text', '(indirect string, offset: 0x9c): text', '(data1) 29\t(C11)'
      let v = a[2].trim().replace(/^\([\w_]+\)\s*/, '');
      const ind = /^\((?:indirect[^)]*|indexed string[^)]*|offset: [^)]*)\): (.*)$/.exec(v);
      if (ind) v = ind[1];
      v = v.split('\t')[0].trim();
      cur.attrs.set(a[1], v);
    }
  }
  return out;
}

function ourDies(file: string): { depth: number; die: Die }[] {
  const d = DwarfInfo.fromElf(ElfFile.parse(readFileSync(file)));
  const out: { depth: number; die: Die }[] = [];
  for (const u of d.units) {
    const walk = (x: Die, depth: number) => { out.push({ depth, die: x }); for (const k of x.children) walk(k, depth + 1); };
    walk(u.root, 0);
  }
  return out;
}

const files = (): string[] => {
  const b = spawnSync('bash', [join(FIX, 'build.sh'), '--dynamic'], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build.sh --dynamic: ${b.stderr}`);
  return [
    join(FIX, 'build', 'cvars'), join(FIX, 'build', 'cvars-O0'), join(FIX, 'build', 'cvars-dwarf4'),
    join(FIX, 'build', 'dynamic', 'cvars'), join(FIX, 'build', 'dynamic', 'cvars-O0'),
    join(ROOT, 'src', 'guest', 'vdso', 'build', 'vdso.so.dbg'),
  ].filter(existsSync);
};

for (const file of files()) {
  test(`${file.slice(ROOT.length + 1)}: every DIE as readelf --debug-dump=info shows it`, () => {
    const theirs = readelfDies(file);
    const ours = ourDies(file);
    assert.equal(ours.length, theirs.length, 'DIE count');
    let checked = 0;
    for (let i = 0; i < ours.length; i++) {
      const o = ours[i], t = theirs[i];
      const where = `DIE <${t.depth}><${t.offset.toString(16)}>`;
      assert.equal(o.die.offset, t.offset, `${where}: offset`);
      assert.equal(o.depth, t.depth, `${where}: depth`);
      const name = TAG_NAMES.get(o.die.tag);
      if (name) assert.equal(name, t.tag, `${where}: tag`);
      assert.equal(o.die.raw.length, t.count, `${where}: attribute count`);
      const nm = t.attrs.get('DW_AT_name');
      if (nm !== undefined) { assert.equal(o.die.str(DW_AT.name), nm, `${where}: DW_AT_name`); checked++; }
      const line = t.attrs.get('DW_AT_decl_line');
      if (line !== undefined) { assert.equal(String(o.die.num(DW_AT.decl_line)), line, `${where}: DW_AT_decl_line`); checked++; }
      const size = t.attrs.get('DW_AT_byte_size');
      if (size !== undefined && /^\d+$/.test(size)) { assert.equal(String(o.die.num(DW_AT.byte_size)), size, `${where}: DW_AT_byte_size`); checked++; }
      const low = t.attrs.get('DW_AT_low_pc');
      if (low !== undefined && /^0x[0-9a-f]+$/.test(low)) { assert.equal(o.die.num(DW_AT.low_pc), BigInt(low), `${where}: DW_AT_low_pc`); checked++; }
    }
    console.log(`# ${file.slice(ROOT.length + 1)}: ${ours.length} DIEs, ${checked} attribute values agree with readelf`);
  });
}
