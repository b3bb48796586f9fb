// Regression tests of issue 18 on the DAP side, through the built adapter: requests with arguments of the
// wrong type or null get the bad-arguments error with one precise message (never exception text or a stack);
// work per request is bounded (disassemble, console commands, data breakpoint ranges, expression depth and
// length), each bound answered at once with a message naming it (docs/limits.md). The session lives on.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, evaluate, evalNumber, errorOf } from '../dap/helpers';
import { MAX_DATA_BREAKPOINT_BYTES, MAX_DISASSEMBLE_INSTRUCTIONS, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from '../../src/debug/limits';
import { ERROR_BAD_ARGUMENTS } from '../../src/debug/protocol-validate';

const HELLO = join(ROOT, 'test', 'fixtures', 'linux', 'build', 'hello');
const NO_LEAK = /TypeError|RangeError|SyntaxError|is not a function|Cannot read properties|Cannot convert|Invalid typed array|Maximum call stack|\n\s+at /;

/** The full error response of a request that must fail (DebugClient's own methods reject with the text only). */
export async function failure(dc: DebugClient, command: string, args: unknown): Promise<DebugProtocol.ErrorResponse> {
  const r = await new Promise<DebugProtocol.Response>((resolve) =>
    (dc as unknown as { doSend(c: string, a: unknown, cb: (r: DebugProtocol.Response) => void): void }).doSend(command, args, resolve));
  assert.equal(r.success, false, `${command} succeeded but should have failed`);
  assert.doesNotMatch(r.message ?? '', NO_LEAK, `${command}: ${r.message}`);
  return r as DebugProtocol.ErrorResponse;
}

describe('bad arguments get one precise message and the bad-arguments error; no exception text, no stack', () => {
  let dc: DebugClient;
  before(async () => {
    dc = await startClient();
  });
  after(async () => { await dc.stop(); });

  test('initialize with null arguments', async () => {
    const r = await failure(dc, 'initialize', null);
    assert.equal(r.message, 'initialize: arguments.adapterID is required (a string)');
    assert.equal(r.body.error?.id, ERROR_BAD_ARGUMENTS);
  });

  test('wrong types, null arguments, out-of-range counts on a stopped Linux program', async () => {
    await launchStopped(dc, { program: HELLO, stopOnEntry: true });
    const cases: [string, unknown, string][] = [
      ['stepIn', null, 'stepIn: arguments.threadId is required (an integer)'],
      ['stepOut', null, 'stepOut: arguments.threadId is required (an integer)'],
      ['next', { threadId: '1' }, 'next: arguments.threadId must be an integer (got "1")'],
      ['stepIn', { threadId: 1, granularity: 'word' }, 'stepIn: arguments.granularity must be one of "statement", "line", "instruction" (got "word")'],
      ['evaluate', { expression: {} }, 'evaluate: arguments.expression must be a string (got an object)'],
      ['evaluate', { expression: ['x'] }, 'evaluate: arguments.expression must be a string (got an array of 1)'],
      ['disassemble', { memoryReference: '$pc', offset: {}, instructionCount: 4 }, 'disassemble: arguments.offset must be an integer (got an object)'],
      ['disassemble', { memoryReference: '$pc', instructionCount: 1.5 }, 'disassemble: arguments.instructionCount must be a non-negative integer (got 1.5)'],
      ['readMemory', { memoryReference: 7, count: 4 }, 'readMemory: arguments.memoryReference must be a string (got 7)'],
      ['setBreakpoints', { source: 'x.c' }, 'setBreakpoints: arguments.source must be an object (got "x.c")'],
      ['setBreakpoints', { source: { path: '/x.c' }, breakpoints: [{ line: 'ten' }] }, 'setBreakpoints: arguments.breakpoints[0].line must be an integer (got "ten")'],
      ['setDataBreakpoints', { breakpoints: [{ dataId: null }] }, 'setDataBreakpoints: arguments.breakpoints[0].dataId is required (a string)'],
      ['variables', {}, 'variables: arguments.variablesReference is required (an integer)'],
      ['stackTrace', { threadId: 1, levels: -1 }, 'stackTrace: arguments.levels is -1: it must be at least 0'],
      ['launch', { program: HELLO, env: { A: 1 } }, 'launch: "env"."A" is 1 (a number); expected a string'],
      ['launch', { program: '/dev/zero' }, 'launch: "program" is "/dev/zero": not a regular file'],
      ['launch', { program: HELLO, vdso: '/dev/zero' }, 'launch: "vdso" is "/dev/zero": not a regular file'],
    ];
    for (const [command, args, message] of cases) {
      const r = await failure(dc, command, args);
      assert.equal(r.message, message);
      assert.equal(r.body.error?.id, ERROR_BAD_ARGUMENTS);
    }
    // the session lives on, still stopped at the entry
    assert.ok((await evalNumber(dc, '$pc')) > 0n);
  });

  test('bounded work: disassemble request and console, expressions, data breakpoints answer at once with the bound', async () => {
    // the console's disassemble of 50,000,000 instructions grew the heap to 4.8 GB
    assert.equal(await errorOf(evaluate(dc, 'disassemble $pc 50000000')),
      `instruction count 50000000: at most ${MAX_DISASSEMBLE_INSTRUCTIONS} instructions per request (docs/limits.md)`);
    assert.match(await evaluate(dc, 'disassemble $pc 3'), /=> 0x[0-9a-f]+/);
    // disassemble requests with instruction offsets of +-5e7 passed 3 GB
    for (const instructionOffset of [50_000_000, -50_000_000]) {
      assert.equal(await errorOf(dc.disassembleRequest({ memoryReference: '$pc', instructionOffset, instructionCount: 10 })),
        `disassemble: arguments.instructionOffset is ${instructionOffset}: it must be at least -${MAX_DISASSEMBLE_INSTRUCTIONS} and at most ${MAX_DISASSEMBLE_INSTRUCTIONS} (docs/limits.md)`);
    }
    const d = await dc.disassembleRequest({ memoryReference: '$pc', instructionOffset: -MAX_DISASSEMBLE_INSTRUCTIONS, instructionCount: 20 });
    assert.equal(d.body!.instructions.length, 20);
    // 100,000 nested parentheses: Maximum call stack size exceeded
    const nest = (n: number) => '('.repeat(n) + '1' + ')'.repeat(n);
    assert.equal(await errorOf(dc.evaluateRequest({ expression: nest(100_000), context: 'watch' })),
      `evaluate: arguments.expression is 200001 characters long: at most ${MAX_EXPRESSION_LENGTH} (docs/limits.md)`);
    assert.equal(await errorOf(dc.evaluateRequest({ expression: nest(MAX_EXPRESSION_DEPTH + 1), context: 'watch' })),
      `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels (docs/limits.md)`);
    assert.equal((await dc.evaluateRequest({ expression: nest(MAX_EXPRESSION_DEPTH - 1), context: 'watch' })).body.result, '0x1 (1)');
    assert.equal(await errorOf(dc.evaluateRequest({ expression: '-'.repeat(MAX_EXPRESSION_DEPTH + 1) + '1', context: 'watch' })),
      `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels (docs/limits.md)`);
    // a product of many 64-bit factors reduces mod 2^64 as it goes (the exact value, computed here)
    const factors = Array.from({ length: 700 }, (_, i) => 0x9e3779b97f4a7c15n + BigInt(2 * i + 1));
    let want = 1n;
    for (const f of factors) want = BigInt.asUintN(64, want * f);
    const expr = factors.map((f) => '0x' + f.toString(16)).join('*');
    assert.ok(expr.length <= MAX_EXPRESSION_LENGTH);
    assert.equal(BigInt((await dc.evaluateRequest({ expression: expr, context: 'watch' })).body.result.split(' ')[0]), want);
    // a data breakpoint of 10^11 bytes gave 'Invalid typed array length'; the whole address space never answered
    assert.equal(await errorOf(dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: '0x1000:100000000000:big' }] })),
      `data breakpoint big: 100000000000 bytes; at most ${MAX_DATA_BREAKPOINT_BYTES} bytes per data breakpoint (docs/limits.md)`);
    assert.equal(await errorOf(dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: '0x0:18446744073709551616:all' }] })),
      `data breakpoint all: 18446744073709551616 bytes; at most ${MAX_DATA_BREAKPOINT_BYTES} bytes per data breakpoint (docs/limits.md)`);
    assert.equal(await errorOf(dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: '0xfffffffffffffff0:32:wrap' }] })),
      'data breakpoint wrap: the range 0xfffffffffffffff0..0x10000000000000010 leaves the 64-bit address space');
    const ok = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: '0x1000:8:small' }] });
    assert.equal(ok.body.breakpoints[0].verified, true);
    await dc.setDataBreakpointsRequest({ breakpoints: [] });
    // a source request may name any path: /dev/zero was read without end, a directory gave Node's EISDIR text
    assert.equal((await failure(dc, 'source', { source: { path: '/dev/zero' }, sourceReference: 0 })).message, 'source /dev/zero: not a regular file');
    assert.equal((await failure(dc, 'source', { source: { path: ROOT }, sourceReference: 0 })).message, `source ${ROOT}: not a regular file`);
    // still alive
    assert.ok((await evalNumber(dc, '$pc')) > 0n);
  });
});
