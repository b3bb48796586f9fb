// The type classes the gdb oracle ctypes.oracle.ts judges, pinned without gdb on the committed ctypes builds:
// _Complex as re + imi, wchar_t as L'x' and L"..." strings, long double arithmetic, __int128, and a line
// breakpoint on a statement row that follows non-statement rows of its line (-O2's printf line).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { ROOT, startClient, launchStopped, lineOf } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux');
const SRC = join(LINUX, 'src', 'ctypes.c');

for (const b of [{ opt: '-O0', program: join(LINUX, 'build', 'ctypes-O0') }, { opt: '-O2', program: join(LINUX, 'build', 'ctypes') }]) {
  describe(`C type classes as gdb prints them (${b.opt})`, () => {
    let dc: DebugClient;
    before(async () => { dc = await startClient(); });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: the printf line's breakpoint is hit; complex, wide characters, long double and __int128 print as gdb's`, async () => {
      const ev = await launchStopped(dc, { program: b.program }, () => dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: lineOf(SRC, 'BP_types') }] }));
      assert.equal(ev.body.reason, 'breakpoint');
      const p = async (e: string) => (await dc.evaluateRequest({ expression: e, context: 'watch', frameId: 1 })).body.result;
      assert.equal(await p('g_cplx'), '1.5 + 2i');
      assert.equal(await p('g_fcplx'), '-0.5 + 4i');
      assert.equal(await p('g_wide'), 'L"wide\\000\\000\\000"');
      assert.equal(await p('g_wide[1]'), "105 L'i'");
      assert.equal(await p('g_ld'), '1.25');
      assert.equal(await p('g_ld * 2'), '2.5');
      assert.equal(await p('g_i128'), '-1267650600228229401496703205371');
      assert.equal(await p('g_outer.in[1].tag'), '"cd"');
      assert.equal(await p('**g_ipp'), '42');
    });
  });
}
