// Shared by softfloat.test.ts and softfloat.oracle.ts: compiles small AssemblyScript entries over the soft-float
// layer and execFp with asc into a temporary directory, instantiates them, and checks reference-vector lines produced by test/fixtures/fp/fpvec.c.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** The exports of a compiled AssemblyScript module: numbers and bigints in, a number or bigint out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wasm exports are untyped: i32 arrive as numbers, i64 as bigints
export type WasmExports = Record<string, (...args: any[]) => any>;

/**
 * Compile an AssemblyScript entry and return its exports. The entry is generated into a temporary directory
 * (so that no AssemblyScript file under test/ reaches `tsc`): `source` receives the relative path from there to
 * the repository root, for its imports.
 */
export async function compileAs(source: (root: string) => string, extraArgs: string[] = []): Promise<WasmExports> {
  const dir = mkdtempSync(join(tmpdir(), 'asc-'));
  try {
    const entry = join(dir, 'entry.ts'), out = join(dir, 'out.wasm');
    writeFileSync(entry, source(relative(dir, ROOT).split(sep).join('/')));
    execFileSync(join(ROOT, 'node_modules', '.bin', 'asc'),
      [entry, '--outFile', out, '-O3', '--runtime', 'stub', '--noAssert', '--config', 'none.json', ...extraArgs],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const wasm = (globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array, i: object): Promise<{ instance: { exports: unknown } }> } }).WebAssembly;
    const { instance } = await wasm.instantiate(readFileSync(out), {
      env: { abort: () => { throw new Error('abort'); } },
    });
    return instance.exports as WasmExports;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Entry re-exporting the soft-float layer plus an fflags getter and setter. */
export const SOFTFLOAT_ENTRY = (root: string) => `
import * as sf from '${root}/src/hart/core/softfloat';
export * from '${root}/src/hart/core/softfloat';
export function getFlags(): i32 { return sf.fflags; }
export function setFlags(v: i32): void { sf.fflags = v; }
`;

/** Entry exposing execFp; the wasm memory (exported) holds the register file at the layout.ts offsets. */
export const FPU_ENTRY = (root: string) => `export { execFp } from '${root}/src/hart/core/fpu';\n`;

/** The op numbers of src/hart/core/ops.generated.ts (an AssemblyScript file), read as text. */
export function opNumbers(): Record<string, number> {
  const text = readFileSync(join(ROOT, 'src', 'hart', 'core', 'ops.generated.ts'), 'utf8');
  const ops: Record<string, number> = {};
  for (const m of text.matchAll(/export const (OP_\w+): u16 = (\d+);/g)) ops[m[1]] = Number(m[2]);
  return ops;
}

let cached: Promise<WasmExports> | undefined;
export function softfloat(): Promise<WasmExports> {
  cached ??= compileAs(SOFTFLOAT_ENTRY);
  return cached;
}

const RM_INDEPENDENT = /_(min|max|eq|lt|le|classify)$/;

/** Call one operation the way a vector line names it; returns the result as the u64 the hardware register holds. */
export function callOp(sf: WasmExports, name: string, rm: number, args: bigint[]): bigint {
  const fn = sf[name];
  if (typeof fn !== 'function') throw new Error(`no export ${name}`);
  const src = name.slice(0, 3);
  const nargs = /_(sqrt|classify|to_)/.test(name) || /^[iu](32|64)_to/.test(name) ? 1 : /_fma$/.test(name) ? 3 : 2;
  const conv = (v: bigint): number | bigint => {
    if (src === 'f32' || src === 'i32' || src === 'u32') return Number(BigInt.asIntN(32, v));
    return BigInt.asIntN(64, v);
  };
  const a = args.slice(0, nargs).map(conv);
  const r = RM_INDEPENDENT.test(name) ? fn(...a) : fn(...a, rm);
  if (typeof r === 'bigint') return BigInt.asUintN(64, r);
  // i32 results: float32 patterns are zero-extended (the vectors print the 32-bit pattern), integers sign-extended
  if (/(_to_f32|^f32_(add|sub|mul|div|sqrt|fma|min|max|sgnj\w*))$/.test(name)) return BigInt(r >>> 0);
  return BigInt.asUintN(64, BigInt(r));
}

export interface VectorResult { total: number; failures: string[]; perOp: Map<string, [number, number]> }

/** Check vector lines `<op> <rm> <a> <b> <c> <result> <flags>` (hex) against the soft-float exports. */
export function checkVectors(sf: WasmExports, text: string, maxReport = 20): VectorResult {
  const res: VectorResult = { total: 0, failures: [], perOp: new Map() };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [name, rmS, aS, bS, cS, rS, fS] = line.trim().split(/\s+/);
    const rm = Number(rmS);
    const args = [aS, bS, cS].map(s => BigInt('0x' + s));
    const want = BigInt('0x' + rS), wantFlags = parseInt(fS, 16);
    sf.setFlags(0);
    const got = callOp(sf, name, rm, args);
    const gotFlags = sf.getFlags();
    res.total++;
    const ok = got === want && gotFlags === wantFlags;
    const c = res.perOp.get(name) ?? [0, 0];
    c[0]++; if (ok) c[1]++;
    res.perOp.set(name, c);
    if (!ok && res.failures.length < maxReport) {
      res.failures.push(`${line}  => got ${got.toString(16)} flags ${gotFlags.toString(16)}`);
    }
  }
  return res;
}
