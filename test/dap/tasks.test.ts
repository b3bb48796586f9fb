// The debugger on tasks: threads.c (one Threads entry per task named from comm, the stop's thread, every thread's
// stack from its saved registers, steps that stay on their thread) and procs.c (breakpoints belong to the followed
// process after fork: followFork "parent" passes the child over its breakpoints, "child" stops in it; exec reloads
// the modules and resolves the breakpoints again, the vDSO's included, at the new image's addresses).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VDSO_OFFSETS } from '../../src/guest/vdso/vdsoSymbols.generated';
import { ROOT, startClient, launchStopped, stopAfter, evaluate, variables } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux', 'build');

async function names(dc: DebugClient, threadId: number): Promise<string[]> {
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames.map((f) => f.name);
}

describe('threads.c: one thread per task', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('a breakpoint in a worker: the stop is on its thread, all threads are stopped and listed by comm', async () => {
    const started: number[] = [];
    dc.on('thread', (e: DebugProtocol.ThreadEvent) => { if (e.body.reason === 'started') started.push(e.body.threadId); });
    const ev = await launchStopped(dc, { program: join(LINUX, 'threads'), disableRandomization: true }, async () => {
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'worker' }] });
    });
    assert.equal(ev.body.reason, 'function breakpoint');
    assert.equal(ev.body.allThreadsStopped, true);
    assert.equal(ev.body.threadId, 4243, 'the first worker (tid 4243) stopped, not the main thread');
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(started.sort(), threads.map((t) => t.id).sort(), 'a thread event for every task');
    assert.equal(threads[0].id, 4242);
    assert.match(threads[0].name, /^threads \(pid 4242\)/);
    assert.ok(threads.some((t) => t.id === 4243 && /^threads \(tid 4243\)/.test(t.name)), threads.map((t) => t.name).join(', '));
    // the stopped thread's stack, and the main thread's from its saved registers
    assert.match((await names(dc, 4243))[0], /^worker \(/);
    // main sleeps in the kernel (pthread_create's clone, a barrier or join futex): its innermost frame is there,
    // not in the worker that stopped
    const mainStack = await names(dc, 4242);
    assert.match(mainStack[0], /pthread|futex|clone|main|syscall/, mainStack.join(' <- '));
    assert.ok(!mainStack.some((n) => /^worker/.test(n)), mainStack.join(' <- '));
    // through glibc code without CFI whose cold path (a __libc_fatal call) is laid out before the system call
    assert.ok(mainStack.some((n) => /^main \(/.test(n)), mainStack.join(' <- '));
  });

  test('steps stay on the thread that stopped; a step of a thread that sleeps in a system call waits for the call', async () => {
    for (let i = 0; i < 4; i++) {
      const ev = await stopAfter(dc, () => dc.nextRequest({ threadId: 4243 }));
      assert.equal(ev.body.reason, 'step');
      assert.equal(ev.body.threadId, 4243, `step ${i} stayed on thread 4243`);
      assert.match((await names(dc, 4243))[0], /^worker \(/);
    }
    // variables of a frame of another thread: its registers are its own
    const frames = (await dc.stackTraceRequest({ threadId: 4242 })).body.stackFrames;
    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const regs = (await dc.variablesRequest({ variablesReference: scopes.find((s) => s.name === 'Registers')!.variablesReference })).body.variables;
    assert.equal(BigInt(regs.find((r) => r.name === 'pc')!.value.split(' ')[0]), BigInt(frames[0].instructionPointerReference!));
  });

  test('a step of main, asleep in the kernel (barrier or join): the workers run until its call returns, then it steps', async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const ev = await stopAfter(dc, () => dc.nextRequest({ threadId: 4242 }));
    assert.equal(ev.body.reason, 'step');
    assert.equal(ev.body.threadId, 4242, 'the step ended on main');
    const st = await names(dc, 4242);
    assert.match(st[0], /^main \(/, `the step returned into main: ${st.join(' <- ')}`);
  });

  test('continuing with the breakpoint gone, the program ends normally', async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 4243 });
    assert.equal((await exited).body.exitCode, 0);
  });
});

describe('procs.c: breakpoints after fork follow one process', () => {
  test('followFork "parent" (default): a breakpoint only a child reaches does not stop; the program ends', async () => {
    const dc = await startClient();
    try {
      const out: string[] = [];
      dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
      await dc.initializeRequest();
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'on_usr1' }] });
      const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      let stopped = false;
      dc.on('stopped', () => { stopped = true; });
      await dc.configurationDoneRequest();
      await dc.launchRequest({ program: join(LINUX, 'procs'), disableRandomization: true } as DebugProtocol.LaunchRequestArguments);
      assert.equal((await exited).body.exitCode, 0);
      assert.equal(stopped, false);
      assert.match(out.join(''), /kill\(child, SIGUSR1\), the child's handler ran: exited 3/);
    } finally { await dc.stop(); }
  });

  test('followFork "child": the same breakpoint stops in the child, whose only thread is its own', async () => {
    const dc = await startClient();
    try {
      const ev = await launchStopped(dc, { program: join(LINUX, 'procs'), disableRandomization: true, followFork: 'child' }, async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'on_usr1' }] });
      });
      assert.equal(ev.body.reason, 'function breakpoint');
      assert.notEqual(ev.body.threadId, 4242);
      const threads = (await dc.threadsRequest()).body.threads;
      assert.deepEqual(threads.map((t) => t.id), [ev.body.threadId]);
      assert.match(threads[0].name, /^procs \(pid \d+\)/);
      assert.match((await names(dc, ev.body.threadId!))[0], /^on_usr1 \(/);
      const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
      await dc.continueRequest({ threadId: ev.body.threadId! });
      assert.equal((await exited).body.exitCode, 0);
    } finally { await dc.stop(); }
  });

  test('exec reloads the modules and resolves breakpoints again, the vDSO one at the new image\'s vDSO', async () => {
    const dc = await startClient();
    try {
      const bpEvents: DebugProtocol.BreakpointEvent[] = [];
      const modEvents: DebugProtocol.ModuleEvent[] = [];
      const console: string[] = [];
      dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => bpEvents.push(e));
      dc.on('module', (e: DebugProtocol.ModuleEvent) => modEvents.push(e));
      dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') console.push(e.body.output); });
      // ASLR on: every image maps the vDSO somewhere else
      const ev = await launchStopped(dc, { program: join(LINUX, 'procs'), args: ['exec'], followFork: 'child' }, async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'child_mode' }, { name: '__vdso_clock_gettime' }] });
      });
      assert.equal(ev.body.reason, 'function breakpoint');
      assert.match((await names(dc, ev.body.threadId!))[0], /^child_mode \(/);
      assert.ok(console.some((l) => /^process \d+ exec'd .*procs: modules and breakpoints reloaded/.test(l)), console.join(''));
      assert.ok(modEvents.some((e) => e.body.reason === 'removed' && e.body.module.name === 'linux-vdso.so.1'), 'the old vDSO module went');
      const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
      const vdso = mods.find((m) => m.name === 'linux-vdso.so.1');
      assert.ok(vdso);
      const base = BigInt(vdso.addressRange!.split('-')[0]);
      const last = bpEvents.filter((e) => e.body.breakpoint.verified && /0x/.test(e.body.breakpoint.instructionReference ?? '')).map((e) => BigInt(e.body.breakpoint.instructionReference!));
      assert.ok(last.includes(base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime)), `the vDSO breakpoint at this image's vDSO ${base.toString(16)}: ${last.map((a) => a.toString(16)).join(' ')}`);
    } finally { await dc.stop(); }
  });
});

describe('threads.c deadlock: the debugger stops where every thread waits', () => {
  test('the stop says deadlock, the threads say on what each waits, and continuing says it again', async () => {
    const dc = await startClient();
    try {
      const ev = await launchStopped(dc, { program: join(LINUX, 'threads'), args: ['deadlock'], disableRandomization: true });
      assert.equal(ev.body.reason, 'exception');
      assert.match(ev.body.text ?? ev.body.description ?? '', /^deadlock: every task waits and nothing can wake one: task 4242 \(threads\) in futex 0x[0-9a-f]+, task 4243/);
      const threads = (await dc.threadsRequest()).body.threads;
      assert.deepEqual(threads.map((t) => t.id), [4242, 4243]);
      for (const t of threads) assert.match(t.name, / in futex 0x[0-9a-f]+$/);
      // both stacks: the one on the hart through the kernel's trap entry, the other from its saved registers
      for (const t of threads) {
        const st = await names(dc, t.id);
        assert.ok(st.length >= 2, st.join(' <- '));
      }
      assert.ok((await names(dc, 4242)).some((n) => /^main \(/.test(n)), (await names(dc, 4242)).join(' <- '));
      const again = await stopAfter(dc, () => dc.continueRequest({ threadId: ev.body.threadId! }));
      assert.match(again.body.text ?? '', /^deadlock: /);
    } finally { await dc.stop(); }
  });
});

describe('fpthreads.c: each thread its own registers, and a step of a thread that did not stop', () => {
  let dc: DebugClient;
  const out: string[] = [];
  before(async () => { dc = await startClient(); dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); }); });
  after(async () => { await dc.stop(); });

  async function frame0(tid: number): Promise<DebugProtocol.StackFrame> {
    return (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0];
  }
  async function fs1(tid: number): Promise<string> {
    const scopes = (await dc.scopesRequest({ frameId: (await frame0(tid)).id })).body.scopes;
    const regs = await variables(dc, scopes.find((x) => x.name === 'Registers')!.variablesReference);
    const f = await variables(dc, regs.find((r) => r.name === 'f0-f31')!.variablesReference);
    return f.find((r) => r.name === 'f9 (fs1)')!.value;
  }
  async function local(tid: number, name: string): Promise<DebugProtocol.Variable & { ref: number }> {
    const scopes = (await dc.scopesRequest({ frameId: (await frame0(tid)).id })).body.scopes;
    const ref = scopes.find((x) => x.name === 'Locals')!.variablesReference;
    return { ...(await variables(dc, ref)).find((v) => v.name === name)!, ref };
  }

  test('at main\'s stop the worker (runnable, not on the hart) shows its own FP registers and locals', async () => {
    const ev = await launchStopped(dc, { program: join(LINUX, 'fpthreads'), disableRandomization: true }, async () => {
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'checkpoint' }] });
    });
    assert.equal(ev.body.threadId, 4242);
    assert.deepEqual((await dc.threadsRequest()).body.threads.map((t) => t.id), [4242, 4243]);
    assert.match((await frame0(4243)).name, /^worker \(/);
    assert.equal(await fs1(4242), '42');
    assert.equal(await fs1(4243), '101', 'the worker\'s fs1 is its saved one, not the hart\'s');
    assert.equal((await local(4243, 'mine')).value, '101');
    assert.equal(await evaluate(dc, 'mine', (await frame0(4243)).id), '101');
  });

  test('setVariable in the worker\'s frame writes its saved context, not the hart', async () => {
    const v = await local(4243, 'mine');
    const r = await dc.setVariableRequest({ variablesReference: v.ref, name: 'mine', value: '7' });
    assert.equal(r.body.value, '7');
    assert.equal((await local(4243, 'mine')).value, '7');
    assert.equal(await fs1(4242), '42', 'main\'s fs1 is untouched');
  });

  test('next on the worker: it is put on the hart and steps, main stays in checkpoint', async () => {
    const line0 = (await frame0(4243)).line;
    for (let i = 0; i < 3; i++) {
      const ev = await stopAfter(dc, () => dc.nextRequest({ threadId: 4243 }));
      assert.equal(ev.body.reason, 'step');
      assert.equal(ev.body.threadId, 4243, `step ${i} ran the worker`);
      const f = await frame0(4243);
      assert.match(f.name, /^worker \(/);
      assert.ok([21, 22].includes(f.line), `in the loop (line ${f.line}, was ${line0})`);
      assert.match((await frame0(4242)).name, /^checkpoint \(/, 'main did not move');
    }
    assert.equal((await local(4243, 'mine')).value, '7', 'the written value came onto the hart with the worker');
    assert.equal(await fs1(4242), '42', 'main\'s FP registers went with it into its saved context');
  });

  test('continuing, both threads go on: the worker returns the value written into it', async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 4243 });
    assert.equal((await exited).body.exitCode, 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.match(out.join(''), /worker fs1 7, main fs1 42/);
  });
});
