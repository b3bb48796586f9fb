// The host's randomness (src/kernel/random.ts): any length, from the host's CSPRNG, never the same bytes twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRandomBytes } from '../../src/kernel/random';

test('hostRandomBytes: the asked length, random, different on each call (across the block boundary too)', () => {
  for (const n of [0, 1, 2, 16, 4095, 4096, 4097, 100_000]) assert.equal(hostRandomBytes(n).length, n);
  const seen = new Set<string>();
  for (let i = 0; i < 600; i++) {
    const b = hostRandomBytes(16);
    const hex = Buffer.from(b).toString('hex');
    assert.ok(!seen.has(hex), 'a repeated 16-byte draw');
    seen.add(hex);
  }
  const big = hostRandomBytes(1 << 16);
  const counts = new Array(256).fill(0);
  for (const x of big) counts[x]++;
  // 65536 uniform bytes: each value ~256 times; a zero-filled or stuck source fails this
  assert.ok(Math.min(...counts) > 150 && Math.max(...counts) < 400, `byte counts ${Math.min(...counts)}..${Math.max(...counts)}`);
});
