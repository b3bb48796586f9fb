// jobs.c: job control (stop signals, wait4 WUNTRACED/WCONTINUED, waitid WSTOPPED, SIGCHLD's codes), pidfds
// (pidfd_open, poll, pidfd_send_signal, waitid P_PIDFD, CLONE_PIDFD), SCM_RIGHTS over AF_UNIX, EPOLLET and
// EPOLLONESHOT. The expected output is qemu-riscv64's for the committed binary (fixtures.oracle.ts checks that);
// CLONE_PIDFD, which qemu-riscv64 7.2 ignores, is checked against Linux's documented behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFixture } from './helpers';

const JOBS_OUT = `waitpid WUNTRACED: stopped by Stopped (signal)
waitid WSTOPPED|WNOWAIT|WNOHANG: 0, a second report of the stop: none
waitpid WNOHANG|WUNTRACED again: 0 (the stop was reported)
waitpid WCONTINUED: continued
child read 5 bytes: hello (errno -)
waitpid: exited 7
waitid WSTOPPED: CLD_STOPPED, status Stopped (signal)
child after SIGSTOP: continued
waitpid: exited 0
stopped child after SIGKILL: killed by Killed
SIGCHLD codes: CLD_STOPPED CLD_CONTINUED CLD_EXITED CLD_STOPPED CLD_CONTINUED CLD_EXITED CLD_STOPPED CLD_KILLED
pidfd_open: fd, poll before the end: 0
pidfd_send_signal SIGTERM: 0
poll after: 1, revents POLLIN: yes
waitid P_PIDFD: 0, killed by Terminated
pidfd_send_signal after the end: ESRCH
pidfd_open of no process: ESRCH
child got 'pipe' and a pipe: read 7 bytes 'through'
child got 'file' and a file at the sender's offset: '234'
child got 'third' with a short control buffer: fd none, MSG_CTRUNC set
after the child read 3 bytes the shared offset is 5
EPOLLET, empty pipe: 0
EPOLLET, after a write: 1
EPOLLET, nothing new: 0
EPOLLET, another write: 1
EPOLLET, drained: 0
EPOLLONESHOT: 1, then 0, re-armed 1
level-triggered, still readable: 1 1
`;

test('jobs.c: stops and continues, pidfds, SCM_RIGHTS and edge-triggered epoll as under qemu-riscv64', () => {
  const r = runFixture('jobs', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, JOBS_OUT);
  assert.deepEqual(r.warnings, []);
  assert.ok(r.strace.some((l) => /--- stopped by SIGSTOP ---$/.test(l)), 'strace shows the stop');
  assert.ok(r.strace.some((l) => /^(\[pid \d+\] )?sendmsg\(/.test(l)));
});

test('jobs.c clonepidfd: clone(CLONE_PIDFD) puts a pidfd for the child in *parent_tid; waitid(P_PIDFD) reaps it', () => {
  const r = runFixture('jobs', { args: ['clonepidfd'] });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, 'CLONE_PIDFD: fd set, waitid: 0, exited 4, same pid: yes\n');
});

test('a process that stops itself with nothing left to continue it: a deadlock naming the stop, the thread shown stopped', () => {
  const r = runFixture('jobs', { args: ['selfstop'] });
  assert.equal(r.stop.kind, 'deadlock');
  if (r.stop.kind !== 'deadlock') return;
  assert.match(r.stop.message, /^deadlock: every task waits and nothing can wake one: task 4242 \(jobs\) stopped by SIGSTOP$/);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.proc.threads().map((t) => [t.state, t.waiting]), [['blocked', 'stopped by SIGSTOP']]);
});

test('jobs.c orphan: the first process exits first; its reparented child still writes, the status is the parent\'s (qemu-riscv64 read through a pipe)', () => {
  const r = runFixture('jobs', { args: ['orphan'] });
  assert.deepEqual(r.stop, { kind: 'exited', code: 3 });
  assert.equal(r.stdout, 'parent exits 3\norphan: reparented to init\n');
});

test('jobs.c daemon: a child that closed stdout and stderr does not keep the run going', () => {
  const r = runFixture('jobs', { args: ['daemon'] });
  assert.deepEqual(r.stop, { kind: 'exited', code: 3 });
  assert.equal(r.stdout, 'parent exits 3\norphan: reparented to init\n');
  assert.ok(r.proc.tasks.some((t) => t.state !== 'dead' && t.tgid !== 4242), 'the daemon was still there when the run ended');
});


const SYSMISC_OUT = `setuid(own) 0, setgid(own) 0
setresuid(-1,-1,-1) 0, setreuid(own,-1) 0, setresgid(-1,own,-1) 0
getresuid all the same: yes
sendfile to a pipe: 20 bytes "line 0
line 1", file offset now 20
sendfile from offset 7000: 1890 bytes, offset now 8890, file offset still 20
sendfile from a pipe: EINVAL
`;

test('sysmisc.c: set*id of the own ids, sendfile to a pipe and from an offset, as under qemu-riscv64', () => {
  const r = runFixture('sysmisc');
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, SYSMISC_OUT);
  assert.deepEqual(r.warnings, []);
});

test('sysmisc.c privileged: an unprivileged user may not take other ids (EPERM, not ENOSYS)', () => {
  const r = runFixture('sysmisc', { args: ['privileged'] });
  assert.equal(r.stdout, 'setuid(0) EPERM, setgid(0) EPERM, setresgid(0,-1,-1) EPERM, setgroups EPERM\n');
});

test('sysmisc.c exec: execve("/proc/self/exe") runs the program again (busybox sh runs applets so)', () => {
  const r = runFixture('sysmisc', { args: ['exec'] });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, 'run again through /proc/self/exe as renamed\nchild exited 6\n');
});
