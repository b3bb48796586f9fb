// Shared helpers of the kernel tests: run a committed Linux fixture on the kernel model and collect its output.
import { join } from 'node:path';
import { launch, type LinuxProcess } from '../../src/kernel/process';
import type { LaunchOptions, StopReason } from '../../src/kernel/api';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'linux', 'build');
export const fixture = (name: string): string => join(FIXTURES, name);

/** The fixed start of CLOCK_REALTIME the tests use (2024-01-01T00:00:00Z), so their output is exactly reproducible. */
export const FIXED_EPOCH = 1704067200;

export interface RunResult { stdout: string; stderr: string; strace: string[]; warnings: string[]; stop: StopReason; proc: LinuxProcess; }

export function runFixture(name: string, opts: Partial<LaunchOptions> = {}, maxSteps = 2_000_000_000): RunResult {
  let stdout = '', stderr = '';
  const strace: string[] = [], warnings: string[] = [];
  const proc = launch({
    program: opts.program ?? fixture(name), disableRandomization: true, seed: 1, timeEpoch: FIXED_EPOCH,
    onStdout: (d) => { stdout += Buffer.from(d).toString(); },
    onStderr: (d) => { stderr += Buffer.from(d).toString(); },
    onStrace: (l) => strace.push(l),
    onWarning: (l) => warnings.push(l),
    ...opts,
  });
  let stop: StopReason;
  let left = maxSteps;
  do {
    stop = proc.run(Math.min(left, 100_000_000));
    left -= 100_000_000;
  } while (stop.kind === 'budget' && left > 0);
  return { stdout, stderr, strace, warnings, stop, proc };
}
