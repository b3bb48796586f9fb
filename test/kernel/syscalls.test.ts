// The system-call table's argument counts (src/kernel/syscalls/table.ts SYSCALL_NARGS): the kernel model reads
// only that many arguments from the frame, so no handler of such a call may read past them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SYS_CALL_TABLE, SYSCALL_NARGS } from '../../src/kernel/syscalls/table';

/** The argument indices a handler's source reads, and whether it hands the whole array on (undefined: takes none). */
function argumentUse(h: (...x: never[]) => unknown): { used: number[]; whole: string | undefined } | undefined {
  const src = h.toString();
  // the handlers are (p, a) => ...: the array's name is the second parameter
  const params = /^[^(]*\(([^)]*)\)/.exec(src)?.[1].split(',').map((x) => x.trim().split(/[\s:=]/)[0]) ?? [];
  if (params.length < 2) return undefined;
  const a = params[1];
  const used = [...src.matchAll(new RegExp(`\\b${a}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1]));
  const whole = new RegExp(`[(,]\\s*${a}\\s*[,)]|\\.\\.\\.${a}\\b|\\b${a}\\.(slice|map|length)`).exec(src.slice(src.indexOf(')') + 1))?.[0];
  return { used, whole };
}

test('a call with a known argument count has a handler that reads no argument past it, nor hands the array on', () => {
  const named = Object.keys(SYSCALL_NARGS);
  assert.ok(named.length > 20);
  for (const name of named) {
    const e = SYS_CALL_TABLE.find((t) => t.name === name);
    assert.ok(e, `${name} is in the table`);
    assert.equal(e.nargs, SYSCALL_NARGS[name]);
    assert.ok(e.nargs! >= 0 && e.nargs! <= 6);
    if (!e.handler) continue;
    const u = argumentUse(e.handler);
    if (!u) continue; // the handler takes no arguments at all
    for (const i of u.used) assert.ok(i < e.nargs!, `${name}: reads argument ${i} but takes ${e.nargs}`);
    assert.equal(u.whole, undefined, `${name}: hands the whole argument array on (${u.whole})`);
    if (name === 'read' || name === 'write') assert.deepEqual([...new Set(u.used)].sort(), [0, 1, 2]);
  }
});

test('the check bites: reading past the count, or handing the array on, is seen', () => {
  assert.deepEqual(argumentUse((_p: unknown, args: bigint[]) => args[0] + args[3])!.used, [0, 3]);
  assert.ok(argumentUse((_p: unknown, a: bigint[]) => Math.max(...a.map(Number)))!.whole);
  assert.ok(argumentUse((_p: unknown, a: bigint[]) => String(a))!.whole);
  assert.equal(argumentUse(() => 0n), undefined);
});
