// The console verbs a gdb user types, and frames without source (issue 12): bt, p, p/x, info frame, info locals,
// finish, unknown commands; a frame without source is 'function+offset (module)' with a disassembly document,
// subtle below the top, and every frame has an instructionPointerReference.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, evaluate, evalNumber, errorOf, stopAfter } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux');
const BUILDS = [{ opt: '-O0', dir: join(LINUX, 'build', 'O0') }, { opt: '-O2', dir: join(LINUX, 'build') }];

async function frames(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId: (await dc.threadsRequest()).body.threads[0].id })).body.stackFrames;
}

for (const b of BUILDS) {
  describe(`console verbs (${b.opt})`, () => {
    let dc: DebugClient;
    before(async () => {
      dc = await startClient();
      await launchStopped(dc, { program: join(b.dir, 'vdso') }, async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
      });
    });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: bt, p, p/x, info frame, info locals`, async () => {
      const bt = (await evaluate(dc, 'bt')).split('\n');
      assert.match(bt[0], /^#0 {2}0x[0-9a-f]+ in main \(\/.*\/vdso\) at .*vdso\.c:\d+$/);
      assert.ok(bt.length >= 2, bt.join('\n'));
      const sp = await evalNumber(dc, '$sp');
      assert.equal(await evaluate(dc, 'p/x $sp'), '0x' + sp.toString(16));
      assert.equal(await evaluate(dc, 'p/d 3 - 5'), '-2');
      assert.match(await evaluate(dc, 'p $sp'), new RegExp(`^0x${sp.toString(16)} \\(${sp}\\)$`));
      const frame = await evaluate(dc, 'info frame');
      assert.match(frame, /^Stack level 0, frame at 0x[0-9a-f]+:/);
      assert.match(frame, /pc = 0x[0-9a-f]+ in main \(\/.*\/vdso\)/);
      assert.match(frame, /called by frame at level 1/);
      assert.ok((await evaluate(dc, 'info locals')).length > 0);
    });

    test(`${b.opt}: an unknown command says so and lists help; a bad expression says why`, async () => {
      const e = await errorOf(evaluate(dc, 'frobnicate the stack'));
      assert.match(e, /^unknown command 'frobnicate'/);
      assert.match(e, /bt +the call stack/);
      assert.doesNotMatch(await errorOf(evaluate(dc, 'no_such_symbol + 1')), /unknown command|Error:|\.ts:\d+/);
    });

    test(`${b.opt}: finish runs until main returns; its caller without source is function+offset with a disassembly document`, async () => {
      const r = await stopAfter(dc, () => evaluate(dc, 'finish'));
      assert.equal(r.body.reason, 'step');
      const fs = await frames(dc);
      for (const f of fs) assert.ok(f.instructionPointerReference, `${f.name} has an instruction pointer reference`);
      const f0 = fs[0];
      assert.match(f0.name, /^__libc_start_call_main\+0x[0-9a-f]+ \(\/.*\/vdso\)$/);
      assert.ok(f0.source?.sourceReference, 'a disassembly document');
      const doc = (await dc.sourceRequest({ sourceReference: f0.source!.sourceReference!, source: f0.source })).body.content;
      const pc = await evalNumber(dc, '$pc');
      assert.ok(doc.split('\n')[f0.line - 1].startsWith('0x' + pc.toString(16)), `line ${f0.line} of the document is the pc`);
      for (const f of fs.slice(1)) if (!f.source?.path) assert.equal(f.presentationHint, 'subtle', f.name);
    });
  });
}

describe('stopOnEntry at _start shows its code', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('the entry frame has a disassembly document at the pc; Step Into from there stops at the first code with source (a start-up system call enters the trap entry)', async () => {
    const ev = await launchStopped(dc, { program: join(LINUX, 'build', 'O0', 'vdso'), stopOnEntry: true });
    assert.equal(ev.body.reason, 'entry');
    const f0 = (await frames(dc))[0];
    assert.match(f0.name, /^_start/);
    assert.ok(f0.source?.sourceReference);
    assert.equal(f0.line, 1);
    const r = await stopAfter(dc, () => dc.stepInRequest({ threadId: 1 }));
    assert.equal(r.body.reason, 'step');
    const f = (await frames(dc))[0];
    assert.ok(f.source?.path, `stopped in code with source: ${f.name}`);
  });
});
