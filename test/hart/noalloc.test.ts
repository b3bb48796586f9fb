// The execution core allocates nothing at run time, and nothing can grow into the hart's state.
// The core is built with src/hart/core/rt/none.ts as its runtime: every allocation helper calls the host import
// `coreAllocated`, which the optimiser removes when nothing calls it. So "hart.wasm imports coreAllocated" is
// "some code path in the core allocates" (an array literal in a function, a string concatenation, `new`...).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { coreWasmPath, Hart } from '../../src/hart/hart';
import * as L from '../../src/hart/layout';

const root = join(__dirname, '..', '..');

test('hart.wasm has no allocator: its imports are exactly the host services', () => {
  const mod = new WebAssembly.Module(readFileSync(coreWasmPath()));
  const imports = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`).sort();
  assert.ok(!imports.includes('env.coreAllocated'), 'some code in src/hart/core allocates (see rt/none.ts)');
  assert.deepEqual(imports, ['env.breakpointAt', 'env.hostTime', 'env.jitCall', 'env.jitCompile', 'env.mmio']);
  // no runtime helpers exported either (they would only be there if something used them)
  const exports = WebAssembly.Module.exports(mod).map((e) => e.name);
  for (const name of ['__new', '__alloc', '__pin', '__collect']) assert.ok(!exports.includes(name), name);
});

test('the static data of the core ends below the hart state block', () => {
  const h = new Hart({ ramBytes: 1 << 20 });
  const end = (h as unknown as { core: { staticEnd(): number } }).core.staticEnd();
  assert.ok(end > 0 && end <= L.STATE, `static data ends at 0x${end.toString(16)}, state starts at 0x${L.STATE.toString(16)}`);
});

test('the check bites: a function with an array literal, built with the core runtime, imports coreAllocated', async () => {
  // (a computed specifier: the compiler's own type declarations would leak globals into this project's types)
  const spec = 'assemblyscript/asc';
  const asc = (await import(spec)) as {
    main(args: string[], opts: object): Promise<{ error: Error | null; stderr: { toString(): string } }>;
  };
  const dir = mkdtempSync(join(tmpdir(), 'noalloc-'));
  try {
    const src = join(dir, 'probe.ts');
    writeFileSync(src, [
      'export function pick(i: i32): u32 {',
      '  const order: StaticArray<u32> = [11, 3, 7, 9, 1, 5];',
      '  return unchecked(order[i & 3]);',
      '}',
      'export function plain(i: i32): i32 { return i + 1; }',
    ].join('\n'));
    const build = async (body: string): Promise<string[]> => {
      writeFileSync(src, body);
      const out = join(dir, 'probe.wasm');
      const { error, stderr } = await asc.main([src, '-O3', '--noAssert', '--runtime', join(root, 'src/hart/core/rt/none'),
        '--stackSize', '1024', '--outFile', out], {});
      assert.equal(error, null, String(stderr));
      const m = new WebAssembly.Module(readFileSync(out));
      return WebAssembly.Module.imports(m).map((i) => i.name);
    };
    assert.ok((await build(readFileSync(src, 'utf8'))).includes('coreAllocated'), 'an allocating probe is flagged');
    assert.ok(!(await build('export function plain(i: i32): i32 { return i + 1; }')).includes('coreAllocated'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the regions of the memory map do not overlap, and guest RAM comes last', () => {
  const regions: [string, number, number][] = [
    ['state', L.STATE, L.STATE_END],
    ['watch', L.WATCH, L.WATCH + L.WATCH_MAX * L.WATCH_ENTRY],
    ['jit words', L.JIT_DONE, L.JIT_GEN + 4],
    ['scratch', L.SCRATCH, L.SCRATCH + L.SCRATCH_SIZE],
    ['decode cache', L.DEC, L.DEC + L.DEC_N * L.DEC_ENTRY],
    ['page flags', L.PAGEFLAGS, L.PAGEFLAGS + L.PAGEFLAGS_SIZE],
    ['fetch TLB', L.ITLB, L.ITLB + L.TLB_N * L.TLB_ENTRY],
    ['load TLB', L.RTLB, L.RTLB + L.TLB_N * L.TLB_ENTRY],
    ['store TLB', L.WTLB, L.WTLB + L.TLB_N * L.TLB_ENTRY],
    ['block cache', L.BLK, L.BLK + L.BLK_N * L.BLK_ENTRY],
  ];
  regions.sort((a, b) => a[1] - b[1]);
  for (let i = 1; i < regions.length; i++) {
    assert.ok(regions[i - 1][2] <= regions[i][1], `${regions[i - 1][0]} overlaps ${regions[i][0]}`);
  }
  assert.ok(regions[regions.length - 1][2] <= L.RAM_OFF, 'RAM starts after every fixed region');
});
