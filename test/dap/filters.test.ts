// Exception breakpoint filters other than `syscall` (tested in linux.test.ts / bare.test.ts): interrupt,
// pagefault, illegal and signal, each on the built adapter process. Linux fixtures: signal.c (two raise(SIGUSR1),
// a caught null-pointer write, and with argv[1] = "die" an uncaught one), clockloop.c (timer interrupts while
// it loops); bare: trap.S (its first test executes a write to the read-only mvendorid: illegal instruction).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ENTRY_SYMBOLS } from '../../src/guest/kernel/entrySymbols.generated';
import { ElfFile } from '../../src/elf/elf';
import { ROOT, BARE, startClient, launchStopped, evaluate, evalNumber, stopAfter, hex } from './helpers';

const LINUX = join(ROOT, 'test', 'fixtures', 'linux', 'build');
const HANDLE_EXCEPTION = ENTRY_SYMBOLS.find((s) => s.name === 'handle_exception')!.address;
const SIGNAL = join(LINUX, 'signal');
const signalSyms = new Map(ElfFile.parse(readFileSync(SIGNAL)).symbols().filter((s) => s.name).map((s) => [s.name, s.value]));

describe('filter "signal" on signal.c: stops before each delivery, names the signal', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('SIGUSR1 twice (raise), then SIGSEGV from the null-pointer write; exceptionInfo says which', async () => {
    const ev = await launchStopped(dc, { program: SIGNAL }, async () => {
      const r = await dc.setExceptionBreakpointsRequest({ filters: ['signal'] });
      assert.deepEqual(r.body!.breakpoints!.map((b) => b.verified), [true]);
    });
    assert.equal(ev.body.reason, 'exception');
    assert.equal(ev.body.description, 'signal SIGUSR1 (10) is about to be delivered');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'signal SIGUSR1');
    assert.equal(info.body.details!.message, 'The kernel is delivering SIGUSR1 to the program.');
    const ev2 = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev2.body.description, 'signal SIGUSR1 (10) is about to be delivered');
    // the third raise() is blocked; unblocking delivers it
    const ev3 = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev3.body.description, 'signal SIGUSR1 (10) is about to be delivered');
    const ev4 = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev4.body.description, 'signal SIGSEGV (11) is about to be delivered');
    // the faulting store is in main: the user pc is there, the address in stval
    assert.equal(await evalNumber(dc, '$stval'), 16n);
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    assert.match(out.join(''), /SIGSEGV at 0x10\n/);
  });
});

describe('filter "pagefault" on signal.c die: the bad stores stop at the trap entry with stval = the address', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('demand paging faults stop too; then the store page fault at 0x10 (caught), at 0x20 (uncaught: killed by SIGSEGV, 139)', async () => {
    const ev = await launchStopped(dc, { program: SIGNAL, args: ['die'] }, async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['pagefault'] });
    });
    // the kernel model maps pages on demand: the first faults are the program's own text/data being touched
    assert.equal(ev.body.reason, 'exception');
    assert.match(ev.body.description!, /^(instruction|load|store\/AMO) page fault \(exception 1[235]\) from U-mode to S-mode$/);
    let desc = ev.body.description!;
    let demand = 0;
    while (!(desc.startsWith('store/AMO page fault') && (await evalNumber(dc, '$stval')) === 16n)) {
      assert.ok(++demand < 500, 'no store page fault at 0x10');
      desc = (await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }))).body.description!;
    }
    assert.equal(desc, 'store/AMO page fault (exception 15) from U-mode to S-mode');
    assert.equal(await evalNumber(dc, '$pc'), HANDLE_EXCEPTION);
    assert.match(await evaluate(dc, '$scause'), /^15 \(store\/AMO page fault\)/);
    // the faulting instruction is in main (sepc), and the stack's user frame is main
    const sepc = await evalNumber(dc, '$sepc');
    const main = signalSyms.get('main')!;
    assert.ok(sepc >= main, hex(sepc));
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[0].name, 'handle_exception ([kernel] entry.elf)');
    assert.match(frames[1].name, /^main \(\/.*\/signal\)$/);
    assert.equal(frames[1].instructionPointerReference, hex(sepc));
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.details!.message, `scause = 0xf, stval = 0x10; now at ${hex(HANDLE_EXCEPTION)}`);
    for (let i = 0; ; i++) {
      assert.ok(i < 500, 'no store page fault at 0x20');
      const e = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
      if (e.body.description!.startsWith('store/AMO page fault') && (await evalNumber(dc, '$stval')) === 32n) break;
    }
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 128 + 11);
  });
});

describe('filter "interrupt" on clockloop.c: the timer interrupt stops at the trap entry', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('supervisor timer interrupt (scause bit 63, code 5) from U-mode; sstatus.SPP = U; clearing the filter runs to the end', async () => {
    const ev = await launchStopped(dc, { program: join(LINUX, 'clockloop'), args: ['20000'] }, async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['interrupt'] });
    });
    assert.equal(ev.body.reason, 'exception');
    assert.match(ev.body.description!, /^supervisor timer interrupt \(interrupt 5\) from [US]-mode to S-mode$/);
    assert.equal(await evalNumber(dc, '$pc'), HANDLE_EXCEPTION);
    assert.equal(await evalNumber(dc, '($scause >> 63) * 100 + ($scause & 0xff)'), 105n);
    assert.match(await evaluate(dc, '$scause'), /^5 \(supervisor timer interrupt\)/);
    assert.equal(await evalNumber(dc, '$priv'), 1n);
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
  });
});

describe('filter "illegal" on bare trap.elf: mcause 2, mepc at the instruction, mtval = its bits', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('the write to the read-only mvendorid traps; the handler is where we stop', async () => {
    const ev = await launchStopped(dc, { program: join(BARE, 'trap.elf'), bare: true }, async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['illegal'] });
    });
    assert.equal(ev.body.reason, 'exception');
    assert.equal(ev.body.description, 'illegal instruction (exception 2) from M-mode to M-mode');
    assert.equal(await evalNumber(dc, '$mcause'), 2n);
    assert.equal(await evalNumber(dc, '$mtval'), 0xf1101073n);
    const mepc = await evalNumber(dc, '$mepc');
    const ins = (await dc.disassembleRequest({ memoryReference: hex(mepc), instructionCount: 1 })).body!.instructions[0];
    assert.equal(ins.instructionBytes, 'f1101073');
    assert.equal(ins.presentationHint, undefined);
    assert.equal(await evalNumber(dc, '$pc'), await evalNumber(dc, '$mtvec & ~3'));
    // the next illegal one: the all-zero 16-bit instruction
    const ev2 = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev2.body.description, 'illegal instruction (exception 2) from M-mode to M-mode');
    assert.equal(await evalNumber(dc, '$mtval'), 0n);
    const mepc2 = await evalNumber(dc, '$mepc');
    assert.ok(mepc2 > mepc, hex(mepc2));
    const ins2 = (await dc.disassembleRequest({ memoryReference: hex(mepc2), instructionCount: 1 })).body!.instructions[0];
    assert.equal(ins2.instructionBytes, '0000');
    assert.equal(ins2.presentationHint, 'invalid');
  });
});

describe('filter "firmware" on a firmware-time board: rdtime traps to M-mode, the firmware emulates it', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('vdso.c with "timeCsr": "firmware": the stop is in M-mode with mtval = the rdtime; continuing, the program ends normally', async () => {
    const ev = await launchStopped(dc, { program: join(LINUX, 'vdso'), timeCsr: 'firmware', timeEpoch: 1704067200 }, async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['firmware'] });
    });
    assert.equal(ev.body.reason, 'exception');
    assert.equal(ev.body.description, 'rdtime trapped to M-mode: the firmware emulates it (firmware-time board)');
    assert.equal(await evalNumber(dc, '$mcause'), 2n);
    assert.equal((await evalNumber(dc, '$mtval')) & 0xfffff07fn, 0xc0102073n, 'mtval is csrrs rd, time, x0');
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
    // one rdtime per gettimeofday: after this stop the program prints and exits
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    assert.match(out.join(''), /^tv_sec=1704067200, tv_usec=\d+\n$/);
  });
});
