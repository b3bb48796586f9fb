// Line stepping off the scripted path (issue 12), on -O0 (build/O0) and -O2 (build) static programs:
// Step Into through static glibc into the vDSO's source and through syscall() into the trap entry (S-mode),
// Step Out of the kernel after sret, Step Over of an ecall line, Step Into from the last line of main ending in
// the caller (never running the program to its exit), and no stop on a function's opening line again.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, evalNumber, stopAfter, lineOf } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux');
const SRC = join(LINUX, 'src');
const BUILDS = [{ opt: '-O0', dir: join(LINUX, 'build', 'O0') }, { opt: '-O2', dir: join(LINUX, 'build') }];
const VDSO_C = join(SRC, 'vdso.c');
const SYSCALL_C = join(SRC, 'syscall.c');

async function top(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId: (await dc.threadsRequest()).body.threads[0].id })).body.stackFrames;
}

/** Launch stopped at a source line (the program's DWARF names src/X.c). */
async function atLine(dc: DebugClient, program: string, file: string, line: number, watch?: (e: DebugProtocol.Event) => void): Promise<void> {
  if (watch) { dc.on('output', watch); dc.on('exited', watch); dc.on('terminated', watch); }
  const ev = await launchStopped(dc, { program }, async () => {
    const r = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] });
    assert.equal(r.body.breakpoints.length, 1);
  });
  assert.equal(ev.body.reason, 'breakpoint');
  const f = (await top(dc))[0];
  assert.equal(f.line, line, `stopped at ${f.name} line ${f.line}`);
}

for (const b of BUILDS) {
  describe(`Step Into / Over / Out on ${b.opt}`, () => {
    let dc: DebugClient;
    const events: DebugProtocol.Event[] = [];
    before(async () => { dc = await startClient(); events.length = 0; });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: Step Into on gettimeofday(&tv, &tz) goes through static glibc and stops in the vDSO's source`, async () => {
      await atLine(dc, join(b.dir, 'vdso'), VDSO_C, lineOf(VDSO_C, 'gettimeofday(&tv, &tz)'), (e) => events.push(e));
      const ev = await stopAfter(dc, () => dc.stepInRequest({ threadId: 1 }));
      assert.equal(ev.body.reason, 'step');
      const f = (await top(dc))[0];
      assert.match(f.name, /^__vdso_(gettimeofday|clock_gettime) \(linux-vdso\.so\.1\)$/);
      assert.ok(f.source?.path?.endsWith(join('src', 'guest', 'vdso', 'vgettimeofday.c')), f.source?.path);
      assert.equal(await evalNumber(dc, '$priv'), 0n);
      assert.ok(!events.some((e) => e.event === 'exited'), 'the program is still running');
    });
  });

  describe(`Step Into the kernel on ${b.opt}`, () => {
    let dc: DebugClient;
    before(async () => { dc = await startClient(); });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: Step Into on syscall(SYS_gettimeofday, ...) stops at handle_exception in entry.S (S-mode); Step Out returns after sret (U-mode)`, async () => {
      await atLine(dc, join(b.dir, 'syscall'), SYSCALL_C, lineOf(SYSCALL_C, 'syscall(SYS_gettimeofday'));
      await stopAfter(dc, () => dc.stepInRequest({ threadId: 1 }));
      const frames = await top(dc);
      assert.match(frames[0].name, /^handle_exception /);
      assert.ok(frames[0].source?.path?.endsWith(join('src', 'guest', 'kernel', 'entry.S')), frames[0].source?.path);
      assert.equal(await evalNumber(dc, '$priv'), 1n);
      assert.ok(frames.some((f) => f.name.startsWith('main ')), frames.map((f) => f.name).join(' <- '));
      await stopAfter(dc, () => dc.stepOutRequest({ threadId: 1 }));
      assert.equal(await evalNumber(dc, '$priv'), 0n);
    });
  });

  describe(`Step Over and the end of main on ${b.opt}`, () => {
    let dc: DebugClient;
    const events: DebugProtocol.Event[] = [];
    before(async () => { dc = await startClient(); });
    after(async () => { await dc.stop(); });

    test(`${b.opt}: Step Over the syscall() line runs the system call and stops at the next line of main`, async () => {
      const line = lineOf(SYSCALL_C, 'syscall(SYS_gettimeofday');
      await atLine(dc, join(b.dir, 'syscall'), SYSCALL_C, line, (e) => events.push(e));
      await stopAfter(dc, () => dc.nextRequest({ threadId: 1 }));
      const f = (await top(dc))[0];
      assert.match(f.name, /^main /);
      assert.equal(f.line, lineOf(SYSCALL_C, 'printf('));
      assert.equal(await evalNumber(dc, '$priv'), 0n);
    });

    test(`${b.opt}: stepping on from the last lines of main ends in its caller, never at the program's exit`, async () => {
      let frames = await top(dc);
      for (let i = 0; i < 6 && frames[0].name.startsWith('main '); i++) {
        await stopAfter(dc, () => dc.stepInRequest({ threadId: 1 }));
        frames = await top(dc);
      }
      assert.ok(!frames[0].name.startsWith('main '), `left main: ${frames[0].name}`);
      assert.ok(!events.some((e) => e.event === 'exited' || e.event === 'terminated'), 'the program has not ended');
      assert.ok(frames[0].instructionPointerReference);
    });
  });
}
