// Conditional, hit-count and log points and data breakpoints as a C programmer expects them (issue 12/13):
// conditions and {expressions} of log messages are C over the program's DWARF in the innermost frame (locals,
// arguments, arithmetic; printed as gdb prints them), data breakpoints on C objects watch sizeof(object) bytes
// (a watch expression or a variable of the Variables view), on steps.c at -O0 and -O2.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, stopAfter, lineOf, variables, scope } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux');
const SRC = join(LINUX, 'src', 'steps.c');
const BUILDS = [{ opt: '-O0', program: join(LINUX, 'build', 'steps-O0') }, { opt: '-O2', program: join(LINUX, 'build', 'steps') }];
const SQUARE_STORE = lineOf(SRC, 'g_sink = r;');

const watch = async (dc: DebugClient, e: string) => (await dc.evaluateRequest({ expression: e, context: 'watch', frameId: 1 })).body.result;
const top = async (dc: DebugClient) => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];

/** Run to the end collecting console output; resolves with the text. */
async function runToEnd(dc: DebugClient, out: string[]): Promise<string> {
  const done = dc.waitForEvent('terminated', 60000);
  await dc.continueRequest({ threadId: 1 });
  await done;
  return out.join('');
}

for (const b of BUILDS) {
  describe(`breakpoint conditions, hit counts and log points in C on ${b.opt}`, () => {
    let dc: DebugClient;
    const out: string[] = [];
    before(async () => {
      dc = await startClient();
      dc.on('output', (e: DebugProtocol.OutputEvent) => { out.push(e.body.output); });
    });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: a hit count (== 5) stops the fifth time; a condition on a C argument (x == 1) only there; a log point prints C values as gdb does`, async () => {
      const ev = await launchStopped(dc, { program: b.program }, async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'square', condition: 'x == 1' }, { name: 'square', hitCondition: '== 5' }] });
        await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: SQUARE_STORE, logMessage: 'square({x}) = {x * x}, {x > 50}' }] });
      });
      assert.equal(ev.body.reason, 'function breakpoint');
      // the fifth call of square: square(a), square(b), square(a), square(c) through apply, then square(0)
      assert.match((await top(dc)).name, /^square /);
      assert.equal(await watch(dc, 'x'), '0');
      await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
      assert.match((await top(dc)).name, /^square /);
      assert.equal(await watch(dc, 'x'), '1');
      const text = await runToEnd(dc, out);
      // one line per call of square, in gdb's format (decimal int, 0/1 for a comparison)
      for (const x of [3, 9, 0, 1, 2]) assert.ok(text.includes(`square(${x}) = ${x * x}, 0\n`), `square(${x}) logged:\n${text}`);
      // through apply's pointer at -O2, x is gone at this line and the caller cannot give it back (gdb says so too)
      const via = b.opt === '-O0' ? 'square(90) = 8100, 1\n' : 'square(<optimized out>) = <value has been optimized out>, <value has been optimized out>\n';
      assert.ok(text.includes(via), `square(c) logged:\n${text}`);
      assert.ok(!/condition|<No symbol/.test(text), text);
    });
  });

  describe(`data breakpoints on C objects on ${b.opt}`, () => {
    let dc: DebugClient;
    before(async () => { dc = await startClient(); });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: a watch expression (g_signals) watches sizeof(int) bytes and stops after the handler's write`, async () => {
      await launchStopped(dc, { program: b.program }, () => dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: lineOf(SRC, 'S_start') }] }));
      const info = await dc.dataBreakpointInfoRequest({ name: 'g_signals', frameId: 1 });
      assert.ok(info.body.dataId, info.body.description);
      assert.match(info.body.description, /^g_signals \(4 bytes at 0x[0-9a-f]+\)$/);
      await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [] });
      const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
      assert.equal(set.body.breakpoints[0].verified, true);
      const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
      assert.equal(ev.body.reason, 'data breakpoint');
      assert.match((await top(dc)).name, /^on_usr1 /);
      assert.equal(await watch(dc, 'g_signals'), '10');
    });

    test(`${b.opt}: a register or computed value cannot be watched, with a reason`, async () => {
      const info = await dc.dataBreakpointInfoRequest({ name: 'sig + 1', frameId: 1 });
      assert.equal(info.body.dataId, null);
      assert.match(info.body.description, /^cannot watch 'sig \+ 1': it is not an object in memory/);
    });
  });
}

describe('a data breakpoint from the Variables view watches the variable\'s own bytes (-O0)', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('sum (int, a local of main): 4 bytes; the next stop is the loop\'s first write of sum', async () => {
    await launchStopped(dc, { program: BUILDS[0].program }, () => dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: lineOf(SRC, 'S_loop') }] }));
    const locals = await scope(dc, 'Locals');
    const sum = (await variables(dc, locals.variablesReference)).find((v) => v.name === 'sum');
    assert.ok(sum?.memoryReference, 'sum has a memory reference');
    const info = await dc.dataBreakpointInfoRequest({ name: 'sum', variablesReference: locals.variablesReference });
    assert.match(info.body.description, /^sum \(4 bytes at 0x[0-9a-f]+, until its frame returns\)$/);
    assert.equal(BigInt(info.body.dataId!.split(':')[0]), BigInt(sum!.memoryReference!));
    await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [] });
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    // square(0) adds 0: the write still stops (a write, not a change); then square(1) makes sum 1
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(await watch(dc, 'sum'), '0');
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(await watch(dc, 'sum'), '1');
    // stopped after the storing instruction, in main (gdb reports the same pc)
    assert.match((await top(dc)).name, /^main /);
  });
});

describe('a watch on a local ends when its frame returns, as gdb\'s (-O0)', () => {
  let dc: DebugClient;
  const removed: number[] = [];
  before(async () => {
    dc = await startClient();
    dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => { if (e.body.reason === 'removed') removed.push(e.body.breakpoint.id!); });
  });
  after(async () => { await dc.stop(); });

  test('r in square(): the return stops with "deleted because the program has left the block", the next square() does not stop', async () => {
    await launchStopped(dc, { program: BUILDS[0].program }, () => dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: SQUARE_STORE }] }));
    const info = await dc.dataBreakpointInfoRequest({ name: 'r', frameId: 1 });
    assert.match(info.body.description, /^r \(4 bytes at 0x[0-9a-f]+, until its frame returns\)$/);
    await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [] });
    const id = (await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] })).body.breakpoints[0].id!;
    const left = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(left.body.reason, 'data breakpoint');
    assert.match(left.body.description ?? '', new RegExp(`^Watchpoint ${id} \\(r\\) deleted because the program has left the block in which its expression is valid\\.$`));
    assert.match((await top(dc)).name, /^main /);
    assert.deepEqual(removed, [id]);
    // the next square() call puts its own r at the same stack address and writes it: no stop any more
    const end = dc.waitForEvent('terminated', 60000);
    await dc.continueRequest({ threadId: 1 });
    await end;
  });
});

describe('a watch on a local of a recursive function outlives the deeper calls (-O0)', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('below in fact(2): fact(1) returning to the same call site does not end it; the write stops; fact(2)\'s return does', async () => {
    await launchStopped(dc, { program: BUILDS[0].program }, () => dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: lineOf(SRC, 'S_fact_base') }] }));
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.match(frames[1].name, /^fact /);
    assert.equal((await dc.evaluateRequest({ expression: 'n', context: 'watch', frameId: frames[1].id })).body.result, '2');
    const info = await dc.dataBreakpointInfoRequest({ name: 'below', frameId: frames[1].id });
    assert.match(info.body.description, /until its frame returns/);
    await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [] });
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const write = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(write.body.reason, 'data breakpoint');
    assert.doesNotMatch(write.body.description ?? '', /deleted/);
    assert.equal(await watch(dc, 'below'), '1');
    assert.equal(await watch(dc, 'n'), '2');
    const left = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.match(left.body.description ?? '', /deleted because the program has left the block/);
    assert.equal(await watch(dc, 'n'), '3', 'stopped in fact(3), where fact(2) returned');
  });
});
