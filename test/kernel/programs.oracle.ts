// Real programs nobody here wrote, doing real work, on the kernel model vs qemu-riscv64 (real Linux underneath):
// same stdout, same exit status, same files written. From npm (scripts/npm-programs.sh): esbuild (Go: goroutines
// on clone'd threads, futexes, epoll, a 512 MiB PROT_NONE reservation), dprint (Rust: threads, ppoll, flock, a
// wasm plugin's compiled code from its cache), dart-sass (a Dart AOT runtime: epoll, timerfd, threads). Built from Debian
// source packages (scripts/real-programs.sh): lua, jq, sqlite3 on a file database (fcntl locks, a journal),
// bzip2 and zlib's minigzip/example (files compressed and read back), busybox (its sh running scripts with
// pipelines, subshells, background jobs, wait, stops and continues, traps; sort/find/xargs), xz -T2 and zstd -T2
// (pthreads compressing blocks in parallel). Each runs in a scratch working directory of its own under both, with the same
// inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { launch } from '../../src/kernel/process';
import { FIXED_EPOCH } from './helpers';

const ROOT = join(__dirname, '..', '..');
const SYSROOT = '/usr/riscv64-linux-gnu';
const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const noQemu = !have('qemu-riscv64') ? 'needs qemu-riscv64' : false;

/** NAME=DIR lines of a fetch/build script (or one directory per package with the binaries under bin/), or why
 *  they are not available. */
function programs(script: string): Record<string, string> | string {
  const path = join(ROOT, 'scripts', script);
  if (!existsSync(path)) return `scripts/${script} is not in this tree`;
  const r = spawnSync('bash', [path], { encoding: 'utf8', timeout: 30 * 60_000 });
  if (r.status !== 0) return `scripts/${script} failed (status ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`;
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq > 0) { out[line.slice(0, eq)] = line.slice(eq + 1); continue; }
    const bin = join(line, 'bin');
    if (existsSync(bin)) for (const b of readdirSync(bin)) out[b] = join(bin, b);
  }
  return out;
}

const npm = noQemu ? noQemu : programs('npm-programs.sh');
const debian = noQemu ? noQemu : programs('real-programs.sh');
const skipNpm = typeof npm === 'string' ? npm : false;
const skipDebian = typeof debian === 'string' ? debian : false;
const npmDir = (name: string): string => (npm as Record<string, string>)[name];
const bin = (name: string): string => {
  const p = (debian as Record<string, string>)[name];
  assert.ok(p, `scripts/real-programs.sh built no ${name}`);
  return p;
};

interface Run { stdout: Buffer; status: number; files: Record<string, Buffer> }
interface RunOpts { files?: Record<string, string | Buffer>; stdin?: Buffer; outputs?: string[]; allow?: string[]; env?: Record<string, string> }

/** A scratch working directory with `files` in it. */
function scratch(files: Record<string, string | Buffer>): string {
  const d = mkdtempSync(join(tmpdir(), 'riscv-vdso-programs-'));
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(d, name)), { recursive: true });
    writeFileSync(join(d, name), data);
  }
  return d;
}

function collect(dir: string, names: string[]): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const n of names) if (existsSync(join(dir, n))) out[n] = readFileSync(join(dir, n));
  return out;
}

function qemu(program: string, args: string[], o: RunOpts): Run {
  const cwd = scratch(o.files ?? {});
  try {
    const r = spawnSync('qemu-riscv64', ['-L', SYSROOT, program, ...args], {
      cwd, input: o.stdin ?? Buffer.alloc(0), env: { PATH: '/usr/bin:/bin', HOME: cwd, LANG: 'C', ...o.env }, maxBuffer: 64 << 20, timeout: 10 * 60_000,
    });
    return { stdout: r.stdout, status: r.status ?? -1, files: collect(cwd, o.outputs ?? []) };
  } finally { rmSync(cwd, { recursive: true, force: true }); }
}

function ours(program: string, args: string[], o: RunOpts): Run {
  const cwd = scratch(o.files ?? {});
  try {
    const chunks: Buffer[] = [];
    const p = launch({
      program, args, cwd, sysroot: SYSROOT, env: { PATH: '/usr/bin:/bin', HOME: cwd, LANG: 'C', ...o.env }, allow: o.allow,
      stdin: o.stdin ?? Buffer.alloc(0), seed: 1, timeEpoch: FIXED_EPOCH,
      onStdout: (d) => chunks.push(Buffer.from(d)), onStderr: () => undefined, onWarning: () => undefined,
    });
    let r = p.run(50_000_000);
    for (let i = 0; i < 4000 && r.kind === 'budget'; i++) r = p.run(50_000_000);
    assert.ok(r.kind === 'exited' || r.kind === 'killed', `${program}: ${JSON.stringify(r)}`);
    const status = r.kind === 'exited' ? r.code : r.kind === 'killed' ? 128 + r.signal : -1;
    return { stdout: Buffer.concat(chunks), status, files: collect(cwd, o.outputs ?? []) };
  } finally { rmSync(cwd, { recursive: true, force: true }); }
}

/** Run under both and require the same stdout, status and output files; `status` is what qemu must say. */
function same(label: string, program: string, args: string[], o: RunOpts & { status?: number }): string {
  const q = qemu(program, args, o);
  const m = ours(program, args, o);
  if (o.status !== undefined) assert.equal(q.status, o.status, `${label}: qemu-riscv64's status (the oracle itself)`);
  assert.equal(m.status, q.status, `${label}: exit status`);
  assert.equal(m.stdout.toString('latin1'), q.stdout.toString('latin1'), `${label}: stdout`);
  for (const f of o.outputs ?? []) {
    assert.ok(q.files[f], `${label}: qemu-riscv64 wrote no ${f}`);
    assert.ok(m.files[f]?.equals(q.files[f]), `${label}: ${f} differs (${m.files[f]?.length} vs ${q.files[f].length} bytes)`);
  }
  return m.stdout.toString();
}

// ---- npm ------------------------------------------------------------------------------------------------------

const ESBUILD_PROJECT = {
  'src/index.ts': `import { greet, type Person } from './greet';
import data from './data.json';
const people: Person[] = data.people.map((name: string, i: number) => ({ name, age: 20 + i }));
export function main(): string[] { return people.map(greet); }
console.log(main().join('\\n'));
`,
  'src/greet.ts': `export interface Person { name: string; age: number }
export const greet = (p: Person): string => \`hello \${p.name}, \${p.age >= 21 ? 'adult' : 'young'}\`;
enum Color { Red, Green }
export const unused = Color.Green;
export class Box<T> { constructor(private readonly v: T) {} get value(): T { return this.v; } }
`,
  'src/data.json': '{"people":["ada","linus","grace"]}\n',
  'src/broken.ts': 'export const x = (1 + ;\n',
};

test('esbuild (Go, npm @esbuild/linux-riscv64): bundles a TypeScript project, and reports a syntax error with status 1', { skip: skipNpm }, () => {
  const esbuild = join(npmDir('esbuild'), 'bin', 'esbuild');
  same('esbuild bundle', esbuild, ['src/index.ts', '--bundle', '--format=esm', '--minify-syntax', '--target=es2020', '--outfile=out/bundle.js'],
    { files: ESBUILD_PROJECT, outputs: ['out/bundle.js'], status: 0 });
  const out = same('esbuild stdout', esbuild, ['src/index.ts', '--bundle', '--platform=node', '--minify'], { files: ESBUILD_PROJECT, status: 0 });
  assert.match(out, /hello /);
  same('esbuild syntax error', esbuild, ['src/broken.ts', '--bundle'], { files: ESBUILD_PROJECT, status: 1 });
});

const SCSS = {
  'style.scss': `@use "sass:math";
$base: 12px;
$colors: (primary: #336699, accent: #cc3300);
@mixin size($w, $h: $w) { width: $w; height: $h; }
@function half($x) { @return math.div($x, 2); }
.card {
  @include size($base * 10, half($base * 10));
  @each $name, $c in $colors { .#{$name} { color: $c; } }
  @for $i from 1 through 3 { .m-#{$i} { margin: $i * 4px; } }
}
`,
  'broken.scss': '.a { color: $undefined-variable; }\n',
};

test('dart-sass (Dart AOT runtime, npm sass-embedded-linux-riscv64): compiles SCSS, and an undefined variable is status 65', { skip: skipNpm }, () => {
  const dir = join(npmDir('sass'), 'dart-sass', 'src');
  const out = same('sass compile', join(dir, 'dart'), [join(dir, 'sass.snapshot'), '--no-source-map', 'style.scss'], { files: SCSS, status: 0 });
  assert.match(out, /\.card \.primary \{\n {2}color: #336699;/);
  same('sass error', join(dir, 'dart'), [join(dir, 'sass.snapshot'), '--no-source-map', 'broken.scss'], { files: SCSS, status: 65 });
});

test('dprint (Rust, npm @dprint/linux-riscv64-glibc): formats JSON through its wasm plugin (@dprint/json)', { skip: skipNpm }, () => {
  const plugin = join(npmDir('dprint-json'), 'plugin.wasm');
  const data = '{"b":   [1,2,\n3], "a":{"x":true, "y": [ ] }}\n';
  const files = { 'dprint.json': JSON.stringify({ plugins: [plugin], json: { indentWidth: 4 } }), 'data.json': data };
  // dprint compiles the wasm plugin to riscv64 code once and keeps it in its cache directory: qemu-riscv64 runs
  // first and fills it (~30 s), then both format with it (compiling it on the model takes many minutes)
  const cache = mkdtempSync(join(tmpdir(), 'riscv-vdso-dprint-cache-'));
  try {
    const out = same('dprint fmt --stdin', join(npmDir('dprint'), 'dprint'), ['fmt', '--stdin', 'data.json'],
      { files, stdin: Buffer.from(data), allow: [`${dirname(plugin)}:ro`, cache], env: { DPRINT_CACHE_DIR: cache }, status: 0 });
    assert.match(out, /"a": \{ "x": true, "y": \[\] \}/);
  } finally { rmSync(cache, { recursive: true, force: true }); }
});

// ---- Debian source packages -------------------------------------------------------------------------------------

const LUA = `local t = {}
for i = 1, 200 do t[#t + 1] = (i * 7919) % 1000 end
table.sort(t)
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end end)
print(#t, t[1], t[200], fib(22), co(), co(), co())
print(string.format('%q %5.2f %x', 'a\\tb', math.pi, 48879), ('hello world'):gsub('o', '0'))
local f = assert(io.open('out.txt', 'w')); f:write('written by lua\\n', arg[1] or '?', '\\n'); f:close()
for line in io.lines('out.txt') do io.write('[', line, ']') end print()
local ok, e = pcall(error, {code = 42})
print(select('#', ...), ok, type(e), e.code)
os.exit(3)
`;

test('lua 5.4 (Debian lua5.4): a script from the working directory with arguments, writing and reading a file, status 3', { skip: skipDebian }, () => {
  same('lua', bin('lua'), ['script.lua', 'first', 'second'], { files: { 'script.lua': LUA }, outputs: ['out.txt'], status: 3 });
});

test('jq 1.6 (Debian jq): filters over a JSON file and from stdin', { skip: skipDebian }, () => {
  const data = JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item${i}`, tags: i % 3 ? ['odd'] : ['three', 'x'], price: i * 1.25 })) });
  same('jq file', bin('jq'), ['-c', '[.items[] | select(.price > 20) | {id, t: (.tags | join("+"))}] | group_by(.t) | map({t: .[0].t, n: length})', 'data.json'],
    { files: { 'data.json': data }, status: 0 });
  same('jq stdin', bin('jq'), ['-r', '.items | (map(.price) | add), (map(.name) | sort | .[-3:] | @csv)'], { stdin: Buffer.from(data), status: 0 });
  same('jq error', bin('jq'), ['.items.nope'], { stdin: Buffer.from(data), status: 5 });
});

test('sqlite3 (Debian sqlite3): a file database created, written in a transaction, queried again by a second run', { skip: skipDebian }, () => {
  const sql = `create table t(id integer primary key, name text, v real);
begin; ${Array.from({ length: 50 }, (_, i) => `insert into t(name, v) values ('n${i}', ${i * 0.5});`).join(' ')} commit;
create index t_v on t(v);
select count(*), sum(v), max(name) from t;
select name from t where v between 3 and 5 order by v desc;
`;
  // one run creates and queries the file, which must come out byte-identical; a second run opens it again
  same('sqlite3 create', bin('sqlite3'), ['test.db'], { stdin: Buffer.from(sql), outputs: ['test.db'], status: 0 });
  const db = qemu(bin('sqlite3'), ['test.db'], { stdin: Buffer.from(sql), outputs: ['test.db'] }).files['test.db'];
  same('sqlite3 reopen', bin('sqlite3'), ['-header', '-column', 'test.db', 'select id, name, v from t where id % 10 = 0; pragma integrity_check;'],
    { files: { 'test.db': db }, status: 0 });
  same('sqlite3 error', bin('sqlite3'), ['test.db', 'select * from nope;'], { files: { 'test.db': db }, status: 1 });
});

test('bzip2 (Debian bzip2): compresses a file to the same bytes and decompresses it', { skip: skipDebian }, () => {
  const text = Array.from({ length: 3000 }, (_, i) => `line ${i}: ${'abcdefghij'.repeat(1 + (i % 7))}\n`).join('');
  same('bzip2 -k', bin('bzip2'), ['-k', '-9', 'data.txt'], { files: { 'data.txt': text }, outputs: ['data.txt.bz2'], status: 0 });
  const packed = qemu(bin('bzip2'), ['-c', '-9', 'data.txt'], { files: { 'data.txt': text } }).stdout;
  const out = same('bzip2 -dc', bin('bzip2'), ['-dc', 'data.txt.bz2'], { files: { 'data.txt.bz2': packed }, status: 0 });
  assert.equal(out, text);
  same('bzip2 -t on garbage', bin('bzip2'), ['-t', 'bad.bz2'], { files: { 'bad.bz2': 'BZh9 not really' }, status: 2 });
});

test('zlib (Debian zlib): minigzip through a pipe both ways, and zlib\'s own example program', { skip: skipDebian }, () => {
  const text = Buffer.from(Array.from({ length: 2000 }, (_, i) => `${i} ${'zlib '.repeat(i % 11)}\n`).join(''));
  same('minigzip', bin('minigzip'), ['-9'], { stdin: text, status: 0 });
  const packed = qemu(bin('minigzip'), ['-9'], { stdin: text }).stdout;
  const out = same('minigzip -d', bin('minigzip'), ['-d'], { stdin: packed, status: 0 });
  assert.equal(out, text.toString());
  same('example', bin('example'), [], { outputs: ['foo.gz'], status: 0 });
});

// busybox sh with applets preferred: it forks (pipelines, subshells, $(...), background jobs) but never execs, which
// qemu-riscv64 could not do without binfmt_misc
const BUSYBOX_SH = `echo "start $#: $*"
seq 1 30 | sort -rn | head -3 | tr '\\n' ' '; echo
echo "a b c" | (read x y z; echo "$z$y$x")
upper=$(echo hello | tr a-z A-Z); echo "subst $upper \${#upper}"
(sleep 0.05; exit 3) & p1=$!
(exit 4) & p2=$!
wait $p2; echo "second job: $?"
wait $p1; echo "first job: $?"
sleep 5 & p=$!
kill -STOP $p; kill -CONT $p; kill $p; wait $p; echo "stopped, continued, terminated: $?"
trap 'echo "trap USR1"' USR1
kill -USR1 $$
mkdir -p d/e/f
for i in 3 1 2; do echo "file $i" > d/e/f$i.txt; echo "deep $i" > d/e/f/g$i.txt; done
find d -name '*.txt' | sort | xargs -n2 echo found
find d -name '*.txt' | sort | while read f; do cat "$f"; done | sort | uniq -c | sort -k2
echo d/e | xargs ls | wc -l
find d -type d | sort | tr '\\n' ' '; echo
cat <<EOT | wc -l
one
two
three
EOT
echo "arith $(( 6 * 7 )) $(( (1 << 10) % 1000 ))"
false | true; echo "pipeline status $?"
! false; echo "negated $?"
for w in $(echo x y z); do printf '%s-' "$w"; done; echo
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "loop $i"
case "file.tar.gz" in *.gz) echo "case gz";; *) echo "case other";; esac
f() { local v="$1"; echo "func $v $#"; return 9; }; f a b; echo "func status $?"
echo "to stderr" >&2
{ echo grouped; echo output; } | wc -w
echo done > out.txt
exit 7
`;

test('busybox 1.35 (Debian busybox): sh runs a script of pipelines, subshells, background jobs, wait, stops and traps, with sort/find/xargs/uniq', { skip: skipDebian }, () => {
  const out = same('busybox sh', bin('busybox'), ['sh', 'script.sh', 'one', 'two'], { files: { 'script.sh': BUSYBOX_SH }, outputs: ['out.txt'], status: 7 });
  assert.match(out, /stopped, continued, terminated: 143/);
  assert.match(out, /trap USR1/);
  same('busybox sort', bin('busybox'), ['sort', '-t,', '-k2,2n', '-k1,1r', 'data.csv'],
    { files: { 'data.csv': Array.from({ length: 300 }, (_, i) => `k${(i * 37) % 101},${(i * 13) % 17}\n`).join('') }, status: 0 });
  same('busybox sh -c error', bin('busybox'), ['sh', '-c', 'echo before; ( exit 3 ) | cat; nosuchcommand_xyz; echo "status $?"'], { status: 0 });
});

test('xz 5.4 (Debian xz-utils): -T2 compresses blocks on two threads to the same bytes and decompresses them', { skip: skipDebian }, () => {
  const text = Array.from({ length: 12000 }, (_, i) => `${i} ${'xz threads '.repeat(i % 9)}${(i * 2654435761) % 1000}\n`).join('');
  same('xz -T2', bin('xz'), ['-T2', '-1', '--block-size=65536', '-k', 'data.txt'], { files: { 'data.txt': text }, outputs: ['data.txt.xz'], status: 0 });
  const packed = qemu(bin('xz'), ['-T2', '-1', '--block-size=65536', '-c', 'data.txt'], { files: { 'data.txt': text } }).stdout;
  const out = same('xz -dc -T2', bin('xz'), ['-T2', '-dc', 'data.txt.xz'], { files: { 'data.txt.xz': packed }, status: 0 });
  assert.equal(out, text);
  same('xz -t on garbage', bin('xz'), ['-t', 'bad.xz'], { files: { 'bad.xz': 'not xz at all' }, status: 1 });
});

test('zstd 1.5 (Debian libzstd): -T2 compresses 128 KiB jobs on worker threads to the same bytes and decompresses them', { skip: skipDebian }, () => {
  const text = Array.from({ length: 12000 }, (_, i) => `${i} ${'zstd workers '.repeat(i % 7)}${(i * 2246822519) % 977}\n`).join('');
  same('zstd -T2', bin('zstd'), ['-q', '-T2', '-3', '-B131072', 'data.txt', '-o', 'data.txt.zst'], { files: { 'data.txt': text }, outputs: ['data.txt.zst'], status: 0 });
  const packed = qemu(bin('zstd'), ['-q', '-T2', '-3', '-B131072', '-c', 'data.txt'], { files: { 'data.txt': text } }).stdout;
  const out = same('zstd -dc', bin('zstd'), ['-q', '-dc', 'data.txt.zst'], { files: { 'data.txt.zst': packed }, status: 0 });
  assert.equal(out, text);
  same('zstd -t on garbage', bin('zstd'), ['-q', '-t', 'bad.zst'], { files: { 'bad.zst': 'not zstd at all' }, status: 1 });
});
