// gdb as the judge of C variables: cvars.c at -O0 and -O2 (DWARF 5), -O2 with -gdwarf-4, static and dynamic,
// stopped at its BP_* markers under our adapter and under qemu-riscv64 -g + gdb-multiarch; backtraces, info
// args, info locals of every frame and print EXPR compared value by value (see gdbOracle.ts). Prints the counts
// (values compared, agreement %) and the time from launch to the first Locals view.
import { oracleSuite, type Marker } from './gdbOracle';

const EXPRS_LOCALS = [
  'local_pt', 'local_pt.x + 1', 'arr[2] * 3', '&arr[1]', 'sizeof(struct node)', 'sizeof arr', 'g_list->next->label', '*g_list',
  'g_ratio * 2', '(char)65', 's_nodes[1].w', 'g_bits', 'g_bits.delta', 'BLUE', 'col', 'perm', 'g_op', 'arr', 'buf', 'buf[0] == 97',
  '-seed', 'seed / 2', '(unsigned char)300', 'g_short * g_byte', 'g_big >> 60', '*bl', 'g_matrix[1]', 'g_matrix[1][2]', 'g_perm | 2',
  'g_flag', '&g_ts', '&s_nodes[2]', 'g_list->where[1]', 'g_message', 'g_half + 1', 'g_counter / 5', '-g_counter % 5', 'g_counter - 43u', '(short)-1',
  'sizeof(g_matrix)', 'g_name', 'g_zeros', '!g_counter', '~g_counter', 'g_counter > 40 && g_counter < 50', 'g_counter ? 1 : 2',
  '(long)g_ratio', 'g_ratio > 3', 'g_ts.tv_sec + g_ts.tv_nsec', 'g_word', 'g_word.b[1]', 'g_schar', 'g_byte', 'g_neg', 'g_big',
  's_hidden', 'g_same', 'g_list->next->next->c', '&g_list->next->value', '*g_list->next', 'w', 'bits', 'ts', 'g_color == BLUE',
  'sizeof(union word)', '(struct point *)&g_origin', '((struct point *)&g_ts)->y', 'g_counter == 42', 'depth', 'apply', 'inner', 'total', 'nosuchname',
];
const MARKERS: Marker[] = [
  { marker: 'BP_apply', exprs: ['op', 'a + b', 'a * b', 'op == g_op'] },
  { marker: 'BP_walk', exprs: ['p->value', '*p', 'p->label', 'sum + doubled', 'p->where', 'head->next == p', 'n'] },
  { marker: 'BP_depth', exprs: ['*pt', 'pt->x', 'level', 'calls', 'depth'] },
  { marker: 'BP_mix', exprs: ['f', 'd', 'c', 'us', 'flag', 'f * 2', 'd / 3', 'c + 1', 'us + 1', 'f + d'] },
  { marker: 'BP_locals', exprs: EXPRS_LOCALS },
  { marker: 'BP_main_end', exprs: ['s', 'd', 'a', 'm', 'l', 'pt', 'argc', 'g_list->label'] },
];

oracleSuite({
  title: 'C variables against gdb (qemu-riscv64 -g + gdb-multiarch)',
  source: 'cvars.c',
  markers: MARKERS,
  variants: [
    { name: 'static -O0', program: 'cvars-O0', dynamic: false },
    { name: 'static -O2', program: 'cvars', dynamic: false },
    { name: 'static -O2 -gdwarf-4', program: 'cvars-dwarf4', dynamic: false },
    { name: 'dynamic -O0', program: 'cvars-O0', dynamic: true },
    { name: 'dynamic -O2', program: 'cvars', dynamic: true },
  ],
  minStops: 6,
  minCompared: 100,
  extra: (ours) => `first Locals view ${ours.firstLocalsMs.toFixed(0)} ms after launch`,
});
