// The CLI's code cache (src/cli/codeCache.ts) through the built command (dist/cli.js, as a user runs it): the
// first run writes a cache file, later runs use it, and a corrupted, truncated, foreign or unwritable cache never
// changes what a run prints or its status: the run compiles normally and the file is written again.
// RISCV_VDSO_CODE_CACHE=trace reports what the cache did; the speed is measured by npm run bench, not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { checksum, codeCacheDir, encodeCacheFile } from '../../src/cli/codeCache';

const root = join(__dirname, '..', '..');
const cliJs = join(root, 'dist', 'cli.js');
const hello = join(root, 'test', 'fixtures', 'linux', 'build', 'hello');

function run(cacheDir: string, args: string[], extraEnv: Record<string, string> = {}): { status: number | null; stdout: string; trace: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [cliJs, ...args], {
    encoding: 'utf8', cwd: root, env: { ...process.env, RISCV_VDSO_CACHE_DIR: cacheDir, RISCV_VDSO_CODE_CACHE: 'trace', ...extraEnv },
  });
  const lines = r.stderr.split('\n');
  return {
    status: r.status, stdout: r.stdout,
    trace: lines.filter((l) => l.startsWith('riscv-vdso: code cache')).map((l) => l.replace(/^riscv-vdso: code cache ([^:]+)(:.*)?$/, '$1')),
    stderr: lines.filter((l) => l && !l.startsWith('riscv-vdso: code cache')).join('\n'),
  };
}

function cacheFiles(dir: string): string[] {
  const d = join(dir, 'v8-code-cache');
  return existsSync(d) ? readdirSync(d).map((f) => join(d, f)) : [];
}

test('checksum: FNV-1a over little-endian 32-bit words, the last zero-padded', () => {
  const ref = (b: Uint8Array): number => {
    const p = new Uint8Array((b.length + 3) & ~3);
    p.set(b);
    const dv = new DataView(p.buffer);
    let a = 0x811c9dc5 | 0;
    for (let i = 0; i < p.length; i += 4) a = Math.imul(a ^ dv.getInt32(i, true), 0x01000193);
    return a >>> 0;
  };
  for (const n of [0, 1, 3, 4, 5, 1000, 65536, 65537, 200_003]) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = (i * 7919 + (i >> 8)) & 0xff;
    assert.equal(checksum(b), ref(b), `length ${n}`);
  }
  const b = new Uint8Array(4096).fill(9);
  const c = checksum(b);
  b[1234] ^= 1;
  assert.notEqual(checksum(b), c, 'one flipped bit changes it');
});

test('codeCacheDir: RISCV_VDSO_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(codeCacheDir({ RISCV_VDSO_CACHE_DIR: '/x' }), join('/x', 'v8-code-cache'));
  assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }), join('/c', 'riscv-vdso-lab', 'v8-code-cache'));
  assert.equal(codeCacheDir({ HOME: '/h' }), join('/h', '.cache', 'riscv-vdso-lab', 'v8-code-cache'));
  assert.equal(codeCacheDir({}), undefined);
});

test('code cache: written by the first run, used by the next, one file per command; output unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codecache-'));
  try {
    const first = run(dir, ['run', hello]);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(first.trace, ['none', 'written']);
    const files = cacheFiles(dir);
    assert.equal(files.length, 1);
    assert.match(files[0], /run-[0-9a-f]{16}\.bin$/);
    const second = run(dir, ['run', hello]);
    assert.deepEqual(second.trace, ['accepted']);
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.status, 0);
    assert.match(second.stdout, /^hello, riscv64 linux/);
    // another command has its own file
    const vdso = run(dir, ['vdso']);
    assert.equal(vdso.status, 0, vdso.stderr);
    assert.deepEqual(vdso.trace, ['none', 'written']);
    assert.equal(cacheFiles(dir).length, 2);
    // no temporary files left behind
    assert.deepEqual(cacheFiles(dir).filter((f) => !f.endsWith('.bin')), []);
    // off: no file is read or written
    const off = spawnSync(process.execPath, [cliJs, 'run', hello], { encoding: 'utf8', env: { ...process.env, RISCV_VDSO_CACHE_DIR: join(dir, 'off'), RISCV_VDSO_CODE_CACHE: '0' } });
    assert.equal(off.stdout, first.stdout);
    assert.equal(existsSync(join(dir, 'off')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('code cache: a corrupted, truncated, emptied or foreign file falls back to a normal compile and is rewritten', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codecache-'));
  try {
    const base = run(dir, ['run', hello]);
    assert.equal(base.status, 0, base.stderr);
    const [file] = cacheFiles(dir);
    const good = readFileSync(file);
    const damage: [string, (b: Buffer) => Buffer, string][] = [
      ['one flipped bit in V8 data', (b) => { const c = Buffer.from(b); c[Math.floor(c.length / 2)] ^= 0x10; return c; }, 'corrupt'],
      ['three flipped bytes', (b) => { const c = Buffer.from(b); for (const at of [100, 5000, c.length - 7]) c[at] ^= 0xff; return c; }, 'corrupt'],
      ['truncated', (b) => b.subarray(0, 1000), 'corrupt'],
      ['empty', () => Buffer.alloc(0), 'corrupt'],
      ['garbage', (b) => Buffer.alloc(b.length, 0x5a), 'corrupt'],
      // a well-formed file whose data V8 does not take (not V8's format)
      ['foreign data with a good checksum', (b) => encodeCacheFile(new Uint8Array(b.length).fill(0x33)), 'rejected'],
      // V8's data for another source
      ['another script\'s data', () => encodeCacheFile(new Script('1 + 1').createCachedData()), 'rejected'],
    ];
    for (const [what, f, state] of damage) {
      writeFileSync(file, f(good));
      const r = run(dir, ['run', hello]);
      assert.equal(r.status, 0, `${what}: ${r.stderr}`);
      assert.equal(r.stdout, base.stdout, what);
      assert.equal(r.stderr, base.stderr, what);
      assert.deepEqual(r.trace, [state, 'written'], what);
      assert.deepEqual(run(dir, ['run', hello]).trace, ['accepted'], `${what}: rewritten`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('code cache: an unwritable cache directory costs nothing but the cache', { skip: process.getuid?.() === 0 ? 'root writes anywhere' : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'codecache-'));
  try {
    chmodSync(dir, 0o500);
    const r = run(dir, ['run', hello]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^hello, riscv64 linux/);
    assert.deepEqual(r.trace, ['none', 'not written']);
  } finally {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('code cache: a cache path that is a file, not a directory, is ignored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codecache-'));
  try {
    writeFileSync(join(dir, 'v8-code-cache'), 'not a directory');
    const r = run(dir, ['run', hello]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^hello, riscv64 linux/);
    assert.deepEqual(r.trace, ['none', 'not written']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('code cache: private to the user (directory 0700, files 0600); a file or directory others can write is not used', { skip: process.platform === 'win32' ? 'no POSIX modes' : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'codecache-'));
  try {
    const base = run(dir, ['run', hello]);
    assert.equal(base.status, 0, base.stderr);
    const [file] = cacheFiles(dir);
    assert.equal(statSync(join(dir, 'v8-code-cache')).mode & 0o777, 0o700);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // a group- or world-writable file: not read, not replaced, the run is the same
    for (const mode of [0o620, 0o602]) {
      chmodSync(file, mode);
      const r = run(dir, ['run', hello]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, base.stdout);
      assert.deepEqual(r.trace, ['unsafe'], `mode ${mode.toString(8)}`);
      assert.equal(statSync(file).mode & 0o777, mode);
    }
    chmodSync(file, 0o600);
    assert.deepEqual(run(dir, ['run', hello]).trace, ['accepted']);
    // a world-writable directory: nothing in it is used or written
    chmodSync(join(dir, 'v8-code-cache'), 0o777);
    const r = run(dir, ['run', hello]);
    assert.equal(r.stdout, base.stdout);
    assert.deepEqual(r.trace, ['unsafe']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
