// `riscv-vdso boot`: clear errors for bad arguments (status 2), and with the cached demo kernel
// (scripts/build-linux.sh; skipped without it) a boot to power-off (status 0, the guest's console on stdout)
// and the instruction limit (status 124, the stop named by vmlinux's symbols).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { artefacts } from '../hart/virt/fullsys';

const root = join(__dirname, '..', '..');
function boot(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'boot', ...args], { encoding: 'utf8', cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

test('boot: bad arguments get one clear sentence and status 2, never a stack trace', () => {
  const cases: [string[], RegExp][] = [
    [[], /--kernel IMAGE is required/],
    [['--kernel'], /--kernel needs a value/],
    [['--kernel', '/nonexistent/Image'], /the kernel: \/nonexistent\/Image: no such file/],
    [['--kernel', 'package.json', '--memory', 'lots'], /--memory needs a size in MiB \(got 'lots'\)/],
    [['--kernel', 'package.json', '--memory', '4'], /memory must be 16\.\.1024 MiB \(got 4\)/],
    [['--kernel', 'package.json', '--time', 'soon'], /--time is virtual or host/],
    [['--kernel', 'package.json', '--bogus'], /unknown option --bogus/],
    [['--kernel', 'package.json', '--firmware', '/nonexistent/fw.bin'], /the firmware: \/nonexistent\/fw\.bin: no such file/],
  ];
  for (const [args, re] of cases) {
    const r = boot(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

const a = artefacts(false);
const skip = typeof a === 'string' ? a : false;

test('boot the demo kernel with the built-in SBI: the console on stdout, status 0 from the power-off', { skip }, () => {
  if (typeof a === 'string') return;
  const r = boot('--kernel', a.image, '--initrd', a.initramfs, '--firmware', 'builtin');
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stdout, /Run \/init as init process/);
  assert.match(r.stdout, /init: 0 failure\(s\); powering off/);
});

test('boot --max-insns: status 124 and the stop named by vmlinux\'s symbols', { skip }, () => {
  if (typeof a === 'string') return;
  const r = boot('--kernel', a.image, '--firmware', 'builtin', '--vmlinux', a.vmlinux, '--max-insns', '5000000');
  assert.equal(r.status, 124);
  assert.match(r.stderr, /instruction limit reached \(5000000\) at pc 0x[0-9a-f]+ <[A-Za-z_][\w.]*\+0x[0-9a-f]+>/);
});
