import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { elfInfo, guessProgram, resolveLaunch, builtOutputCandidates, EM_RISCV } from '../../src/extension/config';

const ROOT = join(__dirname, '..', '..');

function header(machine: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  b[16] = 2; b[18] = machine & 0xff; b[19] = machine >> 8;
  return b;
}

test('elfInfo reads class, type and machine; non-ELF bytes are not an ELF', () => {
  assert.deepEqual(elfInfo(header(EM_RISCV)), { class64: true, type: 2, machine: 243 });
  assert.equal(elfInfo(new TextEncoder().encode('#include <stdio.h>\nint main() { return 0; }\n')), undefined);
});

test('guessProgram: an x86 ELF is not debugged; a C file finds its output in bin/', () => {
  const files: Record<string, Uint8Array> = { '/w/a.out': header(62), '/w/src/bin/vdso': header(EM_RISCV) };
  const read = (p: string) => files[p];
  assert.match(guessProgram('/w/a.out', read).problem!, /neither a RISC-V ELF/);
  assert.deepEqual(guessProgram('/w/src/vdso.c', read), { program: '/w/src/bin/vdso' });
  assert.match(guessProgram(undefined, read).problem!, /Open a RISC-V ELF/);
  assert.deepEqual(builtOutputCandidates('/w/x.S').slice(0, 2), ['/w/x', '/w/bin/x']);
});

test('resolveLaunch fills an empty configuration and keeps a written one', () => {
  const prog = join(ROOT, 'test/fixtures/linux/build/syscall');
  const r = resolveLaunch({}, prog, '/ws');
  assert.deepEqual(r.config, { type: 'riscv-vdso', request: 'launch', name: 'Debug syscall', program: prog, cwd: '/ws', disableRandomization: true });
  const partial = resolveLaunch({ type: 'riscv-vdso', request: 'launch', name: 'n' }, prog, '/ws');
  assert.equal(partial.config!.program, prog, 'a configuration without program gets the active file');
  assert.equal(partial.config!.cwd, undefined, 'and nothing else');
  assert.match(resolveLaunch({}, undefined, '/ws').problem!, /launch\.json/);
});
