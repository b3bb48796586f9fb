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
export function bootOurs(firmware: Uint8Array | 'builtin', a: Artefacts, maxInstructions = 500_000_000n): OurBoot {
  const chunks: Uint8Array[] = [];
  const m = new VirtMachine({ memoryMiB: 256, console: (b) => chunks.push(b.slice()) });
  m.boot({ firmware, kernel: readFileSync(a.image), initrd: readFileSync(a.initramfs), bootargs: BOOTARGS });
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

/** The lines /init prints (src/guest/fullsys/init.c), in order. */
export const INIT_LINES = [
  'init: started as pid 1',
  'init: AT_SYSINFO_EHDR present',
  'init: [vvar] mapped r--p',
  'init: [vdso] mapped r-xp',
  'init: clock_gettime(CLOCK_REALTIME) ok',
  'init: clock_gettime(CLOCK_MONOTONIC) ok',
  'init: clock_gettime(CLOCK_MONOTONIC_RAW) ok',
  'init: clock_gettime(CLOCK_BOOTTIME) ok',
  'init: CLOCK_MONOTONIC advanced 20 ms across timer ticks',
  'init: gettimeofday ok',
  'init: /bin/vdso exited with 0',
  'init: /bin/syscall exited with 0',
  'init: /bin/vdso_sym exited with 0',
  'init: 0 failure(s); powering off',
];
