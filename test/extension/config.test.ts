import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { elfInfo, guessProgram, resolveLaunch, checkLaunch, builtOutputCandidates, EM_RISCV } from '../../src/extension/config';
import { launchArgumentsProblem, programProblem, describeValue } from '../../src/debug/launchArgs';
import { EM_RISCV as ELF_EM_RISCV } from '../../src/elf/elf';

const ROOT = join(__dirname, '..', '..');
const ELF = join(ROOT, 'test/fixtures/linux/build/syscall');

function header(machine: number, cls = 2, type = 2): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, cls, 1, 1]);
  b[16] = type; b[18] = machine & 0xff; b[19] = machine >> 8;
  return b;
}

test('elfInfo reads class, type and machine; non-ELF bytes are not an ELF', () => {
  assert.equal(EM_RISCV, ELF_EM_RISCV, 'the extension\'s copy of e_machine agrees with the ELF reader\'s');
  assert.deepEqual(elfInfo(header(EM_RISCV)), { class64: true, type: 2, machine: ELF_EM_RISCV });
  assert.equal(elfInfo(new TextEncoder().encode('#include <stdio.h>\nint main() { return 0; }\n')), undefined);
});

test('guessProgram: any ELF is taken (checkLaunch says what is wrong with it); a C file finds its output in bin/; other files are named', () => {
  const files: Record<string, Uint8Array> = { '/w/a.out': header(62), '/w/src/bin/vdso': header(EM_RISCV), '/w/notes.md': new TextEncoder().encode('# notes') };
  const read = (p: string) => files[p];
  assert.deepEqual(guessProgram('/w/a.out', read), { program: '/w/a.out' });
  assert.deepEqual(guessProgram('/w/src/vdso.c', read), { program: '/w/src/bin/vdso' });
  assert.match(guessProgram('/w/src/other.c', read).problem!, /^No RISC-V program built from \/w\/src\/other\.c was found \(looked for src\/other, bin\/other/);
  assert.match(guessProgram('/w/notes.md', read).problem!, /^\/w\/notes\.md is neither a RISC-V ELF nor a C\/C\+\+\/assembly source/);
  assert.match(guessProgram(undefined, read).problem!, /no file in the editor/);
  assert.deepEqual(builtOutputCandidates('/w/x.S').slice(0, 2), ['/w/x', '/w/bin/x']);
});

test('resolveLaunch fills an empty configuration (named "RISC-V vDSO Lab: ...") and keeps a written one as it is', () => {
  const r = resolveLaunch({}, ELF, '/ws');
  assert.deepEqual(r.config, { type: 'riscv-vdso', request: 'launch', name: 'RISC-V vDSO Lab: Debug syscall', program: ELF, cwd: '/ws', disableRandomization: true });
  const partial = resolveLaunch({ type: 'riscv-vdso', request: 'launch', name: 'n' }, ELF, '/ws');
  assert.deepEqual(partial.config, { type: 'riscv-vdso', request: 'launch', name: 'n' }, 'a launch.json configuration is not guessed into');
  assert.match(resolveLaunch({}, undefined, '/ws').problem!, /launch\.json/);
});

test('checkLaunch: ${file} on a C source becomes its built program; each launch.json mistake is named with its value and what is expected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rvl-cfg-'));
  copyFileSync(ELF, join(dir, 'prog'));
  writeFileSync(join(dir, 'prog.c'), 'int main(void) { return 0; }\n');
  writeFileSync(join(dir, 'lone.c'), 'int main(void) { return 0; }\n');
  const base = { type: 'riscv-vdso', request: 'launch', name: 'mine', cwd: dir };
  assert.equal(checkLaunch({ ...base, program: join(dir, 'prog.c') }).config!.program, join(dir, 'prog'));
  assert.match(checkLaunch({ ...base, program: join(dir, 'lone.c') }).problem!, /No RISC-V program built from .*lone\.c/);
  assert.equal(checkLaunch({ ...base, program: join(dir, 'prog') }).config!.program, join(dir, 'prog'));
  assert.equal(checkLaunch({ ...base, program: join(dir, 'prog'), strace: 'yes' as unknown as boolean }).problem, '"strace" is "yes" (a string); expected true or false (configuration "mine")');
  assert.equal(checkLaunch({ ...base, program: join(dir, 'prog'), cwd: join(dir, 'nope') }).problem, `"cwd" is "${join(dir, 'nope')}": no such directory (configuration "mine")`);
  assert.equal(checkLaunch({ type: 'riscv-vdso', request: 'launch', name: 'mine' }).problem, '"program" is missing: set it to the path of the riscv64 ELF to debug (configuration "mine")');
});

test('launch arguments: types, paths, and what the program file is instead of a riscv64 ELF', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rvl-args-'));
  const p = (name: string, bytes: Uint8Array | string) => { const f = join(dir, name); writeFileSync(f, bytes); return f; };
  const script = p('run.sh', '#!/bin/sh\necho hi\n');
  const x86 = p('a.out', header(62));
  const arm = p('arm', header(183));
  const rv32 = p('rv32', header(EM_RISCV, 1));
  const obj = p('x.o', header(EM_RISCV, 2, 1));
  const text = p('README', 'hello world, this is text\n');
  const bin = p('blob', new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
  const empty = p('empty', '');
  mkdirSync(join(dir, 'sub'));
  assert.equal(programProblem(script), `${script} is not an ELF file (it starts with #!)`);
  assert.equal(programProblem(x86), `${x86} is an x86-64 ELF (EM_X86_64), not RISC-V`);
  assert.equal(programProblem(arm), `${arm} is an AArch64 ELF (EM_AARCH64), not RISC-V`);
  assert.match(programProblem(rv32)!, /32-bit RISC-V ELF \(ELFCLASS32\)/);
  assert.match(programProblem(obj)!, /relocatable object file \(ET_REL\), not a program: link it first/);
  assert.equal(programProblem(text), `${text} is not an ELF file (it starts with the text "hello world, thi", not the ELF magic 7f 45 4c 46)`);
  assert.equal(programProblem(bin), `${bin} is not an ELF file (it starts with the bytes 00 01 02 03, not the ELF magic 7f 45 4c 46)`);
  assert.equal(programProblem(empty), `${empty} is an empty file, not an ELF program`);
  assert.equal(programProblem(join(dir, 'sub')), `"program" is "${join(dir, 'sub')}": that is a directory, not a program file`);
  assert.equal(programProblem(join(dir, 'gone')), `"program" is "${join(dir, 'gone')}": no such file`);
  assert.equal(programProblem(ELF), undefined);

  const ok = { program: ELF };
  assert.equal(launchArgumentsProblem(ok), undefined);
  assert.equal(launchArgumentsProblem({ ...ok, args: ['1', 2] }), '"args"[1] is 2 (a number); expected a string (write numbers in quotes: "2")');
  assert.equal(launchArgumentsProblem({ ...ok, env: { TZ: 1 } }), '"env"."TZ" is 1 (a number); expected a string');
  assert.equal(launchArgumentsProblem({ ...ok, env: ['TZ=UTC'] }), '"env" is ["TZ=UTC"] (an array); expected an object whose values are strings');
  assert.equal(launchArgumentsProblem({ ...ok, stopOnEntry: 1 }), '"stopOnEntry" is 1 (a number); expected true or false');
  assert.equal(launchArgumentsProblem({ ...ok, timeMode: 'fast' }), '"timeMode" is "fast" (a string); expected "virtual" or "host"');
  assert.equal(launchArgumentsProblem({ ...ok, cwd: script }), `"cwd" is "${script}": that is a file, not a directory`);
  assert.equal(launchArgumentsProblem({ ...ok, sysroot: join(dir, 'no') }), `"sysroot" is "${join(dir, 'no')}": no such directory`);
  assert.equal(launchArgumentsProblem({ ...ok, vdso: x86 }), `${x86} is an x86-64 ELF (EM_X86_64), not RISC-V`);
  assert.equal(launchArgumentsProblem({ program: 3 }), '"program" is 3 (a number); expected a string');
  assert.equal(launchArgumentsProblem(undefined), '"program" is missing: set it to the path of the riscv64 ELF to debug');
  assert.equal(describeValue('x'.repeat(100)).length < 80, true, 'long values are cut');
  for (const m of [launchArgumentsProblem({ ...ok, env: { TZ: 1 } })!, programProblem(script)!]) assert.doesNotMatch(m, /[{}]/, 'no braces: DAP formats {name}');
});
