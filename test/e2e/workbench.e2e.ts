// End-to-end in VS Code's own workbench (code-server) driven by Playwright in headless Chromium: our .vsix
// installed, samples/ opened. The walk-through a newcomer does (samples/README.md), with a screenshot of each
// stop in docs/screenshots/. Run by `npm run test:e2e` (not by npm test).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openWorkbench, debugShot, shot, runCommand, quickPickRow, frameWith, openFile, breakAt, startDebugging, type OpenWorkbench } from './harness';

let page: Page;
let opened: OpenWorkbench | undefined;
const WAIT = { timeout: Number(process.env.E2E_WAIT_MS ?? 90_000) };

before(async () => {
  opened = await openWorkbench({ timeout: WAIT.timeout, explorerShows: 'vdso.c' });
  page = opened.page;
});

// The state after each step, for a failing run's diagnosis (not part of the docs).
afterEach((t) => debugShot(page, t.name));

after(() => opened?.close());

const activeEditorText = () => page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
const statusItem = (text: string) => page.locator('.statusbar-item', { hasText: text }).first();
const callStack = () => page.locator('.debug-call-stack');

async function pick(text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  const row = quickPickRow(page, text);
  await row.waitFor();
  await row.click();
}

const paused = () => page.locator('.pane-header', { hasText: 'Paused on' }).first();

async function waitStopped(): Promise<void> {
  await paused().waitFor(WAIT);
}

async function stopDebugging(): Promise<void> {
  await runCommand(page, 'Debug: Stop');
  await statusItem('-mode').waitFor({ state: 'hidden', ...WAIT });
}

test('the workbench loads with our extension active: Show vDSO symbols', async () => {
  await runCommand(page, 'RISC-V vDSO: Show vDSO symbols');
  await page.locator('.tabs-container .tab.active', { hasText: 'vdso-symbols.txt' }).waitFor(WAIT);
  await activeEditorText().filter({ hasText: 'DYNAMIC SYMBOL TABLE' }).waitFor(WAIT);
  const text = await activeEditorText().innerText();
  assert.match(text, /__vdso_clock_gettime/);
  assert.match(text, /LINUX_4\.15/);
  await shot(page, 'vdso-symbols');
});

test('a launch of "vDSO: gettimeofday through libc" stops at __vdso_clock_gettime in our vDSO source', async () => {
  await runCommand(page, 'RISC-V vDSO: Set breakpoint on vDSO symbol...');
  await pick('__vdso_clock_gettime');
  await runCommand(page, 'View: Show Run and Debug');
  await page.locator('.debug-breakpoints .monaco-list-row', { hasText: '__vdso_clock_gettime' }).waitFor(WAIT);
  await startDebugging(page, 'vDSO: gettimeofday through libc');
  await waitStopped();
  await callStack().locator('.monaco-list-row', { hasText: '__vdso_clock_gettime' }).first().waitFor(WAIT);
  await page.locator('.tabs-container .tab.active', { hasText: 'vgettimeofday.c' }).waitFor(WAIT);
  await page.locator('.editor-group-container.active .debug-top-stack-frame-line').first().waitFor(WAIT);
  await statusItem('U-mode').waitFor(WAIT);
  const frames = await callStack().locator('.monaco-list-row').allInnerTexts();
  assert.match(frames[0], /__vdso_clock_gettime \(linux-vdso\.so\.1\)/);
  assert.ok(frames.some((f) => /^main\b[\s\S]*vdso\.c/.test(f)), `main (vdso.c) is on the stack: ${frames.join(' | ')}`);
  await shot(page, 'stop-vdso-clock-gettime');
});

test('C variables from the vDSO\'s DWARF: clock and ts under Arguments, a hover on ts in the source', async () => {
  const vars = page.locator('.debug-variables');
  const argsScope = vars.locator('.monaco-list-row', { hasText: /^\s*Arguments\s*$/ }).first();
  await argsScope.waitFor(WAIT);
  const clock = vars.locator('.monaco-list-row', { hasText: /clock\s*[:=]\s*\d+/ }).first();
  // VS Code expands the first scope itself; expand it when it did not (bounded)
  for (let i = 0; i < 50 && !(await clock.isVisible().catch(() => false)); i++) {
    if ((await argsScope.getAttribute('aria-expanded')) === 'false') await argsScope.click();
    await page.waitForTimeout(200);
  }
  await clock.waitFor(WAIT);
  await vars.locator('.monaco-list-row', { hasText: /ts\s*[:=]\s*0x[0-9a-f]+/ }).first().waitFor(WAIT);
  await shot(page, 'c-variables-vdso');
  // hover: the parameter ts on the signature line of __vdso_clock_gettime
  const sig = page.locator('.editor-group-container.active .view-lines .view-line', { hasText: '__vdso_clock_gettime(int clock' }).first();
  await sig.waitFor(WAIT);
  const ts = sig.locator('span', { hasText: /^\s*\*?ts\s*$/ }).last();
  await ts.hover();
  const hover = page.locator('.debug-hover-widget').first();
  await hover.waitFor(WAIT);
  // the editor hovers the expression under the mouse (*ts here): the struct the vDSO will fill, expandable
  assert.match(await hover.innerText(), /tv_sec = -?\d+, tv_nsec = -?\d+/);
  await shot(page, 'c-variables-hover');
  await page.keyboard.press('Escape');
});

test('[vvar] in the Variables view, in the memory view and in the inspector', async () => {
  const vvarScope = page.locator('.debug-variables .monaco-list-row', { hasText: '[vvar]' }).first();
  await vvarScope.click();
  await page.locator('.debug-variables .monaco-list-row', { hasText: 'CS_HRES_COARSE' }).first().waitFor(WAIT);
  const vars = await page.locator('.debug-variables').innerText();
  assert.match(vars, /vd\[0\][\s\S]*seq \d+ \((even|odd)/);
  await shot(page, 'vvar-variables');

  // No Hex Editor in code-server: our memory webview, the whole page with the [vvar] field names.
  await runCommand(page, 'RISC-V vDSO: Open [vvar] in memory view');
  const mem = await frameWith(page, '#mem-rows .row .fields');
  await mem.locator('#mem-rows .row .fields', { hasText: 'vd[0].seq' }).first().waitFor(WAIT);
  assert.equal(await mem.locator('#mem-rows .row').count(), 256, 'the whole 4 KiB page');
  assert.match(await mem.locator('#mem-rows .row .addr').first().innerText(), /^0x[0-9a-f]{9}000$/);
  await shot(page, 'vvar-memory');

  await runCommand(page, 'RISC-V vDSO: Open [vvar] inspector');
  let found = '';
  for (let i = 0; i < 300 && !found; i++) {
    for (const f of page.frames()) {
      const n = await f.locator('#entries table').count().catch(() => 0);
      if (n > 0) found = await f.locator('body').innerText();
    }
    if (!found) await page.waitForTimeout(200);
  }
  assert.match(found, /vd\[0\] CS_HRES_COARSE/);
  assert.match(found, /basetime\[CLOCK_REALTIME\]\.sec/);
  await shot(page, 'vvar-inspector');
  await stopDebugging();
});

test('syscall: break on the syscall() line of syscall.c, stop at the kernel trap entry after ecall (S-mode), step out after sret (U-mode)', async () => {
  // A source breakpoint on the syscall(SYS_gettimeofday, ...) line of syscall.c.
  await breakAt(page, 'syscall.c', 14);
  await startDebugging(page, 'syscall: gettimeofday through ecall');
  await waitStopped();
  await callStack().locator('.monaco-list-row', { hasText: 'main' }).first().waitFor(WAIT);
  await page.locator('.editor-group-container.active .debug-top-stack-frame-line').first().waitFor(WAIT);
  await statusItem('U-mode').waitFor(WAIT);
  await shot(page, 'stop-syscall-user');

  // The "System call (ecall from U-mode)" exception filter: the next ecall stops in the kernel's trap entry.
  const filter = page.locator('.debug-breakpoints .monaco-list-row', { hasText: 'System call' }).first();
  await filter.locator('input[type=checkbox]').check();
  await runCommand(page, 'Debug: Continue');
  await callStack().locator('.monaco-list-row', { hasText: 'handle_exception' }).first().waitFor(WAIT);
  await statusItem('S-mode').waitFor(WAIT);
  await shot(page, 'stop-trap-entry');

  await filter.locator('input[type=checkbox]').uncheck();
  await runCommand(page, 'Debug: Step Out');
  await statusItem('U-mode').waitFor(WAIT);
  const frames = await callStack().locator('.monaco-list-row').allInnerTexts();
  assert.doesNotMatch(frames[0] ?? '', /handle_exception/);
  await shot(page, 'after-sret');
  await stopDebugging();
});

// Step Into (F11's command, "Debug: Step Into") off the scripted path: through static glibc into the vDSO's
// source, and through syscall() into the kernel's trap entry; Step Out of the kernel returns to U-mode.

/** Only a breakpoint on `file`:`line`, a launch of `config` stopped there (U-mode), then Step Into. */
async function stepIntoFrom(file: string, line: number, config: string): Promise<void> {
  await runCommand(page, 'Remove All Breakpoints');
  await breakAt(page, file, line);
  await startDebugging(page, config);
  await waitStopped();
  await statusItem('U-mode').waitFor(WAIT);
  await runCommand(page, 'Debug: Step Into');
}

test('F11 on gettimeofday(&tv, &tz) enters the vDSO\'s source (static glibc calls __vdso_clock_gettime)', async () => {
  // only this line's breakpoint: the walk-through's function breakpoint on __vdso_clock_gettime would stop there anyway
  await stepIntoFrom('vdso.c', 10, 'vDSO: gettimeofday through libc');
  await page.locator('.tabs-container .tab.active', { hasText: 'vgettimeofday.c' }).waitFor(WAIT);
  await callStack().locator('.monaco-list-row', { hasText: 'linux-vdso.so.1' }).first().waitFor(WAIT);
  const frames = await callStack().locator('.monaco-list-row').allInnerTexts();
  assert.match(frames[0], /^__vdso_(gettimeofday|clock_gettime) \(linux-vdso\.so\.1\)/);
  assert.ok(frames.some((f) => /^main\b[\s\S]*vdso\.c/.test(f)), `main (vdso.c) is on the stack: ${frames.join(' | ')}`);
  await page.locator('.editor-group-container.active .debug-top-stack-frame-line').first().waitFor(WAIT);
  await statusItem('U-mode').waitFor(WAIT);
  await shot(page, 'step-into-vdso');
  await stopDebugging();
});

test('F11 on syscall(SYS_gettimeofday, ...) enters handle_exception in entry.S (S-mode); Step Out returns after sret', async () => {
  // only this line's breakpoint (the exception filters are unchecked: no stop at the ecall but the step's own)
  await stepIntoFrom('syscall.c', 14, 'syscall: gettimeofday through ecall');
  await statusItem('S-mode').waitFor(WAIT);
  await page.locator('.tabs-container .tab.active', { hasText: 'entry.S' }).waitFor(WAIT);
  const frames = await callStack().locator('.monaco-list-row').allInnerTexts();
  assert.match(frames[0], /handle_exception/);
  await page.locator('.editor-group-container.active .debug-top-stack-frame-line').first().waitFor(WAIT);
  await shot(page, 'step-into-trap-entry');
  await runCommand(page, 'Debug: Step Out');
  await statusItem('U-mode').waitFor(WAIT);
  const after = await callStack().locator('.monaco-list-row').allInnerTexts();
  assert.doesNotMatch(after[0] ?? '', /handle_exception/);
  await stopDebugging();
});

test('"Show vDSO vs syscall cost" runs clockloop in the emulator and draws the chart', async () => {
  await runCommand(page, 'RISC-V vDSO: Show vDSO vs syscall cost');
  let text = '';
  for (let i = 0; i < 600 && !text; i++) {
    for (const f of page.frames()) {
      const n = await f.locator('svg.chart').count().catch(() => 0);
      if (n === 4) text = await f.locator('body').innerText(); // cycles, modelled ns, instructions, emulator time
    }
    if (!text) await page.waitForTimeout(200);
  }
  assert.match(text, /2000 calls each way \(clockloop\) on the cycle model, hardware time CSR[^:]*: clock_gettime through the vDSO takes [\d.]+ cycles \([\d.]+ ns\), through the system call [\d.]+ cycles \([\d.]+ ns\): [\d.]+× the vDSO's/);
  assert.match(text, /Guest cycles per call/);
  assert.match(text, /vDSO\s+2000\s+\d+/);
  await shot(page, 'cost-in-vscode');
  await runCommand(page, 'View: Close All Editors');
});

test('riscv-asm: the language server flags the typo and explains csrr on hover', async () => {
  await openFile(page, 'typo.S');
  await page.locator('.editor-group-container.active .squiggly-error').first().waitFor(WAIT);
  await page.locator('.statusbar-item[id="status.problems"]').click();
  const problems = page.locator('.markers-panel');
  await problems.filter({ hasText: "unknown register 'x32'" }).waitFor(WAIT);
  await shot(page, 'asm-diagnostic');
  const csrr = page.locator('.editor-group-container.active .view-line span', { hasText: /^csrr$/ }).first();
  await csrr.hover();
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  await hover.waitFor(WAIT);
  assert.match(await hover.innerText(), /csr/i);
  await shot(page, 'asm-hover');
});
