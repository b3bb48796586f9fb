// The acceptance scenario on a DYNAMIC program: the seed's vdso.c linked against glibc from the cross sysroot
// /usr/riscv64-linux-gnu (built here with test/fixtures/linux/build.sh --dynamic; the kernel model finds
// PT_INTERP and the libraries there). Oracle suite (npm run test:oracle): needs riscv64-linux-gnu-gcc and the
// sysroot, which CI has.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VDSO_OFFSETS } from '../../src/guest/vdso/vdsoSymbols.generated';
import { ElfFile } from '../../src/elf/elf';
import { ROOT, startClient, launchStopped, evaluate, evalNumber, stopAfter, variables, scope, hex } from './helpers';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'linux');
const PROGRAM = join(FIXTURES, 'build', 'dynamic', 'vdso');
const SYSROOT = '/usr/riscv64-linux-gnu';

function build(): void {
  const r = spawnSync('bash', [join(FIXTURES, 'build.sh'), '--dynamic'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build.sh --dynamic failed: ${r.stderr}`);
}

describe('dynamic vdso.c: ld.so, libc.so.6 and the vDSO', () => {
  let dc: DebugClient;
  const changed: DebugProtocol.BreakpointEvent[] = [];
  const newModules: DebugProtocol.Module[] = [];
  before(async () => {
    build();
    assert.ok(existsSync(PROGRAM));
    assert.equal(ElfFile.parse(readFileSync(PROGRAM)).interp, '/lib/ld-linux-riscv64-lp64d.so.1');
    dc = await startClient();
    dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e));
    dc.on('module', (e: DebugProtocol.ModuleEvent) => { if (e.body.reason === 'new') newModules.push(e.body.module); });
  });
  after(async () => { await dc.stop(); });

  let pending: DebugProtocol.Breakpoint[] = [];
  let stop!: DebugProtocol.StoppedEvent;

  test('the function breakpoint on __vdso_clock_gettime is pending, resolves when the vDSO maps, and stops there', async () => {
    stop = await launchStopped(dc, { program: PROGRAM, sysroot: SYSROOT }, async () => {
      pending = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime' }] })).body.breakpoints;
    });
    assert.deepEqual(pending.map((b) => b.verified), [false]);
    assert.equal(stop.body.reason, 'function breakpoint');
    const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
    const vdso = mods.find((m) => m.name === 'linux-vdso.so.1')!;
    const base = BigInt(vdso.addressRange!.split('-')[0]);
    const v = changed.find((e) => e.body.breakpoint.verified)!;
    assert.ok(v, 'a breakpoint event verified it');
    assert.equal(v.body.breakpoint.instructionReference, hex(base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime)));
    assert.equal(v.body.breakpoint.message, `at ${hex(base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime))} (linux-vdso.so.1 + ${hex(BigInt(VDSO_OFFSETS.__vdso_clock_gettime))})`);
    assert.equal(await evalNumber(dc, '$pc'), base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime));
  });

  test('modules: the program, ld-linux-riscv64-lp64d.so.1, libc.so.6 and linux-vdso.so.1 at their addresses (as in the maps)', async () => {
    const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
    const names = mods.map((m) => m.name);
    for (const n of ['/lib/ld-linux-riscv64-lp64d.so.1', 'linux-vdso.so.1']) assert.ok(names.includes(n), names.join(', '));
    assert.ok(names.some((n) => n.startsWith('/') && n.endsWith('/vdso')), names.join(', ')); // the program under its host path
    const libc = mods.find((m) => /\/libc\.so\.6$/.test(m.name));
    assert.ok(libc, names.join(', '));
    const maps = await variables(dc, (await scope(dc, 'Memory map')).variablesReference);
    const startOf = (path: RegExp) => {
      const m = maps.filter((x) => path.test(x.value)).map((x) => BigInt('0x' + x.name.split('-')[0]));
      assert.ok(m.length, `no mapping for ${path}: ${maps.map((x) => x.value).join('\n')}`);
      return m.reduce((a, b) => (a < b ? a : b));
    };
    const range = (m: DebugProtocol.Module) => m.addressRange!.split('-').map((x) => BigInt(x));
    assert.equal(range(mods.find((m) => m.name === 'linux-vdso.so.1')!)[0], startOf(/\[vdso\]$/));
    assert.equal(range(mods.find((m) => m.name === '/lib/ld-linux-riscv64-lp64d.so.1')!)[0], startOf(/ld-linux-riscv64-lp64d\.so\.1$/));
    assert.equal(range(libc!)[0], startOf(/libc\.so\.6$/));
    assert.ok(libc!.path?.startsWith(SYSROOT), libc!.path);
    // each one was announced by a module event as it was mapped
    for (const n of ['/lib/ld-linux-riscv64-lp64d.so.1', 'linux-vdso.so.1', libc!.name]) assert.ok(newModules.some((m) => m.name === n), n);
    // AT_BASE is the interpreter's base, AT_SYSINFO_EHDR the vDSO's
    const auxv = await variables(dc, (await scope(dc, 'auxv')).variablesReference);
    assert.equal(BigInt(auxv.find((a) => a.name === 'AT_BASE (7)')!.value.split(' ')[0]), range(mods.find((m) => m.name === '/lib/ld-linux-riscv64-lp64d.so.1')!)[0]);
    assert.equal(BigInt(auxv.find((a) => a.name === 'AT_SYSINFO_EHDR (33)')!.value.split(' ')[0]), range(mods.find((m) => m.name === 'linux-vdso.so.1')!)[0]);
  });

  test('the stack: __vdso_clock_gettime (linux-vdso.so.1) <- libc.so.6 <- main of the program', async () => {
    const frames = (await dc.stackTraceRequest({ threadId: stop.body.threadId! })).body.stackFrames;
    const names = frames.map((f) => f.name);
    assert.equal(names[0], '__vdso_clock_gettime (linux-vdso.so.1)');
    assert.ok(frames[0].source?.path?.endsWith(join('src', 'guest', 'vdso', 'vgettimeofday.c')), frames[0].source?.path);
    const main = names.findIndex((n) => /^main \(\/.*\/vdso\)$/.test(n));
    assert.ok(main >= 2, names.join(' <- '));
    const between = names.slice(1, main);
    assert.ok(between.length && between.every((n) => /\(\/lib\/riscv64-linux-gnu\/libc\.so\.6\)$/.test(n) || /\(\/.*libc\.so\.6\)$/.test(n)), names.join(' <- '));
    assert.ok(between.some((n) => /^(__)?(clock_gettime|gettimeofday)/.test(n)), names.join(' <- '));
    // symbols of every object are known to expressions
    assert.match(await evaluate(dc, 'info vdso'), /linux-vdso\.so\.1 at 0x/);
    assert.ok((await evalNumber(dc, 'gettimeofday')) > 0n);
  });

  test('loadedSources lists the program\'s vdso.c and the vDSO\'s sources; stepOut returns into libc; the program exits 0', async () => {
    const sources = ((await dc.customRequest('loadedSources', {})).body as DebugProtocol.LoadedSourcesResponse['body']).sources.map((s) => s.path ?? s.name);
    assert.ok(sources.some((p) => p?.endsWith('vgettimeofday.c')), sources.join('\n'));
    assert.ok(sources.some((p) => p?.endsWith(join('linux', 'src', 'vdso.c')) || p?.endsWith('vdso.c')), sources.join('\n'));
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await stopAfter(dc, () => dc.stepOutRequest({ threadId: 1 }));
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.match(frames[0].name, /libc\.so\.6\)$/);
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
  });
});
