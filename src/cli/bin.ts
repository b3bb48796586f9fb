// dist/cli.js, the `riscv-vdso` command: runs the CLI's bundle (dist/cliMain.js, built from ./main.ts) through
// V8's code cache (./codeCache.ts), so a run does not compile the bundle again each time.
import { join } from 'node:path';
import { runBundle } from './codeCache';

/** The content hash of dist/cliMain.js, set by esbuild.mjs when it builds this launcher. */
declare const CLI_BUNDLE_HASH: string;

const bundle = join(__dirname, 'cliMain.js');
try {
  runBundle({ bundle, buildHash: CLI_BUNDLE_HASH, command: process.argv[2] ?? '', require });
} catch (e) {
  // the bundle's own errors are reported by main.ts; this is a missing or unreadable install
  const code = (e as NodeJS.ErrnoException).code;
  process.stderr.write(`riscv-vdso: cannot start: ${code ? `${bundle}: ${code === 'ENOENT' ? 'missing (npm run build makes it)' : code}` : (e as Error).message}\n`);
  process.exitCode = 1;
}
