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

/** Per-call costs of both ways on each board profile. `launch` is the kernel model's launch (or a factory). */
export function measureBoardCosts(launch: (o: LaunchOptions) => Process, program: string, calls: number,
  profiles: TimeCsr[] = ['hardware', 'firmware']): BoardCost[] {
  return profiles.map((timeCsr) => {
    const marks: { clock: bigint; instret: bigint }[] = [];
    const p: Process = launch({
      program, args: [String(calls)], timeMode: 'virtual', timeEpoch: 0, timeCsr, disableRandomization: true, seed: 1,
      strace: true, onStdout: () => {}, onStderr: () => {},
      onStrace: (line) => { if (line.startsWith('getppid(')) marks.push({ clock: p.hart.clock, instret: p.hart.instret }); },
    });
    for (let guard = 0; !p.ended && guard < 100_000; guard++) {
      const r = p.run(50_000_000);
      if (r.kind === 'error') throw new Error(r.message);
      if (r.kind === 'killed') throw new Error(`${program} was killed by ${r.name}`);
    }
    if (marks.length !== 3) throw new Error(`${program} made ${marks.length} getppid() markers, expected 3: is it clockloop?`);
    const prof = BOARD_PROFILES[timeCsr];
    const way = (a: number): WayCost => {
      const cycles = Number(marks[a + 1].clock - marks[a].clock) / calls;
      return { cycles, ns: (cycles * 1e9) / prof.coreHz, instructions: Number(marks[a + 1].instret - marks[a].instret) / calls };
    };
    const vdso = way(0), syscall = way(1);
    return { timeCsr, board: prof.description, coreHz: prof.coreHz, vdso, syscall, ratio: syscall.cycles / vdso.cycles, calibration: prof.nullSyscallSource };
  });
}
