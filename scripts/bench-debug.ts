// Debug adapter figures (printed, never asserted), each the median of several runs (the machine is shared):
//   1. launch to the first stop at __vdso_clock_gettime (a pending function breakpoint) for the static and the
//      DYNAMIC vdso.c (goals < 150 ms and < 400 ms): from spawning the adapter process, and from the launch
//      request alone;
//   2. one instruction-step round trip (stepIn request -> stopped event; goal < 5 ms);
//   3. guest throughput under the adapter: run time of cpu.c to its exit with no breakpoints vs 1,000
//      instruction breakpoints (on addresses never hit; goal < 5 % lost). The two kinds of run alternate
//      (BENCH_DEBUG_PAIRS pairs, default 15) and each pair is compared with itself, so a change of the machine's
//      load moves both; the figure is the median of the pairs' differences, in wall time and in the adapter
//      process's CPU time, of its main thread (where the guest runs) and of all its threads (V8 compiles the
//      translated blocks and collects garbage on others), from /proc/PID/task/*/schedstat where there is one.
// Usage: npm run build && node --import tsx scripts/bench-debug.ts [--runs N]
// (BENCH_DEBUG=breakpoints: part 3 only.)
// The dynamic program is test/fixtures/linux/build/dynamic/vdso (built by build.sh --dynamic when missing and
// riscv64-linux-gnu-gcc is there; skipped otherwise).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { DapClient, adapterPath } from '../src/cli/dapClient';

const FIX = join(__dirname, '..', 'test', 'fixtures', 'linux');
const STATIC_VDSO = join(FIX, 'build', 'vdso');
const DYNAMIC_VDSO = join(FIX, 'build', 'dynamic', 'vdso');
const CPU = join(FIX, 'build', 'cpu');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const PAIRS = Number(process.env.BENCH_DEBUG_PAIRS ?? 15);

/** CPU time (ms) of process `pid` so far, its main thread (the guest's) and all threads, or undefined without /proc. */
function cpuMs(pid: number | undefined): { main: number; all: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const ms = (t: string) => Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    let all = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) all += ms(t);
    return { main: ms(String(pid)), all };
  } catch {
    return undefined;
  }
}

async function open(): Promise<DapClient> {
  const dc = new DapClient(adapterPath());
  await dc.request('initialize', { adapterID: 'riscv-vdso', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  await dc.event('initialized');
  return dc;
}

/** Launch with a pending breakpoint on __vdso_clock_gettime; times to the stop there. */
async function firstStop(program: string): Promise<{ total: number; launch: number }> {
  const t0 = performance.now();
  const dc = await open();
  await dc.request('setFunctionBreakpoints', { breakpoints: [{ name: '__vdso_clock_gettime' }] });
  await dc.request('configurationDone');
  const stopped = dc.event('stopped', 120000);
  const t1 = performance.now();
  await dc.request('launch', { program });
  const ev = await stopped;
  const t2 = performance.now();
  if (ev.body.reason !== 'function breakpoint') throw new Error(`${program}: first stop was ${ev.body.reason}, not the breakpoint`);
  dc.close();
  return { total: t2 - t0, launch: t2 - t1 };
}

async function stepRoundTrip(n = 200): Promise<number> {
  const dc = await open();
  await dc.request('configurationDone');
  const stopped = dc.event('stopped');
  await dc.request('launch', { program: STATIC_VDSO, stopOnEntry: true });
  await stopped;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const s = dc.event('stopped');
    await dc.request('stepIn', { threadId: 1, granularity: 'instruction' });
    await s;
    times.push(performance.now() - t);
  }
  dc.close();
  return median(times);
}

interface RunTimes { wall: number; main?: number; all?: number }

async function runToExit(breakpoints: number): Promise<RunTimes> {
  const dc = await open();
  await dc.request('configurationDone');
  const stopped = dc.event('stopped');
  await dc.request('launch', { program: CPU, stopOnEntry: true });
  await stopped;
  if (breakpoints) {
    // addresses that are never executed (unmapped): the cost measured is that of having the set installed
    const refs = Array.from({ length: breakpoints }, (_, i) => ({ instructionReference: '0x' + (0x7000000000n + BigInt(i * 4)).toString(16) }));
    await dc.request('setInstructionBreakpoints', { breakpoints: refs });
  }
  const pid = dc.child.pid;
  const c0 = cpuMs(pid);
  const t = performance.now();
  const exited = dc.event('exited', 600000);
  await dc.request('continue', { threadId: 1 });
  await exited;
  const ms = performance.now() - t;
  const c1 = cpuMs(pid);
  dc.close();
  return c0 !== undefined && c1 !== undefined ? { wall: ms, main: c1.main - c0.main, all: c1.all - c0.all } : { wall: ms };
}

(async () => {
  console.log(`adapter: ${adapterPath()}; median of ${RUNS} runs`);
  if (process.env.BENCH_DEBUG !== 'breakpoints') await launchAndStep();
  await breakpointCost();
})().catch((e) => { console.error(e); process.exit(1); });

async function launchAndStep(): Promise<void> {
  if (!existsSync(DYNAMIC_VDSO)) spawnSync('bash', [join(FIX, 'build.sh'), '--dynamic'], { stdio: 'ignore' });
  for (const [label, program, goal] of [['static vdso', STATIC_VDSO, 150], ['DYNAMIC vdso', DYNAMIC_VDSO, 400]] as const) {
    if (!existsSync(program)) { console.log(`launch to first stop at __vdso_clock_gettime, ${label}: skipped (${program} missing; needs riscv64-linux-gnu-gcc)`); continue; }
    await firstStop(program); // warm the file cache
    const rs: { total: number; launch: number }[] = [];
    for (let i = 0; i < RUNS; i++) rs.push(await firstStop(program));
    console.log(`launch to first stop at __vdso_clock_gettime, ${label.padEnd(12)}: ${median(rs.map((r) => r.total)).toFixed(0)} ms from spawning the adapter (goal < ${goal} ms), ${median(rs.map((r) => r.launch)).toFixed(0)} ms from the launch request`);
  }
  console.log(`instruction-step round trip: ${(await stepRoundTrip()).toFixed(2)} ms (median of 200; goal < 5 ms)`);
}

async function breakpointCost(): Promise<void> {
  const t0: RunTimes[] = [], t1k: RunTimes[] = [];
  await runToExit(0); // warm the file cache
  for (let i = 0; i < PAIRS; i++) {
    // alternate which of the pair runs first, so neither always follows the other
    if (i % 2 === 0) { t0.push(await runToExit(0)); t1k.push(await runToExit(1000)); } else { t1k.push(await runToExit(1000)); t0.push(await runToExit(0)); }
  }
  const lost = (key: keyof RunTimes) => {
    if (t0.some((r) => r[key] === undefined) || t1k.some((r) => r[key] === undefined)) return undefined;
    const a = median(t0.map((r) => r[key]!)), b = median(t1k.map((r) => r[key]!));
    const pct = median(t0.map((r, i) => ((t1k[i][key]! - r[key]!) / r[key]!) * 100));
    return `${a.toFixed(0)} ms with no breakpoints, ${b.toFixed(0)} ms with 1,000: ${pct.toFixed(1)} % lost`;
  };
  const main = lost('main'), all = lost('all');
  console.log(`guest run time of cpu.c to exit (median of ${PAIRS} alternating pairs, each pair's difference): wall ${lost('wall')}` +
    `${main ? `; CPU of the adapter's main thread (the guest's) ${main}; of all its threads (V8's compiler and GC too) ${all}` : ''} (goal < 5 %)`);
}
