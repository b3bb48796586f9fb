// poll/ppoll/select/epoll, eventfd, timerfd, signalfd and pipes that block between tasks (events.c). The expected
// output is what qemu-riscv64 prints for the committed binary (fixtures.oracle.ts compares them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFixture } from './helpers';

const EVENTS_OUT = `read 19: hello from a thread
poll empty: 0 revents=0 waited>=25ms: yes
poll data: 1 revents=0x1
select: 1 read=0 write=1
epoll nothing: 0
epoll eventfd: 1 data=1
eventfd read 3, again: -1 Resource temporarily unavailable
epoll timerfd: 1 data=2 after>=20ms: yes <1000ms: yes
timerfd expirations >= 3: yes
epoll disarmed: 0
signalfd: 128 signo=10
wrote 200000 through a 64 KiB pipe, reader got 200000
write to a closed pipe: -1 Broken pipe, SIGPIPE: yes
`;

test('events.c: blocking pipes between threads, poll/select/epoll with eventfd, timerfd and signalfd, SIGPIPE', () => {
  const r = runFixture('events', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, EVENTS_OUT);
  assert.deepEqual(r.warnings, []);
  // the main thread slept in read until the writer thread wrote
  assert.ok(r.strace.some((l) => /^\[pid 4242\] read\(3, .*<unfinished \.\.\.>$/.test(l)), 'read blocked');
  assert.ok(r.strace.some((l) => /^\[pid 4242\] <\.\.\. read resumed>\) = 19$/.test(l)), 'read resumed with 19 bytes');
  assert.ok(r.strace.some((l) => /^--- SIGPIPE /.test(l)));
});
