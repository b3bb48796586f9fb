// Processes (procs.c): fork with copy-on-write, vfork, execve, wait4/waitid and zombies, SIGCHLD, kill to other
// processes and process groups, sessions, socketpair and AF_UNIX sockets between processes. The default part's
// expected output is what qemu-riscv64 prints for the committed binary (fixtures.oracle.ts compares them); the
// "exec" part cannot run under qemu-user without binfmt_misc (it would exec a riscv64 binary on the host), so its
// expectations are Linux's documented behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFixture, fixture } from './helpers';
import { launch } from '../../src/kernel/process';

export const PROCS_OUT = `fork: wait4 got the child: yes, exited 7; global 1, shared 11, private 20
pipe from the child (66 bytes, then EOF):
line 0 from the child
line 1 from the child
line 2 from the child
raise(SIGTERM) in the child: killed by Terminated, SIGCHLD handled: yes
NULL store in the child: killed by Segmentation fault
WNOHANG on a live child: 0
kill(child, SIGUSR1), the child's handler ran: exited 3
waitid WNOWAIT: 0, si_code CLD_EXITED, si_status 5, pid matches yes
zombie still there: kill(pid, 0) = 0
reaped: yes, exited 5
no children left: -1 No child processes
kill(reaped pid, 0): -1 No such process
vfork: exited 4
pgid inherited 1, setpgid(0,0) 0, own group 1, setsid EPERM as leader 1, same session 1
setsid in a child: exited 0
kill(-pgid, SIGKILL): killed by Killed
fork with a second thread running: exited 0
socketpair: 18 bytes back: PING OVER A SOCKET
datagrams keep their boundaries: 3 one, 4 two!
bind 0, listen 0
accepted: yes, read to EOF after shutdown: hello from the client (22 bytes); client exited 0
connect after the listener closed: -1 Connection refused
`;

const EXEC_OUT = `exec'd: argc 4 argv[1] child, cloexec fd closed: yes, plain fd kept: yes, env passed, vDSO mapped, global 1
exec child exited 42
posix_spawn 0: exec'd: argc 4 argv[1] child, cloexec fd closed: yes, plain fd kept: yes, env (none), vDSO mapped, global 1
spawned child exited 42
execve missing: No such file or directory
execve directory: Permission denied
execve no x bit: Permission denied
execve not a program: Exec format error
vfork: the child's store is seen by the parent: yes
`;

test('procs.c: fork/wait/signals/process groups/sockets between processes as under qemu-riscv64', () => {
  const r = runFixture('procs', { strace: true });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, PROCS_OUT);
  assert.deepEqual(r.warnings, []);
  // glibc's fork is clone(SIGCHLD) with CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID; vfork is CLONE_VM|CLONE_VFORK
  assert.ok(r.strace.some((l) => /clone\(0x1200000\|SIGCHLD|clone\(0x1200011,/.test(l)), 'fork');
  assert.ok(r.strace.some((l) => /clone\(16657, .*<unfinished \.\.\.>$/.test(l)), 'vfork (CLONE_VM|CLONE_VFORK|SIGCHLD) sleeps until the child is done');
  assert.ok(r.strace.some((l) => /^\[pid \d+\] \+\+\+ killed by SIGSEGV/.test(l)), 'a child killed by a signal');
  // every child was reaped, and the first process by its parent outside the run (the caller, as a shell would)
  assert.deepEqual([...r.proc.processes].map((g) => g.tgid), []);
});

test('procs.c exec: execve replaces the image (argv, envp, close-on-exec, a new vDSO), posix_spawn, execve errors, vfork shares memory', () => {
  const r = runFixture('procs', { args: ['exec'] });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.equal(r.stdout, PROCS_OUT + EXEC_OUT);
});

test('no network: AF_INET and AF_INET6 sockets fail with EACCES and one warning', () => {
  const r = runFixture('procs', { args: ['inet'] });
  assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
  assert.ok(r.stdout.endsWith('socket(AF_INET): -1 Permission denied\nsocket(AF_INET6): -1 Permission denied\n'), r.stdout);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /no network: AF_INET and AF_INET6 sockets fail with EACCES/);
});

test('every child\'s pages and page tables go back to the allocator when it is reaped', () => {
  // procs.c forks 14 children (each with its own page tables, stack and data pages written after the fork) and
  // exec's two more images; at the end only what the first process itself grew may remain in use
  const fresh = launch({ program: fixture('procs'), disableRandomization: true, seed: 1 }).alloc.freePages;
  const hello = runFixture('hello', {});
  const a = runFixture('procs', {}), b = runFixture('procs', { args: ['exec'] });
  assert.deepEqual(a.stop, { kind: 'exited', code: 0 });
  assert.deepEqual(b.stop, { kind: 'exited', code: 0 });
  const grown = (p: typeof a.proc): number => fresh - p.alloc.freePages;
  assert.ok(grown(a.proc) < 100, `pages still in use after procs.c: ${grown(a.proc)} (hello: ${fresh - hello.proc.alloc.freePages})`);
  assert.ok(grown(b.proc) < 100, `pages still in use after procs.c exec: ${grown(b.proc)}`);
});
