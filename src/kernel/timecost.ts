// The figures of the cost view and of `riscv-vdso cost`: what one clock read costs the guest on each board
// profile (docs/time.md), the vDSO way and the system-call way. Runs the clockloop program (test/fixtures/linux/
// src/clockloop.c: n clock_gettime(CLOCK_MONOTONIC) calls through glibc, then n through syscall(), bracketed
// by getppid() markers) once per profile, with strace on only to see the markers, and reads the hart's cycle
// count at each marker. Cycles are the model's (src/hart/cycles.ts); nanoseconds are cycles at the profile's
// core clock. The emulator's own host time is measured separately and labelled as the emulator's.
import { BOARD_PROFILES, type TimeCsr } from '../hart/cycles';
import type { LaunchOptions, Process } from './api';

export interface WayCost {
  /** Modelled core cycles per call (the loop's share of its getppid marker included: < 1 cycle per call at n >= 1000). */
  cycles: number;
  /** Those cycles at the board's core clock, in nanoseconds. */
  ns: number;
  /** Retired instructions per call. */
  instructions: number;
}

export interface BoardCost {
  timeCsr: TimeCsr;
  /** What the profile stands for (core, clock, how rdtime is read). */
  board: string;
  coreHz: number;
  vdso: WayCost;
  syscall: WayCost;
  /** syscall.cycles / vdso.cycles. */
  ratio: number;
  /** Where the calibration of the system call comes from. */
  calibration: string;
}

export const BOARD_COST_INCLUDES = 'Cycles are the guest\'s, from the cycle model (docs/time.md): every instruction the hart runs in U-, S- and M-mode '
  + 'at its class cost (libc, the vDSO, ecall, the trap entry and exit of entry.S, sret), plus what the kernel model charges for the work '
  + 'it does on the host: the rest of the board\'s measured null system call, the call\'s own work, and on a firmware-time board each '
  + 'rdtime the firmware emulates (~1 us). Nanoseconds are those cycles at the board\'s core clock. The emulator\'s host time is not in them.';

/** The hart's counters at one getppid() marker of clockloop, and the host's clock (for the emulator's own speed). */
export interface ClockloopMark { cycles: bigint; instret: bigint; clock: bigint; t: bigint }

/**
 * Runs clockloop on one board profile with strace on (only to see the markers) and notes the hart's counters at
 * each of its three getppid() markers: before the vDSO loop, between the loops, after the system-call loop.
 */
export function clockloopMarks(launch: (o: LaunchOptions) => Process, program: string, calls: number, timeCsr: TimeCsr,
  options: Partial<LaunchOptions> = {}): ClockloopMark[] {
  const marks: ClockloopMark[] = [];
  const p: Process = launch({
    program, args: [String(calls)], timeMode: 'virtual', disableRandomization: true, onStdout: () => {}, onStderr: () => {},
    ...options, timeCsr, strace: true,
    onStrace: (line) => {
      if (line.startsWith('getppid(')) marks.push({ cycles: p.hart.cycles, instret: p.hart.instret, clock: p.hart.clock, t: process.hrtime.bigint() });
    },
  });
  for (let guard = 0; !p.ended && guard < 100_000; guard++) {
    const r = p.run(50_000_000);
    if (r.kind === 'error' || r.kind === 'deadlock') throw new Error(r.message);
    if (r.kind === 'killed') throw new Error(`${program} was killed by ${r.name}`);
  }
  if (marks.length !== 3) throw new Error(`${program} made ${marks.length} getppid() markers, expected 3: is it clockloop?`);
  return marks;
}

/** Per-call costs of both ways on one board, from clockloop's markers. */
export function boardCost(marks: readonly ClockloopMark[], calls: number, timeCsr: TimeCsr): BoardCost {
  const prof = BOARD_PROFILES[timeCsr];
  const way = (a: number): WayCost => {
    const cycles = Number(marks[a + 1].clock - marks[a].clock) / calls;
    return { cycles, ns: (cycles * 1e9) / prof.coreHz, instructions: Number(marks[a + 1].instret - marks[a].instret) / calls };
  };
  const vdso = way(0), syscall = way(1);
  return { timeCsr, board: prof.description, coreHz: prof.coreHz, vdso, syscall, ratio: syscall.cycles / vdso.cycles, calibration: prof.nullSyscallSource };
}

/** Per-call costs of both ways on each board profile. `launch` is the kernel model's launch (or a factory). */
export function measureBoardCosts(launch: (o: LaunchOptions) => Process, program: string, calls: number,
  profiles: TimeCsr[] = ['hardware', 'firmware']): BoardCost[] {
  return profiles.map((timeCsr) => boardCost(clockloopMarks(launch, program, calls, timeCsr, { timeEpoch: 0, seed: 1 }), calls, timeCsr));
}
