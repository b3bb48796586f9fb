// Requests on a Linux program (static vdso.c, stopped in __vdso_clock_gettime): disassemble, readMemory /
// writeMemory on [vvar], [vdso], the stack and pointer-valued registers, evaluate (registers, CSRs and fields,
// memory, symbols), setVariable on CSRs with WARL rules (the hart keeps legal values), the bad-request errors
// with their exact messages; pause of a busy Linux guest; and the adapter in --server=PORT mode over TCP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VDSO_OFFSETS } from '../../src/guest/vdso/vdsoSymbols.generated';
import { ENTRY_SYMBOLS } from '../../src/guest/kernel/entrySymbols.generated';
import { ROOT, ADAPTER, ensureBuilt, startClient, launchStopped, evaluate, evalNumber, errorOf, stopAfter, variables, scope, hex } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux', 'build');
const VDSO = join(LINUX, 'vdso');
const HANDLE_EXCEPTION = ENTRY_SYMBOLS.find((s) => s.name === 'handle_exception')!.address;

async function vdsoBase(dc: DebugClient): Promise<bigint> {
  const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
  return BigInt(mods.find((m) => m.name === 'linux-vdso.so.1')!.addressRange!.split('-')[0]);
}

async function read(dc: DebugClient, memoryReference: string, count: number, offset = 0): Promise<Buffer> {
  const r = await dc.customRequest('readMemory', { memoryReference, count, offset });
  return Buffer.from(r.body.data, 'base64');
}

describe('Linux requests on vdso.c, stopped in __vdso_clock_gettime', () => {
  let dc: DebugClient;
  let base = 0n;
  before(async () => {
    dc = await startClient();
    await launchStopped(dc, { program: VDSO }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime' }] }));
    base = await vdsoBase(dc);
  });
  after(async () => { await dc.stop(); });

  test('disassemble in the vDSO: symbol, source line of vgettimeofday.c, objdump syntax; and in the program\'s main', async () => {
    const at = base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime);
    assert.equal(await evalNumber(dc, '$pc'), at);
    const d = (await dc.disassembleRequest({ memoryReference: hex(at), instructionCount: 4, resolveSymbols: true })).body!.instructions;
    assert.equal(d.length, 4);
    assert.equal(d[0].address, hex(at));
    assert.equal(d[0].symbol, '__vdso_clock_gettime');
    assert.ok(d[0].location?.path?.endsWith(join('src', 'guest', 'vdso', 'vgettimeofday.c')), d[0].location?.path);
    assert.ok(d[0].line! > 0);
    for (const i of d) assert.match(i.instruction, /^[a-z.]+(\s+\S.*)?$/);
    // backwards across the function start keeps instruction boundaries
    const back = (await dc.disassembleRequest({ memoryReference: hex(at), instructionOffset: -2, instructionCount: 3 })).body!.instructions;
    assert.equal(back[2].address, hex(at));
    // the program's main, by symbol, with vdso.c lines
    const m = (await dc.disassembleRequest({ memoryReference: 'main', instructionCount: 2 })).body!.instructions;
    assert.equal(m[0].address, hex(await evalNumber(dc, 'main')));
    assert.equal(m[0].symbol, 'main');
    assert.ok(m[0].location?.path?.endsWith('vdso.c'), m[0].location?.path);
    // the kernel trap entry (not mapped in the user address space, still disassembled by the debugger)
    const k = (await dc.disassembleRequest({ memoryReference: hex(HANDLE_EXCEPTION), instructionCount: 1 })).body!.instructions;
    assert.equal(k[0].symbol, 'handle_exception');
  });

  test('readMemory with the memory references of [vvar], [vdso], the stack and a pointer register', async () => {
    // [vdso]: the ELF header of the vDSO image
    const elf = await read(dc, hex(base), 4);
    assert.deepEqual([...elf], [0x7f, 0x45, 0x4c, 0x46]);
    // [vvar] scope reference
    const vv = await scope(dc, '[vvar]');
    assert.equal(BigInt((vv as DebugProtocol.Scope & { memoryReference?: string }).memoryReference!), base - 0x2000n);
    assert.equal((await read(dc, hex(base - 0x2000n), 4)).readUInt32LE(0) % 2, 0);
    // the stack pointer's reference from the Registers scope; the word at sp equals *(u64*)$sp
    const regs = await variables(dc, (await scope(dc, 'Registers')).variablesReference);
    const sp = regs.find((r) => r.name === 'x2 (sp)')!;
    assert.ok(sp.memoryReference, 'sp has a memory reference');
    const w = (await read(dc, sp.memoryReference!, 8)).readBigUInt64LE(0);
    assert.equal(w, await evalNumber(dc, '*(u64*)$sp'));
    // a register that is not a pointer into any mapping has none
    const zero = regs.find((r) => r.name === 'x0 (zero)')!;
    assert.equal(zero.memoryReference, undefined);
    // a read running off the end of a mapping: the rest is unreadable
    const maps = await variables(dc, (await scope(dc, 'Memory map')).variablesReference);
    const stack = maps.find((m) => m.value.endsWith('[stack]'))!;
    const end = BigInt('0x' + stack.name.split('-')[1]);
    const r = await dc.customRequest('readMemory', { memoryReference: hex(end - 8n), count: 16 });
    assert.equal(Buffer.from(r.body.data, 'base64').length, 8);
    assert.equal(r.body.unreadableBytes, 8);
  });

  test('writeMemory on the stack and into [vvar]; readMemory and evaluate see the new bytes; restored', async () => {
    const sp = await evalNumber(dc, '$sp');
    const old = await read(dc, hex(sp - 16n), 8);
    const w = await dc.customRequest('writeMemory', { memoryReference: hex(sp), offset: -16, data: Buffer.from('RISC-V!\0').toString('base64') });
    assert.equal(w.body.bytesWritten, 8);
    assert.equal((await read(dc, hex(sp - 16n), 8)).toString('latin1'), 'RISC-V!\0');
    assert.match(await evaluate(dc, 'x/s $sp - 16'), /"RISC-V!"/);
    await dc.customRequest('writeMemory', { memoryReference: hex(sp - 16n), data: old.toString('base64') });
    assert.deepEqual(await read(dc, hex(sp - 16n), 8), old);
    // The client's frame ids of this stop stay valid after a write (VS Code evaluates in its focused frame).
    assert.equal((await dc.evaluateRequest({ expression: '$sp', frameId: 1, context: 'repl' })).body.memoryReference, hex(sp));
    // [vvar] hrtimer_res (read-only for the guest; the debugger writes it)
    const vv = await variables(dc, (await scope(dc, '[vvar]')).variablesReference);
    const vd0 = await variables(dc, vv.find((v) => v.name === 'vd[0]')!.variablesReference);
    const res = vd0.find((v) => v.name === 'hrtimer_res')!;
    const before = await read(dc, res.memoryReference!, 4);
    await dc.customRequest('writeMemory', { memoryReference: res.memoryReference, data: Buffer.from([0x39, 0x30, 0, 0]).toString('base64') });
    assert.equal(await evalNumber(dc, `*(u32*)${res.memoryReference}`), 12345n);
    await dc.customRequest('writeMemory', { memoryReference: res.memoryReference, data: before.toString('base64') });
  });

  test('evaluate: registers, CSRs and their fields, memory expressions, symbols', async () => {
    const a0 = await evalNumber(dc, '$a0');
    assert.equal(await evaluate(dc, '$a0'), `${hex(a0)} (${BigInt.asIntN(64, a0)})`);
    const sstatus = await evaluate(dc, '$sstatus');
    assert.match(sstatus, /^0x[0-9a-f]+ \(\d+\)\n {2}sstatus\.SIE = /);
    assert.match(sstatus, /\n {2}sstatus\.UXL = 64-bit \(2\)/);
    assert.equal(await evaluate(dc, 'sstatus.SPP'), 'U (0)');
    assert.equal(await evaluate(dc, 'satp.MODE'), 'Sv39 (8)');
    assert.equal(await evalNumber(dc, '$x0'), 0n);
    assert.equal(await evalNumber(dc, '$sp + 8 - 8'), await evalNumber(dc, '$x2'));
    assert.equal(await evalNumber(dc, '*(u64*)($sp)'), (await read(dc, hex(await evalNumber(dc, '$sp')), 8)).readBigUInt64LE(0));
    assert.equal(await evalNumber(dc, '*(u8*)__vdso_clock_gettime'), BigInt((await read(dc, hex(base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime)), 1))[0]));
    assert.equal(await evalNumber(dc, '__vdso_gettimeofday + 4'), base + BigInt(VDSO_OFFSETS.__vdso_gettimeofday) + 4n);
    assert.equal(await evalNumber(dc, '__vdso_gettimeofday - __vdso_clock_gettime'), BigInt(VDSO_OFFSETS.__vdso_gettimeofday - VDSO_OFFSETS.__vdso_clock_gettime));
    // stvec.BASE means an address: shown and evaluated as BASE << 2
    assert.equal(await evalNumber(dc, 'stvec.BASE'), HANDLE_EXCEPTION);
    // a watch expression's result carries a memory reference when it points into a mapping
    const w = await dc.evaluateRequest({ expression: '$sp', context: 'watch' });
    assert.equal(w.body.memoryReference, hex(await evalNumber(dc, '$sp')));
    const hover = await dc.evaluateRequest({ expression: '1 + 2', context: 'hover' });
    assert.equal(hover.body.result, '0x3 (3)');
  });

  test('CSR view: stvec.BASE as the address it means; setVariable on CSRs keeps legal (WARL) values', async () => {
    const csrs = await variables(dc, (await scope(dc, 'CSRs')).variablesReference);
    const stvec = csrs.find((v) => v.name === 'stvec')!;
    const tv = await variables(dc, stvec.variablesReference);
    const baseField = tv.find((f) => f.name === 'stvec.BASE')!;
    assert.equal(baseField.value, `${hex(HANDLE_EXCEPTION)} (field value ${hex(HANDLE_EXCEPTION >> 2n)} = address >> 2)`);
    assert.equal(baseField.memoryReference, undefined); // the kernel entry is not in the user's maps
    assert.equal(tv.find((f) => f.name === 'stvec.MODE')!.value, 'Direct (0)');
    // stvec.MODE = 2 is reserved: the hart keeps Direct; BASE takes an address, aligned
    let r = await dc.setVariableRequest({ variablesReference: stvec.variablesReference, name: 'stvec.MODE', value: '2' });
    assert.equal(r.body.value, 'Direct (0)');
    r = await dc.setVariableRequest({ variablesReference: stvec.variablesReference, name: 'stvec.BASE', value: hex(HANDLE_EXCEPTION + 4n) });
    assert.match(r.body.value, new RegExp(`^${hex(HANDLE_EXCEPTION + 4n)} `));
    assert.equal(await evalNumber(dc, '$stvec'), HANDLE_EXCEPTION + 4n);
    assert.equal(await errorOf(dc.setVariableRequest({ variablesReference: stvec.variablesReference, name: 'stvec.BASE', value: hex(HANDLE_EXCEPTION + 2n) })),
      `stvec.BASE: ${hex(HANDLE_EXCEPTION + 2n)} is not a multiple of 4 (the field holds address bits 63:2)`);
    await dc.setVariableRequest({ variablesReference: (await scope(dc, 'CSRs')).variablesReference, name: 'stvec', value: hex(HANDLE_EXCEPTION) });
    assert.equal(await evalNumber(dc, '$stvec'), HANDLE_EXCEPTION);
    // satp: an unsupported MODE (Sv48 = 9) leaves the register unchanged; ASID has 16 bits (as QEMU's)
    const satp = csrs.find((v) => v.name === 'satp')!;
    const satpBefore = await evalNumber(dc, '$satp');
    r = await dc.setVariableRequest({ variablesReference: satp.variablesReference, name: 'satp.MODE', value: '9' });
    assert.equal(r.body.value, 'Sv39 (8)');
    assert.equal(await evalNumber(dc, '$satp'), satpBefore);
    r = await dc.setVariableRequest({ variablesReference: satp.variablesReference, name: 'satp.ASID', value: '0x12345' });
    assert.equal(r.body.value, '9029 (0x2345)');
    assert.equal(await evalNumber(dc, '$satp'), satpBefore | (0x2345n << 44n));
    r = await dc.setVariableRequest({ variablesReference: satp.variablesReference, name: 'satp.ASID', value: '0' });
    assert.equal(await evalNumber(dc, '$satp'), satpBefore);
    // sstatus: SPP takes S and back to U by name; UXL is read-only 64-bit
    const sstatus = csrs.find((v) => v.name === 'sstatus')!;
    r = await dc.setVariableRequest({ variablesReference: sstatus.variablesReference, name: 'sstatus.SPP', value: 'S' });
    assert.equal(r.body.value, 'S (1)');
    r = await dc.setVariableRequest({ variablesReference: sstatus.variablesReference, name: 'sstatus.SPP', value: 'U' });
    assert.equal(r.body.value, 'U (0)');
    r = await dc.setVariableRequest({ variablesReference: sstatus.variablesReference, name: 'sstatus.UXL', value: '1' });
    assert.equal(r.body.value, '64-bit (2)');
    assert.equal(await errorOf(dc.setVariableRequest({ variablesReference: sstatus.variablesReference, name: 'sstatus.SPP', value: 'H' })),
      "'H' is not a value of sstatus.SPP (one of U, S, or a number)");
    const counters = await variables(dc, csrs.find((v) => v.name === 'Counters and timers')!.variablesReference);
    assert.ok(counters.length > 0);
    assert.equal(await errorOf(dc.setVariableRequest({ variablesReference: (await scope(dc, 'CSRs')).variablesReference, name: 'time', value: '0' })), 'time is read-only');
  });

  test('bad requests: each error says what is wrong (exact messages); the session lives on', async () => {
    const pc = await evalNumber(dc, '$pc');
    assert.equal(await errorOf(evaluate(dc, 'no_such_symbol + 1')), "no symbol, register or CSR named 'no_such_symbol' in the loaded objects");
    assert.equal(await errorOf(evaluate(dc, '$nosuchreg')), 'no register or CSR named $nosuchreg');
    assert.equal(await errorOf(evaluate(dc, '*(u64*)0x10')), 'cannot read 8 bytes at 0x10: not mapped');
    assert.equal(await errorOf(evaluate(dc, '1 +')), 'expected a value at the end');
    assert.equal(await errorOf(evaluate(dc, '(1 + 2')), "expected ')' at the end");
    assert.equal(await errorOf(evaluate(dc, '1 / 0')), 'division by zero');
    assert.equal(await errorOf(dc.evaluateRequest({ expression: '  ', context: 'watch' })), 'evaluate: empty expression');
    assert.equal(await errorOf(dc.customRequest('readMemory', { memoryReference: '0x10', count: 8 })), 'cannot read memory at 0x10: the address is outside any mapping');
    assert.equal(await errorOf(dc.customRequest('readMemory', { memoryReference: hex(pc), count: -1 })), 'readMemory: arguments.count is -1: it must be at least 0 and at most 16777216 (docs/limits.md)');
    assert.equal(await errorOf(dc.customRequest('readMemory', { memoryReference: 'nowhere', count: 4 })), "memoryReference 'nowhere': no symbol, register or CSR named 'nowhere' in the loaded objects");
    assert.equal(await errorOf(dc.customRequest('readMemory', { count: 4 })), 'readMemory: arguments.memoryReference is required (a string)');
    assert.equal(await errorOf(dc.customRequest('writeMemory', { memoryReference: '0x10', data: 'AAAA' })), 'cannot write 3 bytes at 0x10: the address is outside any mapping');
    assert.equal(await errorOf(dc.customRequest('writeMemory', { memoryReference: hex(pc) })), 'writeMemory: arguments.data is required (a string)');
    assert.equal(await errorOf(dc.disassembleRequest({ memoryReference: hex(pc), instructionCount: -3 })), 'disassemble: arguments.instructionCount is -3: it must be at least 0 and at most 10000 (docs/limits.md)');
    assert.equal(await errorOf(dc.setBreakpointsRequest({ source: { path: '/x.c' }, breakpoints: [{ line: 0 }] })), 'setBreakpoints: line 0 is not a line number');
    assert.equal(await errorOf(dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: ' ' }] })), 'setFunctionBreakpoints: every breakpoint needs a name');
    assert.equal(await errorOf(dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'bogus' }] })), "setDataBreakpoints: 'bogus' is not a dataId from dataBreakpointInfo");
    assert.equal(await errorOf(dc.variablesRequest({ variablesReference: 99999 })), 'variablesReference 99999 is not valid at this stop');
    assert.equal(await errorOf(dc.scopesRequest({ frameId: 999 })), 'frame 999 is not a frame of the current stop');
    const regs = (await scope(dc, 'Registers')).variablesReference;
    assert.equal(await errorOf(dc.setVariableRequest({ variablesReference: regs, name: 'x99', value: '1' })), "no variable 'x99' in this scope");
    assert.equal(await errorOf(dc.setVariableRequest({ variablesReference: regs, name: 'x10 (a0)', value: 'nope' })), "no symbol, register or CSR named 'nope' in the loaded objects");
    assert.equal(await errorOf(dc.setExceptionBreakpointsRequest({ filters: ['bogus'] })), "unknown exception filter 'bogus' (known: syscall, interrupt, pagefault, illegal, firmware, signal)");
    assert.equal(await errorOf(dc.customRequest('noSuchRequest')), "unknown request 'noSuchRequest'");
    const info = await dc.dataBreakpointInfoRequest({ name: 'nothing_here' });
    assert.equal(info.body.dataId, null);
    assert.equal(info.body.description, "cannot watch 'nothing_here': no symbol, register or CSR named 'nothing_here' in the loaded objects");
    // still alive and stopped where it was
    assert.equal(await evalNumber(dc, '$pc'), pc);
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    assert.equal(await errorOf(dc.continueRequest({ threadId: 1 })), 'the program has ended');
  });
});

describe('launch errors', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('a launch without a program, with bad args or a missing file fails with the reason; requests before a launch too', async () => {
    await dc.initializeRequest();
    await dc.configurationDoneRequest();
    assert.equal(await errorOf(dc.launchRequest({} as DebugProtocol.LaunchRequestArguments)), 'launch: "program" is missing: set it to the path of the riscv64 ELF to debug');
    assert.equal(await errorOf(dc.launchRequest({ program: VDSO, args: 'x' } as DebugProtocol.LaunchRequestArguments)), 'launch: "args" is "x" (a string); expected an array of strings, e.g. ["1000"]');
    assert.equal(await errorOf(dc.launchRequest({ program: VDSO, timeMode: 'fast' } as DebugProtocol.LaunchRequestArguments)), 'launch: "timeMode" is "fast" (a string); expected "virtual" or "host"');
    assert.equal(await errorOf(dc.launchRequest({ program: VDSO, timeEpoch: 'now' } as DebugProtocol.LaunchRequestArguments)), 'launch: "timeEpoch" is "now" (a string); expected a number of seconds since 1970-01-01 UTC, e.g. 1704067200');
    assert.equal(await errorOf(dc.launchRequest({ program: VDSO, timeCsr: 'sbi' } as DebugProtocol.LaunchRequestArguments)), 'launch: "timeCsr" is "sbi" (a string); expected "hardware" or "firmware"');
    assert.equal(await errorOf(dc.launchRequest({ program: '/no/such/prog' } as DebugProtocol.LaunchRequestArguments)), 'launch: "program" is "/no/such/prog": no such file');
    assert.equal(await errorOf(dc.launchRequest({ program: VDSO, strace: 'yes' } as DebugProtocol.LaunchRequestArguments)), 'launch: "strace" is "yes" (a string); expected true or false');
    assert.equal(await errorOf(dc.launchRequest({ program: VDSO, cwd: '/no/such/dir' } as DebugProtocol.LaunchRequestArguments)), 'launch: "cwd" is "/no/such/dir": no such directory');
    const script = join(mkdtempSync(join(tmpdir(), 'rvl-launch-')), 'run.sh');
    writeFileSync(script, '#!/bin/sh\nexec ./vdso\n');
    assert.equal(await errorOf(dc.launchRequest({ program: script } as DebugProtocol.LaunchRequestArguments)), `launch: ${script} is not an ELF file (it starts with #!)`);
    assert.equal(await errorOf(dc.stackTraceRequest({ threadId: 1 })), 'no program is running');
    assert.equal(await errorOf(evaluate(dc, '$pc')), 'no program is running');
    // and a good launch still works in the same session
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.launchRequest({ program: VDSO, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
    assert.equal((await stopped).body.reason, 'entry');
  });
});

describe('pause of a busy Linux guest', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('clockloop with a huge count: pause stops it in user code; evaluate and stack work; continue runs on', async () => {
    await launchStopped(dc, { program: join(LINUX, 'clockloop'), args: ['100000000'], stopOnEntry: true });
    await dc.continueRequest({ threadId: 1 });
    assert.equal(await errorOf(evaluate(dc, '$pc')), 'the program is running: pause it first');
    assert.equal(await errorOf(dc.stackTraceRequest({ threadId: 1 })), 'the program is running: pause it first');
    await new Promise((r) => setTimeout(r, 300));
    const ev = await stopAfter(dc, () => dc.pauseRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'pause');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    // inside the loop: main itself, glibc's clock_gettime, the vDSO, or the kernel's timer entry
    assert.ok(frames.some((f) => /^main \(\/.*\/clockloop\)$/.test(f.name)), frames.map((f) => f.name).join(' <- '));
    const instret = await evalNumber(dc, '$instret');
    assert.ok(instret > 100_000n, String(instret));
    await dc.continueRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 100));
    await stopAfter(dc, () => dc.pauseRequest({ threadId: 1 }));
    assert.ok((await evalNumber(dc, '$instret')) > instret);
  });
});

describe('--server=PORT: DAP over TCP, one session per connection', () => {
  let server: ChildProcess;
  let port = 0;
  before(async () => {
    ensureBuilt();
    server = spawn(process.execPath, [ADAPTER, '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    port = await new Promise<number>((resolve, reject) => {
      let err = '';
      server.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on port (\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      server.on('exit', (code) => reject(new Error(`the adapter exited (${code}): ${err}`)));
    });
  });
  after(() => { server.kill('SIGKILL'); });

  // DebugClient has no timeouts on a socket connection: bound every test here so a failure cannot hang the run
  for (const n of [1, 2]) {
    test(`connection ${n}: function breakpoint in the vDSO verified and hit; evaluate; exit`, { timeout: 60000 }, async () => {
      const dc = new DebugClient('node', ADAPTER, 'riscv-vdso');
      dc.defaultTimeout = 20000;
      await dc.start(port);
      const timer = setTimeout(() => { void dc.stop(); }, 50000);
      try {
        const ev = await launchStopped(dc, { program: VDSO }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime' }] }));
        assert.equal(ev.body.reason, 'function breakpoint');
        const base = await vdsoBase(dc);
        assert.equal(await evalNumber(dc, '$pc'), base + BigInt(VDSO_OFFSETS.__vdso_clock_gettime));
        const exited = dc.waitForEvent('exited');
        await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
        await dc.continueRequest({ threadId: 1 });
        assert.equal((await exited).body.exitCode, 0);
      } finally {
        clearTimeout(timer);
        await Promise.race([dc.stop(), new Promise((r) => setTimeout(r, 2000))]);
      }
    });
  }

  test('a bad port is refused with a message', { timeout: 60000 }, async () => {
    const p = spawn(process.execPath, [ADAPTER, '--server=notaport'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => p.on('exit', r));
    assert.equal(code, 2);
    assert.equal(err, 'debugAdapter: bad port in --server=notaport\n');
  });
});
