// Oracle test: builds test/fixtures/fp/fpvec.c with riscv64-linux-gnu-gcc, runs it under qemu-riscv64 with a
// different seed and more cases than the committed vectors, and checks every result and fflags value of the
// soft-float layer against the real instructions (all five rounding modes). Skipped without the toolchain.
// Run: node scripts/run-tests.mjs .oracle.ts softfloat   (FPVEC_SEED / FPVEC_COUNT override seed and size)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, arch } from 'node:os';
import { join } from 'node:path';
import { softfloat, checkVectors } from './softfloat.harness';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const native = arch() === 'riscv64';
const missing = !have('riscv64-linux-gnu-gcc') && !native ? 'riscv64-linux-gnu-gcc not installed'
  : !native && !have('qemu-riscv64') ? 'qemu-riscv64 not installed' : false;

test('soft-float agrees with RISC-V hardware semantics on fresh random vectors', { skip: missing }, async () => {
  const seed = process.env.FPVEC_SEED ?? '20240601';
  const count = process.env.FPVEC_COUNT ?? '2500';
  const dir = mkdtempSync(join(tmpdir(), 'fpvec-'));
  try {
    const exe = join(dir, 'fpvec');
    execFileSync(native ? 'gcc' : 'riscv64-linux-gnu-gcc',
      ['-O2', '-static', '-o', exe, join(__dirname, '..', 'fixtures', 'fp', 'fpvec.c')]);
    const text = execFileSync(native ? exe : 'qemu-riscv64', native ? [seed, count] : [exe, seed, count],
      { maxBuffer: 1 << 30, encoding: 'utf8' });
    const sf = await softfloat();
    const res = checkVectors(sf, text);
    const summary = [...res.perOp].map(([op, [n, ok]]) => `${op} ${ok}/${n}`).join(', ');
    const agree = [...res.perOp.values()].reduce((a, [, ok]) => a + ok, 0);
    console.log(`soft-float oracle (seed ${seed}): ${agree}/${res.total} agree; ${summary}`);
    assert.deepEqual(res.failures, [], `${res.total - agree} of ${res.total} disagree`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
