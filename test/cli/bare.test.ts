// `riscv-vdso run --bare`: options anywhere on the command line, a limit that holds, clear errors, and a
// program with Sv39 on that handles its own traps at a virtual stvec (test/fixtures/bare/vtrap.S).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const fixture = (name: string): string => join('test', 'fixtures', 'bare', 'build', `${name}.elf`);
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'run', ...args], { encoding: 'utf8', cwd: root });
}

test('run --bare: a program with Sv39 on handles its own traps at a virtual stvec', () => {
  const r = cli('--bare', fixture('vtrap'));
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
});

test('run --bare PROGRAM --max-insns N: the limit after the program holds', () => {
  // storm runs ~2 million instructions with its default parameters
  for (const args of [['--bare', fixture('storm'), '--max-insns', '1000'], ['--max-insns=1000', '--bare', fixture('storm')]]) {
    const r = cli(...args);
    assert.equal(r.status, 124, r.stderr);
    assert.match(r.stderr, /instruction limit reached/);
  }
  assert.equal(cli('--bare', fixture('storm'), '--max-insns', '100000000').status, 0);
});

test('run --bare: bad arguments get a clear message and status 2', () => {
  let r = cli('--bare', fixture('storm'), '--max-insns', 'lots');
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "riscv-vdso: --max-insns needs a number of instructions (got 'lots')\n");
  r = cli('--bare', fixture('storm'), '--max-insns');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--max-insns needs a number of instructions \(got nothing\)/);
  r = cli('--bare', fixture('storm'), fixture('vtrap'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /takes one program/);
  r = cli('--bare');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no program given/);
});
