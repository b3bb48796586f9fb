// The debug adapter on Linux programs of the kernel model (test/fixtures/linux/build, static glibc): the
// acceptance scenario step by step. Addresses are checked against the generated vDSO symbol table plus this
// run's vDSO base (ASLR on), and the trap entry's generated symbols.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VDSO_OFFSETS } from '../../src/guest/vdso/vdsoSymbols.generated';
import { ENTRY_SYMBOLS } from '../../src/guest/kernel/entrySymbols.generated';
import { ROOT, startClient, launchStopped, evaluate, evalNumber, errorOf, stopAfter, variables, scope, hex } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux', 'build');
const HANDLE_EXCEPTION = ENTRY_SYMBOLS.find((s) => s.name === 'handle_exception')!.address;

async function vdsoBase(dc: DebugClient): Promise<bigint> {
  const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
  const v = mods.find((m) => m.name === 'linux-vdso.so.1');
  assert.ok(v, `modules: ${mods.map((m) => m.name).join(', ')}`);
  return BigInt(v.addressRange!.split('-')[0]);
}

describe('Linux: vdso.c, function breakpoints in the vDSO', () => {
  let dc: DebugClient;
  const out: string[] = [];
  before(async () => {
    dc = await startClient();
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
  });
  after(async () => { await dc.stop(); });

  test('pending until the vDSO is mapped, then verified at this run\'s address; stops there', async () => {
    let pending: DebugProtocol.Breakpoint[] = [];
    const changed: DebugProtocol.BreakpointEvent[] = [];
    dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e));
    const ev = await launchStopped(dc, { program: join(LINUX, 'vdso') }, async () => {
      pending = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime' }, { name: '__vdso_gettimeofday' }] })).body.breakpoints;
    });
    assert.deepEqual(pending.map((b) => b.verified), [false, false]);
    assert.equal(ev.body.reason, 'function breakpoint');
    const base = await vdsoBase(dc);
    assert.equal(base & 0xfffn, 0n);
    const verified = changed.filter((e) => e.body.breakpoint.verified).map((e) => BigInt(e.body.breakpoint.instructionReference!));
    assert.deepEqual(verified.sort(), [base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime), base + BigInt(VDSO_OFFSETS.__vdso_gettimeofday)].sort());
    const pc = await evalNumber(dc, '$pc');
    assert.ok(pc === base + BigInt(VDSO_OFFSETS.__vdso_gettimeofday) || pc === base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime), hex(pc));
    assert.equal(await evalNumber(dc, '__vdso_clock_gettime'), base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime));
  });

  test('the stack: the vDSO function in our source <- libc <- main, each frame naming its module', async () => {
    const frames = (await dc.stackTraceRequest({ threadId: (await dc.threadsRequest()).body.threads[0].id })).body.stackFrames;
    assert.match(frames[0].name, /^__vdso_(clock_gettime|gettimeofday) \(linux-vdso\.so\.1\)$/);
    assert.ok(frames[0].source?.path?.endsWith(join('src', 'guest', 'vdso', 'vgettimeofday.c')), frames[0].source?.path);
    assert.ok(frames[0].line > 0);
    const names = frames.map((f) => f.name);
    const main = names.findIndex((n) => /^main \(\/.*\/vdso\)$/.test(n));
    assert.ok(main >= 2, names.join(' <- '));
    assert.ok(names.slice(1, main).some((n) => /gettime/.test(n)), names.join(' <- '));
    for (const f of frames) assert.match(f.name, /\(.+\)$/);
  });

  test('[vvar] scope: every field decoded; seq even and equal to the first word of readMemory on its reference', async () => {
    const vv = await variables(dc, (await scope(dc, '[vvar]')).variablesReference);
    const addr = vv.find((v) => v.name === 'address')!;
    assert.ok(addr.memoryReference);
    assert.equal(BigInt(addr.memoryReference!), (await vdsoBase(dc)) - 0x2000n);
    const vd0 = await variables(dc, vv.find((v) => v.name === 'vd[0]')!.variablesReference);
    const get = (n: string) => vd0.find((v) => v.name === n)!.value;
    const seq = BigInt(get('seq').split(' ')[0]);
    assert.equal(seq % 2n, 0n);
    assert.match(get('clock_mode'), /^1 \(VDSO_CLOCKMODE_ARCHTIMER\)/);
    for (const n of ['cycle_last', 'mult', 'shift', 'mask', 'hrtimer_res']) assert.ok(vd0.some((v) => v.name === n), n);
    const bt = await variables(dc, vd0.find((v) => v.name === 'basetime')!.variablesReference);
    assert.match(bt.find((v) => v.name === 'CLOCK_REALTIME')!.value, /\(\d{4}-\d\d-\d\dT/);
    const mem = await dc.customRequest('readMemory', { memoryReference: addr.memoryReference, count: 16 });
    assert.equal(BigInt(Buffer.from(mem.body.data, 'base64').readUInt32LE(0)), seq);
  });

  test('CSR scope: fields decoded (sstatus.SPP, satp.MODE = Sv39, time/cycle/instret)', async () => {
    const csrs = await variables(dc, (await scope(dc, 'CSRs')).variablesReference);
    for (const n of ['sstatus', 'scause', 'stvec', 'satp', 'time', 'cycle', 'instret']) assert.ok(csrs.some((v) => v.name === n), n);
    const satp = csrs.find((v) => v.name === 'satp')!;
    const fields = await variables(dc, satp.variablesReference);
    assert.match(fields.find((f) => f.name === 'satp.MODE')!.value, /^Sv39 \(8\)/);
    assert.equal(await evalNumber(dc, '$priv'), 0n);
    assert.equal(BigInt(csrs.find((v) => v.name === 'stvec')!.value), HANDLE_EXCEPTION);
  });

  test('auxv and memory map scopes; console commands', async () => {
    const base = await vdsoBase(dc);
    const auxv = await variables(dc, (await scope(dc, 'auxv')).variablesReference);
    assert.equal(BigInt(auxv.find((v) => v.name === 'AT_SYSINFO_EHDR (33)')!.value.split(' ')[0]), base);
    const maps = await variables(dc, (await scope(dc, 'Memory map')).variablesReference);
    assert.ok(maps.some((m) => m.value.endsWith('[vdso]') && m.name.startsWith(base.toString(16))), maps.map((m) => m.value).join('\n'));
    assert.ok(maps.some((m) => m.value.endsWith('[vvar]')));
    assert.match(await evaluate(dc, 'info proc mappings'), /\[stack\]/);
    assert.match(await evaluate(dc, 'info vdso'), new RegExp(`linux-vdso\\.so\\.1 at ${hex(base)}`));
    assert.match(await evaluate(dc, 'info auxv'), /AT_PAGESZ \(6\)\s+4096/);
    assert.match(await evaluate(dc, 'x/2wx $sp'), /^0x[0-9a-f]+:\t0x[0-9a-f]{8}\t0x[0-9a-f]{8}$/);
    assert.match(await evaluate(dc, 'sstatus.SPP'), /^[US] \(\d\)/);
    assert.match(await errorOf(dc.customRequest('readMemory', { memoryReference: '0x1000', count: 8 })), /outside any mapping/);
  });

  test('continue to the end: guest stdout as output events, exit code in exited', async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    assert.match(out.join(''), /tv_sec=\d+, tv_usec=\d+/);
  });
});

describe('Linux: syscall.c, through the ecall into the kernel and back', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('the system-call filter stops at handle_exception with scause 8, sepc at the ecall, SPP = U', async () => {
    const ev = await launchStopped(dc, { program: join(LINUX, 'syscall'), strace: true }, async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['syscall'] });
    });
    assert.equal(ev.body.reason, 'exception');
    assert.match(ev.body.description!, /environment call from U-mode/);
    assert.equal(await evalNumber(dc, '$pc'), HANDLE_EXCEPTION);
    assert.equal(await evalNumber(dc, '$priv'), 1n);
    await dc.setExceptionBreakpointsRequest({ filters: [] });
  });

  test('stepIn on the ecall of syscall() enters handle_exception; the stack shows kernel above user; stepOut returns after sret', async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'syscall' }] });
    let ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'function breakpoint');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    let ecall = 0n;
    for (let i = 0; i < 100 && !ecall; i++) {
      const pc = await evalNumber(dc, '$pc');
      const ins = (await dc.disassembleRequest({ memoryReference: hex(pc), instructionCount: 1 })).body!.instructions[0];
      if (/^ecall/.test(ins.instruction)) ecall = pc;
      else await stopAfter(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    }
    assert.ok(ecall, 'no ecall reached');
    assert.equal(await evalNumber(dc, '$a7'), 169n);
    ev = await stopAfter(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(ev.body.reason, 'step');
    assert.equal(await evalNumber(dc, '$pc'), HANDLE_EXCEPTION);
    assert.equal(await evalNumber(dc, '$priv'), 1n);
    assert.match(await evaluate(dc, '$scause'), /^8 \(environment call from U-mode\)/);
    assert.equal(await evalNumber(dc, '$sepc'), ecall);
    assert.match(await evaluate(dc, 'sstatus.SPP'), /^U \(0\)/);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[0].name, 'handle_exception ([kernel] entry.elf)');
    assert.ok(frames[0].source?.path?.endsWith(join('src', 'guest', 'kernel', 'entry.S')));
    assert.equal(frames[1].instructionPointerReference, hex(ecall));
    assert.match(frames[1].name, /^syscall\+0x[0-9a-f]+ \(\/.*\/syscall\)$/, 'a frame without source: function+offset (module)');
    assert.ok(frames.some((f) => /^main \(\/.*\/syscall\)$/.test(f.name)));
    // a few instruction steps inside the kernel keep the user frame
    await stopAfter(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await evalNumber(dc, '$pc'), HANDLE_EXCEPTION + 4n);
    ev = await stopAfter(dc, () => dc.stepOutRequest({ threadId: 1 }));
    assert.equal(await evalNumber(dc, '$pc'), ecall + 4n);
    assert.equal(await evalNumber(dc, '$priv'), 0n);
    assert.equal(await evalNumber(dc, '$a0'), 0n);
  });

  test('strace lines arrive as output events; the exit code in exited', async () => {
    const lines: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => lines.push(e.body.output));
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    assert.ok(lines.some((l) => /^\[strace\] (write|exit_group)\(/.test(l)), lines.join(''));
  });
});

describe('Linux: a data breakpoint on [vvar] seq stops when the kernel updates the data page', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('dataBreakpointInfo for seq, write access: stops with seq changed', async () => {
    const ev = await launchStopped(dc, { program: join(LINUX, 'clockloop'), args: ['200000'], stopOnEntry: true });
    assert.equal(ev.body.reason, 'entry');
    const info = await dc.dataBreakpointInfoRequest({ name: 'seq' });
    assert.match(info.body.description, /\[vvar\] vd\[0\]\.seq/);
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const before = await evalNumber(dc, `*(u32*)${hex((await vdsoBase(dc)) - 0x2000n)}`);
    const stop = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stop.body.reason, 'data breakpoint');
    assert.match(stop.body.description!, /seq/);
    const now = await evalNumber(dc, `*(u32*)${hex((await vdsoBase(dc)) - 0x2000n)}`);
    assert.notEqual(now, before);
  });
});
