// Tasks on the one hart: threads (clone, futex, the scheduler), deadlock reports, address-space reservations.
// The expected outputs are what qemu-riscv64 prints for the same committed binaries (fixtures.oracle.ts checks that).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFixture } from './helpers';

const THREADS_OUT = `turn 0 (tls 1)
turn 1 (tls 2)
turn 2 (tls 3)
turn 3 (tls 4)
counter 80000, tids distinct from pid: yes
joined, sum 60, all got SIGUSR1: yes
timedwait: ETIMEDOUT, waited >= 20 ms: yes
robust lock after owner died: EOWNERDEAD
sched_setaffinity(cpu 0): 0
`;

test('threads.c: pthreads (clone, mutex/condvar/barrier futexes, TLS, tgkill, timed wait, robust mutex) as on Linux', () => {
  const r = runFixture('threads', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, THREADS_OUT);
  assert.deepEqual(r.warnings, []);
  // five threads were created with the flags glibc's pthread_create uses, and strace tells the tasks apart
  const clones = r.strace.filter((l) => /clone\(0x3d0f00,/.test(l));
  assert.equal(clones.length, 5, clones.join('\n'));
  assert.ok(r.strace.some((l) => /^\[pid \d+\] futex\(.*<unfinished \.\.\.>$/.test(l)));
  assert.ok(r.strace.some((l) => /^\[pid \d+\] <\.\.\. futex resumed>\) = 0$/.test(l)));
  assert.ok(r.strace.some((l) => /^\[pid \d+\] tgkill\(\d+, \d+, SIGUSR1\) = 0$/.test(l)));
  assert.equal(r.proc.tasks.length, 1, 'every thread but main is gone');
});

test('a wait nothing can end is reported as a deadlock naming every task and what it waits on', () => {
  const r = runFixture('threads', { args: ['deadlock'] });
  assert.equal(r.stop.kind, 'deadlock');
  if (r.stop.kind !== 'deadlock') return;
  assert.match(r.stop.message, /^deadlock: every task waits and nothing can wake one: task 4242 \(threads\) in futex 0x[0-9a-f]+, task 4243 \(threads\) in futex 0x[0-9a-f]+$/);
});

test('threads run in guest time: the same seed gives the same interleaving and the same clock', () => {
  const a = runFixture('threads', { strace: true }), b = runFixture('threads', { strace: true });
  assert.deepEqual(a.strace, b.strace);
  assert.equal(a.proc.hart.time, b.proc.hart.time);
});

test('reserve.c: PROT_NONE and MAP_NORESERVE reservations beyond RAM commit nothing (Go reserves 512 MiB this way)', () => {
  const r = runFixture('reserve', { ramBytes: 64 * 1024 * 1024 });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, 'reserved: ok ok ok\nfixed piece in place, mprotect 0, bytes 7 1 2 3\n');
});

const SIGTHREADS_OUT = `kill(getpid(), SIGUSR2): handled by the thread that does not block it: yes, by main: no
pending for the process while every thread blocks it: yes
sigwaitinfo: 10 SI_USER from this process: yes; then 10
nothing pending after: yes
raise(SIGINT) while blocked: pending yes
sigtimedwait(0): 2 (Interrupt)
sigtimedwait(10 ms) with nothing pending: -1 Resource temporarily unavailable
sigsuspend: -1 Interrupted system call, handler ran in main: yes, SIGUSR2 blocked again: yes
`;

test('sigthreads.c: per-thread masks, a process signal taken by the thread that does not block it or left pending for sigwait, sigpending, sigtimedwait, sigsuspend', () => {
  const r = runFixture('sigthreads', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, SIGTHREADS_OUT);
  assert.deepEqual(r.warnings, []);
  // sigwaitinfo slept until the signal came, and sigsuspend was interrupted by the handler
  assert.ok(r.strace.some((l) => /rt_sigtimedwait\(.*<unfinished \.\.\.>$/.test(l)), 'sigwaitinfo slept');
  assert.ok(r.strace.some((l) => /<\.\.\. rt_sigsuspend resumed>\) = -1 EINTR/.test(l)), 'sigsuspend ended by the signal');
});
