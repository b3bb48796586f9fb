// The debug adapter on a whole system (issue 19): the demo kernel from Debian's linux-source-6.1 booted on the
// virt-compatible machine, its vmlinux giving symbols, lines and CFI. Needs the cached kernel
// (scripts/build-linux.sh); skipped with the reason without it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startClient, launchStopped, stopAfter, evaluate, errorOf, hex, variables, scope } from './helpers';
import { artefacts } from '../hart/virt/fullsys';
import { ElfFile } from '../../src/elf/elf';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const a = artefacts(false);

interface Frame { name: string; path: string; line: number; ip?: string }
/** The thread of each client's last stop (a whole system's threads are the kernel's tasks: the one on the hart). */
const stoppedThread = new WeakMap<DebugClient, number>();
function followStops(dc: DebugClient): DebugClient {
  dc.on('stopped', (e: DebugProtocol.StoppedEvent) => { if (e.body.threadId !== undefined) stoppedThread.set(dc, e.body.threadId); });
  return dc;
}
const tidOf = (dc: DebugClient): number => stoppedThread.get(dc) ?? 1;
/** Frame names (without the module suffix) and source paths of the current stack (of the thread that stopped). */
async function stackOf(dc: DebugClient): Promise<Frame[]> {
  const st = await dc.stackTraceRequest({ threadId: tidOf(dc) });
  return st.body.stackFrames.map((f) => ({ name: f.name.replace(/ \(.*\)$/, ''), path: f.source?.path ?? '', line: f.line, ip: f.instructionPointerReference }));
}
const skip = typeof a === 'string' ? a : false;

describe('full system: Linux 6.1 on the virt machine with its vmlinux', { skip }, () => {
  let dc: DebugClient;
  let syms: Map<string, bigint>;
  before(async () => {
    dc = followStops(await startClient());
    dc.defaultTimeout = 120_000;
    syms = new Map();
    if (typeof a !== 'string') for (const s of ElfFile.parse(readFileSync(a.vmlinux)).symbols()) if (s.name && s.shndx !== 0) syms.set(s.name, s.value);
  });
  after(async () => { await dc.stop(); });

  test('stops on entry at the firmware-less kernel start, in S-mode, with vmlinux as the module', async () => {
    if (typeof a === 'string') return;
    const ev = await launchStopped(dc, { kernel: a.image, initrd: a.initramfs, vmlinux: a.vmlinux, firmware: 'builtin', stopOnEntry: true });
    assert.equal(ev.body.reason, 'entry');
    const st = await dc.stackTraceRequest({ threadId: ev.body.threadId! });
    assert.equal(st.body.stackFrames[0].instructionPointerReference, '0x80200000', 'the kernel\'s physical load address');
    assert.match(await evaluate(dc, '$priv'), /^0x1 /);
    const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
    assert.deepEqual(mods.map((m) => m.name), ['vmlinux']);
    assert.deepEqual((await dc.threadsRequest()).body.threads.map((t) => t.name), ['hart 0']);
  });

  const stack = (): Promise<Frame[]> => stackOf(dc);

  test('a function breakpoint on update_vsyscall stops there: source line from vmlinux\'s DWARF (inlined frames too), callers unwound by CFI', async () => {
    if (typeof a === 'string') return;
    const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'update_vsyscall' }] });
    assert.equal(r.body.breakpoints[0].verified, true);
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'function breakpoint');
    const frames = await stack();
    assert.equal(frames[0].ip, hex(syms.get('update_vsyscall')!));
    const uv = frames.findIndex((f) => f.name === 'update_vsyscall');
    assert.ok(uv >= 0, `update_vsyscall among ${frames.map((f) => f.name).join(' <- ')}`);
    assert.match(frames[uv].path, /kernel\/time\/vsyscall\.c$/, JSON.stringify(frames.slice(0, 6)));
    assert.ok(frames[uv].line > 0);
    assert.ok(frames.slice(uv + 1).some((f) => /^timekeeping_|^update_wall_time$|^do_settimeofday|^tick_/.test(f.name)),
      `a timekeeping caller unwound: ${frames.map((f) => f.name).join(' <- ')}`);
    assert.match(await evaluate(dc, '$priv'), /^0x1 /, 'S-mode');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  });

  test('handle_exception (entry.S) stops with its assembly source; sys_write stops on init\'s first write; the run powers off at the end', async () => {
    if (typeof a === 'string') return;
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'handle_exception' }] });
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    const entry = await stack();
    assert.equal(entry[0].name, 'handle_exception');
    assert.match(entry[0].path, /arch\/riscv\/kernel\/entry\.S$/);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_write' }] });
    const output: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    const w = await stack();
    assert.equal(w[0].ip, hex(syms.get('sys_write')!));
    assert.ok(w.some((f) => /sys_write$/.test(f.name) && /fs\/read_write\.c$/.test(f.path)), w.map((f) => `${f.name} ${f.path}`).join('\n'));
    assert.match(output.join(''), /Run \/init as init process/);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    assert.match(output.join(''), /init: 0 failure\(s\), 2 skip\(s\); powering off/);
  });

  test('launch checks the full-system attributes and says what is wrong', async () => {
    if (typeof a === 'string') return;
    const d2 = await startClient();
    try {
      await d2.initializeRequest();
      assert.match(await errorOf(d2.launchRequest({ kernel: '/nonexistent/Image' } as DebugProtocol.LaunchRequestArguments)), /"kernel" is "\/nonexistent\/Image": no such file/);
      assert.match(await errorOf(d2.launchRequest({ kernel: a.image, program: a.vmlinux } as DebugProtocol.LaunchRequestArguments)), /"program" and "kernel" do not go together/);
      assert.match(await errorOf(d2.launchRequest({ kernel: a.image, memory: 3 } as DebugProtocol.LaunchRequestArguments)), /"memory" is 3 \(a number\); expected a whole number of MiB/);
      assert.match(await errorOf(d2.launchRequest({ kernel: a.image, vmlinux: a.initramfs } as DebugProtocol.LaunchRequestArguments)), /is not an ELF file/);
    } finally {
      await d2.stop();
    }
  });
});

describe('full system: the vDSO in every process (physical breakpoints and watches on the kernel\'s pages)', { skip }, () => {
  let dc: DebugClient;
  let vdsoSyms: Map<string, bigint>;
  let initStop: { satp: string; ip: bigint } | undefined;
  before(async () => {
    dc = followStops(await startClient());
    dc.defaultTimeout = 120_000;
    vdsoSyms = new Map();
    if (typeof a !== 'string') for (const s of ElfFile.parse(readFileSync(join(dirname(a.vmlinux), 'vdso.so.dbg'))).symbols()) if (s.name && s.shndx !== 0) vdsoSyms.set(s.name, s.value);
  });
  after(async () => { await dc.stop(); });
  const stack = (): Promise<Frame[]> => stackOf(dc);

  /** The stop must be in the named vDSO function of linux-vdso.so.1, in U-mode, at that function's offset. */
  async function checkVdsoStop(fn: string): Promise<{ satp: string; ip: bigint }> {
    const f = (await dc.stackTraceRequest({ threadId: tidOf(dc) })).body.stackFrames[0];
    assert.equal(f.name, `${fn} (linux-vdso.so.1)`);
    assert.match(await evaluate(dc, '$priv'), /^0x0 /, 'user mode');
    const ip = BigInt(f.instructionPointerReference!);
    assert.equal(ip & 0xfffn, vdsoSyms.get(fn)! & 0xfffn, 'the function\'s offset in the kernel\'s vdso.so.dbg, at this process\'s mapping');
    return { satp: (await evaluate(dc, '$satp')).split(' ')[0], ip };
  }

  test('__vdso_clock_gettime stops in init; a data breakpoint on its [vvar] seq then stops in update_vsyscall (the kernel writes the page through its own mapping)', async () => {
    if (typeof a === 'string') return;
    await launchStopped(dc, { kernel: a.image, initrd: a.initramfs, vmlinux: a.vmlinux, firmware: 'builtin', stopOnEntry: true });
    const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime' }] });
    assert.equal(r.body.breakpoints[0].verified, true, 'resolved in the kernel\'s vDSO before any process exists');
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'function breakpoint');
    await checkVdsoStop('__vdso_clock_gettime');
    // the second clock read: the first one has faulted [vvar] in
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    initStop = await checkVdsoStop('__vdso_clock_gettime');
    const ip = initStop.ip;
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    // [vvar] is the two pages below the vDSO (Linux 6.1 riscv: vdso_data, then the time-namespace page); seq first
    const vvar = (ip & ~0xfffn) - 0x2000n;
    const info = await dc.dataBreakpointInfoRequest({ name: `${hex(vvar)},4` });
    assert.ok(info.body.dataId);
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    const dev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(dev.body.reason, 'data breakpoint');
    assert.match(dev.body.text ?? dev.body.description ?? '', /write of 4 bytes at physical 0x[0-9a-f]+/);
    const frames = await stack();
    assert.ok(frames.some((f) => f.name === 'update_vsyscall'), frames.map((f) => f.name).join(' <- '));
    assert.match(await evaluate(dc, '$priv'), /^0x1 /, 'the kernel');
    assert.ok(BigInt(frames[0].ip!) >= 0xffffffff80000000n, 'kernel code');
    await dc.setDataBreakpointsRequest({ breakpoints: [] });
  });

  test('the same breakpoint, conditioned on another address space ($satp), stops in the next process at its own mapping of the same physical code', async () => {
    if (typeof a === 'string') return;
    assert.ok(initStop, 'the first test stopped in init');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime', condition: `$satp != ${initStop.satp}` }] });
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'function breakpoint');
    const next = await checkVdsoStop('__vdso_clock_gettime');
    assert.notEqual(next.satp, initStop.satp);
    process.stdout.write(`# vDSO stops: init satp ${initStop.satp} at ${hex(initStop.ip)}; next process satp ${next.satp} at ${hex(next.ip)}\n`);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  });
});

describe('full system: from a user ecall into the kernel\'s entry.S and back', { skip }, () => {
  let dc: DebugClient;
  before(async () => { dc = followStops(await startClient()); dc.defaultTimeout = 120_000; });
  after(async () => { await dc.stop(); });
  const stack = (): Promise<Frame[]> => stackOf(dc);

  test('an instruction breakpoint on init\'s write ecall; Step Into (instruction) enters handle_exception in entry.S in S-mode; Step Out comes back to user mode after the ecall', async () => {
    if (typeof a === 'string') return;
    await launchStopped(dc, { kernel: a.image, initrd: a.initramfs, vmlinux: a.vmlinux, firmware: 'builtin', stopOnEntry: true });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_write' }] });
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    // the user pc of the system call: sepc (the ecall in init's static glibc)
    const ecall = BigInt((await evaluate(dc, '$sepc')).split(' ')[0]);
    assert.ok(ecall < 0x4000000000n, 'a user address');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: hex(ecall) }] });
    process.stdout.write(`# ecall at ${hex(ecall)}\n`);
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'instruction breakpoint');
    assert.match(await evaluate(dc, '$priv'), /^0x0 /);
    const dis = await dc.customRequest('disassemble', { memoryReference: hex(ecall), instructionCount: 1 });
    assert.match(dis.body.instructions[0].instruction, /^ecall/);
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    await stopAfter(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    const k = await stack();
    assert.equal(k[0].name, 'handle_exception');
    assert.match(k[0].path, /arch\/riscv\/kernel\/entry\.S$/);
    assert.match(await evaluate(dc, '$priv'), /^0x1 /, 'S-mode');
    assert.equal(BigInt((await evaluate(dc, '$scause')).split(' ')[0]), 8n, 'environment call from U-mode');
    await stopAfter(dc, () => dc.stepOutRequest({ threadId: 1 }));
    assert.match(await evaluate(dc, '$priv'), /^0x0 /, 'back in user mode');
    assert.equal(BigInt((await evaluate(dc, '$pc')).split(' ')[0]), ecall + 4n, 'after the ecall');
  });
});

const fwDynamic = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
describe('full system under Debian\'s OpenSBI: stopped in the firmware, in M-mode', { skip: skip || (!existsSync(fwDynamic) && `${fwDynamic} is not installed (Debian package opensbi)`) }, () => {
  let dc: DebugClient;
  before(async () => { dc = followStops(await startClient()); dc.defaultTimeout = 120_000; });
  after(async () => { await dc.stop(); });

  test('stop on entry is OpenSBI\'s first instruction at 0x80000000 in M-mode; the CSR view shows the machine CSRs; a kernel breakpoint still stops in S-mode', async () => {
    if (typeof a === 'string') return;
    const ev = await launchStopped(dc, { kernel: a.image, initrd: a.initramfs, vmlinux: a.vmlinux, firmware: fwDynamic, stopOnEntry: true });
    assert.equal(ev.body.reason, 'entry');
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].instructionPointerReference, '0x80000000');
    assert.match(await evaluate(dc, '$priv'), /^0x3 /, 'M-mode');
    assert.match(await evaluate(dc, '$a2'), /^0x[0-9a-f]+/, 'fw_dynamic_info in a2');
    const csrs = await variables(dc, (await scope(dc, 'CSRs')).variablesReference);
    const machine = csrs.find((v) => v.name === 'Machine');
    assert.ok(machine, 'a Machine group');
    const m = await variables(dc, machine.variablesReference);
    for (const n of ['mstatus', 'mtvec', 'medeleg', 'mideleg', 'mepc']) assert.ok(m.some((v) => v.name === n), n);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'start_kernel' }] });
    await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.match((await stackOf(dc))[0].name, /^start_kernel/);
    assert.match(await evaluate(dc, '$priv'), /^0x1 /, 'S-mode under OpenSBI');
    assert.notEqual(BigInt((await evaluate(dc, '$medeleg')).split(' ')[0]), 0n, 'OpenSBI delegated exceptions to S-mode');
  });
});
