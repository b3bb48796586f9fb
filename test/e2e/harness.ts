// The end-to-end harness: code-server (VS Code's workbench + extension host, installed into a cache directory
// by scripts/e2e/install-code-server.sh) serving a copy of samples/ on localhost with our .vsix installed,
// driven by Playwright in Debian's Chromium. Used by test/e2e/*.e2e.ts (npm run test:e2e; not npm test).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = join(__dirname, '..', '..');
export const VSIX = join(ROOT, 'dist', 'riscv-vdso-lab.vsix');
export const SHOTS = join(ROOT, 'docs', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export function codeServerDir(): string {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'e2e', 'install-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('scripts/e2e/install-code-server.sh failed');
  const dir = r.stdout.trim().split('\n').pop()!;
  return join(dir, 'node_modules', 'code-server');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Workbench {
  url: string;
  workspace: string;
  child: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** A fresh workspace (a copy of samples/ plus test/e2e/fixtures as asm/) served by code-server with our .vsix. */
export async function startWorkbench(): Promise<Workbench> {
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run npm run package`);
  const cs = codeServerDir();
  const base = mkdtempSync(join(tmpdir(), 'rvl-e2e-'));
  const workspace = join(base, 'samples');
  cpSync(join(ROOT, 'samples'), workspace, { recursive: true });
  cpSync(join(__dirname, 'fixtures'), join(workspace, 'asm'), { recursive: true });
  const userData = join(base, 'user-data');
  const extensions = join(base, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'workbench.colorTheme': 'Default Dark Modern',
    'window.restoreWindows': 'none',
    'debug.toolBarLocation': 'docked',
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }, null, 2));
  const config = join(base, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check'];
  const inst = spawnSync(process.execPath, [join(cs, 'out', 'node', 'entry.js'), ...common, '--install-extension', VSIX], { encoding: 'utf8' });
  if (inst.status !== 0 || !/successfully installed/.test(inst.stdout + inst.stderr)) throw new Error(`--install-extension failed:\n${inst.stdout}${inst.stderr}`);

  const port = await freePort();
  let text = '';
  const child = spawn(process.execPath, [join(cs, 'out', 'node', 'entry.js'), ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-workspace-trust', '--disable-getting-started-override', workspace], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: process.env.PATH } });
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  await new Promise<void>((resolve, reject) => {
    const check = () => { if (/HTTP server listening on/.test(text)) { clearInterval(t); resolve(); } };
    const t = setInterval(check, 100);
    child.once('exit', (code) => { clearInterval(t); reject(new Error(`code-server exited (${code}):\n${text}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, workspace, child, log: () => text,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

export async function launchBrowser(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'rvl-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 },
  });
}

/** A workbench opened in the browser: code-server, Chromium and the page showing the workspace. */
export interface OpenWorkbench {
  wb: Workbench;
  ctx: BrowserContext;
  page: Page;
  /** Close the browser and stop code-server. */
  close(): Promise<void>;
}

/**
 * code-server on a fresh workspace (`prepare` may change its files first: a launch.json, settings), Chromium on it,
 * and the page once the workbench shows the Explorer row `explorerShows` (the extension has activated by then as
 * far as the tests need). Every Playwright wait on the page defaults to `timeout` ms.
 */
export async function openWorkbench(opts: { timeout: number; explorerShows: string; prepare?: (workspace: string) => void }): Promise<OpenWorkbench> {
  const wb = await startWorkbench();
  let ctx: BrowserContext | undefined;
  const close = async () => { await ctx?.close(); await wb.stop(); };
  try {
    opts.prepare?.(wb.workspace);
    ctx = await launchBrowser();
    const page = await ctx.newPage();
    page.setDefaultTimeout(opts.timeout);
    await page.goto(wb.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: opts.timeout });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: opts.explorerShows }).first().waitFor({ timeout: opts.timeout });
    return { wb, ctx, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** With E2E_DEBUG_SHOTS=DIR: a screenshot of the page as a test left it, for a failing run's diagnosis (not the docs'). */
export async function debugShot(page: Page | undefined, name: string): Promise<void> {
  const dir = process.env.E2E_DEBUG_SHOTS;
  if (page && dir) await page.screenshot({ path: join(dir, `${name.slice(0, 40).replace(/\W+/g, '_')}.png`) }).catch(() => undefined);
}

/** Screenshots samples/README.md shows: kept in samples/images too, so they render when samples/ is the workspace. */
export const SAMPLE_SHOTS = new Set(['stop-vdso-clock-gettime', 'vvar-variables', 'stop-trap-entry', 'memory-view']);

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const p = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: p });
  if (SAMPLE_SHOTS.has(name)) {
    mkdirSync(join(ROOT, 'samples', 'images'), { recursive: true });
    copyFileSync(p, join(ROOT, 'samples', 'images', `${name}.png`));
  }
  return p;
}

/** The frame (a webview's inner iframe) in which `selector` matches, polling until it appears. */
export async function frameWith(page: Page, selector: string, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    if (Date.now() > until) throw new Error(`no frame shows ${selector}`);
    await page.waitForTimeout(200);
  }
}

/** The quick-input row whose label is exactly `label` (not merely the highlighted first row). */
export function quickPickRow(page: Page, label: string) {
  return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactly(label) }) }).first();
}

/** A pattern matching exactly this text. */
export function exactly(text: string): RegExp {
  return new RegExp('^' + text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$');
}

/** Run a command by its title through the command palette (F1), clicking exactly that command. */
export async function runCommand(page: Page, title: string): Promise<void> {
  // Right after the workbench opens, the palette can be filled before the extension host has registered the
  // contributed commands (or the first keystrokes land before the input has focus): the row then never
  // appears in that palette. Reopen and refill a bounded number of times instead of waiting on a stale list.
  const row = quickPickRow(page, title);
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>' + title);
    try {
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      break;
    } catch (e) {
      if (attempt >= 6) throw e;
    }
  }
  await row.click();
}

/** Quick open (Ctrl+P) a file of the workspace by name and wait for its editor tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await quickPickRow(page, name).waitFor();
  // Enter opens the focused row (a click can land on the row's side buttons). The first row is not always the
  // file itself: a recently opened vsyscall.c comes before syscall.c. Move down to the row named exactly `name`.
  const focused = page.locator('.quick-input-list .monaco-list-row.focused .label-name').first();
  for (let i = 0; (await focused.innerText().catch(() => '')).trim() !== name; i++) {
    if (i >= 20) throw new Error(`quick open: no row named exactly ${name}`);
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { has: page.locator('.label-name', { hasText: exactly(name) }) }).waitFor();
}

/** A source breakpoint on a line of a workspace file, set with the editor's own toggle. */
export async function breakAt(page: Page, file: string, line: number): Promise<void> {
  await openFile(page, file);
  await runCommand(page, 'Go to Line/Column...');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await runCommand(page, 'Debug: Toggle Breakpoint');
  await page.locator('.debug-breakpoints .monaco-list-row', { hasText: file }).first().waitFor();
}

/** Start the launch configuration named `config` ("Debug: Select and Start Debugging", that row exactly). */
export async function startDebugging(page: Page, config: string): Promise<void> {
  await runCommand(page, 'Debug: Select and Start Debugging');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(config);
  const row = quickPickRow(page, config);
  await row.waitFor();
  await row.click();
}

/** Write the workspace's .vscode/launch.json with these configurations. */
export function writeLaunchJson(workspace: string, configurations: Record<string, unknown>[]): void {
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'launch.json'), JSON.stringify({ version: '0.2.0', configurations }, null, 2));
}

export function readJson(p: string): unknown { return JSON.parse(readFileSync(p, 'utf8')); }
