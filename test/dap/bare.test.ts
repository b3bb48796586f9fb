// The debug adapter on bare-metal programs (launch with "bare": true): the built adapter process driven by
// DebugClient. Addresses come from the fixtures' own symbol tables.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ElfFile } from '../../src/elf/elf';
import {
  BARE, COUNTER, COUNTER_C, startClient, launchStopped, lineOf, evaluate, evalNumber, errorOf, stopAfter, variables, scope, hex,
} from './helpers';

function symbols(path: string): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const s of ElfFile.parse(readFileSync(path)).symbols()) if (s.name && s.shndx !== 0) m.set(s.name, s.value);
  return m;
}
const HELLO = join(BARE, 'hello.elf');
const TRAP = join(BARE, 'trap.elf');
const helloSyms = symbols(HELLO);
const counterSyms = symbols(COUNTER);

describe('bare metal: hello.elf', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('stops on entry at the ELF entry point, in M-mode, with the program as the only module', async () => {
    const ev = await launchStopped(dc, { program: HELLO, bare: true, stopOnEntry: true });
    assert.equal(ev.body.reason, 'entry');
    const st = await dc.stackTraceRequest({ threadId: ev.body.threadId! });
    assert.equal(st.body.stackFrames[0].instructionPointerReference, hex(helloSyms.get('_start')!));
    assert.match(st.body.stackFrames[0].name, /^_start \(hello\.elf\)$/);
    const threads = await dc.threadsRequest();
    assert.deepEqual(threads.body.threads.map((t) => t.name), ['hart 0']);
    const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
    assert.deepEqual(mods.map((m) => m.name), ['hello.elf']);
    assert.match(await evaluate(dc, '$priv'), /^0x3 /);
  });

  test('registers scope: pc and x0-x31 with ABI names; f registers as double/single/hex', async () => {
    const regs = await variables(dc, (await scope(dc, 'Registers')).variablesReference);
    assert.equal(regs[0].name, 'pc');
    assert.equal(BigInt(regs[0].value.split(' ')[0]), helloSyms.get('_start'));
    assert.ok(regs.some((v) => v.name === 'x10 (a0)'));
    assert.ok(regs.some((v) => v.name === 'x31 (t6)'));
    const fp = regs.find((v) => v.name === 'f0-f31')!;
    const f0 = (await variables(dc, fp.variablesReference))[0];
    assert.equal(f0.name, 'f0 (ft0)');
    const parts = await variables(dc, f0.variablesReference);
    assert.deepEqual(parts.map((p) => p.name), ['double', 'single', 'hex']);
  });

  test('CSR scope decodes fields; setVariable follows the legal-value rules and rejects read-only CSRs', async () => {
    const csrScope = await scope(dc, 'CSRs');
    const top = await variables(dc, csrScope.variablesReference);
    for (const n of ['sstatus', 'scause', 'stvec', 'satp', 'time', 'cycle', 'instret']) assert.ok(top.some((v) => v.name === n), n);
    const machine = top.find((v) => v.name === 'Machine')!;
    const mcsrs = await variables(dc, machine.variablesReference);
    const mstatus = mcsrs.find((v) => v.name === 'mstatus')!;
    const fields = await variables(dc, mstatus.variablesReference);
    assert.ok(fields.some((f) => f.name === 'mstatus.MPP'));
    const before = await evalNumber(dc, '$mstatus');
    const r = await dc.setVariableRequest({ variablesReference: mstatus.variablesReference, name: 'mstatus.MPP', value: 'S' });
    assert.match(r.body.value, /^S \(1\)/);
    assert.match(await evaluate(dc, 'mstatus.MPP'), /^S \(1\)/);
    assert.equal(await evalNumber(dc, '$mstatus >> 11 & 3'), 1n);
    // MPP = 2 is reserved: the hart keeps a legal value
    const r2 = await dc.setVariableRequest({ variablesReference: mstatus.variablesReference, name: 'mstatus.MPP', value: '2' });
    assert.doesNotMatch(r2.body.value, /\(2\)/);
    await dc.setVariableRequest({ variablesReference: machine.variablesReference, name: 'mstatus', value: hex(before) });
    assert.equal(await evalNumber(dc, '$mstatus'), before);
    const mvendorid = mcsrs.find((v) => v.name === 'mvendorid')!;
    assert.match(await errorOf(dc.setVariableRequest({ variablesReference: machine.variablesReference, name: mvendorid.name, value: '1' })), /read-only/);
    const satp = top.find((v) => v.name === 'satp')!;
    assert.match(satp.value, /MODE = Bare/);
  });

  test('disassemble: objdump syntax with symbols, also backwards from an address', async () => {
    const putsAddr = helloSyms.get('puts')!;
    const d = await dc.disassembleRequest({ memoryReference: hex(putsAddr), instructionCount: 3, resolveSymbols: true });
    const ins = d.body!.instructions;
    assert.equal(ins[0].address, hex(putsAddr));
    assert.equal(ins[0].symbol, 'puts');
    assert.match(ins[0].instruction, /^mv\s+t3,ra$/);
    const back = await dc.disassembleRequest({ memoryReference: hex(putsAddr + 4n), instructionOffset: -2, instructionCount: 4 });
    assert.deepEqual(back.body!.instructions.map((i) => i.address), [hex(putsAddr), hex(putsAddr + 2n), hex(putsAddr + 4n), hex(putsAddr + 8n)]);
    const main = helloSyms.get('test_main')!;
    const m = await dc.disassembleRequest({ memoryReference: 'test_main', offset: 10, instructionCount: 1 });
    assert.match(m.body!.instructions[0].instruction, new RegExp(`^jal\\s+${(putsAddr).toString(16)} <puts>$`));
    assert.equal(m.body!.instructions[0].address, hex(main + 10n));
  });

  test('evaluate: registers, CSRs and fields, symbols, memory, gdb-like commands', async () => {
    assert.equal(await evalNumber(dc, 'puts'), helloSyms.get('puts'));
    assert.equal(await evalNumber(dc, '*(u8*)message'), 0x48n); // 'H'
    assert.equal(await evalNumber(dc, '$x0 + 5 * 2'), 10n);
    assert.match(await evaluate(dc, 'info registers'), /^pc\s+0x0000000080000000\s+_start/m);
    assert.match(await evaluate(dc, 'info csr mstatus'), /mstatus\.MPP = U \(0\)/);
    assert.match(await evaluate(dc, 'x/2bx message'), /0x48\t0x65/);
    assert.match(await evaluate(dc, 'x/s message'), /"Hello from RV64GC bare metal!\\n"/);
    assert.match(await evaluate(dc, 'info proc mappings'), /80000000-80001000 r-xp/);
  });

  test('bad requests answer with an error that says what is wrong, and the session lives on', async () => {
    assert.match(await errorOf(evaluate(dc, 'no_such_symbol + 1')), /no symbol, register or CSR named 'no_such_symbol'/);
    assert.match(await errorOf(evaluate(dc, '1 +')), /expected a value/);
    assert.match(await errorOf(evaluate(dc, 'info nonsense')), /unknown info command/);
    assert.match(await errorOf(dc.customRequest('readMemory', { memoryReference: '0x10', count: 16 })), /0x10: the address is outside any mapping/);
    assert.match(await errorOf(dc.disassembleRequest({ memoryReference: 'nope_sym', instructionCount: 4 })), /nope_sym/);
    assert.match(await errorOf(dc.setBreakpointsRequest({ source: {}, breakpoints: [{ line: 1 }] })), /source\.path is required/);
    assert.match(await errorOf(dc.scopesRequest({ frameId: 999 })), /frame 999/);
    assert.match(await errorOf(dc.customRequest('noSuchRequest')), /unknown request 'noSuchRequest'/);
    assert.match(await errorOf(dc.setExceptionBreakpointsRequest({ filters: ['bogus'] })), /unknown exception filter 'bogus'/);
    // still alive
    assert.equal(await evalNumber(dc, '$pc'), helloSyms.get('_start'));
  });

  test('readMemory / writeMemory round trip', async () => {
    const msg = helloSyms.get('message')!;
    const r = await dc.customRequest('readMemory', { memoryReference: hex(msg), count: 5 });
    assert.equal(Buffer.from(r.body.data, 'base64').toString(), 'Hello');
    await dc.customRequest('writeMemory', { memoryReference: hex(msg), data: Buffer.from('J').toString('base64') });
    const r2 = await dc.customRequest('readMemory', { memoryReference: hex(msg), offset: 0, count: 5 });
    assert.equal(Buffer.from(r2.body.data, 'base64').toString(), 'Jello');
    await dc.customRequest('writeMemory', { memoryReference: hex(msg), data: Buffer.from('H').toString('base64') });
  });

  test('function breakpoint on puts, instruction step, next over a call, stepOut, output and exit code', async () => {
    const puts = helloSyms.get('puts')!;
    const fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'puts' }] });
    assert.equal(fb.body.breakpoints[0].verified, true);
    assert.equal(fb.body.breakpoints[0].instructionReference, hex(puts));
    let ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'function breakpoint');
    assert.equal(await evalNumber(dc, '$pc'), puts);
    const ra = await evalNumber(dc, '$ra');
    ev = await stopAfter(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(ev.body.reason, 'step');
    assert.equal(await evalNumber(dc, '$pc'), puts + 2n);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    // stepOut: back at the return address, after the whole string was printed
    const out: string[] = [];
    const onOut = (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); };
    dc.on('output', onOut);
    ev = await stopAfter(dc, () => dc.stepOutRequest({ threadId: 1 }));
    assert.equal(await evalNumber(dc, '$pc'), ra);
    assert.equal(out.join(''), 'Hello from RV64GC bare metal!\n');
    const exited = dc.waitForEvent('exited');
    const terminated = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    await terminated;
    dc.removeListener('output', onOut);
  });
});

describe('bare metal: counter.elf (C with DWARF lines and CFI)', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });
  const LINE_ADD = lineOf(COUNTER_C, 'LINE_ADD');
  const LINE_STORE = lineOf(COUNTER_C, 'LINE_STORE');

  test('source breakpoint is pending until launch, then verified by a breakpoint event; stops there', async () => {
    let pending: DebugProtocol.Breakpoint | undefined;
    const changed = dc.waitForEvent('breakpoint') as Promise<DebugProtocol.BreakpointEvent>;
    const ev = await launchStopped(dc, { program: COUNTER, bare: true }, async () => {
      const r = await dc.setBreakpointsRequest({ source: { path: COUNTER_C }, breakpoints: [{ line: LINE_ADD }] });
      pending = r.body.breakpoints[0];
    });
    assert.equal(pending!.verified, false);
    assert.match(pending!.message!, /pending/);
    const c = await changed;
    assert.equal(c.body.breakpoint.verified, true);
    assert.equal(c.body.breakpoint.line, LINE_ADD);
    assert.equal(ev.body.reason, 'breakpoint');
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const [f0, f1] = st.body.stackFrames;
    assert.equal(f0.name, 'main (counter.elf)');
    assert.equal(f0.line, LINE_ADD);
    assert.equal(f0.source!.path, COUNTER_C);
    assert.equal(f1.name, '_start (counter.elf)');
  });

  test('stepIn enters add() at its first line; the stack shows add <- main (CFI); stepOut returns to main', async () => {
    let ev = await stopAfter(dc, () => dc.stepInRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'step');
    let st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, 'add (counter.elf)');
    assert.equal(st.body.stackFrames[1].name, 'main (counter.elf)');
    assert.equal(st.body.stackFrames[1].line, LINE_ADD);
    assert.equal(st.body.stackFrames[2].name, '_start (counter.elf)');
    ev = await stopAfter(dc, () => dc.stepOutRequest({ threadId: 1 }));
    st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, 'main (counter.elf)');
    assert.equal(st.body.stackFrames[0].line, LINE_ADD);
    ev = await stopAfter(dc, () => dc.nextRequest({ threadId: 1 }));
    st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].line, LINE_STORE);
  });

  test('conditions, hit counts and logpoints', async () => {
    const logs: string[] = [];
    const onOut = (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') logs.push(e.body.output); };
    dc.on('output', onOut);
    // a0 = sum, a1 = i at the entry of add()
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'add', condition: '$a1 == 7' }] });
    await dc.setBreakpointsRequest({ source: { path: COUNTER_C }, breakpoints: [{ line: LINE_STORE, logMessage: 'store {$a5}' }] });
    let ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'function breakpoint');
    assert.equal(await evalNumber(dc, '$a1'), 7n);
    assert.equal(await evalNumber(dc, '$a0'), 21n); // 0+1+...+6
    assert.ok(logs.some((l) => /^store 0x/.test(l)), logs.join(''));
    await dc.setBreakpointsRequest({ source: { path: COUNTER_C }, breakpoints: [] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'add', hitCondition: '2' }] });
    ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(await evalNumber(dc, '$a1'), 9n); // hit 1 is i = 8, hit 2 is i = 9
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    dc.removeListener('output', onOut);
  });

  test('data breakpoint on a variable: stops after the store that changes it', async () => {
    const info = await dc.dataBreakpointInfoRequest({ name: 'counter, 8' });
    assert.ok(info.body.dataId);
    assert.deepEqual(info.body.accessTypes, ['read', 'write', 'readWrite']);
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const ev = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'data breakpoint');
    assert.match(ev.body.description!, new RegExp(`write of 8 bytes at ${hex(counterSyms.get('counter')!)}`));
    assert.equal(await evalNumber(dc, '*(u64*)counter'), 45n);
    await dc.setDataBreakpointsRequest({ breakpoints: [] });
  });

  test('restart runs the program again from its entry', async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
    const ev = await stopAfter(dc, () => dc.restartRequest({}));
    assert.equal(ev.body.reason, 'function breakpoint');
    // where gdb stops for "break main": after the prologue, on the first line of the body
    const pc = await evalNumber(dc, '$pc');
    assert.ok(pc > counterSyms.get('main')! && pc < counterSyms.get('main')! + 64n, hex(pc));
    assert.equal((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].line, lineOf(COUNTER_C, 'unsigned long sum = 0;'));
    assert.equal(await evalNumber(dc, '*(u64*)counter'), 0n);
  });

  test('pause stops a busy guest; the thread can continue afterwards', async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.customRequest('writeMemory', { memoryReference: hex(counterSyms.get('spin')!), data: Buffer.from([1, 0, 0, 0]).toString('base64') });
    await dc.continueRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const ev = await stopAfter(dc, () => dc.pauseRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'pause');
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, 'main (counter.elf)');
    assert.ok((await evalNumber(dc, '*(u64*)counter')) > 1000n);
    await dc.customRequest('writeMemory', { memoryReference: hex(counterSyms.get('spin')!), data: Buffer.from([0, 0, 0, 0]).toString('base64') });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
  });
});

describe('bare metal: trap.elf exception filters', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('the system-call filter stops after an ecall from U-mode, at the M-mode trap handler', async () => {
    const ev = await launchStopped(dc, { program: TRAP, bare: true }, async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['syscall'] });
    });
    assert.equal(ev.body.reason, 'exception');
    assert.match(ev.body.description!, /environment call from U-mode \(exception 8\) from U-mode to M-mode/);
    assert.equal(await evalNumber(dc, '$mcause'), 8n);
    assert.match(await evaluate(dc, '$mcause'), /environment call from U-mode/);
    assert.equal(await evalNumber(dc, '$priv'), 3n);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.description!, /environment call from U-mode/);
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
  });
});
