// Time to the first Locals view (DAP launch request -> Locals variables response), median of 3:
//  1. the dynamic sample (test/fixtures/linux/build/dynamic/vdso, stopped at __vdso_clock_gettime);
//  2. a big -g program generated here (many compile units, ~30 MB of ELF; built once into ~/.cache keyed by
//     the generator's parameters), stopped in a function of its last compile unit;
// plus the DWARF reader alone on the big object: opening it (unit headers), the pc -> unit map, the first
// frame's scope chain. Needs riscv64-linux-gnu-gcc and the sysroot. Run: node --import tsx scripts/bench-dwarf.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { ElfFile } from '../src/elf/elf';
import { DwarfInfo, DW_TAG } from '../src/elf/dwarfInfo';

const ROOT = join(__dirname, '..');
const ADAPTER = join(ROOT, 'dist', 'debugAdapter.js');
const FILES = 160, FUNCS = 120;
const CACHE = join(homedir(), '.cache', 'riscv-vdso-lab', `bench-dwarf-${FILES}x${FUNCS}-v1`);

function generate(): string {
  const out = join(CACHE, 'big');
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  const srcs: string[] = [];
  for (let f = 0; f < FILES; f++) {
    let c = `struct rec${f} { int id; long vals[8]; const char *name; struct rec${f} *next; double w; unsigned flags : 3; };\n`;
    c += `typedef struct rec${f} rec${f}_t;\nstatic rec${f}_t table${f}[4];\nint counter${f};\n`;
    for (let i = 0; i < FUNCS; i++) {
      c += `__attribute__((noinline)) long f${f}_${i}(int a, long b, rec${f}_t *r) {\n  long acc = a + b; int k;\n`;
      c += `  for (k = 0; k < 8; k++) { long t = r->vals[k] * (k + ${i}); acc += t; }\n  counter${f} += (int)acc;\n  return acc + r->id;\n}\n`;
    }
    c += `long run${f}(void) { long s = 0; table${f}[0].id = ${f};\n`;
    for (let i = 0; i < FUNCS; i += 17) c += `  s += f${f}_${i}(${i}, s, &table${f}[0]);\n`;
    c += '  return s;\n}\n';
    const p = join(CACHE, `u${f}.c`);
    writeFileSync(p, c);
    srcs.push(p);
  }
  let main = '#include <stdio.h>\n';
  for (let f = 0; f < FILES; f++) main += `long run${f}(void);\n`;
  main += 'int main(void) { long s = 0;\n';
  for (let f = 0; f < FILES; f++) main += `  s += run${f}();\n`;
  main += '  printf("%ld\\n", s); return 0; }\n';
  writeFileSync(join(CACHE, 'main.c'), main);
  const r = spawnSync('riscv64-linux-gnu-gcc', ['-O0', '-g', '-static', '-o', out, join(CACHE, 'main.c'), ...srcs], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the big program failed');
  return out;
}

async function firstLocals(program: string, setup: (dc: DebugClient) => Promise<unknown>, launch: Record<string, unknown> = {}): Promise<number> {
  const dc = new DebugClient('node', ADAPTER, 'riscv-vdso');
  dc.defaultTimeout = 120000;
  await dc.start();
  try {
    await dc.initializeRequest();
    await setup(dc);
    const stopped = dc.waitForEvent('stopped', 120000);
    await dc.configurationDoneRequest();
    const t0 = performance.now();
    await dc.launchRequest({ program, ...launch } as never);
    await stopped;
    const threadId = (await dc.threadsRequest()).body.threads[0].id;
    const frames = (await dc.stackTraceRequest({ threadId })).body.stackFrames;
    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const locals = scopes.find((s) => s.name === 'Locals')!;
    const vars = (await dc.variablesRequest({ variablesReference: locals.variablesReference })).body.variables;
    const ms = performance.now() - t0;
    if (!vars.length) throw new Error('no locals');
    return ms;
  } finally {
    await dc.stop();
  }
}

const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];

async function main(): Promise<void> {
  if (!existsSync(ADAPTER)) throw new Error('npm run build first');
  const fixtures = join(ROOT, 'test', 'fixtures', 'linux');
  spawnSync('bash', [join(fixtures, 'build.sh'), '--dynamic'], { stdio: 'ignore' });
  const dyn = join(fixtures, 'build', 'dynamic', 'vdso');
  const t1: number[] = [];
  for (let i = 0; i < 3; i++) {
    t1.push(await firstLocals(dyn, (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__vdso_clock_gettime' }] }), { sysroot: '/usr/riscv64-linux-gnu' }));
  }
  console.log(`dynamic vdso.c: launch -> first Locals view at __vdso_clock_gettime: ${median(t1).toFixed(0)} ms (median of 3: ${t1.map((x) => x.toFixed(0)).join(', ')})`);

  const big = generate();
  const size = statSync(big).size;
  const elf = ElfFile.parse(readFileSync(big));
  const infoSize = Number(elf.section('.debug_info')?.size ?? 0n);
  let t = performance.now();
  const d = DwarfInfo.fromElf(elf);
  const open = performance.now() - t;
  const last = d.compileUnits().filter((u) => u.name?.endsWith(`u${FILES - 1}.c`))[0];
  const fn = last.root.children.find((k) => k.tag === DW_TAG.subprogram && k.name === `f${FILES - 1}_0`)!;
  const pc = fn.ranges()[0][0] + 8n;
  const d2 = DwarfInfo.fromElf(elf);
  t = performance.now();
  const chain = d2.scopeChain(pc);
  const firstScope = performance.now() - t;
  const parsed = d2.units.filter((u) => u.dies).length;
  console.log(`big object: ${(size / 1e6).toFixed(1)} MB ELF, ${(infoSize / 1e6).toFixed(1)} MB .debug_info, ${d.units.length} units; open ${open.toFixed(1)} ms; first scope chain (pc -> unit map + one unit's DIEs) ${firstScope.toFixed(0)} ms, ${parsed} unit(s) parsed, chain ${chain.map((x) => x.name).join(' > ')}`);
  const t2: number[] = [];
  for (let i = 0; i < 3; i++) {
    t2.push(await firstLocals(big, (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: `f${FILES - 1}_17` }] })));
  }
  console.log(`big object: launch -> first Locals view in f${FILES - 1}_17 (last unit): ${median(t2).toFixed(0)} ms (median of 3: ${t2.map((x) => x.toFixed(0)).join(', ')})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
