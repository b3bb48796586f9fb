// The Linux fixtures on the kernel model vs qemu-riscv64 (user mode, real Linux underneath), static and
// dynamically linked against the cross sysroot /usr/riscv64-linux-gnu. Needs riscv64-linux-gnu-gcc and
// qemu-riscv64. Where qemu differs by design, we assert our (Linux-correct) result instead:
//  * times: our virtual clock starts on 2024-01-01, the host's does not (time fields are masked);
//  * maps.c: qemu-user has no [vvar]/[vdso] for riscv64 (so it prints MISMATCH); we check ours says ok;
//  * vdso_sym.c: with no AT_SYSINFO_EHDR, the walker dereferences NULL under qemu; ours finds the symbol;
//  * clocks.c: sched_getcpu is the host CPU under qemu, 0 here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFixture, FIXTURES } from './helpers';

const SYSROOT = '/usr/riscv64-linux-gnu';
const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const skip = !have('qemu-riscv64') || !have('riscv64-linux-gnu-gcc') ? 'needs qemu-riscv64 and riscv64-linux-gnu-gcc' : false;

const mask = (s: string): string => s.replace(/tv_sec=\d+, tv_usec=\d+/g, 'tv_sec=S, tv_usec=U').replace(/sched_getcpu: \d+/, 'sched_getcpu: N');

function qemu(path: string, args: string[] = [], input = ''): { stdout: string; status: number | null } {
  const r = spawnSync('qemu-riscv64', ['-L', SYSROOT, path, ...args], { input, encoding: 'utf8' });
  return { stdout: r.stdout, status: r.status };
}

const CASES: { name: string; args?: string[]; stdin?: string }[] = [
  { name: 'hello', args: ['x'] }, { name: 'vdso' }, { name: 'syscall' }, { name: 'signal' },
  { name: 'clocks' }, { name: 'io', stdin: 'some input\n' }, { name: 'cpu' }, { name: 'clockloop', args: ['100'] },
  { name: 'threads' }, { name: 'reserve' }, { name: 'events' }, { name: 'procs' }, { name: 'sigthreads' }, { name: 'fpthreads' }, { name: 'jobs' },
  { name: 'jobs', args: ['orphan'] }, { name: 'jobs', args: ['daemon'] }, { name: 'sysmisc' },
];

for (const kind of ['static', 'dynamic'] as const) {
  test(`${kind} fixtures: same stdout and status as qemu-riscv64`, { skip }, () => {
    if (kind === 'dynamic') {
      const b = spawnSync('bash', [join(FIXTURES, '..', 'build.sh'), '--dynamic'], { encoding: 'utf8' });
      assert.equal(b.status, 0, b.stderr);
    }
    const dir = kind === 'static' ? FIXTURES : join(FIXTURES, 'dynamic');
    for (const c of CASES) {
      const path = join(dir, c.name);
      assert.ok(existsSync(path), path);
      const q = qemu(path, c.args, c.stdin);
      const ours = runFixture(c.name, { program: path, args: c.args, stdin: Buffer.from(c.stdin ?? ''), sysroot: SYSROOT });
      assert.equal(ours.stop.kind, 'exited', `${kind} ${c.name}: ${JSON.stringify(ours.stop)}`);
      if (ours.stop.kind === 'exited') assert.equal(ours.stop.code, q.status, `${kind} ${c.name}: exit status`);
      assert.equal(mask(ours.stdout), mask(q.stdout), `${kind} ${c.name}: stdout`);
    }
    // maps.c: qemu-user lacks the vDSO mapping on riscv64; ours must pass its own check
    const m = runFixture('maps', { program: join(dir, 'maps'), sysroot: SYSROOT });
    assert.deepEqual(m.stop, { kind: 'exited', code: 0 });
    assert.match(m.stdout, /\[vvar\]=2 pages \[vdso\]=1 pages: ok\n$/);
    const v = runFixture('vdso_sym', { program: join(dir, 'vdso_sym'), sysroot: SYSROOT });
    assert.deepEqual(v.stop, { kind: 'exited', code: 0 });
    assert.match(v.stdout, /^found __vdso_gettimeofday at vdso\+0x9c6\ntv_sec=\d+, tv_usec=\d+\n$/);
    if (kind === 'dynamic') assert.match(m.stdout, / \/lib\/riscv64-linux-gnu\/libc\.so\.6\n/);
  });
}

test('signal.c die: killed by SIGSEGV like under qemu (status 139 from a shell)', { skip }, () => {
  const q = qemu(join(FIXTURES, 'signal'), ['die']);
  const ours = runFixture('signal', { args: ['die'] });
  assert.deepEqual(ours.stop, { kind: 'killed', signal: 11, name: 'SIGSEGV' });
  assert.equal(q.status, null, 'qemu-riscv64 itself dies of the signal');
  assert.equal(ours.stdout, q.stdout);
});

test('files.c in an empty working directory: same stdout and status as qemu-riscv64', { skip }, () => {
  const a = mkdtempSync(join(tmpdir(), 'files-q-')), b = mkdtempSync(join(tmpdir(), 'files-o-'));
  try {
    const q = spawnSync('qemu-riscv64', [join(FIXTURES, 'files')], { cwd: a, encoding: 'utf8' });
    const ours = runFixture('files', { cwd: b });
    assert.deepEqual(ours.stop, { kind: 'exited', code: q.status });
    assert.equal(ours.stdout, q.stdout);
  } finally { rmSync(a, { recursive: true, force: true }); rmSync(b, { recursive: true, force: true }); }
});
