// "Show vDSO vs syscall cost": run the clockloop program (test/fixtures/linux/src/clockloop.c) in the emulator
// and measure each of its two loops: clock_gettime(CLOCK_MONOTONIC) through glibc (-> __vdso_clock_gettime,
// no system call) and through syscall(SYS_clock_gettime) (-> ecall, the kernel model, sret).
//
// The program brackets the loops with getppid() system calls. Two passes, both in virtual time so they are
// the same instruction stream:
//  1. with strace on: note the hart's instruction counters at each getppid (exact instruction counts);
//  2. with strace off: run to the same counter values and time each loop on the host (no strace formatting
//     inside the timed part). If the second pass cannot land exactly on the markers, the times of pass 1 are
//     used and `note` says so.
// This module loads the emulator: the extension reaches it only through a lazy require (see activate.ts).
import type { ProcessFactory } from '../../debug/launch';
import { BOARD_PROFILES, type TimeCsr } from '../../hart/cycles';
import { boardCost, clockloopMarks, type BoardCost } from '../../kernel/timecost';

export interface LoopCost {
  /** Instructions retired in the loop (including one getppid marker). */
  instructions: number;
  /** Host nanoseconds for the loop: the emulator's own speed, not RISC-V's. */
  hostNs: number;
  /** Guest cycles and modelled nanoseconds for the loop, when the hart has a cycle model (issue 14). */
  cycles?: number;
  modelNs?: number;
}

export interface CostResult {
  program: string;
  calls: number;
  timeMode: 'virtual';
  vdso: LoopCost;
  syscall: LoopCost;
  note?: string;
  /** The cycle model's name and profile ("hardware-time"), when cycles/modelNs are filled: the view charts them first. */
  cycleModel?: string;
  /** What the instruction counts include, for the reader. */
  explain: string;
  /**
   * Per-call figures on every board profile, the measured one first (from its counting pass; the others from a
   * counting run of the same program on their board), for the side-by-side charts.
   */
  boards?: BoardCost[];
}

export const COST_EXPLANATION = 'Cycles are the cycle model\'s (src/hart/cycles.ts, docs/time.md): each retired instruction costs its class\'s '
  + 'cycles, and the work the kernel model does on the host for a system call is charged as modelled cycles (calibrated on '
  + 'published null-system-call figures); modelled time is cycles at the board\'s core clock. Instructions are what the hart '
  + 'retires in U- and S-mode: for the system call the libc wrapper, ecall, the trap entry and exit (src/guest/kernel/entry.S) '
  + 'and sret, not the kernel model\'s work. Each loop includes one getppid() marker call.';

export function measureCost(factory: ProcessFactory, program: string, calls: number, onProgress?: (text: string) => void, timeCsr: TimeCsr = 'hardware'): CostResult {
  const quiet = () => {};
  const profile = BOARD_PROFILES[timeCsr];
  const base = { program, args: [String(calls)], timeMode: 'virtual' as const, timeCsr, disableRandomization: true, onStdout: quiet, onStderr: quiet };
  onProgress?.('pass 1: counting instructions...');
  const marks = clockloopMarks(factory, program, calls, timeCsr);
  const insns = (a: number) => Number(marks[a + 1].instret - marks[a].instret);
  // The cycle model (src/hart/cycles.ts): the core's clock, with the kernel model's charges for its work.
  const cycles = (a: number) => Number(marks[a + 1].clock - marks[a].clock);
  const ns = (c: number) => (c * 1e9) / profile.coreHz;
  const result: CostResult = {
    program: program.split(/[\\/]/).pop()!, calls, timeMode: 'virtual', explain: COST_EXPLANATION,
    cycleModel: `${timeCsr} time CSR (${profile.description})`,
    vdso: { instructions: insns(0), hostNs: Number(marks[1].t - marks[0].t), cycles: cycles(0), modelNs: ns(cycles(0)) },
    syscall: { instructions: insns(1), hostNs: Number(marks[2].t - marks[1].t), cycles: cycles(1), modelNs: ns(cycles(1)) },
    boards: [boardCost(marks, calls, timeCsr)],
  };
  for (const other of Object.keys(BOARD_PROFILES) as TimeCsr[]) {
    if (other === timeCsr) continue;
    onProgress?.(`pass 1 on the ${other}-time board...`);
    result.boards!.push(boardCost(clockloopMarks(factory, program, calls, other), calls, other));
  }

  onProgress?.('pass 2: timing the loops...');
  const p2 = factory({ ...base, strace: false });
  const times: bigint[] = [];
  let exact = true;
  for (const m of marks) {
    while (exact && p2.hart.cycles < m.cycles) {
      const r = p2.run(Number(m.cycles - p2.hart.cycles));
      if (r.kind !== 'budget') exact = false;
    }
    if (p2.hart.cycles !== m.cycles) exact = false;
    times.push(process.hrtime.bigint());
  }
  if (exact) {
    result.vdso.hostNs = Number(times[1] - times[0]);
    result.syscall.hostNs = Number(times[2] - times[1]);
  } else {
    result.note = 'host times are from the counting pass (they include strace formatting in the syscall loop)';
  }
  return result;
}
