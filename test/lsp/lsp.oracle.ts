// Oracle suite (needs the riscv64-linux-gnu toolchain): the assembler decides.
//  1. gcc -S -O2 output of the project's C sources, and the project's .S sources, get no error diagnostics.
//  2. Mutations of real lines (wrong register, bad immediate, unknown mnemonic, wrong operand count),
//     generated deterministically, are flagged exactly when riscv64-linux-gnu-as -march=rv64gc rejects them.
//  3. Every mnemonic objdump -d prints for a real program (glibc) hovers and completes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import { TestClient } from './client';

const ROOT = join(__dirname, '..', '..');
const CC = 'riscv64-linux-gnu-gcc';
const AS = 'riscv64-linux-gnu-as';
const OBJDUMP = 'riscv64-linux-gnu-objdump';
const work = mkdtempSync(join(tmpdir(), 'lsp-oracle-'));
let c: TestClient;
let docCount = 0;
before(async () => { c = await TestClient.start(); });
after(async () => { await c.stop(); });

const errorsOf = async (name: string, text: string) =>
  (await c.open(pathToFileURL(join(work, `${docCount++}-${name}`)).href, text)).filter((d) => d.severity === DiagnosticSeverity.Error);

const glob = (dir: string, re: RegExp) => (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((f) => re.test(f)).map((f) => join(ROOT, dir, f)) : []);

function cSources(): string[] {
  return [...glob('test/fixtures/elf', /\.c$/), join(ROOT, 'src/guest/vdso/vgettimeofday.c'), ...glob('bench/cpu', /\.c$/),
    ...glob('test/fixtures/linux', /\.c$/), ...glob('test/fixtures/linux/src', /\.c$/)];
}

/** gcc -S output per C source and flag set. */
const compiled: { name: string; text: string }[] = [];
function compileAll(): void {
  if (compiled.length > 0) return;
  for (const src of cSources()) {
    for (const [tag, flags] of [['O2', ['-O2']], ['O2-fPIC', ['-O2', '-fPIC']]] as const) {
      const out = join(work, `${basename(src, '.c')}.${tag}.s`);
      const r = spawnSync(CC, ['-S', ...flags, '-march=rv64gc', '-mabi=lp64d', '-I', join(ROOT, 'src/guest/vdso'), '-w', src, '-o', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${src}: ${r.stderr}`);
      compiled.push({ name: basename(out), text: readFileSync(out, 'utf8') });
    }
  }
}

test('gcc -S -O2 output of the project\'s C sources gets no error diagnostics', async () => {
  compileAll();
  assert.ok(compiled.length >= 10, `${compiled.length} compiled`);
  let lines = 0;
  for (const f of compiled) {
    lines += f.text.split('\n').length;
    const errs = await errorsOf(f.name, f.text);
    assert.deepEqual(errs.map((e) => `${e.range.start.line + 1}: ${e.message}: ${f.text.split('\n')[e.range.start.line]}`), [], f.name);
  }
  console.log(`  ${compiled.length} compiler outputs, ${lines} lines: 0 errors`);
});

/** The project's .S sources run through the C preprocessor: plain GNU as input with every macro expanded. */
const preprocessed: { name: string; text: string }[] = [];
function preprocessAll(): void {
  if (preprocessed.length > 0) return;
  const dirs = ['src/guest/vdso', 'src/guest/kernel', 'test/fixtures/bare'];
  for (const d of dirs) {
    for (const f of glob(d, /\.S$/).filter((x) => !x.endsWith('.lds.S'))) {
      const r = spawnSync(CC, ['-E', '-P', '-x', 'assembler-with-cpp', '-D__ASSEMBLER__', '-I', join(ROOT, d), '-I', join(ROOT, d, 'env'), f], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${f}: ${r.stderr}`);
      // one statement per line, as the compiler writes them
      const text = r.stdout.split('\n').flatMap((l) => l.split(';')).map((l) => l.trim()).filter((l) => l !== '')
        .map((l) => (/^[a-z]/.test(l) && !/:/.test(l) ? '\t' + l.replace(/^(\S+)\s+/, '$1\t') : l)).join('\n') + '\n';
      preprocessed.push({ name: basename(f, '.S') + '.i.s', text });
    }
  }
}

test('the project\'s .S sources, preprocessed, are accepted by as and get no error diagnostics', async () => {
  preprocessAll();
  assert.ok(preprocessed.length >= 15, `${preprocessed.length}`);
  for (const f of preprocessed) {
    const src = join(work, f.name);
    writeFileSync(src, f.text);
    const r = spawnSync(AS, ['-march=rv64gc', '-o', join(work, 'pp.o'), src], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${f.name}: ${r.stderr}`);
    const errs = await errorsOf(f.name, f.text);
    assert.deepEqual(errs.map((e) => `${e.range.start.line + 1}: ${e.message}: ${f.text.split('\n')[e.range.start.line]}`), [], f.name);
  }
});

test('the project\'s .S sources get no error diagnostics', async () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (n === 'node_modules' || n === 'build') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.S') && !n.endsWith('.lds.S')) files.push(p);
    }
  };
  walk(join(ROOT, 'src')); walk(join(ROOT, 'test', 'fixtures'));
  assert.ok(files.length >= 15);
  for (const f of files) assert.deepEqual((await errorsOf(basename(f), readFileSync(f, 'utf8'))).map((e) => e.message), [], f);
});

// ---- mutations -----------------------------------------------------------------------------------------
/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REG_POOL = ['a0', 'a5', 's1', 'zero', 'sp', 'x31', 't6', 'fp', 'x32', 'a8', 's12', 't7', 'r1', 'fa0', 'ft11', 'f31', 'f32', 'fs12', 'mstatus'];
const IMM_POOL = ['0', '1', '-1', '31', '32', '63', '64', '2047', '2048', '-2048', '-2049', '4095', '0x7ff', '0x800', '1048575', '1048576', '-0x800',
  '0xfffff', '4096', '12', '-16', '0x1ffffffffffffffff', 'foo', '%lo(foo)', '%hi(foo)'];
const MNEMONIC_POOL = ['add', 'addw', 'sub', 'mul', 'ld', 'sd', 'fadd.d', 'fmv.d.x', 'beq', 'jal', 'csrrw', 'lui', 'amoadd.w', 'c.addi', 'li', 'mv'];
const REG_RE = /\b(?:x\d+|f\d+|zero|ra|sp|gp|tp|fp|t\d|s\d+|a\d|f[ast]\d+|ft\d+)\b/g;

interface Mutation { kind: string; line: string; from: string }

function mutations(count: number): Mutation[] {
  compileAll();
  preprocessAll();
  const insns: string[] = [];
  for (const f of [...compiled, ...preprocessed]) {
    for (const l of f.text.split('\n')) {
      const m = l.match(/^\t([a-z][\w.]*)(\t.*)?$/);
      if (m && !m[1].startsWith('.')) insns.push(l);
    }
  }
  const uniq = [...new Set(insns)].sort();
  const r = rng(Number(process.env.LSP_ORACLE_SEED ?? 0x5eed));
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const out: Mutation[] = [];
  const seen = new Set<string>();
  let guard = 0;
  while (out.length < count && guard++ < count * 50) {
    const line = pick(uniq);
    const m = line.match(/^\t([a-z][\w.]*)(?:\t(.*))?$/)!;
    const mn = m[1];
    const ops = m[2] ? m[2].split(/,(?![^(]*\))/) : [];
    const kind = pick(['register', 'immediate', 'mnemonic', 'count']);
    let mutated: string | undefined;
    if (kind === 'register') {
      const regs = [...line.matchAll(REG_RE)].filter((x) => x.index! > mn.length + 1);
      if (regs.length === 0) continue;
      const x = pick(regs);
      mutated = line.slice(0, x.index) + pick(REG_POOL) + line.slice(x.index! + x[0].length);
    } else if (kind === 'immediate') {
      const nums = [...line.matchAll(/(?<![\w.%])-?\d+\b(?![bf(])|%lo\([^)]*\)|%hi\([^)]*\)/g)].filter((x) => x.index! > mn.length + 1);
      if (nums.length === 0) continue;
      const x = pick(nums);
      mutated = line.slice(0, x.index) + pick(IMM_POOL) + line.slice(x.index! + x[0].length);
    } else if (kind === 'mnemonic') {
      const how = r();
      const name = how < 0.3 ? mn + 'x' : how < 0.5 ? mn.slice(0, -1) : how < 0.6 ? mn.replace(/\./g, '') : pick(MNEMONIC_POOL);
      mutated = `\t${name}${m[2] !== undefined ? '\t' + m[2] : ''}`;
    } else {
      const how = r();
      const newOps = how < 0.5 && ops.length > 0 ? ops.slice(0, -1) : [...ops, pick(ops.length > 0 ? ops : ['a0'])];
      mutated = `\t${mn}${newOps.length > 0 ? '\t' + newOps.join(',') : ''}`;
    }
    if (mutated === line || seen.has(mutated)) continue;
    seen.add(mutated);
    out.push({ kind, line: mutated, from: line });
  }
  return out;
}

function asRejects(line: string): { rejected: boolean; message: string } {
  const f = join(work, 'mutation.s');
  writeFileSync(f, line + '\n');
  const r = spawnSync(AS, ['-march=rv64gc', '-o', join(work, 'mutation.o'), f], { encoding: 'utf8' });
  return { rejected: r.status !== 0 || /Error:/.test(r.stderr), message: r.stderr.split('\n').filter((l) => /Error/.test(l)).join(' ') };
}

test('mutated lines are flagged exactly when riscv64-linux-gnu-as rejects them', async () => {
  const ms = mutations(Number(process.env.LSP_ORACLE_MUTATIONS ?? 400));
  assert.ok(ms.length >= 300, `${ms.length} mutations`);
  let agree = 0;
  const disagreements: string[] = [];
  const byKind = new Map<string, [number, number]>();
  let rejectedCount = 0;
  for (const m of ms) {
    const as = asRejects(m.line);
    if (as.rejected) rejectedCount++;
    const errs = await errorsOf('mutation.s', m.line + '\n');
    const flagged = errs.length > 0;
    const k = byKind.get(m.kind) ?? [0, 0];
    k[1]++;
    if (flagged === as.rejected) { agree++; k[0]++; } else {
      disagreements.push(`${m.kind}: ${JSON.stringify(m.line)} as ${as.rejected ? 'rejects (' + as.message + ')' : 'accepts'}, lsp ${flagged ? 'flags: ' + errs[0].message : 'is silent'}`);
    }
    byKind.set(m.kind, k);
  }
  const rate = (100 * agree) / ms.length;
  console.log(`  oracle agreement: ${agree}/${ms.length} = ${rate.toFixed(2)}% (${rejectedCount} rejected by as, ${ms.length - rejectedCount} accepted)`);
  for (const [k, [a, n]] of byKind) console.log(`    ${k}: ${a}/${n}`);
  for (const d of disagreements) console.log('    DISAGREE ' + d);
  assert.ok(rejectedCount > ms.length / 4 && rejectedCount < ms.length, 'the mutations must mix accepted and rejected lines');
  assert.deepEqual(disagreements, []);
});

test('every mnemonic of objdump -d of a real program hovers and completes', async (t) => {
  const candidates = ['/usr/riscv64-linux-gnu/lib/libc.so.6', join(ROOT, 'bench/cpu/build/cpu.elf')];
  const bin = candidates.find((p) => existsSync(p));
  if (!bin) { t.skip('no riscv64 binary to disassemble'); return; }
  const r = spawnSync(OBJDUMP, ['-d', bin], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0);
  const names = new Set<string>();
  for (const l of r.stdout.split('\n')) {
    const m = l.match(/^\s+[0-9a-f]+:\s+[0-9a-f]+\s+([a-z][\w.]*)/);
    if (m) names.add(m[1]);
  }
  assert.ok(names.size > 100, `${names.size} mnemonics`);
  const list = [...names].sort();
  const uri = pathToFileURL(join(work, 'objdump-mnemonics.s')).href;
  await c.open(uri, list.map((n) => `\t${n}`).join('\n') + '\n');
  const completions = new Set((await c.completion(uri, 0, 1)).map((i) => i.label));
  const missing: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const h = await c.hover(uri, i, 1);
    if (!h || !completions.has(list[i])) missing.push(list[i]);
  }
  console.log(`  ${list.length} distinct mnemonics in objdump -d ${bin}`);
  assert.deepEqual(missing, []);
});
