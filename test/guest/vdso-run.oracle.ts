// Runs our vDSO's time functions under qemu-riscv64 (user mode): a static test program maps the committed
// vdso.so two pages above a [vvar] data page it fills itself (the layout of src/kernel/vdso/datapage.ts,
// through the generated header), then calls the functions at the offsets of vdsoSymbols.generated.ts.
// The clocksource is made deterministic with mult = 0 (or mask = 0) so no assertion depends on timing.
// Fallbacks (unknown/CPU clocks, clock_mode NONE) reach qemu's real system calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VDSO_OFFSETS } from '../../src/guest/vdso/vdsoSymbols.generated';
import { LOW_RES_NSEC } from '../../src/kernel/vdso/datapage';

const ROOT = join(__dirname, '..', '..');
const CROSS = process.env.CROSS ?? 'riscv64-linux-gnu-';
const haveQemu = spawnSync('qemu-riscv64', ['--version']).status === 0;

const PROGRAM = String.raw`
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/time.h>
#include "datapage.generated.h"
extern const unsigned char vdso_start[], vdso_end[];
__asm__(".section .rodata\n.balign 4096\n.globl vdso_start\nvdso_start:\n.incbin \"" VDSO_PATH "\"\n.globl vdso_end\nvdso_end:\n.text\n");
typedef int (*cg_t)(int, struct timespec *);
typedef int (*gtod_t)(struct timeval *, struct timezone *);
int main(void) {
  size_t len = vdso_end - vdso_start, map = 2 * 4096 + ((len + 4095) & ~4095ul);
  unsigned char *base = mmap(0, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memcpy(base + 2 * 4096, vdso_start, len);
  mprotect(base + 2 * 4096, map - 2 * 4096, PROT_READ | PROT_EXEC);
  struct vdso_data *vd = (struct vdso_data *)base;
  cg_t cg = (cg_t)(base + 2 * 4096 + OFF_CG);
  gtod_t gtod = (gtod_t)(base + 2 * 4096 + OFF_GTOD);
  cg_t res = (cg_t)(base + 2 * 4096 + OFF_RES);
  struct timespec ts; struct timeval tv; struct timezone tz;
  int r;
  vd[0].clock_mode = VDSO_CLOCKMODE_ARCHTIMER; vd[0].mask = ~0ull; vd[0].mult = 0; vd[0].shift = 4; vd[0].seq = 2;
  vd[0].basetime[CLOCK_REALTIME].sec = 1000; vd[0].basetime[CLOCK_REALTIME].nsec = 1500000000ull << 4;
  vd[0].basetime[CLOCK_MONOTONIC].sec = 7; vd[0].basetime[CLOCK_MONOTONIC].nsec = 3 << 4;
  vd[0].basetime[CLOCK_REALTIME_COARSE].sec = 55; vd[0].basetime[CLOCK_REALTIME_COARSE].nsec = 66;
  vd[0].tz_minuteswest = -60; vd[0].tz_dsttime = 1; vd[0].hrtimer_res = 1;
  vd[1].clock_mode = VDSO_CLOCKMODE_ARCHTIMER; vd[1].mask = ~0ull; vd[1].mult = 0; vd[1].shift = 0; vd[1].seq = 4;
  vd[1].basetime[CLOCK_MONOTONIC_RAW].sec = 9; vd[1].basetime[CLOCK_MONOTONIC_RAW].nsec = 10;
#define CG(tag, c) ts.tv_sec = -1; ts.tv_nsec = -1; r = cg(c, &ts); printf("%s %d %lld %ld\n", tag, r, (long long)ts.tv_sec, ts.tv_nsec)
#define RES(tag, c) ts.tv_sec = -1; ts.tv_nsec = -1; r = res(c, &ts); printf("%s %d %lld %ld\n", tag, r, (long long)ts.tv_sec, ts.tv_nsec)
  CG("realtime", CLOCK_REALTIME); CG("monotonic", CLOCK_MONOTONIC); CG("realtime_coarse", CLOCK_REALTIME_COARSE);
  CG("raw", CLOCK_MONOTONIC_RAW); CG("process_cpu", CLOCK_PROCESS_CPUTIME_ID); CG("bad_clock", 100);
  r = gtod(&tv, &tz); printf("gtod %d %ld %ld %d %d\n", r, (long)tv.tv_sec, (long)tv.tv_usec, tz.tz_minuteswest, tz.tz_dsttime);
  r = gtod(0, 0); printf("gtod_null %d 0 0\n", r);
  RES("res_monotonic", CLOCK_MONOTONIC); RES("res_raw", CLOCK_MONOTONIC_RAW); RES("res_coarse", CLOCK_MONOTONIC_COARSE);
  RES("res_thread_cpu", CLOCK_THREAD_CPUTIME_ID); RES("res_bad", 100);
  vd[0].mult = 1000; vd[0].mask = 0xf; vd[0].shift = 0; vd[0].basetime[CLOCK_MONOTONIC].nsec = 100;
  CG("masked_delta", CLOCK_MONOTONIC);
  vd[0].clock_mode = VDSO_CLOCKMODE_NONE; vd[0].basetime[CLOCK_MONOTONIC].sec = 0; CG("mode_none", CLOCK_MONOTONIC);
  return 0;
}
`;

test('the vDSO time functions compute from the data page and fall back like Linux', { skip: !haveQemu && 'qemu-riscv64 not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlab-vdso-run-'));
  try {
    writeFileSync(join(dir, 'run.c'), PROGRAM);
    const hex = (n: number) => '0x' + n.toString(16);
    execFileSync(`${CROSS}gcc`, ['-O2', '-static', '-I', join(ROOT, 'src/guest/vdso'),
      `-DVDSO_PATH="${join(ROOT, 'src/guest/vdso/build/vdso.so')}"`,
      `-DOFF_CG=${hex(VDSO_OFFSETS.__vdso_clock_gettime)}`, `-DOFF_GTOD=${hex(VDSO_OFFSETS.__vdso_gettimeofday)}`,
      `-DOFF_RES=${hex(VDSO_OFFSETS.__vdso_clock_getres)}`, join(dir, 'run.c'), '-o', join(dir, 'run')]);
    const out = execFileSync('qemu-riscv64', [join(dir, 'run')], { encoding: 'utf8' });
    const rows = new Map(out.trim().split('\n').map((l) => { const [k, ...v] = l.split(' '); return [k, v.map(Number)]; }));
    const row = (k: string) => { assert.ok(rows.has(k), `no ${k} in:\n${out}`); return rows.get(k)!; };
    assert.deepEqual(row('realtime'), [0, 1001, 500_000_000]);   // shifted nsec, carried into seconds
    assert.deepEqual(row('monotonic'), [0, 7, 3]);               // (3 << 4) >> 4
    assert.deepEqual(row('realtime_coarse'), [0, 55, 66]);       // stored value, unshifted
    assert.deepEqual(row('raw'), [0, 9, 10]);                    // from vd[CS_RAW]
    assert.equal(row('process_cpu')[0], 0);                      // real syscall served it
    assert.notDeepEqual(row('process_cpu').slice(1), [-1, -1]);
    assert.deepEqual(row('bad_clock'), [-22, -1, -1]);           // syscall's -EINVAL
    assert.deepEqual(row('gtod'), [0, 1001, 500_000, -60, 1]);
    assert.deepEqual(row('gtod_null'), [0, 0, 0]);
    assert.deepEqual(row('res_monotonic'), [0, 0, 1]);           // hrtimer_res
    assert.deepEqual(row('res_raw'), [0, 0, 1]);
    assert.deepEqual(row('res_coarse'), [0, 0, LOW_RES_NSEC]);
    assert.equal(row('res_thread_cpu')[0], 0);                   // real syscall
    assert.deepEqual(row('res_bad'), [-22, -1, -1]);
    const [r, sec, ns] = row('masked_delta');                    // ((t - last) & 0xf) * 1000 + 100
    assert.equal(r, 0);
    assert.equal(sec, 7);
    assert.ok(ns >= 100 && ns <= 100 + 15 * 1000 && (ns - 100) % 1000 === 0, `masked delta gave ${ns}`);
    const [r2, sec2] = row('mode_none');                         // qemu's real CLOCK_MONOTONIC, not our base 0
    assert.equal(r2, 0);
    assert.ok(sec2 !== -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
