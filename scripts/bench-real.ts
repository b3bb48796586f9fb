// npm run bench, real programs: programs built from Debian source packages (scripts/real-programs.sh) doing a real
// task each, run whole-process (`node dist/cli.js run ...`, start-up included) paired with qemu-riscv64 on the same
// binary in the same run, same stdout and exit status checked. Prints per-program medians, ratios and the geometric
// mean; then start-up (a static hello against `node -e 0`), a system-call-heavy program (bench/syscall/smallio, dd
// bs=1 style) against qemu-riscv64, and the host cost of one getpid round trip.
// Prints figures, never verdicts. BENCH_REPS (default 5) runs per side; BENCH_REAL=0 skips this section,
// BENCH_REAL=startup runs only the start-up figures (`BENCH_REAL=startup node --import tsx scripts/bench-real.ts`),
// BENCH_REAL_PARTS=real,startup,syscall,getpid selects parts of it.
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const reps = Number(process.env.BENCH_REPS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Deterministic inputs: a pseudo-random generator so every run (and qemu) sees the same bytes. */
function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % n; };
}

function makeText(bytes: number): string {
  const rand = lcg(7);
  const words = ['riscv', 'vdso', 'kernel', 'page', 'trap', 'hart', 'clock', 'time', 'the', 'a', 'of', 'and',
    'memory', 'translation', 'block', 'system', 'call', 'user', 'supervisor', 'machine', 'register'];
  const out: string[] = [];
  let n = 0;
  while (n < bytes) {
    const line: string[] = [];
    for (let i = 0, k = 4 + rand(10); i < k; i++) line.push(rand(50) === 0 ? String(rand(100000)) : words[rand(words.length)]);
    const l = line.join(' ') + (rand(3) === 0 ? '.\n' : '\n');
    out.push(l);
    n += l.length;
  }
  return out.join('');
}

function makeJson(records: number): string {
  const rand = lcg(11);
  const cities = ['Lyon', 'Oslo', 'Kyoto', 'Lima', 'Perth', 'Quito', 'Turin', 'Accra', 'Hanoi', 'Cork'];
  const tags = ['x', 'alpha', 'beta', 'gamma', 'delta', 'eps'];
  const recs = [];
  for (let i = 0; i < records; i++) {
    recs.push({ id: i, name: `user${rand(1000000)}`, age: 18 + rand(60), city: cities[rand(cities.length)],
      score: rand(10000) / 100, tags: Array.from({ length: rand(4) }, () => tags[rand(tags.length)]) });
  }
  return JSON.stringify(recs, null, 1);
}

/** `clock`: the output prints the time, so it is compared with every number replaced by N. */
interface Task { name: string; what: string; program: string; args: string[]; stdin?: string; clock?: boolean }

function programDirs(): Map<string, string> {
  const r = spawnSync('bash', [join(root, 'scripts', 'real-programs.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const dirs = new Map<string, string>();
  for (const d of (r.stdout ?? '').split('\n').filter((l) => l && existsSync(join(l, 'source')))) {
    const pkg = readFileSync(join(d, 'source'), 'utf8').match(/^package: (.*)$/m)?.[1];
    if (pkg) dirs.set(pkg, d);
  }
  return dirs;
}

interface Run { ms: number; out: string; shape: string; code: number | null; rssKb: number; cpuMs: number }

/** One whole-process run under /usr/bin/time (peak RSS), wall time measured around the spawn. */
function run(cmd: string[], cwd: string, stdin?: string, env?: NodeJS.ProcessEnv): Run {
  const timeFile = join(cwd, '.time');
  const useTime = existsSync('/usr/bin/time');
  const argv = useTime ? ['/usr/bin/time', '-f', '%M %U %S', '-o', timeFile, ...cmd] : cmd;
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, input: stdin ? readFileSync(join(cwd, stdin)) : undefined, maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  const [rssKb, user, sys] = useTime ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [NaN, NaN, NaN];
  const cpuMs = (user + sys) * 1000;
  const out = createHash('sha256').update(r.stdout ?? '').digest('hex').slice(0, 16) + ` (${r.stdout?.length ?? 0} bytes)`;
  return { ms, out, shape: (r.stdout ?? Buffer.alloc(0)).toString('latin1').replace(/\d+/g, 'N'), code: r.status, rssKb, cpuMs };
}

function benchReal(): void {
  const qemuOk = spawnSync('qemu-riscv64', ['--version']).status === 0;
  const dirs = programDirs();
  if (dirs.size === 0) {
    console.log('real programs:  not built (scripts/real-programs.sh needs apt-get source and riscv64-linux-gnu-gcc)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'bench-real-'));
  try {
    writeFileSync(join(work, 'text.txt'), makeText(100_000));
    writeFileSync(join(work, 'data.json'), makeJson(1000));
    for (const f of ['task.lua', 'task.sql', 'filter.jq']) writeFileSync(join(work, f), readFileSync(join(root, 'bench', 'real', f)));
    const bin = (pkg: string, name: string) => dirs.has(pkg) ? join(dirs.get(pkg)!, 'bin', name) : '';
    const tasks: Task[] = [
      { name: 'hello-sized', what: 'gettimeofday + printf (test fixture)', program: join(root, 'test/fixtures/linux/build/syscall'), args: [], clock: true },
      { name: 'lua', what: 'lua task.lua (tables, strings, sort)', program: bin('lua5.4', 'lua'), args: ['task.lua'] },
      { name: 'jq', what: 'jq -f filter.jq data.json (1000 records)', program: bin('jq', 'jq'), args: ['-f', 'filter.jq', 'data.json'] },
      { name: 'bzip2', what: 'bzip2 -9 -c text.txt (100 KB)', program: bin('bzip2', 'bzip2'), args: ['-9', '-c', 'text.txt'] },
      { name: 'zlib', what: 'minigzip -9 < text.txt (100 KB)', program: bin('zlib', 'minigzip'), args: ['-9'], stdin: 'text.txt' },
      { name: 'sqlite3', what: 'sqlite3 :memory: < task.sql (5k rows)', program: bin('sqlite3', 'sqlite3'), args: [':memory:'], stdin: 'task.sql' },
      { name: 'cpu mix', what: 'bench/cpu as a Linux program', program: join(root, 'bench/cpu/build/cpu.elf'), args: [] },
    ];
    console.log(`real programs:  whole process, median of ${reps} (ours: node dist/cli.js run; qemu-riscv64 on the same binary), same stdout and status checked`);
    console.log(`  ${'program'.padEnd(12)} ${'task'.padEnd(42)} ${'qemu'.padStart(8)} ${'ours'.padStart(8)} ${'ratio'.padStart(7)} ${'RSS'.padStart(7)}`);
    const ratios: number[] = [];
    for (const t of tasks) {
      if (!t.program || !existsSync(t.program)) { console.log(`  ${t.name.padEnd(12)} not built`); continue; }
      const ours: Run[] = [];
      const qemu: Run[] = [];
      for (let i = 0; i < reps; i++) {
        ours.push(run(['node', cli, 'run', t.program, ...t.args], work, t.stdin));
        if (qemuOk) qemu.push(run(['qemu-riscv64', t.program, ...t.args], work, t.stdin));
      }
      const o = median(ours.map((r) => r.ms));
      const rss = Math.max(...ours.map((r) => r.rssKb)) / 1024;
      let note = '';
      const same = (a: Run, b: Run) => a.code === b.code && (t.clock ? a.shape === b.shape : a.out === b.out);
      if (ours.some((r) => !same(r, ours[0]))) note = ' OUTPUT VARIES BETWEEN OUR RUNS';
      if (qemuOk) {
        const q = median(qemu.map((r) => r.ms));
        if (!same(qemu[0], ours[0])) {
          note += ` OUTPUT DIFFERS (ours ${ours[0].out} status ${ours[0].code}, qemu ${qemu[0].out} status ${qemu[0].code})`;
        } else ratios.push(o / q);
        console.log(`  ${t.name.padEnd(12)} ${t.what.padEnd(42)} ${(q / 1000).toFixed(3).padStart(6)} s ${(o / 1000).toFixed(3).padStart(6)} s ${(o / q).toFixed(2).padStart(6)}x ${rss.toFixed(0).padStart(4)} MB${note}`);
      } else {
        console.log(`  ${t.name.padEnd(12)} ${t.what.padEnd(42)} ${'-'.padStart(8)} ${(o / 1000).toFixed(3).padStart(6)} s ${'-'.padStart(7)} ${rss.toFixed(0).padStart(4)} MB${note}`);
      }
    }
    if (ratios.length) {
      const g = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
      console.log(`  geometric mean of ${ratios.length} ratios (same output): ${g.toFixed(2)}x qemu-riscv64`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Start-up: a static hello, whole process, against `node -e 0` (node's own start-up, the floor of any run of ours)
 * and qemu-riscv64, interleaved so all sides see the same load. Wall time and CPU time (user + sys, all threads:
 * V8 compiles on background threads); the code cache is warm (a command's first run writes it), and the same run
 * without it (RISCV_VDSO_CODE_CACHE=0) shows what it saves.
 */
function benchStartup(): void {
  const work = mkdtempSync(join(tmpdir(), 'bench-start-'));
  try {
    const qemuOk = spawnSync('qemu-riscv64', ['--version']).status === 0;
    const programs = [
      { name: 'hello', what: 'static hello (printf)', path: join(root, 'test/fixtures/linux/build/hello') },
      { name: 'hello-sized', what: 'gettimeofday + printf', path: join(root, 'test/fixtures/linux/build/syscall') },
    ];
    interface Side { label: string; cmd: string[]; env?: NodeJS.ProcessEnv; runs: Run[] }
    const sides: Side[] = [{ label: 'node -e 0', cmd: ['node', '-e', '0'], runs: [] }];
    for (const p of programs) {
      sides.push({ label: `ours ${p.name}`, cmd: ['node', cli, 'run', p.path], runs: [] });
      sides.push({ label: `ours ${p.name}, no code cache`, cmd: ['node', cli, 'run', p.path], env: { ...process.env, RISCV_VDSO_CODE_CACHE: '0' }, runs: [] });
      if (qemuOk) sides.push({ label: `qemu ${p.name}`, cmd: ['qemu-riscv64', p.path], runs: [] });
    }
    run(['node', cli, 'run', programs[0].path], work); // writes the code cache if it is not there
    const n = reps * 2;
    for (let i = 0; i < n; i++) for (const side of sides) side.runs.push(run(side.cmd, work, undefined, side.env));
    const wall = (s: Side) => median(s.runs.map((r) => r.ms));
    const cpu = (s: Side) => median(s.runs.map((r) => r.cpuMs));
    const nodeSide = sides[0];
    console.log(`start-up:       whole process, median of ${n} interleaved runs; wall and CPU (user+sys, all threads); ratios to node -e 0 and to qemu-riscv64`);
    for (const s of sides) {
      const prog = programs.find((p) => s.label.includes(` ${p.name}`));
      const q = prog && sides.find((x) => x.label === `qemu ${prog.name}`);
      const vsNode = s === nodeSide ? '' : ` ${(wall(s) / wall(nodeSide)).toFixed(2)}x node wall, ${(cpu(s) / cpu(nodeSide)).toFixed(2)}x node CPU`;
      const vsQemu = q && s !== q && s.label.startsWith('ours') ? `, ${(wall(s) / wall(q)).toFixed(1)}x qemu wall` : '';
      const rss = Math.max(...s.runs.map((r) => r.rssKb)) / 1024;
      console.log(`  ${s.label.padEnd(32)} wall ${wall(s).toFixed(0).padStart(4)} ms  CPU ${cpu(s).toFixed(0).padStart(4)} ms  RSS ${rss.toFixed(0).padStart(3)} MB ${vsNode}${vsQemu}`);
    }
    const hello = sides[1];
    console.log(`start-up:       static hello ${wall(hello).toFixed(0)} ms whole process, node -e 0 ${wall(nodeSide).toFixed(0)} ms: ${(wall(hello) / wall(nodeSide)).toFixed(2)}x node (median of ${n})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A system-call-heavy program: bench/syscall/smallio (`dd bs=1` in raw system calls: a read and a write per byte)
 * over 100 KB, whole process, paired with qemu-riscv64 on the same binary, same output checked.
 */
function benchSyscallHeavy(): void {
  const program = join(root, 'bench', 'syscall', 'build', 'smallio');
  const work = mkdtempSync(join(tmpdir(), 'bench-sys-'));
  try {
    const bytes = 100_000;
    writeFileSync(join(work, 'text.txt'), makeText(bytes));
    const ours: Run[] = [];
    const qemu: Run[] = [];
    const qemuOk = spawnSync('qemu-riscv64', ['--version']).status === 0;
    for (let i = 0; i < reps; i++) {
      ours.push(run(['node', cli, 'run', program, 'text.txt'], work));
      if (qemuOk) qemu.push(run(['qemu-riscv64', program, 'text.txt'], work));
    }
    const o = median(ours.map((r) => r.ms));
    const calls = `${(2 * bytes / 1000).toFixed(0)}k system calls`;
    if (!qemuOk) { console.log(`syscall-heavy:  smallio (dd bs=1 of 100 KB, ${calls}) ${(o / 1000).toFixed(3)} s`); return; }
    const q = median(qemu.map((r) => r.ms));
    const same = qemu[0].out === ours[0].out && qemu[0].code === ours[0].code;
    console.log(`syscall-heavy:  smallio (dd bs=1 of 100 KB, ${calls}) qemu ${(q / 1000).toFixed(3)} s, ours ${(o / 1000).toFixed(3)} s: ${(o / q).toFixed(2)}x qemu-riscv64 (median of ${reps})${same ? '' : ` OUTPUT DIFFERS (ours ${ours[0].out} status ${ours[0].code}, qemu ${qemu[0].out} status ${qemu[0].code})`}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Host cost of one getpid round trip: bench/syscall/build/getpid with N = 0 and N calls, run by the bundle users run
 * (`node dist/cli.js run`, RISCV_VDSO_STATS=1 prints the time of its run loop, launch and start-up excluded),
 * interleaved; (time of N calls - time of none) / N, from the medians and from the minima. (Timing the kernel model
 * in this process, from its TypeScript source under tsx, measured tsx's module getters as much as the round trip:
 * 5.7-8 us where the bundle took 3.1 us.)
 */
function benchGetpid(): void {
  const program = join(root, 'bench', 'syscall', 'build', 'getpid');
  const calls = 200_000;
  const once = (n: number): number => {
    const r = spawnSync('node', [cli, 'run', program, String(n)], { env: { ...process.env, RISCV_VDSO_STATS: '1' }, encoding: 'utf8' });
    const m = / ([\d.]+) ms,/.exec(r.stderr ?? '');
    if (r.status !== 0 || !m) throw new Error(`getpid benchmark failed: status ${r.status}, ${r.stderr}`);
    return Number(m[1]);
  };
  once(1000); // the code cache
  const base: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < reps; i++) { base.push(once(0)); full.push(once(calls)); }
  const us = ((median(full) - median(base)) * 1000) / calls;
  const usMin = ((Math.min(...full) - Math.min(...base)) * 1000) / calls;
  let q = '';
  if (spawnSync('qemu-riscv64', ['--version']).status === 0) {
    const qb: number[] = [];
    const qf: number[] = [];
    for (let i = 0; i < reps; i++) {
      let t0 = performance.now(); spawnSync('qemu-riscv64', [program, '0']); qb.push(performance.now() - t0);
      t0 = performance.now(); spawnSync('qemu-riscv64', [program, String(calls)]); qf.push(performance.now() - t0);
    }
    q = `; qemu-riscv64 ${(((median(qf) - median(qb)) * 1000) / calls).toFixed(2)} us`;
  }
  console.log(`getpid:         ${us.toFixed(2)} us host time per round trip (min ${usMin.toFixed(2)} us; ecall, trap entry, call, sret; ${calls} calls, `
    + `run loop of node dist/cli.js run, median of ${reps})${q}`);
}

if (process.env.BENCH_REAL === 'startup') benchStartup();
else if (process.env.BENCH_REAL !== '0') {
  // BENCH_REAL_PARTS (e.g. "syscall,getpid") runs only those parts
  const parts = new Set((process.env.BENCH_REAL_PARTS ?? 'real,startup,syscall,getpid').split(','));
  if (parts.has('real')) benchReal();
  if (parts.has('startup')) benchStartup();
  if (parts.has('syscall')) benchSyscallHeavy();
  if (parts.has('getpid')) benchGetpid();
}
