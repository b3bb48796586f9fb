// C variables through DAP on the committed cvars fixtures (static glibc, -O0 and -O2) and our vDSO: Arguments,
// Locals and Globals scopes with gdb's formatting, children and paging, memory references, setVariable on locals,
// members, array elements, bitfields and register-located values, C expressions in watch/hover/console, inline
// frames, and clean errors. gdb itself judges the values in cvars.oracle.ts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, variables, lineOf, errorOf, evaluate, hex } from './helpers';

const BUILD = join(ROOT, 'test', 'fixtures', 'linux', 'build');
const SRC = join(ROOT, 'test', 'fixtures', 'linux', 'src', 'cvars.c');

async function topFrames(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  const threadId = (await dc.threadsRequest()).body.threads[0].id;
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames;
}
async function scopeVars(dc: DebugClient, frameId: number, name: string): Promise<DebugProtocol.Variable[]> {
  const s = (await dc.scopesRequest({ frameId })).body.scopes.find((x) => x.name === name);
  assert.ok(s, `scope ${name}`);
  return variables(dc, s.variablesReference);
}
const byName = (vs: DebugProtocol.Variable[], n: string) => { const v = vs.find((x) => x.name === n); assert.ok(v, `${n} in ${vs.map((x) => x.name).join(', ')}`); return v; };
const watch = async (dc: DebugClient, expression: string, frameId: number) => (await dc.evaluateRequest({ expression, frameId, context: 'watch' })).body;

describe('C variables (-O0): scopes, formatting, memory references, setVariable, expressions', () => {
  let dc: DebugClient;
  let frameId = 0;
  before(async () => {
    dc = await startClient();
    await launchStopped(dc, { program: join(BUILD, 'cvars-O0') }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: lineOf(SRC, 'BP_locals') }] });
    });
    frameId = (await topFrames(dc))[0].id;
  });
  after(async () => { await dc.stop(); });

  test('scopes: Arguments, Locals and Globals come first; registers, CSRs, [vvar], auxv and the map stay', async () => {
    const names = (await dc.scopesRequest({ frameId })).body.scopes.map((s) => s.name);
    assert.deepEqual(names, ['Arguments', 'Locals', 'Globals', 'Registers', 'CSRs', '[vvar]', 'auxv', 'Memory map']);
    const args = await scopeVars(dc, frameId, 'Arguments');
    assert.deepEqual(args.map((v) => `${v.name} = ${v.value} [${v.type}]`), ['seed = 5 [int]']);
  });

  test('locals as gdb prints them: the inner block first, structs, arrays, strings, enums, flag enums, unions, bitfields', async () => {
    const l = await scopeVars(dc, frameId, 'Locals');
    assert.deepEqual(l.map((v) => v.name), ['inner', 'local_pt', 'ts', 'arr', 'buf', 'col', 'perm', 'w', 'bits', 'bl', 'total']);
    const val = (n: string) => byName(l, n).value;
    assert.equal(val('inner'), '21');
    assert.equal(val('local_pt'), '{x = 5, y = 10}');
    assert.equal(val('ts'), '{tv_sec = 105, tv_nsec = 200}');
    assert.equal(val('arr'), '{1, 1, 2, 3, 5}');
    assert.equal(val('buf'), '"abc\\000\\000\\000\\000\\000\\000\\000\\000"');
    assert.equal(val('col'), 'GREEN');
    assert.equal(val('perm'), '(F_READ | F_WRITE)');
    assert.equal(val('w'), '{u = 1065353216, b = "\\000\\000\\200?", f = 1}');
    assert.equal(val('bits'), "{ready = 0, mode = 7, delta = -16, big = 99, tail = 113 'q'}");
    assert.match(val('bl'), /^0x[0-9a-f]+ <blob_storage>$/);
    assert.equal(byName(l, 'ts').type, 'struct timespec_like');
    assert.equal(byName(l, 'bl').type, 'const struct blob *');
  });

  test('globals: pointers with <symbol>, strings, repeats, doubles and floats with gdb digits, 2-D arrays', async () => {
    const g = await scopeVars(dc, frameId, 'Globals');
    const val = (n: string) => byName(g, n).value;
    assert.match(val('g_message'), /^0x[0-9a-f]+ "hello, world"$/);
    assert.equal(val('g_name'), '"riscv\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000"');
    assert.equal(val('g_zeros'), "'\\000' <repeats 31 times>");
    assert.equal(val('g_same'), '{0 <repeats 20 times>}');
    assert.equal(val('g_ratio'), '3.1400000000000001');
    assert.equal(val('g_half'), '0.5');
    assert.equal(val('g_flag'), 'true');
    assert.equal(val('g_byte'), "200 '\\310'");
    assert.equal(val('g_schar'), "-3 '\\375'");
    assert.equal(val('g_big'), '18364758544493064720');
    assert.equal(val('g_neg'), '-123456789012345');
    assert.equal(val('g_matrix'), '{{1, 2, 3}, {4, 5, 6}}');
    assert.match(val('g_list'), /^0x[0-9a-f]+ <s_nodes>$/);
    assert.match(val('g_op'), /^0x[0-9a-f]+ <mul>$/);
    assert.equal(val('s_hidden'), '7');
  });

  test('children: struct members, array elements, pointers to structs expand; evaluateName and memoryReference', async () => {
    const g = await scopeVars(dc, frameId, 'Globals');
    const list = byName(g, 'g_list');
    assert.ok(list.variablesReference > 0);
    const members = await variables(dc, list.variablesReference);
    assert.deepEqual(members.map((m) => m.name), ['value', 'label', 'next', 'where', 'w', 'c']);
    assert.equal(byName(members, 'value').evaluateName, 'g_list->value');
    assert.equal(byName(members, 'label').value.replace(/^0x[0-9a-f]+ /, ''), '"first"');
    const nodes = byName(g, 's_nodes');
    const elems = await variables(dc, nodes.variablesReference);
    assert.deepEqual(elems.map((e) => e.name), ['[0]', '[1]', '[2]']);
    assert.equal(elems[1].evaluateName, 's_nodes[1]');
    assert.equal(BigInt(elems[1].memoryReference!) - BigInt(nodes.memoryReference!), 48n);
    assert.equal(BigInt(byName(members, 'value').memoryReference!), BigInt(nodes.memoryReference!), 'g_list points at s_nodes[0]');
    // the memory view opens at a variable: its bytes are the value
    const mem = (await dc.customRequest('readMemory', { memoryReference: byName(g, 'g_counter').memoryReference, count: 4 })).body;
    assert.equal(Buffer.from(mem.data, 'base64').readInt32LE(0), 42);
  });

  test('setVariable: a local, a member, an array element, a bitfield, an enum by name, a double', async () => {
    const l = await scopeVars(dc, frameId, 'Locals');
    const ref = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === 'Locals')!.variablesReference;
    assert.equal((await dc.setVariableRequest({ variablesReference: ref, name: 'total', value: 'seed * 100 + 1' })).body.value, '501');
    assert.equal((await dc.setVariableRequest({ variablesReference: ref, name: 'col', value: 'BLUE' })).body.value, 'BLUE');
    const pt = await variables(dc, byName(l, 'local_pt').variablesReference);
    assert.equal((await dc.setVariableRequest({ variablesReference: byName(l, 'local_pt').variablesReference, name: 'y', value: '-9' })).body.value, '-9');
    void pt;
    await variables(dc, byName(l, 'arr').variablesReference);
    assert.equal((await dc.setVariableRequest({ variablesReference: byName(l, 'arr').variablesReference, name: '[4]', value: '0x20' })).body.value, '32');
    await variables(dc, byName(l, 'bits').variablesReference);
    assert.equal((await dc.setVariableRequest({ variablesReference: byName(l, 'bits').variablesReference, name: 'delta', value: '5' })).body.value, '5');
    const after = await scopeVars(dc, frameId, 'Locals');
    assert.equal(byName(after, 'total').value, '501');
    assert.equal(byName(after, 'local_pt').value, '{x = 5, y = -9}');
    assert.equal(byName(after, 'arr').value, '{1, 1, 2, 3, 32}');
    assert.equal(byName(after, 'bits').value, "{ready = 0, mode = 7, delta = 5, big = 99, tail = 113 'q'}", 'neighbouring bitfields unchanged');
    const g = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === 'Globals')!.variablesReference;
    await variables(dc, g);
    assert.equal((await dc.setVariableRequest({ variablesReference: g, name: 'g_ratio', value: '0.25' })).body.value, '0.25');
    assert.match(await errorOf(dc.setVariableRequest({ variablesReference: ref, name: 'total', value: 'no_such + 1' })), /No symbol "no_such" in current context/);
  });

  test('C expressions in watch and hover: members, ->, [], &, *, casts, sizeof, promotion, pointer arithmetic', async () => {
    const cases: [string, string | RegExp][] = [
      ['local_pt.x + 1', '6'], ['arr[2] * 3', '6'], ['sizeof(struct node)', '48'], ['sizeof arr', '20'],
      ['g_list->next->label', /^0x[0-9a-f]+ "second"$/], ['*g_list->next', /^\{value = 20, label = 0x[0-9a-f]+ "second", next = 0x[0-9a-f]+ <s_nodes\+96>/],
      ['&arr[1]', /^\(int \*\) 0x[0-9a-f]+$/], ['&s_nodes[2]', /^\(struct node \*\) 0x[0-9a-f]+ <s_nodes\+96>$/],
      ['(char)65', "65 'A'"], ['(unsigned char)300', "44 ','"], ['g_counter - 43u', '4294967295'], ['-g_counter % 5', '-2'], ['g_counter / 5', '8'], ['seed + 1u - 7', '4294967295'],
      ['g_short * g_byte', '-1400'], ['g_big >> 60', '15'], ['g_half + 1', '1.5'], ['g_counter > 40 && g_counter < 50', '1'],
      ['g_color == BLUE', '1'], ['g_counter ? 1 : 2', '1'], ['&s_nodes[2] - &s_nodes[0]', '2'], ['*(s_nodes + 1)', /^\{value = 20,/],
      ['((struct point *)&g_ts)->y', '0'], ['g_matrix[1][2]', '6'], ['mul', /^\{int \(int, int\)\} 0x[0-9a-f]+ <mul>$/],
    ];
    for (const [e, want] of cases) {
      const r = await watch(dc, e, frameId);
      if (typeof want === 'string') assert.equal(r.result, want, e);
      else assert.match(r.result, want, e);
    }
    const s = await watch(dc, 's_nodes[1]', frameId);
    assert.ok(s.variablesReference > 0, 'a struct result expands');
    assert.ok(s.memoryReference);
    const hover = (await dc.evaluateRequest({ expression: 'ts', frameId, context: 'hover' })).body;
    assert.equal(hover.result, '{tv_sec = 105, tv_nsec = 200}');
    assert.equal(hover.type, 'struct timespec_like');
  });

  test('the console: p EXPR and info args/locals; registers and symbols as before', async () => {
    assert.equal(await evaluate(dc, 'p ts'), '{tv_sec = 105, tv_nsec = 200}');
    assert.equal(await evaluate(dc, 'info args'), 'seed = 5');
    assert.match(await evaluate(dc, 'info locals'), /^inner = 21\nlocal_pt = \{x = 5, y = -9\}/);
    assert.match(await evaluate(dc, '$a0'), /^0x[0-9a-f]+ \(\d+\)$/);
    assert.match(await evaluate(dc, 'main'), /^0x[0-9a-f]+ \(\d+\)$/);
  });

  test('errors are messages, never exception text; the evaluator is bounded', async () => {
    assert.match(await errorOf(watch(dc, 'nosuch + 1', frameId)), /No symbol "nosuch" in current context\./);
    assert.match(await errorOf(watch(dc, 'local_pt.z', frameId)), /There is no member named z\./);
    assert.match(await errorOf(watch(dc, '*seed', frameId)), /attempt to take the contents of a non-pointer value/);
    assert.match(await errorOf(watch(dc, 'arr[1', frameId)), /expected '\]'/);
    assert.match(await errorOf(watch(dc, '*(int *)0', frameId)), /Cannot access memory at address 0x0/);
    assert.match(await errorOf(watch(dc, 'seed / 0', frameId)), /Division by zero/);
    assert.match(await errorOf(watch(dc, '('.repeat(200) + 'seed' + ')'.repeat(200), frameId)), /nested deeper than 64/);
    assert.match(await errorOf(watch(dc, 'seed + '.repeat(300) + '1', frameId)), /longer than 1000 characters/);
    for (const e of ['sizeof(struct nosuch)', '&1', '(struct point)1', 'g_list->value->x']) {
      const m = await errorOf(watch(dc, e, frameId));
      assert.doesNotMatch(m, /TypeError|RangeError|undefined|at .*\.ts:/, `${e}: ${m}`);
    }
  });

  test('outer frames: main\'s locals through the unwinder', async () => {
    const frames = await topFrames(dc);
    assert.equal(frames[1].name.replace(/ \(.*\)$/, ''), 'main');
    const l = await scopeVars(dc, frames[1].id, 'Locals');
    assert.equal(byName(l, 'pt').value, '{x = 13, y = 20}');
    assert.equal(byName(l, 's').value, '120');
    const a = await scopeVars(dc, frames[1].id, 'Arguments');
    assert.equal(byName(a, 'argc').value, '1');
  });
});

describe('C variables (-O2): inline frames, location lists, register-located values', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('a variable in a register (frame 0) is settable and reads back; optimized-out values say so', async () => {
    await launchStopped(dc, { program: join(BUILD, 'cvars') }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: lineOf(SRC, 'BP_mix') }, { line: lineOf(SRC, 'BP_locals') }] });
    });
    const frames = await topFrames(dc);
    assert.equal(frames[0].name.replace(/ \(.*\)$/, ''), 'mix');
    const args = await scopeVars(dc, frames[0].id, 'Arguments');
    assert.deepEqual(args.map((v) => `${v.name} = ${v.value}`), ['f = 1.5', 'd = 2.25', "c = 65 'A'", 'us = 65535', 'flag = true']);
    const ref = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes.find((s) => s.name === 'Arguments')!.variablesReference;
    assert.equal((await dc.setVariableRequest({ variablesReference: ref, name: 'us', value: '7' })).body.value, '7');
    assert.equal((await dc.setVariableRequest({ variablesReference: ref, name: 'd', value: '-0.5' })).body.value, '-0.5');
    assert.equal((await watch(dc, 'us + d', frames[0].id)).result, '6.5');
    const main = frames.find((f) => f.name.startsWith('main'))!;
    const vals = [...await scopeVars(dc, main.id, 'Arguments'), ...await scopeVars(dc, main.id, 'Locals')];
    assert.equal(byName(vals, 'm').value, '0', 'DW_OP_lit0; DW_OP_stack_value');
    assert.ok(vals.some((v) => v.value === '<optimized out>'), vals.map((v) => `${v.name} = ${v.value}`).join(', '));
    assert.equal(byName(vals, 'pt').value, '{x = 13, y = 20}');
  });
  test('a stop inside inlined scale() shows scale as frame 0 and locals_demo as its caller (like gdb\'s bt)', async () => {
    const stopped = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    await stopped;
    const frames = await topFrames(dc);
    assert.deepEqual(frames.slice(0, 3).map((f) => f.name.replace(/ \(.*\)$/, '')), ['scale', 'locals_demo', 'main']);
    assert.equal(frames[0].instructionPointerReference, frames[1].instructionPointerReference, 'one pc, two frames');
    assert.equal(frames[1].line, lineOf(SRC, 'int total = scale(seed, 3);'));
    const args = await scopeVars(dc, frames[0].id, 'Arguments');
    assert.deepEqual(args.map((v) => v.name).sort(), ['by', 'v']);
    const demo = await scopeVars(dc, frames[1].id, 'Arguments');
    assert.deepEqual(demo.map((v) => `${v.name} = ${v.value}`), ['seed = 5']);
  });

});

describe('C variables in our vDSO: __vdso_clock_gettime', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('clock and ts from the vDSO\'s DWARF; the data page as struct vdso_data; [vvar] keeps its decoded view', async () => {
    await launchStopped(dc, { program: join(BUILD, 'vdso') }, async () => {
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime' }] });
    });
    const frames = await topFrames(dc);
    assert.match(frames[0].name, /^__vdso_clock_gettime/);
    const args = await scopeVars(dc, frames[0].id, 'Arguments');
    assert.deepEqual(args.map((v) => [v.name, v.type]), [['clock', 'int'], ['ts', 'struct vlab_timespec *']]);
    assert.match(byName(args, 'clock').value, /^\d+$/);
    assert.match(byName(args, 'ts').value, /^0x[0-9a-f]+$/);
    const ts = await variables(dc, byName(args, 'ts').variablesReference);
    assert.deepEqual(ts.map((v) => v.name), ['tv_sec', 'tv_nsec']);
    const g = await scopeVars(dc, frames[0].id, 'Globals');
    const vd = byName(g, '_vdso_data');
    assert.equal(vd.type, 'const struct vdso_data [2]');
    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const vvar = scopes.find((s) => s.name === '[vvar]') as DebugProtocol.Scope & { memoryReference?: string };
    assert.equal(vd.memoryReference, vvar.memoryReference, 'the DWARF global is the [vvar] page');
    const entries = await variables(dc, vd.variablesReference);
    const e0 = await variables(dc, entries[0].variablesReference);
    assert.deepEqual(e0.slice(0, 3).map((v) => v.name), ['seq', 'clock_mode', 'cycle_last']);
    assert.match(byName(e0, 'seq').value, /^\d+$/);
    assert.equal((await watch(dc, '_vdso_data[0].clock_mode', frames[0].id)).result, byName(e0, 'clock_mode').value);
    const hover = await watch(dc, 'ts', frames[0].id);
    assert.match(hover.result, /^\(struct vlab_timespec \*\) 0x[0-9a-f]+$/);
    assert.equal(hex(BigInt(hover.result.split(' ').pop()!)), byName(args, 'ts').value);
  });
});
