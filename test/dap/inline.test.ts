// Stepping like gdb where the stepping oracle (steps.oracle.ts, gdb-multiarch) found us apart, pinned on the
// committed steps.c builds so npm test checks them without gdb: inlined functions (a stop where inlined calls
// begin shows their caller at the call line; Step Into enters one level without running; Step Over runs
// through an inlined call; Step Out of an inline frame ends at the caller's next line), function breakpoints on
// inlined functions and on GCC's renamed copies (fact.constprop.0 is `fact`), a line breakpoint on a loop's line
// stopping once, and the backtrace of a signal handler through the signal trampoline.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, stopAfter, lineOf, evalNumber } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux');
const SRC = join(LINUX, 'src', 'steps.c');
const O0 = join(LINUX, 'build', 'steps-O0');
const O2 = join(LINUX, 'build', 'steps');
const L = (m: string) => lineOf(SRC, m);

/** The stack as gdb's bt shows it: fn:line for frames with source, fn for the others, up to main. */
async function bt(dc: DebugClient): Promise<string[]> {
  const frames = (await dc.stackTraceRequest({ threadId: (await dc.threadsRequest()).body.threads[0].id })).body.stackFrames;
  const out: string[] = [];
  for (const f of frames) {
    const fn = f.name.replace(/ \(.*\)$/, '').replace(/\+(0x[0-9a-f]+|\d+)$/, '');
    out.push(f.source?.path?.endsWith('steps.c') ? `${fn}:${f.line}` : fn);
    if (fn === 'main') break;
  }
  return out;
}

async function launchAt(dc: DebugClient, program: string, setup: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  return launchStopped(dc, { program }, setup);
}

const step = (dc: DebugClient, kind: 'stepIn' | 'next' | 'stepOut') => stopAfter(dc, () => (kind === 'stepIn' ? dc.stepInRequest({ threadId: 1 }) : kind === 'next' ? dc.nextRequest({ threadId: 1 }) : dc.stepOutRequest({ threadId: 1 })));

describe('inlined functions stepped like gdb (steps.c -O0, always_inline)', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('a stop where inlined calls begin shows the caller at the call line; Step Into enters one level at a time without running', async () => {
    await launchAt(dc, O0, () => dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: L('S_inline') }] }));
    assert.deepEqual(await bt(dc), [`main:${L('S_inline')}`]);
    const line61 = L('S_inline') + 1;
    await step(dc, 'stepIn');
    // the pc is where twice_plus(b) and its add_one begin: both hidden, main at the call line
    assert.deepEqual(await bt(dc), [`main:${line61}`]);
    const pc = await evalNumber(dc, '$pc');
    const ev = await step(dc, 'stepIn');
    assert.equal(ev.body.reason, 'step');
    assert.equal(await evalNumber(dc, '$pc'), pc, 'entering an inline frame runs nothing');
    assert.deepEqual(await bt(dc), [`twice_plus:${L('int t = add_one(v)')}`, `main:${line61}`]);
    // Step Over runs through the inlined add_one to twice_plus's next line
    await step(dc, 'next');
    assert.deepEqual(await bt(dc), [`twice_plus:${L('int t = add_one(v)') + 1}`, `main:${line61}`]);
    // Step Out of the inline frame: the first line start after its block, in main
    await step(dc, 'next');
    await step(dc, 'stepOut');
    assert.deepEqual(await bt(dc), [`main:${line61}`]);
    await step(dc, 'next');
    assert.deepEqual(await bt(dc), [`main:${line61 + 1}`]);
  });
});

describe('function breakpoints on inlined functions and renamed copies', () => {
  let dc: DebugClient;
  after(async () => { await dc.stop(); });

  test('-O0: a breakpoint on add_one stops at its inlined instances, in add_one', async () => {
    dc = await startClient();
    await launchAt(dc, O0, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'add_one' }] }));
    assert.deepEqual(await bt(dc), [`add_one:${L('int w = v + 1')}`, `twice_plus:${L('int t = add_one(v)')}`, `main:${L('S_inline')}`]);
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.deepEqual(await bt(dc), [`add_one:${L('int w = v + 1')}`, `twice_plus:${L('int t = add_one(v)')}`, `main:${L('S_inline') + 1}`]);
    await dc.stop();
  });

  test('-O2: a breakpoint on fact stops in GCC\'s fact.constprop.0, named fact as gdb names it', async () => {
    dc = await startClient();
    await launchAt(dc, O2, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'fact' }] }));
    const frames = await bt(dc);
    assert.match(frames[0], /^fact:\d+$/);
    assert.equal(frames.at(-1), `main:${L('int f = fact(4)')}`);
  });
});

describe('line breakpoints and signal frames', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('-O0: a breakpoint on a for line stops once (its first address per block, like gdb), not at each iteration', async () => {
    await launchAt(dc, O0, () => dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: L('S_loop') }, { line: L('S_handler') }] }));
    assert.deepEqual(await bt(dc), [`main:${L('S_loop')}`]);
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    const frames = await bt(dc);
    assert.equal(frames[0], `on_usr1:${L('S_handler')}`);
    // the handler's caller is the signal trampoline, then the interrupted code: raise() called from main
    assert.equal(frames[1], '<signal handler called>');
    assert.ok(frames.includes('raise'), frames.join(' < '));
    assert.equal(frames.at(-1), `main:${L('S_signal')}`);
    // stepping out of the handler goes through the trampoline and rt_sigreturn to the interrupted code
    await step(dc, 'next');
    await step(dc, 'next');
    const after = await bt(dc);
    assert.ok(!after.includes('<signal handler called>') && after.at(-1) === `main:${L('S_signal')}`, after.join(' < '));
    assert.equal(await evalNumber(dc, '$priv'), 0n);
  });
});
