// End-to-end in code-server: a full-system session's guest console is a terminal of the editor. The demo
// kernel boots with init asking for a line (initecho=1); the line is typed into the "Guest console" terminal,
// goes through the adapter's consoleInput request to the UART and the kernel's tty, and init prints it back.
// Needs the cached demo kernel and initramfs (scripts/build-linux.sh, scripts/build-initramfs.sh); skipped
// with the reason without them. Run by `npm run test:e2e`.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, debugShot, shot, startDebugging, writeLaunchJson, type OpenWorkbench } from './harness';
import { artefacts } from '../hart/virt/fullsys';

const a = artefacts(false);
const skip = typeof a === 'string' ? a : false;
const WAIT = { timeout: Number(process.env.E2E_WAIT_MS ?? 120_000) };
const CONFIG = 'Linux: the guest console';

let page: Page;
let opened: OpenWorkbench | undefined;

before(async () => {
  if (typeof a === 'string') return;
  opened = await openWorkbench({
    timeout: WAIT.timeout, explorerShows: 'vdso.c',
    // a launch configuration for the demo system, and the terminal's DOM renderer (its text is then in the page)
    prepare: (ws) => {
      writeLaunchJson(ws, [{
        type: 'riscv-vdso', request: 'launch', name: CONFIG, kernel: a.image, initrd: a.initramfs, vmlinux: a.vmlinux,
        firmware: 'builtin', bootargs: 'console=ttyS0 earlycon=sbi initecho=1',
      }]);
      writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off' }));
    },
  });
  page = opened.page;
});

// the state after the test, for a failing run's diagnosis (not part of the docs)
afterEach(() => debugShot(page, 'guest-console-end'));

after(() => opened?.close());

test('the guest console terminal: the boot log shows, a line typed there reaches init, the power-off ends it', { skip }, async () => {
  await startDebugging(page, CONFIG);
  // the terminal opens beside the debug console, named after the session
  await page.locator('.terminal-tabs-entry, .single-terminal-tab, .panel .action-label', { hasText: 'Guest console' }).first().waitFor(WAIT);
  const rows = page.locator('.terminal-wrapper.active .xterm-rows, .xterm-rows').first();
  await rows.filter({ hasText: 'init: type a line' }).waitFor(WAIT);
  const boot = await rows.innerText();
  assert.match(boot, /Run \/init as init process/, 'the kernel\'s log is in the terminal');
  await rows.click({ force: true }); // (an empty widget container lies over the rows)
  await page.keyboard.type('typed at the guest console');
  await page.keyboard.press('Enter');
  await rows.filter({ hasText: "init: read 'typed at the guest console' (26 bytes)" }).waitFor(WAIT);
  await shot(page, 'guest-console');
  await rows.filter({ hasText: 'the machine powered off, status 0' }).waitFor(WAIT);
});
