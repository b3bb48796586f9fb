// The user's files (files.c): the guest works in the caller's directory, read-write, at its real host path, with
// Linux's errors; flock and fcntl locks; what lies outside the grants is refused with one warning. The expected
// output is what qemu-riscv64 prints for the committed binary in an empty directory (fixtures.oracle.ts compares).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runFixture, fixture } from './helpers';

const FILES_OUT = `read note.txt                27 
line one
line two
appended
open missing                 -1 ENOENT
open O_EXCL existing         -1 EEXIST
mkdir d/e (no parent)        -1 ENOENT
mkdir d                      0 
mkdir d again                -1 EEXIST
mkdir d/e                    0 
rename into d/e              0 
renameat2 NOREPLACE          -1 EEXIST
rmdir d (not empty)          -1 ENOTEMPTY
unlink a directory           -1 EISDIR
symlink                      0 
readlink d/link: e/note.txt
symlink exists               -1 EEXIST
link                         0 
chmod 600                    0 
mode 600 nlink 2 size 27
utimensat                    0 
mtime 1234567890
chown to self                0 
statfs .                     0 
namelen 255
d: . .. e hard link
flock a EX                   0 
flock b EX (conflict)        -1 EAGAIN
flock a UN                   0 
flock b SH                   0 
OFD setlk a                  0 
OFD setlk b (conflict)       -1 EAGAIN
OFD getlk b                  0 
getlk type F_WRLCK start 0 len 100
POSIX setlk a                0 
POSIX setlk b (same process) 0 
POSIX getlk                  0 
getlk type F_UNLCK
create a 299-byte name       -1 ENAMETOOLONG
unlink d/link                0 
unlink d/hard                0 
unlink d/e/note.txt          0 
rmdir d/e                    0 
rmdir d                      0 
access . W_OK                0 
`;

function scratch(): string { return mkdtempSync(join(tmpdir(), 'riscv-vdso-files-')); }

test('files.c in a scratch cwd: create/rename/link/unlink/mkdir/rmdir, getdents64, statfs, flock and fcntl locks as on Linux', () => {
  const cwd = scratch();
  try {
    const r = runFixture('files', { cwd });
    assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
    assert.equal(r.stdout, FILES_OUT);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(readdirSync(cwd).sort(), [], 'the program removed what it made');
  } finally { rmSync(cwd, { recursive: true, force: true }); }
});

test('the guest sees host paths as they are: getcwd is the caller\'s directory, /proc/self/exe the program', () => {
  const cwd = scratch();
  try {
    const r = runFixture('hello', { cwd, args: ['x'], strace: true });
    assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
    assert.equal(r.proc.vfs.cwd, cwd);
    assert.equal(r.proc.exePath, fixture('hello'));
    // a file the guest writes lands in the host directory
    writeFileSync(join(cwd, 'in.txt'), 'from the host\n');
    const io = runFixture('io', { cwd, stdin: Buffer.from('') });
    assert.equal(io.stop.kind, 'exited');
    assert.equal(readFileSync(join(cwd, 'in.txt'), 'utf8'), 'from the host\n');
  } finally { rmSync(cwd, { recursive: true, force: true }); }
});

test('a path outside the grants: EACCES and one warning naming the path and --allow (or ENOENT inside the private /tmp)', () => {
  const cwd = scratch();
  const outside = join(__dirname, '..', 'fixtures', 'linux', 'src', 'files.c');
  try {
    const r = runFixture('files', { cwd, args: ['outside', outside] });
    assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
    if (outside.startsWith('/tmp/')) {
      assert.equal(r.stdout, 'open outside                 -1 ENOENT\n');
    } else {
      assert.equal(r.stdout, 'open outside                 -1 EACCES\n');
      assert.deepEqual(r.warnings, [`${outside}: outside what the guest may use (EACCES); allow it with --allow ${dirname(outside)}[:ro] (launch.json: "allow")`]);
    }
    const ok = runFixture('files', { cwd, args: ['outside', outside], allow: [`${dirname(outside)}:ro`] });
    assert.match(ok.stdout, /^open outside {17}3 \n$/);
    // read-only: writing there is EROFS
    assert.equal(ok.warnings.length, 0);
  } finally { rmSync(cwd, { recursive: true, force: true }); }
});

test('a program in a directory deep under the host /tmp sees its own directory (the way down through the private /tmp)', () => {
  const top = scratch(), cwd = scratch();
  try {
    const dir = join(top, 'a', 'b');
    mkdirSync(dir, { recursive: true });
    copyFileSync(fixture('files'), join(dir, 'files'));
    writeFileSync(join(dir, 'data.txt'), 'beside the program\n');
    const r = runFixture('files', { program: join(dir, 'files'), cwd, args: ['outside', join(dir, 'data.txt')] });
    assert.deepEqual(r.stop, { kind: 'exited', code: 0 });
    assert.match(r.stdout, /^open outside {17}3 \n$/);
    assert.deepEqual(r.warnings, []);
  } finally { rmSync(top, { recursive: true, force: true }); rmSync(cwd, { recursive: true, force: true }); }
});
