// Where the time of one run goes: reads a V8 CPU profile (node --cpu-prof) of `node dist/cli.js run ...` and
// sums its samples by part of the system (node start-up, launch, the core, translated code, the translator, the
// kernel model, garbage collection), then lists the heaviest functions by self time.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/cli.js run PROGRAM ARGS
//   node --import tsx scripts/profile-summary.ts /tmp/prof/CPU.*.cpuprofile
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const TRANSLATOR = new Set(['jitCompile', 'compileBatch', 'scanBlock', 'emitBlock', 'encodeModule', 'blockModule', 'blockKey']);

function part(fn: string, url: string, ancestors: Set<string>, coreUrl: string, trampolineUrl: string): string {
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(idle)' || fn === '(program)' || fn === '(root)') return 'idle / V8 internals';
  if ([...TRANSLATOR].some((t) => ancestors.has(t)) || (ancestors.has('compile') && (fn === 'Module' || fn === 'Instance'))) {
    return 'translator (scan, emit, encode, WebAssembly.Module/Instance)';
  }
  if (url.startsWith('wasm://')) {
    if (url === coreUrl || url === trampolineUrl) return 'core (interpreter, run loop, MMU; block dispatch)';
    return 'translated guest code';
  }
  if (ancestors.has('handleHypercall') || ancestors.has('syscall')) return 'kernel model (system calls, traps)';
  if (ancestors.has('launch')) return 'launch (exec, ELF loading, stack, vDSO)';
  if (!ancestors.has('runLinuxCommand')) return 'node start-up, loading the bundle';
  return 'other JavaScript';
}

function summarize(file: string): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  p.samples.forEach((s, i) => selfUs.set(s, (selfUs.get(s) ?? 0) + p.timeDeltas[i]));
  // the core is the wasm module with the most functions; the trampoline is the one the core's blocks are called through
  const wasmFuncs = new Map<string, number>();
  for (const n of p.nodes) if (n.callFrame.url.startsWith('wasm://')) wasmFuncs.set(n.callFrame.url, (wasmFuncs.get(n.callFrame.url) ?? 0) + 1);
  const coreUrl = [...wasmFuncs].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  let trampolineUrl = '';
  for (const n of p.nodes) {
    if (n.callFrame.url === coreUrl) {
      for (const c of n.children ?? []) {
        const u = byId.get(c)!.callFrame.url;
        if (u.startsWith('wasm://') && u !== coreUrl) { trampolineUrl = u; break; }
      }
    }
    if (trampolineUrl) break;
  }
  const parts = new Map<string, number>();
  const self = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const ancestors = new Set<string>();
    for (let j: number | undefined = id; j !== undefined; j = parent.get(j)) ancestors.add(byId.get(j)!.callFrame.functionName);
    const { functionName: fn, url, lineNumber } = n.callFrame;
    const k = part(fn, url, ancestors, coreUrl, trampolineUrl);
    parts.set(k, (parts.get(k) ?? 0) + us);
    const where = url === coreUrl ? 'core' : url === trampolineUrl ? 'trampoline' : url.startsWith('wasm://') ? 'a translated block' : url.split('/').pop() ?? '';
    const name = `${fn || '(anonymous)'} (${where}${lineNumber >= 0 && !url.startsWith('wasm://') && where ? `:${lineNumber + 1}` : ''})`;
    self.set(name, (self.get(name) ?? 0) + us);
    total += us;
  }
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [k, us] of [...parts].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
  }
  console.log('  heaviest functions (self time):');
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 12))) {
    console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node --import tsx scripts/profile-summary.ts PROFILE.cpuprofile...');
  process.exit(2);
}
for (const f of files) {
  try {
    summarize(f);
  } catch (e) {
    console.error(`${f}: not a V8 CPU profile (${(e as Error).message})`);
    process.exitCode = 1;
  }
}
