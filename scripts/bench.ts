// npm run bench: speed of the execution core on a bundled CPU-bound riscv64 program (bench/cpu), and the
// same binary under qemu-riscv64 when it is installed. Prints figures, never verdicts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Hart } from '../src/hart/hart';
import { runBare } from '../src/hart/bare';
import { bareImageFromElf } from '../src/cli/bareImage';
import { launch } from '../src/kernel/process';

const root = join(__dirname, '..');
const program = join(root, 'bench', 'cpu', 'build', 'cpu.elf');
const reps = Number(process.env.BENCH_REPS ?? 5);
const jitOn = process.env.RISCV_VDSO_JIT !== '0';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function benchHart(): { ms: number[]; insns: bigint; output: string } {
  const image = bareImageFromElf(readFileSync(program));
  const ms: number[] = [];
  let insns = 0n;
  let output = '';
  for (let i = 0; i < reps; i++) {
    const hart = new Hart({ ramBytes: 64 * 1024 * 1024 });
    let out = '';
    const t0 = performance.now();
    const r = runBare(hart, image, { stdout: (b) => { out += Buffer.from(b).toString(); } });
    ms.push(performance.now() - t0);
    if (r.exitCode !== 0) throw new Error(`benchmark program failed: exit ${r.exitCode} ${r.message ?? ''}`);
    insns = hart.instret;
    output = out.trim();
  }
  return { ms, insns, output };
}

/** The same binary as a Linux user program on the kernel model: U-mode with Sv39 translation on. */
function benchLinux(): { ms: number[]; insns: bigint; output: string } {
  const ms: number[] = [];
  let insns = 0n;
  let output = '';
  for (let i = 0; i < reps; i++) {
    let out = '';
    const t0 = performance.now();
    const p = launch({ program, disableRandomization: true, onStdout: (b) => { out += Buffer.from(b).toString(); } });
    let stop = p.run(1e9);
    while (stop.kind === 'budget') stop = p.run(1e9);
    ms.push(performance.now() - t0);
    if (stop.kind !== 'exited' || stop.code !== 0) throw new Error(`benchmark program failed under the kernel model: ${JSON.stringify(stop)}`);
    insns = p.hart.instret;
    output = out.trim();
  }
  return { ms, insns, output };
}

function benchQemu(): { ms: number[]; output: string } | undefined {
  const probe = spawnSync('qemu-riscv64', ['--version']);
  if (probe.error || probe.status !== 0) return undefined;
  const ms: number[] = [];
  let output = '';
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = spawnSync('qemu-riscv64', [program], { encoding: 'utf8' });
    ms.push(performance.now() - t0);
    output = r.stdout.trim();
  }
  return { ms, output };
}

const h = benchHart();
const mips = (ms: number) => Number(h.insns) / ms / 1000;
console.log(`program:        ${program}`);
console.log(`output:         ${h.output}`);
console.log(`instructions:   ${h.insns} retired`);
console.log(`hart wall time: median ${median(h.ms).toFixed(0)} ms, best ${Math.min(...h.ms).toFixed(0)} ms over ${reps} runs (each includes start-up)`);
console.log(`hart speed:     median ${mips(median(h.ms)).toFixed(0)} MIPS, best ${mips(Math.min(...h.ms)).toFixed(0)} MIPS; first run ${mips(h.ms[0]).toFixed(0)} MIPS (${h.ms[0].toFixed(0)} ms)`);
console.log(`translator:     ${jitOn ? 'on (later runs reuse the process-wide module cache; the first run compiles every block)' : 'off (RISCV_VDSO_JIT=0)'}`);
const lx = benchLinux();
const lmips = (ms: number) => Number(lx.insns) / ms / 1000;
console.log(`Linux mode:     median ${median(lx.ms).toFixed(0)} ms, ${lmips(median(lx.ms)).toFixed(0)} MIPS, first run ${lmips(lx.ms[0]).toFixed(0)} MIPS (${lx.insns} instructions incl. the trap entry, Sv39 on, launch included)${lx.output === h.output ? '' : `, OUTPUT DIFFERS: ${lx.output}`}`);
const q = benchQemu();
if (q) {
  console.log(`qemu-riscv64:   median ${median(q.ms).toFixed(0)} ms, best ${Math.min(...q.ms).toFixed(0)} ms (process start included)${q.output === h.output ? ', same output' : `, OUTPUT DIFFERS: ${q.output}`}`);
  console.log(`ratio:          hart/qemu wall time = ${(median(h.ms) / median(q.ms)).toFixed(2)}x (median), ${(Math.min(...h.ms) / Math.min(...q.ms)).toFixed(2)}x (best); Linux mode/qemu = ${(median(lx.ms) / median(q.ms)).toFixed(2)}x`);
} else {
  console.log('qemu-riscv64:   not installed (apt-get install qemu-user for the comparison)');
}
