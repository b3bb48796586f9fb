// Memory as the debugger sees it and quiet errors (issue 12): reads go through the stopped context's page
// tables with the debugger's rights, so [vvar] and the user stack read the same at a U-mode and an S-mode stop;
// an unmapped address is an error; failed hover/watch evaluations answer quietly (showUser false).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, evalNumber, stopAfter, variables, scope, errorOf } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux');
const BUILDS = [{ opt: '-O0', dir: join(LINUX, 'build', 'O0') }, { opt: '-O2', dir: join(LINUX, 'build') }];

async function read(dc: DebugClient, memoryReference: string, count: number): Promise<{ data?: string; unreadableBytes?: number }> {
  return (await dc.customRequest('readMemory', { memoryReference, count })).body as { data?: string; unreadableBytes?: number };
}

for (const b of BUILDS) {
  describe(`memory at U- and S-mode stops (${b.opt})`, () => {
    let dc: DebugClient;
    before(async () => { dc = await startClient(); });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: [vvar], the user stack and the program's text read the same in S-mode (SUM=0) as in U-mode`, async () => {
      await launchStopped(dc, { program: join(b.dir, 'syscall') }, async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
      });
      assert.equal(await evalNumber(dc, '$priv'), 0n);
      const vvarU = (await variables(dc, (await scope(dc, '[vvar]')).variablesReference)).map((v) => `${v.name}=${v.value}`);
      const vvarBase = ((await scope(dc, '[vvar]')) as DebugProtocol.Scope & { memoryReference?: string }).memoryReference!;
      const sp = await evalNumber(dc, '$sp');
      const spHex = '0x' + sp.toString(16);
      const stackU = (await read(dc, spHex, 64)).data;
      const textU = (await read(dc, 'main', 32)).data;
      await dc.setExceptionBreakpointsRequest({ filters: ['syscall'] });
      await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
      assert.equal(await evalNumber(dc, '$priv'), 1n);
      assert.equal((await evalNumber(dc, 'sstatus.SUM')), 0n, 'the kernel runs with SUM clear');
      const vvarS = (await variables(dc, (await scope(dc, '[vvar]')).variablesReference)).map((v) => `${v.name}=${v.value}`);
      assert.ok(!vvarS.some((v) => /unreadable/.test(v)), vvarS.join(', '));
      assert.deepEqual(vvarS.filter((v) => !/^(seq|cycle_last|basetime|vd\[0\]|vd\[1\])/.test(v)).length > 0, true);
      assert.equal(vvarS.length, vvarU.length);
      const page = await read(dc, vvarBase, 4096);
      assert.equal(Buffer.from(page.data!, 'base64').length, 4096);
      assert.ok(!page.unreadableBytes);
      assert.equal((await read(dc, 'main', 32)).data, textU);
      // the stack below the syscall()'s frame was written since, but main's frame above sp is the same
      const stackS = (await read(dc, spHex, 64));
      assert.ok(!stackS.unreadableBytes);
      assert.equal(stackS.data, stackU);
    });

    test(`${b.opt}: an unmapped address is an error (expression) or unreadable bytes (readMemory)`, async () => {
      const r = await dc.customRequest('readMemory', { memoryReference: '0x10', count: 8 }).then(() => 'read', (e: Error) => e.message);
      assert.match(r, /0x10.*outside any mapping/);
      assert.match(await errorOf(dc.evaluateRequest({ expression: '*(u64*)0x10', context: 'repl' })), /not mapped|cannot read/);
    });
  });
}

describe('quiet evaluation errors', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('hover and watch failures answer without a toast (showUser false); an unknown name in hover shows nothing', async () => {
    await launchStopped(dc, { program: join(LINUX, 'build', 'vdso') }, async () => {
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
    });
    const frameId = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
    const errors: DebugProtocol.Response[] = [];
    const sent: DebugProtocol.Response[] = [];
    const orig = (dc as unknown as { dispatch(b: string): void }).dispatch.bind(dc);
    (dc as unknown as { dispatch(b: string): void }).dispatch = (body: string) => {
      const msg = JSON.parse(body);
      if (msg.type === 'response' && msg.command === 'evaluate') { sent.push(msg); if (!msg.success) errors.push(msg); }
      orig(body);
    };
    for (const context of ['hover', 'watch']) {
      for (const expression of ['no_such_name', '*(u64*)0x10', '1 +']) {
        await dc.evaluateRequest({ expression, context, frameId }).catch(() => undefined);
      }
    }
    assert.equal(sent.length, 6);
    for (const r of errors) {
      const body = (r as DebugProtocol.ErrorResponse).body;
      assert.equal(body?.error?.showUser, false, JSON.stringify(r));
      assert.doesNotMatch(r.message ?? '', /Error:|at .*\.ts:\d+|TypeError|RangeError/);
    }
    const hoverUnknown = errors.find((r) => r.request_seq === sent[0].request_seq);
    assert.ok(hoverUnknown, 'hover on an unknown name fails');
    assert.equal(hoverUnknown.message, '', 'and shows nothing');
  });
});

describe('the end of a program in the Debug Console', () => {
  for (const [program, args, text, code] of [['hello', [], 'exited with code 0', 0], ['signal', ['die'], 'killed by SIGSEGV', 139]] as const) {
    test(`${program}: '${text}'`, async () => {
      const dc = await startClient();
      try {
        const console: string[] = [];
        dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') console.push(e.body.output); });
        const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
        const terminated = dc.waitForEvent('terminated');
        await dc.initializeRequest();
        await dc.configurationDoneRequest();
        await dc.launchRequest({ program: join(LINUX, 'build', program), args: [...args] } as DebugProtocol.LaunchRequestArguments);
        assert.equal((await exited).body.exitCode, code);
        await terminated;
        assert.equal(console.filter((l) => l === `${text}\n`).length, 1, console.join(''));
        assert.ok(!console.some((l) => /Error:|\.ts:\d+/.test(l)), console.join(''));
      } finally {
        await dc.stop();
      }
    });
  }
});
