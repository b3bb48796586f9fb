// The HTML shell of our webviews: a strict Content-Security-Policy (no inline script or style, scripts only
// with this page's nonce, resources only from the extension's media/), one stylesheet, one script.
// Pure (no `vscode`): the panels pass webview.cspSource and asWebviewUri() results in; the Chromium tests
// (test/extension/webviews.test.ts) load the same shell with file: URLs.
import { randomBytes } from 'node:crypto';

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, 'x');
}

export interface ShellOptions {
  title: string;
  /** webview.cspSource (or the test page's origin). */
  cspSource: string;
  nonce: string;
  styleUri: string;
  scriptUri: string;
  /** Static markup inside <body> (no script, no style attributes). */
  body: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function webviewHtml(o: ShellOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(o.styleUri)}">
<title>${esc(o.title)}</title>
</head>
<body>
${o.body}
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>
`;
}

export const VVAR_BODY = `<header><h1>[vvar] data page</h1><p id="where">No riscv-vdso debug session is stopped.</p>
<p class="muted" id="units">Units: <code>sec</code> in seconds; <code>nsec</code> of the high-resolution clocks
(REALTIME, MONOTONIC, BOOTTIME, TAI, RAW) is stored shifted left by <code>shift</code> (nanoseconds × 2<sup>shift</sup>), so the
vDSO can add <code>(cycles − cycle_last) × mult</code> before one right shift; the coarse clocks keep plain nanoseconds.
<code>cycle_last</code> counts ticks of the <code>time</code> CSR.</p></header>
<main id="entries"></main>`;

export const MEMORY_BODY = `<header><h1 id="mem-title">Memory</h1><p id="mem-status" class="muted">Nothing is open yet.</p>
<form id="mem-write" hidden><label>Write at <code id="mem-at"></code> <input id="mem-bytes" size="24" placeholder="hex bytes: de ad be ef" spellcheck="false" autocomplete="off"></label>
<button type="submit">Write</button> <span id="mem-result" class="muted"></span></form></header>
<main><div id="mem-rows" class="memory"></div><p id="mem-more" class="muted" hidden>Scroll on for the next page…</p></main>`;

export const COST_BODY = `<header><h1>vDSO vs system call: clock_gettime(CLOCK_MONOTONIC)</h1><p id="status">Not measured yet.</p></header>
<main><div id="charts"></div><table id="figures"></table><p id="explain" class="muted"></p></main>`;
