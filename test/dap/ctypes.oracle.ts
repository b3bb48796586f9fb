// gdb as the judge of the C type classes cvars.c leaves out (ctypes.c): long double, __int128, _Complex,
// volatile/restrict, anonymous members, pointers to pointers, arrays of pointers and structs, wchar_t, a struct
// returned by value, negative enumerators, unions of structs; -O0 and -O2, static and dynamic. Same machinery
// as cvars.oracle.ts (gdbOracle.ts): bt, info args, info locals of every frame and print EXPR, value by value.
import { oracleSuite, type Marker } from './gdbOracle';

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

oracleSuite({
  title: 'C type classes against gdb (qemu-riscv64 -g + gdb-multiarch)',
  source: 'ctypes.c',
  markers: MARKERS,
  variants: [
    { name: 'static -O0', program: 'ctypes-O0', dynamic: false },
    { name: 'static -O2', program: 'ctypes', dynamic: false },
    { name: 'dynamic -O0', program: 'ctypes-O0', dynamic: true },
    { name: 'dynamic -O2', program: 'ctypes', dynamic: true },
  ],
  minStops: 2,
  minCompared: 50,
});
