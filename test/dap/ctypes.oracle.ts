// gdb as the judge of the C type classes cvars.c leaves out (ctypes.c): long double, __int128, _Complex,
// volatile/restrict, anonymous members, pointers to pointers, arrays of pointers and structs, wchar_t, a struct
// returned by value, negative enumerators, unions of structs; -O0 and -O2, static and dynamic. Same machinery
// as cvars.oracle.ts (gdbOracle.ts): bt, info args, info locals of every frame and print EXPR, value by value.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { ourStops, gdbStops, compare, type Marker } from './gdbOracle';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'linux');
const SOURCE = join(FIXTURES, 'src', 'ctypes.c');
const SYSROOT = '/usr/riscv64-linux-gnu';

const MARKERS: Marker[] = [
  { marker: 'BP_restrict', exprs: ['a', 'b', 'a[1] * b[1]', '*a', 'n', 't', 'sizeof(a)'] },
  {
    marker: 'BP_types', exprs: [
      'g_ld', 'g_ld * 2', 'sizeof(g_ld)', 'g_i128', 'g_u128', 'sizeof(g_i128)', 'g_cplx', 'g_fcplx', 'g_vol', 'g_cvol', 'g_vol + 1',
      'g_arr2', 'g_arr2[1]', 'g_arr2[1][2]', 'g_words', 'g_words[1]', '*g_words[0]', 'g_wide', 'g_wide[1]', 'g_outer', 'g_outer.lo',
      'g_outer.hi', 'g_outer.both', 'g_outer.pos', 'g_outer.pos.y', 'g_outer.in', 'g_outer.in[1].tag', 'g_outer.dp', '*g_outer.dp',
      'g_outer.sg', 'g_signs', 'g_signs[0] == NEG', 'NEG', '(enum sign)3', '(enum sign)1', 'g_ip', '*g_ip', 'g_ipp', '**g_ipp', '*g_ipp',
      'g_pair', 'g_pair.a.tag', 'sizeof(union pair)', 'sizeof(struct outer)', 'mi', 'mi.tag', 'ld', 'vl', 'wide', 's', 'local', '&g_outer.in[1]',
      '&g_arr2[1][1]', 'g_arr2[0][1] + g_arr2[1][0]',
    ],
  },
];

function build(dynamic: boolean): void {
  const r = spawnSync('bash', [join(FIXTURES, 'build.sh'), ...(dynamic ? ['--dynamic'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build.sh failed: ${r.stderr}`);
}

const VARIANTS: { name: string; program: string; dynamic: boolean }[] = [
  { name: 'static -O0', program: 'ctypes-O0', dynamic: false },
  { name: 'static -O2', program: 'ctypes', dynamic: false },
  { name: 'dynamic -O0', program: 'ctypes-O0', dynamic: true },
  { name: 'dynamic -O2', program: 'ctypes', dynamic: true },
];

describe('C type classes against gdb (qemu-riscv64 -g + gdb-multiarch)', () => {
  let total = 0, agreed = 0;
  const all: string[] = [];
  build(false);
  build(true);
  for (const v of VARIANTS) {
    test(`${v.name}: backtraces, info args, info locals and print agree with gdb`, { timeout: 300000 }, async () => {
      const program = join(FIXTURES, 'build', ...(v.dynamic ? ['dynamic'] : []), v.program);
      const ours = await ourStops(program, SOURCE, MARKERS, v.dynamic ? { sysroot: SYSROOT } : {});
      assert.ok(ours.stops.length >= 2, `stops: ${ours.stops.map((s) => s.marker).join(', ')}`);
      const gdb = await gdbStops(program, ours.stops, MARKERS, v.dynamic ? SYSROOT : undefined);
      const c = compare(ours.stops, gdb, v.name);
      total += c.compared;
      agreed += c.agreed;
      all.push(...c.differences);
      console.log(`# ${v.name}: ${c.compared} values compared, ${c.agreed} agree (${(100 * c.agreed / Math.max(1, c.compared)).toFixed(1)}%)`);
      for (const d of c.differences) console.log('# ' + d.replace(/\n/g, '\n# '));
      assert.ok(c.compared > 50, `only ${c.compared} values compared`);
      assert.deepEqual(c.differences, []);
    });
  }
  test('summary', () => {
    console.log(`# gdb type-class oracle total: ${total} values compared, ${agreed} agree (${(100 * agreed / Math.max(1, total)).toFixed(2)}%)`);
    assert.equal(all.length, 0);
  });
});
