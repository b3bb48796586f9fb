// Resource limits: getrlimit/setrlimit (riscv64 has both, besides prlimit64) read and change the same limits.
// Go programs raise RLIMIT_NOFILE's soft limit with setrlimit at start: it was -ENOSYS with a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../../src/kernel/process';
import { syscallEntry } from '../../src/kernel/syscalls/table';
import { fixture } from './helpers';

const NR_GETRLIMIT = 163n, NR_SETRLIMIT = 164n, RLIMIT_NOFILE = 7n;

test('setrlimit changes what getrlimit and prlimit64 read; a soft limit above the hard one is EINVAL', () => {
  const p = launch({ program: fixture('hello'), disableRandomization: true, onStdout: () => {} });
  const call = (nr: bigint, a: bigint[]) => {
    const e = syscallEntry(nr);
    assert.ok(e.handler, `${e.name} is implemented`);
    try { return e.handler(p, a); } catch (err) { return -BigInt((err as { errno: number }).errno); }
  };
  const buf = p.initialSp - 4096n; // below the initial stack pointer: mapped stack, unused before the run
  const rlim = (soft: bigint, hard: bigint) => {
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(soft, 0); b.writeBigUInt64LE(hard, 8);
    assert.ok(p.mm.write(buf, b));
  };
  const read = () => { const b = Buffer.from(p.mm.read(buf, 16)!); return [b.readBigUInt64LE(0), b.readBigUInt64LE(8)]; };
  assert.equal(call(NR_GETRLIMIT, [RLIMIT_NOFILE, buf]), 0n);
  assert.deepEqual(read(), [1024n, 1048576n]);
  rlim(4096n, 1048576n);
  assert.equal(call(NR_SETRLIMIT, [RLIMIT_NOFILE, buf]), 0n);
  rlim(0n, 0n);
  assert.equal(call(NR_GETRLIMIT, [RLIMIT_NOFILE, buf]), 0n);
  assert.deepEqual(read(), [4096n, 1048576n]);
  rlim(8192n, 4096n);
  assert.equal(call(NR_SETRLIMIT, [RLIMIT_NOFILE, buf]), -22n);
  assert.equal(call(NR_SETRLIMIT, [RLIMIT_NOFILE, 8n]), -14n, 'a bad pointer is EFAULT');
});
