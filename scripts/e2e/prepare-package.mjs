// Before `vsce package`: put the clockloop program (the "Show vDSO vs syscall cost" workload, a static
// riscv64 binary from test/fixtures/linux) beside the guest images in dist/guest, so the installed extension
// needs no toolchain and no workspace to measure.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const src = 'test/fixtures/linux/build/clockloop';
mkdirSync('dist/guest', { recursive: true });
if (existsSync(src)) copyFileSync(src, 'dist/guest/clockloop');
else console.warn(`prepare-package: ${src} is missing; the cost view will look in the workspace's bin/ instead`);
