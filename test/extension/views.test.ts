// The webviews' pure parts: the [vvar] model (decode, diff against the previous stop, dates, seq odd) and the
// HTML shell's Content-Security-Policy. Drawing is tested in Chromium by the e2e suite (test/e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVvarModel, readableDate } from '../../src/extension/views/vvarModel';
import { webviewHtml, contentSecurityPolicy, VVAR_BODY } from '../../src/extension/views/html';
import { formatVdsoSymbols, hexDump } from '../../src/extension/vdsoTable';
import { basetimeOffset, VDSO_DATA_ARRAY_SIZE, VDSO_DATA_SIZE, CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_REALTIME_COARSE, CS_HRES_COARSE } from '../../src/kernel/vdso/datapage';

function page(seq: number, realSec: bigint, shift = 24): Uint8Array {
  const b = new Uint8Array(VDSO_DATA_ARRAY_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, seq, true);
  dv.setInt32(4, 1, true);            // clock_mode ARCHTIMER
  dv.setUint32(28, shift, true);      // shift
  dv.setBigUint64(basetimeOffset(CS_HRES_COARSE, CLOCK_REALTIME), realSec, true);
  dv.setBigUint64(basetimeOffset(CS_HRES_COARSE, CLOCK_REALTIME) + 8, 500_000_000n << BigInt(shift), true);
  dv.setBigUint64(basetimeOffset(CS_HRES_COARSE, CLOCK_MONOTONIC), 62n, true);
  dv.setBigUint64(basetimeOffset(CS_HRES_COARSE, CLOCK_REALTIME_COARSE), realSec, true);
  dv.setBigUint64(basetimeOffset(CS_HRES_COARSE, CLOCK_REALTIME_COARSE) + 8, 250_000_000n, true);
  dv.setUint32(VDSO_DATA_SIZE, 2, true); // vd[1].seq
  return b;
}

const row = (m: ReturnType<typeof buildVvarModel>['model'], entry: number, name: string) => m.entries[entry].rows.find((r) => r.name === name)!;

test('first stop: decoded, nothing changed, dates readable, shifted nsec of hres clocks unshifted', () => {
  const { model } = buildVvarModel(page(4, 1_764_046_040n), 0x3ff7ffb000n, undefined, 1, 'breakpoint');
  assert.equal(model.address, '0x3ff7ffb000');
  assert.equal(model.changedCount, 0);
  assert.equal(row(model, 0, 'seq').note, 'even: consistent');
  assert.match(row(model, 0, 'clock_mode').note!, /ARCHTIMER/);
  assert.equal(row(model, 0, 'basetime[CLOCK_REALTIME].sec').note, '2025-11-25 04:47:20.500000000 UTC');
  assert.equal(row(model, 0, 'basetime[CLOCK_REALTIME_COARSE].sec').note, '2025-11-25 04:47:20.250000000 UTC');
  assert.equal(row(model, 0, 'basetime[CLOCK_MONOTONIC].sec').note, '0d 00:01:02.000000000 since boot');
  assert.equal(row(model, 0, 'basetime[CLOCK_TAI].sec').note, undefined, 'an unset clock has no date');
  assert.equal(model.entries[1].title, 'vd[1] CS_RAW');
  assert.equal(model.entries[1].seq, '2');
});

test('next stop: changed fields are marked, an odd seq is a write in progress', () => {
  const first = buildVvarModel(page(4, 1_764_046_040n), 0x1000n, undefined, 1);
  const { model } = buildVvarModel(page(5, 1_764_046_041n), 0x1000n, first.values, 2);
  assert.deepEqual(model.entries[0].rows.filter((r) => r.changed).map((r) => r.name).sort(),
    ['basetime[CLOCK_REALTIME].sec', 'basetime[CLOCK_REALTIME_COARSE].sec', 'seq']);
  assert.equal(model.changedCount, 3);
  assert.equal(model.entries[0].writeInProgress, true);
  assert.equal(row(model, 0, 'seq').warn, true);
  assert.match(row(model, 0, 'seq').note!, /write in progress/);
  assert.throws(() => buildVvarModel(new Uint8Array(16), 0n, undefined, 1), /need 480/);
  assert.equal(readableDate(0n, 0n), '1970-01-01 00:00:00.000000000 UTC');
});

test('the webview shell: strict CSP with a nonce, no inline script or style', () => {
  const html = webviewHtml({ title: 't', cspSource: 'vscode-webview://x', nonce: 'N0nce', styleUri: 'vscode-webview://x/webview.css', scriptUri: 'vscode-webview://x/vvar.js', body: VVAR_BODY });
  const csp = contentSecurityPolicy('vscode-webview://x', 'N0nce');
  assert.ok(html.includes(csp.replace(/'/g, "'")));
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-N0nce'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0][1], /nonce="N0nce"/);
  assert.equal(scripts[0][2], '', 'no inline script');
  assert.doesNotMatch(html, /<style|style="/);
});

test('vDSO symbol table with runtime addresses, and the hex dump', () => {
  const t = formatVdsoSymbols(0x3ff7ffd000n, 'vdso');
  assert.match(t, /mapped at 0x3ff7ffd000 in vdso \(\[vvar\] data page at 0x3ff7ffb000\)/);
  assert.match(t, /__vdso_clock_gettime  -> 0x3ff7ffd96a\n/);
  assert.match(t, /0000000000000000 g    DO \*ABS\*  0000000000000000  LINUX_4\.15  LINUX_4\.15\n/);
  assert.equal(hexDump(new Uint8Array([0x41, 0, 1, 2]), 0x10n), '000000000010:  41000102' .replace('41000102', '41 00 01 02') + ' '.repeat(52 - 11) + '  A...\n');
});

test('memory view model: page start, hex with changes, [vvar] field names over their bytes, hex input', async () => {
  const { pageStart, toHex, changedOffsets, vvarFields, parseHexBytes } = await import('../../src/extension/views/memoryModel');
  assert.equal(pageStart(0x3fffffe123n), 0x3fffffe000n);
  assert.equal(toHex(new Uint8Array([0, 0xab, 7]), 3), '00ab07');
  assert.deepEqual(changedOffsets(undefined, new Uint8Array(4)), []);
  assert.deepEqual(changedOffsets(new Uint8Array([1, 2, 3, 4]), new Uint8Array([1, 9, 3, 5, 6])), [1, 3]);
  const fields = vvarFields(0x1000n, 4096, 0x1000n);
  assert.deepEqual(fields.slice(0, 2), [{ offset: 0, size: 4, name: 'vd[0].seq' }, { offset: 4, size: 4, name: 'vd[0].clock_mode' }]);
  assert.ok(fields.some((f) => f.name === 'vd[1].seq' && f.offset === 240));
  assert.deepEqual(vvarFields(0x3000n, 4096, 0x1000n), [], 'another page has no [vvar] names');
  assert.deepEqual([...parseHexBytes('de ad BE ef')!], [0xde, 0xad, 0xbe, 0xef]);
  assert.deepEqual([...parseHexBytes('0x1,0x2')!], [1, 2]);
  assert.equal(parseHexBytes('zz'), undefined);
  assert.equal(parseHexBytes(''), undefined);
});
