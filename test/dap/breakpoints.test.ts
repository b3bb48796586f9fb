// Breakpoints where gdb puts them (issue 12), on -O0 and -O2 static programs: a function breakpoint stops after
// the prologue, a source breakpoint on a line without code moves to the next line with code and says so, and a
// function that no loaded object defines says so (and stays pending for objects loaded later).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, evalNumber, lineOf } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux');
const VDSO_C = join(LINUX, 'src', 'vdso.c');
const BUILDS = [{ opt: '-O0', dir: join(LINUX, 'build', 'O0') }, { opt: '-O2', dir: join(LINUX, 'build') }];

for (const b of BUILDS) {
  describe(`breakpoints where gdb puts them (${b.opt})`, () => {
    let dc: DebugClient;
    const changed: DebugProtocol.Breakpoint[] = [];
    let fnBps: DebugProtocol.Breakpoint[] = [];
    before(async () => {
      dc = await startClient();
      dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e.body.breakpoint));
    });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: "main" stops after its prologue, on a line of its body, not on its opening line`, async () => {
      const ev = await launchStopped(dc, { program: join(b.dir, 'vdso') }, async () => {
        fnBps = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }, { name: 'no_such_function' }] })).body.breakpoints;
      });
      assert.equal(ev.body.reason, 'function breakpoint');
      const f = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
      assert.match(f.name, /^main /);
      assert.ok(f.line > lineOf(VDSO_C, 'int main()') + 1, `line ${f.line}`);
      const main = await evalNumber(dc, 'main');
      const pc = await evalNumber(dc, '$pc');
      if (b.opt === '-O0') {
        assert.ok(pc > main, 'the -O0 prologue (frame set-up) is skipped');
        assert.equal(f.line, lineOf(VDSO_C, 'gettimeofday(&tv, &tz)'));
      } else {
        assert.ok(pc >= main);
      }
    });

    test(`${b.opt}: a function no loaded object defines says so and stays pending`, async () => {
      assert.equal(fnBps[1].verified, false);
      const ghost = changed.filter((c) => c.id === fnBps[1].id).pop();
      assert.ok(ghost, 'a breakpoint event updated it once the program was loaded');
      assert.equal(ghost.verified, false);
      assert.equal(ghost.message, 'no function no_such_function in the loaded objects');
      const again = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'no_such_function' }] })).body.breakpoints[0];
      assert.equal(again.verified, false);
      assert.equal(again.message, 'no function no_such_function in the loaded objects');
    });

    test(`${b.opt}: a source breakpoint on a line without code moves to the next line with code and says so`, async () => {
      const declared = lineOf(VDSO_C, 'int main()') - 1; // the blank line before main
      const r = (await dc.setBreakpointsRequest({ source: { path: VDSO_C }, breakpoints: [{ line: declared }] })).body.breakpoints[0];
      assert.equal(r.verified, true);
      assert.ok(r.line! > declared, `moved to ${r.line}`);
      assert.match(r.message ?? '', new RegExp(`^line ${declared} has no code: moved to line ${r.line}; at 0x`));
    });
  });
}
