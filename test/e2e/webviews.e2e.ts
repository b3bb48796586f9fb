// The webviews in headless Chromium, outside VS Code: the same HTML shell (strict CSP, nonce), the same
// media/ script and stylesheet, a theme's CSS variables, and given data. Checks what is drawn and that the CSP
// holds in a real browser; screenshots into docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, shot, ROOT } from './harness';
import { webviewHtml, VVAR_BODY, COST_BODY } from '../../src/extension/views/html';
import { buildVvarModel } from '../../src/extension/views/vvarModel';
import type { CostResult } from '../../src/extension/cost/measure';
import type { BoardCost } from '../../src/kernel/timecost';
import { BOARD_PROFILES } from '../../src/hart/cycles';
import { basetimeOffset, VDSO_DATA_ARRAY_SIZE, CLOCK_REALTIME, CLOCK_MONOTONIC, CS_HRES_COARSE } from '../../src/kernel/vdso/datapage';

// Browser globals used inside page.evaluate callbacks (the project's tsconfig has no DOM lib).
declare const window: { postMessage(message: unknown, target: string): void };
declare function getComputedStyle(e: unknown): { backgroundColor: string; fill: string };

// VS Code's Dark Modern values of the variables the stylesheet uses.
const THEME = `:root {
  --vscode-foreground: #cccccc; --vscode-editor-background: #1f1f1f; --vscode-font-family: sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: monospace; --vscode-descriptionForeground: #9d9d9d; --vscode-editorWidget-border: #454545;
  --vscode-diffEditor-insertedTextBackground: rgba(156, 204, 44, 0.2); --vscode-charts-green: #89d185;
  --vscode-editorWarning-foreground: #cca700; --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8;
  --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616;
}`;

let server: Server;
let origin = '';
let ctx: BrowserContext;
const pages = new Map<string, string>();

before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (pages.has(url)) { res.writeHead(200, { 'content-type': 'text/html' }); res.end(pages.get(url)); return; }
    if (url === '/theme.css') { res.writeHead(200, { 'content-type': 'text/css' }); res.end(THEME); return; }
    const m = /^\/media\/([\w.-]+)$/.exec(url);
    if (m) {
      res.writeHead(200, { 'content-type': m[1].endsWith('.css') ? 'text/css' : 'text/javascript' });
      res.end(readFileSync(join(ROOT, 'media', m[1])));
      return;
    }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  origin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  ctx = await launchBrowser();
});

after(async () => {
  await ctx?.close();
  server?.close();
});

async function open(name: string, script: string, body: string, extraBody = ''): Promise<Page> {
  const html = webviewHtml({ title: name, cspSource: origin, nonce: 'e2eNonce42', styleUri: `${origin}/media/webview.css`, scriptUri: `${origin}/media/${script}`, body: body + extraBody })
    .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${origin}/theme.css"><link rel="stylesheet"`);
  pages.set(`/${name}.html`, html);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 900, height: 820 });
  const violations: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
  (page as unknown as { violations: string[] }).violations = violations;
  await page.goto(`${origin}/${name}.html`);
  return page;
}

function dataPage(seq: number, realSec: bigint, monoSec: bigint): Uint8Array {
  const b = new Uint8Array(VDSO_DATA_ARRAY_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, seq, true);
  dv.setInt32(4, 1, true);
  dv.setBigUint64(8, 0x2f5e1n + realSec, true);
  dv.setBigUint64(16, 0xffffffffffffffffn, true);
  dv.setUint32(24, 0x6400000, true);
  dv.setUint32(28, 24, true);
  dv.setBigUint64(basetimeOffset(CS_HRES_COARSE, CLOCK_REALTIME), realSec, true);
  dv.setBigUint64(basetimeOffset(CS_HRES_COARSE, CLOCK_REALTIME) + 8, 123_000_000n << 24n, true);
  dv.setBigUint64(basetimeOffset(CS_HRES_COARSE, CLOCK_MONOTONIC), monoSec, true);
  dv.setUint32(232, 1, true);
  return b;
}

test('[vvar] inspector: changed fields highlighted, dates, seq odd = write in progress; the CSP blocks inline script', async () => {
  const first = buildVvarModel(dataPage(2, 1_704_067_200n, 12n), 0x3ff7ffd000n, undefined, 1, 'function breakpoint');
  const second = buildVvarModel(dataPage(3, 1_704_067_201n, 13n), 0x3ff7ffd000n, first.values, 2, 'step');
  const page = await open('vvar', 'vvar.js', VVAR_BODY, '<script>window.__inlineRan = true;</script>');
  await page.evaluate((model) => window.postMessage({ type: 'update', model }, '*'), second.model as unknown as Record<string, unknown>);
  await page.locator('table[data-entry="vd[0] CS_HRES_COARSE"]').waitFor();
  assert.equal(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan), undefined, 'inline script without the nonce must not run');
  const changed = await page.locator('table[data-entry="vd[0] CS_HRES_COARSE"] tr.changed').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
  assert.deepEqual(changed.sort(), ['basetime[CLOCK_MONOTONIC].sec', 'basetime[CLOCK_REALTIME].sec', 'cycle_last', 'seq']);
  assert.match(await page.locator('h2').first().innerText(), /seq 3\s+write in progress/);
  assert.match(await page.locator('tr[data-field="basetime[CLOCK_REALTIME].sec"] td.note').first().innerText(), /^2024-01-01 00:00:01\.123000000 UTC$/);
  assert.match(await page.locator('#where').innerText(), /stop #2 \(step\)[\s\S]*4 fields changed since the last stop/);
  // The highlight is the theme's colour, not a fixed one.
  const bg = await page.locator('tr.changed td').first().evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(bg, 'rgba(156, 204, 44, 0.2)');
  await shot(page, 'webview-vvar');
  await page.close();
});

test('vDSO vs syscall cost: two SVG bar charts in theme colours, bars proportional to the figures', async () => {
  // Figures of a real run (2000 calls each way, virtual time) on the development machine.
  const result: CostResult = {
    program: 'clockloop', calls: 2000, timeMode: 'virtual', explain: 'What the counts include.',
    vdso: { instructions: 196_217, hostNs: 2_353_765 }, syscall: { instructions: 236_215, hostNs: 72_203_963 },
  };
  const page = await open('cost', 'cost.js', COST_BODY);
  await page.evaluate((r) => window.postMessage({ type: 'result', result: r }, '*'), result as unknown as Record<string, unknown>);
  await page.locator('svg.chart').nth(1).waitFor();
  assert.equal(await page.locator('svg.chart').count(), 2);
  const widths = async (chart: number) => page.locator('svg.chart').nth(chart).locator('rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
  const [vi, si] = await widths(0);
  const [vt, st] = await widths(1);
  assert.ok(Math.abs(vi / si - 196_217 / 236_215) < 0.01, `instruction bars ${vi}:${si}`);
  assert.ok(Math.abs(vt / st - 2_353_765 / 72_203_963) < 0.01, `time bars ${vt}:${st}`);
  const fills = await page.locator('svg.chart').first().locator('rect').evaluateAll((rs) => rs.map((r) => getComputedStyle(r).fill));
  assert.deepEqual(fills, ['rgb(55, 148, 255)', 'rgb(209, 134, 22)']);
  const svgText = await page.locator('svg.chart').first().innerHTML();
  assert.match(svgText, /98\.1 insns/);
  assert.match(svgText, /118 insns/);
  assert.match(await page.locator('#status').innerText(), /2000 calls each way/);
  assert.deepEqual((page as unknown as { violations: string[] }).violations, []);
  await shot(page, 'webview-cost');
  await page.close();
});

/** Elements wider than their box or past the right edge of a `width` px viewport. */
async function cutOff(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const d = (globalThis as unknown as { document: { documentElement: { clientWidth: number }; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { right: number }; scrollWidth: number; clientWidth: number; textContent: string | null; tagName: string }> } }).document;
    const w = d.documentElement.clientWidth;
    return Array.from(d.querySelectorAll(sel)).filter((e) => e.getBoundingClientRect().right > w + 0.5 || (e.tagName !== 'svg' && e.scrollWidth > e.clientWidth + 1))
      .map((e) => `${e.tagName} ${(e.textContent ?? '').slice(0, 40)}`);
  }, selector);
}

test('narrow columns (420 px): the inspector turns rows into cards and the cost charts scale; nothing is cut off', async () => {
  const model = buildVvarModel(dataPage(2, 1_704_067_200n, 12n), 0x3ff7ffd000n, undefined, 1, 'step').model;
  const vvar = await open('vvar-narrow', 'vvar.js', VVAR_BODY);
  await vvar.setViewportSize({ width: 420, height: 820 });
  await vvar.evaluate((m) => window.postMessage({ type: 'update', model: m }, '*'), model as unknown as Record<string, unknown>);
  await vvar.locator('table.fields').first().waitFor();
  assert.deepEqual(await cutOff(vvar, 'td, th, h1, h2, p'), []);
  assert.match(await vvar.locator('tr[data-field="basetime[CLOCK_REALTIME].nsec"] td.note').first().innerText(), /^nanoseconds << shift: \d+ >> 24 = 123000000 ns$/);
  await shot(vvar, 'webview-vvar-narrow');
  await vvar.close();

  const result: CostResult = {
    program: 'clockloop', calls: 2000, timeMode: 'virtual', explain: 'What the counts include.', cycleModel: 'U74-like, hardware-time',
    vdso: { instructions: 196_217, hostNs: 2_353_765, cycles: 260_000, modelNs: 260_000 },
    syscall: { instructions: 236_215, hostNs: 72_203_963, cycles: 1_800_000, modelNs: 1_800_000 },
  };
  const cost = await open('cost-narrow', 'cost.js', COST_BODY);
  await cost.setViewportSize({ width: 420, height: 820 });
  await cost.evaluate((r) => window.postMessage({ type: 'result', result: r }, '*'), result as unknown as Record<string, unknown>);
  await cost.locator('svg.chart').nth(3).waitFor();
  assert.match(await cost.locator('#status').innerText(), /on the cycle model, U74-like, hardware-time: clock_gettime through the vDSO takes 130 cycles \(130 ns\), through the system call 900 cycles \(900 ns\): 6\.9× the vDSO's/);
  assert.match(await cost.locator('svg.chart').first().innerHTML(), /Guest cycles per call/);
  assert.deepEqual(await cutOff(cost, 'svg.chart, #status, h1'), []);
  // Every label of every chart lies inside its SVG (labels above the bars, values right of them).
  const outside = await cost.locator('svg.chart text').evaluateAll((ts) => ts.filter((t) => {
    const e = t as unknown as { getBBox(): { x: number; width: number }; ownerSVGElement: { viewBox: { baseVal: { width: number } } } };
    const b = e.getBBox();
    return b.x < 0 || b.x + b.width > e.ownerSVGElement.viewBox.baseVal.width + 0.5;
  }).length);
  assert.equal(outside, 0, 'no chart text outside its chart');
  await shot(cost, 'webview-cost-narrow');
  await cost.close();
});

test('cost on both board profiles: the cycle and time charts show each way on each board, the measured board first', async () => {
  // per call, as `riscv-vdso cost` prints them: hardware 138 / 755 cycles, firmware 1637 / 1879 cycles
  const board = (timeCsr: 'hardware' | 'firmware', v: number, s: number): BoardCost => {
    const p = BOARD_PROFILES[timeCsr];
    const way = (cycles: number, instructions: number) => ({ cycles, ns: (cycles * 1e9) / p.coreHz, instructions });
    return { timeCsr, board: p.description, coreHz: p.coreHz, vdso: way(v, 98), syscall: way(s, 118), ratio: s / v, calibration: p.nullSyscallSource };
  };
  const boards = [board('hardware', 138, 755), board('firmware', 1637, 1879)];
  const result: CostResult = {
    program: 'clockloop', calls: 2000, timeMode: 'virtual', explain: 'What the counts include.',
    cycleModel: `hardware time CSR (${BOARD_PROFILES.hardware.description})`,
    vdso: { instructions: 196_217, hostNs: 2_353_765, cycles: 276_000, modelNs: 276_000 },
    syscall: { instructions: 236_215, hostNs: 72_203_963, cycles: 1_510_000, modelNs: 1_510_000 },
    boards,
  };
  const page = await open('cost-boards', 'cost.js', COST_BODY);
  await page.setViewportSize({ width: 420, height: 900 });
  await page.evaluate((r) => window.postMessage({ type: 'result', result: r }, '*'), result as unknown as Record<string, unknown>);
  await page.locator('svg.chart').nth(3).waitFor();
  const status = await page.locator('#status').innerText();
  assert.match(status, /through the system call 755 cycles \(755 ns\): 5\.5× the vDSO's\./);
  assert.match(status, /On the firmware-time board \(rdtime traps to M-mode firmware[^]*\) clock_gettime through the vDSO takes 1637 cycles \(1091 ns\), through the system call 1879 cycles \(1253 ns\): 1\.1×\./);
  for (const [chart, key] of [[0, 'cycles'], [1, 'ns']] as const) {
    const svg = page.locator('svg.chart').nth(chart);
    const labels = await svg.locator('text.label').allTextContents();
    assert.deepEqual(labels, ['hardware-time board, vDSO', 'hardware-time board, system call', 'firmware-time board, vDSO', 'firmware-time board, system call']);
    const widths = await svg.locator('rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
    const values = boards.flatMap((b) => [b.vdso[key], b.syscall[key]]);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(widths[i] / widths[3] - values[i] / values[3]) < 0.01, `${key} bar ${i}: ${widths[i]}:${widths[3]}`);
  }
  assert.deepEqual(await page.locator('#figures th').allInnerTexts(), ['way', 'calls', 'instructions', 'per call', 'cycles per call (hardware)', 'cycles per call (firmware)', 'emulator µs per call']);
  assert.deepEqual(await cutOff(page, 'svg.chart, #status, h1'), []); // (the figures table scrolls sideways by design)
  assert.deepEqual((page as unknown as { violations: string[] }).violations, []);
  await shot(page, 'webview-cost-boards');
  await page.close();
});
