// Benchmark: how long the language server takes to publish diagnostics for a 20,000-line .S file.
// Measures both over LSP (the built dist/lspServer.js, didOpen -> publishDiagnostics) and in-process
// (parse + diagnostics). Prints the figures; asserts nothing. Run: npm run build && npx tsx scripts/bench-lsp.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TestClient } from '../test/lsp/client';
import { parse } from '../src/lsp/parser';
import { computeDiagnostics } from '../src/lsp/features/diagnostics';

const LINES = 20_000;

function bigFile(): string {
  // real code: the project's kernel entry and bare-metal fixtures, repeated with renamed labels
  const seeds = ['src/guest/kernel/entry.S', 'test/fixtures/bare/trap.S', 'test/fixtures/bare/sv39.S']
    .map((f) => readFileSync(join(__dirname, '..', f), 'utf8').split('\n'));
  const out: string[] = [];
  for (let copy = 0; out.length < LINES; copy++) {
    for (const l of seeds[copy % seeds.length]) {
      if (out.length >= LINES) break;
      out.push(l.replace(/\b([A-Za-z_]\w*):/, `$1_${copy}:`));
    }
  }
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const text = bigFile();
  console.log(`${text.split('\n').length - 1} lines, ${text.length} bytes`);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const d = computeDiagnostics(parse(text, true));
    console.log(`in-process parse + diagnostics: ${(performance.now() - t0).toFixed(1)} ms (${d.length} diagnostics)`);
  }
  const c = await TestClient.start();
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const d = await c.open(`file:///bench/big${i}.S`, text);
    console.log(`over LSP (didOpen -> publishDiagnostics): ${(performance.now() - t0).toFixed(1)} ms (${d.length} diagnostics)`);
  }
  await c.stop();
}

void main();
