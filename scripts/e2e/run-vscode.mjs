// Runs test/e2e/electron/suite.ts inside a real VS Code with @vscode/test-electron: downloads a VS Code build
// (so it needs network; the offline build machines use the code-server suite instead, npm run test:e2e),
// opens a copy of samples/ (plus test/e2e/fixtures as asm/) with this repository as the extension under
// development. Usage: npm run build && node scripts/e2e/run-vscode.mjs   (VSCODE_VERSION=stable by default)
import { build } from 'esbuild';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'rvl-vscode-'));
await build({
  entryPoints: [join(root, 'test/e2e/electron/suite.ts')], outfile: join(out, 'suite.js'),
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], logLevel: 'warning',
});
const ws = join(out, 'samples');
cpSync(join(root, 'samples'), ws, { recursive: true });
cpSync(join(root, 'test/e2e/fixtures'), join(ws, 'asm'), { recursive: true });
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(out, 'suite.js'),
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(out, 'user-data')],
  });
} catch (e) {
  console.error(`run-vscode: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
