// `riscv-vdso boot`: clear errors for bad arguments (status 2), and with the cached demo kernel
// (scripts/build-linux.sh; skipped without it) a boot to power-off (status 0, the guest's console on stdout),
// typed input reaching the guest, the guest's failure status, and the instruction limit (status 124, the stop
// named by vmlinux's symbols).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
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
  assert.match(r.stdout, /init: 0 failure\(s\), 2 skip\(s\); powering off/);
});

test('boot --max-insns: status 124 and the stop named by vmlinux\'s symbols', { skip }, () => {
  if (typeof a === 'string') return;
  const r = boot('--kernel', a.image, '--firmware', 'builtin', '--vmlinux', a.vmlinux, '--max-insns', '5000000');
  assert.equal(r.status, 124);
  assert.match(r.stderr, /instruction limit reached \(5000000\) at pc 0x[0-9a-f]+ <[A-Za-z_][\w.]*\+0x[0-9a-f]+>/);
});

test('boot: the console\'s input reaches the guest (the UART\'s receive interrupt through the PLIC): init reads a typed line', { skip }, async () => {
  if (typeof a === 'string') return;
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'boot', '--kernel', a.image,
    '--initrd', a.initramfs, '--firmware', 'builtin', '--append', 'console=ttyS0 earlycon=sbi initecho=1'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (b: Buffer) => { err += b.toString('latin1'); });
  // type only once the guest asks: it is then asleep in read(), and the line wakes it through the interrupt
  child.stdout.on('data', (b: Buffer) => {
    const before = out;
    out += b.toString('latin1');
    if (!before.includes('init: type a line') && out.includes('init: type a line')) child.stdin.end('hello from the host\n');
  });
  const status = await new Promise<number | null>((res) => child.on('close', res));
  assert.equal(status, 0, err.slice(-2000));
  assert.match(out, /init: read 'hello from the host' \(19 bytes\)/);
  assert.match(out, /init: 0 failure\(s\), 2 skip\(s\); powering off/);
});

test('boot: the exit status is the guest\'s (init powers off with its failure count)', { skip }, () => {
  if (typeof a === 'string') return;
  const r = boot('--kernel', a.image, '--initrd', a.initramfs, '--firmware', 'builtin', '--append', 'console=ttyS0 earlycon=sbi initrun=/bin/absent:/bin/missing');
  assert.equal(r.status, 2, r.stderr.slice(-2000));
  assert.match(r.stdout, /init: \/bin\/absent exited with 127 \(FAIL\)/);
  assert.match(r.stdout, /init: 2 failure\(s\), 2 skip\(s\); powering off/);
});

test('boot: SIGTERM ends the run with status 143 and says so (the terminal\'s mode is restored on this path)', { skip }, async () => {
  if (typeof a === 'string') return;
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'boot', '--kernel', a.image,
    '--initrd', a.initramfs, '--firmware', 'builtin'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (b: Buffer) => { err += b.toString('latin1'); });
  child.stdout.on('data', (b: Buffer) => {
    if (!out.includes('Linux version') && (out += b.toString('latin1')).includes('Linux version')) child.kill('SIGTERM');
  });
  const status = await new Promise<number | null>((res) => child.on('close', res));
  assert.equal(status, 143, err);
  assert.match(err, /riscv-vdso: SIGTERM/);
  assert.doesNotMatch(out, /Power down/, 'it ended before the guest did');
});
