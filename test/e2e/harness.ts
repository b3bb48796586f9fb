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
  const exact = new RegExp('^' + label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$');
  return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
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

export function readJson(p: string): unknown { return JSON.parse(readFileSync(p, 'utf8')); }
