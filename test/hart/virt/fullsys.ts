// Helpers of the full-system boot tests: the cached demo kernel and initramfs (scripts/build-linux.sh,
// scripts/build-initramfs.sh), a boot on our virt machine, and the console normalisation the comparison with
// qemu-system-riscv64 uses.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtMachine, type VirtStop } from '../../../src/hart/virt/machine';

export const ROOT = join(__dirname, '..', '..', '..');
export const DEBIAN_OPENSBI_DIR = '/usr/lib/riscv64-linux-gnu/opensbi/generic';
export const BOOTARGS = 'console=ttyS0 earlycon=sbi';

export interface Artefacts { image: string; vmlinux: string; initramfs: string; }

/**
 * The demo kernel and initramfs from the cache; with `build`, build what is missing first (minutes for the
 * kernel). A string is the reason they are not available.
 */
export function artefacts(build: boolean): Artefacts | string {
  const run = (script: string): string | undefined => {
    const r = spawnSync('bash', [join(ROOT, 'scripts', script), ...(build ? [] : ['--cached'])], { encoding: 'utf8', stdio: ['ignore', 'pipe', build ? 'inherit' : 'pipe'] });
    return r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
  };
  const k = run('build-linux.sh');
  if (!k) return build ? 'scripts/build-linux.sh failed (needs Debian\'s linux-source-6.1 and the riscv64 cross compiler)'
    : 'no cached demo kernel (build it with scripts/build-linux.sh: Debian\'s linux-source-6.1, ~8 min)';
  const i = run('build-initramfs.sh');
  if (!i) return build ? 'scripts/build-initramfs.sh failed' : 'no cached demo initramfs (scripts/build-initramfs.sh)';
  const a = { image: join(k, 'Image'), vmlinux: join(k, 'vmlinux'), initramfs: join(i, 'initramfs.cpio') };
  for (const f of Object.values(a)) if (!existsSync(f)) return `${f} is missing from the cache`;
  return a;
}

export interface OurBoot { console: string; stop: VirtStop; instructions: bigint; }

/** Boot on our machine until power-off or `maxInstructions`. */
export function bootOurs(firmware: Uint8Array | 'builtin', a: Artefacts, maxInstructions = 500_000_000n, bootargs = BOOTARGS): OurBoot {
  const chunks: Uint8Array[] = [];
  const m = new VirtMachine({ memoryMiB: 256, console: (b) => chunks.push(b.slice()) });
  m.boot({ firmware, kernel: readFileSync(a.image), initrd: readFileSync(a.initramfs), bootargs });
  let stop: VirtStop = { kind: 'budget' };
  while (m.hart.cycles < maxInstructions) {
    stop = m.run(50_000_000);
    if (stop.kind !== 'budget') break;
  }
  return { console: Buffer.concat(chunks).toString('latin1'), stop, instructions: m.hart.cycles };
}

/** Console lines without carriage returns and printk timestamps. */
export function lines(text: string): string[] {
  return text.replace(/\r/g, '').split('\n').map((l) => l.replace(/^\[\s*\d+\.\d+\] /, '')).filter((l) => l.trim() !== '');
}

/** The lines /init prints (src/guest/fullsys/init.c), in order, its date masked (initLines). */
export const INIT_LINES = [
  'init: started as pid 1',
  'init: date <date>',
  'init: AT_SYSINFO_EHDR present',
  'init: [vvar] mapped r--p',
  'init: [vdso] mapped r-xp',
  'init: clock_gettime(CLOCK_REALTIME) ok',
  'init: clock_gettime(CLOCK_MONOTONIC) ok',
  'init: clock_gettime(CLOCK_MONOTONIC_RAW) ok',
  'init: clock_gettime(CLOCK_BOOTTIME) ok',
  'init: CLOCK_MONOTONIC advanced 20 ms across timer ticks',
  'init: gettimeofday ok',
  'init: /bin/vdso exited with 0 (pass)',
  'init: /bin/syscall exited with 0 (pass)',
  'init: /bin/vdso_sym exited with 0 (pass)',
  // Linux 6.1's own vDSO selftests: these two look their symbol up under version LINUX_2.6 on every
  // architecture but arm64, and riscv's vDSO defines LINUX_4.15, so they skip (on qemu-system-riscv64 too)
  'init: /selftests/vdso_test_gettimeofday exited with 4 (skip)',
  'init: /selftests/vdso_test_getcpu exited with 4 (skip)',
  'init: /selftests/vdso_test_abi exited with 0 (pass)',
  'init: /selftests/vdso_test_clock_getres exited with 0 (pass)',
  'init: /selftests/vdso_test_correctness exited with 0 (pass)',
  'init: 0 failure(s), 2 skip(s); powering off',
];

/** init's date line: its time of day, in seconds since the epoch (undefined when it printed none). */
export function initDate(l: string[]): number | undefined {
  const m = l.map((x) => /^init: date \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((\d+)\)$/.exec(x)).find(Boolean);
  return m ? Number(m[1]) : undefined;
}

/** The lines /init prints, its date masked. */
export function initLines(l: string[]): string[] {
  return l.filter((x) => x.startsWith('init: ')).map((x) => x.replace(/^init: date .*/, 'init: date <date>'));
}

/**
 * The selftests' own verdicts in their output (kselftest TAP 'ok N'/'not ok N', vdso_test_clock_getres's
 * '[PASS]'/'[FAIL]', vdso_test_correctness's '[OK]'/'[FAIL]'): counts of passes and failures.
 */
export function selftestVerdicts(l: string[]): { pass: number; fail: number } {
  let pass = 0, fail = 0;
  for (const x of l) {
    if (/^ok \d+ *$/.test(x) || /\[PASS\]$/.test(x) || /^\[OK\]/.test(x)) pass++;
    if (/^not ok \d+/.test(x) || /\[FAIL\]/.test(x)) fail++;
  }
  return { pass, fail };
}
