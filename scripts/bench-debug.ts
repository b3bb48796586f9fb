// Debug adapter figures (printed, never asserted): launch to first stop, one instruction-step round trip,
// and guest throughput under the adapter with no breakpoints vs 1,000 breakpoints (on addresses never hit).
// Usage: npm run build && node --import tsx scripts/bench-debug.ts [PROGRAM]
import { join } from 'node:path';
import { DapClient, adapterPath } from '../src/cli/debug';

const program = process.argv[2] ?? join(__dirname, '..', 'test', 'fixtures', 'linux', 'build', 'cpu');

async function session(breakpoints: number): Promise<{ firstStop: number; step: number; run: number; insns: bigint }> {
  const dc = new DapClient(adapterPath());
  const t0 = performance.now();
  await dc.request('initialize', { adapterID: 'riscv-vdso', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  await dc.event('initialized');
  await dc.request('configurationDone');
  const stopped = dc.event('stopped', 120000);
  await dc.request('launch', { program, stopOnEntry: true });
  await stopped;
  const firstStop = performance.now() - t0;
  const t1 = performance.now();
  const n = 50;
  for (let i = 0; i < n; i++) {
    const s = dc.event('stopped');
    await dc.request('stepIn', { threadId: 1, granularity: 'instruction' });
    await s;
  }
  const step = (performance.now() - t1) / n;
  if (breakpoints) {
    const refs = Array.from({ length: breakpoints }, (_, i) => ({ instructionReference: '0x' + (0x7000000000n + BigInt(i * 4)).toString(16) }));
    await dc.request('setInstructionBreakpoints', { breakpoints: refs });
  }
  const before = BigInt((await dc.request('evaluate', { expression: '$instret', context: 'watch' })).body.result.split(' ')[0]);
  const t2 = performance.now();
  const exited = dc.event('exited', 600000);
  await dc.request('continue', { threadId: 1 });
  await exited;
  const run = performance.now() - t2;
  dc.close();
  return { firstStop, step, run, insns: before };
}

(async () => {
  console.log(`program: ${program}`);
  for (const bps of [0, 1000]) {
    const r = await session(bps);
    console.log(`${String(bps).padStart(4)} breakpoints: launch to first stop ${r.firstStop.toFixed(0)} ms, instruction step round trip ${r.step.toFixed(2)} ms, run to exit ${r.run.toFixed(0)} ms`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
