// dist/cli.js, the `riscv-vdso` command: runs the CLI's bundle (dist/cliMain.js, built from ./main.ts) through
// V8's code cache (./codeCache.ts), so a run does not compile the bundle again each time.
import { join } from 'node:path';
import { runBundle } from './codeCache';

/** The content hash of dist/cliMain.js, set by esbuild.mjs when it builds this launcher. */
declare const CLI_BUNDLE_HASH: string;

runBundle({ bundle: join(__dirname, 'cliMain.js'), buildHash: CLI_BUNDLE_HASH, command: process.argv[2] ?? '', require });
