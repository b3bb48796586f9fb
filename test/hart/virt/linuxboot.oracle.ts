// Oracle: the same kernel, initramfs and firmware boot on qemu-system-riscv64 -machine virt and on our virt
// machine to the same console lines (issue 19). Builds the demo kernel when it is not cached (CI keeps
// ~/.cache). QEMU's CPU is told h=false: our hart has no hypervisor extension, and the ISA lines would differ.
//
// Lines that differ for a stated reason are masked (MASKS); everything else must match as a multiset (printk
// lines from concurrent init work, e.g. the initramfs unpacking, come in either order), and /init's lines in
// order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artefacts, bootOurs, lines, BOOTARGS, DEBIAN_OPENSBI_DIR, INIT_LINES, initLines, selftestVerdicts, type Artefacts } from './fullsys';

const MASKS: { re: RegExp; to: string; why: string }[] = [
  { re: /riscv-virtio,(qemu|riscv-vdso-lab)/, to: 'riscv-virtio,<model>', why: 'the device tree names the machine' },
  { re: /^(Boot HART MHPM Count\s*:).*/, to: '$1 <n>', why: 'no programmable hpm counters on our hart' },
  { re: /^Memory: \d+K\/(\d+K) available (.*), \d+K reserved, (.*)$/, to: 'Memory: <n>K/$1 available $2, <n>K reserved, $3', why: 'QEMU\'s device tree is larger (PCI, virtio, flash nodes): the kernel reserves its copy' },
  { re: /^tv_sec=\d+, tv_usec=\d+$/, to: 'tv_sec=<t>, tv_usec=<t>', why: 'the time of day' },
  { re: /^(goldfish_rtc 101000\.rtc: setting system clock to ).*$/, to: '$1<date>', why: 'the time of day (the RTC)' },
  { re: /^init: date .*$/, to: 'init: date <date>', why: 'the time of day' },
  // Linux's vDSO selftests print the clocks they read
  { re: /^(# )?The time is \d+\.\d+$/, to: '$1The time is <t>', why: 'a clock reading (vdso_test_gettimeofday, vdso_test_abi)' },
  { re: /^\t\d+\.\d+ \d+\.\d+ \d+\.\d+$/, to: '\t<t> <t> <t>', why: 'three clock readings (vdso_test_correctness)' },
];

function masked(l: string[]): string[] {
  return l.map((x) => MASKS.reduce((s, m) => s.replace(m.re, m.to), x));
}

function multisetDiff(a: string[], b: string[]): { onlyA: string[]; onlyB: string[] } {
  const count = new Map<string, number>();
  for (const x of a) count.set(x, (count.get(x) ?? 0) + 1);
  const onlyB: string[] = [];
  for (const x of b) {
    const n = count.get(x) ?? 0;
    if (n > 0) count.set(x, n - 1); else onlyB.push(x);
  }
  const onlyA = [...count.entries()].flatMap(([x, n]) => Array<string>(n).fill(x));
  return { onlyA, onlyB };
}

function qemuBoot(fw: string, a: Artefacts, bootargs = BOOTARGS, status = 0): { console: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync('qemu-system-riscv64', [
    '-machine', 'virt', '-cpu', 'rv64,h=false', '-m', '256M', '-nographic', '-no-reboot', '-bios', fw,
    '-kernel', a.image, '-initrd', a.initramfs, '-append', bootargs,
  ], { encoding: 'latin1', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, status, `qemu-system-riscv64 exited with ${r.status}: ${r.stderr}`);
  return { console: r.stdout, ms: performance.now() - t0 };
}

const haveQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;
const haveSource = existsSync('/usr/src/linux-source-6.1.tar.xz');
const skip = !haveQemu ? 'qemu-system-riscv64 is not installed'
  : !haveSource ? 'Debian\'s linux-source-6.1 is not installed (apt-get install linux-source-6.1)'
  : !existsSync(DEBIAN_OPENSBI_DIR) ? 'Debian\'s opensbi is not installed' : false;
let built: Artefacts | string | undefined;
const get = (): Artefacts => {
  built ??= artefacts(true);
  if (typeof built === 'string') throw new Error(built);
  return built;
};

for (const fwName of ['fw_jump.bin', 'fw_dynamic.bin']) {
  test(`OpenSBI ${fwName} + Linux + /init: the same console lines on qemu-system-riscv64 and on our hart`, { skip }, () => {
    const a = get();
    const fw = join(DEBIAN_OPENSBI_DIR, fwName);
    const q = qemuBoot(fw, a);
    const t0 = performance.now();
    const ours = bootOurs(readFileSync(fw), a);
    const ms = performance.now() - t0;
    assert.equal(ours.stop.kind, 'poweroff', `our boot ended with ${ours.stop.kind}:\n${ours.console.slice(-3000)}`);
    const ql = masked(lines(q.console)), ol = masked(lines(ours.console));
    const d = multisetDiff(ql, ol);
    assert.deepEqual(d, { onlyA: [], onlyB: [] }, 'lines only on qemu (onlyA) / only on our hart (onlyB)');
    assert.deepEqual(initLines(ol), INIT_LINES);
    assert.deepEqual(selftestVerdicts(ol), { pass: 39, fail: 0 }, 'Linux\'s vDSO selftests pass on our hart');
    assert.ok(ql.length > 100, 'a whole boot was compared');
    process.stdout.write(`# ${fwName}: ${ql.length} lines equal; our hart ${ours.instructions} instructions in ${(ms / 1000).toFixed(2)} s, qemu ${(q.ms / 1000).toFixed(2)} s\n`);
  });
}

test('built-in SBI: the kernel and /init lines equal those under OpenSBI on qemu-system-riscv64', { skip }, () => {
  const a = get();
  const q = qemuBoot(join(DEBIAN_OPENSBI_DIR, 'fw_jump.bin'), a);
  const ours = bootOurs('builtin', a);
  assert.equal(ours.stop.kind, 'poweroff');
  const fromLinux = (l: string[]): string[] => l.slice(l.findIndex((x) => x.startsWith('Linux version')));
  const sbiImpl = (l: string[]): string[] => l.map((x) => x.replace(/^SBI implementation ID=0x[0-9a-f]+ Version=0x[0-9a-f]+$/, 'SBI implementation <id>'));
  const d = multisetDiff(sbiImpl(masked(fromLinux(lines(q.console)))), sbiImpl(masked(fromLinux(lines(ours.console)))));
  assert.deepEqual(d, { onlyA: [], onlyB: [] });
});

test('a failing program in init: both machines power off with status 1 (init writes the test finisher)', { skip }, () => {
  const a = get();
  const fw = join(DEBIAN_OPENSBI_DIR, 'fw_jump.bin');
  const args = `${BOOTARGS} initrun=/bin/absent`;
  const q = qemuBoot(fw, a, args, 1);
  const ours = bootOurs(readFileSync(fw), a, 500_000_000n, args);
  assert.deepEqual(ours.stop, { kind: 'poweroff', code: 1 });
  const d = multisetDiff(masked(lines(q.console)), masked(lines(ours.console)));
  assert.deepEqual(d, { onlyA: [], onlyB: [] });
  assert.ok(lines(ours.console).includes('init: /bin/absent exited with 127 (FAIL)'));
});
