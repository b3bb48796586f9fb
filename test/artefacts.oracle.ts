// Compiled artefacts that are committed (so that npm test needs no toolchain) must be what their build scripts
// produce from the committed sources. Each set is rebuilt in a temporary copy of its directory and compared
// byte for byte. (The guest images have their own check in test/guest/build.oracle.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(__dirname, '..');
const haveToolchain = spawnSync('riscv64-linux-gnu-gcc', ['--version']).status === 0;

interface ArtefactSet { name: string; dirs: string[]; script: string; outputs: string; }
const SETS: ArtefactSet[] = [
  { name: 'bare-metal test programs', dirs: ['scripts', 'test/fixtures/bare'], script: 'scripts/build-fixtures.sh', outputs: 'test/fixtures/bare/build' },
  { name: 'ELF/DWARF fixtures', dirs: ['test/fixtures/elf'], script: 'test/fixtures/elf/build.sh', outputs: 'test/fixtures/elf/build' },
  { name: 'CPU benchmark', dirs: ['bench/cpu'], script: 'bench/cpu/build.sh', outputs: 'bench/cpu/build' },
  { name: 'Linux test programs', dirs: ['test/fixtures/linux'], script: 'test/fixtures/linux/build.sh', outputs: 'test/fixtures/linux/build' },
];

for (const set of SETS) {
  test(`committed ${set.name} are fresh`, { skip: !haveToolchain && 'riscv64-linux-gnu-gcc not installed' }, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'artefacts-'));
    try {
      for (const d of set.dirs) {
        mkdirSync(join(tmp, d, '..'), { recursive: true });
        cpSync(join(root, d), join(tmp, d), { recursive: true, filter: (src) => !src.endsWith('/build') || !src.includes(set.outputs) });
      }
      rmSync(join(tmp, set.outputs), { recursive: true, force: true });
      const r = spawnSync('bash', [join(tmp, set.script)], { cwd: tmp, encoding: 'utf8' });
      assert.equal(r.status, 0, `${set.script} failed:\n${r.stdout}\n${r.stderr}`);
      const files = (dir: string) => readdirSync(dir).filter((f) => !f.startsWith('.') && statSync(join(dir, f)).isFile()).sort();
      const committed = files(join(root, set.outputs));
      const rebuilt = files(join(tmp, set.outputs));
      assert.deepEqual(rebuilt, committed, `${set.outputs}: the build makes a different set of files`);
      for (const f of committed) {
        const same = Buffer.compare(readFileSync(join(root, set.outputs, f)), readFileSync(join(tmp, set.outputs, f))) === 0;
        assert.ok(same, `${set.outputs}/${f} is stale: run ${set.script} and commit the result`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
