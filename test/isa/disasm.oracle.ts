// Oracle: our disassembler against GNU objdump -d (binutils 2.40) on every instruction of glibc's libc.so.6
// and of a static glibc program. The raw instruction words are taken from objdump's own listing, and the
// `<symbol+offset>` annotations are supplied from that listing too, so no ELF reader is involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '../../src/isa/decode';
import { disassemble, newDisasmContext } from '../../src/isa/disasm';

const OBJDUMP = 'riscv64-linux-gnu-objdump';

/**
 * Differences we accept, each with its reason. Keyed by the raw bits' objdump text so that the test names
 * exactly what differs.
 */
const ALLOWED: { test: (raw: number, len: number, want: string) => boolean; reason: string }[] = [
  {
    test: (raw) => raw === 0x00200073,
    reason: 'uret (N extension) is not implemented by the hart, so we print it as .4byte',
  },
  {
    test: (raw, len) => len === 2 && raw === 0x6101,
    reason: 'c.addi16sp with nzimm 0 is reserved by the spec; objdump prints it as add sp,sp,0',
  },
];

interface Result { total: number; agree: number; allowed: Map<string, number>; bad: string[] }

function compare(listing: string, gp?: bigint): Result {
  const syms = new Map<bigint, string>();
  for (const m of listing.matchAll(/\b([0-9a-f]+) <([^>\n]+)>/g)) syms.set(BigInt('0x' + m[1]), m[2]);
  const sym = (a: bigint) => syms.get(a);
  const ctx = newDisasmContext(gp);
  const r: Result = { total: 0, agree: 0, allowed: new Map(), bad: [] };
  for (const line of listing.split('\n')) {
    const m = /^ *([0-9a-f]+):\t([0-9a-f]+) +\t(.*)$/.exec(line);
    if (!m) continue;
    r.total++;
    const pc = BigInt('0x' + m[1]);
    const raw = parseInt(m[2], 16);
    const want = m[3];
    const d = decode(raw);
    const got = disassemble(d, pc, sym, ctx).text;
    if (got === want) { r.agree++; continue; }
    const a = ALLOWED.find((x) => x.test(raw, m[2].length / 2, want));
    if (a) { r.allowed.set(a.reason, (r.allowed.get(a.reason) ?? 0) + 1); continue; }
    if (r.bad.length < 40) r.bad.push(`${m[1]}: ${m[2]}\n    objdump: ${want}\n    ours:    ${got}`);
  }
  return r;
}

function report(what: string, r: Result): void {
  console.log(`${what}: ${r.agree}/${r.total} identical (${(100 * r.agree / r.total).toFixed(3)}%)`);
  for (const [reason, n] of r.allowed) console.log(`  allowed x${n}: ${reason}`);
  assert.ok(r.total > 1000, 'listing parsed');
  assert.equal(r.bad.length, 0, `disagreements:\n${r.bad.join('\n')}`);
}

const haveTools = (() => {
  try { execFileSync(OBJDUMP, ['--version']); return true; } catch { return false; }
})();

test('libc.so.6 disassembles exactly as objdump prints it', { skip: !haveTools }, () => {
  const libc = '/usr/riscv64-linux-gnu/lib/libc.so.6';
  assert.ok(existsSync(libc), libc);
  const listing = execFileSync(OBJDUMP, ['-d', libc], { maxBuffer: 1 << 30, encoding: 'utf8' });
  report('libc.so.6', compare(listing));
});

test('a static glibc program disassembles exactly as objdump prints it', { skip: !haveTools }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'isa-oracle-'));
  try {
    const src = join(dir, 'p.c');
    writeFileSync(src, [
      '#include <stdio.h>', '#include <math.h>', '#include <stdlib.h>', '#include <time.h>',
      'volatile double g = 2.5; volatile float h = 1.5f;',
      'int main(int argc, char **argv) {',
      '  struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);',
      '  double x = sqrt(g) * argc + fma(g, g, h) + (long)(g * 3);',
      '  printf("%f %ld %d\\n", x, (long)ts.tv_sec, (int)(h * argc));',
      '  return (int)lrint(x) & (argc > 1 ? strtol(argv[1], 0, 0) : 1);',
      '}', '',
    ].join('\n'));
    const exe = join(dir, 'p');
    execFileSync('riscv64-linux-gnu-gcc', ['-static', '-O2', '-o', exe, src, '-lm']);
    const nm = execFileSync('riscv64-linux-gnu-nm', [exe], { maxBuffer: 1 << 28, encoding: 'utf8' });
    const g = /^([0-9a-f]+) \w __global_pointer\$$/m.exec(nm);
    const listing = execFileSync(OBJDUMP, ['-d', exe], { maxBuffer: 1 << 30, encoding: 'utf8' });
    report('static program', compare(listing, g ? BigInt('0x' + g[1]) : undefined));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
