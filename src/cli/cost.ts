// `riscv-vdso cost [--calls N] [--json] [PROGRAM]`: what one clock read costs the guest, the vDSO way and the
// system-call way, on each board profile (src/kernel/timecost.ts, docs/time.md), and separately the emulator's
// own host time for the same run. PROGRAM defaults to the bundled clockloop.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, LaunchError } from '../kernel/process';
import { measureBoardCosts, BOARD_COST_INCLUDES, type BoardCost } from '../kernel/timecost';

export const COST_USAGE = 'usage: riscv-vdso cost [--calls N] [--json] [PROGRAM]\n';

function defaultProgram(): string | undefined {
  const candidates = [join(__dirname, 'guest', 'clockloop'), join(__dirname, '..', '..', 'test', 'fixtures', 'linux', 'build', 'clockloop')];
  return candidates.find((c) => existsSync(c));
}

export function costCommand(argv: string[]): number {
  let calls = 2000, json = false, program: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--calls') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 10_000_000) { process.stderr.write(`riscv-vdso: --calls wants a whole number from 1 to 10000000\n${COST_USAGE}`); return 2; }
      calls = n;
    } else if (a === '--json') json = true;
    else if (a.startsWith('-')) { process.stderr.write(`riscv-vdso: unknown option ${a}\n${COST_USAGE}`); return 2; }
    else program = a;
  }
  program ??= defaultProgram();
  if (!program) { process.stderr.write('riscv-vdso: the clockloop program was not found; give its path\n'); return 2; }
  let boards: BoardCost[];
  const t0 = performance.now();
  try {
    boards = measureBoardCosts(launch, program, calls);
  } catch (e) {
    process.stderr.write(`riscv-vdso: ${e instanceof LaunchError ? e.message : (e as Error).message}\n`);
    return 1;
  }
  const emulatorMs = performance.now() - t0;
  if (json) {
    process.stdout.write(JSON.stringify({ program, calls, boards, includes: BOARD_COST_INCLUDES, emulatorHostMs: emulatorMs }, null, 2) + '\n');
    return 0;
  }
  const f = (x: number) => x.toFixed(1).padStart(8);
  process.stdout.write(`${calls} calls of clock_gettime(CLOCK_MONOTONIC) each way, per call (guest cycles and modelled ns):\n`);
  for (const b of boards) {
    process.stdout.write(`\n${b.timeCsr}-time board: ${b.board}\n`);
    process.stdout.write(`  vDSO (libc -> __vdso_clock_gettime) ${f(b.vdso.cycles)} cycles ${f(b.vdso.ns)} ns ${f(b.vdso.instructions)} instructions\n`);
    process.stdout.write(`  system call (syscall -> ecall)      ${f(b.syscall.cycles)} cycles ${f(b.syscall.ns)} ns ${f(b.syscall.instructions)} instructions\n`);
    process.stdout.write(`  syscall / vDSO = ${b.ratio.toFixed(2)}x   (calibration: ${b.calibration})\n`);
  }
  process.stdout.write(`\n${BOARD_COST_INCLUDES}\nThe emulator's own host time for these runs: ${emulatorMs.toFixed(0)} ms (a figure about the emulator, not about RISC-V).\n`);
  return 0;
}
