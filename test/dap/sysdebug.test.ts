// The debugger on a whole system (issue 19, part two): the kernel's tasks as threads (task_struct through vmlinux's
// DWARF), each task's stack (the one on the hart from the hart, the others from their saved context), user frames
// with the process's own symbols ("userPrograms"), [vvar] decoded with the kernel's struct vdso_data, Step Into
// from a C line into entry.S at line granularity and Step Out back to user mode. Needs the cached demo kernel
// (scripts/build-linux.sh); skipped with the reason without it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startClient, launchStopped, stopAfter, evaluate, variables, scope, errorOf } from './helpers';
import { artefacts } from '../hart/virt/fullsys';

const a = artefacts(false);
const initElf = typeof a === 'string' ? undefined : join(dirname(a.initramfs), 'init');
const skip = typeof a === 'string' ? a : !initElf || !existsSync(initElf) ? `no host copy of /init beside ${a.initramfs}` : false;
const INIT_C = join(__dirname, '..', '..', 'src', 'guest', 'fullsys', 'init.c');

interface Frame { name: string; path: string; line: number; ip: bigint; id: number }
async function stackOf(dc: DebugClient, threadId: number): Promise<Frame[]> {
  const st = await dc.stackTraceRequest({ threadId });
  return st.body.stackFrames.map((f) => ({ name: f.name, path: f.source?.path ?? '', line: f.line, ip: BigInt(f.instructionPointerReference ?? '0'), id: f.id }));
}
const names = (fs: Frame[]) => fs.map((f) => f.name).join(' <- ');
const KERNEL = 0xffffffff00000000n;

describe('full system: tasks as threads, their stacks, user programs\' symbols, [vvar] from the kernel\'s type', { skip }, () => {
  let dc: DebugClient;
  let launch: Record<string, unknown>;
  before(async () => {
    dc = await startClient();
    dc.defaultTimeout = 120_000;
    if (typeof a !== 'string') launch = { kernel: a.image, initrd: a.initramfs, vmlinux: a.vmlinux, firmware: 'builtin', userPrograms: { '/init': initElf } };
  });
  after(async () => { await dc.stop(); });

  test('at init\'s first write: the thread that stopped is init (pid 1), the Threads view lists the kernel\'s tasks, init\'s stack runs from sys_write down into its own main()', async () => {
    await launchStopped(dc, { ...launch, stopOnEntry: true });
    assert.deepEqual((await dc.threadsRequest()).body.threads.map((t) => t.name), ['hart 0'], 'no tasks before the kernel runs');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_write' }] });
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.threadId, 1, 'init (pid 1) is current');
    const threads = (await dc.threadsRequest()).body.threads;
    const byName = (re: RegExp) => threads.find((t) => re.test(t.name));
    assert.ok(byName(/^swapper \(pid 0, kernel thread/), threads.map((t) => t.name).join('; '));
    const init = byName(/^init \(pid 1, on the hart\)$/);
    assert.ok(init, threads.map((t) => t.name).join('; '));
    assert.equal(init.id, 1);
    const kthreadd = byName(/^kthreadd \(pid 2, kernel thread, (sleeping|runnable)\)$/);
    assert.ok(kthreadd, threads.map((t) => t.name).join('; '));
    assert.equal(kthreadd.id, 2);
    assert.ok(threads.length >= 4, `${threads.length} tasks`);
    // init's stack: kernel frames (vmlinux), then its user frames from the trap frame, named by /init's own ELF
    const st = await stackOf(dc, 1);
    process.stdout.write(`# init's stack at sys_write: ${names(st)}\n`);
    assert.match(st[0].name, /sys_write \(vmlinux\)$/);
    const main = st.findIndex((f) => /^main \(\/init\)$/.test(f.name));
    assert.ok(main > 0, names(st));
    assert.equal(st[main].path, INIT_C);
    assert.ok(st[main].line > 0);
    assert.ok(st.slice(1, main).some((f) => f.ip < KERNEL && /\(\/init\)$/.test(f.name)), `glibc's write path in /init: ${names(st)}`);
    assert.match(await evaluate(dc, '$priv'), /^0x1 /);
    // modules: vmlinux, /init (its symbols at its own addresses), the vDSO at init's base
    const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
    assert.deepEqual(mods.map((m) => m.name), ['vmlinux', '/init', 'linux-vdso.so.1']);
  });

  test('another task\'s stack comes from its saved context (thread_struct ra/sp/s0-s11): kthreadd sleeps in the scheduler, in vmlinux\'s source', async () => {
    const threads = (await dc.threadsRequest()).body.threads;
    const kthreadd = threads.find((t) => /^kthreadd /.test(t.name))!;
    const st = await stackOf(dc, kthreadd.id);
    assert.ok(st.length >= 2, names(st));
    assert.ok(st.every((f) => f.ip >= KERNEL), names(st));
    assert.ok(st.some((f) => /^(__schedule|schedule|kthreadd) \(vmlinux\)$/.test(f.name)), names(st));
    assert.ok(st.some((f) => /^kthreadd \(vmlinux\)$/.test(f.name) && /kernel\/kthread\.c$/.test(f.path)), names(st));
    assert.ok(st.every((f) => f.id !== 1), 'frame ids of another thread differ from the stopped one\'s');
    // the idle task too (its id stands for pid 0)
    const idle = threads.find((t) => /^swapper /.test(t.name))!;
    const ist = await stackOf(dc, idle.id);
    assert.ok(ist.some((f) => /^(do_idle|cpu_startup_entry|rest_init|arch_cpu_idle|default_idle_call) \(vmlinux\)$/.test(f.name)), names(ist));
  });

  test('[vvar] of the process on the hart is decoded with vmlinux\'s struct vdso_data (CS_BASES entries, the kernel\'s own field names)', async () => {
    const sc = await scope(dc, '[vvar]') as DebugProtocol.Scope & { memoryReference?: string };
    assert.ok(sc.memoryReference, 'a memory reference');
    const top = await variables(dc, sc.variablesReference);
    const kinds = top.map((v) => v.name);
    assert.deepEqual(kinds.slice(0, 2), ['vdso_data[0]', 'vdso_data[1]'], kinds.join(', '));
    const d0 = await variables(dc, top[0].variablesReference);
    const field = (n: string) => d0.find((v) => v.name === n);
    for (const n of ['seq', 'clock_mode', 'cycle_last', 'mask', 'mult', 'shift', 'tz_minuteswest', 'hrtimer_res', 'arch_data']) assert.ok(field(n), `${n} among ${d0.map((v) => v.name).join(', ')}`);
    assert.ok(Number(field('mult')!.value) > 0, 'mult set by update_vsyscall');
    assert.match(field('seq')!.value, /^\d+$/);
    // basetime is inside an anonymous union in the kernel's type
    const anon = d0.find((v) => v.name.startsWith('<anonymous'));
    assert.ok(anon || field('basetime'), d0.map((v) => v.name).join(', '));
    const info = top.find((v) => v.name === 'address');
    assert.match(info?.value ?? '', /^0x[0-9a-f]+ \(\[vvar\] of init; the kernel's vdso_data at 0xffffffff[0-9a-f]+\)$/);
  });

  test('the Variables view shows a kernel frame\'s arguments (sys_write\'s fd) and the user frame\'s globals from /init\'s DWARF', async () => {
    const st = await stackOf(dc, 1);
    const sc = (await dc.scopesRequest({ frameId: st[0].id })).body.scopes;
    const args = await variables(dc, sc[0].variablesReference);
    assert.ok(args.some((v) => v.name === 'fd' && v.value === '1'), args.map((v) => `${v.name}=${v.value}`).join(', '));
    const main = st.find((f) => /^main \(\/init\)$/.test(f.name))!;
    const msc = (await dc.scopesRequest({ frameId: main.id })).body.scopes;
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const globals = await variables(dc, msc.find((x) => x.name === 'Globals')!.variablesReference);
    assert.ok(globals.some((v) => v.name === 'failures' && v.value === '0'), `init.c's static 'failures' from /init's DWARF: ${globals.map((v) => `${v.name}=${v.value}`).join(', ')}`);
  });

  test('a vDSO breakpoint stops in init with the kernel\'s vDSO source (vdso-lines.so: the build\'s vDSO with its DWARF) and init\'s frames below', async () => {
    if (typeof a === 'string') return;
    const lines = existsSync(join(dirname(a.vmlinux), 'vdso-lines.so'));
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime' }] });
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.threadId, 1);
    const st = await stackOf(dc, 1);
    assert.match(st[0].name, /^__vdso_clock_gettime \(linux-vdso\.so\.1\)$/, names(st));
    if (lines) assert.match(st[0].path, /arch\/riscv\/kernel\/vdso\/vgettimeofday\.c$/);
    assert.ok(st.some((f) => /^(check_clocks|main) \(\/init\)$/.test(f.name) && f.path === INIT_C), `unwound from the vDSO into /init: ${names(st)}`);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  });

  test('a source breakpoint in /init\'s C source stops in init only, in U-mode, at that line', async () => {
    const src = readFileSync(INIT_C, 'utf8').split('\n');
    const line = src.findIndex((l) => l.includes('printf("init: gettimeofday ok')) + 1;
    assert.ok(line > 0);
    const r = await dc.setBreakpointsRequest({ source: { path: INIT_C }, breakpoints: [{ line }] });
    assert.equal(r.body.breakpoints[0].verified, true);
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.threadId, 1);
    const st = await stackOf(dc, 1);
    assert.equal(st[0].path, INIT_C);
    assert.equal(st[0].line, line);
    assert.match(await evaluate(dc, '$priv'), /^0x0 /);
    await dc.setBreakpointsRequest({ source: { path: INIT_C }, breakpoints: [] });
  });

  test('userPrograms is checked at launch', async () => {
    if (typeof a === 'string') return;
    const d2 = await startClient();
    try {
      await d2.initializeRequest();
      assert.match(await errorOf(d2.launchRequest({ kernel: a.image, userPrograms: { init: initElf } } as DebugProtocol.LaunchRequestArguments)), /"userPrograms" names "init": expected the program's absolute path in the guest/);
      assert.match(await errorOf(d2.launchRequest({ kernel: a.image, userPrograms: { '/init': a.initramfs } } as DebugProtocol.LaunchRequestArguments)), /is not an ELF file/);
      assert.match(await errorOf(d2.launchRequest({ kernel: a.image, userPrograms: { '/init': 3 } } as unknown as DebugProtocol.LaunchRequestArguments)), /"userPrograms"."\/init" is 3 \(a number\); expected a string/);
    } finally {
      await d2.stop();
    }
  });
});


const SYSCALL_C = join(__dirname, '..', '..', 'samples', 'syscall.c');
const SYSCALL_ELF = join(__dirname, '..', '..', 'samples', 'syscall');

describe('full system: Step Into on a C syscall() line enters Linux\'s entry.S at line granularity, and back', { skip }, () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); dc.defaultTimeout = 120_000; });
  after(async () => { await dc.stop(); });

  test('a breakpoint on syscall(SYS_gettimeofday, ...) in /bin/syscall; Step Into stops at handle_exception (entry.S); stepping on reaches sys_gettimeofday; Step Out twice returns through ret_from_exception/sret to user mode', async () => {
    if (typeof a === 'string') return;
    await launchStopped(dc, { kernel: a.image, initrd: a.initramfs, vmlinux: a.vmlinux, firmware: 'builtin', userPrograms: { '/init': initElf, '/bin/syscall': SYSCALL_ELF }, stopOnEntry: true });
    const line = readFileSync(SYSCALL_C, 'utf8').split('\n').findIndex((l) => l.includes('syscall(SYS_gettimeofday')) + 1;
    const r = await dc.setBreakpointsRequest({ source: { path: SYSCALL_C }, breakpoints: [{ line }] });
    assert.equal(r.body.breakpoints[0].verified, false, 'pending until a process runs /bin/syscall');
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    const tid = ev.body.threadId!;
    assert.ok(tid > 1, `a process of its own (pid ${tid})`);
    const threads = (await dc.threadsRequest()).body.threads;
    assert.match(threads.find((t) => t.id === tid)?.name ?? '', /^syscall \(pid \d+, on the hart\)$/);
    let st = await stackOf(dc, tid);
    assert.equal(st[0].path, SYSCALL_C);
    assert.equal(st[0].line, line);
    assert.match(st[0].name, /^main \(\/bin\/syscall\)$/);
    await dc.setBreakpointsRequest({ source: { path: SYSCALL_C }, breakpoints: [] });

    // Step Into (a line step, the default granularity) from the C line: the ecall enters the kernel's entry; the
    // stop is the syscall task's (current read from sscratch: tp still holds the user's thread pointer there)
    const stepped = await stopAfter(dc, () => dc.stepInRequest({ threadId: tid }));
    assert.equal(stepped.body.threadId, tid, 'the stop names the task that made the system call');
    assert.match((await dc.threadsRequest()).body.threads.find((t) => t.id === tid)?.name ?? '', /^syscall \(pid \d+, on the hart\)$/);
    st = await stackOf(dc, tid);
    assert.match(st[0].name, /^handle_exception \(vmlinux\)$/, names(st));
    assert.match(st[0].path, /arch\/riscv\/kernel\/entry\.S$/);
    assert.match(await evaluate(dc, '$priv'), /^0x1 /, 'S-mode');
    assert.equal(BigInt((await evaluate(dc, '$scause')).split(' ')[0]), 8n, 'environment call from U-mode');
    const ecall = BigInt((await evaluate(dc, '$sepc')).split(' ')[0]);
    assert.ok(st.some((f) => /^main \(\/bin\/syscall\)$/.test(f.name) && f.line === line), `the user frames below the trap entry: ${names(st)}`);

    // stepping on, line by line through entry.S (Step Into enters the calls it makes): the system call itself
    const seen: string[] = [];
    let steps = 0;
    for (; steps < 400; steps++) {
      await stopAfter(dc, () => dc.stepInRequest({ threadId: tid }));
      st = await stackOf(dc, tid);
      seen.push(`${st[0].name}:${st[0].line}`);
      if (/sys_gettimeofday \(vmlinux\)$/.test(st[0].name)) break;
      assert.match(await evaluate(dc, '$priv'), /^0x1 /, `still in the kernel: ${seen.slice(-5).join(' ')}`);
    }
    process.stdout.write(`# Step Into from handle_exception to sys_gettimeofday: ${steps + 1} line steps (${[...new Set(seen.map((x) => x.split(':')[0]))].join(', ')})\n`);
    assert.match(st[0].name, /sys_gettimeofday \(vmlinux\)$/, seen.slice(-8).join(' '));
    assert.match(st[0].path, /kernel\/time\/time\.c$/);
    assert.ok(new Set(seen.map((x) => x.split(':')[1])).size > 3, 'line granularity: several entry.S lines stopped at');

    // Step Out of the system call: back in entry.S; Step Out again: sret to user mode after the ecall
    await stopAfter(dc, () => dc.stepOutRequest({ threadId: tid }));
    st = await stackOf(dc, tid);
    assert.match(st[0].path, /arch\/riscv\/kernel\/entry\.S$/, names(st));
    assert.match(await evaluate(dc, '$priv'), /^0x1 /);
    await stopAfter(dc, () => dc.stepOutRequest({ threadId: tid }));
    assert.match(await evaluate(dc, '$priv'), /^0x0 /, 'back in user mode');
    assert.equal(BigInt((await evaluate(dc, '$pc')).split(' ')[0]), ecall + 4n, 'after the ecall');
    st = await stackOf(dc, tid);
    assert.ok(st.some((f) => /^main \(\/bin\/syscall\)$/.test(f.name)), names(st));
  });
});
