// Every hand-written bare-metal test program (test/fixtures/bare, validated on QEMU) passes on our hart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hart, RAM_BASE as RAM } from '../../src/hart/hart';
import { runBare } from '../../src/hart/bare';
import { bareImageFromElf } from '../../src/cli/bareImage';

const dir = join(__dirname, '..', 'fixtures', 'bare', 'build');
const programs = readdirSync(dir).filter((f) => f.endsWith('.elf')).sort();

test('the fixture directory holds the test programs', () => {
  assert.ok(programs.includes('hello.elf'));
  assert.ok(programs.length >= 4, `found ${programs.join(', ')}`);
});

for (const p of programs) {
  test(`bare-metal ${p} reports pass through tohost`, () => {
    const out: number[] = [];
    const r = runBare(new Hart({ ramBytes: 64 * 1024 * 1024 }), bareImageFromElf(readFileSync(join(dir, p))), {
      maxInstructions: 200_000_000n,
      stdout: (b) => out.push(...b),
    });
    assert.equal(r.reason, 'htif', r.message);
    assert.equal(r.exitCode, 0, `${p} failed test case ${r.exitCode}`);
    if (p === 'hello.elf') assert.equal(Buffer.from(out).toString(), 'Hello from RV64GC bare metal!\n');
  });
}

test('a trap with no handler ends the run with a report instead of looping on fetch faults', () => {
  const r = runBare(new Hart({ ramBytes: 1024 * 1024 }), {
    entry: RAM, tohost: RAM + 0x1000n,
    segments: [{ paddr: RAM, data: new Uint8Array([0xff, 0xff, 0xff, 0xff]), memsz: 4n }],
  });
  assert.equal(r.reason, 'trap');
  assert.equal(r.exitCode, 127);
  // illegal instruction at 0x80000000 -> mtvec = 0, which cannot be fetched (access fault, repeated forever)
  assert.match(r.message ?? '', /^unhandled trap: the trap handler cannot be fetched \(mtvec = 0x0\): instruction access fault \(cause 1\) at pc 0x0, tval 0x0$/);
  assert.ok(r.instructions < 10n, `${r.instructions} instructions`);
});
