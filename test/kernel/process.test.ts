// The committed static glibc fixtures (test/fixtures/linux/) on the kernel model: exact stdout and exit
// status, strace's view of the vDSO (no clock_gettime/gettimeofday system calls for the libc versions),
// /proc/self/maps, signals, errors. No toolchain needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFixture, fixture, FIXED_EPOCH } from './helpers';
import { launch, LaunchError } from '../../src/kernel/process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

const VIRTUAL_SEC = `tv_sec=${FIXED_EPOCH}`; // the helper fixes CLOCK_REALTIME's start (timeEpoch) at 2024-01-01T00:00:00Z

test('static hello world prints and exits 0', () => {
  const r = runFixture('hello', { args: ['a', 'b'] });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, 'hello, riscv64 linux (argc=3)\n');
  assert.deepEqual(r.warnings, []);
});

test('vdso.c: gettimeofday through the vDSO, no system call', () => {
  const r = runFixture('vdso', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.match(r.stdout, new RegExp(`^${VIRTUAL_SEC}, tv_usec=\\d+\\n$`));
  assert.ok(!r.strace.some((l) => /^(gettimeofday|clock_gettime)\(/.test(l)), r.strace.join('\n'));
  assert.ok(r.strace.some((l) => l.startsWith('write(1, "tv_sec=1704067200')), 'the write is traced');
  assert.equal(r.strace[r.strace.length - 1], '+++ exited with 0 +++');
});

test('syscall.c: the raw gettimeofday traps into the kernel and strace shows it', () => {
  const r = runFixture('syscall', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  const line = r.strace.find((l) => l.startsWith('gettimeofday('));
  assert.ok(line, r.strace.join('\n'));
  assert.match(line!, /^gettimeofday\(\{tv_sec=1704067200, tv_usec=\d+\}, \{tz_minuteswest=0, tz_dsttime=0\}\) = 0$/);
  const usec = /tv_usec=(\d+)/.exec(line!)![1];
  assert.equal(r.stdout, `${VIRTUAL_SEC}, tv_usec=${usec}\n`, 'the program prints what the kernel returned');
});

test('vdso_sym.c: walking the vDSO ELF from AT_SYSINFO_EHDR finds __vdso_gettimeofday', () => {
  const r = runFixture('vdso_sym', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'found __vdso_gettimeofday at vdso+0x9c6');
  assert.match(lines[1], new RegExp(`^${VIRTUAL_SEC}, tv_usec=\\d+$`));
  assert.ok(!r.strace.some((l) => l.startsWith('gettimeofday(')));
});

test('runs are reproducible in virtual time with a fixed epoch', () => {
  assert.equal(runFixture('vdso').stdout, runFixture('vdso').stdout);
  const a = runFixture('clockloop', { args: ['50'], timeEpoch: 1_800_000_000.25, strace: true });
  const b = runFixture('clockloop', { args: ['50'], timeEpoch: 1_800_000_000.25, strace: true });
  assert.deepEqual(a.strace, b.strace);
  assert.equal(a.proc.hart.time, b.proc.hart.time);
  const real = runFixture('syscall', { timeEpoch: 1_800_000_000.25 });
  assert.match(real.stdout, /^tv_sec=1800000000, tv_usec=25\d{4}\n$/, 'the fraction of the epoch is kept');
});

test('by default CLOCK_REALTIME starts at the host\'s wall clock (no fixed 2024 date)', () => {
  const before = Math.floor(Date.now() / 1000);
  const r = runFixture('syscall', { timeEpoch: undefined });
  const after = Math.ceil(Date.now() / 1000);
  const sec = Number(/^tv_sec=(\d+),/.exec(r.stdout)![1]);
  assert.ok(sec >= before && sec <= after + 1, `guest ${sec}, host ${before}..${after}`);
});

test('a bad timeEpoch is a clear launch error', () => {
  for (const bad of [-1, Number.NaN, Infinity]) {
    assert.throws(() => launch({ program: fixture('hello'), timeEpoch: bad }), (e: Error) => e instanceof LaunchError && /timeEpoch must be a number of seconds/.test(e.message));
  }
});

test('maps.c: /proc/self/maps in Linux format, [vvar] two pages right below [vdso] = AT_SYSINFO_EHDR', () => {
  const r = runFixture('maps');
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[lines.length - 1], 'AT_SYSINFO_EHDR=0x3ff7fff000 [vvar]=2 pages [vdso]=1 pages: ok');
  const maps = lines.slice(0, -1);
  // the program under its own host path (no renaming), its inode from its name and contents (the same in every checkout)
  // the device: the model's /tmp is a tmpfs (00:2d), every other path the root disk (fe:01); a checkout under /tmp is one
  const dev = fixture('maps').startsWith('/tmp/') ? '00:2d' : 'fe:01';
  assert.equal(maps[0], `00010000-00080000 r-xp 00000000 ${dev} 493080 `.padEnd(73, ' ') + fixture('maps'));
  assert.ok(maps.includes('3ff7ffd000-3ff7fff000 r--p 00000000 00:00 0                              [vvar]'), maps.join('\n'));
  assert.ok(maps.includes('3ff7fff000-3ff8000000 r-xp 00000000 00:00 0                              [vdso]'));
  assert.ok(maps.includes('3ffffdf000-4000000000 rw-p 00000000 00:00 0                              [stack]'));
  assert.ok(maps.some((l) => / rw-p 00000000 00:00 0 {34}\[heap\]$/.test(l)));
  for (const l of maps) {
    assert.match(l, /^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][ps] [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} \d+ ( *\S.*)?$/);
    if (l.length > 73) assert.equal(l[72], ' ', 'names start at column 74');
  }
  assert.equal(r.proc.mapsText().trimEnd().split('\n').length, maps.length);
});

test('ASLR moves the stack, mmap base and vDSO; --no-aslr pins them', () => {
  const a = runFixture('maps', { disableRandomization: false, seed: 7 });
  const b = runFixture('maps', { disableRandomization: false, seed: 8 });
  assert.match(a.stdout, /: ok\n$/);
  assert.match(b.stdout, /: ok\n$/);
  const vdso = (s: string): string => /AT_SYSINFO_EHDR=(0x[0-9a-f]+)/.exec(s)![1];
  assert.notEqual(vdso(a.stdout), vdso(b.stdout));
  assert.notEqual(vdso(a.stdout), '0x3ff7fff000');
});

test('signal.c: SA_SIGINFO handler via raise, blocked/unblocked, SIGSEGV with si_addr, default action kills', () => {
  const expected = 'SIGUSR1 handled 2 times, sig=10 si_code=-6 (SI_TKILL=-6), d=3\nblocked: still 2\nunblocked: now 3\nSIGSEGV at 0x10\n';
  const r = runFixture('signal', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, expected);
  assert.ok(r.strace.includes('--- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=0x10} ---'), r.strace.join('\n'));
  assert.ok(r.strace.some((l) => /^rt_sigreturn\(/.test(l)));
  const die = runFixture('signal', { args: ['die'], strace: true });
  assert.deepEqual(die.stop, { kind: 'killed', signal: 11, name: 'SIGSEGV' });
  assert.equal(die.stdout, expected);
  assert.equal(die.strace[die.strace.length - 1], '+++ killed by SIGSEGV (core dumped) +++');
});

test('stopOnSignal reports the signal before delivery, then run() resumes and delivers it', () => {
  const p = launch({ program: fixture('signal'), disableRandomization: true, seed: 1, onStdout: () => {} });
  p.stopOnSignal = true;
  const s = p.run(1_000_000_000);
  assert.deepEqual(s, { kind: 'signal', signal: 10, name: 'SIGUSR1' });
  let r = p.run(1_000_000_000);
  while (r.kind === 'signal') r = p.run(1_000_000_000);
  assert.deepEqual(r, { kind: 'exited', code: 0 });
});

test('clocks.c: every clock agrees between the vDSO and the system call; getres, getcpu, flush_icache', () => {
  const r = runFixture('clocks', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, [
    'CLOCK_REALTIME           gettime 0/0 ordered=yes res=1 ns (same both ways)',
    'CLOCK_MONOTONIC          gettime 0/0 ordered=yes res=1 ns (same both ways)',
    'CLOCK_PROCESS_CPUTIME_ID gettime 0/0 ordered=yes res=1 ns (same both ways)',
    'CLOCK_THREAD_CPUTIME_ID  gettime 0/0 ordered=yes res=1 ns (same both ways)',
    'CLOCK_MONOTONIC_RAW      gettime 0/0 ordered=yes res=1 ns (same both ways)',
    'CLOCK_REALTIME_COARSE    gettime 0/0 ordered=yes res=4000000 ns (same both ways)',
    'CLOCK_MONOTONIC_COARSE   gettime 0/0 ordered=yes res=4000000 ns (same both ways)',
    'CLOCK_BOOTTIME           gettime 0/0 ordered=yes res=1 ns (same both ways)',
    'CLOCK_TAI                gettime 0/0 ordered=yes res=1 ns (same both ways)',
    'bad clock id: -1',
    'gettimeofday vdso vs syscall: agree',
    'nanosleep 50 ms: slept at least 50 ms: yes',
    'sched_getcpu: 0',
    '__riscv_flush_icache: ok',
    '',
  ].join('\n'));
  // the vDSO serves the hres/coarse/raw clocks: their only clock_gettime syscalls are the explicit ones
  const viaSyscall = r.strace.filter((l) => l.startsWith('clock_gettime(')).map((l) => /^clock_gettime\((\w+)/.exec(l)![1]);
  for (const c of ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_MONOTONIC_RAW', 'CLOCK_BOOTTIME', 'CLOCK_TAI']) {
    assert.equal(viaSyscall.filter((x) => x === c).length, 1, `${c}: ${viaSyscall}`);
  }
  assert.ok(r.strace.some((l) => /^clock_gettime\(12345, 0x[0-9a-f]+\) = -1 EINVAL/.test(l)), 'bad id falls back to the kernel');
  assert.ok(r.strace.some((l) => l.startsWith('riscv_flush_icache(')));
  assert.ok(r.strace.some((l) => l.startsWith('getcpu(')));
  assert.ok(r.strace.some((l) => l.startsWith('clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=50000000}')), r.strace.join('\n'));
});

test('io.c: stdin, /tmp files, writev/pread/lseek, pipes, dup, errors', () => {
  const r = runFixture('io', { stdin: Buffer.from('line one\nline two\n') });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, [
    'line one', 'line two', 'stdin: 18 bytes', 'writev: 11', 'size: 11 regular: 1', 'lseek: 0', 'read back 11: hello file',
    "pread: 4 'file'", "pipe: 14 'through a pipe'", "dup'd stdout: fd 3", 'open missing: -1 No such file or directory',
    'create in a missing directory: -1 No such file or directory', 'stat /: 0', '',
  ].join('\n'));
});

test('cpu: a CPU-heavy program gives the right answer', () => {
  const r = runFixture('cpu');
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, 'primes<=200000: 17984 crc32=fd7e38e0 trace=0 zeta2~1.643935\n');
});

test('strace formats: openat errors with errno names, exit_group', () => {
  const r = runFixture('io', { strace: true, stdin: Buffer.alloc(0) });
  assert.ok(r.strace.includes('openat(AT_FDCWD, "/etc/no-such-file", O_RDONLY) = -1 ENOENT (No such file or directory)'), r.strace.join('\n'));
  assert.ok(r.strace.includes('exit_group(0) = ?'));
});

test('bad input: a missing program, a non-ELF file, a non-RISC-V ELF give precise errors', () => {
  assert.throws(() => launch({ program: '/nonexistent/prog' }), (e: Error) => e instanceof LaunchError && /No such file/.test(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'kernel-test-'));
  writeFileSync(join(dir, 'text'), 'not an elf at all');
  assert.throws(() => launch({ program: join(dir, 'text') }), (e: Error) => e instanceof LaunchError && /not a valid ELF/.test(e.message));
  const elf = Buffer.alloc(64);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  elf.writeUInt16LE(2, 16); elf.writeUInt16LE(62, 18); elf.writeUInt32LE(1, 20);
  writeFileSync(join(dir, 'x86'), elf);
  assert.throws(() => launch({ program: join(dir, 'x86') }), (e: Error) => e instanceof LaunchError && /x86|RISC-V|valid ELF/.test(e.message));
});

test('out of guest RAM: mmap gives -ENOMEM instead of crashing', () => {
  const r = runFixture('hello', { ramBytes: 4 * 1024 * 1024 });
  // 4 MiB is enough for hello; the program itself must not be hurt
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, 'hello, riscv64 linux (argc=1)\n');
});

test('riscv-vdso vdso prints the dynamic symbol table like objdump -T', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), 'vdso', 'src/guest/vdso/build/vdso.so'],
    { encoding: 'utf8', cwd: join(__dirname, '..', '..') });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[1], 'src/guest/vdso/build/vdso.so:     file format elf64-littleriscv');
  assert.ok(lines.includes('0000000000000000 g    DO *ABS*\t0000000000000000  LINUX_4.15  LINUX_4.15'));
  assert.ok(lines.includes('000000000000096a g    DF .text\t000000000000005c  LINUX_4.15  __vdso_clock_gettime'));
  assert.ok(lines.includes('0000000000000388 l    d  .note\t0000000000000000              .note'));
});
