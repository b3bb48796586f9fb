// Real Linux on the hart (issue 19): the demo kernel from Debian's linux-source-6.1 boots on our virt machine
// to /init, which checks the vDSO, runs the seed's programs and Linux's vDSO selftests, and powers off. Needs the cached kernel
// (scripts/build-linux.sh); skipped with the reason when it is not built. The comparison with
// qemu-system-riscv64 line by line is linuxboot.oracle.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artefacts, bootOurs, lines, INIT_LINES, DEBIAN_OPENSBI_DIR, initLines, initDate, selftestVerdicts } from './fullsys';

const a = artefacts(false);
const skip = typeof a === 'string' ? a : false;

function checkBoot(console: string, stopKind: string, code: number | undefined, hostSeconds: [number, number]): void {
  const l = lines(console);
  assert.ok(l.some((x) => x.startsWith('Linux version 6.1')), 'the kernel banner');
  assert.ok(l.includes('Run /init as init process'));
  assert.ok(l.some((x) => x.startsWith('10000000.serial: ttyS0 at MMIO 0x10000000') && x.endsWith('is a 16550A')), 'the 8250 driver found our UART');
  assert.deepEqual(initLines(l), INIT_LINES);
  // the selftests' own verdicts: vdso_test_abi 15 'ok', vdso_test_clock_getres 7 '[PASS]', vdso_test_correctness
  // 17 '[OK]', and no failure
  assert.deepEqual(selftestVerdicts(l), { pass: 39, fail: 0 });
  // the goldfish RTC: the kernel sets CLOCK_REALTIME from it at boot, so init's date is the host's
  assert.ok(l.includes('goldfish_rtc 101000.rtc: registered as rtc0'), 'the RTC driver found our RTC');
  assert.ok(l.some((x) => /^goldfish_rtc 101000\.rtc: setting system clock to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d UTC \(\d+\)$/.test(x)), 'HCTOSYS');
  const date = initDate(l);
  assert.ok(date !== undefined && date >= hostSeconds[0] && date <= hostSeconds[1] + 1,
    `init's date ${date} is the host's time of day (${hostSeconds[0]}..${hostSeconds[1]})`);
  assert.ok(l.includes('reboot: Power down'));
  assert.equal(stopKind, 'poweroff');
  assert.equal(code, 0);
}

test('Linux boots to /init and powers off with the built-in SBI (no firmware image)', { skip }, () => {
  if (typeof a === 'string') return;
  const t0 = Math.floor(Date.now() / 1000);
  const r = bootOurs('builtin', a);
  checkBoot(r.console, r.stop.kind, r.stop.kind === 'poweroff' ? r.stop.code : undefined, [t0, Math.ceil(Date.now() / 1000)]);
  assert.ok(lines(r.console).some((x) => /^SBI implementation ID=0x764c6162 /.test(x)), 'Linux talked to our SBI');
});

const fwDynamic = join(DEBIAN_OPENSBI_DIR, 'fw_dynamic.bin');
test('Linux boots to /init and powers off under Debian\'s OpenSBI fw_dynamic', { skip: skip || (!existsSync(fwDynamic) && `${fwDynamic} is not installed (Debian package opensbi)`) }, () => {
  if (typeof a === 'string') return;
  const t0 = Math.floor(Date.now() / 1000);
  const r = bootOurs(readFileSync(fwDynamic), a);
  const t1 = Math.ceil(Date.now() / 1000);
  const l = lines(r.console);
  assert.ok(l.includes('OpenSBI v1.1') || l.some((x) => x.startsWith('OpenSBI v')), 'the OpenSBI banner');
  assert.ok(l.includes('Platform Console Device   : uart8250'));
  checkBoot(r.console, r.stop.kind, r.stop.kind === 'poweroff' ? r.stop.code : undefined, [t0, t1]);
});
